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
    /// The quote amount the exchange booked for this trade (Binance quoteQty,
    /// Kraken cost), rounded as the exchange rounds it; zero when the
    /// exchange gives none (then quantity * price).
    money::Decimal quoteQuantity;

    /// What the trade moved in the quote asset, before fees.
    [[nodiscard]] money::Decimal quoteAmount() const
    {
        return quoteQuantity.isPositive() ? quoteQuantity : quantity * price;
    }

    bool operator==(const Fill &) const = default;
};

} // namespace ballast::domain
