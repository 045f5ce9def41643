#include "storage/policyrepo.h"

#include "storage/database.h"

namespace ballast::storage {

namespace {

Error unknownPortfolio(qint64 portfolioId)
{
    return makeError(QStringLiteral("portfolio.not_found"), QStringLiteral("no portfolio with id %1").arg(portfolioId));
}

/// Creates the row from the portfolio's defaults when it is missing.
void ensureRow(Database &db, qint64 portfolioId)
{
    Statement insert(db,
                     "INSERT OR IGNORE INTO rebalance_policies (portfolio_id, rule, updated_at) "
                     "SELECT id, policy, created_at FROM portfolios WHERE id = ?");
    insert.bind(1, portfolioId);
    insert.run();
}

} // namespace

Result<StoredPolicy> PolicyRepo::load(qint64 portfolioId)
{
    return guarded([&]() -> Result<StoredPolicy> {
        Statement query(m_db,
                        "SELECT COALESCE(r.rule, p.policy), COALESCE(r.body, '{}'), "
                        "COALESCE(r.updated_at, p.created_at), r.portfolio_id IS NOT NULL "
                        "FROM portfolios p LEFT JOIN rebalance_policies r ON r.portfolio_id = p.id WHERE p.id = ?");
        query.bind(1, portfolioId);
        if (!query.step())
            return unknownPortfolio(portfolioId);
        StoredPolicy policy;
        policy.portfolioId = portfolioId;
        policy.rule = query.text(0);
        policy.body = query.text(1);
        policy.updatedAt = query.int64(2);
        policy.stored = query.int64(3) != 0;
        return policy;
    });
}

Status PolicyRepo::save(qint64 portfolioId, const QString &rule, const QString &body, qint64 atMs)
{
    return guarded([&]() -> Status {
        Transaction transaction(m_db);
        Statement portfolio(m_db, "UPDATE portfolios SET policy = ? WHERE id = ?");
        portfolio.bind(1, rule).bind(2, portfolioId);
        portfolio.run();
        if (m_db.changes() == 0)
            return unknownPortfolio(portfolioId);
        Statement upsert(m_db,
                         "INSERT INTO rebalance_policies (portfolio_id, rule, body, updated_at) VALUES (?, ?, ?, ?) "
                         "ON CONFLICT (portfolio_id) DO UPDATE SET rule = excluded.rule, body = excluded.body, "
                         "updated_at = excluded.updated_at");
        upsert.bind(1, portfolioId).bind(2, rule).bind(3, body).bind(4, atMs);
        upsert.run();
        transaction.commit();
        return {};
    });
}

Result<std::optional<StoredCheck>> PolicyRepo::lastCheck(qint64 portfolioId)
{
    return guarded([&]() -> Result<std::optional<StoredCheck>> {
        Statement query(m_db,
                        "SELECT last_check_at, last_fired, last_due, last_why, last_plan_id FROM rebalance_policies "
                        "WHERE portfolio_id = ? AND last_check_at IS NOT NULL");
        query.bind(1, portfolioId);
        if (!query.step())
            return std::optional<StoredCheck>();
        StoredCheck check;
        check.checkedAt = query.int64(0);
        check.fired = query.int64(1) != 0;
        check.due = query.int64(2) != 0;
        check.why = query.text(3);
        check.planId = query.text(4);
        return std::optional<StoredCheck>(check);
    });
}

Status PolicyRepo::recordCheck(qint64 portfolioId, const StoredCheck &check)
{
    return guarded([&]() -> Status {
        Transaction transaction(m_db);
        ensureRow(m_db, portfolioId);
        Statement update(m_db,
                         "UPDATE rebalance_policies SET last_check_at = ?, last_fired = ?, last_due = ?, "
                         "last_why = ?, last_plan_id = ? WHERE portfolio_id = ?");
        update.bind(1, check.checkedAt)
            .bind(2, check.fired ? 1 : 0)
            .bind(3, check.due ? 1 : 0)
            .bind(4, check.why)
            .bind(5, check.planId)
            .bind(6, portfolioId);
        update.run();
        if (m_db.changes() == 0)
            return unknownPortfolio(portfolioId);
        transaction.commit();
        return {};
    });
}

} // namespace ballast::storage
