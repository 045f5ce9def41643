#pragma once

#include "exchange/exchange.h"

#include <QHash>

#include <functional>

namespace ballast::test {

/// Wraps a real connector (the paper exchange in unit tests) and injects the
/// faults the executor must survive: a create that times out before or after
/// the exchange accepted it, an accepted order that lookups do not see for a
/// while, failing reads, rate limits.
class FaultyExchange final : public exchange::Exchange
{
public:
    enum class CreateFault { None, TimeoutBeforeAccept, TimeoutAfterAccept, RateLimited, ServerError };

    explicit FaultyExchange(exchange::Exchange &inner)
        : m_inner(inner)
    {
    }

    /// Faults for the next creates, consumed in order.
    QList<CreateFault> createFaults;
    /// Lookups that report "not found" for an order that exists, per client id.
    int hiddenLookups = 0;
    /// Reads (tickers, time, lookups) that fail with a network error first.
    int failingReads = 0;
    /// Reads of the exchange's time that fail with a network error first.
    int failingTimeReads = 0;
    /// Order-fill reads that fail with a network error first (a 5xx on myTrades).
    int failingFillReads = 0;
    /// Order-fill reads that answer at most the first fill of the order and
    /// none while the order has one (its trades are not visible yet), counted
    /// down per read.
    int laggingFillReads = 0;
    int fillReads = 0; ///< fetchOrderFills calls received
    /// Called after every successful create (a test can move prices, count, ...).
    std::function<void(const exchange::OrderRequest &)> afterCreate;
    /// Called when any create arrives, before its fault (a test can move the
    /// clock: an answer that comes only after the order's deadline).
    std::function<void(const exchange::OrderRequest &)> onCreate;

    int creates = 0; ///< create requests received, including faulted ones

    [[nodiscard]] QString id() const override { return m_inner.id(); }
    [[nodiscard]] bool isSimulated() const override { return m_inner.isSimulated(); }

    exchange::ExResult<qint64> fetchTime() override
    {
        if (auto failed = readFault())
            return *failed;
        if (failingTimeReads > 0) {
            --failingTimeReads;
            return error(exchange::ExchangeError::Kind::Network, "reset", "Connection reset by peer");
        }
        return m_inner.fetchTime();
    }
    exchange::ExResult<QList<exchange::MarketRules>> fetchMarkets() override { return m_inner.fetchMarkets(); }
    exchange::ExResult<QList<exchange::Balance>> fetchBalances() override { return m_inner.fetchBalances(); }
    exchange::ExResult<exchange::Ticker> fetchTicker(const QString &symbol) override
    {
        if (auto failed = readFault())
            return *failed;
        return m_inner.fetchTicker(symbol);
    }
    exchange::ExResult<QList<exchange::Ticker>> fetchTickers(const QStringList &symbols) override
    {
        return m_inner.fetchTickers(symbols);
    }
    exchange::ExResult<domain::Order> createOrder(const exchange::OrderRequest &request) override
    {
        ++creates;
        if (onCreate)
            onCreate(request);
        const CreateFault fault = createFaults.isEmpty() ? CreateFault::None : createFaults.takeFirst();
        using Kind = exchange::ExchangeError::Kind;
        switch (fault) {
        case CreateFault::TimeoutBeforeAccept:
            return error(Kind::UnknownOutcome, "timeout", "no answer before the timeout");
        case CreateFault::RateLimited: {
            auto e = error(Kind::RateLimited, "429", "Too many requests");
            e.retryAfterMs = 1000;
            return e;
        }
        case CreateFault::ServerError:
            return error(Kind::UnknownOutcome, "503", "Service Unavailable");
        case CreateFault::TimeoutAfterAccept: {
            auto placed = m_inner.createOrder(request);
            if (placed)
                m_hidden.insert(request.clientOrderId, hiddenLookups);
            return error(Kind::UnknownOutcome, "timeout", "no answer before the timeout");
        }
        case CreateFault::None:
            break;
        }
        auto placed = m_inner.createOrder(request);
        if (placed && afterCreate)
            afterCreate(request);
        return placed;
    }
    exchange::ExResult<domain::Order> validateOrder(const exchange::OrderRequest &request) override
    {
        return m_inner.validateOrder(request);
    }
    exchange::ExResult<domain::Order> fetchOrder(const QString &symbol, const QString &clientOrderId) override
    {
        if (auto failed = readFault())
            return *failed;
        if (int &hidden = m_hidden[clientOrderId]; hidden > 0) {
            --hidden;
            return error(exchange::ExchangeError::Kind::OrderNotFound, "-2013", "Order does not exist.");
        }
        return m_inner.fetchOrder(symbol, clientOrderId);
    }
    exchange::ExResult<domain::Order> cancelOrder(const QString &symbol, const QString &clientOrderId) override
    {
        return m_inner.cancelOrder(symbol, clientOrderId);
    }
    exchange::ExResult<QList<domain::Order>> fetchOpenOrders(const QString &symbol = {}) override
    {
        return m_inner.fetchOpenOrders(symbol);
    }
    exchange::ExResult<QList<domain::Fill>> fetchFills(const QString &symbol, qint64 sinceMs = 0) override
    {
        return m_inner.fetchFills(symbol, sinceMs);
    }
    exchange::ExResult<QList<domain::Fill>> fetchOrderFills(const QString &symbol, const QString &clientOrderId,
                                                            const QString &exchangeOrderId) override
    {
        ++fillReads;
        if (failingFillReads > 0) {
            --failingFillReads;
            return error(exchange::ExchangeError::Kind::Network, "503", "HTTP 503");
        }
        auto fills = m_inner.fetchOrderFills(symbol, clientOrderId, exchangeOrderId);
        if (fills && laggingFillReads > 0) {
            --laggingFillReads;
            fills->resize(fills->size() > 1 ? 1 : 0);
        }
        return fills;
    }

private:
    static exchange::ExchangeError error(exchange::ExchangeError::Kind kind, const char *code, const char *message)
    {
        exchange::ExchangeError e;
        e.kind = kind;
        e.exchangeCode = QString::fromLatin1(code);
        e.exchangeMessage = QString::fromLatin1(message);
        return e;
    }
    std::optional<exchange::ExchangeError> readFault()
    {
        if (failingReads <= 0)
            return std::nullopt;
        --failingReads;
        return error(exchange::ExchangeError::Kind::Network, "reset", "Connection reset by peer");
    }

    exchange::Exchange &m_inner;
    QHash<QString, int> m_hidden;
};

} // namespace ballast::test
