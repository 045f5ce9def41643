#pragma once

#include "domain/pricepoint.h"

#include <QByteArray>
#include <QString>

#include <span>

struct sqlite3_stmt;

namespace ballast::storage {

class Database;

/// Bulk writer for one candle series, for imports of millions of rows. Opens
/// no transaction: the caller wraps the whole series in one
/// (storage::Transaction), which makes it all-or-nothing and syncs once.
/// Throws SqlError.
///
/// Why it is faster than PriceStore::putCandles: the series columns (asset,
/// quote, interval, source) are bound once, and rows go in multi-row
/// INSERT statements of kBatchRows rows, because each
/// sqlite3_step() costs about as much as the B-tree insert of one row; one
/// step per 50 rows halves the time of a million-row import.
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

    static constexpr int kBatchRows = 50;

    CandleWriter(Database &db, const QString &asset, const QString &quote, const QString &interval,
                 const QString &source);
    ~CandleWriter();
    CandleWriter(const CandleWriter &) = delete;
    CandleWriter &operator=(const CandleWriter &) = delete;

    /// Writes (or replaces, by open time) the candles; their open times must be unique.
    void write(std::span<const domain::Candle> candles);
    /// Candles written so far.
    [[nodiscard]] qint64 written() const { return m_written; }

private:
    sqlite3_stmt *prepare(int rows);
    void run(sqlite3_stmt *statement, std::span<const domain::Candle> candles);

    Database &m_db;
    sqlite3_stmt *m_batch = nullptr; ///< kBatchRows rows, prepared on first use
    sqlite3_stmt *m_single = nullptr; ///< one row, for the remainder
    // Bound with SQLITE_STATIC, so they must outlive the statements.
    QByteArray m_asset;
    QByteArray m_quote;
    QByteArray m_interval;
    QByteArray m_source;
    qint64 m_written = 0;
};

} // namespace ballast::storage
