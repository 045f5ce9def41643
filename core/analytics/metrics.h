#pragma once

#include <QtGlobal>

#include <optional>
#include <span>
#include <vector>

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
