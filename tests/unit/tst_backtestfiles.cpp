// Price files for backtests: CloseParser reads every file as PriceImporter
// does (the real files in ../shared/data and written variants), the cache of
// parsed closes (re-reads a changed file, survives a new SeriesCache, ignores
// a damaged entry), and the newest-candle rule of BacktestData::load.
#include "backtest/backtestdata.h"
#include "backtest/closeparser.h"
#include "backtest/scratch.h"
#include "backtest/seriescache.h"
#include "market/priceimporter.h"

#include <QDateTime>
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>
#include <QTimeZone>

#include <bit>
#include <charconv>
#include <optional>
#include <random>
#include <string>

#ifdef Q_OS_LINUX
#include <sys/mman.h>
#include <sys/resource.h>
#endif

using namespace ballast;
using backtest::BacktestData;
using backtest::CloseBuffer;
using backtest::CloseMatrix;
using backtest::CloseParser;
using backtest::hugePageMemory;
using backtest::LoadOptions;
using backtest::LoadReport;
using backtest::prefaultForWrite;
using backtest::Scratch;
using backtest::SeriesCache;
using market::ImportOptions;

namespace {

constexpr qint64 kHour = 3'600'000;
const qint64 kStart = QDateTime(QDate(2024, 1, 1), QTime(0, 0), QTimeZone::utc()).toMSecsSinceEpoch();

/// A plain OHLCV file of hourly rows from kStart with these closes.
QByteArray plainFile(const std::vector<double> &closes)
{
    QByteArray text = "timestamp,open,high,low,close,volume\n";
    for (std::size_t t = 0; t < closes.size(); ++t) {
        const QDateTime time =
            QDateTime::fromMSecsSinceEpoch(kStart + static_cast<qint64>(t) * kHour, QTimeZone::utc());
        const QByteArray close = QByteArray::number(closes[t], 'f', 4);
        text += time.toString(QStringLiteral("yyyy-MM-dd HH:mm:ss")).toLatin1() + ',' + close + ',' + close + ','
            + close + ',' + close + ",12.5\n";
    }
    return text;
}

bool writeFile(const QString &path, const QByteArray &data)
{
    QFile file(path);
    return file.open(QIODevice::WriteOnly) && file.write(data) == data.size();
}

/// Both readers on the same bytes; empty when they agree, else what differs.
QString compareWithImporter(const QByteArray &data, const QString &name, const ImportOptions &options, bool &fast)
{
    const auto ours = CloseParser::parse(std::string_view(data.constData(), static_cast<std::size_t>(data.size())),
                                         name, options, &fast);
    ImportOptions keep = options;
    keep.lastCandle = ImportOptions::LastCandle::Keep;
    const auto theirs = market::PriceImporter::parse(data, name, keep);
    if (ours.ok() != theirs.ok()) {
        return QStringLiteral("ok %1 vs importer %2: %3")
            .arg(ours.ok())
            .arg(theirs.ok())
            .arg(ours ? theirs.error().message : ours.error().message);
    }
    if (!ours)
        return ours.error().message == theirs.error().message
            ? QString()
            : QStringLiteral("message \"%1\" vs \"%2\"").arg(ours.error().message, theirs.error().message);
    if (ours->asset != theirs->asset || ours->quote != theirs->quote || ours->interval != theirs->interval)
        return QStringLiteral("pair or interval differ: %1/%2 %3 vs %4/%5 %6")
            .arg(ours->asset, ours->quote, ours->interval, theirs->asset, theirs->quote, theirs->interval);
    const std::vector<qint64> times = ours->times();
    if (times.size() != static_cast<std::size_t>(theirs->candles.size()))
        return QStringLiteral("%1 rows vs %2").arg(times.size()).arg(theirs->candles.size());
    for (std::size_t i = 0; i < times.size(); ++i) {
        const auto &candle = theirs->candles[static_cast<qsizetype>(i)];
        if (times[i] != candle.openTimeMs || ours->closes[i] != candle.close)
            return QStringLiteral("row %1 differs: %2 %3 vs %4 %5")
                .arg(i)
                .arg(times[i])
                .arg(ours->closes[i], 0, 'g', 17)
                .arg(candle.openTimeMs)
                .arg(candle.close, 0, 'g', 17);
    }
    return {};
}

} // namespace

class TestBacktestFiles : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;

    struct Reloaded
    {
        LoadReport report;
        SeriesCache::Counts counts;
        CloseMatrix closes;
    };

    /// Writes @p name (closes 5, 6, 7, 8), loads it through a cache in a new
    /// folder, lets @p damage change that folder's files, then loads it again
    /// through a new cache over the folder, as another ballast-cli would.
    /// Nothing when a step fails (the failure is recorded).
    template<typename Damage>
    std::optional<Reloaded> reloadAfter(const QString &name, Damage damage)
    {
        QTemporaryDir cacheDir;
        const QString path = m_dir.filePath(name);
        if (!writeFile(path, plainFile({5, 6, 7, 8})))
            return std::nullopt;
        LoadOptions options;
        options.quote = QStringLiteral("USDT");
        const QList<std::pair<QString, QString>> files{{QStringLiteral("A"), path}};
        SeriesCache writer(cacheDir.path(), false);
        options.cache = &writer;
        if (!BacktestData::load(files, {}, {}, options).ok())
            return std::nullopt;
        damage(QDir(cacheDir.path()));
        if (QTest::currentTestFailed())
            return std::nullopt;
        SeriesCache reader(cacheDir.path(), false);
        options.cache = &reader;
        Reloaded reloaded;
        auto loaded = BacktestData::load(files, {}, {}, options, &reloaded.report);
        if (!loaded)
            return std::nullopt;
        reloaded.counts = reader.counts();
        reloaded.closes = std::move(loaded->closes);
        return reloaded;
    }

private slots:
    void everySharedFileReadsAsTheImporterReadsIt()
    {
        const QString data = qEnvironmentVariable("BALLAST_SHARED_DATA");
        if (data.isEmpty() || !QDir(data).exists(QStringLiteral("prices")))
            QSKIP("the shared price data (../shared/data) is not beside this checkout");
        QDirIterator it(QDir(data).filePath(QStringLiteral("prices")), {QStringLiteral("*.csv")}, QDir::Files,
                        QDirIterator::Subdirectories);
        int files = 0;
        int fastFiles = 0;
        while (it.hasNext()) {
            const QString path = it.next();
            QFile file(path);
            QVERIFY(file.open(QIODevice::ReadOnly));
            const QByteArray bytes = file.readAll();
            // As a backtest asks: the asset from --prices, the quote from the file.
            for (const QString &quote : {QString(), QStringLiteral("USDT")}) {
                ImportOptions options;
                options.asset = QStringLiteral("TST");
                options.quote = quote;
                bool fast = false;
                const QString difference = compareWithImporter(bytes, path, options, fast);
                QVERIFY2(difference.isEmpty(), qPrintable(path + QStringLiteral(": ") + difference));
                fastFiles += fast && quote.isEmpty() ? 1 : 0;
            }
            ++files;
        }
        QVERIFY(files >= 20);
        QVERIFY(fastFiles >= 4); // binance-simple: the plain OHLCV files
    }

    void writtenVariants_data()
    {
        QTest::addColumn<QByteArray>("data");
        QTest::addColumn<bool>("fast");
        const QByteArray header = "timestamp,open,high,low,close,volume\n";
        const QByteArray rows = "2024-01-01 00:00:00,1,2,0.5,1.5,10\n"
                                "2024-01-01 01:00:00,1.5,2,1,1.25,11\n"
                                "2024-01-01 02:00:00,1.25,1.5,1,1.375,12\n"
                                "2024-01-01 03:00:00,1.375,1.5,1.25,1.5,13\n";
        QTest::newRow("plain") << header + rows << true;
        QTest::newRow("CRLF") << QByteArray(header + rows).replace("\n", "\r\n") << true;
        QTest::newRow("byte order mark") << QByteArray("\xEF\xBB\xBF") + header + rows << true;
        QTest::newRow("blank lines and no final newline")
            << header + rows + "   \n\n2024-01-01 04:00:00,1.5,1.5,1.5,1.75,1" << true;
        QTest::newRow("upper-case header, spaces around values")
            << "Timestamp,Open,High,Low,Close,Volume\n" + QByteArray(rows).replace(",1.5,", ", 1.5 ,") << true;
        QTest::newRow("T and Z") << header + QByteArray(rows).replace(" 0", "T0").replace(":00,", ":00Z,") << true;
        QTest::newRow("unix milliseconds") << header
                + "1704067200000,1,1,1,1,1\n1704070800000,1,1,1,2,1\n1704074400000,1,1,1,3,1\n1704078000000,1,1,1,4,1\n"
                                           << true;
        QTest::newRow("unix seconds with a fraction")
            << header + "1704067200.0,1,1,1,1,1\n1704070800.0,1,1,1,2,1\n1704074400.0,1,1,1,3,1\n1704078000,1,1,1,4,1\n"
            << true;
        QTest::newRow("empty and null volume")
            << header + QByteArray(rows).replace(",10\n", ",\n").replace(",11\n", ",null\n") << true;
        QTest::newRow("a gap") << header + rows + "2024-01-01 07:00:00,1,1,1,1.5,1\n" << true;
        QTest::newRow("negative zero volume") << header + QByteArray(rows).replace(",13\n", ",-0\n") << true;
        QTest::newRow("many decimals") << header
                + QByteArray(rows).replace(",1.375,", ",1.37500000000000000000000000001,")
                                       << true;
        // Rows stamped at their candle's close: one pass, the importer's times.
        const QByteArray closes = QByteArray(rows).replace(":00:00,", ":59:59,");
        QTest::newRow("close stamps") << header + closes << true;
        QTest::newRow("close stamps in milliseconds")
            << header + QByteArray(rows).replace(":00:00,", ":59:59.999,") << true;
        QTest::newRow("close stamps with a gap") << header + closes + "2024-01-01 07:59:59,1,1,1,1.5,1\n" << true;
        // The importer reads these itself (its rules for them are its own).
        QTest::newRow("exponent") << header + QByteArray(rows).replace(",1.25,1", ",1.25e0,1") << false;
        QTest::newRow("quoted") << header + QByteArray(rows).replace("1.375,12", "\"1.375\",12") << false;
        QTest::newRow("duplicate row") << header + rows + "2024-01-01 03:00:00,1.375,1.5,1.25,1.5,13\n" << false;
        QTest::newRow("newest first") << header
                + "2024-01-01 03:00:00,1,1,1,4,1\n2024-01-01 02:00:00,1,1,1,3,1\n"
                  "2024-01-01 01:00:00,1,1,1,2,1\n2024-01-01 00:00:00,1,1,1,1,1\n"
                                      << false;
        QTest::newRow("semicolons") << QByteArray(header + rows).replace(',', ';') << false;
        QTest::newRow("null row") << header + rows + "2024-01-01 04:00:00,null,null,null,null,null\n" << false;
        QTest::newRow("trailing empty column") << QByteArray(header + rows).replace("13\n", "13,\n") << false;
        QTest::newRow("a URL line") << "https://www.example.com\n" + header + rows << false;
        // Errors: the importer's message, naming the file, line and column.
        QTest::newRow("bad close") << header + QByteArray(rows).replace(",1.375,12", ",1.3.75,12") << false;
        QTest::newRow("zero open") << header + QByteArray(rows).replace("01:00:00,1.5", "01:00:00,0") << false;
        QTest::newRow("negative volume") << header + QByteArray(rows).replace(",12\n", ",-12\n") << false;
        QTest::newRow("short row") << header + rows + "2024-01-01 04:00:00,1,1,1\n" << false;
        QTest::newRow("seventh column") << header + rows + "2024-01-01 04:00:00,1,1,1,1,1,9\n" << false;
        QTest::newRow("day first") << header + QByteArray(rows).replace("2024-01-01 02", "01-01-2024 02") << false;
        QTest::newRow("off the grid") << header + rows + "2024-01-01 04:30:00,1,1,1,1,1\n" << false;
        QTest::newRow("an open stamp among close stamps")
            << header + closes + "2024-01-01 04:00:00,1,1,1,1,1\n2024-01-01 05:59:59,1,1,1,1,1\n"
            << false;
        QTest::newRow("a close stamp among open stamps") << header + rows + "2024-01-01 04:59:59,1,1,1,1,1\n" << false;
        QTest::newRow("hour 24") << header + QByteArray(rows).replace(" 03:", " 24:") << false;
        QTest::newRow("header only") << header << false;
        QTest::newRow("empty") << QByteArray() << false;
        QTest::newRow("NUL byte") << header
                + QByteArray(rows).replace("1.375",
                                           QByteArray("1.3\0"
                                                      "75",
                                                      6))
                                  << false;
    }

    void writtenVariants()
    {
        QFETCH(QByteArray, data);
        QFETCH(bool, fast);
        ImportOptions options;
        options.asset = QStringLiteral("TST");
        options.quote = QStringLiteral("USDT");
        bool wasFast = false;
        const QString difference = compareWithImporter(data, QStringLiteral("/data/tst-1h.csv"), options, wasFast);
        QVERIFY2(difference.isEmpty(), qPrintable(difference));
        QCOMPARE(wasFast, fast);
    }

    // A file stamped at the candles' closes reads as the candles' open times,
    // in the one pass as in the importer: here a real daily file with each
    // date rewritten as its end of day, and an hourly file with Binance's
    // close times.
    void closeStampsReadAsTheCandlesOpenTimes()
    {
        ImportOptions options;
        options.asset = QStringLiteral("TST");
        options.quote = QStringLiteral("USDT");
        QByteArray hourly = plainFile({1.0, 2.0, 3.0, 4.0, 5.0});
        hourly.replace(":00:00,", ":59:59.999,");
        bool fast = false;
        const auto read =
            CloseParser::parse(std::string_view(hourly.constData(), static_cast<std::size_t>(hourly.size())),
                               QStringLiteral("/data/tst-1h.csv"), options, &fast);
        QVERIFY2(read, qPrintable(read ? QString() : read.error().message));
        QVERIFY(fast);
        QCOMPARE(read->interval, QStringLiteral("1h"));
        QCOMPARE(
            read->times(),
            (std::vector<qint64>{kStart, kStart + kHour, kStart + 2 * kHour, kStart + 3 * kHour, kStart + 4 * kHour}));
        QCOMPARE(read->closes, (CloseBuffer{1.0, 2.0, 3.0, 4.0, 5.0}));
        QVERIFY(compareWithImporter(hourly, QStringLiteral("/data/tst-1h.csv"), options, fast).isEmpty());

        const QString data = qEnvironmentVariable("BALLAST_SHARED_DATA");
        if (data.isEmpty() || !QDir(data).exists(QStringLiteral("prices")))
            QSKIP("the shared price data (../shared/data) is not beside this checkout");
        QFile file(QDir(data).filePath(QStringLiteral("prices/binance-simple/BTCUSDT_1d.csv")));
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QByteArray original = file.readAll();
        QByteArray stamped;
        for (const QByteArray &line : original.split('\n')) {
            const qsizetype comma = line.indexOf(',');
            const bool row = !line.isEmpty() && line[0] >= '0' && line[0] <= '9';
            stamped += row ? line.left(comma) + " 23:59:59" + line.mid(comma) : line;
            stamped += '\n';
        }
        const auto want =
            CloseParser::parse(std::string_view(original.constData(), static_cast<std::size_t>(original.size())),
                               file.fileName(), options);
        bool stampedFast = false;
        const auto got =
            CloseParser::parse(std::string_view(stamped.constData(), static_cast<std::size_t>(stamped.size())),
                               file.fileName(), options, &stampedFast);
        QVERIFY(want && got);
        QVERIFY(stampedFast);
        QVERIFY(got->size() > 2000);
        QCOMPARE(got->times(), want->times());
        QCOMPARE(got->closes, want->closes);
        const QString difference = compareWithImporter(stamped, file.fileName(), options, stampedFast);
        QVERIFY2(difference.isEmpty(), qPrintable(difference));
    }

    void badValueNamesFileLineAndColumn()
    {
        const QByteArray data = "timestamp,open,high,low,close,volume\n"
                                "2024-01-01 00:00:00,1,1,1,1,1\n2024-01-01 01:00:00,1,1,1,1,1\n"
                                "2024-01-01 02:00:00,1,1,1,1,1\n2024-01-01 03:00:00,1,1,1,1,1\n"
                                "2024-01-01 04:00:00,1,1,1,1,1\n2024-01-01 05:00:00,1,1,1,\"1,5\",1\n";
        ImportOptions options;
        options.asset = QStringLiteral("TST");
        options.quote = QStringLiteral("USDT");
        const auto read = CloseParser::parse(std::string_view(data.constData(), static_cast<std::size_t>(data.size())),
                                             QStringLiteral("/data/tst.csv"), options);
        QVERIFY(!read);
        QVERIFY2(read.error().message.startsWith(QStringLiteral("/data/tst.csv: line 7, column 5 \"close\": \"1,5\"")),
                 qPrintable(read.error().message));
    }

    void memoryCacheReadsEachFileOnce()
    {
        const QString path = m_dir.filePath(QStringLiteral("once.csv"));
        QVERIFY(writeFile(path, plainFile({1, 2, 3, 4, 5, 6})));
        SeriesCache cache;
        LoadOptions options;
        options.quote = QStringLiteral("USDT");
        options.cache = &cache;
        const QList<std::pair<QString, QString>> files{{QStringLiteral("A"), path}, {QStringLiteral("B"), path}};
        LoadReport first;
        auto one = BacktestData::load(files, {}, {}, options, &first);
        QVERIFY2(one.ok(), qPrintable(one.ok() ? QString() : one.error().message));
        QCOMPARE(first.parsedFast, 2);
        LoadReport second;
        auto two = BacktestData::load(files, {}, {}, options, &second);
        QVERIFY(two.ok());
        QCOMPARE(second.cached, 2);
        QCOMPARE(second.parsedFast + second.parsedByImporter, 0);
        QCOMPARE(two->closes, one->closes);
        QCOMPARE(two->times, one->times);
        QCOMPARE(cache.counts().memoryHits, 2);
    }

    void cacheFileServesAnotherProcess()
    {
        QTemporaryDir cacheDir;
        const QString path = m_dir.filePath(QStringLiteral("process.csv"));
        QVERIFY(writeFile(path, plainFile({10, 11, 12, 13, 14})));
        LoadOptions options;
        options.quote = QStringLiteral("USDT");
        const QList<std::pair<QString, QString>> files{{QStringLiteral("A"), path}};
        std::optional<BacktestData> first;
        {
            SeriesCache cache(cacheDir.path(), false);
            options.cache = &cache;
            auto loaded = BacktestData::load(files, {}, {}, options);
            QVERIFY(loaded.ok());
            first = *loaded;
            QCOMPARE(cache.counts().misses, 1);
        }
        SeriesCache again(cacheDir.path(), false); // as a new ballast-cli would
        options.cache = &again;
        LoadReport report;
        auto loaded = BacktestData::load(files, {}, {}, options, &report);
        QVERIFY(loaded.ok());
        QCOMPARE(report.cached, 1);
        // The same load: its aligned file, not the file's own entry.
        QCOMPARE(again.counts().alignedHits, 1);
        QCOMPARE(again.counts().fileHits, 0);
        QVERIFY(loaded->closes.isView());
        QCOMPARE(loaded->closes, first->closes);
        QCOMPARE(loaded->times, first->times);
        QCOMPARE(loaded->barsPerDay, 24.0);

        // Other dates: another load, served by the file's own entry.
        SeriesCache third(cacheDir.path(), false);
        options.cache = &third;
        LoadReport later;
        const QDate day = QDateTime::fromMSecsSinceEpoch(kStart, QTimeZone::utc()).date();
        auto cut = BacktestData::load(files, day, day, options, &later);
        QVERIFY(cut.ok());
        QCOMPARE(later.cached, 1);
        QCOMPARE(third.counts().alignedMisses, 1);
        QCOMPARE(third.counts().fileHits, 1);
        QVERIFY(!cut->closes.isView());
        QCOMPARE(cut->closes, first->closes);
    }

    /// A whole load again, as a repeated `backtest` makes it: one aligned
    /// file answers for every price file, with the same data and report.
    void wholeLoadIsReadFromOneFile()
    {
        QTemporaryDir cacheDir;
        const QString a = m_dir.filePath(QStringLiteral("whole-a.csv"));
        const QString b = m_dir.filePath(QStringLiteral("whole-b.csv"));
        QVERIFY(writeFile(a, plainFile({10, 11, 12, 13, 14, 15})));
        QVERIFY(writeFile(b, plainFile({20, 21, 22, 23, 24}))); // one bar fewer
        LoadOptions options;
        options.quote = QStringLiteral("USDT");
        {
            // b was written while its newest candle ran: that one is left out.
            QFile file(b);
            QVERIFY(file.open(QIODevice::ReadWrite));
            QVERIFY(file.setFileTime(QDateTime::fromMSecsSinceEpoch(kStart + 4 * kHour + kHour / 2, QTimeZone::utc()),
                                     QFileDevice::FileModificationTime));
        }
        const QList<std::pair<QString, QString>> files{{QStringLiteral("A"), a}, {QStringLiteral("B"), b}};
        LoadReport firstReport;
        std::optional<BacktestData> first;
        {
            SeriesCache cache(cacheDir.path(), false);
            options.cache = &cache;
            auto loaded = BacktestData::load(files, {}, {}, options, &firstReport);
            QVERIFY(loaded.ok());
            first = *loaded;
            QCOMPARE(cache.counts().alignedMisses, 1);
        }
        QCOMPARE(first->bars(), std::size_t{4});
        QCOMPARE(firstReport.droppedNewest, QStringList{QStringLiteral("B 2024-01-01 04:00")});
        QCOMPARE(QDir(cacheDir.path()).entryList({QStringLiteral("aligned-*.closes")}, QDir::Files).size(), 1);

        SeriesCache again(cacheDir.path(), false);
        options.cache = &again;
        LoadReport report;
        auto loaded = BacktestData::load(files, {}, {}, options, &report);
        QVERIFY(loaded.ok());
        QCOMPARE(again.counts().alignedHits, 1);
        QCOMPARE(again.counts().fileHits + again.counts().misses, 0);
        QCOMPARE(report.cached, 2);
        QCOMPARE(report.droppedNewest, firstReport.droppedNewest);
        QCOMPARE(loaded->assets, first->assets);
        QCOMPARE(loaded->times, first->times);
        QCOMPARE(loaded->closes, first->closes);
        QCOMPARE(loaded->barsPerDay, first->barsPerDay);
        QVERIFY(loaded->closes.isView());

        // Cash added to a view copies it first; the view is untouched.
        BacktestData withCash = *loaded;
        withCash.addCash(QStringLiteral("USDT"));
        QVERIFY(!withCash.closes.isView());
        QCOMPARE(withCash.close(3, 0), 13.0);
        QCOMPARE(withCash.close(3, 1), 23.0);
        QCOMPARE(withCash.close(3, 2), 1.0);
        QCOMPARE(loaded->close(3, 1), 23.0);
    }

    /// The aligned file says which newest candles it left out; once one of
    /// them has closed, the files are read again and the candle is used.
    void wholeLoadFollowsTheClock()
    {
        QTemporaryDir cacheDir;
        const QString path = m_dir.filePath(QStringLiteral("whole-clock.csv"));
        QVERIFY(writeFile(path, plainFile({1, 2, 3, 4})));
        const QList<std::pair<QString, QString>> files{{QStringLiteral("A"), path}};
        LoadOptions options;
        options.quote = QStringLiteral("USDT");
        const qint64 lastOpen = kStart + 3 * kHour;
        SeriesCache running(cacheDir.path(), false);
        options.cache = &running;
        options.nowMs = lastOpen + kHour / 2;
        auto before = BacktestData::load(files, {}, {}, options);
        QVERIFY(before.ok());
        QCOMPARE(before->bars(), std::size_t{3});

        SeriesCache closed(cacheDir.path(), false);
        options.cache = &closed;
        options.nowMs = lastOpen + 2 * kHour;
        LoadReport report;
        auto after = BacktestData::load(files, {}, {}, options, &report);
        QVERIFY(after.ok());
        QCOMPARE(after->bars(), std::size_t{4});
        QVERIFY(report.droppedNewest.isEmpty());
        QCOMPARE(closed.counts().fileHits, 1); // the closes from the file's own entry
        QCOMPARE(after->closes.back(), 4.0);
    }

    /// A load's file is as large as its closes: only the newest few stay.
    void fewAlignedFilesAreKept()
    {
        QTemporaryDir cacheDir;
        const QString path = m_dir.filePath(QStringLiteral("whole-kept.csv"));
        std::vector<double> closes;
        for (int h = 0; h < 24 * 8; ++h)
            closes.push_back(100.0 + h);
        QVERIFY(writeFile(path, plainFile(closes)));
        LoadOptions options;
        options.quote = QStringLiteral("USDT");
        SeriesCache cache(cacheDir.path(), false);
        options.cache = &cache;
        const QDate first = QDateTime::fromMSecsSinceEpoch(kStart, QTimeZone::utc()).date();
        for (int days = 1; days <= SeriesCache::kAlignedKept + 2; ++days)
            QVERIFY(BacktestData::load({{QStringLiteral("A"), path}}, first, first.addDays(days), options).ok());
        QCOMPARE(QDir(cacheDir.path()).entryList({QStringLiteral("aligned-*.closes")}, QDir::Files).size(),
                 SeriesCache::kAlignedKept);
        QCOMPARE(cache.counts().alignedMisses, SeriesCache::kAlignedKept + 2);
    }

    void cachedClosesAreReadInPlace()
    {
        QTemporaryDir cacheDir;
        const QString path = m_dir.filePath(QStringLiteral("inplace.csv"));
        const QByteArray text = plainFile({20, 21, 22, 23, 24, 25});
        QVERIFY(writeFile(path, text));
        ImportOptions options;
        options.asset = QStringLiteral("A");
        options.quote = QStringLiteral("USDT");
        const auto parsed = CloseParser::parse(
            std::string_view(text.constData(), static_cast<std::size_t>(text.size())), path, options);
        QVERIFY(parsed.ok());
        const auto stamp = SeriesCache::stamp(path);
        QVERIFY(stamp.ok());
        const QString key = QStringLiteral("in place");
        SeriesCache(cacheDir.path(), false).store(key, *stamp, std::make_shared<const backtest::CloseSeries>(*parsed));
        std::shared_ptr<const backtest::CloseSeries> series;
        QString cacheFile;
        {
            SeriesCache cache(cacheDir.path(), false); // as a new ballast-cli would
            cacheFile = cache.fileFor(key);
            series = cache.find(key, *stamp);
            QVERIFY(series);
            QCOMPARE(cache.counts().fileHits, 1);
        }
        // The closes are the mapped file's, not a copy: the series keeps the
        // mapping past its cache and past the file's removal.
        QVERIFY(series->mapping);
        QVERIFY(series->closes.empty());
        QVERIFY(QFile::remove(cacheFile));
        const std::vector<double> closes(series->values().begin(), series->values().end());
        QCOMPARE(closes, (std::vector<double>{20, 21, 22, 23, 24, 25}));
        QCOMPARE(series->times(), parsed->times());
        QCOMPARE(series->interval, QStringLiteral("1h"));
    }

    void changedFileIsReadAgain()
    {
        QTemporaryDir cacheDir;
        SeriesCache cache(cacheDir.path());
        const QString path = m_dir.filePath(QStringLiteral("changed.csv"));
        QVERIFY(writeFile(path, plainFile({10, 11, 12, 13, 14})));
        LoadOptions options;
        options.quote = QStringLiteral("USDT");
        options.cache = &cache;
        const QList<std::pair<QString, QString>> files{{QStringLiteral("A"), path}};
        QCOMPARE(BacktestData::load(files, {}, {}, options)->closes.back(), 14.0);
        const auto before = SeriesCache::stamp(path);
        QVERIFY(before.ok());
        const QDateTime modified = QFileInfo(path).lastModified();

        // The same size, the modification time put back: only the content
        // (and the status-change time, which no one can put back) differs.
        QVERIFY(writeFile(path, plainFile({10, 11, 12, 13, 19})));
        {
            QFile file(path);
            QVERIFY(file.open(QIODevice::ReadWrite));
            QVERIFY(file.setFileTime(modified, QFileDevice::FileModificationTime));
        }
        const auto after = SeriesCache::stamp(path);
        QVERIFY(after.ok());
        QCOMPARE(after->size, before->size);
        QVERIFY(!(*after == *before));
        QVERIFY(after->sample != before->sample); // the content alone would tell too
        LoadReport report;
        auto loaded = BacktestData::load(files, {}, {}, options, &report);
        QVERIFY(loaded.ok());
        QCOMPARE(report.cached, 0);
        QCOMPARE(loaded->closes.back(), 19.0);
    }

    void damagedCacheFileIsIgnored()
    {
        const auto reloaded = reloadAfter(QStringLiteral("damaged.csv"), [](const QDir &cache) {
            const QStringList entries = cache.entryList(QDir::Files);
            QCOMPARE(entries.size(), 2); // the file's closes and the aligned load
            for (const QString &name : entries) {
                QFile file(cache.filePath(name));
                QVERIFY(file.open(QIODevice::ReadWrite));
                QVERIFY(file.resize(file.size() - 4));
            }
        });
        QVERIFY(reloaded);
        QCOMPARE(reloaded->report.cached, 0);
        QCOMPARE(reloaded->counts.alignedMisses, 1);
        QCOMPARE(reloaded->closes, (CloseMatrix{5, 6, 7, 8}));
    }

    /// An aligned file whose sizes check out but one of whose closes is not a
    /// price (a damaged block) is not used: the files' own entries are.
    void damagedAlignedCloseIsIgnored()
    {
        const auto reloaded = reloadAfter(QStringLiteral("damaged-aligned.csv"), [](const QDir &cache) {
            const QStringList aligned = cache.entryList({QStringLiteral("aligned-*.closes")}, QDir::Files);
            QCOMPARE(aligned.size(), 1);
            QFile file(cache.filePath(aligned.front()));
            QVERIFY(file.open(QIODevice::ReadWrite));
            QVERIFY(file.seek(file.size() - 8)); // the last close
            const double zero = 0.0;
            QCOMPARE(file.write(reinterpret_cast<const char *>(&zero), sizeof zero), qint64(sizeof zero));
        });
        QVERIFY(reloaded);
        QCOMPARE(reloaded->counts.alignedHits, 0);
        QCOMPARE(reloaded->counts.alignedMisses, 1);
        QCOMPARE(reloaded->counts.fileHits, 1);
        QCOMPARE(reloaded->closes, (CloseMatrix{5, 6, 7, 8}));
    }

    void newestCandle_data()
    {
        QTest::addColumn<int>("rule");
        QTest::addColumn<qint64>("nowMs");
        QTest::addColumn<qint64>("modifiedMs"); // 0: as written (now)
        QTest::addColumn<int>("bars");
        const qint64 lastOpen = kStart + 3 * kHour;
        const auto detect = static_cast<int>(ImportOptions::LastCandle::Detect);
        const auto keep = static_cast<int>(ImportOptions::LastCandle::Keep);
        const auto skip = static_cast<int>(ImportOptions::LastCandle::Skip);
        QTest::newRow("closed long ago: kept") << detect << qint64(0) << qint64(0) << 4;
        QTest::newRow("still running now: dropped") << detect << lastOpen + kHour / 2 << qint64(0) << 3;
        QTest::newRow("closed exactly now: kept") << detect << lastOpen + kHour << qint64(0) << 4;
        QTest::newRow("file written while it ran: dropped") << detect << qint64(0) << lastOpen + kHour / 2 << 3;
        QTest::newRow("--keep-last keeps a running one") << keep << lastOpen + kHour / 2 << qint64(0) << 4;
        QTest::newRow("skip drops a closed one") << skip << qint64(0) << qint64(0) << 3;
    }

    void newestCandle()
    {
        QFETCH(int, rule);
        QFETCH(qint64, nowMs);
        QFETCH(qint64, modifiedMs);
        QFETCH(int, bars);
        const QString path = m_dir.filePath(
            QStringLiteral("newest-%1.csv").arg(QString::fromUtf8(QTest::currentDataTag()).replace(u' ', u'_')));
        QVERIFY(writeFile(path, plainFile({1, 2, 3, 4})));
        if (modifiedMs != 0) {
            QFile file(path);
            QVERIFY(file.open(QIODevice::ReadWrite));
            QVERIFY(file.setFileTime(QDateTime::fromMSecsSinceEpoch(modifiedMs, QTimeZone::utc()),
                                     QFileDevice::FileModificationTime));
        }
        for (const bool cached : {false, true}) {
            SeriesCache cache;
            LoadOptions options;
            options.quote = QStringLiteral("USDT");
            options.lastCandle = static_cast<ImportOptions::LastCandle>(rule);
            options.nowMs = nowMs;
            options.cache = cached ? &cache : nullptr;
            LoadReport report;
            auto loaded = BacktestData::load({{QStringLiteral("A"), path}}, {}, {}, options, &report);
            QVERIFY2(loaded.ok(), qPrintable(loaded.ok() ? QString() : loaded.error().message));
            QCOMPARE(static_cast<int>(loaded->bars()), bars);
            QCOMPARE(report.droppedNewest.size(), 4 - bars);
        }
    }

    void onlyCandleStillRunningIsAnError()
    {
        const QString path = m_dir.filePath(QStringLiteral("only-1h.csv"));
        QVERIFY(writeFile(path, plainFile({1})));
        LoadOptions options;
        options.quote = QStringLiteral("USDT");
        options.nowMs = kStart + kHour / 2;
        auto loaded = BacktestData::load({{QStringLiteral("A"), path}}, {}, {}, options);
        QVERIFY(!loaded);
        QVERIFY2(loaded.error().message.contains(QStringLiteral("--keep-last")), qPrintable(loaded.error().message));
    }

    void filesAlignOnSharedBarsAndDates()
    {
        // B starts two hours later and has a gap; the shared bars are the
        // intersection, cut to --from/--to, as PriceAlignment gives them.
        const QString a = m_dir.filePath(QStringLiteral("align-a.csv"));
        const QString b = m_dir.filePath(QStringLiteral("align-b.csv"));
        QByteArray bText = "timestamp,open,high,low,close,volume\n";
        for (const int hour : {2, 3, 5, 6, 7, 30})
            bText += QDateTime::fromMSecsSinceEpoch(kStart + hour * kHour, QTimeZone::utc())
                         .toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"))
                         .toLatin1()
                + ",1,1,1," + QByteArray::number(100 + hour) + ",1\n";
        std::vector<double> aCloses;
        for (int hour = 0; hour < 40; ++hour)
            aCloses.push_back(hour + 1.0);
        QVERIFY(writeFile(a, plainFile(aCloses)));
        QVERIFY(writeFile(b, bText));
        LoadOptions options;
        options.quote = QStringLiteral("USDT");
        auto loaded = BacktestData::load({{QStringLiteral("A"), a}, {QStringLiteral("B"), b}}, {}, {}, options);
        QVERIFY(loaded.ok());
        QCOMPARE(loaded->times,
                 (backtest::TimeBuffer{kStart + 2 * kHour, kStart + 3 * kHour, kStart + 5 * kHour, kStart + 6 * kHour,
                                       kStart + 7 * kHour, kStart + 30 * kHour}));
        QCOMPARE(loaded->closes, (CloseMatrix{3, 102, 4, 103, 6, 105, 7, 106, 8, 107, 31, 130}));
        auto cut = BacktestData::load({{QStringLiteral("A"), a}, {QStringLiteral("B"), b}}, QDate(2024, 1, 2),
                                      QDate(2024, 1, 2), options);
        QVERIFY(!cut); // one shared bar on 2 January: too few
        QVERIFY2(cut.error().message.contains(QStringLiteral("share 1 bar(s)")), qPrintable(cut.error().message));
        auto firstDay = BacktestData::load({{QStringLiteral("A"), a}, {QStringLiteral("B"), b}}, QDate(2024, 1, 1),
                                           QDate(2024, 1, 1), options);
        QVERIFY(firstDay.ok());
        QCOMPARE(firstDay->bars(), std::size_t{5});
    }

    // Files up to 64 MiB are read into a thread's buffer; larger ones are
    // mapped and parsed in place (so no file's size sets the load's memory).
    // A file over the limit, read both ways, next to one under it: every bar
    // and close as written, by the one pass.
    void filesOverTheReadBufferAreMappedAndReadTheSame()
    {
        constexpr qint64 kReadLimit = qint64{64} * 1024 * 1024; // ReadBuffer::kMaxRead
        // Hourly rows from kStart; the close of row t is 100 + (t % 9973) / 100,
        // written with two decimals. The dates advance day by day.
        const auto write = [](const QString &path, int rows) {
            QByteArray text = "timestamp,open,high,low,close,volume\n";
            text.reserve(static_cast<qsizetype>(rows) * 64 + 64);
            QDate day = QDate(2024, 1, 1);
            for (int t = 0; t < rows; ++t) {
                if (t > 0 && t % 24 == 0)
                    day = day.addDays(1);
                const QByteArray close = QByteArray::number(100 + (t % 9973) / 100.0, 'f', 2);
                text += day.toString(Qt::ISODate).toLatin1() + ' ' + (t % 24 < 10 ? "0" : "")
                    + QByteArray::number(t % 24) + ":00:00," + close + ',' + close + ',' + close + ',' + close
                    + ",12.5\n";
            }
            return writeFile(path, text) ? static_cast<qint64>(text.size()) : -1;
        };
        const QString large = m_dir.filePath(QStringLiteral("large-1h.csv"));
        const QString small = m_dir.filePath(QStringLiteral("small-1h.csv"));
        constexpr int kLargeRows = 1'300'000; // 53 bytes a row: 68.9 MB
        constexpr int kSmallRows = 1'000;
        const qint64 largeBytes = write(large, kLargeRows);
        QVERIFY2(largeBytes > kReadLimit, qPrintable(QString::number(largeBytes)));
        QVERIFY(write(small, kSmallRows) > 0);

        LoadOptions options;
        options.quote = QStringLiteral("USDT");
        options.lastCandle = ImportOptions::LastCandle::Keep;
        backtest::LoadReport report;
        auto loaded =
            BacktestData::load({{QStringLiteral("L"), large}, {QStringLiteral("S"), small}}, {}, {}, options, &report);
        QVERIFY2(loaded.ok(), qPrintable(loaded ? QString() : loaded.error().message));
        QCOMPARE(report.parsedFast, 2);
        QCOMPARE(loaded->bars(), static_cast<std::size_t>(kSmallRows)); // the shared bars: the small file's
        auto alone = BacktestData::load({{QStringLiteral("L"), large}}, {}, {}, options);
        QVERIFY2(alone.ok(), qPrintable(alone ? QString() : alone.error().message));
        QCOMPARE(alone->bars(), static_cast<std::size_t>(kLargeRows));
        int wrong = 0;
        for (int t = 0; t < kLargeRows; ++t) {
            const auto bar = static_cast<std::size_t>(t);
            const double want = QByteArray::number(100 + (t % 9973) / 100.0, 'f', 2).toDouble();
            if (alone->times[bar] != kStart + t * kHour || alone->close(bar, 0) != want)
                ++wrong;
            if (t < kSmallRows && (loaded->close(bar, 0) != want || loaded->close(bar, 1) != want))
                ++wrong;
        }
        QCOMPARE(wrong, 0);
        QVERIFY(QFile::remove(large));
    }

    void scratchIsTheThreadsToReuse()
    {
        const double *first = nullptr;
        {
            const Scratch scratch(1000);
            QCOMPARE(scratch.doubles().size(), std::size_t{1000});
            first = scratch.doubles().data();
            std::fill(scratch.doubles().begin(), scratch.doubles().end(), 1.5); // all of it is writable
            // A second one alive at the same time gets memory of its own.
            const Scratch other(1000);
            QCOMPARE(other.doubles().size(), std::size_t{1000});
            QVERIFY(other.doubles().data() + 1000 <= first || first + 1000 <= other.doubles().data());
            std::fill(other.doubles().begin(), other.doubles().end(), 2.5);
            QCOMPARE(scratch.doubles()[999], 1.5);
        }
        {
            const Scratch again(500); // the next run on this thread reuses the memory
            QCOMPARE(again.doubles().data(), first);
        }
        {
            const Scratch bigger(300000); // 2.4 MB: mapped anew, all writable
            QCOMPARE(bigger.doubles().size(), std::size_t{300000});
            std::fill(bigger.doubles().begin(), bigger.doubles().end(), 3.5);
            QCOMPARE(bigger.doubles().back(), 3.5);
        }
    }

    void hugePageMemoryIsWholeAlignedPages()
    {
        const std::size_t doubles = 3 * 1024 * 1024 / sizeof(double) + 5; // 3 MiB and a little
        const std::shared_ptr<void> memory = hugePageMemory(doubles * sizeof(double));
        QVERIFY(memory);
#ifdef Q_OS_LINUX
        QCOMPARE(reinterpret_cast<std::uintptr_t>(memory.get()) % (2 * 1024 * 1024), std::uintptr_t{0});
#endif
        auto *values = static_cast<double *>(memory.get());
        std::fill(values, values + doubles, 4.5);
        QCOMPARE(values[doubles - 1], 4.5);
        const std::shared_ptr<void> tiny = hugePageMemory(0); // still a valid block
        QVERIFY(tiny);
    }

    void plainDecimalsConvertAsFromChars()
    {
        // Every length of digits up to 18 with the dot anywhere or nowhere,
        // leading and trailing zeros, behind bytes the 8-byte reads must mask
        // (a comma, whose code is below the digits': a borrow would show).
        std::mt19937_64 random(20261204);
        std::vector<std::string> texts{".",
                                       "0",
                                       "5.",
                                       ".5",
                                       "0.0000000000001",
                                       "999999999999999",
                                       "9999999999999999",
                                       "100.34752087",
                                       "000000000000012.5",
                                       "123456789012345.",
                                       "1.00000000000000"};
        for (int n = 0; n < 20000; ++n) {
            const int digits = 1 + static_cast<int>(random() % 18);
            std::string text;
            for (int d = 0; d < digits; ++d)
                text += static_cast<char>('0' + random() % (d == 0 && random() % 4 == 0 ? 1 : 10));
            const int dot = static_cast<int>(random() % static_cast<unsigned>(digits + 2));
            if (dot <= digits)
                text.insert(static_cast<std::size_t>(dot), 1, '.');
            texts.push_back(text);
        }
        for (const std::string &text : texts) {
            const std::string buffer = ",,,,,,,," + text + ",";
            const char *first = buffer.data() + 8;
            const char *last = first + text.size();
            double expected = 0.0;
            const auto [ptr, ec] = std::from_chars(first, last, expected, std::chars_format::fixed);
            const bool parses = ec == std::errc() && ptr == last;
            double value = -1.0;
            QCOMPARE(backtest::plainDecimalValue(first, last, value, buffer.data()), parses);
            if (parses) {
                QVERIFY2(std::bit_cast<std::uint64_t>(value) == std::bit_cast<std::uint64_t>(expected),
                         qPrintable(QStringLiteral("%1: %2, from_chars %3")
                                        .arg(QString::fromStdString(text))
                                        .arg(value, 0, 'g', 17)
                                        .arg(expected, 0, 'g', 17)));
            }
            // Too close to the start to read 8 bytes before it: the same value.
            double near = -1.0;
            QCOMPARE(backtest::plainDecimalValue(first, last, near, first - 7), parses);
            if (parses)
                QCOMPARE(std::bit_cast<std::uint64_t>(near), std::bit_cast<std::uint64_t>(expected));
        }
    }

    void largeTimeBuffersTakeHugePages()
    {
        // Small: the heap's memory. Large: whole 2 MiB pages of their own,
        // given back when the vector grows or goes (AddressSanitizer in CI
        // would catch a block returned the wrong way).
        backtest::TimeBuffer small(100, 7);
        QCOMPARE(small.back(), qint64{7});
        backtest::TimeBuffer times;
        constexpr std::size_t kCount = backtest::HugePageAllocator<qint64>::kFrom / sizeof(qint64) + 1;
        times.reserve(kCount);
#ifdef Q_OS_LINUX
        QCOMPARE(reinterpret_cast<std::uintptr_t>(times.data()) % (2 * 1024 * 1024), std::uintptr_t{0});
#endif
        for (std::size_t i = 0; i < 3 * kCount; ++i) // grows twice, from huge pages into huge pages
            times.push_back(static_cast<qint64>(i));
        QCOMPARE(times[3 * kCount - 1], static_cast<qint64>(3 * kCount - 1));
        times.resize(10);
        times.shrink_to_fit(); // back into the heap
        QCOMPARE(times.size(), std::size_t{10});
        QCOMPARE(times.back(), qint64{9});
    }

    void prefaultMapsPagesInAheadOfWriting()
    {
#if defined(Q_OS_LINUX) && defined(MADV_POPULATE_WRITE)
        constexpr std::size_t kPages = 256;
        constexpr std::size_t kBytes = kPages * 4096;
        void *memory = ::mmap(nullptr, kBytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        QVERIFY(memory != MAP_FAILED);
        ::madvise(memory, kBytes, MADV_NOHUGEPAGE); // one fault per 4 KiB page when not prefaulted
        if (::madvise(memory, 4096, MADV_POPULATE_WRITE) != 0) {
            ::munmap(memory, kBytes);
            QSKIP("this kernel has no MADV_POPULATE_WRITE (Linux 5.14 or later)");
        }
        auto faults = [] {
            rusage usage{};
            ::getrusage(RUSAGE_THREAD, &usage);
            return usage.ru_minflt;
        };
        auto *bytes = static_cast<unsigned char *>(memory);
        // Not aligned on purpose: the pages around the range are mapped in too.
        prefaultForWrite(bytes + 100, kBytes - 200);
        const long before = faults();
        for (std::size_t page = 0; page < kPages; ++page)
            bytes[page * 4096 + 7] = 1;
        const long after = faults();
        ::munmap(memory, kBytes);
        QVERIFY2(after - before < static_cast<long>(kPages / 4),
                 qPrintable(QStringLiteral("%1 faults writing %2 prefaulted pages").arg(after - before).arg(kPages)));
#else
        QSKIP("prefaulting is a Linux hint only");
#endif
    }
};

QTEST_GUILESS_MAIN(TestBacktestFiles)
#include "tst_backtestfiles.moc"
