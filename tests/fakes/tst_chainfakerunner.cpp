// The chain fakes run as their own process (`ballast-fake-exchange esplora|evm|
// solana`), read by the real clients: what the issue asks for to try wallets
// by hand, checked end to end.
#include "chain/addresses.h"
#include "chain/esplora.h"
#include "chain/evmrpc.h"
#include "chain/solanarpc.h"
#include "exchange/httpclient.h"

#include <QNetworkAccessManager>
#include <QProcess>
#include <QTest>

using namespace ballast;
using namespace ballast::chain;

class TestChainFakeRunner : public QObject
{
    Q_OBJECT

private:
    /// Starts the runner and reads the endpoint it prints into @p url.
    void start(QProcess &runner, const QStringList &args, QUrl &url)
    {
        runner.start(QStringLiteral(BALLAST_FAKE_EXCHANGE_EXE), args);
        QVERIFY(runner.waitForStarted(60000));
        QStringList lines;
        const auto readLines = [&runner, &lines] {
            while (runner.canReadLine())
                lines.append(QString::fromLatin1(runner.readLine()).trimmed());
            return lines.size() >= 2;
        };
        QTRY_VERIFY_WITH_TIMEOUT(readLines(), 60000);
        QVERIFY2(lines.at(0).startsWith(QLatin1String("listening on 127.0.0.1:")), qPrintable(lines.at(0)));
        QVERIFY2(lines.at(1).startsWith(u"endpoint "), qPrintable(lines.at(1)));
        url = QUrl(lines.at(1).mid(9));
    }

    void stop(QProcess &runner)
    {
        runner.closeWriteChannel(); // it ends when its standard input closes
        QVERIFY(runner.waitForFinished(60000));
        QCOMPARE(runner.exitCode(), 0);
    }

private slots:
    void init()
    {
        m_manager = std::make_unique<QNetworkAccessManager>();
        m_http = std::make_unique<exchange::HttpClient>(m_manager.get(), 10000);
    }

    void evm()
    {
        const QString owner = QStringLiteral("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed");
        const QString usdc = QStringLiteral("0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913");
        QProcess runner;
        QUrl url;
        start(runner,
              {QStringLiteral("evm"), QStringLiteral("--chain-id"), QStringLiteral("8453"),
               owner + QStringLiteral("=1234567890123456789"), QStringLiteral("token:") + usdc,
               QStringLiteral("%1:%2=2500000").arg(usdc, owner)},
              url);
        if (QTest::currentTestFailed())
            return;
        EvmRpcClient client(*m_http, url);
        QVERIFY(client.checkChain(8453));
        QCOMPARE(client.nativeBalance(*parseEvmAddress(owner))->toString(), QStringLiteral("1.234567890123456789"));
        // Decimals not given on the command line: read from the contract, which has none, so it reverts.
        const auto reverted =
            client.tokenBalances(*parseEvmAddress(owner), {{QStringLiteral("USDC"), usdc, std::nullopt}});
        QVERIFY(!reverted);
        QVERIFY2(reverted.error().message.contains(QLatin1String("execution reverted")),
                 qPrintable(reverted.error().message));
        const auto balances = client.tokenBalances(*parseEvmAddress(owner), {{QStringLiteral("USDC"), usdc, 6}});
        QVERIFY2(balances, qPrintable(balances ? QString() : balances.error().message));
        QCOMPARE(balances->first().amount.toString(), QStringLiteral("2.5"));
        stop(runner);
    }

    void solana()
    {
        const QString owner = QStringLiteral("A1TMhSGzQxMr1TboBKtgixKz1sS6REASMxPo1qsyTSJd");
        const QString usdc = QStringLiteral("EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v");
        QProcess runner;
        QUrl url;
        start(runner,
              {QStringLiteral("solana"), QStringLiteral("--request-limit"), QStringLiteral("2"),
               owner + QStringLiteral("=2500000001"), QStringLiteral("%1:%2:6=1500000").arg(owner, usdc),
               QStringLiteral("%1:%2:6:2022=1").arg(owner, usdc)},
              url);
        if (QTest::currentTestFailed())
            return;
        SolanaRpcClient client(*m_http, url);
        QCOMPARE(client.getBalance(owner)->toString(), QStringLiteral("2.500000001"));
        const auto balances = client.tokenBalances(owner);
        QVERIFY2(balances, qPrintable(balances ? QString() : balances.error().message));
        QCOMPARE(balances->size(), 1);
        QCOMPARE(balances->first().symbol, QStringLiteral("USDC"));
        QCOMPARE(balances->first().amount.toString(), QStringLiteral("1.500001"));
        QCOMPARE(balances->first().accounts, 2);
        const auto limited = client.getBalance(owner);
        QVERIFY(!limited);
        QCOMPARE(limited.error().code, QStringLiteral("jsonrpc.rate_limit"));
        stop(runner);
    }

    void esplora()
    {
        QProcess runner;
        QUrl url;
        start(runner, {QStringLiteral("esplora"), QStringLiteral("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa=5000")}, url);
        if (QTest::currentTestFailed())
            return;
        EsploraClient client(*m_http, url);
        const auto activity = client.address(QStringLiteral("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa"));
        QVERIFY2(activity, qPrintable(activity ? QString() : activity.error().message));
        QCOMPARE(activity->confirmedSats, 5000);
        stop(runner);
    }

    void badSettingIsRefused()
    {
        QProcess runner;
        runner.start(QStringLiteral(BALLAST_FAKE_EXCHANGE_EXE),
                     {QStringLiteral("solana"), QStringLiteral("owner=lots")});
        QVERIFY(runner.waitForFinished(60000));
        QCOMPARE(runner.exitCode(), 2);
        QVERIFY(runner.readAllStandardError().contains("owner=lots: expected PUBKEY=LAMPORTS"));
    }

private:
    std::unique_ptr<QNetworkAccessManager> m_manager;
    std::unique_ptr<exchange::HttpClient> m_http;
};

QTEST_GUILESS_MAIN(TestChainFakeRunner)
#include "tst_chainfakerunner.moc"
