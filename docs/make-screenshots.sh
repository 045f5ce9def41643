#!/usr/bin/env bash
# Renders the README's and the docs' pictures from the real program:
#   bash docs/make-screenshots.sh [BUILD_DIR]
# Each page of a fresh demo ledger is shown at 1280x820 and saved by
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
for page in dashboard holdings targets backtest accounts alerts; do
    shoot "$page"
done
# The demo sits inside its 5 pp bands; with 2 pp bands three assets are out
# and the Rebalance page shows the plan that brings them back.
"$cli" --db "$work/demo.sqlite" targets set BTC=40% ETH=25% USDT=15% SOL=10% BNB=5% LINK=5% --band 2pp > /dev/null
"$cli" --db "$work/demo.sqlite" plan > /dev/null
shoot rebalance
cp "$here/images/dashboard.png" "$here/images/main-window.png"
