#pragma once

#include <QList>
#include <QString>
#include <QStringList>
#include <QStringView>

#include <cstdint>
#include <optional>

namespace ballast::chain {

/// An ERC-20 token to read on one chain. The contract is the text a person
/// sees (EIP-55 checksum form); decimals left empty are read from the
/// contract (decimals(), selector 0x313ce567).
struct EvmToken
{
    QString symbol;
    QString contract;
    std::optional<int> decimals;
};

/// An EVM chain Ballast reads balances on, with its native asset and the
/// tokens read by default (a person can edit the list).
struct EvmChain
{
    std::uint64_t chainId = 0;
    QString key; ///< what the CLI takes: "ethereum", "arbitrum", "base", "optimism", "polygon", "bsc"
    QString name; ///< "Arbitrum One"
    QString nativeSymbol; ///< "ETH"
    QList<EvmToken> defaultTokens;
    /// A public JSON-RPC endpoint used when the person names none; empty for
    /// a chain without one (the person names theirs). The chains that have
    /// one are also the ones a wallet reads when no chain is chosen.
    QString defaultRpcUrl;
};

/// Ethereum, Arbitrum One, Base, OP Mainnet, Polygon PoS and BNB Smart Chain.
const QList<EvmChain> &evmChains();
/// The chains a wallet reads when none is chosen: those with a public
/// default endpoint (Ethereum), in the order of evmChains().
QStringList defaultEvmChainKeys();
/// Nullptr when Ballast does not know the chain.
const EvmChain *evmChainById(std::uint64_t chainId);
const EvmChain *evmChainByKey(QStringView key);
/// "Polygon (137)", or "chain 12345" for a chain Ballast does not know.
QString evmChainLabel(std::uint64_t chainId);

} // namespace ballast::chain
