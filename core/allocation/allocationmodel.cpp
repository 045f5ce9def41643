#include "allocation/allocationmodel.h"

#include "analytics/covariance.h"

#include <Eigen/Eigenvalues>
#include <Eigen/LU>
#include <Eigen/QR>
#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

// Algorithms
// ==========
//
// Feasible set. Long-only, fully invested, per-asset bounds: the "capped
// simplex" {w : sum w = 1, lo <= w <= hi}. It is non-empty exactly when
// 0 <= lo <= hi and sum lo <= 1 <= sum hi (checked first).
//
// Heuristic models produce scores s >= 0 and the weights are
// w_i = clamp(k s_i, lo_i, hi_i); sum w is continuous and non-decreasing in k,
// so k is found by bisection and the last rounding residue is spread over the
// assets strictly inside their bounds. For equal scores this is also the
// Euclidean projection of 1/n onto the capped simplex.
//
// Quadratic programs. Minimum variance, minimum variance for a target return
// and the maximum-Sharpe transformation are all
//     min 1/2 x'Hx + c'x   s.t.   A x = b,   C x >= d
// with H positive definite. They are solved by the primal active-set method
// (Nocedal & Wright, Numerical Optimization, 2nd ed., algorithm 16.3): from a
// feasible point, solve the equality-constrained QP on the current working set
// of active inequalities through its KKT system; step towards its solution
// until the first blocking inequality (which joins the working set); at a
// stationary point drop the inequality with the most negative Lagrange
// multiplier, or stop when none is negative. Strict convexity makes the
// solution unique and the method finite; the final point is recomputed from
// the KKT system of the final working set, so it is exact to rounding (far
// below 1e-10), not an iterate of a gradient method. Feasible starting points
// come from vertices of the capped simplex (greedy: fill the best assets up
// to their caps), which also give the range of achievable returns. Rounding
// is kept from derailing it (it was stress-tested on thousands of random
// problems up to 40 assets, daily and annual scales, near-duplicate assets and
// tied means): the equality rows are orthonormalised, a full step is taken as
// reaching the working set's optimum instead of trusting a noisy recomputed
// step, rows dependent on the working set never join it, and Bland's
// lowest-index rule takes over after repeated zero-length steps (cycling).
//
// Maximum Sharpe ratio: with e = m - rf, maximising e'w / sqrt(w'Sw) over the
// capped simplex is, with y = w / e'w, the convex QP
//     min y'Sy   s.t.   e'y = 1,  y >= 0,  y_i >= lo_i 1'y,  y_i <= hi_i 1'y
// (the bounds become homogeneous because y is only defined up to the scale of
// w); then w = y / 1'y. It needs some feasible portfolio with e'w > 0.
//
// Target volatility: on the efficient frontier the volatility of the
// minimum-variance portfolio for return r increases with r from the global
// minimum-variance portfolio to the maximum-return one, so r is found by
// bisection until the volatility matches to ~1e-15.
//
// Equal risk contribution (risk budgeting with budgets b, sum b = 1): the
// weights are w = x / sum x for the unique minimiser x > 0 of the strictly
// convex 1/2 x'Sx - sum b_i ln x_i (Spinu 2013; at the optimum
// x_i (Sx)_i = b_i). It is minimised by cyclical coordinate descent
// (Griveau-Billion, Richard & Roncalli 2013): each coordinate has the closed
// form x_i = (-c_i + sqrt(c_i^2 + 4 S_ii b_i)) / (2 S_ii) with
// c_i = (Sx)_i - S_ii x_i; sweeps go on until every risk contribution is
// within 1e-12 of its budget. With bounds that the unconstrained solution
// breaks, the constrained risk-budgeting portfolio of Richard & Roncalli
// (2019) is used: x(L) minimises 1/2 x'Sx - L sum b_i ln x_i over the box
// lo <= x <= hi (coordinate descent again; a one-dimensional convex problem
// over an interval is solved by clamping its free minimiser), and L is found
// by bisection so that sum x(L) = 1. Assets not at a bound then still have
// risk contributions proportional to their budgets. Such an L need not exist
// when minimum weights bind and other assets hedge them (negative
// correlations): even the least risky point of the box then holds more than
// 100 %; that case is reported as an error rather than papered over.

namespace ballast::allocation {

namespace {

using Eigen::Index;
using Eigen::MatrixXd;
using Eigen::VectorXd;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
// Slack allowed when checking sums and bounds given by people (0.1 + 0.2 + 0.7).
constexpr double kInputTolerance = 1e-12;

QString code(const char *suffix)
{
    return QStringLiteral("allocation.") + QString::fromLatin1(suffix);
}

QString percent(double fraction)
{
    return QString::number(fraction * 100.0, 'f', 4) + QLatin1Char('%');
}

class Names
{
public:
    explicit Names(const QStringList &names)
        : m_names(names)
    {
    }
    QString operator()(Index i) const
    {
        if (i >= 0 && i < m_names.size() && !m_names.at(i).isEmpty())
            return m_names.at(i);
        return QStringLiteral("asset %1").arg(i);
    }

private:
    const QStringList &m_names;
};

struct Bounds
{
    VectorXd lo;
    VectorXd hi;
};

Result<Bounds> makeBounds(const AllocationOptions &o, Index n, const Names &name)
{
    const auto size = static_cast<std::size_t>(n);
    if (!o.minWeights.empty() && o.minWeights.size() != size)
        return makeError(code("input"),
                         QStringLiteral("%1 minimum weights given for %2 assets").arg(o.minWeights.size()).arg(n));
    if (!o.maxWeights.empty() && o.maxWeights.size() != size)
        return makeError(code("input"),
                         QStringLiteral("%1 maximum weights given for %2 assets").arg(o.maxWeights.size()).arg(n));
    Bounds b{VectorXd(n), VectorXd(n)};
    for (Index i = 0; i < n; ++i) {
        const auto at = static_cast<std::size_t>(i);
        const double lo = o.minWeights.empty() ? o.minWeight : o.minWeights[at];
        const double hi = o.maxWeights.empty() ? o.maxWeight : o.maxWeights[at];
        if (!std::isfinite(lo) || !std::isfinite(hi))
            return makeError(code("bounds"), QStringLiteral("the bounds of %1 are not finite").arg(name(i)));
        if (lo < 0.0)
            return makeError(
                code("bounds"),
                QStringLiteral("minimum weight %1 of %2 is negative (long-only)").arg(percent(lo), name(i)));
        if (hi < lo)
            return makeError(code("bounds"),
                             QStringLiteral("maximum weight %1 of %2 is below its minimum %3")
                                 .arg(percent(hi), name(i), percent(lo)));
        b.lo(i) = std::min(lo, 1.0);
        b.hi(i) = std::min(hi, 1.0);
    }
    if (b.lo.sum() > 1.0 + kInputTolerance)
        return makeError(code("bounds"),
                         QStringLiteral("infeasible bounds: the minimum weights sum to %1, more than 100%")
                             .arg(percent(b.lo.sum())));
    if (b.hi.sum() < 1.0 - kInputTolerance)
        return makeError(code("bounds"),
                         QStringLiteral("infeasible bounds: the maximum weights sum to %1, less than 100%")
                             .arg(percent(b.hi.sum())));
    return b;
}

/// Puts weights that came out of a solver a few ulps outside the feasible set
/// back onto it: clamp, then spread the sum's residue over the interior assets.
VectorXd tidy(VectorXd w, const Bounds &b)
{
    w = w.cwiseMax(b.lo).cwiseMin(b.hi);
    const double residue = 1.0 - w.sum();
    double room = 0.0;
    for (Index i = 0; i < w.size(); ++i) {
        if (w(i) > b.lo(i) && w(i) < b.hi(i))
            room += w(i);
    }
    if (room > 0.0) {
        for (Index i = 0; i < w.size(); ++i) {
            if (w(i) > b.lo(i) && w(i) < b.hi(i))
                w(i) += residue * w(i) / room;
        }
    }
    return w;
}

/// w_i = clamp(k s_i, lo_i, hi_i) with sum w = 1; see the comment at the top.
Result<VectorXd> applyBounds(const VectorXd &scores, const Bounds &b)
{
    const Index n = scores.size();
    double capacity = 0.0;
    double kMax = 0.0;
    for (Index i = 0; i < n; ++i) {
        if (scores(i) > 0.0) {
            capacity += b.hi(i);
            kMax = std::max(kMax, b.hi(i) / scores(i));
        } else {
            capacity += b.lo(i);
        }
    }
    if (capacity < 1.0 - kInputTolerance)
        return makeError(code("bounds"),
                         QStringLiteral("the assets with a positive weight under this model can hold at most %1 "
                                        "within their maximum weights")
                             .arg(percent(capacity)));
    auto fill = [&](double k) { return VectorXd((k * scores).cwiseMax(b.lo).cwiseMin(b.hi)); };
    double kLo = 0.0;
    double kHi = kMax;
    for (int i = 0; i < 2000; ++i) {
        const double mid = 0.5 * (kLo + kHi);
        if (!(mid > kLo && mid < kHi))
            break;
        (fill(mid).sum() < 1.0 ? kLo : kHi) = mid;
    }
    VectorXd w = fill(kHi);
    // Spread the residue over the interior assets in proportion to their scores.
    const double residue = 1.0 - w.sum();
    double room = 0.0;
    for (Index i = 0; i < n; ++i) {
        if (w(i) > b.lo(i) && w(i) < b.hi(i))
            room += scores(i);
    }
    if (room > 0.0) {
        for (Index i = 0; i < n; ++i) {
            if (w(i) > b.lo(i) && w(i) < b.hi(i))
                w(i) += residue * scores(i) / room;
        }
    }
    return w;
}

/// The vertex of the capped simplex with the highest (or lowest) m'w: start at
/// the minimum weights and fill the best assets up to their caps.
VectorXd extremeVertex(const VectorXd &m, const Bounds &b, bool highest)
{
    std::vector<Index> order(static_cast<std::size_t>(m.size()));
    std::iota(order.begin(), order.end(), Index(0));
    std::stable_sort(order.begin(), order.end(), [&](Index x, Index y) { return highest ? m(x) > m(y) : m(x) < m(y); });
    VectorXd w = b.lo;
    double left = 1.0 - w.sum();
    for (Index i : order) {
        if (left <= 0.0)
            break;
        const double add = std::min(b.hi(i) - b.lo(i), left);
        w(i) += add;
        left -= add;
    }
    return w;
}

// ---------------------------------------------------------------------------
// Primal active-set QP (see the top of the file).

struct QpProblem
{
    MatrixXd H; ///< positive definite
    VectorXd c;
    MatrixXd A; ///< equalities A x = b, full row rank
    VectorXd b;
    MatrixXd C; ///< inequalities C x >= d
    VectorXd d;
};

struct QpSolution
{
    VectorXd x;
    int iterations = 0;
};

/// Inequality rows for lo <= x <= hi (upper rows only where hi < 1: with
/// sum x = 1 and x >= lo >= 0 the others cannot bind).
void addBoxRows(const Bounds &b, QpProblem &qp)
{
    const Index n = b.lo.size();
    Index uppers = 0;
    for (Index i = 0; i < n; ++i)
        uppers += b.hi(i) < 1.0 ? 1 : 0;
    qp.C = MatrixXd::Zero(n + uppers, n);
    qp.d = VectorXd::Zero(n + uppers);
    Index row = n;
    for (Index i = 0; i < n; ++i) {
        qp.C(i, i) = 1.0;
        qp.d(i) = b.lo(i);
        if (b.hi(i) < 1.0) {
            qp.C(row, i) = -1.0;
            qp.d(row) = -b.hi(i);
            ++row;
        }
    }
}

Result<QpSolution> solveQp(QpProblem qp, VectorXd x)
{
    const Index n = x.size();
    const Index me = qp.A.rows();
    const Index mi = qp.C.rows();
    // Scale the objective and the inequality rows to unit size, and replace the
    // equality rows by an orthonormal basis of the same row space (A' = QR, so
    // A x = b becomes Q'x = R'^-1 b). The solution does not change, but the KKT
    // systems stay well conditioned whether the covariance is daily (1e-4) or
    // annual (1e-1), and when the expected returns are nearly all equal (rows
    // 1' and m' nearly parallel).
    const double hScale = qp.H.diagonal().cwiseAbs().maxCoeff();
    qp.H /= hScale;
    qp.c /= hScale;
    if (me > 0) {
        const Eigen::HouseholderQR<MatrixXd> qr(qp.A.transpose());
        const MatrixXd R = qr.matrixQR().topRows(me).triangularView<Eigen::Upper>();
        const double largest = R.diagonal().cwiseAbs().maxCoeff();
        if (!(R.diagonal().cwiseAbs().minCoeff() > 1e-13 * largest))
            return makeError(code("input"), QStringLiteral("the equality constraints are linearly dependent"));
        qp.b = R.transpose().triangularView<Eigen::Lower>().solve(qp.b);
        qp.A = (qr.householderQ() * MatrixXd::Identity(n, me)).transpose();
    }
    for (Index r = 0; r < mi; ++r) {
        const double s = qp.C.row(r).cwiseAbs().maxCoeff();
        if (s > 0.0) {
            qp.C.row(r) /= s;
            qp.d(r) /= s;
        }
    }

    std::vector<Index> working;
    std::vector<char> isWorking(static_cast<std::size_t>(mi), 0);
    // Solves [H E'; E 0] [u; v] = [top; bottom] with E = [A; C_working]. The
    // working rows stay linearly independent in exact arithmetic; should
    // rounding make the matrix singular, the minimum-norm solution of the
    // (consistent) system is used instead.
    auto solveKkt = [&](const VectorXd &top, const VectorXd &bottom) {
        const Index m = me + static_cast<Index>(working.size());
        MatrixXd K = MatrixXd::Zero(n + m, n + m);
        K.topLeftCorner(n, n) = qp.H;
        MatrixXd E(m, n);
        E.topRows(me) = qp.A;
        for (std::size_t k = 0; k < working.size(); ++k)
            E.row(me + static_cast<Index>(k)) = qp.C.row(working[k]);
        K.topRightCorner(n, m) = E.transpose();
        K.bottomLeftCorner(m, n) = E;
        VectorXd rhs(n + m);
        rhs << top, bottom;
        const Eigen::FullPivLU<MatrixXd> lu(K);
        if (lu.isInvertible())
            return VectorXd(lu.solve(rhs));
        return VectorXd(K.completeOrthogonalDecomposition().solve(rhs));
    };

    const int maxIterations = static_cast<int>(50 * (n + mi) + 100);
    // After a full step without a blocking constraint the point is, in exact
    // arithmetic, the optimum of the working set; recomputing the step there
    // would only return rounding noise (which is large when the problem is ill
    // conditioned), so the multipliers are examined directly.
    bool atWorkingOptimum = false;
    int degenerateSteps = 0;
    for (int iteration = 1; iteration <= maxIterations; ++iteration) {
        const VectorXd g = qp.H * x + qp.c;
        const VectorXd solution = solveKkt(-g, VectorXd::Zero(me + static_cast<Index>(working.size())));
        const VectorXd p = solution.head(n);
        // With n independent rows in the working set the point is a vertex and
        // any step is rounding noise.
        const bool vertex = me + static_cast<Index>(working.size()) >= n;
        if (atWorkingOptimum || vertex
            || p.lpNorm<Eigen::Infinity>() <= 1e-12 * std::max(1.0, x.lpNorm<Eigen::Infinity>())) {
            // Stationary on the working set: g = E' lambda with lambda = -v.
            // Bland's rule (the first negative multiplier, not the most
            // negative) after a run of zero-length steps prevents cycling at
            // degenerate vertices.
            const bool bland = degenerateSteps > n;
            const double tolerance = 1e-11 * std::max(1.0, g.lpNorm<Eigen::Infinity>());
            std::size_t drop = working.size();
            double dropLambda = -tolerance;
            for (std::size_t k = 0; k < working.size(); ++k) {
                const double lambda = -solution(n + me + static_cast<Index>(k));
                if (lambda < dropLambda && (!bland || drop == working.size() || working[k] < working[drop])) {
                    dropLambda = bland ? -tolerance : lambda;
                    drop = k;
                }
            }
            if (drop == working.size()) {
                // Optimal. Recompute x from the final working set's KKT system
                // so that it is exact rather than the sum of many steps.
                VectorXd bottom(me + static_cast<Index>(working.size()));
                bottom.head(me) = qp.b;
                for (std::size_t k = 0; k < working.size(); ++k)
                    bottom(me + static_cast<Index>(k)) = qp.d(working[k]);
                const VectorXd exact = solveKkt(-qp.c, bottom).head(n);
                const bool feasible = exact.allFinite() && (mi == 0 || (qp.C * exact - qp.d).minCoeff() >= -1e-12)
                    && (qp.A * exact - qp.b).cwiseAbs().maxCoeff() <= 1e-12;
                if (feasible)
                    x = exact;
                return QpSolution{x, iteration};
            }
            isWorking[static_cast<std::size_t>(working[drop])] = 0;
            working.erase(working.begin() + static_cast<std::ptrdiff_t>(drop));
            atWorkingOptimum = false;
            continue;
        }
        // Step towards the working set's optimum, stopping at the first
        // blocking inequality. A row that depends linearly on the working set
        // has a zero rate in exact arithmetic, so it cannot block; adding it
        // would make the KKT matrix singular.
        auto independent = [&](Index j) {
            MatrixXd E(me + static_cast<Index>(working.size()), n);
            E.topRows(me) = qp.A;
            for (std::size_t k = 0; k < working.size(); ++k)
                E.row(me + static_cast<Index>(k)) = qp.C.row(working[k]);
            const VectorXd row = qp.C.row(j).transpose();
            const VectorXd residue = row - E.transpose() * E.transpose().colPivHouseholderQr().solve(row);
            return residue.lpNorm<Eigen::Infinity>() > 1e-9;
        };
        double alpha = 1.0;
        Index blocking = -1;
        const double pNorm = p.lpNorm<Eigen::Infinity>();
        const bool bland = degenerateSteps > n;
        std::vector<char> excluded(static_cast<std::size_t>(mi), 0);
        for (bool searching = true; searching;) {
            alpha = 1.0;
            blocking = -1;
            for (Index j = 0; j < mi; ++j) {
                if (isWorking[static_cast<std::size_t>(j)] || excluded[static_cast<std::size_t>(j)])
                    continue;
                const double rate = qp.C.row(j).dot(p);
                if (rate >= -1e-12 * pNorm)
                    continue;
                const double step = std::max(0.0, qp.C.row(j).dot(x) - qp.d(j)) / -rate;
                // Ties go to the lowest index under Bland's rule.
                if (step < alpha || (bland && step == alpha && blocking >= 0 && j < blocking)) {
                    alpha = step;
                    blocking = j;
                }
            }
            searching = blocking >= 0 && !independent(blocking);
            if (searching)
                excluded[static_cast<std::size_t>(blocking)] = 1;
        }
        x += alpha * p;
        degenerateSteps = alpha == 0.0 ? degenerateSteps + 1 : 0;
        if (blocking >= 0) {
            working.push_back(blocking);
            isWorking[static_cast<std::size_t>(blocking)] = 1;
            atWorkingOptimum = false;
        } else {
            atWorkingOptimum = true;
        }
    }
    return makeError(code("convergence"),
                     QStringLiteral("the active-set solver did not converge in %1 iterations").arg(maxIterations));
}

// ---------------------------------------------------------------------------
// Models on a covariance matrix.

struct Solved
{
    VectorXd w;
    int iterations = 0;
};

Result<Solved> minimumVariance(const MatrixXd &S, const Bounds &b)
{
    const Index n = S.rows();
    QpProblem qp{S, VectorXd::Zero(n), MatrixXd::Ones(1, n), VectorXd::Ones(1), {}, {}};
    addBoxRows(b, qp);
    auto start = applyBounds(VectorXd::Ones(n), b);
    if (!start)
        return start.error();
    auto solved = solveQp(std::move(qp), *start);
    if (!solved)
        return solved.error();
    return Solved{tidy(solved->x, b), solved->iterations};
}

/// Minimum variance with m'w = r; r must lie in [rMin, rMax] of the capped simplex.
Result<Solved> minimumVarianceForReturn(const MatrixXd &S, const VectorXd &m, const Bounds &b, double r)
{
    const Index n = S.rows();
    const VectorXd wLow = extremeVertex(m, b, false);
    const VectorXd wHigh = extremeVertex(m, b, true);
    const double rLow = m.dot(wLow);
    const double rHigh = m.dot(wHigh);
    if (rHigh - rLow <= kInputTolerance * std::max(1.0, std::abs(rHigh)))
        return minimumVariance(S, b); // every feasible portfolio has the same expected return
    const double t = std::clamp((r - rLow) / (rHigh - rLow), 0.0, 1.0);
    MatrixXd A(2, n);
    A.row(0).setOnes();
    A.row(1) = m.transpose();
    VectorXd rhs(2);
    rhs << 1.0, r;
    QpProblem qp{S, VectorXd::Zero(n), A, rhs, {}, {}};
    addBoxRows(b, qp);
    auto solved = solveQp(std::move(qp), wLow + t * (wHigh - wLow));
    if (!solved)
        return solved.error();
    return Solved{tidy(solved->x, b), solved->iterations};
}

Result<Solved> meanVariance(const MatrixXd &S, const VectorXd &m, const Bounds &b, const AllocationOptions &o)
{
    if (o.targetReturn.has_value() == o.targetVolatility.has_value())
        return makeError(code("input"),
                         QStringLiteral("mean-variance needs exactly one of a target return and a target volatility"));
    const double rLow = m.dot(extremeVertex(m, b, false));
    const double rHigh = m.dot(extremeVertex(m, b, true));
    const double slack = kInputTolerance * std::max(1.0, std::abs(rHigh));
    if (o.targetReturn) {
        const double r = *o.targetReturn;
        if (!std::isfinite(r))
            return makeError(code("input"), QStringLiteral("target return is not a number"));
        if (r > rHigh + slack)
            return makeError(
                code("target"),
                QStringLiteral("target return %1 is above the maximum achievable %2").arg(percent(r), percent(rHigh)));
        if (r < rLow - slack)
            return makeError(
                code("target"),
                QStringLiteral("target return %1 is below the minimum achievable %2").arg(percent(r), percent(rLow)));
        return minimumVarianceForReturn(S, m, b, std::clamp(r, rLow, rHigh));
    }

    const double target = *o.targetVolatility;
    if (!std::isfinite(target) || target < 0.0)
        return makeError(code("input"), QStringLiteral("target volatility must be a non-negative number"));
    auto volatility = [&](const VectorXd &w) { return std::sqrt(std::max(0.0, w.dot(S * w))); };
    auto low = minimumVariance(S, b);
    if (!low)
        return low.error();
    auto high = minimumVarianceForReturn(S, m, b, rHigh);
    if (!high)
        return high.error();
    const double volLow = volatility(low->w);
    const double volHigh = volatility(high->w);
    if (target < volLow * (1.0 - kInputTolerance))
        return makeError(code("target"),
                         QStringLiteral("target volatility %1 is below the minimum achievable %2 (minimum variance)")
                             .arg(percent(target), percent(volLow)));
    if (target > volHigh * (1.0 + kInputTolerance))
        return makeError(code("target"),
                         QStringLiteral("target volatility %1 is above %2, the volatility of the highest-return "
                                        "efficient portfolio")
                             .arg(percent(target), percent(volHigh)));
    if (target <= volLow)
        return low;
    if (target >= volHigh)
        return high;
    // Bisection on the target return along the efficient frontier.
    double rA = m.dot(low->w);
    double rB = rHigh;
    Solved best = *high;
    int iterations = low->iterations + high->iterations;
    for (int i = 0; i < 200; ++i) {
        const double mid = 0.5 * (rA + rB);
        if (!(mid > rA && mid < rB))
            break;
        auto at = minimumVarianceForReturn(S, m, b, mid);
        if (!at)
            return at.error();
        iterations += at->iterations;
        const double vol = volatility(at->w);
        if (std::abs(vol - target) < std::abs(volatility(best.w) - target))
            best = *at;
        if (vol == target)
            break;
        (vol < target ? rA : rB) = mid;
    }
    best.iterations = iterations;
    return best;
}

Result<Solved> maximumSharpe(const MatrixXd &S, const VectorXd &m, const Bounds &b, double riskFree)
{
    const Index n = S.rows();
    const VectorXd excess = m.array() - riskFree;
    const VectorXd best = extremeVertex(excess, b, true);
    const double bestExcess = excess.dot(best);
    if (!(bestExcess > 0.0))
        return makeError(code("target"),
                         QStringLiteral("no portfolio within the bounds has an expected return above the risk-free "
                                        "rate %1; the Sharpe ratio cannot be maximised")
                             .arg(percent(riskFree)));
    // y >= 0, and for non-trivial bounds y_i - lo_i 1'y >= 0 and hi_i 1'y - y_i >= 0.
    std::vector<VectorXd> rows;
    for (Index i = 0; i < n; ++i) {
        VectorXd row = VectorXd::Zero(n);
        row(i) = 1.0;
        rows.push_back(row);
        if (b.lo(i) > 0.0) {
            row = -b.lo(i) * VectorXd::Ones(n);
            row(i) += 1.0;
            rows.push_back(row);
        }
        if (b.hi(i) < 1.0) {
            row = b.hi(i) * VectorXd::Ones(n);
            row(i) -= 1.0;
            rows.push_back(row);
        }
    }
    QpProblem qp{S,
                 VectorXd::Zero(n),
                 excess.transpose(),
                 VectorXd::Ones(1),
                 MatrixXd(static_cast<Index>(rows.size()), n),
                 VectorXd::Zero(static_cast<Index>(rows.size()))};
    for (std::size_t r = 0; r < rows.size(); ++r)
        qp.C.row(static_cast<Index>(r)) = rows[r].transpose();
    auto solved = solveQp(std::move(qp), best / bestExcess);
    if (!solved)
        return solved.error();
    return Solved{tidy(solved->x / solved->x.sum(), b), solved->iterations};
}

/// Cyclical coordinate descent on 1/2 x'Sx - L sum b_i ln x_i over lo <= x <= hi
/// (no box when @p box is null). Returns sweeps used, or -1 without convergence.
int riskBudgetDescent(const MatrixXd &S, const VectorXd &budgets, double L, const Bounds *box, VectorXd &x)
{
    const Index n = S.rows();
    VectorXd Sx = S * x;
    constexpr int maxSweeps = 100000;
    for (int sweep = 1; sweep <= maxSweeps; ++sweep) {
        double change = 0.0;
        for (Index i = 0; i < n; ++i) {
            const double sii = S(i, i);
            const double ci = Sx(i) - sii * x(i);
            // The positive root of sii x^2 + ci x - L b_i = 0, in the form
            // that does not cancel when ci > 0 (mostly positive correlations).
            const double root = std::sqrt(ci * ci + 4.0 * sii * L * budgets(i));
            double xi = ci > 0.0 ? 2.0 * L * budgets(i) / (ci + root) : (root - ci) / (2.0 * sii);
            if (box)
                xi = std::clamp(xi, box->lo(i), box->hi(i));
            const double delta = xi - x(i);
            if (delta != 0.0) {
                Sx += delta * S.col(i);
                x(i) = xi;
                change = std::max(change, std::abs(delta));
            }
        }
        // Refresh S x now and then so that rounding in the running update cannot accumulate.
        if (sweep % 64 == 0)
            Sx = S * x;
        if (box) {
            if (change <= 1e-14 * std::max(1e-300, x.lpNorm<Eigen::Infinity>()))
                return sweep;
        } else {
            // Converged when every risk contribution is within 1e-12 of its budget.
            const VectorXd w = x / x.sum();
            const VectorXd rc = w.cwiseProduct(S * w) / w.dot(S * w);
            if ((rc - budgets).lpNorm<Eigen::Infinity>() <= 1e-12 || change == 0.0)
                return sweep;
        }
    }
    return -1;
}

Result<Solved> riskBudgeting(const MatrixXd &covariance, const Bounds &b, const AllocationOptions &o, const Names &name)
{
    const Index n = covariance.rows();
    VectorXd budgets = VectorXd::Constant(n, 1.0 / static_cast<double>(n));
    if (!o.riskBudgets.empty()) {
        if (o.riskBudgets.size() != static_cast<std::size_t>(n))
            return makeError(code("input"),
                             QStringLiteral("%1 risk budgets given for %2 assets").arg(o.riskBudgets.size()).arg(n));
        for (Index i = 0; i < n; ++i) {
            budgets(i) = o.riskBudgets[static_cast<std::size_t>(i)];
            if (!(budgets(i) > 0.0) || !std::isfinite(budgets(i)))
                return makeError(code("input"), QStringLiteral("the risk budget of %1 must be positive").arg(name(i)));
        }
        budgets /= budgets.sum();
    }
    // Unit mean variance keeps x of order 1 whatever the data frequency.
    const MatrixXd S = covariance / covariance.diagonal().mean();

    VectorXd x = S.diagonal().cwiseSqrt().cwiseInverse();
    x /= x.sum();
    const int sweeps = riskBudgetDescent(S, budgets, 1.0, nullptr, x);
    if (sweeps < 0)
        return makeError(code("convergence"), QStringLiteral("risk parity did not converge"));
    const VectorXd w = x / x.sum();
    const double slack = 1e-12;
    if ((w - b.lo).minCoeff() >= -slack && (b.hi - w).minCoeff() >= -slack)
        return Solved{tidy(w, b), sweeps};

    // Bounds bind: constrained risk budgeting, bisection on L so that sum x(L) = 1.
    if (b.lo.sum() >= 1.0 - kInputTolerance)
        return Solved{b.lo / b.lo.sum(), sweeps};
    if (b.hi.sum() <= 1.0 + kInputTolerance)
        return Solved{b.hi / b.hi.sum(), sweeps};
    int total = sweeps;
    VectorXd xs = w.cwiseMax(b.lo).cwiseMin(b.hi);
    auto excessAt = [&](double L, VectorXd &xl) -> std::optional<double> {
        const int used = riskBudgetDescent(S, budgets, L, &b, xl);
        if (used < 0)
            return std::nullopt;
        total += used;
        return xl.sum() - 1.0;
    };
    // x scales with sqrt(L) without bounds, so L = 1 / (sum x(1))^2 is the first guess.
    const double guess = 1.0 / (x.sum() * x.sum());
    double lA = guess;
    double lB = guess;
    VectorXd xA = xs;
    VectorXd xB = xs;
    auto fA = excessAt(lA, xA);
    auto fB = fA;
    if (fA) {
        xB = xA;
        for (int i = 0; i < 60 && fA && *fA > 0.0; ++i) {
            lB = lA;
            xB = xA;
            fB = fA;
            lA /= 4.0;
            fA = excessAt(lA, xA);
        }
        for (int i = 0; i < 200 && fB && *fB < 0.0; ++i) {
            lA = lB;
            xA = xB;
            fA = fB;
            lB *= 4.0;
            fB = excessAt(lB, xB);
        }
    }
    if (fA && *fA > 0.0)
        return makeError(code("bounds"),
                         QStringLiteral("risk parity cannot meet the minimum weights: the assets held at their minimum "
                                        "are hedged by the others, so no risk-budgeting portfolio within the bounds "
                                        "is fully invested; lower the minimum weights"));
    if (!fA || !fB || *fB < 0.0)
        return makeError(code("convergence"), QStringLiteral("risk parity within the given bounds did not converge"));
    for (int i = 0; i < 200; ++i) {
        const double mid = std::sqrt(lA * lB);
        if (!(mid > lA && mid < lB) || *fB - *fA <= 1e-15)
            break;
        VectorXd xm = std::abs(*fA) < std::abs(*fB) ? xA : xB; // warm start from the closer end
        const auto fm = excessAt(mid, xm);
        if (!fm)
            return makeError(code("convergence"),
                             QStringLiteral("risk parity within the given bounds did not converge"));
        if (*fm < 0.0) {
            lA = mid;
            fA = fm;
            xA = xm;
        } else {
            lB = mid;
            fB = fm;
            xB = xm;
        }
    }
    const VectorXd &xBest = std::abs(*fA) < std::abs(*fB) ? xA : xB;
    return Solved{tidy(xBest / xBest.sum(), b), total};
}

} // namespace

// ---------------------------------------------------------------------------

QString toString(Model model)
{
    switch (model) {
    case Model::Fixed:
        return QStringLiteral("fixed");
    case Model::Equal:
        return QStringLiteral("equal");
    case Model::MarketCap:
        return QStringLiteral("market-cap");
    case Model::SqrtMarketCap:
        return QStringLiteral("sqrt-market-cap");
    case Model::CoreSatellite:
        return QStringLiteral("core-satellite");
    case Model::InverseVolatility:
        return QStringLiteral("inverse-vol");
    case Model::EqualRiskContribution:
        return QStringLiteral("erc");
    case Model::MinimumVariance:
        return QStringLiteral("min-variance");
    case Model::MaximumSharpe:
        return QStringLiteral("max-sharpe");
    case Model::MeanVariance:
        return QStringLiteral("mean-variance");
    }
    return QString();
}

Result<Model> modelFromString(const QString &text)
{
    const QString key = text.trimmed().toLower();
    for (Model model : {Model::Fixed, Model::Equal, Model::MarketCap, Model::SqrtMarketCap, Model::CoreSatellite,
                        Model::InverseVolatility, Model::EqualRiskContribution, Model::MinimumVariance,
                        Model::MaximumSharpe, Model::MeanVariance}) {
        if (key == toString(model))
            return model;
    }
    if (key == QLatin1String("risk-parity"))
        return Model::EqualRiskContribution;
    return makeError(code("input"),
                     QStringLiteral("unknown allocation model \"%1\"; expected one of fixed, equal, market-cap, "
                                    "sqrt-market-cap, core-satellite, inverse-vol, erc, min-variance, max-sharpe, "
                                    "mean-variance")
                         .arg(text));
}

AllocationModel::AllocationModel(AllocationOptions options)
    : m_options(std::move(options))
{
}

bool AllocationModel::needsCovariance() const
{
    switch (m_options.model) {
    case Model::InverseVolatility:
    case Model::EqualRiskContribution:
    case Model::MinimumVariance:
    case Model::MaximumSharpe:
    case Model::MeanVariance:
        return true;
    case Model::CoreSatellite:
        return m_options.coreModel == Model::InverseVolatility;
    default:
        return false;
    }
}

bool AllocationModel::needsMeans() const
{
    return m_options.model == Model::MaximumSharpe || m_options.model == Model::MeanVariance;
}

Result<Allocation> AllocationModel::allocate(int assetCount) const
{
    if (needsCovariance())
        return makeError(
            code("input"),
            QStringLiteral("the %1 model needs a covariance matrix or prices").arg(toString(m_options.model)));
    return run(assetCount, nullptr, nullptr);
}

Result<Allocation> AllocationModel::allocate(const MatrixXd &covariance, const VectorXd &means) const
{
    return run(covariance.rows(), &covariance, &means);
}

Result<Allocation> AllocationModel::allocateFromPrices(const MatrixXd &prices,
                                                       const EstimationOptions &estimation) const
{
    auto inputs = estimate(prices, estimation);
    if (!inputs)
        return inputs.error();
    return allocate(inputs->covariance, inputs->means);
}

Result<RiskInputs> AllocationModel::estimate(const MatrixXd &prices, const EstimationOptions &estimation)
{
    if (estimation.window < 0 || estimation.window > prices.rows())
        return makeError(code("input"),
                         QStringLiteral("estimation window of %1 bars does not fit the %2 bars given")
                             .arg(estimation.window)
                             .arg(prices.rows()));
    const Index rows = estimation.window == 0 ? prices.rows() : estimation.window;
    const MatrixXd window = prices.bottomRows(rows);
    for (Index c = 0; c < window.cols(); ++c) {
        for (Index r = 0; r < window.rows(); ++r) {
            if (!(window(r, c) > 0.0) || !std::isfinite(window(r, c)))
                return makeError(code("input"),
                                 QStringLiteral("price %1 of column %2 at bar %3 is not positive")
                                     .arg(window(r, c))
                                     .arg(c)
                                     .arg(prices.rows() - rows + r));
        }
    }
    const MatrixXd returns = analytics::Returns::matrix(window, estimation.returnType);
    auto cov = analytics::Covariance::sample(returns, estimation.periodsPerYear);
    if (!cov)
        return cov.error();
    RiskInputs inputs;
    inputs.covariance = std::move(*cov);
    inputs.means = returns.colwise().mean().transpose() * estimation.periodsPerYear;
    inputs.observations = static_cast<int>(returns.rows());
    return inputs;
}

VectorXd AllocationModel::riskContributions(const VectorXd &weights, const MatrixXd &covariance)
{
    const VectorXd sw = covariance * weights;
    const double variance = weights.dot(sw);
    if (!(variance > 0.0))
        return VectorXd::Constant(weights.size(), kNaN);
    return weights.cwiseProduct(sw) / variance;
}

Result<Allocation> AllocationModel::run(Index n, const MatrixXd *covariance, const VectorXd *means) const
{
    const AllocationOptions &o = m_options;
    const Names name(o.assets);
    if (n < 1)
        return makeError(code("input"), QStringLiteral("no assets to allocate"));
    if (!o.assets.isEmpty() && o.assets.size() != n)
        return makeError(code("input"),
                         QStringLiteral("%1 asset names given for %2 assets").arg(o.assets.size()).arg(n));

    // Validate the market data first: every later step relies on it.
    MatrixXd S;
    if (covariance) {
        if (covariance->rows() != covariance->cols())
            return makeError(code("input"),
                             QStringLiteral("covariance matrix must be square, got %1 x %2")
                                 .arg(covariance->rows())
                                 .arg(covariance->cols()));
        if (!covariance->allFinite())
            return makeError(code("input"), QStringLiteral("covariance matrix has non-finite entries"));
        const double size = std::max(covariance->cwiseAbs().maxCoeff(), std::numeric_limits<double>::min());
        if ((*covariance - covariance->transpose()).cwiseAbs().maxCoeff() > 1e-10 * size)
            return makeError(code("input"), QStringLiteral("covariance matrix is not symmetric"));
        S = 0.5 * (*covariance + covariance->transpose());
        for (Index i = 0; i < n; ++i) {
            if (!(S(i, i) >= 0.0))
                return makeError(code("input"), QStringLiteral("variance of %1 is negative").arg(name(i)));
        }
    }
    const bool haveMeans = means && means->size() > 0;
    if (haveMeans) {
        if (means->size() != n)
            return makeError(code("input"),
                             QStringLiteral("%1 expected returns given for %2 assets").arg(means->size()).arg(n));
        if (!means->allFinite())
            return makeError(code("input"), QStringLiteral("expected returns have non-finite entries"));
    }
    if (needsMeans() && !haveMeans)
        return makeError(code("input"), QStringLiteral("the %1 model needs expected returns").arg(toString(o.model)));
    if (needsCovariance() && !covariance)
        return makeError(code("input"),
                         QStringLiteral("the %1 model needs a covariance matrix").arg(toString(o.model)));

    const bool optimiser = o.model == Model::EqualRiskContribution || o.model == Model::MinimumVariance
        || o.model == Model::MaximumSharpe || o.model == Model::MeanVariance;
    if (optimiser) {
        const Eigen::SelfAdjointEigenSolver<MatrixXd> eigen(S, Eigen::EigenvaluesOnly);
        const double largest = eigen.eigenvalues().maxCoeff();
        const double smallest = eigen.eigenvalues().minCoeff();
        if (!(largest > 0.0) || smallest <= 1e-12 * largest)
            return makeError(code("singular"),
                             QStringLiteral("covariance matrix is singular or not positive definite (eigenvalues "
                                            "%1 to %2); use more bars than assets and no duplicated assets")
                                 .arg(smallest)
                                 .arg(largest));
    }

    auto bounds = makeBounds(o, n, name);
    if (!bounds)
        return bounds.error();
    const Bounds &b = *bounds;

    auto caps = [&]() -> Result<VectorXd> {
        if (o.marketCaps.size() != static_cast<std::size_t>(n))
            return makeError(code("input"),
                             QStringLiteral("%1 market caps given for %2 assets").arg(o.marketCaps.size()).arg(n));
        VectorXd v(n);
        for (Index i = 0; i < n; ++i) {
            v(i) = o.marketCaps[static_cast<std::size_t>(i)];
            if (!std::isfinite(v(i)) || v(i) < 0.0)
                return makeError(code("input"),
                                 QStringLiteral("market cap of %1 is not a non-negative number").arg(name(i)));
        }
        if (!(v.sum() > 0.0))
            return makeError(code("input"), QStringLiteral("all market caps are zero"));
        return v;
    };
    auto inverseVols = [&]() -> Result<VectorXd> {
        VectorXd v(n);
        for (Index i = 0; i < n; ++i) {
            if (!(S(i, i) > 0.0))
                return makeError(code("input"),
                                 QStringLiteral("%1 has zero volatility; inverse volatility is "
                                                "undefined")
                                     .arg(name(i)));
            v(i) = 1.0 / std::sqrt(S(i, i));
        }
        return v;
    };
    auto scoresOf = [&](Model model) -> Result<VectorXd> {
        switch (model) {
        case Model::Equal:
            return VectorXd(VectorXd::Ones(n));
        case Model::MarketCap:
            return caps();
        case Model::SqrtMarketCap: {
            auto v = caps();
            if (!v)
                return v;
            return VectorXd(v->cwiseSqrt());
        }
        case Model::InverseVolatility:
            return inverseVols();
        default:
            return makeError(
                code("input"),
                QStringLiteral("%1 cannot be used as the core model of core-satellite").arg(toString(model)));
        }
    };

    Solved solved;
    switch (o.model) {
    case Model::Fixed: {
        if (o.fixedWeights.size() != static_cast<std::size_t>(n))
            return makeError(code("input"),
                             QStringLiteral("%1 fixed weights given for %2 assets").arg(o.fixedWeights.size()).arg(n));
        VectorXd w(n);
        for (Index i = 0; i < n; ++i) {
            w(i) = o.fixedWeights[static_cast<std::size_t>(i)];
            if (!std::isfinite(w(i)) || w(i) < 0.0)
                return makeError(code("input"),
                                 QStringLiteral("fixed weight of %1 must be a non-negative number").arg(name(i)));
        }
        if (std::abs(w.sum() - 1.0) > 1e-6)
            return makeError(code("input"), QStringLiteral("fixed weights sum to %1, not 100%").arg(percent(w.sum())));
        w /= w.sum();
        for (Index i = 0; i < n; ++i) {
            if (w(i) < b.lo(i) - kInputTolerance || w(i) > b.hi(i) + kInputTolerance)
                return makeError(code("bounds"),
                                 QStringLiteral("fixed weight %1 of %2 is outside its bounds %3 to %4")
                                     .arg(percent(w(i)), name(i), percent(b.lo(i)), percent(b.hi(i))));
        }
        solved.w = w;
        break;
    }
    case Model::Equal:
    case Model::MarketCap:
    case Model::SqrtMarketCap:
    case Model::InverseVolatility: {
        auto scores = scoresOf(o.model);
        if (!scores)
            return scores.error();
        auto w = applyBounds(*scores, b);
        if (!w)
            return w.error();
        solved.w = *w;
        break;
    }
    case Model::CoreSatellite: {
        if (!(o.coreShare >= 0.0 && o.coreShare <= 1.0))
            return makeError(code("input"),
                             QStringLiteral("core share %1 must be between 0 and 100%").arg(percent(o.coreShare)));
        std::vector<char> isCore(static_cast<std::size_t>(n), 0);
        for (int index : o.coreAssets) {
            if (index < 0 || index >= n)
                return makeError(code("input"), QStringLiteral("core asset index %1 is out of range").arg(index));
            if (isCore[static_cast<std::size_t>(index)])
                return makeError(code("input"), QStringLiteral("%1 is listed twice as a core asset").arg(name(index)));
            isCore[static_cast<std::size_t>(index)] = 1;
        }
        const auto cores = static_cast<Index>(o.coreAssets.size());
        const Index satellites = n - cores;
        if (cores == 0)
            return makeError(code("input"), QStringLiteral("core-satellite needs at least one core asset"));
        if (satellites == 0 && o.coreShare < 1.0)
            return makeError(code("input"),
                             QStringLiteral("core-satellite has no satellite assets to hold the %1 outside the core")
                                 .arg(percent(1.0 - o.coreShare)));
        auto inner = scoresOf(o.coreModel);
        if (!inner)
            return inner.error();
        double coreScore = 0.0;
        for (Index i = 0; i < n; ++i)
            coreScore += isCore[static_cast<std::size_t>(i)] ? (*inner)(i) : 0.0;
        if (!(coreScore > 0.0))
            return makeError(
                code("input"),
                QStringLiteral("the core assets all have zero weight under %1").arg(toString(o.coreModel)));
        VectorXd scores(n);
        for (Index i = 0; i < n; ++i) {
            scores(i) = isCore[static_cast<std::size_t>(i)] ? o.coreShare * (*inner)(i) / coreScore
                                                            : (1.0 - o.coreShare) / static_cast<double>(satellites);
        }
        auto w = applyBounds(scores, b);
        if (!w)
            return w.error();
        solved.w = *w;
        break;
    }
    case Model::EqualRiskContribution: {
        auto result = riskBudgeting(S, b, o, name);
        if (!result)
            return result.error();
        solved = *result;
        break;
    }
    case Model::MinimumVariance: {
        auto result = minimumVariance(S, b);
        if (!result)
            return result.error();
        solved = *result;
        break;
    }
    case Model::MaximumSharpe: {
        auto result = maximumSharpe(S, *means, b, o.riskFreeRate);
        if (!result)
            return result.error();
        solved = *result;
        break;
    }
    case Model::MeanVariance: {
        auto result = meanVariance(S, *means, b, o);
        if (!result)
            return result.error();
        solved = *result;
        break;
    }
    }

    Allocation allocation;
    allocation.weights = solved.w;
    allocation.iterations = solved.iterations;
    if (covariance) {
        const double variance = std::max(0.0, solved.w.dot(S * solved.w));
        allocation.volatility = std::sqrt(variance);
        allocation.riskContributions = riskContributions(solved.w, S);
        if (haveMeans) {
            allocation.expectedReturn = means->dot(solved.w);
            if (variance > 0.0)
                allocation.sharpe = (*allocation.expectedReturn - o.riskFreeRate) / *allocation.volatility;
        }
    }
    return allocation;
}

} // namespace ballast::allocation
