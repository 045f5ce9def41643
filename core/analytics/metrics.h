#pragma once

#include "analytics/simplereturn.h"

#include <QtGlobal>

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>
#include <span>
#include <vector>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace ballast::analytics {

/// One point of an equity curve: portfolio value at a time (ms since the epoch, UTC).
struct EquityPoint
{
    qint64 timeMs = 0;
    double value = 0;
};

/// One point of a drawdown series: how far (a positive fraction) the value is
/// below its running maximum at that time.
struct DrawdownPoint
{
    qint64 timeMs = 0;
    double drawdown = 0;
};

/// Performance statistics of one equity curve. Fractions, not percent.
///
/// Conventions for awkward curves, chosen so that results sort, print and
/// serialise to JSON (which has no NaN or infinity) without special cases:
/// - fewer than two points: every number is 0 and no times are set;
/// - a degenerate but valid curve gives 0 for the quantity that has no meaning:
///   CAGR when no calendar time elapsed, volatility with a single return, Sharpe
///   when the returns do not vary, Sortino when no return is negative, Calmar
///   when there is no drawdown (dispersions below 1e-14 per bar are rounding
///   noise and count as zero);
/// - invalid data (a non-positive or non-finite value) is not hidden: the
///   affected quantities come out NaN.
struct MetricsResult
{
    int points = 0; ///< points of the curve
    double days = 0; ///< calendar days from the first to the last point
    double periodsPerYear = 0; ///< 365 x bars per day
    double totalReturn = 0; ///< V_end / V_start - 1
    double cagr = 0; ///< (V_end / V_start)^(365 / days) - 1
    double meanReturn = 0; ///< mean simple return per bar
    double volatility = 0; ///< sample standard deviation (n - 1) of per-bar returns, annualised
    double downsideDeviation = 0; ///< against 0 over all returns, annualised (see Metrics)
    double sharpe = 0; ///< annualised
    double sortino = 0; ///< annualised
    double maxDrawdown = 0; ///< max(1 - V / running max of V), a positive fraction
    double calmar = 0; ///< CAGR / max drawdown
    std::optional<qint64> peakTimeMs; ///< the peak before the deepest drawdown
    std::optional<qint64> troughTimeMs; ///< the bottom of the deepest drawdown
    std::optional<qint64> recoveryTimeMs; ///< first time back at the peak value; none if not (yet) recovered
};

/// The deepest drawdown of a curve fed one point at a time (the first to the
/// constructor): where its peak and trough are, and how deep (a positive
/// fraction; NaN once a running maximum is not positive).
class DeepestDrawdown
{
public:
    explicit DeepestDrawdown(double first)
        : m_runningMax(first)
    {
    }

    /// Point @p index of the curve, of value @p value.
    void add(std::size_t index, double value)
    {
        if (value > m_runningMax) {
            m_runningMax = value;
            m_peak = index;
            return;
        }
        // A point well above the deepest drawdown so far cannot be deeper:
        // 1 - v / max is then at least 1e-12 short of it, far beyond the
        // rounding of the division (all of it below 1 here), so it is skipped
        // without dividing. Anything else (NaN included) takes the division.
        if (value > 0.0 && m_runningMax > 0.0 && value > m_runningMax * (1.0 - m_depth) + 1e-12 * m_runningMax)
            return;
        const double depth = m_runningMax > 0.0 ? 1.0 - value / m_runningMax : std::numeric_limits<double>::quiet_NaN();
        if (depth > m_depth) {
            m_depth = depth;
            m_deepestPeak = m_peak;
            m_trough = index;
        } else if (std::isnan(depth) && !std::isnan(m_depth)) {
            m_depth = depth; // invalid data must not pass for a clean curve
        }
    }

    [[nodiscard]] double depth() const { return m_depth; }
    [[nodiscard]] std::size_t peak() const { return m_deepestPeak; } ///< of the deepest drawdown
    [[nodiscard]] std::size_t trough() const { return m_trough; }

private:
    double m_runningMax;
    std::size_t m_peak = 0; ///< of the running maximum
    double m_depth = 0.0;
    std::size_t m_deepestPeak = 0;
    std::size_t m_trough = 0;
};

/// std::min(@p ret, 0.0), NaN kept, without a branch: GCC compiles the
/// std::min to a compare and a jump, which goes either way about half the
/// time for returns (a mispredicted jump per bar and curve). SSE2's minsd
/// gives the same value for every input: (0 < ret) ? 0 : ret.
[[nodiscard]] inline double downsidePart(double ret)
{
#if defined(__SSE2__)
    return _mm_cvtsd_f64(_mm_min_sd(_mm_setzero_pd(), _mm_set_sd(ret)));
#else
    return std::min(ret, 0.0);
#endif
}

/// Metrics::compute fed one point at a time, for a loop that makes the curve
/// (a backtest's bars) and would otherwise walk it again afterwards: the
/// returns, their sum, the downside and the drawdown follow each point as it
/// comes, where the loop's own work hides their latency. compute() is built
/// on it, so both give the same figures to the last bit.
class MetricsStream
{
public:
    /// @p first is the curve's first value.
    explicit MetricsStream(double first)
        : m_first(first)
        , m_previous(first)
        , m_drawdown(first)
    {
    }

    /// The next point's value.
    void add(double value)
    {
        const double ret = simpleReturn(m_previous, value);
        m_previous = value;
        ++m_count;
        m_returnSum += ret;
        // Negative or NaN returns count (downsidePart keeps a NaN); the others add
        // 0, which leaves the sum as it was (it is never -0) and spares a
        // branch that goes either way half the time.
        const double below = downsidePart(ret);
        m_downside += below * below;
        m_drawdown.add(m_count, value);
    }

    /// The metrics of the points fed, which are @p values at @p times: the
    /// spread of the returns is summed around their mean in a second pass
    /// over them, the recovery after the deepest drawdown looked up there.
    /// (The returns are worked out again from the values rather than kept: the
    /// same division of the same numbers, so the same bits, without a second
    /// array as long as the curve.)
    [[nodiscard]] MetricsResult finish(std::span<const double> values, std::span<const qint64> times, double barsPerDay,
                                       double riskFreeRate = 0.0) const;
    [[nodiscard]] MetricsResult finish(std::span<const EquityPoint> curve, double barsPerDay,
                                       double riskFreeRate = 0.0) const;

private:
    template<typename ValueAt, typename TimeAt>
    MetricsResult finishWith(ValueAt valueAt, TimeAt timeAt, double barsPerDay, double riskFreeRate) const;

    std::size_t m_count = 0; ///< returns so far
    double m_first;
    double m_previous;
    double m_returnSum = 0.0;
    double m_downside = 0.0;
    DeepestDrawdown m_drawdown;
};

/// Computes MetricsResult from an equity curve sampled on regular bars.
///
/// Per-bar returns are simple returns. Annualisation uses 365 x barsPerDay bars
/// per year (crypto trades every day). The annual risk-free rate is turned into
/// a per-bar rate by dividing by the bars per year (simple, not compounded; the
/// difference is far below the noise of any Sharpe estimate).
///
/// Sortino uses the downside deviation against a 0 % target taken over ALL
/// returns: sqrt(sum(min(r, 0)^2) / n) with n the number of returns, not only
/// the negative ones (Sortino & Price's definition; dividing by the count of
/// negative returns overstates the risk of a mostly rising curve). The
/// numerator is the same excess mean return as in Sharpe, so the two compare.
class Metrics
{
public:
    static MetricsResult compute(std::span<const EquityPoint> curve, double barsPerDay, double riskFreeRate = 0.0);
    /// The same from the curve's values and times kept apart (a backtest's
    /// replay): the same arithmetic in the same order, so the same result.
    static MetricsResult compute(std::span<const double> values, std::span<const qint64> times, double barsPerDay,
                                 double riskFreeRate = 0.0);

    /// 1 - V / running max of V at each point (0 at new highs); NaN while the
    /// running maximum is not positive.
    static std::vector<DrawdownPoint> drawdownSeries(std::span<const EquityPoint> curve);

    /// The maximum drawdown of bare values (no times); 0 for fewer than two values.
    static double maxDrawdown(std::span<const double> values);

    /// Sample standard deviation (n - 1); 0 for fewer than two values.
    static double sampleStdDev(std::span<const double> values);
    static double mean(std::span<const double> values);
};

} // namespace ballast::analytics
