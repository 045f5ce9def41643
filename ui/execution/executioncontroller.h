#pragma once

#include "common/result.h"
#include "exchange/exchangefactory.h"
#include "execution/executor.h"

#include <QHash>
#include <QList>
#include <QObject>
#include <QString>
#include <QThread>

namespace ballast::services {
class ExecutionWorker;
}

namespace ballast::ui {

class AppContext;

/// Owns the execution thread and its ExecutionWorker, and keeps the
/// application's state in step with it: AppContext::setExecuting() while the
/// worker writes, notifyLedgerChanged() when it is done, alerts for failures
/// and rejected orders. One task at a time; nothing here waits on the worker.
class ExecutionController : public QObject
{
    Q_OBJECT

public:
    using Credentials = QHash<qint64, exchange::ApiCredentials>;
    /// What the worker needs to unlock the API keys itself: the accounts (by
    /// id, with their names in the key store) and the passphrase. Empty when
    /// no exchange account is involved.
    struct Unlock
    {
        QHash<qint64, QString> accounts;
        QString passphrase;
    };

    explicit ExecutionController(AppContext &context, QObject *parent = nullptr);
    /// Asks a running execution to stop after its current order and waits for
    /// the thread (the journal lets reconciliation settle whatever is left).
    ~ExecutionController() override;

    [[nodiscard]] bool isBusy() const { return m_task != Task::None; }
    [[nodiscard]] bool isExecuting() const { return m_task == Task::Execution; }

    /// The exchange accounts among @p accountIds (paper accounts and wallets
    /// need nothing). Reads the GUI thread's ledger.
    [[nodiscard]] QList<qint64> exchangeAccounts(const QList<qint64> &accountIds) const;
    /// Asks the passphrase once (with @p reason) for @p accountIds' exchange
    /// accounts; the keys themselves are unlocked by the worker in its thread
    /// (scrypt takes a few hundred milliseconds). An error with code
    /// "vault.cancelled" when the person declined.
    [[nodiscard]] Result<Unlock> unlockCredentials(const QList<qint64> &accountIds, const QString &reason) const;

    /// Starts executing a stored plan on the worker; false when busy.
    bool execute(const QString &planId, const execution::ExecutionOptions &options, Unlock unlock = {});
    /// Settles unfinished orders of earlier executions; false when busy.
    bool reconcile(Unlock unlock = {});
    /// Thread-safe request: the execution stops before its next order.
    void cancel();

    /// The worker, living in the execution thread (tests connect to it directly).
    [[nodiscard]] services::ExecutionWorker *worker() const { return m_worker; }

signals:
    void busyChanged(bool busy);
    void orderProgress(const ballast::execution::OrderProgress &progress);
    void finished(const ballast::execution::ExecutionSummary &summary);
    void failed(const QString &message);
    /// The plan was refused as stale (what it was made from has changed); failed() follows.
    void stalePlan(const QString &planId, const QString &message);
    void reconciled(const QString &message);

private:
    enum class Task { None, Execution, Reconciliation };
    void begin(Task task);
    /// Gives the worker what it needs to unlock the keys, and wipes the passphrase here.
    void handOver(Unlock &unlock);
    void end();
    void onFinished(const execution::ExecutionSummary &summary);
    void onFailed(const QString &message);
    void onReconciled(const QString &message);

    AppContext &m_context;
    QThread m_thread;
    services::ExecutionWorker *m_worker = nullptr; ///< deleted in its thread when the thread ends
    Task m_task = Task::None;
    QString m_planId;
};

} // namespace ballast::ui
