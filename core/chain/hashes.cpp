#include "chain/hashes.h"

#include <array>
#include <cstdint>
#include <cstring>
#include <memory>
#include <openssl/evp.h>
#include <stdexcept>

namespace ballast::chain {

namespace {

const unsigned char *bytesOf(QByteArrayView data)
{
    // OpenSSL wants a non-null pointer even for zero bytes.
    static const unsigned char empty = 0;
    return data.isEmpty() ? &empty : reinterpret_cast<const unsigned char *>(data.data());
}

QByteArray digest(const char *name, QByteArrayView data)
{
    struct MdFree
    {
        void operator()(EVP_MD *md) const { EVP_MD_free(md); }
    };
    const std::unique_ptr<EVP_MD, MdFree> md(EVP_MD_fetch(nullptr, name, nullptr));
    QByteArray out(EVP_MAX_MD_SIZE, Qt::Uninitialized);
    unsigned int length = 0;
    if (!md
        || EVP_Digest(bytesOf(data), static_cast<size_t>(data.size()), reinterpret_cast<unsigned char *>(out.data()),
                      &length, md.get(), nullptr)
            != 1) {
        // Only a broken OpenSSL installation gets here (both digests are in
        // the default provider of OpenSSL 3.0.7 and later).
        throw std::runtime_error(std::string("OpenSSL cannot compute ") + name);
    }
    out.resize(static_cast<qsizetype>(length));
    return out;
}

// Keccak-f[1600] with the rate of Keccak-256 (136 bytes) and the original
// Keccak padding (0x01 ... 0x80), as Ethereum uses it.
constexpr std::array<std::uint64_t, 24> kRoundConstants = {
    0x0000000000000001ULL, 0x0000000000008082ULL, 0x800000000000808aULL, 0x8000000080008000ULL, 0x000000000000808bULL,
    0x0000000080000001ULL, 0x8000000080008081ULL, 0x8000000000008009ULL, 0x000000000000008aULL, 0x0000000000000088ULL,
    0x0000000080008009ULL, 0x000000008000000aULL, 0x000000008000808bULL, 0x800000000000008bULL, 0x8000000000008089ULL,
    0x8000000000008003ULL, 0x8000000000008002ULL, 0x8000000000000080ULL, 0x000000000000800aULL, 0x800000008000000aULL,
    0x8000000080008081ULL, 0x8000000000008080ULL, 0x0000000080000001ULL, 0x8000000080008008ULL,
};
// Rotation offsets and the lane permutation, in the order the pi step visits lanes.
constexpr std::array<int, 24> kRotations = {1,  3,  6,  10, 15, 21, 28, 36, 45, 55, 2,  14,
                                            27, 41, 56, 8,  25, 43, 62, 18, 39, 61, 20, 44};
constexpr std::array<int, 24> kPi = {10, 7,  11, 17, 18, 3, 5,  16, 8,  21, 24, 4,
                                     15, 23, 19, 13, 12, 2, 20, 14, 22, 9,  6,  1};

std::uint64_t rotl(std::uint64_t value, int by)
{
    return (value << by) | (value >> (64 - by));
}

void keccakF(std::array<std::uint64_t, 25> &a)
{
    for (const std::uint64_t constant : kRoundConstants) {
        std::array<std::uint64_t, 5> c{};
        for (int x = 0; x < 5; ++x)
            c[x] = a[x] ^ a[x + 5] ^ a[x + 10] ^ a[x + 15] ^ a[x + 20];
        for (int x = 0; x < 5; ++x) {
            const std::uint64_t d = c[(x + 4) % 5] ^ rotl(c[(x + 1) % 5], 1);
            for (int y = 0; y < 25; y += 5)
                a[y + x] ^= d;
        }
        std::uint64_t carried = a[1];
        for (int i = 0; i < 24; ++i) {
            const int lane = kPi[i];
            const std::uint64_t next = a[lane];
            a[lane] = rotl(carried, kRotations[i]);
            carried = next;
        }
        for (int y = 0; y < 25; y += 5) {
            const std::array<std::uint64_t, 5> row = {a[y], a[y + 1], a[y + 2], a[y + 3], a[y + 4]};
            for (int x = 0; x < 5; ++x)
                a[y + x] = row[x] ^ (~row[(x + 1) % 5] & row[(x + 2) % 5]);
        }
        a[0] ^= constant;
    }
}

} // namespace

QByteArray sha256(QByteArrayView data)
{
    return digest("SHA256", data);
}

QByteArray doubleSha256(QByteArrayView data)
{
    return sha256(sha256(data));
}

QByteArray ripemd160(QByteArrayView data)
{
    return digest("RIPEMD160", data);
}

QByteArray hash160(QByteArrayView data)
{
    return ripemd160(sha256(data));
}

QByteArray hmacSha512(QByteArrayView key, QByteArrayView data)
{
    QByteArray out(EVP_MAX_MD_SIZE, Qt::Uninitialized);
    size_t length = 0;
    if (EVP_Q_mac(nullptr, "HMAC", nullptr, "SHA512", nullptr, bytesOf(key), static_cast<size_t>(key.size()),
                  bytesOf(data), static_cast<size_t>(data.size()), reinterpret_cast<unsigned char *>(out.data()),
                  static_cast<size_t>(out.size()), &length)
        == nullptr)
        throw std::runtime_error("OpenSSL cannot compute HMAC-SHA512");
    out.resize(static_cast<qsizetype>(length));
    return out;
}

QByteArray detail::keccakSponge256(QByteArrayView data, unsigned char domain)
{
    constexpr qsizetype kRate = 136;
    std::array<std::uint64_t, 25> state{};
    const auto absorb = [&state](const unsigned char *block) {
        for (int i = 0; i < kRate / 8; ++i) {
            std::uint64_t lane = 0;
            for (int b = 7; b >= 0; --b)
                lane = (lane << 8) | block[i * 8 + b];
            state[i] ^= lane;
        }
        keccakF(state);
    };
    const auto *bytes = reinterpret_cast<const unsigned char *>(data.data());
    qsizetype offset = 0;
    for (; data.size() - offset >= kRate; offset += kRate)
        absorb(bytes + offset);
    std::array<unsigned char, kRate> last{};
    const qsizetype rest = data.size() - offset;
    if (rest > 0)
        std::memcpy(last.data(), bytes + offset, static_cast<size_t>(rest));
    last[static_cast<size_t>(rest)] ^= domain;
    last[kRate - 1] ^= 0x80;
    absorb(last.data());
    QByteArray out(32, Qt::Uninitialized);
    for (int i = 0; i < 32; ++i)
        out[i] = static_cast<char>((state[i / 8] >> (8 * (i % 8))) & 0xff);
    return out;
}

QByteArray keccak256(QByteArrayView data)
{
    return detail::keccakSponge256(data, 0x01);
}

} // namespace ballast::chain
