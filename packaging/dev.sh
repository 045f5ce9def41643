#!/usr/bin/env bash
# The README's two Quick start commands, on a fresh Debian 12 or Ubuntu machine:
#
#   bash packaging/dev.sh run    install what is missing, build, start Ballast on the demo
#   bash packaging/dev.sh test   install what is missing, build twice (headless core and
#                                full), and run the whole test suite
#
# .ci/run calls "bash packaging/dev.sh test" and nothing else.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$here"
jobs=$(nproc 2>/dev/null || echo 2)

# Debian package names; each is installed only when it is absent.
packages=(
    build-essential cmake ninja-build pkg-config git
    qt6-base-dev qt6-base-dev-tools libqt6opengl6-dev qt6-charts-dev qt6-httpserver-dev
    qt6-websockets-dev libqt6svg6 libqt6sql6-sqlite qt6-qpa-plugins qt6-l10n-tools
    libssl-dev libsqlite3-dev sqlite3 libeigen3-dev qtkeychain-qt6-dev libbenchmark-dev
    clang-format clang-tidy desktop-file-utils appstream dpkg-dev file xvfb xauth
)

log() { printf '\n== %s\n' "$*"; }

install_missing() {
    local missing=()
    for package in "${packages[@]}"; do
        if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed'; then
            missing+=("$package")
        fi
    done
    if [[ ${#missing[@]} -eq 0 ]]; then
        log "All ${#packages[@]} build packages are installed"
        return
    fi
    log "Installing ${missing[*]}"
    local sudo=()
    [[ $(id -u) -eq 0 ]] || sudo=(sudo)
    "${sudo[@]}" apt-get update -q
    DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
}

configure_and_build() { # build-dir, extra cmake arguments...
    local dir=$1
    shift
    log "Building in $dir ($*)"
    cmake -S . -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DBALLAST_WERROR=ON "$@"
    cmake --build "$dir" -j "$jobs"
}

run_app() {
    configure_and_build build
    if [[ -n ${DISPLAY:-} || -n ${WAYLAND_DISPLAY:-} ]]; then
        log "Starting Ballast (the first run opens the demo portfolio on the paper exchange)"
        exec build/bin/ballast
    fi
    log "No display: showing the demo portfolio with ballast-cli instead"
    if ! build/bin/ballast-cli status >/dev/null 2>&1; then
        build/bin/ballast-cli init --demo
    fi
    build/bin/ballast-cli status
}

run_tests() {
    # 1. Headless: core, ballast-cli and the core tests only. A widget include in
    #    core fails here, because Qt Gui and Widgets are not even looked up.
    configure_and_build build-core -DBALLAST_BUILD_GUI=OFF
    log "Core tests (headless build)"
    (cd build-core && ctest --output-on-failure -j "$jobs" -L 'unit|integration')

    # 2. Full build: every test label. Benchmarks run as short smoke runs.
    configure_and_build build
    log "All tests (full build)"
    (cd build && QT_QPA_PLATFORM=offscreen ctest --output-on-failure -j "$jobs")
}

case ${1:-} in
    run) install_missing; run_app ;;
    test) install_missing; run_tests ;;
    *) echo "usage: bash packaging/dev.sh run|test" >&2; exit 2 ;;
esac
