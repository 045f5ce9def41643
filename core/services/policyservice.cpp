#include "services/policyservice.h"

#include "services/ledger.h"
#include "services/planservice.h"
#include "storage/database.h"
#include "storage/portfoliorepo.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTimeZone>

#include <algorithm>
#include <cmath>

namespace ballast::services {

namespace {

QString dayOf(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms, QTimeZone::utc()).date().toString(Qt::ISODate);
}

QString points(double fraction)
{
    return QString::number(fraction * 100.0, 'f', 2) + QStringLiteral("pp");
}

QString breachText(const QList<BandBreach> &outside)
{
    const BandBreach &worst = outside.first();
    QString text = QStringLiteral("%1 is at %2% against a target of %3%, %4 off, outside its band of +/-%5")
                       .arg(worst.asset, QString::number(worst.weight * 100.0, 'f', 2),
                            QString::number(worst.target * 100.0, 'f', 2),
                            points(std::abs(worst.weight - worst.target)), points(worst.halfWidth));
    if (outside.size() > 1)
        text += QStringLiteral(" (and %1 more outside their bands)").arg(outside.size() - 1);
    return text;
}

} // namespace

QString PolicyCheck::alertText() const
{
    if (!due)
        return {};
    return QStringLiteral("Rebalance due for %1: %2. Plan %3 is ready for review.").arg(portfolio, why, planId);
}

PolicyService::PolicyService(storage::Database &db, Clock clock)
    : m_db(db)
    , m_clock(std::move(clock))
{
}

Result<PolicyInfo> PolicyService::load(const QString &portfolioName)
{
    auto portfolio = storage::PortfolioRepo(m_db).load(portfolioName);
    if (!portfolio)
        return portfolio.error();
    return infoOf(*portfolio);
}

Result<PolicyInfo> PolicyService::infoOf(const domain::Portfolio &portfolio)
{
    auto stored = storage::PolicyRepo(m_db).load(portfolio.id);
    if (!stored)
        return stored.error();
    auto policy = parseStored(portfolio, *stored);
    if (!policy)
        return policy.error();
    return PolicyInfo{portfolio.name, *policy, stored->updatedAt, portfolio.id};
}

Result<rebalance::RebalancePolicy> PolicyService::policyOf(const domain::Portfolio &portfolio)
{
    auto stored = storage::PolicyRepo(m_db).load(portfolio.id);
    if (!stored)
        return stored.error();
    return parseStored(portfolio, *stored);
}

Result<rebalance::RebalancePolicy> PolicyService::parseStored(const domain::Portfolio &portfolio,
                                                              const storage::StoredPolicy &stored) const
{
    QJsonParseError parseError{};
    const QJsonDocument body = QJsonDocument::fromJson(stored.body.toUtf8(), &parseError);
    if (parseError.error != QJsonParseError::NoError || !body.isObject()) {
        return makeError(QStringLiteral("policy.damaged"),
                         QStringLiteral("the stored policy of portfolio \"%1\" in %2 is damaged: %3")
                             .arg(portfolio.name, m_db.path(), parseError.errorString()));
    }
    QJsonObject json = body.object();
    json.insert(QStringLiteral("rule"), stored.rule);
    auto policy = rebalance::RebalancePolicy::fromJson(json);
    if (!policy) {
        return makeError(policy.error().code,
                         QStringLiteral("the stored policy of portfolio \"%1\" in %2: %3")
                             .arg(portfolio.name, m_db.path(), policy.error().message));
    }
    return *policy;
}

Status PolicyService::save(const QString &portfolioName, const rebalance::RebalancePolicy &policy)
{
    if (auto valid = policy.validate(); !valid)
        return valid;
    auto portfolio = storage::PortfolioRepo(m_db).load(portfolioName);
    if (!portfolio)
        return portfolio.error();
    QJsonObject body = policy.toJson();
    body.remove(QStringLiteral("rule"));
    return storage::PolicyRepo(m_db).save(portfolio->id, policy.rule.toString(),
                                          QString::fromUtf8(QJsonDocument(body).toJson(QJsonDocument::Compact)),
                                          m_clock());
}

Result<std::optional<storage::StoredCheck>> PolicyService::lastCheck(const QString &portfolioName)
{
    auto portfolio = storage::PortfolioRepo(m_db).load(portfolioName);
    if (!portfolio)
        return portfolio.error();
    return storage::PolicyRepo(m_db).lastCheck(portfolio->id);
}

Result<PolicyCheck> PolicyService::evaluate(const QString &portfolioName, qint64 nowMs)
{
    const qint64 now = nowMs < 0 ? m_clock() : nowMs;
    const Clock at = [now] { return now; };
    return storage::guarded([&]() -> Result<PolicyCheck> {
        // What was read, the plan prepared and the check recorded: one transaction.
        storage::Transaction transaction(m_db);
        auto portfolio = storage::PortfolioRepo(m_db).load(portfolioName);
        if (!portfolio)
            return portfolio.error();
        // The policy is read once per check and handed down to the snapshot,
        // the plans' bases and the planner.
        auto info = infoOf(*portfolio);
        if (!info)
            return info.error();
        const rebalance::RebalancePolicy &policy = info->policy;
        const KnownPolicy known{portfolio->id, policy, info->updatedAt};
        storage::PolicyRepo repo(m_db);
        auto previous = repo.lastCheck(portfolio->id);
        if (!previous)
            return previous.error();

        PolicyCheck check;
        check.portfolio = portfolio->name;
        check.rule = policy.rule.toString();
        check.checkedAt = now;
        if (*previous)
            check.previousCheckAt = (*previous)->checkedAt;
        const rebalance::Trigger trigger = policy.trigger();
        check.nextCalendarAt = trigger.nextCalendarCheck(now);

        if (portfolio->targets.isEmpty()) {
            return makeError(QStringLiteral("policy.targets"),
                             QStringLiteral("portfolio \"%1\" has no targets to check against; set them first "
                                            "(ballast-cli targets set)")
                                 .arg(portfolio->name));
        }
        auto snapshot = Ledger(m_db, at).snapshot(*portfolio, now, known);
        if (!snapshot)
            return snapshot.error();
        if (!snapshot->missingPrices().isEmpty()) {
            return makeError(
                QStringLiteral("policy.prices"),
                QStringLiteral("portfolio \"%1\" cannot be checked: no %2 price for %3")
                    .arg(portfolio->name, portfolio->quote, snapshot->missingPrices().join(QStringLiteral(", "))));
        }

        QStringList assets;
        std::vector<double> weights;
        std::vector<double> targets;
        for (const auto &position : snapshot->positions()) {
            assets.append(position.asset);
            weights.push_back(position.weight);
            targets.push_back(position.target);
        }
        const std::vector<double> widths = policy.halfWidths(*portfolio, assets);
        for (qsizetype i = 0; i < assets.size(); ++i) {
            const auto k = static_cast<std::size_t>(i);
            if (std::abs(weights[k] - targets[k]) > trigger.bandLimit(targets, widths, k))
                check.outside.append(BandBreach{assets[i], weights[k], targets[k], widths[k]});
        }
        std::stable_sort(check.outside.begin(), check.outside.end(), [](const BandBreach &a, const BandBreach &b) {
            return std::abs(a.weight - a.target) > std::abs(b.weight - b.target);
        });

        // The previous check (or the setting of the policy, if later) is the
        // last time the rule looked: a period boundary since then fires once.
        qint64 since = info->updatedAt;
        if (*previous)
            since = std::max(since, (*previous)->checkedAt);
        since = std::min(since, now); // a clock set back crosses no boundary
        const rebalance::TriggerInput input{now, std::nullopt, weights, targets, widths, since};
        const bool valued = snapshot->totalValue().isNegative() == false && !snapshot->totalValue().isZero();
        check.fired = valued && trigger.fires(input);
        const bool newPeriod =
            trigger.kind() == rebalance::Trigger::Kind::Calendar || trigger.kind() == rebalance::Trigger::Kind::Hybrid
            ? trigger.periodEnds(input)
            : false;
        const QString period = rebalance::toText(trigger.period());

        PlanService plans(m_db, at);
        QString openPlan;
        if (*previous && !(*previous)->planId.isEmpty() && (*previous)->due) {
            const QString id = (*previous)->planId;
            auto status = plans.status(id);
            if (status && (*status == domain::PlanStatus::Proposed || *status == domain::PlanStatus::Approved))
                openPlan = id;
        }

        if (!valued) {
            check.why = QStringLiteral("the portfolio holds nothing of value yet");
        } else if (check.fired) {
            switch (trigger.kind()) {
            case rebalance::Trigger::Kind::Calendar:
                check.why = QStringLiteral("a new %1 began on %2 (the rule is %3)")
                                .arg(period, dayOf(rebalance::Trigger::periodStart(now, trigger.period())), check.rule);
                break;
            case rebalance::Trigger::Kind::Hybrid:
                check.why = QStringLiteral("a new %1 began on %2 and %3")
                                .arg(period, dayOf(rebalance::Trigger::periodStart(now, trigger.period())),
                                     breachText(check.outside));
                break;
            default:
                check.why = breachText(check.outside);
                break;
            }
        } else if (!openPlan.isEmpty()) {
            check.why = QStringLiteral("plan %1 prepared earlier still waits for approval").arg(openPlan);
        } else {
            switch (trigger.kind()) {
            case rebalance::Trigger::Kind::None:
                check.why = QStringLiteral("the rule is none: nothing is rebalanced automatically");
                break;
            case rebalance::Trigger::Kind::Calendar:
                check.why = QStringLiteral("the next rebalance is at the start of the next %1, %2")
                                .arg(period, dayOf(*check.nextCalendarAt));
                break;
            case rebalance::Trigger::Kind::Hybrid:
                check.why = newPeriod ? QStringLiteral("a new %1 began but every asset is inside its band").arg(period)
                                      : QStringLiteral("the next look at the bands is at the start of the next %1, %2")
                                            .arg(period, dayOf(*check.nextCalendarAt));
                break;
            case rebalance::Trigger::Kind::Threshold:
                check.why = QStringLiteral("every asset is inside its band");
                break;
            }
        }

        if (check.fired || !openPlan.isEmpty()) {
            check.due = true;
            // A plan already open is reused while nothing it was made from has
            // changed: the one an earlier check prepared, else the newest plan
            // of the portfolio still proposed or approved (one the person made
            // by hand and is still reviewing: a check never supersedes it).
            // Only when none is current is a new one proposed in their place.
            QStringList candidates;
            if (!openPlan.isEmpty())
                candidates.append(openPlan);
            auto stored = plans.list(portfolio->name);
            if (!stored)
                return stored.error();
            for (const auto &row : *stored) {
                if ((row.status == domain::PlanStatus::Proposed || row.status == domain::PlanStatus::Approved)
                    && !candidates.contains(row.id))
                    candidates.append(row.id);
            }
            std::optional<rebalance::RebalancePlan> plan;
            for (const QString &id : std::as_const(candidates)) {
                if (!plans.checkRunnable(id, &known))
                    continue;
                auto loaded = plans.load(id);
                if (!loaded)
                    return loaded.error();
                // A plan made before the policy last changed followed other
                // rules (mode, limits, tax preferences): not reused.
                if (loaded->createdAt.toMSecsSinceEpoch() < info->updatedAt)
                    continue;
                plan = *loaded;
                check.planReused = true;
                break;
            }
            if (!plan) {
                auto proposed = plans.propose(portfolio->name, policy.mode, policy.constraints(), &known);
                if (!proposed)
                    return proposed.error();
                plan = *proposed;
            }
            check.planId = plan->id;
            check.planOrders = static_cast<int>(plan->orders.size());
        }

        storage::StoredCheck stored{now, check.fired, check.due, check.why, check.planId};
        if (auto recorded = repo.recordCheck(portfolio->id, stored); !recorded)
            return recorded.error();
        transaction.commit();
        return check;
    });
}

} // namespace ballast::services
