#pragma once

#include "analytics/performance.h"
#include "common/clock.h"
#include "common/result.h"

#include <QDate>
#include <QList>
#include <QString>

#include <optional>

namespace ballast::storage {
class Database;
}

namespace ballast::services {

struct PerformanceHistory;

/// What a rebuild of the daily valuations did.
struct RebuildReport
{
    QString portfolio;
    QString quote;
    QDate first; ///< the first transaction's day (invalid: nothing stored)
    QDate last; ///< the last complete day stored (yesterday, UTC)
    int days = 0; ///< daily rows the history has
    std::optional<QDate> changedFrom; ///< the first day written; none when the stored rows were already right
    int written = 0;
    int removed = 0; ///< stored daily rows that no longer belong (before the first transaction, or replaced)
    QList<analytics::MissingPrice> missing; ///< every (day, asset) valued without its own close
};

/// Keeps the stored daily valuations (kind daily, one per complete UTC day,
/// stamped at the day's close, 00:00 UTC of the next day) equal to what the
/// transactions and stored prices give, with the net invested capital of
/// each day and its missing prices. Runs on demand (ballast-cli valuations
/// rebuild, the desktop app's dashboard on open and on every ledger change);
/// it computes the whole history (PerformanceService::history) and writes
/// only from the first day whose stored row differs, so a second run writes
/// nothing and an edit of an old transaction rewrites from its day on.
class ValuationService
{
public:
    ValuationService(storage::Database &db, Clock clock, QString portfolio = {});

    /// Rebuilds the portfolio's daily valuations from its transactions.
    Result<RebuildReport> rebuild();
    /// Stores the daily rows of @p history (of the whole portfolio, computed
    /// up to today by PerformanceService::history), as rebuild() does.
    Result<RebuildReport> store(const PerformanceHistory &history);

private:
    storage::Database &m_db;
    Clock m_clock;
    QString m_portfolio;
};

} // namespace ballast::services
