#pragma once

#include "common/result.h"
#include "domain/target.h"
#include "money/decimal.h"

#include <QList>
#include <QString>

#include <optional>

namespace ballast::services {

/// How a weight is written.
enum class WeightNotation {
    Fraction, ///< 0.4, or 40% with the sign (the CLI's ASSET=WEIGHT)
    Percent, ///< 40 or 40 %, with '.' or the locale's decimal point (the Targets page)
};

/// One target as a person typed it.
struct TargetText
{
    QString asset;
    QString weight;
    std::optional<QString> band; ///< none: the portfolio's default band
};

/// Which part of a TargetText was wrong, and why.
struct TargetTextError
{
    enum class Field { Asset, Weight, Band };
    Field field = Field::Asset;
    Error error;
};

/// Target weights from text: the one parser behind `ballast-cli targets set`
/// and the Targets page, and the check of a whole set before it is stored.
class TargetWeights
{
public:
    TargetWeights() = delete;

    /// A weight in percent (0 to 100, at most 8 decimals; an optional '%';
    /// '.' or the locale's decimal point). Error codes: "targets.weight.empty",
    /// "targets.weight.syntax", "targets.weight.negative",
    /// "targets.weight.above", "targets.weight.decimals".
    static Result<money::Decimal> parsePercent(const QString &text);

    /// One target, its weight as a fraction.
    static Result<domain::Target, TargetTextError> parse(const TargetText &text, WeightNotation notation);

    /// A whole set: no asset twice, every weight in 0..1, summing to 1.
    static Status validate(const QList<domain::Target> &targets);
};

} // namespace ballast::services
