// Drives the real ballast-cli binary through the transactions commands and
// the holdings set / transactions interplay, on real SQLite files.
#include "clirunner.h"
#include "testsupport.h"

#include <QFile>
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

} // namespace

class TestCliTransactions : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    QString m_db;

    Run cli(const QStringList &arguments, const QString &now = QString::fromLatin1(kNow), bool withDb = true)
    {
        return ballast::test::runCli(withDb ? m_db : QString(), arguments, now);
    }
    Run cli(const char *arguments, const QString &now = QString::fromLatin1(kNow))
    {
        return cli(words(arguments), now);
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

    QString held(const QString &account, const QString &asset, const QString &network = {})
    {
        const Run run = cli("holdings list --json");
        for (const auto &value : run.json().value(QStringLiteral("holdings")).toArray()) {
            const QJsonObject row = value.toObject();
            if (row.value(QStringLiteral("account")).toString() == account
                && row.value(QStringLiteral("asset")).toString() == asset
                && row.value(QStringLiteral("network")).toString() == network)
                return row.value(QStringLiteral("quantity")).toString();
        }
        return QStringLiteral("0");
    }

    void setUpAccounts()
    {
        QCOMPARE(cli("init").exitCode, 0);
        QCOMPARE(cli("accounts add --exchange paper --name paper").exitCode, 0);
        QCOMPARE(cli("accounts add --exchange manual --name cold").exitCode, 0);
    }

private slots:
    void init()
    {
        m_db = m_dir.filePath(QString::fromLatin1(QTest::currentTestFunction()) + QStringLiteral(".sqlite"));
        QFile::remove(m_db);
    }

    void holdingsSetAMonthLaterIsAnAdjustmentToClassify()
    {
        // The scenario: 1 BTC on a paper account, then BTC=2 a month later.
        QCOMPARE(cli("init", QStringLiteral("2026-10-21T12:00:00Z")).exitCode, 0);
        QCOMPARE(cli("accounts add --exchange paper --name paper", QStringLiteral("2026-10-21T12:00:00Z")).exitCode, 0);
        QCOMPARE(cli("prices set BTC=50000", QStringLiteral("2026-10-21T12:00:00Z")).exitCode, 0);
        QCOMPARE(cli("holdings set --account paper BTC=1", QStringLiteral("2026-10-21T12:00:00Z")).exitCode, 0);
        QCOMPARE(cli("holdings set --account paper BTC=2").exitCode, 0);

        const QJsonArray rows = transactions();
        QCOMPARE(rows.size(), 2);
        const QJsonObject opening = rows.at(0).toObject();
        QCOMPARE(opening.value(QStringLiteral("kind")).toString(), QStringLiteral("deposit"));
        QCOMPARE(opening.value(QStringLiteral("source")).toString(), QStringLiteral("opening"));
        QCOMPARE(opening.value(QStringLiteral("quantity")).toString(), QStringLiteral("1"));
        QCOMPARE(opening.value(QStringLiteral("time")).toString(), QStringLiteral("2026-10-21T12:00:00.000Z"));
        const QJsonObject adjustment = rows.at(1).toObject();
        QCOMPARE(adjustment.value(QStringLiteral("kind")).toString(), QStringLiteral("adjustment"));
        QCOMPARE(adjustment.value(QStringLiteral("source")).toString(), QStringLiteral("manual"));
        QCOMPARE(adjustment.value(QStringLiteral("quantity")).toString(), QStringLiteral("1"));
        QCOMPARE(adjustment.value(QStringLiteral("unexplained")).toBool(), true);
        QCOMPARE(adjustment.value(QStringLiteral("time")).toString(), QStringLiteral("2026-11-21T12:00:00.000Z"));
        QCOMPARE(held(QStringLiteral("paper"), QStringLiteral("BTC")), QStringLiteral("2"));

        const Run pending = cli("transactions list --unexplained");
        QCOMPARE(pending.exitCode, 0);
        QVERIFY2(pending.out.contains(QStringLiteral("transactions classify")), qPrintable(pending.out));

        const QString id = QString::number(adjustment.value(QStringLiteral("id")).toInteger());
        const Run classified = cli({QStringLiteral("transactions"), QStringLiteral("classify"), id,
                                    QStringLiteral("--as"), QStringLiteral("deposit")});
        QCOMPARE(classified.exitCode, 0);
        QVERIFY2(classified.out.contains(QStringLiteral("deposit")), qPrintable(classified.out));
        const QJsonObject after = transactions().at(1).toObject();
        QCOMPARE(after.value(QStringLiteral("kind")).toString(), QStringLiteral("deposit"));
        QCOMPARE(after.value(QStringLiteral("unexplained")).toBool(), false);
        QCOMPARE(transactions("--unexplained").size(), 0);
        QCOMPARE(held(QStringLiteral("paper"), QStringLiteral("BTC")), QStringLiteral("2"));
    }

    void addEveryKindAndFilter()
    {
        setUpAccounts();
        QCOMPARE(cli("transactions add --account paper --kind deposit --asset USDT --quantity 1000 --at 2026-01-05")
                     .exitCode,
                 0);
        const Run trade = cli("transactions add --account paper --kind trade --side buy --asset btc --quote USDT "
                              "--quantity 0.01 --price 50000 --fee 1 --at 2026-02-01T10:00:00Z --external-id T-1");
        QCOMPARE(trade.exitCode, 0);
        QVERIFY2(trade.out.contains(QStringLiteral("buy 0.01 BTC @ 50000 USDT")), qPrintable(trade.out));
        const Run transfer = cli("transactions add --account paper --kind transfer --asset BTC --quantity 0.004 "
                                 "--fee 0.0001 --to-account cold --to-network bitcoin --at 2026-03-01");
        QCOMPARE(transfer.exitCode, 0);
        QCOMPARE(cli("transactions add --account cold --kind income --subkind staking --asset BTC --network bitcoin "
                     "--quantity 0.0002 --at 2026-04-01")
                     .exitCode,
                 0);
        QCOMPARE(cli("transactions add --account paper --kind withdrawal --asset USDT --quantity 100 --at 2026-05-01")
                     .exitCode,
                 0);
        QCOMPARE(cli("transactions add --account paper --kind fee --asset USDT --quantity 2 --at 2026-06-01").exitCode,
                 0);

        QCOMPARE(held(QStringLiteral("paper"), QStringLiteral("USDT")), QStringLiteral("397")); // 1000-500-1-100-2
        QCOMPARE(held(QStringLiteral("paper"), QStringLiteral("BTC")), QStringLiteral("0.0059"));
        QCOMPARE(held(QStringLiteral("cold"), QStringLiteral("BTC"), QStringLiteral("bitcoin")),
                 QStringLiteral("0.0042"));

        QCOMPARE(transactions().size(), 7); // the transfer has two legs
        QCOMPARE(transactions("--account cold").size(), 2);
        QCOMPARE(transactions("--asset BTC").size(), 4);
        QCOMPARE(transactions("--kind trade").size(), 1);
        QCOMPARE(transactions("--from 2026-03-01 --to 2026-04-01").size(), 3);
        const QJsonObject legs = transactions("--kind transfer_in").at(0).toObject();
        QCOMPARE(legs.value(QStringLiteral("account")).toString(), QStringLiteral("cold"));
        QVERIFY(legs.value(QStringLiteral("link_id")).toInteger() > 0);
        const QJsonObject tradeRow = transactions("--kind trade").at(0).toObject();
        QCOMPARE(tradeRow.value(QStringLiteral("fee_asset")).toString(), QStringLiteral("USDT"));
        QCOMPARE(tradeRow.value(QStringLiteral("external_id")).toString(), QStringLiteral("T-1"));
        QCOMPARE(tradeRow.value(QStringLiteral("quote_amount")).toString(), QStringLiteral("500"));

        const Run text = cli("transactions list --account paper");
        QCOMPARE(text.exitCode, 0);
        QVERIFY(text.out.contains(QStringLiteral("transfer_out")));
    }

    void deleteThenRestore()
    {
        setUpAccounts();
        QCOMPARE(cli("transactions add --account cold --kind deposit --asset ETH --quantity 2").exitCode, 0);
        const qint64 id = transactions().at(0).toObject().value(QStringLiteral("id")).toInteger();
        const Run removed = cli({QStringLiteral("transactions"), QStringLiteral("delete"), QString::number(id)});
        QCOMPARE(removed.exitCode, 0);
        QVERIFY2(removed.out.contains(QStringLiteral("transactions restore %1").arg(id)), qPrintable(removed.out));
        QCOMPARE(held(QStringLiteral("cold"), QStringLiteral("ETH")), QStringLiteral("0"));
        QCOMPARE(transactions().size(), 0);
        QCOMPARE(transactions("--deleted").size(), 1);
        const Run restored = cli({QStringLiteral("transactions"), QStringLiteral("restore"), QString::number(id)});
        QCOMPARE(restored.exitCode, 0);
        QCOMPARE(held(QStringLiteral("cold"), QStringLiteral("ETH")), QStringLiteral("2"));
        QCOMPARE(transactions().at(0).toObject().value(QStringLiteral("id")).toInteger(), id);
    }

    void badArgumentsChangeNothing_data()
    {
        QTest::addColumn<QString>("arguments");
        QTest::addColumn<int>("exitCode");
        QTest::addColumn<QString>("message");
        const auto row = [](const char *name, const char *arguments, int code, const char *message) {
            QTest::newRow(name) << QString::fromUtf8(arguments) << code << QString::fromUtf8(message);
        };
        row("unknown kind", "transactions add --account cold --kind gift --asset BTC --quantity 1", 2,
            "--kind \"gift\"");
        row("no kind", "transactions add --account cold --asset BTC --quantity 1", 2, "--kind: missing");
        row("no account", "transactions add --kind deposit --asset BTC --quantity 1", 2, "--account: missing");
        row("bad quantity", "transactions add --account cold --kind deposit --asset BTC --quantity 1,5", 2,
            "--quantity");
        row("negative quantity", "transactions add --account cold --kind deposit --asset BTC --quantity -1", 2,
            "--quantity");
        row("bad time", "transactions add --account cold --kind deposit --asset BTC --quantity 1 --at yesterday", 2,
            "--at \"yesterday\"");
        row("trade without side",
            "transactions add --account cold --kind trade --asset BTC --quote USDT --quantity 1 "
            "--price 10",
            2, "--side: missing");
        row("trade bad side",
            "transactions add --account cold --kind trade --side hold --asset BTC --quote USDT "
            "--quantity 1 --price 10",
            2, "--side \"hold\"");
        row("trade without price",
            "transactions add --account cold --kind trade --side buy --asset BTC --quote USDT "
            "--quantity 1",
            2, "--price");
        row("side on a deposit", "transactions add --account cold --kind deposit --side buy --asset BTC --quantity 1",
            2, "--side: does not apply to --kind deposit");
        row("income without subkind", "transactions add --account cold --kind income --asset BTC --quantity 1", 2,
            "--subkind");
        row("transfer nowhere", "transactions add --account cold --kind transfer --asset BTC --quantity 1", 2,
            "--to-account");
        row("unknown account", "transactions add --account nope --kind deposit --asset BTC --quantity 1", 1, "nope");
        row("more than held", "transactions add --account cold --kind withdrawal --asset BTC --quantity 2", 1,
            "would leave BTC on \"cold\" at -1");
        row("trade paid with what is not there",
            "transactions add --account cold --kind trade --side buy --asset ETH "
            "--quote USDT --quantity 1 --price 10",
            1, "USDT");
        row("duplicate external id",
            "transactions add --account cold --kind deposit --asset BTC --quantity 1 "
            "--external-id 0xabc",
            1, "0xabc");
        row("classify as what", "transactions classify 1 --as gift", 2, "--as \"gift\"");
        row("classify no such id", "transactions classify 999 --as deposit", 1, "#999");
        row("classify a deposit", "transactions classify 1 --as deposit", 1, "only an adjustment");
        row("delete not a number", "transactions delete abc", 2, "transaction ID \"abc\"");
        row("delete no such id", "transactions delete 999", 1, "#999");
        row("restore what is not deleted", "transactions restore 1", 1, "not deleted");
        row("list bad kind", "transactions list --kind swap", 2, "--kind \"swap\"");
        row("list bad range", "transactions list --from 2026-02-01 --to 2026-01-01", 2, "--from");
    }

    void badArgumentsChangeNothing()
    {
        QFETCH(QString, arguments);
        QFETCH(int, exitCode);
        QFETCH(QString, message);
        setUpAccounts();
        QCOMPARE(
            cli("transactions add --account cold --kind deposit --asset BTC --quantity 1 --external-id 0xabc").exitCode,
            0);
        const QByteArray before = digest();
        const Run run = cli(arguments.split(QLatin1Char(' ')));
        QCOMPARE(run.exitCode, exitCode);
        QVERIFY2(run.err.contains(message), qPrintable(run.err));
        QCOMPARE(run.err.count(QLatin1Char('\n')), 1); // one line
        QCOMPARE(digest(), before);
    }

    void helpListsTheTransactionsCommands()
    {
        const Run help = cli({QStringLiteral("--help")}, QString::fromLatin1(kNow), false);
        QCOMPARE(help.exitCode, 0);
        for (const char *command : {"transactions add", "transactions list", "transactions import",
                                    "transactions classify", "transactions delete", "transactions restore"})
            QVERIFY2(help.out.contains(QString::fromLatin1(command)), command);
        const Run add = cli("transactions add --help");
        QCOMPARE(add.exitCode, 0);
        QVERIFY(add.out.contains(QStringLiteral("--to-network")));
    }
};

QTEST_GUILESS_MAIN(TestCliTransactions)
#include "tst_cli_transactions.moc"
