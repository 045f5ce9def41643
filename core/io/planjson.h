#pragma once

#include "common/result.h"
#include "rebalance/rebalanceplan.h"

#include <QJsonObject>

namespace ballast::io {

/// The plan as JSON: what `ballast-cli plan --json` prints and what the plans
/// table stores. Exact amounts are strings, weights and ratios numbers.
class PlanJson
{
public:
    static QJsonObject toJson(const rebalance::RebalancePlan &plan);
    /// Reads a plan written by toJson; a malformed document is an error naming the field.
    static Result<rebalance::RebalancePlan> fromJson(const QJsonObject &object);
};

} // namespace ballast::io
