#include "security/vault.h"

#include "common/diskfull.h"
#include "security/vaultformat.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QLockFile>
#include <QSaveFile>
#include <QtEndian>

#include <cerrno>
#include <memory>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/params.h>
#include <openssl/rand.h>

namespace ballast::security {

namespace {

// The file format (records, parsing, serialising) lives in vaultformat; this
// file adds the keys, the cipher and the file handling.
using namespace vaultformat;

constexpr int kLockTimeoutMs = 10000;
constexpr QByteArrayView kCheckLabel("ballast-vault passphrase check");

void wipe(QByteArray &bytes)
{
    if (bytes.isEmpty())
        return;
    OPENSSL_cleanse(bytes.data(), static_cast<size_t>(bytes.size()));
    bytes.clear();
}

/// Key material and plaintext live in one of these so that every return path wipes them.
struct SecretBytes
{
    QByteArray bytes;
    SecretBytes() = default;
    explicit SecretBytes(QByteArray b)
        : bytes(std::move(b))
    {
    }
    SecretBytes(const SecretBytes &) = delete;
    SecretBytes &operator=(const SecretBytes &) = delete;
    ~SecretBytes() { wipe(bytes); }
};

QString shown(const QString &path)
{
    return QDir::toNativeSeparators(path);
}

Error unknownAccount(const QString &path, const QString &account)
{
    return makeError(QStringLiteral("vault.unknown-account"),
                     QStringLiteral("no credentials stored for account %1 in vault file %2").arg(account, shown(path)));
}

Error cryptoFailure(const char *what)
{
    return makeError(QStringLiteral("vault.crypto"),
                     QStringLiteral("%1 failed inside OpenSSL").arg(QLatin1String(what)));
}

Result<QList<Record>> readRecords(const QString &path)
{
    QFile file(path);
    if (!file.exists())
        return QList<Record>{};
    if (!file.open(QIODevice::ReadOnly)) {
        return makeError(QStringLiteral("vault.io"),
                         QStringLiteral("cannot read vault file %1: %2").arg(shown(path), file.errorString()));
    }
    return parse(path, file.readAll());
}

Status writeRecords(const QString &path, const QList<Record> &records)
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly)) {
        return makeError(QStringLiteral("vault.io"),
                         QStringLiteral("cannot write vault file %1: %2").arg(shown(path), file.errorString()));
    }
    // Before any byte is written: QSaveFile would otherwise create the file
    // with the umask's permissions, or copy those of the file it replaces.
    if (!file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner)) {
        file.cancelWriting();
        return makeError(QStringLiteral("vault.io"),
                         QStringLiteral("cannot make vault file %1 private: %2").arg(shown(path), file.errorString()));
    }
    const QByteArray bytes = serialize(records);
    // Flushed before commit so that a full disk is seen with its errno intact.
    const bool written = file.write(bytes) == bytes.size() && file.flush();
    const int savedErrno = errno;
    if (!written || !file.commit()) {
        if (isDiskFull(file, savedErrno))
            return diskFullError(path);
        return makeError(QStringLiteral("vault.io"),
                         QStringLiteral("writing vault file %1 failed: %2").arg(shown(path), file.errorString()));
    }
    return {};
}

qsizetype indexOf(const QList<Record> &records, const QString &account)
{
    for (qsizetype i = 0; i < records.size(); ++i) {
        if (records[i].account == account)
            return i;
    }
    return -1;
}

/// scrypt(passphrase, salt) -> 64 bytes: AES-256 key, then the check key.
Result<QByteArray> deriveKeys(const QString &passphrase, const QByteArray &salt, const ScryptParams &params)
{
    SecretBytes password(passphrase.toUtf8());
    QByteArray out(2 * kKeySize, Qt::Uninitialized);

    std::unique_ptr<EVP_KDF, decltype(&EVP_KDF_free)> kdf(EVP_KDF_fetch(nullptr, "SCRYPT", nullptr), &EVP_KDF_free);
    if (!kdf)
        return cryptoFailure("scrypt lookup");
    std::unique_ptr<EVP_KDF_CTX, decltype(&EVP_KDF_CTX_free)> ctx(EVP_KDF_CTX_new(kdf.get()), &EVP_KDF_CTX_free);
    if (!ctx)
        return cryptoFailure("scrypt setup");

    static char emptyPassword = 0;
    uint64_t n = uint64_t(1) << params.log2N;
    uint32_t r = params.r;
    uint32_t p = params.p;
    uint64_t maxMemory = scryptMemory(params) + 1;
    QByteArray saltCopy = salt;
    const OSSL_PARAM settings[] = {
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_PASSWORD,
                                          password.bytes.isEmpty() ? &emptyPassword : password.bytes.data(),
                                          static_cast<size_t>(password.bytes.size())),
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT, saltCopy.data(), static_cast<size_t>(saltCopy.size())),
        OSSL_PARAM_construct_uint64(OSSL_KDF_PARAM_SCRYPT_N, &n),
        OSSL_PARAM_construct_uint32(OSSL_KDF_PARAM_SCRYPT_R, &r),
        OSSL_PARAM_construct_uint32(OSSL_KDF_PARAM_SCRYPT_P, &p),
        OSSL_PARAM_construct_uint64(OSSL_KDF_PARAM_SCRYPT_MAXMEM, &maxMemory),
        OSSL_PARAM_construct_end(),
    };
    if (EVP_KDF_derive(ctx.get(), reinterpret_cast<unsigned char *>(out.data()), static_cast<size_t>(out.size()),
                       settings)
        != 1) {
        wipe(out);
        return cryptoFailure("scrypt");
    }
    return out;
}

QByteArray passphraseCheck(QByteArrayView checkKey)
{
    QByteArray out(EVP_MAX_MD_SIZE, Qt::Uninitialized);
    size_t length = 0;
    if (EVP_Q_mac(nullptr, "HMAC", nullptr, "SHA256", nullptr, checkKey.data(), static_cast<size_t>(checkKey.size()),
                  reinterpret_cast<const unsigned char *>(kCheckLabel.data()), static_cast<size_t>(kCheckLabel.size()),
                  reinterpret_cast<unsigned char *>(out.data()), static_cast<size_t>(out.size()), &length)
        == nullptr) {
        return {};
    }
    out.truncate(static_cast<qsizetype>(length));
    return out;
}

using CipherContext = std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)>;

bool seal(QByteArrayView key, Record &record, const QByteArray &plaintext)
{
    CipherContext ctx(EVP_CIPHER_CTX_new(), &EVP_CIPHER_CTX_free);
    const QByteArray aad = associatedData(record);
    QByteArray ciphertext(plaintext.size(), Qt::Uninitialized);
    QByteArray tag(kTagSize, Qt::Uninitialized);
    int length = 0;
    int finalLength = 0;
    const bool ok = ctx && EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, nullptr, nullptr) == 1
        && EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, static_cast<int>(kNonceSize), nullptr) == 1
        && EVP_EncryptInit_ex(ctx.get(), nullptr, nullptr, reinterpret_cast<const unsigned char *>(key.data()),
                              reinterpret_cast<const unsigned char *>(record.nonce.constData()))
            == 1
        && EVP_EncryptUpdate(ctx.get(), nullptr, &length, reinterpret_cast<const unsigned char *>(aad.constData()),
                             static_cast<int>(aad.size()))
            == 1
        && EVP_EncryptUpdate(ctx.get(), reinterpret_cast<unsigned char *>(ciphertext.data()), &length,
                             reinterpret_cast<const unsigned char *>(plaintext.constData()),
                             static_cast<int>(plaintext.size()))
            == 1
        && EVP_EncryptFinal_ex(ctx.get(), reinterpret_cast<unsigned char *>(ciphertext.data()) + length, &finalLength)
            == 1
        && EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, static_cast<int>(kTagSize), tag.data()) == 1;
    if (!ok)
        return false;
    ciphertext.truncate(length + finalLength);
    record.ciphertext = ciphertext;
    record.tag = tag;
    return true;
}

/// False when the tag does not verify: the key is wrong or the record was altered.
bool open(QByteArrayView key, const Record &record, QByteArray &plaintext)
{
    CipherContext ctx(EVP_CIPHER_CTX_new(), &EVP_CIPHER_CTX_free);
    const QByteArray aad = associatedData(record);
    QByteArray tag = record.tag;
    plaintext = QByteArray(record.ciphertext.size(), Qt::Uninitialized);
    int length = 0;
    int finalLength = 0;
    const bool ok = ctx && EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, nullptr, nullptr) == 1
        && EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, static_cast<int>(kNonceSize), nullptr) == 1
        && EVP_DecryptInit_ex(ctx.get(), nullptr, nullptr, reinterpret_cast<const unsigned char *>(key.data()),
                              reinterpret_cast<const unsigned char *>(record.nonce.constData()))
            == 1
        && EVP_DecryptUpdate(ctx.get(), nullptr, &length, reinterpret_cast<const unsigned char *>(aad.constData()),
                             static_cast<int>(aad.size()))
            == 1
        && EVP_DecryptUpdate(ctx.get(), reinterpret_cast<unsigned char *>(plaintext.data()), &length,
                             reinterpret_cast<const unsigned char *>(record.ciphertext.constData()),
                             static_cast<int>(record.ciphertext.size()))
            == 1
        && EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, static_cast<int>(kTagSize), tag.data()) == 1
        && EVP_DecryptFinal_ex(ctx.get(), reinterpret_cast<unsigned char *>(plaintext.data()) + length, &finalLength)
            == 1;
    if (!ok) {
        wipe(plaintext);
        return false;
    }
    plaintext.truncate(length + finalLength);
    return true;
}

QByteArray encodeCredentials(const Credentials &credentials)
{
    SecretBytes apiKey(credentials.apiKey.toUtf8());
    SecretBytes secret(credentials.secret.toUtf8());
    QByteArray out;
    // Reserve up front so appending never reallocates and strands an unwiped copy.
    out.reserve(8 + apiKey.bytes.size() + secret.bytes.size());
    appendU32(out, static_cast<quint32>(apiKey.bytes.size()));
    out += apiKey.bytes;
    appendU32(out, static_cast<quint32>(secret.bytes.size()));
    out += secret.bytes;
    return out;
}

Result<QByteArray> randomBytes(qsizetype size)
{
    QByteArray out(size, Qt::Uninitialized);
    if (RAND_bytes(reinterpret_cast<unsigned char *>(out.data()), static_cast<int>(size)) != 1)
        return cryptoFailure("random number generation");
    return out;
}

/// A new record for @p account, sealed under @p passphrase with @p params
/// and bound to @p databaseId.
Result<Record> sealRecord(const QString &account, const Credentials &credentials, const QString &passphrase,
                          const ScryptParams &params, const QByteArray &databaseId)
{
    Record record;
    record.account = account;
    record.binding = kBoundToDatabase;
    record.databaseId = databaseId;
    record.params = params;
    auto salt = randomBytes(kSaltSize);
    auto nonce = randomBytes(kNonceSize);
    if (!salt)
        return salt.error();
    if (!nonce)
        return nonce.error();
    record.salt = *salt;
    record.nonce = *nonce;

    auto derived = deriveKeys(passphrase, record.salt, record.params);
    if (!derived)
        return derived.error();
    SecretBytes keys(std::move(*derived));
    const QByteArrayView key(keys.bytes.constData(), kKeySize);
    record.check = passphraseCheck(QByteArrayView(keys.bytes.constData() + kKeySize, kKeySize));
    if (record.check.size() != kCheckSize)
        return cryptoFailure("HMAC-SHA256");

    SecretBytes plaintext(encodeCredentials(credentials));
    if (!seal(key, record, plaintext.bytes))
        return cryptoFailure("AES-256-GCM encryption");
    return record;
}

/// Derives the record's keys from @p passphrase; an error when the passphrase is not the record's.
Result<QByteArray> unlockKeys(const Record &record, const QString &passphrase)
{
    auto derived = deriveKeys(passphrase, record.salt, record.params);
    if (!derived)
        return derived.error();
    SecretBytes keys(std::move(*derived));
    const QByteArray check = passphraseCheck(QByteArrayView(keys.bytes.constData() + kKeySize, kKeySize));
    if (check.size() != kCheckSize || CRYPTO_memcmp(check.constData(), record.check.constData(), kCheckSize) != 0)
        return makeError(QStringLiteral("vault.wrong-passphrase"),
                         QStringLiteral("wrong passphrase for %1").arg(record.account));
    QByteArray out = keys.bytes;
    return out;
}

bool weaker(const ScryptParams &stored, const ScryptParams &wanted)
{
    return stored.log2N < wanted.log2N || stored.r < wanted.r || stored.p < wanted.p;
}

} // namespace

Vault::Vault(QString path, QString databaseId)
    : m_path(std::move(path))
    , m_databaseId(std::move(databaseId))
{
}

void Vault::setScryptParams(ScryptParams params)
{
    if (acceptableParams(params))
        m_params = params;
}

Status Vault::checkBound() const
{
    if (m_databaseId.isEmpty() || m_databaseId.toUtf8().size() > kMaxDatabaseIdSize) {
        return makeError(QStringLiteral("vault.unbound"),
                         QStringLiteral("vault file %1 is used without its database's identity").arg(shown(m_path)));
    }
    return {};
}

Status Vault::store(const QString &account, const Credentials &credentials, const QString &passphrase)
{
    if (account.isEmpty())
        return makeError(QStringLiteral("vault.invalid"), QStringLiteral("account name must not be empty"));
    if (account.toUtf8().size() > kMaxNameSize)
        return makeError(QStringLiteral("vault.invalid"), QStringLiteral("account name is too long"));
    if (passphrase.isEmpty()) {
        return makeError(QStringLiteral("vault.invalid"),
                         QStringLiteral("passphrase for %1 must not be empty").arg(account));
    }
    if (Status bound = checkBound(); !bound)
        return bound;

    const QFileInfo info(m_path);
    if (!QDir().mkpath(info.absolutePath())) {
        return makeError(QStringLiteral("vault.io"),
                         QStringLiteral("cannot create folder %1 for the vault").arg(shown(info.absolutePath())));
    }
    // Read-modify-write of a shared file: two Ballast processes storing at once
    // would otherwise each drop the other's new record.
    QLockFile lock(m_path + QStringLiteral(".lock"));
    if (!lock.tryLock(kLockTimeoutMs)) {
        return makeError(QStringLiteral("vault.busy"),
                         QStringLiteral("vault file %1 is locked by another process").arg(shown(m_path)));
    }
    auto records = readRecords(m_path);
    if (!records)
        return records.error();

    auto record = sealRecord(account, credentials, passphrase, m_params, m_databaseId.toUtf8());
    if (!record)
        return record.error();
    const qsizetype existing = indexOf(*records, account);
    if (existing >= 0)
        (*records)[existing] = std::move(*record);
    else
        records->append(std::move(*record));
    return writeRecords(m_path, *records);
}

Result<Credentials> Vault::load(const QString &account, const QString &passphrase)
{
    if (Status bound = checkBound(); !bound)
        return bound.error();
    const auto records = readRecords(m_path);
    if (!records)
        return records.error();
    const qsizetype index = indexOf(*records, account);
    if (index < 0)
        return unknownAccount(m_path, account);
    const Record &record = (*records)[index];
    if (record.binding == kBoundToDatabase && record.databaseId != m_databaseId.toUtf8()) {
        return makeError(QStringLiteral("vault.other-database"),
                         QStringLiteral("the key of %1 in vault file %2 belongs to another Ballast database (was the "
                                        "vault copied from elsewhere?); add the account's key again")
                             .arg(account, shown(m_path)));
    }

    auto unlocked = unlockKeys(record, passphrase);
    if (!unlocked)
        return unlocked.error();
    SecretBytes keys(std::move(*unlocked));

    // The passphrase is right, so a tag failure can only mean the record was
    // altered, or moved here from another account or database (both are in the AAD).
    SecretBytes plaintext;
    if (!open(QByteArrayView(keys.bytes.constData(), kKeySize), record, plaintext.bytes))
        return damaged(m_path, QStringLiteral("the record for %1 failed authentication").arg(account));
    Credentials credentials;
    if (!decodeCredentials(plaintext.bytes, credentials))
        return damaged(m_path, QStringLiteral("the record for %1 has a malformed payload").arg(account));

    // Records from before the database binding, or sealed at a lower scrypt
    // cost, are sealed again now that the passphrase is known. Best effort:
    // the credentials are good either way, and the next unlock tries again.
    if (record.binding != kBoundToDatabase || weaker(record.params, m_params))
        (void)reseal(record.account, credentials, passphrase, record.salt, record.nonce);
    return credentials;
}

Status Vault::reseal(const QString &account, const Credentials &credentials, const QString &passphrase,
                     const QByteArray &salt, const QByteArray &nonce)
{
    QLockFile lock(m_path + QStringLiteral(".lock"));
    if (!lock.tryLock(kLockTimeoutMs)) {
        return makeError(QStringLiteral("vault.busy"),
                         QStringLiteral("vault file %1 is locked by another process").arg(shown(m_path)));
    }
    auto records = readRecords(m_path);
    if (!records)
        return records.error();
    const qsizetype index = indexOf(*records, account);
    // Another process may have replaced the record meanwhile: keep its version.
    if (index < 0 || (*records)[index].salt != salt || (*records)[index].nonce != nonce)
        return {};
    auto fresh = sealRecord(account, credentials, passphrase, m_params, m_databaseId.toUtf8());
    if (!fresh)
        return fresh.error();
    (*records)[index] = std::move(*fresh);
    return writeRecords(m_path, *records);
}

Status Vault::checkPassphrase(const QString &passphrase) const
{
    if (passphrase.isEmpty())
        return makeError(QStringLiteral("vault.invalid"), QStringLiteral("an empty passphrase is not allowed"));
    const auto records = readRecords(m_path);
    if (!records)
        return records.error();
    if (records->isEmpty())
        return {}; // a new vault: this passphrase becomes its passphrase
    // Records of this database first: they are the ones unlocked together.
    const Record *probe = &records->first();
    for (const Record &record : *records) {
        if (record.binding == kBoundToDatabase && record.databaseId == m_databaseId.toUtf8()) {
            probe = &record;
            break;
        }
    }
    auto unlocked = unlockKeys(*probe, passphrase);
    if (!unlocked) {
        if (unlocked.error().code == QLatin1String("vault.wrong-passphrase")) {
            return makeError(QStringLiteral("vault.wrong-passphrase"),
                             QStringLiteral("the passphrase does not open the key vault %1 (it does not unlock the key "
                                            "of %2); a new key is sealed under the vault's passphrase")
                                 .arg(shown(m_path), probe->account));
        }
        return unlocked.error();
    }
    SecretBytes keys(std::move(*unlocked));
    return {};
}

Status Vault::remove(const QString &account)
{
    if (!QFileInfo::exists(m_path))
        return unknownAccount(m_path, account);
    QLockFile lock(m_path + QStringLiteral(".lock"));
    if (!lock.tryLock(kLockTimeoutMs)) {
        return makeError(QStringLiteral("vault.busy"),
                         QStringLiteral("vault file %1 is locked by another process").arg(shown(m_path)));
    }
    auto records = readRecords(m_path);
    if (!records)
        return records.error();
    const qsizetype index = indexOf(*records, account);
    if (index < 0)
        return unknownAccount(m_path, account);
    records->removeAt(index);
    return writeRecords(m_path, *records);
}

QStringList Vault::accounts() const
{
    const auto records = readRecords(m_path);
    QStringList names;
    if (!records)
        return names;
    for (const Record &record : *records)
        names.append(record.account);
    return names;
}

bool Vault::contains(const QString &account) const
{
    return accounts().contains(account);
}

Result<ScryptParams> Vault::storedParams(const QString &account) const
{
    const auto records = readRecords(m_path);
    if (!records)
        return records.error();
    const qsizetype index = indexOf(*records, account);
    if (index < 0)
        return unknownAccount(m_path, account);
    return (*records)[index].params;
}

Result<bool> Vault::isBound(const QString &account) const
{
    const auto records = readRecords(m_path);
    if (!records)
        return records.error();
    const qsizetype index = indexOf(*records, account);
    if (index < 0)
        return unknownAccount(m_path, account);
    const Record &record = (*records)[index];
    return record.binding == kBoundToDatabase && record.databaseId == m_databaseId.toUtf8();
}

} // namespace ballast::security
