#pragma once

#include "money/decimal.h"

#include <QString>

namespace ballast::domain {

/// A quantity of one asset on one account, optionally on one network.
struct Holding
{
    qint64 accountId = 0;
    QString accountName;
    QString asset; ///< asset symbol
    QString network; ///< empty when the account does not distinguish networks
    money::Decimal quantity;

    bool operator==(const Holding &) const = default;
};

} // namespace ballast::domain
