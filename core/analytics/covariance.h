#pragma once

#include "common/result.h"

#include <Eigen/Core>
#include <span>
#include <vector>

namespace ballast::analytics {

/// Second moments of a returns matrix (one row per bar, oldest first; one
/// column per asset): sample covariance and correlation, rolling correlation
/// of a pair and realised volatility. Annualisation multiplies variances by a
/// factor (periods per year) and volatilities by its square root.
///
/// Non-finite returns are rejected with an error naming the cell instead of
/// being carried into a matrix of NaN, since one bad price would otherwise
/// poison every allocation built on it.
class Covariance
{
public:
    /// Sample covariance (divisor n - 1) x @p annualisation; needs two or more rows.
    static Result<Eigen::MatrixXd> sample(const Eigen::MatrixXd &returns, double annualisation = 1.0);

    /// Correlation matrix of a covariance matrix. A zero-variance asset has no
    /// correlation with anything: its row and column (diagonal included) are NaN.
    static Result<Eigen::MatrixXd> correlation(const Eigen::MatrixXd &covariance);

    /// Pearson correlation of @p a and @p b over each trailing @p window of
    /// returns, aligned with the input: element i covers [i - window + 1, i];
    /// the first window - 1 elements, and windows where either series is flat,
    /// are NaN.
    static Result<std::vector<double>> rollingCorrelation(std::span<const double> a, std::span<const double> b,
                                                          int window);

    /// Sample standard deviation of each column over the last @p lookback rows
    /// (all rows when 0), x sqrt(@p annualisation).
    static Result<Eigen::VectorXd> realisedVolatility(const Eigen::MatrixXd &returns, int lookback = 0,
                                                      double annualisation = 1.0);
};

} // namespace ballast::analytics
