#pragma once

#include "allocation/allocationmodel.h"
#include "backtest/backtester.h"
#include "backtest/policybacktest.h"
#include "common/result.h"
#include "rebalance/trigger.h"

#include <QDate>
#include <QFuture>
#include <QFutureWatcher>
#include <QHash>
#include <QList>
#include <QObject>
#include <QString>
#include <QStringList>
#include <QThreadPool>
#include <QTimer>

#include <atomic>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

namespace ballast::ui {

/// Where a backtest's starting weights come from: fixed weights (the
/// portfolio's targets) or an allocation model estimated over the history.
struct WeightSource
{
    QString name; ///< "targets" or the model's name ("equal", "erc", ...); starts the run labels
    std::optional<allocation::Model> model; ///< none: BacktestRequest::fixedWeights
};

/// What the backtest page asks for: the stored history to replay and the rule
/// to test on it.
struct BacktestRequest
{
    QString databasePath; ///< the worker opens its own connection
    QString quote;
    QString interval;
    QStringList pricedAssets; ///< assets with stored candles in quote and interval
    QStringList cashAssets; ///< held as cash, worth 1 quote unit on every bar
    QDate from; ///< inclusive; invalid = from the first shared bar
    QDate to; ///< inclusive; invalid = to the last shared bar
    QHash<QString, double> fixedWeights; ///< by asset; renormalised over the chosen assets
    backtest::BacktestConfig base; ///< trigger, costs, capital, overlay and guards; targets are filled in
    /// "My policy": the stored policy sets the rule, the bands and (unless
    /// the run sets its own) the falling guard, once the history's assets
    /// are known, as `ballast-cli backtest --policy` does.
    std::optional<backtest::PolicyBacktest> policy;
};

/// The grid of a parameter sweep: thresholds x calendar periods x weight sets.
struct SweepGrid
{
    static constexpr int kMaxRuns = 100000;

    double thresholdFrom = 1.0; ///< band half-widths in percentage points
    double thresholdTo = 20.0;
    double thresholdStep = 1.0;
    bool thresholds = true; ///< threshold triggers for every band
    QList<rebalance::CalendarPeriod> periods; ///< calendar triggers
    bool hybrids = false; ///< hybrid triggers for every period x band
    bool never = false; ///< a buy-and-hold run per weight set
    QList<WeightSource> weightSources;

    /// How many bands from, to and step give (capped at kMaxRuns + 1).
    [[nodiscard]] qint64 bandCount() const;
    /// The bands of the grid, in percentage points.
    [[nodiscard]] QList<double> bands() const;
    [[nodiscard]] QList<rebalance::Trigger> triggers() const;
    /// triggers().size() x weightSources.size(), without building them.
    [[nodiscard]] qint64 runCount() const;
};

/// History loaded for a request, with one weight vector per weight source.
struct PreparedBacktest
{
    std::shared_ptr<const backtest::BacktestData> data;
    QList<std::pair<QString, std::vector<double>>> weightSets;
};

/// One finished run as the page keeps it.
struct BacktestRun
{
    int id = 0;
    QString quote;
    backtest::BacktestConfig config;
    backtest::BacktestResult result;
    std::shared_ptr<const BacktestRequest> request; ///< the history and settings it ran on
    QStringList notes; ///< what the run does not simulate of the stored policy
    bool draw = true;

    /// True when the run kept its curves and trades (single runs do, sweep runs keep metrics only).
    [[nodiscard]] bool detailed() const { return !result.equity.empty(); }
    [[nodiscard]] bool failed() const { return !result.error.isEmpty(); }
};

/// Runs backtests and sweeps off the GUI thread: history is loaded on a worker
/// with its own database connection, a single run goes through Backtester with
/// a cancel flag, a sweep through Sweep's QFuture; all of it on the runner's
/// own thread pool, never the global one, which painting needs. Progress is polled ten times a
/// second, never one signal per run. Results and errors come back as signals
/// on the thread that owns the runner.
class BacktestRunner : public QObject
{
    Q_OBJECT

public:
    explicit BacktestRunner(QObject *parent = nullptr);
    /// Cancels what runs and waits for the workers.
    ~BacktestRunner() override;

    /// Loads the history of @p request and a weight vector per source. Runs on
    /// a worker; checks @p cancel between assets.
    static Result<PreparedBacktest> prepare(const BacktestRequest &request, const QList<WeightSource> &sources,
                                            const std::atomic_bool *cancel = nullptr);

    [[nodiscard]] bool isBusy() const { return m_busy; }
    /// Starts one backtest with curves and trades. Ignored while busy.
    void run(const BacktestRequest &request, const WeightSource &weights);
    /// Runs @p run again on the same history with its exact config, keeping
    /// curves and trades (to see a sweep run in detail). Ignored while busy.
    void rerun(const BacktestRun &run);
    /// Starts a sweep over @p grid on top of @p request. Ignored while busy.
    void sweep(const BacktestRequest &request, const SweepGrid &grid);
    /// Stops what runs; cancelled() follows once the workers have stopped.
    void cancel();

signals:
    void busyChanged(bool busy);
    /// @p total is 0 while the amount of work is not known yet.
    void progress(int done, int total);
    void runFinished(const ballast::ui::BacktestRun &run);
    void sweepFinished(const QList<ballast::ui::BacktestRun> &runs);
    void failed(const QString &message);
    /// Stopped on request; nothing of the stopped work is delivered.
    void cancelled(int done, int total);

private:
    // Plain values (Result has no default constructor, QFuture's results need one).
    struct SingleOutcome
    {
        BacktestRun run;
        QString error;
    };
    struct PrepareOutcome
    {
        PreparedBacktest prepared;
        QString error;
    };

    void setBusy(bool busy);
    void startSingle(const std::shared_ptr<const BacktestRequest> &request, const WeightSource &weights,
                     const std::optional<backtest::BacktestConfig> &fixed);
    void onSingleFinished();
    void onPrepared();
    void onSweepFinished();
    void pollProgress();

    // Declared first so that it is destroyed last, after the watchers. The
    // runner's own pool, not the global one: Qt's raster paint engine runs
    // its fill tasks on the global pool and the GUI thread waits for them.
    QThreadPool m_pool;
    bool m_busy = false;
    int m_nextId = 1;
    QString m_quote;
    std::shared_ptr<std::atomic_bool> m_cancel;
    QFutureWatcher<SingleOutcome> m_single;
    QFutureWatcher<PrepareOutcome> m_prepare;
    QFutureWatcher<backtest::BacktestResult> m_sweep;
    QList<backtest::BacktestConfig> m_sweepConfigs;
    SweepGrid m_grid;
    backtest::BacktestConfig m_sweepBase;
    std::shared_ptr<const BacktestRequest> m_sweepRequest;
    QTimer m_progressTimer;
};

} // namespace ballast::ui
