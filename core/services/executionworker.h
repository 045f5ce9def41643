#pragma once

#include "exchange/exchangefactory.h"
#include "execution/executor.h"

#include <QHash>
#include <QMutex>
#include <QObject>
#include <QString>

#include <atomic>
#include <memory>

class QNetworkAccessManager;

namespace ballast::storage {
class Database;
}
namespace ballast::services {

/// Runs executions on its own thread: move it to a QThread, then invoke
/// execute() queued. It opens its own database connection and its own network
/// manager in that thread and reports back by signals carrying value types;
/// the GUI thread never waits. Paper accounts need nothing more; exchange
/// accounts trade once their API credentials were handed over with
/// setCredentials() (the passphrase that unlocked them stays with the caller).
class ExecutionWorker : public QObject
{
    Q_OBJECT

public:
    explicit ExecutionWorker(QString databasePath, Clock clock = systemClock(), QObject *parent = nullptr);
    ~ExecutionWorker() override;

    /// Thread-safe: the running execution stops before its next order, and
    /// cancels what is open on the exchange.
    void requestCancel() { m_cancel.store(true); }
    /// Thread-safe: clears an earlier cancel request. The caller does this
    /// before queueing execute(), so a Cancel pressed in between is kept.
    void resetCancel() { m_cancel.store(false); }

    /// Thread-safe: the API credentials of exchange accounts, by account id,
    /// for the next execution or reconciliation; they are forgotten (and the
    /// connectors closed) when it ends.
    void setCredentials(const QHash<qint64, exchange::ApiCredentials> &credentials);

    /// Thread-safe: the next execute() or reconcile() first unlocks the API
    /// credentials of @p accountNames (by account id) from the key store at
    /// @p vaultPath with @p passphrase, in the worker's thread, so the slow key
    /// derivation never holds the caller's thread. The passphrase is
    /// overwritten once used. An execution whose keys cannot be unlocked fails
    /// before anything is sent; a reconciliation goes on with what it has.
    void setUnlock(const QString &vaultPath, const QHash<qint64, QString> &accountNames, QString passphrase);

public slots:
    void execute(const QString &planId, const ballast::execution::ExecutionOptions &options);
    void reconcile();

signals:
    void orderProgress(const ballast::execution::OrderProgress &progress);
    void finished(const ballast::execution::ExecutionSummary &summary);
    void reconciled(const QString &message);
    void failed(const QString &message);
    /// The plan was refused because what it was made from has changed (also
    /// reported by failed()); the page offers a re-plan.
    void stalePlan(const QString &planId, const QString &message);

private:
    bool open();
    std::optional<exchange::ApiCredentials> credentialsFor(qint64 accountId) const;
    /// Drops the connectors and the API credentials after each task.
    void forgetCredentials();
    /// Runs a pending setUnlock(); the error names the account that failed.
    Status unlockPending();

    QString m_path;
    Clock m_clock;
    std::unique_ptr<storage::Database> m_db;
    std::unique_ptr<QNetworkAccessManager> m_network; ///< created in the worker's thread
    std::unique_ptr<exchange::ExchangeFactory> m_exchanges;
    mutable QMutex m_credentialsLock;
    QHash<qint64, exchange::ApiCredentials> m_credentials;
    QString m_vaultPath;
    QHash<qint64, QString> m_unlockNames;
    QString m_passphrase;
    std::atomic_bool m_cancel{false};
};

} // namespace ballast::services

Q_DECLARE_METATYPE(ballast::execution::ExecutionOptions)
