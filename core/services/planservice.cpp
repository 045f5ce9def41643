#include "services/planservice.h"

#include "execution/executionlock.h"
#include "io/planjson.h"
#include "money/decimal.h"
#include "rebalance/planapproval.h"
#include "services/ledger.h"
#include "services/planbasis.h"
#include "services/policyservice.h"
#include "storage/database.h"
#include "storage/lotassignmentrepo.h"
#include "storage/portfoliorepo.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTimeZone>

#include <cmath>

namespace ballast::services {

using domain::PlanStatus;
using rebalance::RebalancePlan;

namespace {

/// Runs the planner, turning a DecimalError (an overflow deep in the
/// arithmetic) or any other exception into an error value: nothing thrown
/// ever reaches a caller's thread.
template<typename F>
Result<RebalancePlan> planGuarded(F &&body)
{
    try {
        return body();
    } catch (const money::DecimalError &error) {
        return makeError(error.code(),
                         QStringLiteral("the plan could not be computed: ") + QString::fromUtf8(error.what()));
    } catch (const storage::SqlError &error) {
        return error.toError();
    } catch (const std::exception &error) {
        return makeError(QStringLiteral("plan.failed"),
                         QStringLiteral("the plan could not be computed: ") + QString::fromUtf8(error.what()));
    }
}

std::optional<double> optionalNumber(const QJsonObject &object, const QString &key)
{
    const QJsonValue value = object.value(key);
    if (!value.isDouble() || !std::isfinite(value.toDouble()))
        return std::nullopt;
    return value.toDouble();
}

} // namespace

QString constraintsToJson(const rebalance::PlanConstraints &constraints)
{
    QJsonObject object;
    if (constraints.maxTurnover)
        object.insert(QStringLiteral("max_turnover"), *constraints.maxTurnover);
    object.insert(QStringLiteral("min_trade_value"), constraints.minTradeValue.toString());
    object.insert(QStringLiteral("excluded"), QJsonArray::fromStringList(constraints.excluded));
    if (constraints.maxWeight)
        object.insert(QStringLiteral("max_weight"), *constraints.maxWeight);
    object.insert(QStringLiteral("order_type"), domain::toText(constraints.orderType));
    if (constraints.fallingGuard)
        object.insert(QStringLiteral("falling_guard"), *constraints.fallingGuard);
    if (constraints.tax != rebalance::TaxPreferences{})
        object.insert(QStringLiteral("tax"), constraints.tax.toJson());
    return QString::fromUtf8(QJsonDocument(object).toJson(QJsonDocument::Compact));
}

rebalance::PlanConstraints constraintsFromJson(const QString &text)
{
    rebalance::PlanConstraints constraints;
    const QJsonObject object = QJsonDocument::fromJson(text.toUtf8()).object();
    constraints.maxTurnover = optionalNumber(object, QStringLiteral("max_turnover"));
    constraints.maxWeight = optionalNumber(object, QStringLiteral("max_weight"));
    constraints.fallingGuard = optionalNumber(object, QStringLiteral("falling_guard"));
    if (auto minimum = money::Decimal::parse(object.value(QStringLiteral("min_trade_value")).toString()))
        constraints.minTradeValue = *minimum;
    for (const auto &value : object.value(QStringLiteral("excluded")).toArray())
        constraints.excluded.append(value.toString());
    if (object.value(QStringLiteral("order_type")).toString() == QLatin1String("limit"))
        constraints.orderType = domain::OrderType::Limit;
    // Stored by this program; constraints stored before tax preferences have none.
    if (auto tax = rebalance::TaxPreferences::fromJson(object.value(QStringLiteral("tax")).toObject()))
        constraints.tax = *tax;
    return constraints;
}

PlanService::PlanService(storage::Database &db, Clock clock, execution::Executor::Sleep sleep)
    : m_db(db)
    , m_clock(std::move(clock))
    , m_sleep(std::move(sleep))
{
}

Result<RebalancePlan> PlanService::parse(const storage::StoredPlan &stored)
{
    QJsonParseError parseError{};
    const QJsonDocument document = QJsonDocument::fromJson(stored.body, &parseError);
    if (parseError.error != QJsonParseError::NoError || !document.isObject()) {
        return makeError(
            QStringLiteral("plan.json"),
            QStringLiteral("plan %1 is damaged in %2: %3").arg(stored.id, m_db.path(), parseError.errorString()));
    }
    return io::PlanJson::fromJson(document.object());
}

Result<RebalancePlan> PlanService::propose(const QString &portfolioName, const rebalance::PlanMode &mode,
                                           const rebalance::PlanConstraints &constraints, const KnownPolicy *known)
{
    return planGuarded([&]() -> Result<RebalancePlan> {
        // The basis, the plan and the superseding in one write transaction: no
        // change can slip in between what was read and what is stored.
        storage::Transaction transaction(m_db);
        auto portfolio = storage::PortfolioRepo(m_db).load(portfolioName);
        if (!portfolio)
            return portfolio.error();
        // The policy's bands: read once here when the caller has not read them.
        std::optional<KnownPolicy> read;
        if (!known || !known->isOf(portfolio->id)) {
            auto policy = PolicyService(m_db, m_clock).policyOf(*portfolio);
            if (!policy)
                return policy.error();
            read = KnownPolicy{portfolio->id, *policy};
            known = &*read;
        }
        auto basis = PlanBasis::capture(m_db, portfolio->id, known);
        if (!basis)
            return basis.error();
        auto plan = services::Ledger(m_db, m_clock).previewPlan(*portfolio, mode, constraints, known);
        if (!plan)
            return plan.error();
        storage::PlanRepo plans(m_db);
        if (auto superseded = plans.supersedeOpen(portfolio->id, {}); !superseded)
            return superseded.error();
        storage::StoredPlan stored;
        stored.id = plan->id;
        stored.portfolioId = portfolio->id;
        stored.createdAt = plan->createdAt;
        stored.mode = plan->mode.toString();
        stored.status = PlanStatus::Proposed;
        stored.body = QJsonDocument(io::PlanJson::toJson(*plan)).toJson(QJsonDocument::Compact);
        stored.basis = basis->toJson();
        stored.constraints = constraintsToJson(constraints);
        if (auto inserted = plans.insert(stored); !inserted)
            return inserted.error();
        transaction.commit();
        return plan;
    });
}

Result<RebalancePlan> PlanService::preview(const domain::Portfolio &portfolio, const rebalance::PlanMode &mode,
                                           const rebalance::PlanConstraints &constraints)
{
    return planGuarded([&]() -> Result<RebalancePlan> {
        return services::Ledger(m_db, m_clock).previewPlan(portfolio, mode, constraints);
    });
}

Result<RebalancePlan> PlanService::replan(const QString &id)
{
    auto stored = storage::PlanRepo(m_db).load(id);
    if (!stored)
        return stored.error();
    auto plan = parse(*stored);
    if (!plan)
        return plan.error();
    QString portfolioName = plan->portfolio;
    if (portfolioName.isEmpty()) {
        auto portfolios = storage::PortfolioRepo(m_db).list();
        if (!portfolios)
            return portfolios.error();
        for (const auto &portfolio : *portfolios) {
            if (portfolio.id == stored->portfolioId)
                portfolioName = portfolio.name;
        }
    }
    return propose(portfolioName, plan->mode, constraintsFromJson(stored->constraints));
}

Result<RebalancePlan> PlanService::load(const QString &id)
{
    auto stored = storage::PlanRepo(m_db).load(id);
    if (!stored)
        return stored.error();
    return parse(*stored);
}

Result<PlanStatus> PlanService::status(const QString &id)
{
    return storage::PlanRepo(m_db).status(id);
}

Result<QList<storage::StoredPlan>> PlanService::list(const QString &portfolioName)
{
    auto portfolio = storage::PortfolioRepo(m_db).load(portfolioName);
    if (!portfolio)
        return portfolio.error();
    return storage::PlanRepo(m_db).list(portfolio->id);
}

Result<RebalancePlan> PlanService::approve(const QString &id, const QSet<int> &lines)
{
    return storage::guarded([&]() -> Result<RebalancePlan> {
        storage::Transaction transaction(m_db);
        storage::PlanRepo plans(m_db);
        auto stored = plans.load(id);
        if (!stored)
            return stored.error();
        if (!stored->parentId.isEmpty()) {
            return makeError(QStringLiteral("plan.approve"),
                             QStringLiteral("plan %1 is an approved part of plan %2; approve lines of %2 instead")
                                 .arg(id, stored->parentId));
        }
        if (!domain::isStartable(stored->status)) {
            if (auto runnable = checkRunnable(id); !runnable)
                return runnable.error();
            return makeError(
                QStringLiteral("plan.approve"),
                QStringLiteral("plan %1 is %2: its lines cannot be approved").arg(id, domain::toText(stored->status)));
        }
        auto plan = parse(*stored);
        if (!plan)
            return plan.error();
        QSet<int> known;
        for (const auto &order : plan->orders)
            known.insert(order.line);
        for (const int line : lines) {
            if (!known.contains(line))
                return makeError(QStringLiteral("plan.approve"),
                                 QStringLiteral("plan %1 has no line %2").arg(id).arg(line));
        }
        if (lines.isEmpty())
            return makeError(QStringLiteral("plan.approve"), QStringLiteral("no line of plan %1 is approved").arg(id));
        if (lines == known) {
            if (stored->status == PlanStatus::Proposed) {
                if (auto moved = plans.transition(id, PlanStatus::Approved); !moved)
                    return moved.error();
            }
            transaction.commit();
            return plan;
        }
        RebalancePlan subset = rebalance::PlanApproval::subset(
            *plan, lines, RebalancePlan::newId(), QDateTime::fromMSecsSinceEpoch(m_clock(), QTimeZone::utc()));
        storage::StoredPlan derived = *stored;
        derived.id = subset.id;
        derived.createdAt = subset.createdAt;
        derived.status = PlanStatus::Approved;
        derived.body = QJsonDocument(io::PlanJson::toJson(subset)).toJson(QJsonDocument::Compact);
        derived.parentId = id;
        if (auto inserted = plans.insert(derived); !inserted)
            return inserted.error();
        transaction.commit();
        return subset;
    });
}

Status PlanService::checkRunnable(const QString &id, const KnownPolicy *known)
{
    // The plan's status and what it was made from read in one state of the
    // ledger: read apart, another process's execution of this very plan
    // could fall between them (the status still approved, its execution
    // already recorded), and the plan would be called stale, "another plan
    // was executed since", instead of being refused as running or executed.
    const storage::ReadSnapshot snapshot(m_db);
    auto stored = storage::PlanRepo(m_db).load(id);
    if (!stored)
        return stored.error();
    if (auto runnable = domain::refuseFinal(id, stored->status); !runnable)
        return runnable;
    if (stored->status == PlanStatus::Executing)
        return {}; // a resume: its guards are checked again before its next order
    const auto basis = PlanBasis::fromJson(stored->basis);
    if (!basis) {
        return makeError(QStringLiteral("plan.stale"),
                         QStringLiteral("plan %1 does not record the holdings it was made from (an older Ballast "
                                        "made it); propose a new plan")
                             .arg(id));
    }
    auto now = PlanBasis::capture(m_db, stored->portfolioId, known);
    if (!now)
        return now.error();
    const QStringList changes = basis->changesTo(*now);
    if (!changes.isEmpty()) {
        QString why;
        if (basis->bandsDiffer(*now)) {
            auto reason = bandsReason(*stored, *basis, known);
            if (!reason)
                return reason.error();
            why = *reason;
        }
        return makeError(QStringLiteral("plan.stale"),
                         QStringLiteral("plan %1 is stale: since it was made, %2%3; nothing was sent: propose a new "
                                        "plan, which is made from the ledger and the bands as they are now")
                             .arg(id, changes.join(QStringLiteral("; ")), why));
    }
    return {};
}

Result<QString> PlanService::bandsReason(const storage::StoredPlan &stored, const PlanBasis &basis,
                                         const KnownPolicy *known)
{
    auto portfolios = storage::PortfolioRepo(m_db).list();
    if (!portfolios)
        return portfolios.error();
    const auto portfolio = std::find_if(portfolios->cbegin(), portfolios->cend(),
                                        [&](const domain::Portfolio &p) { return p.id == stored.portfolioId; });
    if (portfolio == portfolios->cend())
        return QString();
    // The policy and when it was set: as the caller read it, else read here.
    KnownPolicy policyNow;
    if (known && known->isOf(portfolio->id)) {
        policyNow = *known;
    } else {
        auto info = PolicyService(m_db, m_clock).load(portfolio->name);
        if (!info)
            return info.error();
        policyNow = KnownPolicy{portfolio->id, info->policy, info->updatedAt};
    }
    const rebalance::RebalancePolicy &policy = policyNow.policy;
    const auto named = policy.namedBand();
    if (!named)
        return QString(); // the portfolio's own bands changed: the change says it all
    const QString where = policy.rule.band() ? QStringLiteral("its rule %1").arg(policy.rule.toString())
                                             : QStringLiteral("its band setting");
    QString text = QStringLiteral(" (the rebalancing policy names the band %1 in %2, which replaces the portfolio's "
                                  "bands for the check and the plans")
                       .arg(named->toString(), where);
    // Made with the portfolio's own bands while the policy, unchanged since,
    // named one: an earlier Ballast planned with those (migration 20).
    if (policyNow.updatedAt <= stored.createdAt.toMSecsSinceEpoch() && basis.bandsAre(*portfolio))
        text += QStringLiteral("; the plan was made by an earlier version of Ballast, which planned with the "
                               "portfolio's own bands");
    return QString(text + QLatin1Char(')'));
}

Status PlanService::claim(const QString &id)
{
    // Inside the claim's immediate transaction: nothing can change between
    // these checks and the intents.
    if (auto runnable = checkRunnable(id); !runnable)
        return runnable;
    storage::PlanRepo plans(m_db);
    auto versions = plans.versions(id);
    if (!versions)
        return versions.error();
    for (const QString &other : *versions) {
        auto status = plans.status(other);
        if (!status)
            return status.error();
        if (*status == PlanStatus::Executing) {
            return makeError(
                QStringLiteral("plan.superseded"),
                QStringLiteral("another version of plan %1 (%2) has started; it cannot run as well").arg(id, other));
        }
        if (domain::canTransition(*status, PlanStatus::Superseded)) {
            if (auto moved = plans.transition(other, PlanStatus::Superseded); !moved)
                return moved;
        }
    }
    return {};
}

Status PlanService::planLots(const RebalancePlan &plan)
{
    storage::LotAssignmentRepo repo(m_db);
    for (const auto &order : plan.orders) {
        // Every line that gives up an asset it has lots of: a sale (its base)
        // and a direct-pair buy paid with a non-cash asset (its quote).
        if (order.lots.isEmpty())
            continue;
        QList<storage::LotShare> shares;
        for (const auto &lot : order.lots)
            shares.append({lot.lotTransactionId, lot.quantity});
        if (Status stored = repo.plan(plan.clientOrderId(order.line), shares); !stored)
            return stored;
    }
    return {};
}

QStringList PlanService::accountKeys(const QList<qint64> &accountIds,
                                     const execution::Executor::ExchangeFor &exchangeFor)
{
    QStringList keys;
    for (const qint64 account : accountIds) {
        if (exchange::Exchange *exchange = exchangeFor(account)) {
            const QString identity = exchange->accountIdentity();
            if (!identity.isEmpty() && !keys.contains(identity))
                keys.append(identity);
        }
    }
    return keys;
}

Error PlanService::busy(const Error &lockError)
{
    if (lockError.code != QLatin1String("execution.busy"))
        return lockError;
    QString who;
    try {
        storage::Statement query(m_db,
                                 "SELECT plan_id, owner FROM executions WHERE status = 'running' "
                                 "ORDER BY id DESC LIMIT 1");
        if (query.step())
            who = QStringLiteral(" (plan %1, %2)").arg(query.text(0), query.text(1));
    } catch (const storage::SqlError &) {
        who.clear(); // the message stands without it
    }
    return makeError(lockError.code, lockError.message + who + QStringLiteral("; nothing was sent"));
}

Result<execution::ExecutionSummary> PlanService::execute(const QString &id, const execution::ExecutionOptions &options,
                                                         const execution::Executor::ExchangeFor &exchangeFor,
                                                         const execution::Executor::Progress &progress,
                                                         const std::atomic_bool *cancel)
{
    if (!std::isfinite(options.maxPriceMove) || options.maxPriceMove <= 0.0 || options.maxPriceMove >= 1.0)
        return makeError(QStringLiteral("execution.options"),
                         QStringLiteral("the price-move limit must be a fraction between 0 and 1"));
    auto plan = load(id);
    if (!plan)
        return plan.error();
    if (auto runnable = checkRunnable(id); !runnable)
        return runnable.error();
    execution::Executor executor(m_db, exchangeFor, m_clock, m_sleep);
    if (options.dryRun)
        return executor.execute(*plan, options, progress, cancel);

    QList<qint64> accounts;
    for (const auto &order : plan->orders)
        accounts.append(order.accountId);
    auto lock = execution::ExecutionLock::acquire(m_db.path(), accountKeys(accounts, exchangeFor));
    if (!lock)
        return busy(lock.error());
    auto summary = executor.execute(*plan, options, progress, cancel, [this, id, &plan]() -> Status {
        if (Status claimed = claim(id); !claimed)
            return claimed;
        return planLots(*plan);
    });
    if (!summary || !summary->aborted || !summary->resumed)
        return summary;

    // A guard tripped on a resume: what was sent stands, the rest is
    // cancelled, and a re-plan from the ledger as it is now is proposed.
    const qint64 now = m_clock();
    storage::Journal journal(m_db);
    if (auto entries = journal.entries(id)) {
        for (auto entry : *entries) {
            if (entry.status != domain::OrderStatus::Planned)
                continue; // sent, or settled; a line planned again was found never to have executed
            entry.status = domain::OrderStatus::Cancelled;
            entry.reason = QStringLiteral("not sent: ") + summary->abortReason;
            if (auto written = journal.update(entry, entry.reason, now); !written)
                summary->messages.append(written.error().message);
        }
    }
    if (auto moved = storage::PlanRepo(m_db).transition(id, PlanStatus::Cancelled); !moved)
        summary->messages.append(moved.error().message);
    if (auto again = replan(id)) {
        summary->replanId = again->id;
        summary->messages.append(
            QStringLiteral("the rest of plan %1 was not sent; plan %2 proposes what is left to do now: review it, "
                           "then execute it")
                .arg(id, again->id));
    } else {
        summary->messages.append(QStringLiteral("the rest of plan %1 was not sent, and no new plan could be made: %2")
                                     .arg(id, again.error().message));
    }
    return summary;
}

Result<execution::ReconcileReport> PlanService::reconcile(const execution::Executor::ExchangeFor &exchangeFor,
                                                          const execution::ExecutionOptions &options)
{
    auto unfinished = storage::Journal(m_db).unfinished();
    if (!unfinished)
        return unfinished.error();
    QList<qint64> accounts;
    for (const auto &entry : *unfinished)
        accounts.append(entry.accountId);
    auto lock = execution::ExecutionLock::acquire(m_db.path(), accountKeys(accounts, exchangeFor));
    if (!lock)
        return busy(lock.error());
    // Holding the lock, an execution still marked running was left by a
    // process that stopped: reconciliation takes it over.
    if (auto marked = storage::Journal(m_db).markInterrupted(m_clock()); !marked)
        return marked.error();
    return execution::Executor(m_db, exchangeFor, m_clock, m_sleep).reconcile(options);
}

Result<PlanService::CancelOutcome> PlanService::cancel(const QString &id,
                                                       const execution::Executor::ExchangeFor &exchangeFor)
{
    auto status = storage::PlanRepo(m_db).status(id);
    if (!status)
        return status.error();
    if (!domain::canTransition(*status, PlanStatus::Cancelled)) {
        return makeError(QStringLiteral("plan.transition"),
                         QStringLiteral("plan %1 is %2 and cannot be cancelled").arg(id, domain::toText(*status)));
    }
    CancelOutcome outcome;
    auto lock = execution::ExecutionLock::acquire(m_db.path());
    if (!lock) {
        if (lock.error().code != QLatin1String("execution.busy"))
            return lock.error();
        // Another execution runs: it reads the plan's status before each order,
        // stops, and cancels what is open itself.
        if (auto moved = storage::PlanRepo(m_db).transition(id, PlanStatus::Cancelled); !moved)
            return moved.error();
        outcome.runningElsewhere = true;
        return outcome;
    }
    auto cancelled = execution::Executor(m_db, exchangeFor, m_clock, m_sleep).cancelAll(id);
    if (!cancelled)
        return cancelled.error();
    outcome.cancelledOrders = *cancelled;
    Status written = storage::guarded([&]() -> Status {
        storage::Transaction transaction(m_db);
        storage::Journal journal(m_db);
        auto entries = journal.entries(id);
        if (!entries)
            return entries.error();
        for (auto entry : *entries) {
            if (entry.status != domain::OrderStatus::Planned)
                continue;
            entry.status = domain::OrderStatus::Cancelled;
            entry.reason = QStringLiteral("cancelled before sending");
            if (auto updated = journal.update(entry, entry.reason, m_clock()); !updated)
                return updated;
        }
        if (auto moved = storage::PlanRepo(m_db).transition(id, PlanStatus::Cancelled); !moved)
            return moved;
        transaction.commit();
        return {};
    });
    if (!written)
        return written.error();
    return outcome;
}

Result<QList<storage::JournalEntry>> PlanService::orders(const QString &planId)
{
    storage::Journal journal(m_db);
    return planId.isEmpty() ? journal.allEntries() : journal.entries(planId);
}

Result<QList<domain::Fill>> PlanService::fills(const QString &clientOrderId)
{
    return storage::Journal(m_db).fills(clientOrderId);
}

Result<QList<storage::Journal::FillRow>> PlanService::allFills()
{
    return storage::Journal(m_db).allFills();
}

Result<QList<storage::JournalEntry>> PlanService::unsettled()
{
    return storage::Journal(m_db).unfinished();
}

} // namespace ballast::services
