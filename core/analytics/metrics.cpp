#include "analytics/metrics.h"

#include "analytics/returns.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

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

MetricsResult Metrics::compute(std::span<const EquityPoint> curve, double barsPerDay, double riskFreeRate)
{
    MetricsResult r;
    r.points = static_cast<int>(curve.size());
    r.periodsPerYear = Returns::periodsPerYear(barsPerDay);
    if (curve.size() < 2)
        return r;

    const double first = curve.front().value;
    const double last = curve.back().value;
    r.days = static_cast<double>(curve.back().timeMs - curve.front().timeMs) / kDayMs;
    const double growth = first > 0.0 ? last / first : std::numeric_limits<double>::quiet_NaN();
    r.totalReturn = growth - 1.0;
    if (r.days > 0.0)
        r.cagr = std::pow(growth, 365.0 / r.days) - 1.0;
    else if (std::isnan(growth))
        r.cagr = growth;

    std::vector<double> values;
    values.reserve(curve.size());
    for (const auto &point : curve)
        values.push_back(point.value);
    const std::vector<double> returns = Returns::simple(values);

    const double ppy = r.periodsPerYear;
    const double rootPpy = std::sqrt(ppy);
    r.meanReturn = mean(returns);
    const double sd = sampleStdDev(returns);
    r.volatility = sd * rootPpy;
    const double excess = r.meanReturn - (ppy > 0.0 ? riskFreeRate / ppy : 0.0);
    if (!(sd < kNoise)) // NaN falls through and propagates
        r.sharpe = excess / sd * rootPpy;

    double downside = 0.0;
    for (double ret : returns) {
        if (ret < 0.0 || std::isnan(ret))
            downside += ret * ret;
    }
    const double dd = std::sqrt(downside / static_cast<double>(returns.size()));
    r.downsideDeviation = dd * rootPpy;
    if (!(dd < kNoise))
        r.sortino = excess / dd * rootPpy;

    const Drawdown worst = deepestDrawdown(curve.size(), [&](std::size_t i) { return curve[i].value; });
    r.maxDrawdown = worst.depth;
    if (worst.depth > 0.0) {
        r.peakTimeMs = curve[worst.peak].timeMs;
        r.troughTimeMs = curve[worst.trough].timeMs;
        const double peakValue = curve[worst.peak].value;
        for (std::size_t i = worst.trough + 1; i < curve.size(); ++i) {
            if (curve[i].value >= peakValue) {
                r.recoveryTimeMs = curve[i].timeMs;
                break;
            }
        }
    }
    if (!(worst.depth < kNoise))
        r.calmar = r.cagr / worst.depth;
    return r;
}

} // namespace ballast::analytics
