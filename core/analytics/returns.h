#pragma once

#include <Eigen/Core>
#include <span>
#include <vector>

namespace ballast::analytics {

/// How a per-bar return is measured: simple (p1 / p0 - 1) or logarithmic (ln(p1 / p0)).
enum class ReturnType { Simple, Log };

/// Per-bar returns of a price or value series. A series of n values gives n - 1
/// returns. A non-positive previous value (or a non-positive value for log
/// returns) has no meaningful return and yields NaN rather than an infinity, so
/// that a bad price shows up in the statistics instead of silently dominating them.
class Returns
{
public:
    static std::vector<double> simple(std::span<const double> values);
    static std::vector<double> log(std::span<const double> values);
    static std::vector<double> compute(std::span<const double> values, ReturnType type);

    /// Column by column: @p prices has one row per bar (oldest first) and one
    /// column per asset; the result has one row fewer (empty with fewer than two rows).
    static Eigen::MatrixXd matrix(const Eigen::MatrixXd &prices, ReturnType type);

    /// Bars per year for annualisation. Crypto trades every day of the year, so a
    /// year is 365 days of @p barsPerDay bars each (1 for daily bars, 24 for hourly).
    static double periodsPerYear(double barsPerDay) { return 365.0 * barsPerDay; }
};

} // namespace ballast::analytics
