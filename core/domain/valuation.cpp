#include "domain/valuation.h"

namespace ballast::domain {

QString toText(Valuation::Kind kind)
{
    switch (kind) {
    case Valuation::Kind::Daily:
        return QStringLiteral("daily");
    case Valuation::Kind::Sync:
        return QStringLiteral("sync");
    case Valuation::Kind::Trade:
        return QStringLiteral("trade");
    case Valuation::Kind::Manual:
        return QStringLiteral("manual");
    }
    return QStringLiteral("manual");
}

Valuation::Kind valuationKindFromString(const QString &text)
{
    if (text == QLatin1String("daily"))
        return Valuation::Kind::Daily;
    if (text == QLatin1String("sync"))
        return Valuation::Kind::Sync;
    if (text == QLatin1String("trade"))
        return Valuation::Kind::Trade;
    return Valuation::Kind::Manual;
}

} // namespace ballast::domain
