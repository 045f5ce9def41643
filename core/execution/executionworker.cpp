#include "execution/executionworker.h"

#include "domain/account.h"
#include "exchange/exchangefactory.h"
#include "storage/database.h"
#include "storage/planrepo.h"
#include "storage/portfoliorepo.h"

#include <QMutexLocker>
#include <QNetworkAccessManager>

namespace ballast::execution {

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

std::optional<exchange::ApiCredentials> ExecutionWorker::credentialsFor(qint64 accountId) const
{
    const QMutexLocker locker(&m_credentialsLock);
    if (auto found = m_credentials.constFind(accountId); found != m_credentials.cend())
        return *found;
    return std::nullopt;
}

bool ExecutionWorker::open()
{
    if (m_db)
        return true;
    // Opened here, in the worker's thread: one connection per thread.
    auto opened = storage::Database::open(m_path, storage::Database::Mode::ReadWriteExisting);
    if (!opened) {
        emit failed(opened.error().message);
        return false;
    }
    m_db = std::move(*opened);
    auto portfolio = storage::PortfolioRepo(*m_db).load();
    m_exchanges = std::make_unique<exchange::ExchangeFactory>(
        *m_db, portfolio ? portfolio->quote : QStringLiteral("USDT"), m_clock);
    // Created here, so that it lives in the worker's thread like the connectors that use it.
    m_network = std::make_unique<QNetworkAccessManager>();
    m_exchanges->setNetwork(m_network.get(),
                            [this](const domain::Account &account) { return credentialsFor(account.id); });
    return true;
}

void ExecutionWorker::execute(const QString &planId, const ExecutionOptions &options)
{
    m_cancel.store(false);
    if (!open())
        return;
    auto plan = storage::PlanRepo(*m_db).load(planId);
    if (!plan) {
        emit failed(plan.error().message);
        return;
    }
    Executor executor(
        *m_db, [this](qint64 account) { return m_exchanges->exchangeFor(account); }, m_clock);
    auto summary = executor.execute(
        *plan, options, [this](const OrderProgress &progress) { emit orderProgress(progress); }, &m_cancel);
    if (!summary) {
        emit failed(summary.error().message);
        return;
    }
    emit finished(*summary);
}

void ExecutionWorker::reconcile()
{
    if (!open())
        return;
    Executor executor(
        *m_db, [this](qint64 account) { return m_exchanges->exchangeFor(account); }, m_clock);
    auto report = executor.reconcile();
    if (!report) {
        emit failed(report.error().message);
        return;
    }
    emit reconciled(report->messages.join(QLatin1Char('\n')));
}

} // namespace ballast::execution
