#pragma once

#include "domain/fill.h"
#include "domain/order.h"
#include "exchange/accounthistory.h"
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
    /// Balances with the exchange time they are known to include every fill
    /// at or before (the account's sync watermark). The default takes the
    /// server time BEFORE asking for the balances: a fill executed between the
    /// two requests is in the balances but later than the time (see
    /// docs/execution.md, "Sync watermark").
    virtual ExResult<BalanceSnapshot> fetchBalanceSnapshot()
    {
        auto time = fetchTime();
        if (!time)
            return time.error();
        auto balances = fetchBalances();
        if (!balances)
            return balances.error();
        return BalanceSnapshot{*balances, *time};
    }
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
    /// Every fill of one order, each once, oldest first, however many there
    /// are (the connector pages). @p exchangeOrderId may be empty: the order is
    /// then looked up by its client id first (OrderNotFound if it is unknown).
    /// Each fill carries @p clientOrderId.
    virtual ExResult<QList<domain::Fill>> fetchOrderFills(const QString &symbol, const QString &clientOrderId,
                                                          const QString &exchangeOrderId) = 0;

    // The account's history, for transaction imports. Each call pages through
    // everything it is asked for and answers all of it or an error (nothing
    // half). A connector without the call answers Exchange "not supported".

    /// Every trade of one market with a trade id above @p afterTradeId
    /// (empty: from the first), oldest first (Binance myTrades with fromId).
    virtual ExResult<QList<domain::Fill>> fetchTradeHistory(const QString &symbol, const QString &afterTradeId)
    {
        Q_UNUSED(symbol);
        Q_UNUSED(afterTradeId);
        return notSupported(QStringLiteral("trade history per market"));
    }
    /// Every trade of every market after @p afterMs (exchange time, ms; 0:
    /// all), each once, oldest first (Kraken TradesHistory).
    virtual ExResult<QList<domain::Fill>> fetchAllTrades(qint64 afterMs)
    {
        Q_UNUSED(afterMs);
        return notSupported(QStringLiteral("trade history"));
    }
    /// Deposits or withdrawals with a time in [@p fromMs, @p toMs], every state
    /// (Binance capital history, in windows the exchange allows).
    virtual ExResult<QList<Movement>> fetchMovements(Movement::Direction direction, qint64 fromMs, qint64 toMs)
    {
        Q_UNUSED(direction);
        Q_UNUSED(fromMs);
        Q_UNUSED(toMs);
        return notSupported(QStringLiteral("deposit and withdrawal history"));
    }
    /// Every ledger entry after @p afterMs (0: all), each once, oldest first
    /// (Kraken Ledgers).
    virtual ExResult<QList<LedgerEntry>> fetchLedger(qint64 afterMs)
    {
        Q_UNUSED(afterMs);
        return notSupported(QStringLiteral("ledger history"));
    }

protected:
    [[nodiscard]] ExchangeError notSupported(const QString &what) const
    {
        ExchangeError error;
        error.kind = ExchangeError::Kind::Exchange;
        error.exchangeCode = QStringLiteral("not_supported");
        error.exchangeMessage = QStringLiteral("%1 has no %2").arg(id(), what);
        return error;
    }
};

} // namespace ballast::exchange
