#pragma once

#include "common/result.h"

#include <QString>

#include <optional>

namespace ballast::domain {

/// Where a stored rebalance plan is in its life:
///
///   proposed -> approved -> executing -> executed
///        \          \            \----> cancelled
///         \          \----------------> superseded, cancelled
///          \--------------------------> superseded, cancelled, executing
///
/// A proposal may be executed whole (it then goes straight to executing) or a
/// subset of its lines approved as a derived plan. Executed, cancelled and
/// superseded are final: such a plan never sends an order again.
enum class PlanStatus {
    Proposed, ///< made by the planner, not yet approved
    Approved, ///< approved (whole, or a subset derived from a proposal), not yet started
    Executing, ///< claimed by an execution; resumed after a crash or an interruption
    Executed, ///< every order reached a final state
    Cancelled, ///< stopped by the person, or by a guard on resume
    Superseded, ///< replaced by a newer proposal or by another version of the same proposal
};

/// The one table of allowed changes: true when a plan in @p from may go to @p to.
[[nodiscard]] bool canTransition(PlanStatus from, PlanStatus to);
[[nodiscard]] bool isFinal(PlanStatus status);
/// True for the states from which an execution may start (not resume).
[[nodiscard]] bool isStartable(PlanStatus status);

/// Why plan @p planId can never run in @p status (superseded, executed or
/// cancelled: codes plan.superseded, plan.executed, plan.cancelled); nothing
/// for a status from which it may start or resume.
[[nodiscard]] Status refuseFinal(const QString &planId, PlanStatus status);

/// "proposed", "approved", "executing", "executed", "cancelled", "superseded"
/// (the strings stored in the plans table).
[[nodiscard]] QString toText(PlanStatus status);
[[nodiscard]] std::optional<PlanStatus> planStatusFromText(const QString &text);

} // namespace ballast::domain
