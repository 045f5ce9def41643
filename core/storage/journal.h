#pragma once

#include "common/result.h"
#include "domain/fill.h"
#include "domain/order.h"
#include "money/decimal.h"

#include <QList>
#include <QString>

#include <optional>

namespace ballast::storage {

class Database;

/// One order of a plan as the journal knows it.
struct JournalEntry
{
    QString clientOrderId;
    QString planId;
    int line = 0;
    qint64 accountId = 0;
    QString symbol; ///< "BASE/QUOTE"
    domain::Side side = domain::Side::Sell;
    domain::OrderType type = domain::OrderType::Market;
    money::Decimal quantity; ///< as it was (or will be) sent
    money::Decimal price;
    domain::OrderStatus status = domain::OrderStatus::Planned;
    QString exchangeOrderId;
    money::Decimal filledQuantity;
    money::Decimal filledQuote;
    int attempts = 0;
    qint64 deadlineMs = 0; ///< exchange time after which the last request can no longer execute
    QString reason;
    qint64 updatedAt = 0;

    [[nodiscard]] QString base() const { return symbol.section(QLatin1Char('/'), 0, 0); }
    [[nodiscard]] QString quote() const { return symbol.section(QLatin1Char('/'), 1, 1); }
    bool operator==(const JournalEntry &) const = default;
};

/// The write-ahead execution journal. Every intent and every state change is
/// committed before the request that depends on it is sent, so that after a
/// crash the journal says exactly which orders may exist on an exchange.
/// Fills are stored once per exchange trade and move the ledger's holdings.
class Journal
{
public:
    explicit Journal(Database &db)
        : m_db(db)
    {
    }

    /// Records the intents of a plan (status planned). Lines already in the
    /// journal are kept as they are, so a plan can be resumed.
    Status addIntents(const QList<JournalEntry> &entries, qint64 atMs);
    Result<QList<JournalEntry>> entries(const QString &planId);
    /// Every entry, newest plan first.
    Result<QList<JournalEntry>> allEntries();
    Result<std::optional<JournalEntry>> entry(const QString &clientOrderId);
    /// Every order that is not final, across all plans (for reconciliation).
    Result<QList<JournalEntry>> unfinished();
    /// Stores @p entry's new state and an event row, in one transaction.
    Status update(const JournalEntry &entry, const QString &detail, qint64 atMs);

    /// Stores a fill unless its trade (account, symbol, exchange trade id) is
    /// already known, whichever path (execute, reconcile, sync) sees it first.
    /// A new fill is booked as a trade transaction (source execution, external
    /// id domain::tradeExternalId) in the same SQLite transaction, which moves
    /// the account's holdings, unless its exchange time is at or before the
    /// account's sync watermark: the synced balances (and the adjustments the
    /// sync recorded) already contain it. Returns true when new.
    Result<bool> recordFill(qint64 accountId, const domain::Fill &fill);
    /// The account's sync watermark (exchange ms), 0 if it was never synced.
    Result<qint64> watermark(qint64 accountId);
    /// Sets the account's watermark; call it in the transaction that stores
    /// the synced balances.
    Status setWatermark(qint64 accountId, qint64 watermarkMs, qint64 atMs);
    /// Base quantity recorded in fills for the order.
    Result<money::Decimal> recordedQuantity(const QString &clientOrderId);
    /// Orders of @p accountId whose fills may be missing from the ledger: not
    /// final, or with less recorded than their filled quantity.
    Result<QList<JournalEntry>> missingFills(qint64 accountId);
    Result<QList<domain::Fill>> fills(const QString &clientOrderId);
    /// All fills, oldest first, with the account's name (for exports).
    struct FillRow
    {
        QString account;
        domain::Fill fill;
    };
    Result<QList<FillRow>> allFills();

    Result<qint64> startExecution(const QString &planId, bool dryRun, qint64 atMs);
    /// Executions still marked running belong to a process that died: mark
    /// them interrupted (their orders are settled by reconciliation).
    Status markInterrupted(qint64 atMs);
    Status finishExecution(qint64 executionId, const QString &status, const QString &summary, qint64 atMs);

private:
    Database &m_db;
};

} // namespace ballast::storage
