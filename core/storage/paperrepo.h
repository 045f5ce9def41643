#pragma once

#include "common/result.h"
#include "domain/fill.h"
#include "domain/markettypes.h"
#include "domain/order.h"

#include <QList>
#include <QString>

#include <optional>
#include <utility>

namespace ballast::storage {

class Database;

/// What the paper exchange keeps of one paper account: its settings (in the
/// meta table), balances, orders and fills. Exact arithmetic stays with the
/// caller; this only reads and writes rows. Callers that combine several calls
/// into one change open a Transaction around them.
class PaperRepo
{
public:
    PaperRepo(Database &db, qint64 accountId)
        : m_db(db)
        , m_accountId(accountId)
    {
    }

    /// The account's settings as (name, value) pairs, e.g. ("taker_fee_bps", "10").
    Result<QList<std::pair<QString, QString>>> settings();
    /// Stores settings by name. One transaction.
    Status setSettings(const QList<std::pair<QString, QString>> &values);

    /// Every balance, by asset.
    Result<QList<domain::Balance>> balances();
    /// One balance; none when the account never held the asset.
    Result<std::optional<domain::Balance>> balance(const QString &asset);
    /// Inserts or replaces the free and locked amounts of the balances. One transaction.
    Status putBalances(const QList<domain::Balance> &balances);
    /// Changes the locked amount of a balance that exists; nothing otherwise.
    Status setLocked(const QString &asset, const money::Decimal &locked);

    /// Whether an open (or partially filled) order has this client order id.
    Result<bool> hasOpenOrder(const QString &clientOrderId);
    /// Stores a new order and returns its id.
    Result<qint64> addOrder(const domain::Order &order, qint64 atMs);
    /// The newest order with this symbol and client order id.
    Result<std::optional<domain::Order>> findOrder(const QString &symbol, const QString &clientOrderId);
    /// Open and partially filled orders, oldest first; all symbols when @p symbol is empty.
    Result<QList<domain::Order>> openOrders(const QString &symbol = {});
    Status markCancelled(qint64 orderId, qint64 atMs);
    /// Marks an order filled in full for @p filledQuote.
    Status markFilled(qint64 orderId, const money::Decimal &filledQuote, qint64 atMs);

    /// Records a fill of order @p orderId: its quantity, price, fee, fee asset
    /// and time (the symbol, side and ids are the order's).
    Status addFill(qint64 orderId, const domain::Fill &fill);
    /// Fills of the account's orders in @p symbol at or after @p sinceMs, oldest first.
    Result<QList<domain::Fill>> fills(const QString &symbol, qint64 sinceMs);

private:
    Database &m_db;
    qint64 m_accountId;
};

} // namespace ballast::storage
