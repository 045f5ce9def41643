#include "services/executionworker.h"

#include "domain/account.h"
#include "exchange/exchangefactory.h"
#include "security/keystore.h"
#include "services/planservice.h"
#include "storage/database.h"
#include "storage/portfoliorepo.h"

#include <QMutexLocker>
#include <QNetworkAccessManager>
#include <QScopeGuard>

namespace ballast::services {

using execution::ExecutionOptions;
using execution::ExecutionSummary;
using execution::OrderProgress;

ExecutionWorker::ExecutionWorker(QString databasePath, Clock clock, QObject *parent)
    : QObject(parent)
    , m_path(std::move(databasePath))
    , m_clock(std::move(clock))
{
    qRegisterMetaType<OrderProgress>();
    qRegisterMetaType<ExecutionSummary>();
    qRegisterMetaType<ExecutionOptions>();
}

// The factory's connectors use the network manager: they go first.
ExecutionWorker::~ExecutionWorker()
{
    m_exchanges.reset();
    m_network.reset();
}

void ExecutionWorker::setCredentials(const QHash<qint64, exchange::ApiCredentials> &credentials)
{
    const QMutexLocker locker(&m_credentialsLock);
    for (auto it = credentials.cbegin(); it != credentials.cend(); ++it)
        m_credentials.insert(it.key(), it.value());
}

void ExecutionWorker::setUnlock(const QString &vaultPath, const QHash<qint64, QString> &accountNames,
                                QString passphrase)
{
    const QMutexLocker locker(&m_credentialsLock);
    m_vaultPath = vaultPath;
    m_unlockNames = accountNames;
    m_passphrase.fill(QLatin1Char(' '));
    // Moved, not copied: one buffer holds the passphrase, and it is wiped once used.
    m_passphrase = std::move(passphrase);
}

Status ExecutionWorker::unlockPending()
{
    QString vaultPath;
    QHash<qint64, QString> names;
    QString passphrase;
    {
        const QMutexLocker locker(&m_credentialsLock);
        if (m_unlockNames.isEmpty())
            return {};
        vaultPath = m_vaultPath;
        names.swap(m_unlockNames);
        passphrase = std::move(m_passphrase);
        m_passphrase = QString();
    }
    security::KeyStore keys(vaultPath, m_db ? m_db->databaseId() : QString());
    Status result;
    QHash<qint64, exchange::ApiCredentials> unlocked;
    for (auto it = names.cbegin(); it != names.cend(); ++it) {
        auto loaded = keys.load(it.value(), passphrase);
        if (!loaded) {
            result =
                makeError(loaded.error().code,
                          tr("The API key of %1 could not be unlocked: %2").arg(it.value(), loaded.error().message));
            break;
        }
        unlocked.insert(it.key(), exchange::ApiCredentials{loaded->apiKey.toUtf8(), loaded->secret.toUtf8()});
    }
    passphrase.fill(QLatin1Char(' '));
    setCredentials(unlocked);
    return result;
}

std::optional<exchange::ApiCredentials> ExecutionWorker::credentialsFor(qint64 accountId) const
{
    const QMutexLocker locker(&m_credentialsLock);
    if (auto found = m_credentials.constFind(accountId); found != m_credentials.cend())
        return *found;
    return std::nullopt;
}

bool ExecutionWorker::open()
{
    if (!m_db) {
        // Opened here, in the worker's thread: one connection per thread.
        auto opened = storage::Database::open(m_path, storage::Database::Mode::ReadWriteExisting);
        if (!opened) {
            emit failed(opened.error().message);
            return false;
        }
        m_db = std::move(*opened);
    }
    if (m_exchanges)
        return true;
    auto portfolio = storage::PortfolioRepo(*m_db).load();
    m_exchanges = std::make_unique<exchange::ExchangeFactory>(
        *m_db, portfolio ? portfolio->quote : QStringLiteral("USDT"), m_clock);
    // Created here, so that it lives in the worker's thread like the connectors that use it.
    if (!m_network)
        m_network = std::make_unique<QNetworkAccessManager>();
    m_exchanges->setNetwork(m_network.get(),
                            [this](const domain::Account &account) { return credentialsFor(account.id); });
    return true;
}

void ExecutionWorker::forgetCredentials()
{
    // The connectors hold the keys too: they go with them, and the next task
    // connects again with what it is handed.
    m_exchanges.reset();
    const QMutexLocker locker(&m_credentialsLock);
    for (auto &credentials : m_credentials) {
        credentials.apiKey.fill('\0');
        credentials.secret.fill('\0');
    }
    m_credentials.clear();
}

void ExecutionWorker::execute(const QString &planId, const ExecutionOptions &options)
{
    const auto forget = qScopeGuard([this] { forgetCredentials(); });
    if (!open())
        return;
    if (Status unlocked = unlockPending(); !unlocked) {
        emit failed(unlocked.error().message);
        return;
    }
    auto summary = PlanService(*m_db, m_clock)
                       .execute(
                           planId, options, [this](qint64 account) { return m_exchanges->exchangeFor(account); },
                           [this](const OrderProgress &progress) { emit orderProgress(progress); }, &m_cancel);
    if (!summary) {
        if (summary.error().code == QLatin1String("plan.stale"))
            emit stalePlan(planId, summary.error().message);
        emit failed(summary.error().message);
        return;
    }
    emit finished(*summary);
}

void ExecutionWorker::reconcile()
{
    const auto forget = qScopeGuard([this] { forgetCredentials(); });
    if (!open())
        return;
    // Without the keys the paper orders still settle; the others stay unknown until next time.
    const Status unlocked = unlockPending();
    auto report =
        PlanService(*m_db, m_clock).reconcile([this](qint64 account) { return m_exchanges->exchangeFor(account); });
    if (!report) {
        emit failed(report.error().message);
        return;
    }
    QStringList messages = report->messages;
    if (!unlocked)
        messages.prepend(unlocked.error().message);
    emit reconciled(messages.join(QLatin1Char('\n')));
}

} // namespace ballast::services
