#include "backtest/backtester.h"

#include "backtest/scratch.h"
#include "rebalance/bandcheck.h"
#include "rebalance/overlays.h"
#include "rebalance/rebalancemath.h"

#include <QDateTime>
#include <QTimeZone>

#include <algorithm>
#include <cmath>
#include <deque>
#include <limits>
#include <memory>
#include <span>
#include <utility>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace ballast::backtest {

namespace {

/// The value loop of a rule whose band check rides along (BandCheck's folded
/// form): each asset's value (quantity x price) into @p values, their sum and
/// buy-and-hold's, both added asset by asset in order, and the largest and
/// smallest value over its band limit. With SSE2 two assets go through each
/// multiplication, max and min: the same products, and max and min are exact
/// in any order, while the two sums still take one value at a time in the
/// order the scalar loop takes them. So the figures are the same to the bit,
/// with half the instructions for the products, the max and the min.
void foldedValues(std::size_t n, const double *prices, const double *quantities, const double *held,
                  const double *inverseUpper, const double *inverseLower, double *values, double &value,
                  double &holdValue, double &highest, double &lowest)
{
    std::size_t i = 0;
#if defined(__SSE2__)
    __m128d high = _mm_set1_pd(highest);
    __m128d low = _mm_set1_pd(lowest);
    for (; i + 2 <= n; i += 2) {
        const __m128d price = _mm_loadu_pd(prices + i);
        const __m128d v = _mm_mul_pd(_mm_loadu_pd(quantities + i), price);
        const __m128d h = _mm_mul_pd(_mm_loadu_pd(held + i), price);
        _mm_storeu_pd(values + i, v);
        value += _mm_cvtsd_f64(v);
        value += _mm_cvtsd_f64(_mm_unpackhi_pd(v, v));
        holdValue += _mm_cvtsd_f64(h);
        holdValue += _mm_cvtsd_f64(_mm_unpackhi_pd(h, h));
        high = _mm_max_pd(_mm_mul_pd(v, _mm_loadu_pd(inverseUpper + i)), high);
        low = _mm_min_pd(_mm_mul_pd(v, _mm_loadu_pd(inverseLower + i)), low);
    }
    highest = std::max(_mm_cvtsd_f64(high), _mm_cvtsd_f64(_mm_unpackhi_pd(high, high)));
    lowest = std::min(_mm_cvtsd_f64(low), _mm_cvtsd_f64(_mm_unpackhi_pd(low, low)));
#endif
    for (; i < n; ++i) {
        const double v = quantities[i] * prices[i];
        values[i] = v;
        value += v;
        holdValue += held[i] * prices[i];
        highest = std::max(highest, v * inverseUpper[i]);
        lowest = std::min(lowest, v * inverseLower[i]);
    }
}

QString dateOf(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms, QTimeZone::utc()).toString(Qt::ISODate);
}

/// The lots of a taxed backtest, in doubles like the rest of the replay.
class TaxBook
{
public:
    TaxBook(std::size_t assets, analytics::CostMethod method)
        : m_lots(assets)
        , m_method(method)
    {
    }

    void buy(std::size_t asset, double quantity, double price)
    {
        if (quantity <= 0.0)
            return;
        std::deque<Lot> &lots = m_lots[asset];
        if (m_method == analytics::CostMethod::Average && !lots.empty()) {
            lots.front().quantity += quantity;
            lots.front().cost += quantity * price;
            return;
        }
        lots.push_back({quantity, quantity * price});
    }

    /// Takes @p quantity by the method; returns the gain at @p price.
    double sell(std::size_t asset, double quantity, double price)
    {
        std::deque<Lot> &lots = m_lots[asset];
        double gain = 0.0;
        while (quantity > 0.0 && !lots.empty()) {
            const std::size_t at = next(lots);
            Lot &lot = lots[at];
            const double part = std::min(quantity, lot.quantity);
            const double cost = lot.quantity > 0.0 ? lot.cost * part / lot.quantity : 0.0;
            gain += part * price - cost;
            lot.quantity -= part;
            lot.cost -= cost;
            quantity -= part;
            if (lot.quantity <= 1e-15)
                lots.erase(lots.begin() + static_cast<std::ptrdiff_t>(at));
        }
        return gain;
    }

    void scale(double factor)
    {
        for (auto &lots : m_lots) {
            for (Lot &lot : lots) {
                lot.quantity *= factor;
                lot.cost *= factor;
            }
        }
    }

    [[nodiscard]] double cost() const
    {
        double total = 0.0;
        for (const auto &lots : m_lots) {
            for (const Lot &lot : lots)
                total += lot.cost;
        }
        return total;
    }

private:
    struct Lot
    {
        double quantity = 0.0;
        double cost = 0.0;
    };

    /// The lot the method sells next: lots are kept in the order they were bought.
    [[nodiscard]] std::size_t next(const std::deque<Lot> &lots) const
    {
        switch (m_method) {
        case analytics::CostMethod::Fifo:
        case analytics::CostMethod::Average:
            return 0;
        case analytics::CostMethod::Lifo:
            return lots.size() - 1;
        case analytics::CostMethod::Hifo: {
            std::size_t best = 0;
            for (std::size_t i = 1; i < lots.size(); ++i) {
                if (lots[i].cost * lots[best].quantity > lots[best].cost * lots[i].quantity)
                    best = i;
            }
            return best;
        }
        }
        return 0;
    }

    std::vector<std::deque<Lot>> m_lots;
    analytics::CostMethod m_method;
};

/// Compound annual growth from @p capital to @p value over @p days (Metrics' formula).
double cagrOf(double capital, double value, double days)
{
    if (!(capital > 0.0) || !(days > 0.0))
        return 0.0;
    return std::pow(value / capital, 365.0 / days) - 1.0;
}

/// The trades of one rebalance in a mode other than back to the targets, or
/// with a minimum trade or turnover cap: the live planner's rules
/// (RebalanceMath) on the bar's values, then what the cash side can pay for.
/// Scratch vectors are kept between bars; there is one entry more than the
/// data's columns when the portfolio holds no cash (its cash entry, worth 0).
class ModeTrades
{
public:
    ModeTrades(const BacktestConfig &config, const QStringList &assets, int cashColumn, std::vector<double> edgeWidths)
        : m_config(config)
        , m_columns(static_cast<std::size_t>(assets.size()))
        , m_cashColumn(cashColumn)
        , m_cash(cashColumn >= 0 ? static_cast<std::size_t>(cashColumn) : m_columns)
        , m_edgeWidths(std::move(edgeWidths))
        , m_rate(config.feeRate + config.slippageRate)
    {
        const std::size_t columns = m_columns;
        const std::size_t size = cashColumn >= 0 ? columns : columns + 1;
        m_values.assign(size, 0.0);
        m_weights.assign(size, 0.0);
        m_targets.assign(size, 0.0);
        m_widths.assign(size, 0.0);
        m_fees.assign(size, m_rate);
        m_fees[m_cash] = 0.0; // the cash side's cost is added when the trades are made
        m_flags.assign(size, rebalance::ModeInput::Tradable | rebalance::ModeInput::HasMarket);
        m_deltas.assign(size, 0.0);
        m_frozen.assign(size, false);
        for (std::size_t i = 0; i < columns; ++i) {
            if (config.excluded.contains(assets[static_cast<qsizetype>(i)])) {
                m_frozen[i] = true;
                m_flags[i] = 0;
            }
        }
    }

    /// Writes the value traded of each column (+ buy, - sell), the cash
    /// column's included, into @p trades.
    void compute(std::span<const double> values, double value, std::span<const double> effective,
                 std::span<double> trades)
    {
        using Kind = rebalance::PlanMode::Kind;
        // Excluded assets keep their weight; the other targets share what is
        // left in their own proportions (as the planner's effective targets).
        double frozenWeight = 0.0;
        double frozenTarget = 0.0;
        for (std::size_t i = 0; i < m_columns; ++i) {
            m_values[i] = values[i];
            m_weights[i] = value > 0.0 ? values[i] / value : 0.0;
            m_widths[i] = m_edgeWidths[i];
            if (m_frozen[i]) {
                frozenWeight += m_weights[i];
                frozenTarget += effective[i];
            }
        }
        const double share = 1.0 - frozenTarget > 1e-12 ? (1.0 - frozenWeight) / (1.0 - frozenTarget) : 0.0;
        double sum = 0.0;
        for (std::size_t i = 0; i < m_columns; ++i) {
            m_targets[i] = m_frozen[i] ? m_weights[i] : effective[i] * share;
            sum += m_targets[i];
        }
        if (m_cashColumn < 0)
            m_targets[m_cash] = std::max(0.0, 1.0 - sum);
        std::fill(m_deltas.begin(), m_deltas.end(), 0.0);
        const double cashValue = m_values[m_cash];
        const double cashTarget = m_targets[m_cash] * value;
        switch (m_config.mode) {
        case Kind::Target: {
            const std::span<const double> rate(&m_rate, 1);
            const double post = rebalance::RebalanceMath::postTradeValue(m_values, m_targets, rate);
            for (std::size_t i = 0; i < m_columns; ++i)
                m_deltas[i] = m_targets[i] * post - m_values[i];
            break;
        }
        case Kind::BandEdge:
            rebalance::RebalanceMath::bandEdge(input(value), m_deltas);
            break;
        case Kind::Invest:
            // The cash above its target, as if it were the deposit of the
            // live mode; its own side of the trades pays cost too.
            if (cashValue > cashTarget) {
                const double spare = cashValue - cashTarget;
                m_values[m_cash] = cashTarget;
                const auto fill = rebalance::RebalanceMath::investFill(input(value), spare * (1.0 - m_rate), value);
                m_values[m_cash] = cashValue;
                for (std::size_t i = 0; i < m_columns; ++i)
                    m_deltas[i] = fill[i] / (1.0 + m_fees[i]);
            }
            break;
        case Kind::Withdraw:
            // What the cash lacks of its target, raised as the live mode
            // raises a withdrawal; the cash stays in the portfolio.
            if (cashValue < cashTarget) {
                const double need = (cashTarget - cashValue) * (1.0 + m_rate);
                const auto fill = rebalance::RebalanceMath::withdrawFill(input(value), need, value);
                for (std::size_t i = 0; i < m_columns; ++i)
                    m_deltas[i] = -fill[i] / (1.0 - m_fees[i]);
            }
            break;
        }
        m_deltas[m_cash] = 0.0;
        for (std::size_t i = 0; i < m_columns; ++i) {
            if (m_frozen[i])
                m_deltas[i] = 0.0;
        }
        if (m_config.maxTurnover) {
            const double scale = rebalance::RebalanceMath::turnoverScale(m_deltas, static_cast<int>(m_cash), value,
                                                                         *m_config.maxTurnover);
            for (double &delta : m_deltas)
                delta *= scale;
        }
        if (m_config.minTrade > 0.0) {
            for (double &delta : m_deltas) {
                if (rebalance::RebalanceMath::belowMinimum(delta, m_config.minTrade))
                    delta = 0.0;
            }
        }
        settle(cashValue, trades);
    }

private:
    [[nodiscard]] rebalance::ModeInput input(double value) const
    {
        return {m_values, m_weights, m_targets, m_widths, m_fees, m_flags, static_cast<int>(m_cash), value};
    }

    /// Makes the sells and buys fit the cash: with a cash column the buys
    /// shrink so that it never goes below zero; without, the larger side
    /// shrinks to what the other pays for. Then the cash side of the trades:
    /// c = sells - buys - cost x (|trades| + |c|).
    void settle(double cashValue, std::span<double> trades)
    {
        double sells = 0.0;
        double buys = 0.0;
        for (const double delta : m_deltas)
            (delta < 0.0 ? sells : buys) += std::abs(delta);
        const double paid = buys * (1.0 + m_rate);
        if (m_cashColumn >= 0) {
            const double available = (sells + cashValue) * (1.0 - m_rate);
            if (paid > available && buys > 0.0)
                scale(true, available / paid);
        } else {
            const double raised = sells * (1.0 - m_rate);
            if (paid > raised && buys > 0.0)
                scale(true, raised / paid);
            else if (raised > paid && sells > 0.0)
                scale(false, paid / raised);
        }
        double net = 0.0;
        for (std::size_t i = 0; i < m_columns; ++i) {
            trades[i] = m_deltas[i];
            net -= m_deltas[i] + m_rate * std::abs(m_deltas[i]);
        }
        if (m_cashColumn >= 0)
            trades[m_cash] = net >= 0.0 ? net / (1.0 + m_rate) : std::max(-cashValue, net / (1.0 - m_rate));
    }

    void scale(bool buying, double factor)
    {
        for (double &delta : m_deltas) {
            if ((delta > 0.0) == buying)
                delta *= std::max(0.0, factor);
        }
    }

    const BacktestConfig &m_config;
    std::size_t m_columns;
    int m_cashColumn;
    std::size_t m_cash;
    std::vector<double> m_edgeWidths;
    double m_rate;
    std::vector<double> m_values;
    std::vector<double> m_weights;
    std::vector<double> m_targets;
    std::vector<double> m_widths;
    std::vector<double> m_fees;
    std::vector<unsigned char> m_flags;
    std::vector<double> m_deltas;
    std::vector<bool> m_frozen;
};

} // namespace

Result<BacktestResult> Backtester::run(const BacktestData &data, const BacktestConfig &config,
                                       const std::atomic_bool *cancel)
{
    const std::size_t n = data.width();
    const std::size_t bars = data.bars();
    if (bars < 2)
        return makeError(QStringLiteral("backtest.data"), QStringLiteral("a backtest needs at least 2 bars"));
    if (config.targets.size() != n) {
        return makeError(QStringLiteral("backtest.weights"),
                         QStringLiteral("%1 weights for %2 assets").arg(config.targets.size()).arg(n));
    }
    double sum = 0.0;
    for (const double weight : config.targets) {
        if (weight < 0.0)
            return makeError(QStringLiteral("backtest.weights"), QStringLiteral("weights must not be negative"));
        sum += weight;
    }
    if (std::abs(sum - 1.0) > 1e-9)
        return makeError(QStringLiteral("backtest.weights"),
                         QStringLiteral("weights sum to %1, not 1").arg(sum, 0, 'g', 12));
    if (!(config.capital > 0.0))
        return makeError(QStringLiteral("backtest.capital"), QStringLiteral("the capital must be above zero"));
    if (config.tax && !(config.tax->rate >= 0.0 && config.tax->rate < 1.0))
        return makeError(QStringLiteral("backtest.tax"),
                         QStringLiteral("the tax rate must be from 0 up to (not including) 1, e.g. 0.25 for 25 %"));
    std::vector<double> halfWidths = config.halfWidths;
    if (halfWidths.size() != n)
        halfWidths.assign(n, 0.05);
    if (!(config.minTrade >= 0.0))
        return makeError(QStringLiteral("backtest.minTrade"), QStringLiteral("the minimum trade must not be negative"));
    if (config.maxTurnover && !(*config.maxTurnover > 0.0 && *config.maxTurnover <= 1.0))
        return makeError(QStringLiteral("backtest.maxTurnover"),
                         QStringLiteral("the maximum turnover must be above 0 and at most 1 (0.25 = 25%)"));
    // The plain path (back to the targets, no limits) stays the closed form;
    // the modes and limits take the live planner's rules.
    std::optional<ModeTrades> modeTrades;
    if (config.mode != rebalance::PlanMode::Kind::Target || config.minTrade > 0.0 || config.maxTurnover
        || !config.excluded.isEmpty()) {
        // The band edge trades to: given, else the rule's own band, else the half-widths.
        std::vector<double> edges = config.edgeHalfWidths;
        if (edges.size() != n) {
            edges = halfWidths;
            if (const auto band = config.trigger.band()) {
                for (std::size_t i = 0; i < n; ++i)
                    edges[i] = band->halfWidth(config.targets[i]);
            }
        }
        modeTrades.emplace(config, data.assets, config.cash.isEmpty() ? -1 : data.indexOf(config.cash),
                           std::move(edges));
    }

    // The overlay's stablecoin and the risky sleeve it balances against.
    const bool overlay = config.overlay.kind != OverlayConfig::Kind::None;
    const int stable = overlay ? data.indexOf(config.overlay.stablecoin) : -1;
    if (overlay && stable < 0) {
        return makeError(QStringLiteral("backtest.overlay"),
                         QStringLiteral("the overlay holds %1, which is not among the assets; give it a weight "
                                        "(e.g. %1=0.2)")
                             .arg(config.overlay.stablecoin));
    }
    const double stableTarget = stable >= 0 ? config.targets[static_cast<std::size_t>(stable)] : 0.0;
    std::vector<double> sleeve(n, 0.0); // risky weights within the sleeve, summing to 1
    if (overlay) {
        const double risky = 1.0 - stableTarget;
        if (risky <= 0.0)
            return makeError(QStringLiteral("backtest.overlay"), QStringLiteral("an overlay needs some risky assets"));
        for (std::size_t i = 0; i < n; ++i)
            sleeve[i] = static_cast<int>(i) == stable ? 0.0 : config.targets[i] / risky;
    }
    const double periodsPerYear = 365.0 * data.barsPerDay;
    std::unique_ptr<rebalance::VolatilityTarget> volTarget;
    std::unique_ptr<rebalance::Cppi> cppi;
    std::unique_ptr<rebalance::StablecoinRegime> regime;
    switch (config.overlay.kind) {
    case OverlayConfig::Kind::VolatilityTarget:
        volTarget = std::make_unique<rebalance::VolatilityTarget>(
            config.overlay.targetVolatility, config.overlay.lookback, config.overlay.cap, periodsPerYear);
        break;
    case OverlayConfig::Kind::Cppi:
        cppi = std::make_unique<rebalance::Cppi>(config.overlay.multiplier, config.overlay.floorFraction,
                                                 config.overlay.ratchet, config.capital);
        break;
    case OverlayConfig::Kind::StablecoinRegime:
        regime = std::make_unique<rebalance::StablecoinRegime>(
            config.overlay.baseShare, config.overlay.defensiveShare, config.overlay.volatilityMultiple,
            config.overlay.shortWindow, config.overlay.longWindow, periodsPerYear);
        break;
    case OverlayConfig::Kind::None:
        break;
    }
    std::vector<rebalance::FallingAssetGuard> guards;
    if (config.fallingGuard)
        guards.assign(n, rebalance::FallingAssetGuard(*config.fallingGuard));
    std::vector<bool> reportedBlocked(n, false);
    struct Pair
    {
        std::size_t a;
        std::size_t b;
        rebalance::CorrelationAlert alert;
    };
    std::vector<Pair> pairs;
    if (config.correlationThreshold) {
        for (std::size_t a = 0; a < n; ++a) {
            for (std::size_t b = a + 1; b < n; ++b)
                pairs.push_back(
                    {a, b, rebalance::CorrelationAlert(config.correlationWindow, *config.correlationThreshold)});
        }
    }

    BacktestResult result;
    result.label = config.label;
    result.assets = data.assets;
    result.bars = static_cast<int>(bars);
    // The values of both curves, bar by bar; the times are the data's. They
    // become EquityPoints only when the curves are kept.
    // Every bar writes both before they are read: no zero fill, and the
    // memory is the thread's (Scratch), not fresh pages.
    const Scratch scratch(2 * bars);
    const std::span<double> equityValues = scratch.doubles().first(bars);
    const std::span<double> holdValues = scratch.doubles().subspan(bars, bars);
    double valueSum = 0.0; // of the equity curve, in its order
    if (config.recordCurves)
        result.weights.reserve(bars * n);

    std::vector<double> quantities(n);
    std::vector<double> held(n);
    std::optional<TaxBook> book;
    if (config.tax)
        book.emplace(n, config.tax->method);
    double carried = 0.0; // net realized loss not yet set against a gain (negative)
    for (std::size_t i = 0; i < n; ++i) {
        quantities[i] = config.capital * config.targets[i] / data.close(0, i);
        held[i] = quantities[i];
        if (book)
            book->buy(i, quantities[i], data.close(0, i));
    }
    // The curves' metrics follow the bars (MetricsStream): the value of a bar
    // is final when the next bar starts, buy-and-hold's at once. Their first
    // value is the first bar's, summed as the loop sums it. (The streams are
    // plain locals, moved out only at the end, so that the compiler keeps
    // their sums in registers through the loop.)
    double firstValue = 0.0;
    double firstHold = 0.0;
    for (std::size_t i = 0; i < n; ++i) {
        firstValue += quantities[i] * data.closes[i];
        firstHold += held[i] * data.closes[i];
    }
    analytics::MetricsStream equityMetrics(firstValue);
    analytics::MetricsStream holdMetrics(firstHold);
    std::vector<double> values(n);
    std::vector<double> weights(n);
    std::vector<double> trades(modeTrades ? n : 0);
    std::vector<double> effective(config.targets);
    const double costRate = config.feeRate + config.slippageRate;
    const std::span<const double> costRates(&costRate, 1);
    std::optional<qint64> lastRebalance = data.times[0];
    bool wasDefensive = false;

    // The band check, as Trigger::bandBroken makes it, on limits worked out
    // once: the targets move only with an overlay or a falling-asset guard,
    // and then the limits are worked out again on every bar that asks. The
    // weights are needed only for the weights curve and the guard; without
    // them the check reads the values (BandCheck: no division per asset). A
    // threshold rule on fixed targets asks on every bar, so its check rides
    // along in the value loop; a hybrid rule asks only where its period
    // ends (Trigger::decide).
    const bool targetsMove = overlay || !guards.empty();
    const bool needWeights = config.recordCurves || !guards.empty();
    rebalance::BandCheck band;
    band.reset(config.trigger, effective, halfWidths);
    const bool foldCheck = config.trigger.kind() == rebalance::Trigger::Kind::Threshold && !targetsMove && !needWeights;

    for (std::size_t t = 0; t < bars; ++t) {
        if (cancel && (t & 4095U) == 0 && cancel->load())
            return makeError(QStringLiteral("backtest.cancelled"), QStringLiteral("cancelled"));
        const double *prices = &data.closes[t * n];
        double value = 0.0;
        double holdValue = 0.0;
        // The band check of a rule on fixed targets rides along (BandCheck's
        // folded form): a bar whose values are all clearly inside their bands
        // needs nothing more.
        double highest = 0.0;
        double lowest = std::numeric_limits<double>::max();
        if (foldCheck) {
            foldedValues(n, prices, quantities.data(), held.data(), band.inverseUpper().data(),
                         band.inverseLower().data(), values.data(), value, holdValue, highest, lowest);
        } else {
            for (std::size_t i = 0; i < n; ++i) {
                values[i] = quantities[i] * prices[i];
                value += values[i];
                holdValue += held[i] * prices[i];
            }
        }
        const qint64 now = data.times[t];
        equityValues[t] = value;
        holdValues[t] = holdValue;
        if (t > 0) {
            holdMetrics.add(holdValue);
            if (t > 1)
                equityMetrics.add(equityValues[t - 1]);
            valueSum += equityValues[t - 1];
        }
        if (t == 0) {
            if (config.recordCurves)
                result.weights.insert(result.weights.end(), config.targets.begin(), config.targets.end());
            continue;
        }

        const double *previous = &data.closes[(t - 1) * n];
        if (overlay) {
            double sleeveReturn = 0.0;
            for (std::size_t i = 0; i < n; ++i)
                sleeveReturn += sleeve[i] * (prices[i] / previous[i] - 1.0);
            double riskyShare = 1.0 - stableTarget;
            if (volTarget) {
                // Exposure from the volatility known at the previous close.
                riskyShare = (1.0 - stableTarget) * volTarget->exposure();
                volTarget->addReturn(sleeveReturn);
            } else if (cppi) {
                riskyShare = cppi->exposure(value);
                if (cppi->breached(value)) {
                    result.alerts.push_back({now, QStringLiteral("floor_breach"),
                                             QStringLiteral("%1: value %2 below the CPPI floor %3")
                                                 .arg(dateOf(now))
                                                 .arg(value, 0, 'f', 2)
                                                 .arg(cppi->floor(), 0, 'f', 2)});
                }
            } else if (regime) {
                regime->addReturn(sleeveReturn);
                riskyShare = 1.0 - regime->share();
                if (regime->defensive() != wasDefensive) {
                    wasDefensive = regime->defensive();
                    result.alerts.push_back(
                        {now, QStringLiteral("regime"),
                         QStringLiteral("%1: volatility regime %2; stablecoin share %3%")
                             .arg(dateOf(now), wasDefensive ? QStringLiteral("high") : QStringLiteral("normal"))
                             .arg(regime->share() * 100.0, 0, 'f', 0)});
                }
            }
            for (std::size_t i = 0; i < n; ++i)
                effective[i] = sleeve[i] * riskyShare;
            effective[static_cast<std::size_t>(stable)] = 1.0 - riskyShare;
        }
        if (needWeights) {
            for (std::size_t i = 0; i < n; ++i)
                weights[i] = value > 0.0 ? values[i] / value : 0.0;
        }
        if (!guards.empty()) {
            double freed = 0.0;
            double open = 0.0;
            for (std::size_t i = 0; i < n; ++i) {
                guards[i].addPrice(prices[i]);
                if (guards[i].blocked() && effective[i] > weights[i]) {
                    freed += effective[i] - weights[i];
                    effective[i] = weights[i]; // no more buying; selling stays allowed
                    if (!reportedBlocked[i]) {
                        reportedBlocked[i] = true;
                        result.alerts.push_back({now, QStringLiteral("falling_asset"),
                                                 QStringLiteral("%1: %2 is %3% below its peak; no longer bought")
                                                     .arg(dateOf(now), data.assets[static_cast<qsizetype>(i)])
                                                     .arg(guards[i].drawdown() * 100.0, 0, 'f', 1)});
                    }
                } else if (!guards[i].blocked()) {
                    reportedBlocked[i] = false;
                    open += effective[i];
                }
            }
            if (freed > 0.0) {
                // What a guarded asset may not take goes to the stablecoin, or
                // to the other assets in proportion.
                if (stable >= 0)
                    effective[static_cast<std::size_t>(stable)] += freed;
                else if (open > 0.0) {
                    for (std::size_t i = 0; i < n; ++i) {
                        if (!guards[i].blocked())
                            effective[i] += freed * effective[i] / open;
                    }
                }
            }
        }
        for (Pair &pair : pairs) {
            const double ra = prices[pair.a] / previous[pair.a] - 1.0;
            const double rb = prices[pair.b] / previous[pair.b] - 1.0;
            if (pair.alert.add(ra, rb)) {
                result.alerts.push_back({now, QStringLiteral("correlation"),
                                         QStringLiteral("%1: %2 and %3 correlate at %4 over the last %5 bars")
                                             .arg(dateOf(now), data.assets[static_cast<qsizetype>(pair.a)],
                                                  data.assets[static_cast<qsizetype>(pair.b)])
                                             .arg(pair.alert.correlation().value_or(0.0), 0, 'f', 2)
                                             .arg(config.correlationWindow)});
            }
        }
        if (t + 1 == bars) {
            if (config.recordCurves)
                result.weights.insert(result.weights.end(), weights.begin(), weights.end());
            break; // no trade on the final bar
        }
        // Trigger::fires' own decision, with the band checked by BandCheck.
        // The bar's sums are captured by value: a reference would keep them
        // in memory through the value loop above.
        const auto periodEnds = [&config, &data, &weights, &effective, &halfWidths, &lastRebalance, now, t] {
            const rebalance::TriggerInput input{now, data.times[t + 1], weights, effective, halfWidths, lastRebalance};
            return config.trigger.periodEnds(input);
        };
        const auto bandBroken = [&config, &band, &effective, &halfWidths, &weights, &values, targetsMove, needWeights,
                                 foldCheck, highest, lowest, value] {
            if (targetsMove)
                band.reset(config.trigger, effective, halfWidths);
            if (needWeights)
                return band.broken(weights);
            if (foldCheck) // the value loop has made broken(values, value)'s first step
                return !rebalance::BandCheck::clearlyInside(highest, lowest, value)
                    && band.brokenByDivision(values, value);
            return band.broken(values, value);
        };
        if (config.trigger.decide(periodEnds, bandBroken)) {
            double post = 0.0;
            double traded = 0.0;
            double gain = 0.0;
            if (!modeTrades) {
                post = rebalance::RebalanceMath::postTradeValue(values, effective, costRates);
                for (std::size_t i = 0; i < n; ++i) {
                    const double target = effective[i] * post;
                    const double trade = target - values[i];
                    traded += std::abs(trade);
                    if (book) {
                        const double change = target / prices[i] - quantities[i];
                        if (change < 0.0)
                            gain += book->sell(i, -change, prices[i]);
                        else
                            book->buy(i, change, prices[i]);
                    }
                    quantities[i] = target / prices[i];
                    weights[i] = post > 0.0 ? target / post : 0.0;
                    if (config.recordTrades && std::abs(trade) > 1e-9 * value)
                        result.trades.push_back({now, static_cast<int>(i), trade});
                }
            } else {
                modeTrades->compute(values, value, effective, trades);
                for (std::size_t i = 0; i < n; ++i) {
                    const double trade = trades[i];
                    traded += std::abs(trade);
                    const double change = trade / prices[i];
                    if (book) {
                        if (change < 0.0)
                            gain += book->sell(i, -change, prices[i]);
                        else
                            book->buy(i, change, prices[i]);
                    }
                    quantities[i] = std::max(0.0, quantities[i] + change);
                    values[i] = quantities[i] * prices[i];
                    post += values[i];
                    if (config.recordTrades && std::abs(trade) > 1e-9 * value)
                        result.trades.push_back({now, static_cast<int>(i), trade});
                }
                for (std::size_t i = 0; i < n; ++i)
                    weights[i] = post > 0.0 ? values[i] / post : 0.0;
            }
            if (config.recordTrades)
                result.rebalanceTimes.push_back(now);
            result.feesPaid += value - post;
            result.turnover += value > 0.0 ? traded / (2.0 * value) : 0.0;
            result.tradedValue += traded;
            double after = post;
            if (book) {
                // Tax T on the gain g plus the slice's own gain T x u (u: the
                // share of the value that is unrealized gain): T = r (g + T u).
                const double rate = config.tax->rate;
                const double taxable = gain + carried;
                const double u = post > 0.0 ? (post - book->cost()) / post : 0.0;
                double tax = 0.0;
                if (taxable > 0.0 && post > 0.0)
                    tax = std::min(post, rate * taxable / (1.0 - rate * u));
                carried = taxable > 0.0 ? 0.0 : taxable;
                if (tax > 0.0) {
                    const double keep = 1.0 - tax / post;
                    for (double &quantity : quantities)
                        quantity *= keep;
                    book->scale(keep);
                }
                result.taxPaid += tax;
                result.realizedGain += gain + tax * u;
                after = post - tax;
            }
            // The bar's value after its trade: what the next bar starts from.
            equityValues[t] = after;
            ++result.rebalances;
            lastRebalance = now;
        }
        if (config.recordCurves)
            result.weights.insert(result.weights.end(), weights.begin(), weights.end());
    }

    equityMetrics.add(equityValues.back());
    valueSum += equityValues.back();
    result.metrics = equityMetrics.finish(equityValues, data.times, data.barsPerDay);
    result.buyAndHoldMetrics = holdMetrics.finish(holdValues, data.times, data.barsPerDay);
    result.finalValue = equityValues.back();
    const double meanValue = valueSum / static_cast<double>(equityValues.size());
    result.turnoverTotalOverMean = meanValue > 0.0 ? result.tradedValue / meanValue : 0.0;
    result.buyAndHoldFinalValue = holdValues.back();
    if (book) {
        // After tax: what selling everything at the last close would owe.
        const double rate = config.tax->rate;
        result.taxed = true;
        result.finalValueAfterTax =
            result.finalValue - rate * std::max(0.0, result.finalValue - book->cost() + carried);
        result.buyAndHoldFinalValueAfterTax =
            result.buyAndHoldFinalValue - rate * std::max(0.0, result.buyAndHoldFinalValue - config.capital);
        result.cagrAfterTax = cagrOf(config.capital, result.finalValueAfterTax, result.metrics.days);
        result.buyAndHoldCagrAfterTax =
            cagrOf(config.capital, result.buyAndHoldFinalValueAfterTax, result.metrics.days);
    }
    if (config.recordCurves) {
        result.equity.resize(bars);
        result.buyAndHold.resize(bars);
        for (std::size_t t = 0; t < bars; ++t) {
            result.equity[t] = {data.times[t], equityValues[t]};
            result.buyAndHold[t] = {data.times[t], holdValues[t]};
        }
    }
    return result;
}

} // namespace ballast::backtest
