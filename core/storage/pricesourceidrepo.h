#pragma once

#include "common/result.h"

#include <QList>
#include <QString>

#include <optional>

namespace ballast::storage {

class Database;

/// One stored override: what @p source calls @p asset.
struct PriceSourceId
{
    QString asset; ///< "BTC"
    QString source; ///< "binance", "kraken", "coingecko"
    QString id; ///< "BTCUSDT", "XBTUSD", "bitcoin"
};

/// The person's names of assets at the price-history sources (table
/// price_source_ids), used instead of the automatic mapping.
class PriceSourceIdRepo
{
public:
    explicit PriceSourceIdRepo(Database &db)
        : m_db(db)
    {
    }

    /// The override of (@p asset, @p source), none when the automatic name applies.
    Result<std::optional<QString>> find(const QString &asset, const QString &source);
    /// Every override, by asset and source.
    Result<QList<PriceSourceId>> list();
    /// Inserts or replaces one override.
    Status set(const PriceSourceId &entry, qint64 atMs);
    /// Removes an override (back to the automatic name); true when there was one.
    Result<bool> remove(const QString &asset, const QString &source);

private:
    Database &m_db;
};

} // namespace ballast::storage
