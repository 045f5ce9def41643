#include "domain/asset.h"

namespace ballast::domain {

QString toText(AssetKind kind)
{
    switch (kind) {
    case AssetKind::Crypto:
        return QStringLiteral("crypto");
    case AssetKind::Stablecoin:
        return QStringLiteral("stablecoin");
    case AssetKind::Fiat:
        return QStringLiteral("fiat");
    }
    return QStringLiteral("crypto");
}

AssetKind assetKindFromString(const QString &text)
{
    if (text == QLatin1String("stablecoin"))
        return AssetKind::Stablecoin;
    if (text == QLatin1String("fiat"))
        return AssetKind::Fiat;
    return AssetKind::Crypto;
}

} // namespace ballast::domain
