#include "exchange/orderrules.h"

namespace ballast::exchange {

using money::Decimal;

ExchangeError OrderRules::filterFailure(const QString &filter)
{
    ExchangeError error;
    error.kind = ExchangeError::Kind::InvalidOrder;
    error.exchangeCode = QStringLiteral("-1013");
    error.exchangeMessage = QStringLiteral("Filter failure: ") + filter;
    error.filter = filter;
    return error;
}

Decimal OrderRules::stepFor(const MarketRules &market, domain::OrderType type)
{
    if (type == domain::OrderType::Market && market.marketLotStep.isPositive())
        return market.marketLotStep;
    return market.lotStep;
}

Decimal OrderRules::minimumNotional(const MarketRules &market, const Decimal &price)
{
    return Decimal::max(market.minNotional, market.minQuantity * price);
}

std::optional<ExchangeError> OrderRules::check(const MarketRules &market, const OrderRequest &request,
                                               const Decimal &referencePrice)
{
    if (!market.active) {
        ExchangeError error;
        error.kind = ExchangeError::Kind::BadSymbol;
        error.exchangeCode = QStringLiteral("-1013");
        error.exchangeMessage = QStringLiteral("Market is closed.");
        return error;
    }
    const bool isMarket = request.type == domain::OrderType::Market;
    const QString lotFilter =
        isMarket && market.marketLotStep.isPositive() ? QStringLiteral("MARKET_LOT_SIZE") : QStringLiteral("LOT_SIZE");
    const Decimal step = stepFor(market, request.type);
    if (!request.quantity.isPositive() || request.quantity < market.minQuantity)
        return filterFailure(lotFilter);
    const Decimal maxQuantity =
        isMarket && market.marketMaxQuantity.isPositive() ? market.marketMaxQuantity : market.maxQuantity;
    if (maxQuantity.isPositive() && request.quantity > maxQuantity)
        return filterFailure(lotFilter);
    if (step.isPositive() && !request.quantity.isMultipleOf(step))
        return filterFailure(lotFilter);
    if (!isMarket) {
        if (!request.price.isPositive())
            return filterFailure(QStringLiteral("PRICE_FILTER"));
        if (market.minPrice.isPositive() && request.price < market.minPrice)
            return filterFailure(QStringLiteral("PRICE_FILTER"));
        if (market.maxPrice.isPositive() && request.price > market.maxPrice)
            return filterFailure(QStringLiteral("PRICE_FILTER"));
        if (market.tick.isPositive() && !request.price.isMultipleOf(market.tick))
            return filterFailure(QStringLiteral("PRICE_FILTER"));
    }
    const Decimal notional = request.quantity * referencePrice;
    if (notional < market.minNotional)
        return filterFailure(QStringLiteral("NOTIONAL"));
    if (market.maxNotional.isPositive() && notional > market.maxNotional)
        return filterFailure(QStringLiteral("NOTIONAL"));
    return std::nullopt;
}

} // namespace ballast::exchange
