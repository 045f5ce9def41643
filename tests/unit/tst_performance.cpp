#include "analytics/costbasis.h"
#include "analytics/performance.h"
#include "randomhistory.h"

#include <QRandomGenerator>
#include <QTest>
#include <QTimeZone>

#include <cmath>

using ballast::analytics::CashFlowAt;
using ballast::analytics::CostBasisOptions;
using ballast::analytics::DailyReturn;
using ballast::analytics::DailyValue;
using ballast::analytics::ExternalFlow;
using ballast::analytics::MissingPrice;
using ballast::analytics::Performance;
using ballast::domain::Transaction;
using ballast::domain::TransactionKind;
using ballast::money::dec;
using ballast::money::Decimal;
using ballast::money::RoundingMode;
using ballast::testsupport::RandomHistory;
using ballast::testsupport::RandomHistoryOptions;

namespace {

bool near(double actual, double expected, double tolerance, const char *what)
{
    if (std::abs(actual - expected) <= tolerance * std::max(1.0, std::abs(expected)))
        return true;
    qWarning("%s: actual %.17g, expected %.17g (tolerance %g)", what, actual, expected, tolerance);
    return false;
}

#define QCOMPARE_NEAR(actual, expected, tolerance) QVERIFY(near((actual), (expected), (tolerance), #actual))

QDateTime noon(QDate day)
{
    return QDateTime(day, QTime(12, 0), QTimeZone::utc());
}

Decimal money(double v)
{
    return Decimal::fromDouble(v, 8, RoundingMode::HalfEven).valueOr(Decimal());
}

std::vector<DailyReturn> returnsOf(const QList<DailyValue> &values, const QList<ExternalFlow> &flows = {})
{
    auto r = Performance::dailyReturns(values, flows);
    if (!r)
        qWarning("%s", qPrintable(r.error().message));
    return r.valueOr({});
}

/// Daily returns drawn from a seeded generator: -5 % .. +5.5 %.
QList<double> randomReturns(quint32 seed, int days)
{
    QRandomGenerator rng(seed);
    QList<double> out;
    for (int i = 0; i < days; ++i)
        out.append((rng.generateDouble() - 0.475) * 0.1);
    return out;
}

} // namespace

class TestPerformance : public QObject
{
    Q_OBJECT

private slots:
    // Microsoft Excel's XIRR function documentation, its example: -10,000 on
    // 2008-01-01, 2,750 on 2008-03-01, 4,250 on 2008-10-30, 3,250 on
    // 2009-02-15 and 2,750 on 2009-04-01 give 0.373362535.
    void xirrExcelExample()
    {
        const QList<CashFlowAt> flows{{QDate(2008, 1, 1), dec("-10000")},
                                      {QDate(2008, 3, 1), dec("2750")},
                                      {QDate(2008, 10, 30), dec("4250")},
                                      {QDate(2009, 2, 15), dec("3250")},
                                      {QDate(2009, 4, 1), dec("2750")}};
        const auto r = Performance::xirr(flows);
        QVERIFY(r);
        // Excel stops once its result is within 0.000001 % (1e-8), so its
        // printed figure is only that close to the root.
        QCOMPARE_NEAR(*r, 0.373362535, 1e-8);
        double npv = 0.0;
        for (const auto &f : flows)
            npv += f.amount.toDouble() / std::pow(1.0 + *r, QDate(2008, 1, 1).daysTo(f.date) / 365.0);
        QVERIFY2(std::abs(npv) < 1e-8, qPrintable(QString::number(npv)));
        // The order of the flows does not matter.
        QList<CashFlowAt> reversed(flows.rbegin(), flows.rend());
        QCOMPARE_NEAR(*Performance::xirr(reversed), *r, 1e-14);
    }

    void xirrRefusals_data()
    {
        QTest::addColumn<QList<CashFlowAt>>("flows");
        QTest::addColumn<QString>("code");
        QTest::newRow("only payments") << QList<CashFlowAt>{{QDate(2020, 1, 1), dec("-1")},
                                                            {QDate(2021, 1, 1), dec("-2")}}
                                       << QStringLiteral("xirr.one_sign");
        QTest::newRow("empty") << QList<CashFlowAt>{} << QStringLiteral("xirr.one_sign");
        // 100 - 50 v + 100 v^2 has no real root.
        QTest::newRow("no root") << QList<CashFlowAt>{{QDate(2020, 1, 1), dec("100")},
                                                      {QDate(2020, 12, 31), dec("-50")},
                                                      {QDate(2021, 12, 31), dec("100")}}
                                 << QStringLiteral("xirr.no_root");
        // -100 + 230 v - 132 v^2 = 0 at 10 % and 20 % (yearly steps of 365 days).
        QTest::newRow("two rates") << QList<CashFlowAt>{{QDate(2021, 1, 1), dec("-100")},
                                                        {QDate(2022, 1, 1), dec("230")},
                                                        {QDate(2023, 1, 1), dec("-132")}}
                                   << QStringLiteral("xirr.several_roots");
    }
    void xirrRefusals()
    {
        QFETCH(QList<CashFlowAt>, flows);
        QFETCH(QString, code);
        const auto r = Performance::xirr(flows);
        QVERIFY(!r);
        QCOMPARE(r.error().code, code);
    }

    // A worked example published with mathcelebrity.com's time-weighted rate
    // calculator: 100,000 on January 1 grows to 112,000 on March 1, then
    // 30,000 is added; 125,000 on August 1, then 42,000 is withdrawn; 100,000
    // on January 1 of the next year. Answer: 18.78 %. Flows count from the
    // start of the day after each valuation, which is the example's
    // "immediately after".
    void twrPublishedExample()
    {
        const QList<DailyValue> values{{QDate(2021, 1, 1), dec("100000")}, {QDate(2021, 3, 1), dec("112000")},
                                       {QDate(2021, 3, 2), dec("142000")}, {QDate(2021, 8, 1), dec("125000")},
                                       {QDate(2021, 8, 2), dec("83000")},  {QDate(2022, 1, 1), dec("100000")}};
        const QList<ExternalFlow> flows{{noon(QDate(2021, 3, 2)), dec("30000")},
                                        {noon(QDate(2021, 8, 2)), dec("-42000")}};
        const auto returns = returnsOf(values, flows);
        QCOMPARE(returns.size(), std::size_t(6));
        QCOMPARE(returns[0].value, 0.0); // the base: no money came in that day
        QCOMPARE(returns[2].value, 0.0);
        const auto twr = Performance::timeWeighted(returns);
        QCOMPARE(twr.from, QDate(2021, 1, 1));
        QCOMPARE(twr.days, qint64(365));
        QCOMPARE_NEAR(twr.total, 0.1878, 5e-5);
        QCOMPARE(twr.annualised, twr.total); // one year: not annualised
        // The money-weighted return of the same flows differs (the 30,000 came
        // in before a weaker stretch).
        const auto mwr = Performance::moneyWeighted(values, flows);
        QVERIFY(mwr);
        QVERIFY(std::abs(*mwr - twr.total) > 0.005);
    }

    // CFA Institute, CFA Program curriculum, Level I, Quantitative Methods,
    // the example of money- and time-weighted returns (as quoted in
    // analystforum.com/t/holding-period-return/121909): one share bought at
    // $200 at t = 0, a second at $225 at t = 1, both sold at $235 at t = 2, a
    // $5 dividend a share each year, not reinvested. Worked by hand: the
    // yearly holding-period returns are (225 + 5) / 200 - 1 = 15 % and
    // (470 + 10) / 450 - 1 = 6.67 %, so the time-weighted return is
    // 1.15 x 480 / 450 - 1 = 22.67 % over the two years, sqrt of that growth
    // = 10.76 % a year. The money-weighted return solves
    // -200 - 220 v + 480 v^2 = 0 (v = 1 / (1 + r)): v = (220 + sqrt(432400)) /
    // 960, r = 9.39 %.
    void cfaCurriculumTwrAndMwr()
    {
        // The portfolio is the share and the dividend cash until it is paid
        // out: 230 at the end of the first year; the next day the dividend
        // leaves (-5) and the second share's price comes in (+225).
        const QList<DailyValue> values{{QDate(2021, 1, 1), dec("200")},
                                       {QDate(2022, 1, 1), dec("230")},
                                       {QDate(2022, 1, 2), dec("450")},
                                       {QDate(2023, 1, 1), dec("480")}};
        const QList<ExternalFlow> flows{{noon(QDate(2021, 1, 1)), dec("200")}, {noon(QDate(2022, 1, 2)), dec("220")}};
        const auto returns = returnsOf(values, flows);
        QCOMPARE(returns.size(), std::size_t(4));
        QCOMPARE_NEAR(returns[1].value, 0.15, 1e-15);
        QCOMPARE_NEAR(returns[2].value, 0.0, 1e-15);
        QCOMPARE_NEAR(returns[3].value, 480.0 / 450.0 - 1.0, 1e-15);
        // From the close of the first day (the purchase) to the sale: two years.
        const auto twr = Performance::timeWeighted(returns, QDate(2021, 1, 1));
        QCOMPARE(twr.days, qint64(730));
        QCOMPARE_NEAR(twr.total, 1.15 * 480.0 / 450.0 - 1.0, 1e-14);
        QCOMPARE_NEAR(twr.total, 0.2267, 5e-5);
        QCOMPARE_NEAR(twr.annualised, std::sqrt(1.15 * 480.0 / 450.0) - 1.0, 1e-12);
        QCOMPARE_NEAR(twr.annualised, 0.10755, 1e-5); // 10.76 % to two places

        // The investor's own cash flows, a year of 365 days apart.
        const QList<CashFlowAt> investor{
            {QDate(2021, 1, 1), dec("-200")}, {QDate(2022, 1, 1), dec("-220")}, {QDate(2023, 1, 1), dec("480")}};
        const auto mwr = Performance::xirr(investor);
        QVERIFY(mwr);
        QCOMPARE_NEAR(*mwr, 960.0 / (220.0 + std::sqrt(432400.0)) - 1.0, 1e-10);
        QCOMPARE_NEAR(*mwr, 0.0939, 5e-5);
    }

    void noFlowsEqualsSimpleReturn()
    {
        for (quint32 seed = 1; seed <= 50; ++seed) {
            const QList<double> r = randomReturns(seed, 400);
            QList<DailyValue> values;
            double v = 1000.0;
            for (qsizetype i = 0; i < r.size(); ++i) {
                v *= 1.0 + r[i];
                values.append({QDate(2020, 1, 1).addDays(i), money(v)});
            }
            const auto returns = returnsOf(values);
            QRandomGenerator rng(seed + 1000);
            for (int k = 0; k < 10; ++k) {
                const int a = rng.bounded(400);
                const int b = a + rng.bounded(400 - a);
                const auto twr = Performance::timeWeighted(returns, values[a].date, values[b].date);
                const double simple = values[b].value.toDouble() / values[a].value.toDouble() - 1.0;
                QCOMPARE_NEAR(twr.total, simple, 1e-12);
                QCOMPARE(twr.days, qint64(b - a));
            }
            const auto figures = Performance::keyFigures(returns);
            QCOMPARE_NEAR(figures.totalReturn, values.back().value.toDouble() / values.front().value.toDouble() - 1.0,
                          1e-12);
        }
    }

    // Deposits and withdrawals change the value, never the time-weighted
    // figures: the same daily returns with and without flows.
    void flowsDoNotMoveKeyFigures()
    {
        for (quint32 seed = 1; seed <= 40; ++seed) {
            const QList<double> r = randomReturns(seed, 500);
            QRandomGenerator rng(seed * 7);
            QList<DailyValue> plain;
            QList<DailyValue> withFlows;
            QList<ExternalFlow> flows;
            double a = 1000.0;
            double b = 1000.0;
            for (qsizetype i = 0; i < r.size(); ++i) {
                const QDate day = QDate(2019, 6, 1).addDays(i);
                double flow = 0.0;
                if (i > 0 && rng.bounded(10) == 0)
                    flow = rng.bounded(3) == 0 ? -0.4 * b : 5000.0 * rng.generateDouble();
                flow = money(flow).toDouble();
                if (flow != 0.0)
                    flows.append({noon(day), money(flow)});
                a *= i > 0 ? 1.0 + r[i] : 1.0;
                b = i > 0 ? (b + flow) * (1.0 + r[i]) : b;
                plain.append({day, money(a)});
                withFlows.append({day, money(b)});
            }
            const auto x = Performance::keyFigures(returnsOf(plain));
            const auto y = Performance::keyFigures(returnsOf(withFlows, flows));
            QVERIFY(!flows.isEmpty());
            QCOMPARE_NEAR(y.totalReturn, x.totalReturn, 1e-9);
            QCOMPARE_NEAR(y.cagr, x.cagr, 1e-9);
            QCOMPARE_NEAR(y.volatility, x.volatility, 1e-9);
            QCOMPARE_NEAR(y.sharpe, x.sharpe, 1e-8);
            QCOMPARE_NEAR(y.sortino, x.sortino, 1e-8);
            QCOMPARE_NEAR(y.maxDrawdown, x.maxDrawdown, 1e-9);
            // ...while the plain value return is moved by them.
            QVERIFY(std::abs(withFlows.back().value.toDouble() / withFlows.front().value.toDouble()
                             - plain.back().value.toDouble() / plain.front().value.toDouble())
                    > 1e-3);
        }
    }

    // The first deposit counts from the start of its day: the day's return is
    // measured on it, and the index starts the day before.
    void firstDayReturn()
    {
        const QList<DailyValue> values{{QDate(2024, 1, 10), dec("1100")}, {QDate(2024, 1, 11), dec("1210")}};
        const auto returns = returnsOf(values, {{noon(QDate(2024, 1, 10)), dec("1000")}});
        QCOMPARE_NEAR(returns[0].value, 0.1, 1e-15);
        const auto twr = Performance::timeWeighted(returns);
        QCOMPARE(twr.from, QDate(2024, 1, 9));
        QCOMPARE_NEAR(twr.total, 0.21, 1e-15);
        const auto index = Performance::index(returns);
        QCOMPARE(index.size(), std::size_t(3));
        QCOMPARE(index[0].value, 1.0);
        QCOMPARE_NEAR(index[2].value, 1.21, 1e-15);
        // A flow before the first valuation belongs to its first day.
        const auto early = returnsOf(values, {{noon(QDate(2024, 1, 1)), dec("1000")}});
        QCOMPARE_NEAR(early[0].value, 0.1, 1e-15);
    }

    // Everything withdrawn after a rise: the start capital is not positive, so
    // the day falls back to counting the flow at the close.
    void fullWithdrawal()
    {
        const QList<DailyValue> values{
            {QDate(2024, 1, 1), dec("1000")}, {QDate(2024, 1, 2), dec("0")}, {QDate(2024, 1, 3), dec("0")}};
        const auto returns = returnsOf(values, {{noon(QDate(2024, 1, 2)), dec("-1050")}});
        QVERIFY(returns[1].endOfDayFlow);
        QCOMPARE_NEAR(returns[1].value, 0.05, 1e-15);
        QCOMPARE(returns[2].value, 0.0);
        QVERIFY(!returns[2].endOfDayFlow);
    }

    void unsortedValuesRefused()
    {
        const auto r = Performance::dailyReturns({{QDate(2024, 1, 2), dec("1")}, {QDate(2024, 1, 2), dec("1")}}, {});
        QVERIFY(!r);
        QCOMPARE(r.error().code, QStringLiteral("performance.unsorted"));
        QVERIFY(r.error().message.contains(QStringLiteral("2024-01-02")));
    }

    void annualisedBeyondAYear()
    {
        QList<DailyValue> values;
        for (int i = 0; i <= 730; ++i)
            values.append({QDate(2020, 1, 1).addDays(i), money(100.0 * std::pow(1.21, i / 730.0))});
        const auto twr = Performance::timeWeighted(returnsOf(values));
        QCOMPARE(twr.days, qint64(730));
        QCOMPARE_NEAR(twr.total, 0.21, 1e-8);
        QCOMPARE_NEAR(twr.annualised, 0.1, 1e-8);
        const auto half = Performance::timeWeighted(returnsOf(values), QDate(2020, 1, 1), QDate(2020, 12, 31));
        QCOMPARE(half.annualised, half.total);
    }

    void monthlyTable()
    {
        QList<DailyValue> values;
        const QList<double> levels{100, 110, 99, 120, 132, 66, 99};
        // Jan 30, Jan 31, Feb 1, Feb 28, Mar 1, Mar 2, Apr 1
        const QList<QDate> days{QDate(2023, 1, 30), QDate(2023, 1, 31), QDate(2023, 2, 1), QDate(2023, 2, 28),
                                QDate(2023, 3, 1),  QDate(2023, 3, 2),  QDate(2023, 4, 1)};
        for (qsizetype i = 0; i < days.size(); ++i)
            values.append({days[i], money(levels[i])});
        const auto returns = returnsOf(values);
        const auto months = Performance::monthly(returns);
        QCOMPARE(months.size(), 4);
        QCOMPARE(months[0].month, 1);
        QCOMPARE_NEAR(months[0].value, 0.1, 1e-15); // 100 -> 110
        QCOMPARE(months[0].days, 1);
        QCOMPARE_NEAR(months[1].value, 120.0 / 110.0 - 1.0, 1e-15);
        QCOMPARE_NEAR(months[2].value, 66.0 / 120.0 - 1.0, 1e-15);
        QCOMPARE_NEAR(months[3].value, 0.5, 1e-15);
        QCOMPARE(months[3].month, 4);
        double chained = 1.0;
        for (const auto &m : months)
            chained *= 1.0 + m.value;
        QCOMPARE_NEAR(chained - 1.0, Performance::timeWeighted(returns).total, 1e-14);
    }

    void drawdownPeriods()
    {
        QList<DailyValue> values;
        const QList<double> levels{100, 120, 90, 100, 130, 110, 117};
        for (qsizetype i = 0; i < levels.size(); ++i)
            values.append({QDate(2024, 5, 1).addDays(i), money(levels[i])});
        const auto periods = Performance::drawdowns(returnsOf(values));
        QCOMPARE(periods.size(), 2);
        QCOMPARE(periods[0].start, QDate(2024, 5, 2));
        QCOMPARE(periods[0].trough, QDate(2024, 5, 3));
        QCOMPARE(periods[0].recovery, std::optional<QDate>(QDate(2024, 5, 5)));
        QCOMPARE_NEAR(periods[0].depth, 0.25, 1e-12);
        QCOMPARE(periods[0].lengthDays, qint64(3));
        QCOMPARE(periods[1].start, QDate(2024, 5, 5));
        QCOMPARE(periods[1].trough, QDate(2024, 5, 6));
        QVERIFY(!periods[1].recovery);
        QCOMPARE_NEAR(periods[1].depth, 1.0 - 110.0 / 130.0, 1e-12);
        QCOMPARE(periods[1].lengthDays, qint64(2));
        // The deepest agrees with Metrics on the same index.
        QCOMPARE_NEAR(Performance::keyFigures(returnsOf(values)).maxDrawdown, 0.25, 1e-12);
    }

    void moneyWeightedSimple()
    {
        const QList<DailyValue> values{{QDate(2021, 1, 1), dec("1000")}, {QDate(2022, 1, 1), dec("1100")}};
        const QList<ExternalFlow> flows{{noon(QDate(2021, 1, 1)), dec("1000")}};
        const auto r = Performance::moneyWeighted(values, flows);
        QVERIFY(r);
        QCOMPARE_NEAR(*r, 0.1, 1e-12);
        // From the first close on, the opening value stands in for the deposit.
        QCOMPARE_NEAR(*Performance::moneyWeighted(values, flows, QDate(2021, 1, 1)), 0.1, 1e-12);
    }

    void dailySeriesFromTransactions()
    {
        const QString usdt = QStringLiteral("USDT");
        const QString btc = QStringLiteral("BTC");
        const QString eth = QStringLiteral("ETH");
        QList<Transaction> txs;
        const auto add = [&](TransactionKind kind, const QDateTime &t, const QString &asset, const char *qty,
                             const char *price) -> Transaction & {
            Transaction tx;
            tx.id = txs.size() + 1;
            tx.kind = kind;
            tx.time = t;
            tx.accountId = 1;
            tx.asset = asset;
            tx.quantity = dec(qty);
            tx.price = dec(price);
            txs.append(tx);
            return txs.back();
        };
        add(TransactionKind::Deposit, noon(QDate(2024, 3, 1)), usdt, "1000", "0");
        auto &buy = add(TransactionKind::Trade, noon(QDate(2024, 3, 1)).addSecs(60), btc, "0.01", "50000");
        buy.quote = usdt;
        add(TransactionKind::Deposit, noon(QDate(2024, 3, 2)), eth, "1", "0"); // valued at the day's close
        add(TransactionKind::Withdrawal, noon(QDate(2024, 3, 4)), usdt, "100", "0");
        add(TransactionKind::Deposit, noon(QDate(2024, 3, 4)), QStringLiteral("XYZ"), "5", "0"); // never priced
        const auto price = [&](const QString &asset, QDate day) -> std::optional<Decimal> {
            if (asset == btc && day != QDate(2024, 3, 3))
                return day == QDate(2024, 3, 1) ? dec("50000") : dec("52000");
            if (asset == eth)
                return dec("3000");
            return std::nullopt;
        };
        const auto series = Performance::buildDailySeries(txs, usdt, price, QDate(2024, 3, 5));
        QVERIFY(series);
        QCOMPARE(series->values.size(), 5);
        QCOMPARE(series->values[0], (DailyValue{QDate(2024, 3, 1), dec("1000")}));
        QCOMPARE(series->values[1].value, dec("4020")); // 500 + 0.01 x 52,000 + 3,000
        QCOMPARE(series->values[2].value, dec("4020")); // BTC carried from 3/2
        QCOMPARE(series->values[3].value, dec("3920"));
        QCOMPARE(series->netInvested[0].value, dec("1000"));
        QCOMPARE(series->netInvested[1].value, dec("4000"));
        QCOMPARE(series->netInvested[4].value, dec("3900")); // XYZ came in at no known value
        QCOMPARE(series->flows.size(), 4);
        QCOMPARE(series->flows[1].amount, dec("3000"));
        QCOMPARE(series->flows[2].amount, dec("-100"));
        const QList<MissingPrice> expected{{QDate(2024, 3, 3), btc, true},
                                           {QDate(2024, 3, 4), QStringLiteral("XYZ"), false},
                                           {QDate(2024, 3, 5), QStringLiteral("XYZ"), false}};
        QCOMPARE(series->missing, expected);
        // The ETH deposit is not a return: day 2 gains only BTC's 20.
        const auto returns = returnsOf(series->values, series->flows);
        QCOMPARE_NEAR(returns[1].value, 4020.0 / 4000.0 - 1.0, 1e-15);
    }

    // Generated ledgers with one opening deposit and then only trades (fees
    // in the quote), income and fee transactions: none of them is a flow, so
    // the time-weighted return from the first day's close to any later
    // day's close is the simple return of the value between them.
    void noFlowsTwrEqualsValueReturnOnGeneratedLedgers()
    {
        const QString quote = QStringLiteral("USDT");
        const QStringList assets = {QStringLiteral("BTC"), QStringLiteral("ETH"), QStringLiteral("SOL")};
        constexpr int kDays = 150;
        const QDate start(2022, 3, 1);
        for (quint32 seed = 1; seed <= 25; ++seed) {
            QRandomGenerator rng(seed);
            // Daily closes at 4 decimals, a random walk per asset.
            QHash<QString, QList<Decimal>> closes;
            for (const QString &asset : assets) {
                double price = 50.0 + rng.bounded(5000);
                for (int d = 0; d < kDays; ++d) {
                    price *= 1.0 + (rng.generateDouble() - 0.48) * 0.08;
                    closes[asset].append(Decimal::fromDouble(price, 4).valueOr(Decimal::fromInt(1)));
                }
            }
            const auto close = [&](const QString &asset, QDate day) -> std::optional<Decimal> {
                if (asset == quote)
                    return Decimal::fromInt(1);
                const qint64 d = start.daysTo(day);
                if (d < 0 || d >= kDays)
                    return std::nullopt;
                return closes.value(asset).at(d);
            };
            QList<Transaction> txs;
            qint64 id = 0;
            const auto make = [&](TransactionKind kind, int day, int minute, const QString &asset) {
                Transaction tx;
                tx.id = ++id;
                tx.kind = kind;
                tx.accountId = 1;
                tx.asset = asset;
                tx.time = QDateTime(start.addDays(day), QTime(0, 0), QTimeZone::utc()).addSecs(60 * (minute + 1));
                return tx;
            };
            Transaction deposit = make(TransactionKind::Deposit, 0, 0, quote);
            deposit.quantity = Decimal::fromInt(100000);
            deposit.price = Decimal::fromInt(1);
            txs.append(deposit);
            QHash<QString, Decimal> held{{quote, deposit.quantity}};
            for (int day = 1; day < kDays; ++day) {
                const int count = rng.bounded(4);
                for (int k = 0; k < count; ++k) {
                    const QString asset = assets[rng.bounded(static_cast<int>(assets.size()))];
                    const Decimal price = *close(asset, start.addDays(day));
                    const int roll = rng.bounded(10);
                    if (roll < 6) { // a trade, with a fee in the quote
                        Transaction tx = make(TransactionKind::Trade, day, k, asset);
                        tx.quote = quote;
                        tx.price = price;
                        const bool buy = rng.bounded(2) == 0 || !held.value(asset).isPositive();
                        tx.side = buy ? ballast::domain::Side::Buy : ballast::domain::Side::Sell;
                        const double budget = buy ? held.value(quote).toDouble() * 0.2 / price.toDouble()
                                                  : held.value(asset).toDouble() * 0.5;
                        tx.quantity = Decimal::fromDouble(budget, 6, RoundingMode::Down).valueOr(Decimal());
                        tx.fee = (tx.tradeQuote() * dec("0.001")).rounded(8);
                        tx.feeAsset = quote;
                        if (!tx.quantity.isPositive()
                            || held.value(quote) < tx.fee + (buy ? tx.tradeQuote() : Decimal()))
                            continue;
                        held[asset] += buy ? tx.quantity : -tx.quantity;
                        held[quote] += (buy ? -tx.tradeQuote() : tx.tradeQuote()) - tx.fee;
                        txs.append(tx);
                    } else if (roll < 8) { // staking income, valued at the close
                        Transaction tx = make(TransactionKind::Income, day, k, asset);
                        tx.subkind = QStringLiteral("staking");
                        tx.quantity = dec("0.01");
                        tx.price = price;
                        held[asset] += tx.quantity;
                        txs.append(tx);
                    } else if (held.value(asset).isPositive()) { // a network fee paid in the asset
                        Transaction tx = make(TransactionKind::Fee, day, k, asset);
                        tx.quantity = (held.value(asset) * dec("0.001")).rounded(8);
                        tx.price = price;
                        if (!tx.quantity.isPositive())
                            continue;
                        held[asset] -= tx.quantity;
                        txs.append(tx);
                    }
                }
            }
            const auto series = Performance::buildDailySeries(txs, quote, close, start.addDays(kDays - 1));
            QVERIFY2(series, qPrintable(QStringLiteral("seed %1").arg(seed)));
            QCOMPARE(series->flows.size(), 1); // the opening deposit only
            QVERIFY(series->missing.isEmpty());
            const auto returns = Performance::dailyReturns(series->values, series->flows);
            QVERIFY(returns);
            const QList<DailyValue> &v = series->values;
            for (const int to : {10, 75, kDays - 1}) {
                const auto twr = Performance::timeWeighted(*returns, v.front().date, v[to].date);
                const double simple = v[to].value.toDouble() / v.front().value.toDouble() - 1.0;
                QVERIFY2(near(twr.total, simple, 1e-12, "twr"),
                         qPrintable(QStringLiteral("seed %1, day %2: TWR %3, value return %4")
                                        .arg(seed)
                                        .arg(to)
                                        .arg(twr.total, 0, 'g', 17)
                                        .arg(simple, 0, 'g', 17)));
            }
        }
    }

    // On random ledgers the last day's value equals the open lots valued at
    // the same closes, and no price is missing.
    void seriesMatchesLots()
    {
        for (quint32 seed = 1; seed <= 15; ++seed) {
            RandomHistoryOptions o;
            o.seed = seed;
            o.transactions = 200;
            o.days = 120;
            const RandomHistory history(o);
            const auto price = [&history](const QString &asset, QDate day) { return history.close(asset, day); };
            const auto series =
                Performance::buildDailySeries(history.transactions(), RandomHistory::quote(), price, history.lastDay());
            QVERIFY(series);
            QVERIFY(series->missing.isEmpty());
            QCOMPARE(series->values.back().date, history.lastDay());
            CostBasisOptions options;
            options.quoteAsset = RandomHistory::quote();
            options.priceAt = [&history](const QString &asset, const QDateTime &t) {
                return history.close(asset, t.toUTC().date());
            };
            const auto lots = ballast::analytics::computeCostBasis(history.transactions(), options);
            QVERIFY(lots);
            const auto report =
                ballast::analytics::unrealizedPnl(lots->openLots, history.lastCloses(), RandomHistory::quote());
            QCOMPARE(series->values.back().value, report.value);
            const auto returns = Performance::dailyReturns(series->values, series->flows);
            QVERIFY(returns);
            QCOMPARE(returns->size(), std::size_t(series->values.size()));
        }
    }
};

QTEST_GUILESS_MAIN(TestPerformance)
#include "tst_performance.moc"
