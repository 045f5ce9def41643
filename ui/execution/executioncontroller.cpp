#include "execution/executioncontroller.h"

#include "appcontext.h"
#include "security/keystore.h"
#include "services/executionworker.h"
#include "services/ledgerqueries.h"

namespace ballast::ui {

using execution::ExecutionSummary;
using execution::OrderProgress;

ExecutionController::ExecutionController(AppContext &context, QObject *parent)
    : QObject(parent)
    , m_context(context)
    , m_worker(new services::ExecutionWorker(context.databasePath(), context.clock()))
{
    m_thread.setObjectName(QStringLiteral("execution"));
    m_worker->moveToThread(&m_thread);
    connect(&m_thread, &QThread::finished, m_worker, &QObject::deleteLater);
    // Queued: the worker emits in its thread, these run in the GUI thread.
    connect(m_worker, &services::ExecutionWorker::orderProgress, this, &ExecutionController::orderProgress,
            Qt::QueuedConnection);
    connect(m_worker, &services::ExecutionWorker::finished, this, &ExecutionController::onFinished,
            Qt::QueuedConnection);
    connect(m_worker, &services::ExecutionWorker::stalePlan, this, &ExecutionController::stalePlan,
            Qt::QueuedConnection);
    connect(m_worker, &services::ExecutionWorker::failed, this, &ExecutionController::onFailed, Qt::QueuedConnection);
    connect(m_worker, &services::ExecutionWorker::reconciled, this, &ExecutionController::onReconciled,
            Qt::QueuedConnection);
    m_thread.start();
}

ExecutionController::~ExecutionController()
{
    m_worker->requestCancel();
    m_thread.quit();
    m_thread.wait();
    if (m_task != Task::None)
        m_context.setExecuting(false);
}

QList<qint64> ExecutionController::exchangeAccounts(const QList<qint64> &accountIds) const
{
    QList<qint64> ids;
    auto accounts = services::LedgerQueries(m_context.db()).accounts();
    if (!accounts)
        return ids;
    for (const auto &account : *accounts) {
        if (account.kind == domain::AccountKind::Exchange && accountIds.contains(account.id)
            && !ids.contains(account.id))
            ids.append(account.id);
    }
    return ids;
}

Result<ExecutionController::Unlock> ExecutionController::unlockCredentials(const QList<qint64> &accountIds,
                                                                           const QString &reason) const
{
    Unlock unlock;
    const QList<qint64> needed = exchangeAccounts(accountIds);
    if (needed.isEmpty())
        return unlock;
    auto accounts = services::LedgerQueries(m_context.db()).accounts();
    if (!accounts)
        return accounts.error();
    for (const auto &account : *accounts) {
        if (needed.contains(account.id))
            unlock.accounts.insert(account.id, account.name);
    }
    std::optional<QString> passphrase = m_context.askPassphrase(reason);
    if (!passphrase)
        return makeError(QStringLiteral("vault.cancelled"), tr("The vault was not unlocked; nothing was sent."));
    unlock.passphrase = std::move(*passphrase);
    return unlock;
}

void ExecutionController::handOver(Unlock &unlock)
{
    if (!unlock.accounts.isEmpty())
        m_worker->setUnlock(m_context.vaultPath(), unlock.accounts, std::move(unlock.passphrase));
    unlock.passphrase.fill(QLatin1Char(' ')); // a copy the caller kept is not ours to reach; see execute()
}

void ExecutionController::begin(Task task)
{
    m_task = task;
    m_context.setExecuting(true);
    emit busyChanged(true);
}

void ExecutionController::end()
{
    m_task = Task::None;
    m_context.setExecuting(false);
    m_context.notifyLedgerChanged();
    emit busyChanged(false);
}

bool ExecutionController::execute(const QString &planId, const execution::ExecutionOptions &options,
                                  Unlock unlock) // by value: callers move theirs in
{
    if (isBusy())
        return false;
    m_planId = planId;
    m_worker->resetCancel(); // here, not in the worker: a Cancel pressed before it starts is kept
    handOver(unlock);
    begin(Task::Execution);
    services::ExecutionWorker *worker = m_worker;
    QMetaObject::invokeMethod(
        worker, [worker, planId, options] { worker->execute(planId, options); }, Qt::QueuedConnection);
    return true;
}

bool ExecutionController::reconcile(Unlock unlock)
{
    if (isBusy())
        return false;
    handOver(unlock);
    begin(Task::Reconciliation);
    services::ExecutionWorker *worker = m_worker;
    QMetaObject::invokeMethod(
        worker, [worker] { worker->reconcile(); }, Qt::QueuedConnection);
    return true;
}

void ExecutionController::cancel()
{
    if (m_task == Task::Execution)
        m_worker->requestCancel();
}

void ExecutionController::onFinished(const ExecutionSummary &summary)
{
    const qint64 now = m_context.clock()();
    if (summary.aborted) {
        m_context.raiseAlert(Alert{now, Alert::Kind::Execution, Alert::Severity::Warning, summary.planId,
                                   tr("Plan %1 was not executed: %2").arg(summary.planId, summary.abortReason)});
    }
    for (const OrderProgress &order : summary.orders) {
        if (order.status != domain::OrderStatus::Rejected)
            continue;
        m_context.raiseAlert(Alert{now, Alert::Kind::Execution, Alert::Severity::Warning, order.symbol,
                                   tr("%1 order %2 on %3 was rejected: %4")
                                       .arg(order.side == domain::Side::Buy ? tr("Buy") : tr("Sell"),
                                            order.clientOrderId, order.account, order.message)});
    }
    if (summary.unknown > 0) {
        m_context.raiseAlert(
            Alert{now, Alert::Kind::Execution, Alert::Severity::Warning, summary.planId,
                  tr("%n order(s) of plan %1 are still unknown; they are reconciled at the next start.", nullptr,
                     summary.unknown)
                      .arg(summary.planId)});
    }
    if (summary.fillsPending > 0) {
        m_context.raiseAlert(Alert{now, Alert::Kind::Execution, Alert::Severity::Warning, summary.planId,
                                   tr("%n order(s) of plan %1 have fills not yet in the ledger; they are recorded by "
                                      "reconciliation at the next start.",
                                      nullptr, summary.fillsPending)
                                       .arg(summary.planId)});
    }
    end();
    emit finished(summary);
}

void ExecutionController::onFailed(const QString &message)
{
    const bool executing = m_task == Task::Execution;
    m_context.raiseAlert(Alert{m_context.clock()(), Alert::Kind::Execution, Alert::Severity::Critical,
                               executing ? m_planId : tr("Reconciliation"),
                               executing ? tr("The execution of plan %1 stopped: %2").arg(m_planId, message)
                                         : tr("Reconciliation failed: %1").arg(message)});
    end();
    emit failed(message);
}

void ExecutionController::onReconciled(const QString &message)
{
    end();
    emit reconciled(message);
}

} // namespace ballast::ui
