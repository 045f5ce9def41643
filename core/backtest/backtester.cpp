#include "backtest/backtester.h"

#include "rebalance/overlays.h"
#include "rebalance/rebalancemath.h"

#include <QDateTime>
#include <QTimeZone>

#include <cmath>
#include <deque>
#include <memory>

namespace ballast::backtest {

namespace {

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
    result.equity.reserve(bars);
    result.buyAndHold.reserve(bars);
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
    std::vector<double> values(n);
    std::vector<double> weights(n);
    std::vector<double> effective(config.targets);
    const double costRate = config.feeRate + config.slippageRate;
    const std::span<const double> costRates(&costRate, 1);
    std::optional<qint64> lastRebalance = data.times[0];
    bool wasDefensive = false;

    for (std::size_t t = 0; t < bars; ++t) {
        if (cancel && (t & 4095U) == 0 && cancel->load())
            return makeError(QStringLiteral("backtest.cancelled"), QStringLiteral("cancelled"));
        const double *prices = &data.closes[t * n];
        double value = 0.0;
        double holdValue = 0.0;
        for (std::size_t i = 0; i < n; ++i) {
            values[i] = quantities[i] * prices[i];
            value += values[i];
            holdValue += held[i] * prices[i];
        }
        const qint64 now = data.times[t];
        result.equity.push_back({now, value});
        result.buyAndHold.push_back({now, holdValue});
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
        for (std::size_t i = 0; i < n; ++i)
            weights[i] = value > 0.0 ? values[i] / value : 0.0;
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
        const rebalance::TriggerInput input{now, data.times[t + 1], weights, effective, halfWidths, lastRebalance};
        if (config.trigger.fires(input)) {
            const double post = rebalance::RebalanceMath::postTradeValue(values, effective, costRates);
            double traded = 0.0;
            double gain = 0.0;
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
            result.equity.back().value = after;
            ++result.rebalances;
            lastRebalance = now;
        }
        if (config.recordCurves)
            result.weights.insert(result.weights.end(), weights.begin(), weights.end());
    }

    result.metrics = analytics::Metrics::compute(result.equity, data.barsPerDay);
    result.buyAndHoldMetrics = analytics::Metrics::compute(result.buyAndHold, data.barsPerDay);
    result.finalValue = result.equity.back().value;
    double valueSum = 0.0;
    for (const analytics::EquityPoint &point : result.equity)
        valueSum += point.value;
    const double meanValue = valueSum / static_cast<double>(result.equity.size());
    result.turnoverTotalOverMean = meanValue > 0.0 ? result.tradedValue / meanValue : 0.0;
    result.buyAndHoldFinalValue = result.buyAndHold.back().value;
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
    if (!config.recordCurves) {
        // Release the memory: "= {}" would pick operator=(initializer_list)
        // and keep the capacity, 1.5 MB per run of hourly bars in a sweep.
        std::vector<analytics::EquityPoint>().swap(result.equity);
        std::vector<analytics::EquityPoint>().swap(result.buyAndHold);
    }
    return result;
}

} // namespace ballast::backtest
