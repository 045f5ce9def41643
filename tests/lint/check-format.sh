#!/usr/bin/env bash
# Fails when a tracked C++ file differs from the committed .clang-format style.
set -euo pipefail
cd "$1"
mapfile -t files < <(git ls-files '*.cpp' '*.h')
[[ ${#files[@]} -gt 0 ]] || { echo "no C++ files found in $1" >&2; exit 1; }
clang-format --dry-run -Werror "${files[@]}"
echo "clang-format: ${#files[@]} files clean"
