#pragma once

#include "money/decimal.h"

#include <QDateTime>
#include <QString>

namespace ballast::domain {

enum class Side { Buy, Sell };
enum class OrderType { Market, Limit };

/// Lifecycle of an order as Ballast tracks it (journal and exchanges alike).
enum class OrderStatus {
    Planned,
    Submitting,
    Open,
    PartiallyFilled,
    Filled,
    Cancelled,
    Rejected,
    Expired,
    Unknown,
};

/// True for statuses after which nothing more can happen to the order.
bool isFinal(OrderStatus status);

/// An order: what was asked and what the exchange reports of it.
struct Order
{
    QString clientOrderId;
    QString exchangeOrderId;
    QString symbol; ///< exchange-neutral "BASE/QUOTE", e.g. "ETH/USDT"
    Side side = Side::Buy;
    OrderType type = OrderType::Market;
    money::Decimal quantity; ///< requested base quantity
    money::Decimal price; ///< limit price; zero for market orders
    money::Decimal filledQuantity;
    money::Decimal filledQuote; ///< cumulative quote amount of the fills
    OrderStatus status = OrderStatus::Planned;
    QString reason; ///< rejection or expiry reason as the exchange gave it
    QDateTime createdAt;
    QDateTime updatedAt;

    bool operator==(const Order &) const = default;
};

QString toText(Side side);
QString toText(OrderType type);
QString toText(OrderStatus status);
Side sideFromString(const QString &text);
OrderStatus orderStatusFromString(const QString &text);

} // namespace ballast::domain
