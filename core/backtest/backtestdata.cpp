#include "backtest/backtestdata.h"

#include "backtest/closeparser.h"
#include "backtest/scratch.h"
#include "backtest/seriescache.h"
#include "backtest/shareout.h"
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
#include <array>
#include <atomic>
#include <limits>
#include <memory>
#include <optional>

namespace ballast::backtest {

namespace {

/// Bars per day from the median spacing of @p times; 1 when it cannot be told.
double barsPerDayOf(std::span<const qint64> times)
{
    if (times.size() < 2)
        return 1.0;
    const std::size_t gapCount = times.size() - 1;
    const std::size_t middle = gapCount / 2; // the median's rank among the sorted gaps
    // Price data has a handful of distinct gaps (its interval and a few
    // holes): counted, the median is read off the counts without a copy of
    // all the gaps. Many distinct gaps: the copy and nth_element.
    constexpr std::size_t kFewGaps = 16;
    std::array<std::pair<qint64, std::size_t>, kFewGaps> counts{};
    std::size_t distinct = 0;
    bool few = true;
    for (std::size_t t = 1; t < times.size() && few; ++t) {
        const qint64 gap = times[t] - times[t - 1];
        std::size_t k = 0;
        while (k < distinct && counts[k].first != gap)
            ++k;
        if (k == distinct) {
            if (distinct == kFewGaps) {
                few = false;
                break;
            }
            counts[distinct++] = {gap, 0};
        }
        ++counts[k].second;
    }
    qint64 spacing = 0;
    if (few) {
        std::sort(counts.begin(), counts.begin() + static_cast<std::ptrdiff_t>(distinct));
        std::size_t below = 0;
        for (std::size_t k = 0; k < distinct; ++k) {
            below += counts[k].second;
            if (below > middle) {
                spacing = counts[k].first;
                break;
            }
        }
    } else {
        std::vector<qint64> gaps;
        gaps.reserve(gapCount);
        for (std::size_t t = 1; t < times.size(); ++t)
            gaps.push_back(times[t] - times[t - 1]);
        std::nth_element(gaps.begin(), gaps.begin() + static_cast<std::ptrdiff_t>(middle), gaps.end());
        spacing = gaps[middle];
    }
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
    std::optional<FileStamp> stamp; ///< when there is a cache
};

/// The cache's key: the file and the options that change what is read.
QString cacheKey(const QString &asset, const QString &path, const LoadOptions &options)
{
    const QString canonical = QFileInfo(path).canonicalFilePath();
    return QStringList{canonical.isEmpty() ? QFileInfo(path).absoluteFilePath() : canonical, asset, options.quote}.join(
        QLatin1Char('\n'));
}

/// The file's stamp, for the cache's keys.
void stampFile(Loaded &one)
{
    auto stamped = SeriesCache::stamp(one.path);
    if (!stamped) {
        one.error = stamped.error();
        return;
    }
    one.stamp = *stamped;
    one.modifiedMs = one.stamp->modifiedNs / 1'000'000;
}

/// Memory to read files into, one per thread that reads files during a
/// load, reused for each file it takes and freed when the load is done.
/// Read into whole 2 MiB pages, a file is parsed faster than where it is
/// mapped: the parser's pass over a mapping of the page cache misses the TLB
/// on every 4 KiB page (costly on a virtual machine) and is faulted in
/// 64 KiB at a time, while the kernel copies the file into the buffer through
/// its own large-page mapping of memory (the cold 20-file backtest went from
/// 0.91 to 0.63 of the old build's time in the same rounds). Larger files
/// than kMaxRead are mapped instead, so that no file's size sets the load's
/// memory; so is a file whose buffer cannot be had.
class ReadBuffer
{
public:
    static constexpr qint64 kMaxRead = qint64{64} * 1024 * 1024;

    /// At least @p bytes; nullptr when they cannot be had.
    char *reserve(qint64 bytes)
    {
        try {
            return static_cast<char *>(m_block.reserve(static_cast<std::size_t>(bytes)));
        } catch (const std::bad_alloc &) {
            return nullptr;
        }
    }

private:
    HugePageBlock m_block;
};

/// The file's closes: from the cache when it has them (the file stamped
/// first), else parsed (and then cached).
void readFile(Loaded &one, const LoadOptions &options, ReadBuffer &buffer)
{
    market::ImportOptions importOptions;
    importOptions.asset = one.asset;
    importOptions.quote = options.quote;
    const QString key = cacheKey(one.asset, one.path, options);
    const std::optional<FileStamp> &stamp = one.stamp;
    if (options.cache && stamp) {
        if (auto cached = options.cache->find(key, *stamp)) {
            one.series = std::move(cached);
            one.how = Loaded::How::Cached;
            return;
        }
    }
    QFile file(one.path);
    if (!file.open(QIODevice::ReadOnly | QIODevice::Unbuffered)) {
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
    const auto cannotRead = [&one, &file] {
        one.error = makeError(
            QStringLiteral("import.io"),
            QStringLiteral("%1: cannot read: %2").arg(QDir::toNativeSeparators(one.path), file.errorString()));
    };
    if (char *memory = size > 0 && size <= ReadBuffer::kMaxRead ? buffer.reserve(size) : nullptr) {
        const qint64 read = file.read(memory, size);
        if (read < 0) {
            cannotRead();
            return;
        }
        parsed = CloseParser::parse(std::string_view(memory, static_cast<std::size_t>(read)), one.path, importOptions,
                                    &fast);
    } else if (uchar *mapped = size > 0 ? file.map(0, size) : nullptr) {
        // Mapped, parsed in place and unmapped: the file's pages leave the
        // process as soon as its closes are out.
        parsed =
            CloseParser::parse(std::string_view(reinterpret_cast<const char *>(mapped), static_cast<std::size_t>(size)),
                               one.path, importOptions, &fast);
        file.unmap(mapped);
    } else {
        const QByteArray all = file.readAll();
        if (file.error() != QFileDevice::NoError) {
            cannotRead();
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
    if (options.cache && stamp)
        options.cache->store(key, *stamp, series);
    one.series = std::move(series);
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

/// Whether a file's newest candle is left out: always (Skip), never (Keep),
/// or (Detect) when it closes after the file was written or after now.
bool dropsNewest(const LoadOptions &options, qint64 closesAtMs, qint64 modifiedMs, qint64 nowMs)
{
    using LastCandle = market::ImportOptions::LastCandle;
    if (options.lastCandle == LastCandle::Detect)
        return closesAtMs > std::min(nowMs, modifiedMs);
    return options.lastCandle == LastCandle::Skip;
}

/// The key of a whole load in the cache: every file (its own key and stamp),
/// the dates and how the newest candles are treated. "Now" is not in it: the
/// stored load says when each file's newest candle closes, and is used only
/// while the same candles would be left out.
QString alignedKey(const std::vector<Loaded> &loaded, qint64 begin, qint64 end, const LoadOptions &options)
{
    QString key = QStringLiteral("aligned %1 %2 %3").arg(begin).arg(end).arg(static_cast<int>(options.lastCandle));
    for (const Loaded &one : loaded) {
        const FileStamp &stamp = *one.stamp;
        key += QStringLiteral("\n%1\n%2 %3 %4 %5 %6 %7")
                   .arg(cacheKey(one.asset, one.path, options))
                   .arg(stamp.size)
                   .arg(stamp.modifiedNs)
                   .arg(stamp.changedNs)
                   .arg(stamp.device)
                   .arg(stamp.inode)
                   .arg(stamp.sample);
    }
    return key;
}

/// The stored load as the data, when every newest candle is treated as it
/// was then; nothing otherwise.
std::optional<BacktestData> fromAligned(AlignedCloses &aligned, const std::vector<Loaded> &loaded,
                                        const LoadOptions &options, qint64 now, LoadReport *report)
{
    if (aligned.newest.size() != loaded.size())
        return std::nullopt;
    for (std::size_t i = 0; i < loaded.size(); ++i) {
        const AlignedCloses::Newest &newest = aligned.newest[i];
        if (dropsNewest(options, newest.closesAtMs, loaded[i].modifiedMs, now) != newest.dropped)
            return std::nullopt;
    }
    BacktestData data;
    for (const Loaded &one : loaded)
        data.assets.append(one.asset);
    data.times.reserve(aligned.bars());
    prefaultForWrite(data.times.data(), aligned.bars() * sizeof(qint64)); // written in full just below
    for (const TimeRun &run : aligned.runs) {
        for (std::size_t k = 0; k < run.count; ++k)
            data.times.push_back(run.start + run.step * static_cast<qint64>(k));
    }
    data.closes = std::move(aligned.closes);
    data.barsPerDay = aligned.barsPerDay;
    if (report) {
        report->cached += static_cast<int>(loaded.size());
        for (std::size_t i = 0; i < loaded.size(); ++i) {
            if (aligned.newest[i].dropped) {
                report->droppedNewest.append(loaded[i].asset + QLatin1Char(' ')
                                             + market::CsvValues::formatTime(aligned.newest[i].openMs));
            }
        }
    }
    return data;
}

/// The data's times as runs of even steps, for the cache.
std::vector<TimeRun> runsOf(std::span<const qint64> times)
{
    CloseSeries series;
    for (const qint64 time : times)
        series.appendTime(time);
    return std::move(series.runs);
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
    closes = CloseMatrix(std::move(widened));
    assets.append(symbol);
}

Result<BacktestData> BacktestData::fromColumns(const QStringList &assets, const std::vector<qint64> &times,
                                               const std::vector<std::vector<double>> &columns)
{
    if (static_cast<std::size_t>(assets.size()) != columns.size())
        return makeError(QStringLiteral("backtest.data"), QStringLiteral("one price column per asset is needed"));
    BacktestData data;
    data.assets = assets;
    data.times.assign(times.begin(), times.end());
    CloseBuffer &closes = data.closes.buffer();
    closes.resize(times.size() * columns.size());
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
            closes[t * columns.size() + i] = price;
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
    QThreadPool *pool = options.pool ? options.pool : QThreadPool::globalInstance();
    // Runs @p work on every file, the files shared out one at a time (see
    // shareOut); each thread lends its files a ReadBuffer of its own.
    const auto eachFile = [&](const auto &work) {
        std::atomic<std::size_t> next{0};
        const auto share = [&] {
            ReadBuffer buffer;
            for (std::size_t i = next++; i < loaded.size(); i = next++)
                work(loaded[i], buffer);
        };
        if (loaded.size() <= 1)
            share();
        else
            shareOut(pool, static_cast<int>(loaded.size()), share);
    };
    const qint64 begin = from.isValid() ? startOfDay(from) : std::numeric_limits<qint64>::min();
    const qint64 end = to.isValid() ? startOfDay(to.addDays(1)) : std::numeric_limits<qint64>::max();

    // With a cache: every file stamped, then the whole load looked up (one
    // file of aligned closes), then each file that still has to be read.
    QString wholeKey;
    if (options.cache) {
        eachFile([](Loaded &one, ReadBuffer &) { stampFile(one); });
        for (const Loaded &one : loaded) {
            if (!one.error.message.isEmpty())
                return one.error; // the first file in the order given
        }
        if (!options.cache->directory().isEmpty()) {
            wholeKey = alignedKey(loaded, begin, end, options);
            if (auto aligned = options.cache->findAligned(wholeKey, pool)) {
                if (auto data = fromAligned(*aligned, loaded, options, now, report))
                    return std::move(*data);
            }
        }
    }
    eachFile([&options](Loaded &one, ReadBuffer &buffer) { readFile(one, options, buffer); });

    std::vector<Slice> slices;
    slices.reserve(loaded.size());
    std::vector<AlignedCloses::Newest> newestCandles;
    newestCandles.reserve(loaded.size());
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
        // Written before its close, the newest candle was still running.
        const qint64 newest = series.runs.back().last();
        const qint64 closesAt = newest + series.intervalMs;
        const bool dropNewest = dropsNewest(options, closesAt, one.modifiedMs, now);
        newestCandles.push_back({newest, closesAt, dropNewest});
        if (dropNewest) {
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
    prefaultForWrite(data.times.data(), longest * sizeof(qint64));
    CloseBuffer &closes = data.closes.buffer();
    closes.reserve(longest * width);
    adviseHugePages(closes);
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
        for (std::size_t k = 0; k < block; ++k) // reserved: no zero fill before the times
            data.times.push_back(target + step * static_cast<qint64>(k));
        closes.resize((first + block) * width);
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
                    double *out = closes.data() + first * width + i;
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
    if (!wholeKey.isEmpty()) {
        AlignedCloses aligned;
        aligned.runs = runsOf(data.times);
        aligned.closes = std::move(data.closes);
        aligned.barsPerDay = data.barsPerDay;
        aligned.newest = std::move(newestCandles);
        options.cache->storeAligned(wholeKey, aligned);
        data.closes = std::move(aligned.closes);
    }
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
