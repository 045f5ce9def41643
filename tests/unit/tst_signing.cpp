#include "exchange/signing.h"

#include <QTest>

using ballast::exchange::Signing;

namespace {

// The published vectors, copied verbatim from /work/shared/reference/exchanges.md §0.
const QByteArray binanceSecret = QByteArrayLiteral("NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j");
const QByteArray krakenSecret =
    QByteArrayLiteral("kQH5HW/8p1uGOVjbgWA7FunAmGO8lsSUXNsu3eow76sz84Q18fWxnyRzBHCd3pd5nE9qa99HAZtuZuj6F1huXg==");

Signing::Params pairs(std::initializer_list<std::pair<const char *, QString>> list)
{
    Signing::Params out;
    for (const auto &[key, value] : list)
        out.append({QString::fromLatin1(key), value});
    return out;
}

} // namespace

class TestSigning : public QObject
{
    Q_OBJECT

private slots:
    void binanceVectors_data()
    {
        QTest::addColumn<QByteArray>("queryString");
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<QByteArray>("expected");
        QTest::newRow("V1 ascii payload")
            << QByteArrayLiteral("symbol=LTCBTC&side=BUY&type=LIMIT&timeInForce=GTC&quantity=1&price=0.1&"
                                 "recvWindow=5000&timestamp=1499827319559")
            << QByteArray() << QByteArrayLiteral("c8db56825ae71d6d79447849e617115f4a920fa2acdcab2b053c4b2838bd6b71");
        QTest::newRow("V2 percent-encoded non-ascii symbol")
            << QByteArrayLiteral("symbol=%EF%BC%91%EF%BC%92%EF%BC%93%EF%BC%94%EF%BC%95%EF%BC%96&side=BUY&type=LIMIT&"
                                 "timeInForce=GTC&quantity=1&price=0.1&recvWindow=5000&timestamp=1499827319559")
            << QByteArray() << QByteArrayLiteral("e1353ec6b14d888f1164ae9af8228a3dbd508bc82eb867db8ab6046442f33ef3");
        QTest::newRow("V3 query string plus body")
            << QByteArrayLiteral("symbol=LTCBTC&side=BUY&type=LIMIT&timeInForce=GTC")
            << QByteArrayLiteral("quantity=1&price=0.1&recvWindow=5000&timestamp=1499827319559")
            << QByteArrayLiteral("0fd168b8ddb4876a0358a8d14d0c9f3da0e9b20c5d52b2a00fcf7d1c602f9a77");
    }

    void binanceVectors()
    {
        QFETCH(QByteArray, queryString);
        QFETCH(QByteArray, body);
        QFETCH(QByteArray, expected);
        QCOMPARE(Signing::binanceSignature(binanceSecret, queryString, body), expected);
        QCOMPARE(Signing::hmacSha256Hex(binanceSecret, QByteArray(queryString + body)), expected);
    }

    void krakenVector_data()
    {
        QTest::addColumn<QByteArray>("secret");
        QTest::addColumn<QByteArray>("uriPath");
        QTest::addColumn<QByteArray>("nonce");
        QTest::addColumn<QByteArray>("postData");
        QTest::addColumn<QByteArray>("expected");
        QTest::newRow("V4 AddOrder")
            << krakenSecret << QByteArrayLiteral("/0/private/AddOrder") << QByteArrayLiteral("1616492376594")
            << QByteArrayLiteral("nonce=1616492376594&ordertype=limit&pair=XBTUSD&price=37500&type=buy&volume=1.25")
            << QByteArrayLiteral(
                   "4/dpxb3iT4tp/ZCVEwSnEsLxx0bqyhLpdfOpc6fn7OR8+UClSV5n9E6aSS8MPtnRfp32bAb0nmbRn6H8ndwLUQ==");
    }

    void krakenVector()
    {
        QFETCH(QByteArray, secret);
        QFETCH(QByteArray, uriPath);
        QFETCH(QByteArray, nonce);
        QFETCH(QByteArray, postData);
        QFETCH(QByteArray, expected);
        const auto signature = Signing::krakenSignature(secret, uriPath, nonce, postData);
        QVERIFY(signature.ok());
        QCOMPARE(*signature, expected);
    }

    void v2PayloadIsBuiltByTheEncoder()
    {
        const auto query = pairs({{"symbol", QStringLiteral("１２３４５６")},
                                  {"side", QStringLiteral("BUY")},
                                  {"type", QStringLiteral("LIMIT")},
                                  {"timeInForce", QStringLiteral("GTC")},
                                  {"quantity", QStringLiteral("1")},
                                  {"price", QStringLiteral("0.1")},
                                  {"recvWindow", QStringLiteral("5000")},
                                  {"timestamp", QStringLiteral("1499827319559")}});
        const QByteArray payload = Signing::binancePayload(query, {});
        QCOMPARE(payload,
                 QByteArrayLiteral("symbol=%EF%BC%91%EF%BC%92%EF%BC%93%EF%BC%94%EF%BC%95%EF%BC%96&side=BUY&type=LIMIT&"
                                   "timeInForce=GTC&quantity=1&price=0.1&recvWindow=5000&timestamp=1499827319559"));
        QCOMPARE(Signing::binanceSignature(binanceSecret, payload, {}),
                 QByteArrayLiteral("e1353ec6b14d888f1164ae9af8228a3dbd508bc82eb867db8ab6046442f33ef3"));
    }

    void v3PayloadJoinsQueryAndBodyWithoutSeparator()
    {
        const auto query = pairs({{"symbol", QStringLiteral("LTCBTC")},
                                  {"side", QStringLiteral("BUY")},
                                  {"type", QStringLiteral("LIMIT")},
                                  {"timeInForce", QStringLiteral("GTC")}});
        const auto body = pairs({{"quantity", QStringLiteral("1")},
                                 {"price", QStringLiteral("0.1")},
                                 {"recvWindow", QStringLiteral("5000")},
                                 {"timestamp", QStringLiteral("1499827319559")}});
        const QByteArray payload = Signing::binancePayload(query, body);
        QCOMPARE(payload,
                 QByteArrayLiteral("symbol=LTCBTC&side=BUY&type=LIMIT&timeInForce=GTCquantity=1&price=0.1&"
                                   "recvWindow=5000&timestamp=1499827319559"));
        QCOMPARE(Signing::hmacSha256Hex(binanceSecret, payload),
                 QByteArrayLiteral("0fd168b8ddb4876a0358a8d14d0c9f3da0e9b20c5d52b2a00fcf7d1c602f9a77"));
    }

    void percentEncoding_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QByteArray>("expected");
        QTest::newRow("empty") << QString() << QByteArray();
        QTest::newRow("unreserved kept") << QStringLiteral("AZaz09-._~") << QByteArrayLiteral("AZaz09-._~");
        QTest::newRow("space is %20, not +") << QStringLiteral("a b") << QByteArrayLiteral("a%20b");
        QTest::newRow("ampersand") << QStringLiteral("a&b") << QByteArrayLiteral("a%26b");
        QTest::newRow("equals") << QStringLiteral("a=b") << QByteArrayLiteral("a%3Db");
        QTest::newRow("plus") << QStringLiteral("a+b") << QByteArrayLiteral("a%2Bb");
        QTest::newRow("slash") << QStringLiteral("a/b") << QByteArrayLiteral("a%2Fb");
        QTest::newRow("tilde kept") << QStringLiteral("~") << QByteArrayLiteral("~");
        QTest::newRow("percent") << QStringLiteral("100%") << QByteArrayLiteral("100%25");
        QTest::newRow("two-byte utf-8") << QStringLiteral("é") << QByteArrayLiteral("%C3%A9");
        QTest::newRow("full-width digit") << QStringLiteral("１") << QByteArrayLiteral("%EF%BC%91");
        QTest::newRow("four-byte utf-8") << QStringLiteral("😀") << QByteArrayLiteral("%F0%9F%98%80");
    }

    void percentEncoding()
    {
        QFETCH(QString, text);
        QFETCH(QByteArray, expected);
        QCOMPARE(Signing::percentEncode(text), expected);
    }

    void payloadEncodesKeysAndValues()
    {
        const Signing::Params query{{QStringLiteral("a b"), QStringLiteral("x&y=z")}, {QStringLiteral("c"), QString()}};
        QCOMPARE(Signing::binancePayload(query, {}), QByteArrayLiteral("a%20b=x%26y%3Dz&c="));
        QCOMPARE(Signing::binancePayload({}, query), QByteArrayLiteral("a%20b=x%26y%3Dz&c="));
        QCOMPARE(Signing::binancePayload({}, {}), QByteArray());
    }

    void hmacOfEmptyKeyAndMessage()
    {
        // RFC 4231 has no empty case; this value is the well-known HMAC-SHA256("", "").
        QCOMPARE(Signing::hmacSha256Hex({}, {}),
                 QByteArrayLiteral("b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad"));
    }

    void badKrakenSecretIsAnError_data()
    {
        QTest::addColumn<QByteArray>("secret");
        QTest::newRow("not base64") << QByteArrayLiteral("this is *not* base64!");
        QTest::newRow("bad padding") << QByteArrayLiteral("kQH5HW/8p1uGOVjbgWA7FunAmGO8=x==");
        QTest::newRow("empty") << QByteArray();
    }

    void badKrakenSecretIsAnError()
    {
        QFETCH(QByteArray, secret);
        const auto signature = Signing::krakenSignature(secret, "/0/private/Balance", "1", "nonce=1");
        QVERIFY(!signature.ok());
        QCOMPARE(signature.error().code, QStringLiteral("signing.bad-secret"));
        QVERIFY(signature.error().message.contains(QStringLiteral("base64")));
        if (!secret.isEmpty())
            QVERIFY(!signature.error().message.toUtf8().contains(secret));
    }

    void wipeClearsOnlyTheGivenBuffer()
    {
        QByteArray secret = QByteArrayLiteral("top secret");
        secret.detach();
        const QByteArray shared = secret; // shares storage until the wipe detaches
        Signing::wipe(secret);
        QVERIFY(secret.isEmpty());
        QCOMPARE(shared, QByteArrayLiteral("top secret"));
        QByteArray empty;
        Signing::wipe(empty);
        QVERIFY(empty.isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestSigning)
#include "tst_signing.moc"
