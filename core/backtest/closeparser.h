#pragma once

#include "backtest/closeseries.h"
#include "common/result.h"
#include "market/importoptions.h"

#include <QString>

#include <string_view>

namespace ballast::backtest {

/// Reads the closes of a price file for a backtest, straight from the bytes.
///
/// The plain OHLCV layout (`timestamp,open,high,low,close,volume`, the layout
/// of generated and exported research files) is read in one pass: no copy,
/// no allocation per row or field, the fields scanned 16 bytes at a time and
/// the closes converted as std::from_chars converts them. It reads only
/// what PriceImporter would read the same way: the importer first reads the
/// header and the first rows (which settles the layout, the asset, the quote
/// and their messages), and any row the one pass does not take as it is
/// (quotes, exponents, null or unordered rows, gaps that leave no majority
/// spacing, anything that would be an error) hands the whole file to
/// PriceImporter. So every layout and message of the importer stays, and
/// the fast pass never writes an error of its own.
///
/// The newest candle is always kept here: whether it may still have been
/// running depends on the clock and the file's time, which the caller knows.
class CloseParser
{
public:
    CloseParser() = delete;

    /// @p fast, when given, tells whether the one pass read the file.
    static Result<CloseSeries> parse(std::string_view data, const QString &fileName,
                                     const market::ImportOptions &options, bool *fast = nullptr);
};

/// The value of the plain decimal [@p first, @p last): digits with at most
/// one dot, no sign (what the one pass has checked). Bit for bit what
/// std::from_chars gives (correctly rounded), and false where it fails; up
/// to 15 digits without its call. The 8 bytes before @p first are read when
/// @p first is at least 8 bytes after @p readableFrom.
bool plainDecimalValue(const char *first, const char *last, double &value, const char *readableFrom);

} // namespace ballast::backtest
