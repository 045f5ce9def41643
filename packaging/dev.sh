#!/usr/bin/env bash
# The README's two Quick start commands, on a fresh Debian 12 or Ubuntu machine:
#
#   bash packaging/dev.sh run    install what is missing, build, start Ballast on the demo
#   bash packaging/dev.sh test   install what is missing, build twice (headless core and
#                                full), and run the whole test suite
#
# and for the parsers of outside input (docs/fuzzing.md):
#
#   bash packaging/dev.sh fuzz [SECONDS] [TARGET...]
#                                build the libFuzzer targets with clang in build-fuzz, run
#                                each for SECONDS (default 600), merge what they found into
#                                tests/fuzz/corpus, keep crashes in build-fuzz/artifacts
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
    clang libclang-rt-dev
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

# One campaign: every fuzz target (or those named) for SECONDS each, one after
# the other. The build is clang with AddressSanitizer, UndefinedBehaviorSanitizer
# and libFuzzer's coverage instrumentation over the whole of core, not only
# the targets.
run_fuzz() {
    local seconds=${1:-600}
    if [[ ! $seconds =~ ^[0-9]+$ || $seconds -eq 0 ]]; then
        echo "usage: bash packaging/dev.sh fuzz [SECONDS] [TARGET...]" >&2
        exit 2
    fi
    [[ $# -gt 0 ]] && shift
    local names=("$@")
    if [[ ${#names[@]} -eq 0 ]]; then
        local source
        for source in tests/fuzz/fuzz_*.cpp; do
            source=${source##*/fuzz_}
            names+=("${source%.cpp}")
        done
    fi
    local dir=build-fuzz
    local flags="-fsanitize=address,undefined,fuzzer-no-link -fno-sanitize-recover=undefined"
    local launcher=()
    command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
    log "Building the fuzz targets in $dir (clang++ $flags)"
    cmake -S . -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DBALLAST_WERROR=ON \
        -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_CXX_FLAGS="$flags" "${launcher[@]}" \
        -DBALLAST_BUILD_GUI=OFF -DBALLAST_BUILD_BENCHMARKS=OFF -DBALLAST_FUZZ=ON
    local name
    local targets=()
    for name in "${names[@]}"; do
        targets+=("fuzz_$name")
    done
    cmake --build "$dir" -j "$jobs" --target "${targets[@]}"

    local artifacts=$dir/artifacts
    mkdir -p "$artifacts" "$dir/fuzz-logs"
    local summary=() failed=0
    for name in "${names[@]}"; do
        local binary=$dir/tests/fuzz/fuzz_$name corpus=tests/fuzz/corpus/$name scratch=$dir/fuzz-corpus/$name
        local logfile=$dir/fuzz-logs/$name.log dict=()
        [[ -f tests/fuzz/dict/$name.dict ]] && dict=(-dict="tests/fuzz/dict/$name.dict")
        mkdir -p "$scratch" "$corpus"
        log "Fuzzing $name for ${seconds}s (log: $logfile)"
        local started=$SECONDS status=0
        # New inputs go to the scratch folder (the first one given); the
        # committed corpus is read as seeds only.
        "$binary" -max_total_time="$seconds" -timeout=10 -print_final_stats=1 "${dict[@]}" \
            -artifact_prefix="$artifacts/$name-" "$scratch" "$corpus" >"$logfile" 2>&1 || status=$?
        local took=$((SECONDS - started))
        grep -E '^#[0-9]+[[:space:]]+(INITED|DONE)|^==[0-9]+==ERROR|^SUMMARY|artifact_prefix|Test unit written' "$logfile" || true
        # Only inputs that add coverage join the committed corpus.
        local before after
        before=$(find "$corpus" -type f | wc -l)
        "$binary" -merge=1 "$corpus" "$scratch" >"$dir/fuzz-logs/$name.merge.log" 2>&1 ||
            echo "merge of $name failed: see $dir/fuzz-logs/$name.merge.log"
        after=$(find "$corpus" -type f | wc -l)
        local line runs cov ft
        line=$(grep -E '^#[0-9]+[[:space:]]+(DONE|INITED|NEW|REDUCE|pulse)' "$logfile" | tail -n 1 || true)
        runs=$(grep -oE '^stat::number_of_executed_units: *[0-9]+' "$logfile" | grep -oE '[0-9]+$' || true)
        cov=$(grep -oE 'cov: [0-9]+' <<<"$line" | grep -oE '[0-9]+' || true)
        ft=$(grep -oE 'ft: [0-9]+' <<<"$line" | grep -oE '[0-9]+' || true)
        local verdict=ok
        if [[ $status -ne 0 ]]; then
            verdict="FOUND A PROBLEM (exit $status)"
            failed=1
        fi
        summary+=("$(printf '%-12s %5ss  runs %-10s cov %-6s ft %-7s corpus %s -> %s  %s' \
            "$name" "$took" "${runs:-?}" "${cov:-?}" "${ft:-?}" "$before" "$after" "$verdict")")
    done

    log "Fuzzing summary (date: $(date -u '+%Y-%m-%d %H:%M UTC'))"
    printf '%s\n' "${summary[@]}"
    local found
    found=$(find "$artifacts" -type f | sort)
    if [[ -n $found ]]; then
        log "Artifacts (crashes, leaks, timeouts) in $artifacts"
        printf '%s\n' "$found"
    else
        log "No crash, leak or timeout artifacts"
    fi
    return $failed
}

case ${1:-} in
    run) install_missing; run_app ;;
    test) install_missing; run_tests ;;
    fuzz) shift; install_missing; run_fuzz "$@" ;;
    *) echo "usage: bash packaging/dev.sh run|test|fuzz [SECONDS] [TARGET...]" >&2; exit 2 ;;
esac
