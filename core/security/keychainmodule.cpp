#include "security/keychainmodule.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QLibrary>

namespace ballast::security::keychain {

bool moduleBuilt()
{
#ifdef BALLAST_KEYCHAIN_MODULE_DIR
    return true;
#else
    return false;
#endif
}

QString modulePath()
{
    QString named = qEnvironmentVariable("BALLAST_KEYCHAIN_MODULE");
    if (!named.isEmpty())
        return named;
#ifdef BALLAST_KEYCHAIN_MODULE_DIR
    if (QCoreApplication::instance() == nullptr)
        return {};
    return QDir::cleanPath(QCoreApplication::applicationDirPath() + QLatin1Char('/')
                           + QStringLiteral(BALLAST_KEYCHAIN_MODULE_DIR) + QStringLiteral("/libballast_keychain.so"));
#else
    return {};
#endif
}

const Calls *load(const QString &path, QString *why)
{
    const auto refuse = [why](const QString &reason) -> const Calls * {
        if (why)
            *why = reason;
        return nullptr;
    };
    if (path.isEmpty())
        return refuse(QStringLiteral("this build has no keychain module"));
    if (!QFileInfo(path).isFile())
        return refuse(QStringLiteral("%1: no such file").arg(QDir::toNativeSeparators(path)));
    QLibrary library(path); // not unloaded when it goes: the calls stay valid
    using Entry = const Calls *(*)();
    const auto entry = reinterpret_cast<Entry>(library.resolve(kEntryPoint));
    if (entry == nullptr)
        return refuse(QStringLiteral("%1: %2").arg(QDir::toNativeSeparators(path), library.errorString()));
    const Calls *loaded = entry();
    if (loaded == nullptr || loaded->version != kCallsVersion) {
        return refuse(QStringLiteral("%1: version %2 of the keychain calls, this program needs %3")
                          .arg(QDir::toNativeSeparators(path))
                          .arg(loaded ? loaded->version : 0)
                          .arg(kCallsVersion));
    }
    return loaded;
}

const Calls *calls()
{
    static const Calls *const loaded = [] {
        if (!moduleBuilt() && qEnvironmentVariable("BALLAST_KEYCHAIN_MODULE").isEmpty())
            return static_cast<const Calls *>(nullptr);
        QString why;
        const Calls *found = load(modulePath(), &why);
        if (found == nullptr)
            qWarning("system keychain not used: %s; API keys stay in the vault file", qUtf8Printable(why));
        return found;
    }();
    return loaded;
}

} // namespace ballast::security::keychain
