// Watch-only Solana balances through JSON-RPC (core/chain/solanarpc) against
// the loopback FakeSolanaRpc: SOL exact to the lamport, SPL balances of both
// token programs summed per mint from the exact amount strings, one batch
// answered in any order, and refusals and malformed answers named.
#include "chain/solanarpc.h"
#include "exchange/httpclient.h"
#include "fakesolanarpc.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QTest>

using namespace ballast;
using namespace ballast::chain;
using ballast::test::fake::FakeSolanaRpc;

namespace {

// The owner and a token account of Solana's getTokenAccountsByOwner documentation example.
const QString kOwner = QStringLiteral("A1TMhSGzQxMr1TboBKtgixKz1sS6REASMxPo1qsyTSJd");
const QString kOther = QStringLiteral("83astBRguLMdt2h5U1Tpdq5tjFoJ6noeGwaY3mDLVcri");
const QString kUsdc = QStringLiteral("EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v");
const QString kUsdt = QStringLiteral("Es9vMFrzaCERmJfrF4H2FYD4KCoNkY11McCe8BenwNYB");
const QString kOtherMint = QStringLiteral("2cHr7QS3xfuSV8wdxo3ztuF4xbiarF6Nrgx3qpx3HzXR");

QString account(int n)
{
    // Distinct valid addresses for token accounts: the program ids and mints are 32-byte keys too.
    const QStringList keys{QStringLiteral("BGocb4GEpbTFm8UFV2VsDSaBXHELPfAXrvd4vtt8QWrA"),
                           QStringLiteral("9xQeWvG816bUx9EPjHmaT23yvVM2ZWbrrpZb9PusVFin"),
                           QStringLiteral("7cVfgArCheMR6Cs4t6vz5rfnqd56vZq4ndaBrY5xkxXy"),
                           QStringLiteral("GwsPP9HHhCvEQeu3HTFzsVL6DEtnnYw4ALEtA3fMBC9Q"),
                           QStringLiteral("4kg8oh3jdNtn7j2wcS7TrUua31AgbLzDVkBZgTAe44aF")};
    return keys.at(n);
}

QString describe(const SplTokenBalance &b)
{
    return QStringLiteral("%1 %2 %3 (%4 accounts, %5 decimals)")
        .arg(b.symbol, b.mint, b.amount.toString())
        .arg(b.accounts)
        .arg(b.decimals);
}

} // namespace

class TestSolanaRpc : public QObject
{
    Q_OBJECT

private slots:
    void init()
    {
        m_fake = std::make_unique<FakeSolanaRpc>();
        QVERIFY(m_fake->listenLocal());
        m_manager = std::make_unique<QNetworkAccessManager>();
        m_http = std::make_unique<exchange::HttpClient>(m_manager.get(), 10000);
        m_client = std::make_unique<SolanaRpcClient>(*m_http, m_fake->url());
    }

    void solBalanceIsExact()
    {
        m_fake->setBalance(kOwner, 1'234'567'891);
        const auto balance = m_client->getBalance(kOwner);
        QVERIFY2(balance, qPrintable(balance ? QString() : balance.error().message));
        QCOMPARE(balance->toString(), QStringLiteral("1.234567891"));
        // Past 2^53 a double would round: 2^53 + 1 lamports still read to the lamport.
        m_fake->setBalance(kOwner, 9'007'199'254'740'993ULL);
        const auto large = m_client->getBalance(kOwner);
        QVERIFY(large);
        QCOMPARE(large->toString(), QStringLiteral("9007199.254740993"));
        const auto none = m_client->getBalance(kOther);
        QVERIFY(none);
        QVERIFY(none->isZero());
    }

    void invalidAddressIsRefusedBeforeAnyRequest()
    {
        const auto balance = m_client->getBalance(QStringLiteral("0OIl-not-base58"));
        QVERIFY(!balance);
        QVERIFY2(balance.error().message.startsWith(QLatin1String("0OIl-not-base58: ")),
                 qPrintable(balance.error().message));
        const auto tokens = m_client->tokenBalances(QStringLiteral("abc"));
        QVERIFY(!tokens);
        QCOMPARE(m_fake->httpRequests(), 0);
    }

    // Two USDC accounts summed, USDT, a Token-2022 mint Ballast does not know
    // (named by its mint), an empty account, and another owner's account left out.
    void tokenBalancesSummedPerMint()
    {
        m_fake->addTokenAccount(kOwner, {account(0), kUsdc, QStringLiteral("1500000"), 6, false});
        m_fake->addTokenAccount(kOwner, {account(1), kUsdc, QStringLiteral("2500001"), 6, false});
        m_fake->addTokenAccount(kOwner, {account(2), kUsdt, QStringLiteral("18446744073709551615"), 6, false});
        m_fake->addTokenAccount(kOwner, {account(3), kOtherMint, QStringLiteral("123456789012"), 9, true});
        m_fake->addTokenAccount(kOther, {account(4), kUsdc, QStringLiteral("999"), 6, false});

        const auto balances = m_client->tokenBalances(kOwner);
        QVERIFY2(balances, qPrintable(balances ? QString() : balances.error().message));
        QStringList got;
        for (const SplTokenBalance &b : *balances)
            got.append(describe(b));
        const QStringList expected{
            kOtherMint + QLatin1Char(' ') + kOtherMint + QStringLiteral(" 123.456789012 (1 accounts, 9 decimals)"),
            QStringLiteral("USDC ") + kUsdc + QStringLiteral(" 4.000001 (2 accounts, 6 decimals)"),
            QStringLiteral("USDT ") + kUsdt + QStringLiteral(" 18446744073709.551615 (1 accounts, 6 decimals)"),
        };
        QCOMPARE(got, expected);
        QCOMPARE(m_fake->httpRequests(), 1);
        QCOMPARE(m_fake->methods(), QStringList(2, QStringLiteral("getTokenAccountsByOwner")));
    }

    void batchAnsweredOutOfOrder()
    {
        m_fake->setReverseBatches(true);
        m_fake->addTokenAccount(kOwner, {account(0), kUsdc, QStringLiteral("7"), 6, false});
        m_fake->addTokenAccount(kOwner, {account(1), kOtherMint, QStringLiteral("5"), 2, true});
        const auto balances = m_client->tokenBalances(kOwner);
        QVERIFY(balances);
        QCOMPARE(balances->size(), 2);
        QCOMPARE(balances->at(0).amount.toString(), QStringLiteral("0.05"));
        QCOMPARE(balances->at(1).amount.toString(), QStringLiteral("0.000007"));
    }

    void jsonRpcErrorsAreNamed()
    {
        JsonRpcClient rpc(*m_http, m_fake->url());
        const auto bad = rpc.call(QStringLiteral("getBalance"), {QStringLiteral("xyz")});
        QVERIFY(!bad);
        QCOMPARE(bad.error().message,
                 QStringLiteral("127.0.0.1:%1 answered getBalance with JSON-RPC error -32602 (invalid params): "
                                "Invalid param: Invalid")
                     .arg(m_fake->port()));
        const auto program = rpc.call(QStringLiteral("getTokenAccountsByOwner"),
                                      {kOwner, QJsonObject{{QStringLiteral("programId"), kOther}},
                                       QJsonObject{{QStringLiteral("encoding"), QStringLiteral("jsonParsed")}}});
        QVERIFY(!program);
        QVERIFY2(program.error().message.contains(QLatin1String("unrecognized Token program id")),
                 qPrintable(program.error().message));
        const auto unknown = rpc.call(QStringLiteral("requestAirdrop"), {kOwner, 1});
        QVERIFY(!unknown);
        QVERIFY2(unknown.error().message.contains(QLatin1String("-32601 (method not found)")),
                 qPrintable(unknown.error().message));
    }

    void rateLimitIsNamed()
    {
        m_fake->setRequestLimit(1);
        QVERIFY(m_client->getBalance(kOwner));
        const auto limited = m_client->tokenBalances(kOwner);
        QVERIFY(!limited);
        QCOMPARE(limited.error().code, QStringLiteral("jsonrpc.rate_limit"));
        QVERIFY2(limited.error().message.startsWith(
                     QStringLiteral("127.0.0.1:%1 limits requests (HTTP 429, JSON-RPC error 429: Too many requests)")
                         .arg(m_fake->port())),
                 qPrintable(limited.error().message));
    }

    void decimalsDisagreeWithinAMint()
    {
        m_fake->addTokenAccount(kOwner, {account(0), kUsdc, QStringLiteral("1"), 6, false});
        m_fake->addTokenAccount(kOwner, {account(1), kUsdc, QStringLiteral("1"), 9, true});
        const auto balances = m_client->tokenBalances(kOwner);
        QVERIFY(!balances);
        QVERIFY2(balances.error().message.contains(account(1)), qPrintable(balances.error().message));
        QVERIFY(balances.error().message.contains(QLatin1String("has 9 decimals, another account of that mint 6")));
    }

    void malformedAccounts_data()
    {
        QTest::addColumn<QByteArray>("info");
        QTest::addColumn<QString>("expected");
        const QByteArray base =
            R"("mint":"EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v","owner":"A1TMhSGzQxMr1TboBKtgixKz1sS6REASMxPo1qsyTSJd")";
        QTest::newRow("amount number") << QByteArray(base + R"(,"tokenAmount":{"amount":1500000,"decimals":6})")
                                       << QStringLiteral(
                                              "value[0].account.data.parsed.info.tokenAmount.amount is not a string");
        QTest::newRow("amount fraction") << QByteArray(base + R"(,"tokenAmount":{"amount":"1.5","decimals":6})")
                                         << QStringLiteral(
                                                "tokenAmount.amount has a character that is not a decimal digit");
        QTest::newRow("amount past u64") << QByteArray(
            base + R"(,"tokenAmount":{"amount":"18446744073709551616","decimals":0})")
                                         << QStringLiteral("tokenAmount.amount is larger than 2^64 - 1");
        QTest::newRow("no decimals") << QByteArray(base + R"(,"tokenAmount":{"amount":"1"})")
                                     << QStringLiteral("tokenAmount.decimals is not a whole number from 0 to 255");
        QTest::newRow("other owner") << QByteArray(
            R"("mint":"EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v","owner":"83astBRguLMdt2h5U1Tpdq5tjFoJ6noeGwaY3mDLVcri","tokenAmount":{"amount":"1","decimals":6})")
                                     << QStringLiteral(
                                            "info.owner is not A1TMhSGzQxMr1TboBKtgixKz1sS6REASMxPo1qsyTSJd");
        QTest::newRow("bad mint") << QByteArray(
            R"("mint":"USDC","owner":"A1TMhSGzQxMr1TboBKtgixKz1sS6REASMxPo1qsyTSJd","tokenAmount":{"amount":"1","decimals":6})")
                                  << QStringLiteral("info.mint is not a Solana address");
    }
    void malformedAccounts()
    {
        QFETCH(QByteArray, info);
        QFETCH(QString, expected);
        const QByteArray result =
            R"({"context":{"slot":1},"value":[{"pubkey":"BGocb4GEpbTFm8UFV2VsDSaBXHELPfAXrvd4vtt8QWrA",)"
            R"("account":{"data":{"parsed":{"info":{)"
            + info + "},\"type\":\"account\"}}}}]}";
        const QJsonDocument doc = QJsonDocument::fromJson(result);
        QVERIFY(doc.isObject());
        const auto accounts = parseTokenAccounts(doc.object(), kOwner);
        QVERIFY(!accounts);
        QVERIFY2(accounts.error().message.contains(expected), qPrintable(accounts.error().message));
    }

    void malformedShapes()
    {
        // A node that ignored jsonParsed answers the data as base64.
        auto doc = QJsonDocument::fromJson(
            R"({"value":[{"pubkey":"BGocb4GEpbTFm8UFV2VsDSaBXHELPfAXrvd4vtt8QWrA","account":{"data":["AAAA","base64"]}}]})");
        auto accounts = parseTokenAccounts(doc.object(), kOwner);
        QVERIFY(!accounts);
        QVERIFY2(accounts.error().message.contains(QLatin1String("value[0].account.data.parsed is missing")),
                 qPrintable(accounts.error().message));
        doc = QJsonDocument::fromJson(R"({"value":{}})");
        QVERIFY(!parseTokenAccounts(doc.object(), kOwner));

        for (const char *body : {R"({"value":1.5})", R"({"value":-1})", R"({"value":"12"})", R"({"context":{}})"}) {
            const auto balance = parseSolanaBalance(QJsonDocument::fromJson(body).object());
            QVERIFY2(!balance, body);
            QVERIFY(balance.error().message.contains(QLatin1String("value is not a whole number of lamports")));
        }
        // Through the client the host is named.
        m_fake->setNextBody(R"({"jsonrpc":"2.0","id":1,"result":{"context":{"slot":1},"value":"many"}})");
        const auto balance = m_client->getBalance(kOwner);
        QVERIFY(!balance);
        QVERIFY2(balance.error().message.startsWith(QStringLiteral("127.0.0.1:%1: ").arg(m_fake->port())),
                 qPrintable(balance.error().message));
    }

private:
    std::unique_ptr<FakeSolanaRpc> m_fake;
    std::unique_ptr<QNetworkAccessManager> m_manager;
    std::unique_ptr<exchange::HttpClient> m_http;
    std::unique_ptr<SolanaRpcClient> m_client;
};

QTEST_GUILESS_MAIN(TestSolanaRpc)
#include "tst_solanarpc.moc"
