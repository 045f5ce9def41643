#pragma once

#include "money/decimal.h"

#include <QDateTime>
#include <QString>

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

    bool operator==(const Valuation &) const = default;
};

QString toText(Valuation::Kind kind);
Valuation::Kind valuationKindFromString(const QString &text);

} // namespace ballast::domain
