#pragma once

#include "common/result.h"
#include "rebalance/rebalanceplan.h"

#include <QList>

namespace ballast::storage {

class Database;

/// Stored plans: proposed by the planner, executed later by id.
class PlanRepo
{
public:
    struct Summary
    {
        QString id;
        QDateTime createdAt;
        QString mode;
        QString status;
        int orders = 0;
    };

    explicit PlanRepo(Database &db)
        : m_db(db)
    {
    }

    Status save(qint64 portfolioId, const rebalance::RebalancePlan &plan);
    /// The plan with this id, or an error naming it.
    Result<rebalance::RebalancePlan> load(const QString &id);
    Result<QString> status(const QString &id);
    Status setStatus(const QString &id, const QString &status);
    /// Newest first.
    Result<QList<Summary>> list(qint64 portfolioId);

private:
    Database &m_db;
};

} // namespace ballast::storage
