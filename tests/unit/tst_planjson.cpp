// PlanJson::fromJson on stored plans that are damaged: every malformed
// field is an error naming it, never undefined behaviour.
#include "io/planjson.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>
#include <QTimeZone>

using ballast::io::PlanJson;
using ballast::money::dec;

namespace {

QByteArray planWithOrder(const QByteArray &line, const QByteArray &alternatives)
{
    return R"({"plan_id":"p-1","created_at":"2026-12-01T10:00:00.000Z","portfolio":"Main","quote":"USDT",)"
           R"("mode":"target","simulated":true,"orders":[{"line":)"
        + line
        + R"(,"account":"paper","account_id":"1","symbol":"BTC/USDT","side":"sell","type":"market","base":"BTC",)"
          R"("quote":"USDT","quantity":"0.01","price":"43000","notional":"430","fee":"0.43","fee_asset":"USDT",)"
          R"("fee_rate":"0.001","route":"only_venue","alternatives":)"
        + alternatives
        + R"(}],"skipped":[],"weights":[],"value_before":"1000","value_after":"999.57","fees_total":"0.43",)"
          R"("turnover":0.43,"notes":[]})";
}

QDateTime utc(const char *iso)
{
    QDateTime time = QDateTime::fromString(QString::fromLatin1(iso), Qt::ISODateWithMs);
    time.setTimeZone(QTimeZone::utc());
    return time;
}

/// A plan with a sale that names its lots, tax totals, a binding budget and a harvestable loss.
ballast::rebalance::RebalancePlan planWithLots()
{
    using namespace ballast::rebalance;
    RebalancePlan plan;
    plan.id = QStringLiteral("PTAX00000001");
    plan.createdAt = utc("2025-11-21T00:00:00.000");
    plan.portfolio = QStringLiteral("Main");
    plan.quote = QStringLiteral("USDT");
    PlannedOrder sell;
    sell.line = 0;
    sell.accountId = 1;
    sell.account = QStringLiteral("paper");
    sell.symbol = QStringLiteral("BTC/USDT");
    sell.base = QStringLiteral("BTC");
    sell.quote = QStringLiteral("USDT");
    sell.side = ballast::domain::Side::Sell;
    sell.quantity = dec("1.5");
    sell.price = dec("100");
    sell.notional = dec("150");
    sell.fee = dec("0.15");
    sell.feeAsset = QStringLiteral("USDT");
    sell.feeRate = dec("0.001");
    sell.disposedAsset = QStringLiteral("BTC");
    sell.lots = {
        PlannedLot{11, utc("2023-01-01T00:00:00.000"), dec("1"), dec("20"), dec("99.9"), dec("79.9"), true},
        PlannedLot{14, utc("2025-06-01T00:00:00.000"), dec("0.5"), dec("65"), dec("49.95"), dec("-15.05"), false}};
    sell.longTermGain = dec("79.9");
    sell.shortTermGain = dec("-15.05");
    sell.uncovered = dec("0.25");
    plan.orders.append(sell);
    SkippedLine line;
    line.asset = QStringLiteral("BTC");
    line.reason = SkipReason::GainBudget;
    line.wanted = dec("50");
    line.limit = dec("70");
    line.driftLeft = 0.125;
    plan.skipped.append(line);
    plan.tax.estimated = true;
    plan.tax.lotSelection = QStringLiteral("least-gain");
    plan.tax.longTermDays = 400;
    plan.tax.shortTermGain = dec("-15.05");
    plan.tax.longTermGain = dec("79.9");
    plan.tax.gainBudget = dec("70");
    plan.tax.budgetBinds = true;
    plan.tax.sellScale = 0.75;
    plan.tax.driftLeft = 0.125;
    plan.tax.driftLeftAsset = QStringLiteral("BTC");
    plan.tax.minLotAgeDays = 30;
    plan.tax.cashFirst = true;
    plan.tax.harvestLossThreshold = dec("5");
    plan.tax.harvestable.append(HarvestableLot{1, QStringLiteral("paper"), QStringLiteral("ETH"), 21,
                                               utc("2025-03-01T12:00:00.000"), dec("2"), dec("300"), dec("200"),
                                               dec("100"), false});
    return plan;
}

} // namespace

class TestPlanJson : public QObject
{
    Q_OBJECT

private slots:
    static void readsAndWritesBack()
    {
        const auto plan = PlanJson::fromJson(QJsonDocument::fromJson(planWithOrder("1", "0")).object());
        QVERIFY2(plan.ok(), qPrintable(plan.ok() ? QString() : plan.error().message));
        QCOMPARE(plan->orders.size(), 1);
        QCOMPARE(plan->orders.first().line, 1);
        const QJsonObject written = PlanJson::toJson(*plan);
        const auto again = PlanJson::fromJson(written);
        QVERIFY(again.ok());
        QCOMPARE(PlanJson::toJson(*again), written);
    }

    // An order line or alternatives count of 1e300 was cast to int unchecked
    // (undefined behaviour, UBSan float-cast-overflow; seen while writing fuzz_planjson).
    // Lots, gains, the budget and the harvest list come back exactly.
    static void lotsRoundTrip()
    {
        const auto plan = planWithLots();
        const QJsonObject written = PlanJson::toJson(plan);
        QCOMPARE(written.value(QStringLiteral("tax")).toObject().value(QStringLiteral("gain")).toString(),
                 QStringLiteral("64.85"));
        const QJsonObject line = written.value(QStringLiteral("orders")).toArray().first().toObject();
        QCOMPARE(line.value(QStringLiteral("lots")).toArray().size(), 2);
        QCOMPARE(line.value(QStringLiteral("gain")).toString(), QStringLiteral("64.85"));
        // Through text, as the plans table stores it.
        const auto again =
            PlanJson::fromJson(QJsonDocument::fromJson(QJsonDocument(written).toJson(QJsonDocument::Compact)).object());
        QVERIFY2(again.ok(), qPrintable(again.ok() ? QString() : again.error().message));
        QCOMPARE(again->orders, plan.orders);
        QCOMPARE(again->skipped, plan.skipped);
        QCOMPARE(again->tax, plan.tax);
        QCOMPARE(PlanJson::toJson(*again), written);
    }

    // A plan stored before lots were planned loads, with no estimate, and is
    // written back without a tax part.
    static void olderPlanLoads()
    {
        const auto plan = PlanJson::fromJson(QJsonDocument::fromJson(planWithOrder("1", "0")).object());
        QVERIFY(plan.ok());
        QVERIFY(!plan->tax.estimated);
        QVERIFY(plan->orders.first().lots.isEmpty());
        QVERIFY(plan->orders.first().disposedAsset.isEmpty());
        const QJsonObject written = PlanJson::toJson(*plan);
        QVERIFY(!written.contains(QStringLiteral("tax")));
        QVERIFY(!written.value(QStringLiteral("orders")).toArray().first().toObject().contains(QStringLiteral("lots")));
    }

    // A damaged lot names its field.
    static void damagedLotIsRefused()
    {
        QJsonObject written = PlanJson::toJson(planWithLots());
        QJsonArray orders = written.value(QStringLiteral("orders")).toArray();
        QJsonObject line = orders.first().toObject();
        QJsonArray lots = line.value(QStringLiteral("lots")).toArray();
        QJsonObject lot = lots.first().toObject();
        lot.insert(QStringLiteral("cost"), QStringLiteral("twenty"));
        lots.replace(0, lot);
        line.insert(QStringLiteral("lots"), lots);
        orders.replace(0, line);
        written.insert(QStringLiteral("orders"), orders);
        const auto plan = PlanJson::fromJson(written);
        QVERIFY(!plan.ok());
        QVERIFY2(plan.error().message.contains(QStringLiteral("\"cost\"")), qPrintable(plan.error().message));
    }

    static void wholeNumbersOutOfRangeAreRefused_data()
    {
        QTest::addColumn<QByteArray>("line");
        QTest::addColumn<QByteArray>("alternatives");
        QTest::addColumn<QString>("field");
        QTest::newRow("line 1e300") << QByteArray("1e300") << QByteArray("0") << QStringLiteral("line");
        QTest::newRow("line -3e9") << QByteArray("-3e9") << QByteArray("0") << QStringLiteral("line");
        QTest::newRow("line 1.5") << QByteArray("1.5") << QByteArray("0") << QStringLiteral("line");
        QTest::newRow("line text") << QByteArray("\"1\"") << QByteArray("0") << QStringLiteral("line");
        QTest::newRow("alternatives -1e300")
            << QByteArray("1") << QByteArray("-1e300") << QStringLiteral("alternatives");
    }
    static void wholeNumbersOutOfRangeAreRefused()
    {
        QFETCH(QByteArray, line);
        QFETCH(QByteArray, alternatives);
        QFETCH(QString, field);
        const auto plan = PlanJson::fromJson(QJsonDocument::fromJson(planWithOrder(line, alternatives)).object());
        QVERIFY(!plan.ok());
        QVERIFY2(plan.error().message.contains(QLatin1Char('"') + field + QLatin1Char('"')),
                 qPrintable(plan.error().message));
        QVERIFY2(plan.error().message.contains(QStringLiteral("p-1")), qPrintable(plan.error().message));
    }
};

QTEST_GUILESS_MAIN(TestPlanJson)
#include "tst_planjson.moc"
