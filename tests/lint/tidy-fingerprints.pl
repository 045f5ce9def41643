#!/usr/bin/perl
# Prints "<fingerprint> <file>" for each source file given (paths relative to
# the source directory, which is the current directory). The fingerprint is a
# SHA-256 over what clang-tidy's verdict on the file depends on within the
# project: the file's text, the text of every project header it includes
# (directly or through other headers; looked up beside the includer and in
# core/ and ui/, the include roots), the committed .clang-tidy and the
# clang-tidy version given as the first argument. System and Qt headers come
# from the Debian packages, which the version line stands for.
use strict;
use warnings;
use Digest::SHA qw(sha256_hex);
use File::Basename qw(dirname);

my $tool_version = shift @ARGV;
my @roots = ('core', 'ui');
my %text;

sub slurp {
    my ($path) = @_;
    return $text{$path} if exists $text{$path};
    open(my $fh, '<', $path) or return $text{$path} = undef;
    local $/;
    my $content = <$fh>;
    close $fh;
    return $text{$path} = $content;
}

sub resolve {
    my ($includer, $name) = @_;
    for my $dir (dirname($includer), @roots) {
        my $candidate = "$dir/$name";
        return $candidate if -f $candidate;
    }
    return undef;
}

my $config = slurp('.clang-tidy') // '';
for my $file (@ARGV) {
    my %seen;
    my @queue = ($file);
    while (@queue) {
        my $path = shift @queue;
        next if $seen{$path}++;
        my $content = slurp($path) // next;
        while ($content =~ /^\s*#\s*include\s+"([^"]+)"/mg) {
            my $header = resolve($path, $1);
            push @queue, $header if defined $header;
        }
    }
    my $sha = Digest::SHA->new(256);
    $sha->add($tool_version, "\0", $config, "\0");
    for my $path (sort keys %seen) {
        $sha->add($path, "\0", slurp($path) // '', "\0");
    }
    print $sha->hexdigest, " $file\n";
}
