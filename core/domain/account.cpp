#include "domain/account.h"

namespace ballast::domain {

QString toText(AccountKind kind)
{
    switch (kind) {
    case AccountKind::Paper:
        return QStringLiteral("paper");
    case AccountKind::Exchange:
        return QStringLiteral("exchange");
    case AccountKind::Wallet:
        return QStringLiteral("wallet");
    }
    return QStringLiteral("paper");
}

AccountKind accountKindFromString(const QString &text)
{
    if (text == QLatin1String("exchange"))
        return AccountKind::Exchange;
    if (text == QLatin1String("wallet"))
        return AccountKind::Wallet;
    return AccountKind::Paper;
}

} // namespace ballast::domain
