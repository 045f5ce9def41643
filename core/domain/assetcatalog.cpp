#include "domain/assetcatalog.h"

#include <array>

namespace ballast::domain {

namespace {

struct Entry
{
    const char *symbol;
    const char *name;
    int decimals;
    AssetKind kind;
    const char *networks;
};

constexpr std::array<Entry, 19> kEntries{{
    {"BTC", "Bitcoin", 8, AssetKind::Crypto, "bitcoin"},
    {"ETH", "Ethereum", 18, AssetKind::Crypto, "ethereum,arbitrum,base,optimism"},
    {"SOL", "Solana", 9, AssetKind::Crypto, "solana"},
    {"BNB", "BNB", 8, AssetKind::Crypto, "bsc"},
    {"XRP", "XRP", 6, AssetKind::Crypto, "xrpl"},
    {"ADA", "Cardano", 6, AssetKind::Crypto, "cardano"},
    {"DOGE", "Dogecoin", 8, AssetKind::Crypto, "dogecoin"},
    {"AVAX", "Avalanche", 18, AssetKind::Crypto, "avalanche"},
    {"DOT", "Polkadot", 10, AssetKind::Crypto, "polkadot"},
    {"LINK", "Chainlink", 18, AssetKind::Crypto, "ethereum"},
    {"LTC", "Litecoin", 8, AssetKind::Crypto, "litecoin"},
    {"TRX", "TRON", 6, AssetKind::Crypto, "tron"},
    {"USDT", "Tether USD", 6, AssetKind::Stablecoin, "ethereum,tron,solana"},
    {"USDC", "USD Coin", 6, AssetKind::Stablecoin, "ethereum,base,solana,arbitrum"},
    {"DAI", "Dai", 18, AssetKind::Stablecoin, "ethereum"},
    {"FDUSD", "First Digital USD", 18, AssetKind::Stablecoin, "ethereum,bsc"},
    {"USD", "US Dollar", 2, AssetKind::Fiat, ""},
    {"EUR", "Euro", 2, AssetKind::Fiat, ""},
    {"GBP", "Pound Sterling", 2, AssetKind::Fiat, ""},
}};

} // namespace

std::optional<Asset> AssetCatalog::find(const QString &symbol)
{
    for (const Entry &entry : kEntries) {
        if (symbol == QLatin1String(entry.symbol)) {
            Asset asset;
            asset.symbol = symbol;
            asset.name = QString::fromLatin1(entry.name);
            asset.decimals = entry.decimals;
            asset.kind = entry.kind;
            const QString networks = QString::fromLatin1(entry.networks);
            if (!networks.isEmpty())
                asset.networks = networks.split(QLatin1Char(','));
            return asset;
        }
    }
    return std::nullopt;
}

Asset AssetCatalog::lookup(const QString &symbol)
{
    if (auto known = find(symbol))
        return *known;
    Asset asset;
    asset.symbol = symbol;
    asset.name = symbol;
    return asset;
}

Result<QString> AssetCatalog::normalizeSymbol(const QString &text)
{
    const QString symbol = text.trimmed().toUpper();
    bool valid = !symbol.isEmpty() && symbol.size() <= 15;
    for (const QChar c : symbol) {
        if (!((c >= QLatin1Char('A') && c <= QLatin1Char('Z')) || (c >= QLatin1Char('0') && c <= QLatin1Char('9'))))
            valid = false;
    }
    if (!valid) {
        return makeError(
            QStringLiteral("asset.symbol"),
            QStringLiteral("\"%1\" is not an asset symbol (1 to 15 letters or digits, e.g. BTC)").arg(text));
    }
    return symbol;
}

bool AssetCatalog::isStablecoin(const QString &symbol)
{
    const auto asset = find(symbol);
    return asset && asset->kind == AssetKind::Stablecoin;
}

} // namespace ballast::domain
