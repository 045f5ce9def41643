#!/usr/bin/env bash
# Runs clang-tidy with the committed .clang-tidy over the project's own sources,
# using the compile commands of a configured build directory.
set -euo pipefail
source_dir=$1
build_dir=$2
cd "$source_dir"
mapfile -t files < <(git ls-files 'core/*.cpp' 'app/*.cpp' 'ui/*.cpp')
[[ ${#files[@]} -gt 0 ]] || { echo "no sources found" >&2; exit 1; }
jobs=$(nproc 2>/dev/null || echo 2)
printf '%s\n' "${files[@]}" | xargs -P "$jobs" -n 4 clang-tidy -p "$build_dir" --quiet
echo "clang-tidy: ${#files[@]} files clean"
