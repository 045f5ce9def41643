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

/// The sample standard deviation (n - 1) of the @p size values that
/// @p next gives one after another, around their mean @p mean, summed in
/// that order; 0 for fewer than two values.
template<typename Next>
double sampleStdDevAround(std::size_t size, Next next, double mean)
{
    if (size < 2)
        return 0.0;
    double squares = 0.0;
    for (std::size_t i = 0; i < size; ++i) {
        const double deviation = next() - mean;
        squares += deviation * deviation;
    }
    return std::sqrt(squares / static_cast<double>(size - 1));
}

double sampleStdDevAround(std::span<const double> values, double mean)
{
    return sampleStdDevAround(
        values.size(), [it = values.begin()]() mutable { return *it++; }, mean);
}

/// The metrics of a curve of fewer than two points: none but the count.
MetricsResult tooShort(std::size_t count, double barsPerDay)
{
    MetricsResult r;
    r.points = static_cast<int>(count);
    r.periodsPerYear = Returns::periodsPerYear(barsPerDay);
    return r;
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
    return walk.depth();
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

/// The figures of the points fed: the sums of add() and a second pass over
/// the returns (it needs their mean) for the standard deviation. Each sum
/// runs in the curve's order, as mean() over Returns::simple would.
template<typename ValueAt, typename TimeAt>
MetricsResult MetricsStream::finishWith(ValueAt valueAt, TimeAt timeAt, double barsPerDay, double riskFreeRate) const
{
    MetricsResult r;
    const std::size_t count = m_count + 1;
    r.points = static_cast<int>(count);
    r.periodsPerYear = Returns::periodsPerYear(barsPerDay);
    if (count < 2)
        return r;

    const double first = m_first;
    const double last = m_previous;
    r.days = static_cast<double>(timeAt(count - 1) - timeAt(0)) / kDayMs;
    const double growth = first > 0.0 ? last / first : std::numeric_limits<double>::quiet_NaN();
    r.totalReturn = growth - 1.0;
    if (r.days > 0.0)
        r.cagr = std::pow(growth, 365.0 / r.days) - 1.0;
    else if (std::isnan(growth))
        r.cagr = growth;

    const std::size_t returns = m_count;
    const double ppy = r.periodsPerYear;
    const double rootPpy = std::sqrt(ppy);
    r.meanReturn = m_returnSum / static_cast<double>(returns);
    // The returns add() saw, worked out again in their order.
    double previous = first;
    std::size_t next = 0;
    const double sd = sampleStdDevAround(
        returns,
        [&] {
            const double value = valueAt(++next);
            const double ret = simpleReturn(previous, value);
            previous = value;
            return ret;
        },
        r.meanReturn);
    r.volatility = sd * rootPpy;
    const double excess = r.meanReturn - (ppy > 0.0 ? riskFreeRate / ppy : 0.0);
    if (!(sd < kNoise)) // NaN falls through and propagates
        r.sharpe = excess / sd * rootPpy;

    const double dd = std::sqrt(m_downside / static_cast<double>(returns));
    r.downsideDeviation = dd * rootPpy;
    if (!(dd < kNoise))
        r.sortino = excess / dd * rootPpy;

    const double depth = m_drawdown.depth();
    r.maxDrawdown = depth;
    if (depth > 0.0) {
        r.peakTimeMs = timeAt(m_drawdown.peak());
        r.troughTimeMs = timeAt(m_drawdown.trough());
        const double peakValue = valueAt(m_drawdown.peak());
        for (std::size_t i = m_drawdown.trough() + 1; i < count; ++i) {
            if (valueAt(i) >= peakValue) {
                r.recoveryTimeMs = timeAt(i);
                break;
            }
        }
    }
    if (!(depth < kNoise))
        r.calmar = r.cagr / depth;
    return r;
}

MetricsResult MetricsStream::finish(std::span<const double> values, std::span<const qint64> times, double barsPerDay,
                                    double riskFreeRate) const
{
    return finishWith([&](std::size_t i) { return values[i]; }, [&](std::size_t i) { return times[i]; }, barsPerDay,
                      riskFreeRate);
}

MetricsResult MetricsStream::finish(std::span<const EquityPoint> curve, double barsPerDay, double riskFreeRate) const
{
    return finishWith([&](std::size_t i) { return curve[i].value; }, [&](std::size_t i) { return curve[i].timeMs; },
                      barsPerDay, riskFreeRate);
}

MetricsResult Metrics::compute(std::span<const EquityPoint> curve, double barsPerDay, double riskFreeRate)
{
    const std::size_t count = curve.size();
    if (count < 2)
        return tooShort(count, barsPerDay);
    MetricsStream stream(curve.front().value);
    for (std::size_t i = 1; i < count; ++i)
        stream.add(curve[i].value);
    return stream.finish(curve, barsPerDay, riskFreeRate);
}

MetricsResult Metrics::compute(std::span<const double> values, std::span<const qint64> times, double barsPerDay,
                               double riskFreeRate)
{
    const std::size_t count = std::min(values.size(), times.size());
    if (count < 2)
        return tooShort(count, barsPerDay);
    MetricsStream stream(values.front());
    for (std::size_t i = 1; i < count; ++i)
        stream.add(values[i]);
    return stream.finish(values.first(count), times.first(count), barsPerDay, riskFreeRate);
}

} // namespace ballast::analytics
