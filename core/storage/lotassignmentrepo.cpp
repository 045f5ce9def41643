#include "storage/lotassignmentrepo.h"

#include "storage/database.h"

namespace ballast::storage {

using money::Decimal;

Status LotAssignmentRepo::plan(const QString &clientOrderId, const QList<LotShare> &lots)
{
    return guarded([&]() -> Status {
        Transaction transaction(m_db);
        Statement known(m_db, "SELECT 1 FROM planned_lots WHERE client_order_id = ? LIMIT 1");
        known.bind(1, clientOrderId);
        if (known.step())
            return {};
        Statement insert(m_db,
                         "INSERT INTO planned_lots (client_order_id, seq, lot_transaction_id, quantity) "
                         "VALUES (?, ?, ?, ?)");
        for (qsizetype i = 0; i < lots.size(); ++i) {
            insert.reset();
            insert.bind(1, clientOrderId)
                .bind(2, static_cast<qint64>(i))
                .bind(3, lots[i].lotTransactionId)
                .bind(4, lots[i].quantity);
            insert.run();
        }
        transaction.commit();
        return {};
    });
}

Result<QList<LotShare>> LotAssignmentRepo::planned(const QString &clientOrderId)
{
    return guarded([&]() -> Result<QList<LotShare>> {
        Statement query(m_db,
                        "SELECT lot_transaction_id, quantity FROM planned_lots WHERE client_order_id = ? "
                        "ORDER BY seq");
        query.bind(1, clientOrderId);
        QList<LotShare> lots;
        while (query.step())
            lots.append({query.int64(0), query.decimal(1)});
        return lots;
    });
}

Result<QList<LotShare>> LotAssignmentRepo::assignFill(const QString &clientOrderId, qint64 saleTransactionId,
                                                      const Decimal &quantity)
{
    return guarded([&]() -> Result<QList<LotShare>> {
        Transaction transaction(m_db);
        QList<LotShare> left;
        {
            Statement query(m_db,
                            "SELECT lot_transaction_id, quantity FROM planned_lots WHERE client_order_id = ? "
                            "ORDER BY seq");
            query.bind(1, clientOrderId);
            while (query.step())
                left.append({query.int64(0), query.decimal(1)});
        }
        if (left.isEmpty())
            return QList<LotShare>();
        {
            // What earlier fills of this order took.
            Statement taken(m_db,
                            "SELECT lot_transaction_id, quantity FROM lot_assignments "
                            "WHERE client_order_id = ? AND sale_transaction_id <> ?");
            taken.bind(1, clientOrderId).bind(2, saleTransactionId);
            while (taken.step()) {
                const qint64 lot = taken.int64(0);
                Decimal used = taken.decimal(1);
                for (LotShare &share : left) {
                    if (share.lotTransactionId != lot || !used.isPositive())
                        continue;
                    const Decimal part = Decimal::min(used, share.quantity);
                    share.quantity -= part;
                    used -= part;
                }
            }
        }
        QList<LotShare> assigned;
        Decimal rest = quantity;
        for (const LotShare &share : std::as_const(left)) {
            if (!rest.isPositive())
                break;
            if (!share.quantity.isPositive())
                continue;
            const Decimal part = Decimal::min(rest, share.quantity);
            assigned.append({share.lotTransactionId, part});
            rest -= part;
        }
        Statement clear(m_db, "DELETE FROM lot_assignments WHERE sale_transaction_id = ?");
        clear.bind(1, saleTransactionId);
        clear.run();
        Statement insert(m_db,
                         "INSERT INTO lot_assignments (sale_transaction_id, seq, lot_transaction_id, quantity, "
                         "client_order_id) VALUES (?, ?, ?, ?, ?)");
        for (qsizetype i = 0; i < assigned.size(); ++i) {
            insert.reset();
            insert.bind(1, saleTransactionId)
                .bind(2, static_cast<qint64>(i))
                .bind(3, assigned[i].lotTransactionId)
                .bind(4, assigned[i].quantity)
                .bind(5, clientOrderId);
            insert.run();
        }
        transaction.commit();
        return assigned;
    });
}

Result<QHash<qint64, QList<LotShare>>> LotAssignmentRepo::all()
{
    return guarded([&]() -> Result<QHash<qint64, QList<LotShare>>> {
        Statement query(m_db,
                        "SELECT sale_transaction_id, lot_transaction_id, quantity FROM lot_assignments "
                        "ORDER BY sale_transaction_id, seq");
        QHash<qint64, QList<LotShare>> result;
        while (query.step())
            result[query.int64(0)].append({query.int64(1), query.decimal(2)});
        return result;
    });
}

} // namespace ballast::storage
