#include "backtest/backtestdata.h"

#include "backtest/closeparser.h"
#include "backtest/seriescache.h"
#include "market/csvvalues.h"
#include "market/pricealignment.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSemaphore>
#include <QThreadPool>
#include <QTimeZone>

#include <algorithm>
#include <atomic>
#include <limits>
#include <memory>
#include <optional>

namespace ballast::backtest {

namespace {

/// Bars per day from the median spacing of @p times; 1 when it cannot be told.
double barsPerDayOf(const std::vector<qint64> &times)
{
    if (times.size() < 2)
        return 1.0;
    std::vector<qint64> gaps;
    gaps.reserve(times.size() - 1);
    for (std::size_t t = 1; t < times.size(); ++t)
        gaps.push_back(times[t] - times[t - 1]);
    std::nth_element(gaps.begin(), gaps.begin() + static_cast<std::ptrdiff_t>(gaps.size() / 2), gaps.end());
    const qint64 spacing = gaps[gaps.size() / 2];
    return spacing > 0 ? 86400000.0 / static_cast<double>(spacing) : 1.0;
}

qint64 startOfDay(QDate date)
{
    return QDateTime(date, QTime(0, 0), QTimeZone::utc()).toMSecsSinceEpoch();
}

/// One file on its way in.
struct Loaded
{
    enum class How { Fast, Importer, Cached };
    QString asset;
    QString path;
    std::shared_ptr<const CloseSeries> series;
    Error error;
    How how = How::Importer;
    qint64 modifiedMs = std::numeric_limits<qint64>::max();
};

/// The cache's key: the file and the options that change what is read.
QString cacheKey(const QString &asset, const QString &path, const LoadOptions &options)
{
    const QString canonical = QFileInfo(path).canonicalFilePath();
    return QStringList{canonical.isEmpty() ? QFileInfo(path).absoluteFilePath() : canonical, asset, options.quote}.join(
        QLatin1Char('\n'));
}

void readFile(Loaded &one, const LoadOptions &options)
{
    market::ImportOptions importOptions;
    importOptions.asset = one.asset;
    importOptions.quote = options.quote;
    const QString key = cacheKey(one.asset, one.path, options);
    std::optional<FileStamp> stamp;
    if (options.cache) {
        auto stamped = SeriesCache::stamp(one.path);
        if (!stamped) {
            one.error = stamped.error();
            return;
        }
        stamp = *stamped;
        one.modifiedMs = stamp->modifiedNs / 1'000'000;
        if (auto cached = options.cache->find(key, *stamp)) {
            one.series = std::move(cached);
            one.how = Loaded::How::Cached;
            return;
        }
    }
    QFile file(one.path);
    if (!file.open(QIODevice::ReadOnly)) {
        one.error = makeError(
            QStringLiteral("import.io"),
            QStringLiteral("%1: cannot open: %2").arg(QDir::toNativeSeparators(one.path), file.errorString()));
        return;
    }
    if (!stamp)
        one.modifiedMs = QFileInfo(file).lastModified().toMSecsSinceEpoch();
    const qint64 size = file.size();
    bool fast = false;
    Result<CloseSeries> parsed = makeError(QStringLiteral("import.io"), QString());
    if (uchar *mapped = size > 0 ? file.map(0, size) : nullptr) {
        // Mapped, parsed in place and unmapped: the file's pages leave the
        // process as soon as its closes are out.
        parsed =
            CloseParser::parse(std::string_view(reinterpret_cast<const char *>(mapped), static_cast<std::size_t>(size)),
                               one.path, importOptions, &fast);
        file.unmap(mapped);
    } else {
        const QByteArray all = file.readAll();
        if (file.error() != QFileDevice::NoError) {
            one.error = makeError(
                QStringLiteral("import.io"),
                QStringLiteral("%1: cannot read: %2").arg(QDir::toNativeSeparators(one.path), file.errorString()));
            return;
        }
        parsed = CloseParser::parse(std::string_view(all.constData(), static_cast<std::size_t>(all.size())), one.path,
                                    importOptions, &fast);
    }
    if (!parsed) {
        one.error = parsed.error();
        return;
    }
    one.how = fast ? Loaded::How::Fast : Loaded::How::Importer;
    auto series = std::make_shared<const CloseSeries>(std::move(*parsed));
    if (options.cache)
        options.cache->store(key, *stamp, series);
    one.series = std::move(series);
}

/// Runs @p work on this thread and on up to @p parts - 1 of @p pool's threads
/// that are free now, and returns when all are done; @p work takes its share
/// of the job itself (an atomic counter), so any number of runners finishes
/// it. tryStart never queues, so a call from inside the pool (a sweep) cannot
/// wait on itself. Plain QThreadPool and QSemaphore rather than QtConcurrent's
/// map engine: their synchronisation is Qt Core's, which the ThreadSanitizer
/// pass sees. No pool: this thread alone.
template<typename Work>
void shareOut(QThreadPool *pool, int parts, const Work &work)
{
    QSemaphore finished;
    int helpers = 0;
    const int wanted = pool ? std::min(pool->maxThreadCount(), parts) - 1 : 0;
    for (int h = 0; h < wanted; ++h) {
        if (!pool->tryStart([&work, &finished] {
                work();
                finished.release();
            }))
            break;
        ++helpers;
    }
    work();
    finished.acquire(helpers);
}

/// A cursor over a series' times from index to end (exclusive).
struct Slice
{
    const CloseSeries *series;
    std::size_t run;
    std::size_t offset; ///< within the run
    std::size_t index; ///< within the series
    std::size_t end;

    [[nodiscard]] bool done() const { return index >= end; }
    [[nodiscard]] qint64 time() const
    {
        const TimeRun &r = series->runs[run];
        return r.start + r.step * static_cast<qint64>(offset);
    }
    void advance()
    {
        ++index;
        if (++offset >= series->runs[run].count) {
            ++run;
            offset = 0;
        }
    }
    /// Moves on by @p count times (within the current run, or to its end).
    void skip(std::size_t count)
    {
        index += count;
        offset += count;
        if (offset >= series->runs[run].count) {
            ++run;
            offset = 0;
        }
    }
    /// Moves to the first time at or after @p ms (whole runs at a time).
    void seek(qint64 ms)
    {
        if (index < end && time() >= ms)
            return; // the common case in the walk: already there
        while (run < series->runs.size() && series->runs[run].last() < ms) {
            index += series->runs[run].count - offset;
            ++run;
            offset = 0;
        }
        if (run >= series->runs.size()) {
            index = std::numeric_limits<std::size_t>::max();
            return;
        }
        const TimeRun &r = series->runs[run];
        if (ms > r.start && r.count >= 2) {
            const auto wanted = static_cast<std::size_t>((ms - r.start + r.step - 1) / r.step);
            if (wanted > offset) {
                index += wanted - offset;
                offset = wanted;
            }
        }
    }
};

/// How many times of @p series come before @p ms.
std::size_t countBefore(const CloseSeries &series, qint64 ms)
{
    std::size_t count = 0;
    for (const TimeRun &run : series.runs) {
        if (run.last() < ms) {
            count += run.count;
            continue;
        }
        if (run.start < ms)
            count += static_cast<std::size_t>((ms - run.start + run.step - 1) / run.step);
        break;
    }
    return count;
}

} // namespace

void BacktestData::addCash(const QString &symbol)
{
    const std::size_t oldWidth = width();
    CloseBuffer widened;
    widened.reserve(bars() * (oldWidth + 1));
    for (std::size_t t = 0; t < bars(); ++t) {
        widened.insert(widened.end(), closes.begin() + static_cast<std::ptrdiff_t>(t * oldWidth),
                       closes.begin() + static_cast<std::ptrdiff_t>((t + 1) * oldWidth));
        widened.push_back(1.0);
    }
    closes = std::move(widened);
    assets.append(symbol);
}

Result<BacktestData> BacktestData::fromColumns(const QStringList &assets, const std::vector<qint64> &times,
                                               const std::vector<std::vector<double>> &columns)
{
    if (static_cast<std::size_t>(assets.size()) != columns.size())
        return makeError(QStringLiteral("backtest.data"), QStringLiteral("one price column per asset is needed"));
    BacktestData data;
    data.assets = assets;
    data.times = times;
    data.closes.resize(times.size() * columns.size());
    for (std::size_t i = 0; i < columns.size(); ++i) {
        if (columns[i].size() != times.size()) {
            return makeError(QStringLiteral("backtest.data"),
                             QStringLiteral("%1 has %2 prices for %3 bars")
                                 .arg(assets[static_cast<qsizetype>(i)])
                                 .arg(columns[i].size())
                                 .arg(times.size()));
        }
        for (std::size_t t = 0; t < times.size(); ++t) {
            const double price = columns[i][t];
            if (!(price > 0.0)) {
                return makeError(
                    QStringLiteral("backtest.data"),
                    QStringLiteral("%1 has no positive price at bar %2").arg(assets[static_cast<qsizetype>(i)]).arg(t));
            }
            data.closes[t * columns.size() + i] = price;
        }
    }
    data.barsPerDay = barsPerDayOf(times);
    return data;
}

Result<BacktestData> BacktestData::load(const QList<std::pair<QString, QString>> &assetFiles, QDate from, QDate to,
                                        const LoadOptions &options, LoadReport *report)
{
    const qint64 now = options.nowMs != 0 ? options.nowMs : QDateTime::currentMSecsSinceEpoch();
    std::vector<Loaded> loaded(static_cast<std::size_t>(assetFiles.size()));
    for (std::size_t i = 0; i < loaded.size(); ++i) {
        loaded[i].asset = assetFiles[static_cast<qsizetype>(i)].first;
        loaded[i].path = assetFiles[static_cast<qsizetype>(i)].second;
    }
    auto readOne = [&options](Loaded &one) { readFile(one, options); };
    QThreadPool *pool = options.pool ? options.pool : QThreadPool::globalInstance();
    if (loaded.size() <= 1) {
        std::for_each(loaded.begin(), loaded.end(), readOne);
    } else {
        // The files are shared out one at a time (see shareOut).
        std::atomic<std::size_t> next{0};
        shareOut(pool, static_cast<int>(loaded.size()), [&] {
            for (std::size_t i = next++; i < loaded.size(); i = next++)
                readOne(loaded[i]);
        });
    }

    std::vector<Slice> slices;
    slices.reserve(loaded.size());
    const qint64 begin = from.isValid() ? startOfDay(from) : std::numeric_limits<qint64>::min();
    const qint64 end = to.isValid() ? startOfDay(to.addDays(1)) : std::numeric_limits<qint64>::max();
    for (Loaded &one : loaded) {
        if (!one.error.message.isEmpty())
            return one.error; // the first file in the order given, as before
        if (report) {
            report->parsedFast += one.how == Loaded::How::Fast ? 1 : 0;
            report->parsedByImporter += one.how == Loaded::How::Importer ? 1 : 0;
            report->cached += one.how == Loaded::How::Cached ? 1 : 0;
        }
        const CloseSeries &series = *one.series;
        std::size_t used = series.size();
        using LastCandle = market::ImportOptions::LastCandle;
        bool dropNewest = options.lastCandle == LastCandle::Skip;
        if (options.lastCandle == LastCandle::Detect) {
            // Written before its close, the newest candle was still running.
            const qint64 closesAt = series.runs.back().last() + series.intervalMs;
            dropNewest = closesAt > std::min(now, one.modifiedMs);
        }
        if (dropNewest) {
            const qint64 newest = series.runs.back().last();
            if (used == 1) {
                return makeError(QStringLiteral("import.empty"),
                                 QStringLiteral("%1: the only candle (%2) may still have been running when the file "
                                                "was written; nothing to backtest (--keep-last to use it anyway)")
                                     .arg(QDir::toNativeSeparators(one.path), market::CsvValues::formatTime(newest)));
            }
            --used;
            if (report)
                report->droppedNewest.append(one.asset + QLatin1Char(' ') + market::CsvValues::formatTime(newest));
        }
        if (series.interval != loaded.front().series->interval) {
            const CloseSeries &first = *loaded.front().series;
            return makeError(
                QStringLiteral("align.interval"),
                QStringLiteral("cannot align %1/%2 %3 with %4/%5 %6: the intervals differ")
                    .arg(loaded.front().asset, first.quote, first.interval, one.asset, series.quote, series.interval));
        }
        Slice slice{&series, 0, 0, 0, 0};
        slice.seek(begin);
        slice.end = std::min(used, countBefore(series, end));
        slices.push_back(slice);
    }

    BacktestData data;
    for (const Loaded &one : loaded)
        data.assets.append(one.asset);
    const std::size_t width = slices.size();
    std::size_t longest = std::numeric_limits<std::size_t>::max();
    for (const Slice &slice : slices)
        longest = std::min(longest, slice.end > slice.index ? slice.end - slice.index : 0);
    if (width == 0)
        longest = 0;
    data.times.reserve(longest);
    data.closes.reserve(longest * width);
    adviseHugePages(data.closes);
    // k-way walk over the sorted series: seek every cursor to the largest
    // current time until all agree; that time is shared by all.
    while (width > 0) {
        qint64 target = std::numeric_limits<qint64>::min();
        bool done = false;
        for (const Slice &slice : slices) {
            if (slice.done()) {
                done = true;
                break;
            }
            target = std::max(target, slice.time());
        }
        if (done)
            break;
        bool all = true;
        for (Slice &slice : slices) {
            slice.seek(target);
            if (slice.done()) {
                done = true;
                break;
            }
            all = all && slice.time() == target;
        }
        if (done)
            break;
        if (!all)
            continue;
        // All agree: as long as every series goes on in even steps of one
        // size, the bars that follow are shared too; copy them as a block.
        const qint64 step = slices.front().series->runs[slices.front().run].step;
        std::size_t block = std::numeric_limits<std::size_t>::max();
        for (const Slice &slice : slices) {
            const TimeRun &run = slice.series->runs[slice.run];
            const bool sameStep = run.step == step || run.count - slice.offset == 1;
            block = std::min(block, sameStep ? std::min(run.count - slice.offset, slice.end - slice.index) : 1);
        }
        if (step <= 0)
            block = 1;
        const std::size_t first = data.times.size();
        data.times.resize(first + block);
        for (std::size_t k = 0; k < block; ++k)
            data.times[first + k] = target + step * static_cast<qint64>(k);
        data.closes.resize((first + block) * width);
        // Transposed in tiles of bars that stay in the cache: a whole column
        // at a time would walk all rows once per asset. The tiles are shared
        // out over this thread and the pool's free threads when the block is
        // large (ten years of hourly bars: 14 MB to move).
        constexpr std::size_t kTile = 256;
        const std::size_t tiles = (block + kTile - 1) / kTile;
        std::atomic<std::size_t> nextTile{0};
        const auto copyTiles = [&] {
            for (std::size_t t = nextTile++; t < tiles; t = nextTile++) {
                const std::size_t tile = t * kTile;
                const std::size_t tileEnd = std::min(block, tile + kTile);
                for (std::size_t i = 0; i < width; ++i) {
                    const double *column = slices[i].series->values().data() + slices[i].index;
                    double *out = data.closes.data() + first * width + i;
                    for (std::size_t k = tile; k < tileEnd; ++k)
                        out[k * width] = column[k];
                }
            }
        };
        constexpr std::size_t kShareFrom = 1 << 20; // values; below this a helper costs more than it saves
        shareOut(block * width >= kShareFrom ? pool : nullptr, static_cast<int>(std::min<std::size_t>(tiles, 64)),
                 copyTiles);
        for (Slice &slice : slices)
            slice.skip(block);
    }
    loaded.clear(); // the parsed series (unless cached) before the data is returned
    if (data.times.size() < 2) {
        return makeError(
            QStringLiteral("backtest.data"),
            QStringLiteral("the price series share %1 bar(s) in the chosen dates; a backtest needs at least 2")
                .arg(data.times.size()));
    }
    data.barsPerDay = barsPerDayOf(data.times);
    return data;
}

Result<BacktestData> BacktestData::fromSeries(const QList<market::PriceSeries> &series, QDate from, QDate to)
{
    QList<market::PriceSeries> cut;
    QStringList assets;
    for (const auto &one : series) {
        cut.append(from.isValid() || to.isValid() ? market::PriceAlignment::filtered(
                       one, from.isValid() ? from : QDate(1970, 1, 1), to.isValid() ? to : QDate(9999, 12, 31))
                                                  : one);
        assets.append(one.asset);
    }
    auto aligned = market::PriceAlignment::align(cut);
    if (!aligned)
        return aligned.error();
    if (aligned->times.size() < 2) {
        return makeError(
            QStringLiteral("backtest.data"),
            QStringLiteral("the price series share %1 bar(s) in the chosen dates; a backtest needs at least 2")
                .arg(aligned->times.size()));
    }
    std::vector<qint64> times(aligned->times.cbegin(), aligned->times.cend());
    std::vector<std::vector<double>> columns;
    for (const auto &column : aligned->closes)
        columns.emplace_back(column.cbegin(), column.cend());
    return fromColumns(assets, times, columns);
}

} // namespace ballast::backtest
