#include "storage/holdingsrepo.h"

#include "storage/database.h"

namespace ballast::storage {

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
