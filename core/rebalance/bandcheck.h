#pragma once

#include "rebalance/trigger.h"

#include <span>
#include <vector>

namespace ballast::rebalance {

/// Trigger::bandBroken for many observations against the same targets (the
/// bars of a backtest): the limits are worked out once, and weights given as
/// values over a total are checked without a division per asset, with the
/// same answers as dividing.
class BandCheck
{
public:
    /// The limits of @p trigger's band around @p targets (@p halfWidths where
    /// the trigger has no band of its own), as Trigger::bandLimit gives them.
    void reset(const Trigger &trigger, std::span<const double> targets, std::span<const double> halfWidths);

    /// Trigger::bandBroken of @p weights against the targets of reset().
    [[nodiscard]] bool broken(std::span<const double> weights) const;

    /// The same of the weights @p values / @p total (all zero when the total
    /// is not above zero). Each value is first compared with the band's
    /// lower and upper weight times the total, each moved inward by far more
    /// than the rounding of either form; only when some value is not clearly
    /// inside are the weights divided out and compared as bandBroken does.
    [[nodiscard]] bool broken(std::span<const double> values, double total) const;
    /// The last step of broken(values, total): the weights divided out and
    /// compared as bandBroken does, without the clearly-inside test first.
    [[nodiscard]] bool brokenByDivision(std::span<const double> values, double total) const;

    /// For a loop that sums the values itself and folds the check into that
    /// pass: with highest the largest value x inverseUpper() and lowest the
    /// smallest value x inverseLower() over the assets, clearlyInside() is
    /// true only when every value is clearly inside its band, so that no
    /// band is broken. When it is false, ask brokenByDivision(values, total):
    /// the folded pass has already done what broken(values, total) would do
    /// first.
    [[nodiscard]] std::span<const double> inverseUpper() const { return m_inverseUpper; }
    [[nodiscard]] std::span<const double> inverseLower() const { return m_inverseLower; }
    [[nodiscard]] static bool clearlyInside(double highest, double lowest, double total)
    {
        // The products are a few units in the last place off the quotients
        // value / bound; 1e-13 covers that many times over.
        return total > 0.0 && highest < total * (1.0 - 1e-13) && lowest > total * (1.0 + 1e-13);
    }

private:
    std::vector<double> m_targets;
    std::vector<double> m_limits;
    std::vector<double> m_lower; ///< target - limit, moved inward
    std::vector<double> m_upper; ///< target + limit, moved inward
    std::vector<double> m_inverseUpper; ///< 1 / m_upper; huge when that is not above 0 (never clearly inside)
    std::vector<double> m_inverseLower; ///< 1 / m_lower; huge when that is not above 0 (any positive value clears it)
};

} // namespace ballast::rebalance
