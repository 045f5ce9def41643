#pragma once

#include "common/result.h"
#include "market/priceseries.h"

#include <QDate>
#include <QList>
#include <QString>

namespace ballast::market {

/// Closes of several series on the open times they all share.
struct AlignedCloses
{
    QStringList labels; ///< "BTC/USDT 1d", one per series, in the order given
    QList<qint64> times; ///< shared open times, ascending
    QList<QList<double>> closes; ///< closes[series][time], parallel to times

    [[nodiscard]] bool isEmpty() const { return times.isEmpty(); }
};

/// Puts price series side by side for analytics (correlations, backtests) and
/// cuts them to a date range. Alignment is by intersection: a time is kept
/// only when every series has a candle opening then, so nothing is filled in.
class PriceAlignment
{
public:
    PriceAlignment() = delete;

    /// Aligns on the shared open times. The series must have one interval
    /// (a daily close and an hourly close at 00:00 are different prices) and
    /// ascending unique open times, as PriceImporter delivers them.
    static Result<AlignedCloses> align(const QList<PriceSeries> &series);

    /// Candles whose open time falls on a UTC date in [from, to], both
    /// inclusive (for hourly candles: every hour of @p to as well). @p candles
    /// must be ascending.
    static QList<domain::Candle> filtered(const QList<domain::Candle> &candles, QDate from, QDate to);
    /// The series with its candles cut to [from, to] (see above).
    static PriceSeries filtered(const PriceSeries &series, QDate from, QDate to);
};

} // namespace ballast::market
