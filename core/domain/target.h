#pragma once

#include "domain/band.h"
#include "money/decimal.h"

#include <QString>

#include <optional>

namespace ballast::domain {

/// The weight a portfolio wants in one asset, with an optional band that
/// overrides the portfolio's default band.
struct Target
{
    QString asset;
    money::Decimal weight; ///< exact fraction, e.g. 0.4
    std::optional<Band> band;

    bool operator==(const Target &) const = default;
};

} // namespace ballast::domain

namespace ballast::domain {

/// Parses a weight as a person types it: a fraction ("0.4") or a percentage
/// ("40%"). Negative values and values above 1 (100%) are errors naming the text.
Result<money::Decimal> parseWeight(const QString &text);

} // namespace ballast::domain
