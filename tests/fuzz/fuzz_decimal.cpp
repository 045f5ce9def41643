// money::Decimal: parsing with and without exponents, printing, rounding and
// the checked arithmetic on values read from the input. The input is one or
// two numbers separated by a newline; its first 8 bytes are also read as a
// double for fromDouble.
#include "fuzzcheck.h"
#include "money/decimal.h"

#include <cstddef>
#include <cstdint>
#include <cstring>

using ballast::money::Decimal;
using ballast::money::RoundingMode;

namespace {

constexpr RoundingMode kModes[] = {RoundingMode::Down,    RoundingMode::Up,     RoundingMode::Floor,
                                   RoundingMode::Ceiling, RoundingMode::HalfUp, RoundingMode::HalfEven};

void checkOne(const Decimal &value)
{
    // The shortest form reads back as the same value, with and without exponents allowed.
    const QString text = value.toString();
    auto again = Decimal::parse(text);
    FUZZ_CHECK(again.ok());
    FUZZ_CHECK(*again == value);
    FUZZ_CHECK(value.scale() >= 0 && value.scale() <= Decimal::kScale);
    for (int decimals = 0; decimals <= Decimal::kScale; decimals += 6) {
        for (RoundingMode mode : kModes) {
            // Rounding a value at the edge of the range can leave it: toFixed
            // still prints the digits, rounded() throws (as the operators do).
            const QString fixed = value.toFixed(decimals, mode);
            auto read = Decimal::parse(fixed);
            try {
                const Decimal rounded = value.rounded(decimals, mode);
                FUZZ_CHECK(read.ok());
                FUZZ_CHECK(*read == rounded);
            } catch (const ballast::money::DecimalError &) {
                FUZZ_CHECK(!read.ok());
            }
        }
    }
    FUZZ_CHECK(!value.abs().isNegative());
}

void checkPair(const Decimal &a, const Decimal &b)
{
    if (auto sum = a.add(b)) {
        auto back = sum->sub(b);
        FUZZ_CHECK(back.ok());
        FUZZ_CHECK(*back == a);
    }
    if (auto difference = a.sub(b)) {
        auto back = difference->add(b);
        FUZZ_CHECK(back.ok());
        FUZZ_CHECK(*back == a);
    }
    for (RoundingMode mode : kModes) {
        auto product = a.mul(b, mode);
        auto swapped = b.mul(a, mode);
        FUZZ_CHECK(product.ok() == swapped.ok());
        if (product)
            FUZZ_CHECK(*product == *swapped);
        auto quotient = a.div(b, mode);
        if (b.isZero())
            FUZZ_CHECK(!quotient.ok());
    }
    if (b.isPositive()) {
        // A multiple of the step beyond the range throws DecimalError, as documented.
        try {
            const Decimal floor = a.floorToStep(b);
            FUZZ_CHECK(floor <= a && floor.isMultipleOf(b));
        } catch (const ballast::money::DecimalError &) {
            FUZZ_CHECK(a.isNegative());
        }
        try {
            const Decimal ceil = a.ceilToStep(b);
            FUZZ_CHECK(a <= ceil && ceil.isMultipleOf(b));
        } catch (const ballast::money::DecimalError &) {
            FUZZ_CHECK(a.isPositive());
        }
        for (RoundingMode mode : kModes) {
            try {
                const Decimal tick = a.roundToTick(b, mode);
                FUZZ_CHECK(tick.isMultipleOf(b));
            } catch (const ballast::money::DecimalError &) {
                FUZZ_CHECK(!a.isZero());
            }
        }
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    const QString text = QString::fromUtf8(reinterpret_cast<const char *>(data), static_cast<qsizetype>(size));
    const qsizetype newline = text.indexOf(QLatin1Char('\n'));
    const QStringView first = newline < 0 ? QStringView(text) : QStringView(text).left(newline);
    const QStringView second = newline < 0 ? QStringView() : QStringView(text).sliced(newline + 1);

    auto plain = Decimal::parse(first);
    auto exponent = Decimal::parse(first, true);
    if (plain) {
        // What reads without exponents reads the same with them allowed.
        FUZZ_CHECK(exponent.ok());
        FUZZ_CHECK(*exponent == *plain);
    }
    if (exponent)
        checkOne(*exponent);
    if (!second.isNull()) {
        auto other = Decimal::parse(second, true);
        if (exponent && other) {
            checkPair(*exponent, *other);
            checkPair(*other, *exponent);
        }
    }

    if (size >= 9) {
        double value = 0;
        std::memcpy(&value, data, sizeof value);
        const int decimals = data[8] % (Decimal::kScale + 1);
        for (RoundingMode mode : kModes) {
            if (auto converted = Decimal::fromDouble(value, decimals, mode))
                FUZZ_CHECK(converted->scale() <= decimals);
        }
    }
    return 0;
}
