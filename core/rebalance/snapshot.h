#pragma once

#include "domain/band.h"
#include "domain/holding.h"
#include "domain/portfolio.h"
#include "domain/pricepoint.h"
#include "money/decimal.h"

#include <QDateTime>
#include <QHash>
#include <QList>
#include <QStringList>

#include <optional>

namespace ballast::rebalance {

/// One asset of a snapshot, summed over accounts and networks.
struct AssetPosition
{
    QString asset;
    money::Decimal quantity;
    std::optional<money::Decimal> price; ///< in the snapshot's quote; none when unknown
    money::Decimal value; ///< quantity x price (zero without a price)
    double weight = 0.0; ///< value / total value
    double target = 0.0; ///< target weight
    domain::Band band;
    bool simulatedPrice = false;
    QList<domain::Holding> split; ///< the holdings this position sums, by account and network

    /// weight - target, as a fraction (0.02 = 2 percentage points).
    [[nodiscard]] double drift() const { return weight - target; }
    /// (weight - target) / target; 0 when the target is 0.
    [[nodiscard]] double relativeDrift() const { return target > 0.0 ? (weight - target) / target : 0.0; }
    /// True when the weight has left the band around the target.
    [[nodiscard]] bool outsideBand() const;
};

/// An immutable valuation of a portfolio at one time in its quote currency.
/// Building one never touches the database: it is a pure function of the
/// portfolio, the holdings and the prices.
class Snapshot
{
public:
    static Snapshot build(const domain::Portfolio &portfolio, const QList<domain::Holding> &holdings,
                          const QHash<QString, domain::PricePoint> &prices, const QDateTime &time);

    [[nodiscard]] const QDateTime &time() const { return m_time; }
    [[nodiscard]] const QString &quote() const { return m_quote; }
    [[nodiscard]] const money::Decimal &totalValue() const { return m_total; }
    /// Held or targeted assets, largest value first.
    [[nodiscard]] const QList<AssetPosition> &positions() const { return m_positions; }
    /// Held assets without a price in the quote currency (left out of the total).
    [[nodiscard]] const QStringList &missingPrices() const { return m_missingPrices; }
    /// True when any price used was simulated.
    [[nodiscard]] bool isSimulated() const { return m_simulated; }
    [[nodiscard]] const AssetPosition *position(const QString &asset) const;

private:
    QDateTime m_time;
    QString m_quote;
    money::Decimal m_total;
    QList<AssetPosition> m_positions;
    QStringList m_missingPrices;
    bool m_simulated = false;
};

} // namespace ballast::rebalance
