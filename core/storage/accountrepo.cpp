#include "storage/accountrepo.h"

#include "storage/database.h"

#include <QStringList>
#include <QTimeZone>

namespace ballast::storage {

namespace {

domain::Account readAccount(const Statement &row)
{
    domain::Account account;
    account.id = row.int64(0);
    account.name = row.text(1);
    account.kind = domain::accountKindFromString(row.text(2));
    account.exchange = row.text(3);
    account.baseUrl = row.text(4);
    account.createdAt = QDateTime::fromMSecsSinceEpoch(row.int64(5), QTimeZone::utc());
    return account;
}

constexpr const char *kSelect = "SELECT id, name, kind, exchange, base_url, created_at FROM accounts";

} // namespace

Result<domain::Account> AccountRepo::add(const domain::Account &account)
{
    return guarded([&]() -> Result<domain::Account> {
        if (account.name.trimmed().isEmpty())
            return makeError(QStringLiteral("account.name"), QStringLiteral("an account needs a name"));
        auto existing = findByName(account.name);
        if (!existing)
            return existing.error();
        if (existing->has_value()) {
            return makeError(QStringLiteral("account.exists"),
                             QStringLiteral("an account named \"%1\" exists already").arg(account.name));
        }
        Statement insert(m_db,
                         "INSERT INTO accounts (name, kind, exchange, base_url, created_at) "
                         "VALUES (?, ?, ?, ?, ?)");
        insert.bind(1, account.name)
            .bind(2, domain::toText(account.kind))
            .bind(3, account.exchange)
            .bind(4, account.baseUrl)
            .bind(5, account.createdAt.toMSecsSinceEpoch());
        insert.run();
        domain::Account stored = account;
        stored.id = m_db.lastInsertId();
        return stored;
    });
}

Result<QList<domain::Account>> AccountRepo::list()
{
    return guarded([&]() -> Result<QList<domain::Account>> {
        Statement query(m_db, QByteArray(QByteArray(kSelect) + " ORDER BY name").constData());
        QList<domain::Account> accounts;
        while (query.step())
            accounts.append(readAccount(query));
        return accounts;
    });
}

Result<std::optional<domain::Account>> AccountRepo::findByName(const QString &name)
{
    return guarded([&]() -> Result<std::optional<domain::Account>> {
        Statement query(m_db, QByteArray(QByteArray(kSelect) + " WHERE name = ?").constData());
        query.bind(1, name);
        if (query.step())
            return std::optional<domain::Account>(readAccount(query));
        return std::optional<domain::Account>();
    });
}

Result<domain::Account> AccountRepo::byName(const QString &name)
{
    auto found = findByName(name);
    if (!found)
        return found.error();
    if (found->has_value())
        return **found;
    auto all = list();
    QStringList names;
    if (all) {
        for (const auto &account : *all)
            names << account.name;
    }
    return makeError(QStringLiteral("account.unknown"),
                     names.isEmpty()
                         ? QStringLiteral("no account named \"%1\"; there are no accounts yet").arg(name)
                         : QStringLiteral("no account named \"%1\"; accounts: %2").arg(name, names.join(u", ")));
}

} // namespace ballast::storage
