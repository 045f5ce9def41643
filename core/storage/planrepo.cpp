#include "storage/planrepo.h"

#include "io/planjson.h"
#include "storage/database.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTimeZone>

namespace ballast::storage {

Status PlanRepo::save(qint64 portfolioId, const rebalance::RebalancePlan &plan)
{
    return guarded([&]() -> Status {
        const QByteArray body = QJsonDocument(io::PlanJson::toJson(plan)).toJson(QJsonDocument::Compact);
        Statement insert(m_db, "INSERT INTO plans (id, portfolio_id, created_at, mode, body) VALUES (?, ?, ?, ?, ?)");
        insert.bind(1, plan.id)
            .bind(2, portfolioId)
            .bind(3, plan.createdAt.toMSecsSinceEpoch())
            .bind(4, plan.mode.toString())
            .bind(5, QString::fromUtf8(body));
        insert.run();
        return {};
    });
}

Result<rebalance::RebalancePlan> PlanRepo::load(const QString &id)
{
    auto body = guarded([&]() -> Result<QString> {
        Statement query(m_db, "SELECT body FROM plans WHERE id = ?");
        query.bind(1, id);
        if (!query.step())
            return makeError(QStringLiteral("plan.unknown"), QStringLiteral("no plan with id \"%1\"").arg(id));
        return query.text(0);
    });
    if (!body)
        return body.error();
    QJsonParseError parseError{};
    const QJsonDocument document = QJsonDocument::fromJson(body->toUtf8(), &parseError);
    if (parseError.error != QJsonParseError::NoError || !document.isObject()) {
        return makeError(QStringLiteral("plan.json"),
                         QStringLiteral("plan %1 is damaged in %2: %3").arg(id, m_db.path(), parseError.errorString()));
    }
    return io::PlanJson::fromJson(document.object());
}

Result<QString> PlanRepo::status(const QString &id)
{
    return guarded([&]() -> Result<QString> {
        Statement query(m_db, "SELECT status FROM plans WHERE id = ?");
        query.bind(1, id);
        if (!query.step())
            return makeError(QStringLiteral("plan.unknown"), QStringLiteral("no plan with id \"%1\"").arg(id));
        return query.text(0);
    });
}

Status PlanRepo::setStatus(const QString &id, const QString &status)
{
    return guarded([&]() -> Status {
        Statement update(m_db, "UPDATE plans SET status = ? WHERE id = ?");
        update.bind(1, status).bind(2, id);
        update.run();
        if (m_db.changes() == 0)
            return makeError(QStringLiteral("plan.unknown"), QStringLiteral("no plan with id \"%1\"").arg(id));
        return {};
    });
}

Result<QList<PlanRepo::Summary>> PlanRepo::list(qint64 portfolioId)
{
    return guarded([&]() -> Result<QList<Summary>> {
        Statement query(m_db,
                        "SELECT id, created_at, mode, status, json_array_length(body, '$.orders') FROM plans "
                        "WHERE portfolio_id = ? ORDER BY created_at DESC, rowid DESC");
        query.bind(1, portfolioId);
        QList<Summary> plans;
        while (query.step()) {
            plans.append(Summary{query.text(0), QDateTime::fromMSecsSinceEpoch(query.int64(1), QTimeZone::utc()),
                                 query.text(2), query.text(3), static_cast<int>(query.int64(4))});
        }
        return plans;
    });
}

} // namespace ballast::storage
