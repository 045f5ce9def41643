#include "chain/bitcoinkeys.h"

#include "chain/base58.h"
#include "chain/bech32.h"
#include "chain/hashes.h"

#include <array>
#include <memory>
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/obj_mac.h>

namespace ballast::chain {

namespace {

struct VersionInfo
{
    std::uint32_t version;
    BitcoinNetwork network;
    ScriptType script;
    bool isPrivate;
    const char *prefix;
};

// SLIP-132 version bytes.
constexpr std::array<VersionInfo, 12> kVersions = {{
    {0x0488B21E, BitcoinNetwork::Mainnet, ScriptType::P2pkh, false, "xpub"},
    {0x049D7CB2, BitcoinNetwork::Mainnet, ScriptType::P2shP2wpkh, false, "ypub"},
    {0x04B24746, BitcoinNetwork::Mainnet, ScriptType::P2wpkh, false, "zpub"},
    {0x043587CF, BitcoinNetwork::Testnet, ScriptType::P2pkh, false, "tpub"},
    {0x044A5262, BitcoinNetwork::Testnet, ScriptType::P2shP2wpkh, false, "upub"},
    {0x045F1C92, BitcoinNetwork::Testnet, ScriptType::P2wpkh, false, "vpub"},
    {0x0488ADE4, BitcoinNetwork::Mainnet, ScriptType::P2pkh, true, "xprv"},
    {0x049D7878, BitcoinNetwork::Mainnet, ScriptType::P2shP2wpkh, true, "yprv"},
    {0x04B2430C, BitcoinNetwork::Mainnet, ScriptType::P2wpkh, true, "zprv"},
    {0x04358394, BitcoinNetwork::Testnet, ScriptType::P2pkh, true, "tprv"},
    {0x044A4E28, BitcoinNetwork::Testnet, ScriptType::P2shP2wpkh, true, "uprv"},
    {0x045F18BC, BitcoinNetwork::Testnet, ScriptType::P2wpkh, true, "vprv"},
}};

constexpr std::uint32_t kHardened = 0x80000000U;

std::uint32_t readU32(const QByteArray &bytes, qsizetype at)
{
    std::uint32_t value = 0;
    for (qsizetype i = 0; i < 4; ++i)
        value = (value << 8) | static_cast<std::uint8_t>(bytes.at(at + i));
    return value;
}

void appendU32(QByteArray &out, std::uint32_t value)
{
    for (int shift = 24; shift >= 0; shift -= 8)
        out.append(static_cast<char>((value >> shift) & 0xff));
}

Error keyError(const QString &why)
{
    return makeError(QStringLiteral("chain.xpub"), why);
}

struct GroupFree
{
    void operator()(EC_GROUP *g) const { EC_GROUP_free(g); }
};
struct PointFree
{
    void operator()(EC_POINT *p) const { EC_POINT_free(p); }
};
struct BnFree
{
    void operator()(BIGNUM *b) const { BN_free(b); }
};
struct CtxFree
{
    void operator()(BN_CTX *c) const { BN_CTX_free(c); }
};
using Group = std::unique_ptr<EC_GROUP, GroupFree>;
using Point = std::unique_ptr<EC_POINT, PointFree>;
using Bn = std::unique_ptr<BIGNUM, BnFree>;
using Ctx = std::unique_ptr<BN_CTX, CtxFree>;

const unsigned char *uc(const QByteArray &bytes)
{
    return reinterpret_cast<const unsigned char *>(bytes.constData());
}

/// Reads a compressed point; null if it is not one on secp256k1.
Point readPoint(const EC_GROUP *group, const QByteArray &bytes, BN_CTX *ctx)
{
    if (bytes.size() != 33 || (bytes.at(0) != 0x02 && bytes.at(0) != 0x03))
        return nullptr;
    Point point(EC_POINT_new(group));
    if (!point || EC_POINT_oct2point(group, point.get(), uc(bytes), 33, ctx) != 1)
        return nullptr;
    return point;
}

QByteArray writePoint(const EC_GROUP *group, const EC_POINT *point, BN_CTX *ctx)
{
    QByteArray out(33, Qt::Uninitialized);
    if (EC_POINT_point2oct(group, point, POINT_CONVERSION_COMPRESSED, reinterpret_cast<unsigned char *>(out.data()), 33,
                           ctx)
        != 33)
        return {};
    return out;
}

/// The curve, built once: making an EC_GROUP computes its generator's tables,
/// which a gap-limit scan would otherwise repeat for every derived address.
/// OpenSSL only reads a group during point arithmetic, so threads may share it.
const EC_GROUP *secp256k1()
{
    static const Group group(EC_GROUP_new_by_curve_name(NID_secp256k1));
    return group.get();
}

QByteArray p2shP2wpkhScriptHash(const QByteArray &compressedKey)
{
    QByteArray redeem("\x00\x14", 2);
    redeem.append(hash160(compressedKey));
    return hash160(redeem);
}

} // namespace

QString scriptTypeName(ScriptType type)
{
    switch (type) {
    case ScriptType::P2pkh:
        return QStringLiteral("p2pkh");
    case ScriptType::P2shP2wpkh:
        return QStringLiteral("p2sh-p2wpkh");
    case ScriptType::P2wpkh:
        return QStringLiteral("p2wpkh");
    }
    return {};
}

Result<ScriptType> scriptTypeFromName(QStringView name)
{
    for (const ScriptType type : {ScriptType::P2pkh, ScriptType::P2shP2wpkh, ScriptType::P2wpkh}) {
        if (name.compare(scriptTypeName(type), Qt::CaseInsensitive) == 0)
            return type;
    }
    return makeError(QStringLiteral("chain.script"),
                     QStringLiteral("unknown script type '%1' (p2pkh, p2sh-p2wpkh or p2wpkh)").arg(name));
}

Result<ExtendedPublicKey> ExtendedPublicKey::parse(QStringView text)
{
    const QStringView trimmed = text.trimmed();
    auto payload = base58::decodeCheck(trimmed);
    if (!payload)
        return keyError(QStringLiteral("not an extended public key: %1").arg(payload.error().message));
    if (payload->size() != 78)
        return keyError(QStringLiteral("not an extended public key: %1 bytes instead of 78").arg(payload->size()));
    const std::uint32_t version = readU32(*payload, 0);
    const VersionInfo *info = nullptr;
    for (const VersionInfo &candidate : kVersions) {
        if (candidate.version == version)
            info = &candidate;
    }
    if (info == nullptr)
        return keyError(QStringLiteral("unknown version bytes 0x%1 (xpub, ypub, zpub, tpub, upub or vpub)")
                            .arg(version, 8, 16, QLatin1Char('0')));
    if (info->isPrivate) {
        return makeError(
            QStringLiteral("chain.secret"),
            QStringLiteral("this is an extended private key (%1): it can spend the coins. Ballast only "
                           "watches; give it the matching public key (%2)")
                .arg(QLatin1String(info->prefix), QLatin1String(info->prefix).left(1) + QLatin1String("pub")));
    }
    ExtendedPublicKey key;
    key.m_version = version;
    key.m_network = info->network;
    key.m_script = info->script;
    key.m_depth = static_cast<std::uint8_t>(payload->at(4));
    key.m_parentFingerprint = readU32(*payload, 5);
    key.m_childNumber = readU32(*payload, 9);
    key.m_chainCode = payload->mid(13, 32);
    key.m_publicKey = payload->mid(45, 33);
    if (key.m_depth == 0 && (key.m_parentFingerprint != 0 || key.m_childNumber != 0))
        return keyError(QStringLiteral("a master key (depth 0) with a parent fingerprint or child number"));
    const EC_GROUP *const group = secp256k1();
    const Ctx ctx(BN_CTX_new());
    if (!group || !ctx || !readPoint(group, key.m_publicKey, ctx.get()))
        return keyError(QStringLiteral("the public key is not a point on secp256k1"));
    return key;
}

QString ExtendedPublicKey::toString() const
{
    QByteArray payload;
    payload.reserve(78);
    appendU32(payload, m_version);
    payload.append(static_cast<char>(m_depth));
    appendU32(payload, m_parentFingerprint);
    appendU32(payload, m_childNumber);
    payload.append(m_chainCode);
    payload.append(m_publicKey);
    return base58::encodeCheck(payload);
}

std::uint32_t ExtendedPublicKey::fingerprint() const
{
    return readU32(hash160(m_publicKey), 0);
}

Result<ExtendedPublicKey> ExtendedPublicKey::child(std::uint32_t index) const
{
    if (index >= kHardened)
        return keyError(QStringLiteral("index %1 is hardened; a public key derives only indexes below 2^31")
                            .arg(index - kHardened));
    if (m_depth >= 255)
        return keyError(QStringLiteral("depth 255 is the deepest a key can be"));
    QByteArray data = m_publicKey;
    appendU32(data, index);
    const QByteArray digest = hmacSha512(m_chainCode, data);
    const EC_GROUP *const group = secp256k1();
    const Ctx ctx(BN_CTX_new());
    const Bn tweak(BN_bin2bn(uc(digest), 32, nullptr));
    if (!group || !ctx || !tweak)
        return keyError(QStringLiteral("OpenSSL could not set up secp256k1"));
    if (BN_cmp(tweak.get(), EC_GROUP_get0_order(group)) >= 0)
        return keyError(
            QStringLiteral("index %1 is skipped by BIP-32 (its tweak is not below the curve order)").arg(index));
    const Point parent = readPoint(group, m_publicKey, ctx.get());
    const Bn one(BN_new());
    Point result(EC_POINT_new(group));
    if (!parent || !one || !result || BN_one(one.get()) != 1
        || EC_POINT_mul(group, result.get(), tweak.get(), parent.get(), one.get(), ctx.get()) != 1)
        return keyError(QStringLiteral("OpenSSL could not derive child %1").arg(index));
    if (EC_POINT_is_at_infinity(group, result.get()) == 1)
        return keyError(
            QStringLiteral("index %1 is skipped by BIP-32 (the child is the point at infinity)").arg(index));
    ExtendedPublicKey out = *this;
    out.m_depth = m_depth + 1;
    out.m_parentFingerprint = fingerprint();
    out.m_childNumber = index;
    out.m_chainCode = digest.mid(32, 32);
    out.m_publicKey = writePoint(group, result.get(), ctx.get());
    if (out.m_publicKey.isEmpty())
        return keyError(QStringLiteral("OpenSSL could not write child %1").arg(index));
    return out;
}

Result<QString> ExtendedPublicKey::address(std::uint32_t change, std::uint32_t index) const
{
    auto chain = child(change);
    if (!chain)
        return chain.error();
    auto leaf = chain->child(index);
    if (!leaf)
        return leaf.error();
    return addressForPublicKey(leaf->publicKey(), m_script, m_network);
}

QString addressForPublicKey(const QByteArray &compressedKey, ScriptType type, BitcoinNetwork network)
{
    const bool main = network == BitcoinNetwork::Mainnet;
    switch (type) {
    case ScriptType::P2pkh: {
        QByteArray payload(1, main ? '\x00' : '\x6f');
        payload.append(hash160(compressedKey));
        return base58::encodeCheck(payload);
    }
    case ScriptType::P2shP2wpkh: {
        QByteArray payload(1, main ? '\x05' : '\xc4');
        payload.append(p2shP2wpkhScriptHash(compressedKey));
        return base58::encodeCheck(payload);
    }
    case ScriptType::P2wpkh:
        return bech32::encodeSegwit(main ? u"bc" : u"tb", bech32::WitnessProgram{0, hash160(compressedKey)});
    }
    return {};
}

Result<BitcoinAddress> parseBitcoinAddress(QStringView text, BitcoinNetwork network)
{
    const QStringView trimmed = text.trimmed();
    const bool main = network == BitcoinNetwork::Mainnet;
    const QString hrp = main ? QStringLiteral("bc") : QStringLiteral("tb");
    if (trimmed.startsWith(QString(hrp + QLatin1Char('1')), Qt::CaseInsensitive)) {
        auto witness = bech32::decodeSegwit(hrp, trimmed);
        if (!witness)
            return makeError(QStringLiteral("chain.address"),
                             QStringLiteral("not a Bitcoin address: %1").arg(witness.error().message));
        return BitcoinAddress{BitcoinAddress::Kind::Witness, witness->version, witness->program};
    }
    auto payload = base58::decodeCheck(trimmed);
    if (!payload)
        return makeError(QStringLiteral("chain.address"),
                         QStringLiteral("not a Bitcoin address: %1").arg(payload.error().message));
    if (payload->size() != 21)
        return makeError(QStringLiteral("chain.address"),
                         QStringLiteral("not a Bitcoin address: %1 bytes instead of 21").arg(payload->size()));
    const auto version = static_cast<std::uint8_t>(payload->at(0));
    if (version == (main ? 0x00 : 0x6f))
        return BitcoinAddress{BitcoinAddress::Kind::P2pkh, -1, payload->mid(1)};
    if (version == (main ? 0x05 : 0xc4))
        return BitcoinAddress{BitcoinAddress::Kind::P2sh, -1, payload->mid(1)};
    return makeError(QStringLiteral("chain.address"),
                     QStringLiteral("version byte 0x%1 is not a %2 address")
                         .arg(version, 2, 16, QLatin1Char('0'))
                         .arg(main ? QStringLiteral("mainnet") : QStringLiteral("testnet")));
}

} // namespace ballast::chain
