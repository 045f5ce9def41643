#include "storage/importcursorrepo.h"

#include "storage/database.h"

namespace ballast::storage {

Result<QHash<QString, QString>> ImportCursorRepo::positions(qint64 accountId)
{
    return guarded([&]() -> Result<QHash<QString, QString>> {
        Statement query(m_db, "SELECT stream, position FROM import_cursors WHERE account_id = ?");
        query.bind(1, accountId);
        QHash<QString, QString> positions;
        while (query.step())
            positions.insert(query.text(0), query.text(1));
        return positions;
    });
}

Status ImportCursorRepo::setPosition(qint64 accountId, const QString &stream, const QString &position, qint64 atMs)
{
    return guarded([&]() -> Status {
        Statement upsert(m_db,
                         "INSERT INTO import_cursors (account_id, stream, position, updated_at) VALUES (?, ?, ?, ?) "
                         "ON CONFLICT (account_id, stream) DO UPDATE SET position = excluded.position, "
                         "updated_at = excluded.updated_at");
        upsert.bind(1, accountId).bind(2, stream).bind(3, position).bind(4, atMs);
        upsert.run();
        return {};
    });
}

} // namespace ballast::storage
