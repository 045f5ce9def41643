#include "rebalance/planner.h"

#include "exchange/orderrules.h"
#include "rebalance/rebalancemath.h"

#include <QHash>
#include <QSet>
#include <QVarLengthArray>

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
    // The common case without text formatting: aims are good to a millionth of
    // a quote unit, and every order amount is rounded to its lot step anyway.
    constexpr double kMicro = 1e6;
    if (std::abs(value) < 1e12) {
        const auto micros = static_cast<money::Int128>(std::llround(std::trunc(value * kMicro)));
        return Decimal::fromRaw(micros * static_cast<money::Int128>(1000000000000LL));
    }
    return Decimal::fromDouble(value, kValueDecimals, RoundingMode::Down).valueOr({});
}

Decimal feeFor(const Decimal &notional, const Decimal &rate)
{
    return (notional * rate).rounded(kFeeDecimals, RoundingMode::Ceiling);
}

/// Splits @p quantity into orders @p market takes: none above its maximum
/// quantity or notional at @p price. When the last piece falls below the
/// minimum, the piece before gives it what it lacks.
/// A plan's order is nearly always one piece: kept on the stack.
using Pieces = QVarLengthArray<Decimal, 4>;

Pieces pieces(const MarketRules &market, OrderType type, const Decimal &quantity, const Decimal &price)
{
    constexpr int kMaxPieces = 1000;
    const Decimal step = OrderRules::stepFor(market, type);
    Decimal most = type == OrderType::Market && market.marketMaxQuantity.isPositive() ? market.marketMaxQuantity
                                                                                      : market.maxQuantity;
    if (market.maxNotional.isPositive() && price.isPositive()) {
        const Decimal byNotional = market.maxNotional.div(price, RoundingMode::Down).valueOr({});
        most = most.isPositive() ? Decimal::min(most, byNotional) : byNotional;
    }
    most = most.floorToStep(step);
    Pieces result;
    if (!most.isPositive() || quantity <= most) {
        result.append(quantity);
        return result;
    }
    Decimal left = quantity;
    while (left > most && result.size() < kMaxPieces) {
        result.append(most);
        left -= most;
    }
    if (left > most)
        return result; // more orders than any real rebalance needs: the rest stays undone
    const Decimal least = price.isPositive()
        ? Decimal::max(market.minQuantity, market.minNotional.div(price, RoundingMode::Up).valueOr({})).ceilToStep(step)
        : market.minQuantity;
    if (left.isPositive() && left < least && most - (least - left) >= least) {
        result.back() -= least - left;
        left = least;
    }
    if (left.isPositive())
        result.append(left);
    return result;
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

/// A market between two assets of the plan, neither of them the portfolio
/// quote: a direct pair.
struct CrossMarket
{
    int base = -1; ///< asset index
    int quote = -1; ///< asset index
    const MarketRules *market = nullptr;
};

/// An account's state during planning. Per-asset state is indexed like the
/// planner's assets (AssetState), so the hot loops look nothing up by symbol.
struct VenueState
{
    const Venue *venue = nullptr;
    std::vector<Decimal> balance; ///< by asset index
    std::vector<const MarketRules *> quoteMarkets; ///< by asset index: its market against the portfolio quote
    qsizetype quoteMarketCount = 0; ///< markets against the portfolio quote of the plan's assets
    /// The bases of the other active markets against the portfolio quote (of
    /// assets the plan neither holds nor targets), repeats included; only the
    /// Invest mode counts them (quoteMarketsOfAnyBase).
    std::vector<const QString *> otherBases;
    bool hasCrossMarkets = false; ///< a market not quoted in the portfolio quote (any assets)
    std::vector<char> crossAssets; ///< by asset index: in a market not quoted in the portfolio quote
    std::vector<CrossMarket> crossMarkets; ///< in the venue's order
};

/// The planner's assets as the shared mode rules read them.
struct ModeArrays
{
    std::vector<double> values;
    std::vector<double> weights;
    std::vector<double> targets;
    std::vector<double> halfWidths;
    std::vector<double> fees;
    std::vector<double> tradableValues;
    std::vector<unsigned char> flags;

    explicit ModeArrays(const std::vector<AssetState> &assets)
    {
        for (const AssetState &state : assets) {
            values.push_back(state.value);
            weights.push_back(state.weight);
            targets.push_back(state.effective);
            halfWidths.push_back(state.halfWidth);
            fees.push_back(state.cheapestFee);
            tradableValues.push_back(state.value - state.untradable.toDouble() * state.priceD);
            unsigned char flag = 0;
            if (!state.excluded && state.priced)
                flag |= ModeInput::Tradable;
            if (state.hasMarket)
                flag |= ModeInput::HasMarket;
            flags.push_back(flag);
        }
    }
    [[nodiscard]] ModeInput input(int cash, double total) const
    {
        return {values, weights, targets, halfWidths, fees, flags, cash, total};
    }
};

class PlanBuilder
{
public:
    PlanBuilder(const Snapshot &snapshot, const domain::Portfolio &portfolio, const QList<Venue> &venues,
                const PlanMode &mode, const PlanConstraints &constraints, double sellScale)
        : m_snapshot(snapshot)
        , m_portfolio(portfolio)
        , m_mode(mode)
        , m_constraints(constraints)
        , m_venueList(venues)
        , m_quote(snapshot.quote())
        , m_sellScale(sellScale)
    {
    }

    RebalancePlan build(const QString &planId);

private:
    /// Shortfalls smaller than this (0.1 % of the portfolio) are rounding, not
    /// worth a line of their own; finish() still explains any band left broken.
    [[nodiscard]] double significant() const { return 1e-3 * m_total; }
    void collectAssets();
    /// The venues' markets and balances by asset index (after the assets are known).
    void collectVenues();
    void effectiveTargets();
    void desiredTarget();
    void desiredBandEdge();
    void desiredInvest();
    void desiredWithdraw();
    void applyConstraints();
    /// Cash first: the spare cash buys first; then only what is still outside
    /// its band is traded, to just inside the band's edge.
    void cashFirst();
    /// The young lots kept per account and asset (tax.minLotAgeDays).
    void youngLots();
    [[nodiscard]] bool isYoung(const analytics::Lot &lot) const;
    /// What @p venue may sell of @p symbol: its balance less the young lots kept.
    [[nodiscard]] Decimal sellable(const VenueState &venue, int asset) const;
    /// The lots each sale takes, the gains, the harvestable losses.
    void estimateTax();
    void directPairs();
    void sells();
    void buys();
    /// Buys up to @p wanted (quote value) of @p buyer on the accounts with a
    /// market for it, cheapest first, within @p spendable. Returns what the
    /// cash there could not cover; a rest below every market's minimum or
    /// beyond the turnover budget is explained here and not returned.
    double buy(AssetState &buyer, double wanted, double &spendable, char &placedBefore);
    /// An order already planned that can take @p part more at @p price on this market.
    PlannedOrder *earlierBuy(const VenueState &venue, const MarketRules &market, const Decimal &part,
                             const Decimal &price);
    void finish();

    /// The markets of @p venue against the portfolio quote, one per base of
    /// any asset (sorts the venue's otherBases).
    static qsizetype quoteMarketsOfAnyBase(VenueState &venue);
    AssetState *asset(const QString &symbol);
    /// The index of @p symbol among the assets; -1 when it is none of them.
    [[nodiscard]] int indexOf(const QString &symbol) const { return m_index.value(symbol, -1); }
    [[nodiscard]] int indexOf(const AssetState &state) const { return static_cast<int>(&state - m_assets.data()); }
    VenueState *venueOf(qint64 accountId);
    /// The cash (portfolio quote) on @p venue.
    Decimal &cash(VenueState &venue) const { return venue.balance[static_cast<std::size_t>(m_quoteIndex)]; }
    const Decimal &cash(const VenueState &venue) const { return venue.balance[static_cast<std::size_t>(m_quoteIndex)]; }
    static const MarketRules *quoteMarket(const VenueState &venue, int asset)
    {
        return venue.quoteMarkets[static_cast<std::size_t>(asset)];
    }
    /// The direct pair @p base / @p quote on @p venue (the last one listed, as a lookup by symbol would find).
    static const MarketRules *crossMarket(const VenueState &venue, int base, int quote);
    Decimal orderPrice(const MarketRules &market, const Decimal &price, Side side) const;
    Decimal withinTurnover(const Decimal &quantity, const Decimal &step, const Decimal &price) const;
    void addOrder(PlannedOrder order, bool isSell);
    void skip(const QString &asset, SkipReason reason, double wanted, const Decimal &limit = {},
              const QString &account = {});
    /// Like skip(), but adds to the asset's line with the same reason when there is one.
    void skipMore(const QString &asset, SkipReason reason, double wanted, const Decimal &limit = {});

    const Snapshot &m_snapshot;
    const domain::Portfolio &m_portfolio;
    const PlanMode &m_mode;
    const PlanConstraints &m_constraints;
    const QList<Venue> &m_venueList;
    QString m_quote;
    double m_sellScale = 1.0; ///< the share of every wanted sale kept (the gain budget)
    QHash<std::pair<qint64, QString>, Decimal> m_young; ///< (account, asset) -> young quantity kept
    QSet<QString> m_youngReleased; ///< assets far enough outside their band to sell young lots
    std::vector<VenueState> m_venues;
    std::vector<AssetState> m_assets;
    QHash<QString, int> m_index; ///< asset symbol -> index in m_assets
    int m_quoteIndex = -1;
    double m_total = 0.0;
    double m_postValue = 0.0; ///< expected value after fees (target and band-edge modes)
    double m_cashReserve = 0.0; ///< quote value the plan keeps as cash on tradable accounts
    /// With a maximum turnover: the value (base quantity x snapshot price, as
    /// finish() counts turnover) that orders may still trade. Lot rounding and
    /// selling whole balances must not take the plan over the limit.
    std::optional<Decimal> m_turnoverLeft;
    QList<PlannedOrder> m_sells;
    QList<PlannedOrder> m_buys;
    RebalancePlan m_plan;
};

AssetState *PlanBuilder::asset(const QString &symbol)
{
    const int index = indexOf(symbol);
    return index < 0 ? nullptr : &m_assets[static_cast<std::size_t>(index)];
}

const MarketRules *PlanBuilder::crossMarket(const VenueState &venue, int base, int quote)
{
    for (auto it = venue.crossMarkets.crbegin(); it != venue.crossMarkets.crend(); ++it) {
        if (it->base == base && it->quote == quote)
            return it->market;
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

void PlanBuilder::skipMore(const QString &asset, SkipReason reason, double wanted, const Decimal &limit)
{
    for (SkippedLine &line : m_plan.skipped) {
        if (line.asset == asset && line.reason == reason) {
            line.wanted += toDecimal(std::abs(wanted));
            return;
        }
    }
    skip(asset, reason, wanted, limit);
}

void PlanBuilder::collectAssets()
{
    m_total = m_snapshot.totalValue().toDouble();
    const QList<AssetPosition> &positions = m_snapshot.positions();
    m_assets.reserve(static_cast<std::size_t>(positions.size()) + 1);
    m_index.reserve(positions.size() + 1);
    for (const AssetPosition &position : positions) {
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
        m_index.insert(position.asset, static_cast<int>(m_assets.size())); // positions are one per asset
        m_assets.push_back(state);
    }
    if (!m_index.contains(m_quote)) {
        AssetState quote;
        quote.symbol = m_quote;
        quote.isQuote = true;
        quote.priced = true;
        quote.price = Decimal::fromInt(1);
        quote.priceD = 1.0;
        quote.halfWidth = m_portfolio.bandFor(m_quote).halfWidth(0.0);
        m_index.insert(m_quote, static_cast<int>(m_assets.size()));
        m_assets.push_back(quote);
    }
    collectVenues();
    for (qsizetype p = 0; p < positions.size(); ++p) {
        AssetState &state = m_assets[static_cast<std::size_t>(p)];
        for (const domain::Holding &holding : positions[p].split) {
            VenueState *venue = venueOf(holding.accountId);
            const bool tradable = venue && (state.isQuote || quoteMarket(*venue, static_cast<int>(p)));
            if (venue)
                venue->balance[static_cast<std::size_t>(p)] += holding.quantity;
            if (!tradable && !state.isQuote)
                state.untradable += holding.quantity;
        }
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
            if (const MarketRules *market = quoteMarket(venue, static_cast<int>(i))) {
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

void PlanBuilder::collectVenues()
{
    const std::size_t count = m_assets.size();
    m_venues.reserve(static_cast<std::size_t>(m_venueList.size()));
    for (const Venue &venue : m_venueList) {
        VenueState state;
        state.venue = &venue;
        state.balance.resize(count);
        state.quoteMarkets.assign(count, nullptr);
        state.crossAssets.assign(count, 0);
        for (const MarketRules &market : venue.markets) {
            if (!market.active)
                continue;
            if (market.quote == m_quote) {
                // The last market listed for a base wins, as before with a lookup table.
                const int base = indexOf(market.base);
                if (base < 0) {
                    state.otherBases.push_back(&market.base);
                } else {
                    const MarketRules *&slot = state.quoteMarkets[static_cast<std::size_t>(base)];
                    state.quoteMarketCount += slot ? 0 : 1;
                    slot = &market;
                }
            } else if (market.base != m_quote) {
                state.hasCrossMarkets = true;
                const int base = indexOf(market.base);
                const int quote = indexOf(market.quote);
                if (base >= 0)
                    state.crossAssets[static_cast<std::size_t>(base)] = 1;
                if (quote >= 0)
                    state.crossAssets[static_cast<std::size_t>(quote)] = 1;
                if (base >= 0 && quote >= 0)
                    state.crossMarkets.push_back({base, quote, &market});
            }
        }
        m_venues.push_back(std::move(state));
    }
}

qsizetype PlanBuilder::quoteMarketsOfAnyBase(VenueState &venue)
{
    std::vector<const QString *> &bases = venue.otherBases;
    const auto less = [](const QString *a, const QString *b) { return *a < *b; };
    const auto same = [](const QString *a, const QString *b) { return *a == *b; };
    std::sort(bases.begin(), bases.end(), less);
    bases.erase(std::unique(bases.begin(), bases.end(), same), bases.end());
    return venue.quoteMarketCount + static_cast<qsizetype>(bases.size());
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
    const ModeArrays arrays(m_assets);
    std::vector<double> deltas(m_assets.size(), 0.0);
    const EdgeFill fill = RebalanceMath::bandEdge(arrays.input(m_quoteIndex, m_total), deltas);
    for (std::size_t i = 0; i < m_assets.size(); ++i) {
        if (static_cast<int>(i) != m_quoteIndex)
            m_assets[i].delta = deltas[i];
    }
    // Cash the fill cannot place because the assets that would take it have
    // no market: say so, rather than leave the cash's band unexplained.
    if (fill.wanted - fill.placed > significant()) {
        for (const AssetState &state : m_assets) {
            if (state.isQuote || state.excluded || !state.priced || state.hasMarket)
                continue;
            const double gap = (state.effective * m_total - (state.value + state.delta)) * (fill.buying ? 1.0 : -1.0);
            if (gap > significant())
                skipMore(state.symbol, SkipReason::NoMarket, gap);
        }
    }
    // The cash the plan keeps is what is left after these trades and fees.
    const AssetState &quote = m_assets[static_cast<std::size_t>(m_quoteIndex)];
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
    const ModeArrays arrays(m_assets);
    const auto fill = RebalanceMath::investFill(arrays.input(m_quoteIndex, m_total), amount, after);
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
    qsizetype bestCount = 0;
    for (VenueState &venue : m_venues) {
        const qsizetype count = quoteMarketsOfAnyBase(venue);
        if (!best || count > bestCount) {
            best = &venue;
            bestCount = count;
        }
    }
    if (best) {
        CashMovement deposit{best->venue->account, best->venue->accountId, m_quote, m_mode.amount};
        m_plan.deposit = deposit;
        cash(*venueOf(best->venue->accountId)) += m_mode.amount;
        m_plan.notes.append(QStringLiteral("Assumes %1 %2 deposited on %3 before the orders are sent.")
                                .arg(m_mode.amount.toString(), m_quote, best->venue->account));
    }
}

void PlanBuilder::desiredWithdraw()
{
    const double amount = m_mode.amount.toDouble();
    const double after = std::max(0.0, m_total - amount);
    const AssetState &quote = m_assets[static_cast<std::size_t>(m_quoteIndex)];
    double tradableCash = 0.0;
    for (const VenueState &venue : m_venues)
        tradableCash += cash(venue).toDouble();
    const double spareCash = std::max(0.0, std::min(tradableCash, quote.value - quote.effective * after));
    const double need = std::max(0.0, amount - spareCash);
    const ModeArrays arrays(m_assets);
    const auto fill =
        RebalanceMath::withdrawFill(arrays.input(m_quoteIndex, m_total), need, after, arrays.tradableValues);
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
        if (const auto fell = m_constraints.noBuy.constFind(state.symbol);
            fell != m_constraints.noBuy.cend() && state.delta > 0.0) {
            // The falling-asset guard: no more money into a dying token.
            skip(state.symbol, SkipReason::FallingAsset, state.delta, toDecimal(fell.value()));
            state.delta = 0.0;
            continue;
        }
        if (!state.hasMarket && std::abs(state.delta) > 1e-9) {
            skipMore(state.symbol, SkipReason::NoMarket, state.delta);
            state.delta = 0.0;
        }
    }
    if (m_constraints.maxTurnover && m_total > 0.0) {
        m_turnoverLeft = toDecimal(std::max(0.0, *m_constraints.maxTurnover) * 2.0 * m_total);
        std::vector<double> deltas;
        deltas.reserve(m_assets.size());
        for (const AssetState &state : m_assets)
            deltas.push_back(state.delta);
        const double limit = *m_constraints.maxTurnover;
        const double scale = RebalanceMath::turnoverScale(deltas, m_quoteIndex, m_total, limit);
        if (scale < 1.0) {
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
            if (!state.isQuote && RebalanceMath::belowMinimum(state.delta, minimum)) {
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

Decimal PlanBuilder::withinTurnover(const Decimal &quantity, const Decimal &step, const Decimal &price) const
{
    if (!m_turnoverLeft || !price.isPositive())
        return quantity;
    const Decimal most =
        Decimal::max(Decimal(), *m_turnoverLeft).div(price, RoundingMode::Down).valueOr({}).floorToStep(step);
    return Decimal::min(quantity, most);
}

void PlanBuilder::addOrder(PlannedOrder order, bool isSell)
{
    if (m_turnoverLeft) {
        if (const AssetState *base = asset(order.base))
            *m_turnoverLeft -= order.quantity * base->price;
    }
    order.type = m_constraints.orderType;
    (isSell ? m_sells : m_buys).append(order);
}

void PlanBuilder::directPairs()
{
    if (m_mode.kind != PlanMode::Kind::Target && m_mode.kind != PlanMode::Kind::BandEdge)
        return;
    for (VenueState &venue : m_venues) {
        // Only assets that appear in a cross market can trade directly; this
        // keeps the pair search from building strings for every combination.
        if (!venue.hasCrossMarkets)
            continue;
        for (AssetState &seller : m_assets) {
            const int s = indexOf(seller);
            if (seller.isQuote || seller.delta >= 0.0 || !venue.crossAssets[static_cast<std::size_t>(s)])
                continue;
            for (AssetState &buyer : m_assets) {
                const int b = indexOf(buyer);
                if (buyer.isQuote || buyer.delta <= 0.0 || seller.delta >= 0.0
                    || !venue.crossAssets[static_cast<std::size_t>(b)])
                    continue;
                const MarketRules *sellMarket = crossMarket(venue, s, b);
                const MarketRules *buyMarket = crossMarket(venue, b, s);
                const MarketRules *market = sellMarket ? sellMarket : buyMarket;
                if (!market)
                    continue;
                const double viaQuote = seller.cheapestFee + buyer.cheapestFee;
                if (market->takerFee.toDouble() >= viaQuote)
                    continue;
                const double have = sellable(venue, s).toDouble() * seller.priceD;
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
                order.quantity = withinTurnover((toDecimal(value) / base.price).floorToStep(step), step, base.price);
                order.notional = order.quantity * order.price;
                order.fee = feeFor(order.notional, order.feeRate);
                if (OrderRules::brokenFilter(*market, order.type, order.quantity, order.price, order.price)
                    != OrderRules::Filter::None) {
                    continue; // too small for the direct pair: the quote route takes it
                }
                // Balances move exactly as the exchange would move them.
                if (sellMarket) {
                    if (order.quantity > sellable(venue, s))
                        continue;
                    venue.balance[static_cast<std::size_t>(s)] -= order.quantity;
                    venue.balance[static_cast<std::size_t>(b)] += order.notional - order.fee;
                } else {
                    if (order.notional + order.fee > sellable(venue, s))
                        continue;
                    venue.balance[static_cast<std::size_t>(s)] -= order.notional + order.fee;
                    venue.balance[static_cast<std::size_t>(b)] += order.quantity;
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
        const int s = indexOf(*seller);
        QVarLengthArray<VenueState *, 8> venues;
        for (VenueState &venue : m_venues) {
            if (quoteMarket(venue, s) && sellable(venue, s).isPositive())
                venues.push_back(&venue);
        }
        std::sort(venues.begin(), venues.end(), [&](const VenueState *a, const VenueState *b) {
            const Decimal feeA = quoteMarket(*a, s)->takerFee;
            const Decimal feeB = quoteMarket(*b, s)->takerFee;
            if (feeA != feeB)
                return feeA < feeB;
            return sellable(*a, s) > sellable(*b, s);
        });
        double remaining = -seller->delta;
        bool placed = false;
        bool keptYoung = false; // young lots held back part of what was wanted
        std::optional<SkippedLine> blocked; // the first account where the sell is below the market's minimum
        for (qsizetype v = 0; v < venues.size() && remaining > 1e-9; ++v) {
            VenueState &venue = *venues[v];
            const MarketRules &market = *quoteMarket(venue, s);
            const Decimal step = OrderRules::stepFor(market, m_constraints.orderType);
            const Decimal balance = sellable(venue, s);
            const Decimal wanted = toDecimal(remaining) / seller->price;
            if (wanted > balance && m_young.value({venue.venue->accountId, seller->symbol}).isPositive())
                keptYoung = true;
            // Within one lot of everything: sell all the lot step allows, leaving no
            // dust, when that is no farther from the aim than rounding down (a lot
            // step as coarse as the balance would otherwise sell far too much) or
            // when the asset is to go. A withdrawal rounds up, so that the amount
            // is really raised.
            const bool raise = m_mode.kind == PlanMode::Kind::Withdraw;
            const Decimal all = balance.floorToStep(step);
            const Decimal down = wanted.floorToStep(step);
            const bool sellAll =
                wanted >= balance - step && (all - wanted <= wanted - down || seller->effective <= 0.0);
            const Decimal rounded = sellAll ? all
                : raise                     ? Decimal::min(balance, wanted.ceilToStep(step)).floorToStep(step)
                                            : Decimal::min(down, all);
            const Decimal quantity = withinTurnover(rounded, step, seller->price);
            const Decimal price = orderPrice(market, seller->price, Side::Sell);
            const Pieces parts = pieces(market, m_constraints.orderType, quantity, price);
            OrderRules::Filter broken = OrderRules::Filter::None;
            for (const Decimal &part : parts) {
                if (broken == OrderRules::Filter::None)
                    broken = OrderRules::brokenFilter(market, m_constraints.orderType, part, price, price);
            }
            if (broken != OrderRules::Filter::None) {
                if (quantity < rounded) {
                    // The turnover budget is spent.
                    skipMore(seller->symbol, SkipReason::TurnoverLimit, remaining,
                             toDecimal(*m_constraints.maxTurnover));
                    remaining = 0.0;
                    break;
                }
                if (!blocked) {
                    const bool notional = broken == OrderRules::Filter::Notional;
                    SkippedLine line;
                    line.asset = seller->symbol;
                    line.account = venue.venue->account;
                    line.reason = notional ? SkipReason::BelowMinNotional : SkipReason::BelowMinQuantity;
                    line.wanted = toDecimal(std::min(remaining, (balance * seller->price).toDouble()));
                    line.limit =
                        notional ? OrderRules::minimumNotional(market, price) : Decimal::max(market.minQuantity, step);
                    blocked = line;
                }
                continue; // too small here: another account may hold enough to sell
            }
            for (const Decimal &part : parts) {
                PlannedOrder order;
                order.accountId = venue.venue->accountId;
                order.account = venue.venue->account;
                order.symbol = market.symbol;
                order.base = market.base;
                order.quote = market.quote;
                order.side = Side::Sell;
                order.quantity = part;
                order.price = price;
                order.notional = part * price;
                order.feeRate = market.takerFee;
                order.fee = feeFor(order.notional, order.feeRate);
                order.feeAsset = market.quote;
                order.alternatives = static_cast<int>(venues.size()) - 1;
                order.route = venues.size() == 1 ? RouteReason::OnlyVenue
                    : placed || blocked          ? RouteReason::Remainder
                    : v + 1 < venues.size() && quoteMarket(*venues[v + 1], s)->takerFee == market.takerFee
                    ? RouteReason::MoreBalance
                    : RouteReason::LowestFee;
                venue.balance[static_cast<std::size_t>(s)] -= part;
                cash(venue) += order.notional - order.fee;
                placed = true;
                addOrder(order, true);
            }
            remaining -= (std::accumulate(parts.begin(), parts.end(), Decimal()) * seller->price).toDouble();
        }
        if (blocked && remaining > 1e-9 && (!placed || remaining > significant()))
            m_plan.skipped.append(*blocked);
        if (!keptYoung) {
            // No account with a market for it may sell any: every lot there is young.
            for (const VenueState &venue : m_venues) {
                if (quoteMarket(venue, s) && !sellable(venue, s).isPositive()
                    && m_young.value({venue.venue->accountId, seller->symbol}).isPositive())
                    keptYoung = true;
            }
        }
        if (keptYoung && remaining > significant()) {
            skip(seller->symbol, SkipReason::YoungLots, remaining, Decimal::fromInt(m_constraints.tax.minLotAgeDays));
            remaining = 0.0;
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
        cash += this->cash(venue).toDouble();
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
    // First every buyer gets its share of the cash; then what some could not
    // use (the cash sits on accounts without their market) goes to the others.
    std::vector<double> shortfall(buyers.size(), 0.0);
    std::vector<char> placed(buyers.size(), 0);
    for (std::size_t b = 0; b < buyers.size(); ++b) {
        const double share = buyers[b]->delta * scale;
        shortfall[b] = buyers[b]->delta - share + buy(*buyers[b], share, spendable, placed[b]);
    }
    for (std::size_t b = 0; b < buyers.size() && spendable > 1e-9; ++b) {
        if (shortfall[b] > 1e-9)
            shortfall[b] = buy(*buyers[b], shortfall[b], spendable, placed[b]);
    }
    for (std::size_t b = 0; b < buyers.size(); ++b) {
        // What no account could buy: the cash is short, or it sits on accounts
        // without a market for this asset.
        if (shortfall[b] > significant() && m_sellScale < 1.0 && m_constraints.tax.maxRealizedGain)
            skip(buyers[b]->symbol, SkipReason::GainBudget, shortfall[b], *m_constraints.tax.maxRealizedGain);
        else if (shortfall[b] > significant())
            skip(buyers[b]->symbol, SkipReason::NotEnoughCash, shortfall[b]);
    }
}

double PlanBuilder::buy(AssetState &buyer, double wanted, double &spendable, char &placedBefore)
{
    const int b = indexOf(buyer);
    QVarLengthArray<VenueState *, 8> venues;
    for (VenueState &venue : m_venues) {
        if (quoteMarket(venue, b))
            venues.push_back(&venue);
    }
    std::sort(venues.begin(), venues.end(), [&](const VenueState *x, const VenueState *y) {
        const Decimal feeA = quoteMarket(*x, b)->takerFee;
        const Decimal feeB = quoteMarket(*y, b)->takerFee;
        if (feeA != feeB)
            return feeA < feeB;
        return cash(*x) > cash(*y);
    });
    bool placed = false;
    std::optional<SkippedLine> blocked; // the first account where the buy is below the market's minimum
    for (qsizetype v = 0; v < venues.size() && wanted > 1e-9 && spendable > 1e-9; ++v) {
        VenueState &venue = *venues[v];
        const MarketRules &market = *quoteMarket(venue, b);
        const Decimal step = OrderRules::stepFor(market, m_constraints.orderType);
        const Decimal price = orderPrice(market, buyer.price, Side::Buy);
        const Decimal onePlusFee = Decimal::fromInt(1) + market.takerFee;
        const Decimal cashHere = Decimal::min(cash(venue), toDecimal(spendable));
        const Decimal grossHere = toDecimal(wanted) * onePlusFee;
        const Decimal budget = Decimal::min(grossHere, cashHere);
        const Decimal affordable = (budget / (price * onePlusFee)).floorToStep(step);
        const Decimal allowed = withinTurnover(affordable, step, buyer.price);
        Decimal quantity = allowed;
        Pieces parts = pieces(market, m_constraints.orderType, quantity, price);
        auto cost = [&]() {
            Decimal total;
            for (const Decimal &part : parts)
                total += part * price + feeFor(part * price, market.takerFee);
            return total;
        };
        while (quantity.isPositive() && cost() > cashHere) {
            quantity -= step; // fee rounding up may cost one lot
            parts = pieces(market, m_constraints.orderType, quantity, price);
        }
        OrderRules::Filter broken = OrderRules::Filter::None;
        for (const Decimal &part : parts) {
            if (broken == OrderRules::Filter::None)
                broken = OrderRules::brokenFilter(market, m_constraints.orderType, part, price, price);
        }
        if (broken != OrderRules::Filter::None) {
            if (allowed < affordable) {
                // The turnover budget is spent.
                skipMore(buyer.symbol, SkipReason::TurnoverLimit, wanted, toDecimal(*m_constraints.maxTurnover));
                wanted = 0.0;
                break;
            }
            if (budget < grossHere)
                continue; // not enough cash here: another account may have it; the rest is explained below
            if (!blocked) {
                const bool notional = broken == OrderRules::Filter::Notional;
                SkippedLine line;
                line.asset = buyer.symbol;
                line.account = venue.venue->account;
                line.reason = notional ? SkipReason::BelowMinNotional : SkipReason::BelowMinQuantity;
                line.wanted = toDecimal(wanted);
                line.limit =
                    notional ? OrderRules::minimumNotional(market, price) : Decimal::max(market.minQuantity, step);
                blocked = line;
            }
            continue; // below this market's minimum: another account's may be lower
        }
        for (const Decimal &part : parts) {
            if (PlannedOrder *earlier = earlierBuy(venue, market, part, price)) {
                // A second round on the same account: one order, not two.
                const Decimal before = earlier->notional + earlier->fee;
                earlier->quantity += part;
                earlier->notional = earlier->quantity * price;
                earlier->fee = feeFor(earlier->notional, earlier->feeRate);
                const Decimal paid = earlier->notional + earlier->fee - before;
                cash(venue) -= paid;
                venue.balance[static_cast<std::size_t>(b)] += part;
                spendable -= paid.toDouble();
                if (m_turnoverLeft)
                    *m_turnoverLeft -= part * buyer.price;
                continue;
            }
            PlannedOrder order;
            order.accountId = venue.venue->accountId;
            order.account = venue.venue->account;
            order.symbol = market.symbol;
            order.base = market.base;
            order.quote = market.quote;
            order.side = Side::Buy;
            order.quantity = part;
            order.price = price;
            order.notional = part * price;
            order.feeRate = market.takerFee;
            order.fee = feeFor(order.notional, order.feeRate);
            order.feeAsset = market.quote;
            order.alternatives = static_cast<int>(venues.size()) - 1;
            order.route = venues.size() == 1 ? RouteReason::OnlyVenue
                : placed || blocked          ? RouteReason::Remainder
                : v + 1 < venues.size() && quoteMarket(*venues[v + 1], b)->takerFee == market.takerFee
                ? RouteReason::MoreBalance
                : RouteReason::LowestFee;
            const Decimal paid = order.notional + order.fee;
            cash(venue) -= paid;
            venue.balance[static_cast<std::size_t>(b)] += part;
            spendable -= paid.toDouble();
            placed = true;
            addOrder(order, false);
        }
        wanted -= (std::accumulate(parts.begin(), parts.end(), Decimal()) * buyer.price).toDouble();
    }
    if (wanted > 1e-9 && blocked) {
        // Below the minimum of every market that had the cash: explained here.
        const bool listed = std::any_of(m_plan.skipped.cbegin(), m_plan.skipped.cend(), [&](const SkippedLine &line) {
            return line.asset == blocked->asset && line.reason == blocked->reason;
        });
        if (!listed && (!(placed || placedBefore) || wanted > significant()))
            m_plan.skipped.append(*blocked);
        wanted = 0.0;
    }
    placedBefore = placedBefore || placed;
    return std::max(0.0, wanted);
}

PlannedOrder *PlanBuilder::earlierBuy(const VenueState &venue, const MarketRules &market, const Decimal &part,
                                      const Decimal &price)
{
    for (PlannedOrder &order : m_buys) {
        // The cheap comparisons first: this runs for every buy over every buy so far.
        if (order.accountId == venue.venue->accountId && order.price == price && order.symbol == market.symbol
            && pieces(market, m_constraints.orderType, order.quantity + part, price).size() == 1) {
            return &order;
        }
    }
    return nullptr;
}

void PlanBuilder::finish()
{
    int next = 0;
    // finish() runs once, last: the orders move into the plan.
    m_plan.orders.reserve(m_plan.orders.size() + m_sells.size() + m_buys.size());
    for (PlannedOrder &order : m_sells) {
        order.line = next++;
        m_plan.orders.append(std::move(order));
    }
    for (PlannedOrder &order : m_buys) {
        order.line = next++;
        m_plan.orders.append(std::move(order));
    }
    m_sells.clear();
    m_buys.clear();

    // Holdings after the plan: every account of the snapshot, with the
    // tradable ones replaced by the balances the orders leave (by asset index;
    // the positions are the first assets, in order).
    std::vector<Decimal> quantities(m_assets.size());
    const QList<AssetPosition> &positions = m_snapshot.positions();
    for (qsizetype p = 0; p < positions.size(); ++p) {
        for (const domain::Holding &holding : positions[p].split) {
            if (!venueOf(holding.accountId))
                quantities[static_cast<std::size_t>(p)] += holding.quantity;
        }
    }
    for (const VenueState &venue : m_venues) {
        for (std::size_t i = 0; i < quantities.size(); ++i)
            quantities[i] += venue.balance[i];
    }
    if (m_plan.withdrawal)
        quantities[static_cast<std::size_t>(m_quoteIndex)] -= m_plan.withdrawal->amount;

    auto priceOf = [this](const QString &symbol) {
        const int index = indexOf(symbol);
        return index < 0 ? Decimal() : m_assets[static_cast<std::size_t>(index)].price;
    };
    Decimal fees;
    Decimal traded;
    for (const PlannedOrder &order : m_plan.orders) {
        fees += order.fee * priceOf(order.feeAsset);
        traded += order.quantity * priceOf(order.base);
    }
    m_plan.feesTotal = fees;
    m_plan.turnover =
        m_snapshot.totalValue().isPositive() ? traded.toDouble() / (2.0 * m_snapshot.totalValue().toDouble()) : 0.0;

    Decimal total;
    for (std::size_t i = 0; i < m_assets.size(); ++i) {
        if (m_assets[i].priced)
            total += quantities[i] * m_assets[i].price;
    }
    m_plan.valueBefore = m_snapshot.totalValue();
    m_plan.valueAfter = total;
    const double totalD = total.toDouble();
    m_plan.weights.reserve(static_cast<qsizetype>(m_assets.size()));
    for (std::size_t i = 0; i < m_assets.size(); ++i) {
        const AssetState &state = m_assets[i];
        PlanWeight weight;
        weight.asset = state.symbol;
        weight.before = state.weight;
        weight.target = state.target;
        weight.halfWidth = state.halfWidth;
        weight.quantityAfter = quantities[i];
        weight.valueAfter = state.priced ? weight.quantityAfter * state.price : Decimal();
        weight.after = totalD > 0.0 ? weight.valueAfter.toDouble() / totalD : 0.0;
        m_plan.weights.append(weight);
    }
    std::stable_sort(m_plan.weights.begin(), m_plan.weights.end(),
                     [](const PlanWeight &a, const PlanWeight &b) { return a.valueAfter > b.valueAfter; });

    // Cash held where it cannot trade (a wallet) is not spent.
    Decimal cashOutside;
    QString cashWallet;
    if (const AssetPosition *position = m_snapshot.position(m_quote)) {
        for (const domain::Holding &holding : position->split) {
            if (!venueOf(holding.accountId) && holding.quantity.isPositive()) {
                cashOutside += holding.quantity;
                cashWallet = holding.accountName;
            }
        }
    }

    // Every asset left outside its band is explained.
    for (const PlanWeight &weight : m_plan.weights) {
        bool explained = false;
        for (SkippedLine &line : m_plan.skipped) {
            if (line.asset == weight.asset) {
                line.driftLeft = weight.driftAfter();
                explained = true;
            }
        }
        const double excess = (std::abs(weight.driftAfter()) - weight.halfWidth) * totalD;
        if (!explained && !weight.insideBandAfter() && weight.asset == m_quote && weight.driftAfter() > 0.0
            && cashOutside.toDouble() >= excess - significant()) {
            SkippedLine line;
            line.asset = weight.asset;
            line.account = cashWallet;
            line.reason = SkipReason::NotTradable;
            line.wanted = cashOutside;
            line.driftLeft = weight.driftAfter();
            m_plan.skipped.append(line);
            continue;
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

void PlanBuilder::youngLots()
{
    const TaxPreferences &tax = m_constraints.tax;
    if (!m_constraints.openLots || tax.minLotAgeDays <= 0)
        return;
    for (const AssetState &state : m_assets) {
        // Outside the band by more than the override: its young lots may go.
        const double beyond = std::abs(state.weight - state.target) - state.halfWidth;
        if (!state.isQuote && beyond > tax.youngLotOverride + 1e-12)
            m_youngReleased.insert(state.symbol);
    }
    for (const analytics::Lot &lot : *m_constraints.openLots) {
        if (isYoung(lot))
            m_young[{lot.accountId, lot.asset}] += lot.quantity;
    }
}

bool PlanBuilder::isYoung(const analytics::Lot &lot) const
{
    const int minimum = m_constraints.tax.minLotAgeDays;
    return minimum > 0 && lot.asset != m_quote && !m_youngReleased.contains(lot.asset)
        && lot.holdingDays(m_snapshot.time()) < minimum;
}

Decimal PlanBuilder::sellable(const VenueState &venue, int asset) const
{
    const Decimal &balance = venue.balance[static_cast<std::size_t>(asset)];
    if (m_young.isEmpty())
        return balance;
    return Decimal::max(
        Decimal(), balance - m_young.value({venue.venue->accountId, m_assets[static_cast<std::size_t>(asset)].symbol}));
}

void PlanBuilder::cashFirst()
{
    constexpr double kInside = 0.1; // as in desiredBandEdge()
    AssetState &quote = m_assets[static_cast<std::size_t>(m_quoteIndex)];
    double tradableCash = 0.0;
    for (const VenueState &venue : m_venues)
        tradableCash += cash(venue).toDouble();
    const double cashTarget = quote.effective * m_total;
    const double spare = std::max(0.0, std::min(tradableCash, quote.value - cashTarget));
    auto buyable = [&](const AssetState &state) {
        return !state.isQuote && !state.excluded && state.priced && state.hasMarket
            && !m_constraints.noBuy.contains(state.symbol);
    };
    // 1. The spare cash closes the largest gaps first (gross of the fee).
    std::vector<double> gaps(m_assets.size(), 0.0);
    for (std::size_t i = 0; i < m_assets.size(); ++i) {
        const AssetState &state = m_assets[i];
        if (buyable(state))
            gaps[i] = std::max(0.0, state.effective * m_total - state.value) * (1.0 + state.cheapestFee);
    }
    const auto fill = RebalanceMath::waterFill(gaps, spare);
    std::vector<double> after(m_assets.size(), 0.0); // value after step 1
    for (std::size_t i = 0; i < m_assets.size(); ++i) {
        AssetState &state = m_assets[i];
        if (state.isQuote)
            continue;
        state.delta = fill[i] / (1.0 + state.cheapestFee);
        after[i] = state.value + state.delta;
    }
    // 2. What is still outside its band goes to just inside the edge: the
    // overweight are sold down; the underweight are bought up, paid for by
    // selling the assets furthest above their targets.
    double needed = 0.0;
    for (std::size_t i = 0; i < m_assets.size(); ++i) {
        AssetState &state = m_assets[i];
        if (state.isQuote || state.excluded || !state.priced || !state.hasMarket)
            continue;
        const double weight = after[i] / m_total;
        const double hw = state.halfWidth;
        if (weight > state.effective + hw + 1e-12) {
            const double sell = (weight - (state.effective + hw - kInside * hw)) * m_total;
            state.delta -= sell;
            after[i] -= sell;
            needed -= sell * (1.0 - state.cheapestFee);
        } else if (weight < state.effective - hw - 1e-12 && buyable(state)) {
            const double buy = ((state.effective - hw + kInside * hw) - weight) * m_total;
            state.delta += buy;
            needed += buy * (1.0 + state.cheapestFee);
        }
    }
    if (needed > 0.0) {
        std::vector<double> over(m_assets.size(), 0.0);
        for (std::size_t i = 0; i < m_assets.size(); ++i) {
            const AssetState &state = m_assets[i];
            if (!state.isQuote && !state.excluded && state.priced && state.hasMarket)
                over[i] = std::max(0.0, after[i] - state.effective * m_total);
        }
        const auto sold = RebalanceMath::waterFill(over, needed);
        for (std::size_t i = 0; i < m_assets.size(); ++i)
            m_assets[i].delta -= sold[i] / std::max(1e-9, 1.0 - m_assets[i].cheapestFee);
    }
    m_cashReserve = std::max(0.0, quote.value - spare);
    m_postValue = m_total;
}

void PlanBuilder::estimateTax()
{
    const TaxPreferences &prefs = m_constraints.tax;
    PlanTax &tax = m_plan.tax;
    tax.lotSelection = lotSelectionName(prefs.lotSelection);
    tax.longTermDays = prefs.longTermDays;
    tax.gainBudget = prefs.maxRealizedGain;
    tax.minLotAgeDays = prefs.minLotAgeDays;
    tax.cashFirst = prefs.cashFirst;
    tax.harvestLossThreshold = prefs.harvestLossThreshold;
    if (!m_constraints.openLots) {
        if (prefs.maxRealizedGain || prefs.minLotAgeDays > 0 || prefs.harvestLossThreshold)
            m_plan.notes.append(QStringLiteral("The lots are not known: no gain estimate, gain budget, young-lot rule "
                                               "or harvestable losses in this plan."));
        return;
    }
    tax.estimated = true;
    const QDateTime at = m_snapshot.time();
    // The lots left for each next sale: a lot taken by one line is not taken again.
    QList<analytics::Lot> left;
    for (const analytics::Lot &lot : *m_constraints.openLots) {
        if (lot.quantity.isPositive() && lot.asset != m_quote)
            left.append(lot);
    }
    auto sameLot = [](const analytics::Lot &a, const analytics::Lot &b) {
        return a.accountId == b.accountId && a.asset == b.asset && a.network == b.network
            && a.transactionId == b.transactionId && a.acquired == b.acquired;
    };
    bool uncovered = false;
    for (PlannedOrder &order : m_plan.orders) {
        // The asset given up: the base of a sale, the quote of a direct-pair buy.
        const bool sale = order.side == Side::Sell;
        if (!sale && order.quote == m_quote)
            continue;
        const QString disposed = sale ? order.base : order.quote;
        const AssetState *state = asset(disposed);
        if (!state || !state->priced)
            continue;
        const Decimal quantity = sale ? order.quantity : order.notional + order.fee;
        Decimal feeValue;
        if (sale) {
            const AssetState *feeState = asset(order.feeAsset);
            feeValue = feeState ? order.fee * feeState->price : Decimal();
        }
        QList<analytics::Lot> eligible;
        Decimal held;
        for (const analytics::Lot &lot : std::as_const(left)) {
            if (lot.accountId == order.accountId && lot.asset == disposed && !isYoung(lot)) {
                eligible.append(lot);
                held += lot.quantity;
            }
        }
        order.disposedAsset = disposed;
        const Decimal covered = Decimal::min(quantity, held);
        order.uncovered = quantity - covered;
        uncovered = uncovered || order.uncovered.isPositive();
        if (!covered.isPositive())
            continue;
        auto sold = analytics::planSale(eligible, order.accountId, disposed, covered, state->price, at,
                                        prefs.lotSelection, prefs.longTermDays);
        if (!sold)
            continue; // cannot happen: covered is at most what the eligible lots hold
        // The fee lowers the proceeds (as in the cost basis), shared by quantity.
        const Decimal coveredFee = covered == quantity ? feeValue : feeValue * covered / quantity;
        Decimal feeLeft = coveredFee;
        for (qsizetype i = 0; i < sold->picks.size(); ++i) {
            const analytics::LotPick &pick = sold->picks[i];
            PlannedLot lot;
            lot.lotTransactionId = pick.lot.transactionId;
            lot.acquired = pick.lot.acquired;
            lot.quantity = pick.quantity;
            lot.cost = pick.cost;
            const Decimal fee = i + 1 == sold->picks.size() ? feeLeft : coveredFee * pick.quantity / covered;
            feeLeft -= fee;
            lot.proceeds = pick.proceeds - fee;
            lot.gain = lot.proceeds - lot.cost;
            lot.longTerm = pick.longTerm;
            (lot.longTerm ? order.longTermGain : order.shortTermGain) += lot.gain;
            order.lots.append(lot);
            for (analytics::Lot &open : left) {
                if (sameLot(open, pick.lot)) {
                    open.cost -= pick.cost;
                    open.quantity -= pick.quantity;
                    break;
                }
            }
        }
        tax.shortTermGain += order.shortTermGain;
        tax.longTermGain += order.longTermGain;
    }
    if (uncovered)
        m_plan.notes.append(QStringLiteral("Some sales are larger than the lots the ledger knows: the gain of the rest "
                                           "is not estimated."));
    if (!prefs.harvestLossThreshold)
        return;
    QHash<qint64, QString> accountNames;
    for (const AssetPosition &position : m_snapshot.positions()) {
        for (const domain::Holding &holding : position.split)
            accountNames.insert(holding.accountId, holding.accountName);
    }
    for (const analytics::Lot &lot : std::as_const(left)) {
        const AssetState *state = asset(lot.asset);
        if (!lot.quantity.isPositive() || !state || !state->priced)
            continue;
        const Decimal value = lot.quantity * state->price;
        const Decimal loss = lot.cost - value;
        if (loss <= *prefs.harvestLossThreshold || !loss.isPositive())
            continue;
        HarvestableLot harvest;
        harvest.accountId = lot.accountId;
        harvest.account = accountNames.value(lot.accountId);
        harvest.asset = lot.asset;
        harvest.lotTransactionId = lot.transactionId;
        harvest.acquired = lot.acquired;
        harvest.quantity = lot.quantity;
        harvest.cost = lot.cost;
        harvest.value = value;
        harvest.loss = loss;
        harvest.longTerm = lot.holdingDays(at) > prefs.longTermDays;
        tax.harvestable.append(harvest);
    }
    std::stable_sort(tax.harvestable.begin(), tax.harvestable.end(),
                     [](const HarvestableLot &a, const HarvestableLot &b) { return a.loss > b.loss; });
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
    youngLots();
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
    if (m_constraints.tax.cashFirst
        && (m_mode.kind == PlanMode::Kind::Target || m_mode.kind == PlanMode::Kind::BandEdge))
        cashFirst();
    applyConstraints();
    if (m_sellScale < 1.0 && m_constraints.tax.maxRealizedGain) {
        for (AssetState &state : m_assets) {
            if (state.isQuote || state.delta >= 0.0)
                continue;
            skip(state.symbol, SkipReason::GainBudget, state.delta * (1.0 - m_sellScale),
                 *m_constraints.tax.maxRealizedGain);
            state.delta *= m_sellScale;
        }
    }
    directPairs();
    sells();
    if (m_mode.kind == PlanMode::Kind::Withdraw) {
        // The cash is taken from the account that holds the most of it.
        const VenueState *richest = nullptr;
        for (const VenueState &venue : m_venues) {
            if (!richest || cash(venue) > cash(*richest))
                richest = &venue;
        }
        if (richest) {
            const Decimal available = cash(*richest);
            const Decimal amount = Decimal::min(m_mode.amount, available);
            m_plan.withdrawal = CashMovement{richest->venue->account, richest->venue->accountId, m_quote, amount};
            if (amount < m_mode.amount) {
                m_plan.notes.append(QStringLiteral("Only %1 %2 will be free on %3 after the sells.")
                                        .arg(amount.toFixed(2), m_quote, richest->venue->account));
            }
        }
    } else {
        buys();
    }
    finish();
    estimateTax();
    return m_plan;
}

} // namespace

RebalancePlan Planner::plan(const Snapshot &snapshot, const domain::Portfolio &portfolio, const QList<Venue> &venues,
                            const PlanMode &mode, const PlanConstraints &constraints, const QString &planId)
{
    const QString id = planId.isEmpty() ? RebalancePlan::newId() : planId;
    auto build = [&](double sellScale) {
        PlanBuilder builder(snapshot, portfolio, venues, mode, constraints, sellScale);
        return builder.build(id);
    };
    RebalancePlan plan = build(1.0);
    const auto &budget = constraints.tax.maxRealizedGain;
    const bool binds = budget && plan.tax.estimated && plan.tax.gain() > *budget;
    if (binds) {
        // The largest share of every wanted sale whose plan stays within the
        // budget. Selling nothing realizes nothing, so the lower end always
        // fits; lot-step rounding makes the gain only roughly monotonic, and
        // the plan kept is always one that fits.
        constexpr int kSteps = 20;
        double low = 0.0;
        double high = 1.0;
        RebalancePlan fits = build(0.0);
        for (int step = 0; step < kSteps; ++step) {
            const double middle = (low + high) / 2.0;
            RebalancePlan candidate = build(middle);
            if (candidate.tax.gain() <= *budget) {
                low = middle;
                fits = std::move(candidate);
            } else {
                high = middle;
            }
        }
        plan = std::move(fits);
        plan.tax.budgetBinds = true;
        plan.tax.sellScale = low;
    }
    const bool keptYoung = std::any_of(plan.skipped.cbegin(), plan.skipped.cend(),
                                       [](const SkippedLine &line) { return line.reason == SkipReason::YoungLots; });
    if (binds || keptYoung) {
        for (const PlanWeight &weight : plan.weights) {
            if (std::abs(weight.driftAfter()) > std::abs(plan.tax.driftLeft) + 1e-12) {
                plan.tax.driftLeft = weight.driftAfter();
                plan.tax.driftLeftAsset = weight.asset;
            }
        }
    }
    if (binds) {
        plan.notes.append(
            QStringLiteral("The gain budget of %1 %2 binds: the plan realizes %3 %2 with %4% of the wanted sales; "
                           "the portfolio stays up to %5 pp from target (%6).")
                .arg(budget->toString(), plan.quote, plan.tax.gain().toFixed(2),
                     QString::number(plan.tax.sellScale * 100.0, 'f', 1),
                     QString::number(std::abs(plan.tax.driftLeft) * 100.0, 'f', 2), plan.tax.driftLeftAsset));
    }
    return plan;
}

} // namespace ballast::rebalance
