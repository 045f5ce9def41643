#include "analytics/covariance.h"

#include <QTest>

#include <cmath>
#include <limits>

using ballast::analytics::Covariance;

namespace {

/// Relative comparison (absolute below 1) that prints both numbers in full.
bool near(double actual, double expected, double tolerance, const char *what)
{
    if (std::abs(actual - expected) <= tolerance * std::max(1.0, std::abs(expected)))
        return true;
    qWarning("%s: actual %.17g, expected %.17g (tolerance %g)", what, actual, expected, tolerance);
    return false;
}

#define QCOMPARE_NEAR(actual, expected, tolerance) QVERIFY(near((actual), (expected), (tolerance), #actual))

// Five daily returns of three assets; expected moments computed independently
// in Python (pure floats).
Eigen::MatrixXd sampleReturns()
{
    Eigen::MatrixXd r(5, 3);
    r << 0.01, 0.02, -0.01, //
        -0.02, 0.01, 0.03, //
        0.015, -0.005, 0.0, //
        0.005, 0.02, -0.02, //
        -0.01, 0.0, 0.01;
    return r;
}

/// The message of a failed result; empty (and no exception) when it succeeded.
template<typename T>
QString errorOf(const ballast::Result<T> &result)
{
    return result.ok() ? QString() : result.error().message;
}

} // namespace

class TestCovariance : public QObject
{
    Q_OBJECT

private slots:
    void sampleCovarianceAnnualised_data()
    {
        QTest::addColumn<int>("row");
        QTest::addColumn<int>("column");
        QTest::addColumn<double>("expected");
        QTest::newRow("var 0") << 0 << 0 << 0.07756249999999999;
        QTest::newRow("cov 0,1") << 0 << 1 << 0.002281250000000001;
        QTest::newRow("cov 0,2") << 0 << 2 << -0.082125;
        QTest::newRow("var 1") << 1 << 1 << 0.04745;
        QTest::newRow("cov 1,2") << 1 << 2 << -0.0355875;
        QTest::newRow("cov 2,1") << 2 << 1 << -0.0355875;
        QTest::newRow("var 2") << 2 << 2 << 0.13505000000000003;
    }

    void sampleCovarianceAnnualised()
    {
        QFETCH(int, row);
        QFETCH(int, column);
        QFETCH(double, expected);
        const auto cov = Covariance::sample(sampleReturns(), 365.0);
        QVERIFY(cov.ok());
        QCOMPARE(cov->rows(), Eigen::Index(3));
        QCOMPARE_NEAR((*cov)(row, column), expected, 1e-14);
        QCOMPARE((*cov)(row, column), (*cov)(column, row)); // exactly symmetric
        const auto daily = Covariance::sample(sampleReturns());
        QVERIFY(daily.ok());
        QCOMPARE_NEAR((*daily)(row, column) * 365.0, expected, 1e-14);
    }

    void correlation_data()
    {
        QTest::addColumn<int>("row");
        QTest::addColumn<int>("column");
        QTest::addColumn<double>("expected");
        QTest::newRow("diagonal") << 1 << 1 << 1.0;
        QTest::newRow("0,1") << 0 << 1 << 0.0376035523497617;
        QTest::newRow("0,2") << 0 << 2 << -0.8024208205741785;
        QTest::newRow("2,1") << 2 << 1 << -0.44456173377286434;
    }

    void correlation()
    {
        QFETCH(int, row);
        QFETCH(int, column);
        QFETCH(double, expected);
        const auto cov = Covariance::sample(sampleReturns(), 365.0);
        QVERIFY(cov.ok());
        const auto corr = Covariance::correlation(*cov);
        QVERIFY(corr.ok());
        QCOMPARE_NEAR((*corr)(row, column), expected, 1e-14);
    }

    void correlationOfFlatAssetIsNaN()
    {
        Eigen::MatrixXd r = sampleReturns();
        r.col(1).setConstant(0.001);
        const auto cov = Covariance::sample(r);
        QVERIFY(cov.ok());
        QCOMPARE((*cov)(1, 1), 0.0);
        const auto corr = Covariance::correlation(*cov);
        QVERIFY(corr.ok());
        QVERIFY(std::isnan((*corr)(1, 1)));
        QVERIFY(std::isnan((*corr)(0, 1)));
        QCOMPARE((*corr)(0, 0), 1.0);
    }

    void rollingCorrelation()
    {
        const Eigen::MatrixXd r = sampleReturns();
        const std::vector<double> a(r.col(0).data(), r.col(0).data() + r.rows());
        const std::vector<double> b(r.col(2).data(), r.col(2).data() + r.rows());
        const auto rolling = Covariance::rollingCorrelation(a, b, 3);
        QVERIFY(rolling.ok());
        QCOMPARE(rolling->size(), std::size_t(5));
        QVERIFY(std::isnan((*rolling)[0]));
        QVERIFY(std::isnan((*rolling)[1]));
        QCOMPARE_NEAR((*rolling)[2], -0.93050085576319, 1e-13);
        QCOMPARE_NEAR((*rolling)[3], -0.7714542762891773, 1e-13);
        QCOMPARE_NEAR((*rolling)[4], -0.43355498476206, 1e-13);
        // A full window equals the plain correlation.
        const auto whole = Covariance::rollingCorrelation(a, b, 5);
        QVERIFY(whole.ok());
        QCOMPARE_NEAR(whole->back(), -0.8024208205741785, 1e-13);
    }

    void realisedVolatility()
    {
        const auto vol = Covariance::realisedVolatility(sampleReturns(), 3, 365.0);
        QVERIFY(vol.ok());
        QCOMPARE(vol->size(), Eigen::Index(3));
        QCOMPARE_NEAR((*vol)(0), 0.24039897393014525, 1e-14);
        QCOMPARE_NEAR((*vol)(1), 0.2527350391220022, 1e-14);
        QCOMPARE_NEAR((*vol)(2), 0.29183328574147716, 1e-14);
        const auto all = Covariance::realisedVolatility(sampleReturns(), 0, 365.0);
        QVERIFY(all.ok());
        QCOMPARE_NEAR((*all)(2), std::sqrt(0.13505000000000003), 1e-14);
    }

    void errors_data()
    {
        QTest::addColumn<int>("which");
        QTest::newRow("one row") << 0;
        QTest::newRow("NaN return") << 1;
        QTest::newRow("zero annualisation") << 2;
        QTest::newRow("non-square correlation") << 3;
        QTest::newRow("rolling length mismatch") << 4;
        QTest::newRow("rolling window 1") << 5;
        QTest::newRow("lookback too long") << 6;
        QTest::newRow("lookback 1") << 7;
    }

    void errors()
    {
        QFETCH(int, which);
        Eigen::MatrixXd withNaN = sampleReturns();
        withNaN(3, 1) = std::numeric_limits<double>::quiet_NaN();
        const std::vector<double> three{1, 2, 3};
        const std::vector<double> two{1, 2};
        QString message;
        switch (which) {
        case 0:
            message = errorOf(Covariance::sample(sampleReturns().topRows(1)));
            break;
        case 1:
            message = errorOf(Covariance::sample(withNaN));
            QVERIFY2(message.contains(QStringLiteral("row 3, column 1")), qPrintable(message));
            break;
        case 2:
            message = errorOf(Covariance::sample(sampleReturns(), 0.0));
            break;
        case 3:
            message = errorOf(Covariance::correlation(Eigen::MatrixXd::Zero(2, 3)));
            break;
        case 4:
            message = errorOf(Covariance::rollingCorrelation(three, two, 2));
            break;
        case 5:
            message = errorOf(Covariance::rollingCorrelation(three, three, 1));
            break;
        case 6:
            message = errorOf(Covariance::realisedVolatility(sampleReturns(), 6));
            break;
        case 7:
            message = errorOf(Covariance::realisedVolatility(sampleReturns(), 1));
            break;
        }
        QVERIFY(!message.isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestCovariance)
#include "tst_covariance.moc"
