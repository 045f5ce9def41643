#include "imports/columnmapping.h"
#include "transactiontostring.h"

#include <QTest>
#include <QTimeZone>

using ballast::domain::Side;
using ballast::domain::Transaction;
using ballast::domain::TransactionKind;
using ballast::domain::TransactionSource;
using ballast::imports::ColumnMapping;
using ballast::money::Decimal;

namespace {

Decimal d(const char *text)
{
    return *Decimal::parse(QString::fromLatin1(text));
}

QDateTime utc(const char *iso)
{
    QDateTime t = QDateTime::fromString(QString::fromLatin1(iso), Qt::ISODate);
    t.setTimeZone(QTimeZone::utc());
    return t;
}

// A wallet export with German conventions: semicolons, decimal commas,
// day-first local times in Europe/Berlin, and its own kind names.
QByteArray kMapping()
{
    return QByteArrayLiteral(R"({
  "format": "ballast-csv-mapping/1",
  "description": "Example wallet export",
  "skipLines": 1,
  "columns": {
    "time": "Datum", "kind": "Art", "asset": "Coin", "quantity": "Menge", "price": "Kurs",
    "quote": "Währung", "fee": "Gebühr", "externalId": "Tx", "note": "Notiz"
  },
  "time": { "format": "dd.MM.yyyy HH:mm", "zone": "Europe/Berlin" },
  "kinds": { "Kauf": "buy", "Verkauf": "sell", "Einzahlung": "flow", "Zinsen": "income:interest" },
  "defaults": { "quote": "EUR" },
  "decimalComma": true
})");
}

QByteArray kFile()
{
    return QByteArrayLiteral("Export vom 01.04.2021\n"
                             "Datum;Art;Coin;Menge;Kurs;Währung;Gebühr;Tx;Notiz\n"
                             "01.03.2021 11:00;Kauf;btc;0,01;40000;;0,5;abc1;erster Kauf\n"
                             "02.07.2021 12:30;Einzahlung;ETH;-1,5;;;;abc2;\n"
                             "03.07.2021 00:00;Zinsen;EUR;0,12;;;;;\n");
}

ColumnMapping mapping()
{
    auto m = ballast::imports::parseMapping(kMapping(), QStringLiteral("wallet.json"));
    if (!m.ok())
        qWarning("%s", qPrintable(m.error().message));
    return m.ok() ? *m : ColumnMapping{};
}

} // namespace

class TestColumnMapping : public QObject
{
    Q_OBJECT

private slots:
    void readsAFileThroughAMapping()
    {
        const auto out = ballast::imports::parseMapped(mapping(), kFile(), QStringLiteral("wallet.csv"));
        QVERIFY2(out.ok(), qPrintable(out.ok() ? QString() : out.error().message));
        QCOMPARE(out->transactions.size(), 3);

        Transaction buy;
        buy.kind = TransactionKind::Trade;
        buy.time = utc("2021-03-01T10:00:00Z"); // 11:00 in Berlin, winter time
        buy.side = Side::Buy;
        buy.asset = QStringLiteral("BTC");
        buy.quote = QStringLiteral("EUR");
        buy.quantity = d("0.01");
        buy.price = d("40000");
        buy.fee = d("0.5");
        buy.feeAsset = QStringLiteral("EUR");
        buy.externalId = QStringLiteral("BTC/EUR:abc1"); // a trade id is keyed as executions key fills
        buy.note = QStringLiteral("erster Kauf");
        buy.source = TransactionSource::Import;
        QCOMPARE(out->transactions[0], buy);

        const Transaction &flow = out->transactions[1];
        QCOMPARE(flow.kind, TransactionKind::Withdrawal); // "flow" with a negative quantity
        QCOMPARE(flow.quantity, d("1.5"));
        QCOMPARE(flow.time, utc("2021-07-02T10:30:00Z")); // summer time
        QCOMPARE(flow.externalId, QStringLiteral("abc2"));

        const Transaction &interest = out->transactions[2];
        QCOMPARE(interest.kind, TransactionKind::Income);
        QCOMPARE(interest.subkind, QStringLiteral("interest"));
        QVERIFY(interest.externalId.startsWith(QStringLiteral("csv:")));
        QCOMPARE(
            ballast::imports::parseMapped(mapping(), kFile(), QStringLiteral("wallet.csv"))->transactions[2].externalId,
            interest.externalId);
    }

    void refusesTheWholeFileAtTheFirstBadRow()
    {
        QByteArray bad = kFile();
        bad.replace("0,12", "0,1,2");
        const auto out = ballast::imports::parseMapped(mapping(), bad, QStringLiteral("wallet.csv"));
        QVERIFY(!out.ok());
        QCOMPARE(
            out.error().message,
            QStringLiteral("wallet.csv: line 5, column 4 \"Menge\": \"0,1,2\" is not a number with a decimal comma"));

        QByteArray unknownKind = kFile();
        unknownKind.replace("Zinsen", "Lotto");
        const auto kind = ballast::imports::parseMapped(mapping(), unknownKind, QStringLiteral("wallet.csv"));
        QVERIFY(!kind.ok());
        QCOMPARE(kind.error().message,
                 QStringLiteral("wallet.csv: line 5, column 2 \"Art\": \"Lotto\" is not a kind the mapping knows "
                                "(Einzahlung, Kauf, Verkauf, Zinsen)"));
    }

    void previewKeepsEveryRowsError()
    {
        QByteArray bad = kFile();
        bad.replace("0,12", "abc");
        bad.replace("01.03.2021 11:00", "2021-03-01");
        const auto preview = ballast::imports::previewMapped(mapping(), bad, QStringLiteral("wallet.csv"), 10);
        QVERIFY(preview.fileError.isEmpty());
        QCOMPARE(preview.header.size(), 9);
        QCOMPARE(preview.rows.size(), 3);
        QCOMPARE(preview.errorCount, 2);
        QCOMPARE(preview.rows[0].line, 3);
        QVERIFY(!preview.rows[0].transaction.has_value());
        QCOMPARE(preview.rows[0].error,
                 QStringLiteral("wallet.csv: line 3, column 1 \"Datum\": \"2021-03-01\" does not "
                                "have the time format \"dd.MM.yyyy HH:mm\""));
        QVERIFY(preview.rows[1].transaction.has_value());
        QVERIFY(preview.rows[1].error.isEmpty());
        QVERIFY(preview.rows[2].error.contains(QStringLiteral("column 4 \"Menge\"")));

        const auto firstTwo = ballast::imports::previewMapped(mapping(), kFile(), QStringLiteral("wallet.csv"), 2);
        QCOMPARE(firstTwo.rows.size(), 2);
        QCOMPARE(firstTwo.errorCount, 0);
    }

    void tradeKindTakesItsSideFromTheSideColumn()
    {
        const QByteArray json = QByteArrayLiteral(
            R"({"columns": {"time": "When", "kind": "What", "side": "Side", "asset": "Base", "quantity": "Qty",
                            "quote": "Quote", "quoteAmount": "Total", "fee": "Fee", "feeAsset": "Fee asset"},
                "kinds": {"Trade": "trade"}})");
        const auto m = ballast::imports::parseMapping(json, QStringLiteral("t.json"));
        QVERIFY2(m.ok(), qPrintable(m.ok() ? QString() : m.error().message));
        const QByteArray file = QByteArrayLiteral("When,What,Side,Base,Qty,Quote,Total,Fee,Fee asset\n"
                                                  "1614592800,Trade,SELL,SOL,2,USDC,30.5,0.01,SOL\n"
                                                  "1614592801,Trade,,SOL,2,USDC,30.5,0,\n");
        const auto preview = ballast::imports::previewMapped(*m, file, QStringLiteral("t.csv"), 10);
        QCOMPARE(preview.rows.size(), 2);
        QVERIFY(preview.rows[0].transaction.has_value());
        Transaction sell;
        sell.kind = TransactionKind::Trade;
        sell.time = utc("2021-03-01T10:00:00Z");
        sell.side = Side::Sell;
        sell.asset = QStringLiteral("SOL");
        sell.quote = QStringLiteral("USDC");
        sell.quantity = d("2");
        sell.quoteAmount = d("30.5");
        sell.price = d("15.25"); // quoteAmount / quantity when there is no price column
        sell.fee = d("0.01");
        sell.feeAsset = QStringLiteral("SOL");
        sell.source = TransactionSource::Import;
        sell.externalId = preview.rows[0].transaction->externalId;
        QCOMPARE(*preview.rows[0].transaction, sell);
        QCOMPARE(preview.rows[1].error,
                 QStringLiteral("t.csv: line 3, column 3 \"Side\": \"\" is neither buy nor sell"));
    }

    void refusesBadMappings_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<QString>("expected");
        QTest::newRow("not json") << QByteArray("{\n\"columns\": {\n}") << "m.json: line 3: not valid JSON";
        QTest::newRow("unknown key") << QByteArray(R"({"colums": {}})") << "m.json: unknown key \"colums\"";
        QTest::newRow("unknown field") << QByteArray(
            R"({"columns": {"time": "a", "asset": "b", "quantity": "c", "amount": "d"}})")
                                       << "m.json: columns: unknown field \"amount\"";
        QTest::newRow("missing field") << QByteArray(R"({"columns": {"time": "a", "asset": "b"}})")
                                       << "m.json: columns.quantity is missing";
        QTest::newRow("unknown kind") << QByteArray(
            R"({"columns": {"time": "a", "asset": "b", "quantity": "c", "kind": "k"},
                              "kinds": {"X": "gift"}})")
                                      << "m.json: kinds.X: \"gift\" is not a kind";
        QTest::newRow("no kind") << QByteArray(R"({"columns": {"time": "a", "asset": "b", "quantity": "c"}})")
                                 << "m.json: needs columns.kind or defaults.kind";
        QTest::newRow("bad zone") << QByteArray(
            R"({"columns": {"time": "a", "asset": "b", "quantity": "c"}, "defaults": {"kind": "deposit"},
                              "time": {"format": "yyyy", "zone": "Mars/Olympus"}})")
                                  << "m.json: time.zone \"Mars/Olympus\" is not a time zone";
    }

    void refusesBadMappings()
    {
        QFETCH(QByteArray, json);
        QFETCH(QString, expected);
        const auto m = ballast::imports::parseMapping(json, QStringLiteral("m.json"));
        QVERIFY(!m.ok());
        QVERIFY2(m.error().message.startsWith(expected), qPrintable(m.error().message));
    }

    void refusesAMappingThatNamesAMissingColumn()
    {
        auto m = mapping();
        m.columns.insert(QStringLiteral("feeAsset"), QStringLiteral("Gebührenwährung"));
        const auto out = ballast::imports::parseMapped(m, kFile(), QStringLiteral("wallet.csv"));
        QVERIFY(!out.ok());
        QVERIFY2(out.error().message.startsWith(QStringLiteral(
                     "wallet.csv: the mapping reads feeAsset from column \"Gebührenwährung\", which line 2 "
                     "does not have")),
                 qPrintable(out.error().message));

        // A mapping built in code (the GUI) is checked as a file's would be.
        auto built = mapping();
        built.kinds.insert(QStringLiteral("Geschenk"), QStringLiteral("gift"));
        const auto refused = ballast::imports::parseMapped(built, kFile(), QStringLiteral("wallet.csv"));
        QVERIFY(!refused.ok());
        QVERIFY2(refused.error().message.startsWith(
                     QStringLiteral("wallet.csv: the mapping's kind \"gift\" for \"Geschenk\" is not a kind")),
                 qPrintable(refused.error().message));
        const auto preview = ballast::imports::previewMapped(built, kFile(), QStringLiteral("wallet.csv"), 5);
        QVERIFY(preview.rows.isEmpty());
        QCOMPARE(preview.fileError, refused.error().message);
    }
};

QTEST_GUILESS_MAIN(TestColumnMapping)
#include "tst_columnmapping.moc"
