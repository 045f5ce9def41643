#pragma once

#include "common/result.h"

#include <QString>

namespace ballast::domain {

/// A tolerance band around a target weight: absolute ("5pp": weight may stray
/// 5 percentage points either way) or relative ("25%": a quarter of the target).
struct Band
{
    enum class Kind { Absolute, Relative };
    Kind kind = Kind::Absolute;
    double value = 0.05; ///< fraction: 0.05 for 5pp, 0.25 for 25%

    /// Half-width of the band, as a weight fraction, around @p target.
    [[nodiscard]] double halfWidth(double target) const { return kind == Kind::Absolute ? value : value * target; }
    [[nodiscard]] QString toString() const;
    /// Parses "5pp", "0.5pp", "25%"; anything else is an error naming the text.
    static Result<Band> parse(const QString &text);

    bool operator==(const Band &) const = default;
};

} // namespace ballast::domain
