#pragma once

#include <QByteArray>
#include <QByteArrayView>

namespace ballast::chain {

/// The digests that addresses and extended keys are built from. SHA-256,
/// RIPEMD-160 and HMAC-SHA512 come from OpenSSL; Keccak-256 (Ethereum's hash,
/// which is not SHA3-256: the padding differs) is implemented here because
/// OpenSSL 3.0 does not offer it. All return the raw digest bytes.
QByteArray sha256(QByteArrayView data);
QByteArray doubleSha256(QByteArrayView data);
QByteArray ripemd160(QByteArrayView data);
/// RIPEMD-160 of SHA-256: the 20-byte hash inside P2PKH, P2WPKH and P2SH addresses.
QByteArray hash160(QByteArrayView data);
QByteArray hmacSha512(QByteArrayView key, QByteArrayView data);
QByteArray keccak256(QByteArrayView data);

namespace detail {
/// The 256-bit Keccak sponge with a domain byte: 0x01 is Keccak-256, 0x06 is
/// SHA3-256. Exposed so that a test can check the permutation against
/// OpenSSL's SHA3-256 on inputs of every length across several blocks.
QByteArray keccakSponge256(QByteArrayView data, unsigned char domain);
} // namespace detail

} // namespace ballast::chain
