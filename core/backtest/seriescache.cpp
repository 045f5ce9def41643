#include "backtest/seriescache.h"

#include "backtest/scratch.h"
#include "backtest/shareout.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QMutexLocker>
#include <QSaveFile>

#include <array>
#include <atomic>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <limits>
#include <memory>
#include <new>
#include <optional>
#include <string_view>

#ifdef Q_OS_UNIX
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#endif

namespace ballast::backtest {

namespace {

constexpr char kMagic[8] = {'B', 'L', 'S', 'T', 'C', 'S', '0', '2'};
constexpr char kAlignedMagic[8] = {'B', 'L', 'S', 'T', 'A', 'L', '0', '1'};
constexpr qint64 kWholeUpTo = qint64{256} * 1024;
constexpr qint64 kEdge = qint64{16} * 1024;
constexpr qint64 kBlock = qint64{4} * 1024;
constexpr qint64 kBlocks = 6;

/// A fast 64-bit mix of bytes; not cryptographic, only to notice a change.
/// Four lanes of eight bytes, mixed independently and then together, so that
/// one lane's multiply does not wait for another's.
quint64 mixBytes(quint64 hash, const uchar *data, qint64 size)
{
    constexpr quint64 kMultiplier = 0x9E3779B97F4A7C15ULL;
    const auto mix = [](quint64 lane, quint64 word) {
        lane = (lane ^ word) * kMultiplier;
        return lane ^ (lane >> 29);
    };
    qint64 i = 0;
    if (size >= 32) {
        std::array<quint64, 4> lanes{hash, hash + 1, hash + 2, hash + 3};
        for (; i + 32 <= size; i += 32) {
            std::array<quint64, 4> words{};
            std::memcpy(words.data(), data + i, 32);
            for (std::size_t lane = 0; lane < 4; ++lane)
                lanes[lane] = mix(lanes[lane], words[lane]);
        }
        for (const quint64 lane : lanes)
            hash = mix(hash, lane);
    }
    for (; i + 8 <= size; i += 8) {
        quint64 word = 0;
        std::memcpy(&word, data + i, 8);
        hash = mix(hash, word);
    }
    for (; i < size; ++i) {
        hash = (hash ^ data[i]) * kMultiplier;
        hash ^= hash >> 29;
    }
    return hash;
}

/// Every close above zero and finite; branch-free so that it runs at
/// memory speed (a NaN fails the comparison).
bool allPositive(std::span<const double> values)
{
    bool ok = true;
    for (const double value : values)
        ok &= (value > 0.0) & (value <= std::numeric_limits<double>::max());
    return ok;
}

/// The number of bars of @p runs when they are as the parser makes them
/// (none empty, steps above zero, ascending); nothing otherwise.
std::optional<std::size_t> barsOfRuns(const std::vector<TimeRun> &runs)
{
    std::size_t counted = 0;
    qint64 previous = 0;
    for (const TimeRun &run : runs) {
        if (run.count == 0 || (run.count >= 2 && run.step <= 0) || (counted > 0 && run.start <= previous))
            return std::nullopt;
        counted += run.count;
        previous = run.last();
    }
    return counted;
}

#ifdef Q_OS_UNIX
/// Reads @p size bytes at @p offset of the open file @p handle into @p into
/// with pread; false on a short read or an error (errno says which).
bool readAt(int handle, qint64 offset, qint64 size, char *into)
{
    qint64 done = 0;
    while (done < size) {
        const ssize_t got =
            ::pread(handle, into + done, static_cast<std::size_t>(size - done), static_cast<off_t>(offset + done));
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0)
            return false;
        done += got;
    }
    return true;
}
#endif

/// Reads @p size bytes at @p offset into @p into; false on a short read. One
/// pread where there is one (a seek and a read otherwise).
bool readAt(QFile &file, qint64 offset, qint64 size, char *into)
{
#ifdef Q_OS_UNIX
    return readAt(file.handle(), offset, size, into);
#else
    return file.seek(offset) && file.read(into, size) == size;
#endif
}

/// The hash of the sampled bytes (see FileStamp), read by @p readAt(offset,
/// length, into): a few reads rather than a mapping, which would fault in far
/// more pages than the samples need.
template<typename ReadAt>
std::optional<quint64> sampleHash(qint64 size, const ReadAt &readAt)
{
    quint64 hash = static_cast<quint64>(size);
    const auto buffer =
        std::make_unique_for_overwrite<char[]>(static_cast<std::size_t>(size <= kWholeUpTo ? size : kEdge));
    auto mix = [&](qint64 offset, qint64 length) {
        if (!readAt(offset, length, buffer.get()))
            return false;
        hash = mixBytes(hash, reinterpret_cast<const uchar *>(buffer.get()), length);
        return true;
    };
    if (size <= kWholeUpTo)
        return mix(0, size) ? std::optional(hash) : std::nullopt;
    if (!mix(0, kEdge))
        return std::nullopt;
    const qint64 middle = size - 2 * kEdge - kBlock;
    for (qint64 b = 0; b < kBlocks; ++b) {
        if (!mix(kEdge + middle * b / (kBlocks - 1), kBlock))
            return std::nullopt;
    }
    return mix(size - kEdge, kEdge) ? std::optional(hash) : std::nullopt;
}

/// Appends the bytes of a trivially copyable value or a block.
void put(QByteArray &out, const void *data, std::size_t size)
{
    out.append(static_cast<const char *>(data), static_cast<qsizetype>(size));
}

/// Pads @p out with zero bytes to a multiple of @p alignment.
void putPadding(QByteArray &out, qsizetype alignment)
{
    out.append((alignment - out.size() % alignment) % alignment, '\0');
}

void putString(QByteArray &out, const QString &text)
{
    const QByteArray utf8 = text.toUtf8();
    const quint32 size = static_cast<quint32>(utf8.size());
    put(out, &size, sizeof size);
    out.append(utf8);
}

/// Reads back what put() wrote, refusing to run past the end.
class Reader
{
public:
    explicit Reader(std::string_view data)
        : m_data(data)
    {
    }
    bool get(void *out, std::size_t size)
    {
        if (size > m_data.size() - m_pos)
            return false;
        std::memcpy(out, m_data.data() + m_pos, size);
        m_pos += size;
        return true;
    }
    bool getString(QString &out)
    {
        quint32 size = 0;
        if (!get(&size, sizeof size) || size > m_data.size() - m_pos)
            return false;
        out = QString::fromUtf8(m_data.data() + m_pos, static_cast<qsizetype>(size));
        m_pos += size;
        return true;
    }
    /// Skips the padding put() wrote up to a multiple of @p alignment.
    bool align(std::size_t alignment)
    {
        const std::size_t padded = (m_pos + alignment - 1) / alignment * alignment;
        if (padded > m_data.size())
            return false;
        m_pos = padded;
        return true;
    }
    [[nodiscard]] std::size_t position() const { return m_pos; }
    /// Where the next byte is read.
    [[nodiscard]] const char *here() const { return m_data.data() + m_pos; }
    bool skip(std::size_t size)
    {
        if (size > m_data.size() - m_pos)
            return false;
        m_pos += size;
        return true;
    }
    [[nodiscard]] bool atEnd() const { return m_pos == m_data.size(); }

private:
    std::string_view m_data;
    std::size_t m_pos = 0;
};

} // namespace

SeriesCache::SeriesCache(QString directory, bool keepInMemory)
    : m_directory(std::move(directory))
    , m_keepInMemory(keepInMemory)
{
}

Result<FileStamp> SeriesCache::stamp(const QString &path)
{
    FileStamp stamp;
    const auto cannot = [&path](const char *what, const QString &why) {
        return makeError(
            QStringLiteral("import.io"),
            QStringLiteral("%1: cannot %2: %3").arg(QDir::toNativeSeparators(path), QLatin1String(what), why));
    };
    const auto readFailed = [](int error) {
        return error != 0 ? qt_error_string(error) : QStringLiteral("it became shorter while it was read");
    };
#ifdef Q_OS_UNIX
    // One open, one fstat and the samples' reads: each system call counts
    // on a virtual machine.
    const int handle = ::open(QFile::encodeName(path).constData(), O_RDONLY | O_CLOEXEC);
    if (handle < 0) {
        const int error = errno;
        return cannot("open", error == ENOENT ? QStringLiteral("no such file") : qt_error_string(error));
    }
    struct stat status
    {};
    if (::fstat(handle, &status) != 0) {
        const int error = errno;
        ::close(handle);
        return cannot("open", qt_error_string(error));
    }
    if (!S_ISREG(status.st_mode)) {
        ::close(handle);
        return cannot("open",
                      S_ISDIR(status.st_mode) ? QStringLiteral("it is a folder")
                                              : QStringLiteral("it is not a regular file"));
    }
    stamp.size = static_cast<qint64>(status.st_size);
    stamp.modifiedNs = static_cast<qint64>(status.st_mtim.tv_sec) * 1'000'000'000 + status.st_mtim.tv_nsec;
    stamp.changedNs = static_cast<qint64>(status.st_ctim.tv_sec) * 1'000'000'000 + status.st_ctim.tv_nsec;
    stamp.device = static_cast<quint64>(status.st_dev);
    stamp.inode = static_cast<quint64>(status.st_ino);
    errno = 0;
    const auto sample = sampleHash(stamp.size, [handle](qint64 offset, qint64 length, char *into) {
        return readAt(handle, offset, length, into);
    });
    const int error = errno;
    ::close(handle);
    if (!sample)
        return cannot("read", readFailed(error));
#else
    const QFileInfo info(path);
    stamp.modifiedNs = info.lastModified().toMSecsSinceEpoch() * 1'000'000;
    stamp.changedNs = info.metadataChangeTime().toMSecsSinceEpoch() * 1'000'000;
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly | QIODevice::Unbuffered))
        return cannot("open", file.errorString());
    stamp.size = file.size();
    const auto sample = sampleHash(
        stamp.size, [&file](qint64 offset, qint64 length, char *into) { return readAt(file, offset, length, into); });
    if (!sample)
        return cannot("read", file.error() != QFileDevice::NoError ? file.errorString() : readFailed(0));
#endif
    stamp.sample = *sample;
    return stamp;
}

QString SeriesCache::fileFor(const QString &key) const
{
    if (m_directory.isEmpty())
        return {};
    const QByteArray digest = QCryptographicHash::hash(key.toUtf8(), QCryptographicHash::Sha1).toHex();
    return m_directory + QLatin1Char('/') + QString::fromLatin1(digest) + QStringLiteral(".closes");
}

std::shared_ptr<const CloseSeries> SeriesCache::find(const QString &key, const FileStamp &stamp)
{
    {
        QMutexLocker lock(&m_mutex);
        const auto it = m_entries.constFind(key);
        if (it != m_entries.constEnd() && it->stamp == stamp) {
            ++m_counts.memoryHits;
            return it->series;
        }
    }
    auto series = readFile(key, stamp);
    QMutexLocker lock(&m_mutex);
    if (!series) {
        ++m_counts.misses;
        return nullptr;
    }
    ++m_counts.fileHits;
    if (m_keepInMemory)
        m_entries.insert(key, Entry{stamp, series});
    return series;
}

void SeriesCache::store(const QString &key, const FileStamp &stamp, const std::shared_ptr<const CloseSeries> &series)
{
    if (!series)
        return;
    writeFile(key, stamp, *series);
    if (!m_keepInMemory)
        return;
    QMutexLocker lock(&m_mutex);
    m_entries.insert(key, Entry{stamp, series});
}

SeriesCache::Counts SeriesCache::counts() const
{
    QMutexLocker lock(&m_mutex);
    return m_counts;
}

std::shared_ptr<const CloseSeries> SeriesCache::readFile(const QString &key, const FileStamp &stamp) const
{
    const QString path = fileFor(key);
    if (path.isEmpty())
        return nullptr;
    auto file = std::make_shared<QFile>(path);
    if (!file->open(QIODevice::ReadOnly) || file->size() < static_cast<qint64>(sizeof kMagic))
        return nullptr;
    const qint64 size = file->size();
    // The closes are used where they are in the mapped file: the series
    // keeps the file, and with it the mapping, for as long as it lives.
    uchar *mapped = file->map(0, size);
    if (!mapped)
        return nullptr;
    Reader reader(std::string_view(reinterpret_cast<const char *>(mapped), static_cast<std::size_t>(size)));
    auto series = std::make_shared<CloseSeries>();
    const bool ok = [&] {
        char magic[sizeof kMagic] = {};
        FileStamp stored;
        QString storedKey;
        quint64 runs = 0;
        quint64 closes = 0;
        if (!reader.get(magic, sizeof magic) || std::memcmp(magic, kMagic, sizeof kMagic) != 0
            || !reader.get(&stored, sizeof stored) || !(stored == stamp) || !reader.getString(storedKey)
            || storedKey != key || !reader.getString(series->asset) || !reader.getString(series->quote)
            || !reader.getString(series->interval) || !reader.get(&series->intervalMs, sizeof series->intervalMs)
            || !reader.get(&runs, sizeof runs) || !reader.get(&closes, sizeof closes))
            return false;
        if (runs > static_cast<quint64>(size) / sizeof(TimeRun) || closes > static_cast<quint64>(size) / sizeof(double))
            return false;
        series->runs.resize(runs);
        if (!reader.get(series->runs.data(), runs * sizeof(TimeRun)) || !reader.align(alignof(double)))
            return false;
        // put() aligned them, and a mapping starts on a page.
        series->mapped = std::span<const double>(reinterpret_cast<const double *>(reader.here()), closes);
        if (!reader.skip(closes * sizeof(double)) || !reader.atEnd())
            return false;
        // What the parser guarantees, checked again: a damaged file is a miss.
        const std::optional<std::size_t> counted = barsOfRuns(series->runs);
        return counted == series->mapped.size() && series->intervalMs > 0 && allPositive(series->mapped);
    }();
    if (!ok)
        return nullptr;
    series->mapping = std::shared_ptr<const void>(std::move(file), mapped);
    return series;
}

void SeriesCache::writeFile(const QString &key, const FileStamp &stamp, const CloseSeries &series) const
{
    const QString path = fileFor(key);
    if (path.isEmpty() || !QDir().mkpath(m_directory))
        return;
    QByteArray out;
    const std::size_t bytes = 256 + series.runs.size() * sizeof(TimeRun) + series.closes.size() * sizeof(double);
    out.reserve(static_cast<qsizetype>(bytes));
    put(out, kMagic, sizeof kMagic);
    put(out, &stamp, sizeof stamp);
    putString(out, key);
    putString(out, series.asset);
    putString(out, series.quote);
    putString(out, series.interval);
    put(out, &series.intervalMs, sizeof series.intervalMs);
    const quint64 runs = series.runs.size();
    const quint64 closes = series.closes.size();
    put(out, &runs, sizeof runs);
    put(out, &closes, sizeof closes);
    put(out, series.runs.data(), runs * sizeof(TimeRun));
    putPadding(out, alignof(double));
    put(out, series.values().data(), closes * sizeof(double));
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(out) != out.size())
        return;
    file.commit();
}

namespace {

QString alignedFileFor(const QString &directory, const QString &key)
{
    const QByteArray digest = QCryptographicHash::hash(key.toUtf8(), QCryptographicHash::Sha1).toHex();
    return directory + QStringLiteral("/aligned-") + QString::fromLatin1(digest) + QStringLiteral(".closes");
}

} // namespace

// The aligned file: magic, the header's size in bytes (u64, from the start),
// the key, width, bars and bars per day, the runs, each file's newest candle
// (open, close, dropped as a u64), zero bytes to a multiple of 8, then the
// closes time-major. The header is read from the mapped file, the closes
// copied out (below).
std::optional<AlignedCloses> SeriesCache::findAligned(const QString &key, QThreadPool *pool)
{
    const auto miss = [this] {
        QMutexLocker lock(&m_mutex);
        ++m_counts.alignedMisses;
        return std::nullopt;
    };
    if (m_directory.isEmpty())
        return miss();
    auto file = std::make_shared<QFile>(alignedFileFor(m_directory, key));
    if (!file->open(QIODevice::ReadOnly) || file->size() < static_cast<qint64>(sizeof kAlignedMagic))
        return miss();
    const qint64 size = file->size();
    uchar *mapped = file->map(0, size);
    if (!mapped)
        return miss();
    Reader reader(std::string_view(reinterpret_cast<const char *>(mapped), static_cast<std::size_t>(size)));
    AlignedCloses aligned;
    char magic[sizeof kAlignedMagic] = {};
    quint64 headerBytes = 0;
    QString storedKey;
    quint64 width = 0;
    quint64 bars = 0;
    quint64 runs = 0;
    if (!reader.get(magic, sizeof magic) || std::memcmp(magic, kAlignedMagic, sizeof magic) != 0
        || !reader.get(&headerBytes, sizeof headerBytes) || headerBytes > static_cast<quint64>(size)
        || !reader.getString(storedKey) || storedKey != key || !reader.get(&width, sizeof width)
        || !reader.get(&bars, sizeof bars) || !reader.get(&aligned.barsPerDay, sizeof aligned.barsPerDay)
        || !reader.get(&runs, sizeof runs) || runs > headerBytes / sizeof(TimeRun) || width == 0 || width > headerBytes)
        return miss();
    aligned.runs.resize(runs);
    aligned.newest.resize(width);
    if (!reader.get(aligned.runs.data(), runs * sizeof(TimeRun)))
        return miss();
    for (AlignedCloses::Newest &newest : aligned.newest) {
        quint64 dropped = 0;
        if (!reader.get(&newest.openMs, sizeof newest.openMs)
            || !reader.get(&newest.closesAtMs, sizeof newest.closesAtMs) || !reader.get(&dropped, sizeof dropped)
            || dropped > 1)
            return miss();
        newest.dropped = dropped == 1;
    }
    // put() aligned the closes, and a mapping starts on a page.
    if (!reader.align(alignof(double)) || reader.position() != headerBytes)
        return miss();
    // The times as the parser guarantees them, and as many closes as the
    // file has room for.
    const quint64 values = bars * width;
    if (barsOfRuns(aligned.runs) != bars || bars < 2 || values / width != bars
        || static_cast<quint64>(size) - headerBytes != values * sizeof(double))
        return miss();
    // The closes are copied out of the file into memory of huge pages rather
    // than used in the mapping: every one is read right away (allPositive,
    // then the run), and mapping megabytes of the page cache in 4 KiB pages
    // costs more than the copy (docs/benchmarks.md). The header was read in
    // place.
    const std::size_t closeBytes = values * sizeof(double);
    std::shared_ptr<void> memory;
    try {
        memory = hugePageMemory(closeBytes);
    } catch (const std::bad_alloc &) {
        return miss(); // the files are read as without a cache
    }
    // In parts of 2 MiB on this thread and on a free thread of @p pool, each
    // part checked right after its read, while it is still in the cache
    // (checked afterwards, all 14 MB of a large load came from memory a
    // second time). A part is one huge page of the memory, so the two
    // threads never fault the same page in: with parts of 1 MiB the read of
    // a 14 MB load took 3.5 ms on two cores, with 2 MiB 3.1 ms (medians of
    // 12, interleaved).
    constexpr std::size_t kPart = std::size_t{1} << 21;
    const std::size_t parts = (closeBytes + kPart - 1) / kPart;
    std::atomic<std::size_t> next{0};
    std::atomic<bool> good{true};
    auto *into = static_cast<char *>(memory.get());
    shareOut(pool, static_cast<int>(std::min<std::size_t>(parts, 64)), [&] {
        for (std::size_t part = next++; part < parts && good.load(std::memory_order_relaxed); part = next++) {
            const std::size_t offset = part * kPart;
            const std::size_t bytes = std::min(kPart, closeBytes - offset);
            if (!readAt(*file, static_cast<qint64>(headerBytes + offset), static_cast<qint64>(bytes), into + offset)
                || !allPositive({reinterpret_cast<const double *>(into + offset), bytes / sizeof(double)}))
                good = false;
        }
    });
    if (!good)
        return miss();
    const std::span<const double> closes(static_cast<const double *>(memory.get()), values);
    aligned.closes = CloseMatrix::view(closes, std::move(memory));
    QMutexLocker lock(&m_mutex);
    ++m_counts.alignedHits;
    return aligned;
}

void SeriesCache::storeAligned(const QString &key, const AlignedCloses &aligned)
{
    if (m_directory.isEmpty() || aligned.newest.empty() || !QDir().mkpath(m_directory))
        return;
    const quint64 width = aligned.newest.size();
    const quint64 bars = aligned.bars();
    if (bars * width != aligned.closes.size())
        return;
    QByteArray header;
    put(header, kAlignedMagic, sizeof kAlignedMagic);
    const quint64 placeholder = 0;
    put(header, &placeholder, sizeof placeholder);
    putString(header, key);
    put(header, &width, sizeof width);
    put(header, &bars, sizeof bars);
    put(header, &aligned.barsPerDay, sizeof aligned.barsPerDay);
    const quint64 runs = aligned.runs.size();
    put(header, &runs, sizeof runs);
    put(header, aligned.runs.data(), runs * sizeof(TimeRun));
    for (const AlignedCloses::Newest &newest : aligned.newest) {
        const quint64 dropped = newest.dropped ? 1 : 0;
        put(header, &newest.openMs, sizeof newest.openMs);
        put(header, &newest.closesAtMs, sizeof newest.closesAtMs);
        put(header, &dropped, sizeof dropped);
    }
    putPadding(header, alignof(double));
    const quint64 headerBytes = static_cast<quint64>(header.size());
    std::memcpy(header.data() + sizeof kAlignedMagic, &headerBytes, sizeof headerBytes);
    const QString path = alignedFileFor(m_directory, key);
    QSaveFile file(path);
    const std::size_t closeSize = aligned.closes.size() * sizeof(double);
    const auto closeBytes = static_cast<qint64>(closeSize);
    if (!file.open(QIODevice::WriteOnly) || file.write(header) != header.size()
        || file.write(reinterpret_cast<const char *>(aligned.closes.data()), closeBytes) != closeBytes
        || !file.commit())
        return;
    // A load's file is as large as its closes: keep the newest few.
    const QFileInfoList kept =
        QDir(m_directory).entryInfoList({QStringLiteral("aligned-*.closes")}, QDir::Files, QDir::Time);
    for (qsizetype i = kAlignedKept; i < kept.size(); ++i) {
        if (kept[i].absoluteFilePath() != QFileInfo(path).absoluteFilePath())
            QFile::remove(kept[i].absoluteFilePath());
    }
}

} // namespace ballast::backtest
