#include "storage/holdingsrepo.h"

#include "storage/assetrepo.h"
#include "storage/database.h"

#include <QStringList>

namespace ballast::storage {

Status HoldingsRepo::set(qint64 accountId, const QList<domain::Holding> &holdings, qint64 atMs)
{
    return guarded([&]() -> Status {
        Transaction transaction(m_db);
        QStringList symbols;
        for (const auto &holding : holdings) {
            if (holding.quantity.isNegative()) {
                return makeError(
                    QStringLiteral("holding.negative"),
                    QStringLiteral("%1: quantity %2 is negative").arg(holding.asset, holding.quantity.toString()));
            }
            symbols << holding.asset;
        }
        if (auto ensured = AssetRepo(m_db).ensure(symbols); !ensured)
            return ensured.error();
        Statement upsert(m_db,
                         "INSERT INTO holdings (account_id, asset, network, quantity, updated_at) "
                         "VALUES (?, ?, ?, ?, ?) ON CONFLICT (account_id, asset, network) "
                         "DO UPDATE SET quantity = excluded.quantity, updated_at = excluded.updated_at");
        Statement remove(m_db, "DELETE FROM holdings WHERE account_id = ? AND asset = ? AND network = ?");
        for (const auto &holding : holdings) {
            if (holding.quantity.isZero()) {
                remove.bind(1, accountId).bind(2, holding.asset).bind(3, holding.network);
                remove.run();
                remove.reset();
            } else {
                upsert.bind(1, accountId)
                    .bind(2, holding.asset)
                    .bind(3, holding.network)
                    .bind(4, holding.quantity)
                    .bind(5, atMs);
                upsert.run();
                upsert.reset();
            }
        }
        transaction.commit();
        return {};
    });
}

Status HoldingsRepo::replaceAccount(qint64 accountId, const QList<domain::Holding> &holdings, qint64 atMs)
{
    return guarded([&]() -> Status {
        Transaction transaction(m_db);
        Statement clear(m_db, "DELETE FROM holdings WHERE account_id = ?");
        clear.bind(1, accountId);
        clear.run();
        if (auto stored = set(accountId, holdings, atMs); !stored)
            return stored.error();
        transaction.commit();
        return {};
    });
}

Result<QList<domain::Holding>> HoldingsRepo::list()
{
    return query("", 0);
}

Result<QList<domain::Holding>> HoldingsRepo::listForAccount(qint64 accountId)
{
    return query(" WHERE h.account_id = ?", accountId);
}

Result<QList<domain::Holding>> HoldingsRepo::query(const char *where, qint64 accountId)
{
    return guarded([&]() -> Result<QList<domain::Holding>> {
        const QByteArray sql = QByteArray("SELECT h.account_id, a.name, h.asset, h.network, h.quantity "
                                          "FROM holdings h JOIN accounts a ON a.id = h.account_id")
            + where + " ORDER BY h.asset, a.name, h.network";
        Statement statement(m_db, sql.constData());
        if (accountId != 0)
            statement.bind(1, accountId);
        QList<domain::Holding> holdings;
        while (statement.step()) {
            domain::Holding holding;
            holding.accountId = statement.int64(0);
            holding.accountName = statement.text(1);
            holding.asset = statement.text(2);
            holding.network = statement.text(3);
            holding.quantity = statement.decimal(4);
            holdings.append(holding);
        }
        return holdings;
    });
}

} // namespace ballast::storage
