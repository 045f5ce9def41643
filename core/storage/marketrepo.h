#pragma once

#include "common/result.h"
#include "domain/markettypes.h"

#include <QHash>
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
    Status replace(qint64 accountId, const QList<domain::MarketRules> &markets, qint64 atMs);
    Result<QList<domain::MarketRules>> markets(qint64 accountId);
    /// When each exchange account's markets were last replaced (its last
    /// successful sync), in ms since the epoch, by account id.
    Result<QHash<qint64, qint64>> syncTimes();

private:
    Database &m_db;
};

} // namespace ballast::storage
