#include "services/accountservice.h"

#include "services/ledger.h"
#include "services/ledgerqueries.h"
#include "storage/database.h"

namespace ballast::services {

AccountService::AccountService(storage::Database &db, QString vaultPath, Clock clock)
    : m_db(db)
    , m_vaultPath(std::move(vaultPath))
    , m_clock(std::move(clock))
{
}

bool AccountService::needsKey(const QString &exchange)
{
    return exchange == QLatin1String("binance") || exchange == QLatin1String("kraken");
}

Status AccountService::checkNameFree(const QString &name)
{
    if (auto existing = LedgerQueries(m_db).findAccount(name); existing && existing->has_value()) {
        return makeError(QStringLiteral("account.exists"),
                         QStringLiteral("an account named \"%1\" exists already").arg(name));
    }
    return {};
}

Status AccountService::checkPassphrase(const QString &passphrase) const
{
    if (auto checked = security::KeyStore(m_vaultPath, m_db.databaseId()).checkPassphrase(passphrase); !checked)
        return makeError(QStringLiteral("account.passphrase"), checked.error().message);
    return {};
}

Result<domain::Account> AccountService::addExchangeAccount(const QString &name, const QString &exchange,
                                                           const QString &baseUrl, const QString &apiKey,
                                                           const QString &secret, const QString &passphrase)
{
    if (auto free = checkNameFree(name); !free)
        return free.error();
    // Records are sealed one by one: a mistyped passphrase would seal this key
    // under another passphrase than the others. Checked for CLI and GUI alike.
    if (auto checked = checkPassphrase(passphrase); !checked)
        return checked.error();
    security::KeyStore keys(m_vaultPath, m_db.databaseId());
    if (auto stored = keys.store(name, security::Credentials{apiKey, secret}, passphrase); !stored)
        return makeError(QStringLiteral("account.key_store"), stored.error().message);
    auto added = Ledger(m_db, m_clock).addAccount(name, exchange, baseUrl);
    if (!added)
        (void)keys.remove(name);
    return added;
}

Result<domain::Account> AccountService::addAccount(const QString &name, const QString &exchange, const QString &baseUrl,
                                                   const std::optional<exchange::PaperConfig> &paperConfig)
{
    return storage::guarded([&]() -> Result<domain::Account> {
        storage::Transaction transaction(m_db);
        auto account = Ledger(m_db, m_clock).addAccount(name, exchange, baseUrl);
        if (!account)
            return account.error();
        if (paperConfig && account->kind == domain::AccountKind::Paper) {
            auto portfolio = LedgerQueries(m_db).portfolio();
            const QString quote = portfolio ? portfolio->quote : QStringLiteral("USDT");
            if (auto set = exchange::PaperExchange(m_db, account->id, quote, m_clock).setConfig(*paperConfig); !set)
                return set.error().toError();
        }
        transaction.commit();
        return account;
    });
}

security::KeyStore::Backend AccountService::keyBackend() const
{
    return security::KeyStore(m_vaultPath, m_db.databaseId()).backend();
}

} // namespace ballast::services
