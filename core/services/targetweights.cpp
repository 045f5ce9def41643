#include "services/targetweights.h"

#include "domain/assetcatalog.h"
#include "domain/band.h"
#include "storage/portfoliorepo.h"

#include <QLocale>

namespace ballast::services {

namespace {

money::Decimal hundred()
{
    return money::Decimal::fromInt(100);
}

} // namespace

Result<money::Decimal> TargetWeights::parsePercent(const QString &text)
{
    QString cleaned = text.trimmed();
    if (cleaned.endsWith(QLatin1Char('%')))
        cleaned.chop(1);
    cleaned = cleaned.trimmed();
    const QLocale locale;
    if (locale.decimalPoint() != QStringLiteral("."))
        cleaned.replace(locale.decimalPoint(), QStringLiteral("."));
    if (cleaned.isEmpty())
        return makeError(QStringLiteral("targets.weight.empty"), QStringLiteral("enter a weight in percent"));
    auto value = money::Decimal::parse(cleaned);
    if (!value) {
        return makeError(QStringLiteral("targets.weight.syntax"),
                         QStringLiteral("\"%1\" is not a number").arg(text.trimmed()));
    }
    if (value->isNegative())
        return makeError(QStringLiteral("targets.weight.negative"),
                         QStringLiteral("%1 % is negative").arg(text.trimmed()));
    if (*value > hundred())
        return makeError(QStringLiteral("targets.weight.above"), QStringLiteral("%1 % is above 100 %").arg(cleaned));
    if (value->scale() > 8) {
        return makeError(QStringLiteral("targets.weight.decimals"),
                         QStringLiteral("\"%1\": use at most 8 decimals").arg(text.trimmed()));
    }
    return *value;
}

Result<domain::Target, TargetTextError> TargetWeights::parse(const TargetText &text, WeightNotation notation)
{
    auto symbol = domain::AssetCatalog::normalizeSymbol(text.asset);
    if (!symbol)
        return TargetTextError{TargetTextError::Field::Asset, symbol.error()};
    domain::Target target;
    target.asset = *symbol;
    if (notation == WeightNotation::Fraction) {
        auto weight = domain::parseWeight(text.weight);
        if (!weight)
            return TargetTextError{TargetTextError::Field::Weight, weight.error()};
        target.weight = *weight;
    } else {
        auto percent = parsePercent(text.weight);
        if (!percent)
            return TargetTextError{TargetTextError::Field::Weight, percent.error()};
        target.weight = *percent / hundred();
    }
    if (text.band) {
        auto band = domain::Band::parse(*text.band);
        if (!band)
            return TargetTextError{TargetTextError::Field::Band, band.error()};
        target.band = *band;
    }
    return target;
}

Status TargetWeights::validate(const QList<domain::Target> &targets)
{
    return storage::PortfolioRepo::validateTargets(targets);
}

} // namespace ballast::services
