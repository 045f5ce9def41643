#include "analytics/metrics.h"

#include "analytics/returns.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <vector>

namespace ballast::analytics {

namespace {

constexpr double kDayMs = 86400000.0;
// Dispersions below this (per bar) are floating-point noise of a constant
// return, not risk; dividing by them would produce meaningless huge ratios.
constexpr double kNoise = 1e-14;

struct Drawdown
{
    double depth = 0;
    std::size_t peak = 0;
    std::size_t trough = 0;
};

template<typename ValueAt>
Drawdown deepestDrawdown(std::size_t count, ValueAt valueAt)
{
    Drawdown best;
    if (count == 0)
        return best;
    std::size_t peak = 0;
    double runningMax = valueAt(0);
    for (std::size_t i = 1; i < count; ++i) {
        const double v = valueAt(i);
        if (v > runningMax) {
            runningMax = v;
            peak = i;
            continue;
        }
        const double depth = runningMax > 0.0 ? 1.0 - v / runningMax : std::numeric_limits<double>::quiet_NaN();
        if (depth > best.depth) {
            best = Drawdown{depth, peak, i};
        } else if (std::isnan(depth) && !std::isnan(best.depth)) {
            best.depth = depth; // invalid data must not pass for a clean curve
        }
    }
    return best;
}

} // namespace

double Metrics::mean(std::span<const double> values)
{
    if (values.empty())
        return 0.0;
    return std::accumulate(values.begin(), values.end(), 0.0) / static_cast<double>(values.size());
}

double Metrics::sampleStdDev(std::span<const double> values)
{
    if (values.size() < 2)
        return 0.0;
    const double m = mean(values);
    double sum = 0.0;
    for (double v : values)
        sum += (v - m) * (v - m);
    return std::sqrt(sum / static_cast<double>(values.size() - 1));
}

double Metrics::maxDrawdown(std::span<const double> values)
{
    return deepestDrawdown(values.size(), [&](std::size_t i) { return values[i]; }).depth;
}

std::vector<DrawdownPoint> Metrics::drawdownSeries(std::span<const EquityPoint> curve)
{
    std::vector<DrawdownPoint> out;
    out.reserve(curve.size());
    double runningMax = -std::numeric_limits<double>::infinity();
    for (const auto &point : curve) {
        runningMax = std::max(runningMax, point.value);
        const double depth =
            runningMax > 0.0 ? 1.0 - point.value / runningMax : std::numeric_limits<double>::quiet_NaN();
        out.push_back({point.timeMs, depth});
    }
    return out;
}

namespace {

/// Metrics of the curve whose i-th point has value valueAt(i) and time
/// timeAt(i). One pass over the curve sums the returns and the downside and
/// follows the drawdown; a second over the returns (it needs their mean)
/// sums the squared deviations. Each sum runs in the curve's order, as
/// Returns::simple, mean() and sampleStdDev() over the returns would, so the
/// figures are the same to the last bit.
template<typename ValueAt, typename TimeAt>
MetricsResult computeMetrics(std::size_t count, ValueAt valueAt, TimeAt timeAt, double barsPerDay, double riskFreeRate)
{
    MetricsResult r;
    r.points = static_cast<int>(count);
    r.periodsPerYear = Returns::periodsPerYear(barsPerDay);
    if (count < 2)
        return r;

    const double first = valueAt(0);
    const double last = valueAt(count - 1);
    r.days = static_cast<double>(timeAt(count - 1) - timeAt(0)) / kDayMs;
    const double growth = first > 0.0 ? last / first : std::numeric_limits<double>::quiet_NaN();
    r.totalReturn = growth - 1.0;
    if (r.days > 0.0)
        r.cagr = std::pow(growth, 365.0 / r.days) - 1.0;
    else if (std::isnan(growth))
        r.cagr = growth;

    // Returns::simple's return of one bar.
    auto simpleReturn = [](double previous, double current) {
        return previous > 0.0 ? current / previous - 1.0 : std::numeric_limits<double>::quiet_NaN();
    };
    const std::size_t returns = count - 1;
    std::vector<double> rets(returns);
    double returnSum = 0.0;
    double downside = 0.0;
    Drawdown worst;
    std::size_t peak = 0;
    double runningMax = first;
    double previous = first;
    for (std::size_t i = 1; i < count; ++i) {
        const double v = valueAt(i);
        const double ret = simpleReturn(previous, v);
        rets[i - 1] = ret;
        previous = v;
        returnSum += ret;
        // Negative or NaN returns count (std::min keeps a NaN); the others add
        // 0, which leaves the sum as it was (it is never -0) and spares a
        // branch that goes either way half the time.
        const double below = std::min(ret, 0.0);
        downside += below * below;
        // deepestDrawdown(), step by step.
        if (v > runningMax) {
            runningMax = v;
            peak = i;
            continue;
        }
        // A point well above the deepest drawdown so far cannot be deeper:
        // 1 - v / max is then at least 1e-12 short of it, far beyond the
        // rounding of the division (all of it below 1 here), so it is skipped
        // without dividing. Anything else (NaN included) takes the division.
        if (v > 0.0 && runningMax > 0.0 && v > runningMax * (1.0 - worst.depth) + 1e-12 * runningMax)
            continue;
        const double depth = runningMax > 0.0 ? 1.0 - v / runningMax : std::numeric_limits<double>::quiet_NaN();
        if (depth > worst.depth) {
            worst = Drawdown{depth, peak, i};
        } else if (std::isnan(depth) && !std::isnan(worst.depth)) {
            worst.depth = depth; // invalid data must not pass for a clean curve
        }
    }
    const double ppy = r.periodsPerYear;
    const double rootPpy = std::sqrt(ppy);
    r.meanReturn = returnSum / static_cast<double>(returns);
    double sd = 0.0;
    if (returns >= 2) {
        double squares = 0.0;
        for (const double ret : rets) {
            const double deviation = ret - r.meanReturn;
            squares += deviation * deviation;
        }
        sd = std::sqrt(squares / static_cast<double>(returns - 1));
    }
    r.volatility = sd * rootPpy;
    const double excess = r.meanReturn - (ppy > 0.0 ? riskFreeRate / ppy : 0.0);
    if (!(sd < kNoise)) // NaN falls through and propagates
        r.sharpe = excess / sd * rootPpy;

    const double dd = std::sqrt(downside / static_cast<double>(returns));
    r.downsideDeviation = dd * rootPpy;
    if (!(dd < kNoise))
        r.sortino = excess / dd * rootPpy;

    r.maxDrawdown = worst.depth;
    if (worst.depth > 0.0) {
        r.peakTimeMs = timeAt(worst.peak);
        r.troughTimeMs = timeAt(worst.trough);
        const double peakValue = valueAt(worst.peak);
        for (std::size_t i = worst.trough + 1; i < count; ++i) {
            if (valueAt(i) >= peakValue) {
                r.recoveryTimeMs = timeAt(i);
                break;
            }
        }
    }
    if (!(worst.depth < kNoise))
        r.calmar = r.cagr / worst.depth;
    return r;
}

} // namespace

MetricsResult Metrics::compute(std::span<const EquityPoint> curve, double barsPerDay, double riskFreeRate)
{
    return computeMetrics(
        curve.size(), [&](std::size_t i) { return curve[i].value; }, [&](std::size_t i) { return curve[i].timeMs; },
        barsPerDay, riskFreeRate);
}

MetricsResult Metrics::compute(std::span<const double> values, std::span<const qint64> times, double barsPerDay,
                               double riskFreeRate)
{
    const std::size_t count = std::min(values.size(), times.size());
    return computeMetrics(
        count, [&](std::size_t i) { return values[i]; }, [&](std::size_t i) { return times[i]; }, barsPerDay,
        riskFreeRate);
}

} // namespace ballast::analytics
