#pragma once

#include "domain/pricepoint.h"

#include <QByteArray>
#include <QString>

#include <span>

struct sqlite3_stmt;

namespace ballast::storage {

class Database;

/// Bulk writer for one candle series, for imports of millions of rows. Opens
/// no transaction: the caller must hold one (storage::Transaction) around the
/// whole series, which makes it all-or-nothing and syncs once; the
/// constructor throws SqlError when there is none. Throws SqlError.
///
/// Why it is faster than PriceStore::putCandles: the series columns (asset,
/// quote, interval, source) are bound once, and rows go in multi-row INSERT
/// statements of kBatchRows rows, because each sqlite3_step() costs about as
/// much as the B-tree insert of one row.
///
/// Rows whose times hold no stored candle yet (checked kProbeRows at a time,
/// one index seek) go in plain `INSERT OR FAIL` statements; the others in the
/// upsert below. The difference is SQLite's statement journal: a multi-row
/// statement that may abort half-way (every upsert, whose UPDATE part aborts
/// on a constraint) journals each page it changes to a temporary file so that
/// the statement alone can be undone, about 200,000 writes a million rows.
/// An `OR FAIL` insert keeps the rows before a failing one instead, which is
/// safe only because the caller's transaction is then rolled back whole.
/// Without a statement journal SQLite itself rolls back the whole
/// transaction (not only a savepoint around the writer) on a full disk or
/// out of memory: a caller must not carry on writing after a failure.
class CandleWriter
{
public:
    /// How a candle already stored at the same (asset, quote, interval, time)
    /// is updated, for both writers: the new row's prices and source, and its
    /// market cap only when it has one. A source without caps (an exchange, a
    /// file) never erases the caps CoinGecko stored, which the market-cap
    /// allocation models read.
    static constexpr const char *kUpsertTail =
        " ON CONFLICT (asset, quote, interval, ts) DO UPDATE SET open = excluded.open, high = excluded.high, "
        "low = excluded.low, close = excluded.close, volume = excluded.volume, source = excluded.source, "
        "market_cap = CASE WHEN excluded.market_cap > 0 THEN excluded.market_cap ELSE candles.market_cap END";

    static constexpr int kBatchRows = 64;
    /// Rows whose time range is looked up at once for stored candles: a
    /// multiple of kBatchRows, so that parts need no single-row statements.
    static constexpr std::size_t kProbeRows = 1024;
    static_assert(kProbeRows % kBatchRows == 0);

    CandleWriter(Database &db, const QString &asset, const QString &quote, const QString &interval,
                 const QString &source);
    ~CandleWriter();
    CandleWriter(const CandleWriter &) = delete;
    CandleWriter &operator=(const CandleWriter &) = delete;

    /// Writes (or replaces, by open time) the candles; their open times must
    /// be unique (a repeated time fails with a constraint error in a part
    /// with nothing stored, and the later row replaces the earlier in one
    /// that meets stored candles).
    void write(std::span<const domain::Candle> candles);
    /// Candles written so far.
    [[nodiscard]] qint64 written() const { return m_written; }
    /// Of those, the ones written by plain inserts (nothing was stored in
    /// their part's time range).
    [[nodiscard]] qint64 inserted() const { return m_inserted; }

private:
    enum Mode { Insert, Upsert };
    sqlite3_stmt *prepare(const QByteArray &sql, int seriesParameters, const char *what);
    sqlite3_stmt *statement(Mode mode, int rows);
    [[nodiscard]] bool anyStored(std::span<const domain::Candle> candles);
    void run(sqlite3_stmt *statement, std::span<const domain::Candle> candles);
    void writePart(Mode mode, std::span<const domain::Candle> candles);

    Database &m_db;
    /// [mode][0]: kBatchRows rows, [mode][1]: one row (the remainder);
    /// prepared on first use.
    sqlite3_stmt *m_statements[2][2] = {};
    sqlite3_stmt *m_probe = nullptr;
    // Bound with SQLITE_STATIC, so they must outlive the statements.
    QByteArray m_asset;
    QByteArray m_quote;
    QByteArray m_interval;
    QByteArray m_source;
    qint64 m_written = 0;
    qint64 m_inserted = 0;
};

} // namespace ballast::storage
