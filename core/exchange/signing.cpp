#include "exchange/signing.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>

namespace ballast::exchange {

namespace {

// OpenSSL refuses a null key pointer even with length 0, and an empty
// QByteArrayView may hold one; an empty HMAC key is still a valid key.
const unsigned char *keyBytes(QByteArrayView key)
{
    static const unsigned char empty = 0;
    return key.isEmpty() ? &empty : reinterpret_cast<const unsigned char *>(key.data());
}

QByteArray hmac(const char *digest, QByteArrayView key, QByteArrayView message)
{
    QByteArray out(EVP_MAX_MD_SIZE, Qt::Uninitialized);
    size_t outLength = 0;
    const unsigned char *done =
        EVP_Q_mac(nullptr, "HMAC", nullptr, digest, nullptr, keyBytes(key), static_cast<size_t>(key.size()),
                  reinterpret_cast<const unsigned char *>(message.data()), static_cast<size_t>(message.size()),
                  reinterpret_cast<unsigned char *>(out.data()), static_cast<size_t>(out.size()), &outLength);
    if (done == nullptr)
        return {};
    out.truncate(static_cast<qsizetype>(outLength));
    return out;
}

QByteArray sha256(QByteArrayView data)
{
    QByteArray out(EVP_MAX_MD_SIZE, Qt::Uninitialized);
    unsigned int outLength = 0;
    if (EVP_Digest(data.data(), static_cast<size_t>(data.size()), reinterpret_cast<unsigned char *>(out.data()),
                   &outLength, EVP_sha256(), nullptr)
        != 1) {
        return {};
    }
    out.truncate(static_cast<qsizetype>(outLength));
    return out;
}

bool isUnreserved(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.'
        || c == '_' || c == '~';
}

QByteArray encodePairs(const Signing::Params &params)
{
    QByteArray out;
    for (const auto &[key, value] : params) {
        if (!out.isEmpty())
            out += '&';
        out += Signing::percentEncode(key);
        out += '=';
        out += Signing::percentEncode(value);
    }
    return out;
}

} // namespace

QByteArray Signing::hmacSha256Hex(QByteArrayView key, QByteArrayView message)
{
    return hmac("SHA256", key, message).toHex();
}

QByteArray Signing::percentEncode(const QString &text)
{
    static constexpr char hexDigits[] = "0123456789ABCDEF";
    const QByteArray utf8 = text.toUtf8();
    QByteArray out;
    out.reserve(utf8.size() * 3);
    for (const char c : utf8) {
        if (isUnreserved(c)) {
            out += c;
        } else {
            const auto byte = static_cast<unsigned char>(c);
            out += '%';
            out += hexDigits[byte >> 4];
            out += hexDigits[byte & 0x0F];
        }
    }
    return out;
}

QByteArray Signing::binancePayload(const Params &query, const Params &body)
{
    // Binance signs "query string concatenated without separator to the body"
    // (reference §1.6, vector V3); an '&' here would break every mixed request.
    return encodePairs(query) + encodePairs(body);
}

QByteArray Signing::binanceSignature(QByteArrayView secret, QByteArrayView queryString, QByteArrayView body)
{
    QByteArray payload;
    payload.reserve(queryString.size() + body.size());
    payload.append(queryString);
    payload.append(body);
    return hmacSha256Hex(secret, payload);
}

Result<QByteArray> Signing::krakenSignature(QByteArrayView secretBase64, QByteArrayView uriPath, QByteArrayView nonce,
                                            QByteArrayView postData)
{
    QByteArray encoded = secretBase64.toByteArray();
    auto decoded = QByteArray::fromBase64Encoding(encoded, QByteArray::AbortOnBase64DecodingErrors);
    wipe(encoded);
    if (!decoded || decoded.decoded.isEmpty()) {
        wipe(decoded.decoded);
        // Never quote the secret, not even a prefix of it: messages end up in logs.
        return makeError(QStringLiteral("signing.bad-secret"),
                         QStringLiteral("Kraken API secret is not valid base64 (check that it was copied whole)"));
    }

    QByteArray hashed;
    hashed.reserve(nonce.size() + postData.size());
    hashed.append(nonce);
    hashed.append(postData);

    QByteArray message;
    message.reserve(uriPath.size() + 32);
    message.append(uriPath);
    message.append(sha256(hashed));

    const QByteArray mac = hmac("SHA512", decoded.decoded, message);
    wipe(decoded.decoded);
    if (mac.isEmpty())
        return makeError(QStringLiteral("signing.crypto"), QStringLiteral("HMAC-SHA512 failed inside OpenSSL"));
    return mac.toBase64();
}

void Signing::wipe(QByteArray &secret)
{
    if (secret.isEmpty())
        return;
    // data() detaches a shared array first, so this never writes into another
    // QByteArray's buffer or into read-only literal storage.
    OPENSSL_cleanse(secret.data(), static_cast<size_t>(secret.size()));
    secret.clear();
}

} // namespace ballast::exchange
