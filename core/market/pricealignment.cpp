#include "market/pricealignment.h"

#include "market/csvvalues.h"

#include <QDateTime>
#include <QTimeZone>

#include <algorithm>
#include <limits>

namespace ballast::market {

namespace {

QString label(const PriceSeries &series)
{
    return QStringLiteral("%1/%2 %3").arg(series.asset, series.quote, series.interval);
}

qint64 startOfDay(QDate date)
{
    return QDateTime(date, QTime(0, 0), QTimeZone::utc()).toMSecsSinceEpoch();
}

} // namespace

Result<AlignedCloses> PriceAlignment::align(const QList<PriceSeries> &series)
{
    AlignedCloses aligned;
    for (const PriceSeries &one : series) {
        if (one.interval != series.front().interval) {
            return makeError(
                QStringLiteral("align.interval"),
                QStringLiteral("cannot align %1 with %2: the intervals differ").arg(label(series.front()), label(one)));
        }
        const auto unordered = std::adjacent_find(
            one.candles.begin(), one.candles.end(),
            [](const domain::Candle &a, const domain::Candle &b) { return a.openTimeMs >= b.openTimeMs; });
        if (unordered != one.candles.end()) {
            return makeError(QStringLiteral("align.order"),
                             QStringLiteral("%1: open times are not ascending and unique at %2")
                                 .arg(label(one), CsvValues::formatTime(unordered->openTimeMs)));
        }
        aligned.labels << label(one);
    }
    aligned.closes.resize(series.size());
    if (series.isEmpty())
        return aligned;

    // k-way walk over the sorted series: advance every cursor to the largest
    // current time until all agree; that time is shared by all.
    QList<qsizetype> cursor(series.size(), 0);
    for (;;) {
        qint64 target = std::numeric_limits<qint64>::min();
        for (qsizetype s = 0; s < series.size(); ++s) {
            if (cursor[s] >= series[s].candles.size())
                return aligned;
            target = std::max(target, series[s].candles[cursor[s]].openTimeMs);
        }
        bool all = true;
        for (qsizetype s = 0; s < series.size(); ++s) {
            const QList<domain::Candle> &candles = series[s].candles;
            while (cursor[s] < candles.size() && candles[cursor[s]].openTimeMs < target)
                ++cursor[s];
            if (cursor[s] >= candles.size())
                return aligned;
            all = all && candles[cursor[s]].openTimeMs == target;
        }
        if (!all)
            continue;
        aligned.times.append(target);
        for (qsizetype s = 0; s < series.size(); ++s)
            aligned.closes[s].append(series[s].candles[cursor[s]++].close);
    }
}

QList<domain::Candle> PriceAlignment::filtered(const QList<domain::Candle> &candles, QDate from, QDate to)
{
    if (!from.isValid() || !to.isValid() || to < from)
        return {};
    const qint64 begin = startOfDay(from);
    const qint64 end = startOfDay(to.addDays(1)); // exclusive: every bar opening on `to` is in
    auto less = [](const domain::Candle &candle, qint64 ms) { return candle.openTimeMs < ms; };
    const auto first = std::lower_bound(candles.begin(), candles.end(), begin, less);
    const auto last = std::lower_bound(first, candles.end(), end, less);
    return QList<domain::Candle>(first, last);
}

PriceSeries PriceAlignment::filtered(const PriceSeries &series, QDate from, QDate to)
{
    PriceSeries cut = series;
    cut.candles = filtered(series.candles, from, to);
    return cut;
}

} // namespace ballast::market
