#include "exchange/krakenexchange.h"

#include "exchange/krakenparse.h"
#include "exchange/signing.h"

#include <QCryptographicHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSet>
#include <QThread>
#include <QTimeZone>

#include <algorithm>

namespace ballast::exchange {

using domain::OrderStatus;

namespace {

/// Allowance for the time an order request takes to reach Kraken.
constexpr qint64 kDeadlineLatencyMs = 250;

ExchangeError makeErr(ExchangeError::Kind kind, const QString &code, const QString &message)
{
    ExchangeError error;
    error.kind = kind;
    error.exchangeCode = code;
    error.exchangeMessage = message;
    return error;
}

QByteArray formBody(const QList<std::pair<QString, QString>> &params)
{
    QByteArray body;
    for (const auto &[key, value] : params) {
        if (!body.isEmpty())
            body += '&';
        body += Signing::percentEncode(key) + '=' + Signing::percentEncode(value);
    }
    return body;
}

} // namespace

KrakenExchange::KrakenExchange(QNetworkAccessManager *network, KrakenConfig config, std::function<quint64()> nextNonce,
                               Clock clock, RateLimiter::Sleep sleep)
    : m_http(network, config.timeoutMs)
    , m_config(std::move(config))
    , m_nextNonce(std::move(nextNonce))
    , m_clock(std::move(clock))
    , m_calls(m_config.callCapacity, m_config.callDecayPerSecond, m_clock,
              sleep ? std::move(sleep) : RateLimiter::Sleep([](qint64 ms) {
                  QThread::msleep(static_cast<unsigned long>(std::max<qint64>(0, ms)));
              }))
{
}

QString KrakenExchange::normalizeAsset(const QString &code)
{
    return kraken::normalizeAsset(code);
}

ExchangeError KrakenExchange::mapError(const QStringList &errors, bool isOrderRequest)
{
    using Kind = ExchangeError::Kind;
    const QString first = errors.value(0);
    const QString all = errors.join(QStringLiteral("; "));
    if (first.startsWith(QLatin1String("EAPI:Invalid nonce")))
        return makeErr(Kind::InvalidNonce, first, all);
    if (first.startsWith(QLatin1String("EAPI:Invalid key")) || first.startsWith(QLatin1String("EAPI:Invalid signature"))
        || first.startsWith(QLatin1String("EGeneral:Permission denied")))
        return makeErr(Kind::Authentication, first, all);
    // A temporary lockout follows too many requests: back off, the key is fine.
    if (first.contains(QLatin1String("Rate limit exceeded"))
        || first.startsWith(QLatin1String("EGeneral:Too many requests"))
        || first.startsWith(QLatin1String("EGeneral:Temporary lockout"))
        || first.startsWith(QLatin1String("EService: Throttled"))) {
        ExchangeError error = makeErr(Kind::RateLimited, first, all);
        error.retryAfterMs = 15000; // KrakenConfig::rateLimitBackOffMs's default; finish() applies the configured one
        return error;
    }
    if (first.startsWith(QLatin1String("EOrder:Insufficient funds")))
        return makeErr(Kind::InsufficientFunds, first, all);
    if (first.startsWith(QLatin1String("EOrder:Unknown order")))
        return makeErr(Kind::OrderNotFound, first, all);
    // An open order already has this client id: it exists, so it must be looked up, not rejected.
    if (first.startsWith(QLatin1String("EOrder:Duplicate order")))
        return makeErr(Kind::DuplicateOrder, first, all);
    if (first.startsWith(QLatin1String("EQuery:Unknown asset pair")))
        return makeErr(Kind::BadSymbol, first, all);
    if (first.startsWith(QLatin1String("EOrder:")) || first.startsWith(QLatin1String("EGeneral:Invalid arguments"))) {
        ExchangeError error = makeErr(Kind::InvalidOrder, first, all);
        if (first.startsWith(QLatin1String("EOrder:Order minimum not met")))
            error.filter = QStringLiteral("ordermin");
        else if (first.contains(QLatin1String("cost minimum"), Qt::CaseInsensitive))
            error.filter = QStringLiteral("costmin");
        else if (first.startsWith(QLatin1String("EOrder:Invalid price"))
                 || first.startsWith(QLatin1String("EOrder:Tick size")))
            error.filter = QStringLiteral("tick_size");
        return error;
    }
    if (first.startsWith(QLatin1String("EService:")) || first.startsWith(QLatin1String("EGeneral:Internal error")))
        return makeErr(isOrderRequest ? Kind::UnknownOutcome : Kind::Network, first, all);
    return makeErr(Kind::Exchange, first, all);
}

ExResult<QJsonObject> KrakenExchange::finish(const HttpResponse &response, bool isOrderRequest)
{
    using Kind = ExchangeError::Kind;
    if (!response.gotResponse()) {
        const Kind kind = isOrderRequest && !response.neverSent() ? Kind::UnknownOutcome : Kind::Network;
        return makeErr(kind, response.timedOut ? QStringLiteral("timeout") : QStringLiteral("network"),
                       response.errorString);
    }
    if (response.status >= 500 || response.status == 429) {
        ExchangeError error = makeErr(response.status == 429 ? Kind::RateLimited
                                          : isOrderRequest   ? Kind::UnknownOutcome
                                                             : Kind::Network,
                                      QString::number(response.status), QStringLiteral("HTTP %1").arg(response.status));
        if (response.status == 429) {
            error.retryAfterMs = response.header(QByteArrayLiteral("Retry-After")).toLongLong() * 1000;
            if (error.retryAfterMs <= 0)
                error.retryAfterMs = 15000;
            m_calls.backOff(error.retryAfterMs);
        }
        return error;
    }
    const kraken::Envelope envelope = kraken::envelopeFrom(response.body);
    if (!envelope.readable) {
        return makeErr(isOrderRequest ? Kind::UnknownOutcome : Kind::Network, QStringLiteral("json"),
                       QStringLiteral("unreadable answer (HTTP %1)").arg(response.status));
    }
    if (!envelope.errors.isEmpty()) {
        ExchangeError error = mapError(envelope.errors, isOrderRequest);
        if (error.kind == Kind::RateLimited) {
            error.retryAfterMs = m_config.rateLimitBackOffMs;
            m_calls.backOff(error.retryAfterMs);
        }
        return error;
    }
    return envelope.result;
}

ExResult<QJsonObject> KrakenExchange::publicCall(const QString &method, const Params &params)
{
    QUrl url = m_config.baseUrl;
    url.setPath(url.path() + QStringLiteral("/0/public/") + method);
    if (!params.isEmpty())
        url.setQuery(QString::fromLatin1(formBody(params)), QUrl::StrictMode);
    return finish(m_http.get(url), false);
}

ExResult<QJsonObject> KrakenExchange::privateCall(const QString &method, Params params, double cost,
                                                  bool isOrderRequest)
{
    if (m_config.apiKey.isEmpty() || m_config.secret.isEmpty())
        return makeErr(ExchangeError::Kind::Authentication, {}, QStringLiteral("no API key for this account"));
    // Trading calls have their own per-pair limiter on Kraken; the call
    // counter covers the rest.
    if (cost > 0)
        m_calls.acquire(cost);
    const QByteArray nonce = QByteArray::number(m_nextNonce());
    params.prepend({QStringLiteral("nonce"), QString::fromLatin1(nonce)});
    const QByteArray body = formBody(params);
    const QByteArray path = QByteArrayLiteral("/0/private/") + method.toLatin1();
    auto signature = Signing::krakenSignature(m_config.secret, path, nonce, body);
    if (!signature)
        return makeErr(ExchangeError::Kind::Authentication, {}, signature.error().message);
    QUrl url = m_config.baseUrl;
    url.setPath(url.path() + QString::fromLatin1(path));
    return finish(
        m_http.post(url, body,
                    {{QByteArrayLiteral("API-Key"), m_config.apiKey}, {QByteArrayLiteral("API-Sign"), *signature}},
                    QByteArrayLiteral("application/x-www-form-urlencoded"), isOrderRequest),
        isOrderRequest);
}

ExResult<qint64> KrakenExchange::fetchTime()
{
    auto result = publicCall(QStringLiteral("Time"), {});
    if (!result)
        return result.error();
    const qint64 server = kraken::serverTimeFrom(*result);
    m_offset = server - m_clock();
    return server;
}

ExResult<QList<MarketRules>> KrakenExchange::fetchMarkets()
{
    if (m_markets)
        return *m_markets;
    auto result = publicCall(QStringLiteral("AssetPairs"), {});
    if (!result)
        return result.error();
    QList<MarketRules> markets;
    for (const kraken::Pair &pair : kraken::pairsFrom(*result)) {
        m_toPair.insert(pair.rules.symbol, pair.rules.exchangeSymbol);
        m_toNeutral.insert(pair.rules.exchangeSymbol, pair.rules.symbol);
        m_toNeutral.insert(pair.altname, pair.rules.symbol);
        markets.append(pair.rules);
    }
    m_markets = markets;
    return markets;
}

ExResult<QString> KrakenExchange::pairOf(const QString &symbol)
{
    if (!m_markets) {
        if (auto loaded = fetchMarkets(); !loaded)
            return loaded.error();
    }
    const QString pair = m_toPair.value(symbol);
    if (pair.isEmpty())
        return makeErr(ExchangeError::Kind::BadSymbol, QStringLiteral("EQuery:Unknown asset pair"), symbol);
    return pair;
}

ExResult<QList<Balance>> KrakenExchange::fetchBalances()
{
    auto result = privateCall(QStringLiteral("Balance"), {}, 1);
    if (!result)
        return result.error();
    return kraken::balancesFrom(*result);
}

ExResult<Ticker> KrakenExchange::fetchTicker(const QString &symbol)
{
    auto pair = pairOf(symbol);
    if (!pair)
        return pair.error();
    auto result = publicCall(QStringLiteral("Ticker"), {{QStringLiteral("pair"), *pair}});
    if (!result)
        return result.error();
    Ticker ticker = kraken::tickerFrom(*result);
    ticker.symbol = symbol;
    ticker.time = QDateTime::fromMSecsSinceEpoch(m_clock() + m_offset, QTimeZone::utc());
    return ticker;
}

domain::Order KrakenExchange::orderFrom(const QString &txid, const QJsonObject &object) const
{
    return kraken::orderFrom(txid, object, m_toNeutral);
}

ExResult<domain::Order> KrakenExchange::placeOrder(const OrderRequest &request, bool validate)
{
    auto pair = pairOf(request.symbol);
    if (!pair)
        return pair.error();
    Params params{
        {QStringLiteral("ordertype"),
         request.type == domain::OrderType::Limit ? QStringLiteral("limit") : QStringLiteral("market")},
        {QStringLiteral("type"), request.side == domain::Side::Buy ? QStringLiteral("buy") : QStringLiteral("sell")},
        {QStringLiteral("volume"), request.quantity.toString()},
        {QStringLiteral("pair"), *pair},
        {QStringLiteral("cl_ord_id"), request.clientOrderId}};
    if (request.type == domain::OrderType::Limit)
        params.append({QStringLiteral("price"), request.price.toString()});
    // Kraken rejects a request arriving after its deadline, which must be 2 to
    // 60 s ahead. Its clock is known to the second only (Time has no
    // milliseconds), so the server may be up to a second (plus latency) ahead
    // of serverNow. The caller's deadline is a promise ("after this it can no
    // longer execute"): it is never moved later; if it is too close to meet
    // Kraken's minimum, the order is not sent.
    const qint64 serverNow = m_clock() + m_offset;
    const qint64 earliest = serverNow + 1000 + kDeadlineLatencyMs + 2000;
    if (request.deadlineMs > 0 && request.deadlineMs < earliest) {
        return makeErr(ExchangeError::Kind::InvalidOrder, QStringLiteral("deadline"),
                       QStringLiteral("the order's deadline is less than 2 s ahead of Kraken's clock; not sent"));
    }
    const qint64 deadline = request.deadlineMs > 0
        ? std::min(request.deadlineMs, serverNow + 60000)
        : std::clamp<qint64>(serverNow + m_config.timeoutMs, earliest, serverNow + 60000);
    params.append({QStringLiteral("deadline"),
                   QDateTime::fromMSecsSinceEpoch(deadline, QTimeZone::utc()).toString(Qt::ISODateWithMs)});
    if (validate)
        params.append({QStringLiteral("validate"), QStringLiteral("true")});
    auto result = privateCall(QStringLiteral("AddOrder"), params, 0, !validate);
    if (!result)
        return result.error();
    domain::Order order;
    order.clientOrderId = request.clientOrderId;
    order.symbol = request.symbol;
    order.side = request.side;
    order.type = request.type;
    order.quantity = request.quantity;
    order.price = request.price;
    order.status = validate ? OrderStatus::Planned : OrderStatus::Open;
    const QJsonArray txids = result->value(QStringLiteral("txid")).toArray();
    if (!txids.isEmpty())
        order.exchangeOrderId = txids.first().toString();
    return order;
}

ExResult<domain::Order> KrakenExchange::createOrder(const OrderRequest &request)
{
    return placeOrder(request, false);
}

ExResult<domain::Order> KrakenExchange::validateOrder(const OrderRequest &request)
{
    return placeOrder(request, true);
}

ExResult<std::optional<domain::Order>> KrakenExchange::findByClientId(const QString &method,
                                                                      const QString &clientOrderId)
{
    auto result = privateCall(
        method, {{QStringLiteral("cl_ord_id"), clientOrderId}, {QStringLiteral("trades"), QStringLiteral("true")}}, 1);
    if (!result)
        return result.error();
    const QJsonObject orders =
        result->value(method == QLatin1String("OpenOrders") ? QStringLiteral("open") : QStringLiteral("closed"))
            .toObject();
    std::optional<domain::Order> newest;
    for (auto it = orders.constBegin(); it != orders.constEnd(); ++it) {
        domain::Order order = orderFrom(it.key(), it.value().toObject());
        if (order.clientOrderId != clientOrderId)
            continue;
        if (!newest || order.updatedAt > newest->updatedAt)
            newest = order;
    }
    return newest;
}

ExResult<domain::Order> KrakenExchange::fetchOrder(const QString &symbol, const QString &clientOrderId)
{
    if (auto loaded = pairOf(symbol); !loaded)
        return loaded.error();
    for (const QString &method : {QStringLiteral("OpenOrders"), QStringLiteral("ClosedOrders")}) {
        auto found = findByClientId(method, clientOrderId);
        if (!found)
            return found.error();
        if (found->has_value())
            return **found;
    }
    return makeErr(ExchangeError::Kind::OrderNotFound, QStringLiteral("EOrder:Unknown order"), clientOrderId);
}

ExResult<domain::Order> KrakenExchange::cancelOrder(const QString &symbol, const QString &clientOrderId)
{
    auto result = privateCall(QStringLiteral("CancelOrder"), {{QStringLiteral("cl_ord_id"), clientOrderId}}, 0);
    if (!result)
        return result.error();
    if (result->value(QStringLiteral("count")).toInt() == 0)
        return makeErr(ExchangeError::Kind::OrderNotFound, QStringLiteral("EOrder:Unknown order"), clientOrderId);
    return fetchOrder(symbol, clientOrderId);
}

ExResult<QList<domain::Order>> KrakenExchange::fetchOpenOrders(const QString &symbol)
{
    if (!m_markets) {
        if (auto loaded = fetchMarkets(); !loaded)
            return loaded.error();
    }
    auto result = privateCall(QStringLiteral("OpenOrders"), {}, 1);
    if (!result)
        return result.error();
    QList<domain::Order> orders;
    const QJsonObject open = result->value(QStringLiteral("open")).toObject();
    for (auto it = open.constBegin(); it != open.constEnd(); ++it) {
        domain::Order order = orderFrom(it.key(), it.value().toObject());
        if (symbol.isEmpty() || order.symbol == symbol)
            orders.append(order);
    }
    return orders;
}

domain::Fill KrakenExchange::fillFrom(const QString &tradeId, const QJsonObject &trade, const QString &symbol) const
{
    return kraken::fillFrom(tradeId, trade, symbol);
}

ExResult<QList<domain::Fill>> KrakenExchange::fetchFills(const QString &symbol, qint64 sinceMs)
{
    auto pair = pairOf(symbol);
    if (!pair)
        return pair.error();
    Params params;
    if (sinceMs > 0)
        params.append({QStringLiteral("start"), QString::number(sinceMs / 1000)});
    auto result = privateCall(QStringLiteral("TradesHistory"), params, 2);
    if (!result)
        return result.error();
    QList<domain::Fill> fills;
    const QJsonObject trades = result->value(QStringLiteral("trades")).toObject();
    for (auto it = trades.constBegin(); it != trades.constEnd(); ++it) {
        const QJsonObject trade = it.value().toObject();
        const QString tradePair = trade.value(QStringLiteral("pair")).toString();
        if (m_toNeutral.value(tradePair, tradePair) != symbol)
            continue;
        fills.append(fillFrom(it.key(), trade, symbol));
    }
    std::sort(fills.begin(), fills.end(), [](const domain::Fill &a, const domain::Fill &b) { return a.time < b.time; });
    return fills;
}

ExResult<QList<domain::Fill>> KrakenExchange::fetchOrderFills(const QString &symbol, const QString &clientOrderId,
                                                              const QString &exchangeOrderId)
{
    if (auto pair = pairOf(symbol); !pair)
        return pair.error();
    QString txid = exchangeOrderId;
    if (txid.isEmpty()) {
        auto order = fetchOrder(symbol, clientOrderId);
        if (!order)
            return order.error();
        txid = order->exchangeOrderId;
    }
    // The order's own record lists every trade id it has (trades=true).
    auto orders = privateCall(QStringLiteral("QueryOrders"),
                              {{QStringLiteral("txid"), txid}, {QStringLiteral("trades"), QStringLiteral("true")}}, 1);
    if (!orders)
        return orders.error();
    const QJsonObject order = orders->value(txid).toObject();
    if (order.isEmpty())
        return makeErr(ExchangeError::Kind::OrderNotFound, QStringLiteral("EOrder:Unknown order"), txid);
    QStringList tradeIds;
    for (const auto &value : order.value(QStringLiteral("trades")).toArray()) {
        const QString id = value.toString();
        if (!id.isEmpty() && !tradeIds.contains(id))
            tradeIds.append(id);
    }
    // QueryTrades takes at most 20 trade ids a call.
    constexpr qsizetype kBatch = 20;
    QList<domain::Fill> fills;
    for (qsizetype first = 0; first < tradeIds.size(); first += kBatch) {
        const QStringList batch = tradeIds.mid(first, kBatch);
        auto trades =
            privateCall(QStringLiteral("QueryTrades"), {{QStringLiteral("txid"), batch.join(QLatin1Char(','))}}, 2);
        if (!trades)
            return trades.error();
        for (const QString &id : batch) {
            const QJsonObject trade = trades->value(id).toObject();
            if (trade.isEmpty()) {
                return makeErr(ExchangeError::Kind::Network, QStringLiteral("QueryTrades"),
                               QStringLiteral("trade %1 of order %2 missing from the answer").arg(id, txid));
            }
            domain::Fill fill = fillFrom(id, trade, symbol);
            if (fill.exchangeOrderId != txid)
                continue;
            fill.clientOrderId = clientOrderId;
            fills.append(fill);
        }
    }
    std::stable_sort(fills.begin(), fills.end(),
                     [](const domain::Fill &a, const domain::Fill &b) { return a.time < b.time; });
    return fills;
}

Status KrakenExchange::pageHistory(const QString &method, qint64 afterMs,
                                   const std::function<ExResult<std::pair<qint64, qint64>>(const QJsonObject &)> &read,
                                   ExchangeError &failure)
{
    // Newest first, 50 a page; `count` is what the whole query matches. A
    // record booked while paging moves the others one place down, so a
    // record may come twice (the caller keeps it once) but none is missed.
    constexpr qint64 kPage = 50;
    qint64 offset = 0;
    for (;;) {
        Params params;
        if (afterMs > 0)
            params.append({QStringLiteral("start"), QString::number(afterMs / 1000)});
        params.append({QStringLiteral("ofs"), QString::number(offset)});
        auto result = privateCall(method, params, 2);
        if (!result) {
            failure = result.error();
            return makeError(QStringLiteral("exchange"), failure.message());
        }
        auto counts = read(*result);
        if (!counts) {
            failure = counts.error();
            return makeError(QStringLiteral("exchange"), failure.message());
        }
        const auto [records, total] = *counts;
        offset += records;
        if (records == 0 || offset >= total || records < kPage)
            return {};
    }
}

ExResult<QList<domain::Fill>> KrakenExchange::fetchAllTrades(qint64 afterMs)
{
    if (!m_markets) {
        if (auto loaded = fetchMarkets(); !loaded)
            return loaded.error();
    }
    QList<domain::Fill> fills;
    QSet<QString> seen;
    ExchangeError failure;
    const Status paged = pageHistory(
        QStringLiteral("TradesHistory"), afterMs,
        [&](const QJsonObject &result) -> ExResult<std::pair<qint64, qint64>> {
            auto page = kraken::tradesPageFrom(result, m_toNeutral);
            if (!page)
                return page.error();
            for (const domain::Fill &fill : std::as_const(page->fills)) {
                if (!seen.contains(fill.tradeId)) {
                    seen.insert(fill.tradeId);
                    fills.append(fill);
                }
            }
            return std::pair<qint64, qint64>{page->fills.size(), page->count};
        },
        failure);
    if (!paged)
        return failure;
    std::stable_sort(fills.begin(), fills.end(),
                     [](const domain::Fill &a, const domain::Fill &b) { return a.time < b.time; });
    return fills;
}

ExResult<QList<LedgerEntry>> KrakenExchange::fetchLedger(qint64 afterMs)
{
    QList<LedgerEntry> entries;
    QSet<QString> seen;
    ExchangeError failure;
    const Status paged = pageHistory(
        QStringLiteral("Ledgers"), afterMs,
        [&](const QJsonObject &result) -> ExResult<std::pair<qint64, qint64>> {
            auto page = kraken::ledgerPageFrom(result);
            if (!page)
                return page.error();
            for (const LedgerEntry &entry : std::as_const(page->entries)) {
                if (!seen.contains(entry.id)) {
                    seen.insert(entry.id);
                    entries.append(entry);
                }
            }
            return std::pair<qint64, qint64>{page->entries.size(), page->count};
        },
        failure);
    if (!paged)
        return failure;
    std::stable_sort(entries.begin(), entries.end(),
                     [](const LedgerEntry &a, const LedgerEntry &b) { return a.timeMs < b.timeMs; });
    return entries;
}

} // namespace ballast::exchange
