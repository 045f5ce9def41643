#pragma once

#include "money/decimal.h"

#include <QDateTime>
#include <QString>

#include <optional>

namespace ballast::domain {

/// One stored valuation of a portfolio: the points of its equity curve.
struct Valuation
{
    enum class Kind { Daily, Sync, Trade, Manual };

    QDateTime time; ///< UTC
    Kind kind = Kind::Daily;
    money::Decimal value;
    QString quote;
    bool simulated = false; ///< valued with simulated prices
    /// Daily rows rebuilt from the transactions: deposits - withdrawals at
    /// their value up to this close; none for other rows.
    std::optional<money::Decimal> netInvested;
    /// Daily rows: the assets valued without their own close that day,
    /// comma-separated; "BTC" at its last earlier close, "BTC=0" at zero.
    QString missing;

    bool operator==(const Valuation &) const = default;
};

QString toText(Valuation::Kind kind);
Valuation::Kind valuationKindFromString(const QString &text);

} // namespace ballast::domain
