#pragma once

#include <QJsonObject>
#include <QList>
#include <QRandomGenerator>
#include <QString>

#include <optional>

namespace ballast::test::fake {

/// The request families a fault rule can target; both fakes map their paths onto these.
enum class FakeEndpoint {
    Any, ///< every API request (never the /__control endpoints)
    Time, ///< Binance GET /time, Kraken /public/Time
    Markets, ///< Binance exchangeInfo, Kraken AssetPairs/Assets/SystemStatus
    Ticker, ///< Binance ticker/price and bookTicker, Kraken Ticker
    Balance, ///< Binance account, Kraken Balance/BalanceEx
    OrderCreate, ///< Binance POST order, Kraken AddOrder (not validate)
    OrderTest, ///< Binance POST order/test, Kraken AddOrder validate=true
    OrderQuery, ///< Binance GET order, Kraken QueryOrders
    OrderCancel, ///< Binance DELETE order, Kraken CancelOrder
    CancelAll, ///< Binance DELETE openOrders, Kraken CancelAll
    OpenOrders, ///< Binance GET openOrders, Kraken OpenOrders
    ClosedOrders, ///< Binance GET allOrders, Kraken ClosedOrders
    Trades, ///< Binance myTrades, Kraken TradesHistory
    History, ///< Binance deposit and withdrawal history, Kraken Ledgers
    Candles, ///< Binance klines, Kraken public OHLC
    Other, ///< ping, unknown paths
};

/// What goes wrong. "Before accept" faults stop the request before the exchange
/// acts on it (no order is created); "after accept" faults let the exchange act
/// fully (order created and filled, cancel done) and then spoil the answer.
enum class FaultKind {
    TimeoutBeforeAccept, ///< hold the request, never answer, do nothing
    TimeoutAfterAccept, ///< act on the request, then never answer
    Http5xxBeforeAccept, ///< 5xx (httpStatus, default 503) with an HTML or empty body; nothing done
    Http5xxAfterAccept, ///< act, then answer 5xx
    ConnectionResetBeforeAccept, ///< abort the TCP connection; nothing done
    ConnectionResetAfterAccept, ///< act, then abort the TCP connection
    DelayBeforeAccept, ///< wait delayMs, then act (timestamps and deadlines are checked again)
    DelayAfterAccept, ///< act now, answer after delayMs
    UnknownStatusAfterAccept, ///< act, then Binance -1007 (HTTP 408) / Kraken EService:Unavailable
    InvalidTimestamp, ///< Binance -1021 / Kraken EAPI:Invalid nonce; nothing done
    RateLimited, ///< Binance 429 -1003 + Retry-After (arms the ban) / Kraken EAPI:Rate limit exceeded
    Banned, ///< Binance 418 + Retry-After / Kraken EGeneral:Temporary lockout
    ServiceUnavailable, ///< Binance 503 -1008 / Kraken EService:Unavailable; nothing done
    InsufficientBalance, ///< order create: Binance -2010 / Kraken EOrder:Insufficient funds
    OrderNotFound, ///< lookups answer "does not exist" (-2013, -2011, EOrder:Unknown order) or hide the order
    DelayedVisibility, ///< order create: the accepted order stays invisible to lookups for delayMs
};

/// One fault to inject. By default it hits the next matching request once.
struct FaultRule
{
    FakeEndpoint endpoint = FakeEndpoint::Any;
    FaultKind kind = FaultKind::TimeoutBeforeAccept;
    int count = 1; ///< how many matching requests it hits; -1 = unlimited
    double probability = 1.0; ///< chance to hit each matching request, drawn from a generator seeded with seed
    quint32 seed = 1;
    int delayMs = 0; ///< DelayBeforeAccept, DelayAfterAccept, DelayedVisibility
    int httpStatus = 0; ///< 0 = the kind's default (503 for 5xx, 408 for Binance -1007, 429, 418)
    bool emptyBody = false; ///< Http5xx*: an empty body instead of a gateway HTML page
    int retryAfterSec = 0; ///< RateLimited/Banned: Retry-After seconds (0 = the fake's default)
    int skip = 0; ///< let this many matching requests through first (a fault on the third page: 2)
};

/// Holds the fault rules of one fake and decides, request by request, which one fires.
class FaultInjector
{
public:
    /// Adds a rule; returns its id.
    int add(const FaultRule &rule);
    void remove(int id);
    void clear();

    /// The rule that fires for a request of @p endpoint, if any; consumes one use.
    std::optional<FaultRule> take(FakeEndpoint endpoint);

    /// Rules that can still fire.
    [[nodiscard]] int pending() const;
    /// How often rule @p id fired.
    [[nodiscard]] int hits(int id) const;
    /// Total number of faults fired since construction or clear().
    [[nodiscard]] int totalHits() const { return m_totalHits; }

    /// Whether a fault of @p kind makes sense for @p endpoint (e.g. InsufficientBalance only for order creation).
    static bool applies(FaultKind kind, FakeEndpoint endpoint);
    static bool isAfterAccept(FaultKind kind);

    static QString endpointName(FakeEndpoint endpoint);
    static std::optional<FakeEndpoint> endpointFromName(const QString &name);
    static QString kindName(FaultKind kind);
    static std::optional<FaultKind> kindFromName(const QString &name);
    /// Parses {"endpoint":"order.create","kind":"timeoutAfterAccept","count":1,"probability":0.5,"seed":7,
    /// "delayMs":0,"httpStatus":502,"emptyBody":false,"retryAfter":2}.
    static std::optional<FaultRule> ruleFromJson(const QJsonObject &json, QString *error);
    static QJsonObject ruleToJson(const FaultRule &rule);

private:
    struct Entry
    {
        int id = 0;
        FaultRule rule;
        int remaining = 1;
        int skipped = 0;
        int hits = 0;
        QRandomGenerator random;
    };
    QList<Entry> m_entries;
    int m_nextId = 1;
    int m_totalHits = 0;
};

} // namespace ballast::test::fake
