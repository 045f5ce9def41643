#pragma once

#include "services/pricehistoryservice.h"
#include "workers/pricefetchworker.h" // the report's metatype, for the signals
#include "workers/threadstopper.h"

#include <QList>
#include <QObject>
#include <QString>
#include <QStringList>

#include <optional>

namespace ballast::ui {

class AppContext;

/// The one runner of price-history fetches of a main window: the Fetch Price
/// History dialog, the Backtest page and the refresh after each account sync
/// all go through it, so two fetches never write the same database at once.
/// Fetches run one at a time on a worker thread (PriceFetchWorker) that
/// starts with the first one; a request made while one runs joins it when it
/// asks the same, else queues behind it, and says which. A fetch counts as a
/// background write (no execution starts meanwhile, and none starts beside an
/// execution), and the pages are told when it stored candles.
class PriceFetcher : public QObject
{
    Q_OBJECT

public:
    explicit PriceFetcher(AppContext &context, QObject *parent = nullptr);
    ~PriceFetcher() override;
    PriceFetcher(const PriceFetcher &) = delete;
    PriceFetcher &operator=(const PriceFetcher &) = delete;

    enum class Admission {
        Started, ///< runs now
        Joined, ///< the same request runs or waits already: its progress and end are this one's
        Queued, ///< runs when those before it have ended
        Refused, ///< an execution runs
    };
    /// What start() did with a request: its ticket (the signals carry it) and what to tell the person.
    struct Admitted
    {
        Admission admission = Admission::Refused;
        int ticket = 0; ///< 0 when refused
        QString said; ///< empty when started
    };

    /// Runs @p request now, or joins or queues it behind the running fetch.
    Admitted start(const services::PriceFetchRequest &request);
    /// Fetches, in the background, the history the portfolio is missing (its
    /// assets since its first transaction, daily) from the default source;
    /// what happened goes to the status bar. Joins or queues when busy;
    /// false only while an execution runs.
    bool fetchMissing();
    /// Stops fetch @p ticket: at once when it waits, else at its next page or
    /// asset; a queued one is dropped (its end is signalled as cancelled).
    void cancel(int ticket);
    /// Stops the running fetch, whoever asked for it.
    void cancel();
    /// A fetch runs.
    [[nodiscard]] bool isBusy() const { return m_running.has_value(); }
    /// @p ticket runs or waits its turn.
    [[nodiscard]] bool isPending(int ticket) const;
    /// The ticket of the running fetch, 0 when none.
    [[nodiscard]] int runningTicket() const { return m_running ? m_running->ticket : 0; }
    [[nodiscard]] qsizetype queuedCount() const { return m_queue.size(); }
    /// Reads, on the worker thread, the assets a fetch of the portfolio's from
    /// @p source would take; the answer comes as portfolioAssetsRead.
    void readPortfolioAssets(const QString &source);
    /// The worker, on its own thread; null until the first fetch or read.
    [[nodiscard]] PriceFetchWorker *worker() const { return m_worker; }
    /// The worker, its thread started now when not yet (tests connect to its signals first).
    PriceFetchWorker *ensureWorker();

    /// The source a fetch uses unless the person picks another: the last one
    /// chosen in the dialog, else Binance.
    [[nodiscard]] static QString defaultSource();
    static void setDefaultSource(const QString &source);
    /// The address of @p source's API from the settings ("prices/baseUrl/<source>"):
    /// a mirror of the person's, or a loopback fake in tests; empty: the public one.
    [[nodiscard]] static QString baseUrlFor(const QString &source);

signals:
    /// Fetch @p ticket began (a queued one when its turn came).
    void started(int ticket);
    void progress(const QString &asset, int index, int count, qint64 candles, int ticket);
    void finished(bool ok, const QString &error, const ballast::services::PriceFetchReport &report, int ticket);
    void portfolioAssetsRead(const QString &source, const QStringList &assets, const QString &error);

private:
    struct Pending
    {
        int ticket = 0;
        services::PriceFetchRequest request;
        bool background = false; ///< fetchMissing()'s: it reports to the status bar
    };
    Admitted admit(const services::PriceFetchRequest &request, bool background);
    void runNext();
    void onProgress(const QString &asset, int index, int count, qint64 candles);
    void onFinished(bool ok, const QString &error, const services::PriceFetchReport &report);
    void reportInStatusBar(bool ok, const QString &error, const services::PriceFetchReport &report);

    AppContext &m_context;
    WorkerThread m_thread;
    PriceFetchWorker *m_worker = nullptr; ///< lives on m_thread, deleted when it ends
    std::optional<Pending> m_running;
    QList<Pending> m_queue;
    int m_nextTicket = 1;
};

} // namespace ballast::ui
