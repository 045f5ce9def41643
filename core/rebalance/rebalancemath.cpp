#include "rebalance/rebalancemath.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <numeric>

namespace ballast::rebalance {

namespace {

bool has(const ModeInput &in, std::size_t i, ModeInput::Flag flag)
{
    return (in.flags[i] & flag) != 0;
}

} // namespace

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

std::vector<double> RebalanceMath::waterFill(const std::vector<double> &gaps, double total)
{
    std::vector<double> result(gaps.size(), 0.0);
    const double sum = std::accumulate(gaps.begin(), gaps.end(), 0.0);
    if (total <= 0.0 || sum <= 0.0)
        return result;
    if (total >= sum) {
        for (std::size_t i = 0; i < gaps.size(); ++i)
            result[i] = std::max(0.0, gaps[i]);
        return result;
    }
    std::vector<double> sorted(gaps);
    std::sort(sorted.begin(), sorted.end(), std::greater<>());
    // Find the level L with sum(max(0, g - L)) == total.
    double above = 0.0;
    double level = 0.0;
    for (std::size_t k = 0; k < sorted.size(); ++k) {
        above += sorted[k];
        const double next = k + 1 < sorted.size() ? std::max(0.0, sorted[k + 1]) : 0.0;
        const double candidate = (above - total) / static_cast<double>(k + 1);
        if (candidate >= next) {
            level = candidate;
            break;
        }
    }
    for (std::size_t i = 0; i < gaps.size(); ++i)
        result[i] = std::max(0.0, gaps[i] - level);
    return result;
}

EdgeFill RebalanceMath::bandEdge(const ModeInput &in, std::span<double> deltas)
{
    // Aim a tenth of the half-width inside the edge, so that lot rounding and
    // fees do not leave an asset a hair outside its band.
    constexpr double kInside = 0.1;
    const std::size_t n = in.values.size();
    const auto cash = static_cast<std::size_t>(in.cash);
    const double total = in.total;
    auto moves = [&](std::size_t i) { return i != cash && has(in, i, ModeInput::Tradable); };
    double cashChange = 0.0;
    for (std::size_t i = 0; i < n; ++i) {
        if (!moves(i))
            continue;
        const double hw = in.halfWidths[i];
        const double low = in.targets[i] - hw;
        const double high = in.targets[i] + hw;
        const double weight = in.weights[i];
        double desired = weight;
        if (weight > high + 1e-12)
            desired = high - kInside * hw;
        else if (weight < low - 1e-12)
            desired = std::max(0.0, low + kInside * hw);
        deltas[i] = (desired - weight) * total;
        const double fee = in.feeRates[i];
        cashChange -= deltas[i] * (1.0 + (deltas[i] > 0 ? fee : -fee));
    }
    const double cashWeight = (in.values[cash] + cashChange) / total;
    const double hw = in.halfWidths[cash];
    const double high = in.targets[cash] + hw;
    const double low = in.targets[cash] - hw;
    auto fillable = [&](std::size_t i) { return moves(i) && has(in, i, ModeInput::HasMarket); };
    std::vector<double> gaps(n, 0.0);
    EdgeFill result;
    if (cashWeight > high + 1e-12) {
        // Too much cash: buy underweight assets toward their targets, largest gap first.
        result.buying = true;
        result.wanted = (cashWeight - (high - kInside * hw)) * total;
        for (std::size_t i = 0; i < n; ++i) {
            if (fillable(i))
                gaps[i] = std::max(0.0, in.targets[i] * total - (in.values[i] + deltas[i]));
        }
        const auto fill = waterFill(gaps, result.wanted);
        for (std::size_t i = 0; i < n; ++i) {
            if (fill[i] > 0.0)
                deltas[i] += fill[i] / (1.0 + in.feeRates[i]);
            result.placed += fill[i];
        }
    } else if (cashWeight < low - 1e-12) {
        // Too little cash: sell overweight assets toward their targets.
        result.wanted = ((low + kInside * hw) - cashWeight) * total;
        for (std::size_t i = 0; i < n; ++i) {
            if (fillable(i))
                gaps[i] = std::max(0.0, (in.values[i] + deltas[i]) - in.targets[i] * total);
        }
        const auto fill = waterFill(gaps, result.wanted);
        for (std::size_t i = 0; i < n; ++i) {
            if (fill[i] > 0.0)
                deltas[i] -= fill[i] / std::max(1e-9, 1.0 - in.feeRates[i]);
            result.placed += fill[i];
        }
    }
    return result;
}

std::vector<double> RebalanceMath::investFill(const ModeInput &in, double amount, double after)
{
    const std::size_t n = in.values.size();
    const auto cash = static_cast<std::size_t>(in.cash);
    auto takes = [&](std::size_t i) {
        return has(in, i, ModeInput::Tradable) && (i == cash || has(in, i, ModeInput::HasMarket));
    };
    // Gross gaps (what closing each one costs with its fee), largest first.
    std::vector<double> gaps(n, 0.0);
    for (std::size_t i = 0; i < n; ++i) {
        if (takes(i))
            gaps[i] = std::max(0.0, in.targets[i] * after - in.values[i]) * (1.0 + in.feeRates[i]);
    }
    auto fill = waterFill(gaps, amount);
    const double used = std::accumulate(fill.begin(), fill.end(), 0.0);
    if (amount - used > 1e-9) {
        // Every gap closed: the rest follows the targets.
        const double rest = amount - used;
        for (std::size_t i = 0; i < n; ++i) {
            if (takes(i))
                fill[i] += rest * in.targets[i];
        }
    }
    return fill;
}

std::vector<double> RebalanceMath::withdrawFill(const ModeInput &in, double need, double after,
                                                std::span<const double> tradableValues)
{
    const std::size_t n = in.values.size();
    // Net capacity of each overweight asset (what selling it down to its
    // target raises after the fee), largest first.
    std::vector<double> capacity(n, 0.0);
    for (std::size_t i = 0; i < n; ++i) {
        if (static_cast<int>(i) == in.cash || !has(in, i, ModeInput::Tradable) || !has(in, i, ModeInput::HasMarket))
            continue;
        const double tradable = tradableValues.empty() ? in.values[i] : tradableValues[i];
        const double over = std::min(tradable, in.values[i] - in.targets[i] * after);
        capacity[i] = std::max(0.0, over) * (1.0 - in.feeRates[i]);
    }
    return waterFill(capacity, need);
}

double RebalanceMath::turnoverScale(std::span<const double> deltas, int cash, double total, double limit)
{
    if (!(total > 0.0))
        return 1.0;
    double traded = 0.0;
    for (std::size_t i = 0; i < deltas.size(); ++i)
        traded += static_cast<int>(i) == cash ? 0.0 : std::abs(deltas[i]);
    const double turnover = traded / (2.0 * total);
    return turnover > limit && turnover > 0.0 ? limit / turnover : 1.0;
}

} // namespace ballast::rebalance
