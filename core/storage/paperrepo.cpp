#include "storage/paperrepo.h"

#include "storage/database.h"

#include <QTimeZone>

namespace ballast::storage {

using domain::Balance;
using domain::Order;

namespace {

constexpr const char *kOrderColumns = "SELECT id, client_order_id, symbol, side, type, quantity, price, "
                                      "filled_quantity, filled_quote, status, reason, created_at, updated_at "
                                      "FROM paper_orders";

Order readOrder(const Statement &row)
{
    Order order;
    order.exchangeOrderId = QString::number(row.int64(0));
    order.clientOrderId = row.text(1);
    order.symbol = row.text(2);
    order.side = domain::sideFromString(row.text(3));
    order.type = row.text(4) == QLatin1String("limit") ? domain::OrderType::Limit : domain::OrderType::Market;
    order.quantity = row.decimal(5);
    order.price = row.decimal(6);
    order.filledQuantity = row.decimal(7);
    order.filledQuote = row.decimal(8);
    order.status = domain::orderStatusFromString(row.text(9));
    order.reason = row.text(10);
    order.createdAt = QDateTime::fromMSecsSinceEpoch(row.int64(11), QTimeZone::utc());
    order.updatedAt = QDateTime::fromMSecsSinceEpoch(row.int64(12), QTimeZone::utc());
    return order;
}

QByteArray orderQuery(const char *where)
{
    return QByteArray(kOrderColumns) + where;
}

} // namespace

Result<QList<std::pair<QString, QString>>> PaperRepo::settings()
{
    return guarded([&]() -> Result<QList<std::pair<QString, QString>>> {
        Statement query(m_db, "SELECT key, value FROM meta WHERE key LIKE ?");
        query.bind(1, QStringLiteral("paper.%1.%").arg(m_accountId));
        QList<std::pair<QString, QString>> values;
        while (query.step())
            values.append({query.text(0).section(QLatin1Char('.'), 2), query.text(1)});
        return values;
    });
}

Status PaperRepo::setSettings(const QList<std::pair<QString, QString>> &values)
{
    return guarded([&]() -> Status {
        Transaction transaction(m_db);
        Statement upsert(m_db, "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)");
        for (const auto &[key, value] : values) {
            upsert.bind(1, QStringLiteral("paper.%1.%2").arg(m_accountId).arg(key)).bind(2, value);
            upsert.run();
            upsert.reset();
        }
        transaction.commit();
        return {};
    });
}

Result<QList<Balance>> PaperRepo::balances()
{
    return guarded([&]() -> Result<QList<Balance>> {
        Statement query(m_db, "SELECT asset, free, locked FROM paper_balances WHERE account_id = ? ORDER BY asset");
        query.bind(1, m_accountId);
        QList<Balance> balances;
        while (query.step())
            balances.append(Balance{query.text(0), query.decimal(1), query.decimal(2)});
        return balances;
    });
}

Result<std::optional<Balance>> PaperRepo::balance(const QString &asset)
{
    return guarded([&]() -> Result<std::optional<Balance>> {
        Statement query(m_db, "SELECT free, locked FROM paper_balances WHERE account_id = ? AND asset = ?");
        query.bind(1, m_accountId).bind(2, asset);
        if (query.step())
            return std::optional<Balance>(Balance{asset, query.decimal(0), query.decimal(1)});
        return std::optional<Balance>();
    });
}

Status PaperRepo::putBalances(const QList<Balance> &balances)
{
    return guarded([&]() -> Status {
        Transaction transaction(m_db);
        Statement upsert(m_db,
                         "INSERT INTO paper_balances (account_id, asset, free, locked) "
                         "VALUES (?, ?, ?, ?) ON CONFLICT (account_id, asset) "
                         "DO UPDATE SET free = excluded.free, locked = excluded.locked");
        for (const Balance &balance : balances) {
            upsert.bind(1, m_accountId).bind(2, balance.asset).bind(3, balance.free).bind(4, balance.locked);
            upsert.run();
            upsert.reset();
        }
        transaction.commit();
        return {};
    });
}

Status PaperRepo::setLocked(const QString &asset, const money::Decimal &locked)
{
    return guarded([&]() -> Status {
        Statement update(m_db, "UPDATE paper_balances SET locked = ? WHERE account_id = ? AND asset = ?");
        update.bind(1, locked).bind(2, m_accountId).bind(3, asset);
        update.run();
        return {};
    });
}

Result<bool> PaperRepo::hasOpenOrder(const QString &clientOrderId)
{
    return guarded([&]() -> Result<bool> {
        Statement query(m_db,
                        "SELECT count(*) FROM paper_orders WHERE account_id = ? AND "
                        "client_order_id = ? AND status IN ('open', 'partially_filled')");
        query.bind(1, m_accountId).bind(2, clientOrderId);
        query.step();
        return query.int64(0) > 0;
    });
}

Result<qint64> PaperRepo::addOrder(const Order &order, qint64 atMs)
{
    return guarded([&]() -> Result<qint64> {
        Statement insert(m_db,
                         "INSERT INTO paper_orders (account_id, client_order_id, symbol, side, type, "
                         "quantity, price, filled_quantity, filled_quote, status, reason, created_at, "
                         "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '', ?, ?)");
        insert.bind(1, m_accountId)
            .bind(2, order.clientOrderId)
            .bind(3, order.symbol)
            .bind(4, domain::toText(order.side))
            .bind(5, domain::toText(order.type))
            .bind(6, order.quantity)
            .bind(7, order.price)
            .bind(8, order.filledQuantity)
            .bind(9, order.filledQuote)
            .bind(10, domain::toText(order.status))
            .bind(11, atMs)
            .bind(12, atMs);
        insert.run();
        return m_db.lastInsertId();
    });
}

Result<std::optional<Order>> PaperRepo::findOrder(const QString &symbol, const QString &clientOrderId)
{
    return guarded([&]() -> Result<std::optional<Order>> {
        const QByteArray sql = orderQuery(" WHERE account_id = ? AND symbol = ? AND client_order_id = ? "
                                          "ORDER BY id DESC LIMIT 1");
        Statement query(m_db, sql.constData());
        query.bind(1, m_accountId).bind(2, symbol).bind(3, clientOrderId);
        if (query.step())
            return std::optional<Order>(readOrder(query));
        return std::optional<Order>();
    });
}

Result<QList<Order>> PaperRepo::openOrders(const QString &symbol)
{
    return guarded([&]() -> Result<QList<Order>> {
        const QByteArray sql = orderQuery(" WHERE account_id = ? AND status IN ('open', 'partially_filled') "
                                          "AND (? = '' OR symbol = ?) ORDER BY id");
        Statement query(m_db, sql.constData());
        query.bind(1, m_accountId).bind(2, symbol).bind(3, symbol);
        QList<Order> orders;
        while (query.step())
            orders.append(readOrder(query));
        return orders;
    });
}

Status PaperRepo::markCancelled(qint64 orderId, qint64 atMs)
{
    return guarded([&]() -> Status {
        Statement mark(m_db, "UPDATE paper_orders SET status = 'cancelled', updated_at = ? WHERE id = ?");
        mark.bind(1, atMs).bind(2, orderId);
        mark.run();
        return {};
    });
}

Status PaperRepo::markFilled(qint64 orderId, const money::Decimal &filledQuote, qint64 atMs)
{
    return guarded([&]() -> Status {
        Statement mark(m_db,
                       "UPDATE paper_orders SET status = 'filled', filled_quantity = quantity, "
                       "filled_quote = ?, updated_at = ? WHERE id = ?");
        mark.bind(1, filledQuote).bind(2, atMs).bind(3, orderId);
        mark.run();
        return {};
    });
}

Status PaperRepo::addFill(qint64 orderId, const domain::Fill &fill)
{
    return guarded([&]() -> Status {
        Statement insert(m_db,
                         "INSERT INTO paper_fills (order_id, quantity, price, fee, fee_asset, ts) "
                         "VALUES (?, ?, ?, ?, ?, ?)");
        insert.bind(1, orderId)
            .bind(2, fill.quantity)
            .bind(3, fill.price)
            .bind(4, fill.fee)
            .bind(5, fill.feeAsset)
            .bind(6, fill.time.toMSecsSinceEpoch());
        insert.run();
        return {};
    });
}

Result<QList<domain::Fill>> PaperRepo::fills(const QString &symbol, qint64 sinceMs)
{
    return guarded([&]() -> Result<QList<domain::Fill>> {
        Statement query(m_db,
                        "SELECT f.id, o.client_order_id, o.id, o.symbol, o.side, f.quantity, f.price, "
                        "f.fee, f.fee_asset, f.ts FROM paper_fills f "
                        "JOIN paper_orders o ON o.id = f.order_id "
                        "WHERE o.account_id = ? AND o.symbol = ? AND f.ts >= ? ORDER BY f.id");
        query.bind(1, m_accountId).bind(2, symbol).bind(3, sinceMs);
        QList<domain::Fill> fills;
        while (query.step()) {
            domain::Fill fill;
            fill.tradeId = QString::number(query.int64(0));
            fill.clientOrderId = query.text(1);
            fill.exchangeOrderId = QString::number(query.int64(2));
            fill.symbol = query.text(3);
            fill.side = domain::sideFromString(query.text(4));
            fill.quantity = query.decimal(5);
            fill.price = query.decimal(6);
            fill.fee = query.decimal(7);
            fill.feeAsset = query.text(8);
            fill.time = QDateTime::fromMSecsSinceEpoch(query.int64(9), QTimeZone::utc());
            fills.append(fill);
        }
        return fills;
    });
}

} // namespace ballast::storage
