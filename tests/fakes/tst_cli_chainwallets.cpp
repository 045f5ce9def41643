// ballast-cli with watch-only EVM and Solana wallets, against the JSON-RPC
// fakes on their own thread: accounts add --wallet evm|solana (and what it
// refuses, storing nothing), sync (a chain that never answers is named and
// the others are recorded), holdings per network, wallets addresses and
// wallets tokens.
#include "chain/evmchains.h"
#include "clirunner.h"
#include "fakeevmrpc.h"
#include "fakesolanarpc.h"
#include "storage/database.h"
#include "testsupport.h"

#include <QJsonArray>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

using ballast::test::CliRun;
using ballast::test::fake::FakeEvmRpc;
using ballast::test::fake::FakeSolanaRpc;

namespace {

const QString kOwner = QStringLiteral("0xd8dA6BF26964aF9D7eEd9e03E53415D37aA96045");
const QString kSolOwner = QStringLiteral("9WzDXwBbmkg8ZTbNMqUxvQRAyrZzDsGYdLVL9zYtAWWM");

QString usdcOn(const QString &key)
{
    for (const auto &token : ballast::chain::evmChainByKey(key)->defaultTokens) {
        if (token.symbol == QLatin1String("USDC"))
            return token.contract;
    }
    return {};
}

} // namespace

class TestCliChainWallets : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    QThread m_thread;
    QObject *m_anchor = nullptr; ///< lives in m_thread: every call into the fakes runs there
    FakeEvmRpc *m_ethereum = nullptr;
    FakeEvmRpc *m_base = nullptr;
    FakeEvmRpc *m_arbitrum = nullptr;
    FakeSolanaRpc *m_solana = nullptr;
    QString m_db;

    void onFake(const std::function<void()> &function)
    {
        QMetaObject::invokeMethod(m_anchor, function, Qt::BlockingQueuedConnection);
    }

    CliRun cli(const QStringList &arguments, const QString &timeoutMs = {})
    {
        QProcessEnvironment env;
        env.insert(QStringLiteral("HOME"), m_dir.path());
        if (!timeoutMs.isEmpty())
            env.insert(QStringLiteral("BALLAST_WALLET_TIMEOUT_MS"), timeoutMs);
        return ballast::test::runCli(m_db, arguments, {}, env);
    }

    QByteArray digest()
    {
        auto db = ballast::storage::Database::open(m_db, ballast::storage::Database::Mode::ReadWriteExisting);
        if (!db)
            return db.error().message.toUtf8();
        return ballast::test::contentDigest(**db);
    }

    QString url(FakeEvmRpc *fake)
    {
        QString out;
        onFake([&] { out = fake->url().toString(); });
        return out;
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
        bool listening = true;
        onFake([&] {
            const auto serve = [&](const char *key) {
                auto *fake = new FakeEvmRpc;
                listening = fake->listenLocal() && listening;
                const auto *chain = ballast::chain::evmChainByKey(QString::fromLatin1(key));
                fake->setChainId(chain->chainId);
                for (const auto &token : chain->defaultTokens)
                    fake->addToken(token.contract, token.decimals);
                return fake;
            };
            m_ethereum = serve("ethereum");
            m_base = serve("base");
            m_arbitrum = serve("arbitrum");
            m_arbitrum->setSilent(true);
            m_solana = new FakeSolanaRpc;
            listening = m_solana->listenLocal() && listening;
        });
        QVERIFY(listening);
        m_db = m_dir.filePath(QStringLiteral("wallets.sqlite"));
        QCOMPARE(cli({QStringLiteral("init")}).exitCode, 0);
    }

    void cleanupTestCase()
    {
        onFake([this] {
            delete m_ethereum;
            delete m_base;
            delete m_arbitrum;
            delete m_solana;
        });
        m_thread.quit();
        m_thread.wait();
    }

    void refusalsNameTheOptionAndStoreNothing_data()
    {
        QTest::addColumn<QStringList>("arguments");
        QTest::addColumn<QString>("expected");
        const QString add = QStringLiteral("accounts add --name hot --wallet ");
        const auto args = [&](const QString &rest) { return QString(add + rest).split(QLatin1Char(' ')); };
        QTest::newRow("unknown chain") << args(
            QStringLiteral("evm --address %1 --rpc x=https://rpc.example.com").arg(kOwner))
                                       << QStringLiteral("--rpc \"x=...\": unknown chain \"x\" (ethereum, arbitrum, "
                                                         "base, optimism, polygon, bsc); expected CHAIN=URL");
        QTest::newRow("no equals") << args(QStringLiteral("evm --address %1 --rpc https://rpc.example.com").arg(kOwner))
                                   << QStringLiteral("--rpc \"https://rpc.example.com\": expected CHAIN=URL");
        QTest::newRow("chains on solana") << args(QStringLiteral("solana --address %1 --chains base").arg(kSolOwner))
                                          << QStringLiteral("--chains applies to evm wallets only");
        QTest::newRow("two addresses") << args(QStringLiteral("evm --address %1 --address %1").arg(kOwner))
                                       << QStringLiteral("--address: an evm wallet watches one address");
        QTest::newRow("private key") << args(
            QStringLiteral("evm --address 4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318"))
                                     << QStringLiteral("--address: 64 hex digits are a private key");
        QTest::newRow("cleartext") << args(
            QStringLiteral("evm --address %1 --rpc base=http://rpc.example.com").arg(kOwner))
                                   << QStringLiteral("--rpc base: ");
        QTest::newRow("chain without endpoint")
            << args(QStringLiteral("evm --address %1 --chains ethereum,polygon").arg(kOwner))
            << QStringLiteral("--rpc: no endpoint for polygon: give --rpc polygon=URL");
    }
    void refusalsNameTheOptionAndStoreNothing()
    {
        QFETCH(QStringList, arguments);
        QFETCH(QString, expected);
        const QByteArray before = digest();
        const CliRun run = cli(arguments);
        QVERIFY(run.exitCode != 0);
        QVERIFY2(run.err.contains(expected), qPrintable(run.err));
        QVERIFY2(!run.err.contains(QLatin1String("4c0883a6")), "the secret is quoted back");
        QCOMPARE(digest(), before);
    }

    void evmAddSyncHoldingsAndAddresses()
    {
        onFake([this] {
            m_ethereum->setBalance(kOwner, QStringLiteral("1500000000000000000"));
            m_ethereum->setTokenBalance(usdcOn(QStringLiteral("ethereum")), kOwner, QStringLiteral("100000000"));
            m_base->setTokenBalance(usdcOn(QStringLiteral("base")), kOwner, QStringLiteral("50500000"));
        });
        const CliRun added =
            cli({QStringLiteral("accounts"), QStringLiteral("add"), QStringLiteral("--wallet"), QStringLiteral("evm"),
                 QStringLiteral("--name"), QStringLiteral("hot"), QStringLiteral("--address"), kOwner.toLower(),
                 QStringLiteral("--rpc"), QStringLiteral("ethereum=") + url(m_ethereum), QStringLiteral("--rpc"),
                 QStringLiteral("base=") + url(m_base)});
        QVERIFY2(added.exitCode == 0, qPrintable(added.err));
        QVERIFY2(added.out.startsWith(
                     QStringLiteral("Added evm wallet \"hot\" watching %1 on base through").arg(kOwner.toLower())),
                 qPrintable(added.out));

        const CliRun synced = cli(ballast::test::words("sync --account hot"));
        QVERIFY2(synced.exitCode == 0, qPrintable(synced.err));
        QVERIFY2(synced.out.contains(QLatin1String("Synced hot on ethereum: 1.5 ETH, 100 USDC.")),
                 qPrintable(synced.out));
        QVERIFY2(synced.out.contains(QLatin1String("Synced hot on base: 50.5 USDC.")), qPrintable(synced.out));

        const CliRun holdings = cli(ballast::test::words("--json holdings list"));
        QCOMPARE(holdings.exitCode, 0);
        QStringList usdc;
        for (const auto &row : holdings.json().value(QStringLiteral("holdings")).toArray()) {
            const QJsonObject object = row.toObject();
            if (object.value(QStringLiteral("asset")).toString() == QLatin1String("USDC"))
                usdc.append(object.value(QStringLiteral("network")).toString() + QLatin1Char('=')
                            + object.value(QStringLiteral("quantity")).toString());
        }
        usdc.sort();
        QCOMPARE(usdc, (QStringList{QStringLiteral("base=50.5"), QStringLiteral("ethereum=100")}));

        const CliRun listed = cli(ballast::test::words("--json wallets addresses --account hot"));
        QCOMPARE(listed.exitCode, 0);
        bool sawBaseUsdc = false;
        for (const auto &row : listed.json().value(QStringLiteral("addresses")).toArray()) {
            const QJsonObject object = row.toObject();
            QCOMPARE(object.value(QStringLiteral("address")).toString(), kOwner);
            if (object.value(QStringLiteral("network")).toString() == QLatin1String("base")
                && object.value(QStringLiteral("asset")).toString() == QLatin1String("USDC")) {
                QCOMPARE(object.value(QStringLiteral("balance")).toString(), QStringLiteral("50.5"));
                sawBaseUsdc = true;
            }
        }
        QVERIFY(sawBaseUsdc);

        // The token list is the person's: Base reads USDC alone from now on.
        const CliRun badToken = cli({QStringLiteral("wallets"), QStringLiteral("tokens"), QStringLiteral("--account"),
                                     QStringLiteral("hot"), QStringLiteral("--chain"), QStringLiteral("base"),
                                     QStringLiteral("--set"), QStringLiteral("USDC")});
        QVERIFY(badToken.exitCode != 0);
        QVERIFY2(badToken.err.contains(QLatin1String("--set \"USDC\": expected SYMBOL=CONTRACT[:DECIMALS]")),
                 qPrintable(badToken.err));
        const CliRun set =
            cli({QStringLiteral("--json"), QStringLiteral("wallets"), QStringLiteral("tokens"),
                 QStringLiteral("--account"), QStringLiteral("hot"), QStringLiteral("--chain"), QStringLiteral("base"),
                 QStringLiteral("--set"), QStringLiteral("USDC=%1:6").arg(usdcOn(QStringLiteral("base")))});
        QVERIFY2(set.exitCode == 0, qPrintable(set.err));
        int baseTokens = 0;
        for (const auto &row : set.json().value(QStringLiteral("tokens")).toArray())
            baseTokens += row.toObject().value(QStringLiteral("chain")).toString() == QLatin1String("base") ? 1 : 0;
        QCOMPARE(baseTokens, 1);
    }

    // Arbitrum's node never answers: after the short timeout the sync names
    // it, records Ethereum, and exits 1.
    void aChainThatTimesOutIsNamedAndTheOthersRecorded()
    {
        onFake([this] { m_ethereum->setBalance(kOwner, QStringLiteral("3000000000000000000")); });
        const CliRun added =
            cli({QStringLiteral("accounts"), QStringLiteral("add"), QStringLiteral("--wallet"), QStringLiteral("evm"),
                 QStringLiteral("--name"), QStringLiteral("slow"), QStringLiteral("--address"), kOwner,
                 QStringLiteral("--chains"), QStringLiteral("ethereum,arbitrum"), QStringLiteral("--rpc"),
                 QStringLiteral("ethereum=") + url(m_ethereum), QStringLiteral("--rpc"),
                 QStringLiteral("arbitrum=") + url(m_arbitrum)});
        QVERIFY2(added.exitCode == 0, qPrintable(added.err));
        const CliRun synced = cli(ballast::test::words("sync --account slow"), QStringLiteral("2000"));
        QCOMPARE(synced.exitCode, 1);
        QVERIFY2(synced.out.contains(QLatin1String("Synced slow on ethereum: 3 ETH, 100 USDC.")),
                 qPrintable(synced.out));
        QVERIFY2(synced.err.contains(QLatin1String("slow (arbitrum): 127.0.0.1:")), qPrintable(synced.err));
        QVERIFY2(synced.err.contains(QLatin1String("timed out")), qPrintable(synced.err));
        QVERIFY2(synced.err.contains(QLatin1String("slow: 1 of 2 network(s) failed (arbitrum); the others were "
                                                   "recorded.")),
                 qPrintable(synced.err));
        const CliRun holdings = cli(ballast::test::words("--json holdings list"));
        QStringList networks;
        for (const auto &row : holdings.json().value(QStringLiteral("holdings")).toArray()) {
            const QJsonObject object = row.toObject();
            if (object.value(QStringLiteral("account")).toString() == QLatin1String("slow"))
                networks.append(object.value(QStringLiteral("network")).toString());
        }
        networks.removeDuplicates();
        QCOMPARE(networks, QStringList{QStringLiteral("ethereum")});

        const CliRun badTimeout = cli(ballast::test::words("sync --account slow"), QStringLiteral("soon"));
        QCOMPARE(badTimeout.exitCode, 1);
        QVERIFY2(badTimeout.err.contains(QLatin1String("BALLAST_WALLET_TIMEOUT_MS")), qPrintable(badTimeout.err));
    }

    void solanaAddAndSync()
    {
        onFake([this] {
            m_solana->setBalance(kSolOwner, 2'500'000'000);
            m_solana->addTokenAccount(kSolOwner,
                                      {QStringLiteral("7xKXtg2CW87d97TXJSDpbD5jBkheTqA83TZRuJosgAsU"),
                                       QStringLiteral("EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v"),
                                       QStringLiteral("12000000"), 6, false});
            m_solana->addTokenAccount(kSolOwner,
                                      {QStringLiteral("5Q544fKrFoe6tsEbD7S8EmxGTJYAKtTVhAW5Q5pge4j1"),
                                       QStringLiteral("4k3Dyjzvzp8eMZWUXbBCjEvwSkkk59S5iCNLY3QrkX6R"),
                                       QStringLiteral("42"), 0, false});
        });
        QString rpc;
        onFake([&] { rpc = m_solana->url().toString(); });
        const CliRun added = cli({QStringLiteral("accounts"), QStringLiteral("add"), QStringLiteral("--wallet"),
                                  QStringLiteral("solana"), QStringLiteral("--name"), QStringLiteral("sol"),
                                  QStringLiteral("--address"), kSolOwner, QStringLiteral("--rpc"), rpc});
        QVERIFY2(added.exitCode == 0, qPrintable(added.err));
        const CliRun synced = cli(ballast::test::words("sync --account sol"));
        QVERIFY2(synced.exitCode == 0, qPrintable(synced.err));
        QVERIFY2(synced.out.contains(QLatin1String("Synced sol on solana: 2.5 SOL, 12 USDC.")), qPrintable(synced.out));
        QVERIFY2(
            synced.err.contains(QLatin1String("sol (solana): mint 4k3Dyjzvzp8eMZWUXbBCjEvwSkkk59S5iCNLY3QrkX6R: 42 "
                                              "not recorded")),
            qPrintable(synced.err));
        const CliRun listed = cli(ballast::test::words("wallets addresses --account sol"));
        QCOMPARE(listed.exitCode, 0);
        QVERIFY2(listed.out.contains(QLatin1String("2.5 SOL")) && listed.out.contains(QLatin1String("12 USDC")),
                 qPrintable(listed.out));
    }
};

QTEST_GUILESS_MAIN(TestCliChainWallets)
#include "tst_cli_chainwallets.moc"
