#pragma once

#include "storage/database.h"

#include <QString>

#include <sqlite3.h>

/// Counts the runs of the statement that reads a portfolio's stored policy
/// (PolicyRepo::load) on one connection, by SQLite's profile trace.
class PolicyReads
{
public:
    explicit PolicyReads(ballast::storage::Database &db)
        : m_db(db)
    {
        sqlite3_trace_v2(m_db.handle(), SQLITE_TRACE_PROFILE, &PolicyReads::traced, this);
    }
    ~PolicyReads() { sqlite3_trace_v2(m_db.handle(), 0, nullptr, nullptr); }
    PolicyReads(const PolicyReads &) = delete;
    PolicyReads &operator=(const PolicyReads &) = delete;

    [[nodiscard]] int count() const { return m_count; }
    void clear() { m_count = 0; }

private:
    static int traced(unsigned type, void *context, void *statement, void * /*elapsed*/)
    {
        if (type != SQLITE_TRACE_PROFILE)
            return 0;
        const QString sql = QString::fromUtf8(sqlite3_sql(static_cast<sqlite3_stmt *>(statement)));
        if (sql.contains(QStringLiteral("LEFT JOIN rebalance_policies")))
            ++static_cast<PolicyReads *>(context)->m_count;
        return 0;
    }

    ballast::storage::Database &m_db;
    int m_count = 0;
};
