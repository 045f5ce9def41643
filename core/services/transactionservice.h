#pragma once

#include "common/clock.h"
#include "common/result.h"
#include "domain/account.h"
#include "domain/holding.h"
#include "domain/transaction.h"

#include <QList>
#include <QString>

#include <optional>

namespace ballast::storage {
class Database;
}

namespace ballast::services {

/// A transaction as the front ends list it: the event and its account's name.
struct TransactionRow
{
    domain::Transaction tx;
    QString accountName;
};

/// What TransactionService::list returns; an empty field does not filter.
struct TransactionQuery
{
    QString account;
    QString asset; ///< the asset, a trade's quote or the fee asset
    std::optional<domain::TransactionKind> kind;
    std::optional<qint64> fromMs; ///< inclusive
    std::optional<qint64> toMs; ///< inclusive
    bool unexplainedOnly = false;
    bool deleted = false; ///< list the deleted transactions (to restore one)
};

/// A move between two of the person's own accounts or networks.
struct TransferRequest
{
    QString fromAccount;
    QString fromNetwork;
    QString toAccount; ///< empty: the same account (a move between networks)
    QString toNetwork;
    QString asset;
    money::Decimal quantity; ///< what left the source; the fee comes on top
    money::Decimal fee; ///< paid on the source side, in feeAsset
    QString feeAsset;
    QDateTime time;
    QString externalId; ///< the transaction hash, if any
    QString note;
};

/// What an unexplained adjustment turns out to be.
enum class Classification { Deposit, Withdrawal, Transfer, Income };

/// Parses "deposit", "withdrawal", "transfer", "income".
std::optional<Classification> classificationFromName(const QString &name);

/// The transactions use cases: add, edit, delete and restore, list, classify,
/// and the reconciliation of stated balances (holdings set, exchange syncs)
/// against the sum of the transactions. Every write is validated and runs in
/// one SQLite transaction (a savepoint when the caller has one open), which
/// also moves the materialised holdings, the paper exchange's balances of a
/// paper account, and records a valuation. A write that would leave a
/// holding below zero is refused and changes nothing.
class TransactionService
{
public:
    explicit TransactionService(storage::Database &db, Clock clock = systemClock());

    /// The account named @p name (error "account.not_found" naming it).
    Result<domain::Account> account(const QString &name);

    /// Validates and stores @p tx (its id is ignored); returns it with its id.
    Result<domain::Transaction> add(const domain::Transaction &tx);
    /// Stores the two legs of a transfer, linked; returns {out, in}.
    Result<QList<domain::Transaction>> addTransfer(const TransferRequest &request);
    /// Replaces the stored transaction @p tx.id with @p tx (validated).
    Result<domain::Transaction> edit(const domain::Transaction &tx);
    /// Deletes a transaction and, for a transfer, its other leg; returns what
    /// was deleted. restore() with the same id undoes it.
    Result<QList<domain::Transaction>> remove(qint64 id);
    /// Brings back a deleted transaction (and its linked leg).
    Result<QList<domain::Transaction>> restore(qint64 id);
    Result<std::optional<domain::Transaction>> find(qint64 id);
    Result<QList<TransactionRow>> list(const TransactionQuery &query = {});

    /// Turns the adjustment @p id into what the person says it was: a
    /// deposit or income (it added), a withdrawal (it removed), or a transfer
    /// leg. @p linkId (transfers) names the other leg, an adjustment or
    /// transfer of the same asset in the other direction, which is linked
    /// and classified with it. The holdings do not move.
    Result<domain::Transaction> classify(qint64 id, Classification as, const QString &subkind = {}, qint64 linkId = 0);

    /// The holdings as the sum of the live transactions (recomputed, not read
    /// from the materialised table).
    Result<QList<domain::Holding>> sums();

    /// Records what makes the account's holdings equal to @p stated: for each
    /// (asset, network) whose sum differs, an unexplained adjustment of the
    /// difference from @p source at the current time; with @p wholeAccount a
    /// holding missing from @p stated is taken to zero. An account without
    /// any transaction gets opening balances instead (deposits, source
    /// "opening"): what it starts with is not a flow to explain. Moves only
    /// the ledger (not the paper exchange, no valuation); returns the new
    /// transactions.
    Result<QList<domain::Transaction>> reconcile(const domain::Account &account, const QList<domain::Holding> &stated,
                                                 domain::TransactionSource source, bool wholeAccount);

private:
    /// After a manual write: refuses a negative holding among @p touched,
    /// moves the paper balances of paper accounts, records a valuation.
    Status settle(const QList<domain::BalanceChange> &touched);
    Status checkAccount(qint64 accountId);

    storage::Database &m_db;
    Clock m_clock;
};

} // namespace ballast::services
