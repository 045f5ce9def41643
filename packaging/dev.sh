#!/usr/bin/env bash
# The README's two Quick start commands, on a fresh Debian 12 or Ubuntu machine:
#
#   bash packaging/dev.sh run    install what is missing, build, start Ballast on the demo
#   bash packaging/dev.sh test   install what is missing, build once with clang under
#                                AddressSanitizer and UndefinedBehaviorSanitizer, and run
#                                the whole test suite in that build
#
# By hand:
#   bash packaging/dev.sh lint   clang-tidy over every changed file; records the clean ones
#                                in tests/lint/tidy-clean.txt (commit it)
#   bash packaging/dev.sh tsan   the threaded tests under ThreadSanitizer (the first run
#                                also builds Qt Core under ThreadSanitizer: 30-60 minutes)
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
    clang libclang-rt-dev lld ccache clang-format clang-tidy desktop-file-utils appstream dpkg-dev file xvfb xauth
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

configure_and_build() { # build-dir, extra cmake arguments...; $targets, when set, the only ones built
    local dir=$1
    shift
    log "Building in $dir ($*)"
    # ccache makes a second run, or another tree of the same sources, cheap.
    local launcher=()
    command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
    cmake -S . -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DBALLAST_WERROR=ON "${launcher[@]}" "$@"
    # shellcheck disable=SC2086 # $targets is a list of target names
    cmake --build "$dir" -j "$jobs" ${targets:+--target $targets}
}

run_app() {
    # The two programs only: the tests, benchmarks and fuzz replays (most of
    # the tree's targets) are built by "test" and "lint".
    targets="ballast ballast-cli" configure_and_build build
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

# The sanitizer build: clang, -O1 with line tables (full speed matters less than
# a short build), every target instrumented through BALLAST_SANITIZE.
sanitized_build() { # build-dir, sanitizers
    CC=clang CXX=clang++ configure_and_build "$1" -DBALLAST_SANITIZE="$2" \
        -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g1 -DNDEBUG" -DCMAKE_EXE_LINKER_FLAGS="-fuse-ld=lld"
}

sanitizer_environment() {
    # halt_on_error: a report fails the test that caused it. The suppressions
    # files say why each entry is there.
    export ASAN_OPTIONS=detect_leaks=1:halt_on_error=1:abort_on_error=1:detect_stack_use_after_return=0
    export LSAN_OPTIONS=suppressions=$here/tests/sanitizers/lsan.supp:print_suppressions=0
    export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1:suppressions=$here/tests/sanitizers/ubsan.supp
    export TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1:suppressions=$here/tests/sanitizers/tsan.supp
}

run_tests() {
    # One tree, compiled once: core, both programs and every test, instrumented
    # with AddressSanitizer and UndefinedBehaviorSanitizer, so the whole suite is
    # the sanitizer pass. That the headless parts stay headless is a test of its
    # own (lint_headless), not a second build.
    sanitized_build build-ci "address;undefined"
    log "All tests (AddressSanitizer and UndefinedBehaviorSanitizer)"
    sanitizer_environment
    (cd build-ci && QT_QPA_PLATFORM=offscreen ctest --output-on-failure -j "$jobs")
}

run_tsan() {
    # The tests that run code on more than one thread: the execution worker and
    # the executor, the account worker (Accounts page), sweeps (Backtest page and
    # the backtester), the alert monitor, imports on a worker, the fault matrix
    # (a thread per seed), the pages that read on a background reader (the
    # policy monitor, Transactions, Holdings and Gains with their cost-basis
    # loader), the cost-basis pass that splits its methods over two threads, the
    # streaming price import (parser thread and writer), the backtest's parallel
    # file loading, and the GUI responsiveness benchmarks. Only they (and
    # ballast-cli) are built.
    local tests=(tst_executionworker tst_executor tst_backtester tst_accountsview tst_alerts tst_backtestview
        tst_importdialog tst_rebalanceview tst_targetsview tst_guinonblocking tst_faultmatrix tst_fillsproperty
        tst_policygui tst_transactionsview tst_holdingsview tst_gainsview tst_costbasis tst_priceimporter
        tst_backtestfiles
        bench_responsiveness_execution bench_responsiveness_sweep)
    log "Building the threaded tests in build-tsan (ThreadSanitizer)"
    CC=clang CXX=clang++ cmake -S . -B build-tsan -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DBALLAST_WERROR=ON \
        -DBALLAST_SANITIZE=thread -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g1 -DNDEBUG" \
        -DCMAKE_EXE_LINKER_FLAGS="-fuse-ld=lld" $(command -v ccache >/dev/null && echo -DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
    cmake --build build-tsan -j "$jobs" --target ballast-cli "${tests[@]}"
    # Debian's Qt Core is not instrumented: its synchronisation would be
    # invisible and every queued call a false race. The tests load a Qt Core of
    # the same version built under ThreadSanitizer instead (packaging/qt-tsan.sh;
    # built once, then kept in build-qt-tsan).
    log "Qt Core $(dpkg-query -W -f='${Version}' libqt6core6) under ThreadSanitizer (build-qt-tsan)"
    local qtcore
    qtcore=$(bash packaging/qt-tsan.sh build-qt-tsan)
    export LD_LIBRARY_PATH=$qtcore${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
    # That Core is not installed, so it is told where Debian's plugins are.
    export QT_PLUGIN_PATH=/usr/lib/$(dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null || gcc -print-multiarch)/qt6/plugins
    if ! ldd build-tsan/bin/ballast-cli | grep -q "libQt6Core.so.6 => $qtcore/"; then
        echo "the tests would not load the instrumented Qt Core from $qtcore" >&2
        exit 1
    fi
    log "Threaded tests under ThreadSanitizer"
    sanitizer_environment
    local regex
    regex="^($(IFS='|'; echo "${tests[*]}"))\$"
    (cd build-tsan && QT_QPA_PLATFORM=offscreen ctest --output-on-failure -j "$jobs" -R "$regex")
}

run_lint() {
    configure_and_build build
    log "clang-tidy over the files changed since the last clean run"
    bash tests/lint/check-tidy.sh "$here" build --update
    bash tests/lint/check-format.sh "$here"
    bash tests/lint/check-layers.sh "$here"
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
    lint) install_missing; run_lint ;;
    tsan) install_missing; run_tsan ;;
    fuzz) shift; install_missing; run_fuzz "$@" ;;
    *) echo "usage: bash packaging/dev.sh run|test|lint|tsan|fuzz [SECONDS] [TARGET...]" >&2; exit 2 ;;
esac
