#pragma once

#include "exchange/exchange.h"
#include "exchange/httpclient.h"
#include "exchange/ratelimiter.h"

#include <QHash>
#include <QJsonDocument>
#include <QUrl>

#include <optional>

class QNetworkAccessManager;

namespace ballast::exchange {

/// Connection settings of a Binance account.
struct BinanceConfig
{
    QUrl baseUrl = QUrl(QStringLiteral("https://api.binance.com"));
    QByteArray apiKey;
    QByteArray secret;
    qint64 recvWindowMs = 5000; ///< default window when an order has no deadline
    int timeoutMs = 10000;
};

/// Binance Spot REST: markets with LOT_SIZE, MARKET_LOT_SIZE, PRICE_FILTER,
/// MIN_NOTIONAL and NOTIONAL; balances; tickers and top of book; market and
/// limit orders under our client order ids; lookups, cancels, open orders and
/// fills with their commissions. Signed requests carry a timestamp from the
/// server-time offset and a recvWindow that ends at the order's deadline.
/// Request weight is tracked from X-MBX-USED-WEIGHT-1M; 429 and 418 make it
/// wait for Retry-After. Reads may be retried by the caller; an order request
/// that ends without a clear answer is an UnknownOutcome, never retried here.
class BinanceExchange final : public Exchange
{
public:
    BinanceExchange(QNetworkAccessManager *network, BinanceConfig config, Clock clock = systemClock(),
                    RateLimiter::Sleep sleep = {});

    [[nodiscard]] QString id() const override { return QStringLiteral("binance"); }
    [[nodiscard]] bool isSimulated() const override { return false; }
    [[nodiscard]] QString accountIdentity() const override
    {
        return id() + QLatin1Char(' ') + m_config.baseUrl.toString() + QLatin1Char(' ')
            + QString::fromLatin1(m_config.apiKey);
    }

    ExResult<qint64> fetchTime() override;
    ExResult<QList<MarketRules>> fetchMarkets() override;
    ExResult<QList<Balance>> fetchBalances() override;
    /// Balances as of the account's `updateTime` (its last change), or of the
    /// server time taken before the request when Binance does not give one.
    ExResult<BalanceSnapshot> fetchBalanceSnapshot() override;
    ExResult<Ticker> fetchTicker(const QString &symbol) override;
    ExResult<domain::Order> createOrder(const OrderRequest &request) override;
    ExResult<domain::Order> validateOrder(const OrderRequest &request) override;
    ExResult<domain::Order> fetchOrder(const QString &symbol, const QString &clientOrderId) override;
    ExResult<domain::Order> cancelOrder(const QString &symbol, const QString &clientOrderId) override;
    ExResult<QList<domain::Order>> fetchOpenOrders(const QString &symbol = {}) override;
    ExResult<QList<domain::Fill>> fetchFills(const QString &symbol, qint64 sinceMs = 0) override;
    /// GET /api/v3/myTrades with symbol + orderId, 1000 a page, paged with fromId.
    ExResult<QList<domain::Fill>> fetchOrderFills(const QString &symbol, const QString &clientOrderId,
                                                  const QString &exchangeOrderId) override;

    /// GET /api/v3/myTrades with symbol + fromId, 1000 a page (weight 20).
    ExResult<QList<domain::Fill>> fetchTradeHistory(const QString &symbol, const QString &afterTradeId) override;
    /// GET /sapi/v1/capital/deposit/hisrec or withdraw/history in windows of
    /// at most 90 days, each paged with offset, 1000 a page.
    ExResult<QList<Movement>> fetchMovements(Movement::Direction direction, qint64 fromMs, qint64 toMs) override;

    /// Binance's longest window for the deposit and withdrawal history.
    static constexpr qint64 kMovementWindowMs = 90LL * 24 * 3600 * 1000;

    /// Local time + this = Binance server time (after fetchTime()).
    [[nodiscard]] qint64 clockOffset() const { return m_offset; }

    /// Maps a Binance error body and HTTP status to the error hierarchy.
    static ExchangeError mapError(const HttpResponse &response, bool isOrderRequest);

private:
    using Params = QList<std::pair<QString, QString>>;
    enum class Call { Public, Signed };

    ExResult<QJsonDocument> call(const QByteArray &verb, const QString &path, Params params, Call kind, int weight,
                                 bool isOrderRequest = false, qint64 deadlineMs = 0);
    ExResult<QString> exchangeSymbol(const QString &symbol);
    ExResult<domain::Order> placeOrder(const OrderRequest &request, bool test);
    [[nodiscard]] domain::Order orderFrom(const QJsonObject &object) const;
    [[nodiscard]] static domain::Fill fillFrom(const QJsonObject &trade, const QString &symbol);
    ExResult<QJsonObject> fetchAccount();
    [[nodiscard]] qint64 serverNow() const { return m_clock() + m_offset; }

    HttpClient m_http;
    BinanceConfig m_config;
    Clock m_clock;
    RateLimiter m_weight;
    qint64 m_offset = 0;
    bool m_offsetKnown = false;
    QHash<QString, QString> m_toExchange; ///< "BTC/USDT" -> "BTCUSDT"
    QHash<QString, QString> m_toNeutral; ///< "BTCUSDT" -> "BTC/USDT"
    std::optional<QList<MarketRules>> m_markets;
};

} // namespace ballast::exchange
