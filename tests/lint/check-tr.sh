#!/usr/bin/env bash
# Every user-visible string of the desktop app goes through tr(): lupdate must
# be able to collect them all. Fails on any lupdate warning (a tr() it cannot
# place in a context, a class using tr() without Q_OBJECT, ...).
set -euo pipefail
lupdate=$1
source_dir=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$source_dir"
"$lupdate" -no-obsolete ui app/gui -ts "$work/ballast.ts" > "$work/out.txt" 2>&1
if grep -v -E '^(Scanning directory|Updating|    Found|    Kept|    Removed)' "$work/out.txt" | grep -q .; then
    grep -v -E '^(Scanning directory|Updating|    Found|    Kept|    Removed)' "$work/out.txt" >&2
    exit 1
fi
count=$(grep -c '<source>' "$work/ballast.ts")
[[ $count -gt 500 ]] || { echo "only $count strings collected" >&2; exit 1; }
echo "lupdate: $count strings collected, no warnings"
