#include "security/keystore.h"

#ifdef BALLAST_HAVE_QTKEYCHAIN
#include <QCoreApplication>
#include <QDir>
#include <QEventLoop>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTimer>
#include <qt6keychain/keychain.h>

#include <atomic>
#include <openssl/crypto.h>
#endif

namespace ballast::security {

namespace {

#ifdef BALLAST_HAVE_QTKEYCHAIN

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

struct JobOutcome
{
    bool finished = false;
    QKeychain::Error error = QKeychain::OtherError;
    QString errorString;
    QByteArray data;
};

/// Runs a QtKeychain job to completion or timeout on the calling thread.
JobOutcome runJob(QKeychain::Job *job, int timeoutMs)
{
    JobOutcome outcome;
    QEventLoop loop;
    // The loop is the connection's context: once we stop waiting the lambda is
    // disconnected, and the job (auto-delete) frees itself whenever it ends.
    QObject::connect(job, &QKeychain::Job::finished, &loop, [&outcome, &loop](QKeychain::Job *done) {
        outcome.finished = true;
        outcome.error = done->error();
        outcome.errorString = done->errorString();
        if (auto *read = qobject_cast<QKeychain::ReadPasswordJob *>(done))
            outcome.data = read->binaryData();
        loop.quit();
    });
    QTimer::singleShot(timeoutMs, &loop, &QEventLoop::quit);
    job->setAutoDelete(true);
    job->start();
    if (!outcome.finished)
        loop.exec(QEventLoop::ExcludeUserInputEvents); // no re-entrant clicks while we wait
    return outcome;
}

/// Whether a job's failure means "no keychain here" (use the vault file) rather than a real error.
bool noBackend(const JobOutcome &outcome)
{
    return outcome.finished && outcome.error == QKeychain::NoBackendAvailable;
}

Error keychainError(const char *action, const QString &account, const JobOutcome &outcome)
{
    const QString reason =
        outcome.finished ? outcome.errorString : QStringLiteral("no answer within %1 s").arg(kJobTimeoutMs / 1000);
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
    // Reading a key that normally does not exist: "not found" proves the
    // backend answers, without writing anything to the user's keychain.
    auto *job = new QKeychain::ReadPasswordJob(QStringLiteral("Ballast"));
    job->setKey(QStringLiteral("ballast-keychain-probe"));
    job->setInsecureFallback(false);
    const JobOutcome outcome = runJob(job, kProbeTimeoutMs);
    return outcome.finished && (outcome.error == QKeychain::NoError || outcome.error == QKeychain::EntryNotFound);
}

#endif // BALLAST_HAVE_QTKEYCHAIN

} // namespace

KeyStore::KeyStore(QString vaultPath, QString databaseId, Mode mode, QString service)
    : m_vault(std::move(vaultPath), std::move(databaseId))
    , m_mode(mode)
    , m_service(std::move(service))
{
}

bool KeyStore::keychainCompiledIn()
{
#ifdef BALLAST_HAVE_QTKEYCHAIN
    return true;
#else
    return false;
#endif
}

bool KeyStore::systemKeychainAvailable()
{
#ifdef BALLAST_HAVE_QTKEYCHAIN
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
#else
    return false;
#endif
}

KeyStore::Backend KeyStore::backend() const
{
    if (m_mode == Mode::VaultOnly || !systemKeychainAvailable())
        return Backend::VaultFile;
    return Backend::SystemKeychain;
}

Status KeyStore::store(const QString &account, const Credentials &credentials, const QString &passphrase)
{
#ifdef BALLAST_HAVE_QTKEYCHAIN
    if (backend() == Backend::SystemKeychain) {
        if (account.isEmpty())
            return makeError(QStringLiteral("vault.invalid"), QStringLiteral("account name must not be empty"));
        auto *job = new QKeychain::WritePasswordJob(m_service);
        job->setKey(account);
        job->setInsecureFallback(false);
        QByteArray payload = encode(credentials);
        job->setBinaryData(payload);
        wipe(payload);
        const JobOutcome outcome = runJob(job, kJobTimeoutMs);
        if (outcome.finished && outcome.error == QKeychain::NoError) {
            // An older copy in the vault file would only linger as an extra
            // target for guessing; the keychain entry now wins anyway.
            if (m_vault.contains(account))
                (void)m_vault.remove(account);
            return {};
        }
        if (!noBackend(outcome))
            return keychainError("store", account, outcome);
    }
#endif
    return m_vault.store(account, credentials, passphrase);
}

Result<Credentials> KeyStore::load(const QString &account, const QString &passphrase)
{
#ifdef BALLAST_HAVE_QTKEYCHAIN
    if (backend() == Backend::SystemKeychain) {
        auto *job = new QKeychain::ReadPasswordJob(m_service);
        job->setKey(account);
        job->setInsecureFallback(false);
        JobOutcome outcome = runJob(job, kJobTimeoutMs);
        if (outcome.finished && outcome.error == QKeychain::NoError) {
            Credentials credentials;
            const bool valid = decode(outcome.data, credentials);
            wipe(outcome.data);
            if (!valid) {
                return makeError(
                    QStringLiteral("keychain.damaged"),
                    QStringLiteral("system keychain entry for %1 does not hold Ballast credentials").arg(account));
            }
            return credentials;
        }
        if (!(outcome.finished && outcome.error == QKeychain::EntryNotFound) && !noBackend(outcome))
            return keychainError("read", account, outcome);
        auto fromVault = m_vault.load(account, passphrase);
        if (!fromVault && fromVault.error().code == QStringLiteral("vault.unknown-account")) {
            return makeError(QStringLiteral("vault.unknown-account"),
                             QStringLiteral("no credentials stored for account %1 (system keychain or vault file %2)")
                                 .arg(account, QDir::toNativeSeparators(m_vault.path())));
        }
        return fromVault;
    }
#endif
    return m_vault.load(account, passphrase);
}

Status KeyStore::checkPassphrase(const QString &passphrase) const
{
    return m_vault.checkPassphrase(passphrase);
}

Status KeyStore::remove(const QString &account)
{
#ifdef BALLAST_HAVE_QTKEYCHAIN
    if (backend() == Backend::SystemKeychain) {
        auto *job = new QKeychain::DeletePasswordJob(m_service);
        job->setKey(account);
        job->setInsecureFallback(false);
        const JobOutcome outcome = runJob(job, kJobTimeoutMs);
        const bool removed = outcome.finished && outcome.error == QKeychain::NoError;
        if (!removed && !(outcome.finished && outcome.error == QKeychain::EntryNotFound) && !noBackend(outcome))
            return keychainError("remove", account, outcome);
        if (m_vault.contains(account))
            return m_vault.remove(account);
        if (removed)
            return {};
        return makeError(QStringLiteral("vault.unknown-account"),
                         QStringLiteral("no credentials stored for account %1 (system keychain or vault file %2)")
                             .arg(account, QDir::toNativeSeparators(m_vault.path())));
    }
#endif
    return m_vault.remove(account);
}

} // namespace ballast::security
