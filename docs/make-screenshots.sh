#!/usr/bin/env bash
# Renders the README's and the docs' pictures from the real program:
#   bash docs/make-screenshots.sh [BUILD_DIR]
# Each page of a fresh demo ledger is shown at 1280x820 and saved by
# `ballast --screenshot`, on the offscreen platform (no display needed).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
build="${1:-$here/../build}"
app="$build/bin/ballast"
[[ -x "$app" ]] || { echo "make-screenshots: $app not built" >&2; exit 1; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
export QT_QPA_PLATFORM=offscreen XDG_CONFIG_HOME="$work/config" XDG_DATA_HOME="$work/data"
for page in dashboard holdings targets rebalance backtest accounts alerts; do
    "$app" --db "$work/demo.sqlite" --demo --view "$page" --size 1280x820 --screenshot "$here/images/$page.png"
    echo "docs/images/$page.png"
done
cp "$here/images/dashboard.png" "$here/images/main-window.png"
