#pragma once

#include "common/result.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QString>
#include <QStringView>

namespace ballast::chain::bech32 {

/// BIP-173 (Bech32) and BIP-350 (Bech32m): the same code, two checksum constants.
enum class Variant {
    Bech32,
    Bech32m,
};

struct Decoded
{
    QString hrp; ///< human-readable part, lower case
    QByteArray data; ///< 5-bit values, checksum removed
    Variant variant = Variant::Bech32;
};

/// @p data holds 5-bit values. The result is lower case.
QString encode(QStringView hrp, QByteArrayView data, Variant variant);
/// Refused with the reason: mixed case, no separator, an empty or invalid
/// human-readable part, a character outside the alphabet (with its position),
/// a checksum that matches neither variant, more than 90 characters.
Result<Decoded> decode(QStringView text);

/// Regroups bits (8 to 5 or 5 to 8). Going 5 to 8 without @p pad, more than 4
/// bits of padding or non-zero padding is refused.
Result<QByteArray> convertBits(QByteArrayView in, int fromBits, int toBits, bool pad);

struct WitnessProgram
{
    int version = 0; ///< 0..16
    QByteArray program; ///< 2..40 bytes (20 or 32 for version 0)
};

/// A native segregated witness address (BIP-173 for version 0, BIP-350 for 1..16).
QString encodeSegwit(QStringView hrp, const WitnessProgram &witness);
/// Refused with the reason, including a human-readable part other than @p hrp.
Result<WitnessProgram> decodeSegwit(QStringView hrp, QStringView address);

} // namespace ballast::chain::bech32
