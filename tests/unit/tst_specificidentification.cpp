// Specific identification end to end: a plan's sell line names its lots, the
// paper exchange executes it, the fill books a sale that takes exactly those
// lots, and the gains report (PerformanceService, what the Gains page and the
// `gains` CLI show) matches the plan. A real SQLite file; the paper exchange.
#include "exchange/paperexchange.h"
#include "services/ledger.h"
#include "services/performanceservice.h"
#include "services/planservice.h"
#include "services/transactionservice.h"
#include "storage/lotassignmentrepo.h"
#include "storage/marketrepo.h"
#include "testsupport.h"

#include <QTest>
#include <QTimeZone>

using ballast::analytics::LotSelection;
using ballast::domain::Side;
using ballast::domain::Transaction;
using ballast::domain::TransactionKind;
using ballast::money::dec;
using ballast::money::Decimal;
using ballast::rebalance::RebalancePlan;
using ballast::services::PlanService;
using ballast::storage::LotShare;

namespace {

constexpr qint64 kNow = 1763683200000; // 2025-11-21T00:00Z

QDateTime at(const char *iso)
{
    QDateTime time = QDateTime::fromString(QString::fromLatin1(iso), Qt::ISODate);
    time.setTimeZone(QTimeZone::utc());
    return time;
}

/// A paper account holding BTC bought in three lots and ETH in one, all
/// priced at 100 now; targets 10 % BTC, 10 % ETH, 80 % cash.
///   #2 A 1 BTC 2023-01-01 at  20
///   #3 B 1 BTC 2025-06-01 at 130
///   #4 C 1 BTC 2025-09-01 at  90
struct Fixture
{
    ballast::test::TempDatabase temp;
    qint64 now = kNow;
    qint64 accountId = 0;
    std::unique_ptr<ballast::exchange::PaperExchange> paper;
    ballast::Clock clock = [this] { return now; };
    QList<qint64> lotIds;

    /// @p exchangeAccount: an exchange account (its markets as stored by a
    /// sync, so that a test can list a direct pair) instead of a paper one.
    explicit Fixture(bool exchangeAccount = false)
    {
        ballast::services::Ledger ledger(temp.db(), clock);
        QVERIFY(ledger.init(QStringLiteral("Main"), QStringLiteral("USDT")).ok());
        accountId = exchangeAccount ? ledger
                                          .addAccount(QStringLiteral("exchange"), QStringLiteral("binance"),
                                                      QStringLiteral("http://127.0.0.1:9"))
                                          ->id
                                    : ledger.addAccount(QStringLiteral("paper"), QStringLiteral("paper"))->id;
        paper = std::make_unique<ballast::exchange::PaperExchange>(temp.db(), accountId, QStringLiteral("USDT"), clock);
        QVERIFY(paper->setConfig({10, 10, 0}).ok()); // 0.1 % fees, no slippage
        ballast::services::TransactionService transactions(temp.db(), clock);
        Transaction deposit;
        deposit.kind = TransactionKind::Deposit;
        deposit.time = at("2022-12-01T00:00:00");
        deposit.accountId = accountId;
        deposit.asset = QStringLiteral("USDT");
        deposit.quantity = dec("1000");
        deposit.price = dec("1");
        QVERIFY(transactions.add(deposit).ok());
        for (const auto &[asset, time, price] :
             {std::tuple{"BTC", "2023-01-01T00:00:00", "20"}, std::tuple{"BTC", "2025-06-01T00:00:00", "130"},
              std::tuple{"BTC", "2025-09-01T00:00:00", "90"}, std::tuple{"ETH", "2024-01-01T00:00:00", "100"}}) {
            Transaction buy;
            buy.kind = TransactionKind::Trade;
            buy.side = Side::Buy;
            buy.time = at(time);
            buy.accountId = accountId;
            buy.asset = QString::fromLatin1(asset);
            buy.quote = QStringLiteral("USDT");
            buy.quantity = dec("1");
            buy.price = dec(price);
            auto added = transactions.add(buy);
            QVERIFY2(added.ok(), added ? "" : qPrintable(added.error().message));
            lotIds.append(added->id);
        }
        QVERIFY(ledger
                    .setPrices(
                        {{QStringLiteral("BTC"), QStringLiteral("USDT"),
                          QDateTime::fromMSecsSinceEpoch(now, QTimeZone::utc()), dec("100"), QStringLiteral("manual")},
                         {QStringLiteral("ETH"), QStringLiteral("USDT"),
                          QDateTime::fromMSecsSinceEpoch(now, QTimeZone::utc()), dec("100"), QStringLiteral("manual")}})
                    .ok());
        QVERIFY(ledger
                    .setTargets({},
                                {{QStringLiteral("BTC"), dec("0.1"), {}},
                                 {QStringLiteral("ETH"), dec("0.1"), {}},
                                 {QStringLiteral("USDT"), dec("0.8"), {}}},
                                ballast::domain::Band{ballast::domain::Band::Kind::Absolute, 0.02})
                    .ok());
    }
    PlanService service()
    {
        return PlanService(temp.db(), clock, [this](qint64 ms) { now += ms; });
    }
};

/// The paper exchange of one account with a second quote: orders on the
/// markets quoted in @c cross go to a paper exchange quoted in it (the same
/// account: the same balances and orders), the rest to the USDT one, so that
/// an execution can trade a direct pair such as ETH/BTC.
class TwoQuotePaper final : public ballast::exchange::Exchange
{
public:
    TwoQuotePaper(ballast::exchange::Exchange &cash, ballast::exchange::Exchange &cross, QString crossQuote)
        : m_cash(cash)
        , m_cross(cross)
        , m_crossQuote(std::move(crossQuote))
    {
    }

    [[nodiscard]] QString id() const override { return m_cash.id(); }
    [[nodiscard]] bool isSimulated() const override { return m_cash.isSimulated(); }
    ballast::exchange::ExResult<qint64> fetchTime() override { return m_cash.fetchTime(); }
    ballast::exchange::ExResult<QList<ballast::exchange::MarketRules>> fetchMarkets() override
    {
        auto markets = m_cash.fetchMarkets();
        auto cross = m_cross.fetchMarkets();
        if (!markets)
            return markets;
        if (!cross)
            return cross;
        return *markets + *cross;
    }
    ballast::exchange::ExResult<QList<ballast::exchange::Balance>> fetchBalances() override
    {
        return m_cash.fetchBalances();
    }
    ballast::exchange::ExResult<ballast::exchange::Ticker> fetchTicker(const QString &symbol) override
    {
        return of(symbol).fetchTicker(symbol);
    }
    ballast::exchange::ExResult<ballast::domain::Order>
    createOrder(const ballast::exchange::OrderRequest &request) override
    {
        return of(request.symbol).createOrder(request);
    }
    ballast::exchange::ExResult<ballast::domain::Order>
    validateOrder(const ballast::exchange::OrderRequest &request) override
    {
        return of(request.symbol).validateOrder(request);
    }
    ballast::exchange::ExResult<ballast::domain::Order> fetchOrder(const QString &symbol,
                                                                   const QString &clientOrderId) override
    {
        return of(symbol).fetchOrder(symbol, clientOrderId);
    }
    ballast::exchange::ExResult<ballast::domain::Order> cancelOrder(const QString &symbol,
                                                                    const QString &clientOrderId) override
    {
        return of(symbol).cancelOrder(symbol, clientOrderId);
    }
    ballast::exchange::ExResult<QList<ballast::domain::Order>> fetchOpenOrders(const QString &symbol) override
    {
        return of(symbol).fetchOpenOrders(symbol);
    }
    ballast::exchange::ExResult<QList<ballast::domain::Fill>> fetchFills(const QString &symbol, qint64 sinceMs) override
    {
        return of(symbol).fetchFills(symbol, sinceMs);
    }
    ballast::exchange::ExResult<QList<ballast::domain::Fill>>
    fetchOrderFills(const QString &symbol, const QString &clientOrderId, const QString &exchangeOrderId) override
    {
        return of(symbol).fetchOrderFills(symbol, clientOrderId, exchangeOrderId);
    }

private:
    ballast::exchange::Exchange &of(const QString &symbol)
    {
        return symbol.endsWith(QLatin1Char('/') + m_crossQuote) ? m_cross : m_cash;
    }

    ballast::exchange::Exchange &m_cash;
    ballast::exchange::Exchange &m_cross;
    QString m_crossQuote;
};

} // namespace

class TestSpecificIdentification : public QObject
{
    Q_OBJECT

private slots:
    // HIFO picks B (130) then C (90); the portfolio's FIFO would have taken A
    // (20) and shown a gain of about 80 per BTC. After execution the gains
    // report takes B and C as planned and its gain equals the plan's.
    void gainsReportMatchesThePlan()
    {
        Fixture f;
        ballast::rebalance::PlanConstraints constraints;
        constraints.tax.lotSelection = LotSelection::Hifo;
        auto plan = f.service().propose({}, {}, constraints);
        QVERIFY2(plan.ok(), plan ? "" : qPrintable(plan.error().message));
        const ballast::rebalance::PlannedOrder *sell = nullptr;
        for (const auto &order : plan->orders) {
            if (order.side == Side::Sell && order.base == QLatin1String("BTC"))
                sell = &order;
        }
        QVERIFY(sell);
        QVERIFY(sell->quantity > dec("1")); // BTC 300 of 1,060 against a 10 % target: B whole and part of C
        QCOMPARE(sell->lots.size(), 2);
        QCOMPARE(sell->lots[0].lotTransactionId, f.lotIds[1]);
        QCOMPARE(sell->lots[0].quantity, dec("1"));
        QCOMPARE(sell->lots[1].lotTransactionId, f.lotIds[2]);
        QCOMPARE(sell->lots[1].quantity, sell->quantity - dec("1"));

        ballast::execution::ExecutionOptions options;
        options.pollIntervalMs = 10;
        auto summary = f.service().execute(plan->id, options, [&f](qint64) { return f.paper.get(); });
        QVERIFY2(summary.ok(), summary ? "" : qPrintable(summary.error().message));

        ballast::services::PerformanceService performance(f.temp.db(), f.clock);
        QCOMPARE(*performance.costMethod(), ballast::analytics::CostMethod::Fifo);
        auto gains = performance.gains(at("2025-11-20T00:00:00"), at("2025-11-22T00:00:00"));
        QVERIFY2(gains.ok(), gains ? "" : qPrintable(gains.error().message));
        QList<ballast::analytics::Disposal> sales;
        for (const auto &disposal : gains->disposals) {
            if (disposal.asset == QLatin1String("BTC"))
                sales.append(disposal);
        }
        QCOMPARE(sales.size(), 2);
        for (int i = 0; i < 2; ++i) {
            QCOMPARE(sales[i].lotTransactionId, sell->lots[i].lotTransactionId);
            QCOMPARE(sales[i].quantity, sell->lots[i].quantity);
            QCOMPARE(sales[i].cost, sell->lots[i].cost);
            QCOMPARE(sales[i].gain, sell->lots[i].gain);
        }
        QCOMPARE(gains->shortTermGain, sell->shortTermGain);
        // A stays open: the lots report still holds the 2023 lot whole.
        auto lots = performance.openLots();
        QVERIFY(lots.ok());
        bool oldLotWhole = false;
        for (const auto &lot : *lots)
            oldLotWhole = oldLotWhole || (lot.transactionId == f.lotIds[0] && lot.quantity == dec("1"));
        QVERIFY(oldLotWhole);
    }

    void directPairTakesThePlannedLots_data()
    {
        QTest::addColumn<QString>("market");
        QTest::addColumn<bool>("buy");
        // A buy of ETH paid in BTC: the BTC given up is the quote, and the fee is in it too.
        QTest::newRow("buy ETH on ETH/BTC") << QStringLiteral("ETH/BTC") << true;
        // A sale of BTC for ETH: the BTC given up is the base.
        QTest::newRow("sell BTC on BTC/ETH") << QStringLiteral("BTC/ETH") << false;
    }

    // Targets 10 % BTC, 28 % ETH: about 194 of BTC goes to ETH. With a direct
    // pair cheaper than two trades through USDT, the plan trades BTC for ETH in
    // one order, and HIFO names lots B and C of the BTC given up. After the
    // paper execution the trade takes exactly those (FIFO would take A).
    void directPairTakesThePlannedLots()
    {
        QFETCH(QString, market);
        QFETCH(bool, buy);
        const Side side = buy ? Side::Buy : Side::Sell;
        Fixture f(true);
        const QString base = market.section(QLatin1Char('/'), 0, 0);
        const QString crossQuote = market.section(QLatin1Char('/'), 1, 1);
        const QDateTime now = QDateTime::fromMSecsSinceEpoch(f.now, QTimeZone::utc());
        // BTC and ETH are both at 100 USDT: the pair is at 1.
        QVERIFY(ballast::services::Ledger(f.temp.db(), f.clock)
                    .setPrices({{base, crossQuote, now, dec("1"), QStringLiteral("manual")}})
                    .ok());
        const ballast::exchange::PaperConfig config{10, 10, 0};
        QVERIFY(ballast::storage::MarketRepo(f.temp.db())
                    .replace(f.accountId,
                             {ballast::exchange::PaperExchange::defaultRules(
                                  QStringLiteral("BTC"), QStringLiteral("USDT"), dec("100"), config),
                              ballast::exchange::PaperExchange::defaultRules(
                                  QStringLiteral("ETH"), QStringLiteral("USDT"), dec("100"), config),
                              ballast::exchange::PaperExchange::defaultRules(base, crossQuote, dec("1"), config)},
                             f.now)
                    .ok());
        QVERIFY(f.paper
                    ->setBalances({{QStringLiteral("USDT"), dec("660"), {}},
                                   {QStringLiteral("BTC"), dec("3"), {}},
                                   {QStringLiteral("ETH"), dec("1"), {}}})
                    .ok());
        ballast::exchange::PaperExchange cross(f.temp.db(), f.accountId, crossQuote, f.clock);
        TwoQuotePaper exchange(*f.paper, cross, crossQuote);
        QVERIFY(ballast::services::Ledger(f.temp.db(), f.clock)
                    .setTargets({},
                                {{QStringLiteral("BTC"), dec("0.1"), {}},
                                 {QStringLiteral("ETH"), dec("0.28"), {}},
                                 {QStringLiteral("USDT"), dec("0.62"), {}}},
                                ballast::domain::Band{ballast::domain::Band::Kind::Absolute, 0.02})
                    .ok());

        ballast::rebalance::PlanConstraints constraints;
        constraints.tax.lotSelection = LotSelection::Hifo;
        auto plan = f.service().propose({}, {}, constraints);
        QVERIFY2(plan.ok(), plan ? "" : qPrintable(plan.error().message));
        const ballast::rebalance::PlannedOrder *pair = nullptr;
        for (const auto &order : plan->orders) {
            if (order.symbol == market)
                pair = &order;
        }
        QVERIFY(pair);
        QCOMPARE(pair->route, ballast::rebalance::RouteReason::DirectPair);
        QCOMPARE(pair->side, side);
        QCOMPARE(pair->disposedAsset, QStringLiteral("BTC"));
        const Decimal given = side == Side::Buy ? pair->notional + pair->fee : pair->quantity;
        QVERIFY2(given > dec("1.5"), qPrintable(given.toString()));
        QCOMPARE(pair->lots.size(), 2);
        QCOMPARE(pair->lots[0].lotTransactionId, f.lotIds[1]);
        QCOMPARE(pair->lots[0].quantity, dec("1"));
        QCOMPARE(pair->lots[1].lotTransactionId, f.lotIds[2]);
        QCOMPARE(pair->lots[1].quantity, given - dec("1"));

        ballast::execution::ExecutionOptions options;
        options.pollIntervalMs = 10;
        auto summary = f.service().execute(plan->id, options, [&exchange](qint64) { return &exchange; });
        QVERIFY2(summary.ok(), summary ? "" : qPrintable(summary.error().message));

        // The trade's lot assignment is the plan's lots.
        auto assigned = ballast::storage::LotAssignmentRepo(f.temp.db()).all();
        QVERIFY(assigned.ok());
        QList<LotShare> shares;
        for (const auto &list : std::as_const(*assigned))
            shares += list;
        QCOMPARE(shares, (QList<LotShare>{{f.lotIds[1], dec("1")}, {f.lotIds[2], given - dec("1")}}));

        // The gains report gives up B and C of BTC as planned (the fee paid in
        // BTC included), and A stays whole.
        ballast::services::PerformanceService performance(f.temp.db(), f.clock);
        auto gains = performance.gains(at("2025-11-20T00:00:00"), at("2025-11-22T00:00:00"));
        QVERIFY2(gains.ok(), gains ? "" : qPrintable(gains.error().message));
        QHash<qint64, Decimal> taken;
        for (const auto &disposal : gains->disposals) {
            if (disposal.asset == QLatin1String("BTC"))
                taken[disposal.lotTransactionId] += disposal.quantity;
        }
        QCOMPARE(taken.size(), 2);
        QCOMPARE(taken.value(f.lotIds[1]), dec("1"));
        QCOMPARE(taken.value(f.lotIds[2]), given - dec("1"));
        auto lots = performance.openLots();
        QVERIFY(lots.ok());
        bool oldLotWhole = false;
        for (const auto &lot : *lots)
            oldLotWhole = oldLotWhole || (lot.transactionId == f.lotIds[0] && lot.quantity == dec("1"));
        QVERIFY(oldLotWhole);
    }

    // Two fills of one line: the first takes the planned lots in the plan's
    // order as far as it goes, the second what the first left.
    void partialFillsTakeThePlannedLotsInOrder()
    {
        Fixture f;
        ballast::storage::LotAssignmentRepo repo(f.temp.db());
        const QString order = QStringLiteral("PTEST-0");
        QVERIFY(repo.plan(order, {{f.lotIds[1], dec("0.5")}, {f.lotIds[2], dec("0.3")}}).ok());
        // Stored once: a resumed execution does not replace them.
        QVERIFY(repo.plan(order, {{f.lotIds[0], dec("0.8")}}).ok());
        QCOMPARE(repo.planned(order)->size(), 2);
        ballast::services::TransactionService transactions(f.temp.db(), f.clock);
        QList<qint64> sales;
        for (const char *quantity : {"0.6", "0.3"}) {
            Transaction sale;
            sale.kind = TransactionKind::Trade;
            sale.side = Side::Sell;
            sale.time = QDateTime::fromMSecsSinceEpoch(f.now, QTimeZone::utc());
            sale.accountId = f.accountId;
            sale.asset = QStringLiteral("BTC");
            sale.quote = QStringLiteral("USDT");
            sale.quantity = dec(quantity);
            sale.price = dec("100");
            auto added = transactions.add(sale);
            QVERIFY(added.ok());
            sales.append(added->id);
            f.now += 1000;
        }
        auto first = repo.assignFill(order, sales[0], dec("0.6"));
        QCOMPARE(*first, (QList<LotShare>{{f.lotIds[1], dec("0.5")}, {f.lotIds[2], dec("0.1")}}));
        // 0.3 more, but only 0.2 of the planned lots is left: the rest goes by the method.
        auto second = repo.assignFill(order, sales[1], dec("0.3"));
        QCOMPARE(*second, (QList<LotShare>{{f.lotIds[2], dec("0.2")}}));
        // The gains report follows: B 0.5 and C 0.1, then C 0.2 and 0.1 of A by FIFO.
        auto gains = ballast::services::PerformanceService(f.temp.db(), f.clock)
                         .gains(at("2025-11-20T00:00:00"), at("2025-11-22T00:00:00"));
        QVERIFY(gains.ok());
        QStringList taken;
        for (const auto &disposal : gains->disposals) {
            if (disposal.asset == QLatin1String("BTC"))
                taken.append(QString::number(disposal.lotTransactionId) + QLatin1Char(':')
                             + disposal.quantity.toString());
        }
        QCOMPARE(taken,
                 (QStringList{QStringLiteral("%1:0.5").arg(f.lotIds[1]), QStringLiteral("%1:0.1").arg(f.lotIds[2]),
                              QStringLiteral("%1:0.2").arg(f.lotIds[2]), QStringLiteral("%1:0.1").arg(f.lotIds[0])}));
    }
};

QTEST_GUILESS_MAIN(TestSpecificIdentification)
#include "tst_specificidentification.moc"
