#pragma once

#include <QString>

#include <cstddef>

namespace ballast::market {

/// What the caller knows better than the file. Empty strings mean "infer".
struct ImportOptions
{
    /// What to do with the newest candle when it may still have been running
    /// when the file was written.
    enum class LastCandle {
        Detect, ///< skip it when the rules in PriceImporter say it is unfinished
        Keep, ///< the caller knows the file ends with a closed candle
        Skip, ///< the caller knows the file ends with the candle in progress
    };

    QString asset; ///< "BTC"; overrides the file's symbol and name
    QString quote; ///< "USDT"; overrides the file's symbol and name
    /// "1d", "1h"...; needed only when it cannot be inferred (one row, no close
    /// time, nothing in the file name). When given it must match the spacing.
    QString interval{};
    LastCandle lastCandle = LastCandle::Detect;
    qint64 nowMs = 0; ///< "now" for the unfinished-candle rule; 0 = the system clock
    /// importFile, for a file whose rows are out of time order: how many rows
    /// are sorted in memory at a time before they go to a temporary file;
    /// 0 = 65,536 (4.7 MB; two are held). Tests set it low to sort through many runs.
    std::size_t sortRunRows = 0;
};

} // namespace ballast::market
