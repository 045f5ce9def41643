#pragma once

#include "common/result.h"

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringView>

#include <cstdint>

namespace ballast::chain {

enum class BitcoinNetwork {
    Mainnet,
    Testnet,
};

/// How a key's addresses are written: BIP-44 (P2PKH, "1..."), BIP-49
/// (P2WPKH nested in P2SH, "3..."), BIP-84 (native P2WPKH, "bc1q...").
enum class ScriptType {
    P2pkh,
    P2shP2wpkh,
    P2wpkh,
};

QString scriptTypeName(ScriptType type); ///< "p2pkh", "p2sh-p2wpkh", "p2wpkh"
Result<ScriptType> scriptTypeFromName(QStringView name);

/// A BIP-32 extended public key: what a hardware wallet exports for an
/// account (xpub, ypub, zpub and their testnet forms tpub, upub, vpub, per
/// SLIP-132). Watch-only: it derives the account's public keys and addresses,
/// never a private key.
class ExtendedPublicKey
{
public:
    /// Refused with the reason: not Base58Check, a wrong length, a private key
    /// (xprv and the like: "never give Ballast a private key"), unknown version
    /// bytes, a public key that is not a compressed point on secp256k1.
    static Result<ExtendedPublicKey> parse(QStringView text);

    /// The key serialised with its own version bytes (parse(k).toString() == k).
    [[nodiscard]] QString toString() const;

    /// CKDpub: the non-hardened child @p index (< 2^31). Fails for a hardened
    /// index (a public key cannot derive one) and, with probability below
    /// 2^-127, for an index that BIP-32 skips.
    [[nodiscard]] Result<ExtendedPublicKey> child(std::uint32_t index) const;

    /// The address of the key at @p change / @p index below this account key
    /// (change 0: receive chain, 1: change chain), in this key's script type.
    [[nodiscard]] Result<QString> address(std::uint32_t change, std::uint32_t index) const;

    [[nodiscard]] BitcoinNetwork network() const { return m_network; }
    [[nodiscard]] ScriptType scriptType() const { return m_script; }
    /// Overrides the script type the version bytes imply (some wallets export
    /// every account as xpub); toString() keeps the original version bytes.
    void setScriptType(ScriptType type) { m_script = type; }
    [[nodiscard]] int depth() const { return m_depth; }
    [[nodiscard]] std::uint32_t childNumber() const { return m_childNumber; }
    [[nodiscard]] std::uint32_t parentFingerprint() const { return m_parentFingerprint; }
    [[nodiscard]] QByteArray publicKey() const { return m_publicKey; } ///< 33 bytes, compressed
    [[nodiscard]] QByteArray chainCode() const { return m_chainCode; }
    /// First 4 bytes of HASH160 of the public key, as a number.
    [[nodiscard]] std::uint32_t fingerprint() const;

private:
    std::uint32_t m_version = 0;
    BitcoinNetwork m_network = BitcoinNetwork::Mainnet;
    ScriptType m_script = ScriptType::P2pkh;
    int m_depth = 0;
    std::uint32_t m_parentFingerprint = 0;
    std::uint32_t m_childNumber = 0;
    QByteArray m_chainCode;
    QByteArray m_publicKey;
};

/// The address of a compressed public key in a script type and network.
QString addressForPublicKey(const QByteArray &compressedKey, ScriptType type, BitcoinNetwork network);

/// A Bitcoin address as a person pastes it: P2PKH and P2SH (Base58Check) or
/// native segwit (bech32 / bech32m), for @p network. Refused with the reason.
struct BitcoinAddress
{
    enum class Kind {
        P2pkh,
        P2sh,
        Witness,
    };
    Kind kind = Kind::P2pkh;
    int witnessVersion = -1;
    QByteArray payload; ///< hash or witness program
};
Result<BitcoinAddress> parseBitcoinAddress(QStringView text, BitcoinNetwork network);

} // namespace ballast::chain
