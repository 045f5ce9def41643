#pragma once

#include "backtest/closeseries.h"
#include "common/result.h"

#include <QHash>
#include <QMutex>
#include <QString>

#include <memory>
#include <optional>
#include <vector>

class QThreadPool;

namespace ballast::backtest {

/// What identifies a file's content to the cache without reading it all: the
/// file (device, inode), its size, its modification and status-change times
/// to the nanosecond, and a hash of sampled bytes (the first and last 16 KiB
/// and 6 blocks of 4 KiB spread between them, one read each; all of a file
/// up to 256 KiB). The samples were 64 KiB and 16 x 4 KiB before: making
/// them smaller took 1.5-3 ms off a 30 ms repeated backtest
/// (docs/benchmarks.md), while the status-change time already tells almost
/// every change.
///
/// A change that keeps the size and puts the modification time back is still
/// seen: writing or setting the times moves the status-change time, which no
/// user call can set back. What is not seen: a change that keeps the size,
/// both times and the sampled bytes, i.e. one made with the system clock set
/// back, or on a file system without status-change times, in bytes between
/// the samples.
struct FileStamp
{
    qint64 size = 0;
    qint64 modifiedNs = 0;
    qint64 changedNs = 0;
    quint64 device = 0;
    quint64 inode = 0;
    quint64 sample = 0;

    friend bool operator==(const FileStamp &, const FileStamp &) = default;
};

/// A whole load aligned (BacktestData::load): the bars all its files share
/// and their closes, time-major, with what each file's newest candle was, so
/// that the same load again reads one file instead of one per asset and
/// skips the alignment.
struct AlignedCloses
{
    /// A file's newest candle: when it opened and closes, and whether the
    /// load left it out as possibly still running.
    struct Newest
    {
        qint64 openMs = 0;
        qint64 closesAtMs = 0;
        bool dropped = false;
        friend bool operator==(const Newest &, const Newest &) = default;
    };
    std::vector<TimeRun> runs; ///< the shared bars
    CloseMatrix closes; ///< closes[t * width + i], all above zero; a view when read from the cache
    double barsPerDay = 1.0;
    std::vector<Newest> newest; ///< one per file, in the load's order

    [[nodiscard]] std::size_t bars() const
    {
        std::size_t count = 0;
        for (const TimeRun &run : runs)
            count += run.count;
        return count;
    }
};

/// Parsed closes of price files, kept in memory for the process (a sweep, the
/// desktop app) and, when given a directory, in files there, so that a
/// repeated `backtest` reads each price file once. An entry is used only when
/// the file's stamp is unchanged and the reading options (the key) are equal.
/// Thread-safe: the files of a backtest are read in parallel.
///
/// A cache file holds: magic "BLSTCS02", the stamp, the key, asset, quote and
/// interval, the time runs, zero bytes up to a multiple of 8, and the closes,
/// native byte order; anything that does not check out is ignored and
/// rewritten. A series read from a file uses its closes in place: the file
/// stays mapped while the series (CloseSeries::mapping) lives.
class SeriesCache
{
public:
    /// @p directory empty: memory only. @p keepInMemory false: files only
    /// (a one-shot process has no use for a second copy).
    explicit SeriesCache(QString directory = {}, bool keepInMemory = true);

    static Result<FileStamp> stamp(const QString &path);

    /// The cached series for @p key when its stamp equals @p stamp.
    std::shared_ptr<const CloseSeries> find(const QString &key, const FileStamp &stamp);
    /// Keeps @p series; a file the cache cannot write is left out silently
    /// (the cache only saves time).
    void store(const QString &key, const FileStamp &stamp, const std::shared_ptr<const CloseSeries> &series);

    /// The aligned load stored under @p key (which names every file with its
    /// stamp and the reading options; see BacktestData::load), its closes
    /// read into memory of huge pages (hugePageMemory); nothing without a
    /// directory or when the file does not check out (magic, key, sizes,
    /// times ascending, every close above zero and finite). The closes are
    /// read on this thread and a free thread of @p pool (none: this thread
    /// alone).
    std::optional<AlignedCloses> findAligned(const QString &key, QThreadPool *pool = nullptr);
    /// Stores an aligned load in a file of its own ("aligned-<sha1>.closes",
    /// magic "BLSTAL01"); only the kAlignedKept newest such files are kept.
    /// Silent when it cannot write, as store() is.
    void storeAligned(const QString &key, const AlignedCloses &aligned);
    static constexpr int kAlignedKept = 4;

    struct Counts
    {
        int memoryHits = 0;
        int fileHits = 0;
        int misses = 0;
        int alignedHits = 0;
        int alignedMisses = 0;
    };
    [[nodiscard]] Counts counts() const;
    [[nodiscard]] QString directory() const { return m_directory; }
    /// Where the entry of @p key is stored (empty without a directory).
    [[nodiscard]] QString fileFor(const QString &key) const;

private:
    struct Entry
    {
        FileStamp stamp;
        std::shared_ptr<const CloseSeries> series;
    };

    std::shared_ptr<const CloseSeries> readFile(const QString &key, const FileStamp &stamp) const;
    void writeFile(const QString &key, const FileStamp &stamp, const CloseSeries &series) const;

    QString m_directory;
    bool m_keepInMemory = true;
    mutable QMutex m_mutex;
    QHash<QString, Entry> m_entries;
    Counts m_counts;
};

} // namespace ballast::backtest
