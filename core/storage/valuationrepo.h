#pragma once

#include "common/result.h"
#include "domain/valuation.h"

#include <QList>

#include <limits>

namespace ballast::storage {

class Database;

/// The stored valuation history of each portfolio (its equity curve).
class ValuationRepo
{
public:
    explicit ValuationRepo(Database &db)
        : m_db(db)
    {
    }

    /// Stores the rows for @p portfolioId (replacing equal time and kind). One transaction.
    Status record(qint64 portfolioId, const QList<domain::Valuation> &rows);
    /// Replaces the daily rows of @p portfolioId with ts >= @p fromMs, and
    /// those before @p keepFromMs, by @p rows (all daily). One transaction.
    Status replaceDaily(qint64 portfolioId, qint64 keepFromMs, qint64 fromMs, const QList<domain::Valuation> &rows);
    /// Rows in [fromMs, toMs], oldest first.
    Result<QList<domain::Valuation>> list(qint64 portfolioId, qint64 fromMs = 0,
                                          qint64 toMs = std::numeric_limits<qint64>::max());

private:
    Database &m_db;
};

} // namespace ballast::storage
