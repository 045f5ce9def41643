#include "security/keystore.h"

#include "security/keychainmodule.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>

#include <atomic>
#include <openssl/crypto.h>

namespace ballast::security {

namespace {

using keychain::Answer;
using keychain::Reply;

void wipe(QByteArray &bytes)
{
    if (bytes.isEmpty())
        return;
    OPENSSL_cleanse(bytes.data(), static_cast<size_t>(bytes.size()));
    bytes.clear();
}

QByteArray encode(const Credentials &credentials)
{
    const QJsonObject object{{QStringLiteral("apiKey"), credentials.apiKey},
                             {QStringLiteral("secret"), credentials.secret}};
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

bool decode(const QByteArray &bytes, Credentials &credentials)
{
    const QJsonDocument document = QJsonDocument::fromJson(bytes);
    const QJsonObject object = document.object();
    const QJsonValue apiKey = object.value(QStringLiteral("apiKey"));
    const QJsonValue secret = object.value(QStringLiteral("secret"));
    if (!document.isObject() || !apiKey.isString() || !secret.isString())
        return false;
    credentials.apiKey = apiKey.toString();
    credentials.secret = secret.toString();
    return true;
}

// Long enough for the keyring's unlock prompt; the probe is not.
constexpr int kJobTimeoutMs = 60000;
constexpr int kProbeTimeoutMs = 1500;

/// Whether a job's failure means "no keychain here" (use the vault file) rather than a real error.
bool noBackend(const Reply &reply)
{
    return reply.answer == Answer::NoBackend;
}

Error keychainError(const char *action, const QString &account, const Reply &reply)
{
    const QString reason = reply.answer != Answer::NoAnswer
        ? reply.why
        : QStringLiteral("no answer within %1 s").arg(kJobTimeoutMs / 1000);
    return makeError(QStringLiteral("keychain.failed"),
                     QStringLiteral("system keychain could not %1 credentials for %2: %3")
                         .arg(QLatin1String(action), account, reason));
}

#if defined(Q_OS_UNIX) && !defined(Q_OS_DARWIN) && !defined(Q_OS_ANDROID)
/// Secret Service and KWallet are both reached over the D-Bus session bus.
/// Without one, QtKeychain would try to autolaunch a bus and time out, so a
/// headless machine or CI runner is recognised here without any D-Bus call.
bool sessionBusReachable()
{
    const QByteArray address = qgetenv("DBUS_SESSION_BUS_ADDRESS");
    if (!address.isEmpty()) {
        const QByteArray pathPrefix = QByteArrayLiteral("unix:path=");
        if (!address.startsWith(pathPrefix))
            return true; // abstract socket or tcp: only a real call can tell
        const QByteArray socket = address.mid(pathPrefix.size()).split(',').value(0);
        return QFileInfo::exists(QString::fromLocal8Bit(socket));
    }
    const QString runtimeDir = qEnvironmentVariable("XDG_RUNTIME_DIR");
    return !runtimeDir.isEmpty() && QFileInfo::exists(runtimeDir + QStringLiteral("/bus"));
}
#endif

bool probeKeychain()
{
    if (QCoreApplication::instance() == nullptr)
        return false;
#if defined(Q_OS_UNIX) && !defined(Q_OS_DARWIN) && !defined(Q_OS_ANDROID)
    if (!sessionBusReachable())
        return false;
#endif
    // Only now, with a bus to talk to, is the module (QtKeychain, D-Bus) loaded.
    const keychain::Calls *calls = keychain::calls();
    if (calls == nullptr)
        return false;
    // Reading a key that normally does not exist: "not found" proves the
    // backend answers, without writing anything to the user's keychain.
    const Reply reply =
        calls->read(QStringLiteral("Ballast"), QStringLiteral("ballast-keychain-probe"), kProbeTimeoutMs);
    return reply.answer == Answer::Done || reply.answer == Answer::NotFound;
}

} // namespace

KeyStore::KeyStore(QString vaultPath, QString databaseId, Mode mode, QString service)
    : m_vault(std::move(vaultPath), std::move(databaseId))
    , m_mode(mode)
    , m_service(std::move(service))
{
}

bool KeyStore::keychainCompiledIn()
{
    return keychain::moduleBuilt();
}

bool KeyStore::systemKeychainAvailable()
{
    enum State : int { Unknown, Probing, Available, Unavailable };
    static std::atomic<int> state{Unknown};
    if (qEnvironmentVariableIntValue("BALLAST_NO_KEYCHAIN") != 0)
        return false;
    int expected = Unknown;
    if (!state.compare_exchange_strong(expected, Probing))
        return expected == Available; // a probe still running (re-entered or another thread) counts as "no"
    if (QCoreApplication::instance() == nullptr) {
        state = Unknown; // not cached: the application object may come later
        return false;
    }
    const bool available = probeKeychain();
    state = available ? Available : Unavailable;
    return available;
}

KeyStore::Backend KeyStore::backend() const
{
    if (m_mode == Mode::VaultOnly || !systemKeychainAvailable())
        return Backend::VaultFile;
    return Backend::SystemKeychain;
}

Status KeyStore::store(const QString &account, const Credentials &credentials, const QString &passphrase)
{
    if (backend() == Backend::SystemKeychain) {
        if (account.isEmpty())
            return makeError(QStringLiteral("vault.invalid"), QStringLiteral("account name must not be empty"));
        QByteArray payload = encode(credentials);
        const Reply reply = keychain::calls()->write(m_service, account, payload, kJobTimeoutMs);
        wipe(payload);
        if (reply.answer == Answer::Done) {
            // An older copy in the vault file would only linger as an extra
            // target for guessing; the keychain entry now wins anyway.
            if (m_vault.contains(account))
                (void)m_vault.remove(account);
            return {};
        }
        if (!noBackend(reply))
            return keychainError("store", account, reply);
    }
    return m_vault.store(account, credentials, passphrase);
}

Result<Credentials> KeyStore::load(const QString &account, const QString &passphrase)
{
    if (backend() == Backend::SystemKeychain) {
        Reply reply = keychain::calls()->read(m_service, account, kJobTimeoutMs);
        if (reply.answer == Answer::Done) {
            Credentials credentials;
            const bool valid = decode(reply.data, credentials);
            wipe(reply.data);
            if (!valid) {
                return makeError(
                    QStringLiteral("keychain.damaged"),
                    QStringLiteral("system keychain entry for %1 does not hold Ballast credentials").arg(account));
            }
            return credentials;
        }
        if (reply.answer != Answer::NotFound && !noBackend(reply))
            return keychainError("read", account, reply);
        auto fromVault = m_vault.load(account, passphrase);
        if (!fromVault && fromVault.error().code == QStringLiteral("vault.unknown-account")) {
            return makeError(QStringLiteral("vault.unknown-account"),
                             QStringLiteral("no credentials stored for account %1 (system keychain or vault file %2)")
                                 .arg(account, QDir::toNativeSeparators(m_vault.path())));
        }
        return fromVault;
    }
    return m_vault.load(account, passphrase);
}

Status KeyStore::checkPassphrase(const QString &passphrase) const
{
    return m_vault.checkPassphrase(passphrase);
}

Status KeyStore::remove(const QString &account)
{
    if (backend() == Backend::SystemKeychain) {
        const Reply reply = keychain::calls()->remove(m_service, account, kJobTimeoutMs);
        const bool removed = reply.answer == Answer::Done;
        if (!removed && reply.answer != Answer::NotFound && !noBackend(reply))
            return keychainError("remove", account, reply);
        if (m_vault.contains(account))
            return m_vault.remove(account);
        if (removed)
            return {};
        return makeError(QStringLiteral("vault.unknown-account"),
                         QStringLiteral("no credentials stored for account %1 (system keychain or vault file %2)")
                             .arg(account, QDir::toNativeSeparators(m_vault.path())));
    }
    return m_vault.remove(account);
}

} // namespace ballast::security
