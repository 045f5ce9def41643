#pragma once

#include "common/result.h"

#include <QByteArray>
#include <QString>
#include <QStringView>

#include <optional>

namespace ballast::chain {

/// EIP-55 mixed-case checksum form of a 20-byte address ("0x" + 40 hex digits).
QString evmChecksumAddress(const QByteArray &address20);

/// An EVM address as a person pastes it: "0x" and 40 hex digits. All lower or
/// all upper case carries no checksum and is accepted; mixed case must match
/// its EIP-55 checksum (a mistyped character is caught). Returns the 20 bytes.
Result<QByteArray> parseEvmAddress(QStringView text);

/// A Solana account address: Base58 of a 32-byte public key. Returns the key.
Result<QByteArray> parseSolanaAddress(QStringView text);

/// Ballast watches and never holds a secret. A non-empty result says why the
/// text looks like one (an extended private key, a recovery phrase of 12 to
/// 24 words, 64 hex digits, a WIF private key, a Solana secret key as Base58
/// or as a JSON byte array); the text itself is never quoted back.
std::optional<QString> secretReason(QStringView text);

} // namespace ballast::chain
