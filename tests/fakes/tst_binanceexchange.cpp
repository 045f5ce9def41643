// The real Binance connector against FakeBinance over loopback: every endpoint,
// the mapping of markets, orders and fills, and the mapping of every error and
// fault to the connector's error hierarchy.

#include "exchange/binanceexchange.h"
#include "fakebinance.h"

#include <QElapsedTimer>
#include <QNetworkAccessManager>
#include <QTest>

#include <memory>

using ballast::domain::OrderStatus;
using ballast::domain::OrderType;
using ballast::domain::Side;
using ballast::exchange::BinanceConfig;
using ballast::exchange::BinanceExchange;
using ballast::exchange::ExchangeError;
using ballast::exchange::ExResult;
using ballast::exchange::MarketRules;
using ballast::exchange::OrderRequest;
using ballast::money::dec;
using ballast::money::Decimal;
using ballast::test::fake::BinanceLotSize;
using ballast::test::fake::BinanceMinNotional;
using ballast::test::fake::BinanceNotional;
using ballast::test::fake::BinancePriceFilter;
using ballast::test::fake::BinanceSymbol;
using ballast::test::fake::BookFill;
using ballast::test::fake::BookOrder;
using ballast::test::fake::FakeBinance;
using ballast::test::fake::FakeEndpoint;
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
    FakeBinance fake;
    QNetworkAccessManager network;
    std::unique_ptr<BinanceExchange> exchange;
    QList<qint64> sleeps;

    Setup()
    {
        if (!fake.listenLocal())
            qFatal("cannot listen");
        BinanceConfig config;
        config.baseUrl = fake.baseUrl();
        config.apiKey = FakeBinance::docsApiKey().toLatin1();
        config.secret = FakeBinance::docsSecretKey().toLatin1();
        config.timeoutMs = 1500;
        exchange = std::make_unique<BinanceExchange>(&network, config, ballast::systemClock(),
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

class TestBinanceExchange : public QObject
{
    Q_OBJECT

private slots:
    void fetchTimeMeasuresTheOffset()
    {
        Setup s;
        s.fake.setClockOffsetMs(90000);
        auto time = s.exchange->fetchTime();
        CHECK_OK(time);
        QVERIFY2(std::abs(s.exchange->clockOffset() - 90000) < 500,
                 qPrintable(QString::number(s.exchange->clockOffset())));
        QVERIFY(std::abs(*time - s.fake.serverTimeMs()) < 500);
        // Signed calls use the offset: the fake accepts their timestamps.
        CHECK_OK(s.exchange->fetchBalances());
    }

    void fetchMarketsMapsEveryFilter()
    {
        Setup s;
        BinanceSymbol sol;
        sol.symbol = QStringLiteral("SOLUSDT");
        sol.baseAsset = QStringLiteral("SOL");
        sol.quoteAsset = QStringLiteral("USDT");
        sol.priceFilter = BinancePriceFilter{dec("0.01"), dec("10000"), dec("0.01")};
        sol.lotSize = BinanceLotSize{dec("0.001"), dec("90000"), dec("0.001")};
        sol.marketLotSize = BinanceLotSize{dec("0"), dec("500"), dec("0.01")};
        sol.minNotional = BinanceMinNotional{dec("10"), true, 5};
        sol.notional = BinanceNotional{dec("5"), true, dec("100000"), false, 5};
        s.fake.addSymbol(sol, dec("100"), dec("0.01"));
        s.fake.setCommission(dec("0.0008"), dec("0.0009"));

        auto markets = s.exchange->fetchMarkets();
        CHECK_OK(markets);
        QCOMPARE(markets->size(), 4);
        const MarketRules *btc = find(*markets, QStringLiteral("BTC/USDT"));
        QVERIFY(btc);
        QCOMPARE(btc->exchangeSymbol, QStringLiteral("BTCUSDT"));
        QCOMPARE(btc->base, QStringLiteral("BTC"));
        QCOMPARE(btc->quote, QStringLiteral("USDT"));
        QVERIFY(btc->active);
        QCOMPARE(btc->lotStep, dec("0.00001"));
        QCOMPARE(btc->minQuantity, dec("0.00001"));
        QCOMPARE(btc->maxQuantity, dec("9000"));
        QCOMPARE(btc->marketLotStep, Decimal());
        QCOMPARE(btc->marketMaxQuantity, dec("120"));
        QCOMPARE(btc->tick, dec("0.01"));
        QCOMPARE(btc->minPrice, dec("0.01"));
        QCOMPARE(btc->maxPrice, dec("1000000"));
        QCOMPARE(btc->minNotional, dec("5"));
        QCOMPARE(btc->maxNotional, dec("9000000"));
        QCOMPARE(btc->takerFee, dec("0.0009"));
        QCOMPARE(btc->makerFee, dec("0.0008"));
        const MarketRules *ethBtc = find(*markets, QStringLiteral("ETH/BTC"));
        QVERIFY(ethBtc);
        QCOMPARE(ethBtc->minNotional, dec("0.0001")); // MIN_NOTIONAL
        QCOMPARE(ethBtc->maxNotional, Decimal());
        QCOMPARE(ethBtc->tick, dec("0.00001"));
        const MarketRules *solRules = find(*markets, QStringLiteral("SOL/USDT"));
        QVERIFY(solRules);
        QCOMPARE(solRules->marketLotStep, dec("0.01")); // MARKET_LOT_SIZE
        QCOMPARE(solRules->marketMaxQuantity, dec("500"));
        QCOMPARE(solRules->minNotional, dec("10")); // the stricter of MIN_NOTIONAL and NOTIONAL
        QCOMPARE(solRules->maxNotional, dec("100000"));

        s.fake.symbol(QStringLiteral("SOLUSDT"))->status = QStringLiteral("BREAK");
        Setup fresh;
        fresh.fake.addSymbol(sol, dec("100"));
        fresh.fake.symbol(QStringLiteral("SOLUSDT"))->status = QStringLiteral("BREAK");
        auto again = fresh.exchange->fetchMarkets();
        CHECK_OK(again);
        QVERIFY(!find(*again, QStringLiteral("SOL/USDT"))->active);
    }

    void fetchBalancesAndTicker()
    {
        Setup s;
        s.fake.setBalance(QStringLiteral("BTC"), dec("0.5"), dec("0.1"));
        s.fake.setBalance(QStringLiteral("USDT"), dec("1234.5"));
        s.fake.setBalance(QStringLiteral("ETH"), dec("0"));
        auto balances = s.exchange->fetchBalances();
        CHECK_OK(balances);
        QCOMPARE(balances->size(), 2);
        for (const auto &balance : *balances) {
            if (balance.asset == QLatin1String("BTC")) {
                QCOMPARE(balance.free, dec("0.5"));
                QCOMPARE(balance.locked, dec("0.1"));
            } else {
                QCOMPARE(balance.asset, QStringLiteral("USDT"));
                QCOMPARE(balance.free, dec("1234.5"));
            }
        }
        auto ticker = s.exchange->fetchTicker(QStringLiteral("BTC/USDT"));
        CHECK_OK(ticker);
        QCOMPARE(ticker->symbol, QStringLiteral("BTC/USDT"));
        QCOMPARE(ticker->last, dec("30000"));
        QCOMPARE(ticker->bid, dec("29999.5"));
        QCOMPARE(ticker->ask, dec("30000.5"));
        auto tickers = s.exchange->fetchTickers({QStringLiteral("BTC/USDT"), QStringLiteral("ETH/USDT")});
        CHECK_OK(tickers);
        QCOMPARE(tickers->at(1).last, dec("2000"));
        CHECK_KIND(s.exchange->fetchTicker(QStringLiteral("XYZ/USDT")), Kind::BadSymbol);
    }

    void marketAndLimitOrdersUnderOurClientIds()
    {
        Setup s;
        s.fake.setBalance(QStringLiteral("USDT"), dec("10000"));
        s.fake.setBalance(QStringLiteral("BTC"), dec("1"));
        auto bought = s.exchange->createOrder(Setup::market("BTC/USDT", Side::Buy, "0.01", "Pabc-1"));
        CHECK_OK(bought);
        QCOMPARE(bought->clientOrderId, QStringLiteral("Pabc-1"));
        QCOMPARE(bought->symbol, QStringLiteral("BTC/USDT"));
        QCOMPARE(bought->side, Side::Buy);
        QCOMPARE(bought->type, OrderType::Market);
        QCOMPARE(bought->status, OrderStatus::Filled);
        QCOMPARE(bought->quantity, dec("0.01"));
        QCOMPARE(bought->filledQuantity, dec("0.01"));
        QCOMPARE(bought->filledQuote, dec("300.005"));
        QVERIFY(!bought->exchangeOrderId.isEmpty());
        QCOMPARE(s.fake.ordersWithClientId(QStringLiteral("Pabc-1")).size(), 1);
        QCOMPARE(QString::number(s.fake.ordersWithClientId(QStringLiteral("Pabc-1")).first().id),
                 bought->exchangeOrderId);

        auto resting = s.exchange->createOrder(Setup::limit("BTC/USDT", Side::Sell, "0.02", "31000", "Pabc-2"));
        CHECK_OK(resting);
        QCOMPARE(resting->status, OrderStatus::Open);
        QCOMPARE(resting->type, OrderType::Limit);
        QCOMPARE(resting->price, dec("31000"));
        auto open = s.exchange->fetchOpenOrders(QStringLiteral("BTC/USDT"));
        CHECK_OK(open);
        QCOMPARE(open->size(), 1);
        QCOMPARE(open->first().clientOrderId, QStringLiteral("Pabc-2"));
        auto allOpen = s.exchange->fetchOpenOrders();
        CHECK_OK(allOpen);
        QCOMPARE(allOpen->size(), 1);
        QCOMPARE(allOpen->first().symbol, QStringLiteral("BTC/USDT"));

        const qint64 id = s.fake.ordersWithClientId(QStringLiteral("Pabc-2")).first().id;
        QCOMPARE(s.fake.fillOrder(id, dec("0.005")), QString());
        auto partial = s.exchange->fetchOrder(QStringLiteral("BTC/USDT"), QStringLiteral("Pabc-2"));
        CHECK_OK(partial);
        QCOMPARE(partial->status, OrderStatus::PartiallyFilled);
        QCOMPARE(partial->filledQuantity, dec("0.005"));
        QCOMPARE(partial->clientOrderId, QStringLiteral("Pabc-2"));

        auto cancelled = s.exchange->cancelOrder(QStringLiteral("BTC/USDT"), QStringLiteral("Pabc-2"));
        CHECK_OK(cancelled);
        QCOMPARE(cancelled->status, OrderStatus::Cancelled);
        QCOMPARE(cancelled->clientOrderId, QStringLiteral("Pabc-2"));
        QCOMPARE(cancelled->filledQuantity, dec("0.005"));
        auto none = s.exchange->fetchOpenOrders(QStringLiteral("BTC/USDT"));
        CHECK_OK(none);
        QVERIFY(none->isEmpty());
        auto after = s.exchange->fetchOrder(QStringLiteral("BTC/USDT"), QStringLiteral("Pabc-2"));
        CHECK_OK(after);
        QCOMPARE(after->status, OrderStatus::Cancelled);

        // A marketable limit order fills at once.
        auto taker = s.exchange->createOrder(Setup::limit("BTC/USDT", Side::Buy, "0.001", "30100", "Pabc-3"));
        CHECK_OK(taker);
        QCOMPARE(taker->status, OrderStatus::Filled);
    }

    void validateOrderPlacesNothing()
    {
        Setup s;
        s.fake.setBalance(QStringLiteral("USDT"), dec("10000"));
        auto checked = s.exchange->validateOrder(Setup::market("BTC/USDT", Side::Buy, "0.01", "Pv-1"));
        CHECK_OK(checked);
        QCOMPARE(checked->status, OrderStatus::Planned);
        QCOMPARE(checked->clientOrderId, QStringLiteral("Pv-1"));
        QVERIFY(s.fake.allOrders().isEmpty());
        QCOMPARE(s.fake.requestCount(FakeEndpoint::OrderTest), 1);
        auto refused = s.exchange->validateOrder(Setup::market("BTC/USDT", Side::Buy, "0.000015", "Pv-2"));
        CHECK_KIND(refused, Kind::InvalidOrder);
        QCOMPARE(refused.error().filter, QStringLiteral("LOT_SIZE"));
        QVERIFY(s.fake.allOrders().isEmpty());
    }

    void fetchOrderByClientIdAndNotFound()
    {
        Setup s;
        s.fake.setBalance(QStringLiteral("ETH"), dec("5"));
        CHECK_OK(s.exchange->createOrder(Setup::market("ETH/USDT", Side::Sell, "1", "Pq-1")));
        auto found = s.exchange->fetchOrder(QStringLiteral("ETH/USDT"), QStringLiteral("Pq-1"));
        CHECK_OK(found);
        QCOMPARE(found->status, OrderStatus::Filled);
        QCOMPARE(found->filledQuantity, dec("1"));
        QCOMPARE(found->side, Side::Sell);
        QCOMPARE(found->symbol, QStringLiteral("ETH/USDT"));
        auto missing = s.exchange->fetchOrder(QStringLiteral("ETH/USDT"), QStringLiteral("Pq-9"));
        CHECK_KIND(missing, Kind::OrderNotFound);
        QCOMPARE(missing.error().exchangeCode, QStringLiteral("-2013"));
        auto cancelMissing = s.exchange->cancelOrder(QStringLiteral("ETH/USDT"), QStringLiteral("Pq-9"));
        CHECK_KIND(cancelMissing, Kind::OrderNotFound);
        // A filled order cannot be cancelled.
        CHECK_KIND(s.exchange->cancelOrder(QStringLiteral("ETH/USDT"), QStringLiteral("Pq-1")), Kind::OrderNotFound);
        // An injected "does not exist" on a lookup is OrderNotFound too.
        s.fake.injectFault(FakeEndpoint::OrderQuery, FaultKind::OrderNotFound);
        CHECK_KIND(s.exchange->fetchOrder(QStringLiteral("ETH/USDT"), QStringLiteral("Pq-1")), Kind::OrderNotFound);
        CHECK_OK(s.exchange->fetchOrder(QStringLiteral("ETH/USDT"), QStringLiteral("Pq-1")));
    }

    void fetchFillsWithFeesAndFeeAsset()
    {
        Setup s;
        s.fake.setBalance(QStringLiteral("USDT"), dec("10000"));
        s.fake.setBalance(QStringLiteral("ETH"), dec("3"));
        s.fake.setFillModel(QStringLiteral("BTCUSDT"), 3, dec("1"), dec("1"));
        auto bought = s.exchange->createOrder(Setup::market("BTC/USDT", Side::Buy, "0.03", "Pf-1"));
        CHECK_OK(bought);
        QCOMPARE(bought->status, OrderStatus::Filled);
        auto fills = s.exchange->fetchFills(QStringLiteral("BTC/USDT"));
        CHECK_OK(fills);
        QCOMPARE(fills->size(), 3);
        const BookOrder order = s.fake.ordersWithClientId(QStringLiteral("Pf-1")).first();
        QCOMPARE(order.fills.size(), 3);
        Decimal quantity;
        Decimal quote;
        QSet<QString> tradeIds;
        for (int i = 0; i < 3; ++i) {
            const auto &fill = fills->at(i);
            const BookFill &truth = order.fills.at(i);
            QCOMPARE(fill.tradeId, QString::number(truth.tradeId));
            QCOMPARE(fill.exchangeOrderId, bought->exchangeOrderId);
            QCOMPARE(fill.symbol, QStringLiteral("BTC/USDT"));
            QCOMPARE(fill.side, Side::Buy);
            QCOMPARE(fill.quantity, truth.qty);
            QCOMPARE(fill.price, truth.price);
            QCOMPARE(fill.fee, truth.commission);
            QVERIFY(fill.fee.isPositive());
            QCOMPARE(fill.feeAsset, QStringLiteral("BTC")); // buys pay in what they receive
            tradeIds.insert(fill.tradeId);
            quantity += fill.quantity;
            quote += fill.quantity * fill.price;
        }
        QCOMPARE(tradeIds.size(), 3);
        QCOMPARE(quantity, dec("0.03"));
        QCOMPARE(quote, bought->filledQuote);
        QVERIFY(fills->at(0).price != fills->at(2).price); // walked the book

        // A partial fill: half the liquidity, the rest expires.
        s.fake.setFillModel(QStringLiteral("ETHUSDT"), 2, dec("0.5"));
        auto sold = s.exchange->createOrder(Setup::market("ETH/USDT", Side::Sell, "2", "Pf-2"));
        CHECK_OK(sold);
        QCOMPARE(sold->status, OrderStatus::Expired);
        QCOMPARE(sold->filledQuantity, dec("1"));
        auto ethFills = s.exchange->fetchFills(QStringLiteral("ETH/USDT"));
        CHECK_OK(ethFills);
        QCOMPARE(ethFills->size(), 2);
        Decimal sum;
        for (const auto &fill : *ethFills) {
            QCOMPARE(fill.feeAsset, QStringLiteral("USDT")); // sells pay in the quote
            QCOMPARE(fill.side, Side::Sell);
            sum += fill.quantity;
        }
        QCOMPARE(sum, dec("1"));
        // sinceMs filters by time.
        auto later = s.exchange->fetchFills(QStringLiteral("ETH/USDT"), s.fake.serverTimeMs() + 60000);
        CHECK_OK(later);
        QVERIFY(later->isEmpty());
    }

    void orderFillsArePagedPastOneThousand()
    {
        // One sell split into 2,345 trades: myTrades answers at most 1,000 a
        // call, so the connector must page by fromId to see every one.
        Setup s;
        s.fake.setBalance(QStringLiteral("BTC"), dec("3"));
        s.fake.setFillModel(QStringLiteral("BTCUSDT"), 2345, dec("1"), dec("0.01"));
        auto sold = s.exchange->createOrder(Setup::market("BTC/USDT", Side::Sell, "2.345", "Pp-1"));
        CHECK_OK(sold);
        QCOMPARE(sold->status, OrderStatus::Filled);
        // Another order's trades on the same market must not be mixed in.
        s.fake.setFillModel(QStringLiteral("BTCUSDT"), 3);
        CHECK_OK(s.exchange->createOrder(Setup::market("BTC/USDT", Side::Sell, "0.003", "Pp-2")));
        const BookOrder order = s.fake.ordersWithClientId(QStringLiteral("Pp-1")).first();
        QCOMPARE(order.fills.size(), 2345);
        Decimal truthFees;
        Decimal truthQuote;
        for (const BookFill &fill : order.fills) {
            truthFees += fill.commission;
            truthQuote += fill.quoteQty;
        }
        s.fake.clearRequestLog();
        for (const QString &exchangeId : {sold->exchangeOrderId, QString()}) { // known id, and looked up by client id
            auto fills = s.exchange->fetchOrderFills(QStringLiteral("BTC/USDT"), QStringLiteral("Pp-1"), exchangeId);
            CHECK_OK(fills);
            QCOMPARE(fills->size(), 2345);
            QSet<QString> ids;
            Decimal quantity;
            Decimal fees;
            Decimal quote;
            for (const auto &fill : *fills) {
                ids.insert(fill.tradeId);
                QCOMPARE(fill.clientOrderId, QStringLiteral("Pp-1"));
                QCOMPARE(fill.exchangeOrderId, sold->exchangeOrderId);
                QCOMPARE(fill.feeAsset, QStringLiteral("USDT"));
                quantity += fill.quantity;
                fees += fill.fee;
                quote += fill.quantity * fill.price;
            }
            QCOMPARE(ids.size(), 2345); // each exactly once
            QCOMPARE(quantity, dec("2.345"));
            QCOMPARE(fees, truthFees);
            QCOMPARE(quote, truthQuote);
            QCOMPARE(quote, sold->filledQuote);
        }
        // Three pages a read (1,000 + 1,000 + 345), each by orderId (weight 5).
        QCOMPARE(s.fake.requestCount(FakeEndpoint::Trades), 6);
    }

    void mapsOrderErrors()
    {
        Setup s;
        s.fake.setBalance(QStringLiteral("USDT"), dec("100000"));
        auto lot = s.exchange->createOrder(Setup::market("BTC/USDT", Side::Buy, "0.000015", "Pe-1"));
        CHECK_KIND(lot, Kind::InvalidOrder);
        QCOMPARE(lot.error().filter, QStringLiteral("LOT_SIZE"));
        QCOMPARE(lot.error().exchangeCode, QStringLiteral("-1013"));
        auto tick = s.exchange->createOrder(Setup::limit("BTC/USDT", Side::Buy, "0.01", "29000.005", "Pe-2"));
        CHECK_KIND(tick, Kind::InvalidOrder);
        QCOMPARE(tick.error().filter, QStringLiteral("PRICE_FILTER"));
        auto notional = s.exchange->createOrder(Setup::market("BTC/USDT", Side::Buy, "0.0001", "Pe-3"));
        CHECK_KIND(notional, Kind::InvalidOrder);
        QCOMPARE(notional.error().filter, QStringLiteral("NOTIONAL"));
        auto marketLot = s.exchange->createOrder(Setup::market("BTC/USDT", Side::Buy, "121", "Pe-4"));
        CHECK_KIND(marketLot, Kind::InvalidOrder);
        QCOMPARE(marketLot.error().filter, QStringLiteral("MARKET_LOT_SIZE"));
        s.fake.setBalance(QStringLiteral("ETH"), dec("10"));
        auto minNotional = s.exchange->createOrder(Setup::market("ETH/BTC", Side::Sell, "0.001", "Pe-5"));
        CHECK_KIND(minNotional, Kind::InvalidOrder);
        QCOMPARE(minNotional.error().filter, QStringLiteral("MIN_NOTIONAL"));
        auto funds = s.exchange->createOrder(Setup::market("BTC/USDT", Side::Sell, "1", "Pe-6"));
        CHECK_KIND(funds, Kind::InsufficientFunds);
        QCOMPARE(funds.error().exchangeCode, QStringLiteral("-2010"));
        CHECK_KIND(s.exchange->createOrder(Setup::market("XYZ/USDT", Side::Buy, "1", "Pe-7")), Kind::BadSymbol);
        s.fake.injectFault(FakeEndpoint::OrderCreate, FaultKind::InsufficientBalance);
        CHECK_KIND(s.exchange->createOrder(Setup::market("BTC/USDT", Side::Buy, "0.01", "Pe-8")),
                   Kind::InsufficientFunds);
        QVERIFY(s.fake.allOrders().isEmpty());
    }

    void mapsTimestampErrors()
    {
        Setup s;
        s.fake.setBalance(QStringLiteral("USDT"), dec("100000"));
        s.fake.injectFault(FakeEndpoint::OrderCreate, FaultKind::InvalidTimestamp);
        auto stale = s.exchange->createOrder(Setup::market("BTC/USDT", Side::Buy, "0.01", "Pt-1"));
        CHECK_KIND(stale, Kind::InvalidNonce);
        QCOMPARE(stale.error().exchangeCode, QStringLiteral("-1021"));
        QVERIFY(s.fake.allOrders().isEmpty());
        // A real clock jump: the signed timestamp falls outside recvWindow, then the
        // connector resyncs its offset and the next call goes through.
        CHECK_OK(s.exchange->fetchBalances());
        s.fake.advanceClock(120000);
        CHECK_KIND(s.exchange->fetchBalances(), Kind::InvalidNonce);
        CHECK_OK(s.exchange->fetchBalances());
        QVERIFY(std::abs(s.exchange->clockOffset() - 120000) < 500);
    }

    void mapsRateLimitsWithRetryAfter()
    {
        Setup s;
        FaultRule limited;
        limited.endpoint = FakeEndpoint::Ticker;
        limited.kind = FaultKind::RateLimited;
        limited.retryAfterSec = 3;
        s.fake.injectFault(limited);
        auto ticker = s.exchange->fetchTicker(QStringLiteral("BTC/USDT"));
        CHECK_KIND(ticker, Kind::RateLimited);
        QCOMPARE(ticker.error().retryAfterMs, 3000);
        QCOMPARE(ticker.error().exchangeCode, QStringLiteral("-1003"));
        // The next call waits out the Retry-After first.
        s.sleeps.clear();
        s.fake.setClockOffsetMs(s.fake.clockOffsetMs() + 4000); // as if it had waited
        CHECK_OK(s.exchange->fetchTicker(QStringLiteral("BTC/USDT")));
        QVERIFY(!s.sleeps.isEmpty());
        QVERIFY2(s.sleeps.first() > 2000, qPrintable(QString::number(s.sleeps.first())));

        Setup b;
        FaultRule banned;
        banned.endpoint = FakeEndpoint::OrderCreate;
        banned.kind = FaultKind::Banned;
        banned.retryAfterSec = 7;
        b.fake.injectFault(banned);
        b.fake.setBalance(QStringLiteral("USDT"), dec("100000"));
        auto order = b.exchange->createOrder(Setup::market("BTC/USDT", Side::Buy, "0.01", "Pr-1"));
        CHECK_KIND(order, Kind::RateLimited);
        QCOMPARE(order.error().retryAfterMs, 7000);
        QVERIFY(b.fake.allOrders().isEmpty());
    }

    void mapsServerErrorsAndTimeouts()
    {
        Setup s;
        s.fake.setBalance(QStringLiteral("USDT"), dec("100000"));
        QElapsedTimer timer;
        // 5xx before and after acceptance: unknown on create.
        s.fake.injectFault(FakeEndpoint::OrderCreate, FaultKind::Http5xxBeforeAccept);
        CHECK_KIND(s.exchange->createOrder(Setup::market("BTC/USDT", Side::Buy, "0.01", "Ps-1")), Kind::UnknownOutcome);
        QCOMPARE(s.fake.ordersWithClientId(QStringLiteral("Ps-1")).size(), 0);
        s.fake.injectFault(FakeEndpoint::OrderCreate, FaultKind::Http5xxAfterAccept);
        CHECK_KIND(s.exchange->createOrder(Setup::market("BTC/USDT", Side::Buy, "0.01", "Ps-2")), Kind::UnknownOutcome);
        QCOMPARE(s.fake.ordersWithClientId(QStringLiteral("Ps-2")).size(), 1);
        // -1007: execution status unknown.
        s.fake.injectFault(FakeEndpoint::OrderCreate, FaultKind::UnknownStatusAfterAccept);
        auto unknown = s.exchange->createOrder(Setup::market("BTC/USDT", Side::Buy, "0.01", "Ps-3"));
        CHECK_KIND(unknown, Kind::UnknownOutcome);
        QCOMPARE(unknown.error().exchangeCode, QStringLiteral("-1007"));
        QCOMPARE(s.fake.ordersWithClientId(QStringLiteral("Ps-3")).size(), 1);
        // A gateway's 408 page (no Binance error body) on create: unknown, not
        // rejected; the order may have reached the exchange (here it did).
        FaultRule gateway;
        gateway.endpoint = FakeEndpoint::OrderCreate;
        gateway.kind = FaultKind::Http5xxAfterAccept;
        gateway.httpStatus = 408;
        s.fake.injectFault(gateway);
        auto page = s.exchange->createOrder(Setup::market("BTC/USDT", Side::Buy, "0.01", "Ps-7"));
        CHECK_KIND(page, Kind::UnknownOutcome);
        QCOMPARE(page.error().exchangeCode, QStringLiteral("408"));
        QCOMPARE(s.fake.ordersWithClientId(QStringLiteral("Ps-7")).size(), 1);
        // 503 -1008 on create: still unknown (Binance says so); on reads: network.
        s.fake.injectFault(FakeEndpoint::OrderCreate, FaultKind::ServiceUnavailable);
        CHECK_KIND(s.exchange->createOrder(Setup::market("BTC/USDT", Side::Buy, "0.01", "Ps-4")), Kind::UnknownOutcome);
        s.fake.injectFault(FakeEndpoint::OrderQuery, FaultKind::Http5xxBeforeAccept);
        CHECK_KIND(s.exchange->fetchOrder(QStringLiteral("BTC/USDT"), QStringLiteral("Ps-2")), Kind::Network);
        s.fake.injectFault(FakeEndpoint::Balance, FaultKind::ServiceUnavailable);
        CHECK_KIND(s.exchange->fetchBalances(), Kind::Network);

        // Timeouts: unknown on create, network on reads; both end after the configured timeout.
        timer.start();
        s.fake.injectFault(FakeEndpoint::OrderCreate, FaultKind::TimeoutBeforeAccept);
        auto held = s.exchange->createOrder(Setup::market("BTC/USDT", Side::Buy, "0.01", "Ps-5"));
        CHECK_KIND(held, Kind::UnknownOutcome);
        // It ended (after the configured timeout); how long it took is reported, not
        // asserted, so that a busy machine never fails the suite.
        qInfo("a create that timed out before it was accepted ended after %lld ms",
              static_cast<long long>(timer.elapsed()));
        QCOMPARE(s.fake.ordersWithClientId(QStringLiteral("Ps-5")).size(), 0);
        s.fake.injectFault(FakeEndpoint::OrderCreate, FaultKind::TimeoutAfterAccept);
        CHECK_KIND(s.exchange->createOrder(Setup::market("BTC/USDT", Side::Buy, "0.01", "Ps-6")), Kind::UnknownOutcome);
        QCOMPARE(s.fake.ordersWithClientId(QStringLiteral("Ps-6")).size(), 1);
        s.fake.injectFault(FakeEndpoint::OrderQuery, FaultKind::TimeoutBeforeAccept);
        CHECK_KIND(s.exchange->fetchOrder(QStringLiteral("BTC/USDT"), QStringLiteral("Ps-6")), Kind::Network);
        s.fake.injectFault(FakeEndpoint::Ticker, FaultKind::TimeoutBeforeAccept);
        CHECK_KIND(s.exchange->fetchTicker(QStringLiteral("BTC/USDT")), Kind::Network);
        CHECK_OK(s.exchange->fetchOrder(QStringLiteral("BTC/USDT"), QStringLiteral("Ps-6")));
    }

    void connectionResetsAreUnknownAndNeverResent()
    {
        Setup s;
        s.fake.setBalance(QStringLiteral("USDT"), dec("100000"));
        s.fake.injectFault(FakeEndpoint::OrderCreate, FaultKind::ConnectionResetBeforeAccept);
        auto before = s.exchange->createOrder(Setup::market("BTC/USDT", Side::Buy, "0.01", "Pc-1"));
        CHECK_KIND(before, Kind::UnknownOutcome);
        QCOMPARE(s.fake.ordersWithClientId(QStringLiteral("Pc-1")).size(), 0);
        s.fake.injectFault(FakeEndpoint::OrderCreate, FaultKind::ConnectionResetAfterAccept);
        auto after = s.exchange->createOrder(Setup::market("BTC/USDT", Side::Buy, "0.01", "Pc-2"));
        CHECK_KIND(after, Kind::UnknownOutcome);
        // Exactly one order: the HTTP stack must not have sent the request again by itself.
        QCOMPARE(s.fake.ordersWithClientId(QStringLiteral("Pc-2")).size(), 1);
        QCOMPARE(s.fake.requestCount(FakeEndpoint::OrderCreate), 2);
        // Reads after a reset go through.
        s.fake.injectFault(FakeEndpoint::OrderQuery, FaultKind::ConnectionResetBeforeAccept);
        auto read = s.exchange->fetchOrder(QStringLiteral("BTC/USDT"), QStringLiteral("Pc-2"));
        QVERIFY2(read.ok() || read.error().kind == Kind::Network, qPrintable(why(read)));
        CHECK_OK(s.exchange->fetchOrder(QStringLiteral("BTC/USDT"), QStringLiteral("Pc-2")));
    }
};

QTEST_GUILESS_MAIN(TestBinanceExchange)
#include "tst_binanceexchange.moc"
