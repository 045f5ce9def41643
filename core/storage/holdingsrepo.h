#pragma once

#include "common/result.h"
#include "domain/holding.h"

#include <QList>

namespace ballast::storage {

class Database;

/// Quantities per account, asset and network: the ledger's positions, read
/// from the `holdings` table, which is the sum of the transactions kept
/// materialised by TransactionRepo (the only writer).
class HoldingsRepo
{
public:
    explicit HoldingsRepo(Database &db)
        : m_db(db)
    {
    }

    /// All positions, with account names, ordered by asset, account, network.
    Result<QList<domain::Holding>> list();
    Result<QList<domain::Holding>> listForAccount(qint64 accountId);

private:
    Result<QList<domain::Holding>> query(const char *where, qint64 accountId);

    Database &m_db;
};

} // namespace ballast::storage
