// Drives the real ballast-cli binary through performance, lots and gains on
// real SQLite files built with `transactions add` and `prices set`.
#include "clirunner.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>

namespace {

using Run = ballast::test::CliRun;
using ballast::test::words;

QString text(const QJsonObject &object, const char *key)
{
    return object.value(QLatin1String(key)).toString();
}

} // namespace

class TestCliPerformance : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    QString m_db;

    Run cli(const QStringList &arguments, const char *now)
    {
        return ballast::test::runCli(m_db, arguments, QString::fromLatin1(now));
    }
    Run cli(const char *arguments, const char *now = "2025-12-31T12:00:00Z") { return cli(words(arguments), now); }

    /// Runs a command that must succeed, printing its stderr when it does not.
    void ok(const char *arguments, const char *now = "2025-12-31T12:00:00Z")
    {
        const Run run = cli(arguments, now);
        QVERIFY2(run.exitCode == 0, qPrintable(QString::fromUtf8(arguments) + QStringLiteral(": ") + run.err));
    }

    /// A USDT portfolio: 100,000 USDT in, 1 BTC bought at 20,000, 1 at 30,000,
    /// then 1 sold at 40,000; BTC is at 45,000 at the end.
    void buyBuySell()
    {
        ok("init", "2025-01-01T00:00:00Z");
        ok("accounts add --exchange manual --name main", "2025-01-01T00:00:00Z");
        ok("transactions add --account main --kind deposit --asset USDT --quantity 100000 --at 2025-01-01");
        ok("transactions add --account main --kind trade --side buy --asset BTC --quote USDT --quantity 1 "
           "--price 20000 --at 2025-01-10");
        ok("transactions add --account main --kind trade --side buy --asset BTC --quote USDT --quantity 1 "
           "--price 30000 --at 2025-02-10");
        ok("transactions add --account main --kind trade --side sell --asset BTC --quote USDT --quantity 1 "
           "--price 40000 --at 2025-03-10");
        ok("prices set BTC=45000 --at 2025-03-10T00:00:00Z");
    }

private slots:
    void init()
    {
        m_db = m_dir.filePath(QString::fromLatin1(QTest::currentTestFunction()) + QStringLiteral(".sqlite"));
        QFile::remove(m_db);
    }

    void aDepositIsNotAReturn()
    {
        // The scenario: 1 BTC at 50,000, then 1 more BTC a month later
        // at the same price. Nothing was earned: TWR 0 %, not +100 %.
        ok("init", "2026-10-21T12:00:00Z");
        ok("accounts add --exchange paper --name paper", "2026-10-21T12:00:00Z");
        ok("prices set BTC=50000", "2026-10-21T12:00:00Z");
        ok("transactions add --account paper --kind deposit --asset BTC --quantity 1", "2026-10-21T12:00:00Z");
        ok("prices set BTC=50000", "2026-11-21T12:00:00Z");
        ok("transactions add --account paper --kind deposit --asset BTC --quantity 1", "2026-11-21T12:00:00Z");

        const Run run = cli("performance --json", "2026-11-21T12:00:00Z");
        QCOMPARE(run.exitCode, 0);
        const QJsonObject report = run.json();
        QVERIFY2(report.value(QStringLiteral("twr")).isDouble(), qPrintable(run.out));
        QCOMPARE(report.value(QStringLiteral("twr")).toDouble(), 0.0);
        QVERIFY2(std::abs(report.value(QStringLiteral("irr")).toDouble(1.0)) < 1e-9, qPrintable(run.out));
        QCOMPARE(text(report, "net_invested"), QStringLiteral("100000"));
        QCOMPARE(text(report, "value"), QStringLiteral("100000"));
        QCOMPARE(text(report, "to"), QStringLiteral("2026-11-21"));
        const QJsonArray monthly = report.value(QStringLiteral("monthly")).toArray();
        QCOMPARE(monthly.size(), 2);
        QCOMPARE(text(monthly.at(0).toObject(), "month"), QStringLiteral("2026-10"));
        QCOMPARE(text(monthly.at(1).toObject(), "month"), QStringLiteral("2026-11"));
        QCOMPARE(monthly.at(1).toObject().value(QStringLiteral("return")).toDouble(), 0.0);
        const QJsonObject key = report.value(QStringLiteral("key_figures")).toObject();
        QCOMPARE(key.value(QStringLiteral("change")).toDouble(), 0.0);
        QCOMPARE(report.value(QStringLiteral("drawdowns")).toArray().size(), 0);
        // Between the two stored prices BTC is carried at its last close, and said so.
        const QJsonArray missing = report.value(QStringLiteral("days_without_price")).toArray();
        QCOMPARE(missing.size(), 30);
        QCOMPARE(text(missing.at(0).toObject(), "date"), QStringLiteral("2026-10-22"));
        QCOMPARE(missing.at(0).toObject().value(QStringLiteral("carried")).toBool(), true);

        const Run readable = cli("performance", "2026-11-21T12:00:00Z");
        QCOMPARE(readable.exitCode, 0);
        QVERIFY2(readable.out.contains(QStringLiteral("Time-weighted return")), qPrintable(readable.out));
        QVERIFY2(readable.out.contains(QStringLiteral("100000 USDT")), qPrintable(readable.out));
        QVERIFY2(readable.out.contains(QStringLiteral("BTC: 30 day(s) from 2026-10-22 to 2026-11-20")),
                 qPrintable(readable.out));
    }

    void aRiseIsAReturnAndARangeCountsFromItsStart()
    {
        ok("init", "2026-10-21T12:00:00Z");
        ok("accounts add --exchange manual --name cold", "2026-10-21T12:00:00Z");
        ok("prices set BTC=50000 --at 2026-10-21T12:00:00Z");
        ok("transactions add --account cold --kind deposit --asset BTC --quantity 1 --at 2026-10-21T12:00:00Z");
        ok("prices set BTC=60000 --at 2026-10-22T12:00:00Z");
        ok("prices set BTC=60000 --at 2026-10-23T12:00:00Z");
        ok("transactions add --account cold --kind deposit --asset BTC --quantity 1 --at 2026-10-23T12:00:00Z");
        ok("prices set BTC=66000 --at 2026-10-24T12:00:00Z");

        const Run all = cli("performance --json --to 2026-10-24", "2026-10-25T00:00:00Z");
        QCOMPARE(all.exitCode, 0);
        // +20 % then +10 % on twice the money: chained 1.2 x 1.1 - 1 = 32 %.
        QVERIFY2(std::abs(all.json().value(QStringLiteral("twr")).toDouble() - 0.32) < 1e-12, qPrintable(all.out));
        QCOMPARE(text(all.json(), "net_invested"), QStringLiteral("110000"));
        QCOMPARE(text(all.json(), "value"), QStringLiteral("132000"));
        const Run later =
            cli("performance --json --from 2026-10-23 --to 2026-10-24 --account cold", "2026-10-25T00:00:00Z");
        QCOMPARE(later.exitCode, 0);
        QVERIFY2(std::abs(later.json().value(QStringLiteral("twr")).toDouble() - 0.10) < 1e-12, qPrintable(later.out));
    }

    void valuationsRebuildAndOneAsset()
    {
        buyBuySell();
        const char *now = "2025-03-12T12:00:00Z";
        const Run first = cli("valuations rebuild --json", now);
        QVERIFY2(first.exitCode == 0, qPrintable(first.err));
        QCOMPARE(text(first.json(), "first"), QStringLiteral("2025-01-01"));
        QCOMPARE(text(first.json(), "last"), QStringLiteral("2025-03-11"));
        QCOMPARE(first.json().value(QStringLiteral("days")).toInt(), 70);
        QCOMPARE(text(first.json(), "changed_from"), QStringLiteral("2025-01-01"));
        QCOMPARE(first.json().value(QStringLiteral("written")).toInt(), 70);
        // BTC between its trades is carried at its last price, and listed.
        const QJsonArray missing = first.json().value(QStringLiteral("days_without_price")).toArray();
        QVERIFY(!missing.isEmpty());
        QCOMPARE(text(missing.at(0).toObject(), "date"), QStringLiteral("2025-01-11"));
        QCOMPARE(text(missing.at(0).toObject(), "asset"), QStringLiteral("BTC"));

        const Run again = cli("valuations rebuild --json", now);
        QCOMPARE(again.exitCode, 0);
        QVERIFY(again.json().value(QStringLiteral("changed_from")).isNull());
        QCOMPARE(again.json().value(QStringLiteral("written")).toInt(), 0);
        const Run readable = cli("valuations rebuild", now);
        QVERIFY2(readable.out.contains(QStringLiteral("Already up to date")), qPrintable(readable.out));

        // BTC alone: its buys in and its sell out at their trade values; held
        // 1 BTC at 20,000, 2 at 30,000 (+20 % on the start-of-day capital
        // 20,000 + 30,000), then 1 at 45,000 after selling one at 40,000
        // (45,000 / (60,000 - 40,000) - 1 = +125 %).
        const Run btc = cli("performance --asset btc --json --to 2025-03-11", now);
        QVERIFY2(btc.exitCode == 0, qPrintable(btc.err));
        QCOMPARE(text(btc.json(), "net_invested"), QStringLiteral("10000"));
        QCOMPARE(text(btc.json(), "value"), QStringLiteral("45000"));
        QVERIFY2(std::abs(btc.json().value(QStringLiteral("twr")).toDouble() - (1.2 * 2.25 - 1.0)) < 1e-12,
                 qPrintable(btc.out));
        const Run none = cli("performance --asset ETH", now);
        QCOMPARE(none.exitCode, 1);
        QVERIFY2(none.err.contains(QStringLiteral("ETH")), qPrintable(none.err));
    }

    void fifoAndLifoGainsDiffer()
    {
        buyBuySell();
        const Run fifo = cli("gains --year 2025 --json");
        QCOMPARE(fifo.exitCode, 0);
        QCOMPARE(text(fifo.json(), "method"), QStringLiteral("fifo"));
        QCOMPARE(text(fifo.json(), "gain"), QStringLiteral("20000"));
        QCOMPARE(text(fifo.json(), "proceeds"), QStringLiteral("40000"));
        QCOMPARE(text(fifo.json(), "short_term_gain"), QStringLiteral("20000"));
        QCOMPARE(text(fifo.json(), "long_term_gain"), QStringLiteral("0"));
        const QJsonArray disposals = fifo.json().value(QStringLiteral("disposals")).toArray();
        QCOMPARE(disposals.size(), 1);
        const QJsonObject sale = disposals.at(0).toObject();
        QCOMPARE(text(sale, "acquired"), QStringLiteral("2025-01-10T00:00:00.000Z"));
        QCOMPARE(text(sale, "cost"), QStringLiteral("20000"));
        QCOMPARE(text(sale, "account"), QStringLiteral("main"));
        QCOMPARE(sale.value(QStringLiteral("holding_days")).toInteger(), 59);
        QCOMPARE(text(sale, "term"), QStringLiteral("short"));

        const Run lifo = cli("gains --from 2025-03-10 --to 2025-03-10 --method LIFO --json");
        QCOMPARE(lifo.exitCode, 0);
        QCOMPARE(text(lifo.json(), "gain"), QStringLiteral("10000"));
        QCOMPARE(text(lifo.json(), "cost"), QStringLiteral("30000"));

        // The portfolio's method, once chosen, is what lots and gains use.
        const Run shown = cli("cost-method --json");
        QCOMPARE(shown.exitCode, 0);
        QCOMPARE(text(shown.json(), "method"), QStringLiteral("fifo"));
        ok("cost-method LIFO");
        const Run stored = cli("gains --year 2025 --json");
        QCOMPARE(text(stored.json(), "method"), QStringLiteral("lifo"));
        QCOMPARE(text(stored.json(), "gain"), QStringLiteral("10000"));
        QCOMPARE(text(cli("gains --year 2025 --method fifo --json").json(), "gain"), QStringLiteral("20000"));
        const Run refused = cli("cost-method fofo");
        QCOMPARE(refused.exitCode, 2);
        QVERIFY2(refused.err.contains(QStringLiteral("cost-method \"fofo\"")), qPrintable(refused.err));
        QCOMPARE(text(cli("cost-method --json").json(), "method"), QStringLiteral("lifo"));
        ok("cost-method fifo");

        // Trades are prices too: the day of the first buy is priced at it.
        const Run performance = cli("performance --json --to 2025-03-10");
        QCOMPARE(performance.exitCode, 0);
        QVERIFY2(std::abs(performance.json().value(QStringLiteral("twr")).toDouble() - 0.35) < 1e-12,
                 qPrintable(performance.out));
        QCOMPARE(text(performance.json(), "value"), QStringLiteral("135000"));
        QCOMPARE(text(performance.json(), "net_invested"), QStringLiteral("100000"));
        const QJsonArray missing = performance.json().value(QStringLiteral("days_without_price")).toArray();
        QVERIFY(!missing.isEmpty());
        QCOMPARE(text(missing.at(0).toObject(), "date"), QStringLiteral("2025-01-11"));
        for (const auto &day : missing)
            QVERIFY(day.toObject().value(QStringLiteral("carried")).toBool());

        // Outside the range: no disposal.
        const Run before = cli("gains --from 2025-01-01 --to 2025-03-09 --json");
        QCOMPARE(before.exitCode, 0);
        QCOMPARE(before.json().value(QStringLiteral("disposals")).toArray().size(), 0);
        QCOMPARE(text(before.json(), "gain"), QStringLiteral("0"));

        // What stays open: the 30,000 lot under FIFO, the 20,000 one under LIFO.
        const Run fifoLots = cli("lots --asset btc --json");
        QCOMPARE(fifoLots.exitCode, 0);
        const QJsonArray open = fifoLots.json().value(QStringLiteral("lots")).toArray();
        QCOMPARE(open.size(), 1);
        QCOMPARE(text(open.at(0).toObject(), "cost"), QStringLiteral("30000"));
        QCOMPARE(text(open.at(0).toObject(), "price"), QStringLiteral("45000"));
        QCOMPARE(text(open.at(0).toObject(), "unrealized"), QStringLiteral("15000"));
        QCOMPARE(text(fifoLots.json(), "unrealized"), QStringLiteral("15000"));
        const Run lifoLots = cli("lots --asset BTC --method lifo --json");
        QCOMPARE(lifoLots.exitCode, 0);
        QCOMPARE(text(lifoLots.json(), "unrealized"), QStringLiteral("25000"));
        const Run readable = cli("lots --method hifo");
        QCOMPARE(readable.exitCode, 0);
        QVERIFY2(readable.out.contains(QStringLiteral("Open lots (HIFO)")), qPrintable(readable.out));
        QVERIFY2(readable.out.contains(QStringLiteral("+25000")), qPrintable(readable.out));
    }

    void dailyCandlesAreCloses()
    {
        buyBuySell();
        const QString path = m_dir.filePath(QStringLiteral("btc_1d.csv"));
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("date,open,high,low,close,volume\n2025-01-11,20000,22000,20000,22000,1\n"
                   "2025-01-12,22000,24000,22000,24000,1\n");
        file.close();
        ok(qPrintable(QStringLiteral("prices import --asset BTC --quote USDT ") + path));
        // 80,000 USDT and 1 BTC at the candle's close of 24,000.
        const Run run = cli("performance --json --to 2025-01-12");
        QCOMPARE(run.exitCode, 0);
        QCOMPARE(text(run.json(), "value"), QStringLiteral("104000"));
        QVERIFY2(std::abs(run.json().value(QStringLiteral("twr")).toDouble() - 0.04) < 1e-12, qPrintable(run.out));
        QCOMPARE(run.json().value(QStringLiteral("days_without_price")).toArray().size(), 0);
        QCOMPARE(run.json().value(QStringLiteral("monthly")).toArray().size(), 1);
    }

    void gainsCsv()
    {
        buyBuySell();
        const QString path = m_dir.filePath(QStringLiteral("gains.csv"));
        const Run run = cli(QStringList{QStringLiteral("gains"), QStringLiteral("--year"), QStringLiteral("2025"),
                                        QStringLiteral("--out"), path},
                            "2025-12-31T12:00:00Z");
        QCOMPARE(run.exitCode, 0);
        QVERIFY2(run.out.contains(QStringLiteral("Wrote 1 row(s)")), qPrintable(run.out));
        QVERIFY2(run.out.contains(QStringLiteral("gain +20000")), qPrintable(run.out));
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        QCOMPARE(file.readAll(),
                 QByteArray("disposal_time,asset,quantity,acquisition_time,proceeds,cost,gain,"
                            "holding_days,term,kind\r\n"
                            "2025-03-10T00:00:00.000Z,BTC,1,2025-01-10T00:00:00.000Z,40000,20000,"
                            "20000,59,short,sale\r\n"));
    }

    void longTermThresholdIsThePortfolios()
    {
        buyBuySell();
        // The sale takes the lot bought 59 days before it: short term by default.
        const Run standard = cli("gains --year 2025 --json");
        QCOMPARE(standard.json().value(QStringLiteral("long_term_days")).toInt(), 365);
        QCOMPARE(text(standard.json(), "short_term_gain"), QStringLiteral("20000"));
        // Held more than 58 days is long term; more than 59 is not.
        const Run override = cli("gains --year 2025 --long-term-days 58 --json");
        QCOMPARE(override.exitCode, 0);
        QCOMPARE(override.json().value(QStringLiteral("long_term_days")).toInt(), 58);
        QCOMPARE(text(override.json(), "long_term_gain"), QStringLiteral("20000"));
        QCOMPARE(text(override.json(), "short_term_gain"), QStringLiteral("0"));
        QCOMPARE(text(override.json().value(QStringLiteral("disposals")).toArray().at(0).toObject(), "term"),
                 QStringLiteral("long"));
        QCOMPARE(text(cli("gains --year 2025 --long-term-days 59 --json").json(), "long_term_gain"),
                 QStringLiteral("0"));

        // Stored for the portfolio, it is what gains and lots use from then on.
        const Run stored = cli("cost-method --long-term-days 58");
        QCOMPARE(stored.exitCode, 0);
        QVERIFY2(stored.out.contains(QStringLiteral("held more than 58 day(s) (stored)")), qPrintable(stored.out));
        QCOMPARE(cli("cost-method --json").json().value(QStringLiteral("long_term_days")).toInt(), 58);
        QCOMPARE(text(cli("gains --year 2025 --json").json(), "long_term_gain"), QStringLiteral("20000"));
        // The method stays what it was.
        QCOMPARE(text(cli("cost-method --json").json(), "method"), QStringLiteral("fifo"));
        // The open lot (bought 2025-02-10) is 324 days old on 2025-12-31.
        const Run lots = cli("lots --asset BTC --json");
        QCOMPARE(lots.json().value(QStringLiteral("long_term_days")).toInt(), 58);
        const QJsonObject lot = lots.json().value(QStringLiteral("lots")).toArray().at(0).toObject();
        QCOMPARE(lot.value(QStringLiteral("holding_days")).toInteger(), 324);
        QCOMPARE(text(lot, "term"), QStringLiteral("long"));
        const QJsonObject young = cli("lots --asset BTC --long-term-days 324 --json")
                                      .json()
                                      .value(QStringLiteral("lots"))
                                      .toArray()
                                      .at(0)
                                      .toObject();
        QCOMPARE(text(young, "term"), QStringLiteral("short"));

        // Out of range: refused, and the stored threshold is unchanged.
        const Run refused = cli("cost-method --long-term-days 36501");
        QCOMPARE(refused.exitCode, 2);
        QVERIFY2(refused.err.contains(QStringLiteral("--long-term-days")), qPrintable(refused.err));
        QCOMPARE(cli("cost-method --json").json().value(QStringLiteral("long_term_days")).toInt(), 58);
    }

    void badArgumentsExitTwoNamingThem_data()
    {
        QTest::addColumn<QString>("arguments");
        QTest::addColumn<QString>("named");
        QTest::newRow("performance --from")
            << QStringLiteral("performance --from 2025-13-01") << QStringLiteral("--from");
        QTest::newRow("performance range")
            << QStringLiteral("performance --from 2025-03-01 --to 2025-02-01") << QStringLiteral("--from");
        QTest::newRow("performance --asset") << QStringLiteral("performance --asset B@D") << QStringLiteral("--asset");
        QTest::newRow("valuations") << QStringLiteral("valuations rebuilt") << QStringLiteral("valuations rebuild");
        QTest::newRow("lots --method") << QStringLiteral("lots --method fofo") << QStringLiteral("--method");
        QTest::newRow("lots --asset") << QStringLiteral("lots --asset B@D") << QStringLiteral("--asset");
        QTest::newRow("gains both") << QStringLiteral("gains --year 2025 --from 2025-01-01")
                                    << QStringLiteral("--year");
        QTest::newRow("gains --year") << QStringLiteral("gains --year twenty") << QStringLiteral("--year");
        QTest::newRow("gains --to") << QStringLiteral("gains --to yesterday") << QStringLiteral("--to");
        QTest::newRow("gains --long-term-days")
            << QStringLiteral("gains --long-term-days -1") << QStringLiteral("--long-term-days");
        QTest::newRow("lots --long-term-days")
            << QStringLiteral("lots --long-term-days a-year") << QStringLiteral("--long-term-days");
    }

    void badArgumentsExitTwoNamingThem()
    {
        QFETCH(QString, arguments);
        QFETCH(QString, named);
        ok("init", "2025-01-01T00:00:00Z");
        const Run run = cli(arguments.split(QLatin1Char(' ')), "2025-12-31T12:00:00Z");
        QCOMPARE(run.exitCode, 2);
        QVERIFY2(run.err.contains(named), qPrintable(run.err));
        QVERIFY(run.out.isEmpty());
    }

    void helpNamesTheOptions_data()
    {
        QTest::addColumn<QString>("command");
        QTest::addColumn<QStringList>("options");
        QTest::newRow("performance") << QStringLiteral("performance")
                                     << QStringList{QStringLiteral("--from"), QStringLiteral("--to"),
                                                    QStringLiteral("--account"), QStringLiteral("--asset")};
        QTest::newRow("lots") << QStringLiteral("lots")
                              << QStringList{QStringLiteral("--asset"), QStringLiteral("--method")};
        QTest::newRow("gains") << QStringLiteral("gains") << QStringList{QStringLiteral("--year"),
                                                                         QStringLiteral("--from"),
                                                                         QStringLiteral("--to"),
                                                                         QStringLiteral("--method"),
                                                                         QStringLiteral("--long-term-days"),
                                                                         QStringLiteral("--out")};
        QTest::newRow("cost-method") << QStringLiteral("cost-method")
                                     << QStringList{QStringLiteral("--long-term-days")};
    }

    void helpNamesTheOptions()
    {
        QFETCH(QString, command);
        QFETCH(QStringList, options);
        const Run run = cli(QStringList{command, QStringLiteral("--help")}, "2025-12-31T12:00:00Z");
        QCOMPARE(run.exitCode, 0);
        QVERIFY2(run.out.startsWith(QStringLiteral("Usage: ballast-cli ") + command), qPrintable(run.out));
        for (const QString &option : options)
            QVERIFY2(run.out.contains(option), qPrintable(option));
    }

    void errorsExitOne()
    {
        ok("init", "2025-01-01T00:00:00Z");
        const Run empty = cli("performance");
        QCOMPARE(empty.exitCode, 1);
        QVERIFY2(empty.err.contains(QStringLiteral("no transactions")), qPrintable(empty.err));
        const Run unknown = cli("performance --account nowhere");
        QCOMPARE(unknown.exitCode, 1);
        QVERIFY2(unknown.err.contains(QStringLiteral("nowhere")), qPrintable(unknown.err));
    }
};

QTEST_GUILESS_MAIN(TestCliPerformance)
#include "tst_cli_performance.moc"
