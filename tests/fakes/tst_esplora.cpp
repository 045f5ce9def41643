// Watch-only Bitcoin balances through the Esplora REST API (core/chain/esplora)
// against the loopback FakeEsplora: the gap-limit walk of an account key, plain
// addresses, and the server's refusals (400, 429) and malformed answers.
#include "chain/esplora.h"
#include "exchange/httpclient.h"
#include "fakeesplora.h"

#include <QNetworkAccessManager>
#include <QTest>

using namespace ballast;
using namespace ballast::chain;
using ballast::test::fake::FakeEsplora;

namespace {

// BIP-84's published account key (m/84'/0'/0' of "abandon ... about").
const QString kZpub = QStringLiteral(
    "zpub6rFR7y4Q2AijBEqTUquhVz398htDFrtymD9xYYfG1m4wAcvPhXNfE3EfH1r1ADqtfSdVCToUG868RvUUkgDKf31mGDtKsAYz2oz2AGutZYs");

QString addressAt(const ExtendedPublicKey &key, std::uint32_t change, std::uint32_t index)
{
    return *key.address(change, index);
}

} // namespace

class TestEsplora : public QObject
{
    Q_OBJECT

private slots:
    void init()
    {
        m_fake = std::make_unique<FakeEsplora>();
        QVERIFY(m_fake->listenLocal());
        m_manager = std::make_unique<QNetworkAccessManager>();
        m_http = std::make_unique<exchange::HttpClient>(m_manager.get(), 10000);
        m_client = std::make_unique<EsploraClient>(*m_http, m_fake->baseUrl());
    }

    // Receive addresses 0, 1 (unconfirmed only) and 3 are used, change 0 is:
    // the walk stops after 20 unused in a row on each chain, so an address
    // funded past the gap (receive 30) is not seen, as in every BIP-44 wallet.
    void accountKeyWalksToTheGapLimit()
    {
        const auto key = ExtendedPublicKey::parse(kZpub);
        QVERIFY(key);
        m_fake->setAddress(addressAt(*key, 0, 0), {100'000, 0, 1, 0, 0, 0});
        m_fake->setAddress(addressAt(*key, 0, 1), {0, 0, 0, 25'000, 0, 1});
        m_fake->setAddress(addressAt(*key, 0, 3), {50'000, 20'000, 2, 0, 0, 0});
        m_fake->setAddress(addressAt(*key, 0, 30), {1'000'000, 0, 1, 0, 0, 0});
        m_fake->setAddress(addressAt(*key, 1, 0), {7'000, 0, 1, 0, 0, 0});

        int seen = 0;
        const auto scan = scanExtendedKey(*key, *m_client, 20, [&seen](const ScannedAddress &) {
            ++seen;
            return true;
        });
        QVERIFY2(scan, qPrintable(scan ? QString() : scan.error().message));
        QCOMPARE(scan->confirmedSats, 100'000 + 30'000 + 7'000);
        QCOMPARE(scan->pendingSats, 25'000);
        // Receive: 0..3 then 20 unused (4..23); change: 0 then 1..20.
        QCOMPARE(scan->addresses.size(), 24 + 21);
        QCOMPARE(seen, 45);
        QCOMPARE(m_fake->requests().size(), 45);
        QCOMPARE(scan->addresses.at(3).path, QStringLiteral("0/3"));
        QCOMPARE(scan->addresses.at(3).activity.address, addressAt(*key, 0, 3));
        QCOMPARE(scan->addresses.at(24).path, QStringLiteral("1/0"));
        QCOMPARE(m_fake->requests().first(), QStringLiteral("/api/address/bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu"));
    }

    void smallerGapLimitStopsSooner()
    {
        const auto key = ExtendedPublicKey::parse(kZpub);
        QVERIFY(key);
        m_fake->setAddress(addressAt(*key, 0, 3), {50'000, 0, 1, 0, 0, 0});
        const auto scan = scanExtendedKey(*key, *m_client, 3);
        QVERIFY(scan);
        QCOMPARE(scan->confirmedSats, 0); // index 3 lies past a gap of 3 (0, 1, 2)
        QCOMPARE(scan->addresses.size(), 6);
    }

    void cancelStopsTheScan()
    {
        const auto key = ExtendedPublicKey::parse(kZpub);
        QVERIFY(key);
        int seen = 0;
        const auto scan = scanExtendedKey(*key, *m_client, 20, [&seen](const ScannedAddress &) { return ++seen < 5; });
        QVERIFY(!scan);
        QCOMPARE(scan.error().code, QStringLiteral("chain.cancelled"));
        QCOMPARE(m_fake->requests().size(), 5);
    }

    void plainAddresses()
    {
        m_fake->setAddress(QStringLiteral("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa"), {5'000'000'000, 0, 3, 0, 0, 0});
        m_fake->setAddress(QStringLiteral("bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu"),
                           {10'000, 4'000, 2, 0, 1'000, 1});
        const auto scan = scanAddresses({QStringLiteral("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa"),
                                         QStringLiteral("bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu")},
                                        BitcoinNetwork::Mainnet, *m_client);
        QVERIFY(scan);
        QCOMPARE(scan->confirmedSats, 5'000'006'000);
        QCOMPARE(scan->pendingSats, -1'000);
        // A testnet address in a mainnet wallet is refused before any request.
        const auto wrong =
            scanAddresses({QStringLiteral("2Mww8dCYPUpKHofjgcXcBCEGmniw9CoaiD2")}, BitcoinNetwork::Mainnet, *m_client);
        QVERIFY(!wrong);
        QVERIFY2(wrong.error().message.startsWith(QLatin1String("2Mww8dCYPUpKHofjgcXcBCEGmniw9CoaiD2: ")),
                 qPrintable(wrong.error().message));
        QCOMPARE(m_fake->requests().size(), 2);
    }

    void serverRefusalsAreNamed()
    {
        const auto invalid = m_client->address(QStringLiteral("not-an-address"));
        QVERIFY(!invalid);
        QVERIFY2(invalid.error().message.contains(QLatin1String("HTTP 400")), qPrintable(invalid.error().message));
        QVERIFY2(invalid.error().message.contains(QLatin1String("Invalid Bitcoin address")),
                 qPrintable(invalid.error().message));

        m_fake->setRequestLimit(1);
        QVERIFY(m_client->address(QStringLiteral("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa")));
        const auto limited = m_client->address(QStringLiteral("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa"));
        QVERIFY(!limited);
        QCOMPARE(limited.error().code, QStringLiteral("esplora.rate_limit"));
        QVERIFY2(limited.error().message.contains(QLatin1String("wait 60 s")), qPrintable(limited.error().message));
    }

    void noServer()
    {
        QUrl closed = m_fake->baseUrl();
        m_fake.reset(); // nothing listens there any more
        EsploraClient client(*m_http, closed);
        const auto answer = client.address(QStringLiteral("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa"));
        QVERIFY(!answer);
        QCOMPARE(answer.error().code, QStringLiteral("esplora.network"));
        QVERIFY(answer.error().message.startsWith(QStringLiteral("127.0.0.1:%1 did not answer").arg(closed.port())));
    }

    void malformedAnswers_data()
    {
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<QString>("expected");
        const QByteArray zero = R"({"funded_txo_sum":0,"spent_txo_sum":0,"tx_count":0})";
        QTest::newRow("not json") << QByteArray("<html>") << QStringLiteral("not a JSON object");
        QTest::newRow("other address") << QByteArray(R"({"address":"1B","chain_stats":)" + zero + R"(,"mempool_stats":)"
                                                     + zero + "}")
                                       << QStringLiteral("another address");
        QTest::newRow("no mempool") << QByteArray(R"({"address":"1A","chain_stats":)" + zero + "}")
                                    << QStringLiteral("mempool_stats is missing");
        QTest::newRow("fraction") << QByteArray(
            R"({"address":"1A","chain_stats":{"funded_txo_sum":0.5,"spent_txo_sum":0,"tx_count":1},"mempool_stats":)"
            + zero + "}") << QStringLiteral("chain_stats.funded_txo_sum");
        QTest::newRow("negative") << QByteArray(
            R"({"address":"1A","chain_stats":)" + zero
            + R"(,"mempool_stats":{"funded_txo_sum":0,"spent_txo_sum":-1,"tx_count":0}})")
                                  << QStringLiteral("mempool_stats.spent_txo_sum");
        QTest::newRow("overspent") << QByteArray(
            R"({"address":"1A","chain_stats":{"funded_txo_sum":1,"spent_txo_sum":2,"tx_count":2},"mempool_stats":)"
            + zero + "}") << QStringLiteral("spends more than it funds");
    }
    void malformedAnswers()
    {
        QFETCH(QByteArray, body);
        QFETCH(QString, expected);
        const auto parsed = parseEsploraAddress(body, u"1A");
        QVERIFY(!parsed);
        QVERIFY2(parsed.error().message.contains(expected), qPrintable(parsed.error().message));
    }

private:
    std::unique_ptr<FakeEsplora> m_fake;
    std::unique_ptr<QNetworkAccessManager> m_manager;
    std::unique_ptr<exchange::HttpClient> m_http;
    std::unique_ptr<EsploraClient> m_client;
};

QTEST_GUILESS_MAIN(TestEsplora)
#include "tst_esplora.moc"
