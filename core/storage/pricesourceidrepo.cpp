#include "storage/pricesourceidrepo.h"

#include "storage/database.h"

namespace ballast::storage {

Result<std::optional<QString>> PriceSourceIdRepo::find(const QString &asset, const QString &source)
{
    return guarded([&]() -> Result<std::optional<QString>> {
        Statement query(m_db, "SELECT id FROM price_source_ids WHERE asset = ? AND source = ?");
        query.bind(1, asset).bind(2, source);
        std::optional<QString> id;
        if (query.step())
            id = query.text(0);
        return id;
    });
}

Result<QList<PriceSourceId>> PriceSourceIdRepo::list()
{
    return guarded([&]() -> Result<QList<PriceSourceId>> {
        Statement query(m_db, "SELECT asset, source, id FROM price_source_ids ORDER BY asset, source");
        QList<PriceSourceId> entries;
        while (query.step())
            entries.append(PriceSourceId{query.text(0), query.text(1), query.text(2)});
        return entries;
    });
}

Status PriceSourceIdRepo::set(const PriceSourceId &entry, qint64 atMs)
{
    return guarded([&]() -> Status {
        Statement upsert(
            m_db,
            "INSERT INTO price_source_ids (asset, source, id, updated_at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (asset, source) DO UPDATE SET id = excluded.id, updated_at = excluded.updated_at");
        upsert.bind(1, entry.asset).bind(2, entry.source).bind(3, entry.id).bind(4, atMs);
        upsert.run();
        return {};
    });
}

Result<bool> PriceSourceIdRepo::remove(const QString &asset, const QString &source)
{
    return guarded([&]() -> Result<bool> {
        Statement erase(m_db, "DELETE FROM price_source_ids WHERE asset = ? AND source = ?");
        erase.bind(1, asset).bind(2, source);
        erase.run();
        return m_db.changes() > 0;
    });
}

} // namespace ballast::storage
