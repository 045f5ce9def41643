#include "rebalance/planner.h"

#include "exchange/orderrules.h"

#include <QHash>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <vector>

namespace ballast::rebalance {

using domain::OrderType;
using domain::Side;
using exchange::MarketRules;
using exchange::OrderRules;
using money::Decimal;
using money::RoundingMode;

namespace {

// Values the planner aims at are doubles (they are targets, not amounts);
// every order amount is an exact Decimal, rounded at the named points below.
constexpr int kValueDecimals = 12; // when a double value becomes a Decimal
constexpr int kFeeDecimals = 8; // fees are rounded up to 8 decimals, as exchanges charge them

Decimal toDecimal(double value)
{
    if (!std::isfinite(value))
        return {};
    return Decimal::fromDouble(value, kValueDecimals, RoundingMode::Down).valueOr({});
}

Decimal feeFor(const Decimal &notional, const Decimal &rate)
{
    return (notional * rate).rounded(kFeeDecimals, RoundingMode::Ceiling);
}

struct AssetState
{
    QString symbol;
    bool isQuote = false;
    bool excluded = false;
    bool priced = false;
    Decimal price;
    double priceD = 0.0;
    double value = 0.0; ///< current value in the quote
    double weight = 0.0; ///< current weight
    double target = 0.0; ///< the portfolio's target
    double effective = 0.0; ///< target after exclusions and caps
    double halfWidth = 0.0; ///< band half-width at the target
    double delta = 0.0; ///< value to buy (+) or sell (-)
    double cheapestFee = 0.0;
    bool hasMarket = false;
    Decimal untradable; ///< quantity held on accounts without a market for it
};

struct VenueState
{
    const Venue *venue = nullptr;
    QHash<QString, Decimal> balance;
    QHash<QString, const MarketRules *> quoteMarkets; ///< by base, markets against the portfolio quote
    QHash<QString, const MarketRules *> bySymbol; ///< every market, by "BASE/QUOTE"
};

/// Water-filling: reduces the largest gaps first. Returns how much of @p total
/// goes to each gap so that sum = min(total, sum of gaps) and the gaps left
/// are as even as possible from the top.
std::vector<double> waterFill(const std::vector<double> &gaps, double total)
{
    std::vector<double> result(gaps.size(), 0.0);
    const double sum = std::accumulate(gaps.begin(), gaps.end(), 0.0);
    if (total <= 0.0 || sum <= 0.0)
        return result;
    if (total >= sum) {
        for (std::size_t i = 0; i < gaps.size(); ++i)
            result[i] = std::max(0.0, gaps[i]);
        return result;
    }
    std::vector<double> sorted(gaps);
    std::sort(sorted.begin(), sorted.end(), std::greater<>());
    // Find the level L with sum(max(0, g - L)) == total.
    double above = 0.0;
    double level = 0.0;
    for (std::size_t k = 0; k < sorted.size(); ++k) {
        above += sorted[k];
        const double next = k + 1 < sorted.size() ? std::max(0.0, sorted[k + 1]) : 0.0;
        const double candidate = (above - total) / static_cast<double>(k + 1);
        if (candidate >= next) {
            level = candidate;
            break;
        }
    }
    for (std::size_t i = 0; i < gaps.size(); ++i)
        result[i] = std::max(0.0, gaps[i] - level);
    return result;
}

class PlanBuilder
{
public:
    PlanBuilder(const Snapshot &snapshot, const domain::Portfolio &portfolio, const QList<Venue> &venues,
                const PlanMode &mode, const PlanConstraints &constraints)
        : m_snapshot(snapshot)
        , m_portfolio(portfolio)
        , m_mode(mode)
        , m_constraints(constraints)
        , m_quote(snapshot.quote())
    {
        m_venues.reserve(static_cast<std::size_t>(venues.size()));
        for (const Venue &venue : venues) {
            VenueState state;
            state.venue = &venue;
            for (const MarketRules &market : venue.markets) {
                if (!market.active)
                    continue;
                state.bySymbol.insert(market.symbol, &market);
                if (market.quote == m_quote)
                    state.quoteMarkets.insert(market.base, &market);
            }
            m_venues.push_back(std::move(state));
        }
    }

    RebalancePlan build(const QString &planId);

private:
    /// Shortfalls smaller than this (0.1 % of the portfolio) are rounding, not
    /// worth a line of their own; finish() still explains any band left broken.
    [[nodiscard]] double significant() const { return 1e-3 * m_total; }
    void collectAssets();
    void effectiveTargets();
    void desiredTarget();
    void desiredBandEdge();
    void desiredInvest();
    void desiredWithdraw();
    void applyConstraints();
    void directPairs();
    void sells();
    void buys();
    void finish();

    AssetState *asset(const QString &symbol);
    VenueState *venueOf(qint64 accountId);
    const MarketRules *quoteMarket(const VenueState &venue, const QString &base) const
    {
        return venue.quoteMarkets.value(base, nullptr);
    }
    Decimal orderPrice(const MarketRules &market, const Decimal &price, Side side) const;
    void addOrder(PlannedOrder order, bool isSell);
    void skip(const QString &asset, SkipReason reason, double wanted, const Decimal &limit = {},
              const QString &account = {});

    const Snapshot &m_snapshot;
    const domain::Portfolio &m_portfolio;
    const PlanMode &m_mode;
    const PlanConstraints &m_constraints;
    QString m_quote;
    std::vector<VenueState> m_venues;
    std::vector<AssetState> m_assets;
    int m_quoteIndex = -1;
    double m_total = 0.0;
    double m_postValue = 0.0; ///< expected value after fees (target and band-edge modes)
    double m_cashReserve = 0.0; ///< quote value the plan keeps as cash on tradable accounts
    QList<PlannedOrder> m_sells;
    QList<PlannedOrder> m_buys;
    RebalancePlan m_plan;
};

AssetState *PlanBuilder::asset(const QString &symbol)
{
    for (auto &state : m_assets) {
        if (state.symbol == symbol)
            return &state;
    }
    return nullptr;
}

VenueState *PlanBuilder::venueOf(qint64 accountId)
{
    for (auto &venue : m_venues) {
        if (venue.venue->accountId == accountId)
            return &venue;
    }
    return nullptr;
}

void PlanBuilder::skip(const QString &asset, SkipReason reason, double wanted, const Decimal &limit,
                       const QString &account)
{
    SkippedLine line;
    line.asset = asset;
    line.account = account;
    line.reason = reason;
    line.wanted = toDecimal(std::abs(wanted));
    line.limit = limit;
    m_plan.skipped.append(line);
}

void PlanBuilder::collectAssets()
{
    m_total = m_snapshot.totalValue().toDouble();
    for (const AssetPosition &position : m_snapshot.positions()) {
        AssetState state;
        state.symbol = position.asset;
        state.isQuote = position.asset == m_quote;
        state.priced = position.price.has_value() && position.price->isPositive();
        state.price = state.priced ? *position.price : Decimal();
        state.priceD = state.price.toDouble();
        state.value = position.value.toDouble();
        state.weight = position.weight;
        state.target = position.target;
        state.halfWidth = position.band.halfWidth(position.target);
        state.excluded = m_constraints.excluded.contains(position.asset);
        m_assets.push_back(state);
        for (const domain::Holding &holding : position.split) {
            VenueState *venue = venueOf(holding.accountId);
            const bool tradable = venue && (state.isQuote || quoteMarket(*venue, holding.asset));
            if (venue)
                venue->balance[holding.asset] += holding.quantity;
            if (!tradable && !state.isQuote)
                m_assets.back().untradable += holding.quantity;
        }
    }
    if (!asset(m_quote)) {
        AssetState quote;
        quote.symbol = m_quote;
        quote.isQuote = true;
        quote.priced = true;
        quote.price = Decimal::fromInt(1);
        quote.priceD = 1.0;
        quote.halfWidth = m_portfolio.bandFor(m_quote).halfWidth(0.0);
        m_assets.push_back(quote);
    }
    for (std::size_t i = 0; i < m_assets.size(); ++i) {
        AssetState &state = m_assets[i];
        if (state.isQuote) {
            m_quoteIndex = static_cast<int>(i);
            state.hasMarket = true;
            continue;
        }
        bool first = true;
        for (const VenueState &venue : m_venues) {
            if (const MarketRules *market = quoteMarket(venue, state.symbol)) {
                const double fee = market->takerFee.toDouble();
                state.cheapestFee = first ? fee : std::min(state.cheapestFee, fee);
                state.hasMarket = true;
                first = false;
            }
        }
        if (!state.priced && (state.target > 0.0 || state.value > 0.0))
            skip(state.symbol, SkipReason::NoPrice, 0.0);
    }
}

void PlanBuilder::effectiveTargets()
{
    // Frozen and unpriced assets keep their weight; the other targets share
    // what is left in their own proportions.
    double frozenWeight = 0.0;
    double frozenTarget = 0.0;
    for (const AssetState &state : m_assets) {
        if (state.excluded || !state.priced) {
            frozenWeight += state.weight;
            frozenTarget += state.target;
        }
    }
    const double freeTargets = 1.0 - frozenTarget;
    const double scale = freeTargets > 1e-12 ? (1.0 - frozenWeight) / freeTargets : 0.0;
    double sum = 0.0;
    for (AssetState &state : m_assets) {
        state.effective = (state.excluded || !state.priced) ? state.weight : state.target * scale;
        sum += state.effective;
    }
    AssetState &quote = m_assets[static_cast<std::size_t>(m_quoteIndex)];
    if (sum < 1.0 && !quote.excluded)
        quote.effective += 1.0 - sum; // no targets for part of the value: keep it as cash

    if (!m_constraints.maxWeight)
        return;
    const double cap = *m_constraints.maxWeight;
    for (int round = 0; round < 32; ++round) {
        double over = 0.0;
        double receivers = 0.0;
        for (AssetState &state : m_assets) {
            if (state.excluded || !state.priced)
                continue;
            if (state.effective > cap) {
                over += state.effective - cap;
                state.effective = cap;
            } else if (state.effective < cap) {
                receivers += state.effective;
            }
        }
        if (over < 1e-15)
            break;
        if (receivers <= 1e-15) {
            quote.effective += over; // nowhere to go under the cap: held as cash
            break;
        }
        for (AssetState &state : m_assets) {
            if (!state.excluded && state.priced && state.effective < cap)
                state.effective += over * state.effective / receivers;
        }
    }
}

void PlanBuilder::desiredTarget()
{
    // The value after fees solves V' = V - sum(fee_i x |w_i V' - v_i|); a few
    // fixed-point steps converge because fees are far below 1.
    double post = m_total;
    for (int i = 0; i < 8; ++i) {
        double fees = 0.0;
        for (const AssetState &state : m_assets) {
            if (!state.isQuote && !state.excluded && state.priced)
                fees += state.cheapestFee * std::abs(state.effective * post - state.value);
        }
        post = m_total - fees;
    }
    m_postValue = post;
    for (AssetState &state : m_assets) {
        if (!state.isQuote && !state.excluded && state.priced)
            state.delta = state.effective * post - state.value;
    }
    const AssetState &quote = m_assets[static_cast<std::size_t>(m_quoteIndex)];
    m_cashReserve = quote.effective * post;
}

void PlanBuilder::desiredBandEdge()
{
    // Aim a tenth of the half-width inside the edge, so that lot rounding and
    // fees do not leave an asset a hair outside its band.
    constexpr double kInside = 0.1;
    double cashChange = 0.0;
    for (AssetState &state : m_assets) {
        if (state.isQuote || state.excluded || !state.priced)
            continue;
        const double hw = state.halfWidth;
        const double low = state.effective - hw;
        const double high = state.effective + hw;
        double desired = state.weight;
        if (state.weight > high + 1e-12)
            desired = high - kInside * hw;
        else if (state.weight < low - 1e-12)
            desired = std::max(0.0, low + kInside * hw);
        state.delta = (desired - state.weight) * m_total;
        cashChange -= state.delta * (1.0 + (state.delta > 0 ? state.cheapestFee : -state.cheapestFee));
    }
    AssetState &quote = m_assets[static_cast<std::size_t>(m_quoteIndex)];
    const double cashWeight = (quote.value + cashChange) / m_total;
    const double hw = quote.halfWidth;
    const double high = quote.effective + hw;
    const double low = quote.effective - hw;
    std::vector<double> gaps(m_assets.size(), 0.0);
    if (cashWeight > high + 1e-12) {
        // Too much cash: buy underweight assets toward their targets, largest gap first.
        const double excess = (cashWeight - (high - kInside * hw)) * m_total;
        for (std::size_t i = 0; i < m_assets.size(); ++i) {
            const AssetState &state = m_assets[i];
            if (!state.isQuote && !state.excluded && state.priced && state.hasMarket)
                gaps[i] = std::max(0.0, state.effective * m_total - (state.value + state.delta));
        }
        const auto fill = waterFill(gaps, excess);
        for (std::size_t i = 0; i < m_assets.size(); ++i)
            m_assets[i].delta += fill[i] / (1.0 + m_assets[i].cheapestFee);
    } else if (cashWeight < low - 1e-12) {
        // Too little cash: sell overweight assets toward their targets.
        const double deficit = ((low + kInside * hw) - cashWeight) * m_total;
        for (std::size_t i = 0; i < m_assets.size(); ++i) {
            const AssetState &state = m_assets[i];
            if (!state.isQuote && !state.excluded && state.priced && state.hasMarket)
                gaps[i] = std::max(0.0, (state.value + state.delta) - state.effective * m_total);
        }
        const auto fill = waterFill(gaps, deficit);
        for (std::size_t i = 0; i < m_assets.size(); ++i)
            m_assets[i].delta -= fill[i] / std::max(1e-9, 1.0 - m_assets[i].cheapestFee);
    }
    // The cash the plan keeps is what is left after these trades and fees.
    double cashAfter = quote.value;
    for (const AssetState &state : m_assets) {
        if (!state.isQuote)
            cashAfter -= state.delta * (1.0 + (state.delta > 0 ? state.cheapestFee : -state.cheapestFee));
    }
    m_cashReserve = std::max(0.0, cashAfter);
    m_postValue = m_total;
}

void PlanBuilder::desiredInvest()
{
    const double amount = m_mode.amount.toDouble();
    const double after = m_total + amount;
    // Gross gaps (what closing each one costs with its fee), largest first.
    std::vector<double> gaps(m_assets.size(), 0.0);
    for (std::size_t i = 0; i < m_assets.size(); ++i) {
        const AssetState &state = m_assets[i];
        if (state.excluded || !state.priced || (!state.isQuote && !state.hasMarket))
            continue;
        gaps[i] = std::max(0.0, state.effective * after - state.value) * (1.0 + state.cheapestFee);
    }
    auto fill = waterFill(gaps, amount);
    const double used = std::accumulate(fill.begin(), fill.end(), 0.0);
    if (amount - used > 1e-9) {
        // Every gap closed: the rest follows the targets.
        const double rest = amount - used;
        for (std::size_t i = 0; i < m_assets.size(); ++i) {
            const AssetState &state = m_assets[i];
            if (!state.excluded && state.priced && (state.isQuote || state.hasMarket))
                fill[i] += rest * state.effective;
        }
    }
    double keep = 0.0;
    for (std::size_t i = 0; i < m_assets.size(); ++i) {
        AssetState &state = m_assets[i];
        if (state.isQuote)
            keep += fill[i];
        else
            state.delta = fill[i] / (1.0 + state.cheapestFee);
    }
    const AssetState &quote = m_assets[static_cast<std::size_t>(m_quoteIndex)];
    m_cashReserve = quote.value + keep;
    m_postValue = after;

    // The new cash lands on the cheapest account that can trade the most.
    const VenueState *best = nullptr;
    for (const VenueState &venue : m_venues) {
        if (!best || venue.quoteMarkets.size() > best->quoteMarkets.size())
            best = &venue;
    }
    if (best) {
        CashMovement deposit {best->venue->account, best->venue->accountId, m_quote, m_mode.amount};
        m_plan.deposit = deposit;
        venueOf(best->venue->accountId)->balance[m_quote] += m_mode.amount;
        m_plan.notes.append(QStringLiteral("Assumes %1 %2 deposited on %3 before the orders are sent.")
                                .arg(m_mode.amount.toString(), m_quote, best->venue->account));
    }
}

void PlanBuilder::desiredWithdraw()
{
    const double amount = m_mode.amount.toDouble();
    const double after = std::max(0.0, m_total - amount);
    AssetState &quote = m_assets[static_cast<std::size_t>(m_quoteIndex)];
    double tradableCash = 0.0;
    for (const VenueState &venue : m_venues)
        tradableCash += venue.balance.value(m_quote).toDouble();
    const double spareCash = std::max(0.0, std::min(tradableCash, quote.value - quote.effective * after));
    const double need = std::max(0.0, amount - spareCash);
    // Net capacity of each overweight asset (what selling it down to its
    // target raises after the fee), largest first.
    std::vector<double> capacity(m_assets.size(), 0.0);
    for (std::size_t i = 0; i < m_assets.size(); ++i) {
        const AssetState &state = m_assets[i];
        if (state.isQuote || state.excluded || !state.priced || !state.hasMarket)
            continue;
        const double tradableValue = state.value - state.untradable.toDouble() * state.priceD;
        const double over = std::min(tradableValue, state.value - state.effective * after);
        capacity[i] = std::max(0.0, over) * (1.0 - state.cheapestFee);
    }
    const auto fill = waterFill(capacity, need);
    const double raised = std::accumulate(fill.begin(), fill.end(), 0.0);
    for (std::size_t i = 0; i < m_assets.size(); ++i) {
        if (fill[i] > 0.0)
            m_assets[i].delta = -fill[i] / (1.0 - m_assets[i].cheapestFee);
    }
    if (need - raised > 0.01)
        skip(m_quote, SkipReason::NotEnoughToSell, need - raised);
    m_cashReserve = 0.0;
    m_postValue = after;
}

void PlanBuilder::applyConstraints()
{
    for (AssetState &state : m_assets) {
        if (state.isQuote || !state.priced)
            continue;
        if (state.excluded) {
            if (std::abs(state.weight - state.target) > 1e-9)
                skip(state.symbol, SkipReason::Excluded, (state.target - state.weight) * m_total);
            state.delta = 0.0;
            continue;
        }
        if (!state.hasMarket && std::abs(state.delta) > 1e-9) {
            skip(state.symbol, SkipReason::NoMarket, state.delta);
            state.delta = 0.0;
        }
    }
    if (m_constraints.maxTurnover && m_total > 0.0) {
        double traded = 0.0;
        for (const AssetState &state : m_assets)
            traded += state.isQuote ? 0.0 : std::abs(state.delta);
        const double turnover = traded / (2.0 * m_total);
        const double limit = *m_constraints.maxTurnover;
        if (turnover > limit && turnover > 0.0) {
            const double scale = limit / turnover;
            for (AssetState &state : m_assets) {
                if (state.isQuote || std::abs(state.delta) < 1e-9)
                    continue;
                skip(state.symbol, SkipReason::TurnoverLimit, state.delta * (1.0 - scale), toDecimal(limit));
                state.delta *= scale;
            }
        }
    }
    if (m_constraints.minTradeValue.isPositive()) {
        const double minimum = m_constraints.minTradeValue.toDouble();
        for (AssetState &state : m_assets) {
            if (!state.isQuote && state.delta != 0.0 && std::abs(state.delta) < minimum) {
                skip(state.symbol, SkipReason::BelowMinTradeValue, state.delta, m_constraints.minTradeValue);
                state.delta = 0.0;
            }
        }
    }
}

Decimal PlanBuilder::orderPrice(const MarketRules &market, const Decimal &price, Side side) const
{
    if (m_constraints.orderType == OrderType::Market || !market.tick.isPositive())
        return price;
    // A limit at the valuation price, rounded to the tick on the side that still fills.
    return side == Side::Buy ? price.ceilToStep(market.tick) : price.floorToStep(market.tick);
}

void PlanBuilder::addOrder(PlannedOrder order, bool isSell)
{
    order.type = m_constraints.orderType;
    (isSell ? m_sells : m_buys).append(order);
}

void PlanBuilder::directPairs()
{
    if (m_mode.kind != PlanMode::Kind::Target && m_mode.kind != PlanMode::Kind::BandEdge)
        return;
    for (VenueState &venue : m_venues) {
        for (AssetState &seller : m_assets) {
            if (seller.isQuote || seller.delta >= 0.0)
                continue;
            for (AssetState &buyer : m_assets) {
                if (buyer.isQuote || buyer.delta <= 0.0 || seller.delta >= 0.0)
                    continue;
                const MarketRules *sellMarket = venue.bySymbol.value(seller.symbol + QLatin1Char('/') + buyer.symbol);
                const MarketRules *buyMarket = venue.bySymbol.value(buyer.symbol + QLatin1Char('/') + seller.symbol);
                const MarketRules *market = sellMarket ? sellMarket : buyMarket;
                if (!market)
                    continue;
                const double viaQuote = seller.cheapestFee + buyer.cheapestFee;
                if (market->takerFee.toDouble() >= viaQuote)
                    continue;
                const double have = venue.balance.value(seller.symbol).toDouble() * seller.priceD;
                const double value = std::min({-seller.delta, buyer.delta, have});
                if (value <= 0.0)
                    continue;
                PlannedOrder order;
                order.accountId = venue.venue->accountId;
                order.account = venue.venue->account;
                order.symbol = market->symbol;
                order.base = market->base;
                order.quote = market->quote;
                order.feeRate = market->takerFee;
                order.feeAsset = market->quote;
                order.route = RouteReason::DirectPair;
                const Decimal step = OrderRules::stepFor(*market, m_constraints.orderType);
                const AssetState &base = sellMarket ? seller : buyer;
                const AssetState &quoteSide = sellMarket ? buyer : seller;
                order.side = sellMarket ? Side::Sell : Side::Buy;
                order.price = orderPrice(*market, base.price / quoteSide.price, order.side);
                order.quantity = (toDecimal(value) / base.price).floorToStep(step);
                order.notional = order.quantity * order.price;
                order.fee = feeFor(order.notional, order.feeRate);
                if (OrderRules::check(*market, {order.symbol, order.side, order.type, order.quantity, order.price, {}},
                                      order.price)) {
                    continue; // too small for the direct pair: the quote route takes it
                }
                // Balances move exactly as the exchange would move them.
                if (sellMarket) {
                    if (order.quantity > venue.balance.value(seller.symbol))
                        continue;
                    venue.balance[seller.symbol] -= order.quantity;
                    venue.balance[buyer.symbol] += order.notional - order.fee;
                } else {
                    if (order.notional + order.fee > venue.balance.value(seller.symbol))
                        continue;
                    venue.balance[seller.symbol] -= order.notional + order.fee;
                    venue.balance[buyer.symbol] += order.quantity;
                }
                const double sold = sellMarket ? (order.quantity * seller.price).toDouble()
                                               : ((order.notional + order.fee) * seller.price).toDouble();
                const double bought = sellMarket ? ((order.notional - order.fee) * buyer.price).toDouble()
                                                 : (order.quantity * buyer.price).toDouble();
                seller.delta += sold;
                buyer.delta -= bought;
                addOrder(order, true);
            }
        }
    }
}

void PlanBuilder::sells()
{
    std::vector<AssetState *> sellers;
    for (AssetState &state : m_assets) {
        if (!state.isQuote && state.delta < 0.0)
            sellers.push_back(&state);
    }
    std::sort(sellers.begin(), sellers.end(),
              [](const AssetState *a, const AssetState *b) { return a->delta < b->delta; });
    for (AssetState *seller : sellers) {
        std::vector<VenueState *> venues;
        for (VenueState &venue : m_venues) {
            if (quoteMarket(venue, seller->symbol) && venue.balance.value(seller->symbol).isPositive())
                venues.push_back(&venue);
        }
        std::sort(venues.begin(), venues.end(), [&](const VenueState *a, const VenueState *b) {
            const Decimal feeA = quoteMarket(*a, seller->symbol)->takerFee;
            const Decimal feeB = quoteMarket(*b, seller->symbol)->takerFee;
            if (feeA != feeB)
                return feeA < feeB;
            return a->balance.value(seller->symbol) > b->balance.value(seller->symbol);
        });
        double remaining = -seller->delta;
        bool placed = false;
        for (std::size_t v = 0; v < venues.size() && remaining > 1e-9; ++v) {
            VenueState &venue = *venues[v];
            const MarketRules &market = *quoteMarket(venue, seller->symbol);
            const Decimal step = OrderRules::stepFor(market, m_constraints.orderType);
            const Decimal balance = venue.balance.value(seller->symbol);
            const Decimal wanted = toDecimal(remaining) / seller->price;
            // Within one lot of everything: sell all the lot step allows, leaving no dust.
            // A withdrawal rounds up, so that the amount is really raised.
            const bool raise = m_mode.kind == PlanMode::Kind::Withdraw;
            const Decimal quantity = wanted >= balance - step ? balance.floorToStep(step)
                : raise ? Decimal::min(balance, wanted.ceilToStep(step)).floorToStep(step)
                        : wanted.floorToStep(step);
            const Decimal price = orderPrice(market, seller->price, Side::Sell);
            PlannedOrder order;
            order.accountId = venue.venue->accountId;
            order.account = venue.venue->account;
            order.symbol = market.symbol;
            order.base = market.base;
            order.quote = market.quote;
            order.side = Side::Sell;
            order.quantity = quantity;
            order.price = price;
            order.notional = quantity * price;
            order.feeRate = market.takerFee;
            order.fee = feeFor(order.notional, order.feeRate);
            order.feeAsset = market.quote;
            order.alternatives = static_cast<int>(venues.size()) - 1;
            order.route = venues.size() == 1 ? RouteReason::OnlyVenue
                : placed                     ? RouteReason::Remainder
                : v + 1 < venues.size() && quoteMarket(*venues[v + 1], seller->symbol)->takerFee == market.takerFee
                ? RouteReason::MoreBalance
                : RouteReason::LowestFee;
            if (auto broken = OrderRules::check(
                    market, {order.symbol, Side::Sell, m_constraints.orderType, quantity, price, {}}, price)) {
                if (!placed) {
                    const bool notional = broken->filter == QLatin1String("NOTIONAL");
                    skip(seller->symbol, notional ? SkipReason::BelowMinNotional : SkipReason::BelowMinQuantity,
                         remaining,
                         notional ? OrderRules::minimumNotional(market, price) : Decimal::max(market.minQuantity, step),
                         venue.venue->account);
                }
                remaining = 0.0;
                break;
            }
            venue.balance[seller->symbol] -= quantity;
            venue.balance[m_quote] += order.notional - order.fee;
            remaining -= (quantity * seller->price).toDouble();
            placed = true;
            addOrder(order, true);
        }
        if (remaining > significant() && seller->untradable.isPositive())
            skip(seller->symbol, SkipReason::NotTradable, remaining);
    }
}

void PlanBuilder::buys()
{
    std::vector<AssetState *> buyers;
    double gross = 0.0;
    for (AssetState &state : m_assets) {
        if (!state.isQuote && state.delta > 0.0) {
            buyers.push_back(&state);
            gross += state.delta * (1.0 + state.cheapestFee);
        }
    }
    if (buyers.empty())
        return;
    std::sort(buyers.begin(), buyers.end(),
              [](const AssetState *a, const AssetState *b) { return a->delta > b->delta; });
    double cash = 0.0;
    for (const VenueState &venue : m_venues)
        cash += venue.balance.value(m_quote).toDouble();
    // Cash the plan keeps (the quote's own target) is not spent, except what
    // is held where it cannot trade anyway.
    double heldOutside = 0.0;
    if (const AssetPosition *position = m_snapshot.position(m_quote)) {
        for (const domain::Holding &holding : position->split) {
            if (!venueOf(holding.accountId))
                heldOutside += holding.quantity.toDouble();
        }
    }
    const double reserve = std::max(0.0, m_cashReserve - heldOutside);
    double spendable = std::max(0.0, cash - reserve);
    const double scale = gross > spendable ? spendable / gross : 1.0;
    for (AssetState *buyer : buyers) {
        double wanted = buyer->delta * scale;
        if (scale < 1.0 && buyer->delta * (1.0 - scale) > significant())
            skip(buyer->symbol, SkipReason::NotEnoughCash, buyer->delta * (1.0 - scale));
        std::vector<VenueState *> venues;
        for (VenueState &venue : m_venues) {
            if (quoteMarket(venue, buyer->symbol))
                venues.push_back(&venue);
        }
        std::sort(venues.begin(), venues.end(), [&](const VenueState *a, const VenueState *b) {
            const Decimal feeA = quoteMarket(*a, buyer->symbol)->takerFee;
            const Decimal feeB = quoteMarket(*b, buyer->symbol)->takerFee;
            if (feeA != feeB)
                return feeA < feeB;
            return a->balance.value(m_quote) > b->balance.value(m_quote);
        });
        bool placed = false;
        for (std::size_t v = 0; v < venues.size() && wanted > 1e-9 && spendable > 1e-9; ++v) {
            VenueState &venue = *venues[v];
            const MarketRules &market = *quoteMarket(venue, buyer->symbol);
            const Decimal step = OrderRules::stepFor(market, m_constraints.orderType);
            const Decimal price = orderPrice(market, buyer->price, Side::Buy);
            const Decimal onePlusFee = Decimal::fromInt(1) + market.takerFee;
            const Decimal cashHere = Decimal::min(venue.balance.value(m_quote), toDecimal(spendable));
            const Decimal budget = Decimal::min(toDecimal(wanted) * onePlusFee, cashHere);
            Decimal quantity = (budget / (price * onePlusFee)).floorToStep(step);
            while (quantity.isPositive() && quantity * price + feeFor(quantity * price, market.takerFee) > cashHere)
                quantity -= step; // fee rounding up may cost one lot
            PlannedOrder order;
            order.accountId = venue.venue->accountId;
            order.account = venue.venue->account;
            order.symbol = market.symbol;
            order.base = market.base;
            order.quote = market.quote;
            order.side = Side::Buy;
            order.quantity = quantity;
            order.price = price;
            order.notional = quantity * price;
            order.feeRate = market.takerFee;
            order.fee = feeFor(order.notional, order.feeRate);
            order.feeAsset = market.quote;
            order.alternatives = static_cast<int>(venues.size()) - 1;
            order.route = venues.size() == 1 ? RouteReason::OnlyVenue
                : placed                     ? RouteReason::Remainder
                : v + 1 < venues.size() && quoteMarket(*venues[v + 1], buyer->symbol)->takerFee == market.takerFee
                ? RouteReason::MoreBalance
                : RouteReason::LowestFee;
            if (auto broken = OrderRules::check(
                    market, {order.symbol, Side::Buy, m_constraints.orderType, quantity, price, {}}, price)) {
                if (cashHere < toDecimal(wanted) && v + 1 < venues.size())
                    continue; // not enough cash here: another account may have it
                if (!placed) {
                    const bool notional = broken->filter == QLatin1String("NOTIONAL");
                    skip(buyer->symbol, notional ? SkipReason::BelowMinNotional : SkipReason::BelowMinQuantity, wanted,
                         notional ? OrderRules::minimumNotional(market, price) : Decimal::max(market.minQuantity, step),
                         venue.venue->account);
                }
                wanted = 0.0;
                break;
            }
            const Decimal cost = order.notional + order.fee;
            venue.balance[m_quote] -= cost;
            venue.balance[buyer->symbol] += quantity;
            spendable -= cost.toDouble();
            wanted -= (quantity * buyer->price).toDouble();
            placed = true;
            addOrder(order, false);
        }
    }
}

void PlanBuilder::finish()
{
    int next = 0;
    for (PlannedOrder order : m_sells) {
        order.line = next++;
        m_plan.orders.append(order);
    }
    for (PlannedOrder order : m_buys) {
        order.line = next++;
        m_plan.orders.append(order);
    }

    // Holdings after the plan: every account of the snapshot, with the
    // tradable ones replaced by the balances the orders leave.
    QHash<QString, Decimal> quantities;
    for (const AssetPosition &position : m_snapshot.positions()) {
        for (const domain::Holding &holding : position.split) {
            if (!venueOf(holding.accountId))
                quantities[holding.asset] += holding.quantity;
        }
    }
    for (const VenueState &venue : m_venues) {
        for (auto it = venue.balance.cbegin(); it != venue.balance.cend(); ++it)
            quantities[it.key()] += it.value();
    }
    if (m_plan.withdrawal)
        quantities[m_quote] -= m_plan.withdrawal->amount;

    QHash<QString, Decimal> prices;
    for (const AssetState &state : m_assets)
        prices.insert(state.symbol, state.price);
    Decimal fees;
    Decimal traded;
    for (const PlannedOrder &order : m_plan.orders) {
        const Decimal feePrice = prices.value(order.feeAsset);
        fees += order.fee * feePrice;
        traded += order.quantity * prices.value(order.base);
    }
    m_plan.feesTotal = fees;
    m_plan.turnover =
        m_snapshot.totalValue().isPositive() ? traded.toDouble() / (2.0 * m_snapshot.totalValue().toDouble()) : 0.0;

    Decimal total;
    for (const AssetState &state : m_assets) {
        if (state.priced)
            total += quantities.value(state.symbol) * state.price;
    }
    m_plan.valueBefore = m_snapshot.totalValue();
    m_plan.valueAfter = total;
    const double totalD = total.toDouble();
    for (const AssetState &state : m_assets) {
        PlanWeight weight;
        weight.asset = state.symbol;
        weight.before = state.weight;
        weight.target = state.target;
        weight.halfWidth = state.halfWidth;
        weight.quantityAfter = quantities.value(state.symbol);
        weight.valueAfter = state.priced ? weight.quantityAfter * state.price : Decimal();
        weight.after = totalD > 0.0 ? weight.valueAfter.toDouble() / totalD : 0.0;
        m_plan.weights.append(weight);
    }
    std::stable_sort(m_plan.weights.begin(), m_plan.weights.end(),
                     [](const PlanWeight &a, const PlanWeight &b) { return a.valueAfter > b.valueAfter; });

    // Every asset left outside its band is explained.
    for (const PlanWeight &weight : m_plan.weights) {
        bool explained = false;
        for (SkippedLine &line : m_plan.skipped) {
            if (line.asset == weight.asset) {
                line.driftLeft = weight.driftAfter();
                explained = true;
            }
        }
        if (!explained && !weight.insideBandAfter() && m_mode.kind != PlanMode::Kind::Invest
            && m_mode.kind != PlanMode::Kind::Withdraw) {
            SkippedLine line;
            line.asset = weight.asset;
            line.reason = SkipReason::Rounding;
            line.driftLeft = weight.driftAfter();
            m_plan.skipped.append(line);
        } else if (!explained && !weight.insideBandAfter()) {
            // Invest and withdraw move only one way by design.
            SkippedLine line;
            line.asset = weight.asset;
            line.reason = SkipReason::OneWay;
            line.driftLeft = weight.driftAfter();
            m_plan.skipped.append(line);
        }
    }
}

RebalancePlan PlanBuilder::build(const QString &planId)
{
    m_plan.id = planId.isEmpty() ? RebalancePlan::newId() : planId;
    m_plan.createdAt = m_snapshot.time();
    m_plan.portfolio = m_portfolio.name;
    m_plan.quote = m_quote;
    m_plan.mode = m_mode;
    m_plan.simulated = m_snapshot.isSimulated();

    collectAssets();
    if (m_portfolio.targets.isEmpty()) {
        m_plan.notes.append(QStringLiteral("The portfolio has no targets: set them before planning."));
        finish();
        return m_plan;
    }
    if (m_total <= 0.0 && m_mode.kind != PlanMode::Kind::Invest) {
        m_plan.notes.append(QStringLiteral("The portfolio has no value to rebalance."));
        finish();
        return m_plan;
    }
    effectiveTargets();
    switch (m_mode.kind) {
    case PlanMode::Kind::Target:
        desiredTarget();
        break;
    case PlanMode::Kind::BandEdge:
        desiredBandEdge();
        break;
    case PlanMode::Kind::Invest:
        desiredInvest();
        break;
    case PlanMode::Kind::Withdraw:
        desiredWithdraw();
        break;
    }
    applyConstraints();
    directPairs();
    sells();
    if (m_mode.kind == PlanMode::Kind::Withdraw) {
        // The cash is taken from the account that holds the most of it.
        const VenueState *richest = nullptr;
        for (const VenueState &venue : m_venues) {
            if (!richest || venue.balance.value(m_quote) > richest->balance.value(m_quote))
                richest = &venue;
        }
        if (richest) {
            const Decimal available = richest->balance.value(m_quote);
            const Decimal amount = Decimal::min(m_mode.amount, available);
            m_plan.withdrawal = CashMovement {richest->venue->account, richest->venue->accountId, m_quote, amount};
            if (amount < m_mode.amount) {
                m_plan.notes.append(QStringLiteral("Only %1 %2 will be free on %3 after the sells.")
                                        .arg(amount.toFixed(2), m_quote, richest->venue->account));
            }
        }
    } else {
        buys();
    }
    finish();
    return m_plan;
}

} // namespace

RebalancePlan Planner::plan(const Snapshot &snapshot, const domain::Portfolio &portfolio, const QList<Venue> &venues,
                            const PlanMode &mode, const PlanConstraints &constraints, const QString &planId)
{
    PlanBuilder builder(snapshot, portfolio, venues, mode, constraints);
    return builder.build(planId);
}

} // namespace ballast::rebalance
