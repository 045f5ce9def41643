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

OrderRules::Filter OrderRules::brokenFilter(const MarketRules &market, domain::OrderType type, const Decimal &quantity,
                                            const Decimal &price, const Decimal &referencePrice)
{
    if (!market.active)
        return Filter::MarketClosed;
    const bool isMarket = type == domain::OrderType::Market;
    const Filter lotFilter = isMarket && market.marketLotStep.isPositive() ? Filter::MarketLotSize : Filter::LotSize;
    const Decimal step = stepFor(market, type);
    if (!quantity.isPositive() || quantity < market.minQuantity)
        return lotFilter;
    const Decimal maxQuantity =
        isMarket && market.marketMaxQuantity.isPositive() ? market.marketMaxQuantity : market.maxQuantity;
    if (maxQuantity.isPositive() && quantity > maxQuantity)
        return lotFilter;
    if (step.isPositive() && !quantity.isMultipleOf(step))
        return lotFilter;
    if (!isMarket) {
        if (!price.isPositive())
            return Filter::Price;
        if (market.minPrice.isPositive() && price < market.minPrice)
            return Filter::Price;
        if (market.maxPrice.isPositive() && price > market.maxPrice)
            return Filter::Price;
        if (market.tick.isPositive() && !price.isMultipleOf(market.tick))
            return Filter::Price;
    }
    const Decimal notional = quantity * referencePrice;
    if (notional < market.minNotional)
        return Filter::Notional;
    if (market.maxNotional.isPositive() && notional > market.maxNotional)
        return Filter::Notional;
    return Filter::None;
}

std::optional<ExchangeError> OrderRules::check(const MarketRules &market, const OrderRequest &request,
                                               const Decimal &referencePrice)
{
    switch (brokenFilter(market, request.type, request.quantity, request.price, referencePrice)) {
    case Filter::None:
        return std::nullopt;
    case Filter::MarketClosed: {
        ExchangeError error;
        error.kind = ExchangeError::Kind::BadSymbol;
        error.exchangeCode = QStringLiteral("-1013");
        error.exchangeMessage = QStringLiteral("Market is closed.");
        return error;
    }
    case Filter::LotSize:
        return filterFailure(QStringLiteral("LOT_SIZE"));
    case Filter::MarketLotSize:
        return filterFailure(QStringLiteral("MARKET_LOT_SIZE"));
    case Filter::Price:
        return filterFailure(QStringLiteral("PRICE_FILTER"));
    case Filter::Notional:
        return filterFailure(QStringLiteral("NOTIONAL"));
    }
    return std::nullopt;
}

} // namespace ballast::exchange
