#include "exchange/exchangeerror.h"

namespace ballast::exchange {

QString ExchangeError::kindName(Kind kind)
{
    switch (kind) {
    case Kind::Authentication:
        return QStringLiteral("authentication");
    case Kind::InsufficientFunds:
        return QStringLiteral("insufficient_funds");
    case Kind::InvalidOrder:
        return QStringLiteral("invalid_order");
    case Kind::OrderNotFound:
        return QStringLiteral("order_not_found");
    case Kind::DuplicateOrder:
        return QStringLiteral("duplicate_order");
    case Kind::BadSymbol:
        return QStringLiteral("bad_symbol");
    case Kind::RateLimited:
        return QStringLiteral("rate_limited");
    case Kind::Network:
        return QStringLiteral("network");
    case Kind::InvalidNonce:
        return QStringLiteral("invalid_nonce");
    case Kind::UnknownOutcome:
        return QStringLiteral("unknown_outcome");
    case Kind::Exchange:
        return QStringLiteral("exchange");
    }
    return QStringLiteral("exchange");
}

QString ExchangeError::message() const
{
    QString text = kindName(kind).replace(QLatin1Char('_'), QLatin1Char(' '));
    if (!exchangeCode.isEmpty())
        text += QStringLiteral(" (") + exchangeCode + QLatin1Char(')');
    if (!exchangeMessage.isEmpty())
        text += QStringLiteral(": ") + exchangeMessage;
    return text;
}

} // namespace ballast::exchange
