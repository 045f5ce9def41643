#!/usr/bin/env bash
# Runs clang-tidy with the committed .clang-tidy over the project's own sources,
# using the compile commands of a configured build directory.
#
#   check-tidy.sh SOURCE_DIR BUILD_DIR            check what changed since the last clean run
#   check-tidy.sh SOURCE_DIR BUILD_DIR --all      check every file
#   check-tidy.sh SOURCE_DIR BUILD_DIR --update   check what changed, then record the clean files
#
# Every file takes 20-40 s (it is parsed with the Qt headers and each check
# walks the whole tree), so a full run is about 15 minutes on 2 cores. The
# suite therefore checks the files that changed since a full clean run:
# tests/lint/tidy-clean.txt lists a fingerprint per file found clean (its
# text, the project headers it includes, .clang-tidy and the clang-tidy
# version; see tidy-fingerprints.pl). A file whose fingerprint is not listed
# there is checked, whatever the reason. `bash packaging/dev.sh lint` runs with
# --update and so keeps the list current; a stale list costs time, never a check.
set -euo pipefail
source_dir=$1
build_dir=$2
mode=${3:-changed}
cd "$source_dir"
here=tests/lint
stamps=$here/tidy-clean.txt
mapfile -t files < <(git ls-files 'core/*.cpp' 'app/*.cpp' 'ui/*.cpp')
[[ ${#files[@]} -gt 0 ]] || { echo "no sources found" >&2; exit 1; }
# The version line only: the rest of `clang-tidy --version` names the host CPU,
# which changes from one machine (or one boot of a virtual machine) to the
# next and says nothing about the checks.
version=$(clang-tidy --version | grep -m1 -i 'version' | tr -s ' ')
fingerprints=$(perl "$here/tidy-fingerprints.pl" "$version" "${files[@]}")

if [[ $mode == --all ]]; then
    todo=("${files[@]}")
else
    mapfile -t todo < <(
        if [[ -f $stamps ]]; then
            # Lines of the current fingerprints that the clean list lacks.
            grep -vxF -f "$stamps" <<<"$fingerprints" | cut -d' ' -f2- || true
        else
            cut -d' ' -f2- <<<"$fingerprints"
        fi
    )
fi

jobs=$(nproc 2>/dev/null || echo 2)
failed=()
if [[ ${#todo[@]} -gt 0 ]]; then
    echo "clang-tidy: checking ${#todo[@]} of ${#files[@]} files"
    # One clang-tidy per file, so that each clean file is known even when
    # another has a finding: an hour of checking is not lost to one warning.
    results=$(mktemp -d)
    trap 'rm -rf "$results"' EXIT
    export build_dir results
    printf '%s\n' "${todo[@]}" | xargs -P "$jobs" -I{} bash -c '
        name=$(printf "%s" "$1" | tr "/" "_")
        if clang-tidy -p "$build_dir" --quiet "$1"; then touch "$results/ok.$name"; fi' _ {}
    for file in "${todo[@]}"; do
        [[ -e $results/ok.$(printf '%s' "$file" | tr '/' '_') ]] || failed+=("$file")
    done
fi

if [[ $mode == --update || $mode == --all ]]; then
    # Record every file that is clean now: those not checked (clean before,
    # unchanged) and those checked without a finding.
    if [[ ${#failed[@]} -eq 0 ]]; then
        printf '%s\n' "$fingerprints" >"$stamps"
    else
        grep -vF -f <(printf ' %s\n' "${failed[@]}") <<<"$fingerprints" >"$stamps" || true
    fi
    echo "clang-tidy: recorded $(wc -l <"$stamps") clean fingerprints in $stamps"
fi

if [[ ${#failed[@]} -gt 0 ]]; then
    echo "clang-tidy: findings in ${#failed[@]} file(s): ${failed[*]}" >&2
    exit 1
fi
echo "clang-tidy: ${#files[@]} files clean (${#todo[@]} checked now, the rest unchanged since a clean run)"
