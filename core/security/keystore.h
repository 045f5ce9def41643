#pragma once

#include "common/result.h"
#include "security/vault.h"

#include <QString>

namespace ballast::security {

/// Where API credentials live: the system keychain (Secret Service, KWallet,
/// macOS Keychain, Windows Credential Manager, through QtKeychain) when one
/// answers, otherwise the passphrase-encrypted Vault file. QtKeychain is
/// reached through the keychain module (keychainmodule.h), which is loaded
/// only when the keychain is first asked and a session bus is there.
///
/// QtKeychain's jobs are asynchronous; the module runs each one in a local
/// QEventLoop with a timeout, so calls block the calling thread (which needs a
/// QCoreApplication) but keep its events flowing. Use one thread for it.
class KeyStore
{
public:
    enum class Backend { SystemKeychain, VaultFile };
    enum class Mode {
        Auto, ///< the keychain when available, the vault file otherwise
        VaultOnly, ///< never touch the keychain (tests, portable installs)
    };

    /// @p databaseId binds the vault file's records to their database (Database::databaseId()).
    KeyStore(QString vaultPath, QString databaseId, Mode mode = Mode::Auto,
             QString service = QStringLiteral("Ballast"));

    /// The backend new credentials go to.
    [[nodiscard]] Backend backend() const;
    [[nodiscard]] const Vault &vault() const { return m_vault; }

    /// The passphrase is used only by the vault file; the keychain guards its
    /// entries with the user's login session.
    Status store(const QString &account, const Credentials &credentials, const QString &passphrase);
    /// Looks in the keychain first, then in the vault file (credentials stored
    /// before a keychain became available stay readable).
    Result<Credentials> load(const QString &account, const QString &passphrase);
    /// Removes the account from both places.
    Status remove(const QString &account);

    /// Checks the passphrase given for a new key against the vault file (see
    /// Vault::checkPassphrase): the CLI and the desktop app call it before
    /// store(), so a mistyped passphrase is refused instead of sealing the new
    /// key under a passphrase the other keys do not share.
    [[nodiscard]] Status checkPassphrase(const QString &passphrase) const;

    /// Whether this build has the keychain module (QtKeychain) at all.
    static bool keychainCompiledIn();
    /// Probes the system keychain once per process (fast when there is no D-Bus
    /// session bus) and caches the answer. BALLAST_NO_KEYCHAIN=1 forces false.
    static bool systemKeychainAvailable();

private:
    Vault m_vault;
    Mode m_mode;
    QString m_service;
};

} // namespace ballast::security
