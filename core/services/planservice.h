#pragma once

#include "common/clock.h"
#include "common/result.h"
#include "domain/planstatus.h"
#include "domain/portfolio.h"
#include "execution/executor.h"
#include "rebalance/planner.h"
#include "rebalance/rebalanceplan.h"
#include "services/knownpolicy.h"
#include "storage/journal.h"
#include "storage/planrepo.h"

#include <QList>
#include <QSet>
#include <QString>

#include <atomic>

namespace ballast::storage {
class Database;
}

namespace ballast::services {

struct PlanBasis;

/// The one plan lifecycle both front ends call: propose -> approve (all or a
/// subset of the lines) -> claim -> execute -> settle, with cancel and
/// re-plan. Neither front end touches a plan's status any other way.
///
/// - A proposal records what it was made from (PlanBasis) and supersedes the
///   older open proposals of its portfolio.
/// - A plan starts only when nothing it was made from has changed; a stale
///   plan is refused with what changed, and replan() makes a new one in one
///   step with the same mode and constraints.
/// - One execution at a time per database and per exchange account, across
///   processes and threads: an ExecutionLock (flock) held for the run, and
///   the claim (status, staleness, intents, superseding the other versions
///   of the plan) in one immediate transaction.
/// - A resumed plan re-checks every guard before its next order; when one
///   trips, the rest is cancelled and a re-plan of it is proposed.
class PlanService
{
public:
    /// @p sleep is how executions wait (tests pass one that moves their clock).
    explicit PlanService(storage::Database &db, Clock clock = systemClock(), execution::Executor::Sleep sleep = {});

    /// Plans a rebalance of the portfolio from the stored holdings, prices
    /// and markets, stores it as proposed with its basis and constraints, and
    /// supersedes the portfolio's older open proposals; one transaction.
    /// @p known: the portfolio's stored policy when the caller has read it
    /// already (its bands are not read again).
    Result<rebalance::RebalancePlan> propose(const QString &portfolioName, const rebalance::PlanMode &mode,
                                             const rebalance::PlanConstraints &constraints,
                                             const KnownPolicy *known = nullptr);
    /// What propose() would propose for @p portfolio (whose targets need not
    /// be the stored ones); nothing is written.
    Result<rebalance::RebalancePlan> preview(const domain::Portfolio &portfolio, const rebalance::PlanMode &mode,
                                             const rebalance::PlanConstraints &constraints);
    /// Proposes again what plan @p id proposed (same portfolio, mode and
    /// constraints) from the ledger as it is now.
    Result<rebalance::RebalancePlan> replan(const QString &id);

    Result<rebalance::RebalancePlan> load(const QString &id);
    Result<domain::PlanStatus> status(const QString &id);
    /// Newest first, without bodies.
    Result<QList<storage::StoredPlan>> list(const QString &portfolioName = {});

    /// Approves lines of the open proposal @p id: every line approves the
    /// proposal itself; a subset is stored as a new approved plan derived from
    /// it (its own id, the same basis). At most one version of a proposal
    /// ever runs: the claim supersedes the others.
    Result<rebalance::RebalancePlan> approve(const QString &id, const QSet<int> &lines);

    /// Why plan @p id cannot start or resume now (final, stale, unknown), or
    /// nothing when it can. Codes: plan.unknown, plan.superseded,
    /// plan.executed, plan.cancelled, plan.stale. @p known: the stored policy
    /// of the plan's portfolio when the caller has read it already.
    Status checkRunnable(const QString &id, const KnownPolicy *known = nullptr);

    /// Claims and executes (or resumes) plan @p id; a dry run validates and
    /// sends nothing (and claims nothing). Refused with code execution.busy
    /// while another execution holds the database or an account.
    Result<execution::ExecutionSummary> execute(const QString &id, const execution::ExecutionOptions &options,
                                                const execution::Executor::ExchangeFor &exchangeFor,
                                                const execution::Executor::Progress &progress = {},
                                                const std::atomic_bool *cancel = nullptr);

    /// Settles every unfinished order in the journal (under the lock; an
    /// execution left running by a crashed process is marked interrupted).
    Result<execution::ReconcileReport> reconcile(const execution::Executor::ExchangeFor &exchangeFor,
                                                 const execution::ExecutionOptions &options = {});

    struct CancelOutcome
    {
        int cancelledOrders = 0; ///< open orders cancelled on their exchange
        bool runningElsewhere = false; ///< another execution runs it: it stops before its next order
    };
    /// Cancels plan @p id: open orders are cancelled on their exchange, lines
    /// never sent will not be, and the plan is final.
    Result<CancelOutcome> cancel(const QString &id, const execution::Executor::ExchangeFor &exchangeFor);

    /// The journal's orders of one plan (all plans when empty), and fills.
    Result<QList<storage::JournalEntry>> orders(const QString &planId = {});
    Result<QList<domain::Fill>> fills(const QString &clientOrderId);
    Result<QList<storage::Journal::FillRow>> allFills();
    /// Orders of earlier executions not yet settled.
    Result<QList<storage::JournalEntry>> unsettled();

private:
    Result<rebalance::RebalancePlan> parse(const storage::StoredPlan &stored);
    /// Why the bands of stale plan @p stored changed, when the policy names
    /// a band (" (the rebalancing policy names ...)"); empty otherwise.
    Result<QString> bandsReason(const storage::StoredPlan &stored, const PlanBasis &basis, const KnownPolicy *known);
    /// The claim's checks, inside its transaction.
    Status claim(const QString &id);
    /// Specific identification: stores the lots each line of @p plan that
    /// gives up an asset is to take (a sale's base, a direct-pair buy's quote;
    /// by client order id), inside the claim's transaction, so that its fills
    /// book them (storage::LotAssignmentRepo).
    Status planLots(const rebalance::RebalancePlan &plan);
    /// Account identities (for the per-account locks) of the accounts in @p accountIds.
    QStringList accountKeys(const QList<qint64> &accountIds, const execution::Executor::ExchangeFor &exchangeFor);
    Error busy(const Error &lockError);

    storage::Database &m_db;
    Clock m_clock;
    execution::Executor::Sleep m_sleep;
};

/// Plan constraints as stored with a plan (JSON), so that a re-plan uses the same.
QString constraintsToJson(const rebalance::PlanConstraints &constraints);
rebalance::PlanConstraints constraintsFromJson(const QString &text);

} // namespace ballast::services
