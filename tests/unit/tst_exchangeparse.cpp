// The pure readers of Binance and Kraken answers (exchange/binanceparse.h,
// exchange/krakenparse.h) on the malformed answers the fuzz targets feed
// them: each case names a bug the old in-class parsing had.
#include "exchange/binanceparse.h"
#include "exchange/krakenparse.h"

#include <QJsonDocument>
#include <QTest>
#include <QTimeZone>

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

    // The history readers (imports) are strict: what they read is stored.
    static void binanceTradeHistoryShape()
    {
        const auto page = binance::tradeHistoryFrom(QJsonDocument::fromJson(QByteArray(R"([
            {"symbol":"ETHBTC","id":28457,"orderId":100234,"orderListId":-1,"price":"0.04500000",
             "qty":"2.00000000","quoteQty":"0.09000000","commission":"0.00018000","commissionAsset":"BTC",
             "time":1700000000123,"isBuyer":false,"isMaker":true,"isBestMatch":true}])")),
                                                    QStringLiteral("ETH/BTC"));
        QVERIFY(page.ok());
        QCOMPARE(page->size(), 1);
        const auto &fill = page->first();
        QCOMPARE(fill.tradeId, QStringLiteral("28457"));
        QCOMPARE(fill.exchangeOrderId, QStringLiteral("100234"));
        QCOMPARE(fill.symbol, QStringLiteral("ETH/BTC"));
        QCOMPARE(fill.side, ballast::domain::Side::Sell);
        QCOMPARE(fill.quantity, dec("2"));
        QCOMPARE(fill.quoteQuantity, dec("0.09"));
        QCOMPARE(fill.fee, dec("0.00018"));
        QCOMPARE(fill.feeAsset, QStringLiteral("BTC"));
        QCOMPARE(fill.time.toMSecsSinceEpoch(), 1700000000123LL);
    }

    static void binanceMovementShapes()
    {
        const auto deposits = binance::movementsFrom(QJsonDocument::fromJson(QByteArray(R"([
            {"id":"769800519366885376","amount":"0.001","coin":"BNB","network":"BNB","status":1,
             "address":"bnb1abc","addressTag":"101764890","txId":"98A3EA56","insertTime":1661493146000,
             "transferType":0,"confirmTimes":"1/1","unlockConfirm":0,"walletType":0},
            {"id":"2","amount":"5","coin":"USDT","network":"TRX","status":0,"txId":"t2","insertTime":1661493147000},
            {"id":"3","amount":"5","coin":"USDT","network":"TRX","status":7,"txId":"t3","insertTime":1661493148000}])")),
                                                     ballast::exchange::Movement::Direction::Deposit);
        QVERIFY(deposits.ok());
        QCOMPARE(deposits->size(), 3);
        QCOMPARE(deposits->at(0).id, QStringLiteral("769800519366885376"));
        QCOMPARE(deposits->at(0).network, QStringLiteral("BNB"));
        QCOMPARE(deposits->at(0).txHash, QStringLiteral("98A3EA56"));
        QCOMPARE(deposits->at(0).timeMs, 1661493146000LL);
        QCOMPARE(deposits->at(0).state, ballast::exchange::Movement::State::Completed);
        QCOMPARE(deposits->at(1).state, ballast::exchange::Movement::State::Pending);
        QCOMPARE(deposits->at(2).state, ballast::exchange::Movement::State::Failed);

        const auto withdrawals = binance::movementsFrom(QJsonDocument::fromJson(QByteArray(R"([
            {"id":"b6ae22b3aa844210a7041aee7589627c","amount":"8.91000000","transactionFee":"0.004","coin":"USDT",
             "status":6,"address":"0x94df8b","txId":"0xb5ef89","applyTime":"2019-10-12 11:12:02","network":"ETH",
             "transferType":0,"info":"","confirmNo":3,"walletType":1,"txKey":"",
             "completeTime":"2023-03-23 16:52:41"},
            {"id":"x","amount":"1","transactionFee":"0","coin":"BTC","status":4,"applyTime":"2019-10-12 11:12:03"}])")),
                                                        ballast::exchange::Movement::Direction::Withdrawal);
        QVERIFY(withdrawals.ok());
        QCOMPARE(withdrawals->at(0).fee, dec("0.004"));
        QCOMPARE(withdrawals->at(0).amount, dec("8.91"));
        QCOMPARE(withdrawals->at(0).timeMs,
                 QDateTime(QDate(2019, 10, 12), QTime(11, 12, 2), QTimeZone::utc()).toMSecsSinceEpoch());
        QCOMPARE(withdrawals->at(0).state, ballast::exchange::Movement::State::Completed);
        QCOMPARE(withdrawals->at(1).state, ballast::exchange::Movement::State::Pending);
    }

    static void krakenLedgerAndTradesShapes()
    {
        const auto ledger = kraken::ledgerPageFrom(json(R"({"ledger":{
            "L4UESK-KG3EQ-UFO4T5":{"refid":"TJKLXX-PGMUI-4NTLXU","time":1688464484.1787,"type":"trade",
              "subtype":"","aclass":"currency","asset":"ZGBP","amount":"-24.5000","fee":"0.0490",
              "balance":"459567.9171"}},"count":1})"));
        QVERIFY(ledger.ok());
        QCOMPARE(ledger->count, 1);
        QCOMPARE(ledger->entries.size(), 1);
        const auto &entry = ledger->entries.first();
        QCOMPARE(entry.id, QStringLiteral("L4UESK-KG3EQ-UFO4T5"));
        QCOMPARE(entry.refid, QStringLiteral("TJKLXX-PGMUI-4NTLXU"));
        QCOMPARE(entry.asset, QStringLiteral("ZGBP"));
        QCOMPARE(entry.amount, dec("-24.5"));
        QCOMPARE(entry.fee, dec("0.049"));
        QCOMPARE(entry.timeMs, 1688464484179LL);

        const QHash<QString, QString> neutral{{QStringLiteral("XXBTZUSD"), QStringLiteral("BTC/USD")}};
        const auto trades = kraken::tradesPageFrom(json(R"({"trades":{
            "THVRQM-33VKH-UCI7BS":{"ordertxid":"OQCLML-BW3P3-BUCMWZ","postxid":"TKH2SE-M7IF5-CFI7LT",
              "pair":"XXBTZUSD","time":1688667796.8802,"type":"buy","ordertype":"limit","price":"30010.00000",
              "cost":"600.20000","fee":"0.00000","vol":"0.02000000","margin":"0.00000","misc":"",
              "trade_id":40274859,"maker":true}},"count":2346})"),
                                                   neutral);
        QVERIFY(trades.ok());
        QCOMPARE(trades->count, 2346);
        QCOMPARE(trades->fills.first().symbol, QStringLiteral("BTC/USD"));
        QCOMPARE(trades->fills.first().tradeId, QStringLiteral("THVRQM-33VKH-UCI7BS"));
        QCOMPARE(trades->fills.first().quoteQuantity, dec("600.2"));
    }

    static void malformedHistoryIsNamed_data()
    {
        QTest::addColumn<QString>("which");
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<QString>("message");
        QTest::newRow("myTrades not an array") << QStringLiteral("trades") << QByteArray(R"({"code":0})")
                                               << QStringLiteral("myTrades BTC/USDT: the answer is not a JSON array");
        QTest::newRow("myTrades qty text")
            << QStringLiteral("trades")
            << QByteArray(R"([{"id":1,"time":5,"qty":"1","price":"1","commission":"0","isBuyer":true},
                             {"id":2,"time":5,"qty":"lots","price":"1","commission":"0","isBuyer":true}])")
            << QStringLiteral("myTrades BTC/USDT, trade 2 of the page: field \"qty\" is missing or not an amount");
        QTest::newRow("myTrades no time")
            << QStringLiteral("trades") << QByteArray(R"([{"id":1,"qty":"1","price":"1","commission":"0"}])")
            << QStringLiteral("field \"time\"");
        QTest::newRow("deposit no coin") << QStringLiteral("deposits")
                                         << QByteArray(R"([{"id":"1","amount":"1","status":1,"insertTime":5}])")
                                         << QStringLiteral("deposit history, record 1 of the page: field \"coin\"");
        QTest::newRow("withdrawal time") << QStringLiteral("withdrawals")
                                         << QByteArray(R"([{"id":"1","coin":"BTC","amount":"1","transactionFee":"0",
                                                            "status":6,"applyTime":"yesterday"}])")
                                         << QStringLiteral("field \"applyTime\"");
        QTest::newRow("ledger no count") << QStringLiteral("ledger") << QByteArray(R"({"ledger":{}})")
                                         << QStringLiteral("Ledgers: the answer has no \"count\"");
        QTest::newRow("ledger amount number")
            << QStringLiteral("ledger")
            << QByteArray(R"({"count":1,"ledger":{"L1":{"refid":"R","time":1.5,"type":"deposit","asset":"ZEUR",
                                                         "amount":12.5,"fee":"0"}}})")
            << QStringLiteral("Ledgers, entry L1: field \"amount\" is missing or not an amount");
        QTest::newRow("trades bad type")
            << QStringLiteral("tradesHistory")
            << QByteArray(R"({"count":1,"trades":{"T1":{"pair":"XXBTZUSD","type":"swap","time":1.5,"vol":"1",
                                                         "price":"1","cost":"1","fee":"0"}}})")
            << QStringLiteral("TradesHistory, trade T1: field \"type\" is not buy or sell");
    }

    static void malformedHistoryIsNamed()
    {
        QFETCH(QString, which);
        QFETCH(QByteArray, body);
        QFETCH(QString, message);
        const QJsonDocument document = QJsonDocument::fromJson(body);
        QVERIFY2(!document.isNull(), "test body is not JSON");
        QString error;
        if (which == QLatin1String("trades")) {
            auto page = binance::tradeHistoryFrom(document, QStringLiteral("BTC/USDT"));
            QVERIFY(!page.ok());
            error = page.error().message();
        } else if (which == QLatin1String("deposits") || which == QLatin1String("withdrawals")) {
            auto page = binance::movementsFrom(document,
                                               which == QLatin1String("deposits")
                                                   ? ballast::exchange::Movement::Direction::Deposit
                                                   : ballast::exchange::Movement::Direction::Withdrawal);
            QVERIFY(!page.ok());
            error = page.error().message();
        } else if (which == QLatin1String("ledger")) {
            auto page = kraken::ledgerPageFrom(document.object());
            QVERIFY(!page.ok());
            error = page.error().message();
        } else {
            auto page = kraken::tradesPageFrom(document.object(), {});
            QVERIFY(!page.ok());
            error = page.error().message();
        }
        QVERIFY2(error.contains(message), qPrintable(error));
    }
};

QTEST_GUILESS_MAIN(TestExchangeParse)
#include "tst_exchangeparse.moc"
