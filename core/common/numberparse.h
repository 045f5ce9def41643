#pragma once

#include "common/result.h"
#include "money/decimal.h"

#include <QString>
#include <QStringView>

#include <limits>
#include <string_view>

namespace ballast::numbers {

/// The one place where numbers typed by a person or read from a file become
/// values. Each kind of number has one function; each refuses NaN, infinities
/// ("inf", "Infinity", "1e400"), hexadecimal ("0x10"), spaces and trailing
/// garbage, and says in its message which option or field was wrong and what
/// its text was: `--max-move "NaN": is not a number (NaN); expected ...`.
///
/// @p field names the option or field as the person knows it ("--max-move",
/// "argument 2 \"BTC=abc\"", "close on line 4").
///
/// Error codes: "number.syntax" (not a number in the accepted notation) and
/// "number.range" (a number, but outside the allowed range or not finite).

/// Sign rule of an exact amount.
enum class Sign {
    Any,
    NonNegative, ///< zero allowed
    Positive, ///< above zero
};

/// Bounds of a double or fraction; an open end leaves its bound out.
struct Range
{
    double low = -std::numeric_limits<double>::max();
    double high = std::numeric_limits<double>::max();
    bool lowOpen = false; ///< true: low itself is refused
    bool highOpen = false; ///< true: high itself is refused

    static Range closed(double low, double high) { return {low, high, false, false}; }
    static Range open(double low, double high) { return {low, high, true, true}; }
    static Range leftOpen(double low, double high) { return {low, high, true, false}; }
};

/// An exact amount (quantity, price, fee, notional): decimal digits with an
/// optional sign and fraction, no exponent ("1e-2" is refused: write 0.01), at
/// most 18 fractional digits.
Result<money::Decimal> parseAmount(QStringView text, const QString &field, Sign sign = Sign::Any);

/// A fraction, written as a plain decimal ("0.02") or a percentage ("2%"),
/// no exponent; the value (0.02 for both) must lie in @p range.
Result<double> parseFraction(QStringView text, const QString &field, Range range);

/// A plain double in decimal or exponent notation ("1.5", "-3", "1e-5"): it
/// must be finite and lie in @p range.
Result<double> parseDouble(QStringView text, const QString &field, Range range = {});

/// The same for bytes (CSV files read without decoding); the reason only, no
/// field name, for callers that build their own message. Empty when accepted.
QString doubleProblem(std::string_view text, double &value);

/// A whole number from @p low to @p high: digits with an optional sign; no
/// fraction, exponent, hexadecimal or spaces.
Result<qint64> parseInteger(QStringView text, const QString &field, qint64 low = std::numeric_limits<qint64>::min(),
                            qint64 high = std::numeric_limits<qint64>::max());

} // namespace ballast::numbers
