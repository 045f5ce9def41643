#pragma once

#include "exchange/exchangeerror.h"
#include "exchange/markettypes.h"

#include <optional>

namespace ballast::exchange {

/// The checks every exchange applies to a new order (Binance's filters, Kraken's
/// pair limits), run locally so that Ballast never sends an order an exchange
/// would refuse. Messages follow Binance's wording ("Filter failure: LOT_SIZE").
class OrderRules
{
public:
    /// The first rule @p request breaks at @p referencePrice (the limit price for
    /// limit orders, the expected fill price for market orders), or nothing.
    static std::optional<ExchangeError> check(const MarketRules &market, const OrderRequest &request,
                                              const money::Decimal &referencePrice);

    /// The filters check() names, as a value: what it finds without building
    /// the error's text (the planner checks hundreds of candidate orders).
    enum class Filter : unsigned char { None, MarketClosed, LotSize, MarketLotSize, Price, Notional };

    /// The first filter an order of @p quantity at @p price breaks at
    /// @p referencePrice, the same one check() reports; Filter::None when it passes.
    static Filter brokenFilter(const MarketRules &market, domain::OrderType type, const money::Decimal &quantity,
                               const money::Decimal &price, const money::Decimal &referencePrice);

    /// The lot step that applies to @p type (MARKET_LOT_SIZE for market orders when set).
    static money::Decimal stepFor(const MarketRules &market, domain::OrderType type);

    /// The notional floor in quote units: the larger of minNotional and
    /// minQuantity x price, i.e. the smallest order the market accepts.
    static money::Decimal minimumNotional(const MarketRules &market, const money::Decimal &price);

    static ExchangeError filterFailure(const QString &filter);
};

} // namespace ballast::exchange
