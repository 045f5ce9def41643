#pragma once

#include "common/result.h"

#include <QFutureWatcher>
#include <QObject>
#include <QString>
#include <QThreadPool>

#include <functional>
#include <optional>

namespace ballast::storage {
class Database;
}

namespace ballast::ui {

/// Reads the ledger off the GUI thread for a page: each read runs on the
/// reader's own pool of one thread (not the global pool, see
/// docs/architecture.md) with its own connection to the database file, and
/// hands what it read back to the GUI thread. The newest read wins: a read
/// asked for while one runs replaces any other that waits, and only the last
/// one's result is delivered.
class BackgroundReader : public QObject
{
    Q_OBJECT

public:
    /// What a read hands back: run on the GUI thread once the read is done.
    using Delivery = std::function<void()>;
    /// Runs on the reader's thread with the connection it opened (or why it
    /// could not); returns what to do with the result on the GUI thread.
    using Work = std::function<Delivery(Result<storage::Database *> db)>;

    explicit BackgroundReader(QString databasePath, QObject *parent = nullptr);
    /// Waits for the read in flight; its delivery is dropped.
    ~BackgroundReader() override;
    BackgroundReader(const BackgroundReader &) = delete;
    BackgroundReader &operator=(const BackgroundReader &) = delete;

    void read(Work work);
    /// True from read() until the last read's delivery has run.
    [[nodiscard]] bool isReading() const { return m_reading; }

signals:
    /// After each delivery.
    void delivered();

private:
    void start(Work work);
    void finish();

    QString m_path;
    QThreadPool m_pool;
    QFutureWatcher<Delivery> m_watcher;
    std::optional<Work> m_pending;
    bool m_reading = false;
};

} // namespace ballast::ui
