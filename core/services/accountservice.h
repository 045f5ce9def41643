#pragma once

#include "common/clock.h"
#include "common/result.h"
#include "domain/account.h"
#include "exchange/paperexchange.h"
#include "security/keystore.h"

#include <QString>

#include <optional>

namespace ballast::storage {
class Database;
}

namespace ballast::services {

/// Adding accounts: the one path the CLI (`accounts add`) and the Accounts
/// page take. Exchange accounts come with an API key, which goes into the key
/// store (system keychain or encrypted vault file) first: when storing the key
/// fails nothing is added, and when adding the account fails the key goes
/// again. Checks on what a person typed (passphrase, base URL) belong in
/// addExchangeAccount, so that both front ends get them.
class AccountService
{
public:
    AccountService(storage::Database &db, QString vaultPath, Clock clock = systemClock());

    /// The exchanges whose accounts need an API key ("binance", "kraken").
    [[nodiscard]] static bool needsKey(const QString &exchange);

    /// Refuses a name an account already has (code "account.exists").
    Status checkNameFree(const QString &name);

    /// Records in the vault are sealed one by one, so a mistyped passphrase
    /// would seal a new record under another: checks @p passphrase against a
    /// record already there (code "account.passphrase"). Passes when the vault
    /// is empty.
    Status checkPassphrase(const QString &passphrase) const;

    /// Adds an exchange account with its key. Errors: "account.exists", then
    /// "account.key_store" (the key could not be stored; the message is the
    /// store's), then whatever adding the account returns.
    Result<domain::Account> addExchangeAccount(const QString &name, const QString &exchange, const QString &baseUrl,
                                               const QString &apiKey, const QString &secret, const QString &passphrase);

    /// Adds an account without a key (paper, manual, wallet). A paper account
    /// gets @p paperConfig, in the same transaction, when one is given.
    Result<domain::Account> addAccount(const QString &name, const QString &exchange, const QString &baseUrl = {},
                                       const std::optional<exchange::PaperConfig> &paperConfig = std::nullopt);

    /// Where keys are kept.
    [[nodiscard]] security::KeyStore::Backend keyBackend() const;

private:
    storage::Database &m_db;
    QString m_vaultPath;
    Clock m_clock;
};

} // namespace ballast::services
