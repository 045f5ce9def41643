#include "market/csvvalues.h"

#include "common/numberparse.h"

#include <QDateTime>
#include <QTimeZone>

#include <charconv>
#include <cmath>

namespace ballast::market {

namespace {

constexpr qint64 kMsPerDay = 86'400'000;

bool isDigit(char c)
{
    return c >= '0' && c <= '9';
}

// Reads exactly @p count digits at @p pos.
bool digits(std::string_view text, std::size_t pos, std::size_t count, int &value)
{
    if (pos + count > text.size())
        return false;
    value = 0;
    for (std::size_t i = pos; i < pos + count; ++i) {
        if (!isDigit(text[i]))
            return false;
        value = value * 10 + (text[i] - '0');
    }
    return true;
}

bool equalsNoCase(std::string_view a, std::string_view b)
{
    if (a.size() != b.size())
        return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        char x = a[i];
        char y = b[i];
        if (x >= 'A' && x <= 'Z')
            x = static_cast<char>(x - 'A' + 'a');
        if (y >= 'A' && y <= 'Z')
            y = static_cast<char>(y - 'A' + 'a');
        if (x != y)
            return false;
    }
    return true;
}

int daysInMonth(int year, int month)
{
    static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    return month == 2 && leap ? 29 : kDays[month - 1];
}

const QString &timeFormats()
{
    static const QString formats =
        QStringLiteral("expected YYYY-MM-DD[ HH:MM[:SS]][ UTC|Z|+HH:MM] or Unix seconds/milliseconds/microseconds");
    return formats;
}

bool parseUnix(std::string_view text, qint64 &ms, QString &why)
{
    std::size_t dot = text.find('.');
    const std::string_view whole = text.substr(0, dot);
    const std::string_view fraction = dot == std::string_view::npos ? std::string_view() : text.substr(dot + 1);
    qint64 value = 0;
    const auto [ptr, ec] = std::from_chars(whole.data(), whole.data() + whole.size(), value);
    if (whole.empty() || ec != std::errc() || ptr != whole.data() + whole.size()) {
        why = QStringLiteral("is not a Unix time this importer can read (%1)").arg(timeFormats());
        return false;
    }
    for (const char c : fraction) {
        if (!isDigit(c)) {
            why = QStringLiteral("is not a number");
            return false;
        }
    }
    if (value < 1'000'000'000) {
        why = QStringLiteral("is too small for Unix time (before 2001-09-09); write dates as YYYY-MM-DD");
        return false;
    }
    if (value < 100'000'000'000) { // seconds; the fraction is kept to the millisecond
        qint64 milli = 0;
        for (std::size_t i = 0; i < 3; ++i)
            milli = milli * 10 + (i < fraction.size() ? fraction[i] - '0' : 0);
        ms = value * 1000 + milli;
    } else if (value < 100'000'000'000'000) {
        ms = value;
    } else if (value < 100'000'000'000'000'000) {
        ms = value / 1000;
    } else {
        ms = value / 1'000'000;
    }
    return true;
}

// Parses an optional zone suffix at @p pos; adds the offset to subtract.
bool parseZone(std::string_view text, std::size_t pos, qint64 &offsetMs)
{
    offsetMs = 0;
    while (pos < text.size() && text[pos] == ' ')
        ++pos;
    const std::string_view rest = text.substr(pos);
    if (rest.empty() || rest == "Z" || equalsNoCase(rest, "UTC") || equalsNoCase(rest, "GMT"))
        return true;
    if (rest[0] != '+' && rest[0] != '-')
        return false;
    const int sign = rest[0] == '-' ? -1 : 1;
    int hours = 0;
    int minutes = 0;
    if (!digits(rest, 1, 2, hours))
        return false;
    if (rest.size() == 3) {
        // "+HH"
    } else if (rest.size() == 6 && rest[3] == ':' && digits(rest, 4, 2, minutes)) {
        // "+HH:MM"
    } else if (rest.size() == 5 && digits(rest, 3, 2, minutes)) {
        // "+HHMM"
    } else {
        return false;
    }
    if (hours > 23 || minutes > 59)
        return false;
    offsetMs = sign * (hours * 3'600'000LL + minutes * 60'000LL);
    return true;
}

} // namespace

std::string_view CsvValues::trimmed(std::string_view text)
{
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t'))
        text.remove_prefix(1);
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t'))
        text.remove_suffix(1);
    return text;
}

bool CsvValues::isNull(std::string_view text)
{
    text = trimmed(text);
    return equalsNoCase(text, "null") || equalsNoCase(text, "none") || equalsNoCase(text, "nan");
}

bool CsvValues::parseNumber(std::string_view text, double &value, QString &why)
{
    text = trimmed(text);
    // The shared rule for plain doubles: NaN, infinities, hexadecimal and
    // out-of-range values (1e400) are refused like any other stray text.
    const QString problem = numbers::doubleProblem(text, value);
    if (problem.isEmpty())
        return true;
    if (text.find(',') != std::string_view::npos) {
        why = QStringLiteral("has a comma (a decimal comma or a thousands separator?); "
                             "export the file with a decimal point and no grouping");
    } else if (text.find('.') != text.rfind('.')) {
        why = QStringLiteral("has more than one dot (thousands separators turned into dots by a spreadsheet?); "
                             "it cannot be read without guessing");
    } else if (isNull(text)) {
        why = QStringLiteral("is null");
    } else {
        why = problem;
    }
    return false;
}

bool CsvValues::parseTime(std::string_view text, qint64 &ms, QString &why)
{
    text = trimmed(text);
    if (text.empty()) {
        why = QStringLiteral("is empty");
        return false;
    }
    // Unix time: digits with at most one dot.
    bool numeric = true;
    int dots = 0;
    for (const char c : text) {
        if (c == '.')
            ++dots;
        else if (!isDigit(c))
            numeric = false;
    }
    if (numeric && dots <= 1 && isDigit(text[0]))
        return parseUnix(text, ms, why);

    int year = 0;
    int month = 0;
    int day = 0;
    const bool yearFirst = digits(text, 0, 4, year) && text.size() >= 10 && (text[4] == '-' || text[4] == '/')
        && text[7] == text[4] && digits(text, 5, 2, month) && digits(text, 8, 2, day);
    if (!yearFirst) {
        if (text.size() >= 8 && isDigit(text[0]) && isDigit(text[1])
            && (text[2] == '-' || text[2] == '/' || text[2] == '.'))
            why = QStringLiteral("does not start with a four-digit year, so day, month and year cannot be told "
                                 "apart; refusing to guess (%1)")
                      .arg(timeFormats());
        else
            why = QStringLiteral("is not a date or time (%1)").arg(timeFormats());
        return false;
    }
    if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) {
        why = QStringLiteral("is not a valid date");
        return false;
    }
    qint64 result = daysFromCivil(year, month, day) * kMsPerDay;
    std::size_t pos = 10;
    if (pos < text.size() && (text[pos] == ' ' || text[pos] == 'T') && pos + 1 < text.size()
        && isDigit(text[pos + 1])) {
        ++pos;
        int hour = 0;
        int minute = 0;
        int second = 0;
        int milli = 0;
        if (!digits(text, pos, 2, hour)) {
            why = QStringLiteral("has an unreadable time of day (%1)").arg(timeFormats());
            return false;
        }
        pos += 2;
        if (pos + 3 <= text.size() && text[pos] == '-' && (text[pos + 2] == 'M' || text[pos + 2] == 'm')
            && (pos + 3 == text.size() || text[pos + 3] == ' ')) {
            // "05-AM": CryptoDataDownload's old 12-hour format; 12-AM is midnight.
            const char half = text[pos + 1];
            if (hour < 1 || hour > 12 || (half != 'A' && half != 'a' && half != 'P' && half != 'p')) {
                why = QStringLiteral("has an unreadable 12-hour time");
                return false;
            }
            hour = (hour % 12) + ((half == 'P' || half == 'p') ? 12 : 0);
            pos += 3;
        } else {
            if (pos >= text.size() || text[pos] != ':' || !digits(text, pos + 1, 2, minute)) {
                why = QStringLiteral("has an unreadable time of day (%1)").arg(timeFormats());
                return false;
            }
            pos += 3;
            if (pos < text.size() && text[pos] == ':') {
                if (!digits(text, pos + 1, 2, second)) {
                    why = QStringLiteral("has unreadable seconds");
                    return false;
                }
                pos += 3;
                if (pos < text.size() && text[pos] == '.') {
                    ++pos;
                    int scale = 100;
                    while (pos < text.size() && isDigit(text[pos])) {
                        milli += (text[pos] - '0') * scale;
                        scale /= 10;
                        ++pos;
                    }
                }
            }
        }
        if (hour > 23 || minute > 59 || second > 59) {
            why = QStringLiteral("is not a valid time of day");
            return false;
        }
        result += hour * 3'600'000LL + minute * 60'000LL + second * 1000LL + milli;
    }
    qint64 offset = 0;
    if (!parseZone(text, pos, offset)) {
        why = QStringLiteral("has unexpected text after the date (%1)").arg(timeFormats());
        return false;
    }
    ms = result - offset;
    return true;
}

qint64 CsvValues::daysFromCivil(int year, int month, int day)
{
    // Howard Hinnant's days_from_civil: exact for every Gregorian date, and far
    // cheaper per row than building a QDateTime.
    const int y = year - (month <= 2 ? 1 : 0);
    const int era = (y >= 0 ? y : y - 399) / 400;
    const int yoe = y - era * 400;
    const int doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
    const int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return static_cast<qint64>(era) * 146'097 + doe - 719'468;
}

QString CsvValues::formatTime(qint64 ms)
{
    const QDateTime time = QDateTime::fromMSecsSinceEpoch(ms, QTimeZone::utc());
    if (ms % kMsPerDay == 0)
        return time.toString(QStringLiteral("yyyy-MM-dd"));
    if (ms % 60'000 == 0)
        return time.toString(QStringLiteral("yyyy-MM-dd HH:mm"));
    return time.toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"));
}

} // namespace ballast::market
