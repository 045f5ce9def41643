#!/bin/bash
# Whole processes side by side, interleaved, medians: the figures of
# docs/benchmarks.md ("Backtests from CSV files"). Usage:
#   tests/bench/reference/compare_backtest.sh BUILD_DIR [RUNS]
# Writes the 20 hourly files (bench_backtestfiles --write-files) into
# BUILD_DIR/backtest-files unless they are there, then runs RUNS rounds of:
#   cold      ballast-cli backtest --no-cache (every file parsed)
#   repeated  ballast-cli backtest with the cache filled by the round before
#   reference tests/bench/reference/backtest_reference.py (numpy/pandas)
#   sweep/1   ballast-cli sweep of 100 rules on one core (taskset -c 0)
#   sweep/2   the same on both cores
# and prints each one's median wall time and peak memory (/usr/bin/time).
# Wrap it in /tmp/quiet.sh (or any high-priority runner) on a shared machine.
set -euo pipefail
build=$(cd "$1" && pwd)
runs=${2:-7}
here=$(cd "$(dirname "$0")" && pwd)
files=$build/backtest-files
cli=$build/bin/ballast-cli
[ -f "$files/C19-1h.csv" ] || "$build/tests/bench/bench_backtestfiles" --write-files "$files" >/dev/null
cache=$(mktemp -d)
trap 'rm -rf "$cache"' EXIT
export XDG_CACHE_HOME=$cache

# shellcheck source=backtestargs.sh
source "$here/backtestargs.sh"
backtest=("$cli" --json backtest "${prices[@]}" --weights "$weights" --rebalance threshold:5pp --fee-bps 10 --quote USDT)
sweep=("$cli" --json sweep "${prices[@]}" --weights "$weights" "${rules[@]}" --fee-bps 10 --quote USDT --no-cache)

declare -A times memory
measure() { # name command...
    local name=$1 out
    shift
    out=$( { /usr/bin/time -f "%e %M" "$@" >/dev/null; } 2>&1 | tail -1)
    times[$name]+="${out% *} "
    memory[$name]+="${out#* } "
}
"${backtest[@]}" >/dev/null # fills the cache for the first "repeated"
for _ in $(seq "$runs"); do
    measure cold "${backtest[@]}" --no-cache
    measure repeated "${backtest[@]}"
    measure reference /usr/bin/python3 "$here/backtest_reference.py" "$files"
    measure sweep/1 taskset -c 0 "${sweep[@]}"
    measure sweep/2 "${sweep[@]}"
done
median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
printf "%-10s %10s %12s   (%s runs; load %s)\n" what "median s" "peak MB" "$runs" "$(cut -d' ' -f1-3 /proc/loadavg)"
for name in cold repeated reference sweep/1 sweep/2; do
    printf "%-10s %10s %12s   all: %s\n" "$name" "$(echo "${times[$name]}" | median)" \
        "$(echo "${memory[$name]}" | median | awk '{printf "%.1f", $1/1024}')" "${times[$name]}"
done
echo "final values: ballast $("${backtest[@]}" | /usr/bin/python3 -c 'import json,sys; print(repr(json.load(sys.stdin)["final_value"]))')," \
    "reference $(/usr/bin/python3 "$here/backtest_reference.py" "$files" | /usr/bin/python3 -c 'import json,sys; print(repr(json.load(sys.stdin)["final_value"]))')"
