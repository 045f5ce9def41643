#include "market/priceimporter.h"

#include "market/candlegrid.h"
#include "market/csvsplitter.h"
#include "market/csvvalues.h"
#include "market/pricestream.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QRegularExpression>
#include <QStringList>
#include <QTemporaryFile>

#include <algorithm>
#include <array>
#include <atomic>
#include <bit>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <system_error>
#include <thread>
#include <type_traits>
#include <unordered_map>
#include <utility>
#include <vector>

#ifdef Q_OS_UNIX
#include <sys/mman.h>
#include <unistd.h>
#endif

namespace ballast::market {

namespace {

using candlegrid::kMsPerDay;

struct IntervalInfo
{
    const char *label;
    qint64 ms;
};

// Binance's interval set without the monthly one, whose length varies.
constexpr std::array<IntervalInfo, 14> kIntervals{{{"1m", 60'000},
                                                   {"3m", 180'000},
                                                   {"5m", 300'000},
                                                   {"15m", 900'000},
                                                   {"30m", 1'800'000},
                                                   {"1h", 3'600'000},
                                                   {"2h", 7'200'000},
                                                   {"4h", 14'400'000},
                                                   {"6h", 21'600'000},
                                                   {"8h", 28'800'000},
                                                   {"12h", 43'200'000},
                                                   {"1d", kMsPerDay},
                                                   {"3d", 3 * kMsPerDay},
                                                   {"1w", 7 * kMsPerDay}}};

// Quote currencies recognised at the end of a symbol such as "BTCUSDT",
// longest first so that "USDT" wins over "USD".
const QStringList &knownQuotes()
{
    static const QStringList quotes = {QStringLiteral("FDUSD"), QStringLiteral("USDT"), QStringLiteral("USDC"),
                                       QStringLiteral("BUSD"),  QStringLiteral("TUSD"), QStringLiteral("USDP"),
                                       QStringLiteral("USD"),   QStringLiteral("EUR"),  QStringLiteral("GBP"),
                                       QStringLiteral("TRY"),   QStringLiteral("BTC"),  QStringLiteral("ETH"),
                                       QStringLiteral("BNB"),   QStringLiteral("DAI")};
    return quotes;
}

// Yahoo Finance numbers a crypto ticker when the plain one is taken by another
// coin: SOL1-USD is Solana. Only the numbered tickers known to be such aliases.
QString yahooAlias(const QString &base)
{
    static const QHash<QString, QString> aliases = {{QStringLiteral("SOL1"), QStringLiteral("SOL")},
                                                    {QStringLiteral("DOT1"), QStringLiteral("DOT")},
                                                    {QStringLiteral("UNI3"), QStringLiteral("UNI")},
                                                    {QStringLiteral("LUNA1"), QStringLiteral("LUNA")},
                                                    {QStringLiteral("ATOM1"), QStringLiteral("ATOM")}};
    return aliases.value(base, base);
}

// A field of a row as the importer uses it.
enum Field { Time, Open, High, Low, Close, Volume, MarketCap, Symbol, CloseTime, DateCheck, FieldCount };

struct Columns
{
    std::array<int, FieldCount> index{};
    QStringList names; ///< as written in the header, for messages
    int count = 0; ///< columns of the header; 0 when the file has none

    Columns() { index.fill(-1); }
    [[nodiscard]] bool has(Field field) const { return index[field] >= 0; }
};

struct Detection
{
    CsvLayout layout = CsvLayout::Unknown;
    char separator = ',';
    bool headerless = false;
    Columns columns;
};

// A data row as read, before sorting and de-duplication.
struct Row
{
    domain::Candle candle;
    qint64 preference = 0; ///< among rows with one open time the highest is kept
    int line = 0;
    int unused = 0; ///< what would be padding: every byte the sort writes to its file is set
};
static_assert(sizeof(Row) == sizeof(domain::Candle) + 16, "Row has padding");

struct Pair
{
    QString asset;
    QString quote;
};

/// The encoding a byte order mark or the zero-byte pattern of the first bytes
/// gives away, when it is one the importer cannot read (it reads UTF-8 and
/// ASCII, with or without a UTF-8 byte order mark).
std::optional<QString> wideEncoding(std::string_view data)
{
    if (data.starts_with(std::string_view("\x00\x00\xFE\xFF", 4))
        || data.starts_with(std::string_view("\xFF\xFE\x00\x00", 4)))
        return QStringLiteral("UTF-32");
    if (data.starts_with("\xFE\xFF") || data.starts_with("\xFF\xFE"))
        return QStringLiteral("UTF-16");
    // Without a mark: text in UTF-16 has a zero in one byte of nearly every
    // pair, always the same one of the two (ASCII letters, digits, commas).
    const std::size_t pairs = std::min<std::size_t>(data.size(), 512) / 2;
    if (pairs < 2)
        return std::nullopt;
    std::size_t zeroFirst = 0;
    std::size_t zeroSecond = 0;
    for (std::size_t i = 0; i < pairs; ++i) {
        const bool first = data[2 * i] == '\0';
        const bool second = data[2 * i + 1] == '\0';
        zeroFirst += first && !second ? 1 : 0;
        zeroSecond += second && !first ? 1 : 0;
    }
    if (std::max(zeroFirst, zeroSecond) * 4 >= pairs * 3)
        return QStringLiteral("UTF-16");
    return std::nullopt;
}

/// Where the first NUL byte is, as (line, column), both 1-based; lines are
/// counted as CsvSplitter counts them.
std::optional<std::pair<qsizetype, qsizetype>> firstNul(std::string_view data)
{
    const std::size_t at = data.find('\0');
    if (at == std::string_view::npos)
        return std::nullopt;
    const char end = data.find('\n') == std::string_view::npos ? '\r' : '\n';
    const std::string_view before = data.substr(0, at);
    const auto line = std::count(before.begin(), before.end(), end) + 1;
    const std::size_t lineStart = before.rfind(end);
    const std::size_t column = lineStart == std::string_view::npos ? at + 1 : at - lineStart;
    return std::pair{static_cast<qsizetype>(line), static_cast<qsizetype>(column)};
}

/// Looks for NUL bytes just ahead of the reading, a part at a time, instead
/// of in one pass over the whole text first: each page is then read once,
/// while it is fresh, and each half of a file read in two is looked at by
/// its own thread. A NUL anywhere still comes before any other refusal: a
/// reading that meets another looks at the whole text first (firstNul).
class NulScan
{
public:
    static constexpr std::size_t kPartBytes = std::size_t{256} << 10;

    NulScan(std::string_view data, std::size_t from)
        : m_data(data)
        , m_scanned(from)
    {
    }
    /// False when the text before @p upTo (or the part it ends in) holds a NUL.
    bool clean(std::size_t upTo)
    {
        while (m_scanned < upTo) {
            const std::size_t end = std::min(m_data.size(), std::max(upTo, m_scanned + kPartBytes));
            if (std::memchr(m_data.data() + m_scanned, 0, end - m_scanned))
                return false;
            m_scanned = end;
        }
        return true;
    }

private:
    std::string_view m_data;
    std::size_t m_scanned;
};

QString shownFile(const QString &file)
{
    return file.isEmpty() ? QStringLiteral("<data>") : QDir::toNativeSeparators(file);
}

QString quoted(std::string_view value)
{
    QString text = QString::fromUtf8(value.data(), static_cast<qsizetype>(value.size()));
    if (text.size() > 40)
        text = text.left(37) + QStringLiteral("...");
    return QLatin1Char('"') + text + QLatin1Char('"');
}

bool isAlnum(const QString &text)
{
    return std::all_of(text.begin(), text.end(), [](QChar c) { return c.isLetterOrNumber() && c.unicode() < 128; });
}

bool isAllDigits(const QString &text)
{
    return std::all_of(text.begin(), text.end(), [](QChar c) { return c.isDigit(); });
}

// "BTCUSDT", "BTC/USDT", "BTC-USD", "SOL1-USD" -> asset and quote; a lone
// "BTC" gives the asset only.
std::optional<Pair> splitSymbol(const QString &symbol)
{
    const QString text = symbol.trimmed().toUpper();
    static const QRegularExpression separators(QStringLiteral("[/\\-_: ]"));
    const QStringList parts = text.split(separators, Qt::SkipEmptyParts);
    if (parts.size() == 2 && isAlnum(parts[0]) && isAlnum(parts[1]) && !isAllDigits(parts[0]))
        return Pair{yahooAlias(parts[0]), parts[1]};
    if (parts.size() != 1 || !isAlnum(text) || isAllDigits(text))
        return std::nullopt;
    for (const QString &quote : knownQuotes()) {
        if (text.size() > quote.size() + 1 && text.endsWith(quote))
            return Pair{text.chopped(quote.size()), quote};
    }
    if (text.size() >= 2 && text.size() <= 10)
        return Pair{text, QString()};
    return std::nullopt;
}

// Asset and quote from a file name: "BTC-USD", "btc-usd-max", "SOL1-USD",
// "BTCUSDT_1d", "Binance_BTCUSDT_d", "ADAUSDT-1m-2025-01".
std::optional<Pair> pairFromFileName(const QString &fileName)
{
    const QString base = QFileInfo(fileName).baseName().toUpper();
    static const QRegularExpression separators(QStringLiteral("[\\-_ ]"));
    const QStringList tokens = base.split(separators, Qt::SkipEmptyParts);
    const QStringList &quotes = knownQuotes();
    // A token that is a quote currency, after an asset-like token: "BTC-USD".
    for (qsizetype i = 1; i < tokens.size(); ++i) {
        const QString &asset = tokens[i - 1];
        if (quotes.contains(tokens[i]) && isAlnum(asset) && !isAllDigits(asset) && asset.size() >= 2
            && asset.size() <= 10)
            return Pair{yahooAlias(asset), tokens[i]};
    }
    // A token that ends in a quote currency: "BTCUSDT".
    for (const QString &token : tokens) {
        if (!isAlnum(token) || token.size() > 16)
            continue;
        for (const QString &quote : quotes) {
            const QString asset = token.chopped(qMin(token.size(), quote.size()));
            if (token.endsWith(quote) && asset.size() >= 2 && !isAllDigits(asset))
                return Pair{asset, quote};
        }
    }
    return std::nullopt;
}

// "_1d", "-1h-", CryptoDataDownload's "_d" / "_h" / "_minute".
qint64 intervalFromFileName(const QString &fileName)
{
    static const QRegularExpression separators(QStringLiteral("[\\-_ ]"));
    const QStringList tokens = QFileInfo(fileName).baseName().split(separators, Qt::SkipEmptyParts);
    for (const QString &token : tokens) {
        if (const qint64 ms = PriceImporter::intervalMs(token))
            return ms;
        const QString lower = token.toLower();
        if (lower == QLatin1String("d") || lower == QLatin1String("daily"))
            return kMsPerDay;
        if (lower == QLatin1String("h") || lower == QLatin1String("hourly"))
            return 3'600'000;
        if (lower == QLatin1String("minute"))
            return 60'000;
    }
    return 0;
}

int findColumn(const QStringList &lower, std::initializer_list<const char *> names)
{
    for (const char *name : names) {
        const qsizetype at = lower.indexOf(QLatin1String(name));
        if (at >= 0)
            return static_cast<int>(at);
    }
    return -1;
}

// The first column whose name contains @p part (and not @p unless, when given).
int findColumnContaining(const QStringList &lower, const char *part, const char *unless = nullptr)
{
    for (qsizetype i = 0; i < lower.size(); ++i) {
        if (lower[i].contains(QLatin1String(part)) && !(unless && lower[i].contains(QLatin1String(unless))))
            return static_cast<int>(i);
    }
    return -1;
}

bool startsWithNames(const QStringList &lower, std::initializer_list<const char *> names, bool exact)
{
    if (lower.size() < static_cast<qsizetype>(names.size())
        || (exact && lower.size() != static_cast<qsizetype>(names.size())))
        return false;
    qsizetype i = 0;
    for (const char *name : names) {
        if (lower[i++] != QLatin1String(name))
            return false;
    }
    return true;
}

// Maps header names to fields and names the layout. Never looks at the file name.
Detection detectFromHeader(const QStringList &header, char separator)
{
    Detection d;
    d.separator = separator;
    d.columns.names = header;
    d.columns.count = static_cast<int>(header.size());
    QStringList lower;
    for (const QString &name : header)
        lower << name.trimmed().toLower();
    auto &ix = d.columns.index;
    auto ohlc = [&] {
        ix[Open] = findColumn(lower, {"open"});
        ix[High] = findColumn(lower, {"high"});
        ix[Low] = findColumn(lower, {"low"});
        ix[Close] = findColumn(lower, {"close"});
    };

    // Older CryptoDataDownload files call the first column "Unix Timestamp".
    const int unixColumn = findColumn(lower, {"unix", "unix timestamp", "unix_timestamp"});
    if (unixColumn >= 0 && lower.contains(QLatin1String("date")) && lower.contains(QLatin1String("symbol"))
        && lower.contains(QLatin1String("close"))) {
        d.layout = CsvLayout::CryptoDataDownload;
        ohlc();
        ix[Time] = unixColumn;
        ix[DateCheck] = findColumn(lower, {"date"});
        ix[Symbol] = findColumn(lower, {"symbol"});
        // "Volume BTC" (base) comes before "Volume USDT" (quote).
        ix[Volume] = findColumnContaining(lower, "volume");
    } else if (lower.contains(QLatin1String("open_time")) && lower.contains(QLatin1String("close_time"))
               && lower.contains(QLatin1String("close"))) {
        d.layout = CsvLayout::BinanceKline;
        ohlc();
        ix[Time] = findColumn(lower, {"open_time"});
        ix[CloseTime] = findColumn(lower, {"close_time"});
        ix[Volume] = findColumn(lower, {"volume"});
    } else if (startsWithNames(lower, {"date", "open", "high", "low", "close", "adj close", "volume"}, true)) {
        d.layout = CsvLayout::Yahoo;
        ohlc();
        ix[Time] = 0;
        ix[Volume] = 6;
    } else if (startsWithNames(lower, {"snapped_at", "price", "market_cap", "total_volume"}, true)) {
        d.layout = CsvLayout::CoinGecko;
        ix[Time] = 0;
        ix[Close] = 1;
        ix[MarketCap] = 2;
        ix[Volume] = 3;
    } else if (startsWithNames(lower, {"timestamp", "open", "high", "low", "close", "volume"}, true)) {
        d.layout = CsvLayout::PlainOhlcv;
        ohlc();
        ix[Time] = 0;
        ix[Volume] = 5;
    } else {
        ix[Time] = findColumn(lower,
                              {"open_time", "opentime", "open time", "timestamp", "datetime", "date_time", "date time",
                               "time", "date", "unix", "unix_time", "unixtime", "snapped_at", "day", "period_start",
                               "time_period_start", "ts"});
        if (ix[Time] < 0)
            ix[Time] = findColumnContaining(lower, "date", "close");
        if (ix[Time] < 0)
            ix[Time] = findColumnContaining(lower, "time", "close");
        ix[Close] = findColumn(lower,
                               {"close", "close_price", "close price", "closing price", "closing_price", "price",
                                "last", "last_price", "adj close", "adj_close"});
        if (ix[Close] < 0)
            ix[Close] = findColumnContaining(lower, "close", "time");
        if (ix[Close] < 0)
            ix[Close] = findColumnContaining(lower, "price");
        if (ix[Time] >= 0 && ix[Close] >= 0) {
            d.layout = CsvLayout::Generic;
            ix[Open] = findColumn(lower, {"open", "open_price", "open price"});
            ix[High] = findColumn(lower, {"high", "high_price", "high price"});
            ix[Low] = findColumn(lower, {"low", "low_price", "low price"});
            ix[Volume] = findColumn(lower, {"volume", "base_volume", "total_volume", "volume_base"});
            if (ix[Volume] < 0)
                ix[Volume] = findColumnContaining(lower, "volume");
            ix[MarketCap] = findColumn(lower, {"market_cap", "marketcap", "market cap", "mcap"});
            ix[Symbol] = findColumn(lower, {"symbol", "ticker", "pair"});
            ix[CloseTime] = findColumn(lower, {"close_time", "closetime", "close time"});
        }
    }
    return d;
}

// Binance public-data klines carry no header: open_time, open, high, low,
// close, volume, close_time, quote_volume, count, taker_buy_volume,
// taker_buy_quote_volume, ignore.
Detection headerlessKline(char separator)
{
    Detection d;
    d.layout = CsvLayout::BinanceKline;
    d.separator = separator;
    d.headerless = true;
    d.columns.names = QStringList{QStringLiteral("open_time"),
                                  QStringLiteral("open"),
                                  QStringLiteral("high"),
                                  QStringLiteral("low"),
                                  QStringLiteral("close"),
                                  QStringLiteral("volume"),
                                  QStringLiteral("close_time"),
                                  QStringLiteral("quote_volume"),
                                  QStringLiteral("count"),
                                  QStringLiteral("taker_buy_volume"),
                                  QStringLiteral("taker_buy_quote_volume"),
                                  QStringLiteral("ignore")};
    auto &ix = d.columns.index;
    ix[Time] = 0;
    ix[Open] = 1;
    ix[High] = 2;
    ix[Low] = 3;
    ix[Close] = 4;
    ix[Volume] = 5;
    ix[CloseTime] = 6;
    return d;
}

bool isBlank(std::string_view line)
{
    return CsvValues::trimmed(line).empty();
}

bool isUrlLine(std::string_view line)
{
    line = CsvValues::trimmed(line);
    return line.starts_with("http://") || line.starts_with("https://") || line.starts_with("www.");
}

using SpacingCounts = std::unordered_map<qint64, int>; ///< spacing between open times -> how often

// The most common spacing; 0 when there is none.
qint64 mostCommonSpacing(const SpacingCounts &counts)
{
    qint64 best = 0;
    int bestCount = 0;
    for (const auto &[diff, count] : counts) {
        if (count > bestCount || (count == bestCount && diff < best)) {
            best = diff;
            bestCount = count;
        }
    }
    return best;
}

// The most common positive difference between consecutive sorted values.
qint64 dominantSpacing(const std::vector<Row> &rows)
{
    SpacingCounts counts;
    for (std::size_t i = 1; i < rows.size(); ++i) {
        const qint64 diff = rows[i].candle.openTimeMs - rows[i - 1].candle.openTimeMs;
        if (diff > 0)
            ++counts[diff];
    }
    return mostCommonSpacing(counts);
}

using candlegrid::gridOf;
using candlegrid::stampKind;

QString describeMs(qint64 ms)
{
    QString label = PriceImporter::intervalLabel(ms);
    if (!label.isEmpty())
        return label;
    if (ms % 1000 == 0)
        return QStringLiteral("%1 s").arg(ms / 1000);
    return QStringLiteral("%1 ms").arg(ms);
}

// importFile streams: the rows are read, checked and written a chunk at a time
// inside the caller's one transaction, and the pages of the file already read
// are released, so memory stays flat whatever the size of the file. That
// covers files whose rows are strictly in time order (oldest or newest first)
// on one interval, which is what exchanges export. When a file turns out
// otherwise (a repeated or out-of-order time, CoinGecko snapshots, an interval
// the first rows did not show, a time off the grid, nothing to import) the
// streaming stops, what it wrote is rolled back, and the file is read whole as
// readFile() reads it; that path also words the messages of those refusals.
// Errors in a row (a bad number, a missing column) are the same either way:
// both read the rows in file order and stop at the first.
constexpr std::size_t kStreamChunkRows = 8192; ///< rows checked together (about 0.6 MB)
constexpr std::size_t kStreamWriteRows = 4096; ///< rows handed to the writer together
constexpr std::size_t kReleaseBytes = std::size_t{4} << 20; ///< release read pages every 4 MB
/// Hands back the pages of a mapped file between two offsets (releasePages).
using Release = std::function<void(std::size_t from, std::size_t upTo)>;

using detail::SeriesKey; // market/pricestream.h
using detail::StreamSink;

// A file that cannot stream (rows out of time order, repeated times, another
// interval further down...) is sorted through a temporary file instead of in
// memory: runs of kSortRunRows rows are sorted and written out, then merged
// back in time order and written as they come (see runSorted() for the
// interval, which the first rows give and the whole file checks). Memory
// stays at two runs (one read while the other is sorted and written out,
// 9.4 MB together) and a read buffer per run, whatever the size of the file;
// the temporary file takes 72 bytes a row and is gone after.
constexpr std::size_t kSortRunRows = std::size_t{1} << 16;
/// runSorted() reads a file on two threads from 64 bytes of text per row of
/// a run (4 MB for the default runs): below that, starting the second
/// thread and counting the first half's lines cost more than they save.
constexpr std::size_t kTwoReadersBytesPerRunRow = 64;
constexpr std::size_t kMergeBufferBytes = std::size_t{8} << 20; ///< read buffers of all runs together
constexpr std::size_t kMergeRunBytes = std::size_t{64} << 10; ///< at most per run

/// Rows sorted by open time then line, in runs: kept in memory while there is
/// only one, else in a temporary file, and read back merged.
class SortedRuns
{
public:
    static_assert(std::is_trivially_copyable_v<Row>);

    /// Sorts @p rows and writes them out as a run, emptying @p rows; false when
    /// the temporary file cannot be written, and from then on (a run written
    /// in part would leave every later run where the list of runs does not
    /// say it is).
    /// Safe to call from two threads at once (runSorted's two readers).
    bool spill(std::vector<Row> &rows)
    {
        if (rows.empty())
            return true;
        const std::vector<Order> order = sortedOrder(rows);
        std::vector<Row> block; // the rows in order, a block at a time
        block.reserve(std::min(rows.size(), kSpillBlockRows));
        const std::lock_guard lock(m_writing);
        if (m_failed || (!m_file.isOpen() && !open())) {
            m_failed = true;
            return false;
        }
        const auto writeBlock = [this, &block] {
            const qint64 size = static_cast<qint64>(block.size()) * static_cast<qint64>(sizeof(Row));
            const bool wrote = m_file.write(reinterpret_cast<const char *>(block.data()), size) == size;
            block.clear();
            m_failed = m_failed || !wrote;
            return wrote;
        };
        for (const Order &next : order) {
            block.push_back(rows[next.index]);
            if (block.size() == kSpillBlockRows && !writeBlock())
                return false;
        }
        if (!block.empty() && !writeBlock())
            return false;
        const qint64 bytes = static_cast<qint64>(rows.size()) * static_cast<qint64>(sizeof(Row));
        m_runs.push_back(Run{m_written, static_cast<qint64>(rows.size())});
        m_written += bytes;
        rows.clear();
        return true;
    }
    /// The last rows: sorted and kept in memory when they are the only run.
    bool finish(std::vector<Row> &rows)
    {
        if (!m_runs.empty())
            return spill(rows) && m_file.flush();
        m_memory.reserve(rows.size());
        for (const Order &next : sortedOrder(rows))
            m_memory.push_back(rows[next.index]);
        rows.clear();
        return true;
    }
    /// Runs written to the temporary file (0 when the rows stay in memory).
    [[nodiscard]] int written() const { return static_cast<int>(m_runs.size()); }
    /// Calls @p visit with every row in (open time, line) order until it
    /// returns false; false when the temporary file cannot be read back.
    template<typename Visit>
    bool merge(Visit &&visit)
    {
        if (m_runs.empty()) {
            for (const Row &row : m_memory) {
                if (!visit(row))
                    break;
            }
            return true;
        }
        const std::size_t perRun = std::clamp(kMergeBufferBytes / m_runs.size(), sizeof(Row) * 64, kMergeRunBytes);
        std::vector<Cursor> cursors(m_runs.size());
        std::vector<std::size_t> heap; // cursors with rows left, the least row on top
        for (std::size_t i = 0; i < m_runs.size(); ++i) {
            cursors[i].next = m_runs[i].offset;
            cursors[i].left = m_runs[i].rows;
            cursors[i].buffer.reserve(std::min(perRun / sizeof(Row), static_cast<std::size_t>(m_runs[i].rows)));
            if (!refill(cursors[i]))
                return false;
            heap.push_back(i);
        }
        const auto after = [&cursors](std::size_t a, std::size_t b) {
            return byTimeThenLine(cursors[b].row(), cursors[a].row());
        };
        std::make_heap(heap.begin(), heap.end(), after);
        while (!heap.empty()) {
            std::pop_heap(heap.begin(), heap.end(), after);
            Cursor &cursor = cursors[heap.back()];
            if (!visit(cursor.row()))
                return true;
            if (++cursor.at == cursor.buffer.size()) {
                if (cursor.left == 0) {
                    heap.pop_back();
                    continue;
                }
                if (!refill(cursor))
                    return false;
            }
            std::push_heap(heap.begin(), heap.end(), after);
        }
        return true;
    }

private:
    struct Run
    {
        qint64 offset = 0; ///< bytes into the file
        qint64 rows = 0;
    };
    struct Cursor
    {
        std::vector<Row> buffer;
        std::size_t at = 0;
        qint64 next = 0; ///< file offset of the rows not yet in the buffer
        qint64 left = 0; ///< rows not yet in the buffer
        [[nodiscard]] const Row &row() const { return buffer[at]; }
    };

    static bool byTimeThenLine(const Row &a, const Row &b)
    {
        return a.candle.openTimeMs < b.candle.openTimeMs
            || (a.candle.openTimeMs == b.candle.openTimeMs && a.line < b.line);
    }
    /// A row's place in the order. The rows of a run are in line order, so
    /// a stable sort by time alone puts them in (time, line) order: a radix
    /// sort of these, 11 bits of the time from the run's earliest at a time,
    /// then the rows copied over in their order. For a run of 65,536 random
    /// minutes (a program of its own, g++ -O2, this machine): std::sort of
    /// the 72-byte rows 5.6-6.6 ms, of these keys 3.6-4.3 ms, the radix sort
    /// 0.4-0.6 ms.
    struct Order
    {
        qint64 time = 0;
        std::uint32_t index = 0; ///< into the rows sorted
    };
    static constexpr std::size_t kSpillBlockRows = 1024; ///< rows written out at once (72 KB)
    static std::vector<Order> sortedOrder(const std::vector<Row> &rows)
    {
        std::vector<Order> order(rows.size());
        if (rows.empty())
            return order;
        qint64 earliest = rows.front().candle.openTimeMs;
        qint64 latest = earliest;
        for (std::size_t i = 0; i < rows.size(); ++i) {
            const qint64 time = rows[i].candle.openTimeMs;
            Q_ASSERT(i == 0 || rows[i - 1].line < rows[i].line);
            order[i] = Order{time, static_cast<std::uint32_t>(i)};
            earliest = std::min(earliest, time);
            latest = std::max(latest, time);
        }
        constexpr int kDigitBits = 11;
        constexpr std::size_t kBuckets = std::size_t{1} << kDigitBits;
        const auto span = static_cast<std::uint64_t>(latest) - static_cast<std::uint64_t>(earliest);
        const int bits = span == 0 ? 0 : static_cast<int>(std::bit_width(span));
        const auto digit = [earliest](const Order &o, int shift) {
            return static_cast<std::size_t>(
                ((static_cast<std::uint64_t>(o.time) - static_cast<std::uint64_t>(earliest)) >> shift)
                & (kBuckets - 1));
        };
        std::vector<Order> other(order.size());
        for (int shift = 0; shift < bits; shift += kDigitBits) {
            std::array<std::uint32_t, kBuckets> next{};
            for (const Order &o : order)
                ++next[digit(o, shift)];
            std::uint32_t at = 0;
            for (std::uint32_t &n : next)
                at += std::exchange(n, at);
            for (const Order &o : order)
                other[next[digit(o, shift)]++] = o;
            order.swap(other);
        }
        return order;
    }

    bool refill(Cursor &cursor)
    {
        const auto count =
            static_cast<std::size_t>(std::min<qint64>(cursor.left, static_cast<qint64>(cursor.buffer.capacity())));
        cursor.buffer.resize(count);
        cursor.at = 0;
        const qint64 bytes = static_cast<qint64>(count) * static_cast<qint64>(sizeof(Row));
        if (!m_file.seek(cursor.next) || m_file.read(reinterpret_cast<char *>(cursor.buffer.data()), bytes) != bytes)
            return false;
        cursor.next += bytes;
        cursor.left -= static_cast<qint64>(count);
        return true;
    }

    /// In the system's temporary folder, named for what it is. Where TMPDIR
    /// names a missing folder Qt's temporary path is empty and the file would
    /// go to the root of the file system: then none.
    bool open()
    {
        const QString folder = QDir::tempPath();
        if (folder.isEmpty() || !QFileInfo(folder).isDir())
            return false;
        m_file.setFileTemplate(folder + QStringLiteral("/ballast-sort-XXXXXX"));
        return m_file.open();
    }

    std::mutex m_writing; ///< spill() from two threads
    QTemporaryFile m_file;
    qint64 m_written = 0;
    bool m_failed = false; ///< a spill() failed: no run may follow
    std::vector<Run> m_runs;
    std::vector<Row> m_memory; ///< the only run, when nothing was written out
};

/// The ends of line (@p lineEnd) in bytes [@p from, @p upTo) of the file
/// open as @p descriptor, read with pread() through a 256 KB buffer; no value
/// when there is no descriptor, a read fails or @p stop is set. Half of a
/// 62 MB file: 8.6-8.9 ms here, against 28-29 ms through its mapping (the
/// page faults of this virtual machine; a program of its own, g++ -O2).
std::optional<std::size_t> countLines(int descriptor, std::size_t from, std::size_t upTo, char lineEnd,
                                      const std::atomic<bool> &stop)
{
#ifdef Q_OS_UNIX
    if (descriptor < 0)
        return std::nullopt;
    constexpr std::size_t kBufferBytes = std::size_t{256} << 10;
    std::vector<char> buffer(kBufferBytes);
    std::size_t lines = 0;
    for (std::size_t at = from; at < upTo;) {
        if (stop.load(std::memory_order_relaxed))
            return std::nullopt;
        const ssize_t read =
            pread(descriptor, buffer.data(), std::min(kBufferBytes, upTo - at), static_cast<off_t>(at));
        if (read < 0 && errno == EINTR)
            continue;
        if (read <= 0)
            return std::nullopt;
        const char *next = buffer.data();
        const char *const end = next + read;
        while ((next = static_cast<const char *>(std::memchr(next, lineEnd, static_cast<std::size_t>(end - next))))) {
            ++lines;
            ++next;
        }
        at += static_cast<std::size_t>(read);
    }
    return lines;
#else
    Q_UNUSED(descriptor);
    Q_UNUSED(from);
    Q_UNUSED(upTo);
    Q_UNUSED(lineEnd);
    Q_UNUSED(stop);
    return std::nullopt;
#endif
}

/// What stream() and runSorted() give when the file must be read whole
/// instead: no report and no error.
Result<std::optional<ImportReport>> readWhole()
{
    return std::optional<ImportReport>();
}

// Does one file's parse; holds what error messages need.
class Parser
{
public:
    Parser(std::string_view data, const QString &fileName, const ImportOptions &options)
        : m_data(data)
        , m_file(fileName)
        , m_options(options)
        , m_runRows(options.sortRunRows > 0 ? options.sortRunRows : kSortRunRows)
    {
    }

    /// The file's descriptor, for reads beside the mapping of m_data (the
    /// second reader's line count); -1 for none.
    void setDescriptor(int descriptor) { m_descriptor = descriptor; }

    /// The whole file's rows; with @p release (a mapped file), the pages
    /// before an offset are handed back as the reading passes them (the rows
    /// still take their memory).
    Result<PriceSeries> run(const Release &release = {});
    /// importFile's way for a file that cannot stream: the rows are sorted
    /// through a temporary file (SortedRuns) and handed to @p sink in time
    /// order; the same candles, report and refusals as run(). No value when the
    /// file must be read whole instead (CoinGecko snapshots, or the temporary
    /// file cannot be written). With @p settleFirst the rows are merged twice,
    /// once to settle the interval and once to write them; else once, and
    /// @p missed is set (with no value) when the interval the first rows gave
    /// is not the whole file's: sort again with settleFirst.
    Result<std::optional<ImportReport>> runSorted(const StreamSink &sink, const Release &release, bool settleFirst,
                                                  bool *missed);
    /// importFile's way: reads and checks the rows a chunk at a time and hands
    /// them to @p sink in batches (false from it stops the reading), calling
    /// @p release with the offset before which the data is no longer needed.
    /// No value when the file must be read whole instead (see the comment
    /// above kStreamChunkRows).
    Result<std::optional<ImportReport>> stream(const StreamSink &sink, const Release &release);

private:
    Error fail(const QString &code, const QString &what) const
    {
        return makeError(code, QStringLiteral("%1: %2").arg(shownFile(m_file), what));
    }
    Error failAt(int line, int column, std::string_view value, const QString &why) const
    {
        const QString name = column >= 0 && column < m_detection.columns.names.size()
            ? QStringLiteral(" \"%1\"").arg(m_detection.columns.names[column])
            : QString();
        return fail(
            QStringLiteral("import.value"),
            QStringLiteral("line %1, column %2%3: %4 %5").arg(line).arg(column + 1).arg(name, quoted(value), why));
    }
    Error failAtTime(int line, Field field, qint64 ms, const QString &why) const
    {
        const int column = m_detection.columns.index[field];
        const QString name = QStringLiteral(" \"%1\"").arg(m_detection.columns.names.value(column));
        return fail(QStringLiteral("import.value"),
                    QStringLiteral("line %1, column %2%3: %4 %5")
                        .arg(line)
                        .arg(column + 1)
                        .arg(name, CsvValues::formatTime(ms), why));
    }

    std::optional<Error> detect(CsvSplitter &splitter, std::string_view &pending, int &pendingLine);
    /// Checks the text, tells the layout and reads every row in file order into
    /// m_rows; with @p full, calls it each time m_rows holds m_runRows rows
    /// (it empties m_rows; false from it ends the reading, with no error).
    /// Refuses a file without rows with prices.
    std::optional<Error> readRows(const Release &release, const std::function<bool()> &full);
    /// readRows for runSorted(), the second half of a large file read on a
    /// second thread into runs of its own (@p runs is shared); the same rows,
    /// report and first error as readRows. Sets @p spilled false when a run
    /// of the second half could not be written out (read the file whole).
    std::optional<Error> readRowsInTwo(const Release &release, const std::function<bool()> &full, SortedRuns &runs,
                                       bool &spilled);
    /// readRows before the rows: the checks of the whole text, the layout
    /// and the row the layout was told from (a file without a header).
    std::optional<Error> readHead(const Release &release, bool reserveAll, CsvSplitter &splitter,
                                  std::vector<std::string_view> &fields, NulScan *scan);
    /// Reads the lines that start before @p end (an offset into the text);
    /// @p released is where the text not yet handed back starts; @p full as
    /// for readRows. With @p stop, returns early (no error) once it is set.
    /// With @p scan, the text is looked at for NUL bytes as it is read
    /// (none: it was before).
    std::optional<Error> readLines(CsvSplitter &splitter, std::size_t end, const Release &release, std::size_t released,
                                   const std::function<bool()> &full, const std::atomic<bool> *stop, NulScan *scan);
    /// The refusal of a text with a NUL byte, if it has one.
    std::optional<Error> nulError() const;
    /// @p error, unless the text holds a NUL byte: that refusal comes first.
    Error nulFirst(Error error) const;
    /// The refusal of a file with no rows with prices, if it is one.
    std::optional<Error> noPrices() const;
    /// Takes in what @p tail read of the second half (readRowsInTwo): its
    /// first error in file order, if that comes before the rest, else the
    /// rows' report. @p tailError and @p tailErrorLine: the tail's own error.
    std::optional<Error> joinTail(Parser &tail, std::optional<Error> tailError, int tailErrorLine);
    /// One pass over the text before its rows, kReleaseBytes at a time,
    /// handing each part to @p release (if any) once passed: whether it holds
    /// a NUL byte, and with @p countLines its lines (else 0).
    std::pair<bool, std::size_t> scanText(const Release &release, bool countLines) const;
    /// Hands back the text before @p line when kReleaseBytes more than
    /// @p released have been read since: nothing before a line is looked at
    /// again once the line is read.
    void releaseBefore(std::string_view line, std::size_t &released, const Release &release) const;
    std::optional<Error> readRow(std::string_view line, int lineNo, std::vector<std::string_view> &fields);
    Error symbolDiffers(int line, std::string_view written, int firstLine) const
    {
        return failAt(
            line, m_detection.columns.index[Symbol], written,
            QStringLiteral("differs from the symbol on line %1; one file must hold one series").arg(firstLine));
    }
    /// readRow, then as soon as it is known the pair: it comes from the
    /// options, the file name and the first row's symbol, so a file that does
    /// not tell it is refused before the rest is parsed (parsed and held
    /// whole, when it cannot stream: 137 MB for a 51 MB file of 1 M rows).
    std::optional<Error> readRowThenPair(std::string_view line, int lineNo, std::vector<std::string_view> &fields);
    std::optional<Error> readPrice(Field field, const std::vector<std::string_view> &fields, int line, double &value);
    std::optional<Error> readAmount(Field field, const std::vector<std::string_view> &fields, int line, double &value);
    /// Sets m_intervalMs from the close times, else @p spacing (the most
    /// common one between rows, 0 for none), the options and the file name.
    std::optional<Error> settleInterval(qint64 spacing);
    void snapToGrid(qint64 spacing);
    void orderAndDeduplicate();
    /// Files every row stamped at its candle's close under that candle's open
    /// time when all rows are; refuses a file that mixes open and close stamps.
    std::optional<Error> settleStamps();
    /// A row stamped otherwise than the first row in the file (settleStamps()).
    Error stampsDiffer(const Row &first, const Row &differing, qint64 kind, qint64 other) const;
    std::optional<Error> checkGrid();
    Error offGridError(int line, qint64 openTimeMs) const;
    /// Whether the newest candle, opening at @p openTimeMs, is left out as one
    /// that may still have been running when the file was written (the rule
    /// in priceimporter.h), for every way of reading.
    bool skipsNewest(qint64 openTimeMs) const;
    Error onlyCandleUnfinished(qint64 openTimeMs) const;
    std::optional<Error> settlePair(PriceSeries &series);

    std::string_view m_data;
    QString m_file;
    ImportOptions m_options;
    Detection m_detection;
    std::vector<Row> m_rows;
    std::size_t m_runRows; ///< rows sorted in memory at a time by runSorted()
    int m_descriptor = -1; ///< setDescriptor()
    qint64 m_pricedRows = 0; ///< rows read with prices (not null rows)
    qint64 m_firstTime = 0; ///< open time of the first of them in the file
    qint64 m_lastTime = 0; ///< and of the last
    std::string m_symbol; ///< normalised symbol of the first row
    int m_symbolLine = 0;
    std::string m_symbolText; ///< that row's symbol as written (for a message)
    std::pair<int, std::string> m_symbolDiffers; ///< line and text of a symbol unlike the first
    int m_firstPricedLine = 0; ///< line of the first row with prices
    bool m_pairChecked = false; ///< readRowThenPair has settled the pair
    std::unordered_map<qint64, int> m_closeSpans; ///< close_time - open_time + 1 -> rows
    qint64 m_intervalMs = 0;
    ImportReport m_report;

    // stream() only.
    bool streamRows();
    bool streamWrite(const domain::Candle &candle, std::optional<qint64> adjacent);
    struct Stream
    {
        int direction = 0; ///< +1 oldest first, -1 newest first, 0 not known yet (one row)
        std::optional<qint64> previous; ///< open time of the last row read
        std::optional<domain::Candle> newest; ///< held back until it is known whether it ran unfinished
        std::optional<qint64> firstWritten; ///< open time of the first row written
        std::optional<qint64> lastWritten; ///< open time of the last row written
        std::optional<qint64> stampKind; ///< stampKind() of the first row, which every row must share
        qint64 oldestMs = 0;
        qint64 newestMs = 0;
        SpacingCounts spacings;
        SeriesKey key; ///< set once the first rows settle it
        const StreamSink *sink = nullptr;
        std::vector<domain::Candle> pending; ///< rows on their way to the sink
        qint64 handed = 0; ///< rows handed to the sink
    } m_stream;
};

std::optional<Error> Parser::detect(CsvSplitter &splitter, std::string_view &pending, int &pendingLine)
{
    std::string_view line;
    bool first = true;
    while (splitter.nextLine(line)) {
        if (first && line.starts_with("\xEF\xBB\xBF")) // UTF-8 byte order mark
            line.remove_prefix(3);
        const bool wasFirst = std::exchange(first, false);
        if (isBlank(line))
            continue;
        // CryptoDataDownload puts its URL above the header.
        if (wasFirst && isUrlLine(line))
            continue;
        const char separator = CsvSplitter::detectSeparator(line);
        std::vector<std::string_view> fields;
        int bad = 0;
        if (!CsvSplitter::split(line, separator, fields, bad))
            return failAt(splitter.lineNumber(), bad, line, QStringLiteral("has an unterminated quote"));
        const std::string_view firstField = CsvValues::trimmed(fields.front());
        if (!firstField.empty() && firstField[0] >= '0' && firstField[0] <= '9') {
            // No header: only the Binance kline layout is known without one.
            if (fields.size() == 12) {
                m_detection = headerlessKline(separator);
                pending = line;
                pendingLine = splitter.lineNumber();
                return std::nullopt;
            }
            return fail(QStringLiteral("import.layout"),
                        QStringLiteral("line %1: no header line, and %2 columns are not the 12 of a Binance kline "
                                       "file; add a header naming the date and close columns")
                            .arg(splitter.lineNumber())
                            .arg(fields.size()));
        }
        QStringList header;
        for (const std::string_view field : fields) {
            const std::string_view name = CsvValues::trimmed(field);
            header << QString::fromUtf8(name.data(), static_cast<qsizetype>(name.size()));
        }
        m_detection = detectFromHeader(header, separator);
        if (m_detection.layout == CsvLayout::Unknown) {
            return fail(QStringLiteral("import.layout"),
                        QStringLiteral("line %1: not a price file this importer recognises: no date/time column "
                                       "and close/price column in the header \"%2\"")
                            .arg(splitter.lineNumber())
                            .arg(header.join(QLatin1Char(separator))));
        }
        return std::nullopt;
    }
    return fail(QStringLiteral("import.empty"), QStringLiteral("the file is empty"));
}

std::optional<Error> Parser::readPrice(Field field, const std::vector<std::string_view> &fields, int line,
                                       double &value)
{
    const int column = m_detection.columns.index[field];
    QString why;
    if (!CsvValues::parseNumber(fields[static_cast<std::size_t>(column)], value, why))
        return failAt(line, column, fields[static_cast<std::size_t>(column)], why);
    if (value <= 0)
        return failAt(line, column, fields[static_cast<std::size_t>(column)],
                      QStringLiteral("is not a price above zero"));
    return std::nullopt;
}

// Volume and market cap: empty or null means unknown, stored as 0.
std::optional<Error> Parser::readAmount(Field field, const std::vector<std::string_view> &fields, int line,
                                        double &value)
{
    value = 0;
    const int column = m_detection.columns.index[field];
    if (column < 0)
        return std::nullopt;
    const std::string_view text = fields[static_cast<std::size_t>(column)];
    if (CsvValues::trimmed(text).empty() || CsvValues::isNull(text))
        return std::nullopt;
    QString why;
    if (!CsvValues::parseNumber(text, value, why))
        return failAt(line, column, text, why);
    if (value < 0)
        return failAt(line, column, text, QStringLiteral("is negative"));
    return std::nullopt;
}

std::optional<Error> Parser::readRow(std::string_view line, int lineNo, std::vector<std::string_view> &fields)
{
    const Columns &columns = m_detection.columns;
    const auto &ix = columns.index;
    int bad = 0;
    if (!CsvSplitter::split(line, m_detection.separator, fields, bad))
        return failAt(lineNo, bad, line, QStringLiteral("has an unterminated or misplaced quote"));
    const int needed = m_detection.headerless ? 12 : columns.count;
    if (static_cast<int>(fields.size()) < needed) {
        const int missing = static_cast<int>(fields.size());
        return fail(QStringLiteral("import.value"),
                    QStringLiteral("line %1, column %2 \"%3\": missing; the row has %4 columns, the header %5")
                        .arg(lineNo)
                        .arg(missing + 1)
                        .arg(columns.names.value(missing))
                        .arg(fields.size())
                        .arg(needed));
    }
    for (std::size_t extra = static_cast<std::size_t>(needed); extra < fields.size(); ++extra) {
        if (!CsvValues::trimmed(fields[extra]).empty()) {
            return fail(QStringLiteral("import.value"),
                        QStringLiteral("line %1, column %2: %3 is beyond the %4 columns of the header")
                            .arg(lineNo)
                            .arg(extra + 1)
                            .arg(quoted(fields[extra]))
                            .arg(needed));
        }
    }

    Row row;
    row.line = lineNo;
    domain::Candle &candle = row.candle;
    QString why;
    const std::string_view timeText = fields[static_cast<std::size_t>(ix[Time])];
    if (!CsvValues::parseTime(timeText, candle.openTimeMs, why))
        return failAt(lineNo, ix[Time], timeText, why);

    // Outage rows ("null" in every price) are skipped; a partly null row is an error.
    if (CsvValues::isNull(fields[static_cast<std::size_t>(ix[Close])])) {
        for (const Field field : {Open, High, Low}) {
            const int column = ix[field];
            if (column >= 0 && !CsvValues::isNull(fields[static_cast<std::size_t>(column)])) {
                return failAt(lineNo, ix[Close], fields[static_cast<std::size_t>(ix[Close])],
                              QStringLiteral("is null while column %1 is not").arg(column + 1));
            }
        }
        m_report.nullRows.append(NullRow{lineNo, candle.openTimeMs});
        return std::nullopt;
    }

    if (auto error = readPrice(Close, fields, lineNo, candle.close))
        return error;
    for (const Field field : {Open, High, Low}) {
        double &value = field == Open ? candle.open : field == High ? candle.high : candle.low;
        if (ix[field] < 0) {
            value = candle.close; // a price-only file (CoinGecko): a flat bar
        } else if (auto error = readPrice(field, fields, lineNo, value)) {
            return error;
        }
    }
    if (auto error = readAmount(Volume, fields, lineNo, candle.volume))
        return error;
    if (auto error = readAmount(MarketCap, fields, lineNo, candle.marketCap))
        return error;

    if (ix[Symbol] >= 0) {
        // One file holds one series: every row must name the same pair.
        std::string symbol;
        for (const char c : CsvValues::trimmed(fields[static_cast<std::size_t>(ix[Symbol])])) {
            if (c != '/' && c != '-' && c != '_' && c != ' ')
                symbol += static_cast<char>(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);
        }
        if (m_symbolLine == 0) {
            m_symbol = symbol;
            m_symbolLine = lineNo;
            const std::string_view written = fields[static_cast<std::size_t>(ix[Symbol])];
            m_symbolText.assign(written.data(), written.size());
        } else if (symbol != m_symbol) {
            const std::string_view written = fields[static_cast<std::size_t>(ix[Symbol])];
            m_symbolDiffers = {lineNo, std::string(written)};
            return symbolDiffers(lineNo, written, m_symbolLine);
        }
    }
    if (ix[CloseTime] >= 0) {
        qint64 closeMs = 0;
        const std::string_view text = fields[static_cast<std::size_t>(ix[CloseTime])];
        if (!CsvValues::parseTime(text, closeMs, why))
            return failAt(lineNo, ix[CloseTime], text, why);
        if (closeMs < candle.openTimeMs)
            return failAt(lineNo, ix[CloseTime], text, QStringLiteral("is before the open time"));
        ++m_closeSpans[closeMs - candle.openTimeMs + 1];
    }
    if (ix[DateCheck] >= 0) {
        // CryptoDataDownload prints the time twice. The messy hourly file has 91
        // rows whose Date is 4 hours behind; the Unix values agree with the
        // exchange's daily candles, so Unix is used and the rows are reported.
        qint64 printed = 0;
        const std::string_view text = fields[static_cast<std::size_t>(ix[DateCheck])];
        if (!CsvValues::parseTime(text, printed, why))
            return failAt(lineNo, ix[DateCheck], text, why);
        if (printed != candle.openTimeMs)
            m_report.dateMismatches.append(DateMismatch{lineNo, candle.openTimeMs, printed});
    }
    if (m_pricedRows++ == 0) {
        m_firstTime = candle.openTimeMs;
        m_firstPricedLine = lineNo;
    }
    m_lastTime = candle.openTimeMs;
    m_rows.push_back(row);
    return std::nullopt;
}

// CoinGecko prints point-in-time snapshots; a few are not taken at 00:00. They
// are assigned to the bar of the UTC date they were taken on (the date printed),
// and among several on one bar the one nearest after its start wins.
void Parser::snapToGrid(qint64 spacing)
{
    if (spacing <= 0 || spacing > kMsPerDay || kMsPerDay % spacing != 0)
        return;
    for (Row &row : m_rows) {
        const qint64 taken = row.candle.openTimeMs;
        const qint64 offset = ((taken % spacing) + spacing) % spacing;
        if (offset == 0)
            continue;
        row.candle.openTimeMs = taken - offset;
        row.preference -= offset << 32; // nearest the bar start first, then the newer write
        m_report.snapped.append(SnappedRow{row.line, taken, row.candle.openTimeMs});
    }
}

void Parser::orderAndDeduplicate()
{
    auto byTime = [](const Row &a, const Row &b) {
        return a.candle.openTimeMs < b.candle.openTimeMs
            || (a.candle.openTimeMs == b.candle.openTimeMs && a.preference < b.preference);
    };
    // Most files are already strictly ascending or (CryptoDataDownload)
    // strictly descending: skip the sort for them.
    auto strictlyAscending = [](const Row &a, const Row &b) { return a.candle.openTimeMs >= b.candle.openTimeMs; };
    auto strictlyDescending = [](const Row &a, const Row &b) { return a.candle.openTimeMs <= b.candle.openTimeMs; };
    if (std::adjacent_find(m_rows.begin(), m_rows.end(), strictlyAscending) == m_rows.end())
        return;
    if (std::adjacent_find(m_rows.begin(), m_rows.end(), strictlyDescending) == m_rows.end()) {
        std::reverse(m_rows.begin(), m_rows.end());
        return;
    }
    std::stable_sort(m_rows.begin(), m_rows.end(), byTime);

    std::size_t out = 0;
    for (std::size_t i = 0; i < m_rows.size();) {
        std::size_t end = i + 1;
        while (end < m_rows.size() && m_rows[end].candle.openTimeMs == m_rows[i].candle.openTimeMs)
            ++end;
        const Row &kept = m_rows[end - 1];
        for (std::size_t j = i; j + 1 < end; ++j) {
            if (m_rows[j].candle == kept.candle)
                ++m_report.exactDuplicates;
            else
                m_report.conflicts.append(DuplicateConflict{kept.candle.openTimeMs, kept.line, m_rows[j].line});
        }
        m_rows[out++] = kept;
        i = end;
    }
    m_rows.resize(out);
    // By time, then the line dropped: the order in which the sorted import
    // (runSorted) meets them.
    std::sort(m_report.conflicts.begin(), m_report.conflicts.end(),
              [](const DuplicateConflict &a, const DuplicateConflict &b) {
                  return a.openTimeMs < b.openTimeMs || (a.openTimeMs == b.openTimeMs && a.droppedLine < b.droppedLine);
              });
}

std::optional<Error> Parser::settleInterval(qint64 spacing)
{
    qint64 inferred = 0;
    QString how;
    if (!m_closeSpans.empty()) {
        int best = 0;
        for (const auto &[span, count] : m_closeSpans) {
            if (count > best) {
                inferred = span;
                best = count;
            }
        }
        how = QStringLiteral("the close times");
    } else if (spacing > 0) {
        inferred = spacing;
        how = QStringLiteral("the most common spacing between rows");
    }
    if (inferred != 0 && PriceImporter::intervalLabel(inferred).isEmpty()) {
        return fail(QStringLiteral("import.interval"),
                    QStringLiteral("cannot infer the interval: %1 give %2, which is not a candle interval this "
                                   "importer knows (1m 3m 5m 15m 30m 1h 2h 4h 6h 8h 12h 1d 3d 1w)")
                        .arg(how, describeMs(inferred)));
    }
    if (!m_options.interval.isEmpty()) {
        const qint64 given = PriceImporter::intervalMs(m_options.interval);
        if (given == 0) {
            return fail(QStringLiteral("import.interval"),
                        QStringLiteral("unknown interval \"%1\" (use 1m 3m 5m 15m 30m 1h 2h 4h 6h 8h 12h 1d 3d 1w)")
                            .arg(m_options.interval));
        }
        if (inferred != 0 && inferred != given) {
            return fail(QStringLiteral("import.interval"),
                        QStringLiteral("the interval given (%1) does not match the file, where %2 give %3")
                            .arg(m_options.interval, how, describeMs(inferred)));
        }
        inferred = given;
    }
    if (inferred == 0)
        inferred = intervalFromFileName(m_file);
    if (inferred == 0) {
        return fail(
            QStringLiteral("import.interval"),
            QStringLiteral("cannot infer the interval from a single row without a close time; pass --interval"));
    }
    m_intervalMs = inferred;
    return std::nullopt;
}

std::optional<Error> Parser::settleStamps()
{
    // Several public datasets stamp a daily row at the end of its day
    // (23:59:59), and kline exports may carry the close time (23:59:59.999)
    // where the open time is expected. When every row is so stamped the file
    // is unambiguous: each row is the candle that closes at its stamp. A file
    // mixing the two could file two rows under one day or one row under the
    // wrong day, so it is refused at the first line stamped otherwise than
    // the file's first row. Files whose first row is on the grid keep
    // checkGrid()'s message for times off it.
    const qint64 grid = gridOf(m_intervalMs);
    const Row *first = nullptr;
    for (const Row &row : m_rows) {
        if (!first || row.line < first->line)
            first = &row;
    }
    if (!first)
        return std::nullopt;
    const qint64 kind = stampKind(first->candle.openTimeMs, grid);
    if (kind < 0)
        return std::nullopt;
    const Row *differing = nullptr;
    for (const Row &row : m_rows) {
        if (stampKind(row.candle.openTimeMs, grid) != kind && (!differing || row.line < differing->line))
            differing = &row;
    }
    if (differing) {
        const qint64 other = stampKind(differing->candle.openTimeMs, grid);
        if (kind == 0 && other < 0)
            return std::nullopt;
        return stampsDiffer(*first, *differing, kind, other);
    }
    if (kind == 0)
        return std::nullopt;
    const qint64 shift = kind - m_intervalMs;
    for (Row &row : m_rows)
        row.candle.openTimeMs += shift;
    for (NullRow &row : m_report.nullRows)
        row.openTimeMs += shift;
    m_report.closeStamps = CloseStamps{-shift};
    return std::nullopt;
}

Error Parser::stampsDiffer(const Row &first, const Row &differing, qint64 kind, qint64 other) const
{
    const auto before = [](qint64 k) { return k == 1000 ? QStringLiteral("1 s") : QStringLiteral("1 ms"); };
    const auto how = [&before](qint64 k) {
        return k == 0 ? QStringLiteral("at a candle's open")
                      : QStringLiteral("at a candle's close (%1 before the next open)").arg(before(k));
    };
    const QString label = PriceImporter::intervalLabel(m_intervalMs);
    const QString why = other < 0
        ? QStringLiteral("is neither at a %1 candle's open nor at its close (%2 before the next open) as line %3 "
                         "(%4) is; every row must be stamped the same way")
              .arg(label, before(kind))
              .arg(first.line)
              .arg(CsvValues::formatTime(first.candle.openTimeMs))
        : QStringLiteral("is stamped %1, but line %2 (%3) is stamped %4; every row must be stamped the same way, "
                         "at the open or at the close of its %5 candle")
              .arg(how(other))
              .arg(first.line)
              .arg(CsvValues::formatTime(first.candle.openTimeMs), how(kind), label);
    return failAtTime(differing.line, Time, differing.candle.openTimeMs, why);
}

std::optional<Error> Parser::checkGrid()
{
    // Candles open on their interval's grid (Binance's, and every exchange's).
    // A time off it is most likely a close time or a local time; refusing is
    // better than filing the bar under the wrong day.
    const qint64 grid = gridOf(m_intervalMs);
    for (const Row &row : m_rows) {
        if (row.candle.openTimeMs % grid != 0)
            return offGridError(row.line, row.candle.openTimeMs);
    }
    return std::nullopt;
}

bool Parser::skipsNewest(qint64 openTimeMs) const
{
    using LastCandle = ImportOptions::LastCandle;
    if (m_options.lastCandle != LastCandle::Detect)
        return m_options.lastCandle == LastCandle::Skip;
    const qint64 now = m_options.nowMs != 0 ? m_options.nowMs : QDateTime::currentMSecsSinceEpoch();
    return openTimeMs + m_intervalMs > now || m_detection.layout == CsvLayout::PlainOhlcv;
}

Error Parser::onlyCandleUnfinished(qint64 openTimeMs) const
{
    return fail(QStringLiteral("import.empty"),
                QStringLiteral("the only candle (%1) may still have been running when the file was written; "
                               "nothing to import (--keep-last to import it anyway)")
                    .arg(CsvValues::formatTime(openTimeMs)));
}

Error Parser::offGridError(int line, qint64 openTimeMs) const
{
    return failAtTime(line, Time, openTimeMs,
                      QStringLiteral("is not the open time of a %1 candle (they open at multiples of %2 "
                                     "since 1970-01-01 00:00 UTC); is it a close time or a local time?")
                          .arg(PriceImporter::intervalLabel(m_intervalMs), describeMs(gridOf(m_intervalMs))));
}

std::pair<bool, std::size_t> Parser::scanText(const Release &release, bool countLines) const
{
    bool hasNul = false;
    std::size_t lines = 0;
    for (std::size_t at = 0; at < m_data.size(); at += kReleaseBytes) {
        const std::string_view part = m_data.substr(at, kReleaseBytes);
        hasNul = hasNul || part.find('\0') != std::string_view::npos;
        if (countLines)
            lines += static_cast<std::size_t>(std::count(part.begin(), part.end(), '\n'));
        if (release)
            release(at, at + part.size());
    }
    return {hasNul, lines};
}

void Parser::releaseBefore(std::string_view line, std::size_t &released, const Release &release) const
{
    const auto done = static_cast<std::size_t>(line.data() - m_data.data());
    if (release && done - released >= kReleaseBytes) {
        release(released, done);
        released = done;
    }
}

std::optional<Error> Parser::readRowThenPair(std::string_view line, int lineNo, std::vector<std::string_view> &fields)
{
    if (auto error = readRow(line, lineNo, fields))
        return error;
    // Settled once the first row with prices is read (its symbol read too); a
    // null row does not count, so a file of null rows is refused as before
    // for having no prices.
    if (m_pairChecked || m_rows.empty())
        return std::nullopt;
    m_pairChecked = true;
    PriceSeries pair;
    return settlePair(pair);
}

std::optional<Error> Parser::settlePair(PriceSeries &series)
{
    Pair pair{m_options.asset.trimmed().toUpper(), m_options.quote.trimmed().toUpper()};
    std::optional<Pair> fromContent;
    if (!m_symbol.empty())
        fromContent = splitSymbol(QString::fromUtf8(m_symbol.data(), static_cast<qsizetype>(m_symbol.size())));
    const std::optional<Pair> fromName = pairFromFileName(m_file);
    for (const std::optional<Pair> &source : {fromContent, fromName}) {
        if (!source)
            continue;
        if (pair.asset.isEmpty())
            pair.asset = source->asset;
        if (pair.quote.isEmpty())
            pair.quote = source->quote;
    }
    if (pair.asset.isEmpty()) {
        return fail(QStringLiteral("import.asset"),
                    QStringLiteral("cannot tell which asset the prices are for (no symbol column, nothing "
                                   "recognisable in the file name); pass --asset and --quote"));
    }
    if (pair.quote.isEmpty()) {
        return fail(
            QStringLiteral("import.asset"),
            QStringLiteral("cannot tell which currency the prices of %1 are quoted in; pass --quote").arg(pair.asset));
    }
    series.asset = pair.asset;
    series.quote = pair.quote;
    return std::nullopt;
}

std::optional<Error> Parser::readHead(const Release &release, bool reserveAll, CsvSplitter &splitter,
                                      std::vector<std::string_view> &fields, NulScan *scan)
{
    // Before any field is read: a wide encoding or a binary file would
    // otherwise show up as a garbled header or a value that "is not a number".
    if (auto encoding = wideEncoding(m_data)) {
        return fail(
            QStringLiteral("import.encoding"),
            QStringLiteral("the file is %1 encoded; save it as UTF-8 (or ASCII) and import again").arg(*encoding));
    }
    // With @p reserveAll the lines are for the reservation: one row per line
    // saves regrowth of a million-row vector. With @p scan the text is looked
    // at as it is read instead.
    std::size_t lines = 0;
    if (scan) {
        if (!scan->clean(std::min(m_data.size(), NulScan::kPartBytes)))
            return nulError();
    } else {
        const auto [hasNul, counted] = scanText(release, reserveAll);
        if (hasNul)
            return nulError();
        lines = counted;
    }
    std::string_view pending;
    int pendingLine = 0;
    if (auto error = detect(splitter, pending, pendingLine))
        return scan ? nulFirst(*error) : *error;

    // A row takes at least 16 bytes of text.
    m_rows.reserve(reserveAll ? lines + 1 : std::min(m_runRows, m_data.size() / 16 + 1));
    fields.reserve(16);
    if (pendingLine != 0) {
        ++m_report.rowsRead;
        if (scan && !scan->clean(splitter.offset()))
            return nulError();
        if (auto error = readRowThenPair(pending, pendingLine, fields))
            return scan ? nulFirst(*error) : *error;
    }
    return std::nullopt;
}

std::optional<Error> Parser::nulError() const
{
    const auto nul = firstNul(m_data);
    if (!nul)
        return std::nullopt;
    return fail(QStringLiteral("import.binary"),
                QStringLiteral("contains a NUL byte (0x00) at line %1, column %2; the file is not text")
                    .arg(nul->first)
                    .arg(nul->second));
}

Error Parser::nulFirst(Error error) const
{
    auto nul = nulError();
    return nul ? *nul : std::move(error);
}

std::optional<Error> Parser::readLines(CsvSplitter &splitter, std::size_t end, const Release &release,
                                       std::size_t released, const std::function<bool()> &full,
                                       const std::atomic<bool> *stop, NulScan *scan)
{
    std::vector<std::string_view> fields;
    fields.reserve(16);
    std::string_view line;
    while (splitter.offset() < end && splitter.nextLine(line)) {
        if (scan && !scan->clean(splitter.offset()))
            return nulError();
        if (isBlank(line))
            continue;
        ++m_report.rowsRead;
        if (auto error = readRowThenPair(line, splitter.lineNumber(), fields))
            return scan ? nulFirst(*error) : *error;
        releaseBefore(line, released, release);
        if (full && m_rows.size() >= m_runRows && !full())
            return std::nullopt;
        if (stop && stop->load(std::memory_order_relaxed))
            return std::nullopt;
    }
    return std::nullopt;
}

std::optional<Error> Parser::noPrices() const
{
    if (m_pricedRows > 0)
        return std::nullopt;
    if (!m_report.nullRows.isEmpty())
        return fail(QStringLiteral("import.empty"), QStringLiteral("every row is null; no prices to import"));
    return fail(QStringLiteral("import.empty"), QStringLiteral("no price rows after the header"));
}

std::optional<Error> Parser::readRows(const Release &release, const std::function<bool()> &full)
{
    CsvSplitter splitter(m_data);
    std::vector<std::string_view> fields;
    // Read whole (run()), the lines are counted first anyway for the
    // reservation; in runs (runSorted()), the text is looked at as it is read.
    NulScan scan(m_data, 0);
    NulScan *const scanning = full ? &scan : nullptr;
    if (auto error = readHead(release, !full, splitter, fields, scanning))
        return error;
    if (auto error = readLines(splitter, m_data.size(), release, 0, full, nullptr, scanning))
        return error;
    return noPrices();
}

std::optional<Error> Parser::readRowsInTwo(const Release &release, const std::function<bool()> &full, SortedRuns &runs,
                                           bool &spilled)
{
    CsvSplitter splitter(m_data);
    std::vector<std::string_view> fields;
    NulScan scan(m_data, 0);
    if (auto error = readHead(release, false, splitter, fields, &scan))
        return error;
    // The second half starts at the first line that starts in the second
    // half of the text.
    const char lineEnd = splitter.lineEnd();
    const std::size_t start = splitter.offset();
    std::size_t split = std::max(start, m_data.size() / 2);
    if (split > start && m_data[split - 1] != lineEnd) {
        const std::size_t found = m_data.find(lineEnd, split);
        split = found == std::string_view::npos ? m_data.size() : found + 1;
    }
    if (split >= m_data.size()) {
        if (auto error = readLines(splitter, m_data.size(), release, 0, full, nullptr, &scan))
            return error;
        return noPrices();
    }

    Parser tail(m_data, m_file, m_options);
    tail.m_detection = m_detection;
    tail.m_runRows = m_runRows;
    tail.m_pairChecked = true; // joinTail() settles it when this half has no prices
    tail.m_rows.reserve(m_rows.capacity());
    std::atomic<bool> stop{false};
    std::optional<Error> tailError;
    int tailErrorLine = 0;
    bool tailFailed = false; // out of memory on the second thread
    const int firstLine = splitter.lineNumber();
    const auto readTail = [&] {
        try {
            // Its lines are numbered on from those before it, counted with
            // pread() into a small buffer where the file's descriptor is
            // known (through the mapping every page is faulted in, and the
            // first half's thread faults it in again), else through the
            // mapping a part at a time, each part's pages handed back after:
            // counted whole, the first half would stay in memory until its
            // thread reads it (25 MB more at the peak for a 62 MB file).
            std::ptrdiff_t before = 0;
            std::size_t counted = start;
            if (const auto lines = countLines(m_descriptor, start, split, lineEnd, stop)) {
                before = static_cast<std::ptrdiff_t>(*lines);
                counted = split;
            }
            for (std::size_t at = counted; at < split; at += kReleaseBytes) {
                if (stop.load(std::memory_order_relaxed))
                    return; // the first half was refused
                const std::string_view part = m_data.substr(at, std::min(kReleaseBytes, split - at));
                before += std::count(part.begin(), part.end(), lineEnd);
                if (release)
                    release(at, at + part.size());
            }
            CsvSplitter rest(m_data);
            rest.seek(split, firstLine + static_cast<int>(before));
            int tailRuns = 0;
            const auto tailFull = [&] {
                ++tailRuns;
                return spilled = runs.spill(tail.m_rows);
            };
            NulScan tailScan(m_data, split);
            tailError = tail.readLines(rest, m_data.size(), release, split, tailFull, &stop, &tailScan);
            if (tailError)
                tailErrorLine = rest.lineNumber();
            else if (tailRuns > 0 && spilled && !stop.load(std::memory_order_relaxed))
                spilled = runs.spill(tail.m_rows); // see the first half's last rows below
        } catch (const std::exception &) {
            tailFailed = true;
        }
    };
    std::thread second;
    try {
        second = std::thread(readTail);
        m_report.sortReaders = 2;
    } catch (const std::system_error &) {
        readTail(); // no thread: the halves one after the other
    }
    // Stops and joins the second thread however this scope is left.
    struct Join
    {
        std::atomic<bool> &stop;
        std::thread &thread;
        ~Join()
        {
            stop = true;
            if (thread.joinable())
                thread.join();
        }
    } join{stop, second};
    int headRuns = 0;
    const std::function<bool()> headFull = [&] {
        ++headRuns;
        return full();
    };
    if (auto error = readLines(splitter, split, release, 0, headFull, nullptr, &scan))
        return error; // the first in the file (or a NUL byte anywhere)
    // A run of this half could not be written out (@p full said so): the
    // caller reads the file whole, which words what the rest holds.
    if (splitter.offset() < split)
        return std::nullopt;
    // A half that wrote runs (so there is a temporary file) writes its last
    // rows as a run of its own on its own thread: sorted and written together
    // after the join, those of both halves took 25 ms of one thread with the
    // other idle (1 M shuffled rows). A half that wrote none leaves its rows
    // for the last run, which stays in memory when it is the only one.
    if (headRuns > 0 && !full())
        return std::nullopt;
    if (second.joinable())
        second.join();
    // Nor one of the second half's (it stopped without a refusal), or its
    // thread ran out of memory.
    if (tailFailed || !spilled) {
        spilled = false; // read whole, where running out of memory is the caller's to meet
        return std::nullopt;
    }
    if (tailError && tailError->code == QLatin1String("import.binary"))
        return tailError; // a NUL byte comes before every other refusal
    if (auto error = joinTail(tail, std::move(tailError), tailErrorLine))
        return error;
    // The second half's last rows go with the first half's into the last run.
    m_rows.insert(m_rows.end(), tail.m_rows.begin(), tail.m_rows.end());
    return noPrices();
}

std::optional<Error> Parser::joinTail(Parser &tail, std::optional<Error> tailError, int tailErrorLine)
{
    // What a reading in one go would have met first, from the second half
    // on (the second half's reading stopped at its first refusal, so all it
    // saw comes before that): a refusal that depends on the first half (the
    // pair, settled at the first row with prices; a symbol unlike the first
    // half's, named against the file's first), else its own.
    if (m_pricedRows == 0 && tail.m_firstPricedLine != 0) {
        m_symbol = tail.m_symbol;
        m_symbolLine = tail.m_symbolLine;
        m_pairChecked = true;
        PriceSeries pair;
        if (auto error = settlePair(pair))
            return error;
    }
    if (m_symbolLine != 0 && tail.m_symbolLine != 0 && tail.m_symbol != m_symbol)
        return symbolDiffers(tail.m_symbolLine, tail.m_symbolText, m_symbolLine);
    if (tailError && m_symbolLine != 0 && tail.m_symbolDiffers.first == tailErrorLine)
        return symbolDiffers(tailErrorLine, tail.m_symbolDiffers.second, m_symbolLine);
    if (tailError)
        return tailError;

    m_report.rowsRead += tail.m_report.rowsRead;
    m_report.nullRows.append(tail.m_report.nullRows);
    m_report.dateMismatches.append(tail.m_report.dateMismatches);
    for (const auto &[span, count] : tail.m_closeSpans)
        m_closeSpans[span] += count;
    if (tail.m_pricedRows > 0) {
        if (m_pricedRows == 0) {
            m_firstTime = tail.m_firstTime;
            m_firstPricedLine = tail.m_firstPricedLine;
        }
        m_lastTime = tail.m_lastTime;
        m_pricedRows += tail.m_pricedRows;
    }
    if (m_symbolLine == 0 && tail.m_symbolLine != 0) {
        m_symbol = tail.m_symbol;
        m_symbolLine = tail.m_symbolLine;
        m_symbolText = tail.m_symbolText;
    }
    return std::nullopt;
}

Result<PriceSeries> Parser::run(const Release &release)
{
    if (auto error = readRows(release, {}))
        return *error;

    // The newer write wins a conflict: exports grow at their newest end, so
    // that is the earlier line in a newest-first file and the later line in an
    // oldest-first one.
    const bool newestFirst = m_firstTime > m_lastTime;
    for (Row &row : m_rows)
        row.preference = newestFirst ? -row.line : row.line;
    if (m_detection.layout == CsvLayout::CoinGecko) {
        std::vector<Row> sorted = m_rows;
        std::sort(sorted.begin(), sorted.end(),
                  [](const Row &a, const Row &b) { return a.candle.openTimeMs < b.candle.openTimeMs; });
        snapToGrid(dominantSpacing(sorted));
    }
    orderAndDeduplicate();
    if (auto error = settleInterval(m_rows.size() >= 2 ? dominantSpacing(m_rows) : 0))
        return *error;
    if (auto error = settleStamps())
        return *error;
    if (auto error = checkGrid())
        return *error;

    const Row &newest = m_rows.back();
    if (skipsNewest(newest.candle.openTimeMs)) {
        m_report.unfinishedSkippedMs = newest.candle.openTimeMs;
        m_rows.pop_back();
        if (m_rows.empty())
            return onlyCandleUnfinished(*m_report.unfinishedSkippedMs);
    }

    for (std::size_t i = 1; i < m_rows.size(); ++i) {
        const qint64 previous = m_rows[i - 1].candle.openTimeMs;
        const qint64 step = m_rows[i].candle.openTimeMs - previous;
        if (step > m_intervalMs && step / m_intervalMs > 1) {
            const int missing = static_cast<int>(step / m_intervalMs - 1);
            m_report.gaps.append(
                PriceGap{previous + m_intervalMs, previous + static_cast<qint64>(missing) * m_intervalMs, missing});
        }
    }

    PriceSeries series;
    if (auto error = settlePair(series))
        return *error;
    series.interval = PriceImporter::intervalLabel(m_intervalMs);
    series.layout = m_detection.layout;
    series.file = m_file;
    series.candles.reserve(static_cast<qsizetype>(m_rows.size()));
    for (const Row &row : m_rows)
        series.candles.append(row.candle);

    m_report.file = m_file;
    m_report.layout = series.layout;
    m_report.asset = series.asset;
    m_report.quote = series.quote;
    m_report.interval = series.interval;
    m_report.candlesStored = static_cast<int>(series.candles.size());
    m_report.firstOpenTimeMs = series.candles.front().openTimeMs;
    m_report.lastOpenTimeMs = series.candles.back().openTimeMs;
    series.report = m_report;
    return series;
}

Result<std::optional<ImportReport>> Parser::stream(const StreamSink &sink, const Release &release)
{
    m_stream.sink = &sink;
    // run()'s checks of the text first; it words the refusal. NUL bytes are
    // looked for as the text is read (NulScan): a file that turns out not
    // to stream a few rows in (a shuffled one) is not read to its end first.
    if (wideEncoding(m_data))
        return readWhole();
    NulScan scan(m_data, 0);
    if (!scan.clean(std::min(m_data.size(), NulScan::kPartBytes)))
        return readWhole();
    CsvSplitter splitter(m_data);
    std::string_view pending;
    int pendingLine = 0;
    if (detect(splitter, pending, pendingLine) || m_detection.layout == CsvLayout::CoinGecko)
        return readWhole();

    m_rows.reserve(kStreamChunkRows);
    m_stream.pending.reserve(kStreamWriteRows);
    std::vector<std::string_view> fields;
    fields.reserve(16);
    // A row's refusal is the import's unless the text holds a NUL byte.
    const auto refused = [this](Error error) -> Result<std::optional<ImportReport>> {
        if (firstNul(m_data))
            return readWhole();
        return error;
    };
    if (pendingLine != 0) {
        ++m_report.rowsRead;
        if (!scan.clean(splitter.offset()))
            return readWhole();
        if (auto error = readRowThenPair(pending, pendingLine, fields))
            return refused(*error);
    }
    std::size_t released = 0;
    std::string_view line;
    while (splitter.nextLine(line)) {
        if (!scan.clean(splitter.offset()))
            return readWhole();
        if (isBlank(line))
            continue;
        ++m_report.rowsRead;
        if (auto error = readRowThenPair(line, splitter.lineNumber(), fields))
            return refused(*error);
        if (m_rows.size() < kStreamChunkRows)
            continue;
        if (!streamRows())
            return readWhole();
        releaseBefore(line, released, release);
    }
    if (!streamRows() || !m_stream.newest)
        return readWhole();

    // The whole file must give the interval the first rows gave.
    const qint64 interval = m_intervalMs;
    if (settleInterval(mostCommonSpacing(m_stream.spacings)) || m_intervalMs != interval)
        return readWhole();

    const domain::Candle newest = *m_stream.newest;
    if (skipsNewest(newest.openTimeMs)) {
        if (!m_stream.lastWritten)
            return readWhole(); // the only candle
        m_report.unfinishedSkippedMs = newest.openTimeMs;
    } else {
        // Beside the last row written when oldest first, the first when newest first.
        if (!streamWrite(newest, m_stream.direction < 0 ? m_stream.firstWritten : m_stream.lastWritten))
            return readWhole();
    }
    if (!m_stream.pending.empty() && !sink(m_stream.key, m_stream.pending))
        return readWhole();
    std::sort(m_report.gaps.begin(), m_report.gaps.end(),
              [](const PriceGap &a, const PriceGap &b) { return a.firstMissingMs < b.firstMissingMs; });

    if (m_stream.stampKind && *m_stream.stampKind > 0) {
        const qint64 shift = *m_stream.stampKind - m_intervalMs;
        m_report.closeStamps = CloseStamps{-shift};
        for (NullRow &row : m_report.nullRows)
            row.openTimeMs += shift;
    }
    m_report.file = m_file;
    m_report.layout = m_detection.layout;
    m_report.interval = PriceImporter::intervalLabel(m_intervalMs);
    m_report.candlesStored = static_cast<int>(m_stream.handed);
    m_report.firstOpenTimeMs = m_stream.oldestMs;
    m_report.lastOpenTimeMs = m_stream.newestMs;
    return std::optional<ImportReport>(m_report);
}

Result<std::optional<ImportReport>> Parser::runSorted(const StreamSink &sink, const Release &release, bool settleFirst,
                                                      bool *missed)
{
    // CoinGecko's snapshots are moved onto their bar by the spacing of the
    // whole file (run() does it); its files hold a row a day.
    {
        CsvSplitter splitter(m_data);
        std::string_view pending;
        int pendingLine = 0;
        if (!detect(splitter, pending, pendingLine) && m_detection.layout == CsvLayout::CoinGecko)
            return readWhole();
    }
    SortedRuns runs;
    // Read in one (a file of up to 4 MB), each full run is sorted and
    // written out on a second thread while the next one is read (the
    // writer's thread has nothing to do until the merge): two runs in memory
    // instead of one. Declared after what it uses, so that leaving early
    // waits for it before they go.
    std::vector<Row> spilled;
    std::future<bool> spilling;
    const auto spilledWell = [&spilling] { return !spilling.valid() || spilling.get(); };
    bool written = true;
    const auto full = [&] {
        if (!(written = spilledWell()))
            return false;
        std::swap(spilled, m_rows); // spill() left the other one empty
        m_rows.reserve(spilled.size());
        // This runs on the import's reader thread, where an exception would
        // end the program: a spill that throws (out of memory) is a spill
        // that failed, and one that gets no thread runs here.
        const auto spill = [&runs, &spilled] {
            try {
                return runs.spill(spilled);
            } catch (const std::exception &) {
                return false;
            }
        };
        try {
            spilling = std::async(std::launch::async, spill);
        } catch (const std::system_error &) {
            std::promise<bool> done;
            done.set_value(spill());
            spilling = done.get_future();
        }
        return true;
    };
    // A large file is read on two threads, each half into runs of its own.
    bool tailSpilled = true;
    m_report.sortReaders = 1;
    const bool inTwo =
        m_data.size() >= m_runRows * kTwoReadersBytesPerRunRow && std::thread::hardware_concurrency() > 1;
    // Read in two, each half's thread sorts and writes out its own runs: a
    // third thread spilling the first half's took the cores from both
    // halves alike, the second half (which first counts the lines before
    // it) came in last and the import took 5 % longer.
    const auto spillHere = [&] {
        try {
            return written = runs.spill(m_rows);
        } catch (const std::exception &) {
            return written = false;
        }
    };
    if (auto error = inTwo ? readRowsInTwo(release, spillHere, runs, tailSpilled) : readRows(release, full))
        return *error;
    written = spilledWell() && written;
    if (!written || !tailSpilled || !runs.finish(m_rows))
        return readWhole();

    // The rows come back merged in time order; among rows of one open time
    // the newer write is kept (the first line in a newest-first file, the
    // last in an oldest-first one), the rule of orderAndDeduplicate().
    const bool newestFirst = m_firstTime > m_lastTime;
    std::vector<Row> group; // rows of one open time, in line order
    // Calls visit(kept, group) for each open time until it returns false.
    const auto eachKept = [&runs, &group, newestFirst](auto &&visit) {
        bool more = true;
        const auto flush = [&] {
            if (!group.empty())
                more = visit(newestFirst ? group.front() : group.back(), group);
            group.clear();
        };
        const bool read = runs.merge([&](const Row &row) {
            if (!group.empty() && group.front().candle.openTimeMs != row.candle.openTimeMs)
                flush();
            group.push_back(row);
            return more;
        });
        if (more)
            flush();
        return read;
    };

    // What the whole merge tells: the duplicates, the spacings that settle
    // the interval (settleInterval()), the kept row earliest in the file
    // (whose stamp every row must share) and the newest.
    SpacingCounts spacings;
    qint64 candles = 0;
    Row firstLine; // the kept row earliest in the file
    Row newest; // the kept row latest in time
    const auto account = [&](const Row &kept, const std::vector<Row> &rows) {
        for (const Row &row : rows) {
            if (&row == &kept)
                continue;
            if (row.candle == kept.candle)
                ++m_report.exactDuplicates;
            else
                m_report.conflicts.append(DuplicateConflict{kept.candle.openTimeMs, kept.line, row.line});
        }
        if (candles++ > 0)
            ++spacings[kept.candle.openTimeMs - newest.candle.openTimeMs];
        if (candles == 1 || kept.line < firstLine.line)
            firstLine = kept;
        newest = kept;
    };

    // The rules of settleStamps() and checkGrid() for an interval and the
    // stamp of the first line, and the writes: each kept row is handed on
    // when the next one comes, the newest held until it is known whether it
    // may still have been running.
    struct Writing
    {
        qint64 interval = 0;
        qint64 grid = 0;
        qint64 kind = 0; ///< stampKind() every row must share
        qint64 shift = 0; ///< added to a row's time to file it under its open
        std::optional<Row> differing; ///< earliest in the file stamped otherwise
        std::optional<Row> offGrid; ///< earliest in time off the grid
        std::optional<domain::Candle> held; ///< the newest row so far
        bool refused = false; ///< the writer stopped (its error is the import's)
    } writing;
    PriceSeries pair;
    const std::optional<Error> pairRefused = settlePair(pair);
    const auto startWriting = [&](qint64 firstTime) {
        writing.interval = m_intervalMs;
        writing.grid = gridOf(m_intervalMs);
        writing.kind = stampKind(firstTime, writing.grid);
        writing.shift = writing.kind > 0 ? writing.kind - m_intervalMs : 0;
        m_stream.sink = &sink;
        m_stream.key = SeriesKey{pair.asset, pair.quote, PriceImporter::intervalLabel(m_intervalMs)};
    };
    // False when the writer stopped.
    const auto write = [&](const Row &kept) {
        const qint64 time = kept.candle.openTimeMs;
        if (writing.kind >= 0 && stampKind(time, writing.grid) != writing.kind
            && (!writing.differing || kept.line < writing.differing->line))
            writing.differing = kept;
        if (!writing.offGrid && (time + writing.shift) % writing.grid != 0)
            writing.offGrid = kept;
        if (writing.differing || writing.offGrid)
            return true; // read on: the earliest line stamped otherwise is the one named
        if (writing.held && !streamWrite(*writing.held, m_stream.lastWritten)) {
            writing.refused = true;
            return false;
        }
        writing.held = kept.candle;
        writing.held->openTimeMs += writing.shift;
        return true;
    };

    // One merge, written as it goes: the first kept rows (as many as
    // stream() settles the interval from) settle it and the first line's
    // stamp tells the kind, and the end checks both against the whole file.
    // A second merge for the writes only when they cannot be told
    // (settleFirst, or the first rows give no interval); when the whole file
    // gives another interval or another first line's stamp, *missed is set:
    // the rows written are dropped and the file is sorted again with
    // settleFirst. A first merge of its own took 65-70 ms of a shuffled
    // million-row import's 0.95 s, with the writer's thread idle.
    enum class Guess { Gathering, Writing, None };
    Guess guess = settleFirst || pairRefused ? Guess::None : Guess::Gathering;
    std::vector<Row> early; // the first kept rows while gathering
    const auto makeGuess = [&] {
        if (settleInterval(candles >= 2 ? mostCommonSpacing(spacings) : 0)) {
            guess = Guess::None;
            return true;
        }
        guess = Guess::Writing;
        startWriting(m_firstTime);
        for (const Row &row : early) {
            if (!write(row))
                return false;
        }
        early = {};
        return true;
    };
    const bool read = eachKept([&](const Row &kept, const std::vector<Row> &rows) {
        account(kept, rows);
        if (guess == Guess::Writing)
            return write(kept);
        if (guess == Guess::Gathering) {
            early.push_back(kept);
            if (early.size() == kStreamChunkRows)
                return makeGuess();
        }
        return true;
    });
    if (!read || writing.refused || (guess == Guess::Gathering && !makeGuess()))
        return readWhole(); // the temporary file cannot be read back, or the writer stopped
    if (auto error = settleInterval(candles >= 2 ? mostCommonSpacing(spacings) : 0))
        return *error;
    if (pairRefused)
        return *pairRefused;
    if (guess == Guess::Writing
        && (writing.interval != m_intervalMs
            || writing.kind != stampKind(firstLine.candle.openTimeMs, gridOf(m_intervalMs)))) {
        if (missed)
            *missed = true;
        return readWhole();
    }
    m_report.sortMerges = 1;
    if (guess != Guess::Writing) {
        m_report.sortMerges = 2;
        startWriting(firstLine.candle.openTimeMs);
        if (!eachKept([&](const Row &kept, const std::vector<Row> &) { return write(kept); }) || writing.refused)
            return readWhole();
    }

    const qint64 newestOpen = newest.candle.openTimeMs + writing.shift;
    const bool skipNewest = skipsNewest(newestOpen);
    if (writing.differing) {
        const qint64 other = stampKind(writing.differing->candle.openTimeMs, writing.grid);
        if (writing.kind != 0 || other >= 0)
            return stampsDiffer(firstLine, *writing.differing, writing.kind, other);
    }
    if (writing.offGrid)
        return offGridError(writing.offGrid->line, writing.offGrid->candle.openTimeMs + writing.shift);
    if (skipNewest && candles == 1)
        return onlyCandleUnfinished(newestOpen);
    if (!skipNewest && writing.held && !streamWrite(*writing.held, m_stream.lastWritten))
        return readWhole(); // the writer stopped; its error is the import's
    if (!m_stream.pending.empty() && !sink(m_stream.key, m_stream.pending))
        return readWhole();

    if (skipNewest)
        m_report.unfinishedSkippedMs = newestOpen;
    if (writing.kind > 0) {
        m_report.closeStamps = CloseStamps{-writing.shift};
        for (NullRow &row : m_report.nullRows)
            row.openTimeMs += writing.shift;
    }
    m_report.file = m_file;
    m_report.layout = m_detection.layout;
    m_report.asset = pair.asset;
    m_report.quote = pair.quote;
    m_report.interval = m_stream.key.interval;
    m_report.candlesStored = static_cast<int>(m_stream.handed);
    m_report.firstOpenTimeMs = m_stream.oldestMs;
    m_report.lastOpenTimeMs = m_stream.newestMs;
    m_report.sortedRuns = runs.written();
    return std::optional<ImportReport>(m_report);
}

// Checks the rows read since the last call and writes them, all but the
// newest. False when the file must be read whole.
bool Parser::streamRows()
{
    Stream &s = m_stream;
    for (const Row &row : m_rows) {
        const qint64 time = row.candle.openTimeMs;
        if (s.previous) {
            const qint64 step = time - *s.previous;
            const int direction = step > 0 ? 1 : -1;
            if (step == 0 || (s.direction != 0 && direction != s.direction))
                return false;
            s.direction = direction;
            ++s.spacings[step > 0 ? step : -step];
        }
        s.previous = time;
    }
    if (m_rows.empty())
        return true;
    if (s.key.asset.isEmpty()) {
        // The first rows settle the interval and the pair; stream() checks the
        // interval against the whole file at the end.
        PriceSeries pair;
        if (settleInterval(mostCommonSpacing(s.spacings)) || settlePair(pair))
            return false;
        m_report.asset = pair.asset;
        m_report.quote = pair.quote;
        s.key = SeriesKey{pair.asset, pair.quote, PriceImporter::intervalLabel(m_intervalMs)};
    }
    // The rules of settleStamps() and checkGrid(): every row on the grid, or
    // every row stamped at its close (filed under the candle's open).
    const qint64 grid = gridOf(m_intervalMs);
    for (const Row &row : m_rows) {
        const qint64 kind = stampKind(row.candle.openTimeMs, grid);
        if (!s.stampKind)
            s.stampKind = kind;
        if (kind < 0 || kind != *s.stampKind)
            return false;
        domain::Candle candle = row.candle;
        if (kind > 0)
            candle.openTimeMs += kind - m_intervalMs;
        if (!s.newest) {
            s.newest = candle; // the first row: the newest so far either way
        } else if (s.direction > 0) {
            if (!streamWrite(*s.newest, s.lastWritten))
                return false;
            s.newest = candle;
        } else if (!streamWrite(candle, s.lastWritten)) {
            return false;
        }
    }
    m_rows.clear();
    return true;
}

// Queues @p candle for the sink; @p adjacent is the open time of the written
// row next to it in time, between which a gap is reported. False when the sink
// stopped the reading.
bool Parser::streamWrite(const domain::Candle &candle, std::optional<qint64> adjacent)
{
    Stream &s = m_stream;
    const qint64 time = candle.openTimeMs;
    if (adjacent) {
        const qint64 older = std::min(time, *adjacent);
        const qint64 step = std::max(time, *adjacent) - older;
        if (step > m_intervalMs && step / m_intervalMs > 1) {
            const int missing = static_cast<int>(step / m_intervalMs - 1);
            m_report.gaps.append(
                PriceGap{older + m_intervalMs, older + static_cast<qint64>(missing) * m_intervalMs, missing});
        }
    }
    if (!s.firstWritten) {
        s.firstWritten = time;
        s.oldestMs = time;
        s.newestMs = time;
    }
    s.oldestMs = std::min(s.oldestMs, time);
    s.newestMs = std::max(s.newestMs, time);
    s.lastWritten = time;
    s.pending.push_back(candle);
    ++s.handed;
    if (s.pending.size() < kStreamWriteRows)
        return true;
    return (*s.sink)(s.key, s.pending);
}

// Hands the pages of a read-only file mapping between @p from and @p upTo
// back to the system: they count towards the process's memory until then.
// Only whole pages: the one @p from or @p upTo falls in stays.
void releasePages(uchar *mapped, std::size_t from, std::size_t upTo)
{
#ifdef Q_OS_UNIX
    static const auto page = static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
    const std::size_t first = (from + page - 1) / page * page;
    const std::size_t last = upTo / page * page;
    if (last > first)
        madvise(mapped + first, last - first, MADV_DONTNEED);
#else
    Q_UNUSED(mapped);
    Q_UNUSED(from);
    Q_UNUSED(upTo);
#endif
}

} // namespace

qint64 PriceImporter::intervalMs(const QString &interval)
{
    for (const IntervalInfo &info : kIntervals) {
        if (interval == QLatin1String(info.label))
            return info.ms;
    }
    return 0;
}

QString PriceImporter::intervalLabel(qint64 ms)
{
    for (const IntervalInfo &info : kIntervals) {
        if (info.ms == ms)
            return QString::fromLatin1(info.label);
    }
    return {};
}

Result<PriceSeries> PriceImporter::parse(const QByteArray &data, const QString &fileName, const ImportOptions &options)
{
    Parser parser(std::string_view(data.constData(), static_cast<std::size_t>(data.size())), fileName, options);
    return parser.run();
}

Result<PriceSeries> PriceImporter::readFile(const QString &path, const ImportOptions &options)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        return makeError(QStringLiteral("import.io"),
                         QStringLiteral("%1: cannot open: %2").arg(QDir::toNativeSeparators(path), file.errorString()));
    }
    const qint64 size = file.size();
    if (size == 0)
        return parse(QByteArray(), path, options);
    // Mapped rather than read: a million-row file is parsed in place, no copy.
    if (uchar *mapped = file.map(0, size)) {
        // The pages read are handed back as the parse passes them: they count
        // in the resident set until then.
        Parser parser(std::string_view(reinterpret_cast<const char *>(mapped), static_cast<std::size_t>(size)), path,
                      options);
        auto result = parser.run([mapped](std::size_t from, std::size_t upTo) { releasePages(mapped, from, upTo); });
        file.unmap(mapped);
        return result;
    }
    const QByteArray data = file.readAll();
    if (file.error() != QFileDevice::NoError) {
        return makeError(QStringLiteral("import.io"),
                         QStringLiteral("%1: cannot read: %2").arg(QDir::toNativeSeparators(path), file.errorString()));
    }
    return parse(data, path, options);
}

Result<std::optional<ImportReport>> detail::streamMapped(uchar *mapped, std::size_t size, const QString &path,
                                                         const ImportOptions &options, const StreamSink &sink,
                                                         StreamOrder order, bool *sortAgain, int descriptor)
{
    const std::string_view data(reinterpret_cast<const char *>(mapped), size);
    const Release release = [mapped](std::size_t from, std::size_t upTo) { releasePages(mapped, from, upTo); };
    Parser parser(data, path, options);
    parser.setDescriptor(descriptor);
    if (order == StreamOrder::AsWritten)
        return parser.stream(sink, release);
    return parser.runSorted(sink, release, order == StreamOrder::SortedSettledFirst, sortAgain);
}

} // namespace ballast::market
