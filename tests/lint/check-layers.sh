#!/usr/bin/env bash
# The application layer's rule (docs/architecture.md): the front ends (ui/,
# app/) reach the ledger through core/services, never by constructing a
# repository, and core/storage holds repositories only, so it includes
# nothing from rebalance/, market/, exchange/ or services/. Prints each
# offence as file:line and fails when there is one.
set -euo pipefail
cd "$1"

# Every class declared in core/storage except the SQLite plumbing the front
# ends may still use (opening the database, its path).
mapfile -t repos < <(git ls-files 'core/storage/*.h' | xargs perl -ne 'print "$1\n" if /^\s*class\s+(\w+)\s*(?:final\s*)?(?:[:{]|$)/' |
    grep -vxE 'Database|Statement|Transaction|SqlError|Schema' | sort -u)
[[ ${#repos[@]} -gt 0 ]] || { echo "no repository classes found in core/storage" >&2; exit 1; }
names=$(IFS='|'; echo "${repos[*]}")

mapfile -t frontEnd < <(git ls-files 'ui/*.cpp' 'ui/*.h' 'app/*.cpp' 'app/*.h')
mapfile -t storage < <(git ls-files 'core/storage/*.cpp' 'core/storage/*.h')

status=0
# A construction: a temporary (Repo(db), Repo{db}), a variable (Repo repo(db);
# Repo repo{db}; Repo repo;), new Repo or make_unique/make_shared<Repo>.
# Comments and string literals are blanked first.
if ! perl -e '
    my $names = shift;
    my $found = 0;
    for my $file (@ARGV) {
        open(my $in, "<", $file) or die "$file: $!";
        my $inBlock = 0;
        while (my $line = <$in>) {
            if ($inBlock) {
                next unless $line =~ s/^.*?\*\///;
                $inBlock = 0;
            }
            $line =~ s/"(?:[^"\\]|\\.)*"/""/g;
            $line =~ s/\/\*.*?\*\///g;
            $inBlock = 1 if $line =~ s/\/\*.*$//;
            $line =~ s/\/\/.*$//;
            if ($line =~ /(?<!\w)(?:storage::)?($names)\b(?!::)\s*(?:[({]|[A-Za-z_]\w*\s*[({;])/
                || $line =~ /\bnew\s+(?:storage::)?($names)\b/
                || $line =~ /make_(?:unique|shared)\s*<\s*(?:ballast::)?(?:storage::)?($names)\s*>/) {
                print "$file:$.: constructs storage::$1 (go through core/services)\n";
                $found = 1;
            }
        }
    }
    exit $found;
' "$names" "${frontEnd[@]}"; then
    status=1
fi

# storage/ is the bottom of the ledger: domain values and SQLite only.
if grep -nE '^\s*#\s*include\s*"(rebalance|market|exchange|services)/' "${storage[@]}"; then
    echo "core/storage must not include rebalance/, market/, exchange/ or services/ (the lines above)"
    status=1
fi

if [[ $status -eq 0 ]]; then
    echo "layers: ${#frontEnd[@]} ui/app files construct no repository (${#repos[@]} classes); core/storage includes no upper layer"
fi
exit $status
