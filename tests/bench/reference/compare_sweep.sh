#!/bin/bash
# The sweep from one core to two, side by side, interleaved, medians: the
# figures of docs/benchmarks.md ("the sweep from 1 to 2 cores"). Usage:
#   tests/bench/reference/compare_sweep.sh BUILD_DIR [ROUNDS]
# Each round runs, one after the other, each on one core (taskset -c 0) and
# on both (taskset -c 0,1):
#   process   ballast-cli sweep of 100 threshold rules on the 20 hourly files,
#             the whole process, the cache of parsed closes filled
#   runs      BM_Sweep/T: the 100 runs on shared data, in the process (T = 1
#             on one core, 2 on two)
#   bare      BM_BareSweep/T: the same 100 rules as bare loops on T threads,
#             what the machine itself gives from more cores for this walk
#             over the closes (the ceiling for "runs")
# and prints each one's median time, the ratio of the medians and the median
# of the rounds' own ratios (which a slow minute changes less).
# Wrap it in /tmp/quiet.sh (or any high-priority runner) on a shared machine.
set -euo pipefail
build=$(cd "$1" && pwd)
rounds=${2:-10}
files=$build/backtest-files
cli=$build/bin/ballast-cli
bench=$build/tests/bench/bench_backtestfiles
[ -f "$files/C19-1h.csv" ] || "$bench" --write-files "$files" >/dev/null
cache=$(mktemp -d)
trap 'rm -rf "$cache"' EXIT
export XDG_CACHE_HOME=$cache BALLAST_BENCH_FILES=$files

# shellcheck source=backtestargs.sh
source "$(cd "$(dirname "$0")" && pwd)/backtestargs.sh"
sweep=("$cli" --json sweep "${prices[@]}" --weights "$weights" "${rules[@]}" --fee-bps 10 --quote USDT)
"${sweep[@]}" >/dev/null # fills the cache

declare -A times
wall() { # name command...: the wall time of the command, in µs
    local name=$1 start end
    shift
    start=${EPOCHREALTIME/./}
    "$@" >/dev/null
    end=${EPOCHREALTIME/./}
    times[$name]+="$((end - start)) "
}
benchmark() { # name cores filter: the benchmark's real time per iteration, in µs
    local out
    out=$(taskset -c "$2" "$bench" --benchmark_filter="$3" --benchmark_min_time=1 --benchmark_format=csv 2>/dev/null |
        awk -F, '/^"BM_/ {print $3 * ($5 == "ms" ? 1000 : 1)}')
    times[$1]+="$out "
}
for _ in $(seq "$rounds"); do
    wall process/1 taskset -c 0 "${sweep[@]}"
    wall process/2 taskset -c 0,1 "${sweep[@]}"
    benchmark runs/1 0 'BM_Sweep/1/'
    benchmark runs/2 0,1 'BM_Sweep/2/'
    benchmark bare/1 0 'BM_BareSweep/1/'
    benchmark bare/2 0,1 'BM_BareSweep/2/'
done
median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
printf "%-8s %12s %12s %8s %14s   (%s rounds; load %s)\n" what "1 core ms" "2 cores ms" ratio "round ratios" \
    "$rounds" "$(cut -d' ' -f1-3 /proc/loadavg)"
for name in process runs bare; do
    one=${times[$name/1]}
    two=${times[$name/2]}
    ratios=$(paste -d' ' <(echo "$one" | tr ' ' '\n' | grep -v '^$') <(echo "$two" | tr ' ' '\n' | grep -v '^$') |
        awk '{printf "%.3f ", $1 / $2}')
    printf "%-8s %12.1f %12.1f %8.2f %14.2f   all: %s\n" "$name" "$(echo "$one" | median | awk '{print $1 / 1000}')" \
        "$(echo "$two" | median | awk '{print $1 / 1000}')" \
        "$(awk -v a="$(echo "$one" | median)" -v b="$(echo "$two" | median)" 'BEGIN{print a / b}')" \
        "$(echo "$ratios" | median)" "$ratios"
done
