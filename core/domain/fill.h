#pragma once

#include "domain/order.h"
#include "money/decimal.h"

#include <QDateTime>
#include <QString>

namespace ballast::domain {

/// One execution of (part of) an order, with the fee the exchange charged.
struct Fill
{
    QString tradeId; ///< exchange trade id, unique per exchange and symbol
    QString clientOrderId;
    QString exchangeOrderId;
    QString symbol; ///< "BASE/QUOTE"
    Side side = Side::Buy;
    money::Decimal quantity; ///< base quantity
    money::Decimal price;
    money::Decimal fee;
    QString feeAsset;
    QDateTime time;

    bool operator==(const Fill &) const = default;
};

} // namespace ballast::domain
