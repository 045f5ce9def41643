#include "backtest/backtester.h"
#include "backtest/policybacktest.h"
#include "backtest/sweep.h"
#include "rebalance/rebalancemath.h"

#include <QDateTime>
#include <QTest>
#include <QTimeZone>

#include <cmath>

using ballast::backtest::BacktestConfig;
using ballast::backtest::BacktestData;
using ballast::backtest::Backtester;
using ballast::backtest::OverlayConfig;
using ballast::rebalance::CalendarPeriod;
using ballast::rebalance::Trigger;

namespace {

constexpr qint64 kDay = 86400000;

qint64 dayMs(int year, int month, int day)
{
    return QDateTime(QDate(year, month, day), QTime(0, 0), QTimeZone::utc()).toMSecsSinceEpoch();
}

/// Daily data from @p start with one column per asset.
BacktestData daily(qint64 start, const QStringList &assets, const std::vector<std::vector<double>> &columns)
{
    std::vector<qint64> times;
    for (std::size_t t = 0; t < columns.front().size(); ++t)
        times.push_back(start + static_cast<qint64>(t) * kDay);
    return *BacktestData::fromColumns(assets, times, columns);
}

bool near(double a, double b, double tolerance = 1e-9)
{
    return std::abs(a - b) <= tolerance * std::max(1.0, std::abs(b));
}

/// A at 40 %, B at 40 %, USDT (cash) at 20 %, bands of +/-5pp, no fees:
/// 1,000 starts as 4 A at 100, 4 B at 100 and 200 USDT. On bar 1 A is at
/// @p a; the rule (threshold) looks at bar 1, bar 2 is the last.
struct ModeCase
{
    BacktestData data;
    BacktestConfig config;

    explicit ModeCase(double a)
        : data(daily(dayMs(2024, 1, 1), {QStringLiteral("A"), QStringLiteral("B")},
                     {{100.0, a, a}, {100.0, 100.0, 100.0}}))
    {
        data.addCash(QStringLiteral("USDT"));
        config.targets = {0.4, 0.4, 0.2};
        config.halfWidths = {0.05, 0.05, 0.05};
        config.trigger = Trigger::threshold();
        config.feeRate = 0.0;
        config.capital = 1000.0;
        config.cash = QStringLiteral("USDT");
    }
};

/// The value each asset traded on @p timeMs (0 when it did not trade).
std::vector<double> tradesAt(const ballast::backtest::BacktestResult &result, qint64 timeMs)
{
    std::vector<double> values(static_cast<std::size_t>(result.assets.size()), 0.0);
    for (const auto &trade : result.trades) {
        if (trade.timeMs == timeMs)
            values[static_cast<std::size_t>(trade.asset)] += trade.value;
    }
    return values;
}

} // namespace

class TestBacktester : public QObject
{
    Q_OBJECT

private slots:
    // Tax at 20 % on an asset at 50 % with cash, rebalanced daily:
    //   bar 0 price 100: 5 units (cost 500), 500 cash
    //   bar 1 price 200: 1,500; sell 1.25 units (gain 1.25 x 100 = 125);
    //     cost left 375 + cash 750 = 1,125, so u = 375 / 1,500 = 0.25 and the
    //     tax is 0.2 x 125 / (1 - 0.2 x 0.25) = 25 / 0.95
    //   bar 2 price 200: no trade (the final bar).
    // After tax every way: 1,000 + 0.8 x 500 = 1,400.
    void flatTaxOnRealizedGains()
    {
        auto data = daily(dayMs(2024, 1, 1), {QStringLiteral("SOL")}, {{100.0, 200.0, 200.0}});
        data.addCash(QStringLiteral("USDT"));
        BacktestConfig config;
        config.targets = {0.5, 0.5};
        config.trigger = Trigger::calendar(CalendarPeriod::Day);
        config.feeRate = 0.0;
        config.capital = 1000.0;
        config.tax = ballast::backtest::BacktestTax{0.2, ballast::analytics::CostMethod::Fifo};
        auto result = Backtester::run(data, config);
        QVERIFY(result.ok());
        QVERIFY(result->taxed);
        QVERIFY(near(result->taxPaid, 25.0 / 0.95));
        QVERIFY(near(result->realizedGain, 125.0 + 0.25 * 25.0 / 0.95));
        QVERIFY(near(result->finalValue, 1500.0 - 25.0 / 0.95));
        QVERIFY(near(result->finalValueAfterTax, 1400.0));
        QVERIFY(near(result->buyAndHoldFinalValue, 1500.0));
        QVERIFY(near(result->buyAndHoldFinalValueAfterTax, 1400.0));
        QVERIFY(near(result->cagrAfterTax, std::pow(1.4, 365.0 / 2.0) - 1.0));
        // The weights stay on target after the tax is paid.
        QVERIFY(near(result->weights[2 * 2], 0.5));
        // Without tax nothing of it is set.
        config.tax.reset();
        auto untaxed = Backtester::run(data, config);
        QVERIFY(!untaxed->taxed);
        QVERIFY(near(untaxed->finalValue, 1500.0));
    }

    // The lot method moves the tax in time: the asset goes 100, 50, 100.
    //   bar 1 price 50: buy 2.5 units (lots 5 @ 100, 2.5 @ 50); no gain
    //   bar 2 price 100: 1,125; sell 1.875 units. FIFO and HIFO take the
    //     100 lot (no gain, no tax); LIFO the 50 lot: 1.875 x 50 = 93.75,
    //     u = (1,125 - 1,093.75) / 1,125, tax 18.75 / (1 - 0.2 u).
    // All end at 1,000 + 0.8 x 125 = 1,100 after tax.
    void lotMethodMovesTheTax_data()
    {
        QTest::addColumn<int>("method");
        QTest::addColumn<double>("taxPaid");
        const double u = 31.25 / 1125.0;
        QTest::newRow("fifo") << static_cast<int>(ballast::analytics::CostMethod::Fifo) << 0.0;
        QTest::newRow("hifo") << static_cast<int>(ballast::analytics::CostMethod::Hifo) << 0.0;
        QTest::newRow("lifo") << static_cast<int>(ballast::analytics::CostMethod::Lifo) << 18.75 / (1.0 - 0.2 * u);
    }

    void lotMethodMovesTheTax()
    {
        QFETCH(int, method);
        QFETCH(double, taxPaid);
        auto data = daily(dayMs(2024, 1, 1), {QStringLiteral("SOL")}, {{100.0, 50.0, 100.0, 100.0}});
        data.addCash(QStringLiteral("USDT"));
        BacktestConfig config;
        config.targets = {0.5, 0.5};
        config.trigger = Trigger::calendar(CalendarPeriod::Day);
        config.feeRate = 0.0;
        config.capital = 1000.0;
        config.tax = ballast::backtest::BacktestTax{0.2, static_cast<ballast::analytics::CostMethod>(method)};
        auto result = Backtester::run(data, config);
        QVERIFY(result.ok());
        QCOMPARE(result->rebalances, 2);
        QVERIFY2(near(result->taxPaid, taxPaid), qPrintable(QString::number(result->taxPaid, 'g', 12)));
        QVERIFY(near(result->finalValue, 1125.0 - taxPaid));
        QVERIFY2(near(result->finalValueAfterTax, 1100.0),
                 qPrintable(QString::number(result->finalValueAfterTax, 'g', 12)));
        QVERIFY(near(result->buyAndHoldFinalValueAfterTax, 1000.0));
    }

    void taxRateOutOfRangeIsRefused()
    {
        auto data = daily(dayMs(2024, 1, 1), {QStringLiteral("SOL")}, {{100.0, 50.0}});
        BacktestConfig config;
        config.targets = {1.0};
        config.tax = ballast::backtest::BacktestTax{1.0, ballast::analytics::CostMethod::Fifo};
        auto result = Backtester::run(data, config);
        QVERIFY(!result.ok());
        QCOMPARE(result.error().code, QStringLiteral("backtest.tax"));
    }

    void shannonsDemon()
    {
        // Cash and an asset at 50/50; the asset halves, is rebalanced, doubles back.
        auto data = daily(dayMs(2024, 1, 1), {QStringLiteral("SOL")}, {{100.0, 50.0, 100.0}});
        data.addCash(QStringLiteral("USDT"));
        BacktestConfig config;
        config.targets = {0.5, 0.5};
        config.trigger = Trigger::calendar(CalendarPeriod::Day);
        config.feeRate = 0.0;
        config.capital = 1000.0;
        auto result = Backtester::run(data, config);
        QVERIFY(result.ok());
        QCOMPARE(result->rebalances, 1); // at the middle bar; never on the final one
        QVERIFY(near(result->finalValue, 1125.0));
        QVERIFY(near(result->buyAndHoldFinalValue, 1000.0));
        QVERIFY(near(result->rebalancingPremium(), 0.125));
    }

    void feesLeaveWeightsExactlyOnTarget()
    {
        auto data = daily(dayMs(2024, 1, 1), {QStringLiteral("BTC"), QStringLiteral("ETH")},
                          {{100.0, 150.0, 150.0}, {100.0, 100.0, 100.0}});
        BacktestConfig config;
        config.targets = {0.5, 0.5};
        config.trigger = Trigger::calendar(CalendarPeriod::Day);
        config.feeRate = 0.01;
        config.capital = 1000.0;
        auto result = Backtester::run(data, config);
        QVERIFY(result.ok());
        // Before: 750 / 500, V = 1250. V' = 1250 - 0.01 (|0.5V' - 750| + |0.5V' - 500|) = 1250 - 0.01 x 250
        const double post = 1250.0 - 0.01 * 250.0;
        QVERIFY(near(result->feesPaid, 2.5));
        QVERIFY(near(result->equity[2].value, post));
        QVERIFY(near(result->weights[2 * 2 + 0], 0.5, 1e-12));
        QVERIFY(near(result->weights[2 * 2 + 1], 0.5, 1e-12));
        QVERIFY(near(result->turnover, 250.0 / (2.0 * 1250.0)));
        // The same arithmetic the planner uses.
        const std::vector<double> values{750.0, 500.0};
        const std::vector<double> targets{0.5, 0.5};
        const double rate = 0.01;
        QVERIFY(near(ballast::rebalance::RebalanceMath::postTradeValue(values, targets, {&rate, 1}), post));
    }

    void rebalanceBarRecordsTheValueAfterItsFee()
    {
        // The trade is at bar 1 (1,250 before, 1,247.5 after its fee); the
        // curve holds the value after it, as the final value does, so the
        // returns (and volatility, Sharpe, Sortino) count the fee on its bar.
        auto data = daily(dayMs(2024, 1, 1), {QStringLiteral("BTC"), QStringLiteral("ETH")},
                          {{100.0, 150.0, 150.0}, {100.0, 100.0, 100.0}});
        BacktestConfig config;
        config.targets = {0.5, 0.5};
        config.trigger = Trigger::calendar(CalendarPeriod::Day);
        config.feeRate = 0.01;
        config.capital = 1000.0;
        auto result = Backtester::run(data, config);
        QVERIFY(result.ok());
        QCOMPARE(result->rebalances, 1);
        const double post = 1250.0 - 0.01 * 250.0;
        QVERIFY(near(result->equity[1].value, post));
        QVERIFY(near(result->buyAndHold[1].value, 1250.0));
        QVERIFY(near(result->finalValue, post));
        QVERIFY(near(result->metrics.totalReturn, post / 1000.0 - 1.0));
        // No move after the trade: the last bar's return is zero, not the fee.
        QCOMPARE(result->equity[2].value, result->equity[1].value);
    }

    void turnoverHasBothDefinitions()
    {
        auto data = daily(dayMs(2024, 1, 1), {QStringLiteral("BTC"), QStringLiteral("ETH")},
                          {{100.0, 150.0, 150.0}, {100.0, 100.0, 100.0}});
        BacktestConfig config;
        config.targets = {0.5, 0.5};
        config.trigger = Trigger::calendar(CalendarPeriod::Day);
        config.feeRate = 0.01;
        config.capital = 1000.0;
        auto result = Backtester::run(data, config);
        QVERIFY(result.ok());
        // Traded: |623.75 - 750| + |623.75 - 500| = 250, at a value of 1,250.
        QVERIFY(near(result->tradedValue, 250.0));
        QVERIFY(near(result->turnover, 250.0 / (2.0 * 1250.0))); // one-way, per rebalance, summed
        const double meanValue = (1000.0 + 1247.5 + 1247.5) / 3.0;
        QVERIFY(near(result->turnoverTotalOverMean, 250.0 / meanValue)); // all traded over the mean value
        BacktestConfig none = config;
        none.trigger = Trigger::none();
        auto hold = Backtester::run(data, none);
        QCOMPARE(hold->turnoverTotalOverMean, 0.0);
        QCOMPARE(hold->tradedValue, 0.0);
    }

    void calendarFiresOnTheLastBarOfEachPeriod_data()
    {
        QTest::addColumn<int>("period");
        QTest::addColumn<int>("expected");
        // 2025-01-01 .. 2025-12-31 daily: the first bar is the starting
        // allocation and the last bar (Dec 31) never trades.
        QTest::newRow("day") << int(CalendarPeriod::Day) << 363;
        QTest::newRow("week") << int(CalendarPeriod::Week) << 52; // Sundays; Dec 31 2025 is a Wednesday
        QTest::newRow("month") << int(CalendarPeriod::Month) << 11;
        QTest::newRow("quarter") << int(CalendarPeriod::Quarter) << 3;
    }

    void calendarFiresOnTheLastBarOfEachPeriod()
    {
        QFETCH(int, period);
        QFETCH(int, expected);
        std::vector<double> a;
        std::vector<double> b;
        for (int t = 0; t < 365; ++t) {
            a.push_back(100.0 + 10.0 * std::sin(t / 7.0));
            b.push_back(50.0 + t * 0.1);
        }
        auto data = daily(dayMs(2025, 1, 1), {QStringLiteral("A"), QStringLiteral("B")}, {a, b});
        BacktestConfig config;
        config.targets = {0.6, 0.4};
        config.trigger = Trigger::calendar(static_cast<CalendarPeriod>(period));
        auto result = Backtester::run(data, config);
        QVERIFY(result.ok());
        QCOMPARE(result->rebalances, expected);
        for (const auto &trade : result->trades) {
            const QDate date = QDateTime::fromMSecsSinceEpoch(trade.timeMs, QTimeZone::utc()).date();
            if (period == int(CalendarPeriod::Month))
                QCOMPARE(date.addDays(1).day(), 1);
        }
    }

    void thresholdFiresOnlyOutsideTheBand()
    {
        // A climbs 2 % a day against a flat B: at 50/50 with a 5pp band it
        // breaks the band after a few days, is reset, and breaks again.
        std::vector<double> a;
        std::vector<double> b;
        for (int t = 0; t < 60; ++t) {
            a.push_back(100.0 * std::pow(1.02, t));
            b.push_back(100.0);
        }
        auto data = daily(dayMs(2024, 3, 1), {QStringLiteral("A"), QStringLiteral("B")}, {a, b});
        BacktestConfig config;
        config.targets = {0.5, 0.5};
        config.trigger = *Trigger::parse(QStringLiteral("threshold:5pp"));
        config.feeRate = 0.0;
        auto result = Backtester::run(data, config);
        QVERIFY(result.ok());
        QVERIFY(result->rebalances > 3);
        // Between rebalances the weight never leaves the band by more than one day's move.
        for (std::size_t t = 0; t < result->weights.size() / 2; ++t)
            QVERIFY(std::abs(result->weights[t * 2] - 0.5) <= 0.05 + 0.006);
        BacktestConfig none = config;
        none.trigger = Trigger::none();
        auto hold = Backtester::run(data, none);
        QCOMPARE(hold->rebalances, 0);
        QVERIFY(near(hold->finalValue, hold->buyAndHoldFinalValue));
    }

    void volatilityTargetingCutsExposureInTurbulence()
    {
        // Calm for 60 days, then violent swings: exposure must fall.
        std::vector<double> a;
        double price = 100.0;
        for (int t = 0; t < 160; ++t) {
            const double move = t < 60 ? 0.002 : (t % 2 == 0 ? 0.12 : -0.10);
            price *= 1.0 + move;
            a.push_back(price);
        }
        auto data = daily(dayMs(2024, 1, 1), {QStringLiteral("BTC")}, {a});
        data.addCash(QStringLiteral("USDT"));
        BacktestConfig config;
        config.targets = {1.0, 0.0};
        config.trigger = Trigger::calendar(CalendarPeriod::Day);
        config.overlay.kind = OverlayConfig::Kind::VolatilityTarget;
        config.overlay.targetVolatility = 0.4;
        config.overlay.lookback = 20;
        // Without fees: the equity curve holds values after each day's fee,
        // and the daily trades of the calm days would add their fees to the
        // first storm day's fall; this test is about the exposure.
        config.feeRate = 0.0;
        auto result = Backtester::run(data, config);
        QVERIFY(result.ok());
        const double calmWeight = result->weights[std::size_t{50} * 2];
        const double stormWeight = result->weights[std::size_t{150} * 2];
        QVERIFY2(calmWeight > 0.99, qPrintable(QString::number(calmWeight)));
        QVERIFY2(stormWeight < 0.3, qPrintable(QString::number(stormWeight)));
        // Less drawdown than holding the coin.
        QVERIFY(result->metrics.maxDrawdown < result->buyAndHoldMetrics.maxDrawdown);
    }

    void cppiReportsFloorBreaches()
    {
        // A crash through the floor in one day: CPPI cannot avoid the breach and says so.
        auto data = daily(dayMs(2024, 1, 1), {QStringLiteral("ETH")}, {{100.0, 100.0, 30.0, 30.0, 35.0}});
        data.addCash(QStringLiteral("USDT"));
        BacktestConfig config;
        config.targets = {0.8, 0.2};
        config.trigger = Trigger::calendar(CalendarPeriod::Day);
        config.feeRate = 0.0;
        config.capital = 1000.0;
        config.overlay.kind = OverlayConfig::Kind::Cppi;
        config.overlay.multiplier = 4.0;
        config.overlay.floorFraction = 0.8;
        auto result = Backtester::run(data, config);
        QVERIFY(result.ok());
        int breaches = 0;
        for (const auto &alert : result->alerts)
            breaches += alert.kind == QLatin1String("floor_breach") ? 1 : 0;
        QVERIFY(breaches >= 1);
    }

    void fallingAssetIsNoLongerBought()
    {
        auto data = daily(dayMs(2024, 1, 1), {QStringLiteral("DEAD"), QStringLiteral("BTC")},
                          {{100.0, 60.0, 30.0, 10.0, 5.0, 4.0}, {100.0, 100.0, 100.0, 100.0, 100.0, 100.0}});
        BacktestConfig config;
        config.targets = {0.5, 0.5};
        config.trigger = Trigger::calendar(CalendarPeriod::Day);
        config.feeRate = 0.0;
        config.fallingGuard = 0.5;
        auto guarded = Backtester::run(data, config);
        config.fallingGuard.reset();
        auto fed = Backtester::run(data, config);
        QVERIFY(guarded.ok() && fed.ok());
        QVERIFY(guarded->finalValue > fed->finalValue);
        bool alerted = false;
        for (const auto &alert : guarded->alerts)
            alerted = alerted || alert.message.contains(QStringLiteral("DEAD is"));
        QVERIFY(alerted);
    }

    void correlationAlertNamesThePair()
    {
        std::vector<double> a;
        std::vector<double> b;
        double pa = 100.0;
        double pb = 100.0;
        for (int t = 0; t < 200; ++t) {
            const double shock = std::sin(t * 1.7) * 0.03;
            pa *= 1.0 + shock;
            pb *= 1.0 + shock * 0.9 + (t % 3 - 1) * 0.001;
            a.push_back(pa);
            b.push_back(pb);
        }
        auto data = daily(dayMs(2024, 1, 1), {QStringLiteral("BTC"), QStringLiteral("ETH")}, {a, b});
        BacktestConfig config;
        config.targets = {0.5, 0.5};
        config.trigger = Trigger::none();
        config.correlationThreshold = 0.7;
        config.correlationWindow = 30;
        auto result = Backtester::run(data, config);
        QVERIFY(result.ok());
        QVERIFY(!result->alerts.empty());
        QVERIFY(result->alerts.front().message.contains(QStringLiteral("BTC and ETH")));
        QVERIFY(result->alerts.front().message.contains(QStringLiteral("30 bars")));
    }

    // The modes and limits on one bar (ModeCase; A goes from 100 to 150, so
    // A 600, B 400, USDT 200 of 1,200: weights 50 %, 33.3 %, 16.7 %, A and B
    // outside their bands). The expected trades, value in USDT:
    //   target:       A to 480, B to 480: A -120, B +80, USDT +40
    //   band-edge:    A to 0.45 - 0.005 (a tenth of the half-width inside the
    //                 edge, as the live planner aims) = 534: -66; B to 0.355 =
    //                 426: +26; USDT +40 is 20 %, inside its band: no more
    //   withdraw:     sells only, toward the targets, what USDT lacks of its
    //                 target (240 - 200 = 40): A -40 (B is under target: never bought)
    //   turnover 5%:  the target trades are 200 / (2 x 1,200) = 8.33 % one-way,
    //                 scaled by 0.05 / 0.0833 = 0.6: A -72, B +48, USDT +24
    //   min trade 30: band-edge's B +26 is below it and left out: A -66, USDT +66
    //   excluded B:   B keeps its 1/3; A and USDT share the rest 2:1:
    //                 A to 533.33 (-66.67), USDT to 266.67
    void modesAndLimitsTradeAsThePlanner_data()
    {
        using Kind = ballast::rebalance::PlanMode::Kind;
        QTest::addColumn<int>("mode");
        QTest::addColumn<double>("minTrade");
        QTest::addColumn<double>("maxTurnover");
        QTest::addColumn<QString>("excluded");
        QTest::addColumn<std::vector<double>>("expected");
        QTest::newRow("target") << static_cast<int>(Kind::Target) << 0.0 << 0.0 << QString()
                                << std::vector<double>{-120.0, 80.0, 40.0};
        QTest::newRow("band-edge") << static_cast<int>(Kind::BandEdge) << 0.0 << 0.0 << QString()
                                   << std::vector<double>{-66.0, 26.0, 40.0};
        QTest::newRow("withdraw") << static_cast<int>(Kind::Withdraw) << 0.0 << 0.0 << QString()
                                  << std::vector<double>{-40.0, 0.0, 40.0};
        QTest::newRow("invest: no cash above its target")
            << static_cast<int>(Kind::Invest) << 0.0 << 0.0 << QString() << std::vector<double>{0.0, 0.0, 0.0};
        QTest::newRow("target, turnover 5%")
            << static_cast<int>(Kind::Target) << 0.0 << 0.05 << QString() << std::vector<double>{-72.0, 48.0, 24.0};
        QTest::newRow("band-edge, min trade 30")
            << static_cast<int>(Kind::BandEdge) << 30.0 << 0.0 << QString() << std::vector<double>{-66.0, 0.0, 66.0};
        QTest::newRow("target, B excluded") << static_cast<int>(Kind::Target) << 0.0 << 0.0 << QStringLiteral("B")
                                            << std::vector<double>{-200.0 / 3.0, 0.0, 200.0 / 3.0};
    }

    void modesAndLimitsTradeAsThePlanner()
    {
        QFETCH(int, mode);
        QFETCH(double, minTrade);
        QFETCH(double, maxTurnover);
        QFETCH(QString, excluded);
        QFETCH(std::vector<double>, expected);
        ModeCase c(150.0);
        c.config.mode = static_cast<ballast::rebalance::PlanMode::Kind>(mode);
        c.config.minTrade = minTrade;
        if (maxTurnover > 0.0)
            c.config.maxTurnover = maxTurnover;
        if (!excluded.isEmpty())
            c.config.excluded = {excluded};
        auto result = Backtester::run(c.data, c.config);
        QVERIFY2(result.ok(), result.ok() ? "" : qPrintable(result.error().message));
        // The rule fired on bar 1 whatever the mode made of it.
        QCOMPARE(result->rebalances, 1);
        QCOMPARE(result->rebalanceTimes, std::vector<qint64>{c.data.times[1]});
        const auto traded = tradesAt(*result, c.data.times[1]);
        for (std::size_t i = 0; i < expected.size(); ++i) {
            QVERIFY2(near(traded[i], expected[i], 1e-12),
                     qPrintable(QStringLiteral("%1: traded %2, expected %3")
                                    .arg(result->assets[static_cast<qsizetype>(i)])
                                    .arg(traded[i], 0, 'g', 15)
                                    .arg(expected[i], 0, 'g', 15)));
        }
        // No fees: nothing is lost, whatever was traded.
        QVERIFY(near(result->finalValue, 1200.0));
    }

    // Invest buys with the cash above its target and never sells. A falls to
    // 50: A 200, B 400, USDT 200 of 800 (25 %, 50 %, 25 %). USDT's target is
    // 160, so 40 is spare; the only gap is A's (320 - 200 = 120): A +40.
    // Back to the targets would also sell B. Withdraw has nothing to raise
    // (USDT is above its target): no trade.
    void investBuysWithTheCashAboveItsTarget()
    {
        ModeCase c(50.0);
        c.config.mode = ballast::rebalance::PlanMode::Kind::Invest;
        auto invest = Backtester::run(c.data, c.config);
        QVERIFY(invest.ok());
        const auto bought = tradesAt(*invest, c.data.times[1]);
        QVERIFY(near(bought[0], 40.0, 1e-12));
        QCOMPARE(bought[1], 0.0);
        QVERIFY(near(bought[2], -40.0, 1e-12));
        c.config.mode = ballast::rebalance::PlanMode::Kind::Withdraw;
        auto withdraw = Backtester::run(c.data, c.config);
        QVERIFY(withdraw.ok());
        QCOMPARE(withdraw->rebalances, 1);
        QVERIFY(withdraw->trades.empty());
    }

    // Without a cash asset the sells pay for the buys. A and B at 50/50,
    // bands of +/-5pp; A goes to 160: A 800, B 500 of 1,300. Band edge: A to
    // 0.545 x 1,300 = 708.5 (-91.5), B to 0.455 x 1,300 = 591.5 (+91.5).
    // A minimum trade of 100 leaves both out. With a fee of 1 % the cash
    // would end 91.5 x 1.01 - 91.5 x 0.99 = 1.83 short, below its band (0 +/-
    // 0): as in the live planner, the overweight A sells that much more
    // (1.83 / 0.99), so the sale pays for the buy and its fees.
    void withoutCashSellsAndBuysPayForEachOther()
    {
        auto data = daily(dayMs(2024, 1, 1), {QStringLiteral("A"), QStringLiteral("B")},
                          {{100.0, 160.0, 160.0}, {100.0, 100.0, 100.0}});
        BacktestConfig config;
        config.targets = {0.5, 0.5};
        config.halfWidths = {0.05, 0.05};
        config.trigger = Trigger::threshold();
        config.feeRate = 0.0;
        config.capital = 1000.0;
        config.mode = ballast::rebalance::PlanMode::Kind::BandEdge;
        auto edge = Backtester::run(data, config);
        QVERIFY(edge.ok());
        auto traded = tradesAt(*edge, data.times[1]);
        QVERIFY(near(traded[0], -91.5, 1e-12));
        QVERIFY(near(traded[1], 91.5, 1e-12));
        config.minTrade = 100.0;
        auto none = Backtester::run(data, config);
        QVERIFY(none.ok());
        QVERIFY(none->trades.empty());
        config.minTrade = 0.0;
        config.feeRate = 0.01;
        auto fees = Backtester::run(data, config);
        QVERIFY(fees.ok());
        traded = tradesAt(*fees, data.times[1]);
        const double sold = 91.5 + 1.83 / 0.99;
        QVERIFY2(near(traded[0], -sold, 1e-12), qPrintable(QString::number(traded[0], 'g', 15)));
        QVERIFY(near(traded[1], 91.5, 1e-12));
        QVERIFY(near(fees->finalValue, 1300.0 - 0.01 * (sold + 91.5)));
        // A minimum of 92 leaves out the buy (91.5) but not the sale (93.35):
        // the sale alone would raise cash there is no asset for, so it
        // shrinks to what the buys take: nothing.
        config.minTrade = 92.0;
        auto sellOnly = Backtester::run(data, config);
        QVERIFY(sellOnly.ok());
        QVERIFY(sellOnly->trades.empty());
    }

    // Limits that never bind leave the run as the plain one (back to the
    // targets in closed form), fees on the cash side included.
    void limitsThatDoNotBindChangeNothing()
    {
        std::vector<double> a;
        std::vector<double> b;
        for (int t = 0; t < 200; ++t) {
            a.push_back(100.0 * std::exp(0.3 * std::sin(t * 0.21)));
            b.push_back(50.0 * std::exp(0.2 * std::cos(t * 0.13)));
        }
        auto data = daily(dayMs(2024, 1, 1), {QStringLiteral("A"), QStringLiteral("B")}, {a, b});
        data.addCash(QStringLiteral("USDT"));
        BacktestConfig config;
        config.targets = {0.45, 0.35, 0.2};
        config.trigger = Trigger::calendar(CalendarPeriod::Week);
        config.feeRate = 0.002;
        config.slippageRate = 0.001;
        config.cash = QStringLiteral("USDT");
        auto plain = Backtester::run(data, config);
        QVERIFY(plain.ok());
        config.maxTurnover = 1.0;
        config.minTrade = 1e-9;
        auto limited = Backtester::run(data, config);
        QVERIFY(limited.ok());
        QCOMPARE(limited->rebalances, plain->rebalances);
        QVERIFY2(
            near(limited->finalValue, plain->finalValue, 1e-9),
            qPrintable(
                QStringLiteral("%1 vs %2").arg(limited->finalValue, 0, 'g', 15).arg(plain->finalValue, 0, 'g', 15)));
        QVERIFY(near(limited->feesPaid, plain->feesPaid, 1e-9));
        // Without a cash column too.
        config.cash.clear();
        auto noCash = Backtester::run(data, config);
        QVERIFY(noCash.ok());
        QVERIFY(near(noCash->finalValue, plain->finalValue, 1e-9));
    }

    // "My policy": the mode, limits, exclusions and cash as the live plan
    // reads them; the band edge and the rule both at the policy's 2pp, which
    // replaces A's own 10pp and the default 5pp, except for the excluded B
    // (its own 5pp at the edge, never outside for the rule). Notes only for
    // what is not simulated: the withdrawal amount.
    void policyBacktestTradesAsThePlan()
    {
        using ballast::money::dec;
        ballast::domain::Portfolio portfolio;
        portfolio.name = QStringLiteral("Main");
        portfolio.defaultBand = ballast::domain::Band{ballast::domain::Band::Kind::Absolute, 0.05};
        portfolio.targets = {
            {QStringLiteral("A"), dec("0.4"), ballast::domain::Band{ballast::domain::Band::Kind::Absolute, 0.1}},
            {QStringLiteral("B"), dec("0.4"), {}},
            {QStringLiteral("USDT"), dec("0.2"), {}}};
        ballast::rebalance::RebalancePolicy policy;
        policy.rule = *Trigger::parse(QStringLiteral("threshold"));
        policy.band = ballast::domain::Band{ballast::domain::Band::Kind::Absolute, 0.02};
        policy.mode = *ballast::rebalance::PlanMode::parse(QStringLiteral("withdraw:100"));
        policy.minTrade = dec("25");
        policy.maxTurnover = 0.1;
        policy.excluded = {QStringLiteral("B")};
        BacktestConfig config;
        const QStringList assets{QStringLiteral("A"), QStringLiteral("B"), QStringLiteral("USDT")};
        const QStringList notes =
            ballast::backtest::PolicyBacktest{QStringLiteral("Main"), portfolio, policy}.apply(config, assets);
        QCOMPARE(config.mode, ballast::rebalance::PlanMode::Kind::Withdraw);
        QCOMPARE(config.cash, QStringLiteral("USDT"));
        QCOMPARE(config.minTrade, 25.0);
        QCOMPARE(config.maxTurnover, std::optional<double>(0.1));
        QCOMPARE(config.excluded, QStringList{QStringLiteral("B")});
        QCOMPARE(config.halfWidths, (std::vector<double>{0.02, 1.0, 0.02}));
        QCOMPARE(config.edgeHalfWidths, (std::vector<double>{0.02, 0.05, 0.02}));
        QCOMPARE(notes.size(), 1);
        QVERIFY2(notes.first().contains(QStringLiteral("no withdrawals")), qPrintable(notes.first()));
        // Back to the targets with no limits: nothing to say.
        policy = {};
        const ballast::backtest::PolicyBacktest plain{QStringLiteral("Main"), portfolio, policy};
        QCOMPARE(plain.apply(config, assets), QStringList());
        // The default policy names no band: the portfolio's everywhere.
        QCOMPARE(config.halfWidths, (std::vector<double>{0.1, 0.05, 0.05}));
        QCOMPARE(config.edgeHalfWidths, (std::vector<double>{0.1, 0.05, 0.05}));
        QCOMPARE(config.mode, ballast::rebalance::PlanMode::Kind::Target);
        QVERIFY(!config.maxTurnover);
    }

    // The default policy ("threshold", no band) on a portfolio whose bands
    // are 5pp configures a backtest exactly as the old default rule
    // "threshold:5pp" did, so it decides and trades as before; on other bands
    // it follows them.
    void defaultPolicyBacktestsAsTheOldDefaultOnFivePointBands()
    {
        using ballast::money::dec;
        ballast::domain::Portfolio portfolio;
        portfolio.defaultBand = ballast::domain::Band{ballast::domain::Band::Kind::Absolute, 0.05};
        portfolio.targets = {{QStringLiteral("A"), dec("0.5"), {}}, {QStringLiteral("B"), dec("0.5"), {}}};
        const QStringList assets{QStringLiteral("A"), QStringLiteral("B")};
        ballast::rebalance::RebalancePolicy old;
        old.rule = *Trigger::parse(QStringLiteral("threshold:5pp"));
        old.mode = *ballast::rebalance::PlanMode::parse(QStringLiteral("band-edge"));
        ballast::rebalance::RebalancePolicy now;
        now.mode = old.mode;
        QCOMPARE(now.rule.toString(), QStringLiteral("threshold"));
        BacktestConfig before;
        BacktestConfig after;
        ballast::backtest::PolicyBacktest{QStringLiteral("Main"), portfolio, old}.apply(before, assets);
        ballast::backtest::PolicyBacktest{QStringLiteral("Main"), portfolio, now}.apply(after, assets);
        QCOMPARE(after.trigger.toString(), before.trigger.toString());
        QCOMPARE(after.halfWidths, before.halfWidths);
        QCOMPARE(after.edgeHalfWidths, before.edgeHalfWidths);
        QCOMPARE(after.halfWidths, (std::vector<double>{0.05, 0.05}));

        // A random walk through both configurations: the same rebalances and the same value.
        BacktestData data;
        data.assets = assets;
        double a = 100.0;
        quint64 state = 7;
        for (int day = 0; day < 400; ++day) {
            state = state * 6364136223846793005ULL + 1442695040888963407ULL;
            a *= 1.0 + (static_cast<double>(state >> 11) / 9007199254740992.0 - 0.5) * 0.08;
            data.times.push_back(qint64(1700000000000) + qint64(day) * 86400000);
            data.closes.buffer().push_back(a);
            data.closes.buffer().push_back(100.0);
        }
        before.targets = after.targets = {0.5, 0.5};
        auto first = Backtester::run(data, before);
        auto second = Backtester::run(data, after);
        QVERIFY(first.ok() && second.ok());
        QVERIFY(first->rebalances > 0);
        QCOMPARE(second->rebalanceTimes, first->rebalanceTimes);
        QCOMPARE(second->finalValue, first->finalValue);

        portfolio.defaultBand = ballast::domain::Band{ballast::domain::Band::Kind::Absolute, 0.08};
        ballast::backtest::PolicyBacktest{QStringLiteral("Main"), portfolio, now}.apply(after, assets);
        QCOMPARE(after.halfWidths, (std::vector<double>{0.08, 0.08}));
        QCOMPARE(after.edgeHalfWidths, (std::vector<double>{0.08, 0.08}));
    }

    void badLimitsAreErrors()
    {
        ModeCase c(150.0);
        c.config.minTrade = -1.0;
        QCOMPARE(Backtester::run(c.data, c.config).error().code, QStringLiteral("backtest.minTrade"));
        c.config.minTrade = 0.0;
        c.config.maxTurnover = 0.0;
        QCOMPARE(Backtester::run(c.data, c.config).error().code, QStringLiteral("backtest.maxTurnover"));
    }

    void badInputsAreErrors()
    {
        auto data = daily(dayMs(2024, 1, 1), {QStringLiteral("A")}, {{1.0, 2.0}});
        BacktestConfig config;
        config.targets = {0.5};
        QVERIFY(!Backtester::run(data, config).ok());
        config.targets = {1.0};
        config.overlay.kind = OverlayConfig::Kind::Cppi;
        auto missing = Backtester::run(data, config);
        QVERIFY(!missing.ok());
        QVERIFY(missing.error().message.contains(QStringLiteral("USDT")));
    }

    void sweepRunsEveryConfigInOrder()
    {
        std::vector<double> a;
        std::vector<double> b;
        for (int t = 0; t < 400; ++t) {
            a.push_back(100.0 * (1.0 + 0.3 * std::sin(t / 20.0)));
            b.push_back(100.0 * (1.0 + 0.2 * std::cos(t / 15.0)));
        }
        auto data = std::make_shared<BacktestData>(
            daily(dayMs(2023, 1, 1), {QStringLiteral("A"), QStringLiteral("B")}, {a, b}));
        BacktestConfig base;
        base.recordCurves = false;
        const auto configs = ballast::backtest::Sweep::grid(
            base,
            {Trigger::none(), Trigger::calendar(CalendarPeriod::Month),
             *Trigger::parse(QStringLiteral("threshold:5pp"))},
            {{QStringLiteral("60/40"), {0.6, 0.4}}, {QStringLiteral("50/50"), {0.5, 0.5}}});
        QCOMPARE(configs.size(), 6);
        auto future = ballast::backtest::Sweep::start(data, configs);
        future.waitForFinished();
        const auto results = future.results();
        QCOMPARE(results.size(), 6);
        for (int i = 0; i < results.size(); ++i) {
            QCOMPARE(results[i].label, configs[i].label);
            QVERIFY(results[i].error.isEmpty());
            auto single = Backtester::run(*data, configs[i]);
            QCOMPARE(results[i].finalValue, single->finalValue);
        }
        QCOMPARE(results[0].rebalances, 0);
    }

    // Without curves the rule reads the values (BandCheck, folded into the
    // value loop); with them it reads the divided weights. Both decide alike
    // on every bar, so the runs agree to the last bit.
    void curvesOrNotTheRuleDecidesAlike_data()
    {
        QTest::addColumn<QString>("rule");
        QTest::newRow("5pp") << QStringLiteral("threshold:5pp");
        QTest::newRow("0.5pp") << QStringLiteral("threshold:0.5pp");
        QTest::newRow("25%") << QStringLiteral("threshold:25%");
        QTest::newRow("portfolio bands") << QStringLiteral("threshold");
        QTest::newRow("hybrid") << QStringLiteral("hybrid:week,1pp");
    }

    void curvesOrNotTheRuleDecidesAlike()
    {
        QFETCH(QString, rule);
        std::vector<std::vector<double>> columns(4);
        double seed = 0.37;
        for (int t = 0; t < 3000; ++t) {
            for (std::size_t i = 0; i < columns.size(); ++i) {
                seed = std::fmod(seed * 9301.0 + 49297.0, 233280.0); // a fixed walk, no clock
                const double step = (seed / 233280.0 - 0.5) * 0.06 * static_cast<double>(i + 1);
                columns[i].push_back(t == 0 ? 100.0 : columns[i].back() * (1.0 + step));
            }
        }
        const auto data =
            daily(dayMs(2010, 1, 1),
                  {QStringLiteral("A"), QStringLiteral("B"), QStringLiteral("C"), QStringLiteral("D")}, columns);
        BacktestConfig config;
        config.targets = {0.4, 0.3, 0.2, 0.1};
        config.halfWidths = {0.02, 0.03, 0.04, 0.05};
        config.trigger = *Trigger::parse(rule);
        config.feeRate = 0.002;
        const auto withCurves = Backtester::run(data, config);
        config.recordCurves = false;
        const auto without = Backtester::run(data, config);
        QVERIFY(withCurves.ok() && without.ok());
        QVERIFY(withCurves->rebalances > 5);
        QCOMPARE(without->rebalances, withCurves->rebalances);
        QCOMPARE(without->rebalanceTimes, withCurves->rebalanceTimes);
        QCOMPARE(without->finalValue, withCurves->finalValue);
        QCOMPARE(without->feesPaid, withCurves->feesPaid);
        QCOMPARE(without->metrics.volatility, withCurves->metrics.volatility);
        QCOMPARE(without->metrics.sortino, withCurves->metrics.sortino);
        QCOMPARE(without->metrics.maxDrawdown, withCurves->metrics.maxDrawdown);
        // And the metrics are those of the curve the run recorded.
        const auto metrics = ballast::analytics::Metrics::compute(withCurves->equity, data.barsPerDay);
        QCOMPARE(withCurves->metrics.volatility, metrics.volatility);
        QCOMPARE(withCurves->metrics.sharpe, metrics.sharpe);
        QCOMPARE(withCurves->metrics.recoveryTimeMs, metrics.recoveryTimeMs);
    }

    void runWithoutCurvesKeepsNoCurveMemory()
    {
        std::vector<double> a;
        std::vector<double> b;
        for (int t = 0; t < 5000; ++t) {
            a.push_back(100.0 + t % 17);
            b.push_back(50.0 + t % 11);
        }
        const auto data = daily(dayMs(2000, 1, 1), {QStringLiteral("A"), QStringLiteral("B")}, {a, b});
        BacktestConfig config;
        config.targets = {0.5, 0.5};
        config.recordCurves = false;
        const auto result = Backtester::run(data, config);
        QVERIFY(result.ok());
        QVERIFY(result->metrics.volatility > 0.0); // computed from the curve before it was dropped
        // A sweep keeps thousands of these: the curves' capacity must be released, not only cleared.
        QCOMPARE(result->equity.capacity(), std::size_t(0));
        QCOMPARE(result->buyAndHold.capacity(), std::size_t(0));
        QCOMPARE(result->weights.capacity(), std::size_t(0));
    }

    void sweepReportsProgressAndCancels()
    {
        std::vector<double> a;
        std::vector<double> b;
        for (int t = 0; t < 20000; ++t) {
            a.push_back(100.0 * (1.0 + 0.3 * std::sin(t / 50.0)));
            b.push_back(100.0 * (1.0 + 0.2 * std::cos(t / 35.0)));
        }
        auto data = std::make_shared<BacktestData>(
            daily(dayMs(2000, 1, 1), {QStringLiteral("A"), QStringLiteral("B")}, {a, b}));
        BacktestConfig base;
        base.recordCurves = false;
        base.trigger = Trigger::calendar(CalendarPeriod::Day);
        base.targets = {0.5, 0.5};
        QList<BacktestConfig> configs;
        for (int i = 0; i < 2000; ++i)
            configs.append(base);
        auto future = ballast::backtest::Sweep::start(data, configs);
        QCOMPARE(future.progressMaximum(), 2000);
        QTRY_VERIFY_WITH_TIMEOUT(future.progressValue() > 0, 30000); // progress is reported while it runs
        future.cancel();
        future.waitForFinished();
        QVERIFY(future.isCanceled());
        QVERIFY2(future.progressValue() < 2000, qPrintable(QString::number(future.progressValue())));
    }
};

QTEST_GUILESS_MAIN(TestBacktester)
#include "tst_backtester.moc"
