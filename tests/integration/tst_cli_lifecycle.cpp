// The plan lifecycle through the real ballast-cli on the paper exchange: stale
// plans and superseded proposals are refused with exit 1 and one line, the
// database unchanged; the same plan started by two processes at once reaches
// the exchange once.
#include "storage/database.h"
#include "testsupport.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

using ballast::money::Decimal;
using ballast::storage::Database;
using ballast::storage::Statement;

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

class TestCliLifecycle : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    QString m_db;

    QProcessEnvironment environment() const
    {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("BALLAST_LOCK_DIR"), m_dir.filePath(QStringLiteral("locks")));
        return env;
    }

    Run cli(const QStringList &arguments)
    {
        QProcess process;
        process.setProcessEnvironment(environment());
        process.start(qEnvironmentVariable("BALLAST_CLI"), QStringList{QStringLiteral("--db"), m_db} + arguments);
        process.closeWriteChannel();
        if (!process.waitForFinished(120000))
            qFatal("ballast-cli did not finish");
        return Run{process.exitCode(), QString::fromUtf8(process.readAllStandardOutput()),
                   QString::fromUtf8(process.readAllStandardError())};
    }

    QString plan()
    {
        const Run run = cli(words("plan --json"));
        if (run.exitCode != 0)
            qWarning("plan: %s", qPrintable(run.err));
        return run.json().value(QStringLiteral("plan_id")).toString();
    }

    QByteArray digest()
    {
        auto db = Database::open(m_db, Database::Mode::ReadWriteExisting);
        if (!db)
            qFatal("cannot open %s", qPrintable(m_db));
        return ballast::test::contentDigest(**db);
    }

    /// A refusal: exit 1, one line on stderr that says @p what, and nothing changed.
    void checkRefused(const QStringList &arguments, const QString &what)
    {
        const QByteArray before = digest();
        const Run run = cli(arguments);
        QCOMPARE(run.exitCode, 1);
        QVERIFY2(run.err.contains(what), qPrintable(run.err));
        QCOMPARE(run.err.trimmed().count(QLatin1Char('\n')), 0);
        QCOMPARE(digest(), before);
    }

    /// No client order id twice on the paper exchange, no order outside the
    /// plan, and the ledger's paper holdings equal the paper balances.
    void checkPaper(const QString &planId, int planOrders)
    {
        auto opened = Database::open(m_db, Database::Mode::ReadWriteExisting);
        QVERIFY(opened.ok());
        Database &db = **opened;
        Statement twice(db,
                        "SELECT count(*) FROM (SELECT client_order_id FROM paper_orders GROUP BY client_order_id "
                        "HAVING count(*) > 1)");
        twice.step();
        QCOMPARE(twice.int64(0), 0);
        Statement orders(db, "SELECT count(*), coalesce(sum(client_order_id NOT LIKE ?), 0) FROM paper_orders");
        orders.bind(1, planId + QStringLiteral("-%"));
        orders.step();
        QVERIFY(orders.int64(0) <= planOrders);
        QCOMPARE(orders.int64(1), 0);
        QHash<QString, Decimal> ledger;
        Statement holdings(db,
                           "SELECT h.asset, h.quantity FROM holdings h JOIN accounts a ON a.id = h.account_id "
                           "WHERE a.name = 'paper'");
        while (holdings.step())
            ledger[holdings.text(0)] += holdings.decimal(1);
        Statement balances(db, "SELECT asset, free, locked FROM paper_balances");
        int checked = 0;
        while (balances.step()) {
            QCOMPARE(ledger.value(balances.text(0)), balances.decimal(1) + balances.decimal(2));
            ++checked;
        }
        QVERIFY(checked > 0);
    }

private slots:
    void init()
    {
        m_db = m_dir.filePath(QString::fromLatin1(QTest::currentTestFunction()) + QStringLiteral(".sqlite"));
        QFile::remove(m_db);
        QCOMPARE(cli(words("init --demo")).exitCode, 0);
    }

    void aPlanMadeBeforeHoldingsSetIsStale()
    {
        const QString id = plan();
        QVERIFY(!id.isEmpty());
        QCOMPARE(cli(words("holdings set --account cold-wallet BTC=1.5")).exitCode, 0);
        checkRefused({QStringLiteral("execute"), id, QStringLiteral("--yes")}, QStringLiteral("is stale"));
        const Run run = cli({QStringLiteral("execute"), id, QStringLiteral("--yes")});
        QVERIFY2(run.err.contains(QStringLiteral("BTC on cold-wallet went from")), qPrintable(run.err));
        QVERIFY2(run.err.contains(QStringLiteral("ballast-cli replan ") + id), qPrintable(run.err));
        // The re-plan in one step, then it runs.
        const Run replanned = cli({QStringLiteral("replan"), id, QStringLiteral("--json")});
        QCOMPARE(replanned.exitCode, 0);
        const QString fresh = replanned.json().value(QStringLiteral("plan_id")).toString();
        QVERIFY(!fresh.isEmpty() && fresh != id);
        const Run executed = cli({QStringLiteral("execute"), fresh, QStringLiteral("--yes"), QStringLiteral("--json")});
        QVERIFY2(executed.exitCode == 0, qPrintable(executed.err));
        checkPaper(fresh, 100);
    }

    void anOlderProposalIsSuperseded()
    {
        const QString first = plan();
        const QString second = plan(); // plan, then plan --json: two proposals from the same holdings
        QVERIFY(!first.isEmpty() && !second.isEmpty() && first != second);
        checkRefused({QStringLiteral("execute"), first, QStringLiteral("--yes")}, QStringLiteral("superseded"));
        const Run executed = cli({QStringLiteral("execute"), second, QStringLiteral("--yes")});
        QVERIFY2(executed.exitCode == 0, qPrintable(executed.err));
        // The first again, after the second ran: still refused, nothing sent twice.
        checkRefused({QStringLiteral("execute"), first, QStringLiteral("--yes")}, QStringLiteral("superseded"));
        checkRefused({QStringLiteral("execute"), second, QStringLiteral("--yes")}, QStringLiteral("executed already"));
        const QJsonArray orders = cli(words("orders --json")).json().value(QStringLiteral("orders")).toArray();
        for (const auto &order : orders)
            QVERIFY(order.toObject().value(QStringLiteral("plan_id")).toString() == second);
        checkPaper(second, static_cast<int>(orders.size()));
    }

    void runningOnePartOfAProposalSupersedesTheRest()
    {
        // Two approved parts of one proposal: running one supersedes the other.
        const QString id = plan();
        const QJsonObject shown =
            cli({QStringLiteral("plans"), QStringLiteral("show"), id, QStringLiteral("--json")}).json();
        const QJsonArray lines = shown.value(QStringLiteral("orders")).toArray();
        QVERIFY(lines.size() >= 2);
        const QString firstLine = QString::number(lines.at(0).toObject().value(QStringLiteral("line")).toInt());
        const Run part = cli({QStringLiteral("execute"), id, QStringLiteral("--lines"), firstLine,
                              QStringLiteral("--yes"), QStringLiteral("--json")});
        QVERIFY2(part.exitCode == 0, qPrintable(part.err));
        checkRefused({QStringLiteral("execute"), id, QStringLiteral("--yes")}, QStringLiteral("superseded"));
    }

    void twoVersionsOfOnePlanAtOnceSendOneOfThem()
    {
        // The whole proposal and an approved part of it, started by two processes at once.
        const QString id = plan();
        const QJsonArray lines = cli({QStringLiteral("plans"), QStringLiteral("show"), id, QStringLiteral("--json")})
                                     .json()
                                     .value(QStringLiteral("orders"))
                                     .toArray();
        QVERIFY(lines.size() >= 2);
        const QString firstLine = QString::number(lines.at(0).toObject().value(QStringLiteral("line")).toInt());
        const Run part =
            cli({QStringLiteral("execute"), id, QStringLiteral("--lines"), firstLine, QStringLiteral("--dry-run")});
        QVERIFY2(part.exitCode == 0, qPrintable(part.err));
        const QString partId = part.out.section(QStringLiteral("as plan "), 1).section(QLatin1Char('.'), 0, 0);
        QVERIFY2(partId.startsWith(QLatin1Char('P')) && partId != id, qPrintable(part.out));
        QList<QProcess *> processes;
        for (const QString &planId : {id, partId}) {
            auto *process = new QProcess(this);
            process->setProcessEnvironment(environment());
            process->start(qEnvironmentVariable("BALLAST_CLI"),
                           {QStringLiteral("--db"), m_db, QStringLiteral("execute"), planId, QStringLiteral("--yes")});
            processes.append(process);
        }
        QStringList ran;
        for (int i = 0; i < processes.size(); ++i) {
            QVERIFY(processes[i]->waitForFinished(120000));
            const QString err = QString::fromUtf8(processes[i]->readAllStandardError());
            if (processes[i]->exitCode() == 0) {
                ran.append(i == 0 ? id : partId);
            } else {
                QCOMPARE(processes[i]->exitCode(), 1);
                // Refused while the other runs, or after it: superseded, or stale
                // because the other's execution changed what this one was made from.
                QVERIFY2(err.contains(QStringLiteral("another execution is running"))
                             || err.contains(QStringLiteral("superseded"))
                             || err.contains(QStringLiteral("another plan was executed since")),
                         qPrintable(err));
            }
            delete processes[i];
        }
        QCOMPARE(ran.size(), 1);
        checkPaper(ran.first(), static_cast<int>(lines.size()));
    }

    void badGuardValuesAreRefused_data()
    {
        QTest::addColumn<QString>("value");
        for (const char *value : {"NaN", "nan", "inf", "-inf", "0", "1.5", "abc", "2%%"})
            QTest::newRow(value) << QString::fromLatin1(value);
    }
    void badGuardValuesAreRefused()
    {
        QFETCH(QString, value);
        const QString id = plan();
        const QByteArray before = digest();
        const Run run =
            cli({QStringLiteral("execute"), id, QStringLiteral("--yes"), QStringLiteral("--max-move"), value});
        QCOMPARE(run.exitCode, 2);
        QVERIFY2(run.err.contains(QStringLiteral("--max-move")), qPrintable(run.err));
        QCOMPARE(digest(), before);
    }

    void twoProcessesExecutingOnePlanSendItOnce()
    {
        const QString id = plan();
        QVERIFY(!id.isEmpty());
        const int planOrders =
            static_cast<int>(cli({QStringLiteral("plans"), QStringLiteral("show"), id, QStringLiteral("--json")})
                                 .json()
                                 .value(QStringLiteral("orders"))
                                 .toArray()
                                 .size());
        QList<QProcess *> processes;
        for (int i = 0; i < 2; ++i) {
            auto *process = new QProcess(this);
            process->setProcessEnvironment(environment());
            processes.append(process);
        }
        for (QProcess *process : processes) {
            process->start(qEnvironmentVariable("BALLAST_CLI"),
                           {QStringLiteral("--db"), m_db, QStringLiteral("execute"), id, QStringLiteral("--yes")});
        }
        int succeeded = 0;
        for (QProcess *process : processes) {
            QVERIFY(process->waitForFinished(120000));
            const QString err = QString::fromUtf8(process->readAllStandardError());
            if (process->exitCode() == 0) {
                ++succeeded;
            } else {
                QCOMPARE(process->exitCode(), 1);
                QVERIFY2(err.contains(QStringLiteral("another execution is running"))
                             || err.contains(QStringLiteral("executed already")),
                         qPrintable(err));
            }
            delete process;
        }
        QCOMPARE(succeeded, 1);
        checkPaper(id, planOrders);
    }
};

QTEST_GUILESS_MAIN(TestCliLifecycle)
#include "tst_cli_lifecycle.moc"
