#pragma once

#include "common/result.h"
#include "domain/planstatus.h"

#include <QDateTime>
#include <QList>
#include <QStringList>

namespace ballast::storage {

class Database;

/// One stored plan as the plans table holds it: the plan itself is its JSON
/// body (exact amounts as strings), which services::PlanService reads and
/// writes; this repository only stores rows.
struct StoredPlan
{
    QString id;
    qint64 portfolioId = 0;
    QDateTime createdAt;
    QString mode;
    domain::PlanStatus status = domain::PlanStatus::Proposed;
    QByteArray body; ///< the plan's JSON (empty in list())
    QString basis; ///< JSON: the holdings and the last execution it was planned on
    QString constraints; ///< JSON: the constraints it was planned with
    QString parentId; ///< the proposal an approved subset derives from; empty for a proposal
    int orders = 0;
};

/// Stored plans: proposed by the planner, approved, executed later by id.
/// Status changes go through transition(), which allows only the changes of
/// domain::canTransition and compares and sets in one statement, so two
/// writers can never both move a plan out of the same state.
class PlanRepo
{
public:
    explicit PlanRepo(Database &db)
        : m_db(db)
    {
    }

    Status insert(const StoredPlan &plan);
    /// The plan with this id, or an error naming it.
    Result<StoredPlan> load(const QString &id);
    Result<domain::PlanStatus> status(const QString &id);
    /// Moves the plan to @p to when the lifecycle allows it from its current
    /// status; the error says which change was refused.
    Status transition(const QString &id, domain::PlanStatus to);
    /// Marks every proposed or approved plan of the portfolio superseded,
    /// except @p keep. Returns the ids it changed.
    Result<QStringList> supersedeOpen(qint64 portfolioId, const QStringList &keep);
    /// The other versions of the proposal @p id belongs to (the proposal and
    /// every subset derived from it), without @p id itself.
    Result<QStringList> versions(const QString &id);
    /// Newest first, without bodies.
    Result<QList<StoredPlan>> list(qint64 portfolioId);
    /// The id of the newest real (not dry-run) execution of any plan of the
    /// portfolio, 0 when there is none.
    Result<qint64> lastExecution(qint64 portfolioId);

private:
    Database &m_db;
};

} // namespace ballast::storage
