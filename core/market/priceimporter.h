#pragma once

#include "common/result.h"
#include "market/importoptions.h"
#include "market/importreport.h"
#include "market/priceseries.h"

#include <QByteArray>
#include <QString>

namespace ballast::storage {
class Database;
}

namespace ballast::market {

/// Reads price-history CSV files in the layouts users actually have and
/// stores them as candles. The layout is told from the content; a file that
/// cannot be read honestly is refused with one line naming the file, the line
/// and the column, never repaired by guessing.
///
/// Rules (the why is in priceimporter.cpp):
/// - Times are UTC. A candle is identified by its open time as printed: the
///   daily row "2019-01-01" is the candle opening 2019-01-01 00:00 UTC. Unix
///   values are read per row by magnitude (s / ms / us / ns), so Binance spot
///   files switching to microseconds in 2025 and CryptoDataDownload files mixing
///   "1502946000.0" seconds with milliseconds both read correctly.
/// - Interval: from the kline close times when the file has them, else the most
///   common spacing between open times (1m 3m 5m 15m 30m 1h 2h 4h 6h 8h 12h 1d
///   3d 1w), else ImportOptions::interval or the file name ("_1d", "-1h-",
///   CryptoDataDownload's "_d"). Open times must sit on the interval's grid
///   (multiples of it since the epoch, for intervals up to a day).
/// - Close stamps: when every row's time is 1 s (end-of-day files,
///   "23:59:59") or 1 ms (kline close times, "23:59:59.999") before a grid
///   point, each row is the candle that closes there and is filed under its
///   open time (ImportReport::closeStamps says so). Open and close stamps
///   mixed in one file are refused at the first line that differs.
/// - Duplicates: rows with equal open time and equal values are dropped and
///   counted. When the values differ the newer write wins: exports grow at
///   their newest end, so in a newest-first file the earlier line is kept and in
///   an oldest-first file the later line. Each such conflict is reported with
///   both lines.
/// - CoinGecko snapshots taken off the grid (e.g. 2017-06-06 23:29:55 UTC) are
///   assigned to the bar of the UTC date they were taken on; if two land on one
///   bar the one taken nearest after its start is kept (a reported conflict).
///   market_cap and total_volume may be empty or 0, meaning unknown (stored 0).
/// - CryptoDataDownload prints each time twice (Unix, Date): the Unix value is
///   used, rows whose Date disagrees are reported (not refused).
/// - A row whose prices are all `null` (Yahoo outage days) is skipped and reported.
/// - Unfinished newest candle (ImportOptions::LastCandle::Detect): skipped when
///   its close (open + interval) is after "now", and always for the plain
///   OHLCV layout, which has no close time and whose exporters write the candle
///   in progress. Skipping a closed candle costs one bar that the next import
///   brings; keeping a running one would store a wrong close.
/// - Gaps (missing bars between present ones) are reported, never filled.
/// - Refused: numbers with two dots or a comma ("14.748.800.659", "1,5"),
///   day-first or two-digit-year dates ("29-04-13"), prices of zero or below,
///   short rows, a Symbol column that changes, open times off the grid.
///   Volume and market cap may be empty or null (stored 0, "unknown").
/// - importFile stores source "import" and replaces candles with equal open
///   times; candles of the series outside the file are left alone.
/// - Asset and quote: ImportOptions, else the file's Symbol column, else the
///   file name; otherwise an error asking for --asset / --quote.
class PriceImporter
{
public:
    PriceImporter() = delete;

    /// Reads and checks a file; touches no database.
    static Result<PriceSeries> readFile(const QString &path, const ImportOptions &options = {});
    /// The same from bytes in memory; @p fileName names the data in messages
    /// and is the last resort for the asset, quote and interval.
    static Result<PriceSeries> parse(const QByteArray &data, const QString &fileName,
                                     const ImportOptions &options = {});
    /// Reads the file and writes its candles (replacing equal open times) in
    /// one transaction: the database gets all of them or, on any error, none.
    static Result<ImportReport> importFile(storage::Database &db, const QString &path,
                                           const ImportOptions &options = {});

    /// Milliseconds of an interval label ("1h" -> 3600000); 0 when unknown.
    static qint64 intervalMs(const QString &interval);
    /// The label of an interval length (3600000 -> "1h"); empty when unknown.
    static QString intervalLabel(qint64 ms);
};

} // namespace ballast::market
