#pragma once

#include "backtest/closeseries.h"
#include "common/result.h"
#include "market/importoptions.h"
#include "market/priceseries.h"

#include <QDate>
#include <QList>
#include <QString>
#include <QStringList>

#include <utility>
#include <vector>

class QThreadPool;

namespace ballast::backtest {

class SeriesCache;

/// How BacktestData::load reads price files.
struct LoadOptions
{
    QString quote; ///< the quote of every file; empty: from each file's symbol or name
    /// The newest row of a file. Detect: dropped when its candle may still
    /// have been running when the file was last written, i.e. when its close
    /// (open + interval) is after the file's modification time or after now.
    market::ImportOptions::LastCandle lastCandle = market::ImportOptions::LastCandle::Detect;
    qint64 nowMs = 0; ///< "now"; 0 = the system clock
    SeriesCache *cache = nullptr; ///< parsed closes kept across runs; none: every file is read
    QThreadPool *pool = nullptr; ///< files are read in parallel here; none: the global pool
};

/// What a load did, for the curious (tests, benchmarks, --json notes).
struct LoadReport
{
    int parsedFast = 0; ///< read by the one pass of CloseParser
    int parsedByImporter = 0; ///< read by PriceImporter (other layouts, unusual rows)
    int cached = 0; ///< taken from the cache, not read
    QStringList droppedNewest; ///< "BTC 2026-12-03 17:00": candles that may have been running
};

/// Prices of several assets on shared bars, laid out for a fast replay:
/// closes are time-major (closes[t * width + i]).
struct BacktestData
{
    QStringList assets;
    TimeBuffer times; ///< bar open times, ascending, UTC ms
    CloseMatrix closes;
    double barsPerDay = 1.0;

    [[nodiscard]] std::size_t width() const { return static_cast<std::size_t>(assets.size()); }
    [[nodiscard]] std::size_t bars() const { return times.size(); }
    [[nodiscard]] double close(std::size_t bar, std::size_t asset) const { return closes[bar * width() + asset]; }
    [[nodiscard]] int indexOf(const QString &asset) const { return static_cast<int>(assets.indexOf(asset)); }

    /// Adds an asset worth exactly 1 on every bar: the quote currency or a
    /// stablecoin held as cash.
    void addCash(const QString &symbol);
    /// Builds the data from per-asset close series on shared times.
    static Result<BacktestData> fromColumns(const QStringList &assets, const std::vector<qint64> &times,
                                            const std::vector<std::vector<double>> &columns);
    /// Reads price files (any layout the importer knows), aligns them on the
    /// bars they all share and cuts them to [from, to] (inclusive; invalid
    /// dates mean open-ended).
    /// The files are read in parallel (see LoadOptions) with CloseParser.
    static Result<BacktestData> load(const QList<std::pair<QString, QString>> &assetFiles, QDate from = {},
                                     QDate to = {}, const LoadOptions &options = {}, LoadReport *report = nullptr);
    /// The same from series already read (from files or the ledger's stored
    /// candles): cut to [from, to], aligned on the bars they all share, each
    /// named by its asset.
    static Result<BacktestData> fromSeries(const QList<market::PriceSeries> &series, QDate from = {}, QDate to = {});
};

} // namespace ballast::backtest
