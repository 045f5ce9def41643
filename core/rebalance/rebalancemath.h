#pragma once

#include <cmath>
#include <span>
#include <vector>

namespace ballast::rebalance {

/// The portfolio of one rebalance as the mode rules read it, one entry per
/// asset: the planner fills it from its snapshot, the backtester from a bar.
/// Weights and targets are fractions of the value; values are in the quote.
struct ModeInput
{
    enum Flag : unsigned char {
        Tradable = 1, ///< the rule may move it (not excluded, priced)
        HasMarket = 2, ///< it can be traded against the quote
    };
    std::span<const double> values;
    std::span<const double> weights;
    std::span<const double> targets; ///< effective targets, summing to 1
    std::span<const double> halfWidths; ///< band half-width at each target
    std::span<const double> feeRates; ///< cost per unit of traded value; 0 for cash
    std::span<const unsigned char> flags; ///< Flag bits
    int cash = 0; ///< the entry that is cash (the quote currency)
    double total = 0.0; ///< the portfolio's value
};

/// How band-edge placed the cash that its band did not allow: what was
/// wanted, what the fill placed, and whether it was bought with (or sold for).
struct EdgeFill
{
    double wanted = 0.0;
    double placed = 0.0;
    bool buying = false;
};

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

    /// Water-filling: reduces the largest gaps first. Returns how much of
    /// @p total goes to each gap so that sum = min(total, sum of gaps) and the
    /// gaps left are as even as possible from the top.
    static std::vector<double> waterFill(const std::vector<double> &gaps, double total);

    /// Mode "to the band edge": every tradable asset outside its band trades
    /// to a tenth of the half-width inside the nearest edge (so that lot
    /// rounding and fees leave it inside); then, when the cash that leaves is
    /// outside its own band, the underweight assets with a market are bought
    /// toward their targets (or the overweight ones sold), largest gap first.
    /// Writes the value to buy (+) or sell (-) of each non-cash asset into
    /// @p deltas (entries of other assets are left as they are).
    static EdgeFill bandEdge(const ModeInput &in, std::span<double> deltas);

    /// Mode "invest": what of @p amount of new cash each asset takes (gross,
    /// its fee included) when the portfolio is worth @p after with it: the
    /// largest gaps to the targets first, the cash's own gap among them; a
    /// rest beyond every gap follows the targets. Assets that are not
    /// tradable, and non-cash assets without a market, take nothing.
    static std::vector<double> investFill(const ModeInput &in, double amount, double after);

    /// Mode "withdraw": what each overweight asset raises (net of its fee)
    /// toward @p need when the portfolio is to be worth @p after: each can give
    /// what it holds above its target at @p after, at most @p tradableValues
    /// (empty: all of its value), largest first.
    static std::vector<double> withdrawFill(const ModeInput &in, double need, double after,
                                            std::span<const double> tradableValues = {});

    /// The maximum turnover: the factor every trade is scaled by so that the
    /// one-way turnover sum |delta| / (2 x total) of the non-cash @p deltas
    /// stays within @p limit; 1 when it already does.
    static double turnoverScale(std::span<const double> deltas, int cash, double total, double limit);

    /// The minimum trade: true when @p delta is a trade smaller than @p minimum.
    static bool belowMinimum(double delta, double minimum) { return delta != 0.0 && std::abs(delta) < minimum; }
};

} // namespace ballast::rebalance
