// Side-by-side timing of a CSV price import: the sqlite3 shell's `.import`
// against PriceImporter::importFile, on the same generated file.
//
// The target: importing N candle rows from CSV into SQLite takes no more than
// 1.5 times what the sqlite3 shell's `.import` takes for the same file.
//
//   bench_import [rows] [--shuffled] [--repeat N] [--max-ratio R]
//   bench_import [rows] [--shuffled] --write-csv PATH
//
// rows defaults to 1,000,000 (a smoke run under ctest uses far fewer). With
// --max-ratio the program fails when Ballast's median time exceeds R times the
// shell's plain-table import (the stricter of the two baselines reported).
// --shuffled writes the rows in random order (a fixed seed): the file cannot
// stream and Ballast sorts it through a temporary file; the shell does not
// care about order.
// Wall and CPU time are both shown: on a busy machine wall time is noisy. Plain program rather than Google Benchmark:
// the baseline is another process, and one import is long enough to time whole.
// --write-csv only writes the generated file to PATH, for timing whole
// processes side by side with their peak memory by hand, e.g.
//   /usr/bin/time -v ballast-cli --db new.sqlite prices import --keep-last PATH
//   /usr/bin/time -v sqlite3 shell.sqlite '.import --csv PATH ohlcv'
// (this program's own peak holds the generated file and is no measure).

#include "market/priceimporter.h"
#include "storage/database.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTimeZone>

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <optional>
#include <random>
#include <vector>

#ifdef Q_OS_UNIX
#include <sys/resource.h>
#endif

using ballast::market::ImportOptions;
using ballast::market::PriceImporter;

namespace {

// The candles table exactly as core/storage/schema.cpp builds it (v3 plus the
// v5 market_cap column), so the shell writes the same kind of table.
constexpr const char *kCandlesTable =
    "CREATE TABLE candles (asset TEXT NOT NULL, quote TEXT NOT NULL, interval TEXT NOT NULL, ts INTEGER NOT NULL, "
    "open REAL NOT NULL, high REAL NOT NULL, low REAL NOT NULL, close REAL NOT NULL, volume REAL NOT NULL DEFAULT "
    "0, source TEXT NOT NULL, market_cap REAL NOT NULL DEFAULT 0, PRIMARY KEY (asset, quote, interval, ts)) "
    "STRICT, WITHOUT ROWID;\n";

void appendNumber(QByteArray &out, double value, int decimals)
{
    char buffer[64];
    const auto result = std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::fixed, decimals);
    out.append(buffer, result.ptr - buffer);
}

void appendTwo(QByteArray &out, int value)
{
    out.append(static_cast<char>('0' + value / 10));
    out.append(static_cast<char>('0' + value % 10));
}

// A plain OHLCV file of one-minute candles from 2020-01-01, a random walk
// printed the way exchanges print it (2 decimals for prices, 6 for volume).
QByteArray generateCsv(int rows)
{
    QByteArray csv;
    csv.reserve(static_cast<qsizetype>(rows) * 64 + 64);
    csv.append("timestamp,open,high,low,close,volume\n");
    std::mt19937_64 random(20240101);
    std::normal_distribution<double> step(0.0, 0.001);
    std::uniform_real_distribution<double> wick(0.0, 0.0015);
    std::uniform_real_distribution<double> volume(0.5, 50.0);
    const QDateTime start(QDate(2020, 1, 1), QTime(0, 0), QTimeZone::utc());
    double price = 7200.0;
    QDate day = start.date();
    for (int i = 0; i < rows; ++i) {
        const int minuteOfDay = i % 1440;
        if (i > 0 && minuteOfDay == 0)
            day = day.addDays(1);
        const double open = price;
        const double close = std::max(1.0, open * (1.0 + step(random)));
        const double high = std::max(open, close) * (1.0 + wick(random));
        const double low = std::min(open, close) * (1.0 - wick(random));
        price = close;
        csv.append(QByteArray::number(day.year()));
        csv.append('-');
        appendTwo(csv, day.month());
        csv.append('-');
        appendTwo(csv, day.day());
        csv.append(' ');
        appendTwo(csv, minuteOfDay / 60);
        csv.append(':');
        appendTwo(csv, minuteOfDay % 60);
        csv.append(":00,");
        appendNumber(csv, open, 2);
        csv.append(',');
        appendNumber(csv, high, 2);
        csv.append(',');
        appendNumber(csv, low, 2);
        csv.append(',');
        appendNumber(csv, close, 2);
        csv.append(',');
        appendNumber(csv, volume(random), 6);
        csv.append('\n');
    }
    return csv;
}

// The same file with its rows (not the header) in a random, repeatable order.
QByteArray shuffleRows(const QByteArray &csv)
{
    const qsizetype headerEnd = csv.indexOf('\n') + 1;
    std::vector<std::pair<qsizetype, qsizetype>> lines; // start, length with the newline
    for (qsizetype at = headerEnd; at < csv.size();) {
        const qsizetype end = csv.indexOf('\n', at) + 1;
        lines.emplace_back(at, end - at);
        at = end;
    }
    std::mt19937_64 random(11);
    std::shuffle(lines.begin(), lines.end(), random);
    QByteArray shuffled;
    shuffled.reserve(csv.size());
    shuffled.append(csv.constData(), headerEnd);
    for (const auto &[start, length] : lines)
        shuffled.append(csv.constData() + start, length);
    return shuffled;
}

// Seconds of CPU (user + system) used so far by this process, or by its
// finished children; the machine may be busy, wall time alone would mislead.
double cpuSeconds(bool children)
{
#ifdef Q_OS_UNIX
    rusage usage{};
    getrusage(children ? RUSAGE_CHILDREN : RUSAGE_SELF, &usage);
    auto seconds = [](const timeval &t) {
        return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6;
    };
    return seconds(usage.ru_utime) + seconds(usage.ru_stime);
#else
    Q_UNUSED(children);
    return 0;
#endif
}

struct Timing
{
    double wall = 0;
    double cpu = 0;
};

// Runs the sqlite3 shell on a fresh database with @p script on stdin; the
// whole process is timed, as a person running `.import` would see it.
std::optional<Timing> timeShell(const QString &shell, const QString &database, const QByteArray &script)
{
    QFile::remove(database);
    QProcess process;
    const double cpuBefore = cpuSeconds(true);
    QElapsedTimer timer;
    timer.start();
    process.start(shell, {QStringLiteral("-bail"), database});
    if (!process.waitForStarted())
        return std::nullopt;
    process.write(script);
    process.closeWriteChannel();
    process.waitForFinished(-1);
    const Timing timing{static_cast<double>(timer.nsecsElapsed()) / 1e9, cpuSeconds(true) - cpuBefore};
    if (process.exitStatus() != QProcess::NormalExit || process.exitCode() != 0) {
        std::fprintf(stderr, "sqlite3 failed: %s\n", process.readAllStandardError().constData());
        return std::nullopt;
    }
    return timing;
}

double median(const std::vector<Timing> &timings, double Timing::*field)
{
    std::vector<double> values;
    for (const Timing &t : timings)
        values.push_back(t.*field);
    std::sort(values.begin(), values.end());
    const std::size_t n = values.size();
    return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

QString fileNativePath(const QString &path)
{
    return QDir::toNativeSeparators(path);
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    int rows = 1'000'000;
    int repeat = 3;
    double maxRatio = 0;
    bool shuffled = false;
    QString writeOnly;
    const QStringList args = app.arguments();
    for (qsizetype i = 1; i < args.size(); ++i) {
        if (args[i] == QLatin1String("--write-csv") && i + 1 < args.size())
            writeOnly = args[++i];
        else if (args[i] == QLatin1String("--repeat") && i + 1 < args.size())
            repeat = std::max(1, args[++i].toInt());
        else if (args[i] == QLatin1String("--max-ratio") && i + 1 < args.size())
            maxRatio = args[++i].toDouble();
        else if (args[i] == QLatin1String("--shuffled"))
            shuffled = true;
        else
            rows = std::max(2, args[i].toInt());
    }

    QTemporaryDir dir;
    const QString csvPath = writeOnly.isEmpty() ? dir.filePath(QStringLiteral("BTCUSDT_1m.csv")) : writeOnly;
    {
        const QByteArray csv = shuffled ? shuffleRows(generateCsv(rows)) : generateCsv(rows);
        QFile file(csvPath);
        if (!file.open(QIODevice::WriteOnly) || file.write(csv) != csv.size()) {
            std::fprintf(stderr, "cannot write %s\n", qPrintable(csvPath));
            return 1;
        }
        std::printf("file: %d rows, %.1f MB, plain OHLCV (timestamp,open,high,low,close,volume), %s\n", rows,
                    static_cast<double>(csv.size()) / 1e6, shuffled ? "rows shuffled" : "in time order");
    }
    if (!writeOnly.isEmpty())
        return 0;

    const QString shell = QStandardPaths::findExecutable(QStringLiteral("sqlite3"));
    const QByteArray csvArg = fileNativePath(csvPath).toUtf8();
    // (a) the shell's fastest case: a plain rowid table of the CSV's columns.
    const QByteArray plainScript =
        QByteArray("CREATE TABLE ohlcv (timestamp TEXT, open REAL, high REAL, low REAL, close REAL, volume REAL);\n"
                   ".import --csv --skip 1 '")
        + csvArg + "' ohlcv\n";
    // (b) the same rows into the real candles table, via a staging table.
    const QByteArray candlesScript = QByteArray(kCandlesTable)
        + "CREATE TEMP TABLE staging (timestamp TEXT, open TEXT, high TEXT, low TEXT, close TEXT, volume TEXT);\n"
          ".import --csv --skip 1 '"
        + csvArg
        + "' staging\n"
          "INSERT INTO candles (asset, quote, interval, ts, open, high, low, close, volume, source, market_cap) "
          "SELECT 'BTC', 'USDT', '1m', unixepoch(timestamp) * 1000, open, high, low, close, volume, 'import', 0 "
          "FROM staging;\n";

    std::vector<Timing> shellPlain;
    std::vector<Timing> shellCandles;
    std::vector<Timing> parseOnly;
    std::vector<Timing> ballast;
    ImportOptions options;
    options.lastCandle = ImportOptions::LastCandle::Keep; // same rows as the shell: all of them
    for (int run = 0; run < repeat; ++run) {
        if (!shell.isEmpty()) {
            if (auto t = timeShell(shell, dir.filePath(QStringLiteral("shell-plain.sqlite")), plainScript))
                shellPlain.push_back(*t);
            if (auto t = timeShell(shell, dir.filePath(QStringLiteral("shell-candles.sqlite")), candlesScript))
                shellCandles.push_back(*t);
        }
        {
            const double cpuBefore = cpuSeconds(false);
            QElapsedTimer timer;
            timer.start();
            auto series = PriceImporter::readFile(csvPath, options);
            parseOnly.push_back({static_cast<double>(timer.nsecsElapsed()) / 1e9, cpuSeconds(false) - cpuBefore});
            if (!series.ok() || series->candles.size() != rows) {
                std::fprintf(stderr, "read failed: %s\n",
                             series.ok() ? "wrong row count" : qPrintable(series.error().message));
                return 1;
            }
        }
        const QString dbPath = dir.filePath(QStringLiteral("ballast-%1.sqlite").arg(run));
        auto db = ballast::storage::Database::open(dbPath); // schema creation is not timed
        if (!db.ok()) {
            std::fprintf(stderr, "%s\n", qPrintable(db.error().message));
            return 1;
        }
        const double cpuBefore = cpuSeconds(false);
        QElapsedTimer timer;
        timer.start();
        auto report = PriceImporter::importFile(**db, csvPath, options);
        ballast.push_back({static_cast<double>(timer.nsecsElapsed()) / 1e9, cpuSeconds(false) - cpuBefore});
        // A shuffled file must have gone the sorted way (the whole-file read
        // gives the same candles, so it could hide there).
        if (!report.ok() || report->candlesStored != rows || (shuffled && report->sortedRuns == 0 && rows > 65536)) {
            std::fprintf(stderr, "import failed: %s\n",
                         report.ok() ? "wrong row count" : qPrintable(report.error().message));
            return 1;
        }
        if (run == 0)
            std::printf("%s\n", qPrintable(report->summary()));
        db->reset();
        QFile::remove(dbPath);
        QFile::remove(dbPath + QStringLiteral("-wal"));
        QFile::remove(dbPath + QStringLiteral("-shm"));
    }

    auto show = [](const char *what, const std::vector<Timing> &times) {
        QString all;
        for (const Timing &t : times)
            all += QStringLiteral(" %1").arg(t.wall, 0, 'f', 3);
        std::printf("%-58s wall %7.3f s  cpu %7.3f s  (wall runs:%s)\n", what, median(times, &Timing::wall),
                    median(times, &Timing::cpu), qPrintable(all));
    };
    std::printf("runs: %d, medians\n", repeat);
    show("Ballast parse only (PriceImporter::readFile)", parseOnly);
    show("Ballast PriceImporter::importFile (WAL, synchronous=FULL)", ballast);
    if (shell.isEmpty()) {
        std::printf("sqlite3 shell not found: no baseline\n");
        return 0;
    }
    if (shellPlain.empty() || shellCandles.empty()) {
        std::fprintf(stderr, "the sqlite3 shell runs failed\n");
        return 1;
    }
    show("sqlite3 .import into plain table of the CSV's columns", shellPlain);
    show("sqlite3 .import into staging + INSERT..SELECT into candles", shellCandles);
    auto ratio = [&](const std::vector<Timing> &shellTimes, double Timing::*field) {
        return median(ballast, field) / median(shellTimes, field);
    };
    std::printf("ratio Ballast / shell plain table:   wall %.2f  cpu %.2f\n", ratio(shellPlain, &Timing::wall),
                ratio(shellPlain, &Timing::cpu));
    std::printf("ratio Ballast / shell candles table: wall %.2f  cpu %.2f\n", ratio(shellCandles, &Timing::wall),
                ratio(shellCandles, &Timing::cpu));
    // Checked against the stricter baseline: the shell's plain table.
    const double checked = ratio(shellPlain, &Timing::wall);
    if (maxRatio > 0 && checked > maxRatio) {
        std::printf("FAILED: wall-time ratio %.2f against the plain table is above %.2f\n", checked, maxRatio);
        return 2;
    }
    return 0;
}
