#include "market/pricealignment.h"
#include "market/priceimporter.h"

#include <QDateTime>
#include <QDir>
#include <QTest>
#include <QTimeZone>

#include <algorithm>
#include <cmath>

using ballast::domain::Candle;
using ballast::market::AlignedCloses;
using ballast::market::ImportOptions;
using ballast::market::PriceAlignment;
using ballast::market::PriceImporter;
using ballast::market::PriceSeries;

namespace {

qint64 utc(int year, int month, int day, int hour = 0)
{
    return QDateTime(QDate(year, month, day), QTime(hour, 0), QTimeZone::utc()).toMSecsSinceEpoch();
}

// A daily series with the given days of January 2024 and close = day * factor.
PriceSeries daily(const QString &asset, const QList<int> &days, double factor)
{
    PriceSeries series;
    series.asset = asset;
    series.quote = QStringLiteral("USDT");
    series.interval = QStringLiteral("1d");
    for (const int day : days) {
        const double close = day * factor;
        series.candles.append(Candle{utc(2024, 1, day), close, close, close, close, 1, 0});
    }
    return series;
}

ImportOptions fixedNow()
{
    ImportOptions options;
    options.nowMs = utc(2026, 11, 21);
    return options;
}

} // namespace

class TestPriceAlignment : public QObject
{
    Q_OBJECT

private slots:
    void alignsOnSharedTimesOnly()
    {
        const PriceSeries btc = daily(QStringLiteral("BTC"), {1, 2, 3, 4, 5, 7}, 100);
        const PriceSeries eth = daily(QStringLiteral("ETH"), {2, 3, 5, 6, 7, 8}, 10);
        const PriceSeries sol = daily(QStringLiteral("SOL"), {1, 2, 3, 5, 7}, 1);
        auto aligned = PriceAlignment::align({btc, eth, sol});
        QVERIFY(aligned.ok());
        QCOMPARE(
            aligned->labels,
            (QStringList{QStringLiteral("BTC/USDT 1d"), QStringLiteral("ETH/USDT 1d"), QStringLiteral("SOL/USDT 1d")}));
        QCOMPARE(aligned->times, (QList<qint64>{utc(2024, 1, 2), utc(2024, 1, 3), utc(2024, 1, 5), utc(2024, 1, 7)}));
        QCOMPARE(aligned->closes.size(), 3);
        QCOMPARE(aligned->closes[0], (QList<double>{200, 300, 500, 700}));
        QCOMPARE(aligned->closes[1], (QList<double>{20, 30, 50, 70}));
        QCOMPARE(aligned->closes[2], (QList<double>{2, 3, 5, 7}));
    }

    void edgeCases()
    {
        auto none = PriceAlignment::align({});
        QVERIFY(none.ok());
        QVERIFY(none->isEmpty());
        auto single = PriceAlignment::align({daily(QStringLiteral("BTC"), {1, 2}, 1)});
        QVERIFY(single.ok());
        QCOMPARE(single->times.size(), 2);
        auto disjoint =
            PriceAlignment::align({daily(QStringLiteral("BTC"), {1, 2}, 1), daily(QStringLiteral("ETH"), {3, 4}, 1)});
        QVERIFY(disjoint.ok());
        QVERIFY(disjoint->isEmpty());
        QCOMPARE(disjoint->closes.size(), 2);
        auto withEmpty =
            PriceAlignment::align({daily(QStringLiteral("BTC"), {1, 2}, 1), daily(QStringLiteral("ETH"), {}, 1)});
        QVERIFY(withEmpty.ok());
        QVERIFY(withEmpty->isEmpty());
    }

    void refusesMixedIntervalsAndUnsortedSeries()
    {
        PriceSeries hourly = daily(QStringLiteral("ETH"), {1, 2}, 1);
        hourly.interval = QStringLiteral("1h");
        auto mixed = PriceAlignment::align({daily(QStringLiteral("BTC"), {1, 2}, 1), hourly});
        QVERIFY(!mixed.ok());
        QCOMPARE(mixed.error().code, QStringLiteral("align.interval"));
        auto unsorted = PriceAlignment::align({daily(QStringLiteral("BTC"), {2, 1}, 1)});
        QVERIFY(!unsorted.ok());
        QCOMPARE(unsorted.error().code, QStringLiteral("align.order"));
        auto duplicated = PriceAlignment::align({daily(QStringLiteral("BTC"), {1, 1}, 1)});
        QVERIFY(!duplicated.ok());
    }

    void filtersInclusiveDateRange()
    {
        const PriceSeries btc = daily(QStringLiteral("BTC"), {1, 2, 3, 4, 5, 7}, 1);
        const QList<Candle> cut = PriceAlignment::filtered(btc.candles, QDate(2024, 1, 2), QDate(2024, 1, 5));
        QCOMPARE(cut.size(), 4);
        QCOMPARE(cut.front().openTimeMs, utc(2024, 1, 2));
        QCOMPARE(cut.back().openTimeMs, utc(2024, 1, 5));
        QCOMPARE(PriceAlignment::filtered(btc.candles, QDate(2024, 1, 6), QDate(2024, 1, 6)).size(), 0);
        QCOMPARE(PriceAlignment::filtered(btc.candles, QDate(2024, 1, 7), QDate(2024, 1, 7)).size(), 1);
        QCOMPARE(PriceAlignment::filtered(btc.candles, QDate(2024, 1, 5), QDate(2024, 1, 2)).size(), 0);
        QCOMPARE(PriceAlignment::filtered(btc.candles, QDate(2023, 1, 1), QDate(2030, 1, 1)).size(), 6);
        const PriceSeries series = PriceAlignment::filtered(btc, QDate(2024, 1, 3), QDate(2024, 1, 3));
        QCOMPARE(series.asset, QStringLiteral("BTC"));
        QCOMPARE(series.candles.size(), 1);

        // Hourly: every hour of the last day is inside.
        PriceSeries hourly;
        hourly.interval = QStringLiteral("1h");
        for (int hour = 0; hour < 72; ++hour)
            hourly.candles.append(Candle{utc(2024, 1, 1) + hour * 3'600'000LL, 1, 1, 1, 1, 0, 0});
        const QList<Candle> day2 = PriceAlignment::filtered(hourly.candles, QDate(2024, 1, 2), QDate(2024, 1, 2));
        QCOMPARE(day2.size(), 24);
        QCOMPARE(day2.front().openTimeMs, utc(2024, 1, 2, 0));
        QCOMPARE(day2.back().openTimeMs, utc(2024, 1, 2, 23));
    }

    void alignsRealExports()
    {
        const QString root = qEnvironmentVariable("BALLAST_SHARED_DATA");
        const QString prices = QDir(root).filePath(QStringLiteral("prices"));
        if (root.isEmpty() || !QDir(prices).exists())
            QSKIP("BALLAST_SHARED_DATA is unset or has no prices/ folder; the real price files live in ../shared/data");
        auto cdd = PriceImporter::readFile(
            QDir(prices).filePath(QStringLiteral("cryptodatadownload/Binance_BTCUSDT_d.csv")), fixedNow());
        auto plain =
            PriceImporter::readFile(QDir(prices).filePath(QStringLiteral("binance-simple/BTCUSDT_1d.csv")), fixedNow());
        auto yahoo = PriceImporter::readFile(QDir(prices).filePath(QStringLiteral("yahoo/BTC-USD.csv")), fixedNow());
        QVERIFY(cdd.ok() && plain.ok() && yahoo.ok());
        // Same exchange, same candles: identical closes on every shared day.
        auto binance = PriceAlignment::align({*cdd, *plain});
        QVERIFY(binance.ok());
        QCOMPARE(binance->times.size(), 3064);
        QCOMPARE(binance->closes[0], binance->closes[1]);
        // Another venue and quote (USD): close to, but not equal to, Binance.
        // Aligned by date the closes differ by a median of about 0.3 %; shifted
        // by one day they differ by about 1.8 %, so the dates line up.
        const PriceSeries cut = PriceAlignment::filtered(*cdd, QDate(2017, 8, 17), QDate(2021, 6, 6));
        auto venues = PriceAlignment::align({cut, *yahoo});
        QVERIFY(venues.ok());
        QCOMPARE(venues->times.front(), utc(2017, 8, 17));
        QCOMPARE(venues->times.back(), utc(2021, 6, 6));
        QCOMPARE(venues->times.size(), cut.candles.size() - 4); // Yahoo's null days
        auto medianDifference = [&](qsizetype shift) {
            QList<double> differences;
            for (qsizetype i = 0; i + shift < venues->times.size(); ++i)
                differences << std::abs(venues->closes[0][i + shift] / venues->closes[1][i] - 1);
            std::sort(differences.begin(), differences.end());
            return differences[differences.size() / 2];
        };
        const double sameDay = medianDifference(0);
        const double nextDay = medianDifference(1);
        QVERIFY2(sameDay < 0.005, qPrintable(QString::number(sameDay)));
        QVERIFY2(nextDay > 4 * sameDay, qPrintable(QString::number(nextDay)));
    }
};

QTEST_GUILESS_MAIN(TestPriceAlignment)
#include "tst_pricealignment.moc"
