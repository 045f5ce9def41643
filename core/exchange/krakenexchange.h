#pragma once

#include "exchange/exchange.h"
#include "exchange/httpclient.h"
#include "exchange/ratelimiter.h"

#include <QHash>
#include <QJsonObject>
#include <QUrl>

#include <functional>
#include <optional>

class QNetworkAccessManager;

namespace ballast::exchange {

/// Connection settings of a Kraken account.
struct KrakenConfig
{
    QUrl baseUrl = QUrl(QStringLiteral("https://api.kraken.com"));
    QByteArray apiKey;
    QByteArray secret; ///< base64, as Kraken hands it out
    int timeoutMs = 10000;
    double callCapacity = 15.0; ///< Starter tier; 20 for Intermediate and Pro
    double callDecayPerSecond = 0.33;
    /// How long to stop after a rate-limit or lockout error: Kraken's errors
    /// carry no Retry-After. Tests against the loopback fake shorten it.
    qint64 rateLimitBackOffMs = 15000;
};

/// Kraken Spot REST: AssetPairs rules (lot_decimals, ordermin, costmin,
/// tick_size), balances, tickers, market and limit orders under our cl_ord_id
/// with a deadline, lookups through OpenOrders/ClosedOrders by client id,
/// cancels and fills (TradesHistory). Private calls carry a strictly increasing
/// nonce that survives restarts (the caller persists it) and API-Sign.
/// Legacy asset codes (XXBT, ZUSD) are mapped to BTC, USD and friends.
class KrakenExchange final : public Exchange
{
public:
    /// @p nextNonce returns a nonce greater than every one used before, also
    /// across restarts (the factory keeps it in the database).
    KrakenExchange(QNetworkAccessManager *network, KrakenConfig config, std::function<quint64()> nextNonce,
                   Clock clock = systemClock(), RateLimiter::Sleep sleep = {});

    [[nodiscard]] QString id() const override { return QStringLiteral("kraken"); }
    [[nodiscard]] bool isSimulated() const override { return false; }
    [[nodiscard]] QString accountIdentity() const override
    {
        return id() + QLatin1Char(' ') + m_config.baseUrl.toString() + QLatin1Char(' ')
            + QString::fromLatin1(m_config.apiKey);
    }

    ExResult<qint64> fetchTime() override;
    ExResult<QList<MarketRules>> fetchMarkets() override;
    ExResult<QList<Balance>> fetchBalances() override;
    ExResult<Ticker> fetchTicker(const QString &symbol) override;
    ExResult<domain::Order> createOrder(const OrderRequest &request) override;
    ExResult<domain::Order> validateOrder(const OrderRequest &request) override;
    ExResult<domain::Order> fetchOrder(const QString &symbol, const QString &clientOrderId) override;
    ExResult<domain::Order> cancelOrder(const QString &symbol, const QString &clientOrderId) override;
    ExResult<QList<domain::Order>> fetchOpenOrders(const QString &symbol = {}) override;
    ExResult<QList<domain::Fill>> fetchFills(const QString &symbol, qint64 sinceMs = 0) override;
    /// QueryOrders (trades=true) for the order's trade ids, then QueryTrades
    /// for them, 20 ids a call.
    ExResult<QList<domain::Fill>> fetchOrderFills(const QString &symbol, const QString &clientOrderId,
                                                  const QString &exchangeOrderId) override;

    /// POST private/TradesHistory with start (exclusive, whole seconds) and
    /// ofs, 50 a page, newest first, until `count` is read.
    ExResult<QList<domain::Fill>> fetchAllTrades(qint64 afterMs) override;
    /// POST private/Ledgers with start and ofs, 50 a page, until `count`.
    ExResult<QList<LedgerEntry>> fetchLedger(qint64 afterMs) override;

    /// "XXBT" -> "BTC", "ZUSD" -> "USD", "ETH.F" -> "ETH".
    static QString normalizeAsset(const QString &code);
    /// Maps Kraken's error strings to the error hierarchy.
    static ExchangeError mapError(const QStringList &errors, bool isOrderRequest);

private:
    using Params = QList<std::pair<QString, QString>>;

    ExResult<QJsonObject> publicCall(const QString &method, const Params &params);
    ExResult<QJsonObject> privateCall(const QString &method, Params params, double cost, bool isOrderRequest = false);
    ExResult<QJsonObject> finish(const HttpResponse &response, bool isOrderRequest);
    ExResult<QString> pairOf(const QString &symbol);
    /// Pages a history method (Ledgers, TradesHistory) by ofs: @p read takes
    /// one result and returns how many records it held and the total count.
    Status pageHistory(const QString &method, qint64 afterMs,
                       const std::function<ExResult<std::pair<qint64, qint64>>(const QJsonObject &)> &read,
                       ExchangeError &failure);
    [[nodiscard]] domain::Fill fillFrom(const QString &tradeId, const QJsonObject &trade, const QString &symbol) const;
    ExResult<domain::Order> placeOrder(const OrderRequest &request, bool validate);
    ExResult<std::optional<domain::Order>> findByClientId(const QString &method, const QString &clientOrderId);
    [[nodiscard]] domain::Order orderFrom(const QString &txid, const QJsonObject &object) const;

    HttpClient m_http;
    KrakenConfig m_config;
    std::function<quint64()> m_nextNonce;
    Clock m_clock;
    RateLimiter m_calls;
    qint64 m_offset = 0;
    QHash<QString, QString> m_toPair; ///< "BTC/USD" -> "XXBTZUSD"
    QHash<QString, QString> m_toNeutral; ///< "XXBTZUSD" and "XBTUSD" -> "BTC/USD"
    std::optional<QList<MarketRules>> m_markets;
};

} // namespace ballast::exchange
