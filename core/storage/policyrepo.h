#pragma once

#include "common/result.h"

#include <QString>

#include <optional>

namespace ballast::storage {

class Database;

/// A portfolio's stored rebalancing policy and its last check (table
/// rebalance_policies): rows in and out; the JSON body is read by the service.
struct StoredPolicy
{
    qint64 portfolioId = 0;
    QString rule; ///< the trigger spec
    QString body = QStringLiteral("{}"); ///< the rest of the policy, JSON
    qint64 updatedAt = 0; ///< when it was last set (the portfolio's creation for a default)
    bool stored = false; ///< false: no row yet, the portfolio's defaults
};

/// What the last check of a policy decided.
struct StoredCheck
{
    qint64 checkedAt = 0;
    bool fired = false;
    bool due = false;
    QString why;
    QString planId; ///< the plan it prepared or still points at; empty = none
};

class PolicyRepo
{
public:
    explicit PolicyRepo(Database &db)
        : m_db(db)
    {
    }

    /// The portfolio's policy row, or its defaults (the portfolio's `policy`
    /// string as the rule) when it has none; an unknown portfolio is an error.
    Result<StoredPolicy> load(qint64 portfolioId);
    /// Stores the rule and body (keeping the last check) and copies the rule
    /// to the portfolio's `policy` column, in one transaction.
    Status save(qint64 portfolioId, const QString &rule, const QString &body, qint64 atMs);

    /// The last check; none before the first one.
    Result<std::optional<StoredCheck>> lastCheck(qint64 portfolioId);
    /// Records a check (creating the policy row from the defaults if needed).
    Status recordCheck(qint64 portfolioId, const StoredCheck &check);

private:
    Database &m_db;
};

} // namespace ballast::storage
