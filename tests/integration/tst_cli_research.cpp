// Price import, backtests, sweeps and allocation through the real ballast-cli,
// on the real price files in ../shared/data.
#include "money/decimal.h"
#include "storage/database.h"
#include "testsupport.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>
#include <QTimeZone>

namespace {

struct Run
{
    int exitCode = -1;
    QString out;
    QString err;
    [[nodiscard]] QJsonObject json() const { return QJsonDocument::fromJson(out.toUtf8()).object(); }
};

} // namespace

class TestCliResearch : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    QString m_db;
    QString m_data;

    /// Runs ballast-cli on this test's ledger; its output goes to @p outputFile
    /// where one is given (Run::out is then empty).
    Run cli(const QStringList &arguments, const QString &program = qEnvironmentVariable("BALLAST_CLI"),
            const QString &outputFile = {})
    {
        QProcess process;
        if (!outputFile.isEmpty())
            process.setStandardOutputFile(outputFile);
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("BALLAST_NOW"), QStringLiteral("2026-11-21T12:00:00Z"));
        env.insert(QStringLiteral("XDG_CACHE_HOME"), m_dir.filePath(QStringLiteral("cache")));
        process.setProcessEnvironment(env);
        process.start(program, QStringList{QStringLiteral("--db"), m_db} + arguments);
        if (!process.waitForFinished(120000))
            qFatal("ballast-cli did not finish");
        return Run{process.exitCode(), QString::fromUtf8(process.readAllStandardOutput()),
                   QString::fromUtf8(process.readAllStandardError())};
    }
    QString file(const char *relative) const { return QDir(m_data).filePath(QString::fromLatin1(relative)); }
    QString prices(const char *symbol, const char *relative) const
    {
        return QString::fromLatin1(symbol) + QLatin1Char('=') + file(relative);
    }

private slots:
    void initTestCase()
    {
        m_data = qEnvironmentVariable("BALLAST_SHARED_DATA");
        if (m_data.isEmpty() || !QDir(m_data).exists(QStringLiteral("prices")))
            QSKIP("the shared price data (../shared/data) is not beside this checkout");
        m_data = QDir(m_data).filePath(QStringLiteral("prices"));
    }

    void init()
    {
        m_db = m_dir.filePath(QString::fromLatin1(QTest::currentTestFunction()) + QStringLiteral(".sqlite"));
        QFile::remove(m_db);
    }

    void importsWholeOrNothing()
    {
        QCOMPARE(cli({QStringLiteral("init")}).exitCode, 0);
        const Run imported =
            cli({QStringLiteral("prices"), QStringLiteral("import"), QStringLiteral("--json"),
                 file("cryptodatadownload/Binance_BTCUSDT_d.csv"), file("binance-simple/ETHUSDT_1d.csv")});
        QCOMPARE(imported.exitCode, 0);
        const QJsonArray reports = imported.json().value(QStringLiteral("imports")).toArray();
        QCOMPARE(reports.size(), 2);
        QCOMPARE(reports.at(0).toObject().value(QStringLiteral("asset")).toString(), QStringLiteral("BTC"));
        QCOMPARE(reports.at(0).toObject().value(QStringLiteral("missing_bars")).toInt(), 6); // the 2026 gaps
        // The newest close became BTC's price: a BTC holding is valued from it.
        QCOMPARE(cli({QStringLiteral("accounts"), QStringLiteral("add"), QStringLiteral("--exchange"),
                      QStringLiteral("manual"), QStringLiteral("--name"), QStringLiteral("w")})
                     .exitCode,
                 0);
        QCOMPARE(cli({QStringLiteral("holdings"), QStringLiteral("set"), QStringLiteral("--account"),
                      QStringLiteral("w"), QStringLiteral("BTC=1")})
                     .exitCode,
                 0);
        const QJsonObject status = cli({QStringLiteral("status"), QStringLiteral("--json")}).json();
        QVERIFY(ballast::money::Decimal::parse(status.value(QStringLiteral("total_value")).toString())->isPositive());

        // A file that cannot be read honestly is refused with file, line and
        // column, and nothing of the batch lands.
        auto opened = ballast::storage::Database::open(m_db);
        QVERIFY(opened.ok());
        const QByteArray before = ballast::test::contentDigest(**opened);
        opened->reset();
        const Run refused = cli({QStringLiteral("prices"), QStringLiteral("import"), file("yahoo/SOL1-USD.csv"),
                                 file("messy/coin_Bitcoin_spreadsheet_mangled.csv")});
        QCOMPARE(refused.exitCode, 1);
        QVERIFY2(refused.err.contains(QStringLiteral("coin_Bitcoin_spreadsheet_mangled.csv: line 2, column")),
                 qPrintable(refused.err));
        auto again = ballast::storage::Database::open(m_db);
        QCOMPARE(ballast::test::contentDigest(**again), before);
    }

    // Daily files stamped at the end of each day (23:59:59, as end-of-day
    // datasets print them) import and backtest as the candles they close:
    // the same as the files stamped at the open, and the import says so.
    void closeStampedFilesImportAndBacktestAsTheirCandles()
    {
        const auto stampedCopy = [this](const char *relative, const QString &name) {
            QFile in(file(relative));
            if (!in.open(QIODevice::ReadOnly))
                return QString();
            QByteArray out;
            for (const QByteArray &line : in.readAll().split('\n')) {
                const bool row = !line.isEmpty() && line[0] >= '0' && line[0] <= '9';
                out += (row ? line.left(line.indexOf(',')) + " 23:59:59" + line.mid(line.indexOf(',')) : line) + '\n';
            }
            const QString path = m_dir.filePath(name);
            QFile written(path);
            if (!written.open(QIODevice::WriteOnly) || written.write(out) != out.size())
                return QString();
            return path;
        };
        const QString btc = stampedCopy("binance-simple/BTCUSDT_1d.csv", QStringLiteral("BTCUSDT_1d.csv"));
        const QString eth = stampedCopy("binance-simple/ETHUSDT_1d.csv", QStringLiteral("ETHUSDT_1d.csv"));
        QVERIFY(!btc.isEmpty() && !eth.isEmpty());

        QCOMPARE(cli({QStringLiteral("init")}).exitCode, 0);
        const Run imported = cli({QStringLiteral("prices"), QStringLiteral("import"), QStringLiteral("--json"), btc});
        QCOMPARE(imported.exitCode, 0);
        const QJsonObject report = imported.json().value(QStringLiteral("imports")).toArray().at(0).toObject();
        QVERIFY(report.value(QStringLiteral("stamped_at_close")).toBool());
        const QString summary = report.value(QStringLiteral("summary")).toString();
        QVERIFY2(summary.contains(QStringLiteral("rows are stamped at the candle's close (23:59:59); filed under the "
                                                 "candle opening at 00:00 (2017-08-17 23:59:59 -> 2017-08-17)")),
                 qPrintable(summary));
        // The same candles as the file stamped at the open, in another ledger.
        const QString stampedDb = m_db;
        m_db = m_dir.filePath(QStringLiteral("open-stamped.sqlite"));
        QFile::remove(m_db);
        QCOMPARE(cli({QStringLiteral("init")}).exitCode, 0);
        const Run original = cli({QStringLiteral("prices"), QStringLiteral("import"), QStringLiteral("--json"),
                                  file("binance-simple/BTCUSDT_1d.csv")});
        QCOMPARE(original.exitCode, 0);
        const QJsonObject originalReport = original.json().value(QStringLiteral("imports")).toArray().at(0).toObject();
        QVERIFY(!originalReport.value(QStringLiteral("stamped_at_close")).toBool());
        QVERIFY(report.value(QStringLiteral("candles")).toInt() > 2000);
        QCOMPARE(report.value(QStringLiteral("candles")).toInt(),
                 originalReport.value(QStringLiteral("candles")).toInt());
        const char *candles = "SELECT group_concat(ts || ':' || open || ':' || close, ',') FROM "
                              "(SELECT ts, open, close FROM candles WHERE asset = 'BTC' ORDER BY ts)";
        auto openStamped = ballast::storage::Database::open(m_db);
        auto closeStamped = ballast::storage::Database::open(stampedDb);
        QVERIFY(openStamped.ok() && closeStamped.ok());
        QCOMPARE((*closeStamped)->scalar(candles), (*openStamped)->scalar(candles));

        // backtest --prices reads them the same way: the same run, bar for bar.
        const QStringList rule{QStringLiteral("--weights"), QStringLiteral("BTC=0.5,ETH=0.5"),
                               QStringLiteral("--rebalance"), QStringLiteral("calendar:month"),
                               QStringLiteral("--json")};
        const Run stampedRun =
            cli(QStringList{QStringLiteral("backtest"), QStringLiteral("--prices"), QStringLiteral("BTC=") + btc,
                            QStringLiteral("--prices"), QStringLiteral("ETH=") + eth}
                + rule);
        const Run openRun = cli(QStringList{QStringLiteral("backtest"), QStringLiteral("--prices"),
                                            prices("BTC", "binance-simple/BTCUSDT_1d.csv"), QStringLiteral("--prices"),
                                            prices("ETH", "binance-simple/ETHUSDT_1d.csv")}
                                + rule);
        QCOMPARE(stampedRun.exitCode, 0);
        QCOMPARE(openRun.exitCode, 0);
        QVERIFY(stampedRun.json().value(QStringLiteral("bars")).toInt() > 2000);
        for (const char *key : {"bars", "first_bar", "final_value", "rebalances", "sharpe"})
            QCOMPARE(stampedRun.json().value(QLatin1String(key)), openRun.json().value(QLatin1String(key)));

        // A file mixing the two stamps is refused with its line; nothing lands.
        QFile mixed(m_dir.filePath(QStringLiteral("SOLUSDT_1d.csv")));
        QVERIFY(mixed.open(QIODevice::WriteOnly));
        mixed.write("timestamp,open,high,low,close,volume\n2024-01-01 23:59:59,1,1,1,1,1\n"
                    "2024-01-02 23:59:59,1,1,1,2,1\n2024-01-04 00:00:00,1,1,1,3,1\n2024-01-04 23:59:59,1,1,1,4,1\n"
                    "2024-01-05 23:59:59,1,1,1,5,1\n");
        mixed.close();
        const QByteArray before = ballast::test::contentDigest(**openStamped);
        openStamped->reset();
        const Run refused = cli({QStringLiteral("prices"), QStringLiteral("import"), mixed.fileName()});
        QCOMPARE(refused.exitCode, 1);
        QVERIFY2(refused.err.contains(QStringLiteral("SOLUSDT_1d.csv: line 4, column 1 \"timestamp\": 2024-01-04 is "
                                                     "stamped at a candle's open, but line 2")),
                 qPrintable(refused.err));
        auto after = ballast::storage::Database::open(m_db);
        QCOMPARE(ballast::test::contentDigest(**after), before);
        const Run refusedBacktest = cli(QStringList{QStringLiteral("backtest"), QStringLiteral("--prices"),
                                                    QStringLiteral("SOL=") + mixed.fileName()}
                                        + QStringList{QStringLiteral("--weights"), QStringLiteral("SOL=1")});
        QVERIFY(refusedBacktest.exitCode != 0);
        QVERIFY2(refusedBacktest.err.contains(QStringLiteral("line 4, column 1")), qPrintable(refusedBacktest.err));
    }

    void backtestPrintsEveryMetric()
    {
        const Run run = cli({QStringLiteral("backtest"), QStringLiteral("--prices"),
                             prices("BTC", "cryptodatadownload/Binance_BTCUSDT_d.csv"), QStringLiteral("--prices"),
                             prices("ETH", "cryptodatadownload/Binance_ETHUSDT_d.csv"), QStringLiteral("--weights"),
                             QStringLiteral("BTC=0.5,ETH=0.5"), QStringLiteral("--rebalance"),
                             QStringLiteral("calendar:month"), QStringLiteral("--from"), QStringLiteral("2019-01-01"),
                             QStringLiteral("--to"), QStringLiteral("2019-12-31"), QStringLiteral("--json"),
                             QStringLiteral("--equity-out"), m_dir.filePath(QStringLiteral("equity.csv"))});
        QCOMPARE(run.exitCode, 0);
        const QJsonObject json = run.json();
        for (const char *key : {"final_value", "total_return", "cagr", "volatility", "sharpe", "sortino",
                                "max_drawdown", "calmar", "rebalances", "fees_paid", "turnover", "bars"}) {
            QVERIFY2(json.value(QLatin1String(key)).isDouble(), key);
            QVERIFY2(json.value(QStringLiteral("buy_and_hold")).toObject().value(QLatin1String(key)).isDouble(), key);
        }
        QCOMPARE(json.value(QStringLiteral("bars")).toInt(), 365); // --from and --to are inclusive
        QCOMPARE(json.value(QStringLiteral("rebalances")).toInt(), 11); // month ends but the last bar
        QCOMPARE(json.value(QStringLiteral("first_bar")).toString(), QStringLiteral("2019-01-01T00:00:00.000Z"));
        QFile equity(m_dir.filePath(QStringLiteral("equity.csv")));
        QVERIFY(equity.open(QIODevice::ReadOnly));
        QCOMPARE(equity.readLine(), QByteArray("time,strategy,buy_and_hold,drawdown,weight_BTC,weight_ETH\r\n"));
    }

    void backtestFilesTakeQuoteKeepLastAndTheCache()
    {
        // Hourly plain OHLCV files whose names carry no quote, the newest row
        // opening at BALLAST_NOW (2026-11-21 12:00), so still running.
        const QDateTime start(QDate(2026, 11, 19), QTime(13, 0), QTimeZone::utc());
        for (const char *name : {"first.csv", "second.csv"}) {
            QFile file(m_dir.filePath(QString::fromLatin1(name)));
            QVERIFY(file.open(QIODevice::WriteOnly));
            file.write("timestamp,open,high,low,close,volume\n");
            double price = name[0] == 'f' ? 100.0 : 50.0;
            for (int hour = 0; hour < 48; ++hour) {
                price *= name[0] == 'f' ? (hour % 3 == 0 ? 1.04 : 0.985) : (hour % 2 == 0 ? 0.97 : 1.02);
                file.write(start.addSecs(3600LL * hour).toString(QStringLiteral("yyyy-MM-dd HH:mm:ss")).toLatin1() + ','
                           + QByteArray::number(price, 'f', 6) + ",1,1," + QByteArray::number(price, 'f', 6) + ",5\n");
            }
        }
        const QStringList base{
            QStringLiteral("backtest"),    QStringLiteral("--json"),
            QStringLiteral("--prices"),    QStringLiteral("A=") + m_dir.filePath(QStringLiteral("first.csv")),
            QStringLiteral("--prices"),    QStringLiteral("B=") + m_dir.filePath(QStringLiteral("second.csv")),
            QStringLiteral("--weights"),   QStringLiteral("A=0.5,B=0.5"),
            QStringLiteral("--rebalance"), QStringLiteral("threshold:2pp")};
        const Run noQuote = cli(base);
        QCOMPARE(noQuote.exitCode, 1);
        QVERIFY2(noQuote.err.contains(QStringLiteral("first.csv: cannot tell which currency")),
                 qPrintable(noQuote.err));
        QVERIFY2(noQuote.err.contains(QStringLiteral("pass --quote")), qPrintable(noQuote.err));

        const Run quoted = cli(base + QStringList{QStringLiteral("--quote"), QStringLiteral("USDT")});
        QCOMPARE(quoted.exitCode, 0);
        const QJsonObject json = quoted.json();
        QCOMPARE(json.value(QStringLiteral("bars")).toInt(), 47); // the running candle is left out
        QCOMPARE(json.value(QStringLiteral("last_bar")).toString(), QStringLiteral("2026-11-21T11:00:00.000Z"));
        QVERIFY(json.value(QStringLiteral("rebalances")).toInt() > 0);
        for (const char *key : {"turnover", "turnover_total_over_mean", "traded_value"})
            QVERIFY2(json.value(QLatin1String(key)).toDouble() > 0.0, key);

        const Run kept =
            cli(base + QStringList{QStringLiteral("--quote"), QStringLiteral("USDT"), QStringLiteral("--keep-last")});
        QCOMPARE(kept.exitCode, 0);
        QCOMPARE(kept.json().value(QStringLiteral("bars")).toInt(), 48);

        // A repeated run reads the cache (a file per price file) and prints the same.
        QVERIFY(!QDir(m_dir.filePath(QStringLiteral("cache/Ballast/ballast/backtest-closes")))
                     .entryList(QDir::Files)
                     .isEmpty());
        const Run again = cli(base + QStringList{QStringLiteral("--quote"), QStringLiteral("USDT")});
        QCOMPARE(again.out, quoted.out);
        const Run uncached =
            cli(base + QStringList{QStringLiteral("--quote"), QStringLiteral("USDT"), QStringLiteral("--no-cache")});
        QCOMPARE(uncached.out, quoted.out);
    }

    void badBacktestInputIsAClearError_data()
    {
        QTest::addColumn<QStringList>("arguments");
        QTest::addColumn<QString>("message");
        QTest::newRow("weights sum") << QStringList{QStringLiteral("--weights"), QStringLiteral("BTC=0.5,ETH=0.4")}
                                     << QStringLiteral("sum to 0.9");
        QTest::newRow("no file for a coin")
            << QStringList{QStringLiteral("--weights"), QStringLiteral("BTC=0.5,DOGE=0.5")}
            << QStringLiteral("DOGE has no --prices file");
        QTest::newRow("bad rule") << QStringList{QStringLiteral("--weights"), QStringLiteral("BTC=1"),
                                                 QStringLiteral("--rebalance"), QStringLiteral("monthly")}
                                  << QStringLiteral("rebalance rule \"monthly\"");
        QTest::newRow("bad date") << QStringList{QStringLiteral("--weights"), QStringLiteral("BTC=1"),
                                                 QStringLiteral("--from"), QStringLiteral("01/02/2019")}
                                  << QStringLiteral("--from \"01/02/2019\"");
    }

    void badBacktestInputIsAClearError()
    {
        QFETCH(QStringList, arguments);
        QFETCH(QString, message);
        const Run run =
            cli(QStringList{QStringLiteral("backtest"), QStringLiteral("--prices"),
                            prices("BTC", "cryptodatadownload/Binance_BTCUSDT_d.csv"), QStringLiteral("--prices"),
                            prices("ETH", "cryptodatadownload/Binance_ETHUSDT_d.csv")}
                + arguments);
        QCOMPARE(run.exitCode, 2);
        QVERIFY2(run.err.contains(message), qPrintable(run.err));
    }

    void allocateModels_data()
    {
        QTest::addColumn<QString>("model");
        for (const char *model : {"equal", "inverse-vol", "erc", "min-variance", "max-sharpe"})
            QTest::newRow(model) << QString::fromLatin1(model);
    }

    void allocateModels()
    {
        QFETCH(QString, model);
        const Run run = cli({QStringLiteral("allocate"), QStringLiteral("--model"), model, QStringLiteral("--prices"),
                             prices("BTC", "cryptodatadownload/Binance_BTCUSDT_d.csv"), QStringLiteral("--prices"),
                             prices("ETH", "cryptodatadownload/Binance_ETHUSDT_d.csv"), QStringLiteral("--prices"),
                             prices("SOL", "cryptodatadownload/Binance_SOLUSDT_d.csv"), QStringLiteral("--from"),
                             QStringLiteral("2022-01-01"), QStringLiteral("--json")});
        QCOMPARE(run.exitCode, 0);
        const QJsonObject weights = run.json().value(QStringLiteral("weights")).toObject();
        QCOMPARE(weights.size(), 3);
        double sum = 0;
        for (const auto &value : weights)
            sum += value.toDouble();
        QVERIFY(qAbs(sum - 1.0) < 1e-9);
        if (model == QLatin1String("equal"))
            QVERIFY(qAbs(weights.value(QStringLiteral("BTC")).toDouble() - 1.0 / 3.0) < 1e-12);
    }

    void allocateByMarketCapFromCoinGecko()
    {
        const Run run =
            cli({QStringLiteral("allocate"), QStringLiteral("--model"), QStringLiteral("sqrt-market-cap"),
                 QStringLiteral("--prices"), prices("BTC", "coingecko/btc-usd-max.csv"), QStringLiteral("--prices"),
                 prices("ETH", "coingecko/eth-usd-max.csv"), QStringLiteral("--json")});
        QCOMPARE(run.exitCode, 0);
        const double btc =
            run.json().value(QStringLiteral("weights")).toObject().value(QStringLiteral("BTC")).toDouble();
        QVERIFY(btc > 0.5 && btc < 0.9);
    }

    void sweepCoversEveryCombination()
    {
        const Run run = cli({QStringLiteral("sweep"), QStringLiteral("--prices"),
                             prices("BTC", "cryptodatadownload/Binance_BTCUSDT_d.csv"), QStringLiteral("--prices"),
                             prices("ETH", "cryptodatadownload/Binance_ETHUSDT_d.csv"), QStringLiteral("--weights"),
                             QStringLiteral("BTC=0.6,ETH=0.3,USDT=0.1"), QStringLiteral("--model"),
                             QStringLiteral("erc"), QStringLiteral("--rule"), QStringLiteral("none"),
                             QStringLiteral("--rule"), QStringLiteral("calendar:quarter"), QStringLiteral("--rule"),
                             QStringLiteral("threshold:25%"), QStringLiteral("--json")});
        QCOMPARE(run.exitCode, 0);
        const QJsonArray runs = run.json().value(QStringLiteral("runs")).toArray();
        QCOMPARE(runs.size(), 6);
        QCOMPARE(runs.at(0).toObject().value(QStringLiteral("rebalances")).toInt(), 0);
        // Each run's JSON is made as it finishes (research.cpp), the others
        // still running, and the texts joined: the runs come in the grid's
        // order all the same, and the whole is what Qt writes for the
        // document it reads back (one compact line).
        QStringList labels;
        for (const QJsonValue &one : runs)
            labels << one.toObject().value(QStringLiteral("label")).toString();
        QCOMPARE(labels,
                 (QStringList{QStringLiteral("fixed none"), QStringLiteral("fixed calendar:quarter"),
                              QStringLiteral("fixed threshold:25%"), QStringLiteral("erc none"),
                              QStringLiteral("erc calendar:quarter"), QStringLiteral("erc threshold:25%")}));
        QCOMPARE(run.out, QString::fromUtf8(QJsonDocument(run.json()).toJson(QJsonDocument::Compact)) + u'\n');
    }

    // Output that cannot be written (/dev/full stands for a full disk) fails
    // the command with a message, in the program (a sweep from files) and in
    // its ledger module (the ledger's status) alike: a script
    // must not take a cut-off result for the whole. The same commands into a
    // file succeed.
    void outputThatCannotBeWrittenFailsTheCommand()
    {
        if (!QFileInfo::exists(QStringLiteral("/dev/full")))
            QSKIP("no /dev/full on this system");
        QCOMPARE(cli({QStringLiteral("init")}).exitCode, 0);
        const QStringList sweep{QStringLiteral("sweep"),
                                QStringLiteral("--prices"),
                                prices("BTC", "cryptodatadownload/Binance_BTCUSDT_d.csv"),
                                QStringLiteral("--weights"),
                                QStringLiteral("BTC=0.5,USDT=0.5"),
                                QStringLiteral("--rule"),
                                QStringLiteral("threshold:5pp"),
                                QStringLiteral("--json")};
        const QStringList status{QStringLiteral("status"), QStringLiteral("--json")};
        const QString program = qEnvironmentVariable("BALLAST_CLI");
        const QString written = m_dir.filePath(QStringLiteral("output.json"));
        for (const QStringList &arguments : {sweep, status}) {
            const Run full = cli(arguments, program, QStringLiteral("/dev/full"));
            QCOMPARE(full.exitCode, 1);
            QVERIFY2(full.err.contains(QStringLiteral("ballast-cli: cannot write the output: ")), qPrintable(full.err));
            const Run toFile = cli(arguments, program, written);
            QCOMPARE(toFile.exitCode, 0);
            QFile output(written);
            QVERIFY(output.open(QIODevice::ReadOnly));
            QVERIFY(!QJsonDocument::fromJson(output.readAll()).isNull());
        }
    }

    void backtestAndSweepFromFilesNeedNoLedgerModule()
    {
        // The program runs these itself (app/cli/main.cpp); every other
        // command is its ledger module's. A copy of the program without the
        // module beside it shows which is which.
        const QString alone = m_dir.filePath(QStringLiteral("alone/bin/ballast-cli"));
        QVERIFY(QDir().mkpath(QFileInfo(alone).path()));
        QFile::remove(alone);
        QVERIFY(QFile::copy(qEnvironmentVariable("BALLAST_CLI"), alone));
        const QStringList files{QStringLiteral("--prices"), prices("BTC", "cryptodatadownload/Binance_BTCUSDT_d.csv"),
                                QStringLiteral("--prices"), prices("ETH", "cryptodatadownload/Binance_ETHUSDT_d.csv"),
                                QStringLiteral("--json"),   QStringLiteral("--no-cache")};
        const QStringList backtest = QStringList{QStringLiteral("backtest"), QStringLiteral("--weights"),
                                                 QStringLiteral("BTC=0.5,ETH=0.4,USDT=0.1")}
            + files;
        const QStringList sweep = QStringList{QStringLiteral("sweep"), QStringLiteral("--model"), QStringLiteral("erc"),
                                              QStringLiteral("--rule"), QStringLiteral("threshold:5pp")}
            + files;
        for (const QStringList &arguments : {backtest, sweep}) {
            const Run installed = cli(arguments);
            const Run copy = cli(arguments, alone);
            QCOMPARE(copy.err, QString());
            QCOMPARE(copy.exitCode, 0);
            QCOMPARE(installed.exitCode, 0);
            QVERIFY(!copy.json().isEmpty());
            QCOMPARE(copy.json(), installed.json());
        }
        // The module's commands, --policy and --help say what is missing
        // (the module is looked for in the library folder beside bin/).
        const QString root = QDir::cleanPath(QFileInfo(alone).path() + QStringLiteral("/.."));
        for (const QStringList &arguments :
             {QStringList{QStringLiteral("status")}, backtest + QStringList{QStringLiteral("--policy")},
              QStringList{QStringLiteral("sweep"), QStringLiteral("--help")}}) {
            const Run copy = cli(arguments, alone);
            QCOMPARE(copy.exitCode, 1);
            QVERIFY2(copy.err.startsWith(QStringLiteral("ballast-cli: cannot load ") + root + QLatin1Char('/')),
                     qPrintable(copy.err));
            QVERIFY2(copy.err.contains(QStringLiteral("/libballast_cli.so: ")), qPrintable(copy.err));
        }
    }
};

QTEST_GUILESS_MAIN(TestCliResearch)
#include "tst_cli_research.moc"
