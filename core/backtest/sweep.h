#pragma once

#include "backtest/backtester.h"

#include <QFuture>
#include <QList>

#include <memory>

class QThreadPool;

namespace ballast::backtest {

/// Many backtests over the same data, on every thread of the global pool, with
/// progress and cancellation through the returned QFuture: the GUI watches it
/// with a QFutureWatcher, the CLI waits on it. Progress counts every finished
/// run; after cancel() each worker stops once its current run is done.
/// resultAt(i) and results() are in input order.
class Sweep
{
public:
    /// Runs on @p pool, or on the global pool when none is given. A GUI
    /// process should pass a pool of its own: Qt's raster paint engine splits
    /// large fills into tasks on the global pool and waits for them, so a
    /// sweep occupying the global pool would freeze painting until it ends.
    static QFuture<BacktestResult> start(const std::shared_ptr<const BacktestData> &data, QList<BacktestConfig> configs,
                                         QThreadPool *pool = nullptr);

    /// Every combination of @p triggers and @p weightSets on top of @p base,
    /// labelled "<weights> <trigger>".
    static QList<BacktestConfig> grid(const BacktestConfig &base, const QList<rebalance::Trigger> &triggers,
                                      const QList<std::pair<QString, std::vector<double>>> &weightSets);
};

} // namespace ballast::backtest
