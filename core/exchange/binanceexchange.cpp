#include "exchange/binanceexchange.h"

#include "exchange/binanceparse.h"
#include "exchange/signing.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QSet>
#include <QThread>
#include <QTimeZone>
#include <QUrlQuery>

#include <algorithm>

namespace ballast::exchange {

using domain::OrderStatus;

namespace {

constexpr double kWeightPerMinute = 6000.0;
// Stay well under the published limit: other programs may share the IP.
constexpr double kWeightBudget = kWeightPerMinute * 0.8;

ExchangeError makeErr(ExchangeError::Kind kind, const QString &code, const QString &message)
{
    ExchangeError error;
    error.kind = kind;
    error.exchangeCode = code;
    error.exchangeMessage = message;
    return error;
}

} // namespace

BinanceExchange::BinanceExchange(QNetworkAccessManager *network, BinanceConfig config, Clock clock,
                                 RateLimiter::Sleep sleep)
    : m_http(network, config.timeoutMs)
    , m_config(std::move(config))
    , m_clock(std::move(clock))
    , m_weight(kWeightBudget, kWeightBudget / 60.0, m_clock,
               sleep ? std::move(sleep) : RateLimiter::Sleep([](qint64 ms) {
                   QThread::msleep(static_cast<unsigned long>(std::max<qint64>(0, ms)));
               }))
{
}

ExchangeError BinanceExchange::mapError(const HttpResponse &response, bool isOrderRequest)
{
    using Kind = ExchangeError::Kind;
    if (!response.gotResponse()) {
        // No answer: an order may or may not have reached the engine.
        const Kind kind = isOrderRequest && !response.neverSent() ? Kind::UnknownOutcome : Kind::Network;
        return makeErr(kind, response.timedOut ? QStringLiteral("timeout") : QStringLiteral("network"),
                       response.errorString);
    }
    const binance::ErrorBody body = binance::errorBodyFrom(response.body);
    const int code = body.code;
    const QString &message = body.message;
    const QString codeText = body.hasCode ? QString::number(code) : QString::number(response.status);
    if (response.status == 429 || response.status == 418) {
        ExchangeError error = makeErr(Kind::RateLimited, codeText,
                                      message.isEmpty() ? QStringLiteral("HTTP %1").arg(response.status) : message);
        error.retryAfterMs = response.header(QByteArrayLiteral("Retry-After")).toLongLong() * 1000;
        if (error.retryAfterMs <= 0)
            error.retryAfterMs = response.status == 418 ? 120000 : 60000;
        return error;
    }
    if (response.status >= 500) {
        // "It is important to NOT treat this as a failure operation": unknown.
        return makeErr(isOrderRequest ? Kind::UnknownOutcome : Kind::Network, QString::number(response.status),
                       message.isEmpty() ? QStringLiteral("HTTP %1").arg(response.status) : message);
    }
    switch (code) {
    case -1006:
    case -1007:
        return makeErr(isOrderRequest ? Kind::UnknownOutcome : Kind::Network, codeText, message);
    case -1003:
    case -1015: {
        ExchangeError error = makeErr(Kind::RateLimited, codeText, message);
        error.retryAfterMs = 60000;
        return error;
    }
    case -1021:
        return makeErr(Kind::InvalidNonce, codeText, message);
    case -1022:
    case -2014:
    case -2015:
    case -1002:
        return makeErr(Kind::Authentication, codeText, message);
    case -1121:
        return makeErr(Kind::BadSymbol, codeText, message);
    case -2013:
    case -2011:
    case -2026:
        return makeErr(Kind::OrderNotFound, codeText, message);
    case -1013: {
        ExchangeError error = makeErr(Kind::InvalidOrder, codeText, message);
        if (message.startsWith(QLatin1String("Filter failure: ")))
            error.filter = message.mid(16);
        return error;
    }
    case -2010:
        if (message.contains(QLatin1String("insufficient balance"), Qt::CaseInsensitive))
            return makeErr(Kind::InsufficientFunds, codeText, message);
        if (message.contains(QLatin1String("Duplicate order"), Qt::CaseInsensitive))
            return makeErr(Kind::DuplicateOrder, codeText, message);
        return makeErr(Kind::InvalidOrder, codeText, message);
    default:
        break;
    }
    // A 4xx without Binance's error body comes from in front of the API (a
    // gateway's 403 or 408 page): whether an order request reached the
    // matching engine is not known, so its outcome is unknown (looked up by
    // its client order id), never "rejected".
    if (!body.hasCode && isOrderRequest) {
        return makeErr(Kind::UnknownOutcome, codeText,
                       message.isEmpty() ? QStringLiteral("HTTP %1").arg(response.status) : message);
    }
    if (code <= -1100 && code >= -1199)
        return makeErr(Kind::InvalidOrder, codeText, message);
    return makeErr(Kind::Exchange, codeText,
                   message.isEmpty() ? QStringLiteral("HTTP %1").arg(response.status) : message);
}

ExResult<QJsonDocument> BinanceExchange::call(const QByteArray &verb, const QString &path, Params params, Call kind,
                                              int weight, bool isOrderRequest, qint64 deadlineMs)
{
    QList<std::pair<QByteArray, QByteArray>> headers;
    if (kind == Call::Signed) {
        if (m_config.apiKey.isEmpty() || m_config.secret.isEmpty())
            return makeErr(ExchangeError::Kind::Authentication, {}, QStringLiteral("no API key for this account"));
        if (!m_offsetKnown) {
            if (auto synced = fetchTime(); !synced)
                return synced.error();
        }
        const qint64 timestamp = serverNow();
        qint64 window = m_config.recvWindowMs;
        if (deadlineMs > 0)
            window = std::clamp<qint64>(deadlineMs - timestamp, 1000, 60000);
        params.append({QStringLiteral("recvWindow"), QString::number(window)});
        params.append({QStringLiteral("timestamp"), QString::number(timestamp)});
        headers.append({QByteArrayLiteral("X-MBX-APIKEY"), m_config.apiKey});
    }
    QByteArray query = Signing::binancePayload(params, {});
    if (kind == Call::Signed)
        query += (query.isEmpty() ? "" : "&") + QByteArrayLiteral("signature=")
            + Signing::binanceSignature(m_config.secret, query, {});

    QUrl url = m_config.baseUrl;
    url.setPath(url.path() + path);
    url.setQuery(QString::fromLatin1(query), QUrl::StrictMode);

    m_weight.acquire(weight);
    HttpResponse response = verb == "GET" ? m_http.get(url, headers)
        : verb == "DELETE"
        ? m_http.deleteResource(url, headers)
        : m_http.post(url, {}, headers, QByteArrayLiteral("application/x-www-form-urlencoded"), isOrderRequest);
    const QByteArray used = response.header(QByteArrayLiteral("X-MBX-USED-WEIGHT-1M"));
    if (!used.isEmpty())
        m_weight.observeUsed(used.toDouble());
    if (response.status == 200) {
        QJsonParseError parseError{};
        QJsonDocument document = QJsonDocument::fromJson(response.body, &parseError);
        if (parseError.error != QJsonParseError::NoError) {
            return makeErr(isOrderRequest ? ExchangeError::Kind::UnknownOutcome : ExchangeError::Kind::Network,
                           QStringLiteral("json"), QStringLiteral("unreadable answer: ") + parseError.errorString());
        }
        return document;
    }
    ExchangeError error = mapError(response, isOrderRequest);
    if (error.kind == ExchangeError::Kind::RateLimited)
        m_weight.backOff(error.retryAfterMs);
    if (error.kind == ExchangeError::Kind::InvalidNonce)
        m_offsetKnown = false; // resync the clock before the next signed call
    return error;
}

ExResult<qint64> BinanceExchange::fetchTime()
{
    const qint64 before = m_clock();
    auto answer = call("GET", QStringLiteral("/api/v3/time"), {}, Call::Public, 1);
    if (!answer)
        return answer.error();
    const qint64 after = m_clock();
    const qint64 server = binance::serverTimeFrom(answer->object());
    m_offset = server - (before + after) / 2;
    m_offsetKnown = true;
    return server;
}

ExResult<QList<MarketRules>> BinanceExchange::fetchMarkets()
{
    if (m_markets)
        return *m_markets;
    auto info = call("GET", QStringLiteral("/api/v3/exchangeInfo"), {}, Call::Public, 20);
    if (!info)
        return info.error();
    binance::Fees fees{money::dec("0.001"), money::dec("0.001")};
    if (!m_config.apiKey.isEmpty()) {
        if (auto account = call("GET", QStringLiteral("/api/v3/account"),
                                {{QStringLiteral("omitZeroBalances"), QStringLiteral("true")}}, Call::Signed, 20)) {
            if (auto rates = binance::feesFrom(account->object()))
                fees = *rates;
        }
    }
    const QList<MarketRules> markets = binance::marketsFrom(info->object(), fees);
    for (const MarketRules &rules : markets) {
        m_toExchange.insert(rules.symbol, rules.exchangeSymbol);
        m_toNeutral.insert(rules.exchangeSymbol, rules.symbol);
    }
    m_markets = markets;
    return markets;
}

ExResult<QString> BinanceExchange::exchangeSymbol(const QString &symbol)
{
    if (!m_markets) {
        if (auto loaded = fetchMarkets(); !loaded)
            return loaded.error();
    }
    const QString mapped = m_toExchange.value(symbol);
    if (mapped.isEmpty())
        return makeErr(ExchangeError::Kind::BadSymbol, QStringLiteral("-1121"), QStringLiteral("Invalid symbol."));
    return mapped;
}

ExResult<QJsonObject> BinanceExchange::fetchAccount()
{
    auto account = call("GET", QStringLiteral("/api/v3/account"),
                        {{QStringLiteral("omitZeroBalances"), QStringLiteral("true")}}, Call::Signed, 20);
    if (!account)
        return account.error();
    return account->object();
}

ExResult<QList<Balance>> BinanceExchange::fetchBalances()
{
    auto account = fetchAccount();
    if (!account)
        return account.error();
    return binance::balancesFrom(*account);
}

ExResult<BalanceSnapshot> BinanceExchange::fetchBalanceSnapshot()
{
    // The server time before the request is the fallback watermark; the
    // account's own updateTime (the last change of its balances) is better:
    // every fill at or before it is in these balances, and none after it.
    auto before = fetchTime();
    if (!before)
        return before.error();
    auto account = fetchAccount();
    if (!account)
        return account.error();
    const qint64 updated = binance::integerOf(account->value(QStringLiteral("updateTime")));
    auto balances = binance::balancesFrom(*account);
    if (!balances)
        return balances.error();
    return BalanceSnapshot{*balances, updated > 0 ? updated : *before};
}

ExResult<Ticker> BinanceExchange::fetchTicker(const QString &symbol)
{
    auto exchange = exchangeSymbol(symbol);
    if (!exchange)
        return exchange.error();
    auto book = call("GET", QStringLiteral("/api/v3/ticker/bookTicker"), {{QStringLiteral("symbol"), *exchange}},
                     Call::Public, 2);
    if (!book)
        return book.error();
    auto last =
        call("GET", QStringLiteral("/api/v3/ticker/price"), {{QStringLiteral("symbol"), *exchange}}, Call::Public, 2);
    if (!last)
        return last.error();
    Ticker ticker = binance::tickerFrom(book->object(), last->object());
    ticker.symbol = symbol;
    ticker.time = QDateTime::fromMSecsSinceEpoch(serverNow(), QTimeZone::utc());
    return ticker;
}

domain::Order BinanceExchange::orderFrom(const QJsonObject &object) const
{
    return binance::orderFrom(object, m_toNeutral);
}

ExResult<domain::Order> BinanceExchange::placeOrder(const OrderRequest &request, bool test)
{
    auto symbol = exchangeSymbol(request.symbol);
    if (!symbol)
        return symbol.error();
    Params params{
        {QStringLiteral("symbol"), *symbol},
        {QStringLiteral("side"), request.side == domain::Side::Buy ? QStringLiteral("BUY") : QStringLiteral("SELL")},
        {QStringLiteral("type"),
         request.type == domain::OrderType::Limit ? QStringLiteral("LIMIT") : QStringLiteral("MARKET")},
        {QStringLiteral("quantity"), request.quantity.toString()}};
    if (request.type == domain::OrderType::Limit) {
        params.append({QStringLiteral("timeInForce"), QStringLiteral("GTC")});
        params.append({QStringLiteral("price"), request.price.toString()});
    }
    params.append({QStringLiteral("newClientOrderId"), request.clientOrderId});
    params.append({QStringLiteral("newOrderRespType"), QStringLiteral("RESULT")});
    auto answer = call("POST", test ? QStringLiteral("/api/v3/order/test") : QStringLiteral("/api/v3/order"), params,
                       Call::Signed, 1, !test, request.deadlineMs);
    if (!answer)
        return answer.error();
    if (test) {
        domain::Order order;
        order.clientOrderId = request.clientOrderId;
        order.symbol = request.symbol;
        order.side = request.side;
        order.type = request.type;
        order.quantity = request.quantity;
        order.price = request.price;
        order.status = OrderStatus::Planned;
        return order;
    }
    return orderFrom(answer->object());
}

ExResult<domain::Order> BinanceExchange::createOrder(const OrderRequest &request)
{
    return placeOrder(request, false);
}

ExResult<domain::Order> BinanceExchange::validateOrder(const OrderRequest &request)
{
    return placeOrder(request, true);
}

ExResult<domain::Order> BinanceExchange::fetchOrder(const QString &symbol, const QString &clientOrderId)
{
    auto exchange = exchangeSymbol(symbol);
    if (!exchange)
        return exchange.error();
    auto answer = call("GET", QStringLiteral("/api/v3/order"),
                       {{QStringLiteral("symbol"), *exchange}, {QStringLiteral("origClientOrderId"), clientOrderId}},
                       Call::Signed, 4);
    if (!answer)
        return answer.error();
    return orderFrom(answer->object());
}

ExResult<domain::Order> BinanceExchange::cancelOrder(const QString &symbol, const QString &clientOrderId)
{
    auto exchange = exchangeSymbol(symbol);
    if (!exchange)
        return exchange.error();
    auto answer = call("DELETE", QStringLiteral("/api/v3/order"),
                       {{QStringLiteral("symbol"), *exchange}, {QStringLiteral("origClientOrderId"), clientOrderId}},
                       Call::Signed, 1);
    if (!answer)
        return answer.error();
    return orderFrom(answer->object());
}

ExResult<QList<domain::Order>> BinanceExchange::fetchOpenOrders(const QString &symbol)
{
    Params params;
    if (!symbol.isEmpty()) {
        auto exchange = exchangeSymbol(symbol);
        if (!exchange)
            return exchange.error();
        params.append({QStringLiteral("symbol"), *exchange});
    } else if (!m_markets) {
        if (auto loaded = fetchMarkets(); !loaded)
            return loaded.error();
    }
    auto answer = call("GET", QStringLiteral("/api/v3/openOrders"), params, Call::Signed, symbol.isEmpty() ? 80 : 6);
    if (!answer)
        return answer.error();
    QList<domain::Order> orders;
    for (const auto &value : answer->array())
        orders.append(orderFrom(value.toObject()));
    return orders;
}

domain::Fill BinanceExchange::fillFrom(const QJsonObject &trade, const QString &symbol)
{
    return binance::fillFrom(trade, symbol);
}

ExResult<QList<domain::Fill>> BinanceExchange::fetchFills(const QString &symbol, qint64 sinceMs)
{
    auto exchange = exchangeSymbol(symbol);
    if (!exchange)
        return exchange.error();
    Params params{{QStringLiteral("symbol"), *exchange}, {QStringLiteral("limit"), QStringLiteral("1000")}};
    if (sinceMs > 0) {
        // Binance allows a window of at most 24 hours.
        params.append({QStringLiteral("startTime"), QString::number(sinceMs)});
        params.append({QStringLiteral("endTime"), QString::number(sinceMs + 24LL * 3600 * 1000 - 1)});
    }
    auto answer = call("GET", QStringLiteral("/api/v3/myTrades"), params, Call::Signed, 20);
    if (!answer)
        return answer.error();
    QList<domain::Fill> fills;
    for (const auto &value : answer->array())
        fills.append(fillFrom(value.toObject(), symbol));
    return fills;
}

ExResult<QList<domain::Fill>> BinanceExchange::fetchOrderFills(const QString &symbol, const QString &clientOrderId,
                                                               const QString &exchangeOrderId)
{
    auto exchange = exchangeSymbol(symbol);
    if (!exchange)
        return exchange.error();
    QString orderId = exchangeOrderId;
    if (orderId.isEmpty()) {
        auto order = fetchOrder(symbol, clientOrderId);
        if (!order)
            return order.error();
        orderId = order->exchangeOrderId;
    }
    // myTrades takes symbol + orderId + fromId: the order's trades with an id
    // at or above fromId, ascending, at most `limit` (max 1000) a call, weight
    // 5. Without fromId it answers the NEWEST `limit` trades, so fromId is
    // always sent, starting at 0.
    constexpr int kPage = 1000;
    QList<domain::Fill> fills;
    QSet<QString> seen;
    qint64 fromId = 0;
    for (;;) {
        const Params params{{QStringLiteral("symbol"), *exchange},
                            {QStringLiteral("orderId"), orderId},
                            {QStringLiteral("fromId"), QString::number(fromId)},
                            {QStringLiteral("limit"), QString::number(kPage)}};
        auto answer = call("GET", QStringLiteral("/api/v3/myTrades"), params, Call::Signed, 5);
        if (!answer)
            return answer.error();
        const QJsonArray page = answer->array();
        qint64 lastId = -1;
        for (const auto &value : page) {
            const QJsonObject trade = value.toObject();
            domain::Fill fill = fillFrom(trade, symbol);
            lastId = std::max(lastId, binance::integerOf(trade.value(QStringLiteral("id"))));
            if (fill.exchangeOrderId != orderId || seen.contains(fill.tradeId))
                continue;
            seen.insert(fill.tradeId);
            fill.clientOrderId = clientOrderId;
            fills.append(fill);
        }
        if (page.size() < kPage || lastId < 0 || lastId < fromId)
            break;
        fromId = lastId + 1;
    }
    std::sort(fills.begin(), fills.end(), [](const domain::Fill &a, const domain::Fill &b) {
        return a.time != b.time ? a.time < b.time : a.tradeId.toLongLong() < b.tradeId.toLongLong();
    });
    return fills;
}

ExResult<QList<domain::Fill>> BinanceExchange::fetchTradeHistory(const QString &symbol, const QString &afterTradeId)
{
    auto exchange = exchangeSymbol(symbol);
    if (!exchange)
        return exchange.error();
    // fromId gives the trades with an id at or above it, ascending; without
    // it Binance answers the newest ones, so it is always sent.
    constexpr int kPage = 1000;
    QList<domain::Fill> fills;
    qint64 fromId = afterTradeId.isEmpty() ? 0 : afterTradeId.toLongLong() + 1;
    for (;;) {
        const Params params{{QStringLiteral("symbol"), *exchange},
                            {QStringLiteral("fromId"), QString::number(fromId)},
                            {QStringLiteral("limit"), QString::number(kPage)}};
        auto answer = call("GET", QStringLiteral("/api/v3/myTrades"), params, Call::Signed, 20);
        if (!answer)
            return answer.error();
        auto page = binance::tradeHistoryFrom(*answer, symbol);
        if (!page)
            return page.error();
        qint64 lastId = -1;
        for (const domain::Fill &fill : std::as_const(*page)) {
            const qint64 id = fill.tradeId.toLongLong();
            lastId = std::max(lastId, id);
            if (id >= fromId)
                fills.append(fill);
        }
        if (page->size() < kPage || lastId < fromId)
            break;
        fromId = lastId + 1;
    }
    std::sort(fills.begin(), fills.end(), [](const domain::Fill &a, const domain::Fill &b) {
        return a.tradeId.toLongLong() < b.tradeId.toLongLong();
    });
    return fills;
}

ExResult<QList<Movement>> BinanceExchange::fetchMovements(Movement::Direction direction, qint64 fromMs, qint64 toMs)
{
    const bool deposit = direction == Movement::Direction::Deposit;
    const QString path = deposit ? QStringLiteral("/sapi/v1/capital/deposit/hisrec")
                                 : QStringLiteral("/sapi/v1/capital/withdraw/history");
    constexpr int kPage = 1000;
    QList<Movement> movements;
    QSet<QString> seen;
    for (qint64 start = fromMs; start <= toMs; start += kMovementWindowMs) {
        const qint64 end = std::min(toMs, start + kMovementWindowMs - 1);
        for (int offset = 0;; offset += kPage) {
            const Params params{{QStringLiteral("startTime"), QString::number(start)},
                                {QStringLiteral("endTime"), QString::number(end)},
                                {QStringLiteral("offset"), QString::number(offset)},
                                {QStringLiteral("limit"), QString::number(kPage)}};
            auto answer = call("GET", path, params, Call::Signed, 1);
            if (!answer)
                return answer.error();
            auto page = binance::movementsFrom(*answer, direction);
            if (!page)
                return page.error();
            for (const Movement &movement : std::as_const(*page)) {
                if (!seen.contains(movement.id)) {
                    seen.insert(movement.id);
                    movements.append(movement);
                }
            }
            if (page->size() < kPage)
                break;
        }
    }
    std::stable_sort(movements.begin(), movements.end(),
                     [](const Movement &a, const Movement &b) { return a.timeMs < b.timeMs; });
    return movements;
}

} // namespace ballast::exchange
