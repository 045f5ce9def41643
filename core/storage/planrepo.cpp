#include "storage/planrepo.h"

#include "storage/database.h"

#include <QTimeZone>

namespace ballast::storage {

namespace {

Result<domain::PlanStatus> statusOf(const QString &id, const QString &text)
{
    if (auto status = domain::planStatusFromText(text))
        return *status;
    return makeError(QStringLiteral("plan.status"),
                     QStringLiteral("plan %1 has an unknown status \"%2\"").arg(id, text));
}

Error unknownPlan(const QString &id)
{
    return Error{QStringLiteral("plan.unknown"), QStringLiteral("no plan with id \"%1\"").arg(id)};
}

} // namespace

Status PlanRepo::insert(const StoredPlan &plan)
{
    return guarded([&]() -> Status {
        Statement insert(m_db,
                         "INSERT INTO plans (id, portfolio_id, created_at, mode, status, body, basis, "
                         "constraints, parent_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
        insert.bind(1, plan.id)
            .bind(2, plan.portfolioId)
            .bind(3, plan.createdAt.toMSecsSinceEpoch())
            .bind(4, plan.mode)
            .bind(5, domain::toText(plan.status))
            .bind(6, QString::fromUtf8(plan.body))
            .bind(7, plan.basis)
            .bind(8, plan.constraints)
            .bind(9, plan.parentId);
        insert.run();
        return {};
    });
}

Result<StoredPlan> PlanRepo::load(const QString &id)
{
    return guarded([&]() -> Result<StoredPlan> {
        Statement query(m_db,
                        "SELECT id, portfolio_id, created_at, mode, status, body, basis, constraints, parent_id, "
                        "json_array_length(body, '$.orders') FROM plans WHERE id = ?");
        query.bind(1, id);
        if (!query.step())
            return unknownPlan(id);
        auto status = statusOf(id, query.text(4));
        if (!status)
            return status.error();
        StoredPlan plan;
        plan.id = query.text(0);
        plan.portfolioId = query.int64(1);
        plan.createdAt = QDateTime::fromMSecsSinceEpoch(query.int64(2), QTimeZone::utc());
        plan.mode = query.text(3);
        plan.status = *status;
        plan.body = query.text(5).toUtf8();
        plan.basis = query.text(6);
        plan.constraints = query.text(7);
        plan.parentId = query.text(8);
        plan.orders = static_cast<int>(query.int64(9));
        return plan;
    });
}

Result<domain::PlanStatus> PlanRepo::status(const QString &id)
{
    return guarded([&]() -> Result<domain::PlanStatus> {
        Statement query(m_db, "SELECT status FROM plans WHERE id = ?");
        query.bind(1, id);
        if (!query.step())
            return unknownPlan(id);
        return statusOf(id, query.text(0));
    });
}

Status PlanRepo::transition(const QString &id, domain::PlanStatus to)
{
    return guarded([&]() -> Status {
        Transaction transaction(m_db);
        auto from = status(id);
        if (!from)
            return from.error();
        if (!domain::canTransition(*from, to)) {
            return makeError(QStringLiteral("plan.transition"),
                             QStringLiteral("plan %1 is %2 and cannot become %3")
                                 .arg(id, domain::toText(*from), domain::toText(to)));
        }
        Statement update(m_db, "UPDATE plans SET status = ? WHERE id = ? AND status = ?");
        update.bind(1, domain::toText(to)).bind(2, id).bind(3, domain::toText(*from));
        update.run();
        if (m_db.changes() != 1)
            return makeError(QStringLiteral("plan.transition"),
                             QStringLiteral("plan %1 changed while it was being updated").arg(id));
        transaction.commit();
        return {};
    });
}

Result<QStringList> PlanRepo::supersedeOpen(qint64 portfolioId, const QStringList &keep)
{
    return guarded([&]() -> Result<QStringList> {
        Transaction transaction(m_db);
        Statement query(m_db, "SELECT id FROM plans WHERE portfolio_id = ? AND status IN ('proposed', 'approved')");
        query.bind(1, portfolioId);
        QStringList changed;
        while (query.step()) {
            if (!keep.contains(query.text(0)))
                changed.append(query.text(0));
        }
        for (const QString &id : std::as_const(changed)) {
            Statement update(m_db, "UPDATE plans SET status = 'superseded' WHERE id = ?");
            update.bind(1, id);
            update.run();
        }
        transaction.commit();
        return changed;
    });
}

Result<QStringList> PlanRepo::versions(const QString &id)
{
    return guarded([&]() -> Result<QStringList> {
        Statement parent(m_db, "SELECT parent_id FROM plans WHERE id = ?");
        parent.bind(1, id);
        if (!parent.step())
            return unknownPlan(id);
        const QString root = parent.text(0).isEmpty() ? id : parent.text(0);
        Statement query(m_db, "SELECT id FROM plans WHERE (id = ? OR parent_id = ?) AND id <> ? ORDER BY created_at");
        query.bind(1, root).bind(2, root).bind(3, id);
        QStringList ids;
        while (query.step())
            ids.append(query.text(0));
        return ids;
    });
}

Result<QList<StoredPlan>> PlanRepo::list(qint64 portfolioId)
{
    return guarded([&]() -> Result<QList<StoredPlan>> {
        Statement query(m_db,
                        "SELECT id, created_at, mode, status, json_array_length(body, '$.orders'), parent_id "
                        "FROM plans WHERE portfolio_id = ? ORDER BY created_at DESC, rowid DESC");
        query.bind(1, portfolioId);
        QList<StoredPlan> plans;
        while (query.step()) {
            auto status = statusOf(query.text(0), query.text(3));
            if (!status)
                return status.error();
            StoredPlan plan;
            plan.id = query.text(0);
            plan.portfolioId = portfolioId;
            plan.createdAt = QDateTime::fromMSecsSinceEpoch(query.int64(1), QTimeZone::utc());
            plan.mode = query.text(2);
            plan.status = *status;
            plan.orders = static_cast<int>(query.int64(4));
            plan.parentId = query.text(5);
            plans.append(plan);
        }
        return plans;
    });
}

Result<qint64> PlanRepo::lastExecution(qint64 portfolioId)
{
    return guarded([&]() -> Result<qint64> {
        Statement query(m_db,
                        "SELECT coalesce(max(e.id), 0) FROM executions e JOIN plans p ON p.id = e.plan_id "
                        "WHERE p.portfolio_id = ? AND e.dry_run = 0");
        query.bind(1, portfolioId);
        query.step();
        return query.int64(0);
    });
}

} // namespace ballast::storage
