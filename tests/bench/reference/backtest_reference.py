#!/usr/bin/python3
"""The side of the comparison in docs/benchmarks.md that Ballast is measured
against: the same backtest written the usual numpy/pandas way.

Reads every C*-1h.csv in DIR (bench_backtestfiles --write-files DIR writes
them), aligns the closes on the bars all files share (an inner join), and
replays equal target weights with a threshold rule: whenever a weight is more
than 5 percentage points off its target (after that bar's close, never on the
last bar), trade back to the targets paying 10 bps of the traded value, such
that the weights afterwards are exactly on target:
V' = V - fee * sum |w_i V' - v_i|, solved by the same fixed-point steps as
RebalanceMath::postTradeValue. Prints the final value and counts as JSON.

    /usr/bin/python3 tests/bench/reference/backtest_reference.py DIR [--band 0.05] [--fee-bps 10]

Ballast's `backtest --json ... --rebalance threshold:5pp --fee-bps 10` gives the
same final value to 1e-9 relative (both sum in doubles, in different orders).
"""

import argparse
import glob
import json
import os

import numpy as np
import pandas as pd


def post_trade_value(values, targets, fee):
    total = values.sum()
    post = total
    for _ in range(12):
        nxt = total - fee * np.abs(targets * post - values).sum()
        if abs(nxt - post) <= 1e-15 * abs(total):
            return nxt
        post = nxt
    return post


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("dir")
    parser.add_argument("--band", type=float, default=0.05)
    parser.add_argument("--fee-bps", type=float, default=10.0)
    parser.add_argument("--capital", type=float, default=10000.0)
    args = parser.parse_args()

    paths = sorted(glob.glob(os.path.join(args.dir, "C*-1h.csv")))
    columns = []
    for path in paths:
        frame = pd.read_csv(path, usecols=["timestamp", "close"])
        frame.index = pd.to_datetime(frame.pop("timestamp"), format="%Y-%m-%d %H:%M:%S", utc=True)
        columns.append(frame["close"].rename(os.path.basename(path)))
    closes = pd.concat(columns, axis=1, join="inner").sort_index().to_numpy()

    bars, width = closes.shape
    targets = np.full(width, 1.0 / width)
    fee = args.fee_bps / 10000.0
    quantities = args.capital * targets / closes[0]
    equity = np.empty(bars)
    equity[0] = args.capital
    rebalances = 0
    fees = 0.0
    for t in range(1, bars):
        values = quantities * closes[t]
        value = values.sum()
        equity[t] = value
        if t + 1 == bars:
            break
        if np.any(np.abs(values / value - targets) > args.band + 1e-12):
            post = post_trade_value(values, targets, fee)
            quantities = targets * post / closes[t]
            fees += value - post
            equity[t] = post  # the value after the trade's fee
            rebalances += 1
    print(json.dumps({"final_value": equity[-1], "bars": bars, "rebalances": rebalances, "fees_paid": fees,
                      "files": len(paths)}))


if __name__ == "__main__":
    main()
