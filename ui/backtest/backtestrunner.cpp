#include "backtest/backtestrunner.h"

#include "backtest/sweep.h"
#include "services/allocationservice.h"
#include "services/ledgerqueries.h"
#include "storage/database.h"

#include <QDateTime>
#include <QPromise>
#include <QThread>
#include <QThreadPool>
#include <QTimeZone>

#include <algorithm>
#include <cmath>

namespace ballast::ui {

namespace {

qint64 startOfDayMs(QDate date)
{
    return QDateTime(date, QTime(0, 0), QTimeZone::utc()).toMSecsSinceEpoch();
}

/// Runs @p work on @p pool and returns its future (QtCore only: QtConcurrent
/// is core's private dependency).
template<typename Work>
auto runInPool(QThreadPool &pool, Work work) -> QFuture<decltype(work())>
{
    using T = decltype(work());
    auto promise = std::make_shared<QPromise<T>>();
    QFuture<T> future = promise->future();
    promise->start();
    pool.start([promise, work = std::move(work)]() mutable {
        promise->addResult(work());
        promise->finish();
    });
    return future;
}

QString runLabel(const QString &weights, const rebalance::Trigger &trigger)
{
    // The same labels as Sweep::grid, so single runs and sweep runs compare.
    return weights.isEmpty() ? trigger.toString() : weights + QLatin1Char(' ') + trigger.toString();
}

} // namespace

qint64 SweepGrid::bandCount() const
{
    if (!(thresholdStep > 0.0) || !(thresholdFrom > 0.0) || thresholdTo < thresholdFrom)
        return 0;
    const double count = std::floor((thresholdTo - thresholdFrom) / thresholdStep + 1e-9) + 1.0;
    return static_cast<qint64>(std::min(count, static_cast<double>(kMaxRuns) + 1.0));
}

qint64 SweepGrid::runCount() const
{
    const qint64 widths = bandCount();
    const auto calendars = static_cast<qint64>(periods.size());
    const qint64 rules = (never ? 1 : 0) + calendars + (thresholds ? widths : 0) + (hybrids ? calendars * widths : 0);
    return rules * static_cast<qint64>(weightSources.size());
}

QList<double> SweepGrid::bands() const
{
    QList<double> result;
    const qint64 count = bandCount();
    for (qint64 i = 0; i < count; ++i) {
        // Rounded to 1e-9 pp so that 0.1 + 0.2 steps read as 0.3pp in the labels.
        result.append(std::round((thresholdFrom + static_cast<double>(i) * thresholdStep) * 1e9) / 1e9);
    }
    return result;
}

QList<rebalance::Trigger> SweepGrid::triggers() const
{
    QList<rebalance::Trigger> result;
    if (never)
        result.append(rebalance::Trigger::none());
    for (const auto period : periods)
        result.append(rebalance::Trigger::calendar(period));
    const QList<double> widths = bands();
    if (thresholds) {
        for (const double width : widths)
            result.append(rebalance::Trigger::threshold(domain::Band{domain::Band::Kind::Absolute, width / 100.0}));
    }
    if (hybrids) {
        for (const auto period : periods) {
            for (const double width : widths)
                result.append(
                    rebalance::Trigger::hybrid(period, domain::Band{domain::Band::Kind::Absolute, width / 100.0}));
        }
    }
    return result;
}

BacktestRunner::BacktestRunner(QObject *parent)
    : QObject(parent)
    , m_cancel(std::make_shared<std::atomic_bool>(false))
{
    m_pool.setMaxThreadCount(QThread::idealThreadCount());
    connect(&m_single, &QFutureWatcher<SingleOutcome>::finished, this, &BacktestRunner::onSingleFinished);
    connect(&m_prepare, &QFutureWatcher<PrepareOutcome>::finished, this, &BacktestRunner::onPrepared);
    connect(&m_sweep, &QFutureWatcher<backtest::BacktestResult>::finished, this, &BacktestRunner::onSweepFinished);
    m_progressTimer.setInterval(100);
    connect(&m_progressTimer, &QTimer::timeout, this, &BacktestRunner::pollProgress);
}

BacktestRunner::~BacktestRunner()
{
    m_cancel->store(true);
    m_sweep.future().cancel();
    m_single.waitForFinished();
    m_prepare.waitForFinished();
    m_sweep.waitForFinished();
}

Result<PreparedBacktest> BacktestRunner::prepare(const BacktestRequest &request, const QList<WeightSource> &sources,
                                                 const std::atomic_bool *cancel)
{
    auto cancelled = [cancel] { return cancel && cancel->load(); };
    if (request.pricedAssets.isEmpty())
        return makeError(QStringLiteral("backtest.assets"), tr("Choose at least one asset with price history."));
    if (request.from.isValid() && request.to.isValid() && request.from > request.to) {
        return makeError(QStringLiteral("backtest.dates"),
                         tr("The first date (%1) is after the last date (%2).")
                             .arg(request.from.toString(Qt::ISODate), request.to.toString(Qt::ISODate)));
    }
    auto opened = storage::Database::open(request.databasePath, storage::Database::Mode::ReadWriteExisting);
    if (!opened)
        return opened.error();
    services::LedgerQueries store(**opened);
    const qint64 fromMs = request.from.isValid() ? startOfDayMs(request.from) : 0;
    const qint64 toMs =
        request.to.isValid() ? startOfDayMs(request.to.addDays(1)) - 1 : services::LedgerQueries::kLatest;
    QList<market::PriceSeries> series;
    for (const QString &asset : request.pricedAssets) {
        if (cancelled())
            return makeError(QStringLiteral("backtest.cancelled"), tr("Cancelled."));
        auto candles = store.candles(asset, request.quote, request.interval, fromMs, toMs);
        if (!candles)
            return candles.error();
        if (candles->size() < 2) {
            return makeError(QStringLiteral("backtest.data"),
                             tr("%1/%2 has %3 stored %4 candle(s) in the chosen dates; a backtest needs at least 2.")
                                 .arg(asset, request.quote)
                                 .arg(candles->size())
                                 .arg(request.interval));
        }
        market::PriceSeries one;
        one.asset = asset;
        one.quote = request.quote;
        one.interval = request.interval;
        one.candles = std::move(*candles);
        series.append(std::move(one));
    }
    auto loaded = backtest::BacktestData::fromSeries(series, request.from, request.to);
    if (!loaded)
        return loaded.error();
    auto data = std::make_shared<backtest::BacktestData>(std::move(*loaded));
    for (const QString &cash : request.cashAssets) {
        if (data->indexOf(cash) < 0)
            data->addCash(cash);
    }
    const auto &overlay = request.base.overlay;
    if (overlay.kind != backtest::OverlayConfig::Kind::None && data->indexOf(overlay.stablecoin) < 0)
        data->addCash(overlay.stablecoin);

    PreparedBacktest prepared;
    for (const WeightSource &source : sources) {
        if (cancelled())
            return makeError(QStringLiteral("backtest.cancelled"), tr("Cancelled."));
        if (source.model) {
            auto weights = services::AllocationService::backtestWeights(
                *data, *source.model, static_cast<std::size_t>(request.pricedAssets.size()));
            if (!weights) {
                return makeError(weights.error().code,
                                 tr("Weights from %1: %2").arg(source.name, weights.error().message));
            }
            prepared.weightSets.append({source.name, *weights});
            continue;
        }
        std::vector<double> weights(data->width(), 0.0);
        double sum = 0.0;
        for (std::size_t i = 0; i < data->width(); ++i) {
            weights[i] = std::max(0.0, request.fixedWeights.value(data->assets[static_cast<qsizetype>(i)], 0.0));
            sum += weights[i];
        }
        if (!(sum > 0.0)) {
            return makeError(QStringLiteral("backtest.weights"),
                             tr("None of the chosen assets (%1) has a target weight in the portfolio; choose other "
                                "assets or an allocation model.")
                                 .arg(data->assets.join(QStringLiteral(", "))));
        }
        for (double &weight : weights)
            weight /= sum;
        prepared.weightSets.append({source.name, std::move(weights)});
    }
    prepared.data = std::move(data);
    return prepared;
}

void BacktestRunner::setBusy(bool busy)
{
    if (m_busy == busy)
        return;
    m_busy = busy;
    if (!busy)
        m_progressTimer.stop();
    emit busyChanged(busy);
}

void BacktestRunner::run(const BacktestRequest &request, const WeightSource &weights)
{
    startSingle(std::make_shared<const BacktestRequest>(request), weights, std::nullopt);
}

void BacktestRunner::rerun(const BacktestRun &run)
{
    if (!run.request) {
        emit failed(tr("%1 has no stored settings to run again.").arg(run.result.label));
        return;
    }
    startSingle(run.request, WeightSource{}, run.config);
}

void BacktestRunner::startSingle(const std::shared_ptr<const BacktestRequest> &request, const WeightSource &weights,
                                 const std::optional<backtest::BacktestConfig> &fixed)
{
    if (m_busy)
        return;
    m_cancel = std::make_shared<std::atomic_bool>(false);
    m_quote = request->quote;
    setBusy(true);
    emit progress(0, 0);
    const int id = m_nextId++;
    m_single.setFuture(runInPool(m_pool, [request, weights, fixed, id, cancel = m_cancel]() -> SingleOutcome {
        SingleOutcome outcome;
        auto prepared = prepare(*request, fixed ? QList<WeightSource>() : QList<WeightSource>{weights}, cancel.get());
        if (!prepared) {
            outcome.error = prepared.error().message;
            return outcome;
        }
        backtest::BacktestConfig config = fixed ? *fixed : request->base;
        if (!fixed) {
            config.targets = prepared->weightSets.front().second;
            config.label = runLabel(weights.name, config.trigger);
            if (request->policy) {
                outcome.run.notes =
                    request->policy->apply(config, prepared->data->assets, request->base.fallingGuard.has_value());
            }
        }
        config.recordCurves = true;
        config.recordTrades = true;
        auto result = backtest::Backtester::run(*prepared->data, config, cancel.get());
        if (!result) {
            outcome.error = result.error().message;
            return outcome;
        }
        outcome.run.id = id;
        outcome.run.quote = request->quote;
        outcome.run.config = std::move(config);
        outcome.run.result = std::move(*result);
        outcome.run.request = request;
        return outcome;
    }));
}

void BacktestRunner::onSingleFinished()
{
    const SingleOutcome outcome = m_single.result();
    const bool wasCancelled = m_cancel->load();
    setBusy(false);
    if (wasCancelled)
        emit cancelled(0, 1);
    else if (!outcome.error.isEmpty())
        emit failed(outcome.error);
    else
        emit runFinished(outcome.run);
}

void BacktestRunner::sweep(const BacktestRequest &request, const SweepGrid &grid)
{
    if (m_busy)
        return;
    if (grid.runCount() == 0) {
        emit failed(tr("The sweep has no runs: choose at least one rule and one weight set."));
        return;
    }
    if (grid.runCount() > SweepGrid::kMaxRuns) {
        emit failed(tr("The sweep has %1 runs; at most %2 are allowed. Use a larger threshold step or fewer "
                       "periods.")
                        .arg(grid.runCount())
                        .arg(SweepGrid::kMaxRuns));
        return;
    }
    m_cancel = std::make_shared<std::atomic_bool>(false);
    m_quote = request.quote;
    m_grid = grid;
    m_sweepBase = request.base;
    m_sweepRequest = std::make_shared<const BacktestRequest>(request);
    // Sweeps keep metrics only: curves of thousands of runs would not fit in memory.
    m_sweepBase.recordCurves = false;
    m_sweepBase.recordTrades = false;
    setBusy(true);
    emit progress(0, 0);
    const QList<WeightSource> sources = grid.weightSources;
    m_prepare.setFuture(runInPool(m_pool, [request, sources, cancel = m_cancel]() -> PrepareOutcome {
        PrepareOutcome outcome;
        auto prepared = prepare(request, sources, cancel.get());
        if (prepared)
            outcome.prepared = std::move(*prepared);
        else
            outcome.error = prepared.error().message;
        return outcome;
    }));
}

void BacktestRunner::onPrepared()
{
    const PrepareOutcome outcome = m_prepare.result();
    if (m_cancel->load()) {
        setBusy(false);
        emit cancelled(0, static_cast<int>(m_grid.runCount()));
        return;
    }
    if (!outcome.error.isEmpty()) {
        setBusy(false);
        emit failed(outcome.error);
        return;
    }
    m_sweepConfigs = backtest::Sweep::grid(m_sweepBase, m_grid.triggers(), outcome.prepared.weightSets);
    emit progress(0, static_cast<int>(m_sweepConfigs.size()));
    m_sweep.setFuture(backtest::Sweep::start(outcome.prepared.data, m_sweepConfigs, &m_pool));
    m_progressTimer.start();
}

void BacktestRunner::pollProgress()
{
    const QFuture<backtest::BacktestResult> future = m_sweep.future();
    emit progress(future.progressValue(), static_cast<int>(m_sweepConfigs.size()));
}

void BacktestRunner::onSweepFinished()
{
    const QFuture<backtest::BacktestResult> future = m_sweep.future();
    const int total = static_cast<int>(m_sweepConfigs.size());
    if (future.isCanceled() || m_cancel->load()) {
        const int done = future.progressValue();
        m_sweepConfigs.clear();
        setBusy(false);
        emit cancelled(done, total);
        return;
    }
    QList<BacktestRun> runs;
    runs.reserve(total);
    for (int i = 0; i < future.resultCount() && i < total; ++i) {
        BacktestRun run;
        run.id = m_nextId++;
        run.quote = m_quote;
        run.config = m_sweepConfigs.at(i);
        run.result = future.resultAt(i);
        run.request = m_sweepRequest;
        run.draw = false;
        runs.append(std::move(run));
    }
    m_sweepConfigs.clear();
    setBusy(false);
    emit sweepFinished(runs);
}

void BacktestRunner::cancel()
{
    if (!m_busy)
        return;
    m_cancel->store(true);
    if (m_sweep.isRunning())
        m_sweep.future().cancel();
}

} // namespace ballast::ui
