#!/usr/bin/env bash
# Builds Qt Core under ThreadSanitizer, for `bash packaging/dev.sh tsan`.
#
#   bash packaging/qt-tsan.sh DIR     prints the folder that holds the instrumented libQt6Core.so.6
#
# Why: Debian's libQt6Core is not instrumented. Its mutexes, wait conditions and
# atomics (the event queue behind every queued signal, QThread::wait, the
# thread pool) synchronise through futexes and plain atomic instructions that
# ThreadSanitizer cannot see, so every hand-over of data from one thread to
# another through Qt looks like a race, and a real race in Ballast's code
# drowns among them. With Core built under ThreadSanitizer those hand-overs are
# seen as the synchronisation they are.
#
# What: the source of exactly the installed libqt6core6 version, fetched with
# apt-get source (so apt checks it against the signed Debian indexes and
# applies Debian's patches), configured with Debian's feature choices for Core
# (GLib, ICU, PCRE2, zstd...) so that the library can stand in for the
# installed one beside Debian's own QtGui, QtWidgets, QtNetwork and QtTest, and
# built with clang and -fsanitize=thread. Only the Core library is built (about
# 300 compile steps, 30-60 minutes on 2 cores); the result is kept in DIR and
# reused until the installed Qt version changes. Debian 12 only (deb822 source
# lists in /etc/apt/sources.list.d/debian.sources).
set -euo pipefail
dest=${1:?usage: bash packaging/qt-tsan.sh DIR}
mkdir -p "$dest"
dest=$(cd "$dest" && pwd)
version=$(dpkg-query -W -f='${Version}' libqt6core6)
upstream=${version%%-*}
arch=$(dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null || gcc -print-multiarch)
lib=$dest/build/lib/$arch
# Built again when the installed Qt or this script changes.
key="$version $(sha256sum "${BASH_SOURCE[0]}" | cut -c1-16)"
if [[ -f $dest/stamp && $(cat "$dest/stamp") == "$key" && -e $lib/libQt6Core.so.6 ]]; then
    echo "$lib"
    exit 0
fi
say() { printf '== %s\n' "$*" >&2; }

source_dir=$dest/src/qt6-base-$upstream
if [[ ! -f $source_dir/CMakeLists.txt ]]; then
    say "Fetching the source of qt6-base $version (apt-get source, signed Debian indexes)"
    rm -rf "$dest/src" "$dest/apt"
    mkdir -p "$dest/apt/parts" "$dest/apt/lists/partial" "$dest/src"
    [[ -f /etc/apt/sources.list.d/debian.sources ]] || {
        echo "qt-tsan.sh: /etc/apt/sources.list.d/debian.sources not found (Debian 12 expected)" >&2
        exit 1
    }
    sed 's/^Types: deb$/Types: deb-src/' /etc/apt/sources.list.d/debian.sources >"$dest/apt/parts/debian-src.sources"
    local_apt=(-o "Dir::State::Lists=$dest/apt/lists" -o Dir::Etc::SourceList=/dev/null
        -o "Dir::Etc::SourceParts=$dest/apt/parts")
    apt-get "${local_apt[@]}" update -q >&2
    (cd "$dest/src" && apt-get "${local_apt[@]}" source -q "qt6-base=$version" >&2)
fi

say "Configuring Qt Core with ThreadSanitizer in $dest/build"
launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_C_COMPILER_LAUNCHER=ccache -DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
# Debian's choices for what Core links and where it looks for plugins and
# translations (debian/rules; nothing is installed), the other modules off.
cmake -G Ninja -S "$source_dir" -B "$dest/build" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ "${launcher[@]}" \
    -DCMAKE_C_FLAGS_RELWITHDEBINFO="-O1 -g1" -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g1" \
    -DCMAKE_INSTALL_PREFIX=/usr -DINSTALL_LIBDIR="lib/$arch" -DINSTALL_ARCHDATADIR="lib/$arch/qt6" \
    -DINSTALL_PLUGINDIR="lib/$arch/qt6/plugins" -DINSTALL_LIBEXECDIR=lib/qt6/libexec -DINSTALL_BINDIR=lib/qt6/bin \
    -DINSTALL_DATADIR=share/qt6 -DINSTALL_TRANSLATIONDIR=share/qt6/translations -DINSTALL_SYSCONFDIR=/etc/xdg \
    -DFEATURE_sanitize_thread=ON \
    -DFEATURE_glib=ON -DFEATURE_icu=ON -DFEATURE_pcre2=ON -DFEATURE_system_pcre2=ON \
    -DFEATURE_doubleconversion=ON -DFEATURE_system_libb2=ON -DFEATURE_mimetype_database=OFF \
    -DFEATURE_rpath=OFF -DFEATURE_relocatable=OFF -DFEATURE_gui=OFF -DFEATURE_widgets=OFF -DFEATURE_network=OFF -DFEATURE_sql=OFF \
    -DFEATURE_dbus=OFF -DFEATURE_testlib=OFF -DFEATURE_xml=OFF -DFEATURE_concurrent=OFF \
    -DFEATURE_printsupport=OFF -DQT_BUILD_TESTS=OFF -DQT_BUILD_EXAMPLES=OFF >"$dest/configure.log" 2>&1 || {
    tail -n 40 "$dest/configure.log" >&2
    exit 1
}
say "Building Qt Core with ThreadSanitizer (log: $dest/build.log)"
cmake --build "$dest/build" --target Core -j "$(nproc 2>/dev/null || echo 2)" >"$dest/build.log" 2>&1 || {
    tail -n 40 "$dest/build.log" >&2
    exit 1
}
echo "$key" >"$dest/stamp"
echo "$lib"
