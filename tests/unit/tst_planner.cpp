#include "exchange/orderrules.h"
#include "plannerfixture.h"

#include <QTest>
#include <QTimeZone>

using ballast::domain::Band;
using ballast::domain::OrderType;
using ballast::domain::Side;
using ballast::money::dec;
using ballast::money::Decimal;
using ballast::rebalance::PlanConstraints;
using ballast::rebalance::PlannedOrder;
using ballast::rebalance::RebalancePlan;
using ballast::rebalance::RouteReason;
using ballast::rebalance::SkipReason;
using ballast::test::mode;
using ballast::test::PlannerFixture;

namespace {

const QString BTC = QStringLiteral("BTC");
const QString ETH = QStringLiteral("ETH");
const QString BNB = QStringLiteral("BNB");
const QString SOL = QStringLiteral("SOL");
const QString USDT = QStringLiteral("USDT");

const PlannedOrder *orderFor(const RebalancePlan &plan, const QString &base, Side side)
{
    for (const auto &order : plan.orders) {
        if (order.base == base && order.side == side)
            return &order;
    }
    return nullptr;
}

const ballast::rebalance::SkippedLine *skippedFor(const RebalancePlan &plan, const QString &asset)
{
    for (const auto &line : plan.skipped) {
        if (line.asset == asset)
            return &line;
    }
    return nullptr;
}

bool sellsFirst(const RebalancePlan &plan)
{
    bool buying = false;
    for (const auto &order : plan.orders) {
        if (order.side == Side::Buy)
            buying = true;
        else if (buying)
            return false;
    }
    return true;
}

double notionalOf(const PlannedOrder *order)
{
    return order ? order->notional.toDouble() : 0.0;
}

} // namespace

class TestPlanner : public QObject
{
    Q_OBJECT

private slots:
    // 10,000 USDT in BTC/ETH at 50/50; ETH rises 20 %: sell ~500 of ETH, buy ~500 of BTC.
    void workedExampleEthRises()
    {
        PlannerFixture f;
        f.hold(BTC, "0.1").hold(ETH, "2").price(BTC, "50000").price(ETH, "3000");
        f.target(BTC, "0.5").target(ETH, "0.5").venue(QStringLiteral("paper"), 1);
        const auto snapshot = f.snapshot();
        QCOMPARE(snapshot.totalValue(), dec("11000"));
        QVERIFY(qAbs(snapshot.position(ETH)->weight - 0.5454545) < 1e-6);
        const RebalancePlan plan = f.plan();
        QCOMPARE(plan.orders.size(), 2);
        QVERIFY(sellsFirst(plan));
        const auto *sell = orderFor(plan, ETH, Side::Sell);
        const auto *buy = orderFor(plan, BTC, Side::Buy);
        QVERIFY(sell && buy);
        QVERIFY2(qAbs(notionalOf(sell) - 500) < 5, qPrintable(sell->notional.toString()));
        QVERIFY2(qAbs(notionalOf(buy) - 500) < 5, qPrintable(buy->notional.toString()));
        QCOMPARE(sell->quantity, sell->quantity.floorToStep(dec("0.0001")));
        QCOMPARE(buy->quantity, buy->quantity.floorToStep(dec("0.00001")));
        QCOMPARE(plan.feesTotal, sell->fee + buy->fee);
        QCOMPARE(plan.valueAfter, plan.valueBefore - plan.feesTotal);
        QVERIFY(plan.weight(BTC)->insideBandAfter());
        QVERIFY(qAbs(plan.weight(ETH)->after - 0.5) < 0.001);
        QVERIFY(qAbs(plan.turnover - 500.0 / 11000.0) < 0.001);
        QVERIFY(plan.skipped.isEmpty());
    }

    // 800 USDT in BTC/BNB at 50/50 moves to 450/550: buy 50 of BTC, sell 50 of BNB.
    void workedExampleBtcBnb()
    {
        PlannerFixture f;
        f.hold(BTC, "0.01").hold(BNB, "1").price(BTC, "45000").price(BNB, "550");
        f.target(BTC, "0.5").target(BNB, "0.5").venue(QStringLiteral("paper"), 1);
        const RebalancePlan plan = f.plan();
        QCOMPARE(plan.orders.size(), 2);
        QVERIFY(sellsFirst(plan));
        const auto *sell = orderFor(plan, BNB, Side::Sell);
        const auto *buy = orderFor(plan, BTC, Side::Buy);
        QVERIFY(sell && buy);
        QVERIFY2(qAbs(notionalOf(sell) - 50) < 1.0, qPrintable(sell->notional.toString())); // BNB lot 0.001 = 0.55
        QVERIFY2(qAbs(notionalOf(buy) - 50) < 1.0, qPrintable(buy->notional.toString()));
        // No balance is overdrawn: the buy plus its fee is paid by the sell.
        QVERIFY(buy->notional + buy->fee <= sell->notional - sell->fee);
    }

    // Targets 80/20, holdings 70/30, invest:50 buys 50 of the first and none of the second.
    void workedExampleInvestBuysOnlyUnderweight()
    {
        PlannerFixture f;
        f.hold(BTC, "7").hold(ETH, "3").price(BTC, "10").price(ETH, "10");
        f.target(BTC, "0.8").target(ETH, "0.2").venue(QStringLiteral("paper"), 1, 0);
        const RebalancePlan plan = f.plan(mode("invest:50"));
        QCOMPARE(plan.orders.size(), 1);
        const auto *buy = orderFor(plan, BTC, Side::Buy);
        QVERIFY(buy);
        QCOMPARE(buy->notional, dec("50"));
        QVERIFY(plan.deposit.has_value());
        QCOMPARE(plan.deposit->amount, dec("50"));
        QCOMPARE(plan.weight(BTC)->valueAfter, dec("120"));
        QCOMPARE(plan.weight(ETH)->valueAfter, dec("30"));
        QCOMPARE(plan.weight(BTC)->after, 0.8);
        QCOMPARE(plan.valueAfter, dec("150"));
    }

    // Shannon's demon: 1,000 at 50/50 cash and an asset; the asset halves, the
    // portfolio is rebalanced, the asset doubles back: 1,125 against 1,000.
    void workedExampleShannonsDemon()
    {
        PlannerFixture f;
        f.hold(USDT, "500").hold(SOL, "5").price(SOL, "50"); // the asset halved from 100
        f.target(USDT, "0.5").target(SOL, "0.5").venue(QStringLiteral("paper"), 1, 0);
        const RebalancePlan plan = f.plan();
        QCOMPARE(plan.orders.size(), 1);
        const auto *buy = orderFor(plan, SOL, Side::Buy);
        QVERIFY(buy);
        QCOMPARE(buy->quantity, dec("2.5"));
        const Decimal solAfter = plan.weight(SOL)->quantityAfter;
        const Decimal cashAfter = plan.weight(USDT)->quantityAfter;
        const Decimal rebalanced = solAfter * dec("100") + cashAfter; // the asset doubles back
        const Decimal buyAndHold = dec("5") * dec("100") + dec("500");
        QCOMPARE(rebalanced, dec("1125"));
        QCOMPARE(buyAndHold, dec("1000"));
    }

    void tooSmallLineIsSkippedWithReasonAndDrift()
    {
        PlannerFixture f;
        // SOL is 1 USDT over target on a 2,000 portfolio: below the 5 USDT minimum.
        f.hold(USDT, "999").hold(SOL, "10.01").price(SOL, "100");
        f.target(USDT, "0.5").target(SOL, "0.5", Band{Band::Kind::Absolute, 0.0001}).venue(QStringLiteral("paper"), 1);
        const RebalancePlan plan = f.plan();
        QVERIFY(plan.orders.isEmpty());
        const auto *line = skippedFor(plan, SOL);
        QVERIFY(line);
        QCOMPARE(line->reason, SkipReason::BelowMinNotional);
        QCOMPARE(line->limit, dec("5"));
        QVERIFY(line->driftLeft > 0.0);
        QVERIFY(line->text(USDT).contains(QStringLiteral("minimum order of 5 USDT")));
    }

    void bandEdgeTradesOnlyOutsideAndOnlyToTheEdge()
    {
        PlannerFixture f;
        // BTC 60 % against 40 % (outside 5pp), ETH 22 % against 25 % (inside), USDT 18 % against 35 %.
        f.hold(BTC, "0.12").hold(ETH, "2.2").hold(USDT, "1800").price(BTC, "50000").price(ETH, "1000");
        f.target(BTC, "0.4").target(ETH, "0.25").target(USDT, "0.35").venue(QStringLiteral("paper"), 1);
        const RebalancePlan target = f.plan(mode("target"));
        const RebalancePlan edge = f.plan(mode("band-edge"));
        QVERIFY(orderFor(edge, BTC, Side::Sell));
        QVERIFY(!orderFor(edge, ETH, Side::Buy)); // inside its band: untouched
        QVERIFY(notionalOf(orderFor(edge, BTC, Side::Sell)) < notionalOf(orderFor(target, BTC, Side::Sell)));
        QVERIFY(edge.turnover < target.turnover);
        for (const auto &weight : edge.weights)
            QVERIFY2(weight.insideBandAfter(), qPrintable(weight.asset));
        // Only to the edge: BTC ends near 45 %, not at 40 %.
        QVERIFY2(edge.weight(BTC)->after > 0.44, qPrintable(QString::number(edge.weight(BTC)->after)));
    }

    void withdrawSellsOnlyOverweight()
    {
        PlannerFixture f;
        f.hold(BTC, "0.12").hold(ETH, "2").hold(USDT, "0").price(BTC, "50000").price(ETH, "2000");
        f.target(BTC, "0.5").target(ETH, "0.5").venue(QStringLiteral("paper"), 1);
        const RebalancePlan plan = f.plan(mode("withdraw:1000"));
        QVERIFY(orderFor(plan, BTC, Side::Sell));
        QVERIFY(!orderFor(plan, ETH, Side::Sell));
        for (const auto &order : plan.orders)
            QCOMPARE(order.side, Side::Sell);
        QVERIFY(plan.withdrawal.has_value());
        QCOMPARE(plan.withdrawal->amount, dec("1000"));
        QVERIFY(plan.weight(USDT)->quantityAfter >= Decimal());
        QCOMPARE(plan.valueAfter, plan.valueBefore - plan.feesTotal - dec("1000"));
    }

    void constraintsAreRespected()
    {
        PlannerFixture f;
        f.hold(BTC, "0.2").hold(ETH, "1").hold(SOL, "10").price(BTC, "50000").price(ETH, "2000").price(SOL, "100");
        f.target(BTC, "0.4").target(ETH, "0.3").target(SOL, "0.3").venue(QStringLiteral("paper"), 1);
        PlanConstraints turnover;
        turnover.maxTurnover = 0.05;
        const RebalancePlan limited = f.plan(mode("target"), turnover);
        QVERIFY2(limited.turnover <= 0.05 + 1e-9, qPrintable(QString::number(limited.turnover)));
        QVERIFY(skippedFor(limited, BTC));
        QCOMPARE(skippedFor(limited, BTC)->reason, SkipReason::TurnoverLimit);

        PlanConstraints frozen;
        frozen.excluded = {BTC};
        const RebalancePlan excluded = f.plan(mode("target"), frozen);
        QVERIFY(!orderFor(excluded, BTC, Side::Sell));
        QCOMPARE(skippedFor(excluded, BTC)->reason, SkipReason::Excluded);
        // ETH and SOL share what BTC leaves in their own proportions (50/50).
        QVERIFY(qAbs(excluded.weight(ETH)->after - excluded.weight(SOL)->after) < 0.01);

        PlanConstraints capped;
        capped.maxWeight = 0.35;
        const RebalancePlan cap = f.plan(mode("target"), capped);
        QVERIFY(cap.weight(BTC)->after <= 0.351);
        QVERIFY(cap.weight(ETH)->after > 0.31);

        PlanConstraints minimum;
        minimum.minTradeValue = dec("100000");
        const RebalancePlan none = f.plan(mode("target"), minimum);
        QVERIFY(none.orders.isEmpty());
        QCOMPARE(skippedFor(none, BTC)->reason, SkipReason::BelowMinTradeValue);
    }

    void routesToCheapestAccountAndSaysWhy()
    {
        PlannerFixture f;
        f.hold(BTC, "0.05", QStringLiteral("binance"), 2).hold(BTC, "0.05", QStringLiteral("paper"), 1);
        f.hold(ETH, "1", QStringLiteral("paper"), 1).hold(USDT, "0", QStringLiteral("binance"), 2);
        f.price(BTC, "50000").price(ETH, "3000");
        f.target(BTC, "0.5").target(ETH, "0.5");
        f.venue(QStringLiteral("paper"), 1, 10).venue(QStringLiteral("binance"), 2, 7);
        const RebalancePlan plan = f.plan();
        const auto *sell = orderFor(plan, BTC, Side::Sell);
        QVERIFY(sell);
        QCOMPARE(sell->account, QStringLiteral("binance"));
        QCOMPARE(sell->route, RouteReason::LowestFee);
        QVERIFY(sell->routeText().contains(QStringLiteral("lowest fee")));
        // The cash sits on binance after the sell; ETH is bought where the cash is.
        const auto *buy = orderFor(plan, ETH, Side::Buy);
        QVERIFY(buy);
        QCOMPARE(buy->account, QStringLiteral("binance"));
    }

    void walletHoldingsCannotBeSold()
    {
        PlannerFixture f;
        f.hold(BTC, "0.2", QStringLiteral("cold"), 9).hold(USDT, "1000").price(BTC, "50000");
        f.target(BTC, "0.5").target(USDT, "0.5").venue(QStringLiteral("paper"), 1);
        const RebalancePlan plan = f.plan();
        QVERIFY(plan.orders.isEmpty());
        const auto *line = skippedFor(plan, BTC);
        QVERIFY(line);
        QCOMPARE(line->reason, SkipReason::NotTradable);
    }

    void directPairWhenCheaper()
    {
        PlannerFixture f;
        f.hold(BTC, "0.1").hold(ETH, "2").price(BTC, "50000").price(ETH, "3000");
        f.target(BTC, "0.5").target(ETH, "0.5").venue(QStringLiteral("paper"), 1);
        ballast::exchange::MarketRules pair;
        pair.symbol = QStringLiteral("ETH/BTC");
        pair.base = ETH;
        pair.quote = BTC;
        pair.lotStep = dec("0.0001");
        pair.minQuantity = dec("0.0001");
        pair.tick = dec("0.00001");
        pair.minNotional = dec("0.0001");
        pair.takerFee = dec("0.001");
        f.market(1, pair);
        const RebalancePlan plan = f.plan();
        QCOMPARE(plan.orders.size(), 1);
        QCOMPARE(plan.orders.first().symbol, QStringLiteral("ETH/BTC"));
        QCOMPARE(plan.orders.first().route, RouteReason::DirectPair);
        QCOMPARE(plan.orders.first().feeAsset, BTC);
        QVERIFY(plan.weight(BTC)->insideBandAfter());
        QVERIFY(plan.feesTotal < dec("1"));
    }

    void limitOrdersSitOnTheTick()
    {
        PlannerFixture f;
        f.hold(BTC, "0.1").hold(ETH, "2").price(BTC, "50000.005").price(ETH, "3000.123");
        f.target(BTC, "0.5").target(ETH, "0.5").venue(QStringLiteral("paper"), 1);
        PlanConstraints limits;
        limits.orderType = OrderType::Limit;
        const RebalancePlan plan = f.plan(mode("target"), limits);
        QVERIFY(!plan.orders.isEmpty());
        for (const auto &order : plan.orders) {
            QCOMPARE(order.type, OrderType::Limit);
            QVERIFY(order.price.isMultipleOf(dec("0.01")));
        }
        QCOMPARE(orderFor(plan, ETH, Side::Sell)->price, dec("3000.12"));
        QCOMPARE(orderFor(plan, BTC, Side::Buy)->price, dec("50000.01"));
    }

    void fallingAssetIsNotBoughtAndThePlanSaysSo()
    {
        PlannerFixture f;
        f.hold(BTC, "0.1").hold(SOL, "10").price(BTC, "50000").price(SOL, "10"); // SOL worth 100 of 5,100
        f.target(BTC, "0.5").target(SOL, "0.5").venue(QStringLiteral("paper"), 1);
        PlanConstraints guarded;
        guarded.noBuy.insert(SOL, 0.9);
        const RebalancePlan plan = f.plan(mode("target"), guarded);
        QVERIFY(!orderFor(plan, SOL, Side::Buy));
        const auto *line = skippedFor(plan, SOL);
        QVERIFY(line);
        QCOMPARE(line->reason, SkipReason::FallingAsset);
        QVERIFY(line->text(USDT).contains(QStringLiteral("90.0% below its peak")));
        // Without the guard, SOL would have been bought.
        QVERIFY(orderFor(f.plan(), SOL, Side::Buy));
    }

    void noTargetsNoOrders()
    {
        PlannerFixture f;
        f.hold(BTC, "1").price(BTC, "50000").venue(QStringLiteral("paper"), 1);
        const RebalancePlan plan = f.plan();
        QVERIFY(plan.orders.isEmpty());
        QVERIFY(!plan.notes.isEmpty());
    }

    void clientOrderIdsAreDeterministic()
    {
        PlannerFixture f;
        f.hold(BTC, "0.1").hold(ETH, "2").price(BTC, "50000").price(ETH, "3000");
        f.target(BTC, "0.5").target(ETH, "0.5").venue(QStringLiteral("paper"), 1);
        const RebalancePlan plan = f.plan();
        QCOMPARE(plan.clientOrderId(0), QStringLiteral("PTEST0000001-0"));
        QCOMPARE(f.plan(), plan); // same inputs, same plan
        const QString generated = RebalancePlan::newId();
        QCOMPARE(generated.size(), 12);
        QVERIFY(QRegularExpression(QStringLiteral("^[A-Za-z0-9]+$")).match(generated).hasMatch());
    }
};

QTEST_GUILESS_MAIN(TestPlanner)
#include "tst_planner.moc"
