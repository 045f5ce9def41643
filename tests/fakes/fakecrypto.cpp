#include "fakecrypto.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

namespace ballast::test::fake::crypto {

namespace {

QByteArray hmac(const EVP_MD *md, const QByteArray &key, const QByteArray &data)
{
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    const unsigned char *result =
        HMAC(md, key.constData(), static_cast<int>(key.size()),
             reinterpret_cast<const unsigned char *>(data.constData()), static_cast<size_t>(data.size()), out, &length);
    if (!result)
        return {};
    return QByteArray(reinterpret_cast<const char *>(out), static_cast<qsizetype>(length));
}

} // namespace

QByteArray hmacSha256(const QByteArray &key, const QByteArray &data)
{
    return hmac(EVP_sha256(), key, data);
}

QByteArray hmacSha512(const QByteArray &key, const QByteArray &data)
{
    return hmac(EVP_sha512(), key, data);
}

QByteArray sha256(const QByteArray &data)
{
    unsigned char out[SHA256_DIGEST_LENGTH];
    SHA256(reinterpret_cast<const unsigned char *>(data.constData()), static_cast<size_t>(data.size()), out);
    return QByteArray(reinterpret_cast<const char *>(out), SHA256_DIGEST_LENGTH);
}

bool equalConstantTime(const QByteArray &a, const QByteArray &b)
{
    if (a.size() != b.size())
        return false;
    return CRYPTO_memcmp(a.constData(), b.constData(), static_cast<size_t>(a.size())) == 0;
}

} // namespace ballast::test::fake::crypto
