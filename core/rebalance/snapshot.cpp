#include "rebalance/snapshot.h"

#include <QMap>

#include <algorithm>

namespace ballast::rebalance {

using money::Decimal;

bool AssetPosition::outsideBand() const
{
    // A tiny tolerance so that a weight sitting exactly on the edge counts as inside.
    return std::abs(drift()) > band.halfWidth(target) + 1e-12;
}

Snapshot Snapshot::build(const domain::Portfolio &portfolio, const QList<domain::Holding> &holdings,
                         const QHash<QString, domain::PricePoint> &prices, const QDateTime &time)
{
    Snapshot snapshot;
    snapshot.m_time = time;
    snapshot.m_quote = portfolio.quote;

    QMap<QString, AssetPosition> byAsset;
    for (const auto &holding : holdings) {
        AssetPosition &position = byAsset[holding.asset];
        position.asset = holding.asset;
        position.quantity += holding.quantity;
        position.split.append(holding);
    }
    // One lookup table for the targets, not a search per position.
    QHash<QString, const domain::Target *> targets;
    targets.reserve(portfolio.targets.size());
    for (const auto &target : portfolio.targets) {
        AssetPosition &position = byAsset[target.asset];
        position.asset = target.asset;
        targets.insert(target.asset, &target);
    }

    for (auto it = byAsset.begin(); it != byAsset.end(); ++it) {
        AssetPosition &position = it.value();
        const domain::Target *target = targets.value(position.asset, nullptr);
        position.target = target ? target->weight.toDouble() : 0.0;
        position.band = target && target->band ? *target->band : portfolio.defaultBand;
        if (position.asset == portfolio.quote) {
            position.price = Decimal::fromInt(1);
        } else if (const auto found = prices.constFind(position.asset); found != prices.cend()) {
            position.price = found->price;
            position.simulatedPrice = found->isSimulated();
            snapshot.m_simulated = snapshot.m_simulated || (position.simulatedPrice && !position.quantity.isZero());
        } else if (!position.quantity.isZero()) {
            snapshot.m_missingPrices.append(position.asset);
        }
        if (position.price)
            position.value = position.quantity * *position.price;
        snapshot.m_total += position.value;
    }

    const double total = snapshot.m_total.toDouble();
    for (auto &position : byAsset) {
        position.weight = total > 0.0 ? position.value.toDouble() / total : 0.0;
        snapshot.m_positions.append(position);
    }
    std::stable_sort(snapshot.m_positions.begin(), snapshot.m_positions.end(),
                     [](const AssetPosition &a, const AssetPosition &b) {
                         if (a.value != b.value)
                             return a.value > b.value;
                         return a.target > b.target;
                     });
    return snapshot;
}

const AssetPosition *Snapshot::position(const QString &asset) const
{
    for (const auto &position : m_positions) {
        if (position.asset == asset)
            return &position;
    }
    return nullptr;
}

} // namespace ballast::rebalance
