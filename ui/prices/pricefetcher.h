#pragma once

#include "services/pricehistoryservice.h"
#include "workers/pricefetchworker.h" // the report's metatype, for the signals
#include "workers/threadstopper.h"

#include <QObject>
#include <QString>

namespace ballast::ui {

class AppContext;

/// Runs price-history fetches on a worker thread (PriceFetchWorker), one at
/// a time, for the Fetch Price History dialog and for the window's refresh
/// after each account sync. A fetch counts as a background write (no
/// execution starts meanwhile, and none starts beside an execution), and the
/// pages are told when it stored candles.
class PriceFetcher : public QObject
{
    Q_OBJECT

public:
    explicit PriceFetcher(AppContext &context, QObject *parent = nullptr);
    ~PriceFetcher() override;
    PriceFetcher(const PriceFetcher &) = delete;
    PriceFetcher &operator=(const PriceFetcher &) = delete;

    /// Starts @p request; false (with @p why) while another fetch or an execution runs.
    bool start(const services::PriceFetchRequest &request, QString *why = nullptr);
    /// Fetches, in the background, the history the portfolio is missing (its
    /// assets since its first transaction, daily) from the default source;
    /// what happened goes to the status bar. Nothing when busy or executing.
    bool fetchMissing();
    /// Stops the running fetch at its next page or asset.
    void cancel();
    [[nodiscard]] bool isBusy() const { return m_busy; }
    /// The worker, on its own thread (tests connect to its signals).
    [[nodiscard]] PriceFetchWorker *worker() const { return m_worker; }

    /// The source a fetch uses unless the person picks another: the last one
    /// chosen in the dialog, else Binance.
    [[nodiscard]] static QString defaultSource();
    static void setDefaultSource(const QString &source);
    /// The address of @p source's API from the settings ("prices/baseUrl/<source>"):
    /// a mirror of the person's, or a loopback fake in tests; empty: the public one.
    [[nodiscard]] static QString baseUrlFor(const QString &source);

signals:
    void progress(const QString &asset, int index, int count, qint64 candles);
    void finished(bool ok, const QString &error, const ballast::services::PriceFetchReport &report);

private:
    void onFinished(bool ok, const QString &error, const services::PriceFetchReport &report);

    AppContext &m_context;
    WorkerThread m_thread;
    PriceFetchWorker *m_worker = nullptr; ///< lives on m_thread, deleted when it ends
    bool m_busy = false;
    bool m_background = false; ///< the running fetch is fetchMissing()'s: it reports to the status bar
};

} // namespace ballast::ui
