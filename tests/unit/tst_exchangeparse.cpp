// The pure readers of Binance and Kraken answers (exchange/binanceparse.h,
// exchange/krakenparse.h) on the malformed answers the fuzz targets feed
// them: each case names a bug the old in-class parsing had.
#include "exchange/binanceparse.h"
#include "exchange/krakenparse.h"

#include <QJsonDocument>
#include <QTest>

namespace binance = ballast::exchange::binance;
namespace kraken = ballast::exchange::kraken;
using ballast::money::dec;

namespace {

QJsonObject json(const char *text)
{
    return QJsonDocument::fromJson(QByteArray(text)).object();
}

} // namespace

class TestExchangeParse : public QObject
{
    Q_OBJECT

private slots:
    // Ids and times were cast from double to qint64 unchecked: undefined
    // behaviour for 1e300 (UBSan: float-cast-overflow). Out of range now reads as 0.
    static void binanceIntegerOutOfRangeIsZero_data()
    {
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<qint64>("expected");
        QTest::newRow("ms time") << QByteArray(R"({"v": 1795996800123})") << qint64(1795996800123);
        QTest::newRow("fraction truncated") << QByteArray(R"({"v": 12.9})") << qint64(12);
        QTest::newRow("negative") << QByteArray(R"({"v": -5})") << qint64(-5);
        QTest::newRow("1e300") << QByteArray(R"({"v": 1e300})") << qint64(0);
        QTest::newRow("-1e300") << QByteArray(R"({"v": -1e300})") << qint64(0);
        QTest::newRow("2^63") << QByteArray(R"({"v": 9223372036854775808})") << qint64(0);
        QTest::newRow("string") << QByteArray(R"({"v": "7"})") << qint64(0);
        QTest::newRow("missing") << QByteArray(R"({})") << qint64(0);
    }
    static void binanceIntegerOutOfRangeIsZero()
    {
        QFETCH(QByteArray, body);
        QFETCH(qint64, expected);
        QCOMPARE(binance::integerOf(QJsonDocument::fromJson(body).object().value(QStringLiteral("v"))), expected);
    }

    static void binanceOrderWithHugeIdAndTime()
    {
        const auto order = binance::orderFrom(
            json(R"({"symbol":"BTCUSDT","orderId":1e300,"status":"NEW","transactTime":-9.3e18,"origQty":"1"})"),
            {{QStringLiteral("BTCUSDT"), QStringLiteral("BTC/USDT")}});
        QCOMPARE(order.exchangeOrderId, QStringLiteral("0"));
        QCOMPARE(order.symbol, QStringLiteral("BTC/USDT"));
        QCOMPARE(order.quantity, dec("1"));
        QCOMPARE(order.updatedAt.toMSecsSinceEpoch(), qint64(0));
    }

    // free + locked went through Balance::total(), which throws DecimalError
    // on overflow: an exception out of a connector. Now an error value.
    static void binanceBalanceOverflowIsAnError()
    {
        const auto balances = binance::balancesFrom(
            json(R"({"balances":[{"asset":"BTC","free":"1","locked":"0"},)"
                 R"({"asset":"X","free":"170141183460469231731","locked":"170141183460469231731"}]})"));
        QVERIFY(!balances.ok());
        QVERIFY2(balances.error().exchangeMessage.contains(QStringLiteral("X")),
                 qPrintable(balances.error().exchangeMessage));
    }

    static void binanceBalancesKeepNonZero()
    {
        const auto balances = binance::balancesFrom(json(
            R"({"balances":[{"asset":"BTC","free":"0.5","locked":"0.01"},{"asset":"LD","free":"0","locked":"0"}]})"));
        QVERIFY(balances.ok());
        QCOMPARE(balances->size(), 1);
        QCOMPARE(balances->first().asset, QStringLiteral("BTC"));
        QCOMPARE(balances->first().locked, dec("0.01"));
    }

    // "XXBT" and "XBT" both count as BTC; their sum used operator+=, which throws on overflow.
    static void krakenBalanceSumOverflowIsAnError()
    {
        const auto balances =
            kraken::balancesFrom(json(R"({"XXDG":"170141183460469231731","XDG":"170141183460469231731"})"));
        QVERIFY(!balances.ok());
        QVERIFY2(balances.error().exchangeMessage.contains(QStringLiteral("DOGE")),
                 qPrintable(balances.error().exchangeMessage));
    }

    static void krakenBalancesSumAliases()
    {
        const auto balances = kraken::balancesFrom(json(R"({"XXBT":"0.5","XBT":"0.1","ETH.F":"3","ZUSD":"10"})"));
        QVERIFY(balances.ok());
        QCOMPARE(balances->size(), 2);
        QCOMPARE(balances->at(0).asset, QStringLiteral("BTC"));
        QCOMPARE(balances->at(0).free, dec("0.6"));
        QCOMPARE(balances->at(1).asset, QStringLiteral("USD"));
    }

    // Seconds * 1000 were cast to qint64 unchecked (opentm 1e300: undefined behaviour).
    static void krakenHugeTimesReadAsEpoch()
    {
        const auto order = kraken::orderFrom(QStringLiteral("O1"),
                                             json(R"({"status":"open","opentm":1e300,"descr":{"pair":"XBTUSD"}})"),
                                             {{QStringLiteral("XBTUSD"), QStringLiteral("BTC/USD")}});
        QCOMPARE(order.symbol, QStringLiteral("BTC/USD"));
        QCOMPARE(order.updatedAt.toMSecsSinceEpoch(), qint64(0));
        const auto fill =
            kraken::fillFrom(QStringLiteral("T1"), json(R"({"time":-1e300,"vol":"1"})"), QStringLiteral("BTC/USD"));
        QCOMPARE(fill.time.toMSecsSinceEpoch(), qint64(0));
        QCOMPARE(kraken::serverTimeFrom(json(R"({"unixtime":1e300})")), qint64(0));
    }

    static void krakenTimesAsBefore()
    {
        // Orders truncate to the millisecond, fills round (as the connector always did).
        const auto order = kraken::orderFrom(QStringLiteral("O1"), json(R"({"opentm":1795996800.1235})"), {});
        QCOMPARE(order.updatedAt.toMSecsSinceEpoch(), qint64(1795996800123));
        const auto fill = kraken::fillFrom(QStringLiteral("T1"), json(R"({"time":1795996800.1236})"), {});
        QCOMPARE(fill.time.toMSecsSinceEpoch(), qint64(1795996800124));
        QCOMPARE(kraken::serverTimeFrom(json(R"({"unixtime":1795996800})")), qint64(1795996800000));
    }

    static void krakenEnvelope()
    {
        const auto errors = kraken::envelopeFrom(QByteArray(R"({"error":["EOrder:Insufficient funds"]})"));
        QVERIFY(errors.readable);
        QCOMPARE(errors.errors, QStringList{QStringLiteral("EOrder:Insufficient funds")});
        const auto notObject = kraken::envelopeFrom(QByteArray("[1,2]"));
        QVERIFY(!notObject.readable);
        QVERIFY(!notObject.parseError.isEmpty());
        const auto broken = kraken::envelopeFrom(QByteArray("{\"error\":"));
        QVERIFY(!broken.readable);
        QVERIFY(!broken.parseError.isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestExchangeParse)
#include "tst_exchangeparse.moc"
