#!/usr/bin/env bash
# Renders the README's and the docs' pictures from the real program:
#   bash docs/make-screenshots.sh [BUILD_DIR]
# Each page of a fresh demo ledger (its policy due, so the dashboard shows the
# "Rebalance due" banner) is shown at 1280x820 and saved by
# `ballast --screenshot`, on the offscreen platform (no display needed).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
build="${1:-$here/../build}"
app="$build/bin/ballast"
cli="$build/bin/ballast-cli"
[[ -x "$app" && -x "$cli" ]] || { echo "make-screenshots: $app or $cli not built" >&2; exit 1; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
export QT_QPA_PLATFORM=offscreen XDG_CONFIG_HOME="$work/config" XDG_DATA_HOME="$work/data"
shoot() {
    "$app" --db "$work/demo.sqlite" --demo --view "$1" --size 1280x820 --screenshot "$here/images/$1.png"
    echo "docs/images/$1.png"
}
# The demo ledger (made by a first start), with a policy that is due: the
# demo sits inside its 5 pp bands; with 2 pp bands three assets are out, the
# threshold rule fires, the app's check prepares a plan, and the dashboard
# shows the "Rebalance due" banner.
"$app" --db "$work/demo.sqlite" --demo --size 1280x820 --screenshot "$work/first.png"
"$cli" --db "$work/demo.sqlite" targets set BTC=40% ETH=25% USDT=15% SOL=10% BNB=5% LINK=5% --band 2pp > /dev/null
"$cli" --db "$work/demo.sqlite" policy set --rule threshold > /dev/null
for page in dashboard holdings targets policy backtest accounts alerts; do
    shoot "$page"
done
# The Rebalance page shows the plan that brings them back (the one the
# check prepared: a check reuses the open plan).
shoot rebalance
cp "$here/images/dashboard.png" "$here/images/main-window.png"

# The Gains page needs trades: a small ledger of its own, dated back from
# today so that this year's report has disposals, short and long term.
gains="$work/gains.sqlite"
day() { date -u -d "$1 days ago" +%Y-%m-%dT%H:%M:00Z; }
add() { "$cli" --db "$gains" transactions add --account Kraken --kind trade --quote USDT "$@" > /dev/null; }
"$cli" --db "$gains" init > /dev/null
"$cli" --db "$gains" accounts add --exchange manual --name Kraken > /dev/null
"$cli" --db "$gains" transactions add --account Kraken --kind deposit --asset USDT --quantity 250000 \
    --at "$(day 900)" > /dev/null
add --side buy --asset BTC --quantity 1.5 --price 42000 --fee 25 --fee-asset USDT --at "$(day 890)"
add --side buy --asset ETH --quantity 20 --price 2300 --at "$(day 860)"
add --side buy --asset BTC --quantity 0.8 --price 61000 --at "$(day 600)"
add --side buy --asset SOL --quantity 150 --price 95 --at "$(day 500)"
add --side buy --asset BTC --quantity 0.4 --price 105000 --at "$(day 420)"
add --side buy --asset BTC --quantity 0.3 --price 70000 --at "$(day 240)"
add --side sell --asset ETH --quantity 8 --price 3900 --at "$(day 200)"
add --side buy --asset ETH --quantity 5 --price 2500 --at "$(day 170)"
add --side sell --asset BTC --quantity 0.9 --price 91000 --fee 30 --fee-asset USDT --at "$(day 120)"
add --side sell --asset SOL --quantity 60 --price 140 --at "$(day 90)"
add --side sell --asset ETH --quantity 4 --price 2100 --at "$(day 60)"
add --side sell --asset BTC --quantity 0.2 --price 110000 --at "$(day 30)"
add --side sell --asset ETH --quantity 6 --price 3600 --at "$(day 10)"
"$cli" --db "$gains" prices set BTC=96500 ETH=3350 SOL=182 --at "$(day 1)" > /dev/null
# Targets, so that the app's policy check has something to check against.
"$cli" --db "$gains" targets set BTC=50% ETH=30% SOL=10% USDT=10% > /dev/null
"$app" --db "$gains" --view gains --size 1280x820 --screenshot "$here/images/gains.png"
echo "docs/images/gains.png"
