// PriceImporter::importFile: the candles that priceimporter.cpp parses,
// written to the ledger. In a file of its own so that programs that only read
// price files (market/pricestream.h) link no SQLite.
#include "market/priceimporter.h"
#include "market/pricestream.h"
#include "storage/candlewriter.h"
#include "storage/database.h"

#include <QFile>

#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <thread>
#include <utility>
#include <vector>

namespace ballast::market {

namespace {

using detail::SeriesKey;
using detail::StreamSink;

/// Batches of rows from the reading thread to the writing one, at most
/// kMaxBatches waiting, so memory stays flat when the writing is the slower.
class BatchQueue
{
public:
    static constexpr std::size_t kMaxBatches = 8;

    /// Waits for room, takes @p rows and leaves in their place an empty
    /// vector of at least their capacity (one given back when there is one);
    /// false when the writing side cancelled.
    bool push(const SeriesKey &key, std::vector<domain::Candle> &rows)
    {
        const std::size_t capacity = rows.capacity();
        {
            std::unique_lock lock(m_mutex);
            m_changed.wait(lock, [this] { return m_batches.size() < kMaxBatches || m_cancelled; });
            if (m_cancelled)
                return false;
            m_batches.emplace_back(key, std::move(rows));
            rows = {};
            if (!m_spare.empty()) {
                rows = std::move(m_spare.back());
                m_spare.pop_back();
            }
            m_changed.notify_all();
        }
        rows.reserve(capacity);
        return true;
    }
    /// The writer is done with @p rows: their memory serves a later batch.
    /// Without it every batch (a quarter of a megabyte) would be mapped fresh
    /// and unmapped again, some 60 page faults each, since the programs' heap
    /// settings (common::keepFreedHeapMemory) fix the mapping threshold.
    void giveBack(std::vector<domain::Candle> &&rows)
    {
        rows.clear();
        const std::lock_guard lock(m_mutex);
        if (m_spare.size() < kMaxBatches)
            m_spare.push_back(std::move(rows));
    }
    /// Waits for the next batch; false once the reader closed the queue and
    /// every batch is taken, or after cancel().
    bool pop(SeriesKey &key, std::vector<domain::Candle> &rows)
    {
        std::unique_lock lock(m_mutex);
        m_changed.wait(lock, [this] { return !m_batches.empty() || m_closed || m_cancelled; });
        if (m_cancelled || m_batches.empty())
            return false;
        key = std::move(m_batches.front().first);
        rows = std::move(m_batches.front().second);
        m_batches.pop_front();
        m_changed.notify_all();
        return true;
    }
    /// The reader is done.
    void close()
    {
        const std::lock_guard lock(m_mutex);
        m_closed = true;
        m_changed.notify_all();
    }
    /// The writer stopped: the reader's next push() fails.
    void cancel()
    {
        const std::lock_guard lock(m_mutex);
        m_cancelled = true;
        m_changed.notify_all();
    }

private:
    std::mutex m_mutex;
    std::condition_variable m_changed;
    std::deque<std::pair<SeriesKey, std::vector<domain::Candle>>> m_batches;
    std::vector<std::vector<domain::Candle>> m_spare;
    bool m_closed = false;
    bool m_cancelled = false;
};

/// What a parse that hands its rows to a sink gives: a report, an error, or
/// no value when the file must be read whole instead.
using Parsed = Result<std::optional<ImportReport>>;

/// Runs @p parse on a second thread while this one, which owns the
/// connection, writes the batches it hands over, in one transaction that is
/// committed only when it gives a report: the import takes about as long as
/// the longer of the two instead of their sum.
Parsed writeParsed(storage::Database &db, const std::function<Parsed(const StreamSink &)> &parse)
{
    return storage::guarded([&]() -> Parsed {
        storage::Transaction transaction(db);
        BatchQueue queue;
        std::optional<Parsed> parsed;
        std::thread reader([&] {
            const StreamSink sink = [&queue](const SeriesKey &key, std::vector<domain::Candle> &rows) {
                return queue.push(key, rows);
            };
            parsed = parse(sink);
            queue.close();
        });
        // Stops and joins the reader however this scope is left (a failed
        // write throws SqlError).
        struct Join
        {
            BatchQueue &queue;
            std::thread &thread;
            ~Join()
            {
                if (!thread.joinable())
                    return;
                queue.cancel();
                thread.join();
            }
        } join{queue, reader};
        std::unique_ptr<storage::CandleWriter> writer;
        SeriesKey key;
        std::vector<domain::Candle> rows;
        while (queue.pop(key, rows)) {
            if (!writer)
                writer = std::make_unique<storage::CandleWriter>(db, key.asset, key.quote, key.interval,
                                                                 QStringLiteral("import"));
            writer->write(rows);
            queue.giveBack(std::move(rows));
        }
        reader.join(); // it closed the queue: done
        Parsed result = std::move(*parsed);
        if (result && *result)
            transaction.commit();
        return result;
    });
}

} // namespace

Result<ImportReport> PriceImporter::importFile(storage::Database &db, const QString &path, const ImportOptions &options)
{
    // Streamed from a mapping of the file whose read pages are handed back as
    // the rows are written (see kStreamChunkRows); when the rows are not in
    // time order, sorted through a temporary file (see kSortRunRows); else
    // (CoinGecko snapshots, no mapping) read whole below.
    QFile file(path);
    if (file.open(QIODevice::ReadOnly) && file.size() > 0) {
        const qint64 size = file.size();
        if (uchar *mapped = file.map(0, size)) {
            const auto bytes = static_cast<std::size_t>(size);
            auto imported = writeParsed(db, [&](const StreamSink &sink) {
                return detail::streamMapped(mapped, bytes, path, options, sink, detail::StreamOrder::AsWritten);
            });
            if (imported && !*imported) {
                bool sortAgain = false;
                imported = writeParsed(db, [&](const StreamSink &sink) {
                    return detail::streamMapped(mapped, bytes, path, options, sink, detail::StreamOrder::Sorted,
                                                &sortAgain, file.handle());
                });
                if (imported && !*imported && sortAgain) {
                    imported = writeParsed(db, [&](const StreamSink &sink) {
                        return detail::streamMapped(mapped, bytes, path, options, sink,
                                                    detail::StreamOrder::SortedSettledFirst, nullptr, file.handle());
                    });
                    if (imported && *imported)
                        (*imported)->sortedAgain = true;
                }
            }
            file.unmap(mapped);
            if (!imported)
                return imported.error();
            if (*imported)
                return **imported;
        }
    }
    file.close();

    auto read = readFile(path, options);
    if (!read)
        return read.error();
    const PriceSeries &series = *read;
    return storage::guarded([&]() -> Result<ImportReport> {
        // One transaction for the whole file: all candles land or none do, and
        // SQLite syncs once instead of once per row.
        storage::Transaction transaction(db);
        storage::CandleWriter writer(db, series.asset, series.quote, series.interval, QStringLiteral("import"));
        writer.write(std::span<const domain::Candle>(series.candles.constData(),
                                                     static_cast<std::size_t>(series.candles.size())));
        transaction.commit();
        ImportReport report = series.report;
        report.candlesStored = static_cast<int>(writer.written());
        return report;
    });
}

} // namespace ballast::market
