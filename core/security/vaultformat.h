#pragma once

#include "common/result.h"
#include "security/vault.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QList>
#include <QString>

namespace ballast::security::vaultformat {

/// The bytes of a vault file (the layout is in Vault's class comment): reading
/// and writing them without touching a file or a key, so that the fuzz target
/// and Vault read a stored vault through the same code. Reading never trusts
/// a length or a parameter from the file before checking it.

inline constexpr QByteArrayView kMagic("BALLASTV");
inline constexpr quint8 kVersion = 2;
inline constexpr quint8 kLegacyVersion = 1; ///< read, and its records re-sealed at their next unlock
inline constexpr quint8 kKdfScrypt = 1;
inline constexpr quint8 kBoundToName = 0; ///< version-1 records: the account name only
inline constexpr quint8 kBoundToDatabase = 1; ///< the database identity and the account name
inline constexpr qsizetype kMaxDatabaseIdSize = 64;
inline constexpr qsizetype kSaltSize = 16;
inline constexpr qsizetype kNonceSize = 12; // 96-bit, the size GCM is specified for
inline constexpr qsizetype kCheckSize = 32;
inline constexpr qsizetype kTagSize = 16;
inline constexpr qsizetype kKeySize = 32;
inline constexpr qsizetype kChecksumSize = 32;
inline constexpr qsizetype kMaxNameSize = 1024;
inline constexpr qsizetype kMaxCiphertextSize = 1 << 20;
inline constexpr quint8 kMinLog2N = 15;
inline constexpr quint8 kMaxLog2N = 24;
// A record that asks for more than this is refused rather than left to eat
// the machine's memory: the parameters come from a file anyone may edit.
inline constexpr quint64 kMaxScryptMemory = quint64(1) << 30;

/// One account's record as stored.
struct Record
{
    QString account;
    quint8 binding = kBoundToDatabase;
    QByteArray databaseId; ///< empty for kBoundToName
    ScryptParams params;
    QByteArray salt;
    QByteArray nonce;
    QByteArray check;
    QByteArray ciphertext;
    QByteArray tag;
};

/// "vault file PATH is damaged or was tampered with (DETAIL)".
Error damaged(const QString &path, const QString &detail);

void appendU16(QByteArray &out, quint16 value);
void appendU32(QByteArray &out, quint32 value);

/// Memory scrypt needs for @p params, in bytes (OpenSSL's accounting).
quint64 scryptMemory(const ScryptParams &params);
/// Whether @p params lie within what Ballast accepts from a file.
bool acceptableParams(const ScryptParams &params);

/// The record as stored, before its ciphertext (binding fields only when bound to a database).
QByteArray recordHeader(const Record &record);
/// The GCM associated data: magic, the version the record was sealed under, its header.
QByteArray associatedData(const Record &record);
/// SHA-256 of @p data; empty if OpenSSL fails.
QByteArray sha256(QByteArrayView data);

/// A version-2 file of @p records with its trailing checksum.
QByteArray serialize(const QList<Record> &records);
/// Reads a whole file (version 1 or 2); @p path only names it in messages.
Result<QList<Record>> parse(const QString &path, const QByteArray &bytes);

/// The decrypted payload: apiKey and secret, each u32 length + UTF-8. False
/// when the lengths do not match the payload.
bool decodeCredentials(QByteArrayView plaintext, Credentials &credentials);

} // namespace ballast::security::vaultformat
