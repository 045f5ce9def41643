#pragma once

#include "analytics/returns.h"
#include "common/result.h"

#include <QString>
#include <QStringList>

#include <Eigen/Core>
#include <optional>
#include <vector>

namespace ballast::allocation {

/// The allocation models. Every model is long-only and fully invested (weights
/// are >= 0 and sum to 1) and honours the per-asset minimum and maximum weights.
enum class Model {
    Fixed, ///< the weights given in AllocationOptions::fixedWeights
    Equal, ///< 1 / n
    MarketCap, ///< proportional to market capitalisation
    SqrtMarketCap, ///< proportional to the square root of market capitalisation
    CoreSatellite, ///< coreShare over the core assets (inner model), the rest equally over the satellites
    InverseVolatility, ///< proportional to 1 / sigma
    EqualRiskContribution, ///< risk parity: every asset contributes the same share of variance (or its risk budget)
    MinimumVariance, ///< global minimum variance
    MaximumSharpe, ///< tangency portfolio for the risk-free rate
    MeanVariance, ///< minimum variance for a target return, or maximum return for a target volatility
};

/// "fixed", "equal", "market-cap", "sqrt-market-cap", "core-satellite",
/// "inverse-vol", "erc", "min-variance", "max-sharpe", "mean-variance".
QString toString(Model model);
/// Parses toString()'s names (case-insensitive); "risk-parity" is accepted for "erc".
Result<Model> modelFromString(const QString &text);

/// How means and covariances are estimated from a price matrix.
struct EstimationOptions
{
    int window = 0; ///< use the last N price bars (N - 1 returns); 0 = all bars
    analytics::ReturnType returnType = analytics::ReturnType::Simple;
    double periodsPerYear = 365.0; ///< annualisation factor: 365 for daily bars, 365 x 24 for hourly
};

/// Annualised inputs of the risk-based models, estimated from prices or given.
struct RiskInputs
{
    Eigen::VectorXd means; ///< mean per-bar return x periodsPerYear
    Eigen::MatrixXd covariance; ///< sample covariance (n - 1) x periodsPerYear
    int observations = 0; ///< returns used
};

/// What to compute. Weights, bounds and market caps are in asset order (the
/// columns of the covariance or price matrix). All fractions, not percent.
struct AllocationOptions
{
    Model model = Model::Equal;
    QStringList assets; ///< optional asset names, used only to make error messages readable

    /// Bounds for every asset; the vectors below override them when not empty.
    double minWeight = 0.0;
    double maxWeight = 1.0;
    std::vector<double> minWeights;
    std::vector<double> maxWeights;

    std::vector<double> fixedWeights; ///< Fixed: must sum to 1 (within 1e-6; then normalised exactly)
    std::vector<double> marketCaps; ///< MarketCap, SqrtMarketCap and a market-cap core

    std::vector<int> coreAssets; ///< CoreSatellite: indices of the core assets; the others are satellites
    double coreShare = 0.8; ///< CoreSatellite: total weight of the core
    Model coreModel = Model::Equal; ///< Equal, MarketCap, SqrtMarketCap or InverseVolatility

    std::vector<double> riskBudgets; ///< EqualRiskContribution: share of risk per asset; empty = equal

    double riskFreeRate = 0.0; ///< annual, same units as the means (MaximumSharpe, reported Sharpe)
    std::optional<double> targetReturn; ///< MeanVariance: annual expected return to hit
    std::optional<double> targetVolatility; ///< MeanVariance: annual volatility to hit (give exactly one target)
};

/// The weights, and their risk and return where a covariance matrix was known.
struct Allocation
{
    Eigen::VectorXd weights;
    std::optional<double> expectedReturn; ///< means . w (needs means)
    std::optional<double> volatility; ///< sqrt(w' S w)
    std::optional<double> sharpe; ///< (expectedReturn - riskFreeRate) / volatility
    Eigen::VectorXd riskContributions; ///< w_i (S w)_i / w' S w, sums to 1; empty without covariance
    int iterations = 0; ///< solver iterations (active-set steps or coordinate-descent sweeps)
};

/// Computes target weights with one of the models of Model.
///
/// Heuristic models (equal, market cap, square-root market cap, core-satellite,
/// inverse volatility) give each asset a score; bounds are then applied by
/// scaling: w_i = clamp(k s_i, min_i, max_i) with k found by bisection so that
/// the weights sum to 1. Weight cut from a capped asset thus flows to the
/// uncapped ones in proportion to their scores, as index providers cap.
///
/// Optimising models work on an annualised covariance matrix S (and mean
/// vector m): minimum variance, mean-variance and maximum Sharpe are convex
/// quadratic programs solved exactly by a primal active-set method; equal risk
/// contribution uses cyclical coordinate descent on the convex risk-budgeting
/// problem. Details in allocationmodel.cpp. The covariance matrix must be
/// positive definite (fewer bars than assets, or an asset that is a copy of
/// another, make it singular and give an error).
///
/// Errors (Result values, code "allocation.*"): mismatched sizes, infeasible
/// bounds, missing inputs, a singular covariance, an unreachable target,
/// no asset beating the risk-free rate, no convergence.
class AllocationModel
{
public:
    explicit AllocationModel(AllocationOptions options = {});

    [[nodiscard]] const AllocationOptions &options() const { return m_options; }

    /// True for the models that need a covariance matrix (a core-satellite
    /// portfolio with an inverse-volatility core included).
    [[nodiscard]] bool needsCovariance() const;
    /// True for the models that also need expected returns.
    [[nodiscard]] bool needsMeans() const;

    /// For models that need no market data (fixed, equal, market caps,
    /// core-satellite with such a core).
    [[nodiscard]] Result<Allocation> allocate(int assetCount) const;
    /// From an annualised covariance matrix and, for MaximumSharpe and
    /// MeanVariance, an annualised mean vector (may be empty otherwise).
    [[nodiscard]] Result<Allocation> allocate(const Eigen::MatrixXd &covariance,
                                              const Eigen::VectorXd &means = Eigen::VectorXd()) const;
    /// From prices (rows = bars oldest first, columns = assets), estimated with estimate().
    [[nodiscard]] Result<Allocation> allocateFromPrices(const Eigen::MatrixXd &prices,
                                                        const EstimationOptions &estimation = {}) const;

    /// Annualised mean returns and sample covariance (n - 1) of the returns of
    /// the last estimation.window price bars. Prices must be positive.
    static Result<RiskInputs> estimate(const Eigen::MatrixXd &prices, const EstimationOptions &estimation = {});

    /// w_i (S w)_i / w' S w: each asset's share of the portfolio variance.
    static Eigen::VectorXd riskContributions(const Eigen::VectorXd &weights, const Eigen::MatrixXd &covariance);

private:
    Result<Allocation> run(Eigen::Index n, const Eigen::MatrixXd *covariance, const Eigen::VectorXd *means) const;

    AllocationOptions m_options;
};

} // namespace ballast::allocation
