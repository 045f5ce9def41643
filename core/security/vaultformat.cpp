#include "security/vaultformat.h"

#include <QDir>
#include <QtEndian>

#include <openssl/crypto.h>
#include <openssl/evp.h>

namespace ballast::security::vaultformat {

namespace {

QString shown(const QString &path)
{
    return QDir::toNativeSeparators(path);
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

} // namespace

Error damaged(const QString &path, const QString &detail)
{
    return makeError(QStringLiteral("vault.damaged"),
                     QStringLiteral("vault file %1 is damaged or was tampered with (%2)").arg(shown(path), detail));
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

} // namespace ballast::security::vaultformat
