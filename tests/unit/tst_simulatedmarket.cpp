#include "market/simulatedmarket.h"

#include <QTest>
#include <QTimeZone>

#include <algorithm>
#include <cmath>
#include <limits>

using ballast::domain::Candle;
using ballast::market::SimulatedMarket;

namespace ballast::domain {
// Readable QCOMPARE failures for bars (found by argument-dependent lookup).
char *toString(const Candle &c)
{
    return qstrdup(QStringLiteral("Candle(t=%1 o=%2 h=%3 l=%4 c=%5 v=%6)")
                       .arg(c.openTimeMs)
                       .arg(c.open, 0, 'g', 17)
                       .arg(c.high, 0, 'g', 17)
                       .arg(c.low, 0, 'g', 17)
                       .arg(c.close, 0, 'g', 17)
                       .arg(c.volume, 0, 'g', 17)
                       .toUtf8()
                       .constData());
}
} // namespace ballast::domain

namespace {

// The statistical window the brief asks about: ten full years.
QDate statsFrom()
{
    return QDate(2017, 1, 1);
}
QDate statsTo()
{
    return QDate(2026, 12, 31);
}

QList<double> logReturns(const QList<Candle> &bars)
{
    QList<double> result;
    for (qsizetype i = 1; i < bars.size(); ++i)
        result.append(std::log(bars.at(i).close / bars.at(i - 1).close));
    return result;
}

double mean(const QList<double> &values)
{
    double sum = 0;
    for (double v : values)
        sum += v;
    return sum / static_cast<double>(values.size());
}

double stdDev(const QList<double> &values)
{
    const double m = mean(values);
    double sum = 0;
    for (double v : values)
        sum += (v - m) * (v - m);
    return std::sqrt(sum / static_cast<double>(values.size() - 1));
}

double correlation(const QList<double> &a, const QList<double> &b)
{
    const double ma = mean(a);
    const double mb = mean(b);
    double sab = 0;
    double saa = 0;
    double sbb = 0;
    for (qsizetype i = 0; i < a.size(); ++i) {
        sab += (a.at(i) - ma) * (b.at(i) - mb);
        saa += (a.at(i) - ma) * (a.at(i) - ma);
        sbb += (b.at(i) - mb) * (b.at(i) - mb);
    }
    return sab / std::sqrt(saa * sbb);
}

/// Bar of `date` in a list that starts on `first`.
Candle barOn(const QList<Candle> &bars, QDate first, QDate date)
{
    return bars.at(static_cast<qsizetype>(first.daysTo(date)));
}

} // namespace

class TestSimulatedMarket : public QObject
{
    Q_OBJECT

private slots:
    void symbolsAndSpecs_data();
    void symbolsAndSpecs();
    void sameSeedGivesIdenticalBars();
    void differentSeedGivesDifferentBars();
    void barIndependentOfRequestedRange_data();
    void barIndependentOfRequestedRange();
    void allAssetsMatchesSingleAsset();
    void goldenCloses_data();
    void goldenCloses();
    void candlesAreValid_data();
    void candlesAreValid();
    void stablecoinsStayPegged_data();
    void stablecoinsStayPegged();
    void pricesStayWithinSaneBounds_data();
    void pricesStayWithinSaneBounds();
    void btcAnnualisedVolatility();
    void bigCoinCorrelations_data();
    void bigCoinCorrelations();
    void bothRegimesOccur();
    void rangeEdges_data();
    void rangeEdges();
    void unknownSymbol();
};

void TestSimulatedMarket::symbolsAndSpecs_data()
{
    QTest::addColumn<QString>("symbol");
    QTest::addColumn<QString>("name");
    QTest::addColumn<bool>("stablecoin");
    QTest::addColumn<int>("priceDecimals");

    QTest::newRow("BTC") << QStringLiteral("BTC") << QStringLiteral("Bitcoin") << false << 2;
    QTest::newRow("ETH") << QStringLiteral("ETH") << QStringLiteral("Ethereum") << false << 2;
    QTest::newRow("ADA") << QStringLiteral("ADA") << QStringLiteral("Cardano") << false << 4;
    QTest::newRow("DOGE") << QStringLiteral("DOGE") << QStringLiteral("Dogecoin") << false << 5;
    QTest::newRow("USDT") << QStringLiteral("USDT") << QStringLiteral("Tether") << true << 4;
    QTest::newRow("USDC") << QStringLiteral("USDC") << QStringLiteral("USD Coin") << true << 4;
    QTest::newRow("DAI") << QStringLiteral("DAI") << QStringLiteral("Dai") << true << 4;
}

void TestSimulatedMarket::symbolsAndSpecs()
{
    QFETCH(QString, symbol);
    QFETCH(QString, name);
    QFETCH(bool, stablecoin);
    QFETCH(int, priceDecimals);

    const SimulatedMarket market;
    const QStringList expected = {
        QStringLiteral("BTC"),  QStringLiteral("ETH"),  QStringLiteral("SOL"),  QStringLiteral("BNB"),
        QStringLiteral("XRP"),  QStringLiteral("ADA"),  QStringLiteral("DOGE"), QStringLiteral("AVAX"),
        QStringLiteral("DOT"),  QStringLiteral("LINK"), QStringLiteral("LTC"),  QStringLiteral("TRX"),
        QStringLiteral("USDT"), QStringLiteral("USDC"), QStringLiteral("DAI"),
    };
    QCOMPARE(market.symbols(), expected);
    QCOMPARE(SimulatedMarket::defaultAssets().size(), expected.size());
    QCOMPARE(SimulatedMarket::epoch(), QDate(2017, 1, 1));

    const auto spec = market.spec(symbol);
    QVERIFY(spec.has_value());
    QCOMPARE(spec->symbol, symbol);
    QCOMPARE(spec->name, name);
    QCOMPARE(spec->stablecoin, stablecoin);
    QCOMPARE(spec->priceDecimals, priceDecimals);
    QVERIFY(spec->initialPrice > 0);
    QVERIFY(spec->annualVolatility > 0);
    if (stablecoin)
        QCOMPARE(spec->initialPrice, 1.0);
}

void TestSimulatedMarket::sameSeedGivesIdenticalBars()
{
    const SimulatedMarket a;
    const SimulatedMarket b(SimulatedMarket::kDefaultSeed);
    const QDate from(2017, 1, 1);
    const QDate to(2020, 12, 31);

    const auto barsA = a.dailyCandles(from, to);
    const auto barsB = b.dailyCandles(from, to);
    QCOMPARE(barsA.size(), 15);
    for (const QString &symbol : a.symbols())
        QCOMPARE(barsA.value(symbol), barsB.value(symbol));
}

void TestSimulatedMarket::differentSeedGivesDifferentBars()
{
    const SimulatedMarket a;
    const SimulatedMarket b(42);
    const QDate from(2017, 1, 2);
    const QDate to(2017, 12, 31);

    for (const QString &symbol : a.symbols()) {
        const auto barsA = a.dailyCandles(symbol, from, to);
        const auto barsB = b.dailyCandles(symbol, from, to);
        QCOMPARE(barsA.size(), barsB.size());
        QVERIFY2(barsA != barsB, qPrintable(symbol));
    }
    QVERIFY(a.closeOn(QStringLiteral("BTC"), to) != b.closeOn(QStringLiteral("BTC"), to));
}

void TestSimulatedMarket::barIndependentOfRequestedRange_data()
{
    QTest::addColumn<QString>("symbol");
    QTest::addColumn<QDate>("from");
    QTest::addColumn<QDate>("to");
    QTest::addColumn<QDate>("probe");

    const QDate probe(2021, 5, 19);
    QTest::newRow("BTC full") << QStringLiteral("BTC") << QDate(2017, 1, 1) << QDate(2026, 12, 31) << probe;
    QTest::newRow("BTC single day") << QStringLiteral("BTC") << probe << probe << probe;
    QTest::newRow("BTC from before epoch") << QStringLiteral("BTC") << QDate(2010, 6, 1) << probe << probe;
    QTest::newRow("BTC ends at probe") << QStringLiteral("BTC") << QDate(2021, 1, 1) << probe << probe;
    QTest::newRow("BTC starts at probe") << QStringLiteral("BTC") << probe << QDate(2030, 1, 1) << probe;
    QTest::newRow("ETH short window") << QStringLiteral("ETH") << QDate(2021, 5, 1) << QDate(2021, 6, 1) << probe;
    QTest::newRow("DAI short window") << QStringLiteral("DAI") << QDate(2021, 5, 18) << QDate(2021, 5, 20) << probe;
    QTest::newRow("BTC epoch day") << QStringLiteral("BTC") << QDate(2016, 12, 1) << QDate(2017, 1, 1)
                                   << QDate(2017, 1, 1);
}

void TestSimulatedMarket::barIndependentOfRequestedRange()
{
    QFETCH(QString, symbol);
    QFETCH(QDate, from);
    QFETCH(QDate, to);
    QFETCH(QDate, probe);

    const SimulatedMarket market;
    const QDate refFrom = SimulatedMarket::epoch();
    const QList<Candle> reference = market.dailyCandles(symbol, refFrom, QDate(2026, 12, 31));
    const QList<Candle> bars = market.dailyCandles(symbol, from, to);

    const QDate firstDate = std::max(from, SimulatedMarket::epoch());
    QCOMPARE(bars.size(), firstDate.daysTo(to) + 1);
    QCOMPARE(barOn(bars, firstDate, probe), barOn(reference, refFrom, probe));
    QCOMPARE(market.closeOn(symbol, probe), barOn(reference, refFrom, probe).close);
}

void TestSimulatedMarket::allAssetsMatchesSingleAsset()
{
    const SimulatedMarket market;
    const QDate from(2019, 3, 1);
    const QDate to(2019, 9, 30);
    const auto all = market.dailyCandles(from, to);

    QCOMPARE(all.size(), market.symbols().size());
    for (const QString &symbol : market.symbols()) {
        QVERIFY2(all.contains(symbol), qPrintable(symbol));
        QCOMPARE(all.value(symbol), market.dailyCandles(symbol, from, to));
    }
}

void TestSimulatedMarket::goldenCloses_data()
{
    QTest::addColumn<QDate>("date");
    QTest::addColumn<double>("expected");

    // Produced by this implementation with kDefaultSeed. A change here means the
    // model or the random stream changed: every saved demo and paper-trading
    // history would shift, so update these only on purpose.
    QTest::newRow("epoch") << QDate(2017, 1, 1) << 998.0;
    QTest::newRow("2019-06-30") << QDate(2019, 6, 30) << 5583.1020486806128;
    QTest::newRow("2024-03-15") << QDate(2024, 3, 15) << 58903.275157189957;
}

void TestSimulatedMarket::goldenCloses()
{
    QFETCH(QDate, date);
    QFETCH(double, expected);

    const SimulatedMarket market;
    const double close = market.closeOn(QStringLiteral("BTC"), date);
    // Fuzzy rather than exact: the PRNG and regime path are integer-exact, but
    // log/exp/cos may differ in the last bit between C math libraries.
    QVERIFY2(qFuzzyCompare(close, expected),
             qPrintable(QStringLiteral("BTC close on %1 is %2, pinned %3")
                            .arg(date.toString(Qt::ISODate))
                            .arg(close, 0, 'g', 17)
                            .arg(expected, 0, 'g', 17)));
}

void TestSimulatedMarket::candlesAreValid_data()
{
    QTest::addColumn<QString>("symbol");
    for (const QString &symbol : SimulatedMarket().symbols())
        QTest::newRow(qPrintable(symbol)) << symbol;
}

void TestSimulatedMarket::candlesAreValid()
{
    QFETCH(QString, symbol);

    const SimulatedMarket market;
    const QList<Candle> bars = market.dailyCandles(symbol, statsFrom(), statsTo());
    QCOMPARE(bars.size(), statsFrom().daysTo(statsTo()) + 1);
    QCOMPARE(bars.constFirst().close, market.spec(symbol)->initialPrice);

    for (qsizetype i = 0; i < bars.size(); ++i) {
        const Candle &bar = bars.at(i);
        const QDate date = statsFrom().addDays(i);
        const QDateTime openTime = QDateTime::fromMSecsSinceEpoch(bar.openTimeMs, QTimeZone::utc());
        QCOMPARE(openTime.date(), date);
        QCOMPARE(openTime.time(), QTime(0, 0));
        QCOMPARE(bar.openTimeMs, QDateTime(date, QTime(0, 0), QTimeZone::utc()).toMSecsSinceEpoch());

        QVERIFY(std::isfinite(bar.open) && std::isfinite(bar.high) && std::isfinite(bar.low) && std::isfinite(bar.close)
                && std::isfinite(bar.volume));
        QVERIFY2(bar.low > 0, qPrintable(date.toString(Qt::ISODate)));
        QVERIFY2(bar.low <= std::min(bar.open, bar.close), qPrintable(date.toString(Qt::ISODate)));
        QVERIFY2(bar.high >= std::max(bar.open, bar.close), qPrintable(date.toString(Qt::ISODate)));
        QVERIFY2(bar.volume > 0, qPrintable(date.toString(Qt::ISODate)));
        if (i > 0)
            QCOMPARE(bar.open, bars.at(i - 1).close); // no gaps: open = previous close
    }
}

void TestSimulatedMarket::stablecoinsStayPegged_data()
{
    QTest::addColumn<QString>("symbol");
    QTest::newRow("USDT") << QStringLiteral("USDT");
    QTest::newRow("USDC") << QStringLiteral("USDC");
    QTest::newRow("DAI") << QStringLiteral("DAI");
}

void TestSimulatedMarket::stablecoinsStayPegged()
{
    QFETCH(QString, symbol);

    // A few seeds, since the band is a promise, not a likely outcome.
    for (const quint64 seed : {SimulatedMarket::kDefaultSeed, quint64(1), quint64(42), quint64(987654321)}) {
        const SimulatedMarket market(seed);
        const QList<Candle> bars = market.dailyCandles(symbol, statsFrom(), statsTo());
        QVERIFY(!bars.isEmpty());
        for (const Candle &bar : bars) {
            QVERIFY2(bar.low >= 0.985 && bar.high <= 1.015,
                     qPrintable(QStringLiteral("seed %1: low %2 high %3").arg(seed).arg(bar.low).arg(bar.high)));
            QVERIFY(bar.open >= 0.985 && bar.open <= 1.015);
            QVERIFY(bar.close >= 0.985 && bar.close <= 1.015);
        }
    }
}

void TestSimulatedMarket::pricesStayWithinSaneBounds_data()
{
    QTest::addColumn<quint64>("seed");
    QTest::newRow("default") << SimulatedMarket::kDefaultSeed;
    QTest::newRow("1") << quint64(1);
    QTest::newRow("7") << quint64(7);
    QTest::newRow("42") << quint64(42);
    QTest::newRow("2024") << quint64(2024);
    QTest::newRow("max") << std::numeric_limits<quint64>::max();
}

void TestSimulatedMarket::pricesStayWithinSaneBounds()
{
    QFETCH(quint64, seed);

    const SimulatedMarket market(seed);
    const auto all = market.dailyCandles(statsFrom(), statsTo());
    for (const auto &spec : SimulatedMarket::defaultAssets()) {
        for (const Candle &bar : all.value(spec.symbol)) {
            const double ratio = bar.close / spec.initialPrice;
            QVERIFY2(ratio >= 1e-4 && ratio <= 1000.0,
                     qPrintable(QStringLiteral("%1 at %2x its start").arg(spec.symbol).arg(ratio)));
            QVERIFY(bar.low / spec.initialPrice >= 1e-4);
        }
    }
}

void TestSimulatedMarket::btcAnnualisedVolatility()
{
    const SimulatedMarket market;
    const QList<double> returns = logReturns(market.dailyCandles(QStringLiteral("BTC"), statsFrom(), statsTo()));
    const double annualised = stdDev(returns) * std::sqrt(365.0);
    QVERIFY2(annualised >= 0.4 && annualised <= 1.2, qPrintable(QString::number(annualised)));
}

void TestSimulatedMarket::bigCoinCorrelations_data()
{
    QTest::addColumn<QString>("a");
    QTest::addColumn<QString>("b");
    QTest::newRow("BTC-ETH") << QStringLiteral("BTC") << QStringLiteral("ETH");
    QTest::newRow("BTC-SOL") << QStringLiteral("BTC") << QStringLiteral("SOL");
    QTest::newRow("BTC-BNB") << QStringLiteral("BTC") << QStringLiteral("BNB");
    QTest::newRow("ETH-SOL") << QStringLiteral("ETH") << QStringLiteral("SOL");
    QTest::newRow("ETH-BNB") << QStringLiteral("ETH") << QStringLiteral("BNB");
}

void TestSimulatedMarket::bigCoinCorrelations()
{
    QFETCH(QString, a);
    QFETCH(QString, b);

    const SimulatedMarket market;
    const auto all = market.dailyCandles(statsFrom(), statsTo());
    const double rho = correlation(logReturns(all.value(a)), logReturns(all.value(b)));
    QVERIFY2(rho >= 0.4 && rho <= 0.95, qPrintable(QString::number(rho)));
}

void TestSimulatedMarket::bothRegimesOccur()
{
    const SimulatedMarket market;
    const QList<double> returns = logReturns(market.dailyCandles(QStringLiteral("BTC"), statsFrom(), statsTo()));

    constexpr qsizetype window = 30;
    double lowest = std::numeric_limits<double>::max();
    double highest = 0;
    for (qsizetype i = 0; i + window <= returns.size(); ++i) {
        const double vol = stdDev(returns.mid(i, window));
        lowest = std::min(lowest, vol);
        highest = std::max(highest, vol);
    }
    // Calm and turbulent stretches: the rolling volatility must swing widely.
    QVERIFY2(highest > 1.5 * lowest, qPrintable(QStringLiteral("%1 .. %2").arg(lowest).arg(highest)));
}

void TestSimulatedMarket::rangeEdges_data()
{
    QTest::addColumn<QDate>("from");
    QTest::addColumn<QDate>("to");
    QTest::addColumn<int>("expectedBars");
    QTest::addColumn<QDate>("expectedFirst");

    QTest::newRow("to before from") << QDate(2018, 2, 1) << QDate(2018, 1, 31) << 0 << QDate();
    QTest::newRow("entirely before epoch") << QDate(2015, 1, 1) << QDate(2016, 12, 31) << 0 << QDate();
    QTest::newRow("invalid from") << QDate() << QDate(2018, 1, 31) << 0 << QDate();
    QTest::newRow("invalid to") << QDate(2018, 1, 1) << QDate() << 0 << QDate();
    QTest::newRow("clamped to epoch") << QDate(2016, 12, 25) << QDate(2017, 1, 10) << 10 << QDate(2017, 1, 1);
    QTest::newRow("one day") << QDate(2018, 1, 31) << QDate(2018, 1, 31) << 1 << QDate(2018, 1, 31);
    QTest::newRow("leap year February") << QDate(2020, 2, 1) << QDate(2020, 2, 29) << 29 << QDate(2020, 2, 1);
}

void TestSimulatedMarket::rangeEdges()
{
    QFETCH(QDate, from);
    QFETCH(QDate, to);
    QFETCH(int, expectedBars);
    QFETCH(QDate, expectedFirst);

    const SimulatedMarket market;
    const QList<Candle> bars = market.dailyCandles(QStringLiteral("ETH"), from, to);
    QCOMPARE(bars.size(), expectedBars);
    if (expectedBars > 0) {
        QCOMPARE(bars.constFirst().openTimeMs,
                 QDateTime(expectedFirst, QTime(0, 0), QTimeZone::utc()).toMSecsSinceEpoch());
    }

    const auto all = market.dailyCandles(from, to);
    QCOMPARE(all.size(), market.symbols().size());
    for (const QString &symbol : market.symbols())
        QCOMPARE(all.value(symbol).size(), expectedBars);
}

void TestSimulatedMarket::unknownSymbol()
{
    const SimulatedMarket market;
    QVERIFY(market.dailyCandles(QStringLiteral("NOPE"), QDate(2017, 1, 1), QDate(2018, 1, 1)).isEmpty());
    QVERIFY(market.dailyCandles(QString(), QDate(2017, 1, 1), QDate(2018, 1, 1)).isEmpty());
    QVERIFY(!market.spec(QStringLiteral("NOPE")).has_value());
    QCOMPARE(market.closeOn(QStringLiteral("NOPE"), QDate(2018, 1, 1)), 0.0);
    QCOMPARE(market.closeOn(QStringLiteral("BTC"), QDate(2016, 12, 31)), 0.0);
}

QTEST_GUILESS_MAIN(TestSimulatedMarket)
#include "tst_simulatedmarket.moc"
