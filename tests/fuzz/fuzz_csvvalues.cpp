// The CSV pieces one by one: line walking, separator detection, field
// splitting, numbers and times in every notation CsvValues reads.
#include "fuzzcheck.h"
#include "market/csvsplitter.h"
#include "market/csvvalues.h"

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

using ballast::market::CsvSplitter;
using ballast::market::CsvValues;

namespace {

constexpr qint64 kYear2001Ms = 978307200000; // 2001-01-01
constexpr qint64 kYear9000Ms = 221845392000000; // 9000-01-01

void checkField(std::string_view field)
{
    const std::string_view trimmed = CsvValues::trimmed(field);
    FUZZ_CHECK(trimmed.size() <= field.size());
    (void)CsvValues::isNull(trimmed);

    double value = 0;
    QString why;
    if (CsvValues::parseNumber(trimmed, value, why))
        FUZZ_CHECK(std::isfinite(value));
    else
        FUZZ_CHECK(!why.isEmpty());

    qint64 ms = 0;
    why.clear();
    if (CsvValues::parseTime(trimmed, ms, why)) {
        // What formatTime prints reads back as the same second.
        if (ms >= kYear2001Ms && ms < kYear9000Ms) {
            const qint64 second = ms - ms % 1000;
            const QByteArray printed = CsvValues::formatTime(second).toLatin1();
            qint64 again = 0;
            QString whyAgain;
            FUZZ_CHECK(CsvValues::parseTime(std::string_view(printed.constData(), printed.size()), again, whyAgain));
            FUZZ_CHECK(again == second);
        }
    } else {
        FUZZ_CHECK(!why.isEmpty());
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    const std::string input(reinterpret_cast<const char *>(data), size);
    CsvSplitter splitter{std::string_view(input)};
    std::string_view line;
    std::vector<std::string_view> fields;
    char separator = ',';
    int lines = 0;
    while (splitter.nextLine(line)) {
        FUZZ_CHECK(splitter.lineNumber() == ++lines);
        if (lines == 1)
            separator = CsvSplitter::detectSeparator(line);
        int badField = -1;
        if (!CsvSplitter::split(line, separator, fields, badField)) {
            FUZZ_CHECK(badField >= 0);
            continue;
        }
        for (const std::string_view field : fields) {
            // Every field is a view into the input.
            FUZZ_CHECK(field.empty()
                       || (field.data() >= input.data() && field.data() + field.size() <= input.data() + input.size()));
            checkField(field);
        }
    }
    return 0;
}
