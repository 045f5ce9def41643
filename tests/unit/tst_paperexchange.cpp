#include "exchange/paperexchange.h"
#include "services/ledger.h"
#include "storage/accountrepo.h"
#include "storage/pricestore.h"
#include "testsupport.h"

#include <QTest>
#include <QTimeZone>

using ballast::exchange::Balance;
using ballast::exchange::ExchangeError;
using ballast::exchange::OrderRequest;
using ballast::exchange::PaperExchange;
using ballast::money::dec;
using ballast::money::Decimal;
using namespace ballast::domain;

Q_DECLARE_METATYPE(ExchangeError::Kind)

namespace {

constexpr qint64 kNow = 1763683200000; // 2025-11-21T00:00:00Z

struct Fixture
{
    ballast::test::TempDatabase temp;
    qint64 accountId = 0;
    qint64 now = kNow;

    Fixture()
    {
        ballast::services::Ledger ledger(temp.db(), [this] { return now; });
        accountId = ledger.addAccount(QStringLiteral("paper"), QStringLiteral("paper"))->id;
        setPrice("BTC", "50000");
        setPrice("ETH", "3000");
        setPrice("DOGE", "0.2");
        auto funded =
            PaperExchange(temp.db(), accountId, QStringLiteral("USDT"), [this] {
                return now;
            }).setBalances({{QStringLiteral("USDT"), dec("10000"), {}}, {QStringLiteral("ETH"), dec("2"), {}}});
        QVERIFY(funded.ok());
    }
    void setPrice(const char *asset, const char *price)
    {
        auto stored = ballast::storage::PriceStore(temp.db()).setPrices(
            {PricePoint{QString::fromLatin1(asset), QStringLiteral("USDT"),
                        QDateTime::fromMSecsSinceEpoch(now, QTimeZone::utc()), dec(price), QStringLiteral("manual")}});
        QVERIFY(stored.ok());
    }
    PaperExchange exchange()
    {
        return PaperExchange(temp.db(), accountId, QStringLiteral("USDT"), [this] { return now; });
    }
    Decimal balance(const QString &asset)
    {
        for (const Balance &b : *exchange().fetchBalances()) {
            if (b.asset == asset)
                return b.free;
        }
        return {};
    }
};

OrderRequest market(const char *symbol, Side side, const char *quantity, const char *id)
{
    return OrderRequest{QString::fromLatin1(symbol), side, OrderType::Market, dec(quantity), {},
                        QString::fromLatin1(id)};
}

} // namespace

class TestPaperExchange : public QObject
{
    Q_OBJECT

private slots:
    void marketsFollowBinanceLikeRules()
    {
        Fixture f;
        auto markets = f.exchange().fetchMarkets();
        QVERIFY(markets.ok());
        QCOMPARE(markets->size(), 3);
        const auto &btc = markets->at(0);
        QCOMPARE(btc.symbol, QStringLiteral("BTC/USDT"));
        QCOMPARE(btc.lotStep, dec("0.00001"));
        QCOMPARE(btc.tick, dec("0.01"));
        QCOMPARE(btc.minNotional, dec("5"));
        QCOMPARE(btc.takerFee, dec("0.001"));
        QCOMPARE(markets->at(2).symbol, QStringLiteral("ETH/USDT"));
        QCOMPARE(markets->at(2).lotStep, dec("0.0001"));
    }

    void marketBuyFillsWithSlippageAndFee()
    {
        Fixture f;
        auto order = f.exchange().createOrder(market("BTC/USDT", Side::Buy, "0.1", "plan1-0"));
        QVERIFY2(order.ok(), order.ok() ? "" : qPrintable(order.error().message()));
        QCOMPARE(order->status, OrderStatus::Filled);
        // 50000 + 5 bps = 50025; notional 5002.5; fee 10 bps = 5.0025
        QCOMPARE(order->filledQuote, dec("5002.5"));
        QCOMPARE(f.balance(QStringLiteral("BTC")), dec("0.1"));
        QCOMPARE(f.balance(QStringLiteral("USDT")), dec("10000") - dec("5002.5") - dec("5.0025"));
        auto fills = f.exchange().fetchFills(QStringLiteral("BTC/USDT"));
        QVERIFY(fills.ok());
        QCOMPARE(fills->size(), 1);
        QCOMPARE(fills->first().price, dec("50025"));
        QCOMPARE(fills->first().fee, dec("5.0025"));
        QCOMPARE(fills->first().feeAsset, QStringLiteral("USDT"));
        QCOMPARE(fills->first().clientOrderId, QStringLiteral("plan1-0"));
    }

    void marketSellCreditsQuoteLessFee()
    {
        Fixture f;
        auto order = f.exchange().createOrder(market("ETH/USDT", Side::Sell, "1", "s1"));
        QVERIFY(order.ok());
        // 3000 - 5 bps = 2998.5; fee 2.9985
        QCOMPARE(f.balance(QStringLiteral("USDT")), dec("10000") + dec("2998.5") - dec("2.9985"));
        QCOMPARE(f.balance(QStringLiteral("ETH")), dec("1"));
    }

    void refusesOrdersLikeARealExchange_data()
    {
        QTest::addColumn<QString>("symbol");
        QTest::addColumn<int>("side");
        QTest::addColumn<QString>("quantity");
        QTest::addColumn<QString>("price");
        QTest::addColumn<ExchangeError::Kind>("kind");
        QTest::addColumn<QString>("code");
        QTest::addColumn<QString>("filter");
        const int buy = static_cast<int>(Side::Buy);
        const int sell = static_cast<int>(Side::Sell);
        using K = ExchangeError::Kind;
        QTest::newRow("off the lot step") << "BTC/USDT" << buy << "0.000015"
                                          << "" << K::InvalidOrder << "-1013"
                                          << "LOT_SIZE";
        QTest::newRow("below min quantity") << "BTC/USDT" << buy << "0.000001"
                                            << "" << K::InvalidOrder << "-1013"
                                            << "LOT_SIZE";
        QTest::newRow("below min notional") << "BTC/USDT" << buy << "0.00009"
                                            << "" << K::InvalidOrder << "-1013"
                                            << "NOTIONAL";
        QTest::newRow("price off tick") << "BTC/USDT" << buy << "0.001"
                                        << "49999.995" << K::InvalidOrder << "-1013"
                                        << "PRICE_FILTER";
        QTest::newRow("insufficient quote") << "BTC/USDT" << buy << "0.2"
                                            << "" << K::InsufficientFunds << "-2010"
                                            << "";
        QTest::newRow("insufficient base") << "ETH/USDT" << sell << "2.5"
                                           << "" << K::InsufficientFunds << "-2010"
                                           << "";
        QTest::newRow("unknown market") << "XYZ/USDT" << buy << "1"
                                        << "" << K::BadSymbol << "-1121"
                                        << "";
        QTest::newRow("wrong quote") << "BTC/EUR" << buy << "1"
                                     << "" << K::BadSymbol << "-1121"
                                     << "";
    }

    void refusesOrdersLikeARealExchange()
    {
        QFETCH(QString, symbol);
        QFETCH(int, side);
        QFETCH(QString, quantity);
        QFETCH(QString, price);
        QFETCH(ExchangeError::Kind, kind);
        QFETCH(QString, code);
        QFETCH(QString, filter);
        Fixture f;
        const QByteArray before = ballast::test::contentDigest(f.temp.db());
        OrderRequest request{symbol,
                             static_cast<Side>(side),
                             price.isEmpty() ? OrderType::Market : OrderType::Limit,
                             *Decimal::parse(quantity),
                             price.isEmpty() ? Decimal() : *Decimal::parse(price),
                             QStringLiteral("id-1")};
        auto order = f.exchange().createOrder(request);
        QVERIFY(!order.ok());
        QCOMPARE(order.error().kind, kind);
        QCOMPARE(order.error().exchangeCode, code);
        QCOMPARE(order.error().filter, filter);
        QCOMPARE(ballast::test::contentDigest(f.temp.db()), before);
    }

    void duplicateClientIdOnlyBlockedWhileOpen()
    {
        Fixture f;
        auto exchange = f.exchange();
        OrderRequest limit{QStringLiteral("ETH/USDT"), Side::Buy, OrderType::Limit, dec("1"), dec("2000"),
                           QStringLiteral("dup")};
        auto first = exchange.createOrder(limit);
        QVERIFY(first.ok());
        QCOMPARE(first->status, OrderStatus::Open);
        auto second = exchange.createOrder(limit);
        QVERIFY(!second.ok());
        QCOMPARE(second.error().kind, ExchangeError::Kind::DuplicateOrder);
        QCOMPARE(second.error().exchangeMessage, QStringLiteral("Duplicate order sent."));
        // Like Binance: a filled order does not block its id.
        QVERIFY(exchange.createOrder(market("ETH/USDT", Side::Sell, "0.1", "done")).ok());
        QVERIFY(exchange.createOrder(market("ETH/USDT", Side::Sell, "0.1", "done")).ok());
    }

    void limitOrderRestsLocksFundsAndFillsWhenReached()
    {
        Fixture f;
        auto exchange = f.exchange();
        OrderRequest limit{QStringLiteral("ETH/USDT"), Side::Buy, OrderType::Limit, dec("1"), dec("2900"),
                           QStringLiteral("lim")};
        auto order = exchange.createOrder(limit);
        QVERIFY(order.ok());
        QCOMPARE(order->status, OrderStatus::Open);
        QCOMPARE(f.balance(QStringLiteral("USDT")), dec("10000") - dec("2900") - dec("2.9"));
        QCOMPARE(exchange.fetchOpenOrders()->size(), 1);
        f.now += 60000;
        f.setPrice("ETH", "2850");
        auto filled = exchange.fetchOrder(QStringLiteral("ETH/USDT"), QStringLiteral("lim"));
        QVERIFY(filled.ok());
        QCOMPARE(filled->status, OrderStatus::Filled);
        QCOMPARE(f.balance(QStringLiteral("ETH")), dec("3"));
        QCOMPARE(exchange.fetchOpenOrders()->size(), 0);
        for (const Balance &b : *exchange.fetchBalances())
            QCOMPARE(b.locked, Decimal());
    }

    void cancelReleasesLockedFunds()
    {
        Fixture f;
        auto exchange = f.exchange();
        OrderRequest limit{QStringLiteral("ETH/USDT"), Side::Sell, OrderType::Limit, dec("1.5"), dec("3500"),
                           QStringLiteral("c1")};
        QVERIFY(exchange.createOrder(limit).ok());
        QCOMPARE(f.balance(QStringLiteral("ETH")), dec("0.5"));
        auto cancelled = exchange.cancelOrder(QStringLiteral("ETH/USDT"), QStringLiteral("c1"));
        QVERIFY(cancelled.ok());
        QCOMPARE(cancelled->status, OrderStatus::Cancelled);
        QCOMPARE(f.balance(QStringLiteral("ETH")), dec("2"));
        auto again = exchange.cancelOrder(QStringLiteral("ETH/USDT"), QStringLiteral("c1"));
        QVERIFY(!again.ok());
        QCOMPARE(again.error().exchangeCode, QStringLiteral("-2011"));
    }

    void unknownOrderIsNotFound()
    {
        Fixture f;
        auto order = f.exchange().fetchOrder(QStringLiteral("BTC/USDT"), QStringLiteral("nope"));
        QVERIFY(!order.ok());
        QCOMPARE(order.error().kind, ExchangeError::Kind::OrderNotFound);
        QCOMPARE(order.error().exchangeCode, QStringLiteral("-2013"));
    }

    void validateOnlyChangesNothing()
    {
        Fixture f;
        const QByteArray before = ballast::test::contentDigest(f.temp.db());
        auto order = f.exchange().validateOrder(market("BTC/USDT", Side::Buy, "0.1", "dry"));
        QVERIFY(order.ok());
        QCOMPARE(ballast::test::contentDigest(f.temp.db()), before);
    }

    void balancesPersistAcrossInstances()
    {
        Fixture f;
        QVERIFY(f.exchange().createOrder(market("DOGE/USDT", Side::Buy, "100", "d1")).ok());
        PaperExchange reopened(f.temp.db(), f.accountId, QStringLiteral("USDT"), [&f] { return f.now; });
        bool found = false;
        for (const Balance &b : *reopened.fetchBalances()) {
            if (b.asset == QLatin1String("DOGE")) {
                QCOMPARE(b.free, dec("100"));
                found = true;
            }
        }
        QVERIFY(found);
    }

    void configIsStoredPerAccount()
    {
        Fixture f;
        auto exchange = f.exchange();
        QVERIFY(exchange.setConfig({25, 15, 0}).ok());
        QCOMPARE(exchange.config().takerFeeBps, 25);
        QCOMPARE(exchange.config().slippageBps, 0);
        auto order = exchange.createOrder(market("BTC/USDT", Side::Buy, "0.01", "cfg"));
        QVERIFY(order.ok());
        QCOMPARE(order->filledQuote, dec("500"));
        QCOMPARE(f.balance(QStringLiteral("USDT")), dec("10000") - dec("500") - dec("1.25"));
    }
};

QTEST_GUILESS_MAIN(TestPaperExchange)
#include "tst_paperexchange.moc"
