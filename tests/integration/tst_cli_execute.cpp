// Approve-and-execute through the real ballast-cli on the paper exchange.
#include "money/decimal.h"
#include "testsupport.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

using ballast::money::Decimal;

namespace {

struct Run
{
    int exitCode = -1;
    QString out;
    QString err;
    [[nodiscard]] QJsonObject json() const { return QJsonDocument::fromJson(out.toUtf8()).object(); }
};

QStringList words(const char *text)
{
    return QString::fromUtf8(text).split(QLatin1Char(' '), Qt::SkipEmptyParts);
}

} // namespace

class TestCliExecute : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    QString m_db;

    Run cli(const QStringList &arguments, const QByteArray &input = {})
    {
        QProcess process;
        process.start(qEnvironmentVariable("BALLAST_CLI"), QStringList{QStringLiteral("--db"), m_db} + arguments);
        process.write(input);
        process.closeWriteChannel();
        if (!process.waitForFinished(120000))
            qFatal("ballast-cli did not finish");
        return Run{process.exitCode(), QString::fromUtf8(process.readAllStandardOutput()),
                   QString::fromUtf8(process.readAllStandardError())};
    }

    QString planDemo()
    {
        if (cli(words("init --demo")).exitCode != 0)
            return {};
        return cli(words("plan --json")).json().value(QStringLiteral("plan_id")).toString();
    }

private slots:
    void init()
    {
        m_db = m_dir.filePath(QString::fromLatin1(QTest::currentTestFunction()) + QStringLiteral(".sqlite"));
        QFile::remove(m_db);
    }

    void badGuardValuesAreRefusedBeforeAnythingRuns_data()
    {
        QTest::addColumn<QStringList>("options");
        QTest::addColumn<QString>("message");
        QTest::newRow("max-move NaN") << QStringList{QStringLiteral("--max-move"), QStringLiteral("NaN")}
                                      << QStringLiteral("--max-move \"NaN\": is not a number (NaN)");
        QTest::newRow("max-move nan%") << QStringList{QStringLiteral("--max-move"), QStringLiteral("nan%")}
                                       << QStringLiteral("--max-move \"nan%\"");
        QTest::newRow("max-move inf") << QStringList{QStringLiteral("--max-move"), QStringLiteral("inf")}
                                      << QStringLiteral("--max-move \"inf\": is infinite");
        QTest::newRow("max-move -inf") << QStringList{QStringLiteral("--max-move"), QStringLiteral("-inf")}
                                       << QStringLiteral("--max-move \"-inf\"");
        QTest::newRow("max-move 1e400") << QStringList{QStringLiteral("--max-move"), QStringLiteral("1e400")}
                                        << QStringLiteral("--max-move \"1e400\"");
        QTest::newRow("max-move 0x1") << QStringList{QStringLiteral("--max-move"), QStringLiteral("0x1")}
                                      << QStringLiteral("hexadecimal");
        QTest::newRow("max-move 100%") << QStringList{QStringLiteral("--max-move"), QStringLiteral("100%")}
                                       << QStringLiteral("below 1");
        QTest::newRow("max-notional NaN") << QStringList{QStringLiteral("--max-notional"), QStringLiteral("NaN")}
                                          << QStringLiteral("--max-notional \"NaN\"");
        QTest::newRow("max-notional 1e3")
            << QStringList{QStringLiteral("--max-notional"), QStringLiteral("1e3")} << QStringLiteral("exponent");
        QTest::newRow("max-notional -5") << QStringList{QStringLiteral("--max-notional"), QStringLiteral("-5")}
                                         << QStringLiteral("above zero");
    }

    void badGuardValuesAreRefusedBeforeAnythingRuns()
    {
        QFETCH(QStringList, options);
        QFETCH(QString, message);
        const QString plan = planDemo();
        QVERIFY(!plan.isEmpty());
        QByteArray before;
        {
            auto db = ballast::storage::Database::open(m_db, ballast::storage::Database::Mode::ReadWriteExisting);
            QVERIFY(db.ok());
            before = ballast::test::contentDigest(**db);
        }
        const Run run = cli(QStringList{QStringLiteral("execute"), plan, QStringLiteral("--yes")} + options);
        QCOMPARE(run.exitCode, 2);
        QVERIFY2(run.err.contains(message), qPrintable(run.err));
        QCOMPARE(run.err.count(QLatin1Char('\n')), 1);
        QVERIFY(run.out.isEmpty());
        auto db = ballast::storage::Database::open(m_db, ballast::storage::Database::Mode::ReadWriteExisting);
        QVERIFY(db.ok());
        QCOMPARE(ballast::test::contentDigest(**db), before); // no order journalled, no plan marked executed
    }

    void approveAndExecuteOnPaper()
    {
        const QString plan = planDemo();
        QVERIFY(!plan.isEmpty());
        const Run run = cli({QStringLiteral("execute"), plan, QStringLiteral("--yes"), QStringLiteral("--json")});
        QCOMPARE(run.exitCode, 0);
        const QJsonObject summary = run.json();
        QCOMPARE(summary.value(QStringLiteral("rejected")).toInt(), 0);
        QCOMPARE(summary.value(QStringLiteral("unknown")).toInt(), 0);
        QVERIFY(summary.value(QStringLiteral("filled")).toInt() >= 3);

        // Every asset is inside its band, or the plan said why not.
        const QJsonObject status = cli(words("status --json")).json();
        const QJsonObject stored =
            cli({QStringLiteral("plans"), QStringLiteral("show"), plan, QStringLiteral("--json")}).json();
        QStringList explained;
        for (const auto &line : stored.value(QStringLiteral("skipped")).toArray())
            explained << line.toObject().value(QStringLiteral("asset")).toString();
        for (const auto &value : status.value(QStringLiteral("assets")).toArray()) {
            const QJsonObject asset = value.toObject();
            const QString name = asset.value(QStringLiteral("asset")).toString();
            QVERIFY2(!asset.value(QStringLiteral("outside_band")).toBool() || explained.contains(name),
                     qPrintable(name));
        }

        // The journal and the trades export agree with what was filled.
        const QJsonArray orders =
            cli({QStringLiteral("orders"), QStringLiteral("--plan"), plan, QStringLiteral("--json")})
                .json()
                .value(QStringLiteral("orders"))
                .toArray();
        int fills = 0;
        for (const auto &value : orders) {
            const QJsonObject order = value.toObject();
            QCOMPARE(order.value(QStringLiteral("client_order_id")).toString(),
                     plan + QLatin1Char('-') + QString::number(order.value(QStringLiteral("line")).toInt()));
            fills += order.value(QStringLiteral("fills")).toInt();
        }
        const QString csv = m_dir.filePath(QStringLiteral("trades.csv"));
        QCOMPARE(cli({QStringLiteral("export"), QStringLiteral("trades"), QStringLiteral("--out"), csv}).exitCode, 0);
        QFile file(csv);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QList<QByteArray> lines = file.readAll().split('\n');
        QCOMPARE(lines.first(),
                 QByteArray("time,account,symbol,side,quantity,price,notional,fee,fee_asset,trade_id,"
                            "client_order_id,exchange_order_id\r"));
        QCOMPARE(lines.size() - 2, fills); // header and the empty piece after the last CRLF

        // Executing it again is refused, and sends nothing.
        const Run again = cli({QStringLiteral("execute"), plan, QStringLiteral("--yes")});
        QCOMPARE(again.exitCode, 1);
        QVERIFY(again.err.contains(QStringLiteral("executed already")));
    }

    void nothingIsSentWithoutConfirmation()
    {
        const QString plan = planDemo();
        const Run declined = cli({QStringLiteral("execute"), plan}, "n\n");
        QCOMPARE(declined.exitCode, 1);
        QVERIFY(declined.out.contains(QStringLiteral("Send these")));
        QVERIFY(declined.err.contains(QStringLiteral("nothing was sent")));
        QCOMPARE(cli(words("orders --json")).json().value(QStringLiteral("orders")).toArray().size(), 0);
        const Run confirmed = cli({QStringLiteral("execute"), plan}, "y\n");
        QCOMPARE(confirmed.exitCode, 0);
        QVERIFY(confirmed.out.contains(QStringLiteral("filled")));
    }

    void dryRunSendsNothing()
    {
        const QString plan = planDemo();
        const Run dry = cli({QStringLiteral("execute"), plan, QStringLiteral("--dry-run"), QStringLiteral("--json")});
        QCOMPARE(dry.exitCode, 0);
        QVERIFY(dry.json().value(QStringLiteral("dry_run")).toBool());
        QCOMPARE(cli(words("orders --json")).json().value(QStringLiteral("orders")).toArray().size(), 0);
    }

    void guardAbortsAfterAPriceMove()
    {
        const QString plan = planDemo();
        const QJsonObject status = cli(words("status --json")).json();
        QString btc;
        for (const auto &value : status.value(QStringLiteral("assets")).toArray()) {
            if (value.toObject().value(QStringLiteral("asset")).toString() == QLatin1String("BTC"))
                btc = value.toObject().value(QStringLiteral("price")).toString();
        }
        const Decimal moved = *Decimal::parse(btc) * ballast::money::dec("1.05");
        QCOMPARE(
            cli({QStringLiteral("prices"), QStringLiteral("set"), QStringLiteral("BTC=") + moved.toFixed(2)}).exitCode,
            0);
        const Run run = cli({QStringLiteral("execute"), plan, QStringLiteral("--yes")});
        QCOMPARE(run.exitCode, 1);
        QVERIFY2(run.out.contains(QStringLiteral("BTC/USDT moved 5.00%")), qPrintable(run.out));
        QCOMPARE(cli(words("orders --json")).json().value(QStringLiteral("orders")).toArray().size(), 0);
    }
};

QTEST_GUILESS_MAIN(TestCliExecute)
#include "tst_cli_execute.moc"
