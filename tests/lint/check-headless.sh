#!/usr/bin/env bash
# Core and ballast-cli stay headless: nothing in core/ or app/cli/ includes a
# header of a Qt module that needs a display (Gui, Widgets, Charts, OpenGL,
# PrintSupport), and the built ballast-cli does not load one. This is what the
# separate -DBALLAST_BUILD_GUI=OFF build used to prove, without compiling core
# a second time. Nor does it load QtKeychain or D-Bus at start, and the
# program itself (backtest and sweep from files, app/cli/main.cpp) loads no
# network, SQLite or OpenSSL either: those are its ledger module's.
#
#   check-headless.sh SOURCE_DIR BALLAST_CLI QT_INCLUDE_DIR CLI_MODULE
set -euo pipefail
source_dir=$1
cli=$2
qt_include=$3
cli_module=$4
gui_modules=(QtGui QtWidgets QtCharts QtOpenGL QtOpenGLWidgets QtPrintSupport QtSvg QtQuick QtQml)
cd "$source_dir"
failed=0

# 1. Includes: a <QtModule/Header> or a <Header> that only a display module has.
mapfile -t files < <(git ls-files 'core/*.h' 'core/*.cpp' 'app/cli/*.h' 'app/cli/*.cpp')
while IFS= read -r hit; do
    file=${hit%%:*}
    rest=${hit#*:}
    line=${rest%%:*}
    header=$(sed -E 's/.*#[[:space:]]*include[[:space:]]*<([^>]+)>.*/\1/' <<<"${rest#*:}")
    module=${header%%/*}
    for gui in "${gui_modules[@]}"; do
        if [[ $module == "$gui" && $header == */* ]] || [[ $header != */* && -e $qt_include/$gui/$header ]]; then
            # A header both a display module and a headless one ship is fine.
            if [[ $header != */* ]] && ls "$qt_include"/{QtCore,QtNetwork,QtConcurrent,QtSql,QtTest}/"$header" >/dev/null 2>&1; then
                continue
            fi
            echo "$file:$line: includes <$header> from $gui; core and ballast-cli must build without a display"
            failed=1
        fi
    done
done < <(grep -nE '^[[:space:]]*#[[:space:]]*include[[:space:]]*<Q' "${files[@]}" || true)

# 2. The program and its ledger module: no display module among the
# libraries they load.
needed_of() { # file: its dynamic section, or the reason it cannot be read on stderr
    local out
    if ! out=$(readelf -d "$1" 2>&1); then
        echo "cannot read $1: $out" >&2
        return 1
    fi
    printf '%s\n' "$out"
}
needed=$(needed_of "$cli") || exit 1
module_needed=$(needed_of "$cli_module") || exit 1
for gui in "${gui_modules[@]}"; do
    library=libQt6${gui#Qt}.so
    if grep -q "NEEDED.*\[$library" <<<"$needed"; then
        echo "$cli loads $library; ballast-cli must run without a display"
        failed=1
    fi
    if grep -q "NEEDED.*\[$library" <<<"$module_needed"; then
        echo "$cli_module loads $library; ballast-cli must run without a display"
        failed=1
    fi
done
# 3. QtKeychain and the D-Bus stack under it live in the keychain module
# (core/security/keychainjobs.cpp), loaded only when the keychain is asked:
# linked into the program, they cost every start about 3 ms of loading.
for library in libqt6keychain.so libQt6DBus.so libdbus-1.so; do
    if grep -q "NEEDED.*\[$library" <<<"$needed$module_needed"; then
        echo "$cli or its module loads $library at start; the keychain module is where it belongs"
        failed=1
    fi
done
# 4. The program starts a backtest from files without the ledger's
# libraries (about 6 ms of every start, docs/benchmarks.md).
for library in libQt6Network.so libsqlite3.so libcrypto.so libssl.so; do
    if grep -q "NEEDED.*\[$library" <<<"$needed"; then
        echo "$cli loads $library; only its ledger module ($cli_module) may"
        failed=1
    fi
done
if grep -q "NEEDED.*libQt6Core" <<<"$needed"; then :; else
    echo "$cli: no libQt6Core among its libraries; is it the right file?"
    failed=1
fi
if grep -q "NEEDED.*libsqlite3" <<<"$module_needed"; then :; else
    echo "$cli_module: no libsqlite3 among its libraries; is it the right file?"
    failed=1
fi

[[ $failed -eq 0 ]] || exit 1
echo "headless: ${#files[@]} files of core/ and app/cli/ include no display module; ballast-cli and its module load none, nor the keychain's libraries; the program loads no network, SQLite or OpenSSL"
