# Sourced by compare_backtest.sh and compare_sweep.sh: the command-line
# arguments for the 20 hourly files in $files (bench_backtestfiles
# --write-files), equal weights, and the sweep's 100 threshold rules
# (0.5 pp to 50 pp).
prices=()
weights=""
for i in $(seq -w 0 19); do
    prices+=(--prices "C$i=$files/C$i-1h.csv")
    weights+="${weights:+,}C$i=0.05"
done
rules=()
for k in $(seq 1 100); do rules+=(--rule "threshold:$(awk "BEGIN{print $k/2}")pp"); done
