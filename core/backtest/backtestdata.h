#pragma once

#include "common/result.h"
#include "market/priceseries.h"

#include <QDate>
#include <QList>
#include <QString>
#include <QStringList>

#include <utility>
#include <vector>

namespace ballast::backtest {

/// Prices of several assets on shared bars, laid out for a fast replay:
/// closes are time-major (closes[t * width + i]).
struct BacktestData
{
    QStringList assets;
    std::vector<qint64> times; ///< bar open times, ascending, UTC ms
    std::vector<double> closes;
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
    static Result<BacktestData> load(const QList<std::pair<QString, QString>> &assetFiles, QDate from = {},
                                     QDate to = {});
    /// The same from series already read (from files or the ledger's stored
    /// candles): cut to [from, to], aligned on the bars they all share, each
    /// named by its asset.
    static Result<BacktestData> fromSeries(const QList<market::PriceSeries> &series, QDate from = {}, QDate to = {});
};

} // namespace ballast::backtest
