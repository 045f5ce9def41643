#!/usr/bin/env bash
# Build the Debian package in a configured CMake build directory and check that it
# contains everything a full (GUI) installation needs.
#
#   packaging/check-deb.sh [--cli-only] <build-dir>
#
#   --cli-only   for a build configured with -DBALLAST_BUILD_GUI=OFF: only
#                ./usr/bin/ballast-cli is required.
#
# Environment: CPACK (default: cpack), DPKG_DEB (default: dpkg-deb).
# Exit status: 0 package complete, 1 package missing entries or cpack failed,
#              2 usage or environment error.
set -euo pipefail

prog=${0##*/}
cli_only=0

usage() {
    echo "usage: $prog [--cli-only] <build-dir>" >&2
    exit 2
}

while [[ $# -gt 0 ]]; do
    case $1 in
        --cli-only) cli_only=1; shift ;;
        -h|--help) usage ;;
        --) shift; break ;;
        -*) echo "$prog: unknown option: $1" >&2; usage ;;
        *) break ;;
    esac
done
[[ $# -eq 1 ]] || usage

build_dir=$1
cpack=${CPACK:-cpack}
dpkg_deb=${DPKG_DEB:-dpkg-deb}

if [[ ! -d $build_dir ]]; then
    echo "$prog: build directory not found: $build_dir" >&2
    exit 2
fi
build_dir=$(cd -- "$build_dir" && pwd)
if [[ ! -f $build_dir/CPackConfig.cmake ]]; then
    echo "$prog: $build_dir/CPackConfig.cmake not found; configure the project with CMake first" >&2
    exit 2
fi
for tool in "$cpack" "$dpkg_deb"; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "$prog: required tool not found: $tool" >&2
        exit 2
    fi
done

echo "== $prog: running $cpack -G DEB in $build_dir"
cpack_log=$(mktemp)
trap 'rm -f -- "$cpack_log"' EXIT
if ! (cd -- "$build_dir" && "$cpack" -G DEB) 2>&1 | tee "$cpack_log"; then
    echo "FAIL: $cpack -G DEB failed in $build_dir" >&2
    exit 1
fi

# CPack reports "CPack: - package: /path/to/file.deb generated."
mapfile -t debs < <(sed -n 's/^CPack: - package: \(.*\.deb\) generated\.$/\1/p' "$cpack_log")
if [[ ${#debs[@]} -ne 1 ]]; then
    echo "FAIL: expected exactly one .deb from cpack, got ${#debs[@]}: ${debs[*]:-none}" >&2
    exit 1
fi
deb=${debs[0]}
if [[ ! -f $deb ]]; then
    echo "FAIL: cpack reported $deb but the file does not exist" >&2
    exit 1
fi

echo
echo "== package: $deb"
"$dpkg_deb" --field "$deb" Package Version Architecture Section Depends
echo
echo "== contents (dpkg-deb -c)"
listing=$("$dpkg_deb" -c "$deb")
printf '%s\n' "$listing"
echo

# dpkg-deb -c prints tar-style lines: mode owner size date time path [-> target]
declare -A mode_of=()
while read -r mode _ _ _ _ path _; do
    [[ -n ${path:-} ]] && mode_of[$path]=$mode
done <<<"$listing"

required_exec=(./usr/bin/ballast-cli)
required_files=(
    ./usr/lib/ballast/libballast_cli.so
    ./usr/lib/systemd/user/ballast-check.service
    ./usr/lib/systemd/user/ballast-check.timer
)
# The keychain module, where this build has one (QtKeychain found).
if [[ -n $(find "$build_dir/lib/ballast" -name 'libballast_keychain.so' 2>/dev/null) ]]; then
    required_files+=(./usr/lib/ballast/libballast_keychain.so)
fi
if [[ $cli_only -eq 0 ]]; then
    required_exec+=(./usr/bin/ballast)
    required_files+=(
        ./usr/share/applications/io.ballast.Ballast.desktop
        ./usr/share/metainfo/io.ballast.Ballast.metainfo.xml
        ./usr/share/icons/hicolor/scalable/apps/io.ballast.Ballast.svg
    )
fi

missing=0
for path in "${required_exec[@]}"; do
    mode=${mode_of[$path]:-}
    if [[ -z $mode ]]; then
        echo "MISSING: $path"
        missing=1
    elif [[ $mode != -??x* ]]; then
        echo "NOT EXECUTABLE: $path ($mode)"
        missing=1
    else
        echo "ok: $path"
    fi
done
for path in "${required_files[@]}"; do
    mode=${mode_of[$path]:-}
    if [[ -z $mode ]]; then
        echo "MISSING: $path"
        missing=1
    elif [[ $mode != -* ]]; then
        echo "NOT A REGULAR FILE: $path ($mode)"
        missing=1
    else
        echo "ok: $path"
    fi
done

if [[ $missing -ne 0 ]]; then
    echo "FAIL: $deb is incomplete" >&2
    exit 1
fi
echo "PASS: $deb contains all required files"
