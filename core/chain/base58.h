#pragma once

#include "common/result.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QString>
#include <QStringView>

namespace ballast::chain::base58 {

/// Bitcoin's Base58 alphabet (no 0, O, I or l); leading zero bytes become '1'.
QString encode(QByteArrayView bytes);
/// Refused, naming the position (1-based): empty text, a character outside the
/// alphabet. Text longer than 200 characters is refused (no key or address is
/// that long, and the conversion is quadratic).
Result<QByteArray> decode(QStringView text);

/// Base58Check: payload followed by the first 4 bytes of its double SHA-256.
QString encodeCheck(QByteArrayView payload);
/// Decodes and verifies the checksum; returns the payload without it.
Result<QByteArray> decodeCheck(QStringView text);

} // namespace ballast::chain::base58
