#include "domain/target.h"

#include "common/numberparse.h"

namespace ballast::domain {

Result<money::Decimal> parseWeight(const QString &text)
{
    const QString trimmed = text.trimmed();
    const bool percent = trimmed.endsWith(QLatin1Char('%'));
    auto number = numbers::parseAmount(percent ? QStringView(trimmed).chopped(1) : QStringView(trimmed),
                                       QStringLiteral("weight"));
    if (!number) {
        return makeError(QStringLiteral("weight.syntax"),
                         QStringLiteral("weight \"%1\" is not a number such as 0.4 or 40%").arg(text));
    }
    money::Decimal weight = *number;
    if (percent)
        weight = weight / money::Decimal::fromInt(100);
    if (weight.isNegative() || weight > money::Decimal::fromInt(1)) {
        return makeError(QStringLiteral("weight.range"),
                         QStringLiteral("weight \"%1\" must lie between 0 and 1 (0% and 100%)").arg(text));
    }
    return weight;
}

} // namespace ballast::domain
