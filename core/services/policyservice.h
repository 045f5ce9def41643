#pragma once

#include "common/clock.h"
#include "common/result.h"
#include "rebalance/rebalancepolicy.h"
#include "storage/policyrepo.h"

#include <QList>
#include <QString>

#include <optional>

namespace ballast::storage {
class Database;
}

namespace ballast::services {

/// A portfolio's policy as stored, with when it was set.
struct PolicyInfo
{
    QString portfolio;
    rebalance::RebalancePolicy policy;
    qint64 updatedAt = 0; ///< when it was set (the portfolio's creation for the defaults)
    qint64 portfolioId = 0;
};

/// An asset outside its band at a check.
struct BandBreach
{
    QString asset;
    double weight = 0.0;
    double target = 0.0;
    double halfWidth = 0.0;
};

/// What one check of the policy found: whether a rebalance is due and why,
/// the plan prepared for it, and when the rule next looks at the calendar.
struct PolicyCheck
{
    QString portfolio;
    QString rule; ///< the rule as applied (with the policy's band filled in)
    qint64 checkedAt = 0;
    std::optional<qint64> previousCheckAt; ///< the check before this one; none for the first
    /// The rule fired at this check: the decision a backtest makes on a bar.
    bool fired = false;
    /// A rebalance is due: the rule fired now, or the plan an earlier check
    /// prepared still waits for approval. Never sent without approval.
    bool due = false;
    QString why; ///< one sentence
    QString planId; ///< the prepared plan when due
    int planOrders = 0; ///< its orders
    /// The plan was open already and is still current: an earlier check's, or
    /// one proposed (or approved) by hand; a check never supersedes it.
    bool planReused = false;
    std::optional<qint64> nextCalendarAt; ///< the next period start for calendar and hybrid rules
    QList<BandBreach> outside; ///< assets outside their bands, largest drift first
    /// For an alert or notification when due: one sentence naming the portfolio and the plan.
    [[nodiscard]] QString alertText() const;
};

/// The live rebalancing policy: load and save a portfolio's policy, and check
/// it. A check values the portfolio from the stored holdings and prices,
/// applies the policy's rule through the same Trigger the backtester uses,
/// prepares a plan through PlanService when the rule fires (a proposal: never
/// sent without approval; an open plan that is still current, such as one the
/// person proposed by hand, is reused instead), and stores what it decided, all in one
/// transaction. Calendar rules fire at the first check after a period
/// boundary: the trigger compares this check's period with the previous
/// check's (or the time the policy was set), just as a backtest compares one
/// bar's period with the next bar's.
class PolicyService
{
public:
    explicit PolicyService(storage::Database &db, Clock clock = systemClock());

    /// The policy of the portfolio named @p portfolioName (the first when empty).
    Result<PolicyInfo> load(const QString &portfolioName = {});
    /// The stored policy of @p portfolio (found by its id), for the services
    /// that apply its bands (Ledger's valuation snapshot).
    Result<rebalance::RebalancePolicy> policyOf(const domain::Portfolio &portfolio);
    /// Validates and stores the policy (the rule also becomes the portfolio's
    /// `policy` string); nothing is written when it is invalid.
    Status save(const QString &portfolioName, const rebalance::RebalancePolicy &policy);

    /// Checks the policy once at @p nowMs (the clock when negative).
    Result<PolicyCheck> evaluate(const QString &portfolioName = {}, qint64 nowMs = -1);
    /// The last stored check (for a dashboard before its first live check); none before the first.
    Result<std::optional<storage::StoredCheck>> lastCheck(const QString &portfolioName = {});

private:
    /// The policy of @p portfolio as stored, with when it was set: one read.
    Result<PolicyInfo> infoOf(const domain::Portfolio &portfolio);
    /// The stored row as a policy; a damaged one is an error naming the portfolio and the file.
    [[nodiscard]] Result<rebalance::RebalancePolicy> parseStored(const domain::Portfolio &portfolio,
                                                                 const storage::StoredPolicy &stored) const;

    storage::Database &m_db;
    Clock m_clock;
};

} // namespace ballast::services
