#include "backtest/closeparser.h"

#include "market/candlegrid.h"
#include "market/csvvalues.h"
#include "market/priceimporter.h"

#include <QByteArray>

#include <array>
#include <bit>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <map>
#include <optional>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace ballast::backtest {

namespace {

constexpr int kProbeLines = 4; // the header and three rows
constexpr std::size_t kMaxRuns = 4096; // more gaps than this: the importer counts the spacing

bool isDigit(char c)
{
    return c >= '0' && c <= '9';
}

// Up to this length a plain decimal can neither overflow nor underflow a double
// (at most 10^300, at least 10^-299), so its sign and digits alone tell
// whether the importer would take it as a price above zero.
constexpr std::size_t kShortNumber = 300;

bool equalsLower(std::string_view text, std::string_view lower)
{
    text = market::CsvValues::trimmed(text);
    if (text.size() != lower.size())
        return false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i] >= 'A' && text[i] <= 'Z' ? static_cast<char>(text[i] - 'A' + 'a') : text[i];
        if (c != lower[i])
            return false;
    }
    return true;
}

/// What scanNumber found: a plain decimal's text between spaces.
struct Number
{
    const char *first = nullptr; ///< the sign or first digit
    const char *last = nullptr; ///< one past the last digit
    bool plain = false; ///< an optional sign, digits with at most one dot
    bool negative = false;
    bool nonZero = false; ///< a digit other than 0
};

#if defined(__SSE2__)
/// Bit i set where byte i of @p v lies in [@p low, @p high] (ASCII bounds:
/// bytes from 0x80 up compare as negative and fall outside).
inline unsigned bytesIn(__m128i v, char low, char high)
{
    const __m128i above = _mm_cmpgt_epi8(v, _mm_set1_epi8(static_cast<char>(low - 1)));
    const __m128i below = _mm_cmplt_epi8(v, _mm_set1_epi8(static_cast<char>(high + 1)));
    return static_cast<unsigned>(_mm_movemask_epi8(_mm_and_si128(above, below)));
}

inline unsigned bytesEqual(__m128i v, char c)
{
    return static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8(c))));
}
#endif

/// The first comma or line feed from @p p, or @p end.
const char *fieldEnd(const char *p, const char *end)
{
#if defined(__SSE2__)
    while (end - p >= 16) {
        const __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i *>(p));
        const unsigned found = bytesEqual(bytes, ',') | bytesEqual(bytes, '\n');
        if (found != 0)
            return p + std::countr_zero(found);
        p += 16;
    }
#endif
    while (p < end && *p != ',' && *p != '\n')
        ++p;
    return p;
}

/// The digits of a plain decimal from @p p: the scan of scanNumber's loops
/// (digits, at most one dot, digits), 16 bytes at a time where 16 bytes are
/// left. Returns where the digits end, or nullptr where the bytewise loops
/// must decide (fewer bytes left, or a second dot).
const char *scanDigitsFast(const char *p, const char *end, bool &anyDigit, bool &nonZero)
{
#if defined(__SSE2__)
    bool dot = false;
    anyDigit = false;
    nonZero = false;
    while (end - p >= 16) {
        const __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i *>(p));
        const unsigned isDigit = bytesIn(bytes, '0', '9');
        const unsigned isDot = bytesEqual(bytes, '.');
        const unsigned stop = ~(isDigit | isDot) & 0xFFFFU;
        const unsigned taken = stop != 0 ? (1U << std::countr_zero(stop)) - 1 : 0xFFFFU;
        const unsigned dots = isDot & taken;
        if (dots != 0) {
            if (dot || (dots & (dots - 1)) != 0)
                return nullptr; // a second dot ends the number: the loops say where
            dot = true;
        }
        anyDigit = anyDigit || (isDigit & taken) != 0;
        nonZero = nonZero || (bytesIn(bytes, '1', '9') & taken) != 0;
        if (stop != 0)
            return p + std::countr_zero(stop);
        p += 16;
    }
#else
    Q_UNUSED(p);
    Q_UNUSED(end);
    Q_UNUSED(anyDigit);
    Q_UNUSED(nonZero);
#endif
    return nullptr;
}

/// Scans a plain decimal from @p p, allowing spaces and tabs around it as the
/// importer trims them; returns where the scan stopped (the separator, or
/// the first byte that does not belong).
const char *scanNumber(const char *p, const char *end, Number &number)
{
    while (p < end && (*p == ' ' || *p == '\t'))
        ++p;
    number = Number{};
    number.first = p;
    if (p < end && (*p == '-' || *p == '+')) {
        number.negative = *p == '-';
        ++p;
    }
    bool anyDigit = false;
    bool nonZero = false;
    if (const char *fast = scanDigitsFast(p, end, anyDigit, nonZero)) {
        p = fast;
    } else {
        anyDigit = false;
        nonZero = false;
        while (p < end && isDigit(*p)) {
            nonZero = nonZero || *p != '0';
            anyDigit = true;
            ++p;
        }
        if (p < end && *p == '.') {
            ++p;
            while (p < end && isDigit(*p)) {
                nonZero = nonZero || *p != '0';
                anyDigit = true;
                ++p;
            }
        }
    }
    number.last = p;
    number.plain = anyDigit && static_cast<std::size_t>(p - number.first) <= kShortNumber;
    number.nonZero = nonZero;
    while (p < end && (*p == ' ' || *p == '\t'))
        ++p;
    return p;
}

/// A price field the importer takes as above zero; stops at its comma.
bool positivePrice(const char *&p, const char *end)
{
    Number number;
    p = scanNumber(p, end, number);
    if (!number.plain || number.negative || !number.nonZero || p == end || *p != ',')
        return false;
    ++p;
    return true;
}

/// The end of a line at @p p: the end of the data, "\n" or "\r\n" (a lone
/// "\r" at the very end too); moves past it.
bool lineEnd(const char *&p, const char *end)
{
    if (p < end && *p == '\r')
        ++p;
    if (p == end)
        return true;
    if (*p != '\n')
        return false;
    ++p;
    return true;
}

/// The open time of a row. Rows of one day share their date, so the exact
/// form "YYYY-MM-DD HH:MM:SS" (or with "T") whose date equals the previous
/// row's reads only the time of day; everything else goes through
/// CsvValues::parseTime, which also checks the date when it changes.
class TimeReader
{
public:
    bool read(std::string_view field, qint64 &ms)
    {
        int hour = 0;
        int minute = 0;
        int second = 0;
        const bool exact = field.size() == 19 && timeOfDay(field, hour, minute, second);
        const qint64 ofDay = hour * 3'600'000LL + minute * 60'000LL + second * 1000LL;
        if (exact && m_known && sameDate(field.data())) {
            ms = m_dayMs + ofDay;
            return true;
        }
        if (!market::CsvValues::parseTime(field, ms, m_why))
            return false;
        m_known = exact && isDigit(field[0]) && (field[4] == '-' || field[4] == '/') && field[7] == field[4];
        if (m_known) {
            std::memcpy(m_date.data(), field.data(), m_date.size());
            m_dayMs = ms - ofDay;
        }
        return true;
    }

private:
    /// The 11 bytes of "YYYY-MM-DD " at @p text equal the remembered ones
    /// (two overlapping 8-byte words, not a call of memcmp per row).
    bool sameDate(const char *text) const
    {
        std::uint64_t a = 0;
        std::uint64_t b = 0;
        std::uint64_t c = 0;
        std::uint64_t d = 0;
        std::memcpy(&a, text, 8);
        std::memcpy(&b, m_date.data(), 8);
        std::memcpy(&c, text + 3, 8);
        std::memcpy(&d, m_date.data() + 3, 8);
        return a == b && c == d;
    }
    static bool twoDigits(std::string_view text, std::size_t at, int limit, int &value)
    {
        if (!isDigit(text[at]) || !isDigit(text[at + 1]))
            return false;
        value = (text[at] - '0') * 10 + (text[at + 1] - '0');
        return value <= limit;
    }
    static bool timeOfDay(std::string_view text, int &hour, int &minute, int &second)
    {
        return (text[10] == ' ' || text[10] == 'T') && text[13] == ':' && text[16] == ':'
            && twoDigits(text, 11, 23, hour) && twoDigits(text, 14, 59, minute) && twoDigits(text, 17, 59, second);
    }

    std::array<char, 11> m_date{}; ///< "YYYY-MM-DD" and the separator
    qint64 m_dayMs = 0;
    bool m_known = false;
    QString m_why; ///< set only on a failure, which ends the one pass
};

/// Splits a line at commas into exactly @p N fields; false for any other count.
template<std::size_t N>
bool splitExactly(std::string_view line, std::array<std::string_view, N> &fields)
{
    std::size_t start = 0;
    for (std::size_t f = 0; f + 1 < N; ++f) {
        const std::size_t comma = line.find(',', start);
        if (comma == std::string_view::npos)
            return false;
        fields[f] = line.substr(start, comma - start);
        start = comma + 1;
    }
    fields[N - 1] = line.substr(start);
    return fields[N - 1].find(',') == std::string_view::npos;
}

/// Takes lines off the front of @p rest (without their line ends).
bool nextLine(std::string_view &rest, std::string_view &line)
{
    if (rest.empty())
        return false;
    const std::size_t end = rest.find('\n');
    line = rest.substr(0, end);
    rest = end == std::string_view::npos ? std::string_view() : rest.substr(end + 1);
    if (!line.empty() && line.back() == '\r')
        line.remove_suffix(1);
    return true;
}

CloseSeries fromImported(const market::PriceSeries &series)
{
    CloseSeries out;
    out.asset = series.asset;
    out.quote = series.quote;
    out.interval = series.interval;
    out.intervalMs = market::PriceImporter::intervalMs(series.interval);
    out.closes.reserve(static_cast<std::size_t>(series.candles.size()));
    for (const domain::Candle &candle : series.candles) {
        out.appendTime(candle.openTimeMs);
        out.closes.push_back(candle.close);
    }
    return out;
}

/// The importer's interval rule for a file without close times: the most
/// common spacing, the smaller on a tie; 0 when there is none.
qint64 dominantSpacing(const std::vector<TimeRun> &runs)
{
    std::map<qint64, std::size_t> counts;
    for (std::size_t r = 0; r < runs.size(); ++r) {
        if (runs[r].count >= 2)
            counts[runs[r].step] += runs[r].count - 1;
        if (r > 0)
            ++counts[runs[r].start - runs[r - 1].last()];
    }
    qint64 best = 0;
    std::size_t bestCount = 0;
    for (const auto &[spacing, count] : counts) { // ascending: the smaller wins a tie
        if (count > bestCount) {
            best = spacing;
            bestCount = count;
        }
    }
    return best;
}

/// The one pass over a plain OHLCV file whose header and first rows the
/// importer has read as @p probe; nothing when the importer must read it.
std::optional<CloseSeries> onePass(std::string_view data, const market::PriceSeries &probe,
                                   const market::ImportOptions &options)
{
    std::string_view rest = data;
    if (rest.starts_with("\xEF\xBB\xBF"))
        rest.remove_prefix(3);
    std::string_view header;
    std::array<std::string_view, 6> fields;
    // The header must be the first line, exactly the plain OHLCV one.
    if (!nextLine(rest, header) || header.find('"') != std::string_view::npos || !splitExactly(header, fields))
        return std::nullopt;
    static constexpr std::array<std::string_view, 6> kNames{"timestamp", "open", "high", "low", "close", "volume"};
    for (std::size_t i = 0; i < fields.size(); ++i) {
        if (!equalsLower(fields[i], kNames[i]))
            return std::nullopt;
    }

    CloseSeries series;
    // About one row per 40 bytes; a slight over-reservation beats regrowth.
    series.closes.reserve(rest.size() / 40 + 16);
    // The closes' pages are mapped in ahead of the rows, 256 KiB at a time.
    constexpr std::size_t kAhead = std::size_t{256} * 1024 / sizeof(double);
    std::size_t mappedUpTo = 0;
    qint64 previous = 0;
    TimeReader times;
    const char *p = rest.data();
    const char *end = p + rest.size();
    // One scan over each row's bytes; a quote, a seventh column or anything
    // unusual fails a check below and leaves the file to the importer.
    while (p < end) {
        const char *lineStart = p;
        p = fieldEnd(p, end);
        if (p == end || *p == '\n') {
            std::string_view line(lineStart, static_cast<std::size_t>(p - lineStart));
            if (!line.empty() && line.back() == '\r')
                line.remove_suffix(1);
            if (!market::CsvValues::trimmed(line).empty())
                return std::nullopt;
            p += p < end ? 1 : 0;
            continue; // the importer skips lines of spaces
        }
        qint64 time = 0;
        if (!times.read(std::string_view(lineStart, static_cast<std::size_t>(p - lineStart)), time))
            return std::nullopt;
        ++p;
        for (int column = 0; column < 3; ++column) { // open, high, low
            if (!positivePrice(p, end))
                return std::nullopt;
        }
        Number close;
        p = scanNumber(p, end, close);
        if (!close.plain || close.negative || !close.nonZero || p == end || *p != ',')
            return std::nullopt;
        ++p;
        double value = 0.0;
        const char *first = close.first + (*close.first == '+' ? 1 : 0);
        if (!plainDecimalValue(first, close.last, value, data.data()) || !(value > 0.0) || !std::isfinite(value))
            return std::nullopt;
        // Volume: empty, null or a decimal not below zero.
        const char *volumeStart = p;
        Number volume;
        p = scanNumber(p, end, volume);
        if (!(volume.plain && !(volume.negative && volume.nonZero)) || !lineEnd(p, end)) {
            p = volumeStart;
            while (p < end && *p != '\n' && *p != ',')
                ++p;
            std::string_view text(volumeStart, static_cast<std::size_t>(p - volumeStart));
            if (!text.empty() && text.back() == '\r')
                text.remove_suffix(1);
            const std::string_view trimmed = market::CsvValues::trimmed(text);
            if (!(trimmed.empty() || market::CsvValues::isNull(trimmed)) || (p < end && *p == ','))
                return std::nullopt;
            p += p < end ? 1 : 0;
        }
        if (!series.closes.empty() && time <= previous)
            return std::nullopt; // duplicates and unordered rows: the importer's rules
        previous = time;
        series.appendTime(time);
        if (series.closes.size() == mappedUpTo) {
            const std::size_t upTo = std::min(series.closes.capacity(), mappedUpTo + kAhead);
            prefaultForWrite(series.closes.data() + mappedUpTo, (upTo - mappedUpTo) * sizeof(double));
            mappedUpTo = upTo;
        }
        series.closes.push_back(value);
        if (series.runs.size() > kMaxRuns)
            return std::nullopt;
    }
    if (series.closes.size() < 2)
        return std::nullopt;

    const qint64 interval = dominantSpacing(series.runs);
    const QString label = market::PriceImporter::intervalLabel(interval);
    if (interval <= 0 || label.isEmpty())
        return std::nullopt;
    if (!options.interval.isEmpty() && market::PriceImporter::intervalMs(options.interval) != interval)
        return std::nullopt;
    // The importer's grid rule: every time on the grid, or every time stamped
    // at its candle's close (1 s or 1 ms before the next open), which files the
    // row under the candle that closes there. Anything else is the importer's
    // to word.
    const qint64 grid = market::candlegrid::gridOf(interval);
    const qint64 kind = market::candlegrid::stampKind(series.runs.front().start, grid);
    if (kind < 0)
        return std::nullopt;
    for (const TimeRun &run : series.runs) {
        if (market::candlegrid::stampKind(run.start, grid) != kind || run.step % grid != 0)
            return std::nullopt;
    }
    if (kind > 0) {
        for (TimeRun &run : series.runs)
            run.start += kind - interval;
    }
    series.asset = probe.asset;
    series.quote = probe.quote;
    series.interval = label;
    series.intervalMs = interval;
    // The over-reservation's untouched pages cost no memory, while shrinking
    // copies every close into fresh pages; only a wild overestimate (a file
    // of long rows) is given back.
    if (series.closes.capacity() > 2 * series.closes.size())
        series.closes.shrink_to_fit();
    return series;
}

} // namespace

Result<CloseSeries> CloseParser::parse(std::string_view data, const QString &fileName,
                                       const market::ImportOptions &options, bool *fast)
{
    market::ImportOptions keep = options;
    keep.lastCandle = market::ImportOptions::LastCandle::Keep;
    if (fast)
        *fast = false;

    // The importer reads the header and the first rows: layout, pair and
    // their messages are its own.
    std::size_t probeEnd = 0;
    int lines = 0;
    while (lines < kProbeLines) {
        const std::size_t newline = data.find('\n', probeEnd);
        if (newline == std::string_view::npos) {
            probeEnd = data.size();
            break;
        }
        probeEnd = newline + 1;
        ++lines;
    }
    if (lines == kProbeLines && probeEnd < data.size()) {
        const auto probe = market::PriceImporter::parse(
            QByteArray::fromRawData(data.data(), static_cast<qsizetype>(probeEnd)), fileName, keep);
        if (probe && probe->layout == market::CsvLayout::PlainOhlcv) {
            if (auto series = onePass(data, *probe, options)) {
                if (fast)
                    *fast = true;
                return std::move(*series);
            }
        }
    }
    auto imported = market::PriceImporter::parse(
        QByteArray::fromRawData(data.data(), static_cast<qsizetype>(data.size())), fileName, keep);
    if (!imported)
        return imported.error();
    return fromImported(*imported);
}

namespace {

/// The value of @p count digits (at most 8) ending at @p last, read as one
/// 8-byte word: the bytes before the digits are masked to zero and the
/// digits combined in pairs, fours and eights (three multiplications instead
/// of one per digit).
std::uint64_t eightDigits(const char *last, std::ptrdiff_t count)
{
    std::uint64_t word = 0;
    std::memcpy(&word, last - 8, 8);
    // Little-endian: the first bytes in memory are the low ones. Masked
    // before the subtraction, so no byte before the digits borrows.
    const std::uint64_t digits = count < 8 ? ~std::uint64_t{0} << (8 * (8 - count)) : ~std::uint64_t{0};
    word = (word & digits) - (0x3030303030303030ULL & digits);
    word = word * 10 + (word >> 8);
    word = (((word & 0x000000FF000000FFULL) * (100 + (1000000ULL << 32)))
            + (((word >> 16) & 0x000000FF000000FFULL) * (1 + (10000ULL << 32))))
        >> 32;
    return word;
}

/// The value of the @p count digits ending at @p last (at most 16).
std::uint64_t digitsValue(const char *last, std::ptrdiff_t count)
{
    if (count <= 8)
        return count > 0 ? eightDigits(last, count) : 0;
    return eightDigits(last - 8, count - 8) * 100'000'000ULL + eightDigits(last, 8);
}

} // namespace

bool plainDecimalValue(const char *first, const char *last, double &value, const char *readableFrom)
{
    static constexpr std::array<double, 16> kTens{1e0, 1e1, 1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                                  1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15};
    constexpr std::ptrdiff_t kExactDigits = 15; // 10^15 < 2^53
    constexpr std::ptrdiff_t kWord = 8;
    const std::ptrdiff_t length = last - first;
    if (length > 0 && length <= kExactDigits + 1 && first - readableFrom >= kWord) {
        const void *found = std::memchr(first, '.', static_cast<std::size_t>(length));
        const char *dot = found != nullptr ? static_cast<const char *>(found) : last;
        const std::ptrdiff_t whole = dot - first;
        const std::ptrdiff_t fraction = dot < last ? last - dot - 1 : 0;
        if (whole + fraction > 0 && whole + fraction <= kExactDigits) { // "." alone is from_chars's to refuse
            // Both the digits as an integer and the power of ten are exact
            // doubles, so the one division rounds correctly (Clinger's fast
            // path, which from_chars takes for them too).
            const std::uint64_t digits =
                digitsValue(dot, whole) * static_cast<std::uint64_t>(kTens[static_cast<std::size_t>(fraction)])
                + digitsValue(last, fraction);
            value = fraction > 0 ? static_cast<double>(digits) / kTens[static_cast<std::size_t>(fraction)]
                                 : static_cast<double>(digits);
            return true;
        }
    }
    const auto [ptr, ec] = std::from_chars(first, last, value, std::chars_format::fixed);
    return ec == std::errc() && ptr == last;
}

} // namespace ballast::backtest
