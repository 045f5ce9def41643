// The rebalancing policy through the real ballast-cli on real SQLite files:
// policy show/set (all or nothing, errors naming the option), check's exit
// codes and JSON across a month end with BALLAST_NOW pinned, watch stopped by
// a signal, and backtest --policy.
#include "clirunner.h"

#include <QDir>
#include <QJsonArray>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>

using ballast::test::CliRun;
using ballast::test::runCli;
using ballast::test::words;

namespace {

QStringList args(std::initializer_list<const char *> list)
{
    QStringList result;
    for (const char *item : list)
        result.append(QString::fromUtf8(item));
    return result;
}

} // namespace

class TestCliPolicy : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    QString m_db;

    CliRun cli(const QStringList &arguments, const char *now = "2026-01-20T12:00:00Z")
    {
        return runCli(m_db, arguments, QString::fromLatin1(now));
    }

    /// A paper portfolio on its targets (BTC 60, ETH 30, USDT 10; bands 5pp).
    void setUpPortfolio()
    {
        QCOMPARE(cli(words("init")).exitCode, 0);
        QCOMPARE(cli(words("accounts add --exchange paper --name paper")).exitCode, 0);
        QCOMPARE(cli(words("holdings set --account paper BTC=0.12 ETH=1.2 USDT=1000")).exitCode, 0);
        QCOMPARE(cli(words("prices set BTC=50000 ETH=2500")).exitCode, 0);
        QCOMPARE(cli(words("targets set BTC=0.6 ETH=0.3 USDT=0.1")).exitCode, 0);
    }

    QString firstPlanId(const char *now)
    {
        const CliRun plans = cli(words("plans list --json"), now);
        const QJsonArray list = plans.json().value(QStringLiteral("plans")).toArray();
        return list.isEmpty() ? QString() : list.first().toObject().value(QStringLiteral("plan_id")).toString();
    }

private slots:
    void init()
    {
        m_db = m_dir.filePath(QString::fromLatin1(QTest::currentTestFunction()) + QStringLiteral(".sqlite"));
        QFile::remove(m_db);
    }

    void showAndSetAllOrNothing()
    {
        setUpPortfolio();
        const CliRun defaults = cli(words("policy show --json"));
        QCOMPARE(defaults.exitCode, 0);
        const QJsonObject policy = defaults.json().value(QStringLiteral("policy")).toObject();
        QCOMPARE(policy.value(QStringLiteral("rule")).toString(), QStringLiteral("threshold"));
        QCOMPARE(policy.value(QStringLiteral("mode")).toString(), QStringLiteral("target"));
        QVERIFY(defaults.json().value(QStringLiteral("last_check")).isNull());

        const CliRun set = cli(args({"policy",
                                     "set",
                                     "--rule",
                                     "hybrid:quarter,4pp",
                                     "--mode",
                                     "band-edge",
                                     "--min-trade",
                                     "25",
                                     "--max-turnover",
                                     "30%",
                                     "--exclude",
                                     "bnb,sol",
                                     "--falling-guard",
                                     "0.8",
                                     "--lot-selection",
                                     "fifo",
                                     "--long-term-days",
                                     "400",
                                     "--max-gain",
                                     "1500",
                                     "--min-lot-age",
                                     "30",
                                     "--young-lot-override",
                                     "5pp",
                                     "--cash-first",
                                     "--harvest-threshold",
                                     "200",
                                     "--sync-interval",
                                     "15m"}));
        QVERIFY2(set.exitCode == 0, qPrintable(set.err));
        const CliRun shown = cli(words("policy show --json"));
        const QJsonObject stored = shown.json().value(QStringLiteral("policy")).toObject();
        QCOMPARE(stored.value(QStringLiteral("rule")).toString(), QStringLiteral("hybrid:quarter,4pp"));
        QCOMPARE(stored.value(QStringLiteral("mode")).toString(), QStringLiteral("band-edge"));
        QCOMPARE(stored.value(QStringLiteral("minTrade")).toString(), QStringLiteral("25"));
        QCOMPARE(stored.value(QStringLiteral("maxTurnover")).toDouble(), 0.3);
        QCOMPARE(stored.value(QStringLiteral("excluded")).toArray(),
                 QJsonArray({QStringLiteral("BNB"), QStringLiteral("SOL")}));
        QCOMPARE(stored.value(QStringLiteral("fallingGuard")).toDouble(), 0.8);
        QCOMPARE(stored.value(QStringLiteral("syncIntervalSeconds")).toInt(), 900);
        const QJsonObject tax = stored.value(QStringLiteral("tax")).toObject();
        QCOMPARE(tax.value(QStringLiteral("lotSelection")).toString(), QStringLiteral("fifo"));
        QCOMPARE(tax.value(QStringLiteral("longTermDays")).toInt(), 400);
        QCOMPARE(tax.value(QStringLiteral("maxRealizedGain")).toString(), QStringLiteral("1500"));
        QCOMPARE(tax.value(QStringLiteral("minLotAgeDays")).toInt(), 30);
        QCOMPARE(tax.value(QStringLiteral("youngLotOverride")).toDouble(), 0.05);
        QCOMPARE(tax.value(QStringLiteral("cashFirst")).toBool(), true);
        QCOMPARE(tax.value(QStringLiteral("harvestLossThreshold")).toString(), QStringLiteral("200"));
        QCOMPARE(shown.json().value(QStringLiteral("next_calendar_date")).toString(),
                 QStringLiteral("2026-04-01T00:00:00.000Z"));
        // The text form shows the same.
        const CliRun text = cli(words("policy show"));
        QVERIFY2(text.out.contains(QStringLiteral("hybrid:quarter,4pp")), qPrintable(text.out));
        QVERIFY2(text.out.contains(QStringLiteral("15m")), qPrintable(text.out));

        // One bad option among good ones: refused naming it, nothing stored.
        const QList<std::pair<QStringList, QString>> bad{
            {args({"--rule", "calendar:month", "--max-turnover", "150%"}), QStringLiteral("--max-turnover")},
            {args({"--mode", "target", "--rule", "sometimes"}), QStringLiteral("--rule")},
            {args({"--sync-interval", "5s"}), QStringLiteral("--sync-interval")},
            {args({"--min-trade", "-3"}), QStringLiteral("--min-trade")},
            {args({"--lot-selection", "newest"}), QStringLiteral("--lot-selection")},
            {args({"--long-term-days", "1.5"}), QStringLiteral("--long-term-days")},
            {args({"--exclude", "BTC,b c"}), QStringLiteral("--exclude")},
            {args({"--falling-guard", "1"}), QStringLiteral("--falling-guard")},
            {args({"--band", "5"}), QStringLiteral("--band")},
            {args({"--mode", "invest:-5"}), QStringLiteral("--mode")},
            {args({"--young-lot-override", "25%"}), QStringLiteral("--young-lot-override")},
            {args({"--young-lot-override", "25"}), QStringLiteral("--young-lot-override")},
        };
        for (const auto &[options, option] : bad) {
            const CliRun refused = cli(args({"policy", "set"}) + options);
            QVERIFY2(refused.exitCode == 2, qPrintable(options.join(u' ') + QStringLiteral(": ") + refused.err));
            QVERIFY2(refused.err.contains(option), qPrintable(refused.err));
            QCOMPARE(cli(words("policy show --json")).out, shown.out);
        }

        // "none" clears an optional limit.
        QCOMPARE(cli(words("policy set --max-turnover none --exclude none --sync-interval off")).exitCode, 0);
        const QJsonObject cleared = cli(words("policy show --json")).json().value(QStringLiteral("policy")).toObject();
        QVERIFY(cleared.value(QStringLiteral("maxTurnover")).isNull());
        QCOMPARE(cleared.value(QStringLiteral("excluded")).toArray().size(), 0);
        QCOMPARE(cleared.value(QStringLiteral("syncIntervalSeconds")).toInt(), 0);
        QCOMPARE(cleared.value(QStringLiteral("rule")).toString(), QStringLiteral("hybrid:quarter,4pp"));
    }

    void checkAcrossAMonthEnd()
    {
        setUpPortfolio();
        QCOMPARE(cli(words("policy set --rule calendar:month")).exitCode, 0);

        const CliRun before = cli(words("check --json"), "2026-01-31T23:59:59Z");
        QVERIFY2(before.exitCode == 0, qPrintable(before.err));
        QJsonObject json = before.json();
        QCOMPARE(json.value(QStringLiteral("due")).toBool(), false);
        QCOMPARE(json.value(QStringLiteral("fired")).toBool(), false);
        QVERIFY(json.value(QStringLiteral("plan_id")).isNull());
        QCOMPARE(json.value(QStringLiteral("rule")).toString(), QStringLiteral("calendar:month"));
        QCOMPARE(json.value(QStringLiteral("checked_at")).toString(), QStringLiteral("2026-01-31T23:59:59.000Z"));
        QCOMPARE(json.value(QStringLiteral("next_calendar_date")).toString(),
                 QStringLiteral("2026-02-01T00:00:00.000Z"));
        QVERIFY(json.value(QStringLiteral("previous_check")).isNull());
        QVERIFY(firstPlanId("2026-01-31T23:59:59Z").isEmpty());

        // One second later the month has ended: a plan is due, exit 3.
        const CliRun after = cli(words("check --json"), "2026-02-01T00:00:00Z");
        QVERIFY2(after.exitCode == 3, qPrintable(after.out + after.err));
        json = after.json();
        QCOMPARE(json.value(QStringLiteral("due")).toBool(), true);
        QCOMPARE(json.value(QStringLiteral("fired")).toBool(), true);
        QCOMPARE(json.value(QStringLiteral("previous_check")).toString(), QStringLiteral("2026-01-31T23:59:59.000Z"));
        QCOMPARE(json.value(QStringLiteral("next_calendar_date")).toString(),
                 QStringLiteral("2026-03-01T00:00:00.000Z"));
        QCOMPARE(json.value(QStringLiteral("why")).toString(),
                 QStringLiteral("a new month began on 2026-02-01 (the rule is calendar:month)"));
        const QString planId = json.value(QStringLiteral("plan_id")).toString();
        QVERIFY(!planId.isEmpty());
        QCOMPARE(firstPlanId("2026-02-01T00:00:00Z"), planId);
        QVERIFY(json.value(QStringLiteral("alert")).toString().contains(planId));

        // Later that day: still due with the same plan, which waits for approval.
        const CliRun pending = cli(words("check"), "2026-02-01T09:00:00Z");
        QCOMPARE(pending.exitCode, 3);
        QVERIFY2(pending.out.contains(planId), qPrintable(pending.out));
        QVERIFY2(pending.out.contains(QStringLiteral("rebalance due")), qPrintable(pending.out));
        QVERIFY2(pending.out.contains(QStringLiteral("Next calendar date: 2026-03-01T00:00:00.000Z")),
                 qPrintable(pending.out));
        QVERIFY2(pending.out.contains(QStringLiteral("Previous check: 2026-02-01T00:00:00.000Z")),
                 qPrintable(pending.out));
        QVERIFY2(pending.out.contains(QStringLiteral("rule calendar:month")), qPrintable(pending.out));

        // Once it is cancelled nothing is due until March.
        QCOMPARE(cli(args({"cancel", qPrintable(planId)}), "2026-02-01T10:00:00Z").exitCode, 0);
        const CliRun quiet = cli(words("check --json"), "2026-02-20T10:00:00Z");
        QCOMPARE(quiet.exitCode, 0);
        QCOMPARE(quiet.json().value(QStringLiteral("due")).toBool(), false);

        // The last check is what policy show reports.
        const QJsonObject last = cli(words("policy show --json"), "2026-02-20T11:00:00Z")
                                     .json()
                                     .value(QStringLiteral("last_check"))
                                     .toObject();
        QCOMPARE(last.value(QStringLiteral("checked_at")).toString(), QStringLiteral("2026-02-20T10:00:00.000Z"));
        QCOMPARE(last.value(QStringLiteral("due")).toBool(), false);
    }

    void checkThresholdWithSync()
    {
        setUpPortfolio();
        const CliRun calm = cli(words("check --sync --json"));
        QVERIFY2(calm.exitCode == 0, qPrintable(calm.err));
        QCOMPARE(calm.json().value(QStringLiteral("why")).toString(), QStringLiteral("every asset is inside its band"));
        QVERIFY(calm.json().value(QStringLiteral("next_calendar_date")).isNull());

        QCOMPARE(cli(words("prices set BTC=80000"), "2026-01-21T12:00:00Z").exitCode, 0);
        const CliRun due = cli(words("check --sync --json"), "2026-01-21T12:00:01Z");
        QVERIFY2(due.exitCode == 3, qPrintable(due.out + due.err));
        const QJsonArray outside = due.json().value(QStringLiteral("outside_band")).toArray();
        QVERIFY(!outside.isEmpty());
        QCOMPARE(outside.first().toObject().value(QStringLiteral("asset")).toString(), QStringLiteral("BTC"));
        QVERIFY(due.json().value(QStringLiteral("plan_orders")).toInt() > 0);
    }

    void checkReportsAPlanProposedByHand()
    {
        setUpPortfolio();
        QCOMPARE(cli(words("check --json")).exitCode, 0);
        QCOMPARE(cli(words("prices set BTC=80000"), "2026-01-21T12:00:00Z").exitCode, 0);
        // The person proposes a plan before the next check: the check reports
        // it as the plan that is due instead of superseding it.
        const CliRun byHand = cli(words("plan --json"), "2026-01-21T12:00:01Z");
        QVERIFY2(byHand.exitCode == 0, qPrintable(byHand.err));
        const QString planId = byHand.json().value(QStringLiteral("plan_id")).toString();
        QVERIFY(!planId.isEmpty());
        const CliRun due = cli(words("check --json"), "2026-01-21T12:00:02Z");
        QVERIFY2(due.exitCode == 3, qPrintable(due.out + due.err));
        QCOMPARE(due.json().value(QStringLiteral("plan_id")).toString(), planId);
        QCOMPARE(due.json().value(QStringLiteral("plan_reused")).toBool(), true);
        const QJsonArray plans =
            cli(words("plans list --json"), "2026-01-21T12:00:03Z").json().value(QStringLiteral("plans")).toArray();
        QCOMPARE(plans.size(), 1);
        QCOMPARE(plans.first().toObject().value(QStringLiteral("status")).toString(), QStringLiteral("proposed"));
    }

    void checkErrorsExitOne()
    {
        QCOMPARE(cli(words("init")).exitCode, 0);
        const CliRun noTargets = cli(words("check --json"));
        QCOMPARE(noTargets.exitCode, 1);
        QVERIFY2(noTargets.err.contains(QStringLiteral("no targets")), qPrintable(noTargets.err));
        QVERIFY(noTargets.out.isEmpty());

        const CliRun unknown = cli(words("check --portfolio Nope"));
        QCOMPARE(unknown.exitCode, 1);
        QVERIFY2(unknown.err.contains(QStringLiteral("Nope")), qPrintable(unknown.err));

        const CliRun badClock = cli(words("check"), "yesterday");
        QCOMPARE(badClock.exitCode, 1);
        QVERIFY2(badClock.err.contains(QStringLiteral("BALLAST_NOW")), qPrintable(badClock.err));

        QCOMPARE(cli(words("check extra")).exitCode, 2);
    }

    void watchStopsOnASignal_data()
    {
        QTest::addColumn<int>("signal");
        QTest::addColumn<QString>("name");
        QTest::newRow("SIGTERM") << SIGTERM << QStringLiteral("SIGTERM");
        QTest::newRow("SIGINT") << SIGINT << QStringLiteral("SIGINT");
    }

    void watchStopsOnASignal()
    {
        QFETCH(int, signal);
        QFETCH(QString, name);
        setUpPortfolio();
        QCOMPARE(cli(words("watch --interval 0s")).exitCode, 2);

        QProcess watch;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("BALLAST_NOW"), QStringLiteral("2026-01-20T12:00:00Z"));
        env.remove(QStringLiteral("BALLAST_DB"));
        watch.setProcessEnvironment(env);
        watch.start(qEnvironmentVariable("BALLAST_CLI"),
                    QStringList{QStringLiteral("--db"), m_db} + words("watch --interval 100ms --json"));
        QVERIFY(watch.waitForStarted());
        // Two checks, so it did repeat; the reads wait for output, not for time.
        QByteArray output;
        while (output.count('\n') < 2) {
            QVERIFY2(watch.waitForReadyRead(60000), "watch printed no check");
            output += watch.readAllStandardOutput();
        }
        QCOMPARE(::kill(static_cast<pid_t>(watch.processId()), signal), 0);
        QVERIFY(watch.waitForFinished(60000));
        output += watch.readAllStandardOutput();
        QCOMPARE(watch.exitStatus(), QProcess::NormalExit);
        QCOMPARE(watch.exitCode(), 0);

        const QList<QByteArray> lines = output.trimmed().split('\n');
        QVERIFY(lines.size() >= 3);
        for (qsizetype i = 0; i + 1 < lines.size(); ++i) {
            const QJsonObject check = QJsonDocument::fromJson(lines[i]).object();
            QCOMPARE(check.value(QStringLiteral("portfolio")).toString(), QStringLiteral("Main"));
            QCOMPARE(check.value(QStringLiteral("due")).toBool(), false);
        }
        const QJsonObject stopped = QJsonDocument::fromJson(lines.last()).object();
        QCOMPARE(stopped.value(QStringLiteral("stopped")).toBool(), true);
        QCOMPARE(stopped.value(QStringLiteral("signal")).toString(), name);
        QCOMPARE(stopped.value(QStringLiteral("checks")).toInt(), static_cast<int>(lines.size() - 1));
        // Every check was stored; the database is whole after the stop.
        QVERIFY(!cli(words("policy show --json")).json().value(QStringLiteral("last_check")).isNull());
    }

    void backtestWithThePolicy()
    {
        const QString data = qEnvironmentVariable("BALLAST_SHARED_DATA");
        if (data.isEmpty() || !QDir(data).exists(QStringLiteral("prices")))
            QSKIP("the shared price data (../shared/data) is not beside this checkout");
        const QString prices = QDir(data).filePath(QStringLiteral("prices/cryptodatadownload"));
        const QStringList files{
            QStringLiteral("--prices"), QStringLiteral("BTC=") + prices + QStringLiteral("/Binance_BTCUSDT_d.csv"),
            QStringLiteral("--prices"), QStringLiteral("ETH=") + prices + QStringLiteral("/Binance_ETHUSDT_d.csv"),
            QStringLiteral("--from"),   QStringLiteral("2019-01-01"),
            QStringLiteral("--to"),     QStringLiteral("2019-12-31"),
            QStringLiteral("--json")};
        QCOMPARE(cli(words("init")).exitCode, 0);
        QCOMPARE(cli(words("targets set BTC=0.5 ETH=0.5")).exitCode, 0);
        QCOMPARE(cli(words("policy set --rule hybrid:month --band 10pp")).exitCode, 0);

        // The stored rule, band and targets decide as the same rule written out.
        const CliRun policy = cli(words("backtest --policy") + files);
        QVERIFY2(policy.exitCode == 0, qPrintable(policy.err));
        const CliRun written = cli(words("backtest --weights BTC=0.5,ETH=0.5 --rebalance hybrid:month,10pp") + files);
        QVERIFY2(written.exitCode == 0, qPrintable(written.err));
        QCOMPARE(policy.json().value(QStringLiteral("rebalances")).toInt(),
                 written.json().value(QStringLiteral("rebalances")).toInt());
        QCOMPARE(policy.json().value(QStringLiteral("final_value")).toDouble(),
                 written.json().value(QStringLiteral("final_value")).toDouble());
        QCOMPARE(policy.json().value(QStringLiteral("rule")).toString(),
                 QStringLiteral("policy of Main: hybrid:month"));
        QCOMPARE(policy.json().value(QStringLiteral("notes")).toArray().size(), 0);

        // A narrower band changes the decisions: the policy is really read.
        QCOMPARE(cli(words("policy set --band 2pp --mode band-edge")).exitCode, 0);
        const CliRun narrower = cli(words("backtest --policy") + files);
        QCOMPARE(narrower.exitCode, 0);
        QVERIFY(narrower.json().value(QStringLiteral("rebalances")).toInt()
                > policy.json().value(QStringLiteral("rebalances")).toInt());
        // The band edge is simulated: no note, and it trades less than going
        // back to the targets on the same band.
        QCOMPARE(narrower.json().value(QStringLiteral("notes")).toArray().size(), 0);
        QCOMPARE(cli(words("policy set --mode target")).exitCode, 0);
        const CliRun toTargets = cli(words("backtest --policy") + files);
        QCOMPARE(toTargets.exitCode, 0);
        QVERIFY2(narrower.json().value(QStringLiteral("turnover")).toDouble()
                     < toTargets.json().value(QStringLiteral("turnover")).toDouble(),
                 qPrintable(narrower.out + toTargets.out));
        // A deposit is not simulated, and without a USDT target there is no
        // cash to invest: the note says so.
        QCOMPARE(cli(words("policy set --mode invest:100")).exitCode, 0);
        const CliRun invest = cli(words("backtest --policy") + files);
        QCOMPARE(invest.exitCode, 0);
        QVERIFY2(invest.json()
                     .value(QStringLiteral("notes"))
                     .toArray()
                     .first()
                     .toString()
                     .contains(QStringLiteral("never trades")),
                 qPrintable(invest.out));
        QCOMPARE(invest.json().value(QStringLiteral("turnover")).toDouble(), 0.0);

        QCOMPARE(cli(words("backtest --policy --rebalance calendar:month") + files).exitCode, 2);
    }
};

QTEST_GUILESS_MAIN(TestCliPolicy)
#include "tst_cli_policy.moc"
