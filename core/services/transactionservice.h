#pragma once

#include "common/clock.h"
#include "common/result.h"
#include "domain/account.h"
#include "domain/holding.h"
#include "domain/transaction.h"
#include "imports/columnmapping.h"

#include <QList>
#include <QSet>
#include <QString>

#include <optional>
#include <utility>

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

/// What TransactionService::importFiles reads and where it stores it.
struct ImportOptions
{
    QString account; ///< the account every transaction goes to
    QString network; ///< set on transactions the file gives no network (all, today)
    /// Empty: the format is detected among all exchange exports;
    /// "binance", "kraken", "coinbase": detected among that exchange's
    /// exports; "mapping:FILE": every file read through the JSON mapping FILE.
    QString format;
    bool dryRun = false; ///< read, check and count, then roll back: nothing stored
    /// Set: every file is read through this mapping and @p format is not
    /// looked at (the desktop app builds the mapping in its import dialog).
    std::optional<imports::ColumnMapping> mapping;
};

/// What became of one file of an import. A refused file (error set) stored
/// nothing; the counts are then those of what was read, if anything.
struct FileImportReport
{
    QString file;
    QString format; ///< "kraken-ledgers", ..., "mapping"; empty when not detected
    int transactions = 0; ///< transactions read from the file
    int added = 0; ///< new (or, in a dry run, that would be new)
    int duplicates = 0; ///< external id already stored on the account (or repeated in the file)
    int linkedTransfers = 0; ///< transfer pairs of the file linked out leg to in leg
    QStringList warnings;
    QString error; ///< non-empty: refused; the message names file, line and column where it can
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

    /// What a statement of holdings covers in full: a holding of the account
    /// that the statement leaves out is taken to zero when it is covered
    /// (an exchange's balances cover the whole account; a wallet sync covers
    /// the networks it read), else left as it is ("holdings set").
    struct StatementScope
    {
        bool wholeAccount = false;
        QSet<QString> networks; ///< without wholeAccount: the networks stated in full
        /// Networks stated for the first time (a wallet's chain read once its
        /// account had begun): what they hold is an opening balance, not a flow.
        QSet<QString> opening;

        [[nodiscard]] static StatementScope whole() { return {true, {}, {}}; }
        [[nodiscard]] static StatementScope ofNetworks(QSet<QString> stated, QSet<QString> firstStated = {})
        {
            return {false, std::move(stated), std::move(firstStated)};
        }

        [[nodiscard]] bool covers(const QString &network) const { return wholeAccount || networks.contains(network); }
    };

    /// Records what makes the account's holdings equal to @p stated: for each
    /// (asset, network) whose sum differs, an unexplained adjustment of the
    /// difference from @p source at the current time; a holding missing from
    /// @p stated is taken to zero where @p scope covers its network. An account without
    /// any transaction gets opening balances instead (deposits, source
    /// "opening"): what it starts with is not a flow to explain; so does each
    /// network of @p scope's opening set. Moves only
    /// the ledger (not the paper exchange, no valuation); returns the new
    /// transactions. @p statedBy names who stated the holdings in the
    /// adjustments' notes ("the chain"); empty: the exchange (sync) or
    /// "holdings set".
    Result<QList<domain::Transaction>> reconcile(const domain::Account &account, const QList<domain::Holding> &stated,
                                                 domain::TransactionSource source, const StatementScope &scope,
                                                 const QString &statedBy = {});

    /// Imports exchange CSV exports (or any CSV through a mapping) into
    /// @p options.account. Each file is its own unit, all or nothing: it is
    /// parsed whole, then stored in one SQLite transaction; a parse error, a
    /// store error or a holding of the account left below zero refuses that
    /// file (nothing from it stored) and the next file is still tried.
    /// Transactions whose external id the account already has are skipped
    /// (counted as duplicates), so importing a file again adds nothing.
    /// Transfer legs of one file (an out and an in of the same asset and
    /// quantity, within kTransferPairWindowMs) are linked. An error is
    /// returned only for what concerns every file (unknown account, an
    /// unreadable or invalid mapping file, an unknown format).
    Result<QList<FileImportReport>> importFiles(const ImportOptions &options, const QStringList &files);

    /// Stores transactions read elsewhere (an exchange's API) into @p account
    /// exactly as importFiles() stores one file, with @p report.file naming
    /// the source in messages: validated, known external ids skipped, transfer
    /// legs linked, a holding left below zero refusing all of it. Runs in a
    /// savepoint when the caller has a transaction open; @p report.error set
    /// means nothing of it was stored.
    void storeImported(const domain::Account &account, const ImportOptions &options,
                       QList<domain::Transaction> transactions, FileImportReport &report);

    /// How far apart in time two legs of one transfer in a file may be.
    static constexpr qint64 kTransferPairWindowMs = 10LL * 60 * 1000;

private:
    /// One file of importFiles(): parsed transactions stored or refused.
    void importParsed(const domain::Account &account, const ImportOptions &options,
                      QList<domain::Transaction> transactions, FileImportReport &report);
    /// After a manual write: refuses a negative holding among @p touched,
    /// moves the paper balances of paper accounts, records a valuation.
    Status settle(const QList<domain::BalanceChange> &touched);
    Status checkAccount(qint64 accountId);
    /// remove() (@p deleting) and restore(): finds @p id in the state the
    /// operation needs, takes a transfer's other leg with it, and settles.
    Result<QList<domain::Transaction>> setDeleted(qint64 id, bool deleting);

    storage::Database &m_db;
    Clock m_clock;
};

} // namespace ballast::services
