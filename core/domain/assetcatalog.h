#pragma once

#include "common/result.h"
#include "domain/asset.h"

#include <optional>

namespace ballast::domain {

/// Well-known assets with their names, ledger decimals and kind, so that a
/// person who types "USDC" gets a stablecoin with 6 decimals without a form.
class AssetCatalog
{
public:
    static std::optional<Asset> find(const QString &symbol);
    /// The catalog entry, or a plain crypto asset named after its symbol.
    static Asset lookup(const QString &symbol);
    /// Upper-cases and checks a symbol: 1 to 15 letters or digits.
    static Result<QString> normalizeSymbol(const QString &text);
    static bool isStablecoin(const QString &symbol);
};

} // namespace ballast::domain
