// Watch-only EVM balances through JSON-RPC (core/chain/evmrpc) against the
// loopback FakeEvmRpc: the chain check, native and ERC-20 balances exact to the
// last unit, one batch per read answered in any order, and the endpoint's
// refusals (JSON-RPC errors, HTTP 429) and malformed answers named.
#include "chain/addresses.h"
#include "chain/evmchains.h"
#include "chain/evmrpc.h"
#include "exchange/httpclient.h"
#include "fakeevmrpc.h"

#include <QNetworkAccessManager>
#include <QTest>

using namespace ballast;
using namespace ballast::chain;
using ballast::money::dec;
using ballast::test::fake::FakeEvmRpc;

namespace {

const QString kOwner = QStringLiteral("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"); // EIP-55's own example

QByteArray ownerBytes()
{
    return *parseEvmAddress(kOwner);
}

QList<EvmToken> ethereumTokens()
{
    return evmChainByKey(u"ethereum")->defaultTokens;
}

QString contractOf(const QString &symbol)
{
    for (const EvmToken &token : ethereumTokens()) {
        if (token.symbol == symbol)
            return token.contract;
    }
    return {};
}

} // namespace

class TestEvmRpc : public QObject
{
    Q_OBJECT

private slots:
    void init()
    {
        m_fake = std::make_unique<FakeEvmRpc>();
        QVERIFY(m_fake->listenLocal());
        m_manager = std::make_unique<QNetworkAccessManager>();
        m_http = std::make_unique<exchange::HttpClient>(m_manager.get(), 10000);
        m_client = std::make_unique<EvmRpcClient>(*m_http, m_fake->url());
    }

    void chainIdIsChecked()
    {
        m_fake->setChainId(42161);
        const auto id = m_client->chainId();
        QVERIFY2(id, qPrintable(id ? QString() : id.error().message));
        QCOMPARE(*id, std::uint64_t{42161});
        QVERIFY(m_client->checkChain(42161));

        const Status wrong = m_client->checkChain(1);
        QVERIFY(!wrong);
        QCOMPARE(wrong.error().code, QStringLiteral("evm.chain"));
        QCOMPARE(wrong.error().message,
                 QStringLiteral("127.0.0.1:%1 serves Arbitrum One (42161), not Ethereum (1): check the RPC URL for "
                                "this network")
                     .arg(m_fake->port()));
        QCOMPARE(m_fake->methods(), QStringList(3, QStringLiteral("eth_chainId")));
    }

    void nativeBalanceIsExact()
    {
        m_fake->setBalance(kOwner, QStringLiteral("1234567890123456789"));
        const auto balance = m_client->nativeBalance(ownerBytes());
        QVERIFY2(balance, qPrintable(balance ? QString() : balance.error().message));
        QCOMPARE(balance->toString(), QStringLiteral("1.234567890123456789"));

        // An address nobody funded holds 0x0.
        const auto empty = m_client->nativeBalance(QByteArray(20, '\x11'));
        QVERIFY(empty);
        QVERIFY(empty->isZero());

        // The largest balance a Decimal holds (2^127 - 1 wei) is read whole; one wei more is refused, not wrapped.
        m_fake->setBalance(kOwner, QStringLiteral("170141183460469231731687303715884105727"));
        const auto largest = m_client->nativeBalance(ownerBytes());
        QVERIFY(largest);
        QCOMPARE(largest->toString(), QStringLiteral("170141183460469231731.687303715884105727"));
        m_fake->setBalance(kOwner, QStringLiteral("170141183460469231731687303715884105728"));
        const auto tooLarge = m_client->nativeBalance(ownerBytes());
        QVERIFY(!tooLarge);
        QVERIFY2(tooLarge.error().message.contains(QLatin1String("larger than Ballast's limit")),
                 qPrintable(tooLarge.error().message));
    }

    // The default Ethereum list, with DAI's decimals left to the contract: one
    // HTTP request carries every balanceOf and the one decimals().
    void tokenBalancesInOneBatch()
    {
        for (const EvmToken &token : ethereumTokens())
            m_fake->addToken(token.contract, token.decimals);
        m_fake->setTokenBalance(contractOf(QStringLiteral("USDC")), kOwner, QStringLiteral("1234567"));
        m_fake->setTokenBalance(contractOf(QStringLiteral("USDT")), kOwner, QStringLiteral("1000000000001"));
        m_fake->setTokenBalance(contractOf(QStringLiteral("WBTC")), kOwner, QStringLiteral("12345678"));
        m_fake->setTokenBalance(contractOf(QStringLiteral("DAI")), kOwner, QStringLiteral("5000000000000000001"));
        QList<EvmToken> tokens = ethereumTokens();
        for (EvmToken &token : tokens) {
            if (token.symbol == u"DAI")
                token.decimals.reset();
        }

        const auto balances = m_client->tokenBalances(ownerBytes(), tokens);
        QVERIFY2(balances, qPrintable(balances ? QString() : balances.error().message));
        QCOMPARE(m_fake->httpRequests(), 1);
        QCOMPARE(m_fake->methods(), QStringList(6, QStringLiteral("eth_call")));
        QCOMPARE(balances->size(), 5);
        QHash<QString, QString> bySymbol;
        for (const EvmTokenBalance &balance : *balances)
            bySymbol.insert(balance.symbol, balance.amount.toString());
        QCOMPARE(bySymbol.value(QStringLiteral("USDC")), QStringLiteral("1.234567"));
        QCOMPARE(bySymbol.value(QStringLiteral("USDT")), QStringLiteral("1000000.000001"));
        QCOMPARE(bySymbol.value(QStringLiteral("WETH")), QStringLiteral("0"));
        QCOMPARE(bySymbol.value(QStringLiteral("WBTC")), QStringLiteral("0.12345678"));
        QCOMPARE(bySymbol.value(QStringLiteral("DAI")), QStringLiteral("5.000000000000000001"));
        QCOMPARE(balances->last().decimals, 18); // read from the contract
        QCOMPARE(balances->first().contract, contractOf(QStringLiteral("USDC")));
    }

    // Answers matched by id, not by position: reversed, every balance still lands on its token.
    void batchAnsweredOutOfOrder()
    {
        m_fake->setReverseBatches(true);
        QList<EvmToken> tokens = ethereumTokens();
        for (qsizetype i = 0; i < tokens.size(); ++i) {
            m_fake->addToken(tokens.at(i).contract, tokens.at(i).decimals);
            m_fake->setTokenBalance(tokens.at(i).contract, kOwner, QString::number(i + 1));
        }
        tokens[1].decimals.reset(); // USDT's and WBTC's decimals() join the batch too
        tokens[3].decimals.reset();
        const auto balances = m_client->tokenBalances(ownerBytes(), tokens);
        QVERIFY2(balances, qPrintable(balances ? QString() : balances.error().message));
        const QStringList expected{QStringLiteral("USDC 0.000001"), QStringLiteral("USDT 0.000002"),
                                   QStringLiteral("WETH 0.000000000000000003"), QStringLiteral("WBTC 0.00000004"),
                                   QStringLiteral("DAI 0.000000000000000005")};
        QStringList got;
        for (const EvmTokenBalance &balance : *balances)
            got.append(balance.symbol + QLatin1Char(' ') + balance.amount.toString());
        QCOMPARE(got, expected);
        QCOMPARE(m_fake->httpRequests(), 1);
        QCOMPARE(m_fake->methods().size(), 7);
    }

    void mistypedContractIsRefusedBeforeAnyRequest()
    {
        const QList<EvmToken> tokens{
            {QStringLiteral("USDC"), QStringLiteral("0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606EB48"), 6}};
        const auto balances = m_client->tokenBalances(ownerBytes(), tokens);
        QVERIFY(!balances);
        QVERIFY2(balances.error().message.startsWith(
                     QLatin1String("token USDC: contract 0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606EB48: ")),
                 qPrintable(balances.error().message));
        QCOMPARE(m_fake->httpRequests(), 0);
    }

    void contractMissingOnThisChain()
    {
        const auto balances = m_client->tokenBalances(ownerBytes(), {ethereumTokens().first()});
        QVERIFY(!balances);
        QCOMPARE(balances.error().code, QStringLiteral("evm.no_contract"));
        QVERIFY2(balances.error().message.contains(QLatin1String("balanceOf of USDC")),
                 qPrintable(balances.error().message));
    }

    void jsonRpcErrorsAreNamed()
    {
        // A token whose decimals() reverts: the error names the call, the token and the host.
        m_fake->addToken(contractOf(QStringLiteral("DAI")), std::nullopt);
        const auto reverted = m_client->tokenBalances(
            ownerBytes(), {{QStringLiteral("DAI"), contractOf(QStringLiteral("DAI")), std::nullopt}});
        QVERIFY(!reverted);
        QCOMPARE(reverted.error().code, QStringLiteral("jsonrpc.error"));
        QCOMPARE(reverted.error().message,
                 QStringLiteral("127.0.0.1:%1 answered eth_call (decimals of DAI %2) with JSON-RPC error -32000 "
                                "(server error): execution reverted")
                     .arg(m_fake->port())
                     .arg(contractOf(QStringLiteral("DAI"))));

        JsonRpcClient rpc(*m_http, m_fake->url());
        const auto badParams =
            rpc.call(QStringLiteral("eth_getBalance"), {QStringLiteral("0x1234"), QStringLiteral("latest")});
        QVERIFY(!badParams);
        QVERIFY2(badParams.error().message.contains(QLatin1String("-32602 (invalid params): invalid argument 0")),
                 qPrintable(badParams.error().message));
        const auto unknown = rpc.call(QStringLiteral("eth_sendTransaction"), {});
        QVERIFY(!unknown);
        QVERIFY2(unknown.error().message.contains(QLatin1String("-32601 (method not found)")),
                 qPrintable(unknown.error().message));
        QVERIFY(unknown.error().message.contains(QLatin1String("answered eth_sendTransaction with")));

        // A request the server cannot read at all is answered by one error with a null id.
        m_fake->setNextBody(R"({"jsonrpc":"2.0","id":null,"error":{"code":-32700,"message":"parse error"}})");
        const auto parse = m_client->chainId();
        QVERIFY(!parse);
        QCOMPARE(parse.error().code, QStringLiteral("jsonrpc.error"));
        QVERIFY2(parse.error().message.contains(QLatin1String("-32700 (parse error)")),
                 qPrintable(parse.error().message));
    }

    // The fake's own refusals of what Ballast never sends.
    void fakeRefusesBadRequests()
    {
        auto reply = m_http->post(m_fake->url(), "{not json", {}, "application/json");
        QCOMPARE(reply.status, 200);
        QVERIFY2(reply.body.contains("-32700"), reply.body.constData());
        reply = m_http->post(m_fake->url(), "[]", {}, "application/json");
        QVERIFY2(reply.body.contains("-32600"), reply.body.constData());
        reply = m_http->post(m_fake->url(), R"({"jsonrpc":"2.0","id":1,"method":"eth_chainId"})", {}, "text/plain");
        QCOMPARE(reply.status, 415);
    }

    void rateLimitIsNamed()
    {
        m_fake->setRequestLimit(1);
        QVERIFY(m_client->chainId());
        const auto limited = m_client->chainId();
        QVERIFY(!limited);
        QCOMPARE(limited.error().code, QStringLiteral("jsonrpc.rate_limit"));
        QCOMPARE(
            limited.error().message,
            QStringLiteral("127.0.0.1:%1 limits requests (HTTP 429, JSON-RPC error -32005 (server error): Too many "
                           "requests), it asks to wait 1 s; sync again later")
                .arg(m_fake->port()));
        QVERIFY(!limited.error().message.contains(QLatin1String("test-key"))); // the path may hold an API key
    }

    void noServer()
    {
        const QUrl closed = m_fake->url();
        m_fake.reset();
        EvmRpcClient client(*m_http, closed);
        const auto answer = client.chainId();
        QVERIFY(!answer);
        QCOMPARE(answer.error().code, QStringLiteral("jsonrpc.network"));
        QVERIFY(answer.error().message.startsWith(QStringLiteral("127.0.0.1:%1 did not answer").arg(closed.port())));
    }

    // Answers that are not what was asked, through the client (a fresh client's first id is 1).
    void malformedAnswers_data()
    {
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<QString>("expected");
        QTest::newRow("html") << QByteArray("<html>busy</html>") << QStringLiteral("not a JSON object or array");
        QTest::newRow("number") << QByteArray(R"({"jsonrpc":"2.0","id":1,"result":12})")
                                << QStringLiteral("the eth_getBalance result is not a string");
        QTest::newRow("no prefix") << QByteArray(R"({"jsonrpc":"2.0","id":1,"result":"12"})")
                                   << QStringLiteral("the eth_getBalance result does not start with 0x");
        QTest::newRow("not hex") << QByteArray(R"({"jsonrpc":"2.0","id":1,"result":"0x12g"})")
                                 << QStringLiteral("not a hex digit");
        QTest::newRow("past uint256") << QByteArray(R"({"jsonrpc":"2.0","id":1,"result":"0x1)" + QByteArray(64, '0')
                                                    + R"("})")
                                      << QStringLiteral("larger than 2^256 - 1");
        QTest::newRow("other id") << QByteArray(R"({"jsonrpc":"2.0","id":7,"result":"0x1"})")
                                  << QStringLiteral("id is not the id of a request sent");
        QTest::newRow("no result") << QByteArray(R"({"jsonrpc":"2.0","id":1})")
                                   << QStringLiteral("it has neither result nor error");
    }
    void malformedAnswers()
    {
        QFETCH(QByteArray, body);
        QFETCH(QString, expected);
        m_fake->setNextBody(body);
        const auto balance = m_client->nativeBalance(ownerBytes());
        QVERIFY(!balance);
        QVERIFY2(balance.error().message.contains(expected), qPrintable(balance.error().message));
        QVERIFY2(balance.error().message.startsWith(QStringLiteral("127.0.0.1:%1: ").arg(m_fake->port())),
                 qPrintable(balance.error().message));
    }

    void shortBalanceWordIsRefused()
    {
        m_fake->setNextBody(R"([{"jsonrpc":"2.0","id":1,"result":"0x01"}])");
        const auto balances = m_client->tokenBalances(ownerBytes(), {ethereumTokens().first()});
        QVERIFY(!balances);
        QVERIFY2(balances.error().message.contains(QLatin1String("balanceOf of USDC")),
                 qPrintable(balances.error().message));
        QVERIFY(balances.error().message.contains(QLatin1String("is not a 32-byte word")));
    }

    void batchParsing_data()
    {
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<QString>("expected");
        QTest::newRow("missing id 2") << QByteArray(R"([{"jsonrpc":"2.0","id":1,"result":"0x1"}])")
                                      << QStringLiteral("request id 2 has no answer");
        QTest::newRow("twice") << QByteArray(
            R"([{"jsonrpc":"2.0","id":1,"result":"0x1"},{"jsonrpc":"2.0","id":1,"result":"0x1"}])")
                               << QStringLiteral("[1].id 1 is answered twice");
        QTest::newRow("both") << QByteArray(
            R"([{"jsonrpc":"2.0","id":2,"result":"0x1","error":{"code":1}},{"jsonrpc":"2.0","id":1,"result":"0x1"}])")
                              << QStringLiteral("[0] has both result and error");
        QTest::newRow("code") << QByteArray(
            R"([{"jsonrpc":"2.0","id":1,"error":{"code":"x"}},{"jsonrpc":"2.0","id":2,"result":"0x1"}])")
                              << QStringLiteral("[0].error.code is not an integer");
        QTest::newRow("not object") << QByteArray(R"([1,2])") << QStringLiteral("[0] is not an object");
    }
    void batchParsing()
    {
        QFETCH(QByteArray, body);
        QFETCH(QString, expected);
        const auto parsed = parseRpcResponse(body, {1, 2});
        QVERIFY(!parsed);
        QVERIFY2(parsed.error().message.contains(expected), qPrintable(parsed.error().message));
    }

private:
    std::unique_ptr<FakeEvmRpc> m_fake;
    std::unique_ptr<QNetworkAccessManager> m_manager;
    std::unique_ptr<exchange::HttpClient> m_http;
    std::unique_ptr<EvmRpcClient> m_client;
};

QTEST_GUILESS_MAIN(TestEvmRpc)
#include "tst_evmrpc.moc"
