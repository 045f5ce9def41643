#pragma once

#include <QString>
#include <QStringList>

namespace ballast::domain {

/// What an asset is, as far as valuation and trading care.
enum class AssetKind { Crypto, Stablecoin, Fiat };

/// A tradable asset such as BTC or USDC. One asset may be held on several
/// networks (USDC on Ethereum and on Base is one asset); the network is a
/// property of the holding, and `networks` lists the ones known for it.
struct Asset
{
    QString symbol; ///< upper-case ticker, e.g. "BTC"
    QString name; ///< e.g. "Bitcoin"
    int decimals = 8; ///< display and ledger precision
    AssetKind kind = AssetKind::Crypto;
    QStringList networks; ///< e.g. {"ethereum", "base"}; empty when not relevant

    bool operator==(const Asset &) const = default;
};

QString toText(AssetKind kind);
AssetKind assetKindFromString(const QString &text);

} // namespace ballast::domain
