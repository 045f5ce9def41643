#pragma once

#include "market/csvlayout.h"

#include <QList>
#include <QString>

#include <optional>

namespace ballast::market {

/// Two rows of a file with the same open time and different values. The
/// importer keeps one (see PriceImporter for which) and reports the pair.
struct DuplicateConflict
{
    qint64 openTimeMs = 0;
    int keptLine = 0; ///< 1-based line in the file
    int droppedLine = 0;

    bool operator==(const DuplicateConflict &) const = default;
};

/// A run of missing bars between two candles that are present.
struct PriceGap
{
    qint64 firstMissingMs = 0; ///< open time of the first missing bar
    qint64 lastMissingMs = 0; ///< open time of the last missing bar
    int missing = 0; ///< number of bars

    bool operator==(const PriceGap &) const = default;
};

/// A row whose prices are all `null` (Yahoo Finance writes these on outage days).
struct NullRow
{
    int line = 0;
    qint64 openTimeMs = 0;

    bool operator==(const NullRow &) const = default;
};

/// A point-in-time snapshot (CoinGecko) that was not taken at the start of its
/// bar and was assigned to the bar it falls in.
struct SnappedRow
{
    int line = 0;
    qint64 snappedAtMs = 0; ///< time printed in the file
    qint64 openTimeMs = 0; ///< open time of the bar it was assigned to

    bool operator==(const SnappedRow &) const = default;
};

/// A row whose printed date (CryptoDataDownload's Date column) disagrees with
/// its Unix time. The Unix time is used: it is what the exchange delivered,
/// the Date column is derived from it for people.
struct DateMismatch
{
    int line = 0;
    qint64 openTimeMs = 0; ///< from the Unix column, used
    qint64 printedMs = 0; ///< from the Date column, ignored

    bool operator==(const DateMismatch &) const = default;
};

/// Rows stamped at their candle's close rather than its open: end-of-day
/// files ("2024-01-01 23:59:59") and kline close times ("23:59:59.999"). Each
/// row was filed under the candle that opens one interval before the stamp's
/// next second (or millisecond): the one that closes where the row is stamped.
struct CloseStamps
{
    qint64 stampAfterOpenMs = 0; ///< stamp minus open time: the interval less 1 s or less 1 ms

    bool operator==(const CloseStamps &) const = default;
};

/// What an import read, kept, dropped and found missing: counts plus the
/// details a person needs to check the file.
struct ImportReport
{
    QString file;
    CsvLayout layout = CsvLayout::Unknown;
    QString asset;
    QString quote;
    QString interval;

    int rowsRead = 0; ///< data rows (not the URL line, header or blank lines)
    int candlesStored = 0; ///< candles in the series (importFile: rows written)
    qint64 firstOpenTimeMs = 0;
    qint64 lastOpenTimeMs = 0;

    int exactDuplicates = 0; ///< rows equal in every value to a kept row; dropped
    QList<DuplicateConflict> conflicts; ///< same open time, different values
    QList<PriceGap> gaps; ///< ascending
    QList<NullRow> nullRows; ///< skipped
    QList<SnappedRow> snapped; ///< off-grid snapshots assigned to their bar
    QList<DateMismatch> dateMismatches; ///< printed date differs from the Unix time
    std::optional<qint64> unfinishedSkippedMs; ///< open time of the skipped newest candle
    std::optional<CloseStamps> closeStamps; ///< set when every row is stamped at its candle's close
    /// importFile: runs of rows written to a temporary file to sort a file
    /// whose rows are not in time order (0 when none were; not in summary()).
    int sortedRuns = 0;
    /// importFile, for such a file: the threads that read its rows (2 for a
    /// file of more than 4 MB on a machine with more than one core; 0 when
    /// it was not sorted; not in summary()).
    int sortReaders = 0;
    /// importFile, for such a file: passes merging the sorted rows back in
    /// time order (1 when the interval the first rows gave held for the whole
    /// file, 2 when it had to be settled first; 0 when it was not sorted;
    /// not in summary()).
    int sortMerges = 0;
    /// importFile: the file was sorted a second time because the interval
    /// its first rows gave was not the whole file's (not in summary()).
    bool sortedAgain = false;

    /// Bars missing in all gaps together.
    [[nodiscard]] int missingBars() const;
    /// One line for a person, e.g. "BTC-USD.csv: Yahoo Finance BTC/USD 1d, 2456 rows, 2451 candles ...".
    [[nodiscard]] QString summary() const;
};

} // namespace ballast::market
