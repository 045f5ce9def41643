// ballast::numbers: every parser of numbers typed by a person or read from a
// file (amounts, fractions and percentages, doubles, integers, CSV bytes).
#include "common/numberparse.h"
#include "fuzzcheck.h"

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace numbers = ballast::numbers;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    const QString text = QString::fromUtf8(reinterpret_cast<const char *>(data), static_cast<qsizetype>(size));
    const QString field = QStringLiteral("--fuzz");

    for (numbers::Sign sign : {numbers::Sign::Any, numbers::Sign::NonNegative, numbers::Sign::Positive}) {
        auto amount = numbers::parseAmount(text, field, sign);
        if (!amount) {
            FUZZ_CHECK(!amount.error().message.isEmpty());
            continue;
        }
        if (sign == numbers::Sign::NonNegative)
            FUZZ_CHECK(!amount->isNegative());
        if (sign == numbers::Sign::Positive)
            FUZZ_CHECK(amount->isPositive());
        // An amount prints as text that reads back as itself.
        auto again = numbers::parseAmount(amount->toString(), field, sign);
        FUZZ_CHECK(again.ok());
        FUZZ_CHECK(*again == *amount);
    }

    for (const numbers::Range &range : {numbers::Range::closed(0, 1), numbers::Range::open(-1, 1),
                                        numbers::Range::leftOpen(0, 100), numbers::Range{}}) {
        if (auto fraction = numbers::parseFraction(text, field, range)) {
            FUZZ_CHECK(std::isfinite(*fraction));
            FUZZ_CHECK(*fraction >= range.low && *fraction <= range.high);
        }
        if (auto number = numbers::parseDouble(text, field, range)) {
            FUZZ_CHECK(std::isfinite(*number));
            FUZZ_CHECK(*number >= range.low && *number <= range.high);
        }
    }

    double value = 0;
    const QString problem = numbers::doubleProblem(std::string_view(reinterpret_cast<const char *>(data), size), value);
    if (problem.isEmpty())
        FUZZ_CHECK(std::isfinite(value));

    for (const auto &[low, high] :
         {std::pair<qint64, qint64>{std::numeric_limits<qint64>::min(), std::numeric_limits<qint64>::max()},
          std::pair<qint64, qint64>{1, 1000}, std::pair<qint64, qint64>{-5, 5}}) {
        auto integer = numbers::parseInteger(text, field, low, high);
        if (integer) {
            FUZZ_CHECK(*integer >= low && *integer <= high);
            auto again = numbers::parseInteger(QString::number(*integer), field, low, high);
            FUZZ_CHECK(again.ok() && *again == *integer);
        }
    }
    return 0;
}
