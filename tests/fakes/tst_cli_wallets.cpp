// ballast-cli with watch-only Bitcoin wallets, against a FakeEsplora on its
// own thread: accounts add --wallet bitcoin (and what it refuses, storing
// nothing), sync, holdings per network, and wallets addresses.
#include "chain/bitcoinkeys.h"
#include "clirunner.h"
#include "fakeesplora.h"
#include "storage/database.h"
#include "testsupport.h"

#include <QJsonArray>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

using ballast::test::CliRun;
using ballast::test::fake::FakeEsplora;

namespace {

const QString kZpub = QStringLiteral(
    "zpub6rFR7y4Q2AijBEqTUquhVz398htDFrtymD9xYYfG1m4wAcvPhXNfE3EfH1r1ADqtfSdVCToUG868RvUUkgDKf31mGDtKsAYz2oz2AGutZYs");

} // namespace

class TestCliWallets : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    QThread m_thread;
    QObject *m_anchor = nullptr; ///< lives in m_thread: every call into the fake runs there
    FakeEsplora *m_fake = nullptr;
    QString m_db;
    QString m_url;

    void onFake(const std::function<void()> &function)
    {
        QMetaObject::invokeMethod(m_anchor, function, Qt::BlockingQueuedConnection);
    }

    CliRun cli(const QStringList &arguments)
    {
        QProcessEnvironment env;
        env.insert(QStringLiteral("HOME"), m_dir.path());
        return ballast::test::runCli(m_db, arguments, {}, env);
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
            m_fake = new FakeEsplora;
            if (m_fake->listenLocal())
                m_url = m_fake->baseUrl().toString();
        });
        QVERIFY(!m_url.isEmpty());
        m_db = m_dir.filePath(QStringLiteral("wallets.sqlite"));
        QCOMPARE(cli({QStringLiteral("init")}).exitCode, 0);
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

    void secretsAndBadInputAreRefusedAndStoreNothing()
    {
        const QByteArray before = digest();
        const CliRun xprv = cli(ballast::test::words("accounts add --wallet bitcoin --name hot --xpub "
                                                     "xprv9s21ZrQH143K3QTDL4LXw2F7HEK3wJUD2nW2nRk4stbPy6cq3jPPqjiChkVvv"
                                                     "NKmPGJxWUtg6LnF5kejMRNNU3TGtRBeJgk33yuGBxrMPHi"));
        QCOMPARE(xprv.exitCode, 1);
        QVERIFY2(xprv.err.contains(QLatin1String("key 1: this is an extended private key")), qPrintable(xprv.err));
        QVERIFY2(!xprv.err.contains(QLatin1String("xprv9s21")), "the secret is quoted back");
        const CliRun seed = cli({QStringLiteral("accounts"), QStringLiteral("add"), QStringLiteral("--wallet"),
                                 QStringLiteral("bitcoin"), QStringLiteral("--name"), QStringLiteral("hot"),
                                 QStringLiteral("--address"),
                                 QStringLiteral("abandon abandon abandon abandon abandon abandon abandon abandon "
                                                "abandon abandon abandon about")});
        QCOMPARE(seed.exitCode, 1);
        QVERIFY2(seed.err.contains(QLatin1String("recovery phrase of 12 words")), qPrintable(seed.err));
        const CliRun chain = cli(ballast::test::words("accounts add --wallet dogecoin --name hot --address x"));
        QVERIFY(chain.exitCode != 0);
        QVERIFY2(chain.err.contains(QLatin1String("not a chain this build watches")), qPrintable(chain.err));
        const CliRun mixed = cli(ballast::test::words("accounts add --exchange paper --name p --xpub x"));
        QVERIFY(mixed.exitCode != 0);
        QVERIFY2(mixed.err.contains(QLatin1String("--xpub applies to --wallet accounts only")), qPrintable(mixed.err));
        QCOMPARE(digest(), before);
    }

    void addSyncAndListAddresses()
    {
        const auto key = ballast::chain::ExtendedPublicKey::parse(kZpub);
        QVERIFY(key);
        const QString receive0 = *key->address(0, 0);
        const QString change1 = *key->address(1, 1);
        onFake([&] {
            m_fake->setAddress(receive0, {150'000'000, 0, 1, 0, 0, 0});
            m_fake->setAddress(change1, {2'500, 0, 1, 1'000, 0, 1});
        });
        const CliRun added = cli({QStringLiteral("accounts"), QStringLiteral("add"), QStringLiteral("--wallet"),
                                  QStringLiteral("bitcoin"), QStringLiteral("--name"), QStringLiteral("cold"),
                                  QStringLiteral("--xpub"), kZpub, QStringLiteral("--base-url"), m_url});
        QVERIFY2(added.exitCode == 0, qPrintable(added.err));
        QVERIFY2(added.out.contains(QLatin1String("Added bitcoin wallet \"cold\" watching 1 key(s)")),
                 qPrintable(added.out));

        const CliRun synced = cli(ballast::test::words("sync --account cold"));
        QVERIFY2(synced.exitCode == 0, qPrintable(synced.err));
        QVERIFY2(synced.out.contains(QLatin1String("Synced cold on bitcoin: 1.500025 BTC over 43 address(es) (0.00001 "
                                                   "unconfirmed, not counted yet).")),
                 qPrintable(synced.out));

        const CliRun holdings = cli(ballast::test::words("--json holdings list"));
        QCOMPARE(holdings.exitCode, 0);
        QVERIFY2(holdings.out.contains(QLatin1String("\"network\":\"bitcoin\"")), qPrintable(holdings.out));
        QVERIFY2(holdings.out.contains(QLatin1String("\"1.500025\"")), qPrintable(holdings.out));

        const CliRun listed = cli(ballast::test::words("--json wallets addresses --account cold"));
        QCOMPARE(listed.exitCode, 0);
        const QJsonArray rows = listed.json().value(QStringLiteral("addresses")).toArray();
        QCOMPARE(rows.size(), 43);
        QCOMPARE(rows.at(0).toObject().value(QStringLiteral("address")).toString(), receive0);
        QCOMPARE(rows.at(0).toObject().value(QStringLiteral("balance")).toString(), QStringLiteral("1.5"));
        QCOMPARE(rows.at(22).toObject().value(QStringLiteral("path")).toString(), QStringLiteral("1/1"));

        const CliRun derived = cli(ballast::test::words("wallets addresses --account cold --count 2"));
        QCOMPARE(derived.exitCode, 0);
        QVERIFY(derived.out.contains(QLatin1String("bc1qnjg0jd8228aq7egyzacy8cys3knf9xvrerkf9g")));
        QVERIFY(derived.out.contains(QLatin1String("1.5 BTC")));

        // The server refuses: the sync fails, says why, and changes nothing.
        const QByteArray before = digest();
        onFake([this] { m_fake->setRequestLimit(2); });
        const CliRun limited = cli(ballast::test::words("sync --account cold"));
        onFake([this] { m_fake->setRequestLimit(0); });
        QCOMPARE(limited.exitCode, 1);
        QVERIFY2(limited.err.contains(QLatin1String("cold (bitcoin): 127.0.0.1:")), qPrintable(limited.err));
        QVERIFY2(limited.err.contains(QLatin1String("HTTP 429")), qPrintable(limited.err));
        QCOMPARE(digest(), before);
    }
};

QTEST_GUILESS_MAIN(TestCliWallets)
#include "tst_cli_wallets.moc"
