#pragma once

#include "common/result.h"

#include <QString>
#include <QStringList>

namespace ballast::security {

/// An exchange API key pair for one account.
struct Credentials
{
    QString apiKey;
    QString secret;
};

/// Cost parameters of scrypt, kept per record so they can be raised later
/// without breaking old records. N = 2^log2N.
struct ScryptParams
{
    quint8 log2N = 15;
    quint32 r = 8;
    quint32 p = 1;
};

/// A file of API credentials encrypted at rest, one record per account, each
/// sealed with its own passphrase-derived key (scrypt) and AES-256-GCM.
///
/// File format, version 1 (integers big-endian):
///
///     magic "BALLASTV" (8) | version 0x01 (1) | record count u32
///     record * count:
///         name length u16 | account name UTF-8
///         kdf id u8 (1 = scrypt) | log2 N u8 | r u32 | p u32
///         salt (16, random) | nonce (12, random)
///         passphrase check (32) = HMAC-SHA256(check key, "ballast-vault passphrase check")
///         ciphertext length u32 | ciphertext | GCM tag (16)
///     SHA-256 of everything above (32)
///
/// scrypt(passphrase, salt) gives 64 bytes: the AES-256 key and the check key.
/// The GCM associated data is magic + version + the record's header (name,
/// KDF parameters, salt, nonce, check), so a record moved to another account
/// or given other parameters fails authentication. The plaintext is
/// apiKey and secret, each as u32 length + UTF-8.
///
/// The trailing SHA-256 only tells damage apart from a wrong passphrase; it is
/// not a security boundary (anyone can recompute it). GCM is: a record whose
/// check value matches but whose tag does not was altered.
///
/// Every call rereads the file; writes go through QSaveFile (atomic) under a
/// QLockFile, with owner-only permissions (0600).
class Vault
{
public:
    explicit Vault(QString path);

    [[nodiscard]] QString path() const { return m_path; }

    /// Cost for records written from now on; refuses to go below the defaults.
    void setScryptParams(ScryptParams params);
    [[nodiscard]] ScryptParams scryptParams() const { return m_params; }

    /// Adds or replaces the account's record. Other records are kept as they are.
    Status store(const QString &account, const Credentials &credentials, const QString &passphrase);
    Result<Credentials> load(const QString &account, const QString &passphrase) const;
    Status remove(const QString &account);

    /// Empty when the file is missing or damaged.
    [[nodiscard]] QStringList accounts() const;
    [[nodiscard]] bool contains(const QString &account) const;

    /// The KDF parameters stored in the account's record (no passphrase needed).
    Result<ScryptParams> storedParams(const QString &account) const;

private:
    QString m_path;
    ScryptParams m_params;
};

} // namespace ballast::security
