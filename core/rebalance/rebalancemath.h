#pragma once

#include <span>

namespace ballast::rebalance {

/// The arithmetic that the planner and the backtester share, so that a
/// backtest and a live rebalance can never disagree about what to trade.
class RebalanceMath
{
public:
    /// The portfolio value after trading back to @p targets when each unit of
    /// traded value costs @p costRate (fee plus slippage): the V' that solves
    /// V' = V - sum_i cost_i x |target_i x V' - value_i|. Afterwards every
    /// asset is worth exactly target_i x V'. @p costRates has one rate per
    /// asset, or a single rate for all.
    static double postTradeValue(std::span<const double> values, std::span<const double> targets,
                                 std::span<const double> costRates);
};

} // namespace ballast::rebalance
