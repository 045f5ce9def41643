// The rebalancing commands of the real ballast-cli binary, on real SQLite files:
// the worked examples end to end.
#include "money/decimal.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

using ballast::money::Decimal;

namespace {

struct Run
{
    int exitCode = -1;
    QString out;
    QString err;
    [[nodiscard]] QJsonObject json() const { return QJsonDocument::fromJson(out.toUtf8()).object(); }
};

QStringList words(const char *text)
{
    return QString::fromUtf8(text).split(QLatin1Char(' '), Qt::SkipEmptyParts);
}

double number(const QJsonObject &object, const char *key)
{
    const QJsonValue value = object.value(QLatin1String(key));
    return value.isString() ? Decimal::parse(value.toString()).valueOr({}).toDouble() : value.toDouble();
}

QJsonObject orderOf(const QJsonObject &plan, const char *base, const char *side)
{
    for (const auto &value : plan.value(QStringLiteral("orders")).toArray()) {
        const QJsonObject order = value.toObject();
        if (order.value(QStringLiteral("base")).toString() == QLatin1String(base)
            && order.value(QStringLiteral("side")).toString() == QLatin1String(side))
            return order;
    }
    return {};
}

} // namespace

class TestCliPlan : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    QString m_db;

    Run cli(const QStringList &arguments)
    {
        QProcess process;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("BALLAST_NOW"), QStringLiteral("2026-11-21T12:00:00Z"));
        process.setProcessEnvironment(env);
        process.start(qEnvironmentVariable("BALLAST_CLI"), QStringList{QStringLiteral("--db"), m_db} + arguments);
        if (!process.waitForFinished(60000))
            qFatal("ballast-cli did not finish");
        return Run{process.exitCode(), QString::fromUtf8(process.readAllStandardOutput()),
                   QString::fromUtf8(process.readAllStandardError())};
    }

    void setUp(const char *feeBps, const char *holdings, const char *prices, const char *targets)
    {
        QCOMPARE(cli(words("init")).exitCode, 0);
        QCOMPARE(
            cli(words("accounts add --exchange paper --name paper --fee-bps") << QString::fromLatin1(feeBps)).exitCode,
            0);
        QCOMPARE(cli(words("holdings set --account paper") + words(holdings)).exitCode, 0);
        if (*prices)
            QCOMPARE(cli(words("prices set") + words(prices)).exitCode, 0);
        QCOMPARE(cli(words("targets set") + words(targets)).exitCode, 0);
    }

private slots:
    void init()
    {
        const QString tag = QString::fromLatin1(QTest::currentDataTag()).replace(QLatin1Char(' '), QLatin1Char('_'));
        m_db = m_dir.filePath(QString::fromLatin1(QTest::currentTestFunction()) + tag + QStringLiteral(".sqlite"));
        QFile::remove(m_db);
    }

    void ethRisesTwentyPercent()
    {
        setUp("10", "BTC=0.1 ETH=2", "BTC=50000 ETH=3000", "BTC=50% ETH=50%");
        const Run run = cli(words("plan --json"));
        QCOMPARE(run.exitCode, 0);
        const QJsonObject plan = run.json();
        QVERIFY(!plan.value(QStringLiteral("plan_id")).toString().isEmpty());
        QCOMPARE(number(plan, "value_before"), 11000.0);
        const QJsonObject sell = orderOf(plan, "ETH", "sell");
        const QJsonObject buy = orderOf(plan, "BTC", "buy");
        QVERIFY(qAbs(number(sell, "notional") - 500) < 5);
        QVERIFY(qAbs(number(buy, "notional") - 500) < 5);
        QCOMPARE(sell.value(QStringLiteral("account")).toString(), QStringLiteral("paper"));
        QCOMPARE(sell.value(QStringLiteral("quote")).toString(), QStringLiteral("USDT"));
        for (const char *key : {"quantity", "price", "notional", "fee"})
            QVERIFY2(Decimal::parse(sell.value(QLatin1String(key)).toString()).ok(), key);
        QCOMPARE(plan.value(QStringLiteral("orders")).toArray().first().toObject().value(QStringLiteral("side")),
                 QJsonValue(QStringLiteral("sell")));
        QVERIFY(qAbs(plan.value(QStringLiteral("post_trade_weights")).toObject().value(QStringLiteral("BTC")).toDouble()
                     - 0.5)
                < 0.001);
        QVERIFY(qAbs(number(plan, "turnover") - 0.045) < 0.001);
        QVERIFY(Decimal::parse(plan.value(QStringLiteral("fees_total")).toString()).ok());
        QVERIFY(plan.value(QStringLiteral("skipped")).toArray().isEmpty());

        // Stored: the same plan comes back by its id.
        const QString id = plan.value(QStringLiteral("plan_id")).toString();
        const Run shown = cli({QStringLiteral("plans"), QStringLiteral("show"), id, QStringLiteral("--json")});
        QCOMPARE(shown.exitCode, 0);
        QCOMPARE(shown.json(), plan);
        const Run listed = cli(words("plans list --json"));
        QCOMPARE(
            listed.json().value(QStringLiteral("plans")).toArray().first().toObject().value(QStringLiteral("plan_id")),
            QJsonValue(id));
    }

    void btcBnbFourFiftyFiveFifty()
    {
        setUp("10", "BTC=0.01 BNB=1", "BTC=45000 BNB=550", "BTC=0.5 BNB=0.5");
        const QJsonObject plan = cli(words("plan --json")).json();
        QVERIFY(qAbs(number(orderOf(plan, "BTC", "buy"), "notional") - 50) < 1);
        QVERIFY(qAbs(number(orderOf(plan, "BNB", "sell"), "notional") - 50) < 1);
    }

    void investBuysOnlyTheUnderweightAsset()
    {
        setUp("0", "BTC=7 ETH=3", "BTC=10 ETH=10", "BTC=80% ETH=20%");
        const QJsonObject plan = cli(words("plan --mode invest:50 --json")).json();
        const QJsonArray orders = plan.value(QStringLiteral("orders")).toArray();
        QCOMPARE(orders.size(), 1);
        QCOMPARE(orders.first().toObject().value(QStringLiteral("base")).toString(), QStringLiteral("BTC"));
        QCOMPARE(orders.first().toObject().value(QStringLiteral("notional")).toString(), QStringLiteral("50"));
        QCOMPARE(plan.value(QStringLiteral("post_trade_weights")).toObject().value(QStringLiteral("BTC")).toDouble(),
                 0.8);
        QCOMPARE(plan.value(QStringLiteral("deposit")).toObject().value(QStringLiteral("amount")).toString(),
                 QStringLiteral("50"));
    }

    void shannonsDemon()
    {
        setUp("0", "USDT=500 SOL=5", "SOL=50", "USDT=0.5 SOL=0.5");
        const QJsonObject plan = cli(words("plan --json")).json();
        const QJsonObject buy = orderOf(plan, "SOL", "buy");
        QCOMPARE(buy.value(QStringLiteral("quantity")).toString(), QStringLiteral("2.5"));
        // The asset doubles back to 100: 7.5 x 100 + 375 = 1125 against 5 x 100 + 500 = 1000.
        QCOMPARE(cli(words("holdings set --account paper SOL=7.5 USDT=375")).exitCode, 0);
        QCOMPARE(cli(words("prices set SOL=100")).exitCode, 0);
        QCOMPARE(cli(words("status --json")).json().value(QStringLiteral("total_value")).toString(),
                 QStringLiteral("1125"));
    }

    void textOutputShowsOrdersAndWeights()
    {
        setUp("10", "BTC=0.1 ETH=2", "BTC=50000 ETH=3000", "BTC=50% ETH=50%");
        const Run run = cli(words("plan --mode band-edge"));
        QCOMPARE(run.exitCode, 0);
        QVERIFY(run.out.contains(QStringLiteral("No orders"))); // ETH at 54.5 % is inside its 5pp band
        const Run target = cli(words("plan"));
        QVERIFY(target.out.contains(QStringLiteral("ETH/USDT  sell")));
        QVERIFY(target.out.contains(QStringLiteral("54.55% -> 50.00%")));
        QVERIFY(target.out.contains(QStringLiteral("Stored as P")));
    }

    // Lots and tax through the binary: 2 BTC bought at 20 (2024) and 130
    // (June 2026), 850 USDT, BTC at 100 against a 10 % target: about 0.95 BTC
    // to sell. FIFO takes the 20 lot (+80 a BTC), so a budget of 40 binds at
    // about half a BTC; the 130 lot's 30 loss is harvestable above 5.
    void lotsAndTax()
    {
        QCOMPARE(cli(words("init")).exitCode, 0);
        QCOMPARE(cli(words("accounts add --exchange paper --name paper --fee-bps 10")).exitCode, 0);
        for (const char *line : {"transactions add --account paper --kind deposit --asset USDT --quantity 1000 "
                                 "--price 1 --at 2023-12-01",
                                 "transactions add --account paper --kind trade --side buy --asset BTC --quote USDT "
                                 "--quantity 1 --price 20 --at 2024-01-01",
                                 "transactions add --account paper --kind trade --side buy --asset BTC --quote USDT "
                                 "--quantity 1 --price 130 --at 2026-06-01"}) {
            const Run added = cli(words(line));
            QVERIFY2(added.exitCode == 0, qPrintable(added.err));
        }
        QCOMPARE(cli(words("prices set BTC=100")).exitCode, 0);
        QCOMPARE(cli(words("targets set BTC=10% USDT=90%")).exitCode, 0);

        const Run run = cli(words("plan --lot-selection fifo --max-gain 40 --harvest-threshold 5 --json"));
        QVERIFY2(run.exitCode == 0, qPrintable(run.err));
        const QJsonObject plan = run.json();
        const QJsonObject tax = plan.value(QStringLiteral("tax")).toObject();
        QCOMPARE(tax.value(QStringLiteral("lot_selection")).toString(), QStringLiteral("fifo"));
        QCOMPARE(tax.value(QStringLiteral("gain_budget")).toString(), QStringLiteral("40"));
        QVERIFY(tax.value(QStringLiteral("budget_binds")).toBool());
        QVERIFY(number(tax, "gain") <= 40.0 && number(tax, "gain") > 39.0);
        const QJsonObject sell = orderOf(plan, "BTC", "sell");
        const QJsonArray lots = sell.value(QStringLiteral("lots")).toArray();
        QCOMPARE(lots.size(), 1);
        QVERIFY(lots.first().toObject().value(QStringLiteral("long_term")).toBool());
        QVERIFY(qAbs(number(sell, "quantity") - 0.5) < 0.01);
        const QJsonArray harvest = tax.value(QStringLiteral("harvestable")).toArray();
        QCOMPARE(harvest.size(), 1);
        QCOMPARE(number(harvest.first().toObject(), "loss"), 30.0);

        // The stored plan keeps it all, and the text shows it.
        const QString id = plan.value(QStringLiteral("plan_id")).toString();
        QCOMPARE(cli({QStringLiteral("plans"), QStringLiteral("show"), id, QStringLiteral("--json")}).json(), plan);
        const Run text = cli({QStringLiteral("plans"), QStringLiteral("show"), id});
        QVERIFY2(text.out.contains(QStringLiteral("Lots sold (fifo, long term after 365 days)")), qPrintable(text.out));
        QVERIFY(text.out.contains(QStringLiteral("(budget 40, binds)")));
        QVERIFY(text.out.contains(QStringLiteral("Harvestable losses (not in the plan")));
        QVERIFY(text.out.contains(QStringLiteral("gain budget of 40 USDT binds")));
    }

    void badPlanOptions_data()
    {
        QTest::addColumn<QString>("arguments");
        QTest::addColumn<int>("exitCode");
        QTest::addColumn<QString>("message");
        QTest::newRow("mode") << "plan --mode invest:abc" << 2 << "positive number";
        QTest::newRow("unknown mode") << "plan --mode yolo" << 2 << "expected target, band-edge";
        QTest::newRow("turnover") << "plan --max-turnover 2" << 2 << "--max-turnover \"2\"";
        QTest::newRow("min trade") << "plan --min-trade -5" << 2 << "--min-trade";
        QTest::newRow("order type") << "plan --order-type stop" << 2 << "market or limit";
        QTest::newRow("lot selection") << "plan --lot-selection newest" << 2 << "expected hifo, fifo";
        QTest::newRow("lot age") << "plan --min-lot-age -1" << 2 << "--min-lot-age";
        QTest::newRow("gain budget") << "plan --max-gain lots" << 2 << "--max-gain";
        QTest::newRow("override") << "plan --young-lot-override 2" << 2 << "--young-lot-override";
        QTest::newRow("unknown plan") << "plans show PNOPE" << 1 << "no plan with id \"PNOPE\"";
    }

    void badPlanOptions()
    {
        QFETCH(QString, arguments);
        QFETCH(int, exitCode);
        QFETCH(QString, message);
        setUp("10", "BTC=0.1 ETH=2", "BTC=50000 ETH=3000", "BTC=50% ETH=50%");
        const Run run = cli(arguments.split(QLatin1Char(' ')));
        QCOMPARE(run.exitCode, exitCode);
        QVERIFY2(run.err.contains(message), qPrintable(run.err));
        QCOMPARE(cli(words("plans list --json")).json().value(QStringLiteral("plans")).toArray().size(), 0);
    }
};

QTEST_GUILESS_MAIN(TestCliPlan)
#include "tst_cli_plan.moc"
