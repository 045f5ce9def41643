#pragma once

#include "common/result.h"
#include "money/decimal.h"

#include <QHash>
#include <QList>
#include <QString>

namespace ballast::storage {

class Database;

/// A quantity of the lot opened by transaction @c lotTransactionId.
struct LotShare
{
    qint64 lotTransactionId = 0;
    money::Decimal quantity;
    bool operator==(const LotShare &) const = default;
};

/// Specific identification (tables planned_lots and lot_assignments): the
/// lots a plan's line is to take of the asset it gives up (a sale's base, a
/// direct-pair buy's quote), by client order id, and the lots each such trade
/// transaction took. A fill of the line takes the planned lots in the
/// plan's order, each as far as earlier fills of the same order left it.
class LotAssignmentRepo
{
public:
    explicit LotAssignmentRepo(Database &db)
        : m_db(db)
    {
    }

    /// Stores the lots order @p clientOrderId is to take, in the order given;
    /// an order whose lots are stored already keeps them.
    Status plan(const QString &clientOrderId, const QList<LotShare> &lots);
    [[nodiscard]] Result<QList<LotShare>> planned(const QString &clientOrderId);
    /// Assigns @p quantity of the sale transaction @p saleTransactionId (a
    /// fill of order @p clientOrderId) to the order's planned lots that
    /// earlier fills left; what they do not cover is not assigned (the
    /// cost-basis pass takes it by the portfolio's method). Returns the shares.
    Result<QList<LotShare>> assignFill(const QString &clientOrderId, qint64 saleTransactionId,
                                       const money::Decimal &quantity);
    /// Every sale transaction's lots, by its id.
    Result<QHash<qint64, QList<LotShare>>> all();

private:
    Database &m_db;
};

} // namespace ballast::storage
