#pragma once

#include "rebalance/rebalanceplan.h"

#include <QDateTime>
#include <QSet>
#include <QString>

namespace ballast::rebalance {

/// The plan a person approves: the proposed plan's ticked lines only, as a
/// plan of its own, so that the executor sends exactly what was shown. Lines
/// keep their numbers (client order ids stay "<new id>-<line>"); weights,
/// fees, turnover and the value after are recomputed without the lines left
/// out, and a note names those lines.
class PlanApproval
{
public:
    /// @p approved holds line numbers of @p proposed. The result has id
    /// @p id and creation time @p createdAt; with every line approved it
    /// equals @p proposed apart from those two.
    static RebalancePlan subset(const RebalancePlan &proposed, const QSet<int> &approved, const QString &id,
                                const QDateTime &createdAt);

    /// Value of one unit of @p asset in the plan's quote, from the plan's own
    /// valuation; none when the plan does not value it.
    static std::optional<money::Decimal> unitValue(const RebalancePlan &plan, const QString &asset);
};

} // namespace ballast::rebalance
