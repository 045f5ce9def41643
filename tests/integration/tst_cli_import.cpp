// Drives the real ballast-cli through `transactions import` with exchange CSV
// exports and a mapping file written into a temporary directory, on real
// SQLite files: holdings, re-imports, refusals, dry runs.
#include "clirunner.h"
#include "money/decimal.h"
#include "testsupport.h"

#include <QFile>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

namespace {

using Run = ballast::test::CliRun;
using ballast::test::words;

constexpr const char *kNow = "2026-11-21T12:00:00Z";

// Binance "Transaction History": a deposit, a buy and a sale (kept as
// unexplained adjustments), interest, a move between two wallets (both legs)
// and a withdrawal.
QByteArray kBinance()
{
    return QByteArrayLiteral("User_ID,UTC_Time,Account,Operation,Coin,Change,Remark\n"
                             "1001,2021-03-01 10:00:00,Spot,Deposit,USDT,1000.00000000,\n"
                             "1001,2021-03-02 11:30:15,Spot,Buy,BTC,0.01000000,\n"
                             "1001,2021-03-02 11:30:15,Spot,Buy,USDT,-495.12000000,\n"
                             "1001,2021-03-03 09:00:00,Spot,Transaction Sold,BTC,-0.004,\n"
                             "1001,2021-03-03 09:00:00,Spot,Transaction Revenue,USDT,200,\n"
                             "1001,2021-03-03 09:00:00,Spot,Transaction Fee,USDT,-0.2,\n"
                             "1001,2021-03-04 00:00:00,Earn,Simple Earn Flexible Interest,USDT,0.01234567,\n"
                             "1001,2021-03-05 08:00:00,Spot,Transfer Between Main and Funding Wallet,USDT,-100,\n"
                             "1001,2021-03-05 08:00:00,Funding,Transfer Between Main and Funding Wallet,USDT,100,\n"
                             "1001,2021-03-06 12:00:00,Spot,Withdraw,BTC,-0.005,\"fee included, network BTC\"\n");
}

// Kraken ledgers.csv: a deposit, a trade (two rows, one refid), staking.
QByteArray kKrakenLedgers()
{
    return QByteArrayLiteral(
        "\"txid\",\"refid\",\"time\",\"type\",\"subtype\",\"aclass\",\"asset\",\"amount\",\"fee\",\"balance\"\n"
        "\"LAAAAA-AAAAA-AAAAAA\",\"QCAAAAA-BBBBB-CCCCCC\",\"2021-03-01 10:00:00\",\"deposit\",\"\",\"currency\","
        "\"ZEUR\",1000.0000,0.0000,1000.0000\n"
        "\"LBBBBB-BBBBB-BBBBBB\",\"TAAAAA-BBBBB-CCCCCC\",\"2021-03-02 11:00:00\",\"trade\",\"\",\"currency\",\"ZEUR\","
        "-400.0000,0.6400,599.3600\n"
        "\"LCCCCC-CCCCC-CCCCCC\",\"TAAAAA-BBBBB-CCCCCC\",\"2021-03-02 11:00:00\",\"trade\",\"\",\"currency\",\"XXBT\","
        "0.0100000000,0.0000000000,0.0100000000\n"
        "\"LEEEEE-EEEEE-EEEEEE\",\"STAKE1-AAAAA-BBBBBB\",\"2021-03-03 12:00:00\",\"staking\",\"\",\"currency\","
        "\"DOT.S\",0.1234000000,0.0000000000,0.1234000000\n");
}

// Kraken trades.csv with the trade of the ledgers above (same trade id).
QByteArray kKrakenTrades()
{
    return QByteArrayLiteral(
        "\"txid\",\"ordertxid\",\"pair\",\"time\",\"type\",\"ordertype\",\"price\",\"cost\",\"fee\",\"vol\","
        "\"margin\",\"misc\",\"ledgers\"\n"
        "\"TAAAAA-BBBBB-CCCCCC\",\"OAAAAA-BBBBB-CCCCCC\",\"XXBTZEUR\",\"2021-03-02 11:00:00\",\"buy\",\"limit\","
        "40000.0,400.00000,0.64000,0.01000000,0.00000,\"\",\"LBBBBB-BBBBB-BBBBBB,LCCCCC-CCCCC-CCCCCC\"\n");
}

// Coinbase transaction report with its preamble: a deposit of dollars, a buy
// paid from them and a send.
QByteArray kCoinbase()
{
    return QByteArrayLiteral(
        "Transactions\n"
        "User,Jane Doe,00000000-aaaa-bbbb-cccc-000000000000\n"
        "ID,Timestamp,Transaction Type,Asset,Quantity Transacted,Price Currency,Price at Transaction,Subtotal,"
        "Total (inclusive of fees and/or spread),Fees and/or Spread,Notes\n"
        "65a0,2024-01-14 09:00:00 UTC,Deposit,USD,100,USD,$1.00,$100.00,$100.00,$0.00,\n"
        "65a1,2024-01-15 12:34:56 UTC,Buy,BTC,0.001,USD,$43250.00,$43.25,$44.74,$1.49,Bought 0.001 BTC\n"
        "65a5,2024-01-19 10:00:00 UTC,Send,BTC,-0.0002,USD,$44000.00,$8.80,$8.80,$0.00,Sent to an address\n");
}

ballast::money::Decimal dec(const QString &text)
{
    auto value = ballast::money::Decimal::parse(text);
    if (!value)
        qFatal("not a decimal: %s", qPrintable(text));
    return *value;
}

} // namespace

class TestCliImport : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    QString m_db;

    Run cli(const QStringList &arguments) { return ballast::test::runCli(m_db, arguments, QString::fromLatin1(kNow)); }
    Run cli(const char *arguments) { return cli(words(arguments)); }

    /// `transactions import --account ACCOUNT EXTRA FILES...`.
    Run import(const QString &account, const QStringList &files, const QStringList &extra)
    {
        return cli(
            QStringList{QStringLiteral("transactions"), QStringLiteral("import"), QStringLiteral("--account"), account}
            + extra + files);
    }
    Run import(const QString &account, const QStringList &files, const char *extra = "")
    {
        return import(account, files, words(extra));
    }

    QString write(const QString &name, const QByteArray &bytes)
    {
        QString path = m_dir.filePath(name);
        QFile file(path);
        if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate) || file.write(bytes) != bytes.size())
            qFatal("cannot write %s", qPrintable(path));
        return path;
    }

    QByteArray digest()
    {
        auto db = ballast::storage::Database::open(m_db, ballast::storage::Database::Mode::ReadWriteExisting);
        if (!db)
            return db.error().message.toUtf8();
        return ballast::test::contentDigest(**db);
    }

    QJsonArray transactions(const char *filter = "")
    {
        const Run run =
            cli(QStringList{QStringLiteral("transactions"), QStringLiteral("list"), QStringLiteral("--json")}
                + words(filter));
        if (run.exitCode != 0)
            qWarning("transactions list: %s", qPrintable(run.err));
        return run.json().value(QStringLiteral("transactions")).toArray();
    }

    /// The holdings of @p account by asset, as `holdings list` reports them.
    QHash<QString, ballast::money::Decimal> holdings(const QString &account)
    {
        QHash<QString, ballast::money::Decimal> out;
        const Run run = cli("holdings list --json");
        for (const auto &value : run.json().value(QStringLiteral("holdings")).toArray()) {
            const QJsonObject row = value.toObject();
            if (row.value(QStringLiteral("account")).toString() == account)
                out[row.value(QStringLiteral("asset")).toString()] +=
                    dec(row.value(QStringLiteral("quantity")).toString());
        }
        return out;
    }

    void setUp()
    {
        QCOMPARE(cli("init").exitCode, 0);
        QCOMPARE(cli("accounts add --exchange manual --name main").exitCode, 0);
    }

    static QJsonObject onlyFile(const Run &run)
    {
        const QJsonArray files = run.json().value(QStringLiteral("files")).toArray();
        return files.size() == 1 ? files.first().toObject() : QJsonObject();
    }

private slots:
    void init()
    {
        m_db = m_dir.filePath(QString::fromLatin1(QTest::currentTestFunction()) + QStringLiteral(".sqlite"));
        QFile::remove(m_db);
    }

    void binanceImportHoldingsAreTheSumAndReimportAddsNothing()
    {
        setUp();
        const QString file = write(QStringLiteral("binance.csv"), kBinance());
        const Run first = import(QStringLiteral("main"), {file}, "--json");
        QCOMPARE(first.exitCode, 0);
        const QJsonObject report = onlyFile(first);
        QCOMPARE(report.value(QStringLiteral("format")).toString(), QStringLiteral("binance-transactions"));
        const int read = report.value(QStringLiteral("transactions")).toInt();
        QVERIFY(read > 0);
        QCOMPARE(report.value(QStringLiteral("new")).toInt(), read);
        QCOMPARE(report.value(QStringLiteral("duplicates")).toInt(), 0);
        QCOMPARE(report.value(QStringLiteral("linked_transfers")).toInt(), 1);
        QCOMPARE(report.value(QStringLiteral("refused")).toBool(), false);

        // Holdings are the sum of the file's Change column per coin.
        QHash<QString, ballast::money::Decimal> expected;
        const QList<QByteArray> lines = kBinance().trimmed().split('\n');
        for (qsizetype i = 1; i < lines.size(); ++i) {
            const QList<QByteArray> cells = lines[i].split(',');
            expected[QString::fromLatin1(cells[4])] += dec(QString::fromLatin1(cells[5]));
        }
        QCOMPARE(holdings(QStringLiteral("main")), expected);

        // Every row is an import; the two wallet legs are linked to each other.
        const QJsonArray rows = transactions();
        QCOMPARE(rows.size(), read);
        for (const auto &value : rows)
            QCOMPARE(value.toObject().value(QStringLiteral("source")).toString(), QStringLiteral("import"));
        const QJsonObject out = transactions("--kind transfer_out").at(0).toObject();
        const QJsonObject in = transactions("--kind transfer_in").at(0).toObject();
        QCOMPARE(out.value(QStringLiteral("link_id")).toInteger(), in.value(QStringLiteral("id")).toInteger());
        QCOMPARE(in.value(QStringLiteral("link_id")).toInteger(), out.value(QStringLiteral("id")).toInteger());

        const QByteArray before = digest();
        const Run again = import(QStringLiteral("main"), {file});
        QCOMPARE(again.exitCode, 0);
        QVERIFY2(again.out.contains(QStringLiteral("0 new, %1 already present").arg(read)), qPrintable(again.out));
        QCOMPARE(digest(), before);
    }

    void krakenLedgersThenTradesStoreTheTradeOnce()
    {
        setUp();
        const QString ledgers = write(QStringLiteral("ledgers.csv"), kKrakenLedgers());
        const QString trades = write(QStringLiteral("trades.csv"), kKrakenTrades());
        const Run run = import(QStringLiteral("main"), {ledgers}, "--format kraken --network kraken");
        QCOMPARE(run.exitCode, 0);
        QVERIFY2(run.out.contains(QStringLiteral("(kraken-ledgers): 3 transaction(s) read, 3 new, 0 already present")),
                 qPrintable(run.out));
        const auto held = holdings(QStringLiteral("main"));
        QCOMPARE(held.value(QStringLiteral("EUR")), dec(QStringLiteral("599.36"))); // 1000 - 400 - 0.64
        QCOMPARE(held.value(QStringLiteral("BTC")), dec(QStringLiteral("0.01")));
        QCOMPARE(held.value(QStringLiteral("DOT")), dec(QStringLiteral("0.1234")));
        const QJsonObject trade = transactions("--kind trade").at(0).toObject();
        QCOMPARE(trade.value(QStringLiteral("external_id")).toString(), QStringLiteral("BTC/EUR:TAAAAA-BBBBB-CCCCCC"));
        QCOMPARE(trade.value(QStringLiteral("network")).toString(), QStringLiteral("kraken"));

        // trades.csv has the same trade under the same id: nothing new.
        const QByteArray before = digest();
        const Run second = import(QStringLiteral("main"), {trades}, "--json");
        QCOMPARE(second.exitCode, 0);
        const QJsonObject report = onlyFile(second);
        QCOMPARE(report.value(QStringLiteral("format")).toString(), QStringLiteral("kraken-trades"));
        QCOMPARE(report.value(QStringLiteral("new")).toInt(), 0);
        QCOMPARE(report.value(QStringLiteral("duplicates")).toInt(), 1);
        QCOMPARE(digest(), before);
    }

    void tradeKnownFromAnotherPathIsNotStoredTwice()
    {
        // A fill booked by an execution is keyed BASE/QUOTE:tradeid (here
        // entered by hand under that key); the import recognises it.
        setUp();
        QCOMPARE(
            cli("transactions add --account main --kind deposit --asset EUR --quantity 1000 --at 2021-03-01").exitCode,
            0);
        QCOMPARE(cli("transactions add --account main --kind trade --side buy --asset BTC --quote EUR --quantity 0.01 "
                     "--price 40000 --fee 0.64 --at 2021-03-02T11:00:00Z --external-id BTC/EUR:TAAAAA-BBBBB-CCCCCC")
                     .exitCode,
                 0);
        const Run run =
            import(QStringLiteral("main"), {write(QStringLiteral("trades.csv"), kKrakenTrades())}, "--json");
        QCOMPARE(run.exitCode, 0);
        QCOMPARE(onlyFile(run).value(QStringLiteral("duplicates")).toInt(), 1);
        QCOMPARE(transactions("--kind trade").size(), 1);
    }

    void coinbaseReport()
    {
        setUp();
        const Run run = import(QStringLiteral("main"), {write(QStringLiteral("coinbase.csv"), kCoinbase())});
        QCOMPARE(run.exitCode, 0);
        QVERIFY2(run.out.contains(QStringLiteral("(coinbase): 3 transaction(s) read, 3 new")), qPrintable(run.out));
        const auto held = holdings(QStringLiteral("main"));
        QCOMPARE(held.value(QStringLiteral("USD")), dec(QStringLiteral("55.26"))); // 100 - 43.25 - 1.49
        QCOMPARE(held.value(QStringLiteral("BTC")), dec(QStringLiteral("0.0008"))); // 0.001 - 0.0002
    }

    void badRowRefusesTheFileWithLineAndColumn()
    {
        setUp();
        const QString good = write(QStringLiteral("good.csv"), kCoinbase());
        QCOMPARE(import(QStringLiteral("main"), {good}).exitCode, 0);
        QByteArray broken = kBinance();
        broken.replace("Spot,Deposit,USDT,1000.00000000", "Spot,Deposit,USDT,1000.0x");
        const QString bad = write(QStringLiteral("bad.csv"), broken);
        const QByteArray before = digest();
        const Run run = import(QStringLiteral("main"), {bad});
        QCOMPARE(run.exitCode, 1);
        // Line 2 (the header is line 1), column 6 is Change.
        QVERIFY2(run.err.contains(bad + QStringLiteral(": line 2, column 6")), qPrintable(run.err));
        QVERIFY2(run.err.contains(QStringLiteral("nothing stored")), qPrintable(run.err));
        QCOMPARE(digest(), before);
    }

    void eachFileIsItsOwnUnit()
    {
        setUp();
        QByteArray broken = kCoinbase();
        broken.replace("2024-01-19 10:00:00 UTC", "2024-13-19 10:00:00 UTC");
        const QString bad = write(QStringLiteral("bad-coinbase.csv"), broken);
        const QString good = write(QStringLiteral("ledgers.csv"), kKrakenLedgers());
        const Run run = import(QStringLiteral("main"), {bad, good}, "--json");
        QCOMPARE(run.exitCode, 1);
        const QJsonArray files = run.json().value(QStringLiteral("files")).toArray();
        QCOMPARE(files.size(), 2);
        QCOMPARE(files[0].toObject().value(QStringLiteral("refused")).toBool(), true);
        QVERIFY2(files[0].toObject().value(QStringLiteral("error")).toString().contains(QStringLiteral("line 6")),
                 qPrintable(run.err));
        QCOMPARE(files[1].toObject().value(QStringLiteral("new")).toInt(), 3);
        QCOMPARE(transactions().size(), 3); // only the good file's
        QVERIFY(!holdings(QStringLiteral("main")).contains(QStringLiteral("USD")));
    }

    void holdingBelowZeroRefusesTheFile()
    {
        setUp();
        // A sale of ETH the account never had.
        const QByteArray sale =
            "txid,refid,time,type,subtype,aclass,asset,amount,fee,balance\n"
            "LDDDDD-DDDDD-DDDDDD,TBBBBB-CCCCC-DDDDDD,2021-03-03 12:00:00,trade,,currency,XETH,-0.5,0,0\n"
            "LFFFFF-FFFFF-FFFFFF,TBBBBB-CCCCC-DDDDDD,2021-03-03 12:00:00,trade,,currency,ZEUR,800,1.28,798.72\n";
        const QString file = write(QStringLiteral("sale.csv"), sale);
        const QByteArray before = digest();
        const Run run = import(QStringLiteral("main"), {file});
        QCOMPARE(run.exitCode, 1);
        QVERIFY2(run.err.contains(file) && run.err.contains(QStringLiteral("ETH")), qPrintable(run.err));
        QCOMPARE(digest(), before);
        QCOMPARE(transactions().size(), 0);
    }

    void mappingFile()
    {
        setUp();
        const QString mapping = write(QStringLiteral("wallet.json"), R"({
  "format": "ballast-csv-mapping/1",
  "columns": { "time": "When", "kind": "What", "asset": "Coin", "quantity": "Amount", "price": "Price",
               "externalId": "Id" },
  "kinds": { "in": "deposit", "buy": "buy" },
  "defaults": { "quote": "EUR" }
})");
        const QString file = write(QStringLiteral("wallet.csv"),
                                   "When,What,Coin,Amount,Price,Id\n"
                                   "2024-02-01T08:00:00Z,in,EUR,500,,d-1\n"
                                   "2024-02-02T09:00:00Z,buy,ETH,0.1,2000,t-7\n");
        const Run run = import(
            QStringLiteral("main"), {file},
            QStringList{QStringLiteral("--json"), QStringLiteral("--format"), QStringLiteral("mapping:") + mapping});
        QCOMPARE(run.exitCode, 0);
        const QJsonObject report = onlyFile(run);
        QCOMPARE(report.value(QStringLiteral("format")).toString(), QStringLiteral("mapping"));
        QCOMPARE(report.value(QStringLiteral("new")).toInt(), 2);
        const auto held = holdings(QStringLiteral("main"));
        QCOMPARE(held.value(QStringLiteral("EUR")), dec(QStringLiteral("300")));
        QCOMPARE(held.value(QStringLiteral("ETH")), dec(QStringLiteral("0.1")));
        QCOMPARE(transactions("--kind trade").at(0).toObject().value(QStringLiteral("external_id")).toString(),
                 QStringLiteral("ETH/EUR:t-7"));
        QCOMPARE(transactions("--kind deposit").at(0).toObject().value(QStringLiteral("external_id")).toString(),
                 QStringLiteral("d-1"));

        const Run missing = import(QStringLiteral("main"), {file}, "--format mapping:/nonexistent/wallet.json");
        QCOMPARE(missing.exitCode, 1);
        QVERIFY2(missing.err.contains(QStringLiteral("/nonexistent/wallet.json")), qPrintable(missing.err));
    }

    void dryRunStoresNothing()
    {
        setUp();
        const QString file = write(QStringLiteral("ledgers.csv"), kKrakenLedgers());
        const QByteArray before = digest();
        const Run dry = import(QStringLiteral("main"), {file}, "--dry-run --json");
        QCOMPARE(dry.exitCode, 0);
        QCOMPARE(dry.json().value(QStringLiteral("dry_run")).toBool(), true);
        QCOMPARE(onlyFile(dry).value(QStringLiteral("new")).toInt(), 3);
        QCOMPARE(digest(), before);
        const Run text = import(QStringLiteral("main"), {file}, "--dry-run");
        QCOMPARE(text.exitCode, 0);
        QVERIFY2(text.out.contains(QStringLiteral("3 would be new")) && text.out.contains(QStringLiteral("Dry run")),
                 qPrintable(text.out));
        QCOMPARE(digest(), before);

        // A dry run also finds what storing would refuse.
        const QByteArray sale = "txid,refid,time,type,subtype,aclass,asset,amount,fee,balance\n"
                                "LX,TX,2021-03-03 12:00:00,trade,,currency,XETH,-0.5,0,0\n"
                                "LY,TX,2021-03-03 12:00:00,trade,,currency,ZEUR,800,0,800\n";
        QCOMPARE(import(QStringLiteral("main"), {write(QStringLiteral("sale.csv"), sale)}, "--dry-run").exitCode, 1);
        QCOMPARE(digest(), before);
    }

    void badArguments()
    {
        setUp();
        const QString file = write(QStringLiteral("ledgers.csv"), kKrakenLedgers());
        QCOMPARE(cli("transactions import --account main").exitCode, 2);
        QCOMPARE(cli(QStringList{QStringLiteral("transactions"), QStringLiteral("import"), file}).exitCode, 2);
        const Run format = import(QStringLiteral("main"), {file}, "--format bitstamp");
        QCOMPARE(format.exitCode, 2);
        QVERIFY2(format.err.contains(QStringLiteral("bitstamp")), qPrintable(format.err));
        QCOMPARE(import(QStringLiteral("main"), {file}, "--format mapping:").exitCode, 2);
        // A family that does not match the file, and an unknown account: refused, exit 1.
        const Run wrong = import(QStringLiteral("main"), {file}, "--format binance");
        QCOMPARE(wrong.exitCode, 1);
        QVERIFY2(wrong.err.contains(file), qPrintable(wrong.err));
        QCOMPARE(import(QStringLiteral("nobody"), {file}).exitCode, 1);
        QCOMPARE(transactions().size(), 0);
    }

    void helpDescribesImport()
    {
        const Run help = cli("transactions import --help");
        QCOMPARE(help.exitCode, 0);
        QVERIFY2(help.out.startsWith(QStringLiteral("Usage: ballast-cli transactions import")), qPrintable(help.out));
        for (const char *option : {"--account", "--format", "--network", "--dry-run", "mapping:FILE"})
            QVERIFY2(help.out.contains(QString::fromLatin1(option)), option);
    }
};

QTEST_GUILESS_MAIN(TestCliImport)
#include "tst_cli_import.moc"
