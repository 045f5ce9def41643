#pragma once

#include "domain/band.h"
#include "domain/target.h"

#include <QList>
#include <QString>

namespace ballast::domain {

/// A named set of target weights valued in one quote currency.
struct Portfolio
{
    qint64 id = 0;
    QString name;
    QString quote = QStringLiteral("USDT"); ///< valuation and trading currency
    QList<Target> targets;
    Band defaultBand;
    QString policy = QStringLiteral("threshold"); ///< rebalance trigger spec (the rule of its RebalancePolicy)
    QString costMethod = QStringLiteral("fifo"); ///< cost basis of lots and gains: fifo, lifo, hifo, average
    int longTermDays = 365; ///< a disposal is long term when its lot was held MORE than this many days

    /// The band for @p asset: its own override or the portfolio default.
    [[nodiscard]] Band bandFor(const QString &asset) const;
    /// The target weight for @p asset as a fraction; 0 when not targeted.
    [[nodiscard]] double targetWeight(const QString &asset) const;

    bool operator==(const Portfolio &) const = default;
};

} // namespace ballast::domain
