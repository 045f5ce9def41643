#include "money/decimal.h"

#include <QRandomGenerator>
#include <QScopeGuard>
#include <QTest>

#include <algorithm>
#include <array>
#include <limits>
#include <utility>
#include <vector>

using namespace Qt::StringLiterals;
using ballast::money::dec;
using ballast::money::Decimal;
using ballast::money::DecimalError;
using ballast::money::Int128;
using ballast::money::RoundingMode;
using ballast::money::UInt128;

Q_DECLARE_METATYPE(ballast::money::RoundingMode)

namespace ballast::money {
// Found by QTest through ADL, so that failed QCOMPAREs print the values.
char *toString(const Decimal &value)
{
    return QTest::toString(value.toString());
}
} // namespace ballast::money

namespace {

constexpr std::array<std::pair<RoundingMode, const char *>, 6> kModes{{
    {RoundingMode::Down, "Down"},
    {RoundingMode::Up, "Up"},
    {RoundingMode::Floor, "Floor"},
    {RoundingMode::Ceiling, "Ceiling"},
    {RoundingMode::HalfUp, "HalfUp"},
    {RoundingMode::HalfEven, "HalfEven"},
}};

const QString kMax = u"170141183460469231731.687303715884105727"_s; // (2^127 - 1) * 10^-18

/// The error message of a failed result, for QVERIFY2 (which evaluates it even on success).
QString messageOf(const ballast::Result<Decimal> &result)
{
    return result.ok() ? QString() : result.error().message;
}

Decimal num(const QString &text)
{
    return dec(text.toUtf8().constData());
}

/// Adds one row per rounding mode; @p expected lists the results in kModes order.
void addModeRows(const char *name, const QString &a, const QString &b, const std::array<QString, 6> &expected)
{
    for (std::size_t i = 0; i < kModes.size(); ++i)
        QTest::addRow("%s %s", name, kModes[i].second) << a << b << kModes[i].first << expected[i];
}

// Non-negative integers as little-endian base-10 digits: a deliberately naive
// reference, independent of the 256-bit code under test.
using Digits = std::vector<int>;

void trim(Digits &d)
{
    while (!d.empty() && d.back() == 0)
        d.pop_back();
}

/// |raw mantissa| of @p value as digits.
Digits rawDigits(const Decimal &value)
{
    QString text = value.toFixed(Decimal::kScale);
    text.remove(u'-');
    text.remove(u'.');
    Digits out;
    for (auto it = text.crbegin(); it != text.crend(); ++it)
        out.push_back(it->digitValue());
    trim(out);
    return out;
}

Digits multiply(const Digits &a, const Digits &b)
{
    Digits out(a.size() + b.size() + 1, 0);
    for (std::size_t i = 0; i < a.size(); ++i) {
        int carry = 0;
        for (std::size_t j = 0; j < b.size() || carry != 0; ++j) {
            const int cur = out[i + j] + carry + (j < b.size() ? a[i] * b[j] : 0);
            out[i + j] = cur % 10;
            carry = cur / 10;
        }
    }
    trim(out);
    return out;
}

Digits add(const Digits &a, const Digits &b)
{
    Digits out(std::max(a.size(), b.size()) + 1, 0);
    int carry = 0;
    for (std::size_t i = 0; i < out.size(); ++i) {
        const int cur = carry + (i < a.size() ? a[i] : 0) + (i < b.size() ? b[i] : 0);
        out[i] = cur % 10;
        carry = cur / 10;
    }
    trim(out);
    return out;
}

Digits smallNumber(int value)
{
    Digits out;
    for (; value > 0; value /= 10)
        out.push_back(value % 10);
    return out;
}

Digits tenTo(int exponent)
{
    Digits out(static_cast<std::size_t>(exponent), 0);
    out.push_back(1);
    return out;
}

int compare(const Digits &a, const Digits &b)
{
    if (a.size() != b.size())
        return a.size() < b.size() ? -1 : 1;
    for (std::size_t i = a.size(); i-- > 0;) {
        if (a[i] != b[i])
            return a[i] < b[i] ? -1 : 1;
    }
    return 0;
}

/// The mantissa magnitude a correct implementation must produce for the exact
/// quotient N / B (N, B > 0), given the truncated candidate Q it returned.
/// Verifies Q * B <= N < (Q + 1) * B and applies @p mode from first principles.
bool expectedRounding(const Digits &n, const Digits &b, const Digits &q, RoundingMode mode, bool negative,
                      bool *awayFromZero)
{
    const Digits qb = multiply(q, b);
    if (compare(qb, n) > 0 || compare(add(qb, b), n) <= 0)
        return false; // q is not the truncated quotient
    const bool exact = compare(qb, n) == 0;
    // Sign of 2N - (2Q + 1) * B: where the exact value lies against the midpoint.
    const int half = compare(multiply(n, smallNumber(2)), add(multiply(qb, smallNumber(2)), b));
    const bool odd = !q.empty() && q.front() % 2 == 1;
    switch (mode) {
    case RoundingMode::Down:
        *awayFromZero = false;
        break;
    case RoundingMode::Up:
        *awayFromZero = !exact;
        break;
    case RoundingMode::Floor:
        *awayFromZero = !exact && negative;
        break;
    case RoundingMode::Ceiling:
        *awayFromZero = !exact && !negative;
        break;
    case RoundingMode::HalfUp:
        *awayFromZero = half >= 0;
        break;
    case RoundingMode::HalfEven:
        *awayFromZero = half > 0 || (half == 0 && odd);
        break;
    }
    return true;
}

/// A random Decimal across the whole range: either a random decimal string or a
/// random mantissa of random bit length.
Decimal randomDecimal(QRandomGenerator &rng, int maxIntDigits)
{
    if (rng.bounded(2) == 0) {
        const int intDigits = rng.bounded(maxIntDigits + 1);
        const int fracDigits = rng.bounded(Decimal::kScale + 1);
        QString text = rng.bounded(2) == 0 ? u"-"_s : QString();
        text += intDigits == 0 ? u"0"_s : QString();
        for (int i = 0; i < intDigits; ++i)
            text += QChar(u'0' + static_cast<char16_t>(rng.bounded(10)));
        if (fracDigits > 0)
            text += u'.';
        for (int i = 0; i < fracDigits; ++i)
            text += QChar(u'0' + static_cast<char16_t>(rng.bounded(10)));
        return num(text);
    }
    // Mantissas below 2^maxBits stay below 10^maxIntDigits in value.
    const int maxBits = std::min(126, (maxIntDigits + Decimal::kScale) * 3321928 / 1000000);
    const int bits = 1 + rng.bounded(maxBits);
    UInt128 mantissa = (static_cast<UInt128>(rng.generate64()) << 64) | rng.generate64();
    mantissa &= (static_cast<UInt128>(1) << bits) - 1;
    const auto raw = static_cast<Int128>(mantissa);
    return Decimal::fromRaw(rng.bounded(2) == 0 ? -raw : raw);
}

Decimal randomPositiveStep(QRandomGenerator &rng)
{
    Decimal step;
    while (step.isZero())
        step = randomDecimal(rng, 4).abs().rounded(static_cast<int>(rng.bounded(Decimal::kScale + 1)));
    return step;
}

} // namespace

class TestDecimal : public QObject
{
    Q_OBJECT

private slots:
    void parse_data();
    void parse();
    void parseRejects_data();
    void parseRejects();
    void parseErrorMessages_data();
    void parseErrorMessages();
    void parseExponent_data();
    void parseExponent();
    void fromInt();
    void decLiteral();

    void toFixed_data();
    void toFixed();
    void toDouble_data();
    void toDouble();
    void fromDouble_data();
    void fromDouble();
    void fromDoubleRejects_data();
    void fromDoubleRejects();

    void addSub_data();
    void addSub();
    void pointOnePlusPointTwo();
    void mul_data();
    void mul();
    void div_data();
    void div();
    void overflow_data();
    void overflow();
    void divisionByZero();
    void largeValues();

    void rounded_data();
    void rounded();
    void steps_data();
    void steps();
    void roundToTick_data();
    void roundToTick();
    void nonPositiveStep();
    void isMultipleOf_data();
    void isMultipleOf();
    void scale_data();
    void scale();
    void absAndNegation();
    void ordering_data();
    void ordering();

    void randomizedIdentities();
    void randomizedMulDivAgainstSchoolbook();
};

void TestDecimal::parse_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("expected");

    QTest::newRow("trailing zeros") << u"0.00100000"_s << u"0.001"_s;
    QTest::newRow("exchange price") << u"4723846.89208129"_s << u"4723846.89208129"_s;
    QTest::newRow("negative fraction") << u"-0.5"_s << u"-0.5"_s;
    QTest::newRow("padded both sides") << u"000012.3400"_s << u"12.34"_s;
    QTest::newRow("18 fractional digits") << u"0.123456789012345678"_s << u"0.123456789012345678"_s;
    QTest::newRow("smallest unit") << u"0.000000000000000001"_s << u"0.000000000000000001"_s;
    QTest::newRow("extra zero digits") << u"1.0000000000000000000000"_s << u"1"_s;
    QTest::newRow("plus sign") << u"+3"_s << u"3"_s;
    QTest::newRow("integer") << u"-12"_s << u"-12"_s;
    QTest::newRow("zero") << u"0"_s << u"0"_s;
    QTest::newRow("negative zero") << u"-0"_s << u"0"_s;
    QTest::newRow("negative zero fraction") << u"-0.000"_s << u"0"_s;
    QTest::newRow("leading zeros only") << u"0000"_s << u"0"_s;
    QTest::newRow("wei amount") << u"12345.678901234567890123"_s << u"12345.678901234567890123"_s;
    QTest::newRow("1e15 with 18 decimals")
        << u"999999999999999.999999999999999999"_s << u"999999999999999.999999999999999999"_s;
    QTest::newRow("maximum") << kMax << kMax;
    QTest::newRow("minimum") << u"-"_s + kMax << u"-"_s + kMax;
    QTest::newRow("many leading zeros") << u"0000000000000000000000000000000000000000000001.5"_s << u"1.5"_s;
}

void TestDecimal::parse()
{
    QFETCH(QString, text);
    QFETCH(QString, expected);

    const auto result = Decimal::parse(text);
    QVERIFY2(result.ok(), qPrintable(messageOf(result)));
    QCOMPARE(result->toString(), expected);

    const auto reparsed = Decimal::parse(expected);
    QVERIFY(reparsed.ok());
    QCOMPARE(*reparsed, *result);
}

void TestDecimal::parseRejects_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<bool>("allowExponent");
    QTest::addColumn<QString>("code");

    const QString syntax = u"decimal.syntax"_s;
    QTest::newRow("empty") << QString() << false << syntax;
    QTest::newRow("leading space") << u" 1"_s << false << syntax;
    QTest::newRow("trailing space") << u"1 "_s << false << syntax;
    QTest::newRow("newline") << u"1\n"_s << false << syntax;
    QTest::newRow("comma") << u"1,5"_s << false << syntax;
    QTest::newRow("thousands separator") << u"1,000.5"_s << false << syntax;
    QTest::newRow("underscore") << u"1_000"_s << false << syntax;
    QTest::newRow("two points") << u"1.2.3"_s << false << syntax;
    QTest::newRow("letters") << u"abc"_s << false << syntax;
    QTest::newRow("double sign") << u"--1"_s << false << syntax;
    QTest::newRow("sign only") << u"-"_s << false << syntax;
    QTest::newRow("no leading digit") << u".5"_s << false << syntax;
    QTest::newRow("no trailing digit") << u"5."_s << false << syntax;
    QTest::newRow("hex") << u"0x10"_s << false << syntax;
    QTest::newRow("arabic-indic digit") << u"\u0663"_s << false << syntax;
    QTest::newRow("infinity") << u"inf"_s << true << syntax;
    QTest::newRow("exponent without digits") << u"1e"_s << true << syntax;
    QTest::newRow("exponent sign only") << u"1e+"_s << true << syntax;
    QTest::newRow("exponent junk") << u"1e5x"_s << true << syntax;
    QTest::newRow("exponent without flag") << u"1e-8"_s << false << u"decimal.exponent"_s;
    QTest::newRow("capital exponent without flag") << u"1.5E+3"_s << false << u"decimal.exponent"_s;
    QTest::newRow("19 fractional digits") << u"0.1234567890123456789"_s << false << u"decimal.precision"_s;
    QTest::newRow("19th digit non-zero") << u"1.0000000000000000001"_s << false << u"decimal.precision"_s;
    QTest::newRow("exponent inexact") << u"1e-19"_s << true << u"decimal.precision"_s;
    QTest::newRow("exponent inexact fraction") << u"1.5e-18"_s << true << u"decimal.precision"_s;
    QTest::newRow("1e21 written out") << u"1000000000000000000000"_s << false << u"decimal.overflow"_s;
    QTest::newRow("1e21") << u"1e21"_s << true << u"decimal.overflow"_s;
    QTest::newRow("huge exponent") << u"1e99999999999999999999"_s << true << u"decimal.overflow"_s;
    QTest::newRow("just above maximum") << u"170141183460469231731.687303715884105728"_s << false
                                        << u"decimal.overflow"_s;
    QTest::newRow("just below minimum") << u"-170141183460469231731.687303715884105728"_s << false
                                        << u"decimal.overflow"_s;
    QTest::newRow("40 digits") << u"1234567890123456789012345678901234567890"_s << false << u"decimal.overflow"_s;
}

void TestDecimal::parseRejects()
{
    QFETCH(QString, text);
    QFETCH(bool, allowExponent);
    QFETCH(QString, code);

    const auto result = Decimal::parse(text, allowExponent);
    QVERIFY(!result.ok());
    QCOMPARE(result.error().code, code);
    QVERIFY(!result.error().message.isEmpty());
    QVERIFY(!result.error().message.contains(u'\n'));
}

void TestDecimal::parseErrorMessages_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<bool>("allowExponent");
    QTest::addColumn<QString>("message");

    QTest::newRow("comma") << u"1,5"_s << false << u"not a decimal number: \"1,5\" (character 2)"_s;
    QTest::newRow("empty") << QString() << false << u"not a decimal number: \"\" (empty)"_s;
    QTest::newRow("second point") << u"1.2.3"_s << false << u"not a decimal number: \"1.2.3\" (character 4)"_s;
    QTest::newRow("no leading digit") << u".5"_s << false
                                      << u"not a decimal number: \".5\" (a digit must precede the decimal point)"_s;
    QTest::newRow("no trailing digit") << u"5."_s << false
                                       << u"not a decimal number: \"5.\" (a digit must follow the decimal point)"_s;
    QTest::newRow("control character") << u"1\n2"_s << false << u"not a decimal number: \"1\\u000a2\" (character 2)"_s;
    QTest::newRow("exponent") << u"1e-8"_s << false << u"exponent notation not accepted: \"1e-8\" (character 2)"_s;
    QTest::newRow("precision") << u"0.1234567890123456789"_s << false
                               << u"more than 18 fractional digits: \"0.1234567890123456789\""_s;
    QTest::newRow("range") << u"1e21"_s << true << u"out of range: \"1e21\""_s;
    QTest::newRow("long text is cut") << QString(100, u'x') << false
                                      << u"not a decimal number: \""_s + QString(64, u'x') + u"...\" (character 1)"_s;
}

void TestDecimal::parseErrorMessages()
{
    QFETCH(QString, text);
    QFETCH(bool, allowExponent);
    QFETCH(QString, message);

    const auto result = Decimal::parse(text, allowExponent);
    QVERIFY(!result.ok());
    QCOMPARE(result.error().message, message);
}

void TestDecimal::parseExponent_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("expected");

    QTest::newRow("1e-8") << u"1e-8"_s << u"0.00000001"_s;
    QTest::newRow("1.5E+3") << u"1.5E+3"_s << u"1500"_s;
    QTest::newRow("e0") << u"7e0"_s << u"7"_s;
    QTest::newRow("no exponent") << u"2.5"_s << u"2.5"_s;
    QTest::newRow("negative") << u"-2.5e-3"_s << u"-0.0025"_s;
    QTest::newRow("smallest unit") << u"1e-18"_s << u"0.000000000000000001"_s;
    QTest::newRow("extra zeros cancel") << u"1.000000000000000000000e-18"_s << u"0.000000000000000001"_s;
    QTest::newRow("trailing zeros shift") << u"100000000000000000000e-38"_s << u"0.000000000000000001"_s;
    QTest::newRow("large") << u"1.23e20"_s << u"123000000000000000000"_s;
    QTest::newRow("zero with huge exponent") << u"0e999"_s << u"0"_s;
    QTest::newRow("18 digits via exponent") << u"12345678901234567890123e-18"_s << u"12345.678901234567890123"_s;
}

void TestDecimal::parseExponent()
{
    QFETCH(QString, text);
    QFETCH(QString, expected);

    const auto result = Decimal::parse(text, true);
    QVERIFY2(result.ok(), qPrintable(messageOf(result)));
    QCOMPARE(result->toString(), expected);
}

void TestDecimal::fromInt()
{
    QCOMPARE(Decimal::fromInt(0), Decimal());
    QCOMPARE(Decimal::fromInt(42).toString(), u"42"_s);
    QCOMPARE(Decimal::fromInt(-7), dec("-7"));
    QCOMPARE(Decimal::fromInt(std::numeric_limits<std::int64_t>::min()).toString(), u"-9223372036854775808"_s);
    QCOMPARE(Decimal::fromInt(std::numeric_limits<std::int64_t>::max()).toString(), u"9223372036854775807"_s);
}

void TestDecimal::decLiteral()
{
    QCOMPARE(dec("1.25").raw(), static_cast<Int128>(1250000000000000000LL));
    QVERIFY_THROWS_EXCEPTION(DecimalError, dec("1,5"));
    QVERIFY_THROWS_EXCEPTION(DecimalError, dec("1e-8"));
    try {
        dec("");
        QFAIL("dec(\"\") did not throw");
    } catch (const DecimalError &e) {
        QCOMPARE(e.code(), u"decimal.syntax"_s);
        QCOMPARE(QString::fromStdString(e.what()), u"not a decimal number: \"\" (empty)"_s);
    }
}

void TestDecimal::toFixed_data()
{
    QTest::addColumn<QString>("value");
    QTest::addColumn<int>("decimals");
    QTest::addColumn<RoundingMode>("mode");
    QTest::addColumn<QString>("expected");

    QTest::newRow("pad") << u"1.5"_s << 4 << RoundingMode::HalfEven << u"1.5000"_s;
    QTest::newRow("pad integer") << u"12"_s << 2 << RoundingMode::HalfEven << u"12.00"_s;
    QTest::newRow("zero") << u"0"_s << 3 << RoundingMode::HalfEven << u"0.000"_s;
    QTest::newRow("no decimals") << u"12"_s << 0 << RoundingMode::HalfEven << u"12"_s;
    QTest::newRow("tie to even") << u"2.345"_s << 2 << RoundingMode::HalfEven << u"2.34"_s;
    QTest::newRow("tie up") << u"2.345"_s << 2 << RoundingMode::HalfUp << u"2.35"_s;
    QTest::newRow("negative tie up") << u"-1.005"_s << 2 << RoundingMode::HalfUp << u"-1.01"_s;
    QTest::newRow("negative floor") << u"-1.001"_s << 2 << RoundingMode::Floor << u"-1.01"_s;
    QTest::newRow("never minus zero") << u"-0.001"_s << 2 << RoundingMode::HalfEven << u"0.00"_s;
    QTest::newRow("minus zero to integer") << u"-0.4"_s << 0 << RoundingMode::HalfEven << u"0"_s;
    QTest::newRow("carry into integer") << u"9.999"_s << 2 << RoundingMode::HalfUp << u"10.00"_s;
    QTest::newRow("all 18") << u"0.000000000000000001"_s << 18 << RoundingMode::HalfEven << u"0.000000000000000001"_s;
    QTest::newRow("maximum rounds past range") << kMax << 0 << RoundingMode::HalfEven << u"170141183460469231732"_s;
    QTest::newRow("minimum") << u"-"_s + kMax << 3 << RoundingMode::Down << u"-170141183460469231731.687"_s;
}

void TestDecimal::toFixed()
{
    QFETCH(QString, value);
    QFETCH(int, decimals);
    QFETCH(RoundingMode, mode);
    QFETCH(QString, expected);

    QCOMPARE(num(value).toFixed(decimals, mode), expected);
}

void TestDecimal::toDouble_data()
{
    QTest::addColumn<QString>("value");
    QTest::addColumn<double>("expected");

    QTest::newRow("0.1") << u"0.1"_s << 0.1;
    QTest::newRow("0.3") << u"0.3"_s << 0.3;
    QTest::newRow("price") << u"43210.12"_s << 43210.12;
    QTest::newRow("exchange price") << u"4723846.89208129"_s << 4723846.89208129;
    QTest::newRow("negative") << u"-0.5"_s << -0.5;
    QTest::newRow("zero") << u"0"_s << 0.0;
    QTest::newRow("smallest unit") << u"0.000000000000000001"_s << 1e-18;
    QTest::newRow("integer") << u"123456789"_s << 123456789.0;
    QTest::newRow("1e15 with 18 decimals") << u"999999999999999.999999999999999999"_s << 1e15;
    QTest::newRow("maximum") << kMax << 170141183460469231731.687303715884105727;
}

void TestDecimal::toDouble()
{
    QFETCH(QString, value);
    QFETCH(double, expected);

    // Compared as 17 significant digits: QCOMPARE on doubles is fuzzy.
    QCOMPARE(QString::number(num(value).toDouble(), 'g', 17), QString::number(expected, 'g', 17));
}

void TestDecimal::fromDouble_data()
{
    QTest::addColumn<double>("value");
    QTest::addColumn<int>("decimals");
    QTest::addColumn<RoundingMode>("mode");
    QTest::addColumn<QString>("expected");

    QTest::newRow("0.1") << 0.1 << 8 << RoundingMode::HalfEven << u"0.1"_s;
    QTest::newRow("0.3 floor") << 0.3 << 18 << RoundingMode::Floor << u"0.3"_s;
    QTest::newRow("0.1 + 0.2") << 0.1 + 0.2 << 8 << RoundingMode::HalfEven << u"0.3"_s;
    QTest::newRow("0.1 + 0.2 all digits") << 0.1 + 0.2 << 18 << RoundingMode::HalfEven << u"0.30000000000000004"_s;
    QTest::newRow("price") << 43210.123456789 << 2 << RoundingMode::HalfEven << u"43210.12"_s;
    QTest::newRow("price ceiling") << 43210.123456789 << 2 << RoundingMode::Ceiling << u"43210.13"_s;
    QTest::newRow("decimal tie") << 2.675 << 2 << RoundingMode::HalfEven << u"2.68"_s;
    QTest::newRow("binary tie even") << 0.125 << 2 << RoundingMode::HalfEven << u"0.12"_s;
    QTest::newRow("binary tie up") << 0.125 << 2 << RoundingMode::HalfUp << u"0.13"_s;
    QTest::newRow("negative tie even") << -2.5 << 0 << RoundingMode::HalfEven << u"-2"_s;
    QTest::newRow("negative floor") << -2.5 << 0 << RoundingMode::Floor << u"-3"_s;
    QTest::newRow("satoshi") << 1e-8 << 8 << RoundingMode::HalfEven << u"0.00000001"_s;
    QTest::newRow("below half unit") << 4e-9 << 8 << RoundingMode::HalfEven << u"0"_s;
    QTest::newRow("below unit ceiling") << 4e-9 << 8 << RoundingMode::Ceiling << u"0.00000001"_s;
    QTest::newRow("below unit floor negative") << -4e-9 << 8 << RoundingMode::Floor << u"-0.00000001"_s;
    QTest::newRow("denormal up") << 5e-324 << 18 << RoundingMode::Up << u"0.000000000000000001"_s;
    QTest::newRow("denormal half even") << 5e-324 << 18 << RoundingMode::HalfEven << u"0"_s;
    QTest::newRow("negative zero") << -0.0 << 8 << RoundingMode::HalfEven << u"0"_s;
    QTest::newRow("17 digits") << 123456789.12345679 << 18 << RoundingMode::HalfEven << u"123456789.12345679"_s;
    QTest::newRow("large") << 1e20 << 0 << RoundingMode::HalfEven << u"100000000000000000000"_s;
    QTest::newRow("integer decimals 0") << 1234.5678 << 0 << RoundingMode::Down << u"1234"_s;
}

void TestDecimal::fromDouble()
{
    QFETCH(double, value);
    QFETCH(int, decimals);
    QFETCH(RoundingMode, mode);
    QFETCH(QString, expected);

    const auto result = Decimal::fromDouble(value, decimals, mode);
    QVERIFY2(result.ok(), qPrintable(messageOf(result)));
    QCOMPARE(result->toString(), expected);
}

void TestDecimal::fromDoubleRejects_data()
{
    QTest::addColumn<double>("value");
    QTest::addColumn<int>("decimals");
    QTest::addColumn<QString>("code");

    QTest::newRow("nan") << std::numeric_limits<double>::quiet_NaN() << 8 << u"decimal.not_finite"_s;
    QTest::newRow("inf") << std::numeric_limits<double>::infinity() << 8 << u"decimal.not_finite"_s;
    QTest::newRow("-inf") << -std::numeric_limits<double>::infinity() << 8 << u"decimal.not_finite"_s;
    QTest::newRow("1e21") << 1e21 << 0 << u"decimal.overflow"_s;
    QTest::newRow("-1e300") << -1e300 << 2 << u"decimal.overflow"_s;
    QTest::newRow("max double") << std::numeric_limits<double>::max() << 18 << u"decimal.overflow"_s;
    QTest::newRow("19 decimals") << 1.5 << 19 << u"decimal.precision"_s;
    QTest::newRow("negative decimals") << 1.5 << -1 << u"decimal.precision"_s;
}

void TestDecimal::fromDoubleRejects()
{
    QFETCH(double, value);
    QFETCH(int, decimals);
    QFETCH(QString, code);

    const auto result = Decimal::fromDouble(value, decimals);
    QVERIFY(!result.ok());
    QCOMPARE(result.error().code, code);
}

void TestDecimal::addSub_data()
{
    QTest::addColumn<QString>("a");
    QTest::addColumn<QString>("b");
    QTest::addColumn<QString>("sum");
    QTest::addColumn<QString>("difference");

    QTest::newRow("tenths") << u"0.1"_s << u"0.2"_s << u"0.3"_s << u"-0.1"_s;
    QTest::newRow("mixed signs") << u"-12.5"_s << u"3.25"_s << u"-9.25"_s << u"-15.75"_s;
    QTest::newRow("cancel") << u"4723846.89208129"_s << u"-4723846.89208129"_s << u"0"_s << u"9447693.78416258"_s;
    QTest::newRow("smallest units") << u"0.000000000000000001"_s << u"0.000000000000000002"_s
                                    << u"0.000000000000000003"_s << u"-0.000000000000000001"_s;
    QTest::newRow("carry") << u"0.999999999999999999"_s << u"0.000000000000000001"_s << u"1"_s
                           << u"0.999999999999999998"_s;
}

void TestDecimal::addSub()
{
    QFETCH(QString, a);
    QFETCH(QString, b);
    QFETCH(QString, sum);
    QFETCH(QString, difference);

    QCOMPARE((num(a) + num(b)).toString(), sum);
    QCOMPARE((num(a) - num(b)).toString(), difference);
    QCOMPARE(num(a).add(num(b)).value(), num(sum));
    QCOMPARE(num(a).sub(num(b)).value(), num(difference));

    Decimal accumulator = num(a);
    accumulator += num(b);
    QCOMPARE(accumulator, num(sum));
    accumulator -= num(b);
    QCOMPARE(accumulator, num(a));
}

void TestDecimal::pointOnePlusPointTwo()
{
    QCOMPARE(dec("0.1") + dec("0.2"), dec("0.3"));
    QCOMPARE((dec("0.1") + dec("0.2")).toString(), u"0.3"_s);
}

void TestDecimal::mul_data()
{
    QTest::addColumn<QString>("a");
    QTest::addColumn<QString>("b");
    QTest::addColumn<RoundingMode>("mode");
    QTest::addColumn<QString>("expected");

    QTest::newRow("1e15 x 1e-18") << u"1000000000000000"_s << u"0.000000000000000001"_s << RoundingMode::HalfEven
                                  << u"0.001"_s;
    QTest::newRow("price x qty") << u"43210.12"_s << u"1.5"_s << RoundingMode::HalfEven << u"64815.18"_s;
    QTest::newRow("negative x negative") << u"-2.5"_s << u"-4"_s << RoundingMode::HalfEven << u"10"_s;
    QTest::newRow("by zero") << u"-2.5"_s << u"0"_s << RoundingMode::Up << u"0"_s;
    QTest::newRow("by one") << kMax << u"1"_s << RoundingMode::Up << kMax;
    QTest::newRow("by minus one") << kMax << u"-1"_s << RoundingMode::Up << u"-"_s + kMax;

    // Expected values from Python's decimal module (exact product, quantize 1e-18).
    addModeRows("18-digit fractions", u"0.123456789012345678"_s, u"0.987654321098765432"_s,
                {u"0.121932631137021794"_s, u"0.121932631137021795"_s, u"0.121932631137021794"_s,
                 u"0.121932631137021795"_s, u"0.121932631137021794"_s, u"0.121932631137021794"_s});
    addModeRows("negative 18-digit fractions", u"-0.123456789012345678"_s, u"0.987654321098765432"_s,
                {u"-0.121932631137021794"_s, u"-0.121932631137021795"_s, u"-0.121932631137021795"_s,
                 u"-0.121932631137021794"_s, u"-0.121932631137021794"_s, u"-0.121932631137021794"_s});
    addModeRows("nines squared", u"0.999999999999999999"_s, u"0.999999999999999999"_s,
                {u"0.999999999999999998"_s, u"0.999999999999999999"_s, u"0.999999999999999998"_s,
                 u"0.999999999999999999"_s, u"0.999999999999999998"_s, u"0.999999999999999998"_s});
    addModeRows("wide product", u"123456.789012345678"_s, u"98765.432109876543"_s,
                {u"12193263113.702179407559823419"_s, u"12193263113.70217940755982342"_s,
                 u"12193263113.702179407559823419"_s, u"12193263113.70217940755982342"_s,
                 u"12193263113.70217940755982342"_s, u"12193263113.70217940755982342"_s});
    addModeRows("negative wide product", u"-4723846.89208129"_s, u"0.000123456789012345"_s,
                {u"-583.19096908230148026"_s, u"-583.190969082301480261"_s, u"-583.190969082301480261"_s,
                 u"-583.19096908230148026"_s, u"-583.190969082301480261"_s, u"-583.190969082301480261"_s});
    addModeRows("near 1e15", u"999999999999999.999999999999999999"_s, u"1.000000000000000001"_s,
                {u"1000000000000000.000999999999999998"_s, u"1000000000000000.000999999999999999"_s,
                 u"1000000000000000.000999999999999998"_s, u"1000000000000000.000999999999999999"_s,
                 u"1000000000000000.000999999999999999"_s, u"1000000000000000.000999999999999999"_s});
    addModeRows(
        "tie below unit", u"0.5"_s, u"0.000000000000000001"_s,
        {u"0"_s, u"0.000000000000000001"_s, u"0"_s, u"0.000000000000000001"_s, u"0.000000000000000001"_s, u"0"_s});
    addModeRows("tie to even up", u"0.5"_s, u"0.000000000000000003"_s,
                {u"0.000000000000000001"_s, u"0.000000000000000002"_s, u"0.000000000000000001"_s,
                 u"0.000000000000000002"_s, u"0.000000000000000002"_s, u"0.000000000000000002"_s});
    addModeRows("negative tie", u"-0.5"_s, u"0.000000000000000003"_s,
                {u"-0.000000000000000001"_s, u"-0.000000000000000002"_s, u"-0.000000000000000002"_s,
                 u"-0.000000000000000001"_s, u"-0.000000000000000002"_s, u"-0.000000000000000002"_s});
}

void TestDecimal::mul()
{
    QFETCH(QString, a);
    QFETCH(QString, b);
    QFETCH(RoundingMode, mode);
    QFETCH(QString, expected);

    const auto product = num(a).mul(num(b), mode);
    QVERIFY2(product.ok(), qPrintable(messageOf(product)));
    QCOMPARE(product->toString(), expected);
    QCOMPARE(num(b).mul(num(a), mode).value(), *product);
    if (mode == RoundingMode::HalfEven)
        QCOMPARE(num(a) * num(b), *product);
}

void TestDecimal::div_data()
{
    QTest::addColumn<QString>("a");
    QTest::addColumn<QString>("b");
    QTest::addColumn<RoundingMode>("mode");
    QTest::addColumn<QString>("expected");

    const QString third = u"0.333333333333333333"_s;
    const QString thirdUp = u"0.333333333333333334"_s;
    const QString twoThirds = u"0.666666666666666666"_s;
    const QString twoThirdsUp = u"0.666666666666666667"_s;
    const auto neg = [](const QString &s) -> QString { return u"-"_s + s; };

    addModeRows("1/3", u"1"_s, u"3"_s, {third, thirdUp, third, thirdUp, third, third});
    addModeRows("2/3", u"2"_s, u"3"_s, {twoThirds, twoThirdsUp, twoThirds, twoThirdsUp, twoThirdsUp, twoThirdsUp});
    addModeRows("-1/3", u"-1"_s, u"3"_s, {neg(third), neg(thirdUp), neg(thirdUp), neg(third), neg(third), neg(third)});
    addModeRows(
        "2/-3", u"2"_s, u"-3"_s,
        {neg(twoThirds), neg(twoThirdsUp), neg(twoThirdsUp), neg(twoThirds), neg(twoThirdsUp), neg(twoThirdsUp)});
    addModeRows(
        "tie below unit", u"0.000000000000000001"_s, u"2"_s,
        {u"0"_s, u"0.000000000000000001"_s, u"0"_s, u"0.000000000000000001"_s, u"0.000000000000000001"_s, u"0"_s});
    addModeRows("negative tie", u"-0.000000000000000005"_s, u"2"_s,
                {u"-0.000000000000000002"_s, u"-0.000000000000000003"_s, u"-0.000000000000000003"_s,
                 u"-0.000000000000000002"_s, u"-0.000000000000000003"_s, u"-0.000000000000000002"_s});

    // Divisors of at most 8 decimals above 2^64 units (18.45), as lot
    // quantities are: worked by hand, 1 / 30 = 0.0333... and
    // 1000 / 20.5 = 48.780487804878048780 4878...
    const QString thirtieth = u"0.033333333333333333"_s;
    const QString thirtiethUp = u"0.033333333333333334"_s;
    addModeRows("1/30", u"1"_s, u"30"_s, {thirtieth, thirtiethUp, thirtieth, thirtiethUp, thirtieth, thirtieth});
    addModeRows("-1000/20.5", u"-1000"_s, u"20.5"_s,
                {u"-48.78048780487804878"_s, u"-48.780487804878048781"_s, u"-48.780487804878048781"_s,
                 u"-48.78048780487804878"_s, u"-48.78048780487804878"_s, u"-48.78048780487804878"_s});
    addModeRows("exact by 40", u"2"_s, u"40"_s, {u"0.05"_s, u"0.05"_s, u"0.05"_s, u"0.05"_s, u"0.05"_s, u"0.05"_s});

    // Expected values from Python's decimal module (quantize 1e-18).
    addModeRows("wide quotient", u"123456.789012345678"_s, u"98765.432109876543"_s,
                {u"1.249999988609374993"_s, u"1.249999988609374994"_s, u"1.249999988609374993"_s,
                 u"1.249999988609374994"_s, u"1.249999988609374994"_s, u"1.249999988609374994"_s});
    addModeRows("maximum by large", kMax, u"98765432109876543210.123456789"_s,
                {u"1.722679482343449529"_s, u"1.72267948234344953"_s, u"1.722679482343449529"_s,
                 u"1.72267948234344953"_s, u"1.72267948234344953"_s, u"1.72267948234344953"_s});
    addModeRows("1/0.999...", u"1"_s, u"0.999999999999999999"_s,
                {u"1.000000000000000001"_s, u"1.000000000000000002"_s, u"1.000000000000000001"_s,
                 u"1.000000000000000002"_s, u"1.000000000000000001"_s, u"1.000000000000000001"_s});
    addModeRows("100/7", u"100"_s, u"7"_s,
                {u"14.285714285714285714"_s, u"14.285714285714285715"_s, u"14.285714285714285714"_s,
                 u"14.285714285714285715"_s, u"14.285714285714285714"_s, u"14.285714285714285714"_s});
    QTest::newRow("by tiny") << u"-7"_s << u"0.000000000000000002"_s << RoundingMode::HalfEven
                             << u"-3500000000000000000"_s;
    QTest::newRow("exact") << u"43210.12"_s << u"0.01"_s << RoundingMode::Down << u"4321012"_s;
    QTest::newRow("zero dividend") << u"0"_s << u"-3"_s << RoundingMode::Up << u"0"_s;
}

void TestDecimal::div()
{
    QFETCH(QString, a);
    QFETCH(QString, b);
    QFETCH(RoundingMode, mode);
    QFETCH(QString, expected);

    const auto quotient = num(a).div(num(b), mode);
    QVERIFY2(quotient.ok(), qPrintable(messageOf(quotient)));
    QCOMPARE(quotient->toString(), expected);
    if (mode == RoundingMode::HalfEven)
        QCOMPARE(num(a) / num(b), *quotient);
}

void TestDecimal::overflow_data()
{
    QTest::addColumn<QString>("a");
    QTest::addColumn<QString>("b");
    QTest::addColumn<char>("op");

    QTest::newRow("1e15 * 1e15") << u"1000000000000000"_s << u"1000000000000000"_s << '*';
    QTest::newRow("max * -1.000000000000000001") << kMax << u"-1.000000000000000001"_s << '*';
    QTest::newRow("huge * huge") << kMax << kMax << '*';
    QTest::newRow("max + unit") << kMax << u"0.000000000000000001"_s << '+';
    QTest::newRow("-max - unit") << u"-"_s + kMax << u"0.000000000000000001"_s << '-';
    QTest::newRow("max - -max") << kMax << u"-"_s + kMax << '-';
    QTest::newRow("max / 0.1") << kMax << u"0.1"_s << '/';
    QTest::newRow("1e15 / -7e-18") << u"999999999999999.999999999999999999"_s << u"-0.000000000000000007"_s << '/';
    QTest::newRow("max / unit") << kMax << u"0.000000000000000001"_s << '/';
}

void TestDecimal::overflow()
{
    QFETCH(QString, a);
    QFETCH(QString, b);
    QFETCH(char, op);

    const Decimal x = num(a);
    const Decimal y = num(b);
    ballast::Result<Decimal> result = Decimal();
    switch (op) {
    case '+':
        result = x.add(y);
        QVERIFY_THROWS_EXCEPTION(DecimalError, x + y);
        break;
    case '-':
        result = x.sub(y);
        QVERIFY_THROWS_EXCEPTION(DecimalError, x - y);
        break;
    case '*':
        result = x.mul(y, RoundingMode::Down);
        QVERIFY_THROWS_EXCEPTION(DecimalError, x * y);
        break;
    case '/':
        result = x.div(y, RoundingMode::Down);
        QVERIFY_THROWS_EXCEPTION(DecimalError, x / y);
        break;
    }
    QVERIFY(!result.ok());
    QCOMPARE(result.error().code, u"decimal.overflow"_s);
    // The message names both operands.
    QVERIFY2(result.error().message.contains(x.toString() + u' ' + QChar::fromLatin1(op) + u' ' + y.toString()),
             qPrintable(messageOf(result)));

    try {
        Decimal accumulator = x;
        if (op == '+')
            accumulator += y;
        else if (op == '-')
            accumulator -= y;
        else
            accumulator = op == '*' ? x * y : x / y;
        QFAIL("no DecimalError thrown");
    } catch (const DecimalError &e) {
        QCOMPARE(e.code(), u"decimal.overflow"_s);
        QCOMPARE(QString::fromStdString(e.what()), result.error().message);
    }
}

void TestDecimal::divisionByZero()
{
    for (const Decimal &dividend : {dec("1"), dec("0"), dec("-4723846.89208129")}) {
        for (const auto &[mode, name] : kModes) {
            const auto result = dividend.div(Decimal(), mode);
            QVERIFY(!result.ok());
            QCOMPARE(result.error().code, u"decimal.division_by_zero"_s);
        }
        QVERIFY_THROWS_EXCEPTION(DecimalError, dividend / Decimal());
    }
    try {
        (void)(dec("1") / dec("0"));
        QFAIL("no DecimalError thrown");
    } catch (const DecimalError &e) {
        QCOMPARE(e.code(), u"decimal.division_by_zero"_s);
    }
}

void TestDecimal::largeValues()
{
    const QString text = u"999999999999999.999999999999999999"_s;
    const auto parsed = Decimal::parse(text);
    QVERIFY(parsed.ok());
    QCOMPARE(parsed->toString(), text);
    QCOMPARE(parsed->scale(), 18);

    const Decimal next = *parsed + dec("0.000000000000000001");
    QCOMPARE(next.toString(), u"1000000000000000"_s);
    QCOMPARE(next - dec("0.000000000000000001"), *parsed);
    QCOMPARE((-*parsed).toString(), u"-"_s + text);
    QCOMPARE((*parsed * dec("2")).toString(), u"1999999999999999.999999999999999998"_s);
    QCOMPARE((*parsed / dec("2")).toString(), u"500000000000000"_s); // ...9999995 rounds half-even to ...0
    QCOMPARE(parsed->div(dec("2"), RoundingMode::Down)->toString(), u"499999999999999.999999999999999999"_s);

    // The extremes of the range are symmetric.
    QCOMPARE(num(kMax) + num(u"-"_s + kMax), Decimal());
    QCOMPARE(num(kMax).abs(), -num(u"-"_s + kMax));
}

void TestDecimal::rounded_data()
{
    QTest::addColumn<QString>("value");
    QTest::addColumn<int>("decimals");
    QTest::addColumn<RoundingMode>("mode");
    QTest::addColumn<QString>("expected");

    const auto rows = [](const char *name, const QString &value, int decimals, const std::array<QString, 6> &expected) {
        for (std::size_t i = 0; i < kModes.size(); ++i)
            QTest::addRow("%s %s", name, kModes[i].second) << value << decimals << kModes[i].first << expected[i];
    };
    //                                        Down      Up       Floor    Ceiling  HalfUp   HalfEven
    rows("-2.5", u"-2.5"_s, 0, {u"-2"_s, u"-3"_s, u"-3"_s, u"-2"_s, u"-3"_s, u"-2"_s});
    rows("2.5", u"2.5"_s, 0, {u"2"_s, u"3"_s, u"2"_s, u"3"_s, u"3"_s, u"2"_s});
    rows("-3.5", u"-3.5"_s, 0, {u"-3"_s, u"-4"_s, u"-4"_s, u"-3"_s, u"-4"_s, u"-4"_s});
    rows("3.5", u"3.5"_s, 0, {u"3"_s, u"4"_s, u"3"_s, u"4"_s, u"4"_s, u"4"_s});
    rows("-2.51", u"-2.51"_s, 0, {u"-2"_s, u"-3"_s, u"-3"_s, u"-2"_s, u"-3"_s, u"-3"_s});
    rows("-2.49", u"-2.49"_s, 0, {u"-2"_s, u"-3"_s, u"-3"_s, u"-2"_s, u"-2"_s, u"-2"_s});
    rows("-0.5", u"-0.5"_s, 0, {u"0"_s, u"-1"_s, u"-1"_s, u"0"_s, u"-1"_s, u"0"_s});
    rows("0.125 to cents", u"0.125"_s, 2, {u"0.12"_s, u"0.13"_s, u"0.12"_s, u"0.13"_s, u"0.13"_s, u"0.12"_s});
    rows("-0.135 to cents", u"-0.135"_s, 2, {u"-0.13"_s, u"-0.14"_s, u"-0.14"_s, u"-0.13"_s, u"-0.14"_s, u"-0.14"_s});
    rows("exact", u"-1.25"_s, 2, {u"-1.25"_s, u"-1.25"_s, u"-1.25"_s, u"-1.25"_s, u"-1.25"_s, u"-1.25"_s});
    rows("18 decimals unchanged", u"0.123456789012345678"_s, 18,
         {u"0.123456789012345678"_s, u"0.123456789012345678"_s, u"0.123456789012345678"_s, u"0.123456789012345678"_s,
          u"0.123456789012345678"_s, u"0.123456789012345678"_s});
    rows("unit at 17", u"-0.000000000000000001"_s, 17,
         {u"0"_s, u"-0.00000000000000001"_s, u"-0.00000000000000001"_s, u"0"_s, u"0"_s, u"0"_s});
}

void TestDecimal::rounded()
{
    QFETCH(QString, value);
    QFETCH(int, decimals);
    QFETCH(RoundingMode, mode);
    QFETCH(QString, expected);

    const Decimal result = num(value).rounded(decimals, mode);
    QCOMPARE(result.toString(), expected);
    QVERIFY(result.scale() <= decimals);
}

void TestDecimal::steps_data()
{
    QTest::addColumn<QString>("value");
    QTest::addColumn<QString>("step");
    QTest::addColumn<QString>("floor");
    QTest::addColumn<QString>("ceil");

    QTest::newRow("lot size") << u"0.123456789"_s << u"0.00001"_s << u"0.12345"_s << u"0.12346"_s;
    QTest::newRow("negative") << u"-0.123456789"_s << u"0.00001"_s << u"-0.12346"_s << u"-0.12345"_s;
    QTest::newRow("exact multiple") << u"1.5"_s << u"0.5"_s << u"1.5"_s << u"1.5"_s;
    QTest::newRow("negative exact multiple") << u"-1.5"_s << u"0.5"_s << u"-1.5"_s << u"-1.5"_s;
    QTest::newRow("odd step") << u"10"_s << u"3"_s << u"9"_s << u"12"_s;
    QTest::newRow("negative odd step") << u"-10"_s << u"3"_s << u"-12"_s << u"-9"_s;
    QTest::newRow("below one step") << u"0.3"_s << u"0.5"_s << u"0"_s << u"0.5"_s;
    QTest::newRow("negative below one step") << u"-0.3"_s << u"0.5"_s << u"-0.5"_s << u"0"_s;
    QTest::newRow("zero") << u"0"_s << u"0.01"_s << u"0"_s << u"0"_s;
    QTest::newRow("tick 0.05") << u"43210.123"_s << u"0.05"_s << u"43210.1"_s << u"43210.15"_s;
    QTest::newRow("unit step") << u"-0.123456789012345678"_s << u"0.000000000000000001"_s << u"-0.123456789012345678"_s
                               << u"-0.123456789012345678"_s;
}

void TestDecimal::steps()
{
    QFETCH(QString, value);
    QFETCH(QString, step);
    QFETCH(QString, floor);
    QFETCH(QString, ceil);

    QCOMPARE(num(value).floorToStep(num(step)).toString(), floor);
    QCOMPARE(num(value).ceilToStep(num(step)).toString(), ceil);
    QCOMPARE(num(value).roundToTick(num(step), RoundingMode::Floor).toString(), floor);
    QCOMPARE(num(value).roundToTick(num(step), RoundingMode::Ceiling).toString(), ceil);
}

void TestDecimal::roundToTick_data()
{
    QTest::addColumn<QString>("value");
    QTest::addColumn<QString>("tick");
    QTest::addColumn<RoundingMode>("mode");
    QTest::addColumn<QString>("expected");

    QTest::newRow("tie half even") << u"43210.125"_s << u"0.01"_s << RoundingMode::HalfEven << u"43210.12"_s;
    QTest::newRow("tie half up") << u"43210.125"_s << u"0.01"_s << RoundingMode::HalfUp << u"43210.13"_s;
    QTest::newRow("odd tie half even") << u"43210.135"_s << u"0.01"_s << RoundingMode::HalfEven << u"43210.14"_s;
    QTest::newRow("negative tie half even") << u"-43210.125"_s << u"0.01"_s << RoundingMode::HalfEven << u"-43210.12"_s;
    QTest::newRow("negative tie half up") << u"-43210.125"_s << u"0.01"_s << RoundingMode::HalfUp << u"-43210.13"_s;
    QTest::newRow("tick 0.05 tie even") << u"1.025"_s << u"0.05"_s << RoundingMode::HalfEven << u"1"_s;
    QTest::newRow("tick 0.05 tie odd") << u"1.075"_s << u"0.05"_s << RoundingMode::HalfEven << u"1.1"_s;
    QTest::newRow("tick 0.05 nearest") << u"1.026"_s << u"0.05"_s << RoundingMode::HalfEven << u"1.05"_s;
    QTest::newRow("tick 0.5 up") << u"-0.1"_s << u"0.5"_s << RoundingMode::Up << u"-0.5"_s;
    QTest::newRow("tick 0.5 down") << u"-0.9"_s << u"0.5"_s << RoundingMode::Down << u"-0.5"_s;
    QTest::newRow("tick 25") << u"137.5"_s << u"25"_s << RoundingMode::HalfEven << u"150"_s;
}

void TestDecimal::roundToTick()
{
    QFETCH(QString, value);
    QFETCH(QString, tick);
    QFETCH(RoundingMode, mode);
    QFETCH(QString, expected);

    const Decimal result = num(value).roundToTick(num(tick), mode);
    QCOMPARE(result.toString(), expected);
    QVERIFY(result.isMultipleOf(num(tick)));
}

void TestDecimal::nonPositiveStep()
{
    const Decimal value = dec("-1.2345");
    for (const Decimal &step : {Decimal(), dec("-0.01")}) {
        QCOMPARE(value.floorToStep(step), value);
        QCOMPARE(value.ceilToStep(step), value);
        QCOMPARE(value.roundToTick(step, RoundingMode::Up), value);
        QCOMPARE(value.isMultipleOf(step), false);
    }
    QVERIFY_THROWS_EXCEPTION(DecimalError, (void)num(kMax).ceilToStep(dec("1")));
}

void TestDecimal::isMultipleOf_data()
{
    QTest::addColumn<QString>("value");
    QTest::addColumn<QString>("step");
    QTest::addColumn<bool>("expected");

    QTest::newRow("lot") << u"0.12345"_s << u"0.00001"_s << true;
    QTest::newRow("not lot") << u"0.123456"_s << u"0.00001"_s << false;
    QTest::newRow("negative") << u"-1.5"_s << u"0.5"_s << true;
    QTest::newRow("negative not") << u"-1.6"_s << u"0.5"_s << false;
    QTest::newRow("zero") << u"0"_s << u"0.3"_s << true;
    QTest::newRow("odd step") << u"0.9"_s << u"0.3"_s << true;
    QTest::newRow("unit") << u"0.123456789012345678"_s << u"0.000000000000000001"_s << true;
    QTest::newRow("larger step") << u"1"_s << u"3"_s << false;
}

void TestDecimal::isMultipleOf()
{
    QFETCH(QString, value);
    QFETCH(QString, step);
    QFETCH(bool, expected);

    QCOMPARE(num(value).isMultipleOf(num(step)), expected);
}

void TestDecimal::scale_data()
{
    QTest::addColumn<QString>("value");
    QTest::addColumn<int>("scale");

    QTest::newRow("zero") << u"0"_s << 0;
    QTest::newRow("integer") << u"-42"_s << 0;
    QTest::newRow("0.001") << u"0.00100000"_s << 3;
    QTest::newRow("price") << u"4723846.89208129"_s << 8;
    QTest::newRow("negative") << u"-0.5"_s << 1;
    QTest::newRow("unit") << u"0.000000000000000001"_s << 18;
    QTest::newRow("large") << u"999999999999999.999999999999999999"_s << 18;
}

void TestDecimal::scale()
{
    QFETCH(QString, value);
    QFETCH(int, scale);

    QCOMPARE(num(value).scale(), scale);
}

void TestDecimal::absAndNegation()
{
    QCOMPARE(dec("-1.5").abs(), dec("1.5"));
    QCOMPARE(dec("1.5").abs(), dec("1.5"));
    QCOMPARE(Decimal().abs(), Decimal());
    QCOMPARE(-dec("1.5"), dec("-1.5"));
    QCOMPARE(-Decimal(), Decimal());
    QCOMPARE((-Decimal()).toString(), u"0"_s);
    QCOMPARE(Decimal::fromRaw(-1).toString(), u"-0.000000000000000001"_s);
    QVERIFY(dec("-0.1").isNegative());
    QVERIFY(dec("0.1").isPositive());
    QVERIFY(dec("-0").isZero());

    // The most negative mantissa is reachable only through fromRaw; negating it
    // would wrap, so it throws instead.
    const Decimal lowest = Decimal::fromRaw(std::numeric_limits<Int128>::min());
    QVERIFY_THROWS_EXCEPTION(DecimalError, -lowest);
    QVERIFY_THROWS_EXCEPTION(DecimalError, (void)lowest.abs());
}

void TestDecimal::ordering_data()
{
    QTest::addColumn<QString>("a");
    QTest::addColumn<QString>("b");
    QTest::addColumn<int>("expected");

    QTest::newRow("equal after normalising") << u"1.500"_s << u"1.5"_s << 0;
    QTest::newRow("zeros") << u"-0"_s << u"0.000"_s << 0;
    QTest::newRow("less") << u"0.1"_s << u"0.2"_s << -1;
    QTest::newRow("greater") << u"10"_s << u"9.999999999999999999"_s << 1;
    QTest::newRow("negative less") << u"-2"_s << u"-1.5"_s << -1;
    QTest::newRow("sign") << u"-0.000000000000000001"_s << u"0"_s << -1;
    QTest::newRow("extremes") << u"-"_s + kMax << kMax << -1;
}

void TestDecimal::ordering()
{
    QFETCH(QString, a);
    QFETCH(QString, b);
    QFETCH(int, expected);

    const Decimal x = num(a);
    const Decimal y = num(b);
    const auto order = x <=> y;
    QCOMPARE(order < 0, expected < 0);
    QCOMPARE(order == 0, expected == 0);
    QCOMPARE(order > 0, expected > 0);
    QCOMPARE(x == y, expected == 0);
    QCOMPARE(x != y, expected != 0);
    QCOMPARE(x < y, expected < 0);
    QCOMPARE(x <= y, expected <= 0);
    QCOMPARE(x > y, expected > 0);
    QCOMPARE(x >= y, expected >= 0);
    QCOMPARE(Decimal::min(x, y), expected <= 0 ? x : y);
    QCOMPARE(Decimal::max(x, y), expected <= 0 ? y : x);
}

void TestDecimal::randomizedIdentities()
{
    QRandomGenerator rng(20240917);
    const Decimal unit = Decimal::fromRaw(1);
    for (int i = 0; i < 2000; ++i) {
        const Decimal a = randomDecimal(rng, 19);
        const Decimal b = randomDecimal(rng, 19);
        const Decimal x = randomDecimal(rng, 12);
        const auto context = qScopeGuard([&] {
            if (QTest::currentTestFailed())
                qWarning("iteration %d: a = %s, b = %s, x = %s", i, qPrintable(a.toString()), qPrintable(b.toString()),
                         qPrintable(x.toString()));
        });

        // Addition and subtraction (|a|, |b| < 1e19, so the sum cannot overflow).
        QCOMPARE((a + b) - b, a);
        QCOMPARE(a + b, b + a);
        QCOMPARE(a - b, -(b - a));

        // Multiplying by an integer is exact, so dividing it back gives the value.
        const Decimal factor =
            Decimal::fromInt(static_cast<std::int64_t>(rng.bounded(1, 1000000)) * (rng.bounded(2) == 0 ? 1 : -1));
        const auto product = x.mul(factor, RoundingMode::Down);
        QVERIFY(product.ok());
        QCOMPARE(x.mul(factor, RoundingMode::Up).value(), *product);
        QCOMPARE(*product / factor, x);

        // Multiplying by 10^-k is exact when the value has at most 18 - k decimals.
        const int k = static_cast<int>(rng.bounded(Decimal::kScale + 1));
        const Decimal shifted = x.rounded(Decimal::kScale - k, RoundingMode::Down);
        Int128 powerRaw = 1;
        for (int j = k; j < Decimal::kScale; ++j)
            powerRaw *= 10;
        const Decimal tenToMinusK = Decimal::fromRaw(powerRaw);
        QCOMPARE(tenToMinusK.scale(), k);
        QCOMPARE((shifted * tenToMinusK) / tenToMinusK, shifted);

        // Step rounding brackets the value.
        const Decimal step = randomPositiveStep(rng);
        const Decimal floor = x.floorToStep(step);
        const Decimal ceil = x.ceilToStep(step);
        QVERIFY(floor <= x);
        QVERIFY(x < floor + step);
        QVERIFY(ceil >= x);
        QVERIFY(ceil - step < x);
        QVERIFY(floor.isMultipleOf(step));
        QVERIFY(ceil.isMultipleOf(step));
        QCOMPARE(ceil, x.isMultipleOf(step) ? floor : floor + step);

        // Down and Up bracket the exact product and differ by at most one unit.
        const Decimal p = x;
        const Decimal q = randomDecimal(rng, 7);
        const Decimal down = p.mul(q, RoundingMode::Down).value();
        const Decimal up = p.mul(q, RoundingMode::Up).value();
        QVERIFY(down.abs() <= up.abs());
        QVERIFY(up.abs() - down.abs() <= unit);
        const bool negative = p.isNegative() != q.isNegative();
        QCOMPARE(p.mul(q, RoundingMode::Floor).value(), negative ? up : down);
        QCOMPARE(p.mul(q, RoundingMode::Ceiling).value(), negative ? down : up);
        const Decimal halfEven = p.mul(q, RoundingMode::HalfEven).value();
        QVERIFY(halfEven == down || halfEven == up);
    }
}

void TestDecimal::randomizedMulDivAgainstSchoolbook()
{
    QRandomGenerator rng(7);
    const Digits maxRaw = rawDigits(num(kMax));
    const Digits scale = tenTo(Decimal::kScale);
    for (int i = 0; i < 2000; ++i) {
        const Decimal a = randomDecimal(rng, 20);
        const Decimal b = randomDecimal(rng, 20);
        const auto context = qScopeGuard([&] {
            if (QTest::currentTestFailed())
                qWarning("iteration %d: a = %s, b = %s", i, qPrintable(a.toString()), qPrintable(b.toString()));
        });
        const bool negative = a.isNegative() != b.isNegative();
        const Digits da = rawDigits(a);
        const Digits db = rawDigits(b);

        // Product: exact |a| * |b| at scale 10^-36, divided by 10^18.
        const Digits product = multiply(da, db);
        const auto mulDown = a.mul(b, RoundingMode::Down);
        if (!mulDown.ok()) {
            QCOMPARE(mulDown.error().code, u"decimal.overflow"_s);
            QVERIFY(compare(product, multiply(maxRaw, scale)) > 0);
        } else {
            for (const auto &[mode, name] : kModes) {
                const auto result = a.mul(b, mode);
                bool away = false;
                QVERIFY2(expectedRounding(product, scale, rawDigits(*mulDown), mode, negative, &away), name);
                if (away && compare(add(rawDigits(*mulDown), {1}), maxRaw) > 0) {
                    QVERIFY(!result.ok());
                    continue;
                }
                QVERIFY2(result.ok(), name);
                const Decimal expected =
                    *mulDown + (away ? (negative ? -Decimal::fromRaw(1) : Decimal::fromRaw(1)) : Decimal());
                QCOMPARE(*result, expected);
            }
        }

        // Quotient: exact |a| * 10^18 / |b|.
        if (b.isZero())
            continue;
        const Digits numerator = multiply(da, scale);
        const auto divDown = a.div(b, RoundingMode::Down);
        if (!divDown.ok()) {
            QCOMPARE(divDown.error().code, u"decimal.overflow"_s);
            QVERIFY(compare(numerator, multiply(maxRaw, db)) > 0);
            continue;
        }
        for (const auto &[mode, name] : kModes) {
            const auto result = a.div(b, mode);
            bool away = false;
            QVERIFY2(expectedRounding(numerator, db, rawDigits(*divDown), mode, negative, &away), name);
            if (away && compare(add(rawDigits(*divDown), {1}), maxRaw) > 0) {
                QVERIFY(!result.ok());
                continue;
            }
            QVERIFY2(result.ok(), name);
            const Decimal expected =
                *divDown + (away ? (negative ? -Decimal::fromRaw(1) : Decimal::fromRaw(1)) : Decimal());
            QCOMPARE(*result, expected);
        }
    }
}

QTEST_GUILESS_MAIN(TestDecimal)

#include "tst_decimal.moc"
