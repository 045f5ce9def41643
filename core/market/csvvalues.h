#pragma once

#include <QString>

#include <string_view>

namespace ballast::market {

/// Reads single CSV values (numbers, times) straight from the bytes, strictly:
/// a value is either read exactly as written or refused with a reason. Nothing
/// is "repaired": a value that could mean two things is an error.
class CsvValues
{
public:
    CsvValues() = delete;

    /// A finite decimal number ("4261.48", "1e-05", "-3"). On failure returns
    /// false and sets @p why (e.g. "has more than one decimal point").
    static bool parseNumber(std::string_view text, double &value, QString &why);

    /// A point in time as milliseconds since the epoch, UTC:
    /// - Unix time, unit told per value by magnitude: seconds (below 1e11, an
    ///   optional fraction such as "1502946000.0"), milliseconds (below 1e14),
    ///   microseconds (below 1e17), nanoseconds; finer parts are truncated.
    ///   Values below 1e9 (before 2001-09-09) are refused: in price files they
    ///   are dates like 20190101, not Unix seconds.
    /// - ISO-like dates, year first: YYYY-MM-DD or YYYY/MM/DD, optionally
    ///   followed by " " or "T" and HH:MM[:SS[.fff]] or the 12-hour "HH-AM" /
    ///   "HH-PM" of old CryptoDataDownload files, optionally followed by "Z",
    ///   "UTC", "GMT" or an offset "+HH:MM" / "+HHMM" / "+HH". A time without a
    ///   zone is UTC.
    /// Day-first or two-digit-year dates ("29-04-13") are refused: their order
    /// cannot be told from the text.
    static bool parseTime(std::string_view text, qint64 &ms, QString &why);

    /// "null", "NULL", "None" or "NaN", which exports write for a missing value.
    static bool isNull(std::string_view text);

    /// Days since 1970-01-01 of a proleptic Gregorian date (no range check).
    static qint64 daysFromCivil(int year, int month, int day);

    /// "2019-01-01" at midnight, else "2019-01-01 05:00" (":SS" when not zero), UTC.
    static QString formatTime(qint64 ms);

    /// Spaces and tabs removed from both ends.
    static std::string_view trimmed(std::string_view text);
};

} // namespace ballast::market
