#pragma once

#include "common/result.h"
#include "domain/holding.h"
#include "domain/transaction.h"

#include <QList>
#include <QString>

#include <limits>
#include <optional>

namespace ballast::storage {

class Database;

/// Which transactions TransactionRepo::list returns; an empty field does not filter.
struct TransactionFilter
{
    qint64 accountId = 0;
    QString asset; ///< matches the asset, the quote of a trade or the fee asset
    std::optional<domain::TransactionKind> kind;
    qint64 fromMs = std::numeric_limits<qint64>::min(); ///< inclusive
    qint64 toMs = std::numeric_limits<qint64>::max(); ///< inclusive
    bool unexplainedOnly = false;
    bool deleted = false; ///< true: the deleted rows instead of the live ones
};

/// The ledger's events: rows in, domain::Transaction out. Every write also
/// moves the materialised `holdings` (the sum of the live transactions'
/// balance changes) in the same SQLite transaction, so the two never differ;
/// nothing else writes `holdings`. Deleting keeps the row (soft delete) so
/// that restore() can bring it back under the same id.
class TransactionRepo
{
public:
    explicit TransactionRepo(Database &db)
        : m_db(db)
    {
    }

    /// Inserts @p tx (its id is ignored) and returns the new id. A non-empty
    /// external id already stored on the account is refused ("transaction.duplicate").
    Result<qint64> add(const domain::Transaction &tx, qint64 atMs);
    /// As add(), but a known external id on the account is not an error: the
    /// row is left as it is and std::nullopt returned (imports, syncs, fills).
    Result<std::optional<qint64>> addIfNew(const domain::Transaction &tx, qint64 atMs);
    /// Replaces every field of the live transaction @p tx.id.
    Status update(const domain::Transaction &tx, qint64 atMs);
    /// Marks a live transaction deleted and takes it out of the holdings.
    Status remove(qint64 id, qint64 atMs);
    /// Brings a deleted transaction back (same id) into the holdings.
    Status restore(qint64 id, qint64 atMs);
    /// Sets the link of a transaction (transfers: the id of the other leg).
    Status setLink(qint64 id, qint64 linkId);

    /// A transaction by id, live or deleted; std::nullopt when there is none.
    Result<std::optional<domain::Transaction>> find(qint64 id);
    /// True when @p id exists and is deleted.
    Result<bool> isDeleted(qint64 id);
    /// Transactions matching @p filter, by time then id.
    Result<QList<domain::Transaction>> list(const TransactionFilter &filter = {});
    /// True when the account has at least one live transaction.
    Result<bool> hasAny(qint64 accountId);
    /// The holdings recomputed from the live transactions (not read from the
    /// materialised table), zero sums left out, ordered as HoldingsRepo::list.
    Result<QList<domain::Holding>> sums();

private:
    Result<std::optional<qint64>> insert(const domain::Transaction &tx, qint64 atMs, bool ignoreKnown);

    Database &m_db;
};

} // namespace ballast::storage
