#pragma once

#include "rebalance/rebalancepolicy.h"

#include <QtGlobal>

namespace ballast::services {

/// A portfolio's stored rebalancing policy as a caller has read it already,
/// handed down so that one use case reads it once (PolicyService::evaluate
/// passes it to the snapshot, the plan's basis and the planner). It stands
/// in only for the portfolio it belongs to: for any other, the stored policy
/// is read as before.
struct KnownPolicy
{
    qint64 portfolioId = 0;
    rebalance::RebalancePolicy policy;
    qint64 updatedAt = 0; ///< when it was set, as PolicyInfo::updatedAt (0 when the caller did not read it)

    /// True when it is the policy of portfolio @p id.
    [[nodiscard]] bool isOf(qint64 id) const { return id != 0 && id == portfolioId; }
};

} // namespace ballast::services
