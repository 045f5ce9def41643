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
/// without breaking old records. N = 2^log2N. The default, N = 2^17, r = 8,
/// p = 1, needs 128 MiB per derivation (current guidance for interactive
/// logins); records sealed at a lower cost open and are sealed again at the
/// next unlock.
struct ScryptParams
{
    quint8 log2N = 17;
    quint32 r = 8;
    quint32 p = 1;
};

/// A file of API credentials encrypted at rest, one record per account, each
/// sealed with its own passphrase-derived key (scrypt) and AES-256-GCM, and
/// bound to one database (its Database::databaseId()).
///
/// File format, version 2 (integers big-endian):
///
///     magic "BALLASTV" (8) | version 0x02 (1) | record count u32
///     record * count:
///         name length u16 | account name UTF-8
///         binding u8: 1 = database identity + account name
///                     0 = account name only (a record from a version-1 file)
///         (binding 1 only) database id length u8 | database id (ASCII)
///         kdf id u8 (1 = scrypt) | log2 N u8 | r u32 | p u32
///         salt (16, random) | nonce (12, random)
///         passphrase check (32) = HMAC-SHA256(check key, "ballast-vault passphrase check")
///         ciphertext length u32 | ciphertext | GCM tag (16)
///     SHA-256 of everything above (32)
///
/// Version 1 is the same without the binding fields; its records are read.
///
/// scrypt(passphrase, salt) gives 64 bytes: the AES-256 key and the check key.
/// The GCM associated data is magic + the version the record was sealed under
/// + the record's header (name, database identity, KDF parameters, salt,
/// nonce, check), so a record moved to another account, copied next to
/// another database or given other parameters fails authentication. A record
/// whose stored identity is not this database's is refused before any key is
/// derived, with a message that says so. The plaintext is apiKey and secret,
/// each as u32 length + UTF-8.
///
/// Re-sealing: when load() opens a record bound to the name only (version 1)
/// or sealed at a lower scrypt cost than scryptParams(), it seals it again
/// (fresh salt and nonce, this database's identity, the current cost) and
/// rewrites the file, unless another process changed that record meanwhile.
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
    /// @p databaseId is the identity of the database the keys belong to
    /// (Database::databaseId()); without one, store() and load() refuse.
    Vault(QString path, QString databaseId);

    [[nodiscard]] QString path() const { return m_path; }
    [[nodiscard]] const QString &databaseId() const { return m_databaseId; }

    /// Cost for records written from now on; refuses to go below 2^15 (the
    /// cost of version-1 records). Tests lower it for speed.
    void setScryptParams(ScryptParams params);
    [[nodiscard]] ScryptParams scryptParams() const { return m_params; }

    /// Adds or replaces the account's record. Other records are kept as they are.
    /// Does not compare @p passphrase with the other records: callers adding a
    /// key check it first with checkPassphrase().
    Status store(const QString &account, const Credentials &credentials, const QString &passphrase);
    /// Opens the account's record; may re-seal it (see the class comment).
    Result<Credentials> load(const QString &account, const QString &passphrase);
    Status remove(const QString &account);

    /// Whether @p passphrase is the vault's: it must unlock a record already
    /// there (one of this database's when there is one). Always true for an
    /// empty or missing vault. Callers run it before store() for a new key, so
    /// that a mistyped passphrase never seals one key under another passphrase.
    Status checkPassphrase(const QString &passphrase) const;

    /// Empty when the file is missing or damaged.
    [[nodiscard]] QStringList accounts() const;
    [[nodiscard]] bool contains(const QString &account) const;

    /// The KDF parameters stored in the account's record (no passphrase needed).
    Result<ScryptParams> storedParams(const QString &account) const;
    /// Whether the account's record is bound to this vault's database.
    Result<bool> isBound(const QString &account) const;

private:
    [[nodiscard]] Status checkBound() const;
    Status reseal(const QString &account, const Credentials &credentials, const QString &passphrase,
                  const QByteArray &salt, const QByteArray &nonce);

    QString m_path;
    QString m_databaseId;
    ScryptParams m_params;
};

} // namespace ballast::security
