#include "fakebinance.h"

#include "fakecrypto.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QSet>
#include <QTimeZone>

#include <algorithm>

namespace ballast::test::fake {

using money::dec;
using money::RoundingMode;

namespace {

// Messages and ranges as Binance words them (functions, not static QStrings: no static initialisation).
QString numberRange()
{
    return QStringLiteral("^([0-9]{1,20})(\\.[0-9]{1,20})?$");
}

QString clientIdRange()
{
    return QStringLiteral("^[a-zA-Z0-9-_]{1,36}$");
}

QString symbolsRange()
{
    return QStringLiteral("^\\[(\"[A-Z0-9-_.]{1,20}\"(,\"[A-Z0-9-_.]{1,20}\"){0,}){0,1}\\]$");
}

QString tooMuchWeight(int limit, const QString &window)
{
    return QStringLiteral("Too much request weight used; current limit is %1 request weight per %2. "
                          "Please use WebSocket Streams for live updates to avoid polling the API.")
        .arg(limit)
        .arg(window);
}

QString bannedUntil(qint64 untilMs)
{
    return QStringLiteral("Way too much request weight used; IP banned until %1. "
                          "Please use WebSocket Streams for live updates to avoid bans.")
        .arg(untilMs);
}

QString insufficientBalanceMessage()
{
    return QStringLiteral("Account has insufficient balance for requested action.");
}

bool matchesNumber(const QString &text)
{
    static const QRegularExpression re(QStringLiteral("^([0-9]{1,20})(\\.[0-9]{1,20})?$"));
    return re.match(text).hasMatch();
}

bool matchesClientId(const QString &text)
{
    static const QRegularExpression re(QStringLiteral("^[a-zA-Z0-9\\-_]{1,36}$"));
    return re.match(text).hasMatch();
}

bool isDigits(const QString &text, int maxLength = 20)
{
    if (text.isEmpty() || text.size() > maxLength)
        return false;
    return std::all_of(text.cbegin(), text.cend(),
                       [](QChar c) { return c >= QLatin1Char('0') && c <= QLatin1Char('9'); });
}

bool isAlnum(const QByteArray &text)
{
    return std::all_of(text.cbegin(), text.cend(), [](char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    });
}

/// Removes the signature=... component from a raw query string or body, keeping every other byte.
QByteArray stripSignature(const QByteArray &raw)
{
    if (raw.isEmpty())
        return raw;
    QList<QByteArray> kept;
    const QList<QByteArray> parts = raw.split('&');
    for (const QByteArray &part : parts) {
        const qsizetype eq = part.indexOf('=');
        const QByteArray name = QByteArray::fromPercentEncoding(eq < 0 ? part : part.left(eq));
        if (name == "signature")
            continue;
        kept.append(part);
    }
    return kept.join('&');
}

QString fixed(const Decimal &value, int decimals = 8)
{
    return value.toFixed(decimals, RoundingMode::HalfEven);
}

QString sideName(Side side)
{
    return side == Side::Buy ? QStringLiteral("BUY") : QStringLiteral("SELL");
}

QString typeName(OrderType type)
{
    return type == OrderType::Market ? QStringLiteral("MARKET") : QStringLiteral("LIMIT");
}

QString tifName(TimeInForce tif)
{
    switch (tif) {
    case TimeInForce::Gtc:
        return QStringLiteral("GTC");
    case TimeInForce::Ioc:
        return QStringLiteral("IOC");
    case TimeInForce::Fok:
        return QStringLiteral("FOK");
    }
    return {};
}

bool inRange(const Decimal &value, const Decimal &min, const Decimal &max, const Decimal &step)
{
    if (min.isPositive() && value < min)
        return false;
    if (max.isPositive() && value > max)
        return false;
    if (step.isPositive() && !value.isMultipleOf(step))
        return false;
    return true;
}

qint64 commissionBps(const Decimal &rate)
{
    return (rate * Decimal::fromInt(10000)).toFixed(0, RoundingMode::HalfEven).toLongLong();
}

QString windowText(qint64 windowMs)
{
    if (windowMs % 60000 == 0)
        return QStringLiteral("%1 MINUTE").arg(windowMs / 60000);
    return QStringLiteral("%1 SECOND").arg(qMax<qint64>(1, windowMs / 1000));
}

qint64 ceilSeconds(qint64 ms)
{
    return qMax<qint64>(1, (ms + 999) / 1000);
}

} // namespace

QString FakeBinance::docsApiKey()
{
    return QStringLiteral("vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A");
}

QString FakeBinance::docsSecretKey()
{
    return QStringLiteral("NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j");
}

FakeBinance::FakeBinance(QObject *parent)
    : FakeExchange(parent)
    , m_apiKey(docsApiKey())
    , m_secretKey(docsSecretKey())
    , m_makerRate(dec("0.001"))
    , m_takerRate(dec("0.001"))
{
    FakeBinance::restoreDefaults(); // this class's version on purpose: called from the constructor
}

void FakeBinance::restoreDefaults()
{
    m_symbols.clear();
    m_symbolOrder.clear();
    m_windowStartMs = 0;
    m_usedWeight = 0;
    m_backoffUntilMs = 0;
    m_banUntilMs = 0;
    m_orderTimes.clear();
    m_deposits.clear();
    m_withdrawals.clear();
    m_idRandom = QRandomGenerator(42);
    book().setFirstIds(1000, 5000);

    BinanceSymbol btc;
    btc.symbol = QStringLiteral("BTCUSDT");
    btc.baseAsset = QStringLiteral("BTC");
    btc.quoteAsset = QStringLiteral("USDT");
    btc.priceFilter = BinancePriceFilter{dec("0.01"), dec("1000000"), dec("0.01")};
    btc.lotSize = BinanceLotSize{dec("0.00001"), dec("9000"), dec("0.00001")};
    btc.marketLotSize = BinanceLotSize{dec("0"), dec("120"), dec("0")};
    btc.notional = BinanceNotional{dec("5"), true, dec("9000000"), false, 5};
    addSymbol(btc, dec("30000"), dec("0.5"));

    BinanceSymbol eth;
    eth.symbol = QStringLiteral("ETHUSDT");
    eth.baseAsset = QStringLiteral("ETH");
    eth.quoteAsset = QStringLiteral("USDT");
    eth.priceFilter = BinancePriceFilter{dec("0.01"), dec("1000000"), dec("0.01")};
    eth.lotSize = BinanceLotSize{dec("0.0001"), dec("9000"), dec("0.0001")};
    eth.marketLotSize = BinanceLotSize{dec("0"), dec("2000"), dec("0")};
    eth.notional = BinanceNotional{dec("5"), true, dec("9000000"), false, 5};
    addSymbol(eth, dec("2000"), dec("0.05"));

    BinanceSymbol ethBtc;
    ethBtc.symbol = QStringLiteral("ETHBTC");
    ethBtc.baseAsset = QStringLiteral("ETH");
    ethBtc.quoteAsset = QStringLiteral("BTC");
    ethBtc.priceFilter = BinancePriceFilter{dec("0.00001"), dec("922327"), dec("0.00001")};
    ethBtc.lotSize = BinanceLotSize{dec("0.0001"), dec("100000"), dec("0.0001")};
    ethBtc.minNotional = BinanceMinNotional{dec("0.0001"), true, 5};
    addSymbol(ethBtc, dec("0.06667"), dec("0.00001"));
}

void FakeBinance::setCredentials(const QString &apiKey, const QString &secretKey)
{
    m_apiKey = apiKey;
    m_secretKey = secretKey;
}

void FakeBinance::addSymbol(const BinanceSymbol &symbol, const Decimal &lastPrice, const Decimal &halfSpread)
{
    if (!m_symbols.contains(symbol.symbol))
        m_symbolOrder.append(symbol.symbol);
    m_symbols.insert(symbol.symbol, symbol);
    BookMarket market;
    market.symbol = symbol.symbol;
    market.base = symbol.baseAsset;
    market.quote = symbol.quoteAsset;
    market.last = lastPrice;
    market.halfSpread = halfSpread;
    market.tick = symbol.priceFilter ? symbol.priceFilter->tickSize : Decimal();
    market.qtyStep = symbol.lotSize ? symbol.lotSize->stepSize : Decimal();
    market.quoteDecimals = symbol.quotePrecision;
    market.feeDecimals = qMin(symbol.baseCommissionPrecision, symbol.quoteCommissionPrecision);
    market.makerFee = m_makerRate;
    market.takerFee = m_takerRate;
    market.feeAsset = m_feeAsset;
    if (const BookMarket *old = book().market(symbol.symbol)) {
        market.fillCount = old->fillCount;
        market.fillFraction = old->fillFraction;
        market.fillPriceStep = old->fillPriceStep;
    }
    book().addMarket(market);
}

BinanceSymbol *FakeBinance::symbol(const QString &name)
{
    auto it = m_symbols.find(name);
    return it == m_symbols.end() ? nullptr : &it.value();
}

void FakeBinance::setCommission(const Decimal &maker, const Decimal &taker, FeeAssetPolicy feeAsset)
{
    m_makerRate = maker;
    m_takerRate = taker;
    m_feeAsset = feeAsset;
    for (const QString &name : std::as_const(m_symbolOrder)) {
        if (BookMarket *m = book().market(name)) {
            m->makerFee = maker;
            m->takerFee = taker;
            m->feeAsset = feeAsset;
        }
    }
}

void FakeBinance::setFeeAsset(FeeAssetPolicy feeAsset, const QString &symbol)
{
    if (symbol.isEmpty())
        m_feeAsset = feeAsset;
    const QStringList names = symbol.isEmpty() ? m_symbolOrder : QStringList{symbol};
    for (const QString &name : names) {
        if (BookMarket *m = book().market(name))
            m->feeAsset = feeAsset;
    }
}

void FakeBinance::setWeightLimit(int limit, qint64 windowMs)
{
    m_weightLimit = limit;
    m_windowMs = qMax<qint64>(1, windowMs);
    m_windowStartMs = 0;
    m_usedWeight = 0;
}

QString FakeBinance::fillOrder(qint64 orderId, std::optional<Decimal> qty, std::optional<Decimal> price)
{
    return book().fillResting(orderId, qty, price, serverTimeMs());
}

QString FakeBinance::fillByRef(const QString &ref, std::optional<Decimal> qty, std::optional<Decimal> price)
{
    bool ok = false;
    const qint64 id = ref.toLongLong(&ok);
    if (!ok)
        return QStringLiteral("order must be a Binance orderId");
    return fillOrder(id, qty, price);
}

// ---------------------------------------------------------------------------------------------
// Request plumbing

FakeBinance::Params FakeBinance::parseParams(const FakeRequest &request)
{
    Params params;
    QSet<QString> fromQuery;
    for (const auto &[name, value] : parseForm(request.rawQuery)) {
        if (fromQuery.contains(name))
            params.duplicate = name;
        fromQuery.insert(name);
        params.values.insert(name, value);
    }
    if (request.method != "GET") {
        QSet<QString> fromBody;
        for (const auto &[name, value] : parseForm(request.body)) {
            if (fromBody.contains(name))
                params.duplicate = name;
            fromBody.insert(name);
            if (!fromQuery.contains(name))
                params.values.insert(name, value);
        }
    }
    return params;
}

FakeResponse FakeBinance::error(int status, int code, const QString &message)
{
    return FakeResponse::json(status, QJsonObject{{QStringLiteral("code"), code}, {QStringLiteral("msg"), message}});
}

FakeResponse FakeBinance::mandatory(const QString &name)
{
    return badRequest(-1102,
                      QStringLiteral("Mandatory parameter '%1' was not sent, was empty/null, or malformed.").arg(name));
}

FakeResponse FakeBinance::illegal(const QString &name, const QString &range)
{
    return badRequest(
        -1100, QStringLiteral("Illegal characters found in parameter '%1'; legal range is '%2'.").arg(name, range));
}

FakeEndpoint FakeBinance::classify(const FakeRequest &request) const
{
    const QString &p = request.path;
    const QByteArray &m = request.method;
    if (m == "GET" && p == QLatin1String("/api/v3/time"))
        return FakeEndpoint::Time;
    if (m == "GET" && p == QLatin1String("/api/v3/exchangeInfo"))
        return FakeEndpoint::Markets;
    if (m == "GET" && (p == QLatin1String("/api/v3/ticker/price") || p == QLatin1String("/api/v3/ticker/bookTicker")))
        return FakeEndpoint::Ticker;
    if (m == "GET" && p == QLatin1String("/api/v3/klines"))
        return FakeEndpoint::Candles;
    if (m == "GET" && p == QLatin1String("/api/v3/account"))
        return FakeEndpoint::Balance;
    if (p == QLatin1String("/api/v3/order")) {
        if (m == "POST")
            return FakeEndpoint::OrderCreate;
        if (m == "GET")
            return FakeEndpoint::OrderQuery;
        if (m == "DELETE")
            return FakeEndpoint::OrderCancel;
    }
    if (m == "POST" && p == QLatin1String("/api/v3/order/test"))
        return FakeEndpoint::OrderTest;
    if (p == QLatin1String("/api/v3/openOrders")) {
        if (m == "GET")
            return FakeEndpoint::OpenOrders;
        if (m == "DELETE")
            return FakeEndpoint::CancelAll;
    }
    if (m == "GET" && p == QLatin1String("/api/v3/allOrders"))
        return FakeEndpoint::ClosedOrders;
    if (m == "GET" && p == QLatin1String("/api/v3/myTrades"))
        return FakeEndpoint::Trades;
    if (m == "GET"
        && (p == QLatin1String("/sapi/v1/capital/deposit/hisrec")
            || p == QLatin1String("/sapi/v1/capital/withdraw/history")))
        return FakeEndpoint::History;
    return FakeEndpoint::Other;
}

int FakeBinance::weightOf(const FakeRequest &request) const
{
    const Params params = parseParams(request);
    const bool one = params.has(QStringLiteral("symbol"));
    switch (request.endpoint) {
    case FakeEndpoint::Time:
        return 1;
    case FakeEndpoint::Markets:
        return 20;
    case FakeEndpoint::Ticker:
        return one ? 2 : 4;
    case FakeEndpoint::Balance:
        return 20;
    case FakeEndpoint::OrderCreate:
        return 1;
    case FakeEndpoint::OrderTest:
        return params.value(QStringLiteral("computeCommissionRates")) == QLatin1String("true") ? 20 : 1;
    case FakeEndpoint::OrderQuery:
        return 4;
    case FakeEndpoint::OrderCancel:
    case FakeEndpoint::CancelAll:
        return 1;
    case FakeEndpoint::OpenOrders:
        return one ? 6 : 80;
    case FakeEndpoint::ClosedOrders:
        return 20;
    case FakeEndpoint::Trades:
        return params.has(QStringLiteral("orderId")) ? 5 : 20;
    case FakeEndpoint::History:
        return 1;
    case FakeEndpoint::Candles:
        return 2;
    default:
        return 1;
    }
}

std::optional<FakeResponse> FakeBinance::admit(const FakeRequest &request)
{
    const qint64 now = request.receivedMs;
    auto banned = [this, now] {
        FakeResponse response = error(418, -1003, bannedUntil(m_banUntilMs));
        response.headers.append({"Retry-After", QByteArray::number(ceilSeconds(m_banUntilMs - now))});
        return response;
    };
    if (now < m_banUntilMs)
        return banned();
    if (now < m_backoffUntilMs) {
        // Kept going after a 429: auto-ban.
        m_banUntilMs = now + m_banMs;
        m_backoffUntilMs = 0;
        return banned();
    }
    if (m_windowStartMs == 0 || now >= m_windowStartMs + m_windowMs) {
        m_windowStartMs = now;
        m_usedWeight = 0;
    }
    const int weight = weightOf(request);
    if (m_usedWeight + weight > m_weightLimit) {
        m_backoffUntilMs = m_windowStartMs + m_windowMs;
        FakeResponse response = error(429, -1003, tooMuchWeight(m_weightLimit, windowText(m_windowMs)));
        response.headers.append({"Retry-After", QByteArray::number(ceilSeconds(m_backoffUntilMs - now))});
        return response;
    }
    m_usedWeight += weight;
    return std::nullopt;
}

FakeResponse FakeBinance::faultResponse(const FakeRequest &request, const FaultRule &rule)
{
    const qint64 now = request.receivedMs;
    switch (rule.kind) {
    case FaultKind::InvalidTimestamp:
        return badRequest(-1021, QStringLiteral("Timestamp for this request is outside of the recvWindow."));
    case FaultKind::RateLimited: {
        const qint64 seconds = rule.retryAfterSec > 0 ? rule.retryAfterSec : 1;
        m_backoffUntilMs = now + seconds * 1000;
        FakeResponse response =
            error(rule.httpStatus ? rule.httpStatus : 429, -1003, tooMuchWeight(m_weightLimit, windowText(m_windowMs)));
        response.headers.append({"Retry-After", QByteArray::number(seconds)});
        return response;
    }
    case FaultKind::Banned: {
        const qint64 seconds = rule.retryAfterSec > 0 ? rule.retryAfterSec : ceilSeconds(m_banMs);
        m_banUntilMs = now + seconds * 1000;
        FakeResponse response = error(rule.httpStatus ? rule.httpStatus : 418, -1003, bannedUntil(m_banUntilMs));
        response.headers.append({"Retry-After", QByteArray::number(seconds)});
        return response;
    }
    case FaultKind::ServiceUnavailable:
        return error(
            rule.httpStatus ? rule.httpStatus : 503, -1008,
            QStringLiteral("Server is currently overloaded with other requests. Please try again in a few minutes."));
    case FaultKind::UnknownStatusAfterAccept:
    default:
        return error(rule.httpStatus ? rule.httpStatus : 408, -1007,
                     QStringLiteral("Timeout waiting for response from backend server. Send status unknown; "
                                    "execution status unknown."));
    }
}

void FakeBinance::decorate(const FakeRequest &request, FakeResponse &response)
{
    // Gateway pages (5xx HTML or empty) come from in front of the API and carry no X-MBX headers.
    if (response.status >= 500 && !response.contentType.startsWith("application/json"))
        return;
    response.headers.append({"X-MBX-USED-WEIGHT-1M", QByteArray::number(m_usedWeight)});
    if (request.endpoint == FakeEndpoint::OrderCreate && response.status == 200) {
        const qint64 now = serverTimeMs();
        const auto since = [this](qint64 from) {
            return std::count_if(m_orderTimes.cbegin(), m_orderTimes.cend(), [from](qint64 t) { return t > from; });
        };
        response.headers.append({"X-MBX-ORDER-COUNT-10S", QByteArray::number(since(now - 10000))});
        response.headers.append({"X-MBX-ORDER-COUNT-1D", QByteArray::number(since(now - 86400000))});
    }
}

std::optional<FakeResponse> FakeBinance::authenticate(const FakeRequest &request, const Params &params,
                                                      const ProcessContext &context) const
{
    const QByteArray key = request.header("X-MBX-APIKEY");
    if (key.isEmpty() || !isAlnum(key))
        return error(401, -2014, QStringLiteral("API-key format invalid."));
    if (QString::fromLatin1(key) != m_apiKey)
        return error(401, -2015, QStringLiteral("Invalid API-key, IP, or permissions for action."));
    if (!params.duplicate.isEmpty())
        return badRequest(-1101, QStringLiteral("Duplicate values for a parameter detected."));

    const QString timestamp = params.value(QStringLiteral("timestamp"));
    if (!isDigits(timestamp))
        return mandatory(QStringLiteral("timestamp"));
    qint64 timestampUs = timestamp.toLongLong();
    if (timestampUs < 1000000000000000LL) // milliseconds (13 digits); microseconds have 16
        timestampUs *= 1000;

    qint64 windowUs = qint64(5000) * 1000;
    if (params.has(QStringLiteral("recvWindow"))) {
        static const QRegularExpression re(QStringLiteral("^[0-9]{1,20}(\\.[0-9]{1,3})?$"));
        const QString text = params.value(QStringLiteral("recvWindow"));
        if (!re.match(text).hasMatch())
            return mandatory(QStringLiteral("recvWindow"));
        const Decimal window = *Decimal::parse(text);
        if (window > Decimal::fromInt(60000))
            return badRequest(-1131, QStringLiteral("recvWindow must be less than 60000"));
        windowUs = (window * Decimal::fromInt(1000)).toFixed(0, RoundingMode::Down).toLongLong();
    }
    if (params.value(QStringLiteral("signature")).isEmpty())
        return mandatory(QStringLiteral("signature"));

    const qint64 arrivalUs = request.receivedMs * 1000;
    if (timestampUs >= arrivalUs + 1000000)
        return badRequest(-1021, QStringLiteral("Timestamp for this request was 1000ms ahead of the server's time."));
    if (arrivalUs - timestampUs > windowUs)
        return badRequest(-1021, QStringLiteral("Timestamp for this request is outside of the recvWindow."));

    QByteArray payload = stripSignature(request.rawQuery);
    if (request.method != "GET")
        payload += stripSignature(request.body);
    const QByteArray expected = crypto::hmacSha256(m_secretKey.toUtf8(), payload).toHex();
    const QByteArray given = params.value(QStringLiteral("signature")).toLatin1().toLower();
    if (!crypto::equalConstantTime(expected, given))
        return badRequest(-1022, QStringLiteral("Signature for this request is not valid."));

    // Checked again just before the matching engine (matters after a DelayBeforeAccept).
    if (context.nowMs * 1000 - timestampUs > windowUs)
        return badRequest(-1021, QStringLiteral("Timestamp for this request is outside of the recvWindow."));
    return std::nullopt;
}

FakeResponse FakeBinance::process(const FakeRequest &request, const ProcessContext &context)
{
    const Params params = parseParams(request);
    switch (request.endpoint) {
    case FakeEndpoint::Time:
        return FakeResponse::json(200, QJsonObject{{QStringLiteral("serverTime"), context.nowMs}});
    case FakeEndpoint::Markets:
        return handleExchangeInfo(params);
    case FakeEndpoint::Ticker:
        return handleTicker(params, request.path.endsWith(QLatin1String("bookTicker")));
    case FakeEndpoint::Candles:
        return handleKlines(params, context.nowMs);
    case FakeEndpoint::Other:
        if (request.method == "GET" && request.path == QLatin1String("/api/v3/ping"))
            return FakeResponse::json(200, QJsonObject{});
        return FakeResponse::gateway(404, false);
    default:
        break;
    }
    if (auto failure = authenticate(request, params, context))
        return *failure;
    switch (request.endpoint) {
    case FakeEndpoint::Balance:
        return handleAccount(params);
    case FakeEndpoint::OrderCreate:
        return handleNewOrder(params, context, false);
    case FakeEndpoint::OrderTest:
        return handleNewOrder(params, context, true);
    case FakeEndpoint::OrderQuery:
        return handleQueryOrder(params, context);
    case FakeEndpoint::OrderCancel:
        return handleCancelOrder(params, context);
    case FakeEndpoint::OpenOrders:
        return handleOpenOrders(params, context);
    case FakeEndpoint::CancelAll:
        return handleCancelAll(params, context);
    case FakeEndpoint::ClosedOrders:
        return handleAllOrders(params, context);
    case FakeEndpoint::Trades:
        return handleMyTrades(params, context);
    case FakeEndpoint::History:
        return handleMovements(params, context, request.path.contains(QLatin1String("deposit")));
    default:
        return FakeResponse::gateway(404, false);
    }
}

std::optional<FakeResponse> FakeBinance::control(const QString &name, const QJsonObject &args)
{
    if (name == QLatin1String("limits")) {
        if (args.contains(QStringLiteral("weightLimit")))
            setWeightLimit(args.value(QStringLiteral("weightLimit")).toInt(),
                           args.value(QStringLiteral("windowMs")).toInteger(m_windowMs));
        if (args.contains(QStringLiteral("banMs")))
            m_banMs = args.value(QStringLiteral("banMs")).toInteger();
        return FakeResponse::json(200,
                                  QJsonObject{{QStringLiteral("ok"), true},
                                              {QStringLiteral("weightLimit"), m_weightLimit},
                                              {QStringLiteral("windowMs"), m_windowMs},
                                              {QStringLiteral("banMs"), m_banMs}});
    }
    if (name == QLatin1String("symbolStatus")) {
        BinanceSymbol *s = symbol(args.value(QStringLiteral("symbol")).toString());
        if (!s)
            return FakeResponse::json(400, QJsonObject{{QStringLiteral("error"), QStringLiteral("unknown symbol")}});
        s->status = args.value(QStringLiteral("status")).toString(QStringLiteral("TRADING"));
        return FakeResponse::json(200, QJsonObject{{QStringLiteral("ok"), true}});
    }
    return std::nullopt;
}

// ---------------------------------------------------------------------------------------------
// Market data

QJsonObject FakeBinance::symbolJson(const BinanceSymbol &s) const
{
    QJsonArray filters;
    if (s.priceFilter) {
        filters.append(QJsonObject{{QStringLiteral("filterType"), QStringLiteral("PRICE_FILTER")},
                                   {QStringLiteral("minPrice"), fixed(s.priceFilter->minPrice)},
                                   {QStringLiteral("maxPrice"), fixed(s.priceFilter->maxPrice)},
                                   {QStringLiteral("tickSize"), fixed(s.priceFilter->tickSize)}});
    }
    if (s.lotSize) {
        filters.append(QJsonObject{{QStringLiteral("filterType"), QStringLiteral("LOT_SIZE")},
                                   {QStringLiteral("minQty"), fixed(s.lotSize->minQty)},
                                   {QStringLiteral("maxQty"), fixed(s.lotSize->maxQty)},
                                   {QStringLiteral("stepSize"), fixed(s.lotSize->stepSize)}});
    }
    if (s.minNotional) {
        filters.append(QJsonObject{{QStringLiteral("filterType"), QStringLiteral("MIN_NOTIONAL")},
                                   {QStringLiteral("minNotional"), fixed(s.minNotional->minNotional)},
                                   {QStringLiteral("applyToMarket"), s.minNotional->applyToMarket},
                                   {QStringLiteral("avgPriceMins"), s.minNotional->avgPriceMins}});
    }
    if (s.marketLotSize) {
        filters.append(QJsonObject{{QStringLiteral("filterType"), QStringLiteral("MARKET_LOT_SIZE")},
                                   {QStringLiteral("minQty"), fixed(s.marketLotSize->minQty)},
                                   {QStringLiteral("maxQty"), fixed(s.marketLotSize->maxQty)},
                                   {QStringLiteral("stepSize"), fixed(s.marketLotSize->stepSize)}});
    }
    if (s.notional) {
        filters.append(QJsonObject{{QStringLiteral("filterType"), QStringLiteral("NOTIONAL")},
                                   {QStringLiteral("minNotional"), fixed(s.notional->minNotional)},
                                   {QStringLiteral("applyMinToMarket"), s.notional->applyMinToMarket},
                                   {QStringLiteral("maxNotional"), fixed(s.notional->maxNotional)},
                                   {QStringLiteral("applyMaxToMarket"), s.notional->applyMaxToMarket},
                                   {QStringLiteral("avgPriceMins"), s.notional->avgPriceMins}});
    }
    if (s.maxNumOrders > 0) {
        filters.append(QJsonObject{{QStringLiteral("filterType"), QStringLiteral("MAX_NUM_ORDERS")},
                                   {QStringLiteral("maxNumOrders"), s.maxNumOrders}});
    }
    return QJsonObject{
        {QStringLiteral("symbol"), s.symbol},
        {QStringLiteral("status"), s.status},
        {QStringLiteral("baseAsset"), s.baseAsset},
        {QStringLiteral("baseAssetPrecision"), s.baseAssetPrecision},
        {QStringLiteral("quoteAsset"), s.quoteAsset},
        {QStringLiteral("quotePrecision"), s.quotePrecision},
        {QStringLiteral("quoteAssetPrecision"), s.quoteAssetPrecision},
        {QStringLiteral("baseCommissionPrecision"), s.baseCommissionPrecision},
        {QStringLiteral("quoteCommissionPrecision"), s.quoteCommissionPrecision},
        {QStringLiteral("orderTypes"),
         QJsonArray{QStringLiteral("LIMIT"), QStringLiteral("LIMIT_MAKER"), QStringLiteral("MARKET"),
                    QStringLiteral("STOP_LOSS_LIMIT"), QStringLiteral("TAKE_PROFIT_LIMIT")}},
        {QStringLiteral("icebergAllowed"), true},
        {QStringLiteral("ocoAllowed"), true},
        {QStringLiteral("otoAllowed"), true},
        {QStringLiteral("quoteOrderQtyMarketAllowed"), s.quoteOrderQtyMarketAllowed},
        {QStringLiteral("allowTrailingStop"), true},
        {QStringLiteral("cancelReplaceAllowed"), true},
        {QStringLiteral("amendAllowed"), true},
        {QStringLiteral("isSpotTradingAllowed"), true},
        {QStringLiteral("isMarginTradingAllowed"), false},
        {QStringLiteral("filters"), filters},
        {QStringLiteral("permissions"), QJsonArray{}},
        {QStringLiteral("permissionSets"), QJsonArray{QJsonArray{QStringLiteral("SPOT")}}},
        {QStringLiteral("defaultSelfTradePreventionMode"), QStringLiteral("EXPIRE_MAKER")},
        {QStringLiteral("allowedSelfTradePreventionModes"),
         QJsonArray{QStringLiteral("NONE"), QStringLiteral("EXPIRE_TAKER"), QStringLiteral("EXPIRE_MAKER"),
                    QStringLiteral("EXPIRE_BOTH")}},
    };
}

FakeCandleHistory FakeBinance::candleHistory(const QString &symbol) const
{
    if (auto it = m_candleHistory.constFind(symbol); it != m_candleHistory.cend())
        return *it;
    FakeCandleHistory history;
    history.basePrice = 10.0 + static_cast<double>(qHash(symbol, 7) % 5000);
    return history;
}

FakeResponse FakeBinance::handleKlines(const Params &params, qint64 nowMs) const
{
    static const QHash<QString, qint64> intervals = {
        {QStringLiteral("1m"), 60'000},      {QStringLiteral("3m"), 180'000},     {QStringLiteral("5m"), 300'000},
        {QStringLiteral("15m"), 900'000},    {QStringLiteral("30m"), 1'800'000},  {QStringLiteral("1h"), 3'600'000},
        {QStringLiteral("2h"), 7'200'000},   {QStringLiteral("4h"), 14'400'000},  {QStringLiteral("6h"), 21'600'000},
        {QStringLiteral("8h"), 28'800'000},  {QStringLiteral("12h"), 43'200'000}, {QStringLiteral("1d"), 86'400'000},
        {QStringLiteral("3d"), 259'200'000}, {QStringLiteral("1w"), 604'800'000},
    };
    for (const char *name : {"symbol", "interval"}) {
        if (params.value(QLatin1String(name)).isEmpty())
            return mandatory(QLatin1String(name));
    }
    const QString symbol = params.value(QStringLiteral("symbol"));
    if (!m_symbols.contains(symbol) && !m_candleHistory.contains(symbol))
        return badRequest(-1121, QStringLiteral("Invalid symbol."));
    const qint64 intervalMs = intervals.value(params.value(QStringLiteral("interval")));
    if (intervalMs == 0)
        return badRequest(-1120, QStringLiteral("Invalid interval."));
    const auto number = [&](const QString &name, qint64 fallback, bool &ok) {
        ok = true;
        if (!params.has(name))
            return fallback;
        const qint64 value = params.value(name).toLongLong(&ok);
        return value;
    };
    bool ok = true;
    const qint64 limit = number(QStringLiteral("limit"), 500, ok);
    if (!ok)
        return illegal(QStringLiteral("limit"), QStringLiteral("^[0-9]{1,20}$"));
    if (limit < 1 || limit > 1000)
        return badRequest(-1130, QStringLiteral("Invalid data sent for a parameter."));
    const qint64 endTime = number(QStringLiteral("endTime"), nowMs, ok);
    if (!ok)
        return illegal(QStringLiteral("endTime"), QStringLiteral("^[0-9]{1,20}$"));
    const bool hasStart = params.has(QStringLiteral("startTime"));
    const qint64 startTime = number(QStringLiteral("startTime"), 0, ok);
    if (!ok)
        return illegal(QStringLiteral("startTime"), QStringLiteral("^[0-9]{1,20}$"));
    if (hasStart && startTime > endTime)
        return badRequest(-1023, QStringLiteral("Start time is greater than end time."));

    const FakeCandleHistory history = candleHistory(symbol);
    // From startTime forward; without it, the most recent bars before endTime.
    const qint64 from = hasStart
        ? startTime + (intervalMs - ((startTime % intervalMs) + intervalMs) % intervalMs) % intervalMs
        : endTime - (limit - 1) * intervalMs;
    QList<FakeBar> bars = fakeBars(history, intervalMs, from, endTime, nowMs);
    if (bars.size() > limit)
        bars = hasStart ? bars.first(limit) : bars.last(limit);
    QJsonArray rows;
    for (const FakeBar &bar : std::as_const(bars)) {
        const auto text = [](double value) { return QString::number(value, 'f', 8); };
        rows.append(QJsonArray{bar.openMs, text(bar.open), text(bar.high), text(bar.low), text(bar.close),
                               text(bar.volume), bar.openMs + intervalMs - 1, text(bar.volume * bar.close),
                               static_cast<qint64>(bar.volume), text(bar.volume / 2), text(bar.volume * bar.close / 2),
                               QStringLiteral("0")});
    }
    return FakeResponse::json(200, rows);
}

FakeResponse FakeBinance::handleExchangeInfo(const Params &params) const
{
    QStringList wanted;
    if (params.has(QStringLiteral("symbol"))) {
        wanted.append(params.value(QStringLiteral("symbol")));
    } else if (params.has(QStringLiteral("symbols"))) {
        const QJsonDocument doc = QJsonDocument::fromJson(params.value(QStringLiteral("symbols")).toUtf8());
        if (!doc.isArray())
            return illegal(QStringLiteral("symbols"), symbolsRange());
        for (const auto &v : doc.array())
            wanted.append(v.toString());
    } else {
        wanted = m_symbolOrder;
    }
    QJsonArray symbols;
    for (const QString &name : std::as_const(wanted)) {
        auto it = m_symbols.constFind(name);
        if (it == m_symbols.cend())
            return badRequest(-1121, QStringLiteral("Invalid symbol."));
        symbols.append(symbolJson(*it));
    }
    const bool minute = m_windowMs % 60000 == 0;
    QJsonArray limits{
        QJsonObject{{QStringLiteral("rateLimitType"), QStringLiteral("REQUEST_WEIGHT")},
                    {QStringLiteral("interval"), minute ? QStringLiteral("MINUTE") : QStringLiteral("SECOND")},
                    {QStringLiteral("intervalNum"), minute ? m_windowMs / 60000 : qMax<qint64>(1, m_windowMs / 1000)},
                    {QStringLiteral("limit"), m_weightLimit}},
        QJsonObject{{QStringLiteral("rateLimitType"), QStringLiteral("ORDERS")},
                    {QStringLiteral("interval"), QStringLiteral("SECOND")},
                    {QStringLiteral("intervalNum"), 10},
                    {QStringLiteral("limit"), 100}},
        QJsonObject{{QStringLiteral("rateLimitType"), QStringLiteral("ORDERS")},
                    {QStringLiteral("interval"), QStringLiteral("DAY")},
                    {QStringLiteral("intervalNum"), 1},
                    {QStringLiteral("limit"), 200000}},
        QJsonObject{{QStringLiteral("rateLimitType"), QStringLiteral("RAW_REQUESTS")},
                    {QStringLiteral("interval"), QStringLiteral("MINUTE")},
                    {QStringLiteral("intervalNum"), 5},
                    {QStringLiteral("limit"), 61000}},
    };
    return FakeResponse::json(200,
                              QJsonObject{
                                  {QStringLiteral("timezone"), QStringLiteral("UTC")},
                                  {QStringLiteral("serverTime"), serverTimeMs()},
                                  {QStringLiteral("rateLimits"), limits},
                                  {QStringLiteral("exchangeFilters"), QJsonArray{}},
                                  {QStringLiteral("symbols"), symbols},
                              });
}

FakeResponse FakeBinance::handleTicker(const Params &params, bool bookTicker) const
{
    const auto entry = [this, bookTicker](const QString &name) {
        const BookMarket *m = book().market(name);
        if (!bookTicker)
            return QJsonObject{{QStringLiteral("symbol"), name}, {QStringLiteral("price"), fixed(m->last)}};
        return QJsonObject{{QStringLiteral("symbol"), name},
                           {QStringLiteral("bidPrice"), fixed(book().bestBid(name))},
                           {QStringLiteral("bidQty"), fixed(m->bookQty)},
                           {QStringLiteral("askPrice"), fixed(book().bestAsk(name))},
                           {QStringLiteral("askQty"), fixed(m->bookQty)}};
    };
    if (params.has(QStringLiteral("symbol"))) {
        const QString name = params.value(QStringLiteral("symbol"));
        if (!m_symbols.contains(name))
            return badRequest(-1121, QStringLiteral("Invalid symbol."));
        return FakeResponse::json(200, entry(name));
    }
    QStringList names = m_symbolOrder;
    if (params.has(QStringLiteral("symbols"))) {
        const QJsonDocument doc = QJsonDocument::fromJson(params.value(QStringLiteral("symbols")).toUtf8());
        if (!doc.isArray())
            return illegal(QStringLiteral("symbols"), symbolsRange());
        names.clear();
        for (const auto &v : doc.array()) {
            if (!m_symbols.contains(v.toString()))
                return badRequest(-1121, QStringLiteral("Invalid symbol."));
            names.append(v.toString());
        }
    }
    QJsonArray all;
    for (const QString &name : std::as_const(names))
        all.append(entry(name));
    return FakeResponse::json(200, all);
}

// ---------------------------------------------------------------------------------------------
// Account and orders

FakeResponse FakeBinance::handleAccount(const Params &params) const
{
    const bool omitZero = params.value(QStringLiteral("omitZeroBalances")) == QLatin1String("true");
    QJsonArray balances;
    for (const QString &asset : book().assets()) {
        const Decimal free = book().free(asset);
        const Decimal locked = book().locked(asset);
        if (omitZero && free.isZero() && locked.isZero())
            continue;
        balances.append(QJsonObject{{QStringLiteral("asset"), asset},
                                    {QStringLiteral("free"), fixed(free)},
                                    {QStringLiteral("locked"), fixed(locked)}});
    }
    return FakeResponse::json(200,
                              QJsonObject{
                                  {QStringLiteral("makerCommission"), commissionBps(m_makerRate)},
                                  {QStringLiteral("takerCommission"), commissionBps(m_takerRate)},
                                  {QStringLiteral("buyerCommission"), 0},
                                  {QStringLiteral("sellerCommission"), 0},
                                  {QStringLiteral("commissionRates"),
                                   QJsonObject{{QStringLiteral("maker"), fixed(m_makerRate)},
                                               {QStringLiteral("taker"), fixed(m_takerRate)},
                                               {QStringLiteral("buyer"), fixed(Decimal())},
                                               {QStringLiteral("seller"), fixed(Decimal())}}},
                                  {QStringLiteral("canTrade"), true},
                                  {QStringLiteral("canWithdraw"), true},
                                  {QStringLiteral("canDeposit"), true},
                                  {QStringLiteral("brokered"), false},
                                  {QStringLiteral("requireSelfTradePrevention"), false},
                                  {QStringLiteral("preventSor"), false},
                                  {QStringLiteral("updateTime"), serverTimeMs()},
                                  {QStringLiteral("accountType"), QStringLiteral("SPOT")},
                                  {QStringLiteral("balances"), balances},
                                  {QStringLiteral("permissions"), QJsonArray{QStringLiteral("SPOT")}},
                                  {QStringLiteral("uid"), 354937868},
                              });
}

QString FakeBinance::newClientId()
{
    static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    QString id;
    for (int i = 0; i < 22; ++i)
        id.append(QLatin1Char(alphabet[m_idRandom.bounded(62)]));
    return id;
}

std::optional<FakeResponse> FakeBinance::parseNewOrder(const Params &params, qint64 nowMs, NewOrder &out) const
{
    const QString symbolName = params.value(QStringLiteral("symbol"));
    if (symbolName.isEmpty())
        return mandatory(QStringLiteral("symbol"));
    auto symbolIt = m_symbols.constFind(symbolName);
    if (symbolIt == m_symbols.cend())
        return badRequest(-1121, QStringLiteral("Invalid symbol."));
    const BinanceSymbol &sym = *symbolIt;
    out.symbol = &sym;
    PlaceSpec &spec = out.spec;
    spec.symbol = symbolName;
    spec.nowMs = nowMs;

    const QString side = params.value(QStringLiteral("side"));
    if (side.isEmpty())
        return mandatory(QStringLiteral("side"));
    if (side != QLatin1String("BUY") && side != QLatin1String("SELL"))
        return badRequest(-1117, QStringLiteral("Invalid side."));
    spec.side = side == QLatin1String("BUY") ? Side::Buy : Side::Sell;

    const QString type = params.value(QStringLiteral("type"));
    if (type.isEmpty())
        return mandatory(QStringLiteral("type"));
    if (type != QLatin1String("LIMIT") && type != QLatin1String("MARKET"))
        return badRequest(-1116, QStringLiteral("Invalid orderType."));
    spec.type = type == QLatin1String("LIMIT") ? OrderType::Limit : OrderType::Market;
    const bool limit = spec.type == OrderType::Limit;

    const QString tif = params.value(QStringLiteral("timeInForce"));
    if (limit) {
        if (tif.isEmpty())
            return mandatory(QStringLiteral("timeInForce"));
        if (tif == QLatin1String("GTC"))
            spec.timeInForce = TimeInForce::Gtc;
        else if (tif == QLatin1String("IOC"))
            spec.timeInForce = TimeInForce::Ioc;
        else if (tif == QLatin1String("FOK"))
            spec.timeInForce = TimeInForce::Fok;
        else
            return badRequest(-1115, QStringLiteral("Invalid timeInForce."));
    } else if (params.has(QStringLiteral("timeInForce"))) {
        return badRequest(-1106, QStringLiteral("Parameter 'timeInForce' sent when not required."));
    }

    const bool hasQty = params.has(QStringLiteral("quantity"));
    const bool hasQuote = params.has(QStringLiteral("quoteOrderQty"));
    const bool hasPrice = params.has(QStringLiteral("price"));
    if (limit) {
        if (hasQuote)
            return badRequest(-1106, QStringLiteral("Parameter 'quoteOrderQty' sent when not required."));
        if (!hasQty || params.value(QStringLiteral("quantity")).isEmpty())
            return mandatory(QStringLiteral("quantity"));
        if (!hasPrice || params.value(QStringLiteral("price")).isEmpty())
            return mandatory(QStringLiteral("price"));
    } else {
        if (hasPrice)
            return badRequest(-1106, QStringLiteral("Parameter 'price' sent when not required."));
        if (!hasQty && !hasQuote)
            return badRequest(
                -1102, QStringLiteral("Param 'quantity' or 'quoteOrderQty' must be sent, but both were empty/null!"));
        if (hasQty && hasQuote)
            return badRequest(-1106, QStringLiteral("Parameter 'quoteOrderQty' sent when not required."));
    }

    struct Numeric
    {
        const char *name;
        int precision;
        Decimal *target;
    };
    const Numeric numerics[] = {
        {"quantity", sym.baseAssetPrecision, &spec.qty},
        {"quoteOrderQty", sym.quoteAssetPrecision, &spec.quoteQty},
        {"price", sym.quotePrecision, &spec.price},
    };
    for (const Numeric &n : numerics) {
        const QString name = QString::fromLatin1(n.name);
        if (!params.has(name))
            continue;
        const QString text = params.value(name);
        if (!matchesNumber(text))
            return illegal(name, numberRange());
        const auto parsed = Decimal::parse(text);
        if (!parsed || parsed->scale() > n.precision)
            return badRequest(-1111, QStringLiteral("Parameter '%1' has too much precision.").arg(name));
        *n.target = *parsed;
    }

    if (params.has(QStringLiteral("newClientOrderId"))) {
        const QString id = params.value(QStringLiteral("newClientOrderId"));
        if (!matchesClientId(id))
            return illegal(QStringLiteral("newClientOrderId"), clientIdRange());
        spec.clientOrderId = id;
    }
    out.respType = params.has(QStringLiteral("newOrderRespType")) ? params.value(QStringLiteral("newOrderRespType"))
                                                                  : QStringLiteral("FULL");
    if (out.respType != QLatin1String("ACK") && out.respType != QLatin1String("RESULT")
        && out.respType != QLatin1String("FULL"))
        return illegal(QStringLiteral("newOrderRespType"), QStringLiteral("ACK, RESULT, FULL"));

    out.estimatedQty = spec.qty;
    if (hasQuote) {
        if (!sym.quoteOrderQtyMarketAllowed)
            return badRequest(-2010, QStringLiteral("Quote order qty market orders are not support for this symbol."));
        const Decimal best = spec.side == Side::Buy ? book().bestAsk(symbolName) : book().bestBid(symbolName);
        const Decimal step = sym.lotSize ? sym.lotSize->stepSize : Decimal();
        if (best.isPositive()) {
            const Decimal raw = spec.quoteQty / best;
            out.estimatedQty =
                step.isPositive() ? raw.floorToStep(step) : raw.rounded(sym.baseAssetPrecision, RoundingMode::Down);
        }
    }
    return std::nullopt;
}

std::optional<FakeResponse> FakeBinance::checkFilters(const NewOrder &order) const
{
    const BinanceSymbol &s = *order.symbol;
    const PlaceSpec &spec = order.spec;
    const bool market = spec.type == OrderType::Market;
    const Decimal qty = order.estimatedQty;
    const Decimal price = market ? book().market(s.symbol)->last : spec.price;
    const Decimal notional = market && spec.quoteQty.isPositive() ? spec.quoteQty : price * qty;
    const auto failure = [](const char *filter) {
        return badRequest(-1013, QStringLiteral("Filter failure: %1").arg(QLatin1String(filter)));
    };

    if (!market && s.priceFilter
        && !inRange(price, s.priceFilter->minPrice, s.priceFilter->maxPrice, s.priceFilter->tickSize))
        return failure("PRICE_FILTER");
    if (s.lotSize && !inRange(qty, s.lotSize->minQty, s.lotSize->maxQty, s.lotSize->stepSize))
        return failure("LOT_SIZE");
    if (s.minNotional && (!market || s.minNotional->applyToMarket) && notional < s.minNotional->minNotional)
        return failure("MIN_NOTIONAL");
    if (market && s.marketLotSize
        && !inRange(qty, s.marketLotSize->minQty, s.marketLotSize->maxQty, s.marketLotSize->stepSize))
        return failure("MARKET_LOT_SIZE");
    if (s.notional) {
        if ((!market || s.notional->applyMinToMarket) && notional < s.notional->minNotional)
            return failure("NOTIONAL");
        if ((!market || s.notional->applyMaxToMarket) && s.notional->maxNotional.isPositive()
            && notional > s.notional->maxNotional)
            return failure("NOTIONAL");
    }
    if (!market && s.maxNumOrders > 0) {
        const auto open = std::count_if(book().orders().cbegin(), book().orders().cend(),
                                        [&s](const BookOrder &o) { return o.isOpen() && o.symbol == s.symbol; });
        if (open >= s.maxNumOrders)
            return failure("MAX_NUM_ORDERS");
    }
    if (!qty.isPositive())
        return badRequest(-1013, QStringLiteral("Invalid quantity."));
    if (!market && !price.isPositive())
        return badRequest(-1013, QStringLiteral("Invalid price."));
    return std::nullopt;
}

FakeResponse FakeBinance::handleNewOrder(const Params &params, const ProcessContext &context, bool testOnly)
{
    NewOrder order;
    if (auto failure = parseNewOrder(params, context.nowMs, order))
        return *failure;
    if (auto failure = checkFilters(order))
        return *failure;
    if (order.symbol->status != QLatin1String("TRADING"))
        return badRequest(-2010, QStringLiteral("Market is closed."));
    if (context.has(FaultKind::InsufficientBalance))
        return badRequest(-2010, insufficientBalanceMessage());
    if (testOnly) {
        if (params.value(QStringLiteral("computeCommissionRates")) != QLatin1String("true"))
            return FakeResponse::json(200, QJsonObject{});
        return FakeResponse::json(
            200,
            QJsonObject{
                {QStringLiteral("standardCommissionForOrder"),
                 QJsonObject{{QStringLiteral("maker"), fixed(m_makerRate)},
                             {QStringLiteral("taker"), fixed(m_takerRate)}}},
                {QStringLiteral("taxCommissionForOrder"),
                 QJsonObject{{QStringLiteral("maker"), fixed(Decimal())}, {QStringLiteral("taker"), fixed(Decimal())}}},
                {QStringLiteral("discount"),
                 QJsonObject{{QStringLiteral("enabledForAccount"), true},
                             {QStringLiteral("enabledForSymbol"), true},
                             {QStringLiteral("discountAsset"), QStringLiteral("BNB")},
                             {QStringLiteral("discount"), fixed(dec("0.25"))}}},
            });
    }
    if (order.spec.clientOrderId.isEmpty())
        order.spec.clientOrderId = newClientId();
    if (context.has(FaultKind::DelayedVisibility))
        order.spec.visibleFromMs = context.nowMs + context.fault->delayMs;

    const PlaceResult placed = book().place(order.spec);
    switch (placed.error) {
    case PlaceError::None:
        break;
    case PlaceError::DuplicateClientId:
        return badRequest(-2010, QStringLiteral("Duplicate order sent."));
    case PlaceError::InsufficientBalance:
        return badRequest(-2010, insufficientBalanceMessage());
    case PlaceError::ZeroQuantity:
        return badRequest(-1013, QStringLiteral("Filter failure: LOT_SIZE"));
    case PlaceError::UnknownSymbol:
        return badRequest(-1121, QStringLiteral("Invalid symbol."));
    }
    m_orderTimes.append(context.nowMs);
    const BookOrder &o = placed.order;
    if (order.respType == QLatin1String("ACK")) {
        return FakeResponse::json(200,
                                  QJsonObject{{QStringLiteral("symbol"), o.symbol},
                                              {QStringLiteral("orderId"), o.id},
                                              {QStringLiteral("orderListId"), -1},
                                              {QStringLiteral("clientOrderId"), o.clientOrderId},
                                              {QStringLiteral("transactTime"), context.nowMs}});
    }
    return FakeResponse::json(200, orderResultJson(o, context.nowMs, order.respType == QLatin1String("FULL")));
}

QString FakeBinance::qtyText(const BookOrder &order, const Decimal &value) const
{
    const auto it = m_symbols.constFind(order.symbol);
    return fixed(value, it == m_symbols.cend() ? 8 : it->baseAssetPrecision);
}

QString FakeBinance::priceText(const BookOrder &order, const Decimal &value) const
{
    const auto it = m_symbols.constFind(order.symbol);
    return fixed(value, it == m_symbols.cend() ? 8 : it->quotePrecision);
}

QJsonObject FakeBinance::orderResultJson(const BookOrder &o, qint64 transactTime, bool withFills) const
{
    QJsonObject json{
        {QStringLiteral("symbol"), o.symbol},
        {QStringLiteral("orderId"), o.id},
        {QStringLiteral("orderListId"), -1},
        {QStringLiteral("clientOrderId"), o.clientOrderId},
        {QStringLiteral("transactTime"), transactTime},
        {QStringLiteral("price"), priceText(o, o.price)},
        {QStringLiteral("origQty"), qtyText(o, o.origQty)},
        {QStringLiteral("executedQty"), qtyText(o, o.executedQty)},
        {QStringLiteral("origQuoteOrderQty"), priceText(o, o.origQuoteQty)},
        {QStringLiteral("cummulativeQuoteQty"), priceText(o, o.cumQuote)},
        {QStringLiteral("status"), statusName(o.status)},
        {QStringLiteral("timeInForce"), tifName(o.timeInForce)},
        {QStringLiteral("type"), typeName(o.type)},
        {QStringLiteral("side"), sideName(o.side)},
        {QStringLiteral("workingTime"), o.createdMs},
        {QStringLiteral("selfTradePreventionMode"), QStringLiteral("NONE")},
    };
    if (o.status == OrderStatus::Expired && !o.expiryReason.isEmpty())
        json.insert(QStringLiteral("expiryReason"), o.expiryReason);
    if (withFills) {
        QJsonArray fills;
        for (const BookFill &f : o.fills) {
            fills.append(QJsonObject{{QStringLiteral("price"), priceText(o, f.price)},
                                     {QStringLiteral("qty"), qtyText(o, f.qty)},
                                     {QStringLiteral("commission"), fixed(f.commission)},
                                     {QStringLiteral("commissionAsset"), f.commissionAsset},
                                     {QStringLiteral("tradeId"), f.tradeId}});
        }
        json.insert(QStringLiteral("fills"), fills);
    }
    return json;
}

QJsonObject FakeBinance::orderQueryJson(const BookOrder &o) const
{
    QJsonObject json{
        {QStringLiteral("symbol"), o.symbol},
        {QStringLiteral("orderId"), o.id},
        {QStringLiteral("orderListId"), -1},
        {QStringLiteral("clientOrderId"), o.clientOrderId},
        {QStringLiteral("price"), priceText(o, o.price)},
        {QStringLiteral("origQty"), qtyText(o, o.origQty)},
        {QStringLiteral("executedQty"), qtyText(o, o.executedQty)},
        {QStringLiteral("cummulativeQuoteQty"), priceText(o, o.cumQuote)},
        {QStringLiteral("status"), statusName(o.status)},
        {QStringLiteral("timeInForce"), tifName(o.timeInForce)},
        {QStringLiteral("type"), typeName(o.type)},
        {QStringLiteral("side"), sideName(o.side)},
        {QStringLiteral("stopPrice"), priceText(o, Decimal())},
        {QStringLiteral("icebergQty"), qtyText(o, Decimal())},
        {QStringLiteral("time"), o.createdMs},
        {QStringLiteral("updateTime"), o.updatedMs},
        {QStringLiteral("isWorking"), true},
        {QStringLiteral("workingTime"), o.createdMs},
        {QStringLiteral("origQuoteOrderQty"), priceText(o, o.origQuoteQty)},
        {QStringLiteral("selfTradePreventionMode"), QStringLiteral("NONE")},
    };
    if (o.status == OrderStatus::Expired && !o.expiryReason.isEmpty())
        json.insert(QStringLiteral("expiryReason"), o.expiryReason);
    return json;
}

QJsonObject FakeBinance::cancelJson(const BookOrder &o, const QString &cancelClientId, qint64 nowMs) const
{
    return QJsonObject{
        {QStringLiteral("symbol"), o.symbol},
        {QStringLiteral("origClientOrderId"), o.clientOrderId},
        {QStringLiteral("orderId"), o.id},
        {QStringLiteral("orderListId"), -1},
        {QStringLiteral("clientOrderId"), cancelClientId},
        {QStringLiteral("transactTime"), nowMs},
        {QStringLiteral("price"), priceText(o, o.price)},
        {QStringLiteral("origQty"), qtyText(o, o.origQty)},
        {QStringLiteral("executedQty"), qtyText(o, o.executedQty)},
        {QStringLiteral("origQuoteOrderQty"), priceText(o, o.origQuoteQty)},
        {QStringLiteral("cummulativeQuoteQty"), priceText(o, o.cumQuote)},
        {QStringLiteral("status"), statusName(o.status)},
        {QStringLiteral("timeInForce"), tifName(o.timeInForce)},
        {QStringLiteral("type"), typeName(o.type)},
        {QStringLiteral("side"), sideName(o.side)},
        {QStringLiteral("selfTradePreventionMode"), QStringLiteral("NONE")},
    };
}

const BookOrder *FakeBinance::lookup(const QString &symbolName, const Params &params, qint64 nowMs,
                                     std::optional<FakeResponse> &failure, bool forCancel) const
{
    if (symbolName.isEmpty()) {
        failure = mandatory(QStringLiteral("symbol"));
        return nullptr;
    }
    if (!m_symbols.contains(symbolName)) {
        failure = badRequest(-1121, QStringLiteral("Invalid symbol."));
        return nullptr;
    }
    const QString orderId = params.value(QStringLiteral("orderId"));
    const QString clientId = params.value(QStringLiteral("origClientOrderId"));
    if (orderId.isEmpty() && clientId.isEmpty()) {
        failure = badRequest(
            -1102, QStringLiteral("Param 'origClientOrderId' or 'orderId' must be sent, but both were empty/null!"));
        return nullptr;
    }
    const FakeResponse notFound = forCancel ? badRequest(-2011, QStringLiteral("Unknown order sent."))
                                            : badRequest(-2013, QStringLiteral("Order does not exist."));
    const BookOrder *found = nullptr;
    if (!orderId.isEmpty()) {
        if (!isDigits(orderId)) {
            failure = mandatory(QStringLiteral("orderId"));
            return nullptr;
        }
        const BookOrder *o = book().order(orderId.toLongLong());
        if (o && o->symbol == symbolName && isVisible(*o, nowMs))
            found = o;
        if (found && !clientId.isEmpty() && found->clientOrderId != clientId) {
            failure = badRequest(-2039, QStringLiteral("Client order ID is not correct for this order ID."));
            return nullptr;
        }
    } else {
        for (const BookOrder &o : book().orders()) {
            if (o.symbol == symbolName && o.clientOrderId == clientId && isVisible(o, nowMs))
                found = &o;
        }
    }
    if (!found)
        failure = notFound;
    return found;
}

FakeResponse FakeBinance::handleQueryOrder(const Params &params, const ProcessContext &context) const
{
    std::optional<FakeResponse> failure;
    const BookOrder *o = lookup(params.value(QStringLiteral("symbol")), params, context.nowMs, failure, false);
    if (!o)
        return *failure;
    if (context.has(FaultKind::OrderNotFound))
        return badRequest(-2013, QStringLiteral("Order does not exist."));
    return FakeResponse::json(200, orderQueryJson(*o));
}

FakeResponse FakeBinance::handleCancelOrder(const Params &params, const ProcessContext &context)
{
    std::optional<FakeResponse> failure;
    const BookOrder *o = lookup(params.value(QStringLiteral("symbol")), params, context.nowMs, failure, true);
    if (!o)
        return *failure;
    if (context.has(FaultKind::OrderNotFound) || !o->isOpen())
        return badRequest(-2011, QStringLiteral("Unknown order sent."));
    QString cancelId = params.value(QStringLiteral("newClientOrderId"));
    if (params.has(QStringLiteral("newClientOrderId")) && !matchesClientId(cancelId))
        return illegal(QStringLiteral("newClientOrderId"), clientIdRange());
    if (cancelId.isEmpty())
        cancelId = newClientId();
    const qint64 id = o->id;
    book().cancel(id, context.nowMs);
    return FakeResponse::json(200, cancelJson(*book().order(id), cancelId, context.nowMs));
}

FakeResponse FakeBinance::handleOpenOrders(const Params &params, const ProcessContext &context) const
{
    const QString symbolName = params.value(QStringLiteral("symbol"));
    if (params.has(QStringLiteral("symbol")) && !m_symbols.contains(symbolName))
        return badRequest(-1121, QStringLiteral("Invalid symbol."));
    QJsonArray open;
    if (!context.has(FaultKind::OrderNotFound)) {
        for (const BookOrder &o : book().orders()) {
            if (o.isOpen() && isVisible(o, context.nowMs) && (symbolName.isEmpty() || o.symbol == symbolName))
                open.append(orderQueryJson(o));
        }
    }
    return FakeResponse::json(200, open);
}

FakeResponse FakeBinance::handleCancelAll(const Params &params, const ProcessContext &context)
{
    const QString symbolName = params.value(QStringLiteral("symbol"));
    if (symbolName.isEmpty())
        return mandatory(QStringLiteral("symbol"));
    if (!m_symbols.contains(symbolName))
        return badRequest(-1121, QStringLiteral("Invalid symbol."));
    QList<qint64> ids;
    for (const BookOrder &o : book().orders()) {
        if (o.isOpen() && o.symbol == symbolName)
            ids.append(o.id);
    }
    if (ids.isEmpty())
        return badRequest(-2011, QStringLiteral("Unknown order sent."));
    QJsonArray canceled;
    for (qint64 id : std::as_const(ids)) {
        book().cancel(id, context.nowMs);
        canceled.append(cancelJson(*book().order(id), newClientId(), context.nowMs));
    }
    return FakeResponse::json(200, canceled);
}

FakeResponse FakeBinance::handleAllOrders(const Params &params, const ProcessContext &context) const
{
    const QString symbolName = params.value(QStringLiteral("symbol"));
    if (symbolName.isEmpty())
        return mandatory(QStringLiteral("symbol"));
    if (!m_symbols.contains(symbolName))
        return badRequest(-1121, QStringLiteral("Invalid symbol."));
    const qint64 fromId = params.value(QStringLiteral("orderId")).toLongLong();
    const qint64 start = params.value(QStringLiteral("startTime")).toLongLong();
    const qint64 end = params.has(QStringLiteral("endTime")) ? params.value(QStringLiteral("endTime")).toLongLong()
                                                             : std::numeric_limits<qint64>::max();
    const int limit =
        qBound(1, params.has(QStringLiteral("limit")) ? params.value(QStringLiteral("limit")).toInt() : 500, 1000);
    QJsonArray result;
    if (context.has(FaultKind::OrderNotFound))
        return FakeResponse::json(200, result);
    QList<const BookOrder *> matching;
    for (const BookOrder &o : book().orders()) {
        if (o.symbol == symbolName && isVisible(o, context.nowMs) && o.id >= fromId && o.createdMs >= start
            && o.createdMs <= end)
            matching.append(&o);
    }
    const qsizetype first = fromId > 0 ? 0 : qMax<qsizetype>(0, matching.size() - limit);
    for (qsizetype i = first; i < matching.size() && result.size() < limit; ++i)
        result.append(orderQueryJson(*matching.at(i)));
    return FakeResponse::json(200, result);
}

FakeResponse FakeBinance::handleMyTrades(const Params &params, const ProcessContext &context) const
{
    const QString symbolName = params.value(QStringLiteral("symbol"));
    if (symbolName.isEmpty())
        return mandatory(QStringLiteral("symbol"));
    if (!m_symbols.contains(symbolName))
        return badRequest(-1121, QStringLiteral("Invalid symbol."));
    const bool byOrder = params.has(QStringLiteral("orderId"));
    const bool byFromId = params.has(QStringLiteral("fromId"));
    static const QRegularExpression digits(QStringLiteral("^[0-9]{1,20}$"));
    for (const QString &name : {QStringLiteral("orderId"), QStringLiteral("fromId"), QStringLiteral("startTime"),
                                QStringLiteral("endTime"), QStringLiteral("limit")}) {
        if (params.has(name) && !digits.match(params.value(name)).hasMatch())
            return illegal(name, QStringLiteral("^[0-9]{1,20}$"));
    }
    // The documented combinations: symbol; symbol + orderId; symbol + startTime
    // and/or endTime; symbol + fromId; symbol + orderId + fromId.
    const bool byTime = params.has(QStringLiteral("startTime")) || params.has(QStringLiteral("endTime"));
    if (byTime && (byOrder || byFromId))
        return badRequest(-1128, QStringLiteral("Combination of optional parameters invalid."));
    // "The time between startTime and endTime can't be longer than 24 hours."
    if (params.has(QStringLiteral("startTime")) && params.has(QStringLiteral("endTime"))
        && params.value(QStringLiteral("endTime")).toLongLong() - params.value(QStringLiteral("startTime")).toLongLong()
            > 24LL * 3600 * 1000)
        return badRequest(-1127, QStringLiteral("More than 24 hours between startTime and endTime."));
    const qint64 orderId = params.value(QStringLiteral("orderId")).toLongLong();
    const qint64 fromId = params.value(QStringLiteral("fromId")).toLongLong();
    const qint64 start = params.value(QStringLiteral("startTime")).toLongLong();
    const qint64 end = params.has(QStringLiteral("endTime")) ? params.value(QStringLiteral("endTime")).toLongLong()
                                                             : std::numeric_limits<qint64>::max();
    const int limit =
        qBound(1, params.has(QStringLiteral("limit")) ? params.value(QStringLiteral("limit")).toInt() : 500, 1000);
    QJsonArray result;
    if (context.has(FaultKind::OrderNotFound))
        return FakeResponse::json(200, result);

    struct Row
    {
        const BookOrder *order;
        const BookFill *fill;
    };
    QList<Row> rows;
    for (const BookOrder &o : book().orders()) {
        if (o.symbol != symbolName || !isVisible(o, context.nowMs) || (byOrder && o.id != orderId))
            continue;
        for (const BookFill &f : o.fills) {
            if (f.timeMs < start || f.timeMs > end || (byFromId && f.tradeId < fromId))
                continue;
            rows.append({&o, &f});
        }
    }
    std::sort(rows.begin(), rows.end(), [](const Row &a, const Row &b) { return a.fill->tradeId < b.fill->tradeId; });
    const qsizetype first = byFromId ? 0 : qMax<qsizetype>(0, rows.size() - limit);
    for (qsizetype i = first; i < rows.size() && result.size() < limit; ++i) {
        const BookOrder &o = *rows.at(i).order;
        const BookFill &f = *rows.at(i).fill;
        result.append(QJsonObject{
            {QStringLiteral("symbol"), o.symbol},
            {QStringLiteral("id"), f.tradeId},
            {QStringLiteral("orderId"), o.id},
            {QStringLiteral("orderListId"), -1},
            {QStringLiteral("price"), priceText(o, f.price)},
            {QStringLiteral("qty"), qtyText(o, f.qty)},
            {QStringLiteral("quoteQty"), priceText(o, f.quoteQty)},
            {QStringLiteral("commission"), fixed(f.commission)},
            {QStringLiteral("commissionAsset"), f.commissionAsset},
            {QStringLiteral("time"), f.timeMs},
            {QStringLiteral("isBuyer"), o.side == Side::Buy},
            {QStringLiteral("isMaker"), f.maker},
            {QStringLiteral("isBestMatch"), true},
        });
    }
    return FakeResponse::json(200, result);
}

FakeResponse FakeBinance::handleMovements(const Params &params, const ProcessContext &context, bool deposits) const
{
    static const QRegularExpression digits(QStringLiteral("^[0-9]{1,20}$"));
    for (const QString &name : {QStringLiteral("startTime"), QStringLiteral("endTime"), QStringLiteral("offset"),
                                QStringLiteral("limit"), QStringLiteral("status")}) {
        if (params.has(name) && !digits.match(params.value(name)).hasMatch())
            return illegal(name, QStringLiteral("^[0-9]{1,20}$"));
    }
    // Without times the last 90 days; with one, 90 days from or to it; with
    // both, they must be less than 90 days apart.
    constexpr qint64 kWindow = 90LL * 24 * 3600 * 1000;
    const bool hasStart = params.has(QStringLiteral("startTime"));
    const bool hasEnd = params.has(QStringLiteral("endTime"));
    qint64 end = hasEnd ? params.value(QStringLiteral("endTime")).toLongLong() : context.nowMs;
    qint64 start = hasStart ? params.value(QStringLiteral("startTime")).toLongLong() : end - kWindow;
    if (hasStart && !hasEnd)
        end = std::min(context.nowMs, start + kWindow);
    if (start > end)
        return badRequest(-1128, QStringLiteral("Combination of optional parameters invalid."));
    if (end - start >= kWindow)
        return badRequest(-1127, QStringLiteral("Lookup interval is too big."));
    const int limit = params.has(QStringLiteral("limit")) ? params.value(QStringLiteral("limit")).toInt() : 1000;
    if (limit < 1 || limit > 1000)
        return badRequest(-1130, QStringLiteral("Invalid data sent for a parameter."));
    const int offset = params.value(QStringLiteral("offset")).toInt();
    const QString coin = params.value(QStringLiteral("coin"));

    QList<const BinanceMovementRecord *> rows;
    for (const BinanceMovementRecord &record : deposits ? m_deposits : m_withdrawals) {
        if (record.timeMs < start || record.timeMs > end || (!coin.isEmpty() && record.coin != coin))
            continue;
        if (params.has(QStringLiteral("status")) && record.status != params.value(QStringLiteral("status")).toInt())
            continue;
        rows.append(&record);
    }
    std::stable_sort(rows.begin(), rows.end(), [](const BinanceMovementRecord *a, const BinanceMovementRecord *b) {
        return a->timeMs > b->timeMs;
    });
    QJsonArray result;
    for (qsizetype i = offset; i < rows.size() && result.size() < limit; ++i) {
        const BinanceMovementRecord &r = *rows.at(i);
        QJsonObject json{{QStringLiteral("id"), r.id},         {QStringLiteral("amount"), fixed(r.amount)},
                         {QStringLiteral("coin"), r.coin},     {QStringLiteral("network"), r.network},
                         {QStringLiteral("status"), r.status}, {QStringLiteral("address"), r.address},
                         {QStringLiteral("txId"), r.txId},     {QStringLiteral("transferType"), r.transferType},
                         {QStringLiteral("walletType"), 0}};
        if (deposits) {
            json.insert(QStringLiteral("addressTag"), QString());
            json.insert(QStringLiteral("insertTime"), r.timeMs);
            json.insert(QStringLiteral("completeTime"), r.timeMs + 60000);
            json.insert(QStringLiteral("confirmTimes"), QStringLiteral("12/12"));
            json.insert(QStringLiteral("unlockConfirm"), 12);
        } else {
            json.insert(QStringLiteral("transactionFee"), fixed(r.transactionFee));
            json.insert(QStringLiteral("applyTime"),
                        QDateTime::fromMSecsSinceEpoch(r.timeMs, QTimeZone::utc())
                            .toString(QStringLiteral("yyyy-MM-dd HH:mm:ss")));
            json.insert(QStringLiteral("completeTime"),
                        QDateTime::fromMSecsSinceEpoch(r.timeMs + 60000, QTimeZone::utc())
                            .toString(QStringLiteral("yyyy-MM-dd HH:mm:ss")));
            json.insert(QStringLiteral("info"), QString());
            json.insert(QStringLiteral("confirmNo"), 3);
            json.insert(QStringLiteral("txKey"), QString());
        }
        result.append(json);
    }
    return FakeResponse::json(200, result);
}

} // namespace ballast::test::fake
