#include "security/vault.h"

#include "common/diskfull.h"

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

constexpr QByteArrayView kMagic("BALLASTV");
constexpr quint8 kVersion = 2;
constexpr quint8 kLegacyVersion = 1; ///< read, and its records re-sealed at their next unlock
constexpr quint8 kKdfScrypt = 1;
constexpr quint8 kBoundToName = 0; ///< version-1 records: the account name only
constexpr quint8 kBoundToDatabase = 1; ///< the database identity and the account name
constexpr qsizetype kMaxDatabaseIdSize = 64;
constexpr qsizetype kSaltSize = 16;
constexpr qsizetype kNonceSize = 12; // 96-bit, the size GCM is specified for
constexpr qsizetype kCheckSize = 32;
constexpr qsizetype kTagSize = 16;
constexpr qsizetype kKeySize = 32;
constexpr qsizetype kChecksumSize = 32;
constexpr qsizetype kMaxNameSize = 1024;
constexpr qsizetype kMaxCiphertextSize = 1 << 20;
constexpr quint8 kMinLog2N = 15;
constexpr quint8 kMaxLog2N = 24;
// A record that asks for more than this is refused rather than left to eat
// the machine's memory: the parameters come from a file anyone may edit.
constexpr quint64 kMaxScryptMemory = quint64(1) << 30;
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

QString shown(const QString &path)
{
    return QDir::toNativeSeparators(path);
}

Error damaged(const QString &path, const QString &detail)
{
    return makeError(QStringLiteral("vault.damaged"),
                     QStringLiteral("vault file %1 is damaged or was tampered with (%2)").arg(shown(path), detail));
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

void appendU16(QByteArray &out, quint16 value)
{
    const quint16 be = qToBigEndian(value);
    out.append(reinterpret_cast<const char *>(&be), sizeof be);
}

void appendU32(QByteArray &out, quint32 value)
{
    const quint32 be = qToBigEndian(value);
    out.append(reinterpret_cast<const char *>(&be), sizeof be);
}

/// Bounds-checked reading; after the first overrun every read yields zero and ok() is false.
class Reader
{
public:
    explicit Reader(QByteArrayView data)
        : m_data(data)
    {
    }
    [[nodiscard]] bool ok() const { return m_ok; }
    [[nodiscard]] bool atEnd() const { return m_pos == m_data.size(); }

    QByteArrayView take(qsizetype n)
    {
        if (!m_ok || n < 0 || m_data.size() - m_pos < n) {
            m_ok = false;
            return {};
        }
        const QByteArrayView out = m_data.sliced(m_pos, n);
        m_pos += n;
        return out;
    }
    quint8 u8()
    {
        const auto bytes = take(1);
        return bytes.isEmpty() ? 0 : static_cast<quint8>(bytes[0]);
    }
    quint16 u16()
    {
        const auto bytes = take(2);
        return bytes.isEmpty() ? 0 : qFromBigEndian<quint16>(bytes.data());
    }
    quint32 u32()
    {
        const auto bytes = take(4);
        return bytes.isEmpty() ? 0 : qFromBigEndian<quint32>(bytes.data());
    }

private:
    QByteArrayView m_data;
    qsizetype m_pos = 0;
    bool m_ok = true;
};

quint64 scryptMemory(const ScryptParams &params)
{
    // OpenSSL's own accounting: B = 128 r p, V = 128 r (N + 2).
    const quint64 n = quint64(1) << params.log2N;
    return 128 * quint64(params.r) * (n + 2) + 128 * quint64(params.r) * params.p;
}

bool acceptableParams(const ScryptParams &params)
{
    return params.log2N >= kMinLog2N && params.log2N <= kMaxLog2N && params.r >= 1 && params.r <= 32 && params.p >= 1
        && params.p <= 16 && scryptMemory(params) <= kMaxScryptMemory;
}

/// The record as stored, before its ciphertext. Version-1 records (bound to
/// the name only) have no binding fields, so their associated data stays the
/// bytes they were sealed with.
QByteArray recordHeader(const Record &record)
{
    const QByteArray name = record.account.toUtf8();
    QByteArray out;
    appendU16(out, static_cast<quint16>(name.size()));
    out += name;
    if (record.binding == kBoundToDatabase) {
        out += static_cast<char>(kBoundToDatabase);
        out += static_cast<char>(record.databaseId.size());
        out += record.databaseId;
    }
    out += static_cast<char>(kKdfScrypt);
    out += static_cast<char>(record.params.log2N);
    appendU32(out, record.params.r);
    appendU32(out, record.params.p);
    out += record.salt;
    out += record.nonce;
    out += record.check;
    return out;
}

/// Magic, the format version the record was sealed under and its header:
/// the account name, the database identity (from version 2), the KDF
/// parameters, salt, nonce and check.
QByteArray associatedData(const Record &record)
{
    QByteArray out = kMagic.toByteArray();
    out += static_cast<char>(record.binding == kBoundToDatabase ? kVersion : kLegacyVersion);
    out += recordHeader(record);
    return out;
}

QByteArray sha256(QByteArrayView data)
{
    QByteArray out(EVP_MAX_MD_SIZE, Qt::Uninitialized);
    unsigned int length = 0;
    if (EVP_Digest(data.data(), static_cast<size_t>(data.size()), reinterpret_cast<unsigned char *>(out.data()),
                   &length, EVP_sha256(), nullptr)
        != 1) {
        return {};
    }
    out.truncate(static_cast<qsizetype>(length));
    return out;
}

QByteArray serialize(const QList<Record> &records)
{
    QByteArray out = kMagic.toByteArray();
    out += static_cast<char>(kVersion);
    appendU32(out, static_cast<quint32>(records.size()));
    for (const Record &record : records) {
        // In a version-2 file every record says how it is bound; a legacy
        // record's header (its associated data) has no such byte, so it is
        // written here, between the name and the KDF fields.
        QByteArray header = recordHeader(record);
        if (record.binding == kBoundToName) {
            const qsizetype nameEnd = 2 + record.account.toUtf8().size();
            header.insert(nameEnd, static_cast<char>(kBoundToName));
        }
        out += header;
        appendU32(out, static_cast<quint32>(record.ciphertext.size()));
        out += record.ciphertext;
        out += record.tag;
    }
    out += sha256(out);
    return out;
}

Result<QList<Record>> parse(const QString &path, const QByteArray &bytes)
{
    if (bytes.size() < kMagic.size() + 1 + 4 + kChecksumSize)
        return damaged(path, QStringLiteral("file is truncated"));
    const QByteArrayView body(bytes.constData(), bytes.size() - kChecksumSize);
    const QByteArray expected = sha256(body);
    if (expected.size() != kChecksumSize
        || CRYPTO_memcmp(expected.constData(), bytes.constData() + body.size(), kChecksumSize) != 0) {
        return damaged(path, QStringLiteral("checksum mismatch"));
    }

    Reader in(body);
    if (in.take(kMagic.size()) != kMagic)
        return damaged(path, QStringLiteral("not a Ballast vault file"));
    const quint8 version = in.u8();
    if (version != kVersion && version != kLegacyVersion) {
        return makeError(QStringLiteral("vault.version"),
                         QStringLiteral("vault file %1 has format version %2; this Ballast reads versions up to %3")
                             .arg(shown(path))
                             .arg(version)
                             .arg(kVersion));
    }
    const quint32 count = in.u32();
    QList<Record> records;
    for (quint32 i = 0; i < count && in.ok(); ++i) {
        Record record;
        const quint16 nameSize = in.u16();
        const QByteArrayView name = in.take(nameSize);
        record.account = QString::fromUtf8(name);
        record.binding = version == kLegacyVersion ? kBoundToName : in.u8();
        if (record.binding == kBoundToDatabase) {
            const quint8 idSize = in.u8();
            record.databaseId = in.take(idSize).toByteArray();
            if (in.ok() && (idSize == 0 || idSize > kMaxDatabaseIdSize))
                return damaged(path, QStringLiteral("record %1 has an invalid database identity").arg(i + 1));
        } else if (record.binding != kBoundToName && in.ok()) {
            return damaged(path, QStringLiteral("record %1 has an unknown binding").arg(i + 1));
        }
        const quint8 kdf = in.u8();
        record.params.log2N = in.u8();
        record.params.r = in.u32();
        record.params.p = in.u32();
        record.salt = in.take(kSaltSize).toByteArray();
        record.nonce = in.take(kNonceSize).toByteArray();
        record.check = in.take(kCheckSize).toByteArray();
        const quint32 ciphertextSize = in.u32();
        if (ciphertextSize > kMaxCiphertextSize)
            return damaged(path, QStringLiteral("record %1 is implausibly large").arg(i + 1));
        record.ciphertext = in.take(ciphertextSize).toByteArray();
        record.tag = in.take(kTagSize).toByteArray();
        if (!in.ok())
            break;
        if (nameSize == 0 || nameSize > kMaxNameSize || record.account.toUtf8() != name)
            return damaged(path, QStringLiteral("record %1 has an invalid account name").arg(i + 1));
        if (kdf != kKdfScrypt || !acceptableParams(record.params))
            return damaged(path, QStringLiteral("unsupported key derivation settings for %1").arg(record.account));
        records.append(std::move(record));
    }
    if (!in.ok() || !in.atEnd())
        return damaged(path, QStringLiteral("records do not match the file length"));
    return records;
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

bool decodeCredentials(QByteArrayView plaintext, Credentials &credentials)
{
    Reader in(plaintext);
    const QByteArrayView apiKey = in.take(in.u32());
    const QByteArrayView secret = in.take(in.u32());
    if (!in.ok() || !in.atEnd())
        return false;
    credentials.apiKey = QString::fromUtf8(apiKey);
    credentials.secret = QString::fromUtf8(secret);
    return true;
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
