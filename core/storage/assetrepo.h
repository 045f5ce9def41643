#pragma once

#include "common/result.h"
#include "domain/asset.h"

#include <QList>
#include <QStringList>

namespace ballast::storage {

class Database;

/// The assets the ledger knows; unknown symbols are added from the catalog.
class AssetRepo
{
public:
    explicit AssetRepo(Database &db)
        : m_db(db)
    {
    }

    /// Makes sure every symbol has an assets row (catalog data or defaults).
    Status ensure(const QStringList &symbols);
    Result<QList<domain::Asset>> list();

private:
    Database &m_db;
};

} // namespace ballast::storage
