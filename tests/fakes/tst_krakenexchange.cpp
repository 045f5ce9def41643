// The real Kraken connector against FakeKraken over loopback: every endpoint,
// legacy asset codes, the AssetPairs rules, orders under cl_ord_id with a
// deadline, fills with fees, and the mapping of every error and fault.

#include "exchange/krakenexchange.h"
#include "fakekraken.h"

#include <QDateTime>
#include <QNetworkAccessManager>
#include <QTest>

#include <memory>

using ballast::domain::OrderStatus;
using ballast::domain::OrderType;
using ballast::domain::Side;
using ballast::exchange::ExchangeError;
using ballast::exchange::ExResult;
using ballast::exchange::KrakenConfig;
using ballast::exchange::KrakenExchange;
using ballast::exchange::MarketRules;
using ballast::exchange::OrderRequest;
using ballast::money::dec;
using ballast::money::Decimal;
using ballast::test::fake::BookFill;
using ballast::test::fake::BookOrder;
using ballast::test::fake::FakeEndpoint;
using ballast::test::fake::FakeKraken;
using ballast::test::fake::FaultKind;
using ballast::test::fake::FaultRule;
using Kind = ExchangeError::Kind;

namespace {

template<typename T>
QString why(const ExResult<T> &result)
{
    return result.ok() ? QString() : result.error().message();
}

template<typename T>
QString kindOf(const ExResult<T> &result)
{
    return result.ok() ? QStringLiteral("ok") : ExchangeError::kindName(result.error().kind);
}

// Evaluates its argument once (QVERIFY2's message is evaluated even on success).
#define CHECK_OK(expression)                                                                                           \
    do {                                                                                                               \
        const auto &checked_ = (expression);                                                                           \
        QVERIFY2(checked_.ok(), qPrintable(why(checked_)));                                                            \
    } while (false)
#define CHECK_KIND(result, expected) QCOMPARE(kindOf(result), ExchangeError::kindName(expected))

/// A fresh fake and a connector pointed at it; sleeps are recorded, not slept.
struct Setup
{
    FakeKraken fake;
    QNetworkAccessManager network;
    std::unique_ptr<KrakenExchange> exchange;
    QList<qint64> sleeps;
    quint64 nonce = static_cast<quint64>(QDateTime::currentMSecsSinceEpoch()) * 1000;

    Setup()
    {
        if (!fake.listenLocal())
            qFatal("cannot listen");
        fake.setRateLimit(1000, 100);
        KrakenConfig config;
        config.baseUrl = fake.baseUrl();
        config.apiKey = FakeKraken::docsApiKey().toLatin1();
        config.secret = FakeKraken::docsSecret();
        config.timeoutMs = 1500;
        config.callCapacity = 1000;
        config.callDecayPerSecond = 100;
        exchange = std::make_unique<KrakenExchange>(
            &network, config, [this] { return ++nonce; }, ballast::systemClock(),
            [this](qint64 ms) { sleeps.append(ms); });
    }
    static OrderRequest market(const char *symbol, Side side, const char *qty, const char *clientId)
    {
        return OrderRequest{QString::fromLatin1(symbol),   side, OrderType::Market, dec(qty), {},
                            QString::fromLatin1(clientId), 0};
    }
    static OrderRequest limit(const char *symbol, Side side, const char *qty, const char *price, const char *clientId)
    {
        return OrderRequest{QString::fromLatin1(symbol),   side, OrderType::Limit, dec(qty), dec(price),
                            QString::fromLatin1(clientId), 0};
    }
};

const MarketRules *find(const QList<MarketRules> &markets, const QString &symbol)
{
    for (const auto &market : markets) {
        if (market.symbol == symbol)
            return &market;
    }
    return nullptr;
}

} // namespace

class TestKrakenExchange : public QObject
{
    Q_OBJECT

private slots:
    void normalizesLegacyAssetCodes()
    {
        QCOMPARE(KrakenExchange::normalizeAsset(QStringLiteral("XXBT")), QStringLiteral("BTC"));
        QCOMPARE(KrakenExchange::normalizeAsset(QStringLiteral("XBT")), QStringLiteral("BTC"));
        QCOMPARE(KrakenExchange::normalizeAsset(QStringLiteral("ZUSD")), QStringLiteral("USD"));
        QCOMPARE(KrakenExchange::normalizeAsset(QStringLiteral("XETH")), QStringLiteral("ETH"));
        QCOMPARE(KrakenExchange::normalizeAsset(QStringLiteral("ETH.F")), QStringLiteral("ETH"));
        QCOMPARE(KrakenExchange::normalizeAsset(QStringLiteral("SOL")), QStringLiteral("SOL"));
    }

    void fetchTimeMeasuresTheOffset()
    {
        Setup s;
        s.fake.setClockOffsetMs(90000);
        auto time = s.exchange->fetchTime();
        CHECK_OK(time);
        // Kraken's clock is given to the second.
        QVERIFY2(std::abs(*time - s.fake.serverTimeMs()) < 1500, qPrintable(QString::number(*time)));
        QCOMPARE(*time % 1000, 0);
    }

    void fetchMarketsMapsAssetPairs()
    {
        Setup s;
        auto markets = s.exchange->fetchMarkets();
        CHECK_OK(markets);
        QCOMPARE(markets->size(), 4);
        const MarketRules *btc = find(*markets, QStringLiteral("BTC/USD"));
        QVERIFY(btc);
        QCOMPARE(btc->exchangeSymbol, QStringLiteral("XXBTZUSD"));
        QCOMPARE(btc->base, QStringLiteral("BTC"));
        QCOMPARE(btc->quote, QStringLiteral("USD"));
        QVERIFY(btc->active);
        QCOMPARE(btc->lotStep, dec("0.00000001")); // lot_decimals 8
        QCOMPARE(btc->minQuantity, dec("0.0001")); // ordermin
        QCOMPARE(btc->minNotional, dec("0.5")); // costmin
        QCOMPARE(btc->tick, dec("0.1")); // tick_size
        QCOMPARE(btc->takerFee, dec("0.0026"));
        QCOMPARE(btc->makerFee, dec("0.0016"));
        const MarketRules *ethBtc = find(*markets, QStringLiteral("ETH/BTC"));
        QVERIFY(ethBtc);
        QCOMPARE(ethBtc->exchangeSymbol, QStringLiteral("XETHXXBT"));
        QCOMPARE(ethBtc->minQuantity, dec("0.01"));
        QCOMPARE(ethBtc->tick, dec("0.00001"));
        QVERIFY(find(*markets, QStringLiteral("ETH/USD")));
        QVERIFY(find(*markets, QStringLiteral("SOL/USD")));

        Setup offline;
        offline.fake.pair(QStringLiteral("SOLUSD"))->status = QStringLiteral("cancel_only");
        auto again = offline.exchange->fetchMarkets();
        CHECK_OK(again);
        QVERIFY(!find(*again, QStringLiteral("SOL/USD"))->active);
    }

    void fetchBalancesAndTicker()
    {
        Setup s;
        s.fake.setBalance(QStringLiteral("XXBT"), dec("0.5"));
        s.fake.setBalance(QStringLiteral("ZUSD"), dec("1234.5"));
        s.fake.setBalance(QStringLiteral("XETH"), dec("0"));
        auto balances = s.exchange->fetchBalances();
        CHECK_OK(balances);
        QCOMPARE(balances->size(), 2);
        QCOMPARE(balances->at(0).asset, QStringLiteral("BTC"));
        QCOMPARE(balances->at(0).total(), dec("0.5"));
        QCOMPARE(balances->at(1).asset, QStringLiteral("USD"));
        QCOMPARE(balances->at(1).total(), dec("1234.5"));
        auto ticker = s.exchange->fetchTicker(QStringLiteral("BTC/USD"));
        CHECK_OK(ticker);
        QCOMPARE(ticker->last, dec("30000"));
        QCOMPARE(ticker->bid, dec("29999.5"));
        QCOMPARE(ticker->ask, dec("30000.5"));
        auto tickers = s.exchange->fetchTickers({QStringLiteral("ETH/USD")});
        CHECK_OK(tickers);
        QCOMPARE(tickers->first().last, dec("2000"));
        CHECK_KIND(s.exchange->fetchTicker(QStringLiteral("XYZ/USD")), Kind::BadSymbol);
    }

    void marketAndLimitOrdersUnderOurClientIds()
    {
        Setup s;
        s.fake.setBalance(QStringLiteral("ZUSD"), dec("10000"));
        s.fake.setBalance(QStringLiteral("XXBT"), dec("1"));
        auto bought = s.exchange->createOrder(Setup::market("BTC/USD", Side::Buy, "0.01", "Pabc-1"));
        CHECK_OK(bought);
        QCOMPARE(bought->clientOrderId, QStringLiteral("Pabc-1"));
        QVERIFY(bought->exchangeOrderId.startsWith(QLatin1Char('O')));
        const QList<BookOrder> placed = s.fake.ordersWithClientId(QStringLiteral("Pabc-1"));
        QCOMPARE(placed.size(), 1);
        QCOMPARE(placed.first().ref, bought->exchangeOrderId);
        auto found = s.exchange->fetchOrder(QStringLiteral("BTC/USD"), QStringLiteral("Pabc-1"));
        CHECK_OK(found);
        QCOMPARE(found->status, OrderStatus::Filled);
        QCOMPARE(found->filledQuantity, dec("0.01"));
        QCOMPARE(found->symbol, QStringLiteral("BTC/USD"));
        QCOMPARE(found->side, Side::Buy);
        QCOMPARE(found->exchangeOrderId, bought->exchangeOrderId);

        auto resting = s.exchange->createOrder(Setup::limit("BTC/USD", Side::Sell, "0.02", "31000", "Pabc-2"));
        CHECK_OK(resting);
        auto open = s.exchange->fetchOpenOrders(QStringLiteral("BTC/USD"));
        CHECK_OK(open);
        QCOMPARE(open->size(), 1);
        QCOMPARE(open->first().clientOrderId, QStringLiteral("Pabc-2"));
        QCOMPARE(open->first().status, OrderStatus::Open);
        QCOMPARE(open->first().type, OrderType::Limit);
        QCOMPARE(open->first().price, dec("31000"));
        QCOMPARE(s.fake.fillOrder(resting->exchangeOrderId, dec("0.005")), QString());
        auto partial = s.exchange->fetchOrder(QStringLiteral("BTC/USD"), QStringLiteral("Pabc-2"));
        CHECK_OK(partial);
        QCOMPARE(partial->status, OrderStatus::PartiallyFilled);
        QCOMPARE(partial->filledQuantity, dec("0.005"));
        auto cancelled = s.exchange->cancelOrder(QStringLiteral("BTC/USD"), QStringLiteral("Pabc-2"));
        CHECK_OK(cancelled);
        QCOMPARE(cancelled->status, OrderStatus::Cancelled);
        QCOMPARE(cancelled->filledQuantity, dec("0.005"));
        auto none = s.exchange->fetchOpenOrders();
        CHECK_OK(none);
        QVERIFY(none->isEmpty());
        QCOMPARE(s.fake.requestCount(FakeEndpoint::OrderCreate), 2);
    }

    void validateOrderPlacesNothing()
    {
        Setup s;
        s.fake.setBalance(QStringLiteral("ZUSD"), dec("10000"));
        auto checked = s.exchange->validateOrder(Setup::market("BTC/USD", Side::Buy, "0.01", "Pv-1"));
        CHECK_OK(checked);
        QCOMPARE(checked->status, OrderStatus::Planned);
        QVERIFY(s.fake.allOrders().isEmpty());
        QCOMPARE(s.fake.requestCount(FakeEndpoint::OrderTest), 1);
        QCOMPARE(s.fake.requestCount(FakeEndpoint::OrderCreate), 0);
        auto refused = s.exchange->validateOrder(Setup::market("BTC/USD", Side::Buy, "0.00005", "Pv-2"));
        CHECK_KIND(refused, Kind::InvalidOrder);
        QCOMPARE(refused.error().filter, QStringLiteral("ordermin"));
    }

    void fetchOrderNotFound()
    {
        Setup s;
        CHECK_KIND(s.exchange->fetchOrder(QStringLiteral("BTC/USD"), QStringLiteral("Pq-9")), Kind::OrderNotFound);
        CHECK_KIND(s.exchange->cancelOrder(QStringLiteral("BTC/USD"), QStringLiteral("Pq-9")), Kind::OrderNotFound);
        s.fake.setBalance(QStringLiteral("XETH"), dec("5"));
        CHECK_OK(s.exchange->createOrder(Setup::market("ETH/USD", Side::Sell, "1", "Pq-1")));
        s.fake.injectFault(FakeEndpoint::Any, FaultKind::OrderNotFound, 2);
        CHECK_KIND(s.exchange->fetchOrder(QStringLiteral("ETH/USD"), QStringLiteral("Pq-1")), Kind::OrderNotFound);
        auto found = s.exchange->fetchOrder(QStringLiteral("ETH/USD"), QStringLiteral("Pq-1"));
        CHECK_OK(found);
        QCOMPARE(found->status, OrderStatus::Filled);
    }

    void orderFillsArePagedPastOneThousand()
    {
        // One sell split into 2,345 trades: QueryOrders lists the trade ids,
        // QueryTrades answers at most 20 a call.
        Setup s;
        s.fake.setBalance(QStringLiteral("XXBT"), dec("3"));
        s.fake.setFillModel(QStringLiteral("XXBTZUSD"), 2345, dec("1"), dec("0.1"));
        auto sold = s.exchange->createOrder(Setup::market("BTC/USD", Side::Sell, "2.345", "Pp-1"));
        CHECK_OK(sold);
        s.fake.setFillModel(QStringLiteral("XXBTZUSD"), 3);
        CHECK_OK(s.exchange->createOrder(Setup::market("BTC/USD", Side::Sell, "0.003", "Pp-2")));
        const BookOrder order = s.fake.ordersWithClientId(QStringLiteral("Pp-1")).first();
        QCOMPARE(order.fills.size(), 2345);
        QSet<QString> truthIds;
        Decimal truthFees;
        for (const BookFill &fill : order.fills) {
            truthIds.insert(fill.tradeRef);
            truthFees += fill.commission;
        }
        for (const QString &exchangeId : {sold->exchangeOrderId, QString()}) { // known txid, and by cl_ord_id
            auto fills = s.exchange->fetchOrderFills(QStringLiteral("BTC/USD"), QStringLiteral("Pp-1"), exchangeId);
            CHECK_OK(fills);
            QCOMPARE(fills->size(), 2345);
            QSet<QString> ids;
            Decimal quantity;
            Decimal fees;
            for (const auto &fill : *fills) {
                QVERIFY(truthIds.contains(fill.tradeId));
                ids.insert(fill.tradeId);
                QCOMPARE(fill.clientOrderId, QStringLiteral("Pp-1"));
                QCOMPARE(fill.exchangeOrderId, sold->exchangeOrderId);
                QCOMPARE(fill.feeAsset, QStringLiteral("USD"));
                quantity += fill.quantity;
                fees += fill.fee;
            }
            QCOMPARE(ids.size(), 2345); // each exactly once
            QCOMPARE(quantity, dec("2.345"));
            QCOMPARE(fees, truthFees);
        }
        QCOMPARE(s.fake.requestCount(FakeEndpoint::Trades), 2 * 118); // ceil(2345 / 20) a read
    }

    void fetchFillsWithFeesAndFeeAsset()
    {
        Setup s;
        s.fake.setBalance(QStringLiteral("ZUSD"), dec("10000"));
        s.fake.setBalance(QStringLiteral("XETH"), dec("3"));
        s.fake.setFillModel(QStringLiteral("XXBTZUSD"), 3, dec("1"), dec("1"));
        auto bought = s.exchange->createOrder(Setup::market("BTC/USD", Side::Buy, "0.03", "Pf-1"));
        CHECK_OK(bought);
        auto fills = s.exchange->fetchFills(QStringLiteral("BTC/USD"));
        CHECK_OK(fills);
        QCOMPARE(fills->size(), 3);
        const BookOrder order = s.fake.ordersWithClientId(QStringLiteral("Pf-1")).first();
        QSet<QString> truthIds;
        Decimal truthFees;
        for (const BookFill &fill : order.fills) {
            truthIds.insert(fill.tradeRef);
            truthFees += fill.commission;
        }
        Decimal quantity;
        Decimal fees;
        for (const auto &fill : *fills) {
            QVERIFY(truthIds.contains(fill.tradeId));
            QCOMPARE(fill.exchangeOrderId, bought->exchangeOrderId);
            QCOMPARE(fill.side, Side::Buy);
            QCOMPARE(fill.feeAsset, QStringLiteral("USD")); // Kraken charges the quote
            QVERIFY(fill.fee.isPositive());
            quantity += fill.quantity;
            fees += fill.fee;
        }
        QCOMPARE(quantity, dec("0.03"));
        QCOMPARE(fees, truthFees);
        QVERIFY(fills->first().time <= fills->last().time);

        s.fake.setFillModel(QStringLiteral("XETHZUSD"), 2, dec("0.5"));
        CHECK_OK(s.exchange->createOrder(Setup::market("ETH/USD", Side::Sell, "2", "Pf-2")));
        auto sold = s.exchange->fetchOrder(QStringLiteral("ETH/USD"), QStringLiteral("Pf-2"));
        CHECK_OK(sold);
        QCOMPARE(sold->filledQuantity, dec("1"));
        // Kraken closes a market order that ran out of liquidity as "canceled".
        QCOMPARE(sold->status, OrderStatus::Cancelled);
        auto ethFills = s.exchange->fetchFills(QStringLiteral("ETH/USD"));
        CHECK_OK(ethFills);
        QCOMPARE(ethFills->size(), 2);
        for (const auto &fill : *ethFills)
            QCOMPARE(fill.side, Side::Sell);
    }

    void mapsOrderErrors()
    {
        Setup s;
        s.fake.setBalance(QStringLiteral("ZUSD"), dec("100000"));
        auto minimum = s.exchange->createOrder(Setup::market("BTC/USD", Side::Buy, "0.00005", "Pe-1"));
        CHECK_KIND(minimum, Kind::InvalidOrder);
        QCOMPARE(minimum.error().filter, QStringLiteral("ordermin"));
        auto tick = s.exchange->createOrder(Setup::limit("BTC/USD", Side::Buy, "0.01", "29000.05", "Pe-2"));
        CHECK_KIND(tick, Kind::InvalidOrder);
        QCOMPARE(tick.error().filter, QStringLiteral("tick_size"));
        s.fake.setBalance(QStringLiteral("XETH"), dec("100"));
        auto cost = s.exchange->createOrder(Setup::limit("ETH/BTC", Side::Sell, "0.01", "0.00100", "Pe-3"));
        CHECK_KIND(cost, Kind::InvalidOrder);
        QCOMPARE(cost.error().filter, QStringLiteral("costmin"));
        auto funds = s.exchange->createOrder(Setup::market("BTC/USD", Side::Sell, "1", "Pe-4"));
        CHECK_KIND(funds, Kind::InsufficientFunds);
        CHECK_KIND(s.exchange->createOrder(Setup::market("XYZ/USD", Side::Buy, "1", "Pe-5")), Kind::BadSymbol);
        s.fake.injectFault(FakeEndpoint::OrderCreate, FaultKind::InsufficientBalance);
        CHECK_KIND(s.exchange->createOrder(Setup::market("BTC/USD", Side::Buy, "0.01", "Pe-6")),
                   Kind::InsufficientFunds);
        // An open order already uses the id: it exists, so it is a duplicate, not a rejection.
        CHECK_OK(s.exchange->createOrder(Setup::limit("BTC/USD", Side::Buy, "0.01", "20000", "Pe-7")));
        auto duplicate = s.exchange->createOrder(Setup::limit("BTC/USD", Side::Buy, "0.01", "20000", "Pe-7"));
        CHECK_KIND(duplicate, Kind::DuplicateOrder);
        QCOMPARE(s.fake.ordersWithClientId(QStringLiteral("Pe-7")).size(), 1);
        // A deadline closer than Kraken's 2 s minimum is never sent (nor moved later).
        auto time = s.exchange->fetchTime();
        CHECK_OK(time);
        OrderRequest tooSoon = Setup::market("BTC/USD", Side::Buy, "0.01", "Pe-8");
        tooSoon.deadlineMs = *time + 1000;
        const int creates = s.fake.requestCount(FakeEndpoint::OrderCreate);
        CHECK_KIND(s.exchange->createOrder(tooSoon), Kind::InvalidOrder);
        QCOMPARE(s.fake.requestCount(FakeEndpoint::OrderCreate), creates);
        tooSoon.deadlineMs = *time + 5000;
        CHECK_OK(s.exchange->createOrder(tooSoon));
        QStringList placed;
        for (const BookOrder &order : s.fake.allOrders())
            placed.append(order.clientOrderId);
        QCOMPARE(placed.join(QLatin1Char(',')), QStringLiteral("Pe-7,Pe-8"));
    }

    void mapsNonceAndRateLimits()
    {
        Setup s;
        s.fake.setBalance(QStringLiteral("ZUSD"), dec("100000"));
        s.fake.injectFault(FakeEndpoint::OrderCreate, FaultKind::InvalidTimestamp);
        auto stale = s.exchange->createOrder(Setup::market("BTC/USD", Side::Buy, "0.01", "Pn-1"));
        CHECK_KIND(stale, Kind::InvalidNonce);
        QVERIFY(s.fake.allOrders().isEmpty());
        // A real stale nonce.
        CHECK_OK(s.exchange->fetchBalances());
        s.nonce = 1;
        CHECK_KIND(s.exchange->fetchBalances(), Kind::InvalidNonce);
        s.nonce = s.fake.lastNonce() + 1;
        CHECK_OK(s.exchange->fetchBalances());

        s.fake.injectFault(FakeEndpoint::Balance, FaultKind::RateLimited);
        auto limited = s.exchange->fetchBalances();
        CHECK_KIND(limited, Kind::RateLimited);
        QVERIFY(limited.error().retryAfterMs > 0);
        s.sleeps.clear();
        CHECK_OK(s.exchange->fetchBalances());
        QVERIFY(!s.sleeps.isEmpty()); // backed off before the next call
        s.fake.injectFault(FakeEndpoint::OrderCreate, FaultKind::Banned);
        auto locked = s.exchange->createOrder(Setup::market("BTC/USD", Side::Buy, "0.01", "Pn-2"));
        CHECK_KIND(locked, Kind::RateLimited);
        QVERIFY(locked.error().retryAfterMs > 0);
        FaultRule http429;
        http429.endpoint = FakeEndpoint::Ticker;
        http429.kind = FaultKind::RateLimited;
        http429.httpStatus = 429;
        s.fake.injectFault(http429);
        CHECK_KIND(s.exchange->fetchTicker(QStringLiteral("BTC/USD")), Kind::RateLimited);
        QVERIFY(s.fake.allOrders().isEmpty());
    }

    void mapsServerErrorsAndTimeouts()
    {
        Setup s;
        s.fake.setBalance(QStringLiteral("ZUSD"), dec("100000"));
        s.fake.injectFault(FakeEndpoint::OrderCreate, FaultKind::Http5xxBeforeAccept);
        CHECK_KIND(s.exchange->createOrder(Setup::market("BTC/USD", Side::Buy, "0.01", "Ps-1")), Kind::UnknownOutcome);
        QCOMPARE(s.fake.ordersWithClientId(QStringLiteral("Ps-1")).size(), 0);
        s.fake.injectFault(FakeEndpoint::OrderCreate, FaultKind::Http5xxAfterAccept);
        CHECK_KIND(s.exchange->createOrder(Setup::market("BTC/USD", Side::Buy, "0.01", "Ps-2")), Kind::UnknownOutcome);
        QCOMPARE(s.fake.ordersWithClientId(QStringLiteral("Ps-2")).size(), 1);
        s.fake.injectFault(FakeEndpoint::OrderCreate, FaultKind::UnknownStatusAfterAccept);
        auto unknown = s.exchange->createOrder(Setup::market("BTC/USD", Side::Buy, "0.01", "Ps-3"));
        CHECK_KIND(unknown, Kind::UnknownOutcome);
        QCOMPARE(unknown.error().exchangeCode, QStringLiteral("EService:Unavailable"));
        QCOMPARE(s.fake.ordersWithClientId(QStringLiteral("Ps-3")).size(), 1);
        s.fake.injectFault(FakeEndpoint::ClosedOrders, FaultKind::Http5xxBeforeAccept);
        CHECK_KIND(s.exchange->fetchOrder(QStringLiteral("BTC/USD"), QStringLiteral("Ps-2")), Kind::Network);
        s.fake.injectFault(FakeEndpoint::Balance, FaultKind::ServiceUnavailable);
        CHECK_KIND(s.exchange->fetchBalances(), Kind::Network);

        // No answer: the connector's own timeout ends the call, as an unknown outcome.
        s.fake.injectFault(FakeEndpoint::OrderCreate, FaultKind::TimeoutBeforeAccept);
        CHECK_KIND(s.exchange->createOrder(Setup::market("BTC/USD", Side::Buy, "0.01", "Ps-4")), Kind::UnknownOutcome);
        QCOMPARE(s.fake.ordersWithClientId(QStringLiteral("Ps-4")).size(), 0);
        s.fake.injectFault(FakeEndpoint::OrderCreate, FaultKind::TimeoutAfterAccept);
        CHECK_KIND(s.exchange->createOrder(Setup::market("BTC/USD", Side::Buy, "0.01", "Ps-5")), Kind::UnknownOutcome);
        QCOMPARE(s.fake.ordersWithClientId(QStringLiteral("Ps-5")).size(), 1);
        s.fake.injectFault(FakeEndpoint::OpenOrders, FaultKind::TimeoutBeforeAccept);
        CHECK_KIND(s.exchange->fetchOrder(QStringLiteral("BTC/USD"), QStringLiteral("Ps-5")), Kind::Network);
        s.fake.injectFault(FakeEndpoint::Ticker, FaultKind::TimeoutBeforeAccept);
        CHECK_KIND(s.exchange->fetchTicker(QStringLiteral("BTC/USD")), Kind::Network);
        CHECK_OK(s.exchange->fetchOrder(QStringLiteral("BTC/USD"), QStringLiteral("Ps-5")));

        s.fake.injectFault(FakeEndpoint::OrderCreate, FaultKind::ConnectionResetBeforeAccept);
        CHECK_KIND(s.exchange->createOrder(Setup::market("BTC/USD", Side::Buy, "0.01", "Ps-6")), Kind::UnknownOutcome);
        QCOMPARE(s.fake.ordersWithClientId(QStringLiteral("Ps-6")).size(), 0);
        s.fake.injectFault(FakeEndpoint::OrderCreate, FaultKind::ConnectionResetAfterAccept);
        CHECK_KIND(s.exchange->createOrder(Setup::market("BTC/USD", Side::Buy, "0.01", "Ps-7")), Kind::UnknownOutcome);
        QCOMPARE(s.fake.ordersWithClientId(QStringLiteral("Ps-7")).size(), 1);
    }
};

QTEST_GUILESS_MAIN(TestKrakenExchange)
#include "tst_krakenexchange.moc"
