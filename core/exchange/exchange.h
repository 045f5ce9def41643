#pragma once

#include "domain/fill.h"
#include "domain/order.h"
#include "exchange/exchangeerror.h"
#include "exchange/markettypes.h"

#include <QList>
#include <QString>
#include <QStringList>

namespace ballast::exchange {

/// The connector interface every venue implements, shaped like CCXT's unified
/// API. Calls are synchronous: network connectors block the (worker) thread
/// they run on, never the GUI thread.
class Exchange
{
public:
    virtual ~Exchange() = default;
    Exchange() = default;
    Exchange(const Exchange &) = delete;
    Exchange &operator=(const Exchange &) = delete;

    /// "paper", "binance", "kraken".
    [[nodiscard]] virtual QString id() const = 0;
    /// True when prices and fills are simulated (the paper exchange).
    [[nodiscard]] virtual bool isSimulated() const = 0;
    /// A stable identity of the account on the exchange ("binance URL KEY"),
    /// so that two executions never trade one account at once, even from two
    /// databases; empty when the account lives in the database (paper).
    [[nodiscard]] virtual QString accountIdentity() const { return {}; }

    virtual ExResult<qint64> fetchTime() = 0;
    virtual ExResult<QList<MarketRules>> fetchMarkets() = 0;
    virtual ExResult<QList<Balance>> fetchBalances() = 0;
    virtual ExResult<Ticker> fetchTicker(const QString &symbol) = 0;
    /// One ticker per symbol; the default asks fetchTicker() for each.
    virtual ExResult<QList<Ticker>> fetchTickers(const QStringList &symbols)
    {
        QList<Ticker> tickers;
        for (const QString &symbol : symbols) {
            auto ticker = fetchTicker(symbol);
            if (!ticker)
                return ticker.error();
            tickers.append(*ticker);
        }
        return tickers;
    }

    /// Places an order under the request's client order id. Never retried by
    /// the connector: an UnknownOutcome error means "look it up first".
    virtual ExResult<domain::Order> createOrder(const OrderRequest &request) = 0;
    /// Checks an order against every rule without placing it (dry run).
    virtual ExResult<domain::Order> validateOrder(const OrderRequest &request) = 0;
    /// The newest order with this client order id, OrderNotFound if none.
    virtual ExResult<domain::Order> fetchOrder(const QString &symbol, const QString &clientOrderId) = 0;
    virtual ExResult<domain::Order> cancelOrder(const QString &symbol, const QString &clientOrderId) = 0;
    /// Open orders, of one market or (empty symbol) of all.
    virtual ExResult<QList<domain::Order>> fetchOpenOrders(const QString &symbol = {}) = 0;
    /// Fills of one market at or after @p sinceMs, oldest first.
    virtual ExResult<QList<domain::Fill>> fetchFills(const QString &symbol, qint64 sinceMs = 0) = 0;
};

} // namespace ballast::exchange
