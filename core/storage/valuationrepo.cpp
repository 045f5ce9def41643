#include "storage/valuationrepo.h"

#include "storage/database.h"

#include <QTimeZone>

namespace ballast::storage {

Status ValuationRepo::record(qint64 portfolioId, const QList<domain::Valuation> &rows)
{
    return guarded([&]() -> Status {
        Transaction transaction(m_db);
        Statement upsert(m_db,
                         "INSERT OR REPLACE INTO valuations (portfolio_id, ts, kind, value, quote, simulated) "
                         "VALUES (?, ?, ?, ?, ?, ?)");
        for (const auto &row : rows) {
            upsert.bind(1, portfolioId)
                .bind(2, row.time.toMSecsSinceEpoch())
                .bind(3, domain::toText(row.kind))
                .bind(4, row.value)
                .bind(5, row.quote)
                .bind(6, row.simulated ? 1 : 0);
            upsert.run();
            upsert.reset();
        }
        transaction.commit();
        return {};
    });
}

Result<QList<domain::Valuation>> ValuationRepo::list(qint64 portfolioId, qint64 fromMs, qint64 toMs)
{
    return guarded([&]() -> Result<QList<domain::Valuation>> {
        Statement query(m_db,
                        "SELECT ts, kind, value, quote, simulated FROM valuations "
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
            rows.append(row);
        }
        return rows;
    });
}

} // namespace ballast::storage
