#include "market/csvvalues.h"
#include "market/priceimporter.h"
#include "market/pricestream.h"
#include "storage/database.h"
#include "storage/pricestore.h"
#include "testsupport.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QScopeGuard>
#include <QTemporaryDir>
#include <QTest>
#include <QTimeZone>

#include <algorithm>
#include <functional>
#include <memory>
#include <thread>

using ballast::domain::Candle;
using ballast::market::CsvLayout;
using ballast::market::DuplicateConflict;
using ballast::market::ImportOptions;
using ballast::market::ImportReport;
using ballast::market::PriceGap;
using ballast::market::PriceImporter;
using ballast::market::PriceSeries;

namespace ballast::domain {
// Readable QCOMPARE failures for bars (found by argument-dependent lookup).
char *toString(const Candle &c)
{
    return qstrdup(QStringLiteral("Candle(t=%1 o=%2 h=%3 l=%4 c=%5 v=%6 mc=%7)")
                       .arg(c.openTimeMs)
                       .arg(c.open, 0, 'g', 17)
                       .arg(c.high, 0, 'g', 17)
                       .arg(c.low, 0, 'g', 17)
                       .arg(c.close, 0, 'g', 17)
                       .arg(c.volume, 0, 'g', 17)
                       .arg(c.marketCap, 0, 'g', 17)
                       .toUtf8()
                       .constData());
}
} // namespace ballast::domain

Q_DECLARE_METATYPE(CsvLayout)

/// Edits the time and close printed on a row (0-based) of a generated file.
using RowChange = std::function<void(int row, qint64 &time, QByteArray &close)>;
Q_DECLARE_METATYPE(RowChange)

namespace {

qint64 utc(int year, int month, int day, int hour = 0, int minute = 0)
{
    return QDateTime(QDate(year, month, day), QTime(hour, minute), QTimeZone::utc()).toMSecsSinceEpoch();
}

// A fixed "now" after every shared file, so that results do not depend on the
// day the tests run.
ImportOptions fixedNow()
{
    ImportOptions options;
    options.nowMs = utc(2026, 11, 21);
    return options;
}

QString pricesDir()
{
    const QString root = qEnvironmentVariable("BALLAST_SHARED_DATA");
    if (root.isEmpty())
        return {};
    const QString dir = QDir(root).filePath(QStringLiteral("prices"));
    return QDir(dir).exists() ? dir : QString();
}

QString message(const ballast::Result<PriceSeries> &result)
{
    return result.ok() ? QStringLiteral("(no error)") : result.error().message;
}

PriceSeries parseOk(const char *csv, const QString &name, const ImportOptions &options = fixedNow())
{
    auto result = PriceImporter::parse(QByteArray(csv), name, options);
    if (!result.ok())
        qWarning("unexpected error: %s", qPrintable(result.error().message));
    return result.ok() ? *result : PriceSeries{};
}

// The candle opening at @p openTimeMs, or one with openTimeMs -1 when absent
// (a value, so a failing test reports a mismatch instead of crashing).
Candle candleAt(const PriceSeries &series, qint64 openTimeMs)
{
    const auto it = std::lower_bound(series.candles.begin(), series.candles.end(), openTimeMs,
                                     [](const Candle &c, qint64 t) { return c.openTimeMs < t; });
    if (it != series.candles.end() && it->openTimeMs == openTimeMs)
        return *it;
    Candle missing;
    missing.openTimeMs = -1;
    return missing;
}

void writeFile(const QString &path, const QByteArray &data)
{
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(data);
}

/// Imports @p path into a fresh database and checks the outcome against
/// readFile of the same file: the same error, or the same report and the same
/// candles stored. importFile streams most files and sorts the others through
/// a temporary file (see priceimporter.cpp), so this holds the paths together;
/// with @p sortRunRows the sort goes through runs of that many rows.
void importMatchesRead(ballast::test::TempDatabase &temp, const QString &path, const ImportOptions &options,
                       std::size_t sortRunRows)
{
    // One database for many files (creating one costs more than most imports):
    // only a candle of another series is left from before.
    temp.db().exec("DELETE FROM candles");
    temp.db().exec("INSERT INTO candles (asset, quote, interval, ts, open, high, low, close, volume, source) "
                   "VALUES ('ZZZ', 'USD', '1d', 0, 1, 1, 1, 1, 1, 'manual')");
    const QByteArray before = ballast::test::contentDigest(temp.db());
    auto read = PriceImporter::readFile(path, options);
    ImportOptions importOptions = options;
    importOptions.sortRunRows = sortRunRows;
    auto imported = PriceImporter::importFile(temp.db(), path, importOptions);
    QCOMPARE(imported.ok(), read.ok());
    QVERIFY(!temp.db().inTransaction());
    if (!read.ok()) {
        QCOMPARE(imported.error().message, read.error().message);
        QCOMPARE(imported.error().code, read.error().code);
        QCOMPARE(ballast::test::contentDigest(temp.db()), before);
        return;
    }
    const ImportReport &want = read->report;
    const ImportReport &got = *imported;
    QCOMPARE(got.file, want.file);
    QCOMPARE(got.layout, want.layout);
    QCOMPARE(got.asset, want.asset);
    QCOMPARE(got.quote, want.quote);
    QCOMPARE(got.interval, want.interval);
    QCOMPARE(got.rowsRead, want.rowsRead);
    QCOMPARE(got.candlesStored, want.candlesStored);
    QCOMPARE(got.firstOpenTimeMs, want.firstOpenTimeMs);
    QCOMPARE(got.lastOpenTimeMs, want.lastOpenTimeMs);
    QCOMPARE(got.exactDuplicates, want.exactDuplicates);
    QCOMPARE(got.conflicts, want.conflicts);
    QCOMPARE(got.gaps, want.gaps);
    QCOMPARE(got.nullRows, want.nullRows);
    QCOMPARE(got.snapped, want.snapped);
    QCOMPARE(got.dateMismatches, want.dateMismatches);
    QCOMPARE(got.unfinishedSkippedMs, want.unfinishedSkippedMs);
    QCOMPARE(got.closeStamps, want.closeStamps);
    QCOMPARE(got.summary(), want.summary());
    ballast::storage::PriceStore store(temp.db());
    auto stored = store.candles(read->asset, read->quote, read->interval);
    QVERIFY(stored.ok());
    QCOMPARE(*stored, read->candles);
    QCOMPARE(temp.db().scalar("SELECT count(*) FROM candles"), QString::number(read->candles.size() + 1));
}

/// importMatchesRead with the import's own runs of sorting, then with runs of
/// a few rows (many runs, groups of one time split between them).
void importMatchesRead(ballast::test::TempDatabase &temp, const QString &path, const ImportOptions &options)
{
    for (const std::size_t runRows : {std::size_t{0}, std::size_t{7}}) {
        importMatchesRead(temp, path, options, runRows);
        if (QTest::currentTestFailed()) {
            qWarning("sorting in runs of %zu rows (0: the default)", runRows);
            return;
        }
    }
}

/// @p rows one-minute rows from 2024-01-01, oldest first unless @p newestFirst,
/// edited by @p change.
QByteArray minuteFile(int rows, bool newestFirst, const RowChange &change = {})
{
    QByteArray csv("timestamp,open,high,low,close,volume\n");
    const qint64 start = utc(2024, 1, 1);
    for (int i = 0; i < rows; ++i) {
        const int row = newestFirst ? rows - 1 - i : i;
        qint64 time = start + static_cast<qint64>(row) * 60'000;
        QByteArray close = QByteArray::number(100 + row % 97) + ".25";
        if (change)
            change(row, time, close);
        csv += QDateTime::fromMSecsSinceEpoch(time, QTimeZone::utc())
                   .toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"))
                   .toLatin1()
            + ",100,200,50," + close + ",3.5\n";
    }
    return csv;
}

} // namespace

#define REQUIRE_SHARED_DATA()                                                                                          \
    const QString prices = pricesDir();                                                                                \
    if (prices.isEmpty())                                                                                              \
    QSKIP("BALLAST_SHARED_DATA is unset or has no prices/ folder; the real price files live in ../shared/data")

class TestPriceImporter : public QObject
{
    Q_OBJECT

private slots:
    // ---- every real file -------------------------------------------------

    void readsRealFile_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<CsvLayout>("layout");
        QTest::addColumn<QString>("asset");
        QTest::addColumn<QString>("quote");
        QTest::addColumn<QString>("interval");
        QTest::addColumn<int>("rows");
        QTest::addColumn<int>("candles");
        QTest::addColumn<qint64>("firstOpen");
        QTest::addColumn<double>("firstClose");
        QTest::addColumn<qint64>("lastOpen");
        QTest::addColumn<double>("lastClose");
        QTest::addColumn<int>("missing"); // bars, over all gaps
        QTest::addColumn<int>("gaps");
        QTest::addColumn<int>("nullRows");
        QTest::addColumn<int>("conflicts");
        QTest::addColumn<bool>("unfinishedSkipped");

        const QString usdt = QStringLiteral("USDT");
        const QString usd = QStringLiteral("USD");
        const QString d1 = QStringLiteral("1d");
        const auto cdd = CsvLayout::CryptoDataDownload;
        // CryptoDataDownload daily: newest first, 6 days missing in 2026.
        QTest::newRow("cdd BTC") << "cryptodatadownload/Binance_BTCUSDT_d.csv" << cdd << "BTC" << usdt << d1 << 3142
                                 << 3142 << utc(2017, 8, 17) << 4285.08 << utc(2026, 3, 30) << 66797.37 << 6 << 4 << 0
                                 << 0 << false;
        QTest::newRow("cdd ETH") << "cryptodatadownload/Binance_ETHUSDT_d.csv" << cdd << "ETH" << usdt << d1 << 3142
                                 << 3142 << utc(2017, 8, 17) << 302.0 << utc(2026, 3, 30) << 2026.48 << 6 << 4 << 0 << 0
                                 << false;
        QTest::newRow("cdd BNB") << "cryptodatadownload/Binance_BNBUSDT_d.csv" << cdd << "BNB" << usdt << d1 << 3061
                                 << 3061 << utc(2017, 11, 6) << 1.571 << utc(2026, 3, 30) << 609.29 << 6 << 4 << 0 << 0
                                 << false;
        QTest::newRow("cdd SOL") << "cryptodatadownload/Binance_SOLUSDT_d.csv" << cdd << "SOL" << usdt << d1 << 2052
                                 << 2052 << utc(2020, 8, 11) << 3.2985 << utc(2026, 3, 30) << 82.54 << 6 << 4 << 0 << 0
                                 << false;
        QTest::newRow("cdd DOGE") << "cryptodatadownload/Binance_DOGEUSDT_d.csv" << cdd << "DOGE" << usdt << d1 << 2455
                                  << 2455 << utc(2019, 7, 5) << 0.0038701 << utc(2026, 3, 30) << 0.09083 << 6 << 4 << 0
                                  << 0 << false;
        QTest::newRow("cdd TRX") << "cryptodatadownload/Binance_TRXUSDT_d.csv" << cdd << "TRX" << usdt << d1 << 2844
                                 << 2844 << utc(2018, 6, 11) << 0.0484 << utc(2026, 3, 30) << 0.32 << 6 << 4 << 0 << 0
                                 << false;
        // Plain OHLCV exports end with the candle in progress: skipped.
        const auto plain = CsvLayout::PlainOhlcv;
        QTest::newRow("plain BTC 1d") << "binance-simple/BTCUSDT_1d.csv" << plain << "BTC" << usdt << d1 << 3065 << 3064
                                      << utc(2017, 8, 17) << 4285.08 << utc(2026, 1, 5) << 93859.71 << 0 << 0 << 0 << 0
                                      << true;
        QTest::newRow("plain ETH 1d") << "binance-simple/ETHUSDT_1d.csv" << plain << "ETH" << usdt << d1 << 3065 << 3064
                                      << utc(2017, 8, 17) << 302.0 << utc(2026, 1, 5) << 3224.99 << 0 << 0 << 0 << 0
                                      << true;
        QTest::newRow("plain SOL 1d") << "binance-simple/SOLUSDT_1d.csv" << plain << "SOL" << usdt << d1 << 1975 << 1974
                                      << utc(2020, 8, 11) << 3.2985 << utc(2026, 1, 5) << 137.9 << 0 << 0 << 0 << 0
                                      << true;
        QTest::newRow("plain SOL 1h") << "binance-simple/SOLUSDT_1h.csv" << plain << "SOL" << usdt << "1h" << 47360
                                      << 47359 << utc(2020, 8, 11, 6) << 2.9515 << utc(2026, 1, 6, 8) << 137.62 << 20
                                      << 10 << 0 << 0 << true;
        // Binance public data: futures sample with a header, spot row without.
        const auto kline = CsvLayout::BinanceKline;
        QTest::newRow("vision ADA 1m") << "binance-vision/ADAUSDT-1m-2025-01.head11.csv" << kline << "ADA" << usdt
                                       << "1m" << 10 << 10 << utc(2025, 1, 1) << 0.8454 << utc(2025, 1, 1, 0, 9)
                                       << 0.8495 << 0 << 0 << 0 << 0 << false;
        QTest::newRow("vision BTC 1d") << "binance-vision/BTCUSDT-1d-2017-08.first-row.csv" << kline << "BTC" << usdt
                                       << d1 << 1 << 1 << utc(2017, 8, 17) << 4285.08 << utc(2017, 8, 17) << 4285.08
                                       << 0 << 0 << 0 << 0 << false;
        // CoinGecko: quote USD, a few days missing in the early years.
        const auto gecko = CsvLayout::CoinGecko;
        QTest::newRow("gecko BTC") << "coingecko/btc-usd-max.csv" << gecko << "BTC" << usd << d1 << 4278 << 4278
                                   << utc(2013, 4, 28) << 135.3 << utc(2025, 1, 14) << 94456.3493746993 << 2 << 2 << 0
                                   << 0 << false;
        QTest::newRow("gecko ETH") << "coingecko/eth-usd-max.csv" << gecko << "ETH" << usd << d1 << 3448 << 3448
                                   << utc(2015, 8, 7) << 2.83162 << utc(2025, 1, 14) << 3134.5520394596483 << 1 << 1
                                   << 0 << 0 << false;
        QTest::newRow("gecko SOL") << "coingecko/sol-usd-max.csv" << gecko << "SOL" << usd << d1 << 1740 << 1740
                                   << utc(2020, 4, 11) << 0.9576058280146803 << utc(2025, 1, 14) << 183.11428850097792
                                   << 0 << 0 << 0 << 0 << false;
        // Yahoo: null rows on outage days (and the download day) are skipped.
        const auto yahoo = CsvLayout::Yahoo;
        QTest::newRow("yahoo BTC") << "yahoo/BTC-USD.csv" << yahoo << "BTC" << usd << d1 << 2456 << 2451
                                   << utc(2014, 9, 17) << 457.334015 << utc(2021, 6, 6) << 35862.378906 << 4 << 3 << 5
                                   << 0 << false;
        QTest::newRow("yahoo ETH") << "yahoo/ETH-USD.csv" << yahoo << "ETH" << usd << d1 << 2132 << 2127
                                   << utc(2015, 8, 7) << 2.77212 << utc(2021, 6, 6) << 2715.092773 << 4 << 3 << 5 << 0
                                   << false;
        QTest::newRow("yahoo BNB") << "yahoo/BNB-USD.csv" << yahoo << "BNB" << usd << d1 << 1414 << 1409
                                   << utc(2017, 7, 25) << 0.10587 << utc(2021, 6, 6) << 393.820221 << 4 << 3 << 5 << 0
                                   << false;
        QTest::newRow("yahoo SOL1 is Solana")
            << "yahoo/SOL1-USD.csv" << yahoo << "SOL" << usd << d1 << 424 << 395 << utc(2020, 4, 10) << 0.951054
            << utc(2021, 6, 6) << 42.308376 << 28 << 6 << 29 << 0 << false;
        QTest::newRow("yahoo USDC") << "yahoo/USDC-USD.csv" << yahoo << "USDC" << usd << d1 << 974 << 911
                                    << utc(2018, 10, 8) << 1.00221 << utc(2021, 6, 6) << 1.000577 << 62 << 7 << 63 << 0
                                    << false;
        QTest::newRow("yahoo USDT") << "yahoo/USDT-USD.csv" << yahoo << "USDT" << usd << d1 << 2295 << 2285
                                    << utc(2015, 2, 25) << 1.2111 << utc(2021, 6, 6) << 1.00084 << 9 << 5 << 10 << 0
                                    << false;
        // Two row generations, 2,649 hours twice, 16 hours missing.
        QTest::newRow("messy hourly") << "messy/Binance_BTCUSDT_1h_2017-2021_mixed.csv" << cdd << "BTC" << usdt << "1h"
                                      << 36062 << 33413 << utc(2017, 8, 17, 4) << 4308.83 << utc(2021, 6, 10)
                                      << 37584.76 << 16 << 8 << 0 << 2649 << false;
    }

    void readsRealFile()
    {
        REQUIRE_SHARED_DATA();
        QFETCH(QString, file);
        QFETCH(CsvLayout, layout);
        QFETCH(QString, asset);
        QFETCH(QString, quote);
        QFETCH(QString, interval);
        QFETCH(int, rows);
        QFETCH(int, candles);
        QFETCH(qint64, firstOpen);
        QFETCH(double, firstClose);
        QFETCH(qint64, lastOpen);
        QFETCH(double, lastClose);
        QFETCH(int, missing);
        QFETCH(int, gaps);
        QFETCH(int, nullRows);
        QFETCH(int, conflicts);
        QFETCH(bool, unfinishedSkipped);

        auto result = PriceImporter::readFile(QDir(prices).filePath(file), fixedNow());
        QVERIFY2(result.ok(), qPrintable(message(result)));
        const PriceSeries &series = *result;
        const ImportReport &report = series.report;
        QCOMPARE(series.layout, layout);
        QCOMPARE(series.asset, asset);
        QCOMPARE(series.quote, quote);
        QCOMPARE(series.interval, interval);
        QCOMPARE(report.rowsRead, rows);
        QCOMPARE(series.candles.size(), candles);
        QCOMPARE(report.candlesStored, candles);
        QCOMPARE(series.candles.front().openTimeMs, firstOpen);
        QCOMPARE(series.candles.front().close, firstClose);
        QCOMPARE(series.candles.back().openTimeMs, lastOpen);
        QCOMPARE(series.candles.back().close, lastClose);
        QCOMPARE(report.firstOpenTimeMs, firstOpen);
        QCOMPARE(report.lastOpenTimeMs, lastOpen);
        QCOMPARE(report.missingBars(), missing);
        QCOMPARE(report.gaps.size(), gaps);
        QCOMPARE(report.nullRows.size(), nullRows);
        QCOMPARE(report.conflicts.size(), conflicts);
        QCOMPARE(report.exactDuplicates, 0);
        QCOMPARE(report.unfinishedSkippedMs.has_value(), unfinishedSkipped);
        // Ascending, unique, on the interval's grid, every price above zero.
        const qint64 step = PriceImporter::intervalMs(interval);
        for (qsizetype i = 0; i < series.candles.size(); ++i) {
            const Candle &c = series.candles[i];
            QVERIFY(c.openTimeMs % step == 0);
            QVERIFY(c.open > 0 && c.high > 0 && c.low > 0 && c.close > 0);
            if (i > 0)
                QVERIFY(c.openTimeMs > series.candles[i - 1].openTimeMs);
        }
        // Rows read = candles + every row accounted for.
        QCOMPARE(rows,
                 candles + report.nullRows.size() + report.exactDuplicates + report.conflicts.size()
                     + (unfinishedSkipped ? 1 : 0));
        QVERIFY(report.summary().contains(QFileInfo(file).fileName()));
    }

    void everySharedFileIsCovered()
    {
        REQUIRE_SHARED_DATA();
        // Each file is either read (readsRealFile) or refused (rejectsSpreadsheetMangledFile).
        QStringList files;
        const QStringList folders = QDir(prices).entryList(QDir::Dirs | QDir::NoDotAndDotDot);
        for (const QString &folder : folders) {
            const QStringList names = QDir(QDir(prices).filePath(folder)).entryList(QDir::Files);
            for (const QString &name : names)
                files << folder + QLatin1Char('/') + name;
        }
        QCOMPARE(files.size(), 23);
        int read = 0;
        for (const QString &file : files) {
            auto result = PriceImporter::readFile(QDir(prices).filePath(file), fixedNow());
            if (file == QLatin1String("messy/coin_Bitcoin_spreadsheet_mangled.csv")) {
                QVERIFY(!result.ok());
                continue;
            }
            QVERIFY2(result.ok(), qPrintable(message(result)));
            ++read;
        }
        QCOMPARE(read, 22);
    }

    // ---- cross-checks from shared/data/README.md --------------------------

    void spotArchiveRowEqualsCryptoDataDownloadRow()
    {
        REQUIRE_SHARED_DATA();
        auto vision = PriceImporter::readFile(
            QDir(prices).filePath(QStringLiteral("binance-vision/BTCUSDT-1d-2017-08.first-row.csv")), fixedNow());
        auto cdd = PriceImporter::readFile(
            QDir(prices).filePath(QStringLiteral("cryptodatadownload/Binance_BTCUSDT_d.csv")), fixedNow());
        QVERIFY2(vision.ok(), qPrintable(message(vision)));
        QVERIFY2(cdd.ok(), qPrintable(message(cdd)));
        const Candle expected{utc(2017, 8, 17), 4261.48, 4485.39, 4200.74, 4285.08, 795.150377, 0};
        QCOMPARE(vision->candles.front(), expected);
        QCOMPARE(cdd->candles.front(), expected);
    }

    void cryptoDataDownloadAndPlainBinanceAgree_data()
    {
        QTest::addColumn<QString>("asset");
        QTest::addColumn<int>("sharedDays");
        QTest::newRow("BTC") << "BTC" << 3064;
        QTest::newRow("ETH") << "ETH" << 3064;
        QTest::newRow("SOL") << "SOL" << 1974;
    }

    void cryptoDataDownloadAndPlainBinanceAgree()
    {
        REQUIRE_SHARED_DATA();
        QFETCH(QString, asset);
        QFETCH(int, sharedDays);
        auto cdd = PriceImporter::readFile(
            QDir(prices).filePath(QStringLiteral("cryptodatadownload/Binance_%1USDT_d.csv").arg(asset)), fixedNow());
        auto plain = PriceImporter::readFile(
            QDir(prices).filePath(QStringLiteral("binance-simple/%1USDT_1d.csv").arg(asset)), fixedNow());
        QVERIFY2(cdd.ok(), qPrintable(message(cdd)));
        QVERIFY2(plain.ok(), qPrintable(message(plain)));
        int shared = 0;
        for (const Candle &candle : plain->candles) {
            const Candle other = candleAt(*cdd, candle.openTimeMs);
            QVERIFY2(other.openTimeMs == candle.openTimeMs,
                     qPrintable(ballast::market::CsvValues::formatTime(candle.openTimeMs)));
            QCOMPARE(other.close, candle.close);
            QCOMPARE(other.open, candle.open);
            ++shared;
        }
        QCOMPARE(shared, sharedDays);
    }

    void cryptoDataDownloadReportsThe2026Gaps()
    {
        REQUIRE_SHARED_DATA();
        auto cdd = PriceImporter::readFile(
            QDir(prices).filePath(QStringLiteral("cryptodatadownload/Binance_BTCUSDT_d.csv")), fixedNow());
        QVERIFY2(cdd.ok(), qPrintable(message(cdd)));
        const QList<PriceGap> expected{{utc(2026, 1, 8), utc(2026, 1, 8), 1},
                                       {utc(2026, 1, 20), utc(2026, 1, 20), 1},
                                       {utc(2026, 3, 20), utc(2026, 3, 22), 3},
                                       {utc(2026, 3, 25), utc(2026, 3, 25), 1}};
        QCOMPARE(cdd->report.gaps, expected);
        QVERIFY(cdd->report.summary().contains(QStringLiteral("6 missing bars in 4 gaps")));
    }

    void solanaHourlyReportsTheMaintenanceHours()
    {
        REQUIRE_SHARED_DATA();
        auto sol =
            PriceImporter::readFile(QDir(prices).filePath(QStringLiteral("binance-simple/SOLUSDT_1h.csv")), fixedNow());
        QVERIFY2(sol.ok(), qPrintable(message(sol)));
        QCOMPARE(sol->report.missingBars(), 20);
        QCOMPARE(sol->report.gaps.front(), (PriceGap{utc(2020, 11, 30, 6), utc(2020, 11, 30, 6), 1}));
        QCOMPARE(sol->report.gaps.at(1), (PriceGap{utc(2020, 12, 21, 14), utc(2020, 12, 21, 17), 4}));
        QCOMPARE(sol->report.unfinishedSkippedMs.value_or(-1), utc(2026, 1, 6, 9));
    }

    void messyHourlyFileKeepsTheNewerGeneration()
    {
        REQUIRE_SHARED_DATA();
        auto messy = PriceImporter::readFile(
            QDir(prices).filePath(QStringLiteral("messy/Binance_BTCUSDT_1h_2017-2021_mixed.csv")), fixedNow());
        QVERIFY2(messy.ok(), qPrintable(message(messy)));
        const ImportReport &report = messy->report;
        QCOMPARE(report.conflicts.size(), 2649);
        // Newest-first file: the earlier line is the newer write and is kept;
        // here that is always the millisecond row with full precision.
        for (const DuplicateConflict &conflict : report.conflicts)
            QVERIFY(conflict.keptLine < conflict.droppedLine);
        const Candle kept = candleAt(*messy, utc(2020, 11, 20, 7));
        QCOMPARE(kept.close, 18212.0); // not the older generation's 18143.03
        QCOMPARE(kept.volume, 6097.86638);
        // Rows of the old generation (seconds, "05-AM") read at the right hour.
        const Candle old = candleAt(*messy, utc(2017, 8, 17, 5));
        QCOMPARE(old.close, 4315.32);
        QCOMPARE(old.volume, 23.23);
        QCOMPARE(report.missingBars(), 16);
        QCOMPARE(report.gaps.front(), (PriceGap{utc(2017, 9, 22, 20), utc(2017, 9, 22, 23), 4}));
        // 91 rows print a Date 4 hours behind their Unix time; Unix is right
        // (it matches the exchange's daily opens and closes) and is used.
        QCOMPARE(report.dateMismatches.size(), 91);
        QCOMPARE(report.dateMismatches.front(),
                 (ballast::market::DateMismatch{35093, utc(2017, 9, 26, 18), utc(2017, 9, 26, 14)}));
        QCOMPARE(candleAt(*messy, utc(2017, 9, 23)).open, 3595.87);
        QVERIFY(report.summary().contains(QStringLiteral("2649 conflicting duplicates")));
        QVERIFY(report.summary().contains(QStringLiteral("16 missing bars in 8 gaps")));
    }

    void coinGeckoSnapshotsAndMarketCaps()
    {
        REQUIRE_SHARED_DATA();
        auto btc =
            PriceImporter::readFile(QDir(prices).filePath(QStringLiteral("coingecko/btc-usd-max.csv")), fixedNow());
        QVERIFY2(btc.ok(), qPrintable(message(btc)));
        // Off-midnight snapshots go to the UTC date they were taken on.
        QCOMPARE(btc->report.snapped.size(), 4);
        QCOMPARE(btc->report.snapped.front().snappedAtMs, utc(2017, 6, 6, 23, 29) + 55'000);
        QCOMPARE(btc->report.snapped.front().openTimeMs, utc(2017, 6, 6));
        QCOMPARE(candleAt(*btc, utc(2017, 6, 6)).close, 2903.4438);
        QCOMPARE(candleAt(*btc, utc(2017, 6, 7)).close, 2716.0588);
        QCOMPARE(candleAt(*btc, utc(2018, 1, 30)).close, 11095.2106891266);
        // Market caps are carried; an empty one is unknown (0).
        const Candle first = candleAt(*btc, utc(2013, 4, 28));
        QCOMPARE(first.marketCap, 1500517590.0);
        QCOMPARE(first.volume, 0.0);
        QCOMPARE(first.open, first.close); // a price-only file gives flat bars
        QCOMPARE(candleAt(*btc, utc(2017, 4, 2)).marketCap, 0.0);

        auto eth =
            PriceImporter::readFile(QDir(prices).filePath(QStringLiteral("coingecko/eth-usd-max.csv")), fixedNow());
        QVERIFY2(eth.ok(), qPrintable(message(eth)));
        QCOMPARE(eth->candles.front().marketCap, 0.0); // "0.0"
        QCOMPARE(eth->report.snapped.size(), 2);
        QCOMPARE(candleAt(*eth, utc(2017, 4, 2)).marketCap, 0.0); // empty
        QCOMPARE(candleAt(*eth, utc(2017, 4, 2)).volume, 86493796.3560341);
    }

    void yahooNullRowsAreReported()
    {
        REQUIRE_SHARED_DATA();
        auto btc = PriceImporter::readFile(QDir(prices).filePath(QStringLiteral("yahoo/BTC-USD.csv")), fixedNow());
        QVERIFY2(btc.ok(), qPrintable(message(btc)));
        QList<qint64> days;
        for (const auto &row : btc->report.nullRows)
            days << row.openTimeMs;
        QCOMPARE(
            days,
            (QList<qint64>{utc(2020, 4, 17), utc(2020, 10, 9), utc(2020, 10, 12), utc(2020, 10, 13), utc(2021, 6, 7)}));
        QCOMPARE(btc->report.nullRows.back().line, 2457); // the last line, which has no newline
        QVERIFY(btc->report.summary().contains(QStringLiteral("5 null rows skipped")));
    }

    void rejectsSpreadsheetMangledFile()
    {
        REQUIRE_SHARED_DATA();
        const QString path = QDir(prices).filePath(QStringLiteral("messy/coin_Bitcoin_spreadsheet_mangled.csv"));
        auto result = PriceImporter::readFile(path, fixedNow());
        QVERIFY(!result.ok());
        const QString text = result.error().message;
        QVERIFY2(text.contains(QStringLiteral("coin_Bitcoin_spreadsheet_mangled.csv")), qPrintable(text));
        QVERIFY2(text.contains(QStringLiteral("line 2, column 4 \"Date\"")), qPrintable(text));
        QVERIFY2(text.contains(QStringLiteral("29-04-13 23:59")), qPrintable(text));
        QVERIFY2(!text.contains(QLatin1Char('\n')), qPrintable(text));
        // Even with the date column out of the way the numbers are refused.
        auto numbers = PriceImporter::parse(
            QByteArray("Date,High,Low,Open,Close\n2013-04-29,14.748.800.659.179.600,134,13.444.400,1.445.399\n"),
            QStringLiteral("mangled.csv"), ImportOptions{QStringLiteral("BTC"), QStringLiteral("USD")});
        QVERIFY(!numbers.ok());
        QVERIFY2(numbers.error().message.contains(QStringLiteral("line 2, column 5 \"Close\"")),
                 qPrintable(numbers.error().message));
        QVERIFY2(numbers.error().message.contains(QStringLiteral("more than one dot")),
                 qPrintable(numbers.error().message));
    }

    // A real daily file with every date rewritten as its end of day
    // ("2017-08-17" -> "2017-08-17 23:59:59", as end-of-day datasets print it)
    // imports as the very candles of the original, and says how it read them.
    void closeStampedRealFileGivesTheSameCandles()
    {
        REQUIRE_SHARED_DATA();
        const QString path = QDir(prices).filePath(QStringLiteral("binance-simple/BTCUSDT_1d.csv"));
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QByteArray original = file.readAll();
        QByteArray stamped;
        int rows = 0;
        for (const QByteArray &line : original.split('\n')) {
            if (!line.isEmpty() && line[0] >= '0' && line[0] <= '9') {
                const qsizetype comma = line.indexOf(',');
                stamped += line.left(comma) + " 23:59:59" + line.mid(comma) + '\n';
                ++rows;
            } else if (!line.isEmpty()) {
                stamped += line + '\n';
            }
        }
        QVERIFY(rows > 2000);
        const auto want = PriceImporter::parse(original, path, fixedNow());
        const auto got = PriceImporter::parse(stamped, path, fixedNow());
        QVERIFY2(want.ok(), qPrintable(message(want)));
        QVERIFY2(got.ok(), qPrintable(message(got)));
        QCOMPARE(got->interval, QStringLiteral("1d"));
        QCOMPARE(got->candles.size(), want->candles.size());
        QCOMPARE(got->candles, want->candles);
        QCOMPARE(got->candles.front().openTimeMs, utc(2017, 8, 17));
        QCOMPARE(got->report.gaps, want->report.gaps);
        QCOMPARE(got->report.unfinishedSkippedMs, want->report.unfinishedSkippedMs);
        QVERIFY(!want->report.closeStamps);
        QCOMPARE(got->report.closeStamps.value_or(ballast::market::CloseStamps{}).stampAfterOpenMs, 86'399'000);
        QVERIFY2(got->report.summary().contains(
                     QStringLiteral("rows are stamped at the candle's close (23:59:59); filed under the candle "
                                    "opening at 00:00 (2017-08-17 23:59:59 -> 2017-08-17)")),
                 qPrintable(got->report.summary()));
        QVERIFY(!want->report.summary().contains(QStringLiteral("stamped")));
        // And streamed into a database the same way.
        QTemporaryDir dir;
        const QString copy = dir.filePath(QStringLiteral("BTCUSDT_1d.csv"));
        writeFile(copy, stamped);
        ballast::test::TempDatabase temp;
        importMatchesRead(temp, copy, fixedNow());
    }

    void closeStampedRowsFileUnderTheirCandle_data()
    {
        QTest::addColumn<QByteArray>("csv");
        QTest::addColumn<QString>("name");
        QTest::addColumn<QList<qint64>>("opens");
        QTest::addColumn<QString>("note");
        const QList<qint64> days{utc(2024, 1, 1), utc(2024, 1, 2), utc(2024, 1, 3)};
        QTest::newRow("end of day, oldest first")
            << QByteArray("timestamp,open,high,low,close,volume\n"
                          "2024-01-01 23:59:59,1,2,0.5,1.5,10\n"
                          "2024-01-02 23:59:59,1.5,2,1,1.75,11\n"
                          "2024-01-03 23:59:59,1.75,2,1,1.875,12\n"
                          "2024-01-04 23:59:59,1.875,2,1,2,13\n")
            << QStringLiteral("BTCUSDT_1d.csv") << days
            << QStringLiteral("rows are stamped at the candle's close (23:59:59); filed under the candle opening at "
                              "00:00 (2024-01-01 23:59:59 -> 2024-01-01)");
        QTest::newRow("end of day, newest first, generic")
            << QByteArray("Date,Close\n"
                          "2024-01-03T23:59:59Z,3\n"
                          "2024-01-02T23:59:59Z,2\n"
                          "2024-01-01T23:59:59Z,1\n")
            << QStringLiteral("ETH-USD.csv") << days
            << QStringLiteral("rows are stamped at the candle's close (23:59:59); filed under the candle opening at "
                              "00:00");
        QTest::newRow("kline close times in milliseconds")
            << QByteArray("time,close\n1704153599999,1\n1704239999999,2\n1704326399999,3\n")
            << QStringLiteral("SOL-USDT.csv") << days
            << QStringLiteral("rows are stamped at the candle's close (23:59:59.999); filed under the candle opening "
                              "at 00:00 (2024-01-01 23:59:59.999 -> 2024-01-01)");
        QTest::newRow("hourly close stamps")
            << QByteArray("date,close\n2024-01-01 00:59:59,1\n2024-01-01 01:59:59,2\n2024-01-01 02:59:59,3\n")
            << QStringLiteral("BTC-USD.csv")
            << QList<qint64>{utc(2024, 1, 1, 0), utc(2024, 1, 1, 1), utc(2024, 1, 1, 2)}
            << QStringLiteral("rows are stamped at the candle's close (00:59:59); filed under the candle opening at "
                              "00:00 (2024-01-01 00:59:59 -> 2024-01-01)");
        QTest::newRow("weekly close stamps")
            << QByteArray("date,close\n2024-01-07 23:59:59,1\n2024-01-14 23:59:59,2\n2024-01-21 23:59:59,3\n")
            << QStringLiteral("BTC-USD.csv") << QList<qint64>{utc(2024, 1, 1), utc(2024, 1, 8), utc(2024, 1, 15)}
            << QStringLiteral("(2024-01-07 23:59:59 -> 2024-01-01)");
    }

    void closeStampedRowsFileUnderTheirCandle()
    {
        QFETCH(QByteArray, csv);
        QFETCH(QString, name);
        QFETCH(QList<qint64>, opens);
        QFETCH(QString, note);
        ImportOptions options = fixedNow();
        options.lastCandle = ImportOptions::LastCandle::Keep;
        const auto result = PriceImporter::parse(csv, name, options);
        QVERIFY2(result.ok(), qPrintable(message(result)));
        QList<qint64> times;
        for (const Candle &candle : result->candles)
            times << candle.openTimeMs;
        QCOMPARE(times.mid(0, opens.size()), opens);
        QVERIFY(result->report.closeStamps.has_value());
        QVERIFY2(result->report.summary().contains(note), qPrintable(result->report.summary()));
        QTemporaryDir dir;
        const QString path = dir.filePath(name);
        writeFile(path, csv);
        ballast::test::TempDatabase temp;
        importMatchesRead(temp, path, options);
    }

    void mixedStampsAreRefusedWithTheLine_data()
    {
        QTest::addColumn<QByteArray>("csv");
        QTest::addColumn<QString>("error");
        QTest::newRow("one open among closes")
            << QByteArray("date,close\n2024-01-01 23:59:59,1\n2024-01-02 23:59:59,2\n2024-01-03 23:59:59,3\n"
                          "2024-01-05 00:00:00,4\n2024-01-06 23:59:59,5\n2024-01-07 23:59:59,6\n")
            << QStringLiteral("mixed.csv: line 5, column 1 \"date\": 2024-01-05 is stamped at a candle's open, but "
                              "line 2 (2024-01-01 23:59:59) is stamped at a candle's close (1 s before the next "
                              "open); every row must be stamped the same way, at the open or at the close of its 1d "
                              "candle");
        QTest::newRow("one close among opens")
            << QByteArray("date,close\n2024-01-01,1\n2024-01-02,2\n2024-01-03 23:59:59,3\n2024-01-05,4\n"
                          "2024-01-06,5\n")
            << QStringLiteral("mixed.csv: line 4, column 1 \"date\": 2024-01-03 23:59:59 is stamped at a candle's "
                              "close (1 s before the next open), but line 2 (2024-01-01) is stamped at a candle's "
                              "open");
        QTest::newRow("seconds and milliseconds")
            << QByteArray("date,close\n2024-01-01 23:59:59,1\n2024-01-02 23:59:59.999,2\n2024-01-03 23:59:59,3\n"
                          "2024-01-04 23:59:59,4\n2024-01-05 23:59:59,5\n")
            << QStringLiteral("mixed.csv: line 3, column 1 \"date\": 2024-01-02 23:59:59 is stamped at a candle's "
                              "close (1 ms before the next open), but line 2");
        QTest::newRow("two seconds before midnight among closes")
            << QByteArray("date,close\n2024-01-01 23:59:59,1\n2024-01-02 23:59:59,2\n2024-01-03 23:59:58,3\n"
                          "2024-01-04 23:59:59,4\n2024-01-05 23:59:59,5\n")
            << QStringLiteral("mixed.csv: line 4, column 1 \"date\": 2024-01-03 23:59:58 is neither at a 1d candle's "
                              "open nor at its close (1 s before the next open) as line 2 (2024-01-01 23:59:59) is");
        QTest::newRow("two seconds before midnight among opens keeps the grid message")
            << QByteArray("date,close\n2024-01-01,1\n2024-01-02,2\n2024-01-03 23:59:58,3\n2024-01-05,4\n"
                          "2024-01-06,5\n")
            << QStringLiteral("mixed.csv: line 4, column 1 \"date\": 2024-01-03 23:59:58 is not the open time of a "
                              "1d candle");
    }

    void mixedStampsAreRefusedWithTheLine()
    {
        QFETCH(QByteArray, csv);
        QFETCH(QString, error);
        const auto result = PriceImporter::parse(csv, QStringLiteral("mixed.csv"),
                                                 ImportOptions{QStringLiteral("BTC"), QStringLiteral("USD")});
        QVERIFY(!result.ok());
        QVERIFY2(result.error().message.startsWith(error), qPrintable(result.error().message));
        // Nothing stored by importFile either.
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("mixed.csv"));
        writeFile(path, csv);
        ballast::test::TempDatabase temp;
        importMatchesRead(temp, path, ImportOptions{QStringLiteral("BTC"), QStringLiteral("USD")});
    }

    // ---- synthetic layouts -------------------------------------------------

    void readsMicrosecondKlinesFrom2025()
    {
        // Spot archives switched to microseconds on 2025-01-01; no header.
        const char *csv = "1735516800000,93000.1,94000,92000,93500.5,100,1735603199999,0,0,0,0,0\n"
                          "1735603200000,93500.5,95000,93000,94000,110,1735689599999,0,0,0,0,0\n"
                          "1735689600000000,94000,96000,93800,95500.25,120,1735775999999999,0,0,0,0,0\n"
                          "1735776000000000,95500.25,97000,95000,96800,130,1735862399999999,0,0,0,0,0\n";
        const PriceSeries series = parseOk(csv, QStringLiteral("BTCUSDT-1d-2025-01.csv"));
        QCOMPARE(series.layout, CsvLayout::BinanceKline);
        QCOMPARE(series.interval, QStringLiteral("1d"));
        QCOMPARE(series.asset, QStringLiteral("BTC"));
        QCOMPARE(series.candles.size(), 4);
        QCOMPARE(series.candles[2].openTimeMs, utc(2025, 1, 1));
        QCOMPARE(series.candles[2].close, 95500.25);
        QCOMPARE(series.candles[3].openTimeMs, utc(2025, 1, 2));
        QVERIFY(series.report.gaps.isEmpty());
    }

    void readsSemicolonSeparatedFile()
    {
        const char *csv = "Date;Open;High;Low;Close;Volume\n"
                          "2024-01-01;42000;43000;41000;42500.5;12.5\n"
                          "2024-01-02;42500.5;44000;42000;43800;13\n"
                          "2024-01-03;43800;44500;43000;44100;14\n";
        const PriceSeries series =
            parseOk(csv, QStringLiteral("export.csv"),
                    ImportOptions{QStringLiteral("btc"), QStringLiteral("eur"), {}, {}, utc(2026, 1, 1)});
        QCOMPARE(series.layout, CsvLayout::Generic);
        QCOMPARE(series.asset, QStringLiteral("BTC"));
        QCOMPARE(series.quote, QStringLiteral("EUR"));
        QCOMPARE(series.candles.size(), 3);
        QCOMPARE(series.candles[0], (Candle{utc(2024, 1, 1), 42000, 43000, 41000, 42500.5, 12.5, 0}));
    }

    void readsGenericDateAndClose()
    {
        // Any header with a time and a close/price column; Unix seconds; quotes.
        const char *csv = "\"Time\",\"Price (close)\",\"Note\"\n"
                          "\"1704067200\",\"42500.5\",\"a, b\"\n"
                          "1704153600,43800,\n"
                          "1704240000,44100,x\n";
        const PriceSeries series = parseOk(csv, QStringLiteral("ETH-EUR history.csv"));
        QCOMPARE(series.layout, CsvLayout::Generic);
        QCOMPARE(series.asset, QStringLiteral("ETH"));
        QCOMPARE(series.quote, QStringLiteral("EUR"));
        QCOMPARE(series.interval, QStringLiteral("1d"));
        QCOMPARE(series.candles.size(), 3);
        QCOMPARE(series.candles[0].openTimeMs, utc(2024, 1, 1));
        QCOMPARE(series.candles[0].close, 42500.5);
        QCOMPARE(series.candles[0].open, 42500.5);
    }

    void readsTimeFormats_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<qint64>("ms");
        QTest::newRow("date") << "2019-01-01" << utc(2019, 1, 1);
        QTest::newRow("slashes") << "2019/01/01" << utc(2019, 1, 1);
        QTest::newRow("minutes") << "2019-01-01 05:30" << utc(2019, 1, 1, 5, 30);
        QTest::newRow("iso T Z") << "2019-01-01T05:30:00Z" << utc(2019, 1, 1, 5, 30);
        QTest::newRow("fraction") << "2019-01-01T05:30:00.250Z" << utc(2019, 1, 1, 5, 30) + 250;
        QTest::newRow("offset") << "2019-01-01T07:30:00+02:00" << utc(2019, 1, 1, 5, 30);
        QTest::newRow("UTC word") << "2013-04-28 00:00:00 UTC" << utc(2013, 4, 28);
        QTest::newRow("12-AM is midnight") << "2020-08-02 12-AM" << utc(2020, 8, 2);
        QTest::newRow("12-PM is noon") << "2020-08-02 12-PM" << utc(2020, 8, 2, 12);
        QTest::newRow("11-PM") << "2020-08-01 11-PM" << utc(2020, 8, 1, 23);
        QTest::newRow("seconds") << "1502946000" << utc(2017, 8, 17, 5);
        QTest::newRow("seconds .0") << "1502946000.0" << utc(2017, 8, 17, 5);
        QTest::newRow("ms") << "1502946000000" << utc(2017, 8, 17, 5);
        QTest::newRow("us") << "1735689600000000" << utc(2025, 1, 1);
        QTest::newRow("ns") << "1735689600000000000" << utc(2025, 1, 1);
    }

    void readsTimeFormats()
    {
        QFETCH(QString, text);
        QFETCH(qint64, ms);
        const QByteArray utf8 = text.toUtf8();
        qint64 parsed = 0;
        QString why;
        QVERIFY2(ballast::market::CsvValues::parseTime(std::string_view(utf8.constData(), utf8.size()), parsed, why),
                 qPrintable(why));
        QCOMPARE(parsed, ms);
    }

    void refusesAmbiguousTimes_data()
    {
        QTest::addColumn<QString>("text");
        QTest::newRow("day first") << "29-04-13 23:59";
        QTest::newRow("us order") << "04/29/2013";
        QTest::newRow("dotted") << "29.04.2013";
        QTest::newRow("compact") << "20190101";
        QTest::newRow("bad month") << "2019-13-01";
        QTest::newRow("31 feb") << "2019-02-31";
        QTest::newRow("trailing") << "2019-01-01 garbage";
    }

    void refusesAmbiguousTimes()
    {
        QFETCH(QString, text);
        const QByteArray utf8 = text.toUtf8();
        qint64 parsed = 0;
        QString why;
        QVERIFY(!ballast::market::CsvValues::parseTime(std::string_view(utf8.constData(), utf8.size()), parsed, why));
        QVERIFY(!why.isEmpty());
    }

    void conflictingDuplicateKeepsTheNewerWrite()
    {
        // Oldest-first file: the later line is the newer write.
        const char *csv = "timestamp,open,high,low,close,volume\n"
                          "2024-01-01,1,2,0.5,1.5,10\n"
                          "2024-01-02,1.5,2,1,1.8,11\n"
                          "2024-01-02,1.5,2,1,1.9,12\n"
                          "2024-01-03,1.9,2,1,2.0,13\n"
                          "2024-01-03,1.9,2,1,2.0,13\n"
                          "2024-01-04,2.0,2,1,2.1,14\n";
        ImportOptions options = fixedNow();
        options.lastCandle = ImportOptions::LastCandle::Keep;
        const PriceSeries series = parseOk(csv, QStringLiteral("BTCUSDT_1d.csv"), options);
        QCOMPARE(series.candles.size(), 4);
        QCOMPARE(series.candles[1].close, 1.9);
        QCOMPARE(series.report.exactDuplicates, 1);
        QCOMPARE(series.report.conflicts, (QList<DuplicateConflict>{{utc(2024, 1, 2), 4, 3}}));
        QVERIFY(series.report.summary().contains(QStringLiteral("1 exact duplicates dropped")));
        QVERIFY(series.report.summary().contains(QStringLiteral("2024-01-02 line 4 over 3")));

        // Newest-first file: the earlier line is the newer write.
        const char *reversed = "Unix,Date,Symbol,Open,High,Low,Close,Volume BTC,Volume USDT,tradecount\n"
                               "1704153600000,2024-01-02,BTCUSDT,1.5,2,1,1.9,12,0,0\n"
                               "1704153600000,2024-01-02,BTCUSDT,1.5,2,1,1.8,11,0,0\n"
                               "1704067200000,2024-01-01,BTCUSDT,1,2,0.5,1.5,10,0,0\n";
        const PriceSeries cdd = parseOk(reversed, QStringLiteral("x.csv"));
        QCOMPARE(cdd.layout, CsvLayout::CryptoDataDownload);
        QCOMPARE(cdd.candles.size(), 2);
        QCOMPARE(cdd.candles[1].close, 1.9);
        QCOMPARE(cdd.report.conflicts, (QList<DuplicateConflict>{{utc(2024, 1, 2), 2, 3}}));
    }

    void unixWinsOverPrintedDate()
    {
        const char *csv = "https://www.CryptoDataDownload.com\n"
                          "Unix,Date,Symbol,Open,High,Low,Close,Volume BTC,Volume USDT,tradecount\n"
                          "1704153600000,2024-01-02,BTC/USDT,1,1,1,2,1,1,NULL\n"
                          "1704067200.0,2023-12-31,BTC/USDT,1,1,1,1,1,1,NULL\n";
        const PriceSeries series = parseOk(csv, QStringLiteral("x.csv"));
        QCOMPARE(series.layout, CsvLayout::CryptoDataDownload);
        QCOMPARE(series.asset, QStringLiteral("BTC"));
        QCOMPARE(series.candles.size(), 2);
        QCOMPARE(series.candles.front().openTimeMs, utc(2024, 1, 1));
        QCOMPARE(series.report.dateMismatches,
                 (QList<ballast::market::DateMismatch>{{4, utc(2024, 1, 1), utc(2023, 12, 31)}}));
        QVERIFY(series.report.summary().contains(QStringLiteral("line 4 says 2023-12-31 for 2024-01-01")));
        // Older files name the first column "Unix Timestamp".
        const PriceSeries older = parseOk("Unix Timestamp,Date,Symbol,Open,High,Low,Close,Volume BTC,Volume USD\n"
                                          "1704153600,2024-01-02,BTCUSD,1,1,1,2,1,1\n"
                                          "1704067200,2024-01-01,BTCUSD,1,1,1,1,1,1\n",
                                          QStringLiteral("gemini.csv"));
        QCOMPARE(older.layout, CsvLayout::CryptoDataDownload);
        QCOMPARE(older.quote, QStringLiteral("USD"));
        QCOMPARE(older.candles.size(), 2);
        QVERIFY(older.report.dateMismatches.isEmpty());
    }

    void unfinishedCandleRules()
    {
        const char *csv = "date,close\n2026-01-01,1\n2026-01-02,2\n2026-01-03,3\n";
        ImportOptions options{QStringLiteral("BTC"), QStringLiteral("USD")};
        // Closed long ago: kept.
        options.nowMs = utc(2026, 2, 1);
        QCOMPARE(parseOk(csv, QStringLiteral("a.csv"), options).candles.size(), 3);
        // Its close (2026-01-04 00:00) is after now: still running, skipped.
        options.nowMs = utc(2026, 1, 3, 12);
        PriceSeries running = parseOk(csv, QStringLiteral("a.csv"), options);
        QCOMPARE(running.candles.size(), 2);
        QCOMPARE(running.report.unfinishedSkippedMs.value_or(-1), utc(2026, 1, 3));
        QVERIFY(running.report.summary().contains(QStringLiteral("unfinished last candle 2026-01-03 skipped")));
        // The caller can overrule.
        options.lastCandle = ImportOptions::LastCandle::Keep;
        QCOMPARE(parseOk(csv, QStringLiteral("a.csv"), options).candles.size(), 3);
        options.lastCandle = ImportOptions::LastCandle::Skip;
        options.nowMs = utc(2026, 2, 1);
        QCOMPARE(parseOk(csv, QStringLiteral("a.csv"), options).candles.size(), 2);
    }

    void emptyFileAndHeaderOnlyAreErrors()
    {
        auto empty = PriceImporter::parse(QByteArray(), QStringLiteral("empty.csv"), fixedNow());
        QVERIFY(!empty.ok());
        QCOMPARE(empty.error().code, QStringLiteral("import.empty"));
        QVERIFY(empty.error().message.startsWith(QStringLiteral("empty.csv: ")));
        auto header = PriceImporter::parse(QByteArray("timestamp,open,high,low,close,volume\r\n"),
                                           QStringLiteral("BTCUSDT_1d.csv"), fixedNow());
        QVERIFY(!header.ok());
        QCOMPARE(header.error().code, QStringLiteral("import.empty"));
        QVERIFY2(header.error().message.contains(QStringLiteral("no price rows")), qPrintable(message(header)));
        auto unknown = PriceImporter::parse(QByteArray("name,colour\nx,y\n"), QStringLiteral("x.csv"), fixedNow());
        QVERIFY(!unknown.ok());
        QCOMPARE(unknown.error().code, QStringLiteral("import.layout"));
    }

    void refusesWhatCannotBeReadHonestly_data()
    {
        QTest::addColumn<QByteArray>("csv");
        QTest::addColumn<QString>("expected"); // part of the message
        QTest::newRow("bad number") << QByteArray("date,close\n2024-01-01,1\n2024-01-02,1x\n2024-01-03,3\n")
                                    << "line 3, column 2 \"close\": \"1x\" is not a number";
        QTest::newRow("decimal comma") << QByteArray("date;close\n2024-01-01;1,5\n2024-01-02;2\n")
                                       << "line 2, column 2 \"close\": \"1,5\" has a comma";
        QTest::newRow("negative") << QByteArray("date,close\n2024-01-01,-1\n2024-01-02,2\n")
                                  << "line 2, column 2 \"close\": \"-1\" is not a price above zero";
        QTest::newRow("partly null") << QByteArray("date,open,close\n2024-01-01,1,null\n2024-01-02,2,2\n")
                                     << "line 2, column 3 \"close\": \"null\" is null while column 2 is not";
        QTest::newRow("short row") << QByteArray("date,open,close\n2024-01-01,1\n")
                                   << "line 2, column 3 \"close\": missing";
        QTest::newRow("extra value") << QByteArray("date,close\n2024-01-01,1,7\n")
                                     << "line 2, column 3: \"7\" is beyond the 2 columns";
        QTest::newRow("off grid") << QByteArray("date,close\n2024-01-01 23:59,1\n2024-01-02 23:59,2\n")
                                  << "line 2, column 1 \"date\": 2024-01-01 23:59 is not the open time of a 1d candle";
        QTest::newRow("day first") << QByteArray("date,close\n01-02-2024,1\n")
                                   << "line 2, column 1 \"date\": \"01-02-2024\" does not start";
        QTest::newRow("odd spacing") << QByteArray("date,close\n2024-01-01 00:00,1\n2024-01-01 00:07,2\n")
                                     << "cannot infer the interval";
        QTest::newRow("two symbols") << QByteArray(
            "Unix,Date,Symbol,Open,High,Low,Close,Volume\n1704153600000,2024-01-02,BTCUSDT,1,1,1,1,1\n"
            "1704067200000,2024-01-01,ETHUSDT,1,1,1,1,1\n")
                                     << "line 3, column 3 \"Symbol\": \"ETHUSDT\" differs from the symbol on line 2";
        QTest::newRow("unreadable date column")
            << QByteArray("Unix,Date,Symbol,Open,High,Low,Close,Volume\n1704153600000,03/01/2024,BTCUSDT,1,1,1,1,1\n")
            << "line 2, column 2 \"Date\": \"03/01/2024\" does not start";
        QTest::newRow("unterminated quote") << QByteArray("date,close\n\"2024-01-01,1\n") << "line 2, column 1";
    }

    void refusesWhatCannotBeReadHonestly()
    {
        QFETCH(QByteArray, csv);
        QFETCH(QString, expected);
        auto result = PriceImporter::parse(csv, QStringLiteral("in.csv"),
                                           ImportOptions{QStringLiteral("BTC"), QStringLiteral("USD")});
        QVERIFY(!result.ok());
        QVERIFY2(result.error().message.startsWith(QStringLiteral("in.csv: ")), qPrintable(result.error().message));
        QVERIFY2(result.error().message.contains(expected), qPrintable(result.error().message));
        QVERIFY2(!result.error().message.contains(QLatin1Char('\n')), qPrintable(result.error().message));
    }

    void assetAndQuoteInference_data()
    {
        QTest::addColumn<QString>("fileName");
        QTest::addColumn<QString>("asset");
        QTest::addColumn<QString>("quote");
        QTest::newRow("concatenated") << "BTCUSDT_1d.csv"
                                      << "BTC"
                                      << "USDT";
        QTest::newRow("cdd") << "Binance_ETHUSDT_d.csv"
                             << "ETH"
                             << "USDT";
        QTest::newRow("yahoo") << "BTC-USD.csv"
                               << "BTC"
                               << "USD";
        QTest::newRow("yahoo numbered") << "SOL1-USD.csv"
                                        << "SOL"
                                        << "USD";
        QTest::newRow("coingecko") << "btc-usd-max.csv"
                                   << "BTC"
                                   << "USD";
        QTest::newRow("vision") << "ADAUSDT-1m-2025-01.csv"
                                << "ADA"
                                << "USDT";
        QTest::newRow("fdusd") << "BTCFDUSD_1h.csv"
                               << "BTC"
                               << "FDUSD";
        QTest::newRow("cross") << "ETHBTC_1d.csv"
                               << "ETH"
                               << "BTC";
    }

    void assetAndQuoteInference()
    {
        QFETCH(QString, fileName);
        QFETCH(QString, asset);
        QFETCH(QString, quote);
        const PriceSeries series = parseOk("date,close\n2024-01-01,1\n2024-01-02,2\n", fileName);
        QCOMPARE(series.asset, asset);
        QCOMPARE(series.quote, quote);
    }

    void assetFromOptionsOrAnError()
    {
        const QByteArray csv("date,close\n2024-01-01,1\n2024-01-02,2\n");
        auto unknown = PriceImporter::parse(csv, QStringLiteral("prices.csv"), fixedNow());
        QVERIFY(!unknown.ok());
        QCOMPARE(unknown.error().code, QStringLiteral("import.asset"));
        QVERIFY(unknown.error().message.contains(QStringLiteral("--asset")));
        ImportOptions options = fixedNow();
        options.asset = QStringLiteral("btc");
        auto noQuote = PriceImporter::parse(csv, QStringLiteral("prices.csv"), options);
        QVERIFY(!noQuote.ok());
        QVERIFY(noQuote.error().message.contains(QStringLiteral("--quote")));
        // Options override what the file name says.
        options.asset = QStringLiteral("WBTC");
        options.quote = QStringLiteral("USDC");
        const PriceSeries series = parseOk(csv.constData(), QStringLiteral("BTC-USD.csv"), options);
        QCOMPARE(series.asset, QStringLiteral("WBTC"));
        QCOMPARE(series.quote, QStringLiteral("USDC"));
    }

    void intervalFromCloseTimeNameOrOptions()
    {
        const QByteArray one("date,close\n2024-01-01,1\n");
        auto unknown = PriceImporter::parse(one, QStringLiteral("BTC-USD.csv"), fixedNow());
        QVERIFY(!unknown.ok());
        QCOMPARE(unknown.error().code, QStringLiteral("import.interval"));
        QVERIFY(unknown.error().message.contains(QStringLiteral("--interval")));
        QCOMPARE(parseOk(one.constData(), QStringLiteral("BTCUSDT_1h.csv")).interval, QStringLiteral("1h"));
        ImportOptions options = fixedNow();
        options.interval = QStringLiteral("1d");
        QCOMPARE(parseOk(one.constData(), QStringLiteral("BTC-USD.csv"), options).interval, QStringLiteral("1d"));
        // Given but contradicted by the spacing: refused.
        options.interval = QStringLiteral("1h");
        auto contradicted = PriceImporter::parse(QByteArray("date,close\n2024-01-01,1\n2024-01-02,2\n"),
                                                 QStringLiteral("BTC-USD.csv"), options);
        QVERIFY(!contradicted.ok());
        QVERIFY(contradicted.error().message.contains(QStringLiteral("does not match")));
    }

    void handlesLineEndings()
    {
        // CRLF, a lone-CR file, blank lines and no final newline.
        const PriceSeries crlf =
            parseOk("date,close\r\n2024-01-01,1\r\n\r\n2024-01-02,2", QStringLiteral("BTC-USD.csv"));
        QCOMPARE(crlf.candles.size(), 2);
        QCOMPARE(crlf.candles[1].close, 2.0);
        const PriceSeries cr = parseOk("date,close\r2024-01-01,1\r2024-01-02,2\r", QStringLiteral("BTC-USD.csv"));
        QCOMPARE(cr.candles.size(), 2);
        const PriceSeries bom = parseOk("\xEF\xBB\xBF"
                                        "Date,Close\n2024-01-01,1\n2024-01-02,2\n",
                                        QStringLiteral("BTC-USD.csv"));
        QCOMPARE(bom.candles.size(), 2);
    }

    // ---- files that are not UTF-8 text -------------------------------------

    void refusesFilesThatAreNotText_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<QString>("expected");
        const QByteArray text("Date,Close\n2024-01-01,100\n2024-01-02,101\n2024-01-03,102\n");
        auto wide = [&text](const QByteArray &bom, bool bigEndian) {
            QByteArray out = bom;
            for (const char c : text) {
                out += bigEndian ? '\0' : c;
                out += bigEndian ? c : '\0';
            }
            return out;
        };
        const QString utf16 =
            QStringLiteral("the file is UTF-16 encoded; save it as UTF-8 (or ASCII) and import again");
        QByteArray nul = text;
        nul.insert(text.indexOf("101") + 1, '\0'); // "1\0" "01": line 3, column 13
        QTest::newRow("NUL byte") << nul
                                  << QStringLiteral(
                                         "contains a NUL byte (0x00) at line 3, column 13; the file is not text");
        QByteArray nulFirst = text;
        nulFirst[0] = '\0';
        QTest::newRow("NUL first") << nulFirst << QStringLiteral("NUL byte (0x00) at line 1, column 1;");
        QByteArray nulCr = text;
        nulCr.replace('\n', '\r');
        nulCr.insert(nulCr.indexOf("102"), '\0');
        QTest::newRow("NUL, CR lines") << nulCr << QStringLiteral("NUL byte (0x00) at line 4, column 12;");
        QTest::newRow("UTF-16LE with BOM") << wide(QByteArray("\xFF\xFE"), false) << utf16;
        QTest::newRow("UTF-16BE with BOM") << wide(QByteArray("\xFE\xFF"), true) << utf16;
        QTest::newRow("UTF-16LE without BOM") << wide(QByteArray(), false) << utf16;
        QTest::newRow("UTF-16BE without BOM") << wide(QByteArray(), true) << utf16;
        const QString utf32 =
            QStringLiteral("the file is UTF-32 encoded; save it as UTF-8 (or ASCII) and import again");
        QTest::newRow("UTF-32LE with BOM") << QByteArray("\xFF\xFE\x00\x00"
                                                         "D\x00\x00\x00",
                                                         8)
                                           << utf32;
        QTest::newRow("UTF-32BE with BOM") << QByteArray("\x00\x00\xFE\xFF\x00\x00\x00"
                                                         "D",
                                                         8)
                                           << utf32;
    }

    void refusesFilesThatAreNotText()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(QString, expected);
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString path = dir.filePath(QStringLiteral("BTC-EUR.csv"));
        writeFile(path, bytes);
        auto result = PriceImporter::readFile(path, fixedNow());
        QVERIFY(!result.ok());
        const QString text = result.error().message;
        QVERIFY2(text.startsWith(QDir::toNativeSeparators(path) + QStringLiteral(": ")), qPrintable(text));
        QVERIFY2(text.contains(expected), qPrintable(text));
        QVERIFY2(!text.contains(QLatin1Char('\0')), qPrintable(text));
        // Nothing reaches the database.
        ballast::test::TempDatabase temp;
        QVERIFY(!PriceImporter::importFile(temp.db(), path, fixedNow()).ok());
        QCOMPARE(temp.db().scalar("SELECT count(*) FROM candles"), QStringLiteral("0"));
    }

    void acceptsUtf8WithAndWithoutBom()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QByteArray text("Date,Close\n2024-01-01,100\n2024-01-02,101\n2024-01-03,102\n");
        for (const QByteArray &bom : {QByteArray(), QByteArray("\xEF\xBB\xBF")}) {
            const QString path = dir.filePath(QStringLiteral("BTC-EUR.csv"));
            writeFile(path, bom + text);
            auto result = PriceImporter::readFile(path, fixedNow());
            QVERIFY2(result.ok(), qPrintable(message(result)));
            QCOMPARE(result->candles.size(), 3);
            QCOMPARE(result->candles[1].close, 101.0);
        }
    }

    // ---- into the database -------------------------------------------------

    void importFileStoresEveryCandle()
    {
        REQUIRE_SHARED_DATA();
        ballast::test::TempDatabase temp;
        const QString path = QDir(prices).filePath(QStringLiteral("coingecko/eth-usd-max.csv"));
        auto series = PriceImporter::readFile(path, fixedNow());
        QVERIFY2(series.ok(), qPrintable(message(series)));
        auto report = PriceImporter::importFile(temp.db(), path, fixedNow());
        QVERIFY2(report.ok(), report.ok() ? "" : qPrintable(report.error().message));
        QCOMPARE(report->candlesStored, 3448);
        ballast::storage::PriceStore store(temp.db());
        auto stored = store.candles(QStringLiteral("ETH"), QStringLiteral("USD"), QStringLiteral("1d"));
        QVERIFY(stored.ok());
        QCOMPARE(*stored, series->candles);
        QCOMPARE(temp.db().scalar("SELECT DISTINCT source FROM candles"), QStringLiteral("import"));
        // Importing again replaces, never duplicates.
        auto again = PriceImporter::importFile(temp.db(), path, fixedNow());
        QVERIFY(again.ok());
        QCOMPARE(temp.db().scalar("SELECT count(*) FROM candles"), QStringLiteral("3448"));
    }

    void badNumberInTheMiddleStoresNothing()
    {
        ballast::test::TempDatabase temp;
        temp.db().exec("INSERT INTO candles (asset, quote, interval, ts, open, high, low, close, volume, source) "
                       "VALUES ('BTC', 'USDT', '1h', 1, 1, 1, 1, 1, 1, 'manual')");
        const QByteArray before = ballast::test::contentDigest(temp.db());
        QByteArray csv("timestamp,open,high,low,close,volume\n");
        for (int hour = 0; hour < 48; ++hour) {
            csv += QStringLiteral("2024-01-%1 %2:00:00,1,2,0.5,%3,10\n")
                       .arg(1 + hour / 24, 2, 10, QLatin1Char('0'))
                       .arg(hour % 24, 2, 10, QLatin1Char('0'))
                       .arg(hour == 30 ? QStringLiteral("1.2.3") : QStringLiteral("1.5"))
                       .toLatin1();
        }
        const QString path = QDir(temp.dir()).filePath(QStringLiteral("BTCUSDT_1h.csv"));
        writeFile(path, csv);
        auto report = PriceImporter::importFile(temp.db(), path, fixedNow());
        QVERIFY(!report.ok());
        QVERIFY2(report.error().message.contains(QStringLiteral("BTCUSDT_1h.csv: line 32, column 5 \"close\"")),
                 qPrintable(report.error().message));
        QCOMPARE(ballast::test::contentDigest(temp.db()), before);
        QCOMPARE(temp.db().scalar("SELECT count(*) FROM candles"), QStringLiteral("1"));
    }

    void databaseFailureMidwayRollsBack()
    {
        ballast::test::TempDatabase temp;
        // A trigger that refuses one row in the middle of the second batch of
        // a multi-row insert: the rows before it must go too.
        const qint64 refused = utc(2024, 1, 1) + 74 * 86'400'000LL;
        temp.db().exec(QByteArray("CREATE TRIGGER refuse BEFORE INSERT ON candles WHEN NEW.ts = "
                                  + QByteArray::number(refused) + " BEGIN SELECT RAISE(ABORT, 'refused by test'); END")
                           .constData());
        const QByteArray before = ballast::test::contentDigest(temp.db());
        QByteArray csv("Date,Close\n");
        for (int day = 0; day < 130; ++day)
            csv += QDate(2024, 1, 1).addDays(day).toString(Qt::ISODate).toLatin1() + ",1\n";
        const QString path = QDir(temp.dir()).filePath(QStringLiteral("BTC-USD.csv"));
        writeFile(path, csv);
        auto report = PriceImporter::importFile(temp.db(), path, fixedNow());
        QVERIFY(!report.ok());
        QVERIFY2(report.error().message.contains(QStringLiteral("refused by test")),
                 qPrintable(report.error().message));
        QCOMPARE(ballast::test::contentDigest(temp.db()), before);
        QCOMPARE(temp.db().scalar("SELECT count(*) FROM candles"), QStringLiteral("0"));
        QVERIFY(!temp.db().inTransaction());
        // Without the trigger all 130 land (two batches and 30 single rows).
        temp.db().exec("DROP TRIGGER refuse");
        auto stored = PriceImporter::importFile(temp.db(), path, fixedNow());
        QVERIFY(stored.ok());
        QCOMPARE(stored->candlesStored, 130);
        QCOMPARE(temp.db().scalar("SELECT count(*) FROM candles"), QStringLiteral("130"));
    }

    // ---- importFile streams: it must agree with readFile ------------------

    void importMatchesReadForEverySharedFile()
    {
        REQUIRE_SHARED_DATA();
        const QStringList folders = QDir(prices).entryList(QDir::Dirs | QDir::NoDotAndDotDot);
        int files = 0;
        ballast::test::TempDatabase temp;
        for (const QString &folder : folders) {
            const QDir dir(QDir(prices).filePath(folder));
            for (const QString &name : dir.entryList(QDir::Files)) {
                importMatchesRead(temp, dir.filePath(name), fixedNow());
                if (QTest::currentTestFailed())
                    QFAIL(qPrintable(folder + QLatin1Char('/') + name));
                ++files;
            }
        }
        QCOMPARE(files, 23);
    }

    // Files of several chunks of rows, with what makes the streaming give up
    // (and the sorted import take over) past the first chunk.
    void importMatchesReadOnLargeFiles_data()
    {
        using Change = RowChange;
        QTest::addColumn<int>("rows");
        QTest::addColumn<bool>("newestFirst");
        QTest::addColumn<Change>("change");
        QTest::addColumn<bool>("keepLast");
        QTest::addColumn<QString>("error"); // part of the message, empty when it imports
        const Change none;
        QTest::newRow("oldest first") << 20000 << false << none << false << QString();
        QTest::newRow("newest first") << 20000 << true << none << false << QString();
        QTest::newRow("newest first, last kept") << 20000 << true << none << true << QString();
        QTest::newRow("one row") << 1 << false << none << true << QString();
        QTest::newRow("one row, may be unfinished")
            << 1 << false << none << false << QStringLiteral("the only candle (2024-01-01)");
        QTest::newRow("gaps") << 20000 << false << Change([](int row, qint64 &time, QByteArray &) {
            if (row >= 9000)
                time += 7 * 60'000; // 7 missing minutes after row 8999
            if (row >= 19999)
                time += 60'000; // and one before the newest
        }) << false << QString();
        QTest::newRow("gaps, newest first") << 20000 << true << Change([](int row, qint64 &time, QByteArray &) {
            if (row >= 12000)
                time += 3 * 60'000;
            if (row >= 19999)
                time += 2 * 60'000;
        }) << true << QString();
        QTest::newRow("repeated time past the first chunk")
            << 20000 << false << Change([](int row, qint64 &time, QByteArray &) {
                   if (row == 17001)
                       time -= 60'000; // the same time as row 17000, another close
               })
            << false << QString();
        QTest::newRow("out of order past the first chunk")
            << 20000 << false << Change([](int row, qint64 &time, QByteArray &) {
                   if (row == 18000 || row == 18001)
                       time += (row == 18000 ? 1 : -1) * 60'000;
               })
            << false << QString();
        QTest::newRow("bad number past the first chunk")
            << 20000 << false << Change([](int row, qint64 &, QByteArray &close) {
                   if (row == 17000)
                       close = "1.2.3";
               })
            << false << QStringLiteral("line 17002, column 5 \"close\"");
        QTest::newRow("off the grid past the first chunk")
            << 20000 << false << Change([](int row, qint64 &time, QByteArray &) {
                   if (row >= 17000)
                       time += 30'000;
               })
            << false << QStringLiteral("line 17002");
        QTest::newRow("close stamps") << 20000 << false << Change([](int, qint64 &time, QByteArray &) {
            time += 59'000; // 00:00:59 for the minute opening at 00:00
        }) << false << QString();
        QTest::newRow("close stamps, newest first")
            << 20000 << true << Change([](int, qint64 &time, QByteArray &) { time += 59'000; }) << true << QString();
        QTest::newRow("close stamps that stop past the first chunk")
            << 20000 << false << Change([](int row, qint64 &time, QByteArray &) {
                   if (row < 17000)
                       time += 59'000;
               })
            << false
            << QStringLiteral("line 17002, column 1 \"timestamp\": 2024-01-12 19:20 is stamped at a candle's open");
        // Rows in no order at all: row i of the file is minute 7919 i mod
        // 20000 (7919 is prime to 20000, so every minute comes once).
        const auto shuffled = [](int row, qint64 &time) {
            time = utc(2024, 1, 1) + (static_cast<qint64>(row) * 7919 % 20000) * 60'000;
        };
        QTest::newRow("shuffled") << 20000 << false
                                  << Change([shuffled](int row, qint64 &time, QByteArray &) { shuffled(row, time); })
                                  << false << QString();
        QTest::newRow("shuffled, repeated times")
            << 20000 << false << Change([shuffled](int row, qint64 &time, QByteArray &close) {
                   shuffled(row, time);
                   if (row % 500 == 3) // the time of row 2; another close for half of them, the same for the rest
                       shuffled(row - 1, time);
                   if (row % 1000 == 3)
                       close = QByteArray::number(100 + (row - 1) % 97) + ".25";
                   if (row % 4000 == 4) // three rows at the time of row 2
                       shuffled(row - 2, time);
               })
            << true << QString();
        QTest::newRow("newest first, repeated times past the first chunk")
            << 20000 << true << Change([](int row, qint64 &time, QByteArray &) {
                   if (row % 3000 == 7)
                       time -= 60'000;
               })
            << false << QString();
        QTest::newRow("shuffled close stamps")
            << 20000 << false << Change([shuffled](int row, qint64 &time, QByteArray &) {
                   shuffled(row, time);
                   time += 59'000;
               })
            << false << QString();
        QTest::newRow("shuffled, close stamps that stop")
            << 20000 << false << Change([shuffled](int row, qint64 &time, QByteArray &) {
                   shuffled(row, time);
                   if (row < 17000)
                       time += 59'000;
               })
            << false << QStringLiteral("line 17002, column 1 \"timestamp\"");
        // The sorted rows are merged back once and written as they come,
        // the interval told by the first 8,192 and the stamp by the first
        // line, both checked against the whole file at the end (runSorted).
        // Each place in time (0-19,999) comes once, in the order above.
        const auto spaced = [](int row, qint64 &time, qint64 firstSpacing) {
            const qint64 at = static_cast<qint64>(row) * 7919 % 20000;
            time = utc(2024, 1, 1) + (at < 9000 ? at * firstSpacing : 9000 * firstSpacing + (at - 9000) * 60'000);
        };
        QTest::newRow("shuffled, sparse at first") // 5m apart in the first rows, 1m in most: sorted again
            << 20000 << false << Change([spaced](int row, qint64 &time, QByteArray &) { spaced(row, time, 300'000); })
            << false << QString();
        QTest::newRow("shuffled, an odd spacing at first") // 7 minutes tell no interval: merged twice
            << 20000 << false << Change([spaced](int row, qint64 &time, QByteArray &) { spaced(row, time, 420'000); })
            << false << QString();
        QTest::newRow("shuffled, the first line a repeat stamped at the close")
            << 20000 << false << Change([shuffled](int row, qint64 &time, QByteArray &) {
                   shuffled(row, time);
                   if (row == 0 || row == 5) // line 7 is kept, line 3 is the first kept line
                       time = utc(2024, 1, 1) + 59'000;
               })
            << false << QStringLiteral("line 7, column 1 \"timestamp\"");
        QTest::newRow("shuffled, bad number")
            << 20000 << false << Change([shuffled](int row, qint64 &time, QByteArray &close) {
                   shuffled(row, time);
                   if (row == 17000)
                       close = "1.2.3";
               })
            << false << QStringLiteral("line 17002, column 5 \"close\"");
        QTest::newRow("shuffled, off the grid")
            << 20000 << false << Change([shuffled](int row, qint64 &time, QByteArray &) {
                   shuffled(row, time);
                   if (row % 5000 == 4999)
                       time += 30'000;
               })
            << false << QStringLiteral("is not the open time of a 1m candle");
        // NUL bytes are looked for as the text is read, yet refuse the file
        // before anything else does.
        const auto nulIn = [](QByteArray &close) {
            close = QByteArray("1\0"
                               "2.5",
                               5);
        };
        QTest::newRow("NUL byte past the first chunk")
            << 20000 << false << Change([nulIn](int row, qint64 &, QByteArray &close) {
                   if (row == 17000)
                       nulIn(close);
               })
            << false << QStringLiteral("contains a NUL byte (0x00) at line 17002, column");
        QTest::newRow("NUL byte after a bad number")
            << 20000 << false << Change([nulIn](int row, qint64 &, QByteArray &close) {
                   if (row == 9000)
                       close = "1.2.3";
                   if (row == 17000)
                       nulIn(close);
               })
            << false << QStringLiteral("contains a NUL byte (0x00) at line 17002, column");
        QTest::newRow("shuffled, NUL byte after a bad number")
            << 20000 << false << Change([shuffled, nulIn](int row, qint64 &time, QByteArray &close) {
                   shuffled(row, time);
                   if (row == 9000)
                       close = "1.2.3";
                   if (row == 17000)
                       nulIn(close);
               })
            << false << QStringLiteral("contains a NUL byte (0x00) at line 17002, column");
        QTest::newRow("shuffled, NUL byte in the first half, a bad number in the second")
            << 20000 << false << Change([shuffled, nulIn](int row, qint64 &time, QByteArray &close) {
                   shuffled(row, time);
                   if (row == 9000)
                       nulIn(close);
                   if (row == 17000)
                       close = "1.2.3";
               })
            << false << QStringLiteral("contains a NUL byte (0x00) at line 9002, column");
        QTest::newRow("another interval after the first chunk")
            << 20000 << false << Change([](int row, qint64 &time, QByteArray &) {
                   if (row >= 8000) // 1m in the first chunk, 5m in most of the file
                       time = utc(2024, 1, 1) + 8000LL * 60'000 + (row - 8000) * 300'000LL;
               })
            << false << QStringLiteral("line 3, column 1 \"timestamp\"");
    }

    void importMatchesReadOnLargeFiles()
    {
        using Change = RowChange;
        QFETCH(int, rows);
        QFETCH(bool, newestFirst);
        QFETCH(Change, change);
        QFETCH(bool, keepLast);
        QFETCH(QString, error);
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("BTCUSDT-1m.csv"));
        writeFile(path, minuteFile(rows, newestFirst, change));
        ImportOptions options = fixedNow();
        if (keepLast)
            options.lastCandle = ImportOptions::LastCandle::Keep;
        auto read = PriceImporter::readFile(path, options);
        QCOMPARE(read.ok(), error.isEmpty());
        if (!error.isEmpty())
            QVERIFY2(read.error().message.contains(error), qPrintable(read.error().message));
        if (!m_importDb)
            m_importDb = std::make_unique<ballast::test::TempDatabase>();
        importMatchesRead(*m_importDb, path, options);
        if (QTest::currentTestFailed() || !error.isEmpty()
            || !QByteArray(QTest::currentDataTag()).startsWith("shuffled"))
            return;
        // The shuffled files went the sorted way, not the whole-file read
        // (which gives the same result): 20 runs of 1,000 rows.
        options.sortRunRows = 1000;
        auto sorted = PriceImporter::importFile(m_importDb->db(), path, options);
        QVERIFY(sorted.ok());
        QCOMPARE(sorted->sortedRuns, 20); // ten of each half
        QCOMPARE(sorted->sortReaders, std::thread::hardware_concurrency() > 1 ? 2 : 1);
        const QByteArray tag = QTest::currentDataTag();
        QCOMPARE(sorted->sortedAgain, tag.contains("sparse at first"));
        QCOMPARE(sorted->sortMerges, sorted->sortedAgain || tag.contains("odd spacing") ? 2 : 1);

        // Where no temporary file can be made (a full disk, a folder that
        // cannot be written or is missing), the whole-file read takes over
        // with the same result. TMPDIR names a file (even root cannot make
        // one in it), then a missing folder (for which Qt's temporary path is
        // empty and the file would go to the root of the file system, which
        // root may write: the import must not use it). A fresh ledger each
        // time, so the candles compared are the ones this import stored.
        QTemporaryDir folder;
        const QString notAFolder = folder.filePath(QStringLiteral("file"));
        writeFile(notAFolder, "x");
        const QByteArray tmpdir = qgetenv("TMPDIR");
        const auto restoreTmpdir = [&tmpdir] {
            if (tmpdir.isNull())
                qunsetenv("TMPDIR");
            else
                qputenv("TMPDIR", tmpdir);
        };
        const auto restore = qScopeGuard(restoreTmpdir);
        for (const QString &place : {notAFolder, folder.filePath(QStringLiteral("missing"))}) {
            ballast::test::TempDatabase fresh;
            qputenv("TMPDIR", QFile::encodeName(place));
            auto whole = PriceImporter::importFile(fresh.db(), path, options);
            restoreTmpdir();
            QVERIFY(whole.ok());
            QCOMPARE(whole->sortedRuns, 0);
            QCOMPARE(whole->summary(), read->report.summary());
            auto stored = ballast::storage::PriceStore(fresh.db()).candles(read->asset, read->quote, read->interval);
            QVERIFY(stored.ok());
            QCOMPARE(*stored, read->candles);
        }
    }

    // A large file that must be sorted is read on two threads, one per half
    // (priceimporter.cpp, readRowsInTwo). What a reading in one go meets
    // first must stay first: a refusal in the first half before any in the
    // second, a symbol in the second half unlike the first half's. The pair
    // is settled in the second half when the first has no prices. The files
    // have 20,000 rows in no order: the streaming import reads 8,192 before
    // it gives up, so what it meets in them it reports itself and the
    // refusals here lie beyond. importMatchesRead compares each import with
    // readFile (one thread) and sorts in runs of 7 rows as well, which reads
    // in two from 448 bytes of text.
    void sortedImportReadsInTwoAsInOne_data()
    {
        QTest::addColumn<bool>("symbolColumn");
        QTest::addColumn<int>("symbolChangesAt"); // -1: never
        QTest::addColumn<int>("nullRows"); // 0 none, 1 a row in 97, 2 the first 15,000
        QTest::addColumn<int>("badAt"); // -1: none
        QTest::addColumn<bool>("repeats"); // a row in 500 at the time of the row before, another close
        QTest::addColumn<int>("nulAt"); // the row with a NUL byte in its close; -1: none
        QTest::addColumn<QString>("error"); // part of readFile's message, empty when it imports
        QTest::newRow("null rows in both halves") << true << -1 << 1 << -1 << false << -1 << QString();
        // The first row is not the oldest; the last row of the file is older
        // than the first and the last of the first half newer: which of two
        // rows of one time is kept depends on the whole file.
        QTest::newRow("repeated times in both halves") << true << -1 << 0 << -1 << true << -1 << QString();
        // Rows are of one length: the second half starts at row 10,000.
        QTest::newRow("the symbol changes where the second half starts")
            << true << 10000 << 0 << -1 << false << -1 << QStringLiteral("line 10002, column 2 \"symbol\"");
        QTest::newRow("a bad number where the second half starts, the symbol changes after")
            << true << 10000 << 0 << 10000 << false << -1 << QStringLiteral("line 10002, column 6 \"close\"");
        QTest::newRow("the symbol changes in the second half")
            << true << 15000 << 0 << -1 << false << -1 << QStringLiteral("line 15002, column 2 \"symbol\"");
        QTest::newRow("a bad number before the change")
            << true << 15000 << 0 << 12000 << false << -1 << QStringLiteral("line 12002, column 6 \"close\"");
        QTest::newRow("a bad number after the change")
            << true << 12000 << 0 << 15000 << false << -1 << QStringLiteral("line 12002, column 2 \"symbol\"");
        QTest::newRow("the symbol changes in the first half")
            << true << 9000 << 0 << 15000 << false << -1 << QStringLiteral("line 9002, column 2 \"symbol\"");
        QTest::newRow("a bad number in the first half, the symbol changes in the second")
            << true << 15000 << 0 << 9500 << false << -1 << QStringLiteral("line 9502, column 6 \"close\"");
        QTest::newRow("the first half null, the symbol in the second")
            << true << -1 << 2 << -1 << false << -1 << QString();
        QTest::newRow("the first half null, the pair from the name")
            << false << -1 << 2 << -1 << false << -1 << QString();
        // The newest first? The file's first row with prices is in the second half.
        // The second half's first symbol differs from the first half's, and
        // a NUL byte further on (beyond the part looked at ahead of the
        // reading, so after that row is read) refuses the file first.
        QTest::newRow("a NUL byte after the symbol changes")
            << true << 10000 << 0 << -1 << false << 19500
            << QStringLiteral("contains a NUL byte (0x00) at line 19502, column");
        QTest::newRow("the first half null, repeated times") << true << -1 << 2 << -1 << true << -1 << QString();
    }

    void sortedImportReadsInTwoAsInOne()
    {
        QFETCH(bool, symbolColumn);
        QFETCH(int, symbolChangesAt);
        QFETCH(int, nullRows);
        QFETCH(int, badAt);
        QFETCH(bool, repeats);
        QFETCH(int, nulAt);
        QFETCH(QString, error);
        // One-minute rows in no order: the priced ones take minutes
        // 7919 i + 13,000 mod their number, null rows the minutes after. Null rows are
        // shorter: with 15,000 of them first, the middle of the text falls
        // among them.
        constexpr int kRows = 20000;
        constexpr int kNullFirst = 15000;
        const int priced = nullRows == 2 ? kRows - kNullFirst : kRows;
        QByteArray csv(symbolColumn ? "time,symbol,open,high,low,close\n" : "time,open,high,low,close\n");
        for (int row = 0; row < kRows; ++row) {
            const int index = nullRows != 2 ? row : row < kNullFirst ? row + priced : row - kNullFirst;
            const auto minuteOf = [priced](int i) { return (static_cast<qint64>(i) * 7919 + 13000) % priced; };
            const qint64 minute = index >= priced ? index
                : repeats && row % 500 == 3       ? minuteOf(index - 1)
                                                  : minuteOf(index);
            QByteArray line = QByteArray::number(utc(2024, 1, 1) + minute * 60'000);
            if (symbolColumn)
                line += symbolChangesAt >= 0 && row >= symbolChangesAt ? ",ETHUSDT" : ",BTCUSDT";
            if (row == badAt)
                line += ",100.5,101.5,99.5,1.2.3";
            else if (row == nulAt)
                line += QByteArray(",100.5,101.5,99.5,1\0"
                                   "2.5",
                                   22);
            else if ((nullRows == 1 && row % 97 == 5) || (nullRows == 2 && row < kNullFirst))
                line += ",null,null,null,null";
            else
                line += ",100.5,101.5,99.5," + QByteArray::number(100 + row % 89) + ".25";
            csv += line + '\n';
        }
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("BTCUSDT-1m.csv"));
        writeFile(path, csv);
        ImportOptions options = fixedNow();
        options.lastCandle = ImportOptions::LastCandle::Keep;
        auto read = PriceImporter::readFile(path, options);
        QVERIFY2(read.ok() == error.isEmpty(), read.ok() ? "imports" : qPrintable(read.error().message));
        if (!error.isEmpty())
            QVERIFY2(read.error().message.contains(error), qPrintable(read.error().message));
        ballast::test::TempDatabase temp;
        importMatchesRead(temp, path, options);
        if (QTest::currentTestFailed() || !error.isEmpty())
            return;
        options.sortRunRows = 7;
        auto imported = PriceImporter::importFile(temp.db(), path, options);
        QVERIFY(imported.ok());
        QCOMPARE(imported->sortReaders, std::thread::hardware_concurrency() > 1 ? 2 : 1);
        QVERIFY(imported->sortedRuns > 2);
    }

    // The second half's reader numbers its lines on from the first half's,
    // which it counts with pread() on the file's descriptor, or without one
    // (detail::streamMapped's default) through the mapping, a part at a time.
    // Both count alike: the same rows come out, and a refusal in the second
    // half names the same line. (importFile always passes the descriptor.)
    void sortedImportInTwoCountsLinesWithoutADescriptor_data()
    {
        QTest::addColumn<int>("badAt"); // -1: none
        QTest::newRow("every row good") << -1;
        QTest::newRow("a bad number in the second half") << 15000;
        QTest::newRow("a bad number in the first half") << 9500;
    }

    void sortedImportInTwoCountsLinesWithoutADescriptor()
    {
        QFETCH(int, badAt);
        if (std::thread::hardware_concurrency() < 2)
            QSKIP("one core: the file is read by one reader, which counts no lines");
        namespace detail = ballast::market::detail;
        constexpr int kRows = 20000; // one-minute rows in no order, as above
        QByteArray csv("time,open,high,low,close\n");
        for (int row = 0; row < kRows; ++row) {
            csv += QByteArray::number(utc(2024, 1, 1) + (static_cast<qint64>(row) * 7919 + 13000) % kRows * 60'000);
            csv += row == badAt ? QByteArray(",100.5,101.5,99.5,1.2.3\n")
                                : ",100.5,101.5,99.5," + QByteArray::number(100 + row % 89) + ".25\n";
        }
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("BTCUSDT-1m.csv"));
        writeFile(path, csv);
        ImportOptions options = fixedNow();
        options.lastCandle = ImportOptions::LastCandle::Keep;
        options.sortRunRows = 7; // two readers from 448 bytes of text
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        uchar *mapped = file.map(0, file.size());
        QVERIFY(mapped);
        const auto stream = [&](int descriptor, std::vector<Candle> &rows) {
            const detail::StreamSink sink = [&rows](const detail::SeriesKey &, std::vector<Candle> &batch) {
                rows.insert(rows.end(), batch.begin(), batch.end());
                batch.clear();
                return true;
            };
            return detail::streamMapped(mapped, static_cast<std::size_t>(file.size()), path, options, sink,
                                        detail::StreamOrder::Sorted, nullptr, descriptor);
        };
        std::vector<Candle> counted;
        std::vector<Candle> throughMapping;
        const auto withDescriptor = stream(file.handle(), counted);
        const auto without = stream(-1, throughMapping);
        QCOMPARE(withDescriptor.ok(), badAt < 0);
        QCOMPARE(without.ok(), badAt < 0);
        if (badAt >= 0) {
            const QString line = QStringLiteral("line %1, column 5 \"close\"").arg(badAt + 2);
            QVERIFY2(withDescriptor.error().message.contains(line), qPrintable(withDescriptor.error().message));
            QCOMPARE(without.error().message, withDescriptor.error().message);
            return;
        }
        QVERIFY(withDescriptor->has_value() && without->has_value()); // streamed, not left to readFile
        QCOMPARE((*without)->sortReaders, 2);
        QCOMPARE(throughMapping.size(), static_cast<std::size_t>(kRows));
        QVERIFY(throughMapping == counted);
    }

    // Where the temporary file cannot be written, each half stops at its
    // first run: the file is then read whole, which meets the refusal in the
    // unread part of the first half, not the one the second half met first.
    // (Both lie past the 8,192 rows the streaming attempt reads.)
    void sortedImportInTwoWithoutATemporaryFileReadsWhole()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("BTCUSDT-1m.csv"));
        writeFile(path, minuteFile(20000, false, [](int row, qint64 &time, QByteArray &close) {
                      time = utc(2024, 1, 1) + (static_cast<qint64>(row) * 7919 % 20000) * 60'000;
                      if (row == 9000 || row == 10500)
                          close = "1.2.3";
                  }));
        ImportOptions options = fixedNow();
        auto read = PriceImporter::readFile(path, options);
        QVERIFY(!read.ok());
        QVERIFY2(read.error().message.contains(QStringLiteral("line 9002, column 5")),
                 qPrintable(read.error().message));
        ballast::test::TempDatabase temp; // before TMPDIR names a file
        const QByteArray before = ballast::test::contentDigest(temp.db());
        QTemporaryDir folder;
        const QString notAFolder = folder.filePath(QStringLiteral("file"));
        writeFile(notAFolder, "x");
        const QByteArray tmpdir = qgetenv("TMPDIR");
        const auto restore = qScopeGuard([&tmpdir] {
            if (tmpdir.isNull())
                qunsetenv("TMPDIR");
            else
                qputenv("TMPDIR", tmpdir);
        });
        qputenv("TMPDIR", QFile::encodeName(notAFolder));
        options.sortRunRows = 1000; // each half's first run fills after 1,000 rows
        auto imported = PriceImporter::importFile(temp.db(), path, options);
        QVERIFY(!imported.ok());
        QCOMPARE(imported.error().message, read.error().message);
        QCOMPARE(ballast::test::contentDigest(temp.db()), before);
    }

    // The same for what the other layouts report of their rows: a printed
    // date that disagrees with the Unix time (CryptoDataDownload) in both
    // halves, and the interval read from kline close times in both halves.
    void sortedImportInTwoKeepsEveryLayoutsReport_data()
    {
        QTest::addColumn<QByteArray>("header");
        QTest::addColumn<int>("fiveMinuteClosesFrom"); // rows from this one close 5 minutes after they open
        const QByteArray klines("open_time,open,high,low,close,volume,close_time");
        QTest::newRow("CryptoDataDownload")
            << QByteArray("unix,date,symbol,open,high,low,close,Volume BTC,Volume USDT") << 0;
        QTest::newRow("Binance klines") << klines << 20000;
        // Most close times of the file (not of its first half) give 5m: the
        // one-minute open times are then refused.
        QTest::newRow("Binance klines, the second half's close times decide") << klines << 8000;
    }

    void sortedImportInTwoKeepsEveryLayoutsReport()
    {
        QFETCH(QByteArray, header);
        QFETCH(int, fiveMinuteClosesFrom);
        const bool klines = header.startsWith("open_time");
        constexpr int kRows = 20000;
        QByteArray csv = header + '\n';
        for (int row = 0; row < kRows; ++row) {
            const qint64 time = utc(2024, 1, 1) + (static_cast<qint64>(row) * 7919 + 10000) % kRows * 60'000;
            const QByteArray close = QByteArray::number(100 + row % 89) + ".25";
            if (klines) {
                csv += QByteArray::number(time) + ",100.5,101.5,99.5," + close + ",12.5,"
                    + QByteArray::number(time + (row < fiveMinuteClosesFrom ? 59'999 : 299'999)) + '\n';
                continue;
            }
            // A row in 1,000 prints a date four hours behind.
            const qint64 printed = row % 1000 == 7 ? time - 4 * 3'600'000 : time;
            csv += QByteArray::number(time) + ','
                + QDateTime::fromMSecsSinceEpoch(printed, QTimeZone::utc()).toString(u"yyyy-MM-dd HH:mm:ss").toUtf8()
                + ",BTC/USDT,100.5,101.5,99.5," + close + ",1.5,150.75\n";
        }
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("BTCUSDT-1m.csv"));
        writeFile(path, csv);
        ImportOptions options = fixedNow();
        options.lastCandle = ImportOptions::LastCandle::Keep;
        auto read = PriceImporter::readFile(path, options);
        const bool imports = !klines || fiveMinuteClosesFrom == kRows;
        QVERIFY2(read.ok() == imports, read.ok() ? "imports" : qPrintable(read.error().message));
        ballast::test::TempDatabase temp;
        importMatchesRead(temp, path, options);
        if (QTest::currentTestFailed() || !imports)
            return;
        QCOMPARE(read->report.dateMismatches.size(), klines ? 0 : 20);
        options.sortRunRows = 7;
        auto imported = PriceImporter::importFile(temp.db(), path, options);
        QVERIFY(imported.ok());
        QCOMPARE(imported->sortReaders, std::thread::hardware_concurrency() > 1 ? 2 : 1);
        QCOMPARE(imported->dateMismatches, read->report.dateMismatches);
        QCOMPARE(imported->interval, QStringLiteral("1m"));
    }

    // A file that does not tell its asset is refused once its first row is
    // read, not after all of it: a bad number or a disorder further down, which
    // reading on would meet first, does not come before the missing asset.
    // Streamed or read whole, the same refusal, and nothing stored.
    void unknownAssetIsRefusedBeforeTheRestIsRead_data()
    {
        QTest::addColumn<RowChange>("change");
        QTest::addColumn<QString>("name");
        QTest::addColumn<QString>("code");
        const RowChange badNumber = [](int row, qint64 &, QByteArray &close) {
            if (row == 17000)
                close = "1.2.3";
        };
        const RowChange outOfOrder = [](int row, qint64 &time, QByteArray &) {
            if (row == 18000 || row == 18001)
                time += (row == 18000 ? 1 : -1) * 60'000;
        };
        QTest::newRow("bad number later") << badNumber << "prices-1m.csv"
                                          << "import.asset";
        QTest::newRow("out of order later") << outOfOrder << "prices-1m.csv"
                                            << "import.asset";
        // The name tells it: the file is read on and the row's error comes.
        QTest::newRow("named, bad number later") << badNumber << "BTCUSDT-1m.csv"
                                                 << "import.value";
    }

    void unknownAssetIsRefusedBeforeTheRestIsRead()
    {
        QFETCH(RowChange, change);
        QFETCH(QString, name);
        QFETCH(QString, code);
        QTemporaryDir dir;
        const QString path = dir.filePath(name);
        writeFile(path, minuteFile(20000, false, change));
        auto read = PriceImporter::readFile(path, fixedNow());
        QVERIFY(!read.ok());
        QCOMPARE(read.error().code, code);
        if (code == QLatin1String("import.asset"))
            QVERIFY2(read.error().message.contains(QStringLiteral("pass --asset")), qPrintable(read.error().message));
        if (!m_importDb)
            m_importDb = std::make_unique<ballast::test::TempDatabase>();
        importMatchesRead(*m_importDb, path, fixedNow());

        // A symbol column settles it from the first row with a symbol; a null
        // row before it has none and does not count.
        QByteArray csv("timestamp,symbol,close\n2024-01-01 00:00:00,ETH/USDT,null\n2024-01-01 00:01:00,ETH/USDT,5\n"
                       "2024-01-01 00:02:00,ETH/USDT,6\n");
        ImportOptions keep = fixedNow();
        keep.lastCandle = ImportOptions::LastCandle::Keep;
        const PriceSeries series = parseOk(csv.constData(), QStringLiteral("prices.csv"), keep);
        QCOMPARE(series.asset, QStringLiteral("ETH"));
        QCOMPARE(series.quote, QStringLiteral("USDT"));
        // Null rows alone settle nothing: a file of them has no prices, which
        // is what it is told, not that its asset is unknown.
        auto nulls = PriceImporter::parse(QByteArray("date,close\n2024-01-01,null\n2024-01-02,null\n"),
                                          QStringLiteral("prices.csv"), fixedNow());
        QVERIFY(!nulls.ok());
        QCOMPARE(nulls.error().code, QStringLiteral("import.empty"));
    }

    void missingFileIsAnError()
    {
        auto result = PriceImporter::readFile(QStringLiteral("/nonexistent/BTC-USD.csv"));
        QVERIFY(!result.ok());
        QCOMPARE(result.error().code, QStringLiteral("import.io"));
        QVERIFY(result.error().message.contains(QStringLiteral("BTC-USD.csv")));
    }

private:
    std::unique_ptr<ballast::test::TempDatabase> m_importDb; ///< shared by the rows of importMatchesReadOnLargeFiles
};

QTEST_GUILESS_MAIN(TestPriceImporter)
#include "tst_priceimporter.moc"
