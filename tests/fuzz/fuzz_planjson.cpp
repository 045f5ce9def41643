// Stored plans: the JSON a plan row holds, read by PlanJson::fromJson (what
// PlanService::parse does with the bytes of the plans table).
#include "fuzzcheck.h"
#include "io/planjson.h"

#include <QJsonDocument>

#include <cstddef>
#include <cstdint>

using ballast::io::PlanJson;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    const QByteArray bytes(reinterpret_cast<const char *>(data), static_cast<qsizetype>(size));
    QJsonParseError error{};
    const QJsonDocument document = QJsonDocument::fromJson(bytes, &error);
    if (error.error != QJsonParseError::NoError || !document.isObject())
        return 0;
    auto plan = PlanJson::fromJson(document.object());
    if (!plan) {
        FUZZ_CHECK(!plan.error().message.isEmpty());
        return 0;
    }
    // A plan that was read is written and read again to the same JSON.
    const QJsonObject written = PlanJson::toJson(*plan);
    auto again = PlanJson::fromJson(written);
    FUZZ_CHECK(again.ok());
    FUZZ_CHECK(PlanJson::toJson(*again) == written);
    return 0;
}
