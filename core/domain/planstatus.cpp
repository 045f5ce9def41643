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

Status refuseFinal(const QString &planId, PlanStatus status)
{
    switch (status) {
    case PlanStatus::Superseded:
        return makeError(
            QStringLiteral("plan.superseded"),
            QStringLiteral("plan %1 was superseded by another plan and cannot run; propose a new plan").arg(planId));
    case PlanStatus::Executed:
        return makeError(
            QStringLiteral("plan.executed"),
            QStringLiteral("plan %1 was executed already; see \"ballast-cli orders --plan %1\"").arg(planId));
    case PlanStatus::Cancelled:
        return makeError(QStringLiteral("plan.cancelled"),
                         QStringLiteral("plan %1 was cancelled and cannot run again; propose a new plan").arg(planId));
    case PlanStatus::Proposed:
    case PlanStatus::Approved:
    case PlanStatus::Executing:
        break;
    }
    return {};
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
