#pragma once

#include <QByteArray>

namespace ballast::test::fake::crypto {

/// The digests the fakes verify signatures with (OpenSSL one-shot calls).
QByteArray hmacSha256(const QByteArray &key, const QByteArray &data);
QByteArray hmacSha512(const QByteArray &key, const QByteArray &data);
QByteArray sha256(const QByteArray &data);

/// Constant-time comparison of two byte strings.
bool equalConstantTime(const QByteArray &a, const QByteArray &b);

} // namespace ballast::test::fake::crypto
