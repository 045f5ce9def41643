#pragma once

#include "common/clock.h"
#include "common/result.h"
#include "domain/account.h"

#include <QString>
#include <QStringList>

namespace ballast::storage {
class Database;
}
namespace ballast::exchange {
class Exchange;
}

namespace ballast::services {

/// What ExchangeImportService::importFromExchange reads.
struct ExchangeImportOptions
{
    QString account; ///< an exchange account (Binance or Kraken)
    /// Where the history starts on the first import of a stream (exchange
    /// time, ms); 0: Binance's launch (2017-07-01) for deposits and
    /// withdrawals, everything for the streams that page by id or offset.
    qint64 sinceMs = 0;
    bool dryRun = false; ///< read, check and count, then roll back: nothing stored, cursors kept
};

/// What one import from an exchange's API did. A refused import stored
/// nothing and left the cursors (see the error of importFromExchange).
struct ExchangeImportReport
{
    QString account;
    QString exchange; ///< "binance", "kraken"
    int requests = 0; ///< history streams read (markets, deposits, ledgers, ...)
    int transactions = 0; ///< transactions read (a Kraken trade is two ledger entries and one transaction)
    int added = 0; ///< new (or, in a dry run, that would be new)
    int duplicates = 0; ///< external id already stored on the account (earlier import, execution, CSV)
    int pending = 0; ///< deposits and withdrawals not final yet: left for a later import
    int linkedTransfers = 0;
    QStringList streams; ///< one line per stream read: "trades BTC/USDT: 1200"
    QStringList warnings;
};

/// Imports an exchange account's history from the exchange's API into the
/// ledger: Binance trades per market (myTrades), deposits and withdrawals;
/// Kraken ledger entries and trade history, a trade seen in both stored once.
///
/// Incremental: a cursor per account and stream (table import_cursors) says
/// where the last import stopped; the next one reads from there (with a
/// small overlap, harmless because transactions are de-duplicated by
/// external id, also against fills booked by executions). All or nothing:
/// everything is read first; then the transactions and the new cursors are
/// stored in one SQLite transaction. A failure while paging, a malformed
/// answer, or a holding left below zero stores nothing and keeps the cursors.
///
/// No widgets and no shared state: the desktop app runs it on a worker
/// thread with that thread's own Database connection and connector
/// (ExchangeFactory::setOwnNetwork). The call blocks while it pages.
class ExchangeImportService
{
public:
    explicit ExchangeImportService(storage::Database &db, Clock clock = systemClock());

    /// Reads what is new on @p exchange (the connector of options.account)
    /// and stores it. Errors: unknown account, a paper account (its fills are
    /// booked by executions), an exchange or answer error (named, with the
    /// stream), a store refusal; each with nothing stored.
    Result<ExchangeImportReport> importFromExchange(const ExchangeImportOptions &options, exchange::Exchange &exchange);

    /// Binance's launch: the first deposit or withdrawal window of a first import.
    static constexpr qint64 kBinanceHistoryStartMs = 1498867200000LL; // 2017-07-01T00:00:00Z
    /// How far before the cursor time-based streams read again.
    static constexpr qint64 kOverlapMs = 60LL * 60 * 1000;

private:
    storage::Database &m_db;
    Clock m_clock;
};

} // namespace ballast::services
