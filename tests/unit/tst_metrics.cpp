#include "analytics/metrics.h"
#include "analytics/returns.h"

#include <QTest>

#include <cmath>
#include <limits>

using ballast::analytics::EquityPoint;
using ballast::analytics::Metrics;
using ballast::analytics::Returns;

namespace {

constexpr qint64 kDayMs = 86400000;

/// Relative comparison (absolute below 1) that prints both numbers in full.
bool near(double actual, double expected, double tolerance, const char *what)
{
    if (std::abs(actual - expected) <= tolerance * std::max(1.0, std::abs(expected)))
        return true;
    qWarning("%s: actual %.17g, expected %.17g (tolerance %g)", what, actual, expected, tolerance);
    return false;
}

#define QCOMPARE_NEAR(actual, expected, tolerance) QVERIFY(near((actual), (expected), (tolerance), #actual))

/// Points every 1 / barsPerDay days from the epoch.
std::vector<EquityPoint> curve(const QList<double> &values, double barsPerDay = 1.0)
{
    std::vector<EquityPoint> points;
    for (qsizetype i = 0; i < values.size(); ++i)
        points.push_back({static_cast<qint64>(std::llround(static_cast<double>(i) * kDayMs / barsPerDay)), values[i]});
    return points;
}

} // namespace

class TestMetrics : public QObject
{
    Q_OBJECT

private slots:
    void returns()
    {
        const std::vector<double> values{100, 110, 99, 0, 50};
        const auto simple = Returns::simple(values);
        QCOMPARE(simple.size(), std::size_t(4));
        QCOMPARE_NEAR(simple[0], 0.1, 1e-15);
        QCOMPARE_NEAR(simple[1], -0.1, 1e-15);
        QCOMPARE(simple[2], -1.0);
        QVERIFY(std::isnan(simple[3])); // from a zero value: undefined, not infinite
        const auto logs = Returns::log(values);
        QCOMPARE_NEAR(logs[0], std::log(1.1), 1e-15);
        QVERIFY(std::isnan(logs[2]));
        QVERIFY(Returns::simple(std::vector<double>{1.0}).empty());
        QCOMPARE(Returns::periodsPerYear(1), 365.0);
        QCOMPARE(Returns::periodsPerYear(24), 8760.0);
    }

    // Steiner's example curve: the drop from 140 to 70 is the deepest.
    void steinerMaximumDrawdown()
    {
        const QList<double> values{60, 40, 80, 140, 100, 90, 110, 70, 100, 130, 110, 120, 90, 150, 120, 130};
        QCOMPARE(Metrics::maxDrawdown(std::vector<double>(values.begin(), values.end())), 0.5);
        const auto points = curve(values);
        const auto result = Metrics::compute(points, 1.0);
        QCOMPARE(result.maxDrawdown, 0.5);
        QCOMPARE(result.peakTimeMs, std::optional<qint64>(3 * kDayMs));
        QCOMPARE(result.troughTimeMs, std::optional<qint64>(7 * kDayMs));
        QCOMPARE(result.recoveryTimeMs, std::optional<qint64>(13 * kDayMs)); // 150 >= 140
        const auto series = Metrics::drawdownSeries(points);
        QCOMPARE(series.size(), std::size_t(16));
        QCOMPARE(series[0].drawdown, 0.0);
        QCOMPARE_NEAR(series[1].drawdown, 1.0 / 3.0, 1e-15);
        QCOMPARE(series[7].drawdown, 0.5);
        QCOMPARE(series[7].timeMs, 7 * kDayMs);
        QCOMPARE(series[13].drawdown, 0.0);
        QCOMPARE_NEAR(series[15].drawdown, 1.0 - 130.0 / 150.0, 1e-15);
    }

    void drawdownWithoutRecovery()
    {
        const auto result = Metrics::compute(curve({100, 120, 90, 100}), 1.0);
        QCOMPARE(result.maxDrawdown, 0.25);
        QCOMPARE(result.peakTimeMs, std::optional<qint64>(kDayMs));
        QCOMPARE(result.troughTimeMs, std::optional<qint64>(2 * kDayMs));
        QVERIFY(!result.recoveryTimeMs);
    }

    void cagr_data()
    {
        QTest::addColumn<double>("start");
        QTest::addColumn<double>("end");
        QTest::addColumn<double>("days");
        QTest::addColumn<double>("expected");
        QTest::newRow("double in 365 days") << 100.0 << 200.0 << 365.0 << 1.0;
        QTest::newRow("double in 730 days") << 100.0 << 200.0 << 730.0 << std::sqrt(2.0) - 1.0;
        QTest::newRow("halve in 365 days") << 100.0 << 50.0 << 365.0 << -0.5;
        QTest::newRow("triple in 1095 days") << 10.0 << 30.0 << 1095.0 << std::cbrt(3.0) - 1.0;
        QTest::newRow("+10% in half a year") << 100.0 << 110.0 << 182.5 << 0.21;
        QTest::newRow("flat") << 100.0 << 100.0 << 90.0 << 0.0;
    }

    void cagr()
    {
        QFETCH(double, start);
        QFETCH(double, end);
        QFETCH(double, days);
        QFETCH(double, expected);
        const std::vector<EquityPoint> points{{0, start}, {static_cast<qint64>(days * kDayMs), end}};
        const auto result = Metrics::compute(points, 1.0);
        QCOMPARE_NEAR(result.cagr, expected, 1e-12);
        QCOMPARE_NEAR(result.days, days, 1e-12);
        QCOMPARE_NEAR(result.totalReturn, end / start - 1.0, 1e-15);
    }

    // Expected values computed independently in Python (pure floats, sample
    // standard deviation n - 1, rf / periods per year, downside deviation over
    // all returns against 0).
    void riskAndRatios_data()
    {
        QTest::addColumn<QList<double>>("values");
        QTest::addColumn<double>("barsPerDay");
        QTest::addColumn<double>("riskFree");
        QTest::addColumn<double>("volatility");
        QTest::addColumn<double>("sharpe");
        QTest::addColumn<double>("sortino");
        QTest::addColumn<double>("cagr");
        QTest::addColumn<double>("maxDrawdown");
        QTest::addColumn<double>("calmar");
        const QList<double> daily{100, 102, 99, 105, 103, 108};
        QTest::newRow("daily, rf 0") << daily << 1.0 << 0.0 << 0.7615231889075553 << 7.735019519333671
                                     << 19.674696296136375 << 274.3811127911136 << 0.02941176470588236
                                     << 9328.95783489786;
        QTest::newRow("daily, rf 5%") << daily << 1.0 << 0.05 << 0.7615231889075553 << 7.669361636910252
                                      << 19.507689749753478 << 274.3811127911136 << 0.02941176470588236
                                      << 9328.95783489786;
        QTest::newRow("hourly") << QList<double>{100, 101, 100.5, 102, 101, 103, 104, 103.5} << 24.0 << 0.0
                                << 1.0665578587841151 << 40.91882822248051 << 102.90073992656129
                                << 4.974856958232062e+18 << 0.009803921568627416 << 5.074354097396721e+20;
        QTest::newRow("losing, rf 2%") << QList<double>{100, 90, 95, 85, 80, 82} << 1.0 << 0.02 << 1.4011653138167688
                                       << -9.576152425061892 << -10.024828235556944 << -0.999999489011385
                                       << 0.19999999999999996 << -4.999997445056926;
    }

    void riskAndRatios()
    {
        QFETCH(QList<double>, values);
        QFETCH(double, barsPerDay);
        QFETCH(double, riskFree);
        QFETCH(double, volatility);
        QFETCH(double, sharpe);
        QFETCH(double, sortino);
        QFETCH(double, cagr);
        QFETCH(double, maxDrawdown);
        QFETCH(double, calmar);
        const auto result = Metrics::compute(curve(values, barsPerDay), barsPerDay, riskFree);
        QCOMPARE(result.points, static_cast<int>(values.size()));
        QCOMPARE(result.periodsPerYear, 365.0 * barsPerDay);
        QCOMPARE_NEAR(result.volatility, volatility, 1e-12);
        QCOMPARE_NEAR(result.sharpe, sharpe, 1e-12);
        QCOMPARE_NEAR(result.sortino, sortino, 1e-12);
        // The hourly row's times are rounded to whole milliseconds, hence 1e-9.
        QCOMPARE_NEAR(result.cagr, cagr, 1e-9);
        QCOMPARE_NEAR(result.maxDrawdown, maxDrawdown, 1e-14);
        QCOMPARE_NEAR(result.calmar, calmar, 1e-9);
    }

    void edgeCases_data()
    {
        QTest::addColumn<QList<double>>("values");
        QTest::addColumn<double>("volatility");
        QTest::addColumn<double>("cagr");
        QTest::newRow("empty") << QList<double>{} << 0.0 << 0.0;
        QTest::newRow("one point") << QList<double>{100} << 0.0 << 0.0;
        QTest::newRow("two points: one return, no dispersion")
            << QList<double>{100, 110} << 0.0 << std::pow(1.1, 365.0) - 1.0;
        QTest::newRow("flat") << QList<double>{100, 100, 100, 100} << 0.0 << 0.0;
        QTest::newRow("constant growth") << QList<double>{100, 101, 102.01, 103.0301} << 0.0
                                         << std::pow(1.01, 365.0) - 1.0;
    }

    // Degenerate curves give 0 for the undefined ratios, never a crash or an infinity.
    void edgeCases()
    {
        QFETCH(QList<double>, values);
        QFETCH(double, volatility);
        QFETCH(double, cagr);
        const auto result = Metrics::compute(curve(values), 1.0, 0.03);
        QCOMPARE_NEAR(result.volatility, volatility, 1e-12);
        QCOMPARE_NEAR(result.cagr, cagr, 1e-9);
        QCOMPARE(result.sharpe, 0.0);
        QCOMPARE(result.sortino, 0.0);
        QCOMPARE(result.maxDrawdown, 0.0);
        QCOMPARE(result.calmar, 0.0);
        QVERIFY(!result.peakTimeMs);
        QVERIFY(!result.troughTimeMs);
        QVERIFY(!result.recoveryTimeMs);
    }

    void sameTimestampGivesZeroCagr()
    {
        const std::vector<EquityPoint> points{{1000, 100}, {1000, 120}};
        const auto result = Metrics::compute(points, 1.0);
        QCOMPARE(result.cagr, 0.0);
        QCOMPARE_NEAR(result.totalReturn, 0.2, 1e-15);
    }

    void invalidValuesPropagateNaN()
    {
        const auto zeroStart = Metrics::compute(curve({0, 10, 20}), 1.0);
        QVERIFY(std::isnan(zeroStart.totalReturn));
        QVERIFY(std::isnan(zeroStart.cagr));
        QVERIFY(std::isnan(zeroStart.volatility));
        const auto withNaN = Metrics::compute(curve({100, std::numeric_limits<double>::quiet_NaN(), 90}), 1.0);
        QVERIFY(std::isnan(withNaN.maxDrawdown));
        QVERIFY(std::isnan(withNaN.sharpe));
    }

    void noLosingBarGivesZeroSortino()
    {
        const auto result = Metrics::compute(curve({100, 101, 103, 104}), 1.0);
        QVERIFY(result.sharpe > 0.0);
        QCOMPARE(result.downsideDeviation, 0.0);
        QCOMPARE(result.sortino, 0.0);
    }
};

QTEST_GUILESS_MAIN(TestMetrics)
#include "tst_metrics.moc"
