#include "fakekraken.h"

#include "fakecrypto.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLocale>
#include <QRegularExpression>

#include <algorithm>
#include <limits>

namespace ballast::test::fake {

using money::dec;
using money::RoundingMode;

namespace {

QString invalidArguments()
{
    return QStringLiteral("EGeneral:Invalid arguments");
}

QString unknownPair()
{
    return QStringLiteral("EQuery:Unknown asset pair");
}

QString unknownOrder()
{
    return QStringLiteral("EOrder:Unknown order");
}

QString insufficientFunds()
{
    return QStringLiteral("EOrder:Insufficient funds");
}

QString fixed(const Decimal &value, int decimals)
{
    return value.toFixed(decimals, RoundingMode::HalfEven);
}

double seconds(qint64 ms)
{
    return static_cast<double>(ms) / 1000.0;
}

Decimal stepOf(int decimals)
{
    if (decimals <= 0)
        return Decimal::fromInt(1);
    const QString text = QStringLiteral("0.") + QString(decimals - 1, QLatin1Char('0')) + QLatin1Char('1');
    return *Decimal::parse(text);
}

bool isDecimalText(const QString &text)
{
    static const QRegularExpression re(QStringLiteral("^[0-9]+(\\.[0-9]+)?$"));
    return re.match(text).hasMatch();
}

bool validClientOrderId(const QString &id)
{
    static const QRegularExpression uuid(
        QStringLiteral("^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"));
    static const QRegularExpression shortUuid(QStringLiteral("^[0-9a-fA-F]{32}$"));
    static const QRegularExpression freeText(QStringLiteral("^[\\x21-\\x7e]{1,18}$"));
    return uuid.match(id).hasMatch() || shortUuid.match(id).hasMatch() || freeText.match(id).hasMatch();
}

QJsonArray feeTiers(const QList<QPair<qint64, Decimal>> &tiers)
{
    QJsonArray array;
    for (const auto &[volume, percent] : tiers)
        array.append(QJsonArray{volume, percent.toDouble()});
    return array;
}

QString krakenStatus(OrderStatus status)
{
    switch (status) {
    case OrderStatus::New:
    case OrderStatus::PartiallyFilled:
        return QStringLiteral("open");
    case OrderStatus::Filled:
        return QStringLiteral("closed");
    case OrderStatus::Canceled:
    case OrderStatus::Expired:
        return QStringLiteral("canceled");
    }
    return {};
}

} // namespace

QString FakeKraken::docsApiKey()
{
    return QStringLiteral("fake-kraken-api-key");
}

QByteArray FakeKraken::docsSecret()
{
    return QByteArrayLiteral(
        "kQH5HW/8p1uGOVjbgWA7FunAmGO8lsSUXNsu3eow76sz84Q18fWxnyRzBHCd3pd5nE9qa99HAZtuZuj6F1huXg==");
}

FakeKraken::FakeKraken(QObject *parent)
    : FakeExchange(parent)
    , m_apiKey(docsApiKey())
    , m_secret(QByteArray::fromBase64(docsSecret()))
{
    FakeKraken::restoreDefaults(); // this class's version on purpose: called from the constructor
}

void FakeKraken::setCredentials(const QString &apiKey, const QByteArray &secretBase64)
{
    if (apiKey != m_apiKey)
        m_lastNonce = 0; // nonces are counted per key
    m_apiKey = apiKey;
    m_secret = QByteArray::fromBase64(secretBase64);
}

void FakeKraken::restoreDefaults()
{
    m_assets.clear();
    m_assetOrder.clear();
    m_pairs.clear();
    m_pairOrder.clear();
    m_lastNonce = 0;
    m_ledger.clear();
    m_counter = 0;
    m_counterAtMs = 0;
    m_idRandom = QRandomGenerator(7);
    book().setOrderRefGenerator([this](qint64) { return nextId(QLatin1Char('O')); });
    book().setTradeRefGenerator([this](qint64) { return nextId(QLatin1Char('T')); });
    book().setFirstIds(1, 100000);

    addAsset({QStringLiteral("XXBT"), QStringLiteral("XBT"), 10, 5});
    addAsset({QStringLiteral("ZUSD"), QStringLiteral("USD"), 4, 2});
    addAsset({QStringLiteral("XETH"), QStringLiteral("ETH"), 10, 5});
    addAsset({QStringLiteral("SOL"), QStringLiteral("SOL"), 10, 5});

    const QList<QPair<qint64, Decimal>> taker{{0, dec("0.26")},       {50000, dec("0.24")},   {100000, dec("0.22")},
                                              {250000, dec("0.2")},   {500000, dec("0.18")},  {1000000, dec("0.16")},
                                              {2500000, dec("0.14")}, {5000000, dec("0.12")}, {10000000, dec("0.1")}};
    const QList<QPair<qint64, Decimal>> maker{{0, dec("0.16")},       {50000, dec("0.14")},   {100000, dec("0.12")},
                                              {250000, dec("0.1")},   {500000, dec("0.08")},  {1000000, dec("0.06")},
                                              {2500000, dec("0.04")}, {5000000, dec("0.02")}, {10000000, dec("0")}};

    KrakenPair xbtusd{QStringLiteral("XXBTZUSD"),
                      QStringLiteral("XBTUSD"),
                      QStringLiteral("XBT/USD"),
                      QStringLiteral("XXBT"),
                      QStringLiteral("ZUSD"),
                      1,
                      5,
                      8,
                      dec("0.0001"),
                      dec("0.5"),
                      dec("0.1"),
                      taker,
                      maker,
                      QStringLiteral("online")};
    addPair(xbtusd, dec("30000"), dec("0.5"));
    KrakenPair ethusd{QStringLiteral("XETHZUSD"),
                      QStringLiteral("ETHUSD"),
                      QStringLiteral("ETH/USD"),
                      QStringLiteral("XETH"),
                      QStringLiteral("ZUSD"),
                      2,
                      5,
                      8,
                      dec("0.002"),
                      dec("0.5"),
                      dec("0.01"),
                      taker,
                      maker,
                      QStringLiteral("online")};
    addPair(ethusd, dec("2000"), dec("0.05"));
    KrakenPair ethxbt{QStringLiteral("XETHXXBT"),
                      QStringLiteral("ETHXBT"),
                      QStringLiteral("ETH/XBT"),
                      QStringLiteral("XETH"),
                      QStringLiteral("XXBT"),
                      5,
                      6,
                      8,
                      dec("0.01"),
                      dec("0.00002"),
                      dec("0.00001"),
                      taker,
                      maker,
                      QStringLiteral("online")};
    addPair(ethxbt, dec("0.06667"), dec("0.00001"));
    KrakenPair solusd{QStringLiteral("SOLUSD"),
                      QStringLiteral("SOLUSD"),
                      QStringLiteral("SOL/USD"),
                      QStringLiteral("SOL"),
                      QStringLiteral("ZUSD"),
                      2,
                      5,
                      8,
                      dec("0.02"),
                      dec("0.5"),
                      dec("0.01"),
                      taker,
                      maker,
                      QStringLiteral("online")};
    addPair(solusd, dec("100"), dec("0.01"));
}

void FakeKraken::addAsset(const KrakenAsset &asset)
{
    if (!m_assets.contains(asset.code))
        m_assetOrder.append(asset.code);
    m_assets.insert(asset.code, asset);
}

void FakeKraken::addPair(const KrakenPair &pair, const Decimal &lastPrice, const Decimal &halfSpread)
{
    if (!m_pairs.contains(pair.name))
        m_pairOrder.append(pair.name);
    m_pairs.insert(pair.name, pair);
    BookMarket market;
    market.symbol = pair.name;
    market.base = pair.base;
    market.quote = pair.quote;
    market.last = lastPrice;
    market.halfSpread = halfSpread;
    market.tick = pair.tickSize;
    market.qtyStep = stepOf(pair.lotDecimals);
    const int quoteAssetDecimals = m_assets.contains(pair.quote) ? m_assets.value(pair.quote).decimals : 8;
    market.quoteDecimals = qMin(pair.costDecimals, quoteAssetDecimals);
    market.feeDecimals = market.quoteDecimals;
    market.takerFee = (pair.fees.isEmpty() ? Decimal() : pair.fees.first().second) / Decimal::fromInt(100);
    market.makerFee = (pair.feesMaker.isEmpty() ? Decimal() : pair.feesMaker.first().second) / Decimal::fromInt(100);
    market.feeAsset = FeeAssetPolicy::Quote;
    if (const BookMarket *old = book().market(pair.name)) {
        market.fillCount = old->fillCount;
        market.fillFraction = old->fillFraction;
        market.fillPriceStep = old->fillPriceStep;
    }
    book().addMarket(market);
}

KrakenPair *FakeKraken::pair(const QString &name)
{
    auto it = m_pairs.find(name);
    return it == m_pairs.end() ? nullptr : &it.value();
}

void FakeKraken::setRateLimit(double maximum, double decayPerSecond)
{
    m_counterMax = maximum;
    m_decayPerSec = decayPerSecond;
}

double FakeKraken::callCounter() const
{
    const qint64 now = serverTimeMs();
    const double decayed =
        m_counter - m_decayPerSec * static_cast<double>(qMax<qint64>(0, now - m_counterAtMs)) / 1000.0;
    return qMax(0.0, decayed);
}

QString FakeKraken::fillOrder(const QString &txid, std::optional<Decimal> qty, std::optional<Decimal> price)
{
    const BookOrder *o = book().orderByRef(txid);
    if (!o)
        return QStringLiteral("no such order");
    return book().fillResting(o->id, qty, price, serverTimeMs());
}

QString FakeKraken::fillByRef(const QString &ref, std::optional<Decimal> qty, std::optional<Decimal> price)
{
    return fillOrder(ref, qty, price);
}

QString FakeKraken::nextId(QChar prefix)
{
    static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    auto chunk = [this](int n) {
        QString s;
        for (int i = 0; i < n; ++i)
            s.append(QLatin1Char(alphabet[m_idRandom.bounded(32)]));
        return s;
    };
    return QString(prefix) + chunk(5) + QLatin1Char('-') + chunk(5) + QLatin1Char('-') + chunk(6);
}

// ---------------------------------------------------------------------------------------------
// Request plumbing

FakeKraken::Params FakeKraken::parseParams(const FakeRequest &request)
{
    Params params;
    for (const auto &[name, value] : parseForm(request.rawQuery))
        params.insert(name, value);
    if (request.header("Content-Type").toLower().contains("application/json")) {
        const QJsonDocument doc = QJsonDocument::fromJson(request.body);
        const QJsonObject object = doc.object();
        for (auto it = object.constBegin(); it != object.constEnd(); ++it) {
            const QJsonValue v = it.value();
            if (v.isBool())
                params.insert(it.key(), v.toBool() ? QStringLiteral("true") : QStringLiteral("false"));
            else if (v.isString())
                params.insert(it.key(), v.toString());
            else
                params.insert(it.key(), v.toVariant().toString());
        }
    } else {
        for (const auto &[name, value] : parseForm(request.body))
            params.insert(name, value);
    }
    return params;
}

FakeResponse FakeKraken::ok(const QJsonValue &result)
{
    QJsonObject envelope{{QStringLiteral("error"), QJsonArray{}}};
    envelope.insert(QStringLiteral("result"), result);
    return FakeResponse::json(200, envelope);
}

FakeResponse FakeKraken::fail(const QString &error, int status)
{
    return FakeResponse::json(status, QJsonObject{{QStringLiteral("error"), QJsonArray{error}}});
}

QString FakeKraken::method(const FakeRequest &request) const
{
    if (!request.path.startsWith(QLatin1String("/0/")))
        return {};
    return request.path.mid(3);
}

FakeEndpoint FakeKraken::classify(const FakeRequest &request) const
{
    const QString m = method(request);
    if (m == QLatin1String("public/Time"))
        return FakeEndpoint::Time;
    if (m == QLatin1String("public/AssetPairs") || m == QLatin1String("public/Assets")
        || m == QLatin1String("public/SystemStatus"))
        return FakeEndpoint::Markets;
    if (m == QLatin1String("public/Ticker"))
        return FakeEndpoint::Ticker;
    if (m == QLatin1String("public/OHLC"))
        return FakeEndpoint::Candles;
    if (m == QLatin1String("private/Balance") || m == QLatin1String("private/BalanceEx"))
        return FakeEndpoint::Balance;
    if (m == QLatin1String("private/AddOrder")) {
        const QString validate = parseParams(request).value(QStringLiteral("validate"));
        return validate == QLatin1String("true") || validate == QLatin1String("1") ? FakeEndpoint::OrderTest
                                                                                   : FakeEndpoint::OrderCreate;
    }
    if (m == QLatin1String("private/QueryOrders"))
        return FakeEndpoint::OrderQuery;
    if (m == QLatin1String("private/CancelOrder"))
        return FakeEndpoint::OrderCancel;
    if (m == QLatin1String("private/CancelAll"))
        return FakeEndpoint::CancelAll;
    if (m == QLatin1String("private/OpenOrders"))
        return FakeEndpoint::OpenOrders;
    if (m == QLatin1String("private/ClosedOrders"))
        return FakeEndpoint::ClosedOrders;
    if (m == QLatin1String("private/TradesHistory") || m == QLatin1String("private/QueryTrades"))
        return FakeEndpoint::Trades;
    if (m == QLatin1String("private/Ledgers"))
        return FakeEndpoint::History;
    return FakeEndpoint::Other;
}

FakeResponse FakeKraken::faultResponse(const FakeRequest &, const FaultRule &rule)
{
    const int status = rule.httpStatus ? rule.httpStatus : 200;
    switch (rule.kind) {
    case FaultKind::InvalidTimestamp:
        return fail(QStringLiteral("EAPI:Invalid nonce"), status);
    case FaultKind::RateLimited:
        return fail(QStringLiteral("EAPI:Rate limit exceeded"), status);
    case FaultKind::Banned:
        return fail(QStringLiteral("EGeneral:Temporary lockout"), status);
    case FaultKind::ServiceUnavailable:
    case FaultKind::UnknownStatusAfterAccept:
    default:
        return fail(QStringLiteral("EService:Unavailable"), status);
    }
}

std::optional<FakeResponse> FakeKraken::authenticate(const FakeRequest &request, const Params &params)
{
    const QByteArray key = request.header("API-Key");
    if (key.isEmpty() || QString::fromLatin1(key) != m_apiKey)
        return fail(QStringLiteral("EAPI:Invalid key"));
    const QString nonceText = params.value(QStringLiteral("nonce"));
    const QByteArray message = request.rawPath + crypto::sha256(nonceText.toUtf8() + request.body);
    const QByteArray expected = crypto::hmacSha512(m_secret, message).toBase64();
    const QByteArray given = request.header("API-Sign");
    if (given.isEmpty() || !crypto::equalConstantTime(expected, given))
        return fail(QStringLiteral("EAPI:Invalid signature"));
    bool okNonce = false;
    const quint64 nonce = nonceText.toULongLong(&okNonce);
    if (!okNonce || nonce <= m_lastNonce)
        return fail(QStringLiteral("EAPI:Invalid nonce"));
    m_lastNonce = nonce;
    return std::nullopt;
}

std::optional<FakeResponse> FakeKraken::countCall(const QString &name, qint64 nowMs)
{
    int cost = 1;
    if (name == QLatin1String("private/AddOrder") || name == QLatin1String("private/CancelOrder"))
        cost = 0; // counted by the separate per-pair trading limiter, which the fake does not model
    else if (name == QLatin1String("private/TradesHistory") || name == QLatin1String("private/QueryTrades")
             || name == QLatin1String("private/Ledgers"))
        cost = 2; // ledger and trade-history calls count double
    const double elapsed = static_cast<double>(qMax<qint64>(0, nowMs - m_counterAtMs)) / 1000.0;
    m_counter = qMax(0.0, m_counter - m_decayPerSec * elapsed);
    m_counterAtMs = nowMs;
    if (cost > 0 && m_counter + cost > m_counterMax)
        return fail(QStringLiteral("EAPI:Rate limit exceeded"));
    m_counter += cost;
    return std::nullopt;
}

FakeResponse FakeKraken::process(const FakeRequest &request, const ProcessContext &context)
{
    const QString name = method(request);
    const Params params = parseParams(request);
    if (name.startsWith(QLatin1String("public/"))) {
        if (name == QLatin1String("public/Time"))
            return handleTime(context);
        if (name == QLatin1String("public/SystemStatus")) {
            return ok(QJsonObject{{QStringLiteral("status"), QStringLiteral("online")},
                                  {QStringLiteral("timestamp"),
                                   QDateTime::fromMSecsSinceEpoch(context.nowMs, Qt::UTC).toString(Qt::ISODate)}});
        }
        if (name == QLatin1String("public/Assets"))
            return handleAssets(params);
        if (name == QLatin1String("public/AssetPairs"))
            return handleAssetPairs(params);
        if (name == QLatin1String("public/Ticker"))
            return handleTicker(params);
        if (name == QLatin1String("public/OHLC"))
            return handleOhlc(params, context.nowMs);
        return fail(QStringLiteral("EGeneral:Unknown method"), 404);
    }
    static const QStringList privateMethods{
        QStringLiteral("private/Balance"),       QStringLiteral("private/BalanceEx"),
        QStringLiteral("private/AddOrder"),      QStringLiteral("private/QueryOrders"),
        QStringLiteral("private/OpenOrders"),    QStringLiteral("private/ClosedOrders"),
        QStringLiteral("private/CancelOrder"),   QStringLiteral("private/CancelAll"),
        QStringLiteral("private/TradesHistory"), QStringLiteral("private/QueryTrades"),
        QStringLiteral("private/Ledgers"),
    };
    if (!privateMethods.contains(name))
        return fail(QStringLiteral("EGeneral:Unknown method"), 404);
    if (request.method != "POST")
        return fail(invalidArguments());
    if (auto failure = authenticate(request, params))
        return *failure;
    if (auto failure = countCall(name, context.nowMs))
        return *failure;

    if (name == QLatin1String("private/Balance"))
        return handleBalance(false);
    if (name == QLatin1String("private/BalanceEx"))
        return handleBalance(true);
    if (name == QLatin1String("private/AddOrder"))
        return handleAddOrder(request, params, context);
    if (name == QLatin1String("private/QueryOrders"))
        return handleQueryOrders(params, context);
    if (name == QLatin1String("private/OpenOrders"))
        return handleOpenOrders(params, context);
    if (name == QLatin1String("private/ClosedOrders"))
        return handleClosedOrders(params, context);
    if (name == QLatin1String("private/CancelOrder"))
        return handleCancelOrder(params, context);
    if (name == QLatin1String("private/CancelAll"))
        return handleCancelAll(context);
    if (name == QLatin1String("private/QueryTrades"))
        return handleQueryTrades(params, context);
    if (name == QLatin1String("private/Ledgers"))
        return handleLedgers(params, context);
    return handleTradesHistory(params, context);
}

std::optional<FakeResponse> FakeKraken::control(const QString &name, const QJsonObject &args)
{
    if (name == QLatin1String("limits")) {
        setRateLimit(args.value(QStringLiteral("counterMax")).toDouble(m_counterMax),
                     args.value(QStringLiteral("decayPerSec")).toDouble(m_decayPerSec));
        return FakeResponse::json(200,
                                  QJsonObject{{QStringLiteral("ok"), true},
                                              {QStringLiteral("counterMax"), m_counterMax},
                                              {QStringLiteral("decayPerSec"), m_decayPerSec}});
    }
    if (name == QLatin1String("pairStatus")) {
        KrakenPair *p = pair(args.value(QStringLiteral("pair")).toString());
        if (!p)
            return FakeResponse::json(400, QJsonObject{{QStringLiteral("error"), QStringLiteral("unknown pair")}});
        p->status = args.value(QStringLiteral("status")).toString(QStringLiteral("online"));
        return FakeResponse::json(200, QJsonObject{{QStringLiteral("ok"), true}});
    }
    return std::nullopt;
}

// ---------------------------------------------------------------------------------------------
// Public endpoints

FakeCandleHistory FakeKraken::candleHistory(const QString &pair) const
{
    if (auto it = m_candleHistory.constFind(pair); it != m_candleHistory.cend())
        return *it;
    FakeCandleHistory history;
    history.listedMs = 1'381'017'600'000; // 2013-10-06
    history.basePrice = 10.0 + static_cast<double>(qHash(pair, 7) % 5000);
    return history;
}

FakeResponse FakeKraken::handleOhlc(const Params &params, qint64 nowMs)
{
    constexpr int kWindow = 720;
    if (m_ohlcTooMany > 0) {
        --m_ohlcTooMany;
        return fail(m_ohlcRefusal);
    }
    const KrakenPair *pair = findPair(params.value(QStringLiteral("pair")));
    if (!pair)
        return fail(QStringLiteral("EQuery:Unknown asset pair"));
    static const QList<int> minutes = {1, 5, 15, 30, 60, 240, 1440, 10080, 21600};
    bool valid = true;
    const int interval =
        params.contains(QStringLiteral("interval")) ? params.value(QStringLiteral("interval")).toInt(&valid) : 1;
    if (!valid || !minutes.contains(interval))
        return fail(QStringLiteral("EGeneral:Invalid arguments"));
    const qint64 since = params.value(QStringLiteral("since")).toLongLong(&valid);
    if (params.contains(QStringLiteral("since")) && !valid)
        return fail(QStringLiteral("EGeneral:Invalid arguments:since"));
    const qint64 intervalMs = static_cast<qint64>(interval) * 60'000;
    const qint64 newest = nowMs - nowMs % intervalMs;
    // Kraken keeps the 720 most recent bars; `since` only narrows them.
    QList<FakeBar> bars =
        fakeBars(candleHistory(pair->name), intervalMs, newest - (kWindow - 1) * intervalMs, newest, nowMs);
    QJsonArray rows;
    for (const FakeBar &bar : std::as_const(bars)) {
        if (bar.openMs / 1000 <= since)
            continue;
        const auto text = [pair](double value) { return QString::number(value, 'f', pair->pairDecimals); };
        rows.append(QJsonArray{bar.openMs / 1000, text(bar.open), text(bar.high), text(bar.low), text(bar.close),
                               text((bar.open + bar.close) / 2), QString::number(bar.volume, 'f', 8),
                               static_cast<qint64>(bar.volume / 10)});
    }
    QJsonObject result{{pair->name, rows}};
    result.insert(QStringLiteral("last"), bars.isEmpty() ? since : bars.last().openMs / 1000);
    return ok(result);
}

const KrakenPair *FakeKraken::findPair(const QString &text) const
{
    if (auto it = m_pairs.constFind(text); it != m_pairs.cend())
        return &*it;
    QString wanted = text.toUpper();
    wanted.replace(QStringLiteral("BTC"), QStringLiteral("XBT"));
    const QString compact = QString(wanted).remove(QLatin1Char('/'));
    for (const QString &name : m_pairOrder) {
        const KrakenPair *p = &*m_pairs.constFind(name);
        if (p->altname == compact || p->wsname == wanted || p->name == wanted)
            return p;
    }
    return nullptr;
}

const KrakenPair *FakeKraken::pairOf(const BookOrder &order) const
{
    auto it = m_pairs.constFind(order.symbol);
    return it == m_pairs.cend() ? nullptr : &*it;
}

FakeResponse FakeKraken::handleTime(const ProcessContext &context) const
{
    const QDateTime now = QDateTime::fromMSecsSinceEpoch(context.nowMs, Qt::UTC);
    return ok(QJsonObject{
        {QStringLiteral("unixtime"), context.nowMs / 1000},
        {QStringLiteral("rfc1123"), QLocale::c().toString(now, QStringLiteral("ddd, dd MMM yy HH:mm:ss +0000"))},
    });
}

FakeResponse FakeKraken::handleAssets(const Params &params) const
{
    QStringList wanted = m_assetOrder;
    if (params.contains(QStringLiteral("asset"))) {
        wanted.clear();
        for (const QString &text : params.value(QStringLiteral("asset")).split(QLatin1Char(','), Qt::SkipEmptyParts)) {
            QString found;
            for (const QString &code : m_assetOrder) {
                if (code == text || m_assets.value(code).altname == text
                    || (text == QLatin1String("BTC") && code == QLatin1String("XXBT")))
                    found = code;
            }
            if (found.isEmpty())
                return fail(QStringLiteral("EQuery:Unknown asset"));
            wanted.append(found);
        }
    }
    QJsonObject result;
    for (const QString &code : std::as_const(wanted)) {
        const KrakenAsset a = m_assets.value(code);
        result.insert(code,
                      QJsonObject{{QStringLiteral("aclass"), QStringLiteral("currency")},
                                  {QStringLiteral("altname"), a.altname},
                                  {QStringLiteral("decimals"), a.decimals},
                                  {QStringLiteral("display_decimals"), a.displayDecimals},
                                  {QStringLiteral("collateral_value"), 1},
                                  {QStringLiteral("status"), QStringLiteral("enabled")}});
    }
    return ok(result);
}

FakeResponse FakeKraken::handleAssetPairs(const Params &params) const
{
    QList<const KrakenPair *> wanted;
    if (params.contains(QStringLiteral("pair"))) {
        for (const QString &text : params.value(QStringLiteral("pair")).split(QLatin1Char(','), Qt::SkipEmptyParts)) {
            const KrakenPair *p = findPair(text.trimmed());
            if (!p)
                return fail(unknownPair());
            wanted.append(p);
        }
    } else {
        for (const QString &name : m_pairOrder)
            wanted.append(&*m_pairs.constFind(name));
    }
    QJsonObject result;
    for (const KrakenPair *p : std::as_const(wanted)) {
        result.insert(p->name,
                      QJsonObject{
                          {QStringLiteral("altname"), p->altname},
                          {QStringLiteral("wsname"), p->wsname},
                          {QStringLiteral("aclass_base"), QStringLiteral("currency")},
                          {QStringLiteral("base"), p->base},
                          {QStringLiteral("aclass_quote"), QStringLiteral("currency")},
                          {QStringLiteral("quote"), p->quote},
                          {QStringLiteral("lot"), QStringLiteral("unit")},
                          {QStringLiteral("cost_decimals"), p->costDecimals},
                          {QStringLiteral("pair_decimals"), p->pairDecimals},
                          {QStringLiteral("lot_decimals"), p->lotDecimals},
                          {QStringLiteral("lot_multiplier"), 1},
                          {QStringLiteral("leverage_buy"), QJsonArray{}},
                          {QStringLiteral("leverage_sell"), QJsonArray{}},
                          {QStringLiteral("fees"), feeTiers(p->fees)},
                          {QStringLiteral("fees_maker"), feeTiers(p->feesMaker)},
                          {QStringLiteral("fee_volume_currency"), QStringLiteral("ZUSD")},
                          {QStringLiteral("margin_call"), 80},
                          {QStringLiteral("margin_stop"), 40},
                          {QStringLiteral("ordermin"), p->orderMin.toString()},
                          {QStringLiteral("costmin"), p->costMin.toString()},
                          {QStringLiteral("tick_size"), p->tickSize.toString()},
                          {QStringLiteral("status"), p->status},
                      });
    }
    return ok(result);
}

FakeResponse FakeKraken::handleTicker(const Params &params) const
{
    QList<const KrakenPair *> wanted;
    if (params.contains(QStringLiteral("pair"))) {
        for (const QString &text : params.value(QStringLiteral("pair")).split(QLatin1Char(','), Qt::SkipEmptyParts)) {
            const KrakenPair *p = findPair(text.trimmed());
            if (!p)
                return fail(unknownPair());
            wanted.append(p);
        }
    } else {
        for (const QString &name : m_pairOrder)
            wanted.append(&*m_pairs.constFind(name));
    }
    QJsonObject result;
    for (const KrakenPair *p : std::as_const(wanted)) {
        const BookMarket *m = book().market(p->name);
        const int decimals = qMax(p->pairDecimals, 5);
        const QString last = fixed(m->last, decimals);
        const QString lotQty = fixed(m->bookQty, 3);
        result.insert(
            p->name,
            QJsonObject{
                {QStringLiteral("a"),
                 QJsonArray{fixed(book().bestAsk(p->name), decimals), m->bookQty.toFixed(0, RoundingMode::Down),
                            lotQty}},
                {QStringLiteral("b"),
                 QJsonArray{fixed(book().bestBid(p->name), decimals), m->bookQty.toFixed(0, RoundingMode::Down),
                            lotQty}},
                {QStringLiteral("c"), QJsonArray{last, fixed(dec("0.001"), 8)}},
                {QStringLiteral("v"), QJsonArray{QStringLiteral("100.00000000"), QStringLiteral("200.00000000")}},
                {QStringLiteral("p"), QJsonArray{last, last}},
                {QStringLiteral("t"), QJsonArray{1000, 2000}},
                {QStringLiteral("l"), QJsonArray{last, last}},
                {QStringLiteral("h"), QJsonArray{last, last}},
                {QStringLiteral("o"), last},
            });
    }
    return ok(result);
}

// ---------------------------------------------------------------------------------------------
// Private endpoints

FakeResponse FakeKraken::handleBalance(bool extended) const
{
    QJsonObject result;
    for (const QString &asset : book().assets()) {
        const int decimals = m_assets.contains(asset) ? m_assets.value(asset).decimals : 8;
        const QString total = fixed(book().total(asset), decimals);
        if (!extended) {
            result.insert(asset, total);
        } else {
            result.insert(asset,
                          QJsonObject{{QStringLiteral("balance"), total},
                                      {QStringLiteral("hold_trade"), fixed(book().locked(asset), decimals)}});
        }
    }
    return ok(result);
}

QString FakeKraken::describe(const BookOrder &order) const
{
    const KrakenPair *p = pairOf(order);
    const QString side = order.side == Side::Buy ? QStringLiteral("buy") : QStringLiteral("sell");
    const QString volume = fixed(order.origQty, p ? p->lotDecimals : 8);
    const QString altname = p ? p->altname : order.symbol;
    if (order.type == OrderType::Market)
        return QStringLiteral("%1 %2 %3 @ market").arg(side, volume, altname);
    return QStringLiteral("%1 %2 %3 @ limit %4")
        .arg(side, volume, altname, fixed(order.price, p ? p->pairDecimals : 8));
}

FakeResponse FakeKraken::handleAddOrder(const FakeRequest &request, const Params &params, const ProcessContext &context)
{
    const QString pairText = params.value(QStringLiteral("pair"));
    if (pairText.isEmpty())
        return fail(invalidArguments());
    const KrakenPair *p = findPair(pairText);
    if (!p)
        return fail(unknownPair());
    const QString type = params.value(QStringLiteral("type"));
    if (type != QLatin1String("buy") && type != QLatin1String("sell"))
        return fail(invalidArguments());
    const QString orderType = params.value(QStringLiteral("ordertype"));
    if (orderType != QLatin1String("market") && orderType != QLatin1String("limit"))
        return fail(invalidArguments());
    const bool limit = orderType == QLatin1String("limit");

    PlaceSpec spec;
    spec.symbol = p->name;
    spec.side = type == QLatin1String("buy") ? Side::Buy : Side::Sell;
    spec.type = limit ? OrderType::Limit : OrderType::Market;
    spec.nowMs = context.nowMs;

    const QString volumeText = params.value(QStringLiteral("volume"));
    if (!isDecimalText(volumeText))
        return fail(invalidArguments());
    const auto volume = Decimal::parse(volumeText);
    if (!volume || volume->scale() > p->lotDecimals || !volume->isPositive())
        return fail(invalidArguments());
    spec.qty = *volume;

    if (limit) {
        const QString priceText = params.value(QStringLiteral("price"));
        if (!isDecimalText(priceText))
            return fail(invalidArguments());
        const auto price = Decimal::parse(priceText);
        if (!price || !price->isPositive())
            return fail(invalidArguments());
        if (price->scale() > p->pairDecimals)
            return fail(QStringLiteral("EOrder:Invalid price:%1 price can only be specified up to %2 decimals.")
                            .arg(p->altname)
                            .arg(p->pairDecimals));
        if (p->tickSize.isPositive() && !price->isMultipleOf(p->tickSize))
            return fail(QStringLiteral("EOrder:Tick size check failed"));
        spec.price = *price;
    }

    const QString tif = params.value(QStringLiteral("timeinforce"), QStringLiteral("GTC"));
    if (tif == QLatin1String("GTC"))
        spec.timeInForce = TimeInForce::Gtc;
    else if (tif == QLatin1String("IOC"))
        spec.timeInForce = TimeInForce::Ioc;
    else
        return fail(invalidArguments()); // GTD needs expiretm, which the fake does not model
    if (!limit)
        spec.timeInForce = TimeInForce::Gtc;

    const QStringList flags = params.value(QStringLiteral("oflags")).split(QLatin1Char(','), Qt::SkipEmptyParts);
    for (const QString &flag : flags) {
        static const QStringList known{QStringLiteral("post"), QStringLiteral("fcib"), QStringLiteral("fciq"),
                                       QStringLiteral("nompp")};
        if (!known.contains(flag))
            return fail(invalidArguments());
    }
    const bool postOnly = flags.contains(QStringLiteral("post"));
    spec.tags.insert(QStringLiteral("oflags"), flags.isEmpty() ? QStringLiteral("fciq") : flags.join(QLatin1Char(',')));

    const bool hasClientId = params.contains(QStringLiteral("cl_ord_id"));
    const bool hasUserref = params.contains(QStringLiteral("userref"));
    if (hasClientId && hasUserref)
        return fail(invalidArguments());
    if (hasClientId) {
        const QString id = params.value(QStringLiteral("cl_ord_id"));
        if (!validClientOrderId(id))
            return fail(invalidArguments());
        spec.clientOrderId = id;
    }
    if (hasUserref) {
        bool okRef = false;
        const qint64 ref = params.value(QStringLiteral("userref")).toLongLong(&okRef);
        if (!okRef || ref < std::numeric_limits<qint32>::min() || ref > std::numeric_limits<qint32>::max())
            return fail(invalidArguments());
        spec.tags.insert(QStringLiteral("userref"), QString::number(ref));
    }

    if (params.contains(QStringLiteral("deadline"))) {
        const QDateTime deadline = QDateTime::fromString(params.value(QStringLiteral("deadline")), Qt::ISODateWithMs);
        if (!deadline.isValid())
            return fail(invalidArguments());
        const qint64 deadlineMs = deadline.toMSecsSinceEpoch();
        if (deadlineMs <= request.receivedMs)
            return fail(QStringLiteral("EService:Deadline elapsed"));
        if (deadlineMs < request.receivedMs + 2000 || deadlineMs > request.receivedMs + 60000)
            return fail(invalidArguments());
        if (deadlineMs <= context.nowMs)
            return fail(QStringLiteral("EService:Deadline elapsed"));
    }

    if (p->status == QLatin1String("cancel_only"))
        return fail(QStringLiteral("EService:Market in cancel_only mode"));
    if (p->status == QLatin1String("post_only") && !postOnly)
        return fail(QStringLiteral("EService:Market in post_only mode"));
    if (spec.qty < p->orderMin)
        return fail(QStringLiteral("EOrder:Order minimum not met"));
    const Decimal reference =
        limit ? spec.price : (spec.side == Side::Buy ? book().bestAsk(p->name) : book().bestBid(p->name));
    if (reference * spec.qty < p->costMin)
        return fail(QStringLiteral("EOrder:Cost minimum not met"));

    BookOrder preview;
    preview.symbol = p->name;
    preview.side = spec.side;
    preview.type = spec.type;
    preview.price = spec.price;
    preview.origQty = spec.qty;
    const QJsonObject descr{{QStringLiteral("order"), describe(preview)}};

    if (context.has(FaultKind::InsufficientBalance))
        return fail(insufficientFunds());
    if (request.endpoint == FakeEndpoint::OrderTest)
        return ok(QJsonObject{{QStringLiteral("descr"), descr}});

    if (postOnly && limit
        && (spec.side == Side::Buy ? spec.price >= book().bestAsk(p->name) : spec.price <= book().bestBid(p->name)))
        return fail(QStringLiteral("EOrder:Post only order"));
    if (!spec.clientOrderId.isEmpty()) {
        for (const BookOrder &o : book().orders()) {
            if (o.isOpen() && o.clientOrderId == spec.clientOrderId)
                return fail(QStringLiteral("EOrder:Duplicate order"));
        }
    }
    if (context.has(FaultKind::DelayedVisibility))
        spec.visibleFromMs = context.nowMs + context.fault->delayMs;

    const PlaceResult placed = book().place(spec);
    switch (placed.error) {
    case PlaceError::None:
        break;
    case PlaceError::DuplicateClientId:
        return fail(QStringLiteral("EOrder:Duplicate order"));
    case PlaceError::InsufficientBalance:
        return fail(insufficientFunds());
    case PlaceError::UnknownSymbol:
        return fail(unknownPair());
    case PlaceError::ZeroQuantity:
        return fail(invalidArguments());
    }
    return ok(QJsonObject{{QStringLiteral("descr"), descr}, {QStringLiteral("txid"), QJsonArray{placed.order.ref}}});
}

QJsonObject FakeKraken::orderJson(const BookOrder &o, bool withTrades) const
{
    const KrakenPair *p = pairOf(o);
    const int priceDecimals = p ? p->pairDecimals : 8;
    const int costDecimals = p ? p->costDecimals : 8;
    const int lotDecimals = p ? p->lotDecimals : 8;
    const Decimal average = o.executedQty.isPositive() ? (o.cumQuote / o.executedQty) : Decimal();
    QJsonObject descr{
        {QStringLiteral("pair"), p ? p->altname : o.symbol},
        {QStringLiteral("type"), o.side == Side::Buy ? QStringLiteral("buy") : QStringLiteral("sell")},
        {QStringLiteral("ordertype"), o.type == OrderType::Market ? QStringLiteral("market") : QStringLiteral("limit")},
        {QStringLiteral("price"), o.type == OrderType::Limit ? fixed(o.price, priceDecimals) : QStringLiteral("0")},
        {QStringLiteral("price2"), QStringLiteral("0")},
        {QStringLiteral("leverage"), QStringLiteral("none")},
        {QStringLiteral("order"), describe(o)},
        {QStringLiteral("close"), QString()},
    };
    QJsonObject json{
        {QStringLiteral("refid"), QJsonValue::Null},
        {QStringLiteral("userref"),
         o.tags.contains(QStringLiteral("userref")) ? QJsonValue(o.tags.value(QStringLiteral("userref")).toLongLong())
                                                    : QJsonValue(0)},
        {QStringLiteral("status"), krakenStatus(o.status)},
        {QStringLiteral("opentm"), seconds(o.createdMs)},
        {QStringLiteral("starttm"), 0},
        {QStringLiteral("expiretm"), 0},
        {QStringLiteral("descr"), descr},
        {QStringLiteral("vol"), fixed(o.origQty, lotDecimals)},
        {QStringLiteral("vol_exec"), fixed(o.executedQty, lotDecimals)},
        {QStringLiteral("cost"), fixed(o.cumQuote, costDecimals)},
        {QStringLiteral("fee"), fixed(o.feeInQuote, costDecimals)},
        {QStringLiteral("price"), fixed(average, priceDecimals)},
        {QStringLiteral("stopprice"), QStringLiteral("0.00000")},
        {QStringLiteral("limitprice"), QStringLiteral("0.00000")},
        {QStringLiteral("misc"),
         o.executedQty.isPositive() && o.executedQty < o.origQty ? QStringLiteral("partial") : QString()},
        {QStringLiteral("oflags"), o.tags.value(QStringLiteral("oflags"), QStringLiteral("fciq"))},
    };
    if (!o.clientOrderId.isEmpty())
        json.insert(QStringLiteral("cl_ord_id"), o.clientOrderId);
    if (!o.isOpen()) {
        json.insert(QStringLiteral("closetm"), seconds(o.closedMs));
        if (o.status == OrderStatus::Canceled)
            json.insert(QStringLiteral("reason"), QStringLiteral("User requested"));
        else if (o.status == OrderStatus::Expired)
            json.insert(QStringLiteral("reason"), QStringLiteral("Insufficient liquidity"));
        else
            json.insert(QStringLiteral("reason"), QJsonValue::Null);
    }
    if (withTrades) {
        QJsonArray trades;
        for (const BookFill &f : o.fills)
            trades.append(f.tradeRef);
        json.insert(QStringLiteral("trades"), trades);
    }
    return json;
}

QJsonObject FakeKraken::tradeJson(const BookOrder &o, const BookFill &f) const
{
    const KrakenPair *p = pairOf(o);
    return QJsonObject{
        {QStringLiteral("ordertxid"), o.ref},
        {QStringLiteral("postxid"), QStringLiteral("TKH2SE-M7IF5-CFI7LT")},
        {QStringLiteral("pair"), o.symbol},
        {QStringLiteral("time"), seconds(f.timeMs)},
        {QStringLiteral("type"), o.side == Side::Buy ? QStringLiteral("buy") : QStringLiteral("sell")},
        {QStringLiteral("ordertype"), o.type == OrderType::Market ? QStringLiteral("market") : QStringLiteral("limit")},
        {QStringLiteral("price"), fixed(f.price, p ? p->pairDecimals : 8)},
        {QStringLiteral("cost"), fixed(f.quoteQty, p ? p->costDecimals : 8)},
        {QStringLiteral("fee"), fixed(f.commission, p ? p->costDecimals : 8)},
        {QStringLiteral("vol"), fixed(f.qty, p ? p->lotDecimals : 8)},
        {QStringLiteral("margin"), QStringLiteral("0.00000")},
        {QStringLiteral("leverage"), QStringLiteral("0")},
        {QStringLiteral("misc"), QString()},
        {QStringLiteral("trade_id"), f.tradeId},
        {QStringLiteral("maker"), f.maker},
    };
}

FakeResponse FakeKraken::handleQueryOrders(const Params &params, const ProcessContext &context) const
{
    const QStringList txids = params.value(QStringLiteral("txid")).split(QLatin1Char(','), Qt::SkipEmptyParts);
    if (txids.isEmpty() || txids.size() > 50)
        return fail(invalidArguments());
    const bool withTrades = params.value(QStringLiteral("trades")) == QLatin1String("true");
    QJsonObject result;
    if (!context.has(FaultKind::OrderNotFound)) {
        for (const QString &txid : txids) {
            const BookOrder *o = book().orderByRef(txid.trimmed());
            if (o && isVisible(*o, context.nowMs))
                result.insert(o->ref, orderJson(*o, withTrades));
        }
    }
    if (result.isEmpty())
        return fail(unknownOrder());
    return ok(result);
}

FakeResponse FakeKraken::handleOpenOrders(const Params &params, const ProcessContext &context) const
{
    const bool withTrades = params.value(QStringLiteral("trades")) == QLatin1String("true");
    const QString clientId = params.value(QStringLiteral("cl_ord_id"));
    const QString userref = params.value(QStringLiteral("userref"));
    QJsonObject open;
    if (!context.has(FaultKind::OrderNotFound)) {
        for (const BookOrder &o : book().orders()) {
            if (!o.isOpen() || !isVisible(o, context.nowMs))
                continue;
            if (!clientId.isEmpty() && o.clientOrderId != clientId)
                continue;
            if (!userref.isEmpty() && o.tags.value(QStringLiteral("userref")) != userref)
                continue;
            open.insert(o.ref, orderJson(o, withTrades));
        }
    }
    return ok(QJsonObject{{QStringLiteral("open"), open}});
}

FakeResponse FakeKraken::handleClosedOrders(const Params &params, const ProcessContext &context) const
{
    const bool withTrades = params.value(QStringLiteral("trades")) == QLatin1String("true");
    const QString clientId = params.value(QStringLiteral("cl_ord_id"));
    const QString userref = params.value(QStringLiteral("userref"));
    const double start = params.value(QStringLiteral("start")).toDouble();
    const double end = params.contains(QStringLiteral("end")) ? params.value(QStringLiteral("end")).toDouble()
                                                              : std::numeric_limits<double>::max();
    const int offset = qMax(0, params.value(QStringLiteral("ofs")).toInt());
    QList<const BookOrder *> closed;
    if (!context.has(FaultKind::OrderNotFound)) {
        for (const BookOrder &o : book().orders()) {
            if (o.isOpen() || !isVisible(o, context.nowMs))
                continue;
            if (!clientId.isEmpty() && o.clientOrderId != clientId)
                continue;
            if (!userref.isEmpty() && o.tags.value(QStringLiteral("userref")) != userref)
                continue;
            const double closeTime = seconds(o.closedMs);
            if (closeTime < start || closeTime > end)
                continue;
            closed.append(&o);
        }
    }
    std::sort(closed.begin(), closed.end(), [](const BookOrder *a, const BookOrder *b) {
        return a->closedMs != b->closedMs ? a->closedMs > b->closedMs : a->id > b->id;
    });
    QJsonObject page;
    for (qsizetype i = offset; i < closed.size() && page.size() < 50; ++i)
        page.insert(closed.at(i)->ref, orderJson(*closed.at(i), withTrades));
    return ok(QJsonObject{{QStringLiteral("closed"), page}, {QStringLiteral("count"), closed.size()}});
}

FakeResponse FakeKraken::handleCancelOrder(const Params &params, const ProcessContext &context)
{
    const QString txid = params.value(QStringLiteral("txid"));
    const QString clientId = params.value(QStringLiteral("cl_ord_id"));
    if (txid.isEmpty() == clientId.isEmpty())
        return fail(invalidArguments());
    if (context.has(FaultKind::OrderNotFound))
        return fail(unknownOrder());
    QList<qint64> ids;
    bool numeric = false;
    const qint64 userref = txid.toLongLong(&numeric);
    for (const BookOrder &o : book().orders()) {
        if (!o.isOpen() || !isVisible(o, context.nowMs))
            continue;
        if (!clientId.isEmpty()
                ? o.clientOrderId == clientId
                : (o.ref == txid || (numeric && o.tags.value(QStringLiteral("userref")) == QString::number(userref))))
            ids.append(o.id);
    }
    if (ids.isEmpty())
        return fail(unknownOrder());
    for (qint64 id : std::as_const(ids))
        book().cancel(id, context.nowMs);
    return ok(QJsonObject{{QStringLiteral("count"), ids.size()}, {QStringLiteral("pending"), false}});
}

FakeResponse FakeKraken::handleCancelAll(const ProcessContext &context)
{
    QList<qint64> ids;
    for (const BookOrder &o : book().orders()) {
        if (o.isOpen())
            ids.append(o.id);
    }
    for (qint64 id : std::as_const(ids))
        book().cancel(id, context.nowMs);
    return ok(QJsonObject{{QStringLiteral("count"), ids.size()}});
}

FakeResponse FakeKraken::handleTradesHistory(const Params &params, const ProcessContext &context) const
{
    const double start = params.value(QStringLiteral("start")).toDouble();
    const double end = params.contains(QStringLiteral("end")) ? params.value(QStringLiteral("end")).toDouble()
                                                              : std::numeric_limits<double>::max();
    const int offset = qMax(0, params.value(QStringLiteral("ofs")).toInt());
    struct Row
    {
        const BookOrder *order;
        const BookFill *fill;
    };
    QList<Row> rows;
    if (!context.has(FaultKind::OrderNotFound)) {
        for (const BookOrder &o : book().orders()) {
            if (!isVisible(o, context.nowMs))
                continue;
            for (const BookFill &f : o.fills) {
                const double t = seconds(f.timeMs);
                if (t >= start && t <= end)
                    rows.append({&o, &f});
            }
        }
    }
    std::sort(rows.begin(), rows.end(), [](const Row &a, const Row &b) { return a.fill->tradeId > b.fill->tradeId; });
    QJsonObject trades;
    for (qsizetype i = offset; i < rows.size() && trades.size() < 50; ++i)
        trades.insert(rows.at(i).fill->tradeRef, tradeJson(*rows.at(i).order, *rows.at(i).fill));
    return ok(QJsonObject{{QStringLiteral("trades"), trades}, {QStringLiteral("count"), rows.size()}});
}

FakeResponse FakeKraken::handleQueryTrades(const Params &params, const ProcessContext &context) const
{
    // Kraken: "Comma delimited list of transaction IDs to query info about
    // (20 maximum)"; the answer is an object keyed by trade id.
    const QStringList txids = params.value(QStringLiteral("txid")).split(QLatin1Char(','), Qt::SkipEmptyParts);
    if (txids.isEmpty() || txids.size() > 20)
        return fail(invalidArguments());
    QHash<QString, QPair<const BookOrder *, const BookFill *>> byRef;
    for (const BookOrder &o : book().orders()) {
        if (!isVisible(o, context.nowMs))
            continue;
        for (const BookFill &f : o.fills)
            byRef.insert(f.tradeRef, {&o, &f});
    }
    QJsonObject result;
    if (!context.has(FaultKind::OrderNotFound)) {
        for (const QString &txid : txids) {
            const auto found = byRef.constFind(txid.trimmed());
            if (found != byRef.constEnd())
                result.insert(found.key(), tradeJson(*found->first, *found->second));
        }
    }
    if (result.isEmpty())
        return fail(invalidArguments());
    return ok(result);
}

FakeResponse FakeKraken::handleLedgers(const Params &params, const ProcessContext &context) const
{
    // Seeded entries plus two per fill of the book: the base and the quote
    // moved, the fee on the quote entry, refid = the trade id.
    QList<KrakenLedgerSeed> all = m_ledger;
    for (const BookOrder &o : book().orders()) {
        if (!isVisible(o, context.nowMs))
            continue;
        const KrakenPair *p = pairOf(o);
        if (!p)
            continue;
        for (const BookFill &f : o.fills) {
            const bool buy = o.side == Side::Buy;
            const QString stem = QStringLiteral("L%1").arg(f.tradeRef.mid(1));
            all.append(KrakenLedgerSeed{stem + QStringLiteral("B"), f.tradeRef, f.timeMs, QStringLiteral("trade"),
                                        QString(), p->base, buy ? f.qty : Decimal() - f.qty,
                                        f.commissionAsset == p->base ? f.commission : Decimal()});
            all.append(KrakenLedgerSeed{stem + QStringLiteral("Q"), f.tradeRef, f.timeMs, QStringLiteral("trade"),
                                        QString(), p->quote, buy ? Decimal() - f.quoteQty : f.quoteQty,
                                        f.commissionAsset == p->base ? Decimal() : f.commission});
        }
    }
    std::stable_sort(all.begin(), all.end(),
                     [](const KrakenLedgerSeed &a, const KrakenLedgerSeed &b) { return a.timeMs < b.timeMs; });
    QHash<QString, Decimal> running;
    QList<QPair<KrakenLedgerSeed, Decimal>> withBalance;
    for (const KrakenLedgerSeed &entry : std::as_const(all)) {
        Decimal &balance = running[entry.asset];
        balance = balance + entry.amount - entry.fee;
        withBalance.append({entry, balance});
    }
    const bool hasStart = params.contains(QStringLiteral("start"));
    const bool hasEnd = params.contains(QStringLiteral("end"));
    const double start = params.value(QStringLiteral("start")).toDouble();
    const double end = params.value(QStringLiteral("end")).toDouble();
    const QStringList assets = params.value(QStringLiteral("asset")).split(QLatin1Char(','), Qt::SkipEmptyParts);
    const QString type = params.value(QStringLiteral("type"), QStringLiteral("all"));
    const int offset = params.value(QStringLiteral("ofs")).toInt();
    if (offset < 0)
        return fail(invalidArguments());
    QList<const QPair<KrakenLedgerSeed, Decimal> *> rows;
    if (!context.has(FaultKind::OrderNotFound)) {
        for (const auto &row : std::as_const(withBalance)) {
            const double t = seconds(row.first.timeMs);
            if ((hasStart && t <= start) || (hasEnd && t >= end))
                continue;
            if (!assets.isEmpty() && !assets.contains(row.first.asset) && !assets.contains(QStringLiteral("all")))
                continue;
            if (type != QLatin1String("all") && row.first.type != type)
                continue;
            rows.append(&row);
        }
    }
    std::reverse(rows.begin(), rows.end()); // newest first
    QJsonObject ledger;
    for (qsizetype i = offset; i < rows.size() && ledger.size() < 50; ++i) {
        const KrakenLedgerSeed &e = rows.at(i)->first;
        ledger.insert(e.id,
                      QJsonObject{{QStringLiteral("refid"), e.refid},
                                  {QStringLiteral("time"), seconds(e.timeMs)},
                                  {QStringLiteral("type"), e.type},
                                  {QStringLiteral("subtype"), e.subtype},
                                  {QStringLiteral("aclass"), QStringLiteral("currency")},
                                  {QStringLiteral("asset"), e.asset},
                                  {QStringLiteral("amount"), fixed(e.amount, 10)},
                                  {QStringLiteral("fee"), fixed(e.fee, 10)},
                                  {QStringLiteral("balance"), fixed(rows.at(i)->second, 10)}});
    }
    QJsonObject result{{QStringLiteral("ledger"), ledger}};
    if (params.value(QStringLiteral("without_count")) != QLatin1String("true"))
        result.insert(QStringLiteral("count"), rows.size());
    return ok(result);
}

} // namespace ballast::test::fake
