#pragma once

// Between the two halves of the price import: priceimporter.cpp parses,
// priceimportfile.cpp (PriceImporter::importFile) writes what it parses to the
// ledger. Kept apart so that a program that only reads price files (the
// backtest from files in ballast-cli) links no SQLite. Not for other callers.

#include "common/result.h"
#include "domain/pricepoint.h"
#include "market/importoptions.h"
#include "market/importreport.h"

#include <QString>

#include <cstddef>
#include <functional>
#include <optional>
#include <vector>

namespace ballast::market::detail {

/// The series the streamed rows belong to.
struct SeriesKey
{
    QString asset;
    QString quote;
    QString interval;
};

/// Takes a batch of streamed rows (in file order) and leaves @p rows empty,
/// with room for the next batch (a vector the writer is done with, so that
/// batches do not each map fresh memory); false to stop the reading.
using StreamSink = std::function<bool(const SeriesKey &key, std::vector<domain::Candle> &rows)>;

/// How a file is handed to a StreamSink.
enum class StreamOrder {
    AsWritten, ///< in file order; gives up (no value) on a file not in time order
    /// Sorted through a temporary file first, then merged back once, the
    /// interval told by the first rows and checked against the whole file;
    /// gives up (no value, and sortAgain set) when the check fails.
    Sorted,
    SortedSettledFirst, ///< the same, merged twice: to settle the interval, then to write
};

/// Parses the file mapped at @p mapped (@p size bytes, named @p path in
/// messages) and hands its candles to @p sink, releasing the mapping's pages
/// as it passes them. A report, an error, or no value when the file must be
/// read whole instead (PriceImporter::readFile), or with @p sortAgain set,
/// sorted again with StreamOrder::SortedSettledFirst. @p descriptor: the
/// mapped file's, for reads beside the mapping (-1: none).
Result<std::optional<ImportReport>> streamMapped(uchar *mapped, std::size_t size, const QString &path,
                                                 const ImportOptions &options, const StreamSink &sink,
                                                 StreamOrder order, bool *sortAgain = nullptr, int descriptor = -1);

} // namespace ballast::market::detail
