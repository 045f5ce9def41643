// Watch-only EVM and Solana wallets end to end in a real SQLite file, against
// the loopback JSON-RPC fakes: adding them (what is refused, storing
// nothing), syncing two EVM chains (USDC on both: one asset, summed in the
// portfolio and split by network), a chain that serves another chain id or
// never answers leaving the others synced, Solana's SOL and SPL tokens (an
// unknown mint reported, not recorded), and the one classifier of Bitcoin
// watch-list lines.
#include "chain/evmchains.h"
#include "exchange/httpclient.h"
#include "fakeevmrpc.h"
#include "fakesolanarpc.h"
#include "services/ledger.h"
#include "services/ledgerqueries.h"
#include "services/walletservice.h"
#include "testsupport.h"

#include <QNetworkAccessManager>
#include <QTest>

using namespace ballast;
using ballast::money::dec;
using ballast::test::TempDatabase;
using ballast::test::fake::FakeEvmRpc;
using ballast::test::fake::FakeSolanaRpc;

namespace {

const QString kOwner = QStringLiteral("0xd8dA6BF26964aF9D7eEd9e03E53415D37aA96045");
const QString kSolOwner = QStringLiteral("9WzDXwBbmkg8ZTbNMqUxvQRAyrZzDsGYdLVL9zYtAWWM");
const QString kUsdcMint = QStringLiteral("EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v");
// A mint Ballast has no symbol for (any valid 32-byte key will do).
const QString kOtherMint = QStringLiteral("4k3Dyjzvzp8eMZWUXbBCjEvwSkkk59S5iCNLY3QrkX6R");

/// Serves every default token of @p key on @p fake, so that the wallet's
/// default list reads (a contract missing there would fail the chain).
void serveDefaults(FakeEvmRpc &fake, const QString &key)
{
    const chain::EvmChain *evmChain = chain::evmChainByKey(key);
    fake.setChainId(evmChain->chainId);
    for (const auto &token : evmChain->defaultTokens)
        fake.addToken(token.contract, token.decimals);
}

QString usdcOn(const QString &key)
{
    for (const auto &token : chain::evmChainByKey(key)->defaultTokens) {
        if (token.symbol == QLatin1String("USDC"))
            return token.contract;
    }
    return {};
}

} // namespace

class TestChainWallets : public QObject
{
    Q_OBJECT

private slots:
    void init()
    {
        m_db = std::make_unique<TempDatabase>();
        m_manager = std::make_unique<QNetworkAccessManager>();
        m_http = std::make_unique<exchange::HttpClient>(m_manager.get(), 10000);
        for (auto *fake : {&m_ethereum, &m_base, &m_arbitrum}) {
            *fake = std::make_unique<FakeEvmRpc>();
            QVERIFY((*fake)->listenLocal());
        }
        serveDefaults(*m_ethereum, QStringLiteral("ethereum"));
        serveDefaults(*m_base, QStringLiteral("base"));
        serveDefaults(*m_arbitrum, QStringLiteral("arbitrum"));
    }

    void evmRefusalsStoreNothing_data()
    {
        QTest::addColumn<QString>("address");
        QTest::addColumn<QStringList>("chains");
        QTest::addColumn<QStringList>("rpc"); // CHAIN=URL
        QTest::addColumn<QString>("expected");
        const QString local = QStringLiteral("ethereum=http://127.0.0.1:1/rpc");
        QTest::newRow("private key") << QStringLiteral(
            "0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318")
                                     << QStringList() << QStringList{local}
                                     << QStringLiteral("--address: 64 hex digits are a private key");
        QTest::newRow("bad checksum") << QStringLiteral("0xd8dA6BF26964aF9D7eEd9e03E53415D37aA96046") << QStringList()
                                      << QStringList{local} << QStringLiteral("--address: ");
        QTest::newRow("unknown chain") << kOwner << QStringList{QStringLiteral("fantom")} << QStringList{local}
                                       << QStringLiteral("--chains: unknown chain \"fantom\"");
        QTest::newRow("no endpoint") << kOwner << QStringList{QStringLiteral("ethereum"), QStringLiteral("base")}
                                     << QStringList{local}
                                     << QStringLiteral("--rpc: no endpoint for base: give --rpc base=URL");
        QTest::newRow("endpoint of a chain not chosen")
            << kOwner << QStringList{QStringLiteral("ethereum")}
            << QStringList{local, QStringLiteral("base=http://127.0.0.1:2/rpc")}
            << QStringLiteral("--rpc base: base is not one of the chains chosen");
        QTest::newRow("cleartext") << kOwner << QStringList()
                                   << QStringList{QStringLiteral("polygon=http://rpc.example.com/key")}
                                   << QStringLiteral("--rpc polygon: ");
    }
    void evmRefusalsStoreNothing()
    {
        QFETCH(QString, address);
        QFETCH(QStringList, chains);
        QFETCH(QStringList, rpc);
        QFETCH(QString, expected);
        const QByteArray before = test::contentDigest(m_db->db());
        services::EvmWalletRequest request{QStringLiteral("hot"), address, chains, {}, {}};
        for (const QString &pair : rpc)
            request.rpcUrls.insert(pair.section(QLatin1Char('='), 0, 0), pair.section(QLatin1Char('='), 1));
        const auto added = services::WalletService(m_db->db()).addEvmWallet(request);
        QVERIFY(!added);
        QVERIFY2(added.error().message.startsWith(expected), qPrintable(added.error().message));
        QVERIFY2(!added.error().message.contains(QLatin1String("4c0883a6")), "the secret is quoted back");
        QCOMPARE(test::contentDigest(m_db->db()), before);
    }

    // The field checks the CLI and the dialog ask: one wording, the field
    // named first, a secret never quoted, a URL never quoted (its path may
    // hold an API key).
    void fieldChecksNameTheField_data()
    {
        QTest::addColumn<QString>("check");
        QTest::addColumn<QString>("input");
        QTest::addColumn<QString>("expected"); // the message's start; empty: accepted
        QTest::newRow("evm ok") << QStringLiteral("evm") << kOwner.toLower() << QString();
        QTest::newRow("evm secret") << QStringLiteral(
            "evm") << QStringLiteral("0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318")
                                    << QStringLiteral("Address: 64 hex digits are a private key");
        QTest::newRow("evm checksum") << QStringLiteral("evm")
                                      << QStringLiteral("0xd8dA6BF26964aF9D7eEd9e03E53415D37aA96046")
                                      << QStringLiteral("Address: ");
        QTest::newRow("solana ok") << QStringLiteral("solana") << kSolOwner << QString();
        QTest::newRow("solana short") << QStringLiteral("solana") << QStringLiteral("9WzDXwBbmkg8")
                                      << QStringLiteral("Address: ");
        QTest::newRow("https") << QStringLiteral("url") << QStringLiteral("https://rpc.example.com/key") << QString();
        QTest::newRow("loopback http") << QStringLiteral("url") << QStringLiteral("http://127.0.0.1:8545") << QString();
        QTest::newRow("cleartext") << QStringLiteral("url") << QStringLiteral("http://rpc.example.com/secretkey")
                                   << QStringLiteral("Address must start with https:// (http:// only to this "
                                                     "computer");
        QTest::newRow("query") << QStringLiteral("url") << QStringLiteral("https://rpc.example.com/?key=secretkey")
                               << QStringLiteral("Address must not have a query (?) or fragment (#)");
        QTest::newRow("rpc pair") << QStringLiteral("rpc") << QStringLiteral("base=https://rpc.example.com")
                                  << QString();
        QTest::newRow("rpc unknown chain")
            << QStringLiteral("rpc") << QStringLiteral("x=https://rpc.example.com/secretkey")
            << QStringLiteral("--rpc \"x=...\": unknown chain \"x\" (ethereum, arbitrum, base, optimism, polygon, "
                              "bsc); expected CHAIN=URL");
        QTest::newRow("token") << QStringLiteral("token")
                               << QStringLiteral("usdc=%1:6").arg(usdcOn(QStringLiteral("base"))) << QString();
        QTest::newRow("token without contract")
            << QStringLiteral("token") << QStringLiteral("USDC")
            << QStringLiteral("--set \"USDC\": expected SYMBOL=CONTRACT[:DECIMALS]");
        QTest::newRow("token decimals not a number")
            << QStringLiteral("token") << QStringLiteral("USDC=%1:six").arg(usdcOn(QStringLiteral("base")))
            << QStringLiteral("--set \"USDC=%1:six\" decimals").arg(usdcOn(QStringLiteral("base")));
    }
    void fieldChecksNameTheField()
    {
        QFETCH(QString, check);
        QFETCH(QString, input);
        QFETCH(QString, expected);
        using services::WalletService;
        Status result;
        if (check == QLatin1String("evm")) {
            auto checked = WalletService::checkEvmAddress(input, QStringLiteral("Address"));
            if (checked)
                QCOMPARE(*checked, kOwner); // its EIP-55 form
            result = checked ? Status() : Status(checked.error());
        } else if (check == QLatin1String("solana")) {
            auto checked = WalletService::checkSolanaAddress(input, QStringLiteral("Address"));
            result = checked ? Status() : Status(checked.error());
        } else if (check == QLatin1String("url")) {
            result = WalletService::checkEndpoint(input, QStringLiteral("Address"));
        } else if (check == QLatin1String("rpc")) {
            auto parsed = WalletService::parseRpcUrls({input});
            result = parsed ? Status() : Status(parsed.error());
        } else {
            auto parsed = WalletService::parseToken(QStringLiteral("base"), input);
            if (parsed) {
                auto listed = WalletService::checkTokens(QStringLiteral("base"), {*parsed});
                QVERIFY(listed);
                QCOMPARE(listed->first(),
                         (domain::WalletToken{QStringLiteral("base"), QStringLiteral("USDC"),
                                              usdcOn(QStringLiteral("base")), 6}));
            }
            result = parsed ? Status() : Status(parsed.error());
        }
        if (expected.isEmpty()) {
            QVERIFY2(result, qPrintable(result ? QString() : result.error().message));
            return;
        }
        QVERIFY(!result);
        QVERIFY2(result.error().message.startsWith(expected), qPrintable(result.error().message));
        for (const char *secret : {"4c0883a6", "secretkey"})
            QVERIFY2(!result.error().message.contains(QLatin1String(secret)), qPrintable(result.error().message));
    }

    void evmDefaultsAndTokens()
    {
        services::WalletService wallets(m_db->db());
        // No --chains and no endpoint: Ethereum alone, through the public default.
        const auto lone = wallets.addEvmWallet({QStringLiteral("lone"), kOwner.toLower(), {}, {}, {}});
        QVERIFY2(lone, qPrintable(lone ? QString() : lone.error().message));
        QCOMPARE(lone->exchange, QStringLiteral("evm"));
        const auto loneSources = wallets.sources(*lone);
        QVERIFY(loneSources);
        QCOMPARE(loneSources->size(), 1);
        QCOMPARE(loneSources->first().network, QStringLiteral("ethereum"));
        QCOMPARE(loneSources->first().value, kOwner); // stored in its EIP-55 form
        QCOMPARE(wallets.endpoints(*lone)->value(QStringLiteral("ethereum")),
                 services::WalletService::defaultEndpoint(QStringLiteral("ethereum")));
        // Ethereum alone has a public default (named in core/chain/evmchains.cpp, never reached here).
        QVERIFY(services::WalletService::defaultEndpoint(QStringLiteral("ethereum"))
                    .startsWith(QStringLiteral("https://")));
        QVERIFY(services::WalletService::defaultEndpoint(QStringLiteral("base")).isEmpty());
        // Endpoints given: exactly those chains, each with its default token list.
        const auto two = wallets.addEvmWallet({QStringLiteral("two"),
                                               kOwner,
                                               {},
                                               {{QStringLiteral("base"), m_base->url().toString()},
                                                {QStringLiteral("ethereum"), m_ethereum->url().toString()}},
                                               {}});
        QVERIFY(two);
        const auto tokens = wallets.tokens(*two);
        QVERIFY(tokens);
        const auto &baseChain = *chain::evmChainByKey(QStringLiteral("base"));
        const auto &ethereumChain = *chain::evmChainByKey(QStringLiteral("ethereum"));
        QCOMPARE(tokens->size(), baseChain.defaultTokens.size() + ethereumChain.defaultTokens.size());
        QCOMPARE(tokens->first().network, QStringLiteral("base"));
        QCOMPARE(tokens->first().symbol, baseChain.defaultTokens.first().symbol);

        // The list is the person's: replaced per chain, checked like the rest.
        const QByteArray before = test::contentDigest(m_db->db());
        const auto refused =
            wallets.setTokens(*two, QStringLiteral("base"),
                              {{QString(), QStringLiteral("usdc"), usdcOn(QStringLiteral("base")), 6},
                               {QString(), QStringLiteral("BAD"), QStringLiteral("0x1234"), std::nullopt}});
        QVERIFY(!refused);
        QVERIFY2(refused.error().message.startsWith(QLatin1String("base token 2: contract: ")),
                 qPrintable(refused.error().message));
        QCOMPARE(test::contentDigest(m_db->db()), before);
        QVERIFY(!wallets.setTokens(*two, QStringLiteral("polygon"), {}));
        QVERIFY(wallets.setTokens(*two, QStringLiteral("base"),
                                  {{QString(), QStringLiteral("usdc"), usdcOn(QStringLiteral("base")).toLower(), 6}}));
        const auto edited = wallets.tokens(*two);
        QVERIFY(edited);
        QCOMPARE(
            edited->first(),
            (domain::WalletToken{QStringLiteral("base"), QStringLiteral("USDC"), usdcOn(QStringLiteral("base")), 6}));
    }

    // The one formatter of a sync's report (the CLI prints it, the app shows
    // it): per network in the order read, then the failed count and the
    // transactions recorded.
    void syncReportInWords()
    {
        domain::Account account;
        account.name = QStringLiteral("hot");
        account.exchange = QStringLiteral("evm");
        services::WalletSyncReport report;
        services::WalletNetworkSync ethereum;
        ethereum.network = QStringLiteral("ethereum");
        ethereum.holdings = {{0, account.name, QStringLiteral("ETH"), ethereum.network, dec("1.5")},
                             {0, account.name, QStringLiteral("USDT"), ethereum.network, {}},
                             {0, account.name, QStringLiteral("USDC"), ethereum.network, dec("100")}};
        services::WalletNetworkSync base;
        base.network = QStringLiteral("base");
        base.error = QStringLiteral("127.0.0.1:1 serves Ethereum (1), not Base (8453)");
        services::WalletNetworkSync arbitrum;
        arbitrum.network = QStringLiteral("arbitrum");
        report.networks = {ethereum, base, arbitrum};
        report.recorded.resize(2);
        using Kind = services::WalletSyncLine::Kind;
        QStringList lines;
        QList<Kind> kinds;
        for (const auto &line : services::describeWalletSync(account, report)) {
            lines.append(line.text);
            kinds.append(line.kind);
        }
        QCOMPARE(
            lines,
            (QStringList{QStringLiteral("Synced hot on ethereum: 1.5 ETH, 100 USDC."),
                         QStringLiteral("hot (base): 127.0.0.1:1 serves Ethereum (1), not Base (8453); its holdings "
                                        "there were left as they were."),
                         QStringLiteral("Synced hot on arbitrum: nothing held."),
                         QStringLiteral("hot: 1 of 3 network(s) failed (base); the others were recorded."),
                         QStringLiteral("Recorded 2 transaction(s); differences are adjustments to classify.")}));
        QCOMPARE(kinds, (QList<Kind>{Kind::Read, Kind::Failed, Kind::Read, Kind::Summary, Kind::Recorded}));
    }

    // The app's token editor saves every chain at once: one list refused
    // stores none of them.
    void tokenListsAreSavedAllOrNothing()
    {
        services::WalletService wallets(m_db->db());
        const auto account = wallets.addEvmWallet({QStringLiteral("two"),
                                                   kOwner,
                                                   {},
                                                   {{QStringLiteral("base"), m_base->url().toString()},
                                                    {QStringLiteral("ethereum"), m_ethereum->url().toString()}},
                                                   {}});
        QVERIFY(account);
        QCOMPARE(*wallets.chains(*account), (QStringList{QStringLiteral("ethereum"), QStringLiteral("base")}));
        const QByteArray before = test::contentDigest(m_db->db());
        const domain::WalletToken usdc{QString(), QStringLiteral("USDC"), usdcOn(QStringLiteral("base")), 6};
        const auto refused = wallets.setTokenLists(
            *account,
            {{QStringLiteral("base"), {usdc}},
             {QStringLiteral("ethereum"), {{QString(), QStringLiteral("X"), QStringLiteral("0x12"), {}}}}});
        QVERIFY(!refused);
        QVERIFY2(refused.error().message.startsWith(QLatin1String("ethereum token 1: contract: ")),
                 qPrintable(refused.error().message));
        QCOMPARE(test::contentDigest(m_db->db()), before);
        QVERIFY(!wallets.setTokenLists(*account, {{QStringLiteral("polygon"), {}}}));
        QCOMPARE(test::contentDigest(m_db->db()), before);

        QVERIFY(wallets.setTokenLists(*account, {{QStringLiteral("base"), {usdc}}, {QStringLiteral("ethereum"), {}}}));
        const auto tokens = wallets.tokens(*account);
        QVERIFY(tokens);
        QCOMPARE(tokens->size(), 1);
        QCOMPARE(tokens->first().network, QStringLiteral("base"));
    }

    // USDC on Ethereum and on Base: one asset on two networks, opening
    // balances first, summed in the portfolio's snapshot and split there.
    void evmTwoChainsSumAndSplit()
    {
        QVERIFY(services::Ledger(m_db->db()).init(QStringLiteral("Main"), QStringLiteral("USD")));
        services::WalletService wallets(m_db->db());
        const auto account = wallets.addEvmWallet({QStringLiteral("hot"),
                                                   kOwner,
                                                   {QStringLiteral("ethereum"), QStringLiteral("base")},
                                                   {{QStringLiteral("ethereum"), m_ethereum->url().toString()},
                                                    {QStringLiteral("base"), m_base->url().toString()}},
                                                   {}});
        QVERIFY2(account, qPrintable(account ? QString() : account.error().message));
        m_ethereum->setBalance(kOwner, QStringLiteral("1500000000000000000")); // 1.5 ETH
        m_ethereum->setTokenBalance(usdcOn(QStringLiteral("ethereum")), kOwner, QStringLiteral("100000000"));
        m_base->setBalance(kOwner, QStringLiteral("250000000000000000"));
        m_base->setTokenBalance(usdcOn(QStringLiteral("base")), kOwner, QStringLiteral("50500000"));

        QStringList progressed;
        const auto first = wallets.sync(*account, *m_http, [&progressed](const QString &network, int seen) {
            progressed.append(QStringLiteral("%1:%2").arg(network).arg(seen));
            return true;
        });
        QVERIFY2(first, qPrintable(first ? QString() : first.error().message));
        QVERIFY2(!first->anyFailed(), qPrintable(first->failures().join(u'\n')));
        QCOMPARE(progressed,
                 (QStringList{QStringLiteral("ethereum:0"), QStringLiteral("ethereum:1"), QStringLiteral("base:0"),
                              QStringLiteral("base:1")}));
        QCOMPARE(first->networks.size(), 2);
        QCOMPARE(first->networks.at(0).network, QStringLiteral("ethereum"));
        QCOMPARE(first->recorded.size(), 4); // ETH and USDC on each chain
        QStringList opened;
        for (const auto &tx : first->recorded) {
            QCOMPARE(tx.source, domain::TransactionSource::Opening);
            opened.append(QStringLiteral("%1@%2=%3").arg(tx.asset, tx.network, tx.quantity.toString()));
        }
        // Each network's opening balance carries its network.
        opened.sort();
        QCOMPARE(opened,
                 (QStringList{QStringLiteral("ETH@base=0.25"), QStringLiteral("ETH@ethereum=1.5"),
                              QStringLiteral("USDC@base=50.5"), QStringLiteral("USDC@ethereum=100")}));

        auto snapshot = services::Ledger(m_db->db()).snapshot();
        QVERIFY2(snapshot, qPrintable(snapshot ? QString() : snapshot.error().message));
        const auto usdc = snapshot->position(QStringLiteral("USDC"));
        QVERIFY(usdc);
        QCOMPARE(usdc->quantity, dec("150.5"));
        QCOMPARE(usdc->split.size(), 2);
        QStringList networks;
        for (const auto &holding : usdc->split)
            networks.append(holding.network + QLatin1Char('=') + holding.quantity.toString());
        networks.sort();
        QCOMPARE(networks, (QStringList{QStringLiteral("base=50.5"), QStringLiteral("ethereum=100")}));
        QCOMPARE(snapshot->position(QStringLiteral("ETH"))->quantity, dec("1.75"));

        // USDC moved on Base only: one adjustment there, none on Ethereum.
        m_base->setTokenBalance(usdcOn(QStringLiteral("base")), kOwner, QStringLiteral("40000000"));
        const auto second = wallets.sync(*account, *m_http);
        QVERIFY(second);
        QCOMPARE(second->recorded.size(), 1);
        QCOMPARE(second->recorded.first().network, QStringLiteral("base"));
        QCOMPARE(second->recorded.first().asset, QStringLiteral("USDC"));
        QCOMPARE(second->recorded.first().quantity, dec("-10.5"));
        QVERIFY(second->recorded.first().unexplained);

        // What the last sync saw: the one address per chain, a row per asset.
        const auto scan = wallets.lastScan(*account);
        QVERIFY(scan);
        bool sawBaseUsdc = false;
        for (const auto &row : *scan) {
            QCOMPARE(row.address, kOwner);
            if (row.network == QLatin1String("base") && row.asset == QLatin1String("USDC")) {
                QCOMPARE(row.balance, dec("40"));
                sawBaseUsdc = true;
            }
        }
        QVERIFY(sawBaseUsdc);
    }

    // Opening balances per network: Base fails the first sync (its URL
    // serves another chain), so its first read comes later; what it holds
    // then is its opening balance, not an adjustment to classify. After
    // that, Base's changes are adjustments like any.
    void aNetworkReadFirstLaterOpensWithItsBalance()
    {
        services::WalletService wallets(m_db->db());
        const auto account = wallets.addEvmWallet({QStringLiteral("hot"),
                                                   kOwner,
                                                   {},
                                                   {{QStringLiteral("ethereum"), m_ethereum->url().toString()},
                                                    {QStringLiteral("base"), m_base->url().toString()}},
                                                   {}});
        QVERIFY(account);
        m_ethereum->setTokenBalance(usdcOn(QStringLiteral("ethereum")), kOwner, QStringLiteral("100000000"));
        m_base->setTokenBalance(usdcOn(QStringLiteral("base")), kOwner, QStringLiteral("50500000"));
        m_base->setChainId(1);
        const auto first = wallets.sync(*account, *m_http);
        QVERIFY(first);
        QCOMPARE(first->failures().size(), 1);
        QCOMPARE(first->recorded.size(), 1);
        QCOMPARE(first->recorded.first().network, QStringLiteral("ethereum"));
        QCOMPARE(first->recorded.first().source, domain::TransactionSource::Opening);

        m_base->setChainId(8453);
        const auto second = wallets.sync(*account, *m_http);
        QVERIFY2(second && !second->anyFailed(), qPrintable(second ? second->failures().join(u'\n') : QString()));
        QCOMPARE(second->recorded.size(), 1);
        const domain::Transaction &opened = second->recorded.first();
        QCOMPARE(opened.network, QStringLiteral("base"));
        QCOMPARE(opened.asset, QStringLiteral("USDC"));
        QCOMPARE(opened.quantity, dec("50.5"));
        QCOMPARE(opened.source, domain::TransactionSource::Opening);
        QVERIFY(!opened.unexplained);

        m_base->setTokenBalance(usdcOn(QStringLiteral("base")), kOwner, QStringLiteral("60500000"));
        const auto third = wallets.sync(*account, *m_http);
        QVERIFY(third);
        QCOMPARE(third->recorded.size(), 1);
        QCOMPARE(third->recorded.first().network, QStringLiteral("base"));
        QCOMPARE(third->recorded.first().quantity, dec("10"));
        QCOMPARE(third->recorded.first().source, domain::TransactionSource::Sync);
        QVERIFY(third->recorded.first().unexplained);
    }

    // Base's URL serves Ethereum, Arbitrum's never answers: Ethereum is still
    // recorded, the other two are named with why, and nothing of theirs moves.
    void failingChainsLeaveTheOthersSynced()
    {
        m_base->setChainId(1);
        m_arbitrum->setSilent(true);
        m_http->setTimeout(2000); // the silent node is given up after this, no sleep in the test
        services::WalletService wallets(m_db->db());
        const auto account = wallets.addEvmWallet({QStringLiteral("hot"),
                                                   kOwner,
                                                   {},
                                                   {{QStringLiteral("ethereum"), m_ethereum->url().toString()},
                                                    {QStringLiteral("arbitrum"), m_arbitrum->url().toString()},
                                                    {QStringLiteral("base"), m_base->url().toString()}},
                                                   {}});
        QVERIFY(account);
        m_ethereum->setBalance(kOwner, QStringLiteral("2000000000000000000"));
        const auto report = wallets.sync(*account, *m_http);
        QVERIFY2(report, qPrintable(report ? QString() : report.error().message));
        QVERIFY(report->anyFailed());
        const QStringList failures = report->failures();
        QCOMPARE(failures.size(), 2);
        QVERIFY2(failures.at(0).startsWith(QLatin1String("arbitrum: 127.0.0.1:"))
                     && failures.at(0).contains(QLatin1String("timed out")),
                 qPrintable(failures.at(0)));
        QVERIFY2(failures.at(1).contains(QLatin1String("serves Ethereum (1), not Base (8453)")),
                 qPrintable(failures.at(1)));
        QCOMPARE(report->recorded.size(), 1);
        QCOMPARE(report->recorded.first().network, QStringLiteral("ethereum"));
        QCOMPARE(report->recorded.first().quantity, dec("2"));
        auto holdings = services::LedgerQueries(m_db->db()).holdings();
        QVERIFY(holdings);
        for (const auto &holding : *holdings)
            QCOMPARE(holding.network, QStringLiteral("ethereum"));
    }

    // What a failing network held before stays as it was, while the networks
    // read are brought up to date (the zeroing of assets a read network no
    // longer lists must not reach a network that failed).
    void aFailingNetworkKeepsWhatItHeld()
    {
        services::WalletService wallets(m_db->db());
        const auto account = wallets.addEvmWallet({QStringLiteral("held"),
                                                   kOwner,
                                                   {},
                                                   {{QStringLiteral("ethereum"), m_ethereum->url().toString()},
                                                    {QStringLiteral("base"), m_base->url().toString()}},
                                                   {}});
        QVERIFY(account);
        m_ethereum->setBalance(kOwner, QStringLiteral("1000000000000000000"));
        m_base->setBalance(kOwner, QStringLiteral("500000000000000000"));
        const auto first = wallets.sync(*account, *m_http);
        QVERIFY2(first && !first->anyFailed(), qPrintable(first ? first->failures().join(u'\n') : QString()));

        m_ethereum->setBalance(kOwner, QStringLiteral("2000000000000000000"));
        m_base->setChainId(1); // now the wrong chain: Base fails
        const auto second = wallets.sync(*account, *m_http);
        QVERIFY2(second, qPrintable(second ? QString() : second.error().message));
        QCOMPARE(second->failures().size(), 1);
        QVERIFY(second->failures().first().startsWith(QLatin1String("base: ")));
        auto holdings = services::LedgerQueries(m_db->db()).holdings();
        QVERIFY(holdings);
        QMap<QString, QString> byNetwork;
        for (const auto &holding : *holdings) {
            if (holding.asset == QLatin1String("ETH"))
                byNetwork.insert(holding.network, holding.quantity.toString());
        }
        QCOMPARE(byNetwork.value(QStringLiteral("ethereum")), QStringLiteral("2"));
        QCOMPARE(byNetwork.value(QStringLiteral("base")), QStringLiteral("0.5"));
        for (const auto &tx : second->recorded)
            QCOMPARE(tx.network, QStringLiteral("ethereum"));
    }

    // Cancel is asked before each chain and after each is read: cancelled
    // on the second chain, the first is not recorded either.
    void cancelRecordsNothing()
    {
        services::WalletService wallets(m_db->db());
        const auto account = wallets.addEvmWallet({QStringLiteral("hot"),
                                                   kOwner,
                                                   {},
                                                   {{QStringLiteral("ethereum"), m_ethereum->url().toString()},
                                                    {QStringLiteral("base"), m_base->url().toString()}},
                                                   {}});
        QVERIFY(account);
        m_ethereum->setBalance(kOwner, QStringLiteral("1000000000000000000"));
        const QByteArray before = test::contentDigest(m_db->db());
        const auto cancelled = wallets.sync(
            *account, *m_http, [](const QString &network, int) { return network != QLatin1String("base"); });
        QVERIFY(!cancelled);
        QCOMPARE(cancelled.error().code, QStringLiteral("wallet.cancelled"));
        QCOMPARE(test::contentDigest(m_db->db()), before);
        QVERIFY(m_base->methods().isEmpty()); // stopped before asking Base anything
    }

    void solanaSolAndTokens()
    {
        FakeSolanaRpc fake;
        QVERIFY(fake.listenLocal());
        fake.setBalance(kSolOwner, 2'500'000'000); // 2.5 SOL
        fake.addTokenAccount(kSolOwner,
                             {QStringLiteral("7xKXtg2CW87d97TXJSDpbD5jBkheTqA83TZRuJosgAsU"), kUsdcMint,
                              QStringLiteral("12000000"), 6, false});
        fake.addTokenAccount(kSolOwner,
                             {QStringLiteral("5Q544fKrFoe6tsEbD7S8EmxGTJYAKtTVhAW5Q5pge4j1"), kUsdcMint,
                              QStringLiteral("500000"), 6, true});
        fake.addTokenAccount(kSolOwner,
                             {QStringLiteral("BPFLoaderUpgradeab1e11111111111111111111111"), kOtherMint,
                              QStringLiteral("42"), 0, false});
        services::WalletService wallets(m_db->db());

        const QByteArray before = test::contentDigest(m_db->db());
        const auto secret =
            wallets.addSolanaWallet({QStringLiteral("sol"),
                                     QStringLiteral("abandon abandon abandon abandon abandon abandon abandon abandon "
                                                    "abandon abandon abandon about"),
                                     fake.url().toString()});
        QVERIFY(!secret);
        QCOMPARE(secret.error().code, QStringLiteral("wallet.secret"));
        const auto notAKey =
            wallets.addSolanaWallet({QStringLiteral("sol"), QStringLiteral("0OIl"), fake.url().toString()});
        QVERIFY(!notAKey);
        QVERIFY2(notAKey.error().message.startsWith(QLatin1String("--address: ")), qPrintable(notAKey.error().message));
        const auto cleartext =
            wallets.addSolanaWallet({QStringLiteral("sol"), kSolOwner, QStringLiteral("http://rpc.example.com")});
        QVERIFY(!cleartext);
        QVERIFY2(cleartext.error().message.startsWith(QLatin1String("--rpc: ")), qPrintable(cleartext.error().message));
        QCOMPARE(test::contentDigest(m_db->db()), before);

        const auto account = wallets.addSolanaWallet({QStringLiteral("sol"), kSolOwner, fake.url().toString()});
        QVERIFY2(account, qPrintable(account ? QString() : account.error().message));
        QCOMPARE(account->exchange, QStringLiteral("solana"));
        const auto report = wallets.sync(*account, *m_http);
        QVERIFY2(report, qPrintable(report ? QString() : report.error().message));
        QVERIFY2(!report->anyFailed(), qPrintable(report->failures().join(u'\n')));
        const WalletNetworkSyncView network{report->networks.first()};
        QCOMPARE(network.holding(QStringLiteral("SOL")), QStringLiteral("2.5"));
        QCOMPARE(network.holding(QStringLiteral("USDC")), QStringLiteral("12.5")); // both programs summed
        QCOMPARE(report->networks.first().holdings.size(), 2);
        QCOMPARE(report->networks.first().skipped, (QStringList{QStringLiteral("mint %1: 42").arg(kOtherMint)}));
        auto holdings = services::LedgerQueries(m_db->db()).holdings();
        QVERIFY(holdings);
        QCOMPARE(holdings->size(), 2);
        for (const auto &holding : *holdings) {
            QCOMPARE(holding.network, QStringLiteral("solana"));
            QVERIFY(holding.asset != kOtherMint);
        }
    }

    // Emptied token accounts are closed and vanish from the answer: the
    // network was read, so the token it held there goes to zero.
    void solanaClosedTokenAccountGoesToZero()
    {
        FakeSolanaRpc fake;
        QVERIFY(fake.listenLocal());
        fake.setBalance(kSolOwner, 1'000'000'000);
        fake.addTokenAccount(kSolOwner,
                             {QStringLiteral("7xKXtg2CW87d97TXJSDpbD5jBkheTqA83TZRuJosgAsU"), kUsdcMint,
                              QStringLiteral("12000000"), 6, false});
        services::WalletService wallets(m_db->db());
        const auto account = wallets.addSolanaWallet({QStringLiteral("sol"), kSolOwner, fake.url().toString()});
        QVERIFY2(account, qPrintable(account ? QString() : account.error().message));
        QVERIFY(wallets.sync(*account, *m_http));

        fake.closeTokenAccounts(kSolOwner);
        const auto report = wallets.sync(*account, *m_http);
        QVERIFY2(report, qPrintable(report ? QString() : report.error().message));
        QVERIFY(!report->anyFailed());
        QCOMPARE(report->recorded.size(), 1);
        QCOMPARE(report->recorded.first().asset, QStringLiteral("USDC"));
        QCOMPARE(report->recorded.first().quantity.toString(), QStringLiteral("-12"));
        auto holdings = services::LedgerQueries(m_db->db()).holdings();
        QVERIFY(holdings);
        for (const auto &holding : *holdings)
            QVERIFY2(holding.asset != QLatin1String("USDC") || holding.quantity.isZero(), qPrintable(holding.asset));
    }

    void oneJudgeOfBitcoinLines()
    {
        using services::BitcoinLineKind;
        using services::WalletService;
        const QString zpub =
            QStringLiteral("zpub6rFR7y4Q2AijBEqTUquhVz398htDFrtymD9xYYfG1m4wAcvPhXNfE3EfH1r1ADqtfSdVCTo"
                           "UG868RvUUkgDKf31mGDtKsAYz2oz2AGutZYs");
        QCOMPARE(*WalletService::classifyBitcoinLine(zpub), BitcoinLineKind::Key);
        QCOMPARE(*WalletService::classifyBitcoinLine(QStringLiteral(" bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu ")),
                 BitcoinLineKind::Address);
        const auto secret = WalletService::classifyBitcoinLine(QStringLiteral(
            "xprv9s21ZrQH143K3QTDL4LXw2F7HEK3wJUD2nW2nRk4stbPy6cq3jPPqjiChkVvvNKmPGJxWUtg6LnF5kejMRNNU3TGtRB"
            "eJgk33yuGBxrMPHi"));
        QVERIFY(!secret);
        QCOMPARE(secret.error().code, QStringLiteral("wallet.secret"));
        QVERIFY(!secret.error().message.contains(QLatin1String("xprv9s21")));
        const auto typo = WalletService::classifyBitcoinLine(zpub.left(zpub.size() - 1) + QLatin1Char('t'));
        QVERIFY(!typo);
        QVERIFY2(typo.error().message.startsWith(QLatin1String("not an extended public key")),
                 qPrintable(typo.error().message));
        const auto request = WalletService::bitcoinRequest(
            QStringLiteral("cold"),
            {zpub, QStringLiteral("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa"), QStringLiteral("junk")}, QString(), QString());
        QCOMPARE(request.keys, QStringList{zpub});
        QCOMPARE(request.addresses.size(), 2); // junk goes with the addresses, for addBitcoinWallet to refuse
    }

private:
    /// Reads a network's holdings by asset, as text.
    struct WalletNetworkSyncView
    {
        const services::WalletNetworkSync &network;
        [[nodiscard]] QString holding(const QString &asset) const
        {
            for (const auto &h : network.holdings) {
                if (h.asset == asset)
                    return h.quantity.toString();
            }
            return QStringLiteral("none");
        }
    };

    std::unique_ptr<TempDatabase> m_db;
    std::unique_ptr<QNetworkAccessManager> m_manager;
    std::unique_ptr<exchange::HttpClient> m_http;
    std::unique_ptr<FakeEvmRpc> m_ethereum;
    std::unique_ptr<FakeEvmRpc> m_base;
    std::unique_ptr<FakeEvmRpc> m_arbitrum;
};

QTEST_GUILESS_MAIN(TestChainWallets)
#include "tst_chainwallets.moc"
