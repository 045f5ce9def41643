// `ballast-cli transactions import --account NAME` without files: the real
// CLI reads a Binance account's history from FakeBinance (on its own thread,
// over loopback) with the key from the vault, as `sync` does.

#include "clirunner.h"
#include "fakebinance.h"
#include "storage/database.h"
#include "testsupport.h"

#include <QTemporaryDir>
#include <QTest>
#include <QThread>

#include <functional>

using ballast::money::dec;
using ballast::test::CliRun;
using ballast::test::fake::BinanceMovementRecord;
using ballast::test::fake::FakeBinance;
using ballast::test::fake::FakeEndpoint;
using ballast::test::fake::FaultKind;
using ballast::test::fake::FaultRule;
using FakeSide = ballast::test::fake::Side;

class TestCliApiImport : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    QThread m_thread;
    QObject *m_anchor = nullptr; ///< lives in m_thread: every call into the fake runs there
    FakeBinance *m_fake = nullptr;
    QString m_db;
    QString m_url;

    void onFake(const std::function<void()> &function)
    {
        QMetaObject::invokeMethod(m_anchor, function, Qt::BlockingQueuedConnection);
    }

    CliRun cli(const QStringList &arguments, const QByteArray &input = {})
    {
        QProcessEnvironment env;
        env.insert(QStringLiteral("BALLAST_PASSPHRASE"), QStringLiteral("api-import-passphrase"));
        env.insert(QStringLiteral("BALLAST_NO_KEYCHAIN"), QStringLiteral("1"));
        env.insert(QStringLiteral("HOME"), m_dir.path());
        return ballast::test::runCli(m_db, arguments, {}, env, input);
    }
    CliRun import(const char *extra = "")
    {
        return cli(QStringList{QStringLiteral("transactions"), QStringLiteral("import"), QStringLiteral("--account"),
                               QStringLiteral("bn")}
                   + ballast::test::words(extra));
    }

    QByteArray digest()
    {
        auto db = ballast::storage::Database::open(m_db, ballast::storage::Database::Mode::ReadWriteExisting);
        if (!db)
            return db.error().message.toUtf8();
        return ballast::test::contentDigest(**db);
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        QVERIFY2(!qEnvironmentVariable("BALLAST_CLI").isEmpty(), "BALLAST_CLI is not set (run through ctest)");
        m_anchor = new QObject;
        m_anchor->moveToThread(&m_thread);
        connect(&m_thread, &QThread::finished, m_anchor, &QObject::deleteLater);
        m_thread.start();
        onFake([this] {
            m_fake = new FakeBinance;
            m_fake->setWeightLimit(1000000);
            if (m_fake->listenLocal())
                m_url = m_fake->baseUrl().toString();
        });
        QVERIFY(!m_url.isEmpty());
    }

    void cleanupTestCase()
    {
        onFake([this] {
            delete m_fake;
            m_fake = nullptr;
        });
        m_thread.quit();
        m_thread.wait();
    }

    void importsFromTheApiIncrementallyAndAllOrNothing()
    {
        m_db = m_dir.filePath(QStringLiteral("api.sqlite"));
        QCOMPARE(cli({QStringLiteral("init")}).exitCode, 0);
        const CliRun added = cli(
            {QStringLiteral("accounts"), QStringLiteral("add"), QStringLiteral("--exchange"), QStringLiteral("binance"),
             QStringLiteral("--name"), QStringLiteral("bn"), QStringLiteral("--base-url"), m_url},
            (FakeBinance::docsApiKey() + QLatin1Char('\n') + FakeBinance::docsSecretKey() + QLatin1Char('\n'))
                .toUtf8());
        QVERIFY2(added.exitCode == 0, qPrintable(added.err));
        onFake([this] {
            const qint64 start = m_fake->serverTimeMs() - 30LL * 24 * 3600 * 1000;
            m_fake->addDeposit(BinanceMovementRecord{QStringLiteral("d1"),
                                                     QStringLiteral("USDT"),
                                                     dec("50000"),
                                                     {},
                                                     QStringLiteral("TRX"),
                                                     QStringLiteral("trx-hash-1"),
                                                     QStringLiteral("T-addr"),
                                                     1,
                                                     0,
                                                     start});
            for (int i = 0; i < 1100; ++i) {
                m_fake->book().recordTrade(QStringLiteral("BTCUSDT"), FakeSide::Buy, dec("20000"), dec("0.001"),
                                           dec("0.000001"), QStringLiteral("BTC"), start + 60000LL * (i + 1));
            }
        });

        // A failure on the second page of myTrades: refused, nothing stored.
        const QByteArray before = digest();
        onFake([this] {
            FaultRule rule;
            rule.endpoint = FakeEndpoint::Trades;
            rule.kind = FaultKind::ServiceUnavailable;
            rule.skip = 1;
            m_fake->injectFault(rule);
        });
        const CliRun failed = import();
        QCOMPARE(failed.exitCode, 1);
        QVERIFY2(failed.err.contains(QStringLiteral("nothing stored")), qPrintable(failed.err));
        QCOMPARE(digest(), before);

        const CliRun first = import("--json");
        QVERIFY2(first.exitCode == 0, qPrintable(first.err));
        const QJsonObject report = first.json();
        QCOMPARE(report.value(QStringLiteral("exchange")).toString(), QStringLiteral("binance"));
        QCOMPARE(report.value(QStringLiteral("transactions")).toInt(), 1101);
        QCOMPARE(report.value(QStringLiteral("new")).toInt(), 1101);
        QCOMPARE(report.value(QStringLiteral("duplicates")).toInt(), 0);

        const CliRun second = import();
        QVERIFY2(second.exitCode == 0, qPrintable(second.err));
        QVERIFY2(second.out.startsWith(QStringLiteral("bn (binance API): 0 transaction(s) read, 0 new")),
                 qPrintable(second.out));

        // Options of the CSV import make no sense for the API.
        QCOMPARE(import("--format binance").exitCode, 2);
        QCOMPARE(import("--network tron").exitCode, 2);
    }
};

QTEST_GUILESS_MAIN(TestCliApiImport)
#include "tst_cli_apiimport.moc"
