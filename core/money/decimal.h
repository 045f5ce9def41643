#pragma once

#include "common/result.h"

#include <QMetaType>
#include <QString>

#include <compare>
#include <cstdint>
#include <stdexcept>

namespace ballast::money {

__extension__ typedef __int128 Int128; // NOLINT(modernize-use-using): __extension__ silences -Wpedantic
__extension__ typedef unsigned __int128 UInt128; // NOLINT(modernize-use-using)

/// How an inexact result is brought to the representable grid.
enum class RoundingMode {
    Down, ///< toward zero (truncate)
    Up, ///< away from zero
    Floor, ///< toward -infinity
    Ceiling, ///< toward +infinity
    HalfUp, ///< nearest, ties away from zero
    HalfEven, ///< nearest, ties to even (banker's rounding)
};

/// Thrown by the operator forms (+ - * /) on overflow or division by zero.
/// The named forms (add, sub, mul, div) return a Result instead.
class DecimalError : public std::runtime_error
{
public:
    DecimalError(QString code, const QString &message);
    [[nodiscard]] const QString &code() const { return m_code; }

private:
    QString m_code;
};

/// Exact decimal number for quantities, prices, fees and balances.
///
/// Representation: a signed 128-bit integer mantissa with a fixed scale of
/// 10^-18. Why: every exchange we talk to quotes at most 18 fractional digits
/// (ETH wei), so a fixed scale holds every exchange string exactly; a 128-bit
/// mantissa covers +/-1.7e20, far beyond the 1e15 we need, without any heap
/// allocation, so a Decimal is a cheap value type that the planner can use in
/// hot loops. Products and quotients are computed in 256 bits and rounded once
/// with an explicit RoundingMode. Overflow is detected and reported, never
/// wrapped. (A GMP rational as in KMyMoney is unbounded but allocates and is not
/// in our dependency set; Boost.Multiprecision likewise.)
class Decimal
{
public:
    static constexpr int kScale = 18; ///< fractional digits held exactly

    constexpr Decimal() = default;

    /// Whole number.
    static Decimal fromInt(std::int64_t value);

    /// Parses an exchange string such as "0.00100000", "-12.5", "+3".
    /// Rejected with a message: empty text, stray characters, more than
    /// kScale fractional digits (inexact), values out of range, and exponent
    /// notation ("1e-8") unless @p allowExponent is set, in which case the
    /// exponent is applied exactly (still rejected if the result is inexact).
    static Result<Decimal> parse(QStringView text, bool allowExponent = false);

    /// Converts a binary double at a named rounding point: the value is rounded
    /// to @p decimals fractional digits (0..kScale) with @p mode. Fails for NaN,
    /// infinities and out-of-range values.
    static Result<Decimal> fromDouble(double value, int decimals, RoundingMode mode = RoundingMode::HalfEven);

    /// Builds a Decimal from its raw mantissa (value = mantissa * 10^-18).
    static constexpr Decimal fromRaw(Int128 mantissa)
    {
        Decimal d;
        d.m_raw = mantissa;
        return d;
    }
    [[nodiscard]] constexpr Int128 raw() const { return m_raw; }

    /// Shortest exact form: no exponent, no trailing fractional zeros, "0" for zero.
    [[nodiscard]] QString toString() const;
    /// Exactly @p decimals fractional digits (0..kScale); rounds with @p mode if needed.
    [[nodiscard]] QString toFixed(int decimals, RoundingMode mode = RoundingMode::HalfEven) const;
    /// Nearest double, for analytics and charts only.
    [[nodiscard]] double toDouble() const;

    // Checked arithmetic: errors are values.
    [[nodiscard]] Result<Decimal> add(const Decimal &other) const;
    [[nodiscard]] Result<Decimal> sub(const Decimal &other) const;
    [[nodiscard]] Result<Decimal> mul(const Decimal &other, RoundingMode mode = RoundingMode::HalfEven) const;
    [[nodiscard]] Result<Decimal> div(const Decimal &other, RoundingMode mode = RoundingMode::HalfEven) const;

    // Operator forms: throw DecimalError on overflow or division by zero.
    // * and / round half-even at the 18th fractional digit.
    Decimal operator+(const Decimal &other) const;
    Decimal operator-(const Decimal &other) const;
    Decimal operator*(const Decimal &other) const;
    Decimal operator/(const Decimal &other) const;
    Decimal operator-() const;
    Decimal &operator+=(const Decimal &other);
    Decimal &operator-=(const Decimal &other);

    constexpr bool operator==(const Decimal &other) const = default;
    constexpr std::strong_ordering operator<=>(const Decimal &other) const { return m_raw <=> other.m_raw; }

    /// Rounds to @p decimals fractional digits (0..kScale).
    [[nodiscard]] Decimal rounded(int decimals, RoundingMode mode = RoundingMode::HalfEven) const;
    /// Largest multiple of @p step not greater than this (step > 0). A zero or
    /// negative step returns the value unchanged.
    [[nodiscard]] Decimal floorToStep(const Decimal &step) const;
    /// Smallest multiple of @p step not less than this (step > 0).
    [[nodiscard]] Decimal ceilToStep(const Decimal &step) const;
    /// Nearest multiple of @p tick with @p mode (step > 0).
    [[nodiscard]] Decimal roundToTick(const Decimal &tick, RoundingMode mode = RoundingMode::HalfEven) const;
    /// True when this is an exact multiple of @p step (step > 0).
    [[nodiscard]] bool isMultipleOf(const Decimal &step) const;

    [[nodiscard]] constexpr bool isZero() const { return m_raw == 0; }
    [[nodiscard]] constexpr bool isNegative() const { return m_raw < 0; }
    [[nodiscard]] constexpr bool isPositive() const { return m_raw > 0; }
    [[nodiscard]] Decimal abs() const;
    /// Number of fractional digits actually used (0..kScale), e.g. 3 for "0.001".
    [[nodiscard]] int scale() const;

    static Decimal min(const Decimal &a, const Decimal &b) { return a < b ? a : b; }
    static Decimal max(const Decimal &a, const Decimal &b) { return a < b ? b : a; }

private:
    Int128 m_raw = 0;
};

/// Parses a literal known to be valid (tests, constants); throws DecimalError otherwise.
Decimal dec(const char *text);

} // namespace ballast::money

Q_DECLARE_METATYPE(ballast::money::Decimal)
