#pragma once

#include "money/decimal.h"

#include <QHash>
#include <QList>
#include <QString>
#include <QStringList>

#include <functional>
#include <optional>

namespace ballast::test::fake {

using money::Decimal;

enum class Side { Buy, Sell };
enum class OrderType { Market, Limit };
enum class TimeInForce { Gtc, Ioc, Fok };
enum class OrderStatus { New, PartiallyFilled, Filled, Canceled, Expired };

/// Which asset pays the commission of a fill.
enum class FeeAssetPolicy {
    Received, ///< the asset the order receives: base for buys, quote for sells (Binance default)
    Quote, ///< always the quote asset (Kraken default)
    Base, ///< always the base asset
};

/// One market of the fake: its price, its grids, its fees and how taker orders fill.
struct BookMarket
{
    QString symbol; ///< exchange symbol, e.g. "BTCUSDT" or "XXBTZUSD"
    QString base; ///< exchange asset code of the base, e.g. "BTC" or "XXBT"
    QString quote;
    Decimal last; ///< last traded price
    Decimal halfSpread; ///< best ask = last + halfSpread, best bid = last - halfSpread
    Decimal tick; ///< price grid for bid/ask and fill prices (zero = none)
    Decimal qtyStep; ///< quantity grid used when an order is split into fills (zero = none)
    int quoteDecimals = 8; ///< quote amounts (price * qty) are rounded half-even to this
    int feeDecimals = 8; ///< commissions are rounded half-up to this
    Decimal makerFee; ///< rate, e.g. 0.001 for 0.1 %
    Decimal takerFee;
    FeeAssetPolicy feeAsset = FeeAssetPolicy::Received;
    int fillCount = 1; ///< how many fills a taker order is split into
    Decimal fillFraction = Decimal::fromInt(1); ///< share of a taker order that finds liquidity (0..1]
    Decimal fillPriceStep; ///< each further fill is this much worse than the previous one
    Decimal bookQty = Decimal::fromInt(10); ///< quantity shown at the best bid and ask
};

/// One execution of an order.
struct BookFill
{
    qint64 tradeId = 0;
    QString tradeRef; ///< exchange trade id string (Kraken "T...." txid; Binance the number)
    Decimal price;
    Decimal qty;
    Decimal quoteQty;
    Decimal commission;
    QString commissionAsset;
    qint64 timeMs = 0;
    bool maker = false;
};

/// One accepted order with everything that happened to it.
struct BookOrder
{
    qint64 id = 0; ///< numeric id (Binance orderId)
    QString ref; ///< exchange id string (Kraken txid; Binance the number)
    QString clientOrderId;
    QString symbol;
    Side side = Side::Buy;
    OrderType type = OrderType::Market;
    TimeInForce timeInForce = TimeInForce::Gtc;
    Decimal price; ///< limit price, zero for market orders
    Decimal origQty;
    Decimal origQuoteQty; ///< Binance quoteOrderQty, zero otherwise
    Decimal executedQty;
    Decimal cumQuote;
    Decimal feeInQuote; ///< commissions paid in the quote asset (Kraken "fee")
    OrderStatus status = OrderStatus::New;
    QString expiryReason;
    qint64 createdMs = 0;
    qint64 updatedMs = 0;
    qint64 closedMs = 0;
    qint64 visibleFromMs = 0; ///< lookups see the order only from this server time on
    QList<BookFill> fills;
    QString lockedAsset;
    Decimal lockedAmount; ///< still held for the unfilled part of a resting order
    QHash<QString, QString> tags; ///< exchange-specific extras (Kraken oflags, userref, ...)

    [[nodiscard]] bool isOpen() const { return status == OrderStatus::New || status == OrderStatus::PartiallyFilled; }
    [[nodiscard]] Decimal remainingQty() const { return origQty - executedQty; }
};

/// What to place.
struct PlaceSpec
{
    QString symbol;
    Side side = Side::Buy;
    OrderType type = OrderType::Market;
    TimeInForce timeInForce = TimeInForce::Gtc;
    Decimal price; ///< limit price
    Decimal qty; ///< base quantity (zero when quoteQty is used)
    Decimal quoteQty; ///< market order sized in quote (Binance quoteOrderQty)
    QString clientOrderId;
    qint64 nowMs = 0;
    qint64 visibleFromMs = 0;
    QHash<QString, QString> tags;
};

/// Why a placement failed.
enum class PlaceError {
    None,
    UnknownSymbol,
    DuplicateClientId, ///< an open order of the same symbol already uses the client id
    InsufficientBalance,
    ZeroQuantity, ///< a quote-sized market order too small for one quantity step
};

struct PlaceResult
{
    PlaceError error = PlaceError::None;
    BookOrder order;
};

/// The shared matching, balance and fill logic of both fakes: exact decimal
/// balances (free and locked per asset), one synthetic best bid/ask per
/// market, taker fills split into several executions at configurable prices,
/// partial liquidity, resting limit orders that tests fill explicitly, and a
/// full history of every order and fill ever accepted.
class FakeOrderBook
{
public:
    FakeOrderBook();

    void addMarket(const BookMarket &market);
    [[nodiscard]] bool hasMarket(const QString &symbol) const { return m_markets.contains(symbol); }
    [[nodiscard]] BookMarket *market(const QString &symbol);
    [[nodiscard]] const BookMarket *market(const QString &symbol) const;
    [[nodiscard]] QStringList symbols() const { return m_marketOrder; }
    void setPrice(const QString &symbol, const Decimal &last);
    [[nodiscard]] Decimal bestBid(const QString &symbol) const;
    [[nodiscard]] Decimal bestAsk(const QString &symbol) const;

    void setBalance(const QString &asset, const Decimal &free, const Decimal &locked = {});
    [[nodiscard]] Decimal free(const QString &asset) const { return m_free.value(asset); }
    [[nodiscard]] Decimal locked(const QString &asset) const { return m_locked.value(asset); }
    [[nodiscard]] Decimal total(const QString &asset) const { return free(asset) + locked(asset); }
    /// Every asset that has or had a balance, in the order they appeared.
    [[nodiscard]] QStringList assets() const { return m_assetOrder; }

    /// Exchange-visible id strings for orders and trades (default: the number).
    void setOrderRefGenerator(std::function<QString(qint64)> generator) { m_orderRef = std::move(generator); }
    void setTradeRefGenerator(std::function<QString(qint64)> generator) { m_tradeRef = std::move(generator); }
    void setFirstIds(qint64 orderId, qint64 tradeId);

    /// Checks and, unless @p dryRun, executes an order: duplicate client id,
    /// balance (including commissions paid from the spent asset), immediate
    /// fills for market and marketable limit orders, then rest, expire or fill.
    PlaceResult place(const PlaceSpec &spec, bool dryRun = false);
    /// Records a trade made before the test (history for imports): a filled
    /// order of one fill of @p qty at @p price, with @p commission in
    /// @p commissionAsset, at @p timeMs. Balances do not move. Returns the fill.
    BookFill recordTrade(const QString &symbol, Side side, const Decimal &price, const Decimal &qty,
                         const Decimal &commission, const QString &commissionAsset, qint64 timeMs);
    /// Cancels an open order and releases its locked funds; false if it is not open.
    bool cancel(qint64 id, qint64 nowMs);
    /// Fills a resting order as maker: @p qty (default: all that remains) at @p price
    /// (default: its limit price; a worse price than the limit is refused). Returns an error text or empty.
    QString fillResting(qint64 id, std::optional<Decimal> qty, std::optional<Decimal> price, qint64 nowMs);

    [[nodiscard]] const QList<BookOrder> &orders() const { return m_orders; }
    [[nodiscard]] BookOrder *order(qint64 id);
    [[nodiscard]] const BookOrder *order(qint64 id) const;
    [[nodiscard]] const BookOrder *orderByRef(const QString &ref) const;
    [[nodiscard]] bool hasOpenClientId(const QString &symbol, const QString &clientOrderId) const;

    /// Forgets orders, fills and balances; keeps markets; restarts ids.
    void clearState();

private:
    struct PlannedFill
    {
        Decimal price;
        Decimal qty;
    };
    QList<PlannedFill> planTaker(const BookMarket &market, Side side, const Decimal &qty,
                                 std::optional<Decimal> limit) const;
    [[nodiscard]] QString feeAssetFor(const BookMarket &market, Side side) const;
    BookFill makeFill(const BookMarket &market, Side side, const Decimal &price, const Decimal &qty, bool maker,
                      qint64 nowMs);
    void applyFill(BookOrder &order, const BookMarket &market, const BookFill &fill, bool fromLock);
    void lock(BookOrder &order, const QString &asset, const Decimal &amount);
    void release(BookOrder &order);
    void addBalance(const QString &asset, const Decimal &delta);
    void touchAsset(const QString &asset);
    [[nodiscard]] Decimal roundPrice(const BookMarket &market, const Decimal &price, money::RoundingMode mode) const;

    QHash<QString, BookMarket> m_markets;
    QStringList m_marketOrder;
    QHash<QString, Decimal> m_free;
    QHash<QString, Decimal> m_locked;
    QStringList m_assetOrder;
    QList<BookOrder> m_orders;
    qint64 m_firstOrderId = 1;
    qint64 m_firstTradeId = 1;
    qint64 m_nextOrderId = 1;
    qint64 m_nextTradeId = 1;
    std::function<QString(qint64)> m_orderRef;
    std::function<QString(qint64)> m_tradeRef;
};

} // namespace ballast::test::fake
