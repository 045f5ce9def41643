#pragma once

#include "common/result.h"

#include <QHash>
#include <QString>

namespace ballast::storage {

class Database;

/// Where each import from an exchange's API stopped, per account and stream
/// (table import_cursors). The caller writes a position in the SQLite
/// transaction that stores what was read up to it.
class ImportCursorRepo
{
public:
    explicit ImportCursorRepo(Database &db)
        : m_db(db)
    {
    }

    /// Every stream's position of the account (stream -> position).
    Result<QHash<QString, QString>> positions(qint64 accountId);
    /// Inserts or replaces one stream's position.
    Status setPosition(qint64 accountId, const QString &stream, const QString &position, qint64 atMs);

private:
    Database &m_db;
};

} // namespace ballast::storage
