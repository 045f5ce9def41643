#pragma once

#include "common/canceltoken.h"
#include "common/clock.h"
#include "services/pricehistoryservice.h"

#include <QMetaType>
#include <QObject>
#include <QString>
#include <QStringList>

#include <memory>

class QNetworkAccessManager;

// Before the class: its signals carry the report across threads.
Q_DECLARE_METATYPE(ballast::services::PriceFetchReport)

namespace ballast::storage {
class Database;
}

namespace ballast::ui {

/// Fetches price history (PriceHistoryService) on its own thread, with its
/// own database connection and network manager, both made there on first
/// use. Progress and the report come back as signals; cancel() stops the
/// fetch at once when it waits, else at its next page or asset (what was
/// stored per asset stays).
class PriceFetchWorker : public QObject
{
    Q_OBJECT

public:
    PriceFetchWorker(QString databasePath, Clock clock);
    ~PriceFetchWorker() override;
    PriceFetchWorker(const PriceFetchWorker &) = delete;
    PriceFetchWorker &operator=(const PriceFetchWorker &) = delete;

    /// Runs on the worker's thread (queue it there).
    void fetch(const ballast::services::PriceFetchRequest &request);
    /// Runs on the worker's thread: the assets a fetch of @p portfolio's
    /// assets from @p source would take, read there, never on the GUI thread.
    void readPortfolioAssets(const QString &portfolio, const QString &source);
    /// Thread-safe: clears a cancel left from an earlier fetch (before queuing one).
    void arm() { m_cancel.reset(); }
    /// Thread-safe: stops the fetch at once when it waits (a Retry-After, the
    /// pacing), else at its next page or asset.
    void cancel() { m_cancel.cancel(); }

signals:
    /// The fetch reached asset @p index (0-based) of @p count with @p candles read for it so far.
    void progress(const QString &asset, int index, int count, qint64 candles);
    /// The end: the report when @p ok, else @p error says why nothing was asked for.
    void finished(bool ok, const QString &error, const ballast::services::PriceFetchReport &report);
    /// readPortfolioAssets' answer: the assets, or @p error when there are none or the file cannot be read.
    void portfolioAssetsRead(const QString &source, const QStringList &assets, const QString &error);

private:
    /// The connection, opened on this thread on first use; empty with @p error set when it cannot be.
    storage::Database *database(QString *error);

    QString m_databasePath;
    Clock m_clock;
    std::unique_ptr<storage::Database> m_db;
    std::unique_ptr<QNetworkAccessManager> m_network;
    CancelToken m_cancel;
};

} // namespace ballast::ui
