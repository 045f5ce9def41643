// Watch-only wallet keys and addresses (core/chain) against the vectors the
// standards publish: BIP-32 public derivation, BIP-49 and BIP-84 account keys
// and their first addresses, BIP-173/BIP-350 segwit addresses, EIP-55
// checksums; plus the secret guard that keeps private keys out of Ballast.
#include "chain/addresses.h"
#include "chain/base58.h"
#include "chain/bech32.h"
#include "chain/bitcoinkeys.h"
#include "chain/hashes.h"

#include <QCryptographicHash>
#include <QTest>

#include <openssl/evp.h>

using namespace ballast::chain;

namespace {

QByteArray hex(const char *text)
{
    return QByteArray::fromHex(text);
}

QByteArray opensslSha3(const QByteArray &data)
{
    QByteArray out(32, Qt::Uninitialized);
    unsigned int length = 0;
    EVP_Digest(data.constData(), static_cast<size_t>(data.size()), reinterpret_cast<unsigned char *>(out.data()),
               &length, EVP_sha3_256(), nullptr);
    return out;
}

} // namespace

class TestChainKeys : public QObject
{
    Q_OBJECT

private slots:
    void keccakKnownAnswers()
    {
        QCOMPARE(keccak256("").toHex(), QByteArray("c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470"));
        QCOMPARE(keccak256("abc").toHex(),
                 QByteArray("4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45"));
    }

    // SHA3-256 is the same sponge with another domain byte: every length from
    // 0 to 420 bytes (a block is 136) matches OpenSSL's SHA3-256.
    void keccakPermutationMatchesSha3AcrossBlocks()
    {
        QByteArray data;
        for (int length = 0; length <= 420; ++length) {
            QCOMPARE(detail::keccakSponge256(data, 0x06).toHex(), opensslSha3(data).toHex());
            data.append(static_cast<char>((length * 131 + 7) & 0xff));
        }
    }

    void hash160OfAPublicKey()
    {
        // BIP-49's worked example: HASH160 of the first receiving key.
        QCOMPARE(hash160(hex("03a1af804ac108a8a51782198c2d034b28bf90c8803f5a53f76276fa69a4eae77f")).toHex(),
                 QByteArray("38971f73930f6c141d977ac4fd4a727c854935b3"));
    }

    void base58RoundTripsAndNamesBadCharacters()
    {
        QCOMPARE(base58::encode(hex("0000")), QStringLiteral("11"));
        QCOMPARE(base58::encode(QByteArray(32, '\0')), QStringLiteral("11111111111111111111111111111111"));
        for (const QByteArray &bytes : {hex("00"), hex("0001ff"), hex("ffffffff"), hex("00000102030405")})
            QCOMPARE(*base58::decode(base58::encode(bytes)), bytes);
        const auto bad = base58::decode(u"1A1zP1eP0QGefi2DMPTfTL5SLmv7DivfNa");
        QVERIFY(!bad);
        QVERIFY2(bad.error().message.contains(QStringLiteral("character 9 ('0')")), qPrintable(bad.error().message));
        const auto wrongChecksum = base58::decodeCheck(u"1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNb");
        QVERIFY(!wrongChecksum);
        QVERIFY(wrongChecksum.error().message.contains(QStringLiteral("checksum")));
        QVERIFY(base58::decodeCheck(u"1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa"));
    }

    void bech32mValidStrings_data()
    {
        QTest::addColumn<QString>("text");
        for (const char *s :
             {"A1LQFN3A", "a1lqfn3a",
              "an83characterlonghumanreadablepartthatcontainsthetheexcludedcharactersbioandnumber11sg7hg6",
              "abcdef1l7aum6echk45nj3s0wdvt2fg8x9yrzpqzd3ryx",
              "11llllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllludsr8",
              "split1checkupstagehandshakeupstreamerranterredcaperredlc445v", "?1v759aa"})
            QTest::newRow(s) << QString::fromLatin1(s);
    }
    void bech32mValidStrings()
    {
        QFETCH(QString, text);
        const auto decoded = bech32::decode(text);
        QVERIFY2(decoded, qPrintable(decoded ? QString() : decoded.error().message));
        QCOMPARE(decoded->variant, bech32::Variant::Bech32m);
        QCOMPARE(bech32::encode(decoded->hrp, decoded->data, bech32::Variant::Bech32m), text.toLower());
    }

    void bech32mInvalidStrings_data()
    {
        QTest::addColumn<QString>("text");
        QTest::newRow("hrp 0x20") << QString(QChar(0x20)) + QStringLiteral("1xj0phk");
        QTest::newRow("hrp 0x7f") << QString(QChar(0x7f)) + QStringLiteral("1g6xzxy");
        QTest::newRow("hrp 0x80") << QString(QChar(0x80)) + QStringLiteral("1vctc34");
        QTest::newRow("too long") << QStringLiteral(
            "an84characterslonghumanreadablepartthatcontainsthetheexcludedcharactersbioandnumber11d6pts4");
        for (const char *s : {"qyrz8wqd2c9m", "1qyrz8wqd2c9m", "y1b0jsk6g", "lt1igcx5c0", "in1muywd", "mm1crxm3i",
                              "au1s5cgom", "M1VUXWEZ", "16plkw9", "1p2gdwpf"})
            QTest::newRow(s) << QString::fromLatin1(s);
    }
    void bech32mInvalidStrings()
    {
        QFETCH(QString, text);
        QVERIFY(!bech32::decode(text));
    }

    void segwitAddresses_data()
    {
        QTest::addColumn<QString>("address");
        QTest::addColumn<QString>("hrp");
        QTest::addColumn<QByteArray>("scriptPubKey");
        QTest::newRow("v0 p2wpkh") << QStringLiteral("BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4")
                                   << QStringLiteral("bc") << hex("0014751e76e8199196d454941c45d1b3a323f1433bd6");
        QTest::newRow("v0 p2wsh") << QStringLiteral("tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3q0sl5k7")
                                  << QStringLiteral("tb")
                                  << hex("00201863143c14c5166804bd19203356da136c985678cd4d27a1b8c6329604903262");
        QTest::newRow("v1 40 bytes")
            << QStringLiteral("bc1pw508d6qejxtdg4y5r3zarvary0c5xw7kw508d6qejxtdg4y5r3zarvary0c5xw7kt5nd6y")
            << QStringLiteral("bc")
            << hex("5128751e76e8199196d454941c45d1b3a323f1433bd6751e76e8199196d454941c45d1b3a323f1433bd6");
        QTest::newRow("v16") << QStringLiteral("BC1SW50QGDZ25J") << QStringLiteral("bc") << hex("6002751e");
        QTest::newRow("v2") << QStringLiteral("bc1zw508d6qejxtdg4y5r3zarvaryvaxxpcs") << QStringLiteral("bc")
                            << hex("5210751e76e8199196d454941c45d1b3a323");
        QTest::newRow("v0 leading zeros")
            << QStringLiteral("tb1qqqqqp399et2xygdj5xreqhjjvcmzhxw4aywxecjdzew6hylgvsesrxh6hy") << QStringLiteral("tb")
            << hex("0020000000c4a5cad46221b2a187905e5266362b99d5e91c6ce24d165dab93e86433");
        QTest::newRow("v1 leading zeros")
            << QStringLiteral("tb1pqqqqp399et2xygdj5xreqhjjvcmzhxw4aywxecjdzew6hylgvsesf3hn0c") << QStringLiteral("tb")
            << hex("5120000000c4a5cad46221b2a187905e5266362b99d5e91c6ce24d165dab93e86433");
        QTest::newRow("taproot") << QStringLiteral("bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0")
                                 << QStringLiteral("bc")
                                 << hex("512079be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798");
    }
    void segwitAddresses()
    {
        QFETCH(QString, address);
        QFETCH(QString, hrp);
        QFETCH(QByteArray, scriptPubKey);
        const auto witness = bech32::decodeSegwit(hrp, address);
        QVERIFY2(witness, qPrintable(witness ? QString() : witness.error().message));
        // scriptPubKey: OP_n (0x00, or 0x50 + n) then the pushed program.
        QByteArray script(1, static_cast<char>(witness->version == 0 ? 0 : 0x50 + witness->version));
        script.append(static_cast<char>(witness->program.size()));
        script.append(witness->program);
        QCOMPARE(script.toHex(), scriptPubKey.toHex());
        QCOMPARE(bech32::encodeSegwit(hrp, *witness), address.toLower());
    }

    void invalidSegwitAddresses_data()
    {
        QTest::addColumn<QString>("address");
        for (const char *s :
             {"tc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vq5zuyut",
              "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqh2y7hd",
              "tb1z0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqglt7rf",
              "BC1S0XLXVLHEMJA6C4DQV22UAPCTQUPFHLXM9H8Z3K2E72Q4K9HCZ7VQ54WELL",
              "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kemeawh",
              "tb1q0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vq24jc47",
              "bc1p38j9r5y49hruaue7wxjce0updqjuyyx0kh56v8s25huc6995vvpql3jow4",
              "BC130XLXVLHEMJA6C4DQV22UAPCTQUPFHLXM9H8Z3K2E72Q4K9HCZ7VQ7ZWS8R", "bc1pw5dgrnzv",
              "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7v8n0nx0muaewav253zgeav",
              "BC1QR508D6QEJXTDG4Y5R3ZARVARYV98GJ9P", "tb1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vq47Zagq",
              "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7v07qwwzcrf",
              "tb1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vpggkg4j", "bc1gmk9yu"})
            QTest::newRow(s) << QString::fromLatin1(s);
    }
    void invalidSegwitAddresses()
    {
        QFETCH(QString, address);
        const QString hrp =
            address.left(2).toLower() == QLatin1String("tb") ? QStringLiteral("tb") : QStringLiteral("bc");
        QVERIFY(!bech32::decodeSegwit(hrp, address));
    }

    // BIP-32 test vectors 1 and 2: every non-hardened step of the published
    // chains, derived from the parent's extended public key alone.
    void bip32PublicDerivation_data()
    {
        QTest::addColumn<QString>("parent");
        QTest::addColumn<uint>("index");
        QTest::addColumn<QString>("child");
        QTest::newRow("v1 m/0H -> /1") << QStringLiteral("xpub68Gmy5EdvgibQVfPdqkBBCHxA5htiqg55crXYuXoQRKfDBFA1WEjWgP6L"
                                                         "HhwBZeNK1VTsfTFUHCdrfp1bgwQ9xv5ski8PX9rL2dZXvgGDnw")
                                       << 1U
                                       << QStringLiteral("xpub6ASuArnXKPbfEwhqN6e3mwBcDTgzisQN1wXN9BJcM47sSikHjJf3UFHKk"
                                                         "NAWbWMiGj7Wf5uMash7SyYq527Hqck2AxYysAA7xmALppuCkwQ");
        QTest::newRow("v1 m/0H/1/2H -> /2")
            << QStringLiteral("xpub6D4BDPcP2GT577Vvch3R8wDkScZWzQzMMUm3PWbmWvVJrZwQY4VUNgqFJPMM3No2dFDFGTsxxpG5uJh7n7ep"
                              "u4trkrX7x7DogT5Uv6fcLW5")
            << 2U
            << QStringLiteral("xpub6FHa3pjLCk84BayeJxFW2SP4XRrFd1JYnxeLeU8EqN3vDfZmbqBqaGJAyiLjTAwm6ZLRQUMv1ZACTj37sR62"
                              "cfN7fe5JnJ7dh8zL4fiyLHV");
        QTest::newRow("v1 .../2 -> /1000000000")
            << QStringLiteral("xpub6FHa3pjLCk84BayeJxFW2SP4XRrFd1JYnxeLeU8EqN3vDfZmbqBqaGJAyiLjTAwm6ZLRQUMv1ZACTj37sR62"
                              "cfN7fe5JnJ7dh8zL4fiyLHV")
            << 1000000000U
            << QStringLiteral("xpub6H1LXWLaKsWFhvm6RVpEL9P4KfRZSW7abD2ttkWP3SSQvnyA8FSVqNTEcYFgJS2UaFcxupHiYkro49S8yGas"
                              "TvXEYBVPamhGW6cFJodrTHy");
        QTest::newRow("v2 m -> /0") << QStringLiteral("xpub661MyMwAqRbcFW31YEwpkMuc5THy2PSt5bDMsktWQcFF8syAmRUapSCGu8ED"
                                                      "9W6oDMSgv6Zz8idoc4a6mr8BDzTJY47LJhkJ8UB7WEGuduB")
                                    << 0U
                                    << QStringLiteral("xpub69H7F5d8KSRgmmdJg2KhpAK8SR3DjMwAdkxj3ZuxV27CprR9LgpeyGmXUbC6"
                                                      "wb7ERfvrnKZjXoUmmDznezpbZb7ap6r1D3tgFxHmwMkQTPH");
        QTest::newRow("v2 m/0/2147483647H -> /1")
            << QStringLiteral("xpub6ASAVgeehLbnwdqV6UKMHVzgqAG8Gr6riv3Fxxpj8ksbH9ebxaEyBLZ85ySDhKiLDBrQSARLq1uNRts8RuJi"
                              "HjaDMBU4Zn9h8LZNnBC5y4a")
            << 1U
            << QStringLiteral("xpub6DF8uhdarytz3FWdA8TvFSvvAh8dP3283MY7p2V4SeE2wyWmG5mg5EwVvmdMVCQcoNJxGoWaU9DCWh89Lojf"
                              "Z537wTfunKau47EL2dhHKon");
        QTest::newRow("v2 .../2147483646H -> /2")
            << QStringLiteral("xpub6ERApfZwUNrhLCkDtcHTcxd75RbzS1ed54G1LkBUHQVHQKqhMkhgbmJbZRkrgZw4koxb5JaHWkY4ALHY2grB"
                              "GRjaDMzQLcgJvLJuZZvRcEL")
            << 2U
            << QStringLiteral("xpub6FnCn6nSzZAw5Tw7cgR9bi15UV96gLZhjDstkXXxvCLsUXBGXPdSnLFbdpq8p9HmGsApME5hQTZ3emM2rnY5"
                              "agb9rXpVGyy3bdW6EEgAtqt");
    }
    void bip32PublicDerivation()
    {
        QFETCH(QString, parent);
        QFETCH(uint, index);
        QFETCH(QString, child);
        const auto key = ExtendedPublicKey::parse(parent);
        QVERIFY2(key, qPrintable(key ? QString() : key.error().message));
        QCOMPARE(key->toString(), parent);
        const auto derived = key->child(index);
        QVERIFY2(derived, qPrintable(derived ? QString() : derived.error().message));
        QCOMPARE(derived->toString(), child);
        QCOMPARE(derived->parentFingerprint(), key->fingerprint());
    }

    void hardenedIndexRefused()
    {
        const auto key = ExtendedPublicKey::parse(u"xpub661MyMwAqRbcFW31YEwpkMuc5THy2PSt5bDMsktWQcFF8syAmRUapSCGu8ED9W6"
                                                  u"oDMSgv6Zz8idoc4a6mr8BDzTJY47LJhkJ8UB7WEGuduB");
        QVERIFY(key);
        const auto hardened = key->child(0x80000000U);
        QVERIFY(!hardened);
        QVERIFY(hardened.error().message.contains(QStringLiteral("hardened")));
    }

    // BIP-84's published account key (m/84'/0'/0' of "abandon ... about"):
    // its first two receive addresses and first change address, with keys.
    void bip84Zpub()
    {
        const auto key = ExtendedPublicKey::parse(u"zpub6rFR7y4Q2AijBEqTUquhVz398htDFrtymD9xYYfG1m4wAcvPhXNfE3EfH1r1ADq"
                                                  u"tfSdVCToUG868RvUUkgDKf31mGDtKsAYz2oz2AGutZYs");
        QVERIFY2(key, qPrintable(key ? QString() : key.error().message));
        QCOMPARE(key->scriptType(), ScriptType::P2wpkh);
        QCOMPARE(key->network(), BitcoinNetwork::Mainnet);
        QCOMPARE(key->depth(), 3);
        QCOMPARE(key->child(0)->child(0)->publicKey().toHex(),
                 QByteArray("0330d54fd0dd420a6e5f8d3624f5f3482cae350f79d5f0753bf5beef9c2d91af3c"));
        QCOMPARE(*key->address(0, 0), QStringLiteral("bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu"));
        QCOMPARE(key->child(0)->child(1)->publicKey().toHex(),
                 QByteArray("03e775fd51f0dfb8cd865d9ff1cca2a158cf651fe997fdc9fee9c1d3b5e995ea77"));
        QCOMPARE(*key->address(0, 1), QStringLiteral("bc1qnjg0jd8228aq7egyzacy8cys3knf9xvrerkf9g"));
        QCOMPARE(key->child(1)->child(0)->publicKey().toHex(),
                 QByteArray("03025324888e429ab8e3dbaf1f7802648b9cd01e9b418485c5fa4c1b9b5700e1a6"));
        QCOMPARE(*key->address(1, 0), QStringLiteral("bc1q8c6fshw2dlwun7ekn9qwf37cu2rn755upcp6el"));
    }

    // BIP-49's published testnet account key (m/49'/1'/0'): the first receive
    // key and its P2SH-P2WPKH address, with the intermediate hashes.
    void bip49Upub()
    {
        const auto key = ExtendedPublicKey::parse(u"upub5EFU65HtV5TeiSHmZZm7FUffBGy8UKeqp7vw43jYbvZPpoVsgU93oac7Wk3u6mo"
                                                  u"KegAEWtGNF8DehrnHtv21XXEMYRUocHqguyjknFHYfgY");
        QVERIFY2(key, qPrintable(key ? QString() : key.error().message));
        QCOMPARE(key->scriptType(), ScriptType::P2shP2wpkh);
        QCOMPARE(key->network(), BitcoinNetwork::Testnet);
        const QByteArray pub = key->child(0)->child(0)->publicKey();
        QCOMPARE(pub.toHex(), QByteArray("03a1af804ac108a8a51782198c2d034b28bf90c8803f5a53f76276fa69a4eae77f"));
        QCOMPARE(hash160(hex("001438971f73930f6c141d977ac4fd4a727c854935b3")).toHex(),
                 QByteArray("336caa13e08b96080a32b5d818d59b4ab3b36742"));
        QCOMPARE(*key->address(0, 0), QStringLiteral("2Mww8dCYPUpKHofjgcXcBCEGmniw9CoaiD2"));
    }

    // The same mnemonic's BIP-44 and BIP-49 mainnet account keys, as wallets
    // export them (xpub at m/44'/0'/0', ypub at m/49'/0'/0').
    void bip44XpubAndBip49Ypub()
    {
        const auto xpub = ExtendedPublicKey::parse(u"xpub6BosfCnifzxcFwrSzQiqu2DBVTshkCXacvNsWGYJVVhhawA7d4R5WSWGFNbi8A"
                                                   u"w6ZRc1brxMyWMzG3DSSSSoekkudhUd9yLb6qx39T9nMdj");
        QVERIFY(xpub);
        QCOMPARE(*xpub->address(0, 0), QStringLiteral("1LqBGSKuX5yYUonjxT5qGfpUsXKYYWeabA"));
        const auto ypub = ExtendedPublicKey::parse(u"ypub6Ww3ibxVfGzLrAH1PNcjyAWenMTbbAosGNB6VvmSEgytSER9azLDWCxoJwW7Ke"
                                                   u"7icmizBMXrzBx9979FfaHxHcrArf3zbeJJJUZPf663zsP");
        QVERIFY(ypub);
        QCOMPARE(*ypub->address(0, 0), QStringLiteral("37VucYSaXLCAsxYyAPfbSi9eh4iEcbShgf"));
        // An xpub read as native segwit (a wallet that exports every account as xpub).
        auto asSegwit = *xpub;
        asSegwit.setScriptType(ScriptType::P2wpkh);
        QVERIFY(asSegwit.address(0, 0)->startsWith(QLatin1String("bc1q")));
        QCOMPARE(asSegwit.toString(), xpub->toString());
    }

    void extendedKeyErrors_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("expected");
        QTest::newRow("xprv") << QStringLiteral("xprv9s21ZrQH143K3QTDL4LXw2F7HEK3wJUD2nW2nRk4stbPy6cq3jPPqjiChkVvvNKmPG"
                                                "JxWUtg6LnF5kejMRNNU3TGtRBeJgk33yuGBxrMPHi")
                              << QStringLiteral("extended private key (xprv)");
        QTest::newRow("typo") << QStringLiteral("xpub661MyMwAqRbcFW31YEwpkMuc5THy2PSt5bDMsktWQcFF8syAmRUapSCGu8ED9W6oDM"
                                                "Sgv6Zz8idoc4a6mr8BDzTJY47LJhkJ8UB7WEGuduC")
                              << QStringLiteral("checksum");
        QTest::newRow("address") << QStringLiteral("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa")
                                 << QStringLiteral("21 bytes instead of 78");
        QTest::newRow("not base58") << QStringLiteral("xpub0") << QStringLiteral("character 5 ('0')");
    }
    void extendedKeyErrors()
    {
        QFETCH(QString, text);
        QFETCH(QString, expected);
        const auto key = ExtendedPublicKey::parse(text);
        QVERIFY(!key);
        QVERIFY2(key.error().message.contains(expected), qPrintable(key.error().message));
    }

    void bitcoinAddresses()
    {
        QCOMPARE(parseBitcoinAddress(u"1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa", BitcoinNetwork::Mainnet)->kind,
                 BitcoinAddress::Kind::P2pkh);
        QCOMPARE(parseBitcoinAddress(u"37VucYSaXLCAsxYyAPfbSi9eh4iEcbShgf", BitcoinNetwork::Mainnet)->kind,
                 BitcoinAddress::Kind::P2sh);
        const auto segwit = parseBitcoinAddress(u"bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu", BitcoinNetwork::Mainnet);
        QVERIFY(segwit);
        QCOMPARE(segwit->kind, BitcoinAddress::Kind::Witness);
        QCOMPARE(segwit->witnessVersion, 0);
        QVERIFY(!parseBitcoinAddress(u"2Mww8dCYPUpKHofjgcXcBCEGmniw9CoaiD2", BitcoinNetwork::Mainnet));
        QVERIFY(parseBitcoinAddress(u"2Mww8dCYPUpKHofjgcXcBCEGmniw9CoaiD2", BitcoinNetwork::Testnet));
        QVERIFY(!parseBitcoinAddress(u"bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyv", BitcoinNetwork::Mainnet));
    }

    void eip55_data()
    {
        QTest::addColumn<QString>("address");
        for (const char *s :
             {"0x52908400098527886E0F7030069857D2E4169EE7", "0x8617E340B3D01FA5F11F306F4090FD50E238070D",
              "0xde709f2102306220921060314715629080e2fb77", "0x27b1fdb04752bbc536007a920d24acb045561c26",
              "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359",
              "0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB", "0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb"})
            QTest::newRow(s) << QString::fromLatin1(s);
    }
    void eip55()
    {
        QFETCH(QString, address);
        const auto bytes = parseEvmAddress(address);
        QVERIFY2(bytes, qPrintable(bytes ? QString() : bytes.error().message));
        QCOMPARE(evmChecksumAddress(*bytes), address);
        // Lower case carries no checksum and is accepted.
        QVERIFY(parseEvmAddress(address.toLower()));
    }

    void eip55MistypedCaseRefused()
    {
        // One letter's case flipped in a checksummed address.
        const auto bad = parseEvmAddress(u"0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAEd");
        QVERIFY(!bad);
        QVERIFY2(bad.error().message.contains(QStringLiteral("checksum")), qPrintable(bad.error().message));
        QVERIFY(!parseEvmAddress(u"5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"));
        QVERIFY(!parseEvmAddress(u"0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeA"));
        const auto notHex = parseEvmAddress(u"0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeg");
        QVERIFY(!notHex);
        QVERIFY2(notHex.error().message.contains(QStringLiteral("character 42 ('g')")),
                 qPrintable(notHex.error().message));
    }

    void solanaAddresses()
    {
        QCOMPARE(*parseSolanaAddress(u"11111111111111111111111111111111"), QByteArray(32, '\0'));
        QCOMPARE(parseSolanaAddress(u"TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA")->toHex(),
                 QByteArray("06ddf6e1d765a193d9cbe146ceeb79ac1cb485ed5f5b37913a8cf5857eff00a9"));
        QVERIFY(!parseSolanaAddress(u"1111111111111111111111111111111"));
        QVERIFY(!parseSolanaAddress(u"TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5D0"));
    }

    void secretsRefused_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("expected");
        QTest::newRow("xprv") << QStringLiteral("xprv9s21ZrQH143K3QTDL4LXw2F7HEK3wJUD2nW2nRk4stbPy6cq3jPPqjiChkVvvNKmPG"
                                                "JxWUtg6LnF5kejMRNNU3TGtRBeJgk33yuGBxrMPHi")
                              << QStringLiteral("extended private key");
        QTest::newRow("12 words") << QStringLiteral(
            "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about")
                                  << QStringLiteral("12 words");
        QTest::newRow("24 words") << QStringLiteral("zoo ").repeated(23) + QStringLiteral("vote")
                                  << QStringLiteral("24 words");
        QTest::newRow("hex key") << QStringLiteral("c9bdb49cfbaedca21c4b1f3a7803c34636b1d7dc55a717132443fc3f4c5867e8")
                                 << QStringLiteral("64 hex");
        QTest::newRow("0x hex key") << QStringLiteral(
            "0xc9bdb49cfbaedca21c4b1f3a7803c34636b1d7dc55a717132443fc3f4c5867e8")
                                    << QStringLiteral("64 hex");
        QTest::newRow("wif") << QStringLiteral("KyZpNDKnfs94vbrwhJneDi77V6jF64PWPF8x5cdJb8ifgg2DUc9d")
                             << QStringLiteral("WIF");
        QTest::newRow("testnet wif") << QStringLiteral("cULrpoZGXiuC19Uhvykx7NugygA3k86b3hmdCeyvHYQZSxojGyXJ")
                                     << QStringLiteral("WIF");
        QString keyFile = QStringLiteral("[");
        for (int i = 0; i < 64; ++i)
            keyFile += QString::number((i * 37) % 256) + (i < 63 ? QStringLiteral(",") : QStringLiteral("]"));
        QTest::newRow("solana key file") << keyFile << QStringLiteral("Solana key file");
        QTest::newRow("solana secret") << base58::encode(QByteArray(64, '\x5a')) << QStringLiteral("Solana secret key");
    }
    void secretsRefused()
    {
        QFETCH(QString, text);
        QFETCH(QString, expected);
        const auto reason = secretReason(text);
        QVERIFY(reason.has_value());
        QVERIFY2(reason->contains(expected), qPrintable(*reason));
        QVERIFY(!reason->contains(text)); // never quoted back
    }

    void publicThingsAreNotSecrets()
    {
        for (const char *s :
             {"xpub6BosfCnifzxcFwrSzQiqu2DBVTshkCXacvNsWGYJVVhhawA7d4R5WSWGFNbi8Aw6ZRc1brxMyWMzG3DSSSSoekkudhUd9yLb6qx3"
              "9T9nMdj",
              "bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu", "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa",
              "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", "TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA",
              "my cold wallet", "abandon abandon abandon"})
            QVERIFY2(!secretReason(QString::fromLatin1(s)).has_value(), s);
    }
};

QTEST_APPLESS_MAIN(TestChainKeys)
#include "tst_chainkeys.moc"
