#pragma once

#include "common/result.h"
#include "exchange/markettypes.h"

#include <QList>

namespace ballast::storage {

class Database;

/// The markets of each exchange account as of its last sync.
class MarketRepo
{
public:
    explicit MarketRepo(Database &db)
        : m_db(db)
    {
    }

    /// Replaces the account's markets. One transaction.
    Status replace(qint64 accountId, const QList<exchange::MarketRules> &markets, qint64 atMs);
    Result<QList<exchange::MarketRules>> markets(qint64 accountId);

private:
    Database &m_db;
};

} // namespace ballast::storage
