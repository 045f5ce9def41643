#include "storage/valuationrepo.h"

#include "storage/database.h"

#include <QTimeZone>

namespace ballast::storage {

namespace {

void insertRows(Database &db, qint64 portfolioId, const QList<domain::Valuation> &rows)
{
    Statement upsert(db,
                     "INSERT OR REPLACE INTO valuations (portfolio_id, ts, kind, value, quote, simulated, "
                     "net_invested, missing) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
    for (const auto &row : rows) {
        upsert.bind(1, portfolioId)
            .bind(2, row.time.toMSecsSinceEpoch())
            .bind(3, domain::toText(row.kind))
            .bind(4, row.value)
            .bind(5, row.quote)
            .bind(6, row.simulated ? 1 : 0)
            .bind(8, row.missing);
        if (row.netInvested)
            upsert.bind(7, *row.netInvested);
        else
            upsert.bindNull(7);
        upsert.run();
        upsert.reset();
    }
}

} // namespace

Status ValuationRepo::record(qint64 portfolioId, const QList<domain::Valuation> &rows)
{
    return guarded([&]() -> Status {
        Transaction transaction(m_db);
        insertRows(m_db, portfolioId, rows);
        transaction.commit();
        return {};
    });
}

Status ValuationRepo::replaceDaily(qint64 portfolioId, qint64 keepFromMs, qint64 fromMs,
                                   const QList<domain::Valuation> &rows)
{
    return guarded([&]() -> Status {
        Transaction transaction(m_db);
        Statement remove(m_db,
                         "DELETE FROM valuations WHERE portfolio_id = ? AND kind = 'daily' AND (ts < ? OR ts >= ?)");
        remove.bind(1, portfolioId).bind(2, keepFromMs).bind(3, fromMs);
        remove.run();
        insertRows(m_db, portfolioId, rows);
        transaction.commit();
        return {};
    });
}

Result<QList<domain::Valuation>> ValuationRepo::list(qint64 portfolioId, qint64 fromMs, qint64 toMs)
{
    return guarded([&]() -> Result<QList<domain::Valuation>> {
        Statement query(m_db,
                        "SELECT ts, kind, value, quote, simulated, net_invested, missing FROM valuations "
                        "WHERE portfolio_id = ? AND ts BETWEEN ? AND ? ORDER BY ts, kind");
        query.bind(1, portfolioId).bind(2, fromMs).bind(3, toMs);
        QList<domain::Valuation> rows;
        while (query.step()) {
            domain::Valuation row;
            row.time = QDateTime::fromMSecsSinceEpoch(query.int64(0), QTimeZone::utc());
            row.kind = domain::valuationKindFromString(query.text(1));
            row.value = query.decimal(2);
            row.quote = query.text(3);
            row.simulated = query.int64(4) != 0;
            if (!query.isNull(5))
                row.netInvested = query.decimal(5);
            row.missing = query.text(6);
            rows.append(row);
        }
        return rows;
    });
}

} // namespace ballast::storage
