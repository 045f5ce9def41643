#include "imports/krakenledger.h"
#include "imports/transactioncsv.h"
#include "transactiontostring.h"

#include <QCryptographicHash>
#include <QSet>
#include <QTest>
#include <QTimeZone>

#include <algorithm>

using ballast::domain::Side;
using ballast::domain::Transaction;
using ballast::domain::TransactionKind;
using ballast::domain::TransactionSource;
using ballast::imports::CsvFormat;
using ballast::imports::ParsedTransactions;
using ballast::money::Decimal;

namespace {

Decimal d(const char *text)
{
    return *Decimal::parse(QString::fromLatin1(text));
}

QDateTime utc(const char *iso)
{
    QDateTime t = QDateTime::fromString(QString::fromLatin1(iso), Qt::ISODateWithMs);
    t.setTimeZone(QTimeZone::utc());
    return t;
}

Transaction tx(TransactionKind kind, const char *time, const char *asset, const char *quantity)
{
    Transaction t;
    t.kind = kind;
    t.time = utc(time);
    t.asset = QString::fromLatin1(asset);
    t.quantity = d(quantity);
    t.source = TransactionSource::Import;
    return t;
}

Transaction trade(const char *time, Side side, const char *base, const char *qty, const char *quote,
                  const char *quoteAmount, const char *price)
{
    Transaction t = tx(TransactionKind::Trade, time, base, qty);
    t.side = side;
    t.quote = QString::fromLatin1(quote);
    t.quoteAmount = d(quoteAmount);
    t.price = d(price);
    return t;
}

/// The documented Binance id rule (docs/imports.md), written out here so a
/// change to it is a visible change to this test.
QString binanceId(const QStringList &rowKeys)
{
    QStringList sorted = rowKeys;
    std::sort(sorted.begin(), sorted.end());
    return QStringLiteral("binance:")
        + QString::fromLatin1(
               QCryptographicHash::hash(sorted.join(QLatin1Char('|')).toUtf8(), QCryptographicHash::Sha256)
                   .toHex()
                   .left(32));
}

ParsedTransactions parsed(CsvFormat format, const QByteArray &bytes, const char *file = "test.csv")
{
    auto result = ballast::imports::parse(format, bytes, QString::fromLatin1(file));
    if (!result.ok())
        qWarning("%s", qPrintable(result.error().message));
    return result.ok() ? *result : ParsedTransactions{};
}

QString refusal(CsvFormat format, const QByteArray &bytes, const char *file = "bad.csv")
{
    auto result = ballast::imports::parse(format, bytes, QString::fromLatin1(file));
    return result.ok() ? QStringLiteral("(accepted %1 transactions)").arg(result->transactions.size())
                       : result.error().message;
}

QByteArray kBinanceTransactions()
{
    return QByteArrayLiteral("User_ID,UTC_Time,Account,Operation,Coin,Change,Remark\n"
                             "1001,2021-03-01 10:00:00,Spot,Deposit,USDT,1000.00000000,\n"
                             "1001,2021-03-02 11:30:15,Spot,Buy,BTC,0.01000000,\n"
                             "1001,2021-03-02 11:30:15,Spot,Buy,USDT,-495.12000000,\n"
                             "1001,2021-03-02 11:30:15,Spot,Fee,BNB,-0.00230000,\n"
                             "1001,2021-03-03 09:00:00,Spot,Transaction Sold,BTC,-0.004,\n"
                             "1001,2021-03-03 09:00:00,Spot,Transaction Revenue,USDT,200,\n"
                             "1001,2021-03-03 09:00:00,Spot,Transaction Fee,USDT,-0.2,\n"
                             "1001,2021-03-04 00:00:00,Earn,Simple Earn Flexible Interest,USDT,0.01234567,\n"
                             "1001,2021-03-05 08:00:00,Spot,Transfer Between Main and Funding Wallet,USDT,"
                             "-100,\n"
                             "1001,2021-03-05 08:00:00,Funding,Transfer Between Main and Funding Wallet,"
                             "USDT,100,\n"
                             "1001,2021-03-06 12:00:00,Spot,Withdraw,BTC,-0.005,\"fee included, network "
                             "BTC\"\n");
}

QByteArray kKrakenLedgers()
{
    return QByteArrayLiteral(
        "\"txid\",\"refid\",\"time\",\"type\",\"subtype\",\"aclass\",\"asset\",\"amount\",\"fee\",\"balance\"\n"
        "\"\",\"QCAAAAA-BBBBB-CCCCCC\",\"2021-03-01 "
        "09:59:00\",\"deposit\",\"\",\"currency\",\"ZEUR\",1000.0000,0.0000,\"\"\n"
        "\"LAAAAA-AAAAA-AAAAAA\",\"QCAAAAA-BBBBB-CCCCCC\",\"2021-03-01 "
        "10:00:00\",\"deposit\",\"\",\"currency\",\"ZEUR\","
        "1000.0000,0.0000,1000.0000\n"
        "\"LBBBBB-BBBBB-BBBBBB\",\"TAAAAA-BBBBB-CCCCCC\",\"2021-03-02 11:00:00\",\"trade\",\"\",\"currency\",\"ZEUR\","
        "-400.0000,0.6400,599.3600\n"
        "\"LCCCCC-CCCCC-CCCCCC\",\"TAAAAA-BBBBB-CCCCCC\",\"2021-03-02 11:00:00\",\"trade\",\"\",\"currency\",\"XXBT\","
        "0.0100000000,0.0000000000,0.0100000000\n"
        "\"LDDDDD-DDDDD-DDDDDD\",\"TBBBBB-CCCCC-DDDDDD\",\"2021-03-03 12:00:00\",\"trade\",\"\",\"currency\",\"XETH\","
        "-0.5000000000,0.0000000000,1.0000000000\n"
        "\"LEEEEE-EEEEE-EEEEEE\",\"STAKE1-AAAAA-BBBBBB\",\"2021-03-03 "
        "12:00:00\",\"staking\",\"\",\"currency\",\"DOT.S\","
        "0.1234000000,0.0000000000,10.1234000000\n"
        "\"LFFFFF-FFFFF-FFFFFF\",\"TBBBBB-CCCCC-DDDDDD\",\"2021-03-03 12:00:00\",\"trade\",\"\",\"currency\",\"ZEUR\","
        "800.0000,1.2800,1398.0800\n"
        "\"LGGGGG-GGGGG-GGGGGG\",\"RT1AAA-BBBBB-CCCCCC\",\"2021-03-05 00:00:00\",\"transfer\",\"spottostaking\","
        "\"currency\",\"DOT\",-10.0000000000,0.0000000000,0.0000000000\n"
        "\"LHHHHH-HHHHH-HHHHHH\",\"RT2AAA-BBBBB-CCCCCC\",\"2021-03-05 00:00:05\",\"transfer\",\"stakingfromspot\","
        "\"currency\",\"DOT.S\",10.0000000000,0.0000000000,20.1234000000\n"
        "\"LIIIII-IIIII-IIIIII\",\"AWD1AA-BBBBB-CCCCCC\",\"2021-03-06 "
        "10:00:00\",\"withdrawal\",\"\",\"currency\",\"XXBT\","
        "-0.0050000000,0.0002000000,0.0048000000\n");
}

} // namespace

class TestTransactionCsv : public QObject
{
    Q_OBJECT

private slots:
    void detectsEachFormat_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<QString>("expected");
        QTest::newRow("binance transactions") << kBinanceTransactions() << "binance-transactions";
        QTest::newRow("binance trades") << QByteArray("\"Date(UTC)\",\"Pair\",\"Side\",\"Price\",\"Executed\","
                                                      "\"Amount\",\"Fee\"\n")
                                        << "binance-trades";
        QTest::newRow("binance trades, old")
            << QByteArray("Date(UTC),Market,Type,Price,Amount,Total,Fee,Fee Coin\n") << "binance-trades";
        QTest::newRow("kraken ledgers") << kKrakenLedgers() << "kraken-ledgers";
        QTest::newRow("kraken trades") << QByteArray("txid,ordertxid,pair,time,type,ordertype,price,cost,fee,vol,"
                                                     "margin,misc,ledgers\n")
                                       << "kraken-trades";
        QTest::newRow("coinbase after preamble")
            << QByteArray("\nTransactions\nUser,Jane,abc\n\nID,Timestamp,Transaction Type,Asset,Quantity Transacted,"
                          "Price Currency,Price at Transaction,Subtotal,Total (inclusive of fees and/or spread),"
                          "Fees and/or Spread,Notes\n")
            << "coinbase";
        QTest::newRow("utf-8 byte order mark")
            << QByteArray("\xEF\xBB\xBF") + kBinanceTransactions() << "binance-transactions";
    }

    void detectsEachFormat()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(QString, expected);
        const auto format = ballast::imports::detectFormat(bytes, QStringLiteral("x.csv"));
        QVERIFY2(format.ok(), qPrintable(format.ok() ? QString() : format.error().message));
        QCOMPARE(ballast::imports::formatName(*format), expected);
    }

    void unknownHeaderListsTheExpectedOnes()
    {
        const auto format = ballast::imports::detectFormat("Date,What,How much\n2021-01-01,x,1\n",
                                                           QStringLiteral("mystery.csv"), QStringLiteral("binance"));
        QVERIFY(!format.ok());
        const QString message = format.error().message;
        QVERIFY2(message.startsWith(QStringLiteral("mystery.csv: not a known export; its first line is \"Date, What, "
                                                   "How much\"")),
                 qPrintable(message));
        QVERIFY2(message.contains(QStringLiteral("UTC_Time, Operation, Coin, Change")), qPrintable(message));
        QVERIFY2(message.contains(QStringLiteral("Date(UTC), Market, Type, Price, Amount, Total, Fee, Fee Coin")),
                 qPrintable(message));
        QVERIFY2(!message.contains(QStringLiteral("txid")), qPrintable(message)); // binance only
    }

    void refusesEncodings_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<QString>("expected");
        QTest::newRow("utf-16 with mark") << QByteArray("\xFF\xFEU\0T\0C\0", 8) << "bad.csv: is UTF-16";
        QTest::newRow("utf-16 without mark")
            << QByteArray("U\0T\0C\0_\0T\0i\0m\0e\0,\0O\0", 20) << "bad.csv: looks like UTF-16 text";
        QTest::newRow("nul byte") << QByteArray("UTC_Time,Operation,Coin,Change\n2021-01-01 00:00:00,Deposit,B\0TC,1\n",
                                                65)
                                  << "bad.csv: contains a NUL byte (byte 61, line 2)";
        QTest::newRow("not utf-8") << QByteArray("UTC_Time,Operation,Coin,Change\n2021-01-01 00:00:00,Deposit,\xE9,1\n")
                                   << "bad.csv: line 2 is not valid UTF-8";
    }

    void refusesEncodings()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(QString, expected);
        const QString message = refusal(CsvFormat::BinanceTransactions, bytes);
        QVERIFY2(message.startsWith(expected), qPrintable(message));
        QVERIFY(!ballast::imports::detectFormat(bytes, QStringLiteral("bad.csv")).ok());
    }

    void binanceTransactionHistory()
    {
        const auto out = parsed(CsvFormat::BinanceTransactions, kBinanceTransactions());
        QVERIFY(out.warnings.isEmpty());
        QCOMPARE(out.transactions.size(), 7);

        Transaction deposit = tx(TransactionKind::Deposit, "2021-03-01T10:00:00Z", "USDT", "1000");
        deposit.externalId = binanceId({QStringLiteral("2021-03-01T10:00:00Z|Spot|Deposit|USDT|1000")});
        QCOMPARE(out.transactions[0], deposit);

        Transaction buy = trade("2021-03-02T11:30:15Z", Side::Buy, "BTC", "0.01", "USDT", "495.12", "49512");
        buy.fee = d("0.0023");
        buy.feeAsset = QStringLiteral("BNB");
        buy.externalId = binanceId({QStringLiteral("2021-03-02T11:30:15Z|Spot|Buy|BTC|0.01"),
                                    QStringLiteral("2021-03-02T11:30:15Z|Spot|Buy|USDT|-495.12"),
                                    QStringLiteral("2021-03-02T11:30:15Z|Spot|Fee|BNB|-0.0023")});
        QCOMPARE(out.transactions[1], buy);

        Transaction sell = trade("2021-03-03T09:00:00Z", Side::Sell, "BTC", "0.004", "USDT", "200", "50000");
        sell.fee = d("0.2");
        sell.feeAsset = QStringLiteral("USDT");
        sell.externalId = binanceId({QStringLiteral("2021-03-03T09:00:00Z|Spot|Transaction Sold|BTC|-0.004"),
                                     QStringLiteral("2021-03-03T09:00:00Z|Spot|Transaction Revenue|USDT|200"),
                                     QStringLiteral("2021-03-03T09:00:00Z|Spot|Transaction Fee|USDT|-0.2")});
        QCOMPARE(out.transactions[2], sell);

        Transaction interest = tx(TransactionKind::Income, "2021-03-04T00:00:00Z", "USDT", "0.01234567");
        interest.subkind = QStringLiteral("interest");
        interest.externalId =
            binanceId({QStringLiteral("2021-03-04T00:00:00Z|Earn|Simple Earn Flexible Interest|USDT|0.01234567")});
        QCOMPARE(out.transactions[3], interest);

        Transaction moveOut = tx(TransactionKind::TransferOut, "2021-03-05T08:00:00Z", "USDT", "100");
        moveOut.note = QStringLiteral("Transfer Between Main and Funding Wallet");
        moveOut.externalId =
            binanceId({QStringLiteral("2021-03-05T08:00:00Z|Spot|Transfer Between Main and Funding Wallet|USDT|-100")});
        QCOMPARE(out.transactions[4], moveOut);
        Transaction moveIn = moveOut;
        moveIn.kind = TransactionKind::TransferIn;
        moveIn.externalId = binanceId(
            {QStringLiteral("2021-03-05T08:00:00Z|Funding|Transfer Between Main and Funding Wallet|USDT|100")});
        QCOMPARE(out.transactions[5], moveIn);

        Transaction withdrawal = tx(TransactionKind::Withdrawal, "2021-03-06T12:00:00Z", "BTC", "0.005");
        withdrawal.note = QStringLiteral("fee included, network BTC");
        withdrawal.externalId = binanceId({QStringLiteral("2021-03-06T12:00:00Z|Spot|Withdraw|BTC|-0.005")});
        QCOMPARE(out.transactions[6], withdrawal);

        for (const Transaction &t : out.transactions) {
            QCOMPARE(t.accountId, 0);
            QCOMPARE(t.time.offsetFromUtc(), 0);
        }
    }

    void binanceIdsAreStableAcrossReimportsAndOrder()
    {
        const auto first = parsed(CsvFormat::BinanceTransactions, kBinanceTransactions());
        const auto again = parsed(CsvFormat::BinanceTransactions, kBinanceTransactions());
        QCOMPARE(again.transactions, first.transactions);

        // The same rows newest first (as Binance writes them): the same ids.
        QList<QByteArray> lines = kBinanceTransactions().split('\n');
        lines.removeAll(QByteArray());
        const QByteArray header = lines.takeFirst();
        std::reverse(lines.begin(), lines.end());
        const auto reversed = parsed(CsvFormat::BinanceTransactions, header + '\n' + lines.join('\n'));
        QStringList idsFirst;
        QStringList idsReversed;
        for (const Transaction &t : first.transactions)
            idsFirst.append(t.externalId);
        for (const Transaction &t : reversed.transactions)
            idsReversed.append(t.externalId);
        idsFirst.sort();
        idsReversed.sort();
        QCOMPARE(idsReversed, idsFirst);
        QCOMPARE(QSet<QString>(idsFirst.begin(), idsFirst.end()).size(), idsFirst.size());
    }

    void binanceIdenticalRowsGetDistinctIds()
    {
        const QByteArray bytes = "UTC_Time,Account,Operation,Coin,Change,Remark\n"
                                 "2021-03-04 00:00:00,Earn,Staking Rewards,DOT,0.5,\n"
                                 "2021-03-04 00:00:00,Earn,Staking Rewards,DOT,0.5,\n";
        const auto out = parsed(CsvFormat::BinanceTransactions, bytes);
        QCOMPARE(out.transactions.size(), 2);
        QCOMPARE(out.transactions[0].externalId,
                 binanceId({QStringLiteral("2021-03-04T00:00:00Z|Earn|Staking Rewards|DOT|0.5")}));
        QCOMPARE(out.transactions[1].externalId,
                 binanceId({QStringLiteral("2021-03-04T00:00:00Z|Earn|Staking Rewards|DOT|0.5#2")}));
        QCOMPARE(out.transactions[1].subkind, QStringLiteral("staking"));
    }

    void binanceUnpairedTradeRowsStayBalanced()
    {
        // Dust to BNB: two coins out, one in, at one time.
        const QByteArray bytes = "UTC_Time,Account,Operation,Coin,Change,Remark\n"
                                 "21-03-07 10:00:00,Spot,Small assets exchange BNB,SHIB,-1000,\n"
                                 "21-03-07 10:00:00,Spot,Small assets exchange BNB,XRP,-0.5,\n"
                                 "21-03-07 10:00:00,Spot,Small assets exchange BNB,BNB,0.001,\n"
                                 "21-03-08 10:00:00,Spot,Fee,BNB,-0.0001,\n";
        const auto out = parsed(CsvFormat::BinanceTransactions, bytes);
        QCOMPARE(out.transactions.size(), 4);
        // A fee row with no trade rows beside it is a fee, without a warning.
        Transaction fee = tx(TransactionKind::Fee, "2021-03-08T10:00:00Z", "BNB", "0.0001");
        fee.externalId = binanceId({QStringLiteral("2021-03-08T10:00:00Z|Spot|Fee|BNB|-0.0001")});
        QCOMPARE(out.transactions[3], fee);
        QCOMPARE(out.warnings.size(), 1);
        QVERIFY2(out.warnings[0].startsWith(QStringLiteral("test.csv: line 2: the trade rows at 2021-03-07T10:00:00Z "
                                                           "could not be paired")),
                 qPrintable(out.warnings[0]));
        QCOMPARE(out.transactions[0].kind, TransactionKind::Adjustment);
        QCOMPARE(out.transactions[0].quantity, d("-1000"));
        QCOMPARE(out.transactions[0].unexplained, true);
        QCOMPARE(out.transactions[0].time, utc("2021-03-07T10:00:00Z")); // two-digit year is 20YY
        QCOMPARE(out.transactions[2].quantity, d("0.001"));
    }

    void binanceTradeHistoryVariants_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<QString>("fee");
        QTest::addColumn<QString>("feeAsset");
        QTest::newRow("Pair, Side, Executed") << QByteArray("\"Date(UTC)\",\"Pair\",\"Side\",\"Price\",\"Executed\","
                                                            "\"Amount\",\"Fee\"\n"
                                                            "\"2021-05-01 12:00:00\",\"ETHUSDT\",\"SELL\",\"2,900.50\","
                                                            "\"0.2000ETH\",\"580.10USDT\",\"0.58010000USDT\"\n")
                                              << "0.5801"
                                              << "USDT";
        QTest::newRow("Market, Type, Fee Coin") << QByteArray("Date(UTC),Market,Type,Price,Amount,Total,Fee,Fee Coin\n"
                                                              "2021-05-01 12:00:00,ETHUSDT,SELL,2900.50,0.2,580.10,"
                                                              "0.5801,USDT\n")
                                                << "0.5801"
                                                << "USDT";
        QTest::newRow("Base Asset, Quote Asset")
            << QByteArray("Date(UTC),Pair,Base Asset,Quote Asset,Type,Price,Amount,Total,Fee,Fee Coin\n"
                          "2021-05-01 12:00:00,ETHUSDT,ETH,USDT,SELL,2900.50,0.2,580.10,0,\n")
            << "0"
            << "";
    }

    void binanceTradeHistoryVariants()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(QString, fee);
        QFETCH(QString, feeAsset);
        const auto format = ballast::imports::detectFormat(bytes, QStringLiteral("t.csv"));
        QVERIFY(format.ok());
        QCOMPARE(*format, CsvFormat::BinanceTrades);
        const auto out = parsed(CsvFormat::BinanceTrades, bytes);
        QCOMPARE(out.transactions.size(), 1);
        const Transaction &got = out.transactions[0];
        Transaction expected = trade("2021-05-01T12:00:00Z", Side::Sell, "ETH", "0.2", "USDT", "580.10", "2900.50");
        expected.fee = *Decimal::parse(fee);
        expected.feeAsset = feeAsset;
        expected.externalId = got.externalId;
        QCOMPARE(got, expected);
        QVERIFY(got.externalId.startsWith(QStringLiteral("binance-trade:")));
        QCOMPARE(parsed(CsvFormat::BinanceTrades, bytes).transactions[0].externalId, got.externalId);
    }

    void binanceTradePairMustMatchItsAssets()
    {
        const QByteArray bytes = "Date(UTC),Pair,Side,Price,Executed,Amount,Fee\n"
                                 "2021-05-01 12:00:00,BTCUSDT,BUY,50000,0.1ETH,5000USDT,1BNB\n";
        QCOMPARE(refusal(CsvFormat::BinanceTrades, bytes),
                 QStringLiteral("bad.csv: line 2, column 2 \"Pair\": \"BTCUSDT\" does not match the assets of Executed "
                                "(ETH) and Amount (USDT)"));
    }

    void krakenLedgersPairTradesByRefid()
    {
        const auto out = parsed(CsvFormat::KrakenLedgers, kKrakenLedgers(), "ledgers.csv");
        QCOMPARE(out.transactions.size(), 7);
        QCOMPARE(out.warnings,
                 QStringList{QStringLiteral("ledgers.csv: 1 rows without a txid (pending entries Kraken repeats once "
                                            "booked) left out")});

        Transaction deposit = tx(TransactionKind::Deposit, "2021-03-01T10:00:00Z", "EUR", "1000");
        deposit.externalId = QStringLiteral("LAAAAA-AAAAA-AAAAAA");
        QCOMPARE(out.transactions[0], deposit);

        Transaction buy = trade("2021-03-02T11:00:00Z", Side::Buy, "BTC", "0.01", "EUR", "400", "40000");
        buy.fee = d("0.64");
        buy.feeAsset = QStringLiteral("EUR");
        buy.externalId = QStringLiteral("BTC/EUR:TAAAAA-BBBBB-CCCCCC");
        QCOMPARE(out.transactions[1], buy);

        // The two rows of this trade are not adjacent: paired by refid.
        Transaction sell = trade("2021-03-03T12:00:00Z", Side::Sell, "ETH", "0.5", "EUR", "800", "1600");
        sell.fee = d("1.28");
        sell.feeAsset = QStringLiteral("EUR");
        sell.externalId = QStringLiteral("ETH/EUR:TBBBBB-CCCCC-DDDDDD");
        QCOMPARE(out.transactions[2], sell);

        Transaction staking = tx(TransactionKind::Income, "2021-03-03T12:00:00Z", "DOT", "0.1234");
        staking.subkind = QStringLiteral("staking");
        staking.externalId = QStringLiteral("LEEEEE-EEEEE-EEEEEE");
        QCOMPARE(out.transactions[3], staking);

        Transaction toStaking = tx(TransactionKind::TransferOut, "2021-03-05T00:00:00Z", "DOT", "10");
        toStaking.note = QStringLiteral("kraken transfer spottostaking");
        toStaking.externalId = QStringLiteral("LGGGGG-GGGGG-GGGGGG");
        QCOMPARE(out.transactions[4], toStaking);
        Transaction staked = tx(TransactionKind::TransferIn, "2021-03-05T00:00:05Z", "DOT", "10");
        staked.note = QStringLiteral("kraken transfer stakingfromspot");
        staked.externalId = QStringLiteral("LHHHHH-HHHHH-HHHHHH");
        QCOMPARE(out.transactions[5], staked);

        Transaction withdrawal = tx(TransactionKind::Withdrawal, "2021-03-06T10:00:00Z", "BTC", "0.005");
        withdrawal.fee = d("0.0002");
        withdrawal.feeAsset = QStringLiteral("BTC");
        withdrawal.externalId = QStringLiteral("LIIIII-IIIII-IIIIII");
        QCOMPARE(out.transactions[6], withdrawal);
    }

    void krakenLedgersKeepWhatTheyCannotPair()
    {
        const QByteArray bytes =
            QByteArrayLiteral("txid,refid,time,type,subtype,aclass,asset,amount,fee,balance\n"
                              // Buy Crypto: spend and receive, the fee in a third asset (KFEE credits).
                              "L1,R1,2022-01-01 10:00:00,spend,,currency,ZEUR,-100.0000,1.5000,0\n"
                              "L2,R1,2022-01-01 10:00:00,receive,,currency,ADA,80.00000000,0,80\n"
                              "L3,R1,2022-01-01 10:00:00,trade,,currency,KFEE,0.00,120.00,880.00\n"
                              // A margin settlement: kept, signed, to classify.
                              "L4,R2,2022-01-02 10:00:00,margin,,currency,XXBT,-0.0100000000,0.0001000000,0\n"
                              // A refid with only one side.
                              "L5,R3,2022-01-03 10:00:00,trade,,currency,XETH,0.2,0,0.2\n"
                              // A rollover: a fee.
                              "L6,R4,2022-01-04 10:00:00,rollover,,currency,ZUSD,0.0000,0.0200,0\n");
        const auto out = parsed(CsvFormat::KrakenLedgers, bytes);
        QCOMPARE(out.transactions.size(), 5);

        Transaction buy = trade("2022-01-01T10:00:00Z", Side::Buy, "ADA", "80", "EUR", "100", "1.25");
        buy.fee = d("1.5");
        buy.feeAsset = QStringLiteral("EUR");
        buy.externalId = QStringLiteral("ADA/EUR:R1");
        QCOMPARE(out.transactions[0], buy);
        Transaction kfee = tx(TransactionKind::Fee, "2022-01-01T10:00:00Z", "KFEE", "120");
        kfee.externalId = QStringLiteral("R1:fee:KFEE");
        QCOMPARE(out.transactions[1], kfee);

        Transaction margin = tx(TransactionKind::Adjustment, "2022-01-02T10:00:00Z", "BTC", "-0.0101");
        margin.unexplained = true;
        margin.note = QStringLiteral("kraken margin");
        margin.externalId = QStringLiteral("L4");
        QCOMPARE(out.transactions[2], margin);

        QCOMPARE(out.transactions[3].kind, TransactionKind::Adjustment);
        QCOMPARE(out.transactions[3].quantity, d("0.2"));
        QCOMPARE(out.transactions[3].unexplained, true);

        Transaction rollover = tx(TransactionKind::Fee, "2022-01-04T10:00:00Z", "USD", "0.02");
        rollover.externalId = QStringLiteral("L6");
        QCOMPARE(out.transactions[4], rollover);

        QCOMPARE(out.warnings.size(), 2);
        QVERIFY2(out.warnings[0].startsWith(QStringLiteral("test.csv: line 6: the 1 rows of refid R3")),
                 qPrintable(out.warnings[0]));
        QVERIFY2(out.warnings[1].startsWith(QStringLiteral("test.csv: 2 rows")), qPrintable(out.warnings[1]));
    }

    void krakenAssetCodes_data()
    {
        QTest::addColumn<QString>("code");
        QTest::addColumn<QString>("symbol");
        QTest::newRow("XXBT") << "XXBT"
                              << "BTC";
        QTest::newRow("XBT.M") << "XBT.M"
                               << "BTC";
        QTest::newRow("XETH") << "XETH"
                              << "ETH";
        QTest::newRow("ETH2.S") << "ETH2.S"
                                << "ETH";
        QTest::newRow("ZUSD") << "ZUSD"
                              << "USD";
        QTest::newRow("XXDG") << "XXDG"
                              << "DOGE";
        QTest::newRow("DOT.S") << "DOT.S"
                               << "DOT";
        QTest::newRow("USDT") << "USDT"
                              << "USDT";
    }

    void krakenAssetCodes()
    {
        QFETCH(QString, code);
        QFETCH(QString, symbol);
        const QByteArray bytes = "txid,refid,time,type,subtype,aclass,asset,amount,fee,balance\n"
                                 "L1,R1,2021-03-01 10:00:00,deposit,,currency,"
            + code.toUtf8() + ",1,0,1\n";
        const auto out = parsed(CsvFormat::KrakenLedgers, bytes);
        QCOMPARE(out.transactions.size(), 1);
        QCOMPARE(out.transactions[0].asset, symbol);
    }

    void krakenTradesMatchLedgerIds()
    {
        const QByteArray trades =
            "\"txid\",\"ordertxid\",\"pair\",\"time\",\"type\",\"ordertype\",\"price\",\"cost\",\"fee\",\"vol\","
            "\"margin\",\"misc\",\"ledgers\"\n"
            "\"TAAAAA-BBBBB-CCCCCC\",\"OAAAAA-BBBBB-CCCCCC\",\"XXBTZEUR\",\"2021-03-02 11:00:00\",\"buy\",\"limit\","
            "40000.0,400.00000,0.64000,0.01000000,0.00000,\"\",\"LBBBBB-BBBBB-BBBBBB,LCCCCC-CCCCC-CCCCCC\"\n"
            "\"TCCCCC-DDDDD-EEEEEE\",\"OCCCCC-DDDDD-EEEEEE\",\"DOTUSD\",\"2021-03-04 08:00:00\",\"sell\",\"market\","
            "30.5,305.0,0.5,10.0,0.0,\"\",\"\"\n"
            "\"TDDDDD-EEEEE-FFFFFF\",\"ODDDDD-EEEEE-FFFFFF\",\"ADA/EUR\",\"2021-03-04 "
            "09:00:00.1234\",\"buy\",\"limit\","
            "1.2,120,0,100,0,\"\",\"\"\n";
        const auto out = parsed(CsvFormat::KrakenTrades, trades, "trades.csv");
        QCOMPARE(out.transactions.size(), 3);
        Transaction buy = trade("2021-03-02T11:00:00Z", Side::Buy, "BTC", "0.01", "EUR", "400", "40000");
        buy.fee = d("0.64");
        buy.feeAsset = QStringLiteral("EUR");
        buy.externalId = QStringLiteral("BTC/EUR:TAAAAA-BBBBB-CCCCCC");
        buy.note = QStringLiteral("order OAAAAA-BBBBB-CCCCCC limit");
        QCOMPARE(out.transactions[0], buy);
        Transaction sell = trade("2021-03-04T08:00:00Z", Side::Sell, "DOT", "10", "USD", "305", "30.5");
        sell.fee = d("0.5");
        sell.feeAsset = QStringLiteral("USD");
        sell.externalId = QStringLiteral("DOT/USD:TCCCCC-DDDDD-EEEEEE");
        sell.note = QStringLiteral("order OCCCCC-DDDDD-EEEEEE market");
        QCOMPARE(out.transactions[1], sell);
        QCOMPARE(out.transactions[2].asset, QStringLiteral("ADA"));
        QCOMPARE(out.transactions[2].quote, QStringLiteral("EUR"));
        QCOMPARE(out.transactions[2].time, utc("2021-03-04T09:00:00.123Z")); // finer than milliseconds: truncated
        QCOMPARE(out.warnings.size(), 1); // fees are estimates

        // The same trade from ledgers.csv carries the same external id.
        const auto ledgers = parsed(CsvFormat::KrakenLedgers, kKrakenLedgers());
        QCOMPARE(ledgers.transactions[1].externalId, out.transactions[0].externalId);
    }

    void coinbaseReportWithIds()
    {
        const QByteArray bytes =
            "Transactions\n"
            "User,Jane Doe,00000000-aaaa-bbbb-cccc-000000000000\n"
            "ID,Timestamp,Transaction Type,Asset,Quantity Transacted,Price Currency,Price at Transaction,Subtotal,"
            "Total (inclusive of fees and/or spread),Fees and/or Spread,Notes\n"
            "65a1,2024-01-15 12:34:56 UTC,Buy,BTC,0.001,USD,$43250.00,$43.25,$44.74,$1.49,Bought 0.001 BTC for $44.74 "
            "USD\n"
            "65a2,2024-01-16 08:00:00 UTC,Sell,BTC,-0.0005,USD,\"$44,000.00\",$22.00,$21.50,$0.50,Sold 0.0005 BTC\n"
            "65a3,2024-01-17 09:00:00 UTC,Convert,ETH,-0.01,USD,$2500.00,$25.00,$25.00,$0.00,Converted 0.01 ETH to "
            "24.9 USDC\n"
            "65a4,2024-01-18 00:00:00 UTC,Staking Income,ETH,0.0001,USD,$2500.00,$0.25,$0.25,$0.00,\n"
            "65a5,2024-01-19 10:00:00 UTC,Send,BTC,-0.0002,USD,$44000.00,$8.80,$8.80,$0.00,Sent to an address\n"
            "65a6,2024-01-20 11:00:00 UTC,Advanced Trade Buy,ETH,0.02,USD,$2501.00,$50.02,$50.12,$0.10,Bought 0.02 "
            "ETH for 50.02 USDC on ETH-USDC at 2501.00 USDC/ETH\n"
            "65a7,2024-01-21 12:00:00 UTC,Deposit,USD,100,USD,$1.00,$100.00,$100.00,$0.00,\n";
        QCOMPARE(*ballast::imports::detectFormat(bytes, QStringLiteral("cb.csv")), CsvFormat::Coinbase);
        const auto out = parsed(CsvFormat::Coinbase, bytes);
        QCOMPARE(out.transactions.size(), 7);

        Transaction buy = trade("2024-01-15T12:34:56Z", Side::Buy, "BTC", "0.001", "USD", "43.25", "43250");
        buy.fee = d("1.49");
        buy.feeAsset = QStringLiteral("USD");
        buy.externalId = QStringLiteral("65a1");
        buy.note = QStringLiteral("Bought 0.001 BTC for $44.74 USD");
        QCOMPARE(out.transactions[0], buy);

        Transaction sell = trade("2024-01-16T08:00:00Z", Side::Sell, "BTC", "0.0005", "USD", "22", "44000");
        sell.fee = d("0.5");
        sell.feeAsset = QStringLiteral("USD");
        sell.externalId = QStringLiteral("65a2");
        sell.note = QStringLiteral("Sold 0.0005 BTC");
        QCOMPARE(out.transactions[1], sell);

        Transaction convert = trade("2024-01-17T09:00:00Z", Side::Sell, "ETH", "0.01", "USDC", "24.9", "2490");
        convert.externalId = QStringLiteral("65a3");
        convert.note = QStringLiteral("Converted 0.01 ETH to 24.9 USDC");
        QCOMPARE(out.transactions[2], convert);

        Transaction staking = tx(TransactionKind::Income, "2024-01-18T00:00:00Z", "ETH", "0.0001");
        staking.subkind = QStringLiteral("staking");
        staking.price = d("2500");
        staking.externalId = QStringLiteral("65a4");
        QCOMPARE(out.transactions[3], staking);

        Transaction send = tx(TransactionKind::Withdrawal, "2024-01-19T10:00:00Z", "BTC", "0.0002");
        send.price = d("44000");
        send.externalId = QStringLiteral("65a5");
        send.note = QStringLiteral("Sent to an address");
        QCOMPARE(out.transactions[4], send);

        Transaction advanced = trade("2024-01-20T11:00:00Z", Side::Buy, "ETH", "0.02", "USDC", "0", "2501");
        advanced.externalId = QStringLiteral("65a6");
        advanced.note = QStringLiteral("Bought 0.02 ETH for 50.02 USDC on ETH-USDC at 2501.00 USDC/ETH (fee 0.1 USD "
                                       "as reported by Coinbase)");
        QCOMPARE(out.transactions[5], advanced);

        Transaction cash = tx(TransactionKind::Deposit, "2024-01-21T12:00:00Z", "USD", "100");
        cash.price = d("1");
        cash.externalId = QStringLiteral("65a7");
        QCOMPARE(out.transactions[6], cash);
    }

    void coinbaseOldReportWithoutIds()
    {
        const QByteArray bytes =
            "You can use this transaction report to inform your likely tax obligations.\n"
            "\n"
            "Transactions\n"
            "User,Jane Doe\n"
            "\n"
            "Timestamp,Transaction Type,Asset,Quantity Transacted,Spot Price Currency,Spot Price at Transaction,"
            "Subtotal,Total (inclusive of fees and/or spread),Fees and/or Spread,Notes\n"
            "2021-03-01T10:00:00Z,Receive,BTC,0.1,EUR,40000.00,,,,Received 0.1 BTC from an external account\n"
            "2021-03-02T10:00:00Z,Rewards Income,XLM,10,EUR,0.30,3.00,3.00,,\n";
        const auto out = parsed(CsvFormat::Coinbase, bytes);
        QCOMPARE(out.transactions.size(), 2);
        Transaction receive = tx(TransactionKind::Deposit, "2021-03-01T10:00:00Z", "BTC", "0.1");
        receive.price = d("40000");
        receive.note = QStringLiteral("Received 0.1 BTC from an external account");
        receive.externalId = out.transactions[0].externalId;
        QCOMPARE(out.transactions[0], receive);
        QVERIFY(receive.externalId.startsWith(QStringLiteral("coinbase:")));
        QCOMPARE(out.transactions[1].subkind, QStringLiteral("reward"));
        QVERIFY(out.transactions[1].externalId != receive.externalId);
        QCOMPARE(parsed(CsvFormat::Coinbase, bytes).transactions, out.transactions);

        // Windows line ends read the same.
        QByteArray crlf = bytes;
        crlf.replace("\n", "\r\n");
        QCOMPARE(parsed(CsvFormat::Coinbase, crlf).transactions, out.transactions);
    }

    void coinbaseOldestReportNamesTheCurrencyInItsHeader()
    {
        const QByteArray bytes = QByteArrayLiteral(
            "Transactions\nUser,Jane Doe\n\n"
            "Timestamp,Transaction Type,Asset,Quantity Transacted,USD Spot Price at Transaction,USD Subtotal,"
            "USD Total (inclusive of fees),USD Fees,Notes\n"
            "2020-06-01T10:00:00Z,Buy,ETH,0.5,230.00,115.00,116.99,1.99,Bought 0.5 ETH\n");
        const auto out = parsed(CsvFormat::Coinbase, bytes);
        QCOMPARE(out.transactions.size(), 1);
        Transaction buy = trade("2020-06-01T10:00:00Z", Side::Buy, "ETH", "0.5", "USD", "115", "230");
        buy.fee = d("1.99");
        buy.feeAsset = QStringLiteral("USD");
        buy.note = QStringLiteral("Bought 0.5 ETH");
        buy.externalId = out.transactions[0].externalId;
        QCOMPARE(out.transactions[0], buy);
    }

    void quotedCellsMaySpanLines()
    {
        const QByteArray head = QByteArrayLiteral(
            "Timestamp,Transaction Type,Asset,Quantity Transacted,Spot Price Currency,Spot Price at Transaction,"
            "Subtotal,Total (inclusive of fees and/or spread),Fees and/or Spread,Notes\n"
            "2015-10-06T10:00:00Z,Buy,BTC,1.0,USD,247.26,247.26,249.73,2.47,\"Bought 1.0000 BTC for $249.73 USD.\n"
            "\n"
            "Paid for with \"\"Bank\"\", arriving Tuesday.\"\n");
        const auto out = parsed(CsvFormat::Coinbase, head);
        QCOMPARE(out.transactions.size(), 1);
        QCOMPARE(out.transactions[0].note,
                 QStringLiteral("Bought 1.0000 BTC for $249.73 USD.\n\nPaid for with \"Bank\", arriving Tuesday."));
        // Lines are still counted as the file has them.
        const QString message =
            refusal(CsvFormat::Coinbase, head + QByteArrayLiteral("2015-10-07T10:00:00Z,Buy,BTC,x,USD,1,1,1,0,\n"));
        QVERIFY2(message.startsWith(QStringLiteral("bad.csv: line 5, column 4 \"Quantity Transacted\" \"x\"")),
                 qPrintable(message));
    }

    void byteOrderMarkReadsTheSame()
    {
        const auto plain = parsed(CsvFormat::BinanceTransactions, kBinanceTransactions());
        const auto marked =
            parsed(CsvFormat::BinanceTransactions, QByteArrayLiteral("\xEF\xBB\xBF") + kBinanceTransactions());
        QCOMPARE(marked.transactions, plain.transactions);
        QCOMPARE(marked.transactions.size(), 7);
    }

    void refusalsNameFileLineAndColumn_data()
    {
        QTest::addColumn<int>("format");
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<QString>("expected");
        QTest::newRow("bad number") << int(CsvFormat::BinanceTransactions)
                                    << QByteArray("UTC_Time,Account,Operation,Coin,Change,Remark\n"
                                                  "2021-03-01 10:00:00,Spot,Deposit,USDT,1000,\n"
                                                  "2021-03-01 10:00:01,Spot,Deposit,USDT,1.2.3,\n")
                                    << "bad.csv: line 3, column 5 \"Change\" \"1.2.3\": is not a number";
        QTest::newRow("exponent") << int(CsvFormat::BinanceTransactions)
                                  << QByteArray("UTC_Time,Account,Operation,Coin,Change,Remark\n"
                                                "2021-03-01 10:00:00,Spot,Deposit,USDT,1e3,\n")
                                  << "bad.csv: line 2, column 5 \"Change\" \"1e3\":";
        QTest::newRow("unknown operation")
            << int(CsvFormat::BinanceTransactions)
            << QByteArray("UTC_Time,Account,Operation,Coin,Change,Remark\n"
                          "2021-03-01 10:00:00,Spot,Teleport,USDT,1,\n")
            << "bad.csv: line 2, column 3 \"Operation\": \"Teleport\" is not a Binance operation Ballast reads";
        QTest::newRow("deposit with a negative change")
            << int(CsvFormat::BinanceTransactions)
            << QByteArray("UTC_Time,Account,Operation,Coin,Change,Remark\n"
                          "2021-03-01 10:00:00,Spot,Deposit,USDT,-1,\n")
            << "bad.csv: line 2, column 5 \"Change\": \"-1\" is not positive, but the operation is a deposit";
        QTest::newRow("bad time") << int(CsvFormat::BinanceTransactions)
                                  << QByteArray("UTC_Time,Account,Operation,Coin,Change,Remark\n"
                                                "01/03/2021 10:00,Spot,Deposit,USDT,1,\n")
                                  << "bad.csv: line 2, column 1 \"UTC_Time\": \"01/03/2021 10:00\"";
        QTest::newRow("unknown kraken type")
            << int(CsvFormat::KrakenLedgers)
            << QByteArray("txid,refid,time,type,subtype,aclass,asset,amount,fee,balance\n"
                          "L1,R1,2021-03-01 10:00:00,lottery,,currency,XXBT,1,0,1\n")
            << "bad.csv: line 2, column 4 \"type\": \"lottery\" is not a Kraken ledger type Ballast reads";
        QTest::newRow("missing column")
            << int(CsvFormat::KrakenLedgers)
            << QByteArray("txid,refid,time,type,subtype,aclass,asset,amount,balance\n"
                          "L1,R1,2021-03-01 10:00:00,deposit,,currency,XXBT,1,1\n")
            << "bad.csv: line 1 is not a kraken-ledgers header; expected Kraken ledgers.csv: txid, refid, time, type, "
               "asset, amount, fee (missing: fee)";
        QTest::newRow("wrong file for the format")
            << int(CsvFormat::Coinbase) << kKrakenLedgers()
            << "bad.csv: line 1 is not a coinbase header; expected Coinbase transaction report: Timestamp, "
               "Transaction Type, Asset, Quantity Transacted (missing: Timestamp, Transaction Type, Quantity "
               "Transacted)";
        QTest::newRow("unknown coinbase type")
            << int(CsvFormat::Coinbase)
            << QByteArray("Timestamp,Transaction Type,Asset,Quantity Transacted,Spot Price Currency,Spot Price at "
                          "Transaction,Subtotal,Total (inclusive of fees and/or spread),Fees and/or Spread,Notes\n"
                          "2021-03-01T10:00:00Z,Gift,BTC,1,USD,1,1,1,0,\n")
            << "bad.csv: line 2, column 2 \"Transaction Type\": \"Gift\" is not a Coinbase transaction type";
        QTest::newRow("convert without notes")
            << int(CsvFormat::Coinbase)
            << QByteArray("Timestamp,Transaction Type,Asset,Quantity Transacted,Spot Price Currency,Spot Price at "
                          "Transaction,Subtotal,Total (inclusive of fees and/or spread),Fees and/or Spread,Notes\n"
                          "2021-03-01T10:00:00Z,Convert,BTC,1,USD,1,1,1,0,\n")
            << "bad.csv: line 2, column 10 \"Notes\": \"\" does not say what BTC was converted to";
        QTest::newRow("kraken trade side")
            << int(CsvFormat::KrakenTrades)
            << QByteArray("txid,ordertxid,pair,time,type,ordertype,price,cost,fee,vol,margin,misc,ledgers\n"
                          "T1,O1,XXBTZUSD,2021-03-01 10:00:00,hold,limit,1,1,0,1,0,,\n")
            << "bad.csv: line 2, column 5 \"type\": \"hold\" is neither buy nor sell";
        QTest::newRow("unquoted separator")
            << int(CsvFormat::BinanceTransactions)
            << QByteArray("UTC_Time,Account,Operation,Coin,Change,Remark\n"
                          "2021-03-01 10:00:00,Spot,Deposit,USDT,1,000.5,note\n")
            << "bad.csv: line 2 has 7 cells but the header (line 1) has 6; is a value holding \",\" not quoted?";
        QTest::newRow("short row: required cell missing")
            << int(CsvFormat::BinanceTransactions)
            << QByteArray("UTC_Time,Account,Operation,Coin,Change,Remark\n"
                          "2021-03-01 10:00:00,Spot,Deposit,USDT\n")
            << "bad.csv: line 2, column 5 \"Change\": \"\" is empty; expected a number";
        QTest::newRow("unterminated quote") << int(CsvFormat::BinanceTransactions)
                                            << QByteArray("UTC_Time,Account,Operation,Coin,Change,Remark\n"
                                                          "2021-03-01 10:00:00,Spot,Deposit,USDT,1,\"open\n")
                                            << "bad.csv: line 2, column 6: unterminated or misplaced quote";
    }

    void everyCutOfAFileIsReadOrRefusedByName()
    {
        // A download cut short at any byte: read, or refused naming the file.
        for (const QByteArray &whole : {kBinanceTransactions(), kKrakenLedgers()}) {
            for (qsizetype n = 0; n <= whole.size(); ++n) {
                const auto result = ballast::imports::parseDetected(whole.first(n), QStringLiteral("cut.csv"));
                if (!result.ok())
                    QVERIFY2(result.error().message.startsWith(QStringLiteral("cut.csv: ")),
                             qPrintable(result.error().message));
            }
        }
    }

    void refusalsNameFileLineAndColumn()
    {
        QFETCH(int, format);
        QFETCH(QByteArray, bytes);
        QFETCH(QString, expected);
        const auto result = ballast::imports::parse(static_cast<CsvFormat>(format), bytes, QStringLiteral("bad.csv"));
        QVERIFY(!result.ok()); // all or nothing: a refused file gives no transactions at all
        QVERIFY2(result.error().message.startsWith(expected), qPrintable(result.error().message));
    }

    // The API's ledger entries go through the rules of ledgers.csv.
    void krakenLedgerFromTheApi()
    {
        using ballast::imports::KrakenLedgerRow;
        const QDateTime t(QDate(2024, 5, 1), QTime(10, 0), QTimeZone::utc());
        const QList<KrakenLedgerRow> rows{
            {QStringLiteral("LA-1"), QStringLiteral("TRADE-1"), t, QStringLiteral("trade"), QString(),
             QStringLiteral("ZEUR"), ballast::money::dec("-500"), ballast::money::dec("1.3")},
            {QStringLiteral("LA-2"), QStringLiteral("TRADE-1"), t, QStringLiteral("trade"), QString(),
             QStringLiteral("XXBT"), ballast::money::dec("0.01"), ballast::money::dec("0")},
            {QStringLiteral("LA-3"), QStringLiteral("STK-1"), t.addDays(1), QStringLiteral("staking"), QString(),
             QStringLiteral("DOT.S"), ballast::money::dec("0.5"), ballast::money::dec("0")},
        };
        auto parsed = ballast::imports::mapKrakenLedger(rows, QStringLiteral("Kraken Ledgers"));
        QVERIFY2(parsed.ok(), qPrintable(parsed.ok() ? QString() : parsed.error().message));
        QCOMPARE(parsed->transactions.size(), 2);
        const Transaction &trade = parsed->transactions.at(0);
        QCOMPARE(trade.kind, TransactionKind::Trade);
        QCOMPARE(trade.externalId, QStringLiteral("BTC/EUR:TRADE-1"));
        QCOMPARE(trade.quoteAmount, ballast::money::dec("500"));
        QCOMPARE(trade.fee, ballast::money::dec("1.3"));
        QCOMPARE(parsed->transactions.at(1).subkind, QStringLiteral("staking"));
        QCOMPARE(parsed->transactions.at(1).asset, QStringLiteral("DOT"));

        QList<KrakenLedgerRow> bad = rows;
        bad[2].type = QStringLiteral("lottery");
        auto refused = ballast::imports::mapKrakenLedger(bad, QStringLiteral("Kraken Ledgers"));
        QVERIFY(!refused.ok());
        QCOMPARE(refused.error().message,
                 QStringLiteral("Kraken Ledgers: entry LA-3, field \"type\" \"lottery\": is not a Kraken ledger type "
                                "Ballast reads (the list is in docs/imports.md)"));
        bad = rows;
        bad[2].amount = ballast::money::dec("-0.5");
        refused = ballast::imports::mapKrakenLedger(bad, QStringLiteral("Kraken Ledgers"));
        QVERIFY(!refused.ok());
        QCOMPARE(refused.error().message,
                 QStringLiteral("Kraken Ledgers: entry LA-3, field \"amount\": is negative, but the type is income"));
    }
};

QTEST_GUILESS_MAIN(TestTransactionCsv)
#include "tst_transactioncsv.moc"
