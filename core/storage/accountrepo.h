#pragma once

#include "common/result.h"
#include "domain/account.h"

#include <QList>

#include <optional>

namespace ballast::storage {

class Database;

/// Accounts: the paper exchange, exchange connections and manual wallets.
class AccountRepo
{
public:
    explicit AccountRepo(Database &db)
        : m_db(db)
    {
    }

    /// Adds an account; a name already taken is refused with a message naming it.
    Result<domain::Account> add(const domain::Account &account);
    Result<QList<domain::Account>> list();
    /// The account called @p name, or an error naming the accounts that exist.
    Result<domain::Account> byName(const QString &name);
    Result<std::optional<domain::Account>> findByName(const QString &name);

private:
    Database &m_db;
};

} // namespace ballast::storage
