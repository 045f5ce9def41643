#include "money/decimal.h"

#include <QStringView>

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>
#include <utility>

using namespace Qt::StringLiterals;

namespace ballast::money {

namespace {

constexpr UInt128 kMaxMagnitude = (UInt128(1) << 127) - 1;
constexpr Int128 kMaxRaw = static_cast<Int128>(kMaxMagnitude);
constexpr Int128 kMinRaw = -kMaxRaw - 1;
constexpr std::uint64_t kOne = 1000000000000000000ULL; // 10^18, the raw value of 1
constexpr std::uint64_t kTen8 = 100000000ULL;
constexpr std::uint64_t kTen10 = 10000000000ULL;

constexpr std::array<UInt128, 39> makePowersOfTen()
{
    std::array<UInt128, 39> powers{};
    UInt128 p = 1;
    for (auto &power : powers) {
        power = p;
        p *= 10;
    }
    return powers;
}
constexpr std::array<UInt128, 39> kPow10 = makePowersOfTen(); // 10^0 .. 10^38

constexpr UInt128 magnitudeOf(Int128 raw)
{
    // Unsigned negation: well defined even for the most negative value.
    return raw < 0 ? UInt128(0) - static_cast<UInt128>(raw) : static_cast<UInt128>(raw);
}

constexpr Int128 withSign(UInt128 magnitude, bool negative)
{
    const auto value = static_cast<Int128>(magnitude);
    return negative ? -value : value;
}

/// Whether a truncated quotient q (remainder r of divisor d) must be moved one
/// step away from zero. @p halfCmp is the sign of 2r - d.
constexpr bool roundsAway(RoundingMode mode, bool negative, bool inexact, int halfCmp, bool odd)
{
    if (!inexact)
        return false;
    switch (mode) {
    case RoundingMode::Down:
        return false;
    case RoundingMode::Up:
        return true;
    case RoundingMode::Floor:
        return negative;
    case RoundingMode::Ceiling:
        return !negative;
    case RoundingMode::HalfUp:
        return halfCmp >= 0;
    case RoundingMode::HalfEven:
        return halfCmp > 0 || (halfCmp == 0 && odd);
    }
    return false;
}

template<typename T>
constexpr int halfCompare(T remainder, T divisor)
{
    // Sign of 2r - d without overflowing: compare r with d - r.
    const T rest = divisor - remainder;
    return remainder < rest ? -1 : (remainder > rest ? 1 : 0);
}

/// Rounds |value| to a multiple of @p step. Cannot overflow: the magnitude is at
/// most 2^127 and the step below 2^127, so the result stays below 2^128.
UInt128 roundMagnitude(UInt128 magnitude, bool negative, UInt128 step, RoundingMode mode)
{
    if (step == 1)
        return magnitude;
    UInt128 q = magnitude / step;
    const UInt128 r = magnitude - q * step;
    if (roundsAway(mode, negative, r != 0, halfCompare(r, step), (q & 1) != 0))
        ++q;
    return q * step;
}

// --- 256-bit unsigned helpers on little-endian 64-bit limbs -----------------

using Limbs = std::array<std::uint64_t, 4>;

constexpr std::uint64_t lo64(UInt128 v)
{
    return static_cast<std::uint64_t>(v);
}
constexpr std::uint64_t hi64(UInt128 v)
{
    return static_cast<std::uint64_t>(v >> 64);
}
constexpr UInt128 join(std::uint64_t hi, std::uint64_t lo)
{
    return (UInt128(hi) << 64) | lo;
}

/// (hi:lo) / d for hi < d, so that the quotient fits in 64 bits; the remainder
/// goes to @p rem. On x86-64 one DIV instruction: the compiler would call the
/// generic 128-bit division of libgcc instead, a third of the cost-basis time.
inline std::uint64_t divideWide(std::uint64_t hi, std::uint64_t lo, std::uint64_t d, std::uint64_t &rem)
{
#if defined(__x86_64__)
    std::uint64_t q = 0;
    std::uint64_t r = 0;
    __asm__("divq %[d]" : "=a"(q), "=d"(r) : "a"(lo), "d"(hi), [d] "rm"(d) : "cc");
    rem = r;
    return q;
#else
    const UInt128 n = join(hi, lo);
    const UInt128 q = n / d;
    rem = lo64(n - q * d);
    return lo64(q);
#endif
}

/// n / d with a 64-bit divisor (d != 0) in two word divisions.
inline UInt128 divideBy64(UInt128 n, std::uint64_t d, std::uint64_t &rem)
{
    const std::uint64_t high = hi64(n);
    const std::uint64_t q1 = high / d;
    const std::uint64_t q0 = divideWide(high - q1 * d, lo64(n), d, rem);
    return join(q1, q0);
}

Limbs multiply(UInt128 a, UInt128 b)
{
    const UInt128 ll = UInt128(lo64(a)) * lo64(b);
    const UInt128 lh = UInt128(lo64(a)) * hi64(b);
    const UInt128 hl = UInt128(hi64(a)) * lo64(b);
    const UInt128 hh = UInt128(hi64(a)) * hi64(b);

    // mid is at most three 64-bit terms; high is the exact product / 2^128, so neither overflows.
    const UInt128 mid = UInt128(hi64(ll)) + lo64(lh) + lo64(hl);
    const UInt128 high = hh + hi64(lh) + hi64(hl) + hi64(mid);
    return {lo64(ll), lo64(mid), lo64(high), hi64(high)};
}

int significantLimbs(const Limbs &v)
{
    int n = 4;
    while (n > 0 && v[static_cast<std::size_t>(n - 1)] == 0)
        --n;
    return n;
}

/// q = u / divisor, returns u % divisor; divisor must be non-zero. Knuth, TAOCP
/// vol. 2, 4.3.1 algorithm D (as in Hacker's Delight divmnu) with 64-bit digits,
/// specialised to a divisor of one or two digits.
UInt128 divide(const Limbs &u, UInt128 divisor, Limbs &q)
{
    q = {0, 0, 0, 0};
    const int m = significantLimbs(u);

    if (hi64(divisor) == 0) {
        const std::uint64_t d = lo64(divisor);
        std::uint64_t rem = 0;
        for (int j = m - 1; j >= 0; --j) // the quotient digit fits in 64 bits because rem < d
            q[static_cast<std::size_t>(j)] = divideWide(rem, u[static_cast<std::size_t>(j)], d, rem);
        return rem;
    }

    if (m < 2)
        return join(0, u[0]); // u < 2^64 <= divisor

    constexpr UInt128 b = UInt128(1) << 64;
    const int s = __builtin_clzll(hi64(divisor));
    const UInt128 vn = divisor << s;
    const std::uint64_t v1 = hi64(vn);
    const std::uint64_t v0 = lo64(vn);

    std::array<std::uint64_t, 5> un{};
    // Widened to 128 bits, a shift by 64 - s is defined (and zero) for s == 0 too.
    un[static_cast<std::size_t>(m)] = lo64(UInt128(u[static_cast<std::size_t>(m - 1)]) >> (64 - s));
    for (int i = m - 1; i > 0; --i) {
        const auto k = static_cast<std::size_t>(i);
        un[k] = lo64((UInt128(u[k]) << s) | (UInt128(u[k - 1]) >> (64 - s)));
    }
    un[0] = lo64(UInt128(u[0]) << s);

    for (int j = m - 2; j >= 0; --j) {
        const auto k = static_cast<std::size_t>(j);
        const UInt128 top = join(un[k + 2], un[k + 1]);
        UInt128 qhat = 0;
        UInt128 rhat = 0;
        if (un[k + 2] < v1) {
            std::uint64_t r64 = 0;
            qhat = divideWide(un[k + 2], un[k + 1], v1, r64);
            rhat = r64;
        } else {
            qhat = top / v1;
            rhat = top - qhat * v1;
        }
        // With a two-digit divisor this test compares qhat * divisor against the
        // whole partial remainder, so the loop leaves qhat exact and the textbook
        // "add back" step can never trigger.
        while (qhat >= b || qhat * v0 > ((rhat << 64) | un[k])) {
            --qhat;
            rhat += v1;
            if (rhat >= b)
                break;
        }

        // Multiply and subtract qhat * vn from un[k .. k+2].
        const UInt128 p0 = qhat * v0;
        const UInt128 p1 = qhat * v1;
        Int128 t = static_cast<Int128>(un[k]) - static_cast<Int128>(lo64(p0));
        un[k] = lo64(static_cast<UInt128>(t));
        Int128 borrow = static_cast<Int128>(hi64(p0)) - (t >> 64);
        t = static_cast<Int128>(un[k + 1]) - borrow - static_cast<Int128>(lo64(p1));
        un[k + 1] = lo64(static_cast<UInt128>(t));
        borrow = static_cast<Int128>(hi64(p1)) - (t >> 64);
        un[k + 2] = lo64(static_cast<UInt128>(static_cast<Int128>(un[k + 2]) - borrow));
        q[k] = lo64(qhat);
    }
    return join(un[1], un[0]) >> s; // un[2] is zero after the last step
}

QString quoted(QStringView text)
{
    constexpr qsizetype kMaxShown = 64;
    QString out;
    out.reserve(std::min(text.size(), kMaxShown) + 5);
    out += u'"';
    const QStringView shown = text.left(kMaxShown);
    for (const QChar c : shown) {
        if (c.isPrint())
            out += c;
        else
            out += u"\\u"_s + QString::number(c.unicode(), 16).rightJustified(4, u'0');
    }
    if (text.size() > kMaxShown)
        out += u"..."_s;
    out += u'"';
    return out;
}

Error syntaxError(QStringView text, const QString &detail)
{
    return makeError(u"decimal.syntax"_s, u"not a decimal number: "_s + quoted(text) + u" ("_s + detail + u')');
}

Error syntaxErrorAt(QStringView text, qsizetype index)
{
    return syntaxError(text, u"character "_s + QString::number(index + 1));
}

Error overflowError(const Decimal &a, QLatin1StringView op, const Decimal &b)
{
    return makeError(u"decimal.overflow"_s,
                     u"decimal overflow: "_s + a.toString() + u' ' + op + u' ' + b.toString() + u" is out of range"_s);
}

/// Writes sign, integer part and @p fracDigits fractional digits of a
/// magnitude at scale 10^-18; with @p trim, trailing fractional zeros go.
QString format(bool negative, UInt128 magnitude, int fracDigits, bool trim)
{
    char buf[64];
    char *end = buf + sizeof(buf);
    char *p = end;

    std::uint64_t frac = lo64(magnitude % kOne);
    UInt128 whole = magnitude / kOne;

    char fracBuf[Decimal::kScale];
    for (int i = Decimal::kScale - 1; i >= 0; --i) {
        fracBuf[i] = static_cast<char>('0' + frac % 10);
        frac /= 10;
    }
    int shown = fracDigits;
    if (trim) {
        while (shown > 0 && fracBuf[shown - 1] == '0')
            --shown;
    }
    p -= shown;
    std::memcpy(p, fracBuf, static_cast<std::size_t>(shown));
    if (shown > 0)
        *--p = '.';

    constexpr std::uint64_t kTen19 = 10000000000000000000ULL;
    std::uint64_t low = lo64(whole % kTen19);
    std::uint64_t high = lo64(whole / kTen19); // whole < 2^128 / 10^18, so high <= 34
    int written = 0;
    do {
        *--p = static_cast<char>('0' + low % 10);
        low /= 10;
        ++written;
    } while (low != 0 || (high != 0 && written < 19));
    while (high != 0) {
        *--p = static_cast<char>('0' + high % 10);
        high /= 10;
    }
    if (negative && magnitude != 0)
        *--p = '-';
    return QString::fromLatin1(p, end - p);
}

UInt128 stepForDecimals(int decimals)
{
    return kPow10[static_cast<std::size_t>(Decimal::kScale - std::clamp(decimals, 0, Decimal::kScale))];
}

Decimal checkedResult(UInt128 magnitude, bool negative, const Decimal &value, QLatin1StringView op, const Decimal &step)
{
    if (magnitude > kMaxMagnitude) {
        const Error e = overflowError(value, op, step);
        throw DecimalError(e.code, e.message);
    }
    return Decimal::fromRaw(withSign(magnitude, negative));
}

} // namespace

DecimalError::DecimalError(QString code, const QString &message)
    : std::runtime_error(message.toStdString())
    , m_code(std::move(code))
{
}

Decimal Decimal::fromInt(std::int64_t value)
{
    // |int64| * 10^18 < 9.3e36, always inside the 128-bit range.
    return fromRaw(static_cast<Int128>(value) * static_cast<Int128>(kOne));
}

Result<Decimal> Decimal::parse(QStringView text, bool allowExponent)
{
    const qsizetype size = text.size();
    if (size == 0)
        return syntaxError(text, u"empty"_s);

    const auto isDigit = [](QChar c) { return c >= u'0' && c <= u'9'; };

    qsizetype i = 0;
    bool negative = false;
    if (text[0] == u'+' || text[0] == u'-') {
        negative = text[0] == u'-';
        ++i;
    }
    const qsizetype intBegin = i;
    while (i < size && isDigit(text[i]))
        ++i;
    const qsizetype intEnd = i;
    qsizetype fracBegin = i;
    qsizetype fracEnd = i;
    if (i < size && text[i] == u'.') {
        if (intBegin == intEnd)
            return syntaxError(text, u"a digit must precede the decimal point"_s);
        ++i;
        fracBegin = i;
        while (i < size && isDigit(text[i]))
            ++i;
        fracEnd = i;
        if (fracBegin == fracEnd)
            return syntaxError(text, u"a digit must follow the decimal point"_s);
    }
    if (intBegin == intEnd)
        return i < size ? syntaxErrorAt(text, i) : syntaxError(text, u"no digits"_s);

    std::int64_t exponent = 0;
    if (i < size && (text[i] == u'e' || text[i] == u'E')) {
        const qsizetype expAt = i;
        ++i;
        bool expNegative = false;
        if (i < size && (text[i] == u'+' || text[i] == u'-')) {
            expNegative = text[i] == u'-';
            ++i;
        }
        const qsizetype expDigits = i;
        while (i < size && isDigit(text[i])) {
            // Saturate: beyond this any non-zero value is out of range or inexact anyway.
            if (exponent < 1000000000)
                exponent = exponent * 10 + (text[i].unicode() - u'0');
            ++i;
        }
        if (i == expDigits)
            return i < size ? syntaxErrorAt(text, i) : syntaxError(text, u"exponent has no digits"_s);
        if (i < size)
            return syntaxErrorAt(text, i);
        if (!allowExponent)
            return makeError(u"decimal.exponent"_s,
                             u"exponent notation not accepted: "_s + quoted(text) + u" (character "_s
                                 + QString::number(expAt + 1) + u')');
        if (expNegative)
            exponent = -exponent;
    }
    if (i < size)
        return syntaxErrorAt(text, i);

    // The digits int ++ frac form an integer N; value = N * 10^(exponent - fracCount).
    // Only the span between the first and last non-zero digit matters.
    const qsizetype intCount = intEnd - intBegin;
    const qsizetype total = intCount + (fracEnd - fracBegin);
    const auto digitAt = [&](qsizetype k) {
        const QChar c = k < intCount ? text[intBegin + k] : text[fracBegin + (k - intCount)];
        return static_cast<unsigned>(c.unicode() - u'0');
    };
    qsizetype first = 0;
    while (first < total && digitAt(first) == 0)
        ++first;
    if (first == total)
        return Decimal();
    qsizetype last = total - 1;
    while (digitAt(last) == 0)
        --last;

    // Scale exponent of the significant digits, relative to the raw unit 10^-18.
    const std::int64_t shift = exponent - static_cast<std::int64_t>(fracEnd - fracBegin)
        + static_cast<std::int64_t>(total - 1 - last) + kScale;
    if (shift < 0)
        return makeError(u"decimal.precision"_s, u"more than %1 fractional digits: "_s.arg(kScale) + quoted(text));

    const auto outOfRange = [&] { return makeError(u"decimal.overflow"_s, u"out of range: "_s + quoted(text)); };
    const qsizetype significant = last - first + 1;
    if (significant + shift > 39)
        return outOfRange();

    UInt128 magnitude = 0;
    for (qsizetype k = first; k <= last; ++k) {
        if (__builtin_mul_overflow(magnitude, 10, &magnitude)
            || __builtin_add_overflow(magnitude, digitAt(k), &magnitude))
            return outOfRange();
    }
    if (__builtin_mul_overflow(magnitude, kPow10[static_cast<std::size_t>(shift)], &magnitude))
        return outOfRange();
    // The most negative mantissa is rejected too, so that negation never overflows.
    if (magnitude > kMaxMagnitude)
        return outOfRange();
    return fromRaw(withSign(magnitude, negative));
}

Result<Decimal> Decimal::fromDouble(double value, int decimals, RoundingMode mode)
{
    if (!std::isfinite(value))
        return makeError(u"decimal.not_finite"_s, u"not a finite number: "_s + QString::number(value));
    if (decimals < 0 || decimals > kScale)
        return makeError(u"decimal.precision"_s, u"decimals must be 0..%1, got %2"_s.arg(kScale).arg(decimals));
    if (value == 0)
        return Decimal();

    // Round the shortest decimal that reads back as this double, not its binary
    // expansion: a price that arrived as 2.675 must behave as 2.675, not as
    // 2.67499999999999982236431605997495353221893310546875.
    char buf[64];
    const auto conv = std::to_chars(buf, buf + sizeof(buf), value, std::chars_format::scientific);
    const char *p = buf;
    const bool negative = *p == '-';
    if (negative)
        ++p;
    std::uint64_t digits = 0;
    int fracCount = 0;
    bool inFraction = false;
    for (; p < conv.ptr && *p != 'e'; ++p) {
        if (*p == '.') {
            inFraction = true;
            continue;
        }
        digits = digits * 10 + static_cast<std::uint64_t>(*p - '0');
        if (inFraction)
            ++fracCount;
    }
    int exponent = 0;
    std::from_chars(p + (*(p + 1) == '+' ? 2 : 1), conv.ptr, exponent);

    // value = digits * 10^(exponent - fracCount); express it in units of 10^-decimals.
    const int t = exponent - fracCount + decimals;
    UInt128 units = 0;
    bool overflow = false;
    if (t >= 0) {
        overflow = t > 38 || __builtin_mul_overflow(UInt128(digits), kPow10[static_cast<std::size_t>(t)], &units);
    } else if (-t > 38) {
        // digits < 10^17, far below half a unit: only Up/Floor/Ceiling move it.
        units = roundsAway(mode, negative, true, -1, false) ? 1 : 0;
    } else {
        const UInt128 divisor = kPow10[static_cast<std::size_t>(-t)];
        units = digits / divisor;
        const UInt128 r = digits - units * divisor;
        if (roundsAway(mode, negative, r != 0, halfCompare(r, divisor), (units & 1) != 0))
            ++units;
    }
    UInt128 magnitude = 0;
    if (overflow || __builtin_mul_overflow(units, stepForDecimals(decimals), &magnitude) || magnitude > kMaxMagnitude)
        return makeError(u"decimal.overflow"_s,
                         u"out of range: "_s + QString::number(value, 'g', std::numeric_limits<double>::max_digits10));
    return fromRaw(withSign(magnitude, negative));
}

QString Decimal::toString() const
{
    return format(m_raw < 0, magnitudeOf(m_raw), kScale, true);
}

QString Decimal::toFixed(int decimals, RoundingMode mode) const
{
    decimals = std::clamp(decimals, 0, kScale);
    const bool negative = m_raw < 0;
    const UInt128 magnitude = roundMagnitude(magnitudeOf(m_raw), negative, stepForDecimals(decimals), mode);
    return format(negative, magnitude, decimals, false);
}

double Decimal::toDouble() const
{
    // Strip trailing decimal zeros first: when the remaining digits fit in 53
    // bits, one IEEE division of two exact values is correctly rounded.
    const UInt128 magnitude = magnitudeOf(m_raw);
    std::uint64_t frac = 0;
    const UInt128 whole = divideBy64(magnitude, kOne, frac);
    int zeros = 0;
    if (frac == 0) {
        zeros = kScale;
    } else {
        while (frac % 10 == 0) {
            frac /= 10;
            ++zeros;
        }
    }
    constexpr double kExactPow10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8, 1e9,
                                      1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18};
    // Exact integer division: it only strips the trailing zeros counted above.
    std::uint64_t none = 0;
    const UInt128 digits =
        zeros == kScale ? whole : divideBy64(magnitude, lo64(kPow10[static_cast<std::size_t>(zeros)]), none);
    const double result = static_cast<double>(digits) / kExactPow10[kScale - zeros];
    return m_raw < 0 ? -result : result;
}

Result<Decimal> Decimal::add(const Decimal &other) const
{
    Int128 sum = 0;
    if (__builtin_add_overflow(m_raw, other.m_raw, &sum) || sum == kMinRaw)
        return overflowError(*this, "+"_L1, other);
    return fromRaw(sum);
}

Result<Decimal> Decimal::sub(const Decimal &other) const
{
    Int128 diff = 0;
    if (__builtin_sub_overflow(m_raw, other.m_raw, &diff) || diff == kMinRaw)
        return overflowError(*this, "-"_L1, other);
    return fromRaw(diff);
}

namespace {

/// x * y at the scale, rounded with @p mode; false on overflow.
bool multiplyRaw(Int128 x, Int128 y, RoundingMode mode, Int128 &out)
{
    const bool negative = (x < 0) != (y < 0);
    const UInt128 a = magnitudeOf(x);
    const UInt128 b = magnitudeOf(y);

    UInt128 q = 0;
    std::uint64_t r = 0;
    UInt128 product = 0;
    if (!__builtin_mul_overflow(a, b, &product)) {
        q = divideBy64(product, kOne, r);
    } else {
        Limbs quotient;
        r = lo64(divide(multiply(a, b), kOne, quotient));
        if (quotient[2] != 0 || quotient[3] != 0)
            return false;
        q = join(quotient[1], quotient[0]);
    }
    if (roundsAway(mode, negative, r != 0, halfCompare(r, kOne), (q & 1) != 0))
        ++q; // q < 2^128 - 1 here: the product is below 2^256 / 10^18
    if (q > kMaxMagnitude)
        return false;
    out = withSign(q, negative);
    return true;
}

/// x / y at the scale (y != 0), rounded with @p mode; false on overflow.
bool divideRaw(Int128 x, Int128 y, RoundingMode mode, Int128 &out)
{
    const bool negative = (x < 0) != (y < 0);
    const UInt128 a = magnitudeOf(x);
    const UInt128 b = magnitudeOf(y);

    UInt128 q = 0;
    UInt128 r = 0;
    UInt128 d = b; // the divisor r is the remainder of (b, or b reduced below)
    UInt128 numerator = 0;
    std::uint64_t rest = 1;
    UInt128 reduced = 0;
    UInt128 scaled = 0;
    if (hi64(b) != 0)
        reduced = divideBy64(b, kTen10, rest);
    if (rest == 0 && hi64(reduced) == 0 && !__builtin_mul_overflow(a, UInt128(kTen8), &scaled)) {
        // A divisor of at most 8 decimals (a quantity) above 2^64 units:
        // a * 10^18 / b == a * 10^8 / (b / 10^10) exactly, with the remainder
        // scaled by the same 10^10, so the rounding is the same; and a
        // one-word divisor is two DIV instructions instead of a long division.
        std::uint64_t r64 = 0;
        q = divideBy64(scaled, lo64(reduced), r64);
        r = r64;
        d = reduced;
    } else if (!__builtin_mul_overflow(a, UInt128(kOne), &numerator)) {
        if (hi64(b) == 0) {
            std::uint64_t r64 = 0;
            q = divideBy64(numerator, lo64(b), r64);
            r = r64;
        } else {
            q = numerator / b;
            r = numerator - q * b;
        }
    } else {
        Limbs quotient;
        r = divide(multiply(a, kOne), b, quotient);
        if (quotient[2] != 0 || quotient[3] != 0)
            return false;
        q = join(quotient[1], quotient[0]);
    }
    if (roundsAway(mode, negative, r != 0, halfCompare(r, d), (q & 1) != 0)) {
        if (q == ~UInt128(0))
            return false;
        ++q;
    }
    if (q > kMaxMagnitude)
        return false;
    out = withSign(q, negative);
    return true;
}

/// Throws the error of a failed checked operation (the operator forms build
/// the message only when they fail).
[[noreturn]] void throwError(const Result<Decimal> &failed)
{
    throw DecimalError(failed.error().code, failed.error().message);
}

Decimal valueOrThrow(Result<Decimal> result)
{
    if (!result.ok())
        throwError(result);
    return std::move(result).value();
}

} // namespace

Result<Decimal> Decimal::mul(const Decimal &other, RoundingMode mode) const
{
    Int128 out = 0;
    if (!multiplyRaw(m_raw, other.m_raw, mode, out))
        return overflowError(*this, "*"_L1, other);
    return fromRaw(out);
}

Result<Decimal> Decimal::div(const Decimal &other, RoundingMode mode) const
{
    if (other.m_raw == 0)
        return makeError(u"decimal.division_by_zero"_s, u"division by zero: "_s + toString() + u" / 0"_s);
    Int128 out = 0;
    if (!divideRaw(m_raw, other.m_raw, mode, out))
        return overflowError(*this, "/"_L1, other);
    return fromRaw(out);
}

Decimal Decimal::operator+(const Decimal &other) const
{
    Int128 sum = 0;
    if (__builtin_add_overflow(m_raw, other.m_raw, &sum) || sum == kMinRaw)
        throwError(add(other));
    return fromRaw(sum);
}
Decimal Decimal::operator-(const Decimal &other) const
{
    Int128 diff = 0;
    if (__builtin_sub_overflow(m_raw, other.m_raw, &diff) || diff == kMinRaw)
        throwError(sub(other));
    return fromRaw(diff);
}
Decimal Decimal::operator*(const Decimal &other) const
{
    Int128 out = 0;
    if (!multiplyRaw(m_raw, other.m_raw, RoundingMode::HalfEven, out))
        throwError(mul(other, RoundingMode::HalfEven));
    return fromRaw(out);
}
Decimal Decimal::operator/(const Decimal &other) const
{
    Int128 out = 0;
    if (other.m_raw == 0 || !divideRaw(m_raw, other.m_raw, RoundingMode::HalfEven, out))
        throwError(div(other, RoundingMode::HalfEven));
    return fromRaw(out);
}

Decimal Decimal::operator-() const
{
    if (m_raw == kMinRaw)
        throw DecimalError(u"decimal.overflow"_s, u"decimal overflow: negating the most negative mantissa"_s);
    return fromRaw(-m_raw);
}

Decimal &Decimal::operator+=(const Decimal &other)
{
    *this = *this + other;
    return *this;
}

Decimal &Decimal::operator-=(const Decimal &other)
{
    *this = *this - other;
    return *this;
}

Decimal Decimal::rounded(int decimals, RoundingMode mode) const
{
    if (decimals >= kScale)
        return *this;
    return roundToTick(fromRaw(static_cast<Int128>(stepForDecimals(decimals))), mode);
}

Decimal Decimal::floorToStep(const Decimal &step) const
{
    return roundToTick(step, RoundingMode::Floor);
}

Decimal Decimal::ceilToStep(const Decimal &step) const
{
    return roundToTick(step, RoundingMode::Ceiling);
}

Decimal Decimal::roundToTick(const Decimal &tick, RoundingMode mode) const
{
    if (tick.m_raw <= 0)
        return *this;
    const bool negative = m_raw < 0;
    const UInt128 magnitude = roundMagnitude(magnitudeOf(m_raw), negative, static_cast<UInt128>(tick.m_raw), mode);
    return checkedResult(magnitude, negative, *this, "rounded to a multiple of"_L1, tick);
}

bool Decimal::isMultipleOf(const Decimal &step) const
{
    if (step.m_raw <= 0)
        return false;
    return magnitudeOf(m_raw) % static_cast<UInt128>(step.m_raw) == 0;
}

Decimal Decimal::abs() const
{
    return m_raw < 0 ? -*this : *this;
}

int Decimal::scale() const
{
    std::uint64_t frac = lo64(magnitudeOf(m_raw) % kOne);
    if (frac == 0)
        return 0;
    int digits = kScale;
    while (frac % 10 == 0) {
        frac /= 10;
        --digits;
    }
    return digits;
}

Decimal dec(const char *text)
{
    const QString s = QString::fromUtf8(text);
    return valueOrThrow(Decimal::parse(s));
}

} // namespace ballast::money
