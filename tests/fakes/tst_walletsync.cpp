// Watch-only Bitcoin wallets end to end in a real SQLite file: adding one
// (what is refused, and that a refusal stores nothing), syncing it against
// the loopback FakeEsplora (opening balance, then adjustments), a failing
// server leaving the holdings as they were, and the derived address list.
#include "chain/bitcoinkeys.h"
#include "exchange/httpclient.h"
#include "fakeesplora.h"
#include "services/ledgerqueries.h"
#include "services/transactionservice.h"
#include "services/walletservice.h"
#include "testsupport.h"

#include <QNetworkAccessManager>
#include <QTest>

using namespace ballast;
using ballast::money::dec;
using ballast::test::TempDatabase;
using ballast::test::fake::FakeEsplora;

namespace {

const QString kZpub = QStringLiteral(
    "zpub6rFR7y4Q2AijBEqTUquhVz398htDFrtymD9xYYfG1m4wAcvPhXNfE3EfH1r1ADqtfSdVCToUG868RvUUkgDKf31mGDtKsAYz2oz2AGutZYs");
const QString kXpub = QStringLiteral(
    "xpub6BosfCnifzxcFwrSzQiqu2DBVTshkCXacvNsWGYJVVhhawA7d4R5WSWGFNbi8Aw6ZRc1brxMyWMzG3DSSSSoekkudhUd9yLb6qx39T9nMdj");

QString zpubAddress(std::uint32_t change, std::uint32_t index)
{
    return *chain::ExtendedPublicKey::parse(kZpub)->address(change, index);
}

} // namespace

class TestWalletSync : public QObject
{
    Q_OBJECT

private slots:
    void init()
    {
        m_db = std::make_unique<TempDatabase>();
        m_fake = std::make_unique<FakeEsplora>();
        QVERIFY(m_fake->listenLocal());
        m_manager = std::make_unique<QNetworkAccessManager>();
        m_http = std::make_unique<exchange::HttpClient>(m_manager.get(), 10000);
    }

    void refusalsStoreNothing_data()
    {
        QTest::addColumn<QStringList>("keys");
        QTest::addColumn<QStringList>("addresses");
        QTest::addColumn<QString>("url");
        QTest::addColumn<QString>("expected");
        const QString local = QStringLiteral("http://127.0.0.1:1/api");
        QTest::newRow("nothing") << QStringList() << QStringList() << local << QStringLiteral("at least one");
        QTest::newRow("xprv") << QStringList{QStringLiteral("xprv9s21ZrQH143K3QTDL4LXw2F7HEK3wJUD2nW2nRk4stbPy6cq3jPPqj"
                                                            "iChkVvvNKmPGJxWUtg6LnF5kejMRNNU3TGtRBeJgk33yuGBxrMPHi")}
                              << QStringList() << local << QStringLiteral("key 1: this is an extended private key");
        QTest::newRow("seed words") << QStringList()
                                    << QStringList{QStringLiteral(
                                           "abandon abandon abandon abandon abandon abandon abandon "
                                           "abandon abandon abandon abandon about")}
                                    << local
                                    << QStringLiteral("address 1: this looks like a recovery phrase of 12 words");
        QTest::newRow("typo in key") << QStringList{kZpub.left(kZpub.size() - 1) + QLatin1Char('t')} << QStringList()
                                     << local << QStringLiteral("key 1: not an extended public key");
        QTest::newRow("testnet key") << QStringList{QStringLiteral(
            "upub5EFU65HtV5TeiSHmZZm7FUffBGy8UKeqp7vw43jYbvZPpoVsgU93oac7Wk3u6moKegAEWtGNF8DehrnHtv21XXEMYRUocHqguyjknF"
            "HYfgY")} << QStringList()
                                     << local << QStringLiteral("key 1: a testnet key");
        QTest::newRow("testnet address") << QStringList()
                                         << QStringList{QStringLiteral("2Mww8dCYPUpKHofjgcXcBCEGmniw9CoaiD2")} << local
                                         << QStringLiteral("address 1: version byte 0xc4 is not a mainnet address");
        QTest::newRow("twice") << QStringList()
                               << QStringList{QStringLiteral("bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu"),
                                              QStringLiteral("BC1QCR8TE4KR609GCAWUTMRZA0J4XV80JY8Z306FYU")}
                               << local << QStringLiteral("address 2: given twice");
        QTest::newRow("cleartext url") << QStringList{kZpub} << QStringList()
                                       << QStringLiteral("http://esplora.example.com/api")
                                       << QStringLiteral("--base-url: ");
    }
    void refusalsStoreNothing()
    {
        QFETCH(QStringList, keys);
        QFETCH(QStringList, addresses);
        QFETCH(QString, url);
        QFETCH(QString, expected);
        const QByteArray before = test::contentDigest(m_db->db());
        services::WalletService wallets(m_db->db());
        const auto added = wallets.addBitcoinWallet({QStringLiteral("cold"), keys, addresses, url, QString()});
        QVERIFY(!added);
        QVERIFY2(added.error().message.startsWith(expected) || added.error().message.contains(expected),
                 qPrintable(added.error().message));
        QCOMPARE(test::contentDigest(m_db->db()), before);
    }

    // First sync: an opening balance. Second sync after coins moved: an
    // unexplained adjustment of the difference, noted as stated by the chain.
    void syncRecordsOpeningThenAdjustments()
    {
        services::WalletService wallets(m_db->db());
        const auto account = wallets.addBitcoinWallet({QStringLiteral("cold"),
                                                       {kZpub},
                                                       {QStringLiteral("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa")},
                                                       m_fake->baseUrl().toString(),
                                                       QString()});
        QVERIFY2(account, qPrintable(account ? QString() : account.error().message));
        QCOMPARE(account->kind, domain::AccountKind::Wallet);
        QCOMPARE(account->exchange, QStringLiteral("bitcoin"));

        m_fake->setAddress(zpubAddress(0, 0), {150'000'000, 0, 1, 0, 0, 0});
        m_fake->setAddress(zpubAddress(1, 2), {12'345, 0, 1, 0, 0, 0});
        m_fake->setAddress(QStringLiteral("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa"), {5'000'000'000, 0, 1, 0, 0, 0});
        int progressCalls = 0;
        const auto first = wallets.sync(*account, *m_http, [&progressCalls](const QString &, int) {
            ++progressCalls;
            return true;
        });
        QVERIFY2(first, qPrintable(first ? QString() : first.error().message));
        QVERIFY(!first->anyFailed());
        QCOMPARE(first->networks.size(), 1);
        // Receive 0..20, change 0..22, and the plain address.
        QCOMPARE(first->networks.first().addresses, 21 + 23 + 1);
        QCOMPARE(progressCalls, 45);
        QCOMPARE(first->networks.first().holdings.first().quantity, dec("51.50012345"));
        QCOMPARE(first->recorded.size(), 1);
        QCOMPARE(first->recorded.first().kind, domain::TransactionKind::Deposit);
        QCOMPARE(first->recorded.first().source, domain::TransactionSource::Opening);
        QCOMPARE(first->recorded.first().network, QStringLiteral("bitcoin"));

        m_fake->setAddress(zpubAddress(0, 0), {150'000'000, 50'000'000, 2, 0, 0, 0});
        const auto second = wallets.sync(*account, *m_http);
        QVERIFY(second);
        QCOMPARE(second->recorded.size(), 1);
        const domain::Transaction &adjustment = second->recorded.first();
        QCOMPARE(adjustment.kind, domain::TransactionKind::Adjustment);
        QVERIFY(adjustment.unexplained);
        QCOMPARE(adjustment.quantity, dec("-0.5"));
        QVERIFY2(adjustment.note.startsWith(QLatin1String("the chain stated 51.00012345")),
                 qPrintable(adjustment.note));

        auto holdings = services::LedgerQueries(m_db->db()).holdings();
        QVERIFY(holdings);
        bool found = false;
        for (const auto &h : *holdings) {
            if (h.accountName == QLatin1String("cold")) {
                QCOMPARE(h.asset, QStringLiteral("BTC"));
                QCOMPARE(h.network, QStringLiteral("bitcoin"));
                QCOMPARE(h.quantity, dec("51.00012345"));
                found = true;
            }
        }
        QVERIFY(found);

        // The last scan is kept: the funded change address with its path.
        const auto scan = wallets.lastScan(*account);
        QVERIFY(scan);
        QCOMPARE(scan->size(), 45);
        bool change2 = false;
        for (const auto &row : *scan) {
            if (row.path == QLatin1String("1/2")) {
                QCOMPARE(row.address, zpubAddress(1, 2));
                QCOMPARE(row.balance, dec("0.00012345"));
                change2 = true;
            }
        }
        QVERIFY(change2);
    }

    void failingServerLeavesHoldings()
    {
        services::WalletService wallets(m_db->db());
        const auto account = wallets.addBitcoinWallet(
            {QStringLiteral("cold"), {kXpub}, {}, m_fake->baseUrl().toString(), QStringLiteral("p2wpkh")});
        QVERIFY(account);
        // The BIP-44 key read as native segwit, as the --script override asks.
        auto asSegwit = *chain::ExtendedPublicKey::parse(kXpub);
        asSegwit.setScriptType(chain::ScriptType::P2wpkh);
        m_fake->setAddress(*asSegwit.address(0, 0), {100'000'000, 0, 1, 0, 0, 0});
        const auto first = wallets.sync(*account, *m_http);
        QVERIFY(first);
        QCOMPARE(first->networks.first().holdings.first().quantity, dec("1"));
        const QByteArray before = test::contentDigest(m_db->db());
        m_fake->setRequestLimit(3);
        const auto failed = wallets.sync(*account, *m_http);
        QVERIFY(failed);
        QVERIFY(failed->anyFailed());
        QVERIFY2(failed->networks.first().error.contains(QLatin1String("HTTP 429")),
                 qPrintable(failed->networks.first().error));
        QVERIFY(failed->recorded.isEmpty());
        QCOMPARE(test::contentDigest(m_db->db()), before);
    }

    void cancelRecordsNothing()
    {
        services::WalletService wallets(m_db->db());
        const auto account =
            wallets.addBitcoinWallet({QStringLiteral("cold"), {kZpub}, {}, m_fake->baseUrl().toString(), QString()});
        QVERIFY(account);
        m_fake->setAddress(zpubAddress(0, 0), {100'000'000, 0, 1, 0, 0, 0});
        const QByteArray before = test::contentDigest(m_db->db());
        const auto cancelled = wallets.sync(*account, *m_http, [](const QString &, int seen) { return seen < 10; });
        QVERIFY(!cancelled);
        QCOMPARE(cancelled.error().code, QStringLiteral("wallet.cancelled"));
        QCOMPARE(test::contentDigest(m_db->db()), before);
    }

    void derivedAddressesWithoutNetwork()
    {
        services::WalletService wallets(m_db->db());
        const auto account =
            wallets.addBitcoinWallet({QStringLiteral("cold"), {kZpub}, {}, m_fake->baseUrl().toString(), QString()});
        QVERIFY(account);
        const auto derived = wallets.derivedAddresses(*account, 2);
        QVERIFY(derived);
        QCOMPARE(derived->size(), 4);
        QCOMPARE(derived->at(0).path, QStringLiteral("0/0"));
        QCOMPARE(derived->at(0).address, QStringLiteral("bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu"));
        QCOMPARE(derived->at(1).address, QStringLiteral("bc1qnjg0jd8228aq7egyzacy8cys3knf9xvrerkf9g"));
        QCOMPARE(derived->at(2).address, QStringLiteral("bc1q8c6fshw2dlwun7ekn9qwf37cu2rn755upcp6el"));
        QVERIFY(m_fake->requests().isEmpty());
    }

    void notAWallet()
    {
        domain::Account exchangeAccount;
        exchangeAccount.name = QStringLiteral("binance");
        exchangeAccount.exchange = QStringLiteral("binance");
        const auto refused = services::WalletService(m_db->db()).sync(exchangeAccount, *m_http);
        QVERIFY(!refused);
        QCOMPARE(refused.error().code, QStringLiteral("wallet.kind"));
    }

private:
    std::unique_ptr<TempDatabase> m_db;
    std::unique_ptr<FakeEsplora> m_fake;
    std::unique_ptr<QNetworkAccessManager> m_manager;
    std::unique_ptr<exchange::HttpClient> m_http;
};

QTEST_GUILESS_MAIN(TestWalletSync)
#include "tst_walletsync.moc"
