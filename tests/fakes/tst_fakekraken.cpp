// Drives FakeKraken over loopback HTTP with requests signed here, independently
// of the connector's code (OpenSSL directly), and checks the behaviour the
// shared exchange reference (exchanges.md §0, §2) describes.

#include "fakekraken.h"

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
#include <QRegularExpression>
#include <QTest>
#include <QTimer>

#include <memory>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

using namespace ballast::test::fake;
using ballast::money::dec;

namespace {

QString L(const char *text)
{
    return QString::fromLatin1(text);
}

/// API-Sign = base64(HMAC-SHA512(base64decode(secret), path + SHA256(nonce + body))).
QByteArray krakenSign(const QByteArray &secretBase64, const QByteArray &path, const QByteArray &nonce,
                      const QByteArray &body)
{
    const QByteArray inner = nonce + body;
    unsigned char digest[SHA256_DIGEST_LENGTH];
    SHA256(reinterpret_cast<const unsigned char *>(inner.constData()), static_cast<size_t>(inner.size()), digest);
    const QByteArray message = path + QByteArray(reinterpret_cast<const char *>(digest), SHA256_DIGEST_LENGTH);
    const QByteArray key = QByteArray::fromBase64(secretBase64);
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    HMAC(EVP_sha512(), key.constData(), static_cast<int>(key.size()),
         reinterpret_cast<const unsigned char *>(message.constData()), static_cast<size_t>(message.size()), out,
         &length);
    return QByteArray(reinterpret_cast<const char *>(out), static_cast<qsizetype>(length)).toBase64();
}

struct Reply
{
    int status = 0;
    QNetworkReply::NetworkError error = QNetworkReply::NoError;
    QByteArray body;
    QJsonDocument json;

    [[nodiscard]] QJsonArray errors() const { return json.object().value(L("error")).toArray(); }
    [[nodiscard]] QString firstError() const { return errors().at(0).toString(); }
    [[nodiscard]] bool ok() const { return status == 200 && json.isObject() && errors().isEmpty(); }
    [[nodiscard]] QJsonObject result() const { return json.object().value(L("result")).toObject(); }
    [[nodiscard]] bool timedOut() const
    {
        return error == QNetworkReply::OperationCanceledError || error == QNetworkReply::TimeoutError;
    }
};

/// A minimal Kraken client: form-encoded POST bodies with an increasing nonce.
class Client
{
public:
    Client(const QUrl &base, QByteArray key, QByteArray secret)
        : m_base(base.toString(QUrl::FullyEncoded).toLatin1())
        , m_key(std::move(key))
        , m_secret(std::move(secret))
    {
    }

    quint64 nextNonce()
    {
        m_nonce = qMax(m_nonce + 1, static_cast<quint64>(QDateTime::currentMSecsSinceEpoch()) * 1000);
        return m_nonce;
    }

    QNetworkReply *start(const QByteArray &method, const QByteArray &path, const QByteArray &body,
                         const QList<QPair<QByteArray, QByteArray>> &headers, int timeoutMs = 3000,
                         const QByteArray &contentType = "application/x-www-form-urlencoded")
    {
        QNetworkRequest request(QUrl::fromEncoded(m_base + path, QUrl::StrictMode));
        request.setTransferTimeout(timeoutMs);
        request.setHeader(QNetworkRequest::UserAgentHeader, QByteArrayLiteral("ballast-tests"));
        for (const auto &[name, value] : headers)
            request.setRawHeader(name, value);
        if (!body.isEmpty())
            request.setHeader(QNetworkRequest::ContentTypeHeader, contentType);
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
        reply->deleteLater();
        return r;
    }

    Reply pub(const QByteArray &method, const QByteArray &query = {})
    {
        return collect(start("GET", "/0/public/" + method + (query.isEmpty() ? QByteArray() : '?' + query), {}, {}));
    }

    /// Signs "nonce=N&params" for /0/private/<method>.
    QNetworkReply *startPrivate(const QByteArray &method, const QByteArray &params, int timeoutMs = 3000)
    {
        const QByteArray nonce = QByteArray::number(nextNonce());
        const QByteArray body = "nonce=" + nonce + (params.isEmpty() ? QByteArray() : '&' + params);
        const QByteArray path = "/0/private/" + method;
        return start("POST", path, body, {{"API-Key", m_key}, {"API-Sign", krakenSign(m_secret, path, nonce, body)}},
                     timeoutMs);
    }

    Reply priv(const QByteArray &method, const QByteArray &params = {}, int timeoutMs = 3000)
    {
        return collect(startPrivate(method, params, timeoutMs));
    }

    /// A private call with full control over nonce, body and headers.
    Reply raw(const QByteArray &path, const QByteArray &body, const QByteArray &key, const QByteArray &sign,
              const QByteArray &contentType = "application/x-www-form-urlencoded")
    {
        return collect(start("POST", path, body, {{"API-Key", key}, {"API-Sign", sign}}, 3000, contentType));
    }

    QByteArray key() const { return m_key; }
    QByteArray secret() const { return m_secret; }

private:
    QNetworkAccessManager m_nam;
    QByteArray m_base;
    QByteArray m_key;
    QByteArray m_secret;
    quint64 m_nonce = 0;
};

const QByteArray kV4Nonce = "1616492376594";
const QByteArray kV4Body = "nonce=1616492376594&ordertype=limit&pair=XBTUSD&price=37500&type=buy&volume=1.25";
const QByteArray kV4Path = "/0/private/AddOrder";
const QByteArray kV4Sign = "4/dpxb3iT4tp/ZCVEwSnEsLxx0bqyhLpdfOpc6fn7OR8+UClSV5n9E6aSS8MPtnRfp32bAb0nmbRn6H8ndwLUQ==";

} // namespace

class TestFakeKraken : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    void signingVectorReproducesIndependently();
    void docsVectorV4IsAccepted();
    void authenticationErrors();
    void nonceRules();
    void jsonBodyIsSignedAsSent();
    void publicEndpointsAndLegacyCodes();
    void balancesAreTotalsIncludingHolds();
    void marketOrdersPayFeesInQuote();
    void severalFillsAndTradesHistory();
    void ledgersPagesWithCountAndFills();
    void partialMarketFill();
    void limitOrderRestsFillsAndCancels();
    void clientOrderIdFormats();
    void validateOnly();
    void orderErrors();
    void deadline();
    void queryOrdersAndCancelAll();
    void callCounterRateLimit();

    void faultTimeouts();
    void faultHttp5xxAndReset();
    void faultErrorStrings();
    void faultLookupsAndVisibility();
    void controlAndRunner();

private:
    void fund(const char *asset, const char *amount) { m_fake->setBalance(L(asset), dec(amount)); }
    QString total(const char *asset, int decimals = 4) const
    {
        return m_fake->book().total(L(asset)).toFixed(decimals);
    }
    QString txidOf(const Reply &r) const { return r.result().value(L("txid")).toArray().at(0).toString(); }

    std::unique_ptr<FakeKraken> m_fake;
    std::unique_ptr<Client> m_client;
};

void TestFakeKraken::init()
{
    m_fake = std::make_unique<FakeKraken>();
    QVERIFY(m_fake->listenLocal());
    m_client =
        std::make_unique<Client>(m_fake->baseUrl(), FakeKraken::docsApiKey().toLatin1(), FakeKraken::docsSecret());
}

void TestFakeKraken::cleanup()
{
    m_client.reset();
    m_fake.reset();
}

void TestFakeKraken::signingVectorReproducesIndependently()
{
    QCOMPARE(krakenSign(FakeKraken::docsSecret(), kV4Path, kV4Nonce, kV4Body), kV4Sign);
}

void TestFakeKraken::docsVectorV4IsAccepted()
{
    fund("ZUSD", "100000");
    Reply r = m_client->raw(kV4Path, kV4Body, m_client->key(), kV4Sign);
    QVERIFY2(r.ok(), r.body.constData());
    QCOMPARE(r.result().value(L("descr")).toObject().value(L("order")).toString(),
             L("buy 1.25000000 XBTUSD @ limit 37500.0"));
    QVERIFY(QRegularExpression(L("^O[A-Z2-7]{5}-[A-Z2-7]{5}-[A-Z2-7]{6}$")).match(txidOf(r)).hasMatch());
    QCOMPARE(m_fake->lastNonce(), 1616492376594ULL);
    // Marketable: filled at the ask 30000.5; fee 0.26 % of 37500.625 in ZUSD.
    QCOMPARE(total("ZUSD"), L("62401.8734"));
    QCOMPARE(total("XXBT", 10), L("1.2500000000"));

    r = m_client->raw(kV4Path, kV4Body, m_client->key(), kV4Sign); // replay
    QCOMPARE(r.status, 200);
    QCOMPARE(r.errors(), QJsonArray{L("EAPI:Invalid nonce")});
    QCOMPARE(m_fake->allOrders().size(), 1);
}

void TestFakeKraken::authenticationErrors()
{
    QByteArray changed = kV4Body;
    changed.replace("volume=1.25", "volume=1.26");
    Reply r = m_client->raw(kV4Path, changed, m_client->key(), kV4Sign);
    QCOMPARE(r.firstError(), L("EAPI:Invalid signature"));
    QByteArray badSign = kV4Sign;
    badSign[0] = '5';
    QCOMPARE(m_client->raw(kV4Path, kV4Body, m_client->key(), badSign).firstError(), L("EAPI:Invalid signature"));
    QCOMPARE(m_client->raw(kV4Path, kV4Body, m_client->key(), {}).firstError(), L("EAPI:Invalid signature"));
    QCOMPARE(m_client->raw(kV4Path, kV4Body, "someone-else", kV4Sign).firstError(), L("EAPI:Invalid key"));
    QCOMPARE(m_client->raw(kV4Path, kV4Body, {}, kV4Sign).firstError(), L("EAPI:Invalid key"));
    // The signature covers the path: the same body signed for another method fails.
    const QByteArray otherSign = krakenSign(FakeKraken::docsSecret(), "/0/private/Balance", kV4Nonce, kV4Body);
    QCOMPARE(m_client->raw(kV4Path, kV4Body, m_client->key(), otherSign).firstError(), L("EAPI:Invalid signature"));
    QVERIFY(m_fake->allOrders().isEmpty());
    QCOMPARE(m_fake->lastNonce(), 0ULL); // failed authentication does not consume a nonce

    m_fake->setCredentials(L("other-key"), "c2VjcmV0");
    Client other(m_fake->baseUrl(), "other-key", "c2VjcmV0");
    QVERIFY(other.priv("Balance").ok());
    QCOMPARE(m_client->priv("Balance").firstError(), L("EAPI:Invalid key"));
}

void TestFakeKraken::nonceRules()
{
    const auto call = [this](const QByteArray &nonce) {
        const QByteArray body = nonce.isNull() ? QByteArray("asset=ZUSD") : "nonce=" + nonce;
        const QByteArray path = "/0/private/Balance";
        return m_client->raw(path, body, m_client->key(), krakenSign(m_client->secret(), path, nonce, body));
    };
    QVERIFY(call("1000").ok());
    QCOMPARE(call("1000").firstError(), L("EAPI:Invalid nonce"));
    QCOMPARE(call("999").firstError(), L("EAPI:Invalid nonce"));
    QCOMPARE(call(QByteArray()).firstError(), L("EAPI:Invalid nonce"));
    QCOMPARE(call("abc").firstError(), L("EAPI:Invalid nonce"));
    QVERIFY(call("1001").ok());
    QVERIFY(call("18446744073709551615").ok()); // unsigned 64-bit maximum
    QCOMPARE(m_fake->lastNonce(), 18446744073709551615ULL);
}

void TestFakeKraken::jsonBodyIsSignedAsSent()
{
    fund("ZUSD", "12.5");
    const QByteArray nonce = QByteArray::number(m_client->nextNonce());
    const QByteArray body = R"({"nonce": )" + nonce + "}";
    const QByteArray path = "/0/private/Balance";
    Reply r = m_client->raw(path, body, m_client->key(), krakenSign(m_client->secret(), path, nonce, body),
                            "application/json");
    QVERIFY2(r.ok(), r.body.constData());
    QCOMPARE(r.result().value(L("ZUSD")).toString(), L("12.5000"));
}

void TestFakeKraken::publicEndpointsAndLegacyCodes()
{
    Reply r = m_client->pub("Time");
    QVERIFY(r.ok());
    QVERIFY(qAbs(r.result().value(L("unixtime")).toInteger() - QDateTime::currentSecsSinceEpoch()) <= 2);
    QVERIFY2(QRegularExpression(L("^[A-Z][a-z]{2}, \\d{2} [A-Z][a-z]{2} \\d{2} \\d{2}:\\d{2}:\\d{2} \\+0000$"))
                 .match(r.result().value(L("rfc1123")).toString())
                 .hasMatch(),
             qPrintable(r.result().value(L("rfc1123")).toString()));
    m_fake->advanceClock(3600 * 1000);
    QVERIFY(m_client->pub("Time").result().value(L("unixtime")).toInteger() - QDateTime::currentSecsSinceEpoch()
            >= 3598);

    QCOMPARE(m_client->pub("SystemStatus").result().value(L("status")).toString(), L("online"));
    r = m_client->pub("Assets");
    QCOMPARE(r.result().value(L("XXBT")).toObject().value(L("altname")).toString(), L("XBT"));
    QCOMPARE(r.result().value(L("ZUSD")).toObject().value(L("decimals")).toInt(), 4);

    r = m_client->pub("AssetPairs");
    QCOMPARE(r.result().keys(), (QStringList{L("SOLUSD"), L("XETHXXBT"), L("XETHZUSD"), L("XXBTZUSD")}));
    const QJsonObject xbt = r.result().value(L("XXBTZUSD")).toObject();
    QCOMPARE(xbt.value(L("altname")).toString(), L("XBTUSD"));
    QCOMPARE(xbt.value(L("wsname")).toString(), L("XBT/USD"));
    QCOMPARE(xbt.value(L("base")).toString(), L("XXBT"));
    QCOMPARE(xbt.value(L("quote")).toString(), L("ZUSD"));
    QCOMPARE(xbt.value(L("pair_decimals")).toInt(), 1);
    QCOMPARE(xbt.value(L("lot_decimals")).toInt(), 8);
    QCOMPARE(xbt.value(L("cost_decimals")).toInt(), 5);
    QCOMPARE(xbt.value(L("ordermin")).toString(), L("0.0001"));
    QCOMPARE(xbt.value(L("costmin")).toString(), L("0.5"));
    QCOMPARE(xbt.value(L("tick_size")).toString(), L("0.1"));
    QCOMPARE(xbt.value(L("status")).toString(), L("online"));
    QCOMPARE(xbt.value(L("fees")).toArray().at(0).toArray().at(1).toDouble(), 0.26);
    QCOMPARE(xbt.value(L("fees_maker")).toArray().at(0).toArray().at(1).toDouble(), 0.16);
    const QJsonObject ethXbt = r.result().value(L("XETHXXBT")).toObject();
    QCOMPARE(ethXbt.value(L("costmin")).toString(), L("0.00002"));
    QCOMPARE(ethXbt.value(L("tick_size")).toString(), L("0.00001"));

    r = m_client->pub("AssetPairs", "pair=XBTUSD,ETH/XBT");
    QCOMPARE(r.result().keys(), (QStringList{L("XETHXXBT"), L("XXBTZUSD")}));
    QCOMPARE(m_client->pub("AssetPairs", "pair=BTC/USD").result().keys(), QStringList{L("XXBTZUSD")});
    r = m_client->pub("AssetPairs", "pair=FOOBAR");
    QCOMPARE(r.errors(), QJsonArray{L("EQuery:Unknown asset pair")});

    r = m_client->pub("Ticker", "pair=XBTUSD");
    const QJsonObject t = r.result().value(L("XXBTZUSD")).toObject();
    QCOMPARE(t.value(L("a")).toArray().at(0).toString(), L("30000.50000"));
    QCOMPARE(t.value(L("b")).toArray().at(0).toString(), L("29999.50000"));
    QCOMPARE(t.value(L("c")).toArray().at(0).toString(), L("30000.00000"));
    QCOMPARE(t.value(L("a")).toArray().size(), 3);
    m_fake->setPrice(L("XXBTZUSD"), dec("31000"));
    QCOMPARE(
        m_client->pub("Ticker", "pair=XXBTZUSD").result().value(L("XXBTZUSD")).toObject().value(L("c")).toArray().at(0),
        QJsonValue(L("31000.00000")));
    QCOMPARE(m_client->pub("Nope").status, 404);
}

void TestFakeKraken::balancesAreTotalsIncludingHolds()
{
    fund("ZUSD", "10000");
    Reply r = m_client->priv("AddOrder", "pair=XBTUSD&type=buy&ordertype=limit&price=29000&volume=0.1");
    QVERIFY2(r.ok(), r.body.constData());
    r = m_client->priv("Balance");
    QCOMPARE(r.result().value(L("ZUSD")).toString(), L("10000.0000"));
    QCOMPARE(r.result().value(L("XXBT")).toString(), L("0.0000000000"));
    r = m_client->priv("BalanceEx");
    QCOMPARE(r.result().value(L("ZUSD")).toObject().value(L("balance")).toString(), L("10000.0000"));
    QCOMPARE(r.result().value(L("ZUSD")).toObject().value(L("hold_trade")).toString(), L("2907.5400"));
    QVERIFY(m_client->priv("CancelAll").ok());
    r = m_client->priv("BalanceEx");
    QCOMPARE(r.result().value(L("ZUSD")).toObject().value(L("hold_trade")).toString(), L("0.0000"));
}

void TestFakeKraken::marketOrdersPayFeesInQuote()
{
    fund("ZUSD", "10000");
    Reply r = m_client->priv("AddOrder", "pair=XBTUSD&type=buy&ordertype=market&volume=0.1");
    QVERIFY2(r.ok(), r.body.constData());
    QCOMPARE(r.result().value(L("descr")).toObject().value(L("order")).toString(), L("buy 0.10000000 XBTUSD @ market"));
    const QString txid = txidOf(r);
    QCOMPARE(total("ZUSD"), L("6992.1499"));
    QCOMPARE(total("XXBT", 8), L("0.10000000"));

    r = m_client->priv("QueryOrders", "txid=" + txid.toLatin1() + "&trades=true");
    const QJsonObject o = r.result().value(txid).toObject();
    QCOMPARE(o.value(L("status")).toString(), L("closed"));
    QCOMPARE(o.value(L("vol")).toString(), L("0.10000000"));
    QCOMPARE(o.value(L("vol_exec")).toString(), L("0.10000000"));
    QCOMPARE(o.value(L("cost")).toString(), L("3000.05000"));
    QCOMPARE(o.value(L("fee")).toString(), L("7.80010"));
    QCOMPARE(o.value(L("price")).toString(), L("30000.5"));
    QCOMPARE(o.value(L("oflags")).toString(), L("fciq"));
    QCOMPARE(o.value(L("descr")).toObject().value(L("pair")).toString(), L("XBTUSD"));
    QCOMPARE(o.value(L("trades")).toArray().size(), 1);
    QVERIFY(o.value(L("opentm")).toDouble() > 1.6e9);

    fund("XXBT", "1");
    r = m_client->priv("AddOrder", "pair=XXBTZUSD&type=sell&ordertype=market&volume=0.5");
    QVERIFY(r.ok());
    QCOMPARE(total("ZUSD"), L("21952.9005")); // + 14999.75 - 38.9994
    r = m_client->priv("TradesHistory");
    QCOMPARE(r.result().value(L("count")).toInt(), 2);
    const QJsonObject trades = r.result().value(L("trades")).toObject();
    QJsonObject sell;
    for (const QJsonValue &v : trades) {
        if (v.toObject().value(L("type")).toString() == L("sell"))
            sell = v.toObject();
    }
    QCOMPARE(sell.value(L("pair")).toString(), L("XXBTZUSD"));
    QCOMPARE(sell.value(L("price")).toString(), L("29999.5"));
    QCOMPARE(sell.value(L("cost")).toString(), L("14999.75000"));
    QCOMPARE(sell.value(L("fee")).toString(), L("38.99940"));
    QCOMPARE(sell.value(L("vol")).toString(), L("0.50000000"));
    QCOMPARE(sell.value(L("maker")).toBool(), false);
}

void TestFakeKraken::ledgersPagesWithCountAndFills()
{
    fund("ZUSD", "10000");
    const qint64 now = m_fake->serverTimeMs() / 1000 * 1000; // whole seconds
    for (int i = 0; i < 55; ++i) {
        m_fake->addLedgerEntry(KrakenLedgerSeed{L("LSEED-") + QString::number(i), L("RSEED-") + QString::number(i),
                                                now - (60 - i) * 60000LL, L("staking"), QString(), L("DOT.S"),
                                                dec("0.01"), dec("0")});
    }
    Reply r = m_client->priv("AddOrder", "pair=XBTUSD&type=buy&ordertype=market&volume=0.01");
    QVERIFY(r.ok());
    r = m_client->priv("Ledgers");
    QVERIFY(r.ok());
    QCOMPARE(r.result().value(L("count")).toInt(), 57); // 55 seeded + base and quote of the fill
    const QJsonObject first = r.result().value(L("ledger")).toObject();
    QCOMPARE(first.size(), 50);
    // Newest first: the fill's two entries lead, with refid = its trade id and the fee on the quote.
    QStringList trades;
    for (auto it = first.constBegin(); it != first.constEnd(); ++it) {
        const QJsonObject entry = it.value().toObject();
        if (entry.value(L("type")).toString() != QLatin1String("trade"))
            continue;
        trades.append(entry.value(L("refid")).toString());
        if (entry.value(L("asset")).toString() == QLatin1String("ZUSD"))
            QVERIFY(dec(entry.value(L("fee")).toString().toLatin1().constData()).isPositive());
    }
    QCOMPARE(trades.size(), 2);
    QCOMPARE(trades.at(0), trades.at(1));
    r = m_client->priv("TradesHistory");
    QVERIFY(r.result().value(L("trades")).toObject().contains(trades.at(0)));
    r = m_client->priv("Ledgers", "ofs=50");
    QCOMPARE(r.result().value(L("ledger")).toObject().size(), 7);
    // start is exclusive: the entry at exactly that second is left out.
    r = m_client->priv("Ledgers", "start=" + QByteArray::number((now - 10 * 60000LL) / 1000));
    QCOMPARE(r.result().value(L("count")).toInt(), 4 + 2);
}

void TestFakeKraken::severalFillsAndTradesHistory()
{
    fund("ZUSD", "10000");
    m_fake->setFillModel(L("XXBTZUSD"), 3, dec("1"), dec("1"));
    Reply r = m_client->priv("AddOrder", "pair=XBTUSD&type=buy&ordertype=market&volume=0.3");
    const QString txid = txidOf(r);
    r = m_client->priv("QueryOrders", "txid=" + txid.toLatin1() + "&trades=true");
    const QJsonObject o = r.result().value(txid).toObject();
    QCOMPARE(o.value(L("trades")).toArray().size(), 3);
    QCOMPARE(o.value(L("cost")).toString(), L("9000.45000"));
    QCOMPARE(o.value(L("fee")).toString(), L("23.40120"));
    QCOMPARE(o.value(L("price")).toString(), L("30001.5"));
    QCOMPARE(total("ZUSD"), L("976.1488"));
    r = m_client->priv("TradesHistory");
    QCOMPARE(r.result().value(L("count")).toInt(), 3);
    QSet<qint64> ids;
    for (const QJsonValue &v : r.result().value(L("trades")).toObject()) {
        QCOMPARE(v.toObject().value(L("ordertxid")).toString(), txid);
        ids.insert(v.toObject().value(L("trade_id")).toInteger());
    }
    QCOMPARE(ids.size(), 3);

    // QueryTrades: the trades named by txid (at most 20), keyed by trade id.
    QStringList refs;
    for (const QJsonValue &v : o.value(L("trades")).toArray())
        refs.append(v.toString());
    r = m_client->priv("QueryTrades", "txid=" + refs.join(QLatin1Char(',')).toLatin1());
    QVERIFY(r.ok());
    QCOMPARE(r.result().size(), 3);
    for (const QString &ref : std::as_const(refs))
        QCOMPARE(r.result().value(ref).toObject().value(L("ordertxid")).toString(), txid);
    QStringList tooMany;
    for (int i = 0; i < 21; ++i)
        tooMany.append(refs.first());
    QCOMPARE(m_client->priv("QueryTrades", "txid=" + tooMany.join(QLatin1Char(',')).toLatin1()).firstError(),
             L("EGeneral:Invalid arguments"));
    QCOMPARE(m_client->priv("QueryTrades").firstError(), L("EGeneral:Invalid arguments"));
}

void TestFakeKraken::partialMarketFill()
{
    fund("ZUSD", "10000");
    m_fake->setFillModel(L("XXBTZUSD"), 1, dec("0.5"));
    const QString txid = txidOf(m_client->priv("AddOrder", "pair=XBTUSD&type=buy&ordertype=market&volume=0.1"));
    const QJsonObject o = m_client->priv("QueryOrders", "txid=" + txid.toLatin1()).result().value(txid).toObject();
    QCOMPARE(o.value(L("status")).toString(), L("canceled"));
    QCOMPARE(o.value(L("vol_exec")).toString(), L("0.05000000"));
    QCOMPARE(o.value(L("misc")).toString(), L("partial"));
    QCOMPARE(o.value(L("reason")).toString(), L("Insufficient liquidity"));
    QCOMPARE(total("XXBT", 8), L("0.05000000"));
}

void TestFakeKraken::limitOrderRestsFillsAndCancels()
{
    fund("ZUSD", "10000");
    Reply r =
        m_client->priv("AddOrder", "pair=XBTUSD&type=buy&ordertype=limit&price=29000&volume=0.1&cl_ord_id=rest-1");
    const QString txid = txidOf(r);
    r = m_client->priv("OpenOrders", "cl_ord_id=rest-1");
    QCOMPARE(r.result().value(L("open")).toObject().keys(), QStringList{txid});
    QCOMPARE(r.result().value(L("open")).toObject().value(txid).toObject().value(L("cl_ord_id")).toString(),
             L("rest-1"));
    QCOMPARE(m_client->priv("OpenOrders", "cl_ord_id=other").result().value(L("open")).toObject().size(), 0);

    QCOMPARE(m_fake->fillOrder(txid, dec("0.04")), QString());
    r = m_client->priv("OpenOrders", "trades=true");
    const QJsonObject o = r.result().value(L("open")).toObject().value(txid).toObject();
    QCOMPARE(o.value(L("status")).toString(), L("open"));
    QCOMPARE(o.value(L("vol_exec")).toString(), L("0.04000000"));
    QCOMPARE(o.value(L("misc")).toString(), L("partial"));
    QCOMPARE(o.value(L("fee")).toString(), L("1.85600")); // maker 0.16 %
    QCOMPARE(o.value(L("trades")).toArray().size(), 1);

    r = m_client->priv("CancelOrder", "cl_ord_id=rest-1");
    QCOMPARE(r.result().value(L("count")).toInt(), 1);
    QCOMPARE(r.result().value(L("pending")).toBool(), false);
    r = m_client->priv("ClosedOrders", "cl_ord_id=rest-1");
    QCOMPARE(r.result().value(L("count")).toInt(), 1);
    const QJsonObject closed = r.result().value(L("closed")).toObject().value(txid).toObject();
    QCOMPARE(closed.value(L("status")).toString(), L("canceled"));
    QCOMPARE(closed.value(L("reason")).toString(), L("User requested"));
    QVERIFY(closed.value(L("closetm")).toDouble() >= closed.value(L("opentm")).toDouble());
    QCOMPARE(m_client->priv("CancelOrder", "txid=" + txid.toLatin1()).firstError(), L("EOrder:Unknown order"));
    QCOMPARE(m_fake->book().locked(L("ZUSD")).toFixed(4), L("0.0000"));
    QCOMPARE(total("ZUSD"), L("8838.1440"));
    QCOMPARE(total("XXBT", 8), L("0.04000000"));
}

void TestFakeKraken::clientOrderIdFormats()
{
    fund("ZUSD", "100000");
    const auto place = [this](const QByteArray &id) {
        return m_client->priv("AddOrder", "pair=XBTUSD&type=buy&ordertype=market&volume=0.001&cl_ord_id=" + id);
    };
    QVERIFY(place("6d1b345e-2821-40e2-ad83-4ecb18a06876").ok());
    QVERIFY(place("6d1b345e282140e2ad834ecb18a06876").ok());
    QVERIFY(place("rebalance-0001-abc").ok()); // 18 characters
    QCOMPARE(place("rebalance-0001-abcd").firstError(), L("EGeneral:Invalid arguments")); // 19
    QCOMPARE(m_client->priv("AddOrder", "pair=XBTUSD&type=buy&ordertype=market&volume=0.001&cl_ord_id=x&userref=5")
                 .firstError(),
             L("EGeneral:Invalid arguments"));

    const QByteArray limit = "pair=XBTUSD&type=buy&ordertype=limit&price=29000&volume=0.001&cl_ord_id=dup-1";
    QVERIFY(m_client->priv("AddOrder", limit).ok());
    QCOMPARE(m_client->priv("AddOrder", limit).firstError(), L("EOrder:Duplicate order"));
    QVERIFY(m_client->priv("CancelOrder", "cl_ord_id=dup-1").ok());
    QVERIFY(m_client->priv("AddOrder", limit).ok());
    // Closed orders do not block the id: a re-sent market order is a second order.
    QVERIFY(place("again-1").ok());
    QVERIFY(place("again-1").ok());
    QCOMPARE(m_fake->ordersWithClientId(L("again-1")).size(), 2);
}

void TestFakeKraken::validateOnly()
{
    fund("ZUSD", "100000");
    Reply r = m_client->priv("AddOrder", "pair=XBTUSD&type=buy&ordertype=limit&price=29000&volume=0.5&validate=true");
    QVERIFY2(r.ok(), r.body.constData());
    QCOMPARE(r.result().value(L("descr")).toObject().value(L("order")).toString(),
             L("buy 0.50000000 XBTUSD @ limit 29000.0"));
    QVERIFY(!r.result().contains(L("txid")));
    QVERIFY(m_fake->allOrders().isEmpty());
    QCOMPARE(m_fake->requestCount(FakeEndpoint::OrderTest), 1);
    r = m_client->priv("AddOrder", "pair=XBTUSD&type=buy&ordertype=market&volume=0.00001&validate=true");
    QCOMPARE(r.firstError(), L("EOrder:Order minimum not met"));
}

void TestFakeKraken::orderErrors()
{
    fund("ZUSD", "100");
    const auto expect = [this](const QByteArray &params, const QString &error) {
        const Reply r = m_client->priv("AddOrder", params);
        QCOMPARE(r.status, 200);
        QCOMPARE(r.errors(), QJsonArray{error});
        QVERIFY(!r.json.object().contains(L("result")));
    };
    expect("pair=XBTUSD&type=buy&ordertype=market&volume=0.00001", L("EOrder:Order minimum not met"));
    expect("pair=SOLUSD&type=buy&ordertype=limit&price=1&volume=0.02", L("EOrder:Cost minimum not met"));
    expect("pair=XBTUSD&type=buy&ordertype=limit&price=29000.05&volume=0.001",
           L("EOrder:Invalid price:XBTUSD price can only be specified up to 1 decimals."));
    m_fake->pair(L("XETHZUSD"))->tickSize = dec("0.05");
    expect("pair=ETHUSD&type=buy&ordertype=limit&price=1000.03&volume=0.01", L("EOrder:Tick size check failed"));
    expect("pair=XBTUSD&type=buy&ordertype=market&volume=0.000000001", L("EGeneral:Invalid arguments"));
    expect("pair=XBTUSD&type=buy&ordertype=market", L("EGeneral:Invalid arguments"));
    expect("pair=XBTUSD&type=hold&ordertype=market&volume=0.01", L("EGeneral:Invalid arguments"));
    expect("pair=XBTUSD&type=buy&ordertype=stop-loss&volume=0.01", L("EGeneral:Invalid arguments"));
    expect("pair=XBTUSD&type=buy&ordertype=limit&volume=0.01", L("EGeneral:Invalid arguments"));
    expect("pair=XBTUSD&type=buy&ordertype=limit&price=29000&volume=0.01&timeinforce=GTD",
           L("EGeneral:Invalid arguments"));
    expect("pair=DOGEUSD&type=buy&ordertype=market&volume=1", L("EQuery:Unknown asset pair"));
    expect("pair=XBTUSD&type=buy&ordertype=market&volume=0.01", L("EOrder:Insufficient funds"));
    expect("pair=XBTUSD&type=sell&ordertype=limit&price=40000&volume=0.01", L("EOrder:Insufficient funds"));
    QVERIFY(m_fake->allOrders().isEmpty());
    QCOMPARE(m_client->priv("QueryOrders").firstError(), L("EGeneral:Invalid arguments"));
    QCOMPARE(m_client->priv("NoSuchMethod").status, 404);
}

void TestFakeKraken::deadline()
{
    fund("ZUSD", "100000");
    const auto at = [this](qint64 offsetMs) {
        return QDateTime::fromMSecsSinceEpoch(m_fake->serverTimeMs() + offsetMs, Qt::UTC)
            .toString(Qt::ISODateWithMs)
            .toLatin1();
    };
    const QByteArray order = "pair=XBTUSD&type=buy&ordertype=market&volume=0.001&deadline=";
    QCOMPARE(m_client->priv("AddOrder", order + at(120000)).firstError(), L("EGeneral:Invalid arguments"));
    QCOMPARE(m_client->priv("AddOrder", order + at(1000)).firstError(), L("EGeneral:Invalid arguments"));
    QCOMPARE(m_client->priv("AddOrder", order + at(-1000)).firstError(), L("EService:Deadline elapsed"));
    QCOMPARE(m_client->priv("AddOrder", order + "yesterday").firstError(), L("EGeneral:Invalid arguments"));
    QVERIFY(m_fake->allOrders().isEmpty());
    QVERIFY(m_client->priv("AddOrder", order + at(10000)).ok());
    QVERIFY(m_client->priv("AddOrder", order + "2099-01-01T00:00:00Z").firstError() == L("EGeneral:Invalid arguments"));

    // Queued inside the exchange past its deadline: rejected, never executed.
    m_fake->injectFault(FakeEndpoint::OrderCreate, FaultKind::DelayBeforeAccept, 1, 400);
    QNetworkReply *pending = m_client->startPrivate("AddOrder", order + at(5000) + "&cl_ord_id=late-1");
    QTRY_COMPARE_WITH_TIMEOUT(m_fake->faults().totalHits(), 1, 60000);
    m_fake->advanceClock(10000);
    const Reply r = Client::collect(pending);
    QCOMPARE(r.firstError(), L("EService:Deadline elapsed"));
    QVERIFY(m_fake->ordersWithClientId(L("late-1")).isEmpty());
    QCOMPARE(m_fake->allOrders().size(), 1);
}

void TestFakeKraken::queryOrdersAndCancelAll()
{
    fund("ZUSD", "100000");
    const QString a =
        txidOf(m_client->priv("AddOrder", "pair=XBTUSD&type=buy&ordertype=limit&price=29000&volume=0.01"));
    const QString b =
        txidOf(m_client->priv("AddOrder", "pair=XBTUSD&type=buy&ordertype=limit&price=28000&volume=0.01"));
    Reply r = m_client->priv("QueryOrders", "txid=" + a.toLatin1() + "," + b.toLatin1());
    QCOMPARE(r.result().size(), 2);
    QCOMPARE(m_client->priv("QueryOrders", "txid=OAAAAA-BBBBB-CCCCCC").firstError(), L("EOrder:Unknown order"));
    r = m_client->priv("CancelAll");
    QCOMPARE(r.result().value(L("count")).toInt(), 2);
    QCOMPARE(m_client->priv("OpenOrders").result().value(L("open")).toObject().size(), 0);
    r = m_client->priv("ClosedOrders");
    QCOMPARE(r.result().value(L("count")).toInt(), 2);
    QCOMPARE(m_client->priv("CancelAll").result().value(L("count")).toInt(), 0);
    QCOMPARE(m_client->priv("CancelOrder").firstError(), L("EGeneral:Invalid arguments"));
}

void TestFakeKraken::callCounterRateLimit()
{
    fund("ZUSD", "100000");
    m_fake->setRateLimit(3, 1.0);
    QVERIFY(m_client->priv("Balance").ok());
    QVERIFY(m_client->priv("Balance").ok());
    QVERIFY(m_client->priv("Balance").ok());
    Reply r = m_client->priv("Balance");
    QCOMPARE(r.status, 200);
    QCOMPARE(r.errors(), QJsonArray{L("EAPI:Rate limit exceeded")});
    // AddOrder has its own (per-pair) limiter and does not count here.
    QVERIFY(m_client->priv("AddOrder", "pair=XBTUSD&type=buy&ordertype=market&volume=0.001").ok());
    m_fake->advanceClock(1500); // decays by 1.5
    QVERIFY(m_client->priv("OpenOrders").ok());
    QVERIFY(m_fake->callCounter() > 2.0 && m_fake->callCounter() <= 2.5);
    QCOMPARE(m_client->priv("TradesHistory").firstError(), L("EAPI:Rate limit exceeded")); // costs 2
    m_fake->advanceClock(2000);
    QVERIFY(m_client->priv("TradesHistory").ok());
    QVERIFY(m_client->pub("Time").ok()); // public calls are not counted
}

void TestFakeKraken::faultTimeouts()
{
    fund("ZUSD", "100000");
    m_fake->injectFault(FakeEndpoint::OrderCreate, FaultKind::TimeoutBeforeAccept);
    Reply r = m_client->priv("AddOrder", "pair=XBTUSD&type=buy&ordertype=market&volume=0.01&cl_ord_id=t-1", 300);
    QVERIFY(r.timedOut());
    QCOMPARE(m_client->priv("ClosedOrders", "cl_ord_id=t-1").result().value(L("count")).toInt(), 0);

    m_fake->injectFault(FakeEndpoint::OrderCreate, FaultKind::TimeoutAfterAccept);
    r = m_client->priv("AddOrder", "pair=XBTUSD&type=buy&ordertype=market&volume=0.01&cl_ord_id=t-2", 300);
    QVERIFY(r.timedOut());
    r = m_client->priv("ClosedOrders", "cl_ord_id=t-2");
    QCOMPARE(r.result().value(L("count")).toInt(), 1);
    QCOMPARE(m_fake->allOrders().size(), 1);
    QTRY_COMPARE_WITH_TIMEOUT(m_fake->heldRequestCount(), 0, 60000);
}

void TestFakeKraken::faultHttp5xxAndReset()
{
    fund("ZUSD", "100000");
    m_fake->injectFault(FakeEndpoint::OrderCreate, FaultKind::Http5xxBeforeAccept);
    Reply r = m_client->priv("AddOrder", "pair=XBTUSD&type=buy&ordertype=market&volume=0.01&cl_ord_id=h-1");
    QCOMPARE(r.status, 503);
    QVERIFY(r.body.startsWith("<html>"));
    QVERIFY(m_fake->allOrders().isEmpty());
    FaultRule after;
    after.endpoint = FakeEndpoint::OrderCreate;
    after.kind = FaultKind::Http5xxAfterAccept;
    after.httpStatus = 504;
    m_fake->injectFault(after);
    r = m_client->priv("AddOrder", "pair=XBTUSD&type=buy&ordertype=market&volume=0.01&cl_ord_id=h-2");
    QCOMPARE(r.status, 504);
    QCOMPARE(m_fake->ordersWithClientId(L("h-2")).size(), 1);

    FaultRule reset;
    reset.endpoint = FakeEndpoint::OrderCreate;
    reset.kind = FaultKind::ConnectionResetBeforeAccept;
    reset.count = -1;
    m_fake->injectFault(reset);
    r = m_client->priv("AddOrder", "pair=XBTUSD&type=buy&ordertype=market&volume=0.01&cl_ord_id=h-3");
    QCOMPARE(r.error, QNetworkReply::RemoteHostClosedError);
    QVERIFY(m_fake->ordersWithClientId(L("h-3")).isEmpty());
    m_fake->clearFaults();
    reset.kind = FaultKind::ConnectionResetAfterAccept;
    reset.count = 1;
    m_fake->injectFault(reset);
    m_fake->clearRequestLog();
    r = m_client->priv("AddOrder", "pair=XBTUSD&type=buy&ordertype=market&volume=0.01&cl_ord_id=h-4");
    QCOMPARE(m_fake->ordersWithClientId(L("h-4")).size(), m_fake->requestCount(FakeEndpoint::OrderCreate));
}

void TestFakeKraken::faultErrorStrings()
{
    fund("ZUSD", "100000");
    m_fake->injectFault(FakeEndpoint::OrderCreate, FaultKind::UnknownStatusAfterAccept);
    Reply r = m_client->priv("AddOrder", "pair=XBTUSD&type=buy&ordertype=market&volume=0.01&cl_ord_id=e-1");
    QCOMPARE(r.status, 200);
    QCOMPARE(r.errors(), QJsonArray{L("EService:Unavailable")});
    QCOMPARE(m_fake->ordersWithClientId(L("e-1")).size(), 1);

    const struct
    {
        FakeEndpoint endpoint;
        FaultKind kind;
        const char *error;
    } cases[] = {
        {FakeEndpoint::Balance, FaultKind::ServiceUnavailable, "EService:Unavailable"},
        {FakeEndpoint::Balance, FaultKind::InvalidTimestamp, "EAPI:Invalid nonce"},
        {FakeEndpoint::Balance, FaultKind::RateLimited, "EAPI:Rate limit exceeded"},
        {FakeEndpoint::Balance, FaultKind::Banned, "EGeneral:Temporary lockout"},
    };
    for (const auto &c : cases) {
        m_fake->injectFault(c.endpoint, c.kind);
        QCOMPARE(m_client->priv("Balance").errors(), QJsonArray{L(c.error)});
    }
    QVERIFY(m_client->priv("Balance").ok());
    m_fake->injectFault(FakeEndpoint::OrderCreate, FaultKind::InsufficientBalance);
    QCOMPARE(m_client->priv("AddOrder", "pair=XBTUSD&type=buy&ordertype=market&volume=0.01").firstError(),
             L("EOrder:Insufficient funds"));
    QCOMPARE(m_fake->allOrders().size(), 1);
}

void TestFakeKraken::faultLookupsAndVisibility()
{
    fund("ZUSD", "100000");
    m_fake->injectFault(FakeEndpoint::OrderCreate, FaultKind::DelayedVisibility, 1, 5000);
    const QString txid = txidOf(
        m_client->priv("AddOrder", "pair=XBTUSD&type=buy&ordertype=limit&price=29000&volume=0.01&cl_ord_id=v-1"));
    QVERIFY(!txid.isEmpty());
    QCOMPARE(m_client->priv("QueryOrders", "txid=" + txid.toLatin1()).firstError(), L("EOrder:Unknown order"));
    QCOMPARE(m_client->priv("OpenOrders", "cl_ord_id=v-1").result().value(L("open")).toObject().size(), 0);
    QCOMPARE(m_client->priv("CancelOrder", "cl_ord_id=v-1").firstError(), L("EOrder:Unknown order"));
    m_fake->advanceClock(5001);
    QCOMPARE(m_client->priv("OpenOrders", "cl_ord_id=v-1").result().value(L("open")).toObject().size(), 1);

    m_fake->injectFault(FakeEndpoint::OrderQuery, FaultKind::OrderNotFound, 1);
    m_fake->injectFault(FakeEndpoint::OpenOrders, FaultKind::OrderNotFound, 1);
    QCOMPARE(m_client->priv("QueryOrders", "txid=" + txid.toLatin1()).firstError(), L("EOrder:Unknown order"));
    QVERIFY(m_client->priv("QueryOrders", "txid=" + txid.toLatin1()).ok());
    QCOMPARE(m_client->priv("OpenOrders").result().value(L("open")).toObject().size(), 0);
    QCOMPARE(m_client->priv("OpenOrders").result().value(L("open")).toObject().size(), 1);
}

void TestFakeKraken::controlAndRunner()
{
    QProcess runner;
    runner.start(QStringLiteral(BALLAST_FAKE_EXCHANGE_EXE),
                 {L("kraken"), L("--lifetime"), L("30"), L("--fills"), L("2"), L("ZUSD=1000"), L("XBTUSD=25000"),
                  L("price:XETHZUSD=1500")});
    QVERIFY(runner.waitForStarted(60000));
    QTRY_VERIFY_WITH_TIMEOUT(runner.canReadLine(), 60000);
    const QString line = QString::fromLatin1(runner.readLine()).trimmed();
    QVERIFY2(line.startsWith(L("listening on 127.0.0.1:")), qPrintable(line));
    Client client(QUrl(QStringLiteral("http://127.0.0.1:%1").arg(line.section(QLatin1Char(':'), 1))),
                  FakeKraken::docsApiKey().toLatin1(), FakeKraken::docsSecret());
    QCOMPARE(client.pub("Ticker", "pair=XBTUSD").result().value(L("XXBTZUSD")).toObject().value(L("c")).toArray().at(0),
             QJsonValue(L("25000.00000")));
    QCOMPARE(client.pub("Ticker", "pair=ETHUSD").result().value(L("XETHZUSD")).toObject().value(L("c")).toArray().at(0),
             QJsonValue(L("1500.00000")));
    const Reply r = client.priv("AddOrder", "pair=XBTUSD&type=buy&ordertype=market&volume=0.01&cl_ord_id=proc-1");
    QVERIFY2(r.ok(), r.body.constData());
    QCOMPARE(client.priv("Balance").result().value(L("XXBT")).toString(), L("0.0100000000"));
    const Reply orders = client.collect(client.start("GET", "/__control/orders", {}, {}));
    const QJsonObject order = orders.json.object().value(L("orders")).toArray().at(0).toObject();
    QCOMPARE(order.value(L("ref")).toString(), txidOf(r));
    QCOMPARE(order.value(L("fills")).toArray().size(), 2);
    const Reply fault =
        client.collect(client.start("POST", "/__control/fault", R"({"endpoint":"balance","kind":"serviceUnavailable"})",
                                    {}, 3000, "application/json"));
    QCOMPARE(fault.status, 200);
    QCOMPARE(client.priv("Balance").firstError(), L("EService:Unavailable"));

    runner.closeWriteChannel();
    QVERIFY(runner.waitForFinished(60000));
    QCOMPARE(runner.exitCode(), 0);
}

QTEST_GUILESS_MAIN(TestFakeKraken)
#include "tst_fakekraken.moc"
