#pragma once

#include "domain/order.h"
#include "money/decimal.h"

#include <QDateTime>
#include <QList>
#include <QString>

namespace ballast::domain {

/// The trading rules of one market, as CCXT models them: precision (lot step,
/// tick) and limits (quantity, price, notional), plus fees. A zero limit means
/// "no limit".
struct MarketRules
{
    QString symbol; ///< exchange-neutral "BASE/QUOTE"
    QString exchangeSymbol; ///< the exchange's own id, e.g. "BTCUSDT", "XXBTZUSD"
    QString base;
    QString quote;
    bool active = true;
    money::Decimal lotStep; ///< quantity increment (LOT_SIZE.stepSize, Kraken lot_decimals)
    money::Decimal minQuantity; ///< LOT_SIZE.minQty, Kraken ordermin
    money::Decimal maxQuantity; ///< LOT_SIZE.maxQty; zero = none
    money::Decimal marketLotStep; ///< MARKET_LOT_SIZE.stepSize; zero = same as lotStep
    money::Decimal marketMaxQuantity;
    money::Decimal tick; ///< PRICE_FILTER.tickSize, Kraken tick_size
    money::Decimal minPrice;
    money::Decimal maxPrice;
    money::Decimal minNotional; ///< MIN_NOTIONAL / NOTIONAL.minNotional, Kraken costmin
    money::Decimal maxNotional; ///< zero = none
    money::Decimal makerFee; ///< fraction, e.g. 0.001 for 10 bps
    money::Decimal takerFee;

    bool operator==(const MarketRules &) const = default;
};

/// Free and locked amounts of one asset on an exchange account.
struct Balance
{
    QString asset;
    money::Decimal free;
    money::Decimal locked;

    [[nodiscard]] money::Decimal total() const { return free + locked; }
    bool operator==(const Balance &) const = default;
};

/// An account's balances and the exchange time (ms) they include every fill
/// at or before.
struct BalanceSnapshot
{
    QList<Balance> balances;
    qint64 asOfMs = 0;
};

/// Last price and top of book of one market.
struct Ticker
{
    QString symbol; ///< "BASE/QUOTE"
    money::Decimal last;
    money::Decimal bid;
    money::Decimal ask;
    QDateTime time;
    bool simulated = false;

    bool operator==(const Ticker &) const = default;
};

/// What Ballast asks an exchange to do.
struct OrderRequest
{
    QString symbol; ///< "BASE/QUOTE"
    Side side = Side::Buy;
    OrderType type = OrderType::Market;
    money::Decimal quantity; ///< base quantity
    money::Decimal price; ///< limit price; zero for market orders
    QString clientOrderId; ///< deterministic, chosen by Ballast
    /// Exchange time (ms) after which the request must no longer execute
    /// (Binance timestamp + recvWindow, Kraken deadline); 0 = the connector's default.
    qint64 deadlineMs = 0;

    bool operator==(const OrderRequest &) const = default;
};

} // namespace ballast::domain
