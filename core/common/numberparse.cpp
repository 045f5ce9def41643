#include "common/numberparse.h"

#include <array>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <system_error>

namespace ballast::numbers {

namespace {

enum class Notation {
    Plain, ///< digits, optional sign and fraction
    Exponent, ///< also "e" followed by an optionally signed integer
};

bool isDigit(char16_t c)
{
    return c >= u'0' && c <= u'9';
}

bool isSpace(char16_t c)
{
    return c == u' ' || c == u'\t' || c == u'\n' || c == u'\r' || c == u'\v' || c == u'\f' || c == 0x00A0
        || QChar(c).isSpace();
}

/// Why @p text is not a number in @p notation; empty when it is. Only the
/// characters are checked here, not the range.
QString notationProblem(QStringView text, Notation notation)
{
    if (text.isEmpty())
        return QStringLiteral("is empty");
    for (const QChar c : text) {
        if (isSpace(c.unicode()))
            return QStringLiteral("has spaces");
    }
    QStringView body = text;
    if (body.front() == u'+' || body.front() == u'-')
        body = body.sliced(1);
    if (body.compare(QLatin1String("nan"), Qt::CaseInsensitive) == 0)
        return QStringLiteral("is not a number (NaN)");
    if (body.compare(QLatin1String("inf"), Qt::CaseInsensitive) == 0
        || body.compare(QLatin1String("infinity"), Qt::CaseInsensitive) == 0)
        return QStringLiteral("is infinite");
    if (body.size() >= 2 && body[0] == u'0' && (body[1] == u'x' || body[1] == u'X'))
        return QStringLiteral("is hexadecimal; write decimal digits");

    qsizetype i = 0;
    qsizetype digits = 0;
    while (i < body.size() && isDigit(body[i].unicode())) {
        ++i;
        ++digits;
    }
    if (i < body.size() && body[i] == u'.') {
        ++i;
        while (i < body.size() && isDigit(body[i].unicode())) {
            ++i;
            ++digits;
        }
    }
    if (digits == 0)
        return QStringLiteral("is not a number");
    if (i < body.size() && (body[i] == u'e' || body[i] == u'E')) {
        if (notation == Notation::Plain)
            return QStringLiteral("has an exponent; write the number in full (0.01, not 1e-2)");
        ++i;
        if (i < body.size() && (body[i] == u'+' || body[i] == u'-'))
            ++i;
        const qsizetype exponentDigits = i;
        while (i < body.size() && isDigit(body[i].unicode()))
            ++i;
        if (i == exponentDigits)
            return QStringLiteral("has an exponent without digits");
    }
    if (i < body.size())
        return QStringLiteral("is not a number (stray \"%1\")").arg(body.sliced(i));
    return {};
}

Error syntax(const QString &field, QStringView text, const QString &reason)
{
    return makeError(QStringLiteral("number.syntax"), QStringLiteral("%1 \"%2\": %3").arg(field, text, reason));
}

Error range(const QString &field, QStringView text, const QString &reason)
{
    return makeError(QStringLiteral("number.range"), QStringLiteral("%1 \"%2\": %3").arg(field, text, reason));
}

QString shown(double value)
{
    return QString::number(value, 'g', 15);
}

bool unboundedLow(const Range &r)
{
    return r.low <= -std::numeric_limits<double>::max();
}

bool unboundedHigh(const Range &r)
{
    return r.high >= std::numeric_limits<double>::max();
}

/// Why @p value lies outside @p r ("must be above 0 and below 1"); empty when inside.
QString rangeProblem(double value, const Range &r)
{
    const bool lowOk = unboundedLow(r) || (r.lowOpen ? value > r.low : value >= r.low);
    const bool highOk = unboundedHigh(r) || (r.highOpen ? value < r.high : value <= r.high);
    if (lowOk && highOk)
        return {};
    const QString lowText = (r.lowOpen ? QStringLiteral("above ") : QStringLiteral("at least ")) + shown(r.low);
    const QString highText = (r.highOpen ? QStringLiteral("below ") : QStringLiteral("at most ")) + shown(r.high);
    if (unboundedLow(r))
        return QStringLiteral("must be ") + highText;
    if (unboundedHigh(r))
        return QStringLiteral("must be ") + lowText;
    if (!r.lowOpen && !r.highOpen)
        return QStringLiteral("must be from %1 to %2").arg(shown(r.low), shown(r.high));
    return QStringLiteral("must be %1 and %2").arg(lowText, highText);
}

/// Converts text that passed notationProblem(); false when it is not finite
/// (overflow such as 1e400) or underflows to zero from a non-zero value.
bool toDouble(QStringView text, double &value)
{
    const QByteArray latin = text.toLatin1();
    const char *first = latin.constData();
    const char *last = first + latin.size();
    if (*first == '+')
        ++first;
    const auto [ptr, ec] = std::from_chars(first, last, value, std::chars_format::general);
    return ec == std::errc() && ptr == last && std::isfinite(value);
}

} // namespace

Result<money::Decimal> parseAmount(QStringView text, const QString &field, Sign sign)
{
    if (const QString problem = notationProblem(text, Notation::Plain); !problem.isEmpty())
        return syntax(field, text, problem);
    auto value = money::Decimal::parse(text);
    if (!value) {
        // Digits the Decimal cannot hold (more than 18 fractional digits,
        // beyond its range) or a dot without digits on both sides.
        return value.error().code == QLatin1String("decimal.syntax") ? syntax(field, text, value.error().message)
                                                                     : range(field, text, value.error().message);
    }
    if (sign == Sign::Positive && !value->isPositive())
        return range(field, text, QStringLiteral("must be above zero"));
    if (sign == Sign::NonNegative && value->isNegative())
        return range(field, text, QStringLiteral("cannot be negative"));
    return value;
}

Result<double> parseFraction(QStringView text, const QString &field, Range allowed)
{
    const bool percent = text.endsWith(u'%');
    const QStringView number = percent ? text.chopped(1) : text;
    if (const QString problem = notationProblem(number, Notation::Plain); !problem.isEmpty()) {
        return syntax(field, text,
                      problem + QStringLiteral("; expected a fraction such as 0.02 or a percentage such as 2%"));
    }
    auto exact = money::Decimal::parse(number);
    if (!exact) {
        return exact.error().code == QLatin1String("decimal.syntax") ? syntax(field, text, exact.error().message)
                                                                     : range(field, text, exact.error().message);
    }
    double value = exact->toDouble();
    if (percent) {
        auto divided = exact->div(money::Decimal::fromInt(100));
        if (!divided)
            return range(field, text, divided.error().message);
        value = divided->toDouble();
    }
    if (const QString problem = rangeProblem(value, allowed); !problem.isEmpty())
        return range(field, text, problem + (percent ? QStringLiteral(" (as a fraction; 2% is 0.02)") : QString()));
    return value;
}

Result<double> parseDouble(QStringView text, const QString &field, Range allowed)
{
    if (const QString problem = notationProblem(text, Notation::Exponent); !problem.isEmpty())
        return syntax(field, text, problem);
    double value = 0;
    if (!toDouble(text, value))
        return range(field, text, QStringLiteral("is out of range (not a finite number)"));
    if (const QString problem = rangeProblem(value, allowed); !problem.isEmpty())
        return range(field, text, problem);
    return value;
}

namespace {

// doubleProblem's fast way: digits that surely fit a uint64_t, the largest
// whole number every smaller one of which is an exact double, and the powers
// of ten up to that many decimals (all exact doubles up to 10^22).
constexpr std::size_t kExactDigits = 19;
constexpr std::uint64_t kExactSignificand = std::uint64_t{1} << 53;
constexpr std::array<double, kExactDigits + 1> kPowersOfTen = {
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19};

} // namespace

QString doubleProblem(std::string_view text, double &value)
{
    // Most values in price files are plain decimals ("7213.55", "-0.5"): read
    // those without building a QString (two allocations per field on
    // million-row files). Anything else, and a plain decimal that does not
    // convert, takes the checked path below, which words the problem.
    {
        const bool negative = !text.empty() && text.front() == '-';
        std::size_t i = negative ? 1 : 0;
        std::size_t digits = 0;
        std::size_t decimals = 0; // digits after the dot
        std::uint64_t significand = 0; // the digits as one whole number, while they fit
        bool dot = false;
        for (; i < text.size(); ++i) {
            const char c = text[i];
            if (c >= '0' && c <= '9') {
                if (++digits <= kExactDigits)
                    significand = significand * 10 + static_cast<unsigned>(c - '0');
                decimals += dot ? 1 : 0;
            } else if (c == '.' && !dot) {
                dot = true;
            } else {
                break;
            }
        }
        if (i == text.size() && digits > 0) {
            // The fast way (Clinger's): a whole number of at most 2^53 and a
            // power of ten of at most 10^19 (no more decimals than digits)
            // are both exact doubles, so their quotient is rounded once, to
            // the nearest double, as from_chars rounds. Price files' values
            // ("7213.55") all go this way; from_chars and the check above
            // were 9 % of a shuffled million-row import's perf samples.
            if (digits <= kExactDigits && significand <= kExactSignificand) {
                const double magnitude = static_cast<double>(significand) / kPowersOfTen[decimals];
                value = negative ? -magnitude : magnitude;
                return {};
            }
            const char *last = text.data() + text.size();
            const auto [ptr, ec] = std::from_chars(text.data(), last, value, std::chars_format::general);
            if (ec == std::errc() && ptr == last && std::isfinite(value))
                return {};
        }
    }
    const QString decoded = QString::fromLatin1(text.data(), static_cast<qsizetype>(text.size()));
    if (QString problem = notationProblem(decoded, Notation::Exponent); !problem.isEmpty())
        return problem;
    if (!toDouble(decoded, value))
        return QStringLiteral("is out of range");
    return {};
}

Result<qint64> parseInteger(QStringView text, const QString &field, qint64 low, qint64 high)
{
    if (QString problem = notationProblem(text, Notation::Plain); !problem.isEmpty())
        return syntax(field, text, problem + QStringLiteral("; expected a whole number"));
    QStringView digits = text;
    if (digits.front() == u'+')
        digits = digits.sliced(1);
    if (digits.contains(u'.'))
        return syntax(field, text, QStringLiteral("is not a whole number"));
    const QByteArray latin = digits.toLatin1();
    qint64 value = 0;
    const auto [ptr, ec] = std::from_chars(latin.constData(), latin.constData() + latin.size(), value);
    if (ec != std::errc() || ptr != latin.constData() + latin.size() || value < low || value > high) {
        return range(
            field, text,
            QStringLiteral("must be a whole number from %1 to %2").arg(QString::number(low), QString::number(high)));
    }
    return value;
}

} // namespace ballast::numbers
