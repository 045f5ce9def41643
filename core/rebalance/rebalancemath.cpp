#include "rebalance/rebalancemath.h"

#include <cmath>

namespace ballast::rebalance {

double RebalanceMath::postTradeValue(std::span<const double> values, std::span<const double> targets,
                                     std::span<const double> costRates)
{
    double total = 0.0;
    for (const double value : values)
        total += value;
    // A fixed point of a piecewise-linear contraction (cost rates are far below
    // 1): a handful of steps reach double precision.
    double post = total;
    for (int step = 0; step < 12; ++step) {
        double cost = 0.0;
        for (std::size_t i = 0; i < values.size(); ++i) {
            const double rate = costRates.size() == 1 ? costRates[0] : costRates[i];
            cost += rate * std::abs(targets[i] * post - values[i]);
        }
        const double next = total - cost;
        if (std::abs(next - post) <= 1e-15 * std::abs(total))
            return next;
        post = next;
    }
    return post;
}

} // namespace ballast::rebalance
