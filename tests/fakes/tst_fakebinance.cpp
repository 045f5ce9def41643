// Drives FakeBinance over loopback HTTP with requests signed here, independently
// of the connector's code (OpenSSL HMAC directly), and checks the behaviour the
// shared exchange reference (exchanges.md §0, §1) describes.

#include "fakebinance.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QProcess>
#include <QTcpSocket>
#include <QTest>
#include <QTimer>

#include <functional>
#include <memory>
#include <openssl/evp.h>
#include <openssl/hmac.h>

using namespace ballast::test::fake;
using ballast::money::dec;

namespace {

QString L(const char *text)
{
    return QString::fromLatin1(text);
}

QByteArray hmacSha256Hex(const QByteArray &key, const QByteArray &data)
{
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    HMAC(EVP_sha256(), key.constData(), static_cast<int>(key.size()),
         reinterpret_cast<const unsigned char *>(data.constData()), static_cast<size_t>(data.size()), out, &length);
    return QByteArray(reinterpret_cast<const char *>(out), static_cast<qsizetype>(length)).toHex();
}

/// What came back for one request.
struct Reply
{
    int status = 0;
    QNetworkReply::NetworkError error = QNetworkReply::NoError;
    QByteArray body;
    QJsonDocument json;
    QHash<QByteArray, QByteArray> headers;

    [[nodiscard]] QJsonObject object() const { return json.object(); }
    [[nodiscard]] QJsonArray array() const { return json.array(); }
    [[nodiscard]] int code() const { return object().value(L("code")).toInt(); }
    [[nodiscard]] QString msg() const { return object().value(L("msg")).toString(); }
    [[nodiscard]] QString str(const char *key) const { return object().value(L(key)).toString(); }
    [[nodiscard]] QByteArray header(const char *name) const { return headers.value(QByteArray(name).toLower()); }
    [[nodiscard]] bool timedOut() const
    {
        return error == QNetworkReply::OperationCanceledError || error == QNetworkReply::TimeoutError;
    }
};

/// A minimal Binance client: signs with HMAC-SHA256 over query string + body.
class Client
{
public:
    Client(const QUrl &base, QByteArray key, QByteArray secret)
        : m_base(base.toString(QUrl::FullyEncoded).toLatin1())
        , m_key(std::move(key))
        , m_secret(std::move(secret))
    {
    }

    std::function<qint64()> clock = [] { return QDateTime::currentMSecsSinceEpoch(); };
    QByteArray apiKey() const { return m_key; }
    void setApiKey(const QByteArray &key) { m_key = key; }

    QNetworkReply *start(const QByteArray &method, const QByteArray &path, const QByteArray &query,
                         const QByteArray &body = {}, bool withKey = true, int timeoutMs = 3000)
    {
        QByteArray target = m_base + path;
        if (!query.isEmpty())
            target += '?' + query;
        QNetworkRequest request(QUrl::fromEncoded(target, QUrl::StrictMode));
        request.setTransferTimeout(timeoutMs);
        if (withKey)
            request.setRawHeader("X-MBX-APIKEY", m_key);
        if (!body.isEmpty())
            request.setHeader(QNetworkRequest::ContentTypeHeader,
                              QByteArrayLiteral("application/x-www-form-urlencoded"));
        return m_nam.sendCustomRequest(request, method, body);
    }

    static Reply collect(QNetworkReply *reply)
    {
        if (!reply->isFinished()) {
            QEventLoop loop;
            QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
            QTimer::singleShot(10000, &loop, &QEventLoop::quit);
            loop.exec();
        }
        Reply r;
        r.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        r.error = reply->error();
        if (reply->isOpen())
            r.body = reply->readAll();
        r.json = QJsonDocument::fromJson(r.body);
        for (const auto &[name, value] : reply->rawHeaderPairs())
            r.headers.insert(name.toLower(), value);
        reply->deleteLater();
        return r;
    }

    Reply send(const QByteArray &method, const QByteArray &path, const QByteArray &query, const QByteArray &body = {},
               bool withKey = true, int timeoutMs = 3000)
    {
        return collect(start(method, path, query, body, withKey, timeoutMs));
    }

    Reply get(const QByteArray &path, const QByteArray &query = {}) { return send("GET", path, query, {}, false); }

    /// Appends timestamp (from clock) and the signature over query + body to the query string.
    QNetworkReply *startSigned(const QByteArray &method, const QByteArray &path, QByteArray query,
                               const QByteArray &body = {}, int timeoutMs = 3000)
    {
        if (!query.isEmpty())
            query += '&';
        query += "timestamp=" + QByteArray::number(clock());
        query += "&signature=" + hmacSha256Hex(m_secret, query + body);
        return start(method, path, query, body, true, timeoutMs);
    }

    Reply call(const QByteArray &method, const QByteArray &path, const QByteArray &query, const QByteArray &body = {},
               int timeoutMs = 3000)
    {
        return collect(startSigned(method, path, query, body, timeoutMs));
    }

    Reply order(const QByteArray &params, int timeoutMs = 3000)
    {
        return call("POST", "/api/v3/order", params, {}, timeoutMs);
    }

private:
    QNetworkAccessManager m_nam;
    QByteArray m_base;
    QByteArray m_key;
    QByteArray m_secret;
};

const QByteArray kV1Payload = "symbol=LTCBTC&side=BUY&type=LIMIT&timeInForce=GTC&quantity=1&price=0.1&recvWindow=5000&"
                              "timestamp=1499827319559";
const QByteArray kV1Signature = "c8db56825ae71d6d79447849e617115f4a920fa2acdcab2b053c4b2838bd6b71";
const QByteArray kV2Payload = "symbol=%EF%BC%91%EF%BC%92%EF%BC%93%EF%BC%94%EF%BC%95%EF%BC%96&side=BUY&type=LIMIT&"
                              "timeInForce=GTC&quantity=1&price=0.1&recvWindow=5000&timestamp=1499827319559";
const QByteArray kV2Signature = "e1353ec6b14d888f1164ae9af8228a3dbd508bc82eb867db8ab6046442f33ef3";
const QByteArray kV3Query = "symbol=LTCBTC&side=BUY&type=LIMIT&timeInForce=GTC";
const QByteArray kV3Body = "quantity=1&price=0.1&recvWindow=5000&timestamp=1499827319559";
const QByteArray kV3Signature = "0fd168b8ddb4876a0358a8d14d0c9f3da0e9b20c5d52b2a00fcf7d1c602f9a77";
constexpr qint64 kVectorTimestamp = 1499827319559;

} // namespace

class TestFakeBinance : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    void signingVectorsReproduceIndependently();
    void docsVectorV1IsAccepted();
    void docsVectorV3QueryPlusBodyIsAccepted();
    void docsVectorV2SignsThePercentEncodedBytes();
    void signatureCoversTheRawBytesAsSent();
    void oneByteChangeIsRejected();
    void apiKeyErrors();
    void timestampAndRecvWindow();
    void publicEndpointsAndShapes();
    void accountShape();
    void marketBuyFillsWithCommissionInBase();
    void marketBuyInSeveralFills();
    void marketOrderPartialFillExpires();
    void marketSellPaysCommissionInQuote();
    void commissionAssetIsConfigurable();
    void quoteOrderQtyMarketBuy();
    void limitOrderRestsAndFillsLater();
    void marketableLimitFillsImmediately();
    void iocLimitPartialFillExpires();
    void responseTypes();
    void clientOrderIdRules();
    void filterFailures();
    void insufficientBalance();
    void orderTestValidatesOnly();
    void queryAndCancel();
    void myTradesFilters();
    void historyWindowsAndPaging();
    void rateLimitThenBan();

    void faultTimeoutBeforeAccept();
    void faultTimeoutAfterAccept();
    void faultHttp5xx();
    void faultUnknownStatusAfterAccept();
    void faultInvalidTimestampAndServiceUnavailable();
    void faultRateLimitedAndBanned();
    void faultConnectionReset();
    void faultInsufficientBalanceAndOrderNotFound();
    void faultDelayedVisibility();
    void faultDelaysAndRecvWindowRecheck();
    void faultProbabilityIsSeeded();
    void heldRequestsDoNotBlockShutdown();
    void controlEndpoint();
    void runnerProcess();

private:
    void fund(const char *asset, const char *amount) { m_fake->setBalance(L(asset), dec(amount)); }
    QString free(const char *asset) const { return m_fake->book().free(L(asset)).toFixed(8); }
    QString locked(const char *asset) const { return m_fake->book().locked(L(asset)).toFixed(8); }
    void addLtcBtc();

    std::unique_ptr<FakeBinance> m_fake;
    std::unique_ptr<Client> m_client;
};

void TestFakeBinance::init()
{
    m_fake = std::make_unique<FakeBinance>();
    QVERIFY(m_fake->listenLocal());
    m_client = std::make_unique<Client>(m_fake->baseUrl(), FakeBinance::docsApiKey().toLatin1(),
                                        FakeBinance::docsSecretKey().toLatin1());
    FakeBinance *fake = m_fake.get();
    m_client->clock = [fake] { return fake->serverTimeMs(); };
}

void TestFakeBinance::cleanup()
{
    m_client.reset();
    m_fake.reset();
}

void TestFakeBinance::addLtcBtc()
{
    BinanceSymbol ltc;
    ltc.symbol = L("LTCBTC");
    ltc.baseAsset = L("LTC");
    ltc.quoteAsset = L("BTC");
    ltc.priceFilter = BinancePriceFilter{dec("0.000001"), dec("100000"), dec("0.000001")};
    ltc.lotSize = BinanceLotSize{dec("0.001"), dec("90000"), dec("0.001")};
    ltc.minNotional = BinanceMinNotional{dec("0.0001"), true, 5};
    m_fake->addSymbol(ltc, dec("0.2"), dec("0.0001"));
    fund("BTC", "1");
}

void TestFakeBinance::signingVectorsReproduceIndependently()
{
    const QByteArray secret = FakeBinance::docsSecretKey().toLatin1();
    QCOMPARE(hmacSha256Hex(secret, kV1Payload), kV1Signature);
    QCOMPARE(hmacSha256Hex(secret, kV2Payload), kV2Signature);
    QCOMPARE(hmacSha256Hex(secret, kV3Query + kV3Body), kV3Signature);
}

void TestFakeBinance::docsVectorV1IsAccepted()
{
    addLtcBtc();
    m_fake->setClockOffsetMs(kVectorTimestamp + 50 - QDateTime::currentMSecsSinceEpoch());
    const Reply r = m_client->send("POST", "/api/v3/order", kV1Payload + "&signature=" + kV1Signature);
    QCOMPARE(r.status, 200);
    QCOMPARE(r.str("status"), L("NEW"));
    QCOMPARE(r.str("symbol"), L("LTCBTC"));
    QCOMPARE(r.str("origQty"), L("1.00000000"));
    QCOMPARE(r.str("price"), L("0.10000000"));
    QCOMPARE(locked("BTC"), L("0.10000000"));
    QCOMPARE(free("BTC"), L("0.90000000"));
}

void TestFakeBinance::docsVectorV3QueryPlusBodyIsAccepted()
{
    addLtcBtc();
    m_fake->setClockOffsetMs(kVectorTimestamp + 50 - QDateTime::currentMSecsSinceEpoch());
    const Reply r = m_client->send("POST", "/api/v3/order", kV3Query, kV3Body + "&signature=" + kV3Signature);
    QCOMPARE(r.status, 200);
    QCOMPARE(r.str("status"), L("NEW"));
    QCOMPARE(m_fake->allOrders().size(), 1);
}

void TestFakeBinance::docsVectorV2SignsThePercentEncodedBytes()
{
    // The signature matches the percent-encoded bytes, so the fake gets past
    // authentication and rejects the (non-existent) full-width symbol instead.
    m_fake->setClockOffsetMs(kVectorTimestamp + 50 - QDateTime::currentMSecsSinceEpoch());
    const Reply r = m_client->send("POST", "/api/v3/order", kV2Payload + "&signature=" + kV2Signature);
    QCOMPARE(r.status, 400);
    QCOMPARE(r.code(), -1121);
    QCOMPARE(r.msg(), L("Invalid symbol."));
}

void TestFakeBinance::signatureCoversTheRawBytesAsSent()
{
    // QUrl would normalize "%74rue" to "true" and "%2f" to "%2F"; the exchange signs the bytes on
    // the wire. Send them with a raw socket and sign exactly those bytes.
    fund("BTC", "1");
    const QByteArray query =
        "omitZeroBalances=%74rue&recvWindow=5000&timestamp=" + QByteArray::number(m_fake->serverTimeMs());
    const QByteArray signature = hmacSha256Hex(FakeBinance::docsSecretKey().toLatin1(), query);
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, m_fake->port());
    QTRY_VERIFY_WITH_TIMEOUT(socket.state() == QAbstractSocket::ConnectedState, 60000);
    socket.write("GET /api/v3/account?" + query + "&signature=" + signature + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                 + "X-MBX-APIKEY: " + FakeBinance::docsApiKey().toLatin1() + "\r\n\r\n");
    QByteArray response;
    QTRY_VERIFY_WITH_TIMEOUT((response += socket.readAll()).contains("\"uid\""), 60000);
    QVERIFY2(response.startsWith("HTTP/1.1 200"), response.constData());
    QVERIFY(response.contains("\"balances\":[{\"asset\":\"BTC\""));
    QVERIFY(!response.contains("USDT")); // omitZeroBalances decoded from %74rue
}

void TestFakeBinance::oneByteChangeIsRejected()
{
    addLtcBtc();
    m_fake->setClockOffsetMs(kVectorTimestamp + 50 - QDateTime::currentMSecsSinceEpoch());
    QByteArray changed = kV1Payload;
    changed.replace("quantity=1", "quantity=2");
    Reply r = m_client->send("POST", "/api/v3/order", changed + "&signature=" + kV1Signature);
    QCOMPARE(r.status, 400);
    QCOMPARE(r.code(), -1022);
    QCOMPARE(r.msg(), L("Signature for this request is not valid."));

    QByteArray badSignature = kV1Signature;
    badSignature[0] = 'd';
    r = m_client->send("POST", "/api/v3/order", kV1Payload + "&signature=" + badSignature);
    QCOMPARE(r.code(), -1022);

    // HMAC signatures are case-insensitive.
    r = m_client->send("POST", "/api/v3/order", kV1Payload + "&signature=" + kV1Signature.toUpper());
    QCOMPARE(r.status, 200);
    QCOMPARE(m_fake->allOrders().size(), 1);
}

void TestFakeBinance::apiKeyErrors()
{
    Reply r = m_client->send("GET", "/api/v3/account", "timestamp=1&signature=00", {}, false);
    QCOMPARE(r.status, 401);
    QCOMPARE(r.code(), -2014);
    QCOMPARE(r.msg(), L("API-key format invalid."));

    m_client->setApiKey("wrongkey123");
    r = m_client->call("GET", "/api/v3/account", {});
    QCOMPARE(r.status, 401);
    QCOMPARE(r.code(), -2015);
    QCOMPARE(r.msg(), L("Invalid API-key, IP, or permissions for action."));

    m_client->setApiKey(FakeBinance::docsApiKey().toLatin1());
    r = m_client->send("GET", "/api/v3/account", "recvWindow=5000&signature=00");
    QCOMPARE(r.code(), -1102);
    QCOMPARE(r.msg(), L("Mandatory parameter 'timestamp' was not sent, was empty/null, or malformed."));
}

void TestFakeBinance::timestampAndRecvWindow()
{
    FakeBinance *fake = m_fake.get();
    qint64 shift = 0;
    m_client->clock = [fake, &shift] { return fake->serverTimeMs() + shift; };

    shift = 1500;
    Reply r = m_client->call("GET", "/api/v3/account", {});
    QCOMPARE(r.status, 400);
    QCOMPARE(r.code(), -1021);
    QCOMPARE(r.msg(), L("Timestamp for this request was 1000ms ahead of the server's time."));

    shift = 500;
    QCOMPARE(m_client->call("GET", "/api/v3/account", {}).status, 200);

    shift = -6000;
    r = m_client->call("GET", "/api/v3/account", {});
    QCOMPARE(r.code(), -1021);
    QCOMPARE(r.msg(), L("Timestamp for this request is outside of the recvWindow."));
    QCOMPARE(m_client->call("GET", "/api/v3/account", "recvWindow=10000").status, 200);
    QCOMPARE(m_client->call("GET", "/api/v3/account", "recvWindow=5999.5").code(), -1021);

    r = m_client->call("GET", "/api/v3/account", "recvWindow=60001");
    QCOMPARE(r.code(), -1131);

    // Microsecond timestamps are accepted too.
    m_client->clock = [fake] { return fake->serverTimeMs() * 1000; };
    QCOMPARE(m_client->call("GET", "/api/v3/account", {}).status, 200);

    // A client whose clock is 30 s behind the server fails until it syncs with /time.
    m_fake->advanceClock(30000);
    m_client->clock = [] { return QDateTime::currentMSecsSinceEpoch(); };
    QCOMPARE(m_client->call("GET", "/api/v3/account", {}).code(), -1021);
    const qint64 serverTime = m_client->get("/api/v3/time").object().value(L("serverTime")).toInteger();
    const qint64 offset = serverTime - QDateTime::currentMSecsSinceEpoch();
    QVERIFY(offset > 29000 && offset < 31000);
    m_client->clock = [offset] { return QDateTime::currentMSecsSinceEpoch() + offset; };
    QCOMPARE(m_client->call("GET", "/api/v3/account", {}).status, 200);
}

void TestFakeBinance::publicEndpointsAndShapes()
{
    Reply r = m_client->get("/api/v3/ping");
    QCOMPARE(r.status, 200);
    QCOMPARE(r.body, QByteArray("{}"));
    QCOMPARE(r.header("X-MBX-USED-WEIGHT-1M"), QByteArray("1"));

    r = m_client->get("/api/v3/time");
    QVERIFY(qAbs(r.object().value(L("serverTime")).toInteger() - QDateTime::currentMSecsSinceEpoch()) < 2000);

    r = m_client->get("/api/v3/exchangeInfo");
    QCOMPARE(r.status, 200);
    QCOMPARE(r.header("X-MBX-USED-WEIGHT-1M"), QByteArray("22"));
    QCOMPARE(r.object().value(L("timezone")).toString(), L("UTC"));
    const QJsonArray symbols = r.object().value(L("symbols")).toArray();
    QCOMPARE(symbols.size(), 3);
    const QJsonObject btc = symbols.at(0).toObject();
    QCOMPARE(btc.value(L("symbol")).toString(), L("BTCUSDT"));
    QCOMPARE(btc.value(L("baseAsset")).toString(), L("BTC"));
    QCOMPARE(btc.value(L("baseAssetPrecision")).toInt(), 8);
    QCOMPARE(btc.value(L("status")).toString(), L("TRADING"));
    QJsonObject lot;
    QStringList types;
    for (const QJsonValue &f : btc.value(L("filters")).toArray()) {
        types << f.toObject().value(L("filterType")).toString();
        if (types.last() == L("LOT_SIZE"))
            lot = f.toObject();
    }
    QCOMPARE(types,
             (QStringList{L("PRICE_FILTER"), L("LOT_SIZE"), L("MARKET_LOT_SIZE"), L("NOTIONAL"), L("MAX_NUM_ORDERS")}));
    QCOMPARE(lot.value(L("minQty")).toString(), L("0.00001000"));
    QCOMPARE(lot.value(L("stepSize")).toString(), L("0.00001000"));
    QCOMPARE(lot.value(L("maxQty")).toString(), L("9000.00000000"));

    r = m_client->get("/api/v3/exchangeInfo", "symbol=ETHBTC");
    const QJsonArray filters = r.object().value(L("symbols")).toArray().at(0).toObject().value(L("filters")).toArray();
    QCOMPARE(filters.at(2).toObject().value(L("filterType")).toString(), L("MIN_NOTIONAL"));
    QCOMPARE(filters.at(2).toObject().value(L("minNotional")).toString(), L("0.00010000"));
    QCOMPARE(filters.at(2).toObject().value(L("applyToMarket")).toBool(), true);

    r = m_client->get("/api/v3/exchangeInfo", "symbols=%5B%22ETHUSDT%22,%22BTCUSDT%22%5D");
    QCOMPARE(r.object().value(L("symbols")).toArray().size(), 2);
    r = m_client->get("/api/v3/exchangeInfo", "symbol=NOPE");
    QCOMPARE(r.status, 400);
    QCOMPARE(r.code(), -1121);

    r = m_client->get("/api/v3/ticker/price", "symbol=BTCUSDT");
    QCOMPARE(r.str("price"), L("30000.00000000"));
    m_fake->setPrice(L("BTCUSDT"), dec("31234.56"));
    r = m_client->get("/api/v3/ticker/price");
    QCOMPARE(r.array().size(), 3);
    QCOMPARE(r.array().at(0).toObject().value(L("price")).toString(), L("31234.56000000"));
    r = m_client->get("/api/v3/ticker/bookTicker", "symbol=BTCUSDT");
    QCOMPARE(r.str("bidPrice"), L("31234.06000000"));
    QCOMPARE(r.str("askPrice"), L("31235.06000000"));
    QCOMPARE(r.str("bidQty"), L("10.00000000"));
    QCOMPARE(m_client->get("/api/v3/ticker/price", "symbol=XYZ").code(), -1121);
}

void TestFakeBinance::accountShape()
{
    fund("BTC", "1.23456789");
    Reply r = m_client->call("GET", "/api/v3/account", {});
    QCOMPARE(r.status, 200);
    QCOMPARE(r.object().value(L("makerCommission")).toInt(), 10);
    QCOMPARE(r.object().value(L("commissionRates")).toObject().value(L("taker")).toString(), L("0.00100000"));
    QCOMPARE(r.object().value(L("accountType")).toString(), L("SPOT"));
    const QJsonArray balances = r.object().value(L("balances")).toArray();
    QCOMPARE(balances.size(), 3); // BTC, USDT and ETH, the assets of the default symbols
    QCOMPARE(balances.at(0).toObject().value(L("free")).toString(), L("1.23456789"));
    QCOMPARE(balances.at(0).toObject().value(L("locked")).toString(), L("0.00000000"));
    r = m_client->call("GET", "/api/v3/account", "omitZeroBalances=true");
    QCOMPARE(r.object().value(L("balances")).toArray().size(), 1);
}

void TestFakeBinance::marketBuyFillsWithCommissionInBase()
{
    fund("USDT", "10000");
    const Reply r = m_client->order("symbol=BTCUSDT&side=BUY&type=MARKET&quantity=0.1&newClientOrderId=mb-1");
    QCOMPARE(r.status, 200);
    QCOMPARE(r.str("status"), L("FILLED"));
    QCOMPARE(r.str("clientOrderId"), L("mb-1"));
    QCOMPARE(r.str("executedQty"), L("0.10000000"));
    QCOMPARE(r.str("cummulativeQuoteQty"), L("3000.05000000"));
    QCOMPARE(r.header("X-MBX-ORDER-COUNT-10S"), QByteArray("1"));
    const QJsonArray fills = r.object().value(L("fills")).toArray();
    QCOMPARE(fills.size(), 1);
    QCOMPARE(fills.at(0).toObject().value(L("price")).toString(), L("30000.50000000"));
    QCOMPARE(fills.at(0).toObject().value(L("commission")).toString(), L("0.00010000"));
    QCOMPARE(fills.at(0).toObject().value(L("commissionAsset")).toString(), L("BTC"));
    QCOMPARE(free("USDT"), L("6999.95000000"));
    QCOMPARE(free("BTC"), L("0.09990000"));
}

void TestFakeBinance::marketBuyInSeveralFills()
{
    fund("USDT", "10000");
    m_fake->setFillModel(L("BTCUSDT"), 3, dec("1"), dec("1"));
    Reply r = m_client->order("symbol=BTCUSDT&side=BUY&type=MARKET&quantity=0.3");
    QCOMPARE(r.str("status"), L("FILLED"));
    QCOMPARE(r.str("cummulativeQuoteQty"), L("9000.45000000"));
    const QJsonArray fills = r.object().value(L("fills")).toArray();
    QCOMPARE(fills.size(), 3);
    QStringList prices;
    QSet<qint64> tradeIds;
    for (const QJsonValue &f : fills) {
        prices << f.toObject().value(L("price")).toString();
        tradeIds.insert(f.toObject().value(L("tradeId")).toInteger());
        QCOMPARE(f.toObject().value(L("qty")).toString(), L("0.10000000"));
    }
    QCOMPARE(prices, (QStringList{L("30000.50000000"), L("30001.50000000"), L("30002.50000000")}));
    QCOMPARE(tradeIds.size(), 3);
    QCOMPARE(free("USDT"), L("999.55000000"));
    QCOMPARE(free("BTC"), L("0.29970000"));

    const qint64 orderId = r.object().value(L("orderId")).toInteger();
    r = m_client->call("GET", "/api/v3/myTrades", "symbol=BTCUSDT&orderId=" + QByteArray::number(orderId));
    QCOMPARE(r.array().size(), 3);
    QCOMPARE(r.array().at(2).toObject().value(L("quoteQty")).toString(), L("3000.25000000"));
    QCOMPARE(r.array().at(0).toObject().value(L("isBuyer")).toBool(), true);
    QCOMPARE(r.array().at(0).toObject().value(L("isMaker")).toBool(), false);
    QCOMPARE(r.header("X-MBX-USED-WEIGHT-1M"), QByteArray("6")); // 1 order + 5 myTrades with orderId
}

void TestFakeBinance::marketOrderPartialFillExpires()
{
    fund("USDT", "10000");
    m_fake->setFillModel(L("BTCUSDT"), 1, dec("0.5"));
    const Reply r = m_client->order("symbol=BTCUSDT&side=BUY&type=MARKET&quantity=0.1");
    QCOMPARE(r.str("status"), L("EXPIRED"));
    QCOMPARE(r.str("origQty"), L("0.10000000"));
    QCOMPARE(r.str("executedQty"), L("0.05000000"));
    QCOMPARE(r.str("cummulativeQuoteQty"), L("1500.02500000"));
    QCOMPARE(r.str("expiryReason"), L("INSUFFICIENT_LIQUIDITY"));
    QCOMPARE(free("USDT"), L("8499.97500000"));
    QCOMPARE(free("BTC"), L("0.04995000"));
    QCOMPARE(locked("USDT"), L("0.00000000"));
}

void TestFakeBinance::marketSellPaysCommissionInQuote()
{
    fund("BTC", "1");
    const Reply r = m_client->order("symbol=BTCUSDT&side=SELL&type=MARKET&quantity=0.5");
    QCOMPARE(r.str("status"), L("FILLED"));
    const QJsonObject fill = r.object().value(L("fills")).toArray().at(0).toObject();
    QCOMPARE(fill.value(L("price")).toString(), L("29999.50000000"));
    QCOMPARE(fill.value(L("commission")).toString(), L("14.99975000"));
    QCOMPARE(fill.value(L("commissionAsset")).toString(), L("USDT"));
    QCOMPARE(free("USDT"), L("14984.75025000"));
    QCOMPARE(free("BTC"), L("0.50000000"));
}

void TestFakeBinance::commissionAssetIsConfigurable()
{
    fund("USDT", "10000");
    m_fake->setFeeAsset(FeeAssetPolicy::Quote);
    const Reply r = m_client->order("symbol=BTCUSDT&side=BUY&type=MARKET&quantity=0.1");
    const QJsonObject fill = r.object().value(L("fills")).toArray().at(0).toObject();
    QCOMPARE(fill.value(L("commission")).toString(), L("3.00005000"));
    QCOMPARE(fill.value(L("commissionAsset")).toString(), L("USDT"));
    QCOMPARE(free("USDT"), L("6996.94995000"));
    QCOMPARE(free("BTC"), L("0.10000000"));
}

void TestFakeBinance::quoteOrderQtyMarketBuy()
{
    fund("USDT", "1000");
    const Reply r = m_client->order("symbol=BTCUSDT&side=BUY&type=MARKET&quoteOrderQty=100");
    QCOMPARE(r.status, 200);
    QCOMPARE(r.str("origQuoteOrderQty"), L("100.00000000"));
    QCOMPARE(r.str("executedQty"), L("0.00333000"));
    QCOMPARE(r.str("cummulativeQuoteQty"), L("99.90166500"));
    QCOMPARE(free("USDT"), L("900.09833500"));
    QCOMPARE(free("BTC"), L("0.00332667"));
}

void TestFakeBinance::limitOrderRestsAndFillsLater()
{
    fund("USDT", "10000");
    Reply r = m_client->order("symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=GTC&quantity=0.1&price=29000&"
                              "newClientOrderId=lim-1");
    QCOMPARE(r.str("status"), L("NEW"));
    QCOMPARE(r.object().value(L("fills")).toArray().size(), 0);
    const qint64 orderId = r.object().value(L("orderId")).toInteger();
    QCOMPARE(locked("USDT"), L("2900.00000000"));
    QCOMPARE(free("USDT"), L("7100.00000000"));

    r = m_client->call("GET", "/api/v3/openOrders", "symbol=BTCUSDT");
    QCOMPARE(r.array().size(), 1);
    QCOMPARE(r.array().at(0).toObject().value(L("clientOrderId")).toString(), L("lim-1"));
    QCOMPARE(r.header("X-MBX-USED-WEIGHT-1M"), QByteArray("7"));

    QCOMPARE(m_fake->fillOrder(orderId, dec("0.04")), QString());
    r = m_client->call("GET", "/api/v3/order", "symbol=BTCUSDT&origClientOrderId=lim-1");
    QCOMPARE(r.str("status"), L("PARTIALLY_FILLED"));
    QCOMPARE(r.str("executedQty"), L("0.04000000"));
    QCOMPARE(locked("USDT"), L("1740.00000000"));

    QCOMPARE(m_fake->fillOrder(orderId), QString());
    r = m_client->call("GET", "/api/v3/order", "symbol=BTCUSDT&orderId=" + QByteArray::number(orderId));
    QCOMPARE(r.str("status"), L("FILLED"));
    QCOMPARE(r.str("cummulativeQuoteQty"), L("2900.00000000"));
    QCOMPARE(locked("USDT"), L("0.00000000"));
    QCOMPARE(free("USDT"), L("7100.00000000"));
    QCOMPARE(free("BTC"), L("0.09990000"));

    r = m_client->call("GET", "/api/v3/myTrades", "symbol=BTCUSDT");
    QCOMPARE(r.array().size(), 2);
    QCOMPARE(r.array().at(0).toObject().value(L("isMaker")).toBool(), true);
    QCOMPARE(r.array().at(0).toObject().value(L("commission")).toString(), L("0.00004000"));
    QCOMPARE(m_fake->fillOrder(orderId), L("order is not a resting limit order"));
}

void TestFakeBinance::marketableLimitFillsImmediately()
{
    fund("USDT", "10000");
    const Reply r = m_client->order("symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=GTC&quantity=0.1&price=31000");
    QCOMPARE(r.str("status"), L("FILLED"));
    QCOMPARE(r.str("price"), L("31000.00000000"));
    QCOMPARE(r.object().value(L("fills")).toArray().at(0).toObject().value(L("price")).toString(), L("30000.50000000"));
    QCOMPARE(free("USDT"), L("6999.95000000"));
    QCOMPARE(locked("USDT"), L("0.00000000"));
}

void TestFakeBinance::iocLimitPartialFillExpires()
{
    fund("USDT", "10000");
    m_fake->setFillModel(L("BTCUSDT"), 1, dec("0.5"));
    Reply r = m_client->order("symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=IOC&quantity=0.1&price=31000");
    QCOMPARE(r.str("status"), L("EXPIRED"));
    QCOMPARE(r.str("executedQty"), L("0.05000000"));
    r = m_client->order("symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=FOK&quantity=0.1&price=31000");
    QCOMPARE(r.str("status"), L("EXPIRED"));
    QCOMPARE(r.str("executedQty"), L("0.00000000"));
    r = m_client->order("symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=GTC&quantity=0.1&price=31000");
    QCOMPARE(r.str("status"), L("PARTIALLY_FILLED"));
    QCOMPARE(locked("USDT"), L("1550.00000000"));
}

void TestFakeBinance::responseTypes()
{
    fund("USDT", "10000");
    Reply r = m_client->order("symbol=BTCUSDT&side=BUY&type=MARKET&quantity=0.01&newOrderRespType=ACK");
    QCOMPARE(r.object().keys(),
             (QStringList{L("clientOrderId"), L("orderId"), L("orderListId"), L("symbol"), L("transactTime")}));
    QCOMPARE(r.object().value(L("orderListId")).toInt(), -1);
    QCOMPARE(r.str("clientOrderId").size(), 22); // generated like Binance's
    r = m_client->order("symbol=BTCUSDT&side=BUY&type=MARKET&quantity=0.01&newOrderRespType=RESULT");
    QVERIFY(r.object().contains(L("cummulativeQuoteQty")));
    QVERIFY(!r.object().contains(L("fills")));
    r = m_client->order("symbol=BTCUSDT&side=BUY&type=MARKET&quantity=0.01&newOrderRespType=FULL");
    QVERIFY(r.object().contains(L("fills")));
    QCOMPARE(m_client->order("symbol=BTCUSDT&side=BUY&type=MARKET&quantity=0.01&newOrderRespType=ALL").code(), -1100);
}

void TestFakeBinance::clientOrderIdRules()
{
    fund("USDT", "10000");
    Reply r = m_client->order("symbol=BTCUSDT&side=BUY&type=MARKET&quantity=0.01&newClientOrderId=bad%20id!");
    QCOMPARE(r.code(), -1100);
    QCOMPARE(r.msg(),
             L("Illegal characters found in parameter 'newClientOrderId'; legal range is "
               "'^[a-zA-Z0-9-_]{1,36}$'."));
    r = m_client->order("symbol=BTCUSDT&side=BUY&type=MARKET&quantity=0.01&newClientOrderId=" + QByteArray(37, 'a'));
    QCOMPARE(r.code(), -1100);
    QCOMPARE(
        m_client->order("symbol=BTCUSDT&side=BUY&type=MARKET&quantity=0.01&newClientOrderId=" + QByteArray(36, 'a'))
            .status,
        200);

    const QByteArray limit = "symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=GTC&quantity=0.01&price=29000&"
                             "newClientOrderId=dup-1";
    QCOMPARE(m_client->order(limit).str("status"), L("NEW"));
    r = m_client->order(limit);
    QCOMPARE(r.status, 400);
    QCOMPARE(r.code(), -2010);
    QCOMPARE(r.msg(), L("Duplicate order sent."));
    QCOMPARE(m_client->call("DELETE", "/api/v3/order", "symbol=BTCUSDT&origClientOrderId=dup-1").status, 200);
    QCOMPARE(m_client->order(limit).status, 200);

    // Only open orders block a client id: a filled market order does not (reference §1.3).
    const QByteArray market = "symbol=BTCUSDT&side=BUY&type=MARKET&quantity=0.01&newClientOrderId=mkt-1";
    QCOMPARE(m_client->order(market).str("status"), L("FILLED"));
    QCOMPARE(m_client->order(market).str("status"), L("FILLED"));
    QCOMPARE(m_fake->ordersWithClientId(L("mkt-1")).size(), 2);
}

void TestFakeBinance::filterFailures()
{
    fund("USDT", "1000000");
    fund("BTC", "10");
    const auto expect = [this](const QByteArray &params, int code, const QString &msg) {
        const Reply r = m_client->order(params);
        QCOMPARE(r.status, 400);
        QCOMPARE(r.code(), code);
        QCOMPARE(r.msg(), msg);
    };
    expect("symbol=BTCUSDT&side=BUY&type=MARKET&quantity=0.000015", -1013, L("Filter failure: LOT_SIZE"));
    expect("symbol=BTCUSDT&side=BUY&type=MARKET&quantity=0.000001", -1013, L("Filter failure: LOT_SIZE"));
    expect("symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=GTC&quantity=0.01&price=29000.005", -1013,
           L("Filter failure: PRICE_FILTER"));
    expect("symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=GTC&quantity=0.0001&price=29000", -1013,
           L("Filter failure: NOTIONAL"));
    expect("symbol=BTCUSDT&side=BUY&type=MARKET&quantity=0.0001", -1013, L("Filter failure: NOTIONAL"));
    expect("symbol=ETHBTC&side=BUY&type=LIMIT&timeInForce=GTC&quantity=0.0001&price=0.06", -1013,
           L("Filter failure: MIN_NOTIONAL"));
    expect("symbol=BTCUSDT&side=BUY&type=MARKET&quantity=121", -1013, L("Filter failure: MARKET_LOT_SIZE"));
    expect("symbol=BTCUSDT&side=BUY&type=MARKET&quantity=0.000000001", -1111,
           L("Parameter 'quantity' has too much precision."));
    expect("symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=GTC&quantity=0.01&price=29000.000000001", -1111,
           L("Parameter 'price' has too much precision."));
    expect("symbol=BTCUSDT&side=BUY&type=MARKET&quantity=1e-5", -1100,
           L("Illegal characters found in parameter 'quantity'; legal range is '^([0-9]{1,20})(\\.[0-9]{1,20})?$'."));
    expect("symbol=BTCUSDT&type=MARKET&quantity=0.01", -1102,
           L("Mandatory parameter 'side' was not sent, was empty/null, or malformed."));
    expect("symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=GTC&quantity=0.01", -1102,
           L("Mandatory parameter 'price' was not sent, was empty/null, or malformed."));
    expect("symbol=BTCUSDT&side=BUY&type=LIMIT&quantity=0.01&price=29000", -1102,
           L("Mandatory parameter 'timeInForce' was not sent, was empty/null, or malformed."));
    expect("symbol=BTCUSDT&side=BUY&type=MARKET", -1102,
           L("Param 'quantity' or 'quoteOrderQty' must be sent, but both were empty/null!"));
    expect("symbol=BTCUSDT&side=BUY&type=MARKET&timeInForce=GTC&quantity=0.01", -1106,
           L("Parameter 'timeInForce' sent when not required."));
    expect("symbol=BTCUSDT&side=BUY&type=STOP&quantity=0.01", -1116, L("Invalid orderType."));
    expect("symbol=BTCUSDT&side=HOLD&type=MARKET&quantity=0.01", -1117, L("Invalid side."));
    expect("symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=GTX&quantity=0.01&price=29000", -1115,
           L("Invalid timeInForce."));
    expect("symbol=NOPE&side=BUY&type=MARKET&quantity=0.01", -1121, L("Invalid symbol."));
    expect("symbol=BTCUSDT&symbol=ETHUSDT&side=BUY&type=MARKET&quantity=0.01", -1101,
           L("Duplicate values for a parameter detected."));
    QVERIFY(m_fake->allOrders().isEmpty());

    m_fake->symbol(L("BTCUSDT"))->status = L("HALT");
    expect("symbol=BTCUSDT&side=BUY&type=MARKET&quantity=0.01", -2010, L("Market is closed."));
}

void TestFakeBinance::insufficientBalance()
{
    fund("USDT", "100");
    Reply r = m_client->order("symbol=BTCUSDT&side=BUY&type=MARKET&quantity=0.1");
    QCOMPARE(r.status, 400);
    QCOMPARE(r.code(), -2010);
    QCOMPARE(r.msg(), L("Account has insufficient balance for requested action."));
    r = m_client->order("symbol=BTCUSDT&side=SELL&type=LIMIT&timeInForce=GTC&quantity=0.1&price=40000");
    QCOMPARE(r.code(), -2010);
    QVERIFY(m_fake->allOrders().isEmpty());
    QCOMPARE(free("USDT"), L("100.00000000"));
}

void TestFakeBinance::orderTestValidatesOnly()
{
    Reply r = m_client->call("POST", "/api/v3/order/test", "symbol=BTCUSDT&side=BUY&type=MARKET&quantity=0.1");
    QCOMPARE(r.status, 200);
    QCOMPARE(r.body, QByteArray("{}"));
    QVERIFY(m_fake->allOrders().isEmpty());
    r = m_client->call("POST", "/api/v3/order/test", "symbol=BTCUSDT&side=BUY&type=MARKET&quantity=0.000015");
    QCOMPARE(r.msg(), L("Filter failure: LOT_SIZE"));
    r = m_client->call("POST", "/api/v3/order/test",
                       "symbol=BTCUSDT&side=BUY&type=MARKET&quantity=0.1&computeCommissionRates=true");
    QCOMPARE(r.object().value(L("standardCommissionForOrder")).toObject().value(L("taker")).toString(),
             L("0.00100000"));
    QCOMPARE(r.header("X-MBX-USED-WEIGHT-1M"), QByteArray("22"));
}

void TestFakeBinance::queryAndCancel()
{
    fund("USDT", "10000");
    Reply r = m_client->order("symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=GTC&quantity=0.01&price=29000&"
                              "newClientOrderId=q-1");
    const QByteArray id = QByteArray::number(r.object().value(L("orderId")).toInteger());

    r = m_client->call("GET", "/api/v3/order", "symbol=BTCUSDT&orderId=" + id);
    QCOMPARE(r.str("status"), L("NEW"));
    QCOMPARE(r.object().value(L("isWorking")).toBool(), true);
    QVERIFY(r.object().contains(L("time")));
    QCOMPARE(r.header("X-MBX-USED-WEIGHT-1M"), QByteArray("5"));
    r = m_client->call("GET", "/api/v3/order", "symbol=BTCUSDT&orderId=" + id + "&origClientOrderId=other");
    QCOMPARE(r.code(), -2039);
    QCOMPARE(r.msg(), L("Client order ID is not correct for this order ID."));
    r = m_client->call("GET", "/api/v3/order", "symbol=BTCUSDT&orderId=999999");
    QCOMPARE(r.code(), -2013);
    QCOMPARE(r.msg(), L("Order does not exist."));
    r = m_client->call("GET", "/api/v3/order", "symbol=ETHUSDT&orderId=" + id);
    QCOMPARE(r.code(), -2013);
    r = m_client->call("GET", "/api/v3/order", "symbol=BTCUSDT");
    QCOMPARE(r.msg(), L("Param 'origClientOrderId' or 'orderId' must be sent, but both were empty/null!"));

    r = m_client->call("DELETE", "/api/v3/order", "symbol=BTCUSDT&origClientOrderId=q-1");
    QCOMPARE(r.status, 200);
    QCOMPARE(r.str("status"), L("CANCELED"));
    QCOMPARE(r.str("origClientOrderId"), L("q-1"));
    QCOMPARE(locked("USDT"), L("0.00000000"));
    r = m_client->call("DELETE", "/api/v3/order", "symbol=BTCUSDT&orderId=" + id);
    QCOMPARE(r.code(), -2011);
    QCOMPARE(r.msg(), L("Unknown order sent."));
    QCOMPARE(m_client->call("DELETE", "/api/v3/order", "symbol=BTCUSDT&origClientOrderId=nope").code(), -2011);
    QCOMPARE(m_client->call("GET", "/api/v3/openOrders", {}).array().size(), 0);

    m_client->order("symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=GTC&quantity=0.01&price=29000");
    m_client->order("symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=GTC&quantity=0.01&price=28000");
    r = m_client->call("GET", "/api/v3/openOrders", {});
    QCOMPARE(r.array().size(), 2);
    r = m_client->call("DELETE", "/api/v3/openOrders", "symbol=BTCUSDT");
    QCOMPARE(r.array().size(), 2);
    QCOMPARE(r.array().at(1).toObject().value(L("status")).toString(), L("CANCELED"));
    QCOMPARE(m_client->call("DELETE", "/api/v3/openOrders", "symbol=BTCUSDT").code(), -2011);
    r = m_client->call("GET", "/api/v3/allOrders", "symbol=BTCUSDT");
    QCOMPARE(r.array().size(), 3);
    QCOMPARE(locked("USDT"), L("0.00000000"));
    QCOMPARE(free("USDT"), L("10000.00000000"));
}

void TestFakeBinance::myTradesFilters()
{
    fund("USDT", "100000");
    for (int i = 0; i < 4; ++i)
        m_client->order("symbol=BTCUSDT&side=BUY&type=MARKET&quantity=0.01");
    Reply r = m_client->call("GET", "/api/v3/myTrades", "symbol=BTCUSDT");
    QCOMPARE(r.array().size(), 4);
    const qint64 first = r.array().at(0).toObject().value(L("id")).toInteger();
    r = m_client->call("GET", "/api/v3/myTrades", "symbol=BTCUSDT&fromId=" + QByteArray::number(first + 2));
    QCOMPARE(r.array().size(), 2);
    r = m_client->call("GET", "/api/v3/myTrades", "symbol=BTCUSDT&limit=3");
    QCOMPARE(r.array().size(), 3);
    QCOMPARE(r.array().at(2).toObject().value(L("id")).toInteger(), first + 3); // most recent ones
    QCOMPARE(m_client->call("GET", "/api/v3/myTrades", {}).code(), -1102);
}

void TestFakeBinance::historyWindowsAndPaging()
{
    // myTrades: startTime and endTime at most 24 h apart.
    const qint64 now = m_fake->serverTimeMs();
    const QByteArray day =
        "symbol=BTCUSDT&startTime=" + QByteArray::number(now - 86400000) + "&endTime=" + QByteArray::number(now);
    QCOMPARE(m_client->call("GET", "/api/v3/myTrades", day).status, 200);
    const QByteArray more =
        "symbol=BTCUSDT&startTime=" + QByteArray::number(now - 86400001) + "&endTime=" + QByteArray::number(now);
    Reply r = m_client->call("GET", "/api/v3/myTrades", more);
    QCOMPARE(r.status, 400);
    QCOMPARE(r.code(), -1127);

    // Deposits: newest first, offset paging, windows under 90 days, fields as Binance names them.
    for (int i = 0; i < 5; ++i) {
        m_fake->addDeposit(BinanceMovementRecord{QString::number(100 + i),
                                                 L("USDT"),
                                                 dec("10"),
                                                 {},
                                                 L("TRX"),
                                                 L("trx-") + QString::number(i),
                                                 L("T-addr"),
                                                 1,
                                                 0,
                                                 now - (5 - i) * 3600000LL});
    }
    const QByteArray window =
        "startTime=" + QByteArray::number(now - 89LL * 86400000) + "&endTime=" + QByteArray::number(now);
    r = m_client->call("GET", "/sapi/v1/capital/deposit/hisrec", window + "&limit=2&offset=2");
    QCOMPARE(r.status, 200);
    QCOMPARE(r.array().size(), 2);
    const QJsonObject third = r.array().at(0).toObject();
    QCOMPARE(third.value(L("id")).toString(), L("102"));
    QCOMPARE(third.value(L("txId")).toString(), L("trx-2"));
    QCOMPARE(third.value(L("network")).toString(), L("TRX"));
    QCOMPARE(third.value(L("status")).toInt(), 1);
    QVERIFY(third.value(L("insertTime")).isDouble());
    const QByteArray tooWide =
        "startTime=" + QByteArray::number(now - 90LL * 86400000) + "&endTime=" + QByteArray::number(now);
    r = m_client->call("GET", "/sapi/v1/capital/deposit/hisrec", tooWide);
    QCOMPARE(r.status, 400);
    QCOMPARE(r.code(), -1127);
    QCOMPARE(m_client->call("GET", "/sapi/v1/capital/withdraw/history", window + "&limit=1001").code(), -1130);

    m_fake->addWithdrawal(BinanceMovementRecord{L("w9"), L("BTC"), dec("0.1"), dec("0.0001"), L("BTC"), L("tx9"),
                                                L("bc1q"), 6, 0, now - 60000});
    r = m_client->call("GET", "/sapi/v1/capital/withdraw/history", window);
    QCOMPARE(r.array().size(), 1);
    QCOMPARE(r.array().at(0).toObject().value(L("transactionFee")).toString(), L("0.00010000"));
    QVERIFY(r.array().at(0).toObject().value(L("applyTime")).isString());
}

void TestFakeBinance::rateLimitThenBan()
{
    m_fake->setWeightLimit(25, 60000);
    Reply r = m_client->get("/api/v3/exchangeInfo");
    QCOMPARE(r.header("X-MBX-USED-WEIGHT-1M"), QByteArray("20"));
    r = m_client->get("/api/v3/time");
    QCOMPARE(r.header("X-MBX-USED-WEIGHT-1M"), QByteArray("21"));
    r = m_client->get("/api/v3/exchangeInfo");
    QCOMPARE(r.status, 429);
    QCOMPARE(r.code(), -1003);
    QCOMPARE(r.msg(),
             L("Too much request weight used; current limit is 25 request weight per 1 MINUTE. "
               "Please use WebSocket Streams for live updates to avoid polling the API."));
    const int retryAfter = r.header("Retry-After").toInt();
    QVERIFY(retryAfter >= 59 && retryAfter <= 60);
    QCOMPARE(r.header("X-MBX-USED-WEIGHT-1M"), QByteArray("21"));

    r = m_client->get("/api/v3/time"); // ignoring Retry-After gets the IP banned
    QCOMPARE(r.status, 418);
    QCOMPARE(r.code(), -1003);
    QVERIFY(r.msg().startsWith(L("Way too much request weight used; IP banned until ")));
    QCOMPARE(r.header("Retry-After"), QByteArray("120"));
    QCOMPARE(m_client->get("/api/v3/ping").status, 418);

    m_fake->advanceClock(121000);
    r = m_client->get("/api/v3/time");
    QCOMPARE(r.status, 200);
    QCOMPARE(r.header("X-MBX-USED-WEIGHT-1M"), QByteArray("1"));

    // Honouring Retry-After avoids the ban.
    m_fake->setWeightLimit(2, 1000);
    QCOMPARE(m_client->get("/api/v3/ticker/price", "symbol=BTCUSDT").status, 200);
    r = m_client->get("/api/v3/time");
    QCOMPARE(r.status, 429);
    QCOMPARE(r.header("Retry-After"), QByteArray("1"));
    m_fake->advanceClock(1000);
    QCOMPARE(m_client->get("/api/v3/time").status, 200);
}

void TestFakeBinance::faultTimeoutBeforeAccept()
{
    fund("USDT", "10000");
    m_fake->injectFault(FakeEndpoint::OrderCreate, FaultKind::TimeoutBeforeAccept);
    Reply r = m_client->order("symbol=BTCUSDT&side=BUY&type=MARKET&quantity=0.01&newClientOrderId=tb-1", 300);
    // The fake never answered: the client's own 300 ms timeout ended the request.
    QVERIFY2(r.timedOut(), qPrintable(QString::number(r.error)));
    QVERIFY(m_fake->allOrders().isEmpty());
    QTRY_COMPARE_WITH_TIMEOUT(m_fake->heldRequestCount(), 0, 60000); // the client gave up and closed the connection
    r = m_client->call("GET", "/api/v3/order", "symbol=BTCUSDT&origClientOrderId=tb-1");
    QCOMPARE(r.code(), -2013);
    QCOMPARE(m_client->order("symbol=BTCUSDT&side=BUY&type=MARKET&quantity=0.01&newClientOrderId=tb-1").status, 200);
}

void TestFakeBinance::faultTimeoutAfterAccept()
{
    fund("USDT", "10000");
    m_fake->injectFault(FakeEndpoint::OrderCreate, FaultKind::TimeoutAfterAccept);
    Reply r = m_client->order("symbol=BTCUSDT&side=BUY&type=MARKET&quantity=0.01&newClientOrderId=ta-1", 300);
    QVERIFY(r.timedOut());
    QCOMPARE(m_fake->allOrders().size(), 1);
    r = m_client->call("GET", "/api/v3/order", "symbol=BTCUSDT&origClientOrderId=ta-1");
    QCOMPARE(r.str("status"), L("FILLED"));
    QCOMPARE(free("BTC"), L("0.00999000"));
}

void TestFakeBinance::faultHttp5xx()
{
    fund("USDT", "10000");
    FaultRule before;
    before.endpoint = FakeEndpoint::OrderCreate;
    before.kind = FaultKind::Http5xxBeforeAccept;
    m_fake->injectFault(before);
    Reply r = m_client->order("symbol=BTCUSDT&side=BUY&type=MARKET&quantity=0.01&newClientOrderId=h-1");
    QCOMPARE(r.status, 503);
    QCOMPARE(r.header("Content-Type"), QByteArray("text/html"));
    QVERIFY(r.body.contains("<title>503 Service Unavailable</title>"));
    QVERIFY(r.header("X-MBX-USED-WEIGHT-1M").isEmpty());
    QVERIFY(m_fake->allOrders().isEmpty());

    FaultRule after;
    after.endpoint = FakeEndpoint::OrderCreate;
    after.kind = FaultKind::Http5xxAfterAccept;
    after.httpStatus = 502;
    after.emptyBody = true;
    m_fake->injectFault(after);
    r = m_client->order("symbol=BTCUSDT&side=BUY&type=MARKET&quantity=0.01&newClientOrderId=h-2");
    QCOMPARE(r.status, 502);
    QVERIFY(r.body.isEmpty());
    QCOMPARE(m_fake->allOrders().size(), 1);
    QCOMPARE(m_client->call("GET", "/api/v3/order", "symbol=BTCUSDT&origClientOrderId=h-2").str("status"), L("FILLED"));
}

void TestFakeBinance::faultUnknownStatusAfterAccept()
{
    fund("USDT", "10000");
    m_fake->injectFault(FakeEndpoint::OrderCreate, FaultKind::UnknownStatusAfterAccept);
    Reply r = m_client->order("symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=GTC&quantity=0.01&price=29000&"
                              "newClientOrderId=u-1");
    QCOMPARE(r.status, 408);
    QCOMPARE(r.code(), -1007);
    QCOMPARE(r.msg(),
             L("Timeout waiting for response from backend server. Send status unknown; execution status unknown."));
    r = m_client->call("GET", "/api/v3/openOrders", "symbol=BTCUSDT");
    QCOMPARE(r.array().size(), 1);
    QCOMPARE(r.array().at(0).toObject().value(L("clientOrderId")).toString(), L("u-1"));
}

void TestFakeBinance::faultInvalidTimestampAndServiceUnavailable()
{
    fund("USDT", "10000");
    m_fake->injectFault(FakeEndpoint::OrderCreate, FaultKind::InvalidTimestamp);
    Reply r = m_client->order("symbol=BTCUSDT&side=BUY&type=MARKET&quantity=0.01");
    QCOMPARE(r.status, 400);
    QCOMPARE(r.code(), -1021);
    m_fake->injectFault(FakeEndpoint::Balance, FaultKind::ServiceUnavailable);
    r = m_client->call("GET", "/api/v3/account", {});
    QCOMPARE(r.status, 503);
    QCOMPARE(r.code(), -1008);
    QVERIFY(m_fake->allOrders().isEmpty());
    QCOMPARE(m_client->call("GET", "/api/v3/account", {}).status, 200);
}

void TestFakeBinance::faultRateLimitedAndBanned()
{
    FaultRule limited;
    limited.endpoint = FakeEndpoint::Ticker;
    limited.kind = FaultKind::RateLimited;
    limited.retryAfterSec = 2;
    m_fake->injectFault(limited);
    Reply r = m_client->get("/api/v3/ticker/price", "symbol=BTCUSDT");
    QCOMPARE(r.status, 429);
    QCOMPARE(r.header("Retry-After"), QByteArray("2"));
    QCOMPARE(r.code(), -1003);
    QCOMPARE(m_client->get("/api/v3/time").status, 418); // did not wait: banned
    m_fake->advanceClock(121000);
    QCOMPARE(m_client->get("/api/v3/time").status, 200);

    FaultRule banned;
    banned.endpoint = FakeEndpoint::Time;
    banned.kind = FaultKind::Banned;
    banned.retryAfterSec = 3;
    m_fake->injectFault(banned);
    r = m_client->get("/api/v3/time");
    QCOMPARE(r.status, 418);
    QCOMPARE(r.header("Retry-After"), QByteArray("3"));
    QCOMPARE(m_client->get("/api/v3/ping").status, 418);
    m_fake->advanceClock(3000);
    QCOMPARE(m_client->get("/api/v3/ping").status, 200);
}

void TestFakeBinance::faultConnectionReset()
{
    fund("USDT", "10000");
    FaultRule before;
    before.endpoint = FakeEndpoint::OrderCreate;
    before.kind = FaultKind::ConnectionResetBeforeAccept;
    before.count = -1;
    const int id = m_fake->injectFault(before);
    Reply r = m_client->order("symbol=BTCUSDT&side=BUY&type=MARKET&quantity=0.01&newClientOrderId=rb-1");
    QCOMPARE(r.error, QNetworkReply::RemoteHostClosedError);
    QVERIFY(m_fake->allOrders().isEmpty());
    const int attemptsBefore = m_fake->faults().hits(id);
    QVERIFY(attemptsBefore >= 1);
    m_fake->clearFaults();

    // After accept, every attempt that reached the fake created an order: if the HTTP
    // stack silently re-sent a POST after a reset, that would be a duplicate order.
    // Checked on a fresh and on a reused keep-alive connection.
    FaultRule after = before;
    after.kind = FaultKind::ConnectionResetAfterAccept;
    after.count = 1;
    for (const bool reuse : {false, true}) {
        if (reuse)
            QCOMPARE(m_client->get("/api/v3/time").status, 200);
        m_fake->injectFault(after);
        m_fake->clearRequestLog();
        const QByteArray clientId = reuse ? "ra-2" : "ra-1";
        r = m_client->order("symbol=BTCUSDT&side=BUY&type=MARKET&quantity=0.01&newClientOrderId=" + clientId);
        const int seen = m_fake->requestCount(FakeEndpoint::OrderCreate);
        qInfo("%s connection: %d POST attempt(s) reached the fake (reset before accept: %d), client error %d",
              reuse ? "reused" : "fresh", seen, attemptsBefore, static_cast<int>(r.error));
        QCOMPARE(m_fake->ordersWithClientId(QString::fromLatin1(clientId)).size(), seen);
        if (seen == 1)
            QCOMPARE(r.error, QNetworkReply::RemoteHostClosedError);
    }
}

void TestFakeBinance::faultInsufficientBalanceAndOrderNotFound()
{
    fund("USDT", "10000");
    m_fake->injectFault(FakeEndpoint::OrderCreate, FaultKind::InsufficientBalance);
    Reply r = m_client->order("symbol=BTCUSDT&side=BUY&type=MARKET&quantity=0.01");
    QCOMPARE(r.code(), -2010);
    QCOMPARE(r.msg(), L("Account has insufficient balance for requested action."));
    QVERIFY(m_fake->allOrders().isEmpty());

    r = m_client->order("symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=GTC&quantity=0.01&price=29000&"
                        "newClientOrderId=nf-1");
    QCOMPARE(r.status, 200);
    m_fake->injectFault(FakeEndpoint::OrderQuery, FaultKind::OrderNotFound, 2);
    m_fake->injectFault(FakeEndpoint::OpenOrders, FaultKind::OrderNotFound, 1);
    m_fake->injectFault(FakeEndpoint::OrderCancel, FaultKind::OrderNotFound, 1);
    QCOMPARE(m_client->call("GET", "/api/v3/order", "symbol=BTCUSDT&origClientOrderId=nf-1").code(), -2013);
    QCOMPARE(m_client->call("GET", "/api/v3/order", "symbol=BTCUSDT&origClientOrderId=nf-1").code(), -2013);
    QCOMPARE(m_client->call("GET", "/api/v3/order", "symbol=BTCUSDT&origClientOrderId=nf-1").str("status"), L("NEW"));
    QCOMPARE(m_client->call("GET", "/api/v3/openOrders", "symbol=BTCUSDT").array().size(), 0);
    QCOMPARE(m_client->call("GET", "/api/v3/openOrders", "symbol=BTCUSDT").array().size(), 1);
    QCOMPARE(m_client->call("DELETE", "/api/v3/order", "symbol=BTCUSDT&origClientOrderId=nf-1").code(), -2011);
    QCOMPARE(m_client->call("DELETE", "/api/v3/order", "symbol=BTCUSDT&origClientOrderId=nf-1").str("status"),
             L("CANCELED"));
}

void TestFakeBinance::faultDelayedVisibility()
{
    fund("USDT", "10000");
    m_fake->injectFault(FakeEndpoint::OrderCreate, FaultKind::DelayedVisibility, 1, 5000);
    Reply r = m_client->order("symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=GTC&quantity=0.01&price=29000&"
                              "newClientOrderId=dv-1");
    QCOMPARE(r.status, 200);
    QCOMPARE(m_client->call("GET", "/api/v3/order", "symbol=BTCUSDT&origClientOrderId=dv-1").code(), -2013);
    QCOMPARE(m_client->call("GET", "/api/v3/openOrders", {}).array().size(), 0);
    QCOMPARE(m_client->call("GET", "/api/v3/allOrders", "symbol=BTCUSDT").array().size(), 0);
    QCOMPARE(m_client->call("DELETE", "/api/v3/order", "symbol=BTCUSDT&origClientOrderId=dv-1").code(), -2011);
    // The engine knows it: a re-send with the same id is a duplicate.
    QCOMPARE(m_client
                 ->order("symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=GTC&quantity=0.01&price=29000&"
                         "newClientOrderId=dv-1")
                 .msg(),
             L("Duplicate order sent."));
    m_fake->advanceClock(5001);
    QCOMPARE(m_client->call("GET", "/api/v3/order", "symbol=BTCUSDT&origClientOrderId=dv-1").str("status"), L("NEW"));
    QCOMPARE(m_client->call("GET", "/api/v3/openOrders", {}).array().size(), 1);
}

void TestFakeBinance::faultDelaysAndRecvWindowRecheck()
{
    fund("USDT", "10000");
    // Delayed before the matching engine for longer than recvWindow: rejected, not executed.
    m_fake->injectFault(FakeEndpoint::OrderCreate, FaultKind::DelayBeforeAccept, 1, 300);
    Reply r = m_client->order("symbol=BTCUSDT&side=BUY&type=MARKET&quantity=0.01&recvWindow=150");
    QCOMPARE(r.code(), -1021);
    QCOMPARE(r.msg(), L("Timestamp for this request is outside of the recvWindow."));
    QVERIFY(m_fake->allOrders().isEmpty());

    // Executed at once, answered late: a short client timeout loses the answer, not the order.
    m_fake->injectFault(FakeEndpoint::OrderCreate, FaultKind::DelayAfterAccept, 1, 400);
    r = m_client->order("symbol=BTCUSDT&side=BUY&type=MARKET&quantity=0.01", 150);
    QVERIFY(r.timedOut());
    QCOMPARE(m_fake->allOrders().size(), 1);
    m_fake->injectFault(FakeEndpoint::Time, FaultKind::DelayAfterAccept, 1, 100);
    QElapsedTimer timer;
    timer.start();
    QCOMPARE(m_client->get("/api/v3/time").status, 200);
    QVERIFY(timer.elapsed() >= 90);
}

void TestFakeBinance::faultProbabilityIsSeeded()
{
    const auto pattern = [](quint32 seed) {
        FakeBinance fake;
        fake.listenLocal();
        Client client(fake.baseUrl(), {}, {});
        FaultRule rule;
        rule.endpoint = FakeEndpoint::Time;
        rule.kind = FaultKind::Http5xxBeforeAccept;
        rule.count = -1;
        rule.probability = 0.5;
        rule.seed = seed;
        fake.injectFault(rule);
        QString result;
        for (int i = 0; i < 16; ++i)
            result += client.get("/api/v3/time").status == 200 ? QLatin1Char('.') : QLatin1Char('x');
        return result;
    };
    const QString first = pattern(7);
    QCOMPARE(pattern(7), first);
    QVERIFY(first.contains(QLatin1Char('x')) && first.contains(QLatin1Char('.')));
    QVERIFY(pattern(8) != first || pattern(9) != first);
}

void TestFakeBinance::heldRequestsDoNotBlockShutdown()
{
    FaultRule hold;
    hold.kind = FaultKind::TimeoutBeforeAccept;
    hold.endpoint = FakeEndpoint::Time;
    hold.count = -1;
    m_fake->injectFault(hold);
    QNetworkReply *a = m_client->start("GET", "/api/v3/time", {}, {}, false, 30000);
    QNetworkReply *b = m_client->start("GET", "/api/v3/time", {}, {}, false, 30000);
    QTRY_COMPARE_WITH_TIMEOUT(m_fake->heldRequestCount(), 2, 60000);
    m_fake.reset();
    const Reply ra = Client::collect(a);
    const Reply rb = Client::collect(b);
    // Closed by the fake going away, not ended by the clients' 30 s timeout.
    QVERIFY(ra.error != QNetworkReply::NoError);
    QVERIFY(rb.error != QNetworkReply::NoError);
    QVERIFY2(!ra.timedOut() && !rb.timedOut(), qPrintable(QStringLiteral("%1 %2").arg(ra.error).arg(rb.error)));
}

void TestFakeBinance::controlEndpoint()
{
    Reply r = m_client->send("POST", "/__control/balances", {}, R"({"USDT":"5000","BTC":{"free":"1","locked":"0.5"}})");
    QCOMPARE(r.status, 200);
    QCOMPARE(free("USDT"), L("5000.00000000"));
    QCOMPARE(locked("BTC"), L("0.50000000"));
    QCOMPARE(m_client->send("POST", "/__control/prices", {}, R"({"BTCUSDT":"20000"})").status, 200);
    QCOMPARE(m_client->get("/api/v3/ticker/price", "symbol=BTCUSDT").str("price"), L("20000.00000000"));

    r = m_client->send("POST", "/__control/fault", {},
                       R"({"endpoint":"time","kind":"http5xxBeforeAccept","httpStatus":502,"count":1})");
    QCOMPARE(r.object().value(L("id")).toInt(), 1);
    QCOMPARE(m_client->get("/api/v3/time").status, 502);
    QCOMPARE(m_client->get("/api/v3/time").status, 200);
    QCOMPARE(m_client->send("POST", "/__control/fault", {}, R"({"kind":"nonsense"})").status, 400);

    QCOMPARE(
        m_client->send("POST", "/__control/market", {}, R"({"symbol":"BTCUSDT","fillCount":2,"fillPriceStep":"1"})")
            .status,
        200);
    r = m_client->order(
        "symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=GTC&quantity=0.1&price=19000&newClientOrderId=c-1");
    const QByteArray orderId = QByteArray::number(r.object().value(L("orderId")).toInteger());
    QCOMPARE(m_client->send("POST", "/__control/fill", {}, R"({"order":")" + orderId + R"(","qty":"0.02"})").status,
             200);
    r = m_client->order("symbol=BTCUSDT&side=BUY&type=MARKET&quantity=0.02");
    QCOMPARE(r.object().value(L("fills")).toArray().size(), 2);

    r = m_client->get("/__control/orders");
    const QJsonArray orders = r.object().value(L("orders")).toArray();
    QCOMPARE(orders.size(), 2);
    QCOMPARE(orders.at(0).toObject().value(L("clientOrderId")).toString(), L("c-1"));
    QCOMPARE(orders.at(0).toObject().value(L("status")).toString(), L("PARTIALLY_FILLED"));
    QCOMPARE(orders.at(0).toObject().value(L("fills")).toArray().size(), 1);
    QCOMPARE(orders.at(1).toObject().value(L("fills")).toArray().size(), 2);

    r = m_client->send("POST", "/__control/clock", {}, R"({"advanceMs":5000})");
    QCOMPARE(r.object().value(L("offsetMs")).toInteger(), 5000);
    QCOMPARE(m_client->send("POST", "/__control/limits", {}, R"({"weightLimit":3,"windowMs":60000})").status, 200);
    QCOMPARE(m_client->get("/api/v3/exchangeInfo").status, 429);
    QCOMPARE(m_client->get("/__control/requests").object().value(L("requests")).toArray().size(), 6);
    QCOMPARE(m_client->send("POST", "/__control/reset", {}, {}).status, 200);
    QVERIFY(m_fake->allOrders().isEmpty());
    QCOMPARE(m_fake->clockOffsetMs(), 0);
    QCOMPARE(free("USDT"), L("0.00000000"));
    QCOMPARE(m_client->get("/api/v3/time").status, 200);
}

void TestFakeBinance::runnerProcess()
{
    QProcess runner;
    runner.start(QStringLiteral(BALLAST_FAKE_EXCHANGE_EXE),
                 {L("binance"), L("--port"), L("0"), L("--lifetime"), L("30"), L("--fills"), L("2"), L("BTC=1.5"),
                  L("USDT=1000"), L("BTCUSDT=25000")});
    QVERIFY(runner.waitForStarted(60000));
    QTRY_VERIFY_WITH_TIMEOUT(runner.canReadLine(), 60000);
    const QString line = QString::fromLatin1(runner.readLine()).trimmed();
    QVERIFY2(line.startsWith(L("listening on 127.0.0.1:")), qPrintable(line));
    const quint16 port = static_cast<quint16>(line.section(QLatin1Char(':'), 1).toUInt());
    Client client(QUrl(QStringLiteral("http://127.0.0.1:%1").arg(port)), FakeBinance::docsApiKey().toLatin1(),
                  FakeBinance::docsSecretKey().toLatin1());
    QCOMPARE(client.get("/api/v3/ticker/price", "symbol=BTCUSDT").str("price"), L("25000.00000000"));
    Reply r = client.order("symbol=BTCUSDT&side=BUY&type=MARKET&quantity=0.01&newClientOrderId=proc-1");
    QCOMPARE(r.object().value(L("fills")).toArray().size(), 2);
    r = client.call("GET", "/api/v3/account", "omitZeroBalances=true");
    QCOMPARE(r.object().value(L("balances")).toArray().at(0).toObject().value(L("free")).toString(), L("1.50999000"));
    QCOMPARE(client.get("/__control/orders").object().value(L("orders")).toArray().size(), 1);

    // Closing its standard input (the parent went away) ends it.
    runner.closeWriteChannel();
    QVERIFY(runner.waitForFinished(60000));
    QCOMPARE(runner.exitStatus(), QProcess::NormalExit);
    QCOMPARE(runner.exitCode(), 0);

    QProcess shortLived;
    QElapsedTimer timer;
    timer.start();
    shortLived.start(QStringLiteral(BALLAST_FAKE_EXCHANGE_EXE), {L("kraken"), L("--lifetime"), L("1")});
    QVERIFY(shortLived.waitForFinished(60000));
    QCOMPARE(shortLived.exitCode(), 0);
    QVERIFY(timer.elapsed() >= 900);
}

QTEST_GUILESS_MAIN(TestFakeBinance)
#include "tst_fakebinance.moc"
