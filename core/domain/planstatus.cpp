#include "domain/planstatus.h"

#include <array>
#include <utility>

namespace ballast::domain {

namespace {

constexpr std::array<std::pair<PlanStatus, const char *>, 6> kNames{{
    {PlanStatus::Proposed, "proposed"},
    {PlanStatus::Approved, "approved"},
    {PlanStatus::Executing, "executing"},
    {PlanStatus::Executed, "executed"},
    {PlanStatus::Cancelled, "cancelled"},
    {PlanStatus::Superseded, "superseded"},
}};

// Every allowed change, and no other.
constexpr std::array<std::pair<PlanStatus, PlanStatus>, 10> kTransitions{{
    {PlanStatus::Proposed, PlanStatus::Approved},
    {PlanStatus::Proposed, PlanStatus::Executing},
    {PlanStatus::Proposed, PlanStatus::Superseded},
    {PlanStatus::Proposed, PlanStatus::Cancelled},
    {PlanStatus::Approved, PlanStatus::Executing},
    {PlanStatus::Approved, PlanStatus::Superseded},
    {PlanStatus::Approved, PlanStatus::Cancelled},
    {PlanStatus::Executing, PlanStatus::Executed},
    {PlanStatus::Executing, PlanStatus::Cancelled},
    {PlanStatus::Executing, PlanStatus::Executing}, // a resume
}};

} // namespace

bool canTransition(PlanStatus from, PlanStatus to)
{
    for (const auto &[a, b] : kTransitions) {
        if (a == from && b == to)
            return true;
    }
    return false;
}

bool isFinal(PlanStatus status)
{
    return status == PlanStatus::Executed || status == PlanStatus::Cancelled || status == PlanStatus::Superseded;
}

bool isStartable(PlanStatus status)
{
    return status == PlanStatus::Proposed || status == PlanStatus::Approved;
}

QString toText(PlanStatus status)
{
    for (const auto &[value, name] : kNames) {
        if (value == status)
            return QString::fromLatin1(name);
    }
    return {};
}

std::optional<PlanStatus> planStatusFromText(const QString &text)
{
    for (const auto &[value, name] : kNames) {
        if (text == QLatin1String(name))
            return value;
    }
    return std::nullopt;
}

} // namespace ballast::domain
