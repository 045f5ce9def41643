#pragma once

#include "common/result.h"
#include "domain/pricepoint.h"

#include <QHash>
#include <QList>

#include <limits>
#include <optional>

namespace ballast::storage {

class Database;

/// One stored candle series: what a backtest or chart can be drawn from.
struct StoredSeries
{
    QString asset;
    QString quote;
    QString interval;
    qint64 firstMs = 0; ///< open time of the oldest candle
    qint64 lastMs = 0; ///< open time of the newest candle
};

/// Exact prices for valuation, and candle history for analytics and backtests.
class PriceStore
{
public:
    static constexpr qint64 kLatest = std::numeric_limits<qint64>::max();

    explicit PriceStore(Database &db)
        : m_db(db)
    {
    }

    /// Stores the points (replacing any at the same asset, quote and time). One transaction.
    Status setPrices(const QList<domain::PricePoint> &points);
    /// The newest price of @p asset in @p quote at or before @p atMs.
    Result<std::optional<domain::PricePoint>> latest(const QString &asset, const QString &quote, qint64 atMs = kLatest);
    /// The newest price of every asset priced in @p quote at or before @p atMs, by asset.
    Result<QHash<QString, domain::PricePoint>> latestAll(const QString &quote, qint64 atMs = kLatest);

    /// Every stored price of @p asset in @p quote with time in [fromMs, toMs], oldest first.
    Result<QList<domain::PricePoint>> history(const QString &asset, const QString &quote, qint64 fromMs = 0,
                                              qint64 toMs = kLatest);

    /// Stores candles of one series (replacing equal open times). One transaction.
    Status putCandles(const QString &asset, const QString &quote, const QString &interval,
                      const QList<domain::Candle> &candles, const QString &source);
    /// Candles with open time in [fromMs, toMs], oldest first.
    Result<QList<domain::Candle>> candles(const QString &asset, const QString &quote, const QString &interval,
                                          qint64 fromMs = 0, qint64 toMs = kLatest);
    /// Open times of the candles of one series stored from @p source, oldest
    /// first: where a fetch from that source starts again, and its gaps.
    Result<QList<qint64>> candleTimes(const QString &asset, const QString &quote, const QString &interval,
                                      const QString &source);
    /// Open times of (@p asset, @p interval) that any source stored, in any quote, ascending.
    Result<QList<qint64>> coveredTimes(const QString &asset, const QString &interval);
    /// The highest price ever stored for @p asset in @p quote: the largest
    /// candle close and stored price; none when neither exists.
    Result<std::optional<double>> highest(const QString &asset, const QString &quote);

    /// Every stored candle series, ordered by asset, quote and interval. Walks
    /// the primary key (a few index seeks per series), so it stays fast with
    /// millions of candles.
    Result<QList<StoredSeries>> storedSeries();

private:
    Database &m_db;
};

} // namespace ballast::storage
