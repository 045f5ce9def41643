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

/// The deepest drawdown of a curve, fed one point at a time (the first to
/// the constructor): the one implementation behind maxDrawdown() and the
/// metrics' pass over the curve.
class DeepestDrawdown
{
public:
    explicit DeepestDrawdown(double first)
        : m_runningMax(first)
    {
    }

    void add(std::size_t i, double v)
    {
        if (v > m_runningMax) {
            m_runningMax = v;
            m_peak = i;
            return;
        }
        // A point well above the deepest drawdown so far cannot be deeper:
        // 1 - v / max is then at least 1e-12 short of it, far beyond the
        // rounding of the division (all of it below 1 here), so it is skipped
        // without dividing. Anything else (NaN included) takes the division.
        if (v > 0.0 && m_runningMax > 0.0 && v > m_runningMax * (1.0 - m_deepest.depth) + 1e-12 * m_runningMax)
            return;
        const double depth = m_runningMax > 0.0 ? 1.0 - v / m_runningMax : std::numeric_limits<double>::quiet_NaN();
        if (depth > m_deepest.depth) {
            m_deepest = Drawdown{depth, m_peak, i};
        } else if (std::isnan(depth) && !std::isnan(m_deepest.depth)) {
            m_deepest.depth = depth; // invalid data must not pass for a clean curve
        }
    }

    [[nodiscard]] const Drawdown &deepest() const { return m_deepest; }

private:
    double m_runningMax;
    std::size_t m_peak = 0;
    Drawdown m_deepest;
};

/// The sample standard deviation (n - 1) of @p values around their mean
/// @p mean, summed in their order; 0 for fewer than two values.
double sampleStdDevAround(std::span<const double> values, double mean)
{
    if (values.size() < 2)
        return 0.0;
    double squares = 0.0;
    for (const double v : values) {
        const double deviation = v - mean;
        squares += deviation * deviation;
    }
    return std::sqrt(squares / static_cast<double>(values.size() - 1));
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
    return sampleStdDevAround(values, mean(values));
}

double Metrics::maxDrawdown(std::span<const double> values)
{
    if (values.empty())
        return 0.0;
    DeepestDrawdown walk(values.front());
    for (std::size_t i = 1; i < values.size(); ++i)
        walk.add(i, values[i]);
    return walk.deepest().depth;
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
/// timeAt(i). One pass over the curve sums the returns (Returns::simpleReturn)
/// and the downside and follows the drawdown (DeepestDrawdown); a second over
/// the returns (it needs their mean) is sampleStdDevAround(). Each sum runs
/// in the curve's order, as mean() over Returns::simple would, so the figures
/// are the same to the last bit.
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

    const std::size_t returns = count - 1;
    std::vector<double> rets(returns);
    double returnSum = 0.0;
    double downside = 0.0;
    DeepestDrawdown drawdown(first);
    double previous = first;
    for (std::size_t i = 1; i < count; ++i) {
        const double v = valueAt(i);
        const double ret = Returns::simpleReturn(previous, v);
        rets[i - 1] = ret;
        previous = v;
        returnSum += ret;
        // Negative or NaN returns count (std::min keeps a NaN); the others add
        // 0, which leaves the sum as it was (it is never -0) and spares a
        // branch that goes either way half the time.
        const double below = std::min(ret, 0.0);
        downside += below * below;
        drawdown.add(i, v);
    }
    const Drawdown &worst = drawdown.deepest();
    const double ppy = r.periodsPerYear;
    const double rootPpy = std::sqrt(ppy);
    r.meanReturn = returnSum / static_cast<double>(returns);
    const double sd = sampleStdDevAround(rets, r.meanReturn);
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
