#include "allocation/allocationmodel.h"

#include <QTest>

#include <cmath>

using ballast::allocation::Allocation;
using ballast::allocation::AllocationModel;
using ballast::allocation::AllocationOptions;
using ballast::allocation::EstimationOptions;
using ballast::allocation::Model;
using ballast::analytics::ReturnType;

using Vector = QList<double>;
Q_DECLARE_METATYPE(Model)
Q_DECLARE_METATYPE(ReturnType)

namespace {

/// Absolute comparison that prints both numbers in full.
bool near(double actual, double expected, double tolerance, const QString &what)
{
    if (std::abs(actual - expected) <= tolerance)
        return true;
    qWarning("%s: actual %.17g, expected %.17g (tolerance %g)", qPrintable(what), actual, expected, tolerance);
    return false;
}

#define QCOMPARE_NEAR(actual, expected, tolerance)                                                                     \
    QVERIFY(near((actual), (expected), (tolerance), QString::fromLatin1(#actual)))

bool weightsNear(const Eigen::VectorXd &actual, const Vector &expected, double tolerance)
{
    if (actual.size() != expected.size()) {
        qWarning("%d weights, expected %d", static_cast<int>(actual.size()), static_cast<int>(expected.size()));
        return false;
    }
    bool ok = true;
    for (qsizetype i = 0; i < expected.size(); ++i)
        ok = near(actual(i), expected[i], tolerance, QStringLiteral("weight %1").arg(i)) && ok;
    return ok;
}

/// Row-major square matrix from a flat list.
Eigen::MatrixXd matrix(const Vector &flat)
{
    const auto n = static_cast<Eigen::Index>(std::llround(std::sqrt(static_cast<double>(flat.size()))));
    Eigen::MatrixXd m(n, n);
    for (Eigen::Index r = 0; r < n; ++r) {
        for (Eigen::Index c = 0; c < n; ++c)
            m(r, c) = flat[r * n + c];
    }
    return m;
}

Eigen::VectorXd vector(const Vector &values)
{
    Eigen::VectorXd v(values.size());
    for (qsizetype i = 0; i < values.size(); ++i)
        v(i) = values[i];
    return v;
}

AllocationOptions options(Model model, double minWeight = 0.0, double maxWeight = 1.0, double riskFree = 0.0)
{
    AllocationOptions o;
    o.model = model;
    o.minWeight = minWeight;
    o.maxWeight = maxWeight;
    o.riskFreeRate = riskFree;
    return o;
}

template<typename T>
QString errorOf(const ballast::Result<T> &result)
{
    return result.ok() ? QString() : result.error().message;
}

bool sumsToOne(const Eigen::VectorXd &w)
{
    return near(w.sum(), 1.0, 1e-12, QStringLiteral("sum of weights"));
}

// Covariances used by several tests (annual).
const Vector kFour{.0225, .0030, .0150, .0225, //
                   .0030, .0400, .0350, .0240, //
                   .0150, .0350, .0625, .0600, //
                   .0225, .0240, .0600, .0900};
const Vector kFourMeans{0.08, 0.12, 0.15, 0.20};

/// Deterministic daily prices of three assets with distinct volatilities and
/// correlations and an upward drift of the first (no randomness, so the test
/// is reproducible everywhere).
Eigen::MatrixXd prices(int bars)
{
    Eigen::MatrixXd p(bars, 3);
    p.row(0) << 100.0, 50.0, 10.0;
    for (int t = 1; t < bars; ++t) {
        const double common = 0.01 * std::sin(0.7 * t);
        p(t, 0) = p(t - 1, 0) * (1.003 + common + 0.004 * std::cos(1.3 * t));
        p(t, 1) = p(t - 1, 1) * (1.0 + 0.5 * common + 0.015 * std::sin(2.1 * t + 0.3));
        p(t, 2) = p(t - 1, 2) * (1.0 - 0.8 * common + 0.03 * std::cos(0.9 * t + 1.0));
    }
    return p;
}

} // namespace

class TestAllocationModel : public QObject
{
    Q_OBJECT

private slots:
    // -- published results -------------------------------------------------

    // Maillard, Roncalli & Teiletche (2010), "The properties of equally
    // weighted risk contribution portfolios", and Roncalli's lecture notes.
    void publishedEqualRiskContribution_data()
    {
        QTest::addColumn<Vector>("covariance");
        QTest::addColumn<Vector>("expected");
        QTest::addColumn<double>("tolerance");
        QTest::newRow("diagonal") << Vector{.01, 0, 0, 0, 0, .04, 0, 0, 0, 0, .09, 0, 0, 0, 0, .16}
                                  << Vector{.48, .24, .16, .12} << 1e-6;
        QTest::newRow("two correlated blocks")
            << Vector{.01, .016, 0, 0, .016, .04, 0, 0, 0, 0, .09, -.06, 0, 0, -.06, .16}
            << Vector{0.38361, 0.19181, 0.24262, 0.18196} << 1e-5;
    }

    void publishedEqualRiskContribution()
    {
        QFETCH(Vector, covariance);
        QFETCH(Vector, expected);
        QFETCH(double, tolerance);
        const AllocationModel model(options(Model::EqualRiskContribution));
        const auto result = model.allocate(matrix(covariance));
        QVERIFY2(result.ok(), qPrintable(errorOf(result)));
        QVERIFY(weightsNear(result->weights, expected, tolerance));
        QVERIFY(sumsToOne(result->weights));
    }

    void publishedMinimumVariance_data()
    {
        QTest::addColumn<Vector>("covariance");
        QTest::addColumn<double>("minWeight");
        QTest::addColumn<Vector>("expected");
        QTest::addColumn<double>("tolerance");
        QTest::newRow("three assets, one at zero")
            << Vector{.0400, .0396, .0414, .0396, .0484, .0455, .0414, .0455, .0529} << 0.0
            << Vector{0.956522, 0.043478, 0.0} << 1e-6;
        QTest::newRow("four assets, two at zero") << kFour << 0.0 << Vector{0.65487, 0.34513, 0.0, 0.0} << 1e-5;
        QTest::newRow("four assets, minimum 10%") << kFour << 0.1 << Vector{0.56195, 0.23805, 0.1, 0.1} << 1e-5;
    }

    void publishedMinimumVariance()
    {
        QFETCH(Vector, covariance);
        QFETCH(double, minWeight);
        QFETCH(Vector, expected);
        QFETCH(double, tolerance);
        const AllocationModel model(options(Model::MinimumVariance, minWeight));
        const auto result = model.allocate(matrix(covariance));
        QVERIFY2(result.ok(), qPrintable(errorOf(result)));
        QVERIFY(weightsNear(result->weights, expected, tolerance));
        QVERIFY(sumsToOne(result->weights));
        QVERIFY(result->weights.minCoeff() >= minWeight - 1e-15);
    }

    void publishedMaximumSharpe()
    {
        const AllocationModel model(options(Model::MaximumSharpe, 0.0, 1.0, 0.0));
        const auto result = model.allocate(matrix({.05, .02, .02, .07}), vector({.05, .10}));
        QVERIFY2(result.ok(), qPrintable(errorOf(result)));
        QVERIFY(weightsNear(result->weights, {0.2727, 0.7273}, 1e-4));
        // The unconstrained tangency portfolio is 3/11, 8/11 exactly.
        QVERIFY(weightsNear(result->weights, {3.0 / 11.0, 8.0 / 11.0}, 1e-12));
    }

    void publishedMarketCap_data()
    {
        QTest::addColumn<Model>("model");
        QTest::addColumn<Vector>("expected");
        QTest::addColumn<double>("tolerance");
        QTest::newRow("square root") << Model::SqrtMarketCap << Vector{0.6962, 0.3038} << 1e-4;
        QTest::newRow("plain") << Model::MarketCap << Vector{0.84, 0.16} << 0.005; // published rounded to 1 %
    }

    void publishedMarketCap()
    {
        QFETCH(Model, model);
        QFETCH(Vector, expected);
        QFETCH(double, tolerance);
        AllocationOptions options;
        options.model = model;
        options.marketCaps = {137008021275.0, 26081172184.0}; // BTC, ETH
        const auto result = AllocationModel(options).allocate(2);
        QVERIFY2(result.ok(), qPrintable(errorOf(result)));
        QVERIFY(weightsNear(result->weights, expected, tolerance));
        QVERIFY(sumsToOne(result->weights));
    }

    // -- heuristic models ----------------------------------------------------

    void heuristics_data()
    {
        QTest::addColumn<Model>("model");
        QTest::addColumn<double>("minWeight");
        QTest::addColumn<double>("maxWeight");
        QTest::addColumn<Vector>("caps");
        QTest::addColumn<Vector>("expected");
        QTest::newRow("equal") << Model::Equal << 0.0 << 1.0 << Vector{} << Vector{.25, .25, .25, .25};
        QTest::newRow("equal, bounds slack") << Model::Equal << 0.1 << 0.3 << Vector{} << Vector{.25, .25, .25, .25};
        QTest::newRow("equal, all at the cap") << Model::Equal << 0.0 << 0.25 << Vector{} << Vector{.25, .25, .25, .25};
        // 70/20/5/5 capped at 50 %: the 20 % excess goes to the others 4:1:1.
        QTest::newRow("market cap, capped") << Model::MarketCap << 0.0 << 0.5 << Vector{70, 20, 5, 5}
                                            << Vector{.5, 20.0 / 30.0 * .5, 5.0 / 30.0 * .5, 5.0 / 30.0 * .5};
        // A 10 % floor lifts the small ones; the large ones give it up pro rata.
        QTest::newRow("market cap, floored") << Model::MarketCap << 0.1 << 1.0 << Vector{70, 20, 5, 5}
                                             << Vector{.8 * 70.0 / 90.0, .8 * 20.0 / 90.0, .1, .1};
        QTest::newRow("sqrt market cap") << Model::SqrtMarketCap << 0.0 << 1.0 << Vector{64, 16, 4, 16}
                                         << Vector{8.0 / 18, 4.0 / 18, 2.0 / 18, 4.0 / 18};
        // Both bounds bind: 64 capped at 40 %, 1 floored at 8 %, the rest 4:4.
        QTest::newRow("sqrt market cap, both bounds")
            << Model::SqrtMarketCap << 0.08 << 0.4 << Vector{64, 16, 1, 16} << Vector{.4, .26, .08, .26};
    }

    void heuristics()
    {
        QFETCH(Model, model);
        QFETCH(double, minWeight);
        QFETCH(double, maxWeight);
        QFETCH(Vector, caps);
        QFETCH(Vector, expected);
        AllocationOptions options;
        options.model = model;
        options.minWeight = minWeight;
        options.maxWeight = maxWeight;
        options.marketCaps.assign(caps.begin(), caps.end());
        const auto result = AllocationModel(options).allocate(4);
        QVERIFY2(result.ok(), qPrintable(errorOf(result)));
        QVERIFY(weightsNear(result->weights, expected, 1e-12));
        QVERIFY(sumsToOne(result->weights));
        QVERIFY(result->weights.minCoeff() >= minWeight - 1e-15);
        QVERIFY(result->weights.maxCoeff() <= maxWeight + 1e-15);
        QVERIFY(!result->volatility); // no covariance given
    }

    void inverseVolatility()
    {
        // Weights proportional to 1 / sigma; correlations play no part.
        const auto cov = matrix({.04, .01, 0, .01, .09, .02, 0, .02, .16});
        const auto result = AllocationModel(options(Model::InverseVolatility)).allocate(cov);
        QVERIFY2(result.ok(), qPrintable(errorOf(result)));
        const double total = 1 / .2 + 1 / .3 + 1 / .4;
        QVERIFY(weightsNear(result->weights, {5 / total, (1 / .3) / total, 2.5 / total}, 1e-14));
        QVERIFY(result->volatility.has_value());
        QCOMPARE_NEAR(*result->volatility, std::sqrt(result->weights.dot(cov * result->weights)), 1e-15);
        QCOMPARE_NEAR(result->riskContributions.sum(), 1.0, 1e-14);
    }

    void coreSatellite_data()
    {
        QTest::addColumn<Model>("coreModel");
        QTest::addColumn<double>("maxWeight");
        QTest::addColumn<Vector>("expected");
        // Core BTC + ETH (caps 600 : 400) holds 70 %; three satellites share 30 %.
        QTest::newRow("equal core") << Model::Equal << 1.0 << Vector{.35, .35, .1, .1, .1};
        QTest::newRow("market-cap core") << Model::MarketCap << 1.0 << Vector{.42, .28, .1, .1, .1};
        QTest::newRow("sqrt-cap core") << Model::SqrtMarketCap << 1.0
                                       << Vector{.7 * std::sqrt(600.0) / (std::sqrt(600.0) + 20),
                                                 .7 * 20 / (std::sqrt(600.0) + 20), .1, .1, .1};
        // Capping BTC at 40 % moves 2 % to the others in proportion.
        QTest::newRow("market-cap core, capped")
            << Model::MarketCap << 0.4 << Vector{.4, .28 * 60 / 58, .1 * 60 / 58, .1 * 60 / 58, .1 * 60 / 58};
    }

    void coreSatellite()
    {
        QFETCH(Model, coreModel);
        QFETCH(double, maxWeight);
        QFETCH(Vector, expected);
        AllocationOptions options;
        options.model = Model::CoreSatellite;
        options.coreAssets = {0, 1};
        options.coreShare = 0.7;
        options.coreModel = coreModel;
        options.maxWeight = maxWeight;
        options.marketCaps = {600, 400, 50, 30, 1};
        const auto result = AllocationModel(options).allocate(5);
        QVERIFY2(result.ok(), qPrintable(errorOf(result)));
        QVERIFY(weightsNear(result->weights, expected, 1e-12));
        QVERIFY(sumsToOne(result->weights));
    }

    void fixedWeights()
    {
        AllocationOptions options;
        options.model = Model::Fixed;
        options.fixedWeights = {0.6, 0.3, 0.1};
        const auto result = AllocationModel(options).allocate(3);
        QVERIFY2(result.ok(), qPrintable(errorOf(result)));
        QVERIFY(weightsNear(result->weights, {0.6, 0.3, 0.1}, 1e-15));
    }

    // -- optimisers: own cases, expected weights from an independent Python
    // solver that enumerates active sets exactly --------------------------

    void boundedMinimumVariance_data()
    {
        QTest::addColumn<double>("minWeight");
        QTest::addColumn<double>("maxWeight");
        QTest::addColumn<Vector>("expected");
        QTest::newRow("cap 50%") << 0.0 << 0.5 << Vector{0.5, 0.5, 0.0, 0.0};
        QTest::newRow("5% to 40%") << 0.05 << 0.4 << Vector{0.4, 0.4, 0.14153846153846125, 0.05846153846153861};
    }

    void boundedMinimumVariance()
    {
        QFETCH(double, minWeight);
        QFETCH(double, maxWeight);
        QFETCH(Vector, expected);
        const AllocationModel model(options(Model::MinimumVariance, minWeight, maxWeight));
        const auto result = model.allocate(matrix(kFour));
        QVERIFY2(result.ok(), qPrintable(errorOf(result)));
        QVERIFY(weightsNear(result->weights, expected, 1e-12));
        QVERIFY(sumsToOne(result->weights));
        QVERIFY(result->weights.minCoeff() >= minWeight - 1e-15); // respected
        QVERIFY(result->weights.maxCoeff() <= maxWeight + 1e-15);
        QCOMPARE_NEAR(result->weights.maxCoeff(), maxWeight, 1e-15); // and binding
    }

    void perAssetBounds()
    {
        AllocationOptions options;
        options.model = Model::MinimumVariance;
        options.minWeights = {0.0, 0.0, 0.2, 0.0};
        options.maxWeights = {0.5, 1.0, 1.0, 1.0};
        const auto result = AllocationModel(options).allocate(matrix(kFour));
        QVERIFY2(result.ok(), qPrintable(errorOf(result)));
        QCOMPARE_NEAR(result->weights(0), 0.5, 1e-15);
        QCOMPARE_NEAR(result->weights(2), 0.2, 1e-15);
        QVERIFY(sumsToOne(result->weights));
        QVERIFY(result->weights.minCoeff() >= 0.0);
    }

    void meanVarianceTargetReturn_data()
    {
        QTest::addColumn<double>("target");
        QTest::addColumn<double>("maxWeight");
        QTest::addColumn<Vector>("expected");
        QTest::newRow("13%") << 0.13 << 1.0 << Vector{0.315, 0.4025, 0.0, 0.2825};
        QTest::newRow("16%, cap 60%") << 0.16 << 0.6 << Vector{0.06, 0.41, 0.0, 0.53};
        QTest::newRow("the maximum, 20%") << 0.20 << 1.0 << Vector{0, 0, 0, 1};
    }

    void meanVarianceTargetReturn()
    {
        QFETCH(double, target);
        QFETCH(double, maxWeight);
        QFETCH(Vector, expected);
        AllocationOptions options;
        options.model = Model::MeanVariance;
        options.maxWeight = maxWeight;
        options.targetReturn = target;
        const auto result = AllocationModel(options).allocate(matrix(kFour), vector(kFourMeans));
        QVERIFY2(result.ok(), qPrintable(errorOf(result)));
        QVERIFY(weightsNear(result->weights, expected, 1e-12));
        QCOMPARE_NEAR(*result->expectedReturn, target, 1e-14); // hit exactly
        QVERIFY(sumsToOne(result->weights));
    }

    void meanVarianceTargetVolatility_data()
    {
        QTest::addColumn<double>("target");
        QTest::addColumn<Vector>("expected");
        QTest::newRow("20%") << 0.20 << Vector{0.10882932968875719, 0.40856384324444783, 0.0, 0.4826068270667947};
        QTest::newRow("the minimum") << 0.12557830825594354 << Vector{0.6548672566371683, 0.34513274336283184, 0, 0};
        QTest::newRow("the maximum") << 0.3 << Vector{0, 0, 0, 1};
    }

    void meanVarianceTargetVolatility()
    {
        QFETCH(double, target);
        QFETCH(Vector, expected);
        AllocationOptions options;
        options.model = Model::MeanVariance;
        options.targetVolatility = target;
        const auto result = AllocationModel(options).allocate(matrix(kFour), vector(kFourMeans));
        QVERIFY2(result.ok(), qPrintable(errorOf(result)));
        QCOMPARE_NEAR(*result->volatility, target, 1e-12); // hit exactly
        QVERIFY(weightsNear(result->weights, expected, 1e-9));
        QVERIFY(sumsToOne(result->weights));
    }

    void maximumSharpe_data()
    {
        QTest::addColumn<double>("minWeight");
        QTest::addColumn<double>("maxWeight");
        QTest::addColumn<Vector>("expected");
        QTest::newRow("long-only") << 0.0 << 1.0
                                   << Vector{0.28852459016393417, 0.40327868852459015, 0.0, 0.3081967213114755};
        QTest::newRow("cap 40%") << 0.0 << 0.4
                                 << Vector{0.29082969432314415, 0.39999999999999986, 0.0, 0.30917030567685616};
        QTest::newRow("floor 10%") << 0.1 << 1.0
                                   << Vector{0.263470568801482, 0.35303517934897544, 0.1, 0.2834942518495427};
    }

    void maximumSharpe()
    {
        QFETCH(double, minWeight);
        QFETCH(double, maxWeight);
        QFETCH(Vector, expected);
        const AllocationModel model(options(Model::MaximumSharpe, minWeight, maxWeight, 0.02));
        const auto cov = matrix(kFour);
        const auto means = vector(kFourMeans);
        const auto result = model.allocate(cov, means);
        QVERIFY2(result.ok(), qPrintable(errorOf(result)));
        QVERIFY(weightsNear(result->weights, expected, 1e-12));
        QVERIFY(sumsToOne(result->weights));
        // No feasible neighbour does better.
        const double best = *result->sharpe;
        for (Eigen::Index i = 0; i < 4; ++i) {
            for (Eigen::Index j = 0; j < 4; ++j) {
                Eigen::VectorXd w = result->weights;
                w(i) += 1e-3;
                w(j) -= 1e-3;
                if (i == j || w(j) < minWeight || w(i) > maxWeight)
                    continue;
                QVERIFY(((means.dot(w) - 0.02) / std::sqrt(w.dot(cov * w))) <= best + 1e-15);
            }
        }
    }

    // -- risk parity ----------------------------------------------------------

    void equalRiskContributions_data()
    {
        QTest::addColumn<Vector>("covariance");
        QTest::addColumn<Vector>("budgets");
        QTest::newRow("four, correlated") << kFour << Vector{};
        QTest::newRow("three, with a negative correlation")
            << Vector{.04, -.012, .006, -.012, .09, .0135, .006, .0135, .0225} << Vector{};
        QTest::newRow("budgets 50/30/20")
            << Vector{.04, -.012, .006, -.012, .09, .0135, .006, .0135, .0225} << Vector{.5, .3, .2};
        QTest::newRow("daily scale") << Vector{4e-4, 1e-4, 1e-4, 9e-4} << Vector{};
    }

    void equalRiskContributions()
    {
        QFETCH(Vector, covariance);
        QFETCH(Vector, budgets);
        AllocationOptions options;
        options.model = Model::EqualRiskContribution;
        options.riskBudgets.assign(budgets.begin(), budgets.end());
        const auto cov = matrix(covariance);
        const auto result = AllocationModel(options).allocate(cov);
        QVERIFY2(result.ok(), qPrintable(errorOf(result)));
        QVERIFY(sumsToOne(result->weights));
        // w_i (S w)_i are all equal (or in proportion to the budgets).
        const Eigen::VectorXd w = result->weights;
        const Eigen::VectorXd rc = w.cwiseProduct(cov * w);
        const double variance = w.dot(cov * w);
        for (Eigen::Index i = 0; i < w.size(); ++i) {
            const double budget = budgets.isEmpty() ? 1.0 / static_cast<double>(w.size()) : budgets[i];
            QCOMPARE_NEAR(rc(i) / variance, budget, 1e-10);
            QCOMPARE_NEAR(result->riskContributions(i), budget, 1e-10);
        }
    }

    // Capping the low-volatility asset at 40 %: the other three keep equal risk
    // contributions among themselves (Richard & Roncalli's constrained risk parity).
    void equalRiskContributionWithBounds()
    {
        const AllocationModel model(options(Model::EqualRiskContribution, 0.0, 0.4));
        const auto result = model.allocate(matrix({.01, 0, 0, 0, 0, .04, 0, 0, 0, 0, .09, 0, 0, 0, 0, .16}));
        QVERIFY2(result.ok(), qPrintable(errorOf(result)));
        const double rest = 5 + 1 / .3 + 2.5;
        QVERIFY(weightsNear(result->weights, {0.4, 0.6 * 5 / rest, 0.6 / .3 / rest, 0.6 * 2.5 / rest}, 1e-10));
        QVERIFY(result->weights.maxCoeff() <= 0.4 + 1e-15);
        QCOMPARE_NEAR(result->riskContributions(1), result->riskContributions(2), 1e-10);
        QCOMPARE_NEAR(result->riskContributions(2), result->riskContributions(3), 1e-10);
        QVERIFY(result->riskContributions(0) < result->riskContributions(1));
    }

    // -- estimation from prices ------------------------------------------------

    void estimateFromPrices_data()
    {
        QTest::addColumn<int>("window");
        QTest::addColumn<ReturnType>("returnType");
        QTest::newRow("all bars, simple") << 0 << ReturnType::Simple;
        QTest::newRow("last 30 bars, simple") << 30 << ReturnType::Simple;
        QTest::newRow("last 45 bars, log") << 45 << ReturnType::Log;
    }

    void estimateFromPrices()
    {
        QFETCH(int, window);
        QFETCH(ReturnType, returnType);
        const Eigen::MatrixXd p = prices(60);
        const EstimationOptions estimation{window, returnType, 365.0};
        const auto inputs = AllocationModel::estimate(p, estimation);
        QVERIFY2(inputs.ok(), qPrintable(errorOf(inputs)));

        // Independently: daily returns of the window, sample covariance (n - 1) x 365.
        const int first = window == 0 ? 0 : 60 - window;
        const int count = 60 - first - 1;
        QCOMPARE(inputs->observations, count);
        double r[3][60];
        double mean[3] = {0, 0, 0};
        for (int a = 0; a < 3; ++a) {
            for (int t = 0; t < count; ++t) {
                const double ratio = p(first + t + 1, a) / p(first + t, a);
                r[a][t] = returnType == ReturnType::Simple ? ratio - 1 : std::log(ratio);
                mean[a] += r[a][t] / count;
            }
        }
        for (int a = 0; a < 3; ++a) {
            QCOMPARE_NEAR(inputs->means(a), mean[a] * 365, 1e-13);
            for (int b = 0; b < 3; ++b) {
                double sum = 0;
                for (int t = 0; t < count; ++t)
                    sum += (r[a][t] - mean[a]) * (r[b][t] - mean[b]);
                QCOMPARE_NEAR(inputs->covariance(a, b), sum / (count - 1) * 365, 1e-14);
            }
        }

        // Every covariance model gives the same answer from prices as from the covariance.
        for (Model model :
             {Model::MinimumVariance, Model::EqualRiskContribution, Model::InverseVolatility, Model::MaximumSharpe}) {
            const AllocationModel allocator(options(model));
            const auto fromPrices = allocator.allocateFromPrices(p, estimation);
            const auto fromCovariance = allocator.allocate(inputs->covariance, inputs->means);
            QVERIFY2(fromPrices.ok(), qPrintable(errorOf(fromPrices)));
            QVERIFY2(fromCovariance.ok(), qPrintable(errorOf(fromCovariance)));
            QVERIFY((fromPrices->weights - fromCovariance->weights).cwiseAbs().maxCoeff() < 1e-15);
        }
    }

    // -- errors ------------------------------------------------------------------

    void errors_data()
    {
        QTest::addColumn<int>("which");
        QTest::addColumn<QString>("code");
        QTest::addColumn<QString>("fragment");
        QTest::newRow("minimum weights above 100%")
            << 0 << QStringLiteral("allocation.bounds") << QStringLiteral("minimum weights sum to 120");
        QTest::newRow("maximum weights below 100%")
            << 1 << QStringLiteral("allocation.bounds") << QStringLiteral("maximum weights sum to 80");
        QTest::newRow("min above max") << 2 << QStringLiteral("allocation.bounds")
                                       << QStringLiteral("below its minimum");
        QTest::newRow("negative minimum") << 3 << QStringLiteral("allocation.bounds") << QStringLiteral("long-only");
        QTest::newRow("means of the wrong size")
            << 4 << QStringLiteral("allocation.input") << QStringLiteral("2 expected returns given for 4 assets");
        QTest::newRow("non-square covariance") << 5 << QStringLiteral("allocation.input") << QStringLiteral("square");
        QTest::newRow("singular covariance")
            << 6 << QStringLiteral("allocation.singular") << QStringLiteral("singular");
        QTest::newRow("target return too high")
            << 7 << QStringLiteral("allocation.target") << QStringLiteral("above the maximum achievable 20.0000%");
        QTest::newRow("target volatility too low")
            << 8 << QStringLiteral("allocation.target") << QStringLiteral("below the minimum achievable");
        QTest::newRow("target volatility too high")
            << 9 << QStringLiteral("allocation.target") << QStringLiteral("above 30.0000%");
        QTest::newRow("nothing beats the risk-free rate")
            << 10 << QStringLiteral("allocation.target") << QStringLiteral("risk-free");
        QTest::newRow("fixed weights not summing to 1")
            << 11 << QStringLiteral("allocation.input") << QStringLiteral("sum to 90");
        QTest::newRow("market caps missing")
            << 12 << QStringLiteral("allocation.input") << QStringLiteral("0 market caps given for 4 assets");
        QTest::newRow("covariance model without covariance")
            << 13 << QStringLiteral("allocation.input") << QStringLiteral("needs a covariance matrix");
        QTest::newRow("core index out of range")
            << 14 << QStringLiteral("allocation.input") << QStringLiteral("out of range");
        QTest::newRow("both mean-variance targets")
            << 15 << QStringLiteral("allocation.input") << QStringLiteral("exactly one");
        QTest::newRow("fewer bars than assets")
            << 16 << QStringLiteral("allocation.singular") << QStringLiteral("singular");
        QTest::newRow("non-positive price")
            << 17 << QStringLiteral("allocation.input") << QStringLiteral("not positive");
        QTest::newRow("window longer than history")
            << 18 << QStringLiteral("allocation.input") << QStringLiteral("does not fit");
        QTest::newRow("named asset in message")
            << 19 << QStringLiteral("allocation.bounds") << QStringLiteral("of ETH is below");
        QTest::newRow("risk parity with a hedged minimum weight")
            << 21 << QStringLiteral("allocation.bounds") << QStringLiteral("cannot meet the minimum weights");
        QTest::newRow("unknown model") << 20 << QStringLiteral("allocation.input")
                                       << QStringLiteral("unknown allocation model");
    }

    void errors()
    {
        QFETCH(int, which);
        QFETCH(QString, code);
        QFETCH(QString, fragment);
        const auto cov = matrix(kFour);
        const auto means = vector(kFourMeans);
        AllocationOptions o;
        ballast::Result<Allocation> result = ballast::makeError(QString(), QString());
        switch (which) {
        case 0:
            o = options(Model::MinimumVariance, 0.3);
            result = AllocationModel(o).allocate(cov);
            break;
        case 1:
            o = options(Model::Equal, 0.0, 0.2);
            result = AllocationModel(o).allocate(4);
            break;
        case 2:
            o.minWeights = {0, 0, 0.3, 0};
            o.maxWeights = {1, 1, 0.2, 1};
            result = AllocationModel(o).allocate(4);
            break;
        case 3:
            o.minWeights = {0, -0.1, 0, 0};
            result = AllocationModel(o).allocate(4);
            break;
        case 4:
            o.model = Model::MaximumSharpe;
            result = AllocationModel(o).allocate(cov, vector({0.1, 0.2}));
            break;
        case 5:
            o.model = Model::MinimumVariance;
            result = AllocationModel(o).allocate(Eigen::MatrixXd::Identity(4, 3));
            break;
        case 6: {
            Eigen::MatrixXd twin = cov;
            twin.row(3) = twin.row(0);
            twin.col(3) = twin.col(0); // asset 3 duplicates asset 0
            o.model = Model::MinimumVariance;
            result = AllocationModel(o).allocate(twin);
            break;
        }
        case 7:
            o.model = Model::MeanVariance;
            o.targetReturn = 0.25;
            result = AllocationModel(o).allocate(cov, means);
            break;
        case 8:
            o.model = Model::MeanVariance;
            o.targetVolatility = 0.1;
            result = AllocationModel(o).allocate(cov, means);
            break;
        case 9:
            o.model = Model::MeanVariance;
            o.targetVolatility = 0.31;
            result = AllocationModel(o).allocate(cov, means);
            break;
        case 10:
            o.model = Model::MaximumSharpe;
            o.riskFreeRate = 0.25;
            result = AllocationModel(o).allocate(cov, means);
            break;
        case 11:
            o.model = Model::Fixed;
            o.fixedWeights = {0.3, 0.3, 0.2, 0.1};
            result = AllocationModel(o).allocate(4);
            break;
        case 12:
            o.model = Model::MarketCap;
            result = AllocationModel(o).allocate(4);
            break;
        case 13:
            o.model = Model::EqualRiskContribution;
            result = AllocationModel(o).allocate(4);
            break;
        case 14:
            o.model = Model::CoreSatellite;
            o.coreAssets = {0, 4};
            result = AllocationModel(o).allocate(4);
            break;
        case 15:
            o.model = Model::MeanVariance;
            o.targetReturn = 0.1;
            o.targetVolatility = 0.2;
            result = AllocationModel(o).allocate(cov, means);
            break;
        case 16: {
            // Three assets, three bars: two returns cannot span three dimensions.
            Eigen::MatrixXd p(3, 3);
            p << 1, 2, 3, 1.1, 2.1, 2.9, 1.05, 2.3, 3.1;
            o.model = Model::MinimumVariance;
            result = AllocationModel(o).allocateFromPrices(p);
            break;
        }
        case 17: {
            Eigen::MatrixXd p = prices(10);
            p(4, 1) = 0.0;
            o.model = Model::MinimumVariance;
            result = AllocationModel(o).allocateFromPrices(p);
            break;
        }
        case 18:
            o.model = Model::MinimumVariance;
            result = AllocationModel(o).allocateFromPrices(prices(10), {20, ReturnType::Simple, 365.0});
            break;
        case 19:
            o.assets = {QStringLiteral("BTC"), QStringLiteral("ETH")};
            o.minWeights = {0, 0.5};
            o.maxWeights = {1, 0.4};
            result = AllocationModel(o).allocate(2);
            break;
        case 21: {
            // Assets 1 and 2 hedge asset 0: held at a 20 % minimum, asset 0 makes
            // even the least risky point of the box hold more than 100 %.
            o = options(Model::EqualRiskContribution, 0.2);
            result = AllocationModel(o).allocate(
                matrix({42.1e-6, -4.79e-6, -3.05e-6, -4.79e-6, 2.64e-6, -3.29e-6, -3.05e-6, -3.29e-6, 9.08e-6}));
            break;
        }
        case 20: {
            const auto parsed = ballast::allocation::modelFromString(QStringLiteral("magic"));
            QVERIFY(!parsed.ok());
            QCOMPARE(parsed.error().code, code);
            QVERIFY2(parsed.error().message.contains(fragment), qPrintable(parsed.error().message));
            return;
        }
        }
        QVERIFY(!result.ok());
        QCOMPARE(result.error().code, code);
        QVERIFY2(result.error().message.contains(fragment), qPrintable(result.error().message));
    }

    void modelNamesRoundTrip()
    {
        for (Model model : {Model::Fixed, Model::Equal, Model::MarketCap, Model::SqrtMarketCap, Model::CoreSatellite,
                            Model::InverseVolatility, Model::EqualRiskContribution, Model::MinimumVariance,
                            Model::MaximumSharpe, Model::MeanVariance}) {
            const auto parsed = ballast::allocation::modelFromString(toString(model));
            QVERIFY(parsed.ok());
            QCOMPARE(toString(*parsed), toString(model));
        }
        QCOMPARE(toString(*ballast::allocation::modelFromString(QStringLiteral(" Risk-Parity "))),
                 toString(Model::EqualRiskContribution));
    }
};

QTEST_GUILESS_MAIN(TestAllocationModel)
#include "tst_allocationmodel.moc"
