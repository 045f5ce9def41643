#include "analytics/covariance.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace ballast::analytics {

namespace {

Status checkFinite(const Eigen::MatrixXd &m, const char *what)
{
    for (Eigen::Index c = 0; c < m.cols(); ++c) {
        for (Eigen::Index r = 0; r < m.rows(); ++r) {
            if (!std::isfinite(m(r, c)))
                return makeError(QStringLiteral("analytics.input"),
                                 QStringLiteral("%1 has a non-finite value at row %2, column %3")
                                     .arg(QString::fromLatin1(what))
                                     .arg(r)
                                     .arg(c));
        }
    }
    return {};
}

Status checkAnnualisation(double factor)
{
    if (!(factor > 0.0) || !std::isfinite(factor))
        return makeError(QStringLiteral("analytics.input"),
                         QStringLiteral("annualisation factor must be positive, got %1").arg(factor));
    return {};
}

} // namespace

Result<Eigen::MatrixXd> Covariance::sample(const Eigen::MatrixXd &returns, double annualisation)
{
    if (returns.rows() < 2)
        return makeError(QStringLiteral("analytics.input"),
                         QStringLiteral("sample covariance needs at least 2 returns, got %1").arg(returns.rows()));
    if (auto status = checkAnnualisation(annualisation); !status)
        return status.error();
    if (auto status = checkFinite(returns, "returns matrix"); !status)
        return status.error();
    const Eigen::RowVectorXd means = returns.colwise().mean();
    const Eigen::MatrixXd centred = returns.rowwise() - means;
    Eigen::MatrixXd cov = (centred.transpose() * centred) / static_cast<double>(returns.rows() - 1);
    // The product is symmetric in exact arithmetic; make it symmetric in floating
    // point too, which the Cholesky-based solvers downstream rely on.
    cov = 0.5 * (cov + cov.transpose()).eval();
    return Eigen::MatrixXd(cov * annualisation);
}

Result<Eigen::MatrixXd> Covariance::correlation(const Eigen::MatrixXd &covariance)
{
    if (covariance.rows() != covariance.cols())
        return makeError(QStringLiteral("analytics.input"),
                         QStringLiteral("covariance matrix must be square, got %1 x %2")
                             .arg(covariance.rows())
                             .arg(covariance.cols()));
    if (auto status = checkFinite(covariance, "covariance matrix"); !status)
        return status.error();
    const Eigen::Index n = covariance.rows();
    Eigen::VectorXd sd(n);
    for (Eigen::Index i = 0; i < n; ++i) {
        if (covariance(i, i) < 0.0)
            return makeError(QStringLiteral("analytics.input"),
                             QStringLiteral("covariance matrix has a negative variance at %1").arg(i));
        sd(i) = std::sqrt(covariance(i, i));
    }
    Eigen::MatrixXd corr(n, n);
    for (Eigen::Index i = 0; i < n; ++i) {
        for (Eigen::Index j = 0; j < n; ++j) {
            if (sd(i) > 0.0 && sd(j) > 0.0)
                corr(i, j) = i == j ? 1.0 : std::clamp(covariance(i, j) / (sd(i) * sd(j)), -1.0, 1.0);
            else
                corr(i, j) = std::numeric_limits<double>::quiet_NaN();
        }
    }
    return corr;
}

Result<std::vector<double>> Covariance::rollingCorrelation(std::span<const double> a, std::span<const double> b,
                                                           int window)
{
    if (a.size() != b.size())
        return makeError(QStringLiteral("analytics.input"),
                         QStringLiteral("rolling correlation needs series of equal length, got %1 and %2")
                             .arg(a.size())
                             .arg(b.size()));
    if (window < 2)
        return makeError(QStringLiteral("analytics.input"),
                         QStringLiteral("rolling correlation window must be at least 2, got %1").arg(window));
    const auto w = static_cast<std::size_t>(window);
    std::vector<double> out(a.size(), std::numeric_limits<double>::quiet_NaN());
    // Each window is recomputed from its own centred sums rather than updated
    // incrementally: running sums of squares cancel catastrophically for
    // returns, and windows are short.
    for (std::size_t end = w; end <= a.size(); ++end) {
        const std::size_t begin = end - w;
        double ma = 0.0;
        double mb = 0.0;
        for (std::size_t i = begin; i < end; ++i) {
            ma += a[i];
            mb += b[i];
        }
        ma /= static_cast<double>(w);
        mb /= static_cast<double>(w);
        double saa = 0.0;
        double sbb = 0.0;
        double sab = 0.0;
        for (std::size_t i = begin; i < end; ++i) {
            saa += (a[i] - ma) * (a[i] - ma);
            sbb += (b[i] - mb) * (b[i] - mb);
            sab += (a[i] - ma) * (b[i] - mb);
        }
        if (saa > 0.0 && sbb > 0.0)
            out[end - 1] = std::clamp(sab / std::sqrt(saa * sbb), -1.0, 1.0);
    }
    return out;
}

Result<Eigen::VectorXd> Covariance::realisedVolatility(const Eigen::MatrixXd &returns, int lookback,
                                                       double annualisation)
{
    const Eigen::Index rows = lookback == 0 ? returns.rows() : lookback;
    if (lookback < 0 || rows > returns.rows())
        return makeError(QStringLiteral("analytics.input"),
                         QStringLiteral("volatility lookback %1 does not fit the %2 returns available")
                             .arg(lookback)
                             .arg(returns.rows()));
    auto cov = sample(returns.bottomRows(rows), annualisation);
    if (!cov)
        return cov.error();
    return Eigen::VectorXd(cov->diagonal().cwiseSqrt());
}

} // namespace ballast::analytics
