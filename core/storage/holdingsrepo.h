#pragma once

#include "common/result.h"
#include "domain/holding.h"

#include <QList>

namespace ballast::storage {

class Database;

/// Quantities per account, asset and network: the ledger's positions.
class HoldingsRepo
{
public:
    explicit HoldingsRepo(Database &db)
        : m_db(db)
    {
    }

    /// Sets the listed positions of @p accountId (others stay as they are);
    /// a zero quantity removes the position. One transaction.
    Status set(qint64 accountId, const QList<domain::Holding> &holdings, qint64 atMs);
    /// Replaces every position of @p accountId (a sync from the exchange).
    Status replaceAccount(qint64 accountId, const QList<domain::Holding> &holdings, qint64 atMs);
    /// All positions, with account names, ordered by asset, account, network.
    Result<QList<domain::Holding>> list();
    Result<QList<domain::Holding>> listForAccount(qint64 accountId);

private:
    Result<QList<domain::Holding>> query(const char *where, qint64 accountId);

    Database &m_db;
};

} // namespace ballast::storage
