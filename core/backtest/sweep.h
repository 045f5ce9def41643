#pragma once

#include "backtest/backtester.h"

#include <QFuture>
#include <QList>

#include <memory>

namespace ballast::backtest {

/// Many backtests over the same data, on every core (QtConcurrent), with
/// progress and cancellation through the returned QFuture: the GUI watches it
/// with a QFutureWatcher, the CLI waits on it. Results arrive in input order.
class Sweep
{
public:
    static QFuture<BacktestResult> start(const std::shared_ptr<const BacktestData> &data,
                                         QList<BacktestConfig> configs);

    /// Every combination of @p triggers and @p weightSets on top of @p base,
    /// labelled "<weights> <trigger>".
    static QList<BacktestConfig> grid(const BacktestConfig &base, const QList<rebalance::Trigger> &triggers,
                                      const QList<std::pair<QString, std::vector<double>>> &weightSets);
};

} // namespace ballast::backtest
