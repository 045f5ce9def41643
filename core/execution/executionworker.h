#pragma once

#include "execution/executor.h"

#include <QObject>
#include <QString>

#include <atomic>
#include <memory>

namespace ballast::storage {
class Database;
}
namespace ballast::exchange {
class ExchangeFactory;
}

namespace ballast::execution {

/// Runs executions on its own thread: move it to a QThread, then invoke
/// execute() queued. It opens its own database connection in that thread and
/// reports back by signals carrying value types; the GUI thread never waits.
class ExecutionWorker : public QObject
{
    Q_OBJECT

public:
    explicit ExecutionWorker(QString databasePath, Clock clock = systemClock(), QObject *parent = nullptr);
    ~ExecutionWorker() override;

    /// Thread-safe: the running execution stops before its next order, and
    /// cancels what is open on the exchange.
    void requestCancel() { m_cancel.store(true); }

public slots:
    void execute(const QString &planId, const ballast::execution::ExecutionOptions &options);
    void reconcile();

signals:
    void orderProgress(const ballast::execution::OrderProgress &progress);
    void finished(const ballast::execution::ExecutionSummary &summary);
    void reconciled(const QString &message);
    void failed(const QString &message);

private:
    bool open();

    QString m_path;
    Clock m_clock;
    std::unique_ptr<storage::Database> m_db;
    std::unique_ptr<exchange::ExchangeFactory> m_exchanges;
    std::atomic_bool m_cancel{false};
};

} // namespace ballast::execution

Q_DECLARE_METATYPE(ballast::execution::ExecutionOptions)
