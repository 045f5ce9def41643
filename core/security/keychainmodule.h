#pragma once

#include <QByteArray>
#include <QString>

namespace ballast::security::keychain {

/// How a keychain job ended.
enum class Answer : int {
    Done, ///< read, written or removed
    NotFound, ///< no entry under that key
    NoBackend, ///< no keychain service here
    Failed, ///< the keychain answered with an error (see Reply::why)
    NoAnswer, ///< nothing within the time allowed
};

struct Reply
{
    Answer answer = Answer::NoAnswer;
    QString why; ///< the keychain's own words when it failed
    QByteArray data; ///< what a read found; the caller wipes it
};

/// What the keychain module (libballast_keychain.so) exports. QtKeychain
/// and the D-Bus stack under it are linked into the module only, so a
/// process loads them when it first asks the keychain, not at start (about
/// ten libraries that every command of ballast-cli paid for before). Each
/// call runs its job to completion or timeout on the calling thread, in a
/// local event loop (the thread needs a QCoreApplication).
struct Calls
{
    int version;
    Reply (*read)(const QString &service, const QString &key, int timeoutMs);
    Reply (*write)(const QString &service, const QString &key, const QByteArray &data, int timeoutMs);
    Reply (*remove)(const QString &service, const QString &key, int timeoutMs);
};

/// Changes whenever Calls or Reply do: a module of another version is refused.
inline constexpr int kCallsVersion = 1;
/// The module's one exported function: `const Calls *ballast_keychain_calls()`.
inline constexpr char kEntryPoint[] = "ballast_keychain_calls";

/// Whether this build has the module at all (QtKeychain was found).
[[nodiscard]] bool moduleBuilt();

/// Where calls() loads the module from: the file BALLAST_KEYCHAIN_MODULE
/// names, else the module folder relative to the executable's (as installed:
/// bin/../lib/ballast; the build tree has the same layout).
[[nodiscard]] QString modulePath();

/// Loads the module at @p path and returns its calls; nullptr with @p why set
/// when the file is missing, is not a library, has no entry point or is of
/// another version. The library stays loaded.
[[nodiscard]] const Calls *load(const QString &path, QString *why = nullptr);

/// The module's calls, loaded from modulePath() on the first call (which says
/// why on stderr when it fails) and kept; nullptr without a module.
/// Thread-safe.
[[nodiscard]] const Calls *calls();

} // namespace ballast::security::keychain
