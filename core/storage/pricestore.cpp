#include "storage/pricestore.h"

#include "storage/candlewriter.h"
#include "storage/database.h"

#include <QStringList>
#include <QTimeZone>

#include <optional>

namespace ballast::storage {

namespace {

domain::PricePoint readPoint(const Statement &row)
{
    domain::PricePoint point;
    point.asset = row.text(0);
    point.quote = row.text(1);
    point.time = QDateTime::fromMSecsSinceEpoch(row.int64(2), QTimeZone::utc());
    point.price = row.decimal(3);
    point.source = row.text(4);
    return point;
}

} // namespace

Status PriceStore::setPrices(const QList<domain::PricePoint> &points)
{
    return guarded([&]() -> Status {
        Transaction transaction(m_db);
        Statement upsert(m_db,
                         "INSERT OR REPLACE INTO prices (asset, quote, ts, price, source) VALUES (?, ?, ?, ?, ?)");
        for (const auto &point : points) {
            if (!point.price.isPositive()) {
                return makeError(QStringLiteral("price.range"),
                                 QStringLiteral("price of %1 in %2 must be above zero, got %3")
                                     .arg(point.asset, point.quote, point.price.toString()));
            }
            upsert.bind(1, point.asset)
                .bind(2, point.quote)
                .bind(3, point.time.toMSecsSinceEpoch())
                .bind(4, point.price)
                .bind(5, point.source);
            upsert.run();
            upsert.reset();
        }
        transaction.commit();
        return {};
    });
}

Result<std::optional<domain::PricePoint>> PriceStore::latest(const QString &asset, const QString &quote, qint64 atMs)
{
    return guarded([&]() -> Result<std::optional<domain::PricePoint>> {
        Statement query(m_db,
                        "SELECT asset, quote, ts, price, source FROM prices "
                        "WHERE asset = ? AND quote = ? AND ts <= ? ORDER BY ts DESC LIMIT 1");
        query.bind(1, asset).bind(2, quote).bind(3, atMs);
        if (query.step())
            return std::optional<domain::PricePoint>(readPoint(query));
        return std::optional<domain::PricePoint>();
    });
}

Result<QHash<QString, domain::PricePoint>> PriceStore::latestAll(const QString &quote, qint64 atMs)
{
    return guarded([&]() -> Result<QHash<QString, domain::PricePoint>> {
        // The newest price per asset through the primary key (asset, quote,
        // ts): the assets one by one by seeking past the previous one, then
        // one seek each for the newest time. A GROUP BY over the table read
        // every price ever stored (tens of milliseconds on years of daily
        // prices, and every page's snapshot asks for it).
        Statement query(m_db,
                        "WITH RECURSIVE a(asset) AS ("
                        " SELECT (SELECT min(asset) FROM prices)"
                        " UNION ALL"
                        " SELECT (SELECT min(asset) FROM prices WHERE asset > a.asset) FROM a"
                        " WHERE a.asset IS NOT NULL) "
                        "SELECT p.asset, p.quote, p.ts, p.price, p.source FROM a JOIN prices p"
                        " ON p.asset = a.asset AND p.quote = ?1"
                        " AND p.ts = (SELECT max(ts) FROM prices WHERE asset = a.asset AND quote = ?1 AND ts <= ?2)");
        query.bind(1, quote).bind(2, atMs);
        QHash<QString, domain::PricePoint> points;
        while (query.step()) {
            const domain::PricePoint point = readPoint(query);
            points.insert(point.asset, point);
        }
        return points;
    });
}

Result<QList<domain::PricePoint>> PriceStore::history(const QString &asset, const QString &quote, qint64 fromMs,
                                                      qint64 toMs)
{
    return guarded([&]() -> Result<QList<domain::PricePoint>> {
        Statement query(m_db,
                        "SELECT asset, quote, ts, price, source FROM prices "
                        "WHERE asset = ? AND quote = ? AND ts BETWEEN ? AND ? ORDER BY ts");
        query.bind(1, asset).bind(2, quote).bind(3, fromMs).bind(4, toMs);
        QList<domain::PricePoint> points;
        while (query.step())
            points.append(readPoint(query));
        return points;
    });
}

Status PriceStore::putCandles(const QString &asset, const QString &quote, const QString &interval,
                              const QList<domain::Candle> &candles, const QString &source)
{
    return guarded([&]() -> Status {
        Transaction transaction(m_db);
        const QByteArray sql = QByteArray("INSERT INTO candles "
                                          "(asset, quote, interval, ts, open, high, low, close, volume, source, "
                                          "market_cap) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
            + CandleWriter::kUpsertTail;
        Statement upsert(m_db, sql.constData());
        for (const auto &candle : candles) {
            upsert.bind(1, asset)
                .bind(2, quote)
                .bind(3, interval)
                .bind(4, candle.openTimeMs)
                .bind(5, candle.open)
                .bind(6, candle.high)
                .bind(7, candle.low)
                .bind(8, candle.close)
                .bind(9, candle.volume)
                .bind(10, source)
                .bind(11, candle.marketCap);
            upsert.run();
            upsert.reset();
        }
        transaction.commit();
        return {};
    });
}

Result<QList<domain::Candle>> PriceStore::candles(const QString &asset, const QString &quote, const QString &interval,
                                                  qint64 fromMs, qint64 toMs)
{
    return guarded([&]() -> Result<QList<domain::Candle>> {
        Statement query(m_db,
                        "SELECT ts, open, high, low, close, volume, market_cap FROM candles "
                        "WHERE asset = ? AND quote = ? AND interval = ? AND ts BETWEEN ? AND ? ORDER BY ts");
        query.bind(1, asset).bind(2, quote).bind(3, interval).bind(4, fromMs).bind(5, toMs);
        QList<domain::Candle> result;
        while (query.step()) {
            result.append(domain::Candle{query.int64(0), query.real(1), query.real(2), query.real(3), query.real(4),
                                         query.real(5), query.real(6)});
        }
        return result;
    });
}

Result<QList<qint64>> PriceStore::candleTimes(const QString &asset, const QString &quote, const QString &interval,
                                              const QString &source)
{
    return guarded([&]() -> Result<QList<qint64>> {
        Statement query(m_db,
                        "SELECT ts FROM candles WHERE asset = ? AND quote = ? AND interval = ? AND source = ? "
                        "ORDER BY ts");
        query.bind(1, asset).bind(2, quote).bind(3, interval).bind(4, source);
        QList<qint64> times;
        while (query.step())
            times.append(query.int64(0));
        return times;
    });
}

Result<QList<qint64>> PriceStore::coveredTimes(const QString &asset, const QString &interval)
{
    return guarded([&]() -> Result<QList<qint64>> {
        Statement query(m_db, "SELECT DISTINCT ts FROM candles WHERE asset = ? AND interval = ? ORDER BY ts");
        query.bind(1, asset).bind(2, interval);
        QList<qint64> times;
        while (query.step())
            times.append(query.int64(0));
        return times;
    });
}

Result<std::optional<double>> PriceStore::highest(const QString &asset, const QString &quote)
{
    return guarded([&]() -> Result<std::optional<double>> {
        std::optional<double> peak;
        Statement candles(m_db, "SELECT max(close) FROM candles WHERE asset = ? AND quote = ?");
        candles.bind(1, asset).bind(2, quote);
        if (candles.step() && !candles.isNull(0))
            peak = candles.real(0);
        Statement prices(m_db, "SELECT price FROM prices WHERE asset = ? AND quote = ?");
        prices.bind(1, asset).bind(2, quote);
        while (prices.step()) {
            const double price = prices.text(0).toDouble();
            peak = peak ? std::max(*peak, price) : price;
        }
        return peak;
    });
}

Result<QList<StoredSeries>> PriceStore::storedSeries()
{
    return guarded([&]() -> Result<QList<StoredSeries>> {
        // A skip scan along the primary key (asset, quote, interval, ts): each
        // next asset, next quote of an asset and next interval of a pair is one
        // seek, and so are the oldest and newest candle of a series, so the
        // cost grows with the number of series and not with the candles. (A
        // row-value "(asset, quote, interval) > (?, ?, ?)" seek, and a GROUP
        // BY, both step through every candle of a series: 0.1 s for 500,000.)
        Statement nextAsset(m_db, "SELECT asset FROM candles WHERE asset > ? ORDER BY asset LIMIT 1");
        Statement nextQuote(m_db, "SELECT quote FROM candles WHERE asset = ? AND quote > ? ORDER BY quote LIMIT 1");
        Statement nextInterval(m_db,
                               "SELECT interval FROM candles WHERE asset = ? AND quote = ? AND interval > ? "
                               "ORDER BY interval LIMIT 1");
        Statement first(m_db,
                        "SELECT ts FROM candles WHERE asset = ? AND quote = ? AND interval = ? ORDER BY ts LIMIT 1");
        Statement last(m_db,
                       "SELECT ts FROM candles WHERE asset = ? AND quote = ? AND interval = ? ORDER BY ts "
                       "DESC LIMIT 1");
        // The key following @p after under the fixed leading columns, or none.
        auto following = [](Statement &query, const QStringList &fixed,
                            const QString &after) -> std::optional<QString> {
            int column = 1;
            for (const QString &value : fixed)
                query.bind(column++, value);
            query.bind(column, after);
            std::optional<QString> found;
            if (query.step())
                found = query.text(0);
            query.reset();
            return found;
        };
        QList<StoredSeries> result;
        std::optional<QString> asset = following(nextAsset, {}, QString());
        for (; asset; asset = following(nextAsset, {}, *asset)) {
            for (auto quote = following(nextQuote, {*asset}, QString()); quote;
                 quote = following(nextQuote, {*asset}, *quote)) {
                for (auto interval = following(nextInterval, {*asset, *quote}, QString()); interval;
                     interval = following(nextInterval, {*asset, *quote}, *interval)) {
                    StoredSeries current{*asset, *quote, *interval, 0, 0};
                    for (Statement *edge : {&first, &last}) {
                        edge->bind(1, current.asset).bind(2, current.quote).bind(3, current.interval);
                        if (edge->step())
                            (edge == &first ? current.firstMs : current.lastMs) = edge->int64(0);
                        edge->reset();
                    }
                    result.append(current);
                }
            }
        }
        return result;
    });
}

} // namespace ballast::storage
