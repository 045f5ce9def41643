// Speed of the rebalance planner. The target from the issue: a plan for 200
// assets on 3 accounts with full market rules in under 1 ms on one core.
//
// The input is built once, outside the timed loops: 200 assets priced from
// 1e-5 to 1e5 quote units, held on 1 to 3 of 3 exchange accounts, with
// Zipf-like targets that sum to exactly 1, a 5pp default band and current
// weights drifted randomly from the targets so that nearly every asset
// trades. Every venue lists (nearly) every asset against USDT with the paper
// exchange's Binance-like rules and its own fee; the cheapest venue also lists
// a few cross pairs (ETH/BTC, ...) so that direct-pair routing is exercised.

#include "exchange/paperexchange.h"
#include "rebalance/planner.h"
#include "rebalance/snapshot.h"

#include <QDateTime>
#include <QHash>
#include <QList>
#include <QTimeZone>

#include <algorithm>
#include <benchmark/benchmark.h>
#include <cmath>
#include <random>
#include <vector>

using ballast::domain::Band;
using ballast::domain::Holding;
using ballast::domain::Portfolio;
using ballast::domain::PricePoint;
using ballast::domain::Target;
using ballast::exchange::PaperConfig;
using ballast::exchange::PaperExchange;
using ballast::money::Decimal;
using ballast::money::RoundingMode;
using ballast::rebalance::PlanMode;
using ballast::rebalance::Planner;
using ballast::rebalance::RebalancePlan;
using ballast::rebalance::Snapshot;
using ballast::rebalance::Venue;

namespace {

constexpr int kAssets = 200;
constexpr double kPortfolioValue = 1'000'000.0; // USDT

struct VenueSpec
{
    const char *name;
    qint64 id;
    int feeBps;
};

constexpr VenueSpec kVenues[] = {{"binance", 1, 10}, {"kraken", 2, 26}, {"coinbase", 3, 40}};

struct KnownAsset
{
    const char *symbol;
    double price;
};

// Assets with their own lot and tick rules in PaperExchange::defaultRules.
constexpr KnownAsset kKnown[] = {{"BTC", 65000.0}, {"ETH", 3200.0}, {"BNB", 580.0}, {"SOL", 150.0},
                                 {"LTC", 80.0},    {"AVAX", 30.0},  {"LINK", 14.0}, {"DOT", 6.5},
                                 {"XRP", 0.52},    {"ADA", 0.45},   {"TRX", 0.12},  {"DOGE", 0.15}};

Decimal toDecimal(double value, int decimals)
{
    return Decimal::fromDouble(value, decimals, RoundingMode::Down).valueOr({});
}

/// Six significant digits, as exchanges quote prices.
Decimal priceDecimal(double price)
{
    const int magnitude = static_cast<int>(std::floor(std::log10(price)));
    return toDecimal(price, std::clamp(5 - magnitude, 0, 12));
}

struct Input
{
    Portfolio portfolio;
    QList<Holding> holdings;
    QHash<QString, PricePoint> prices;
    QList<Venue> venues;
    QDateTime time = QDateTime::fromMSecsSinceEpoch(1763683200000, QTimeZone::utc());
    Snapshot snapshot;

    explicit Input(const Band &band)
    {
        std::mt19937_64 random(20251121); // fixed: every run measures the same input
        std::uniform_real_distribution<double> unit(0.0, 1.0);
        std::normal_distribution<double> noise(0.0, 0.35);

        portfolio.name = QStringLiteral("Bench");
        portfolio.quote = QStringLiteral("USDT");
        portfolio.defaultBand = band;
        portfolio.policy = QStringLiteral("threshold:5pp");

        // Assets and prices: the known ones first, then synthetic coins priced
        // log-uniformly from 1e-5 to 1e5.
        QStringList symbols;
        std::vector<double> priceOf;
        for (const KnownAsset &known : kKnown) {
            symbols.append(QString::fromLatin1(known.symbol));
            priceOf.push_back(known.price);
        }
        while (symbols.size() < kAssets) {
            symbols.append(QStringLiteral("C%1").arg(symbols.size(), 3, 10, QLatin1Char('0')));
            priceOf.push_back(std::pow(10.0, -5.0 + 10.0 * unit(random)));
        }
        for (int i = 0; i < kAssets; ++i) {
            const QString &symbol = symbols[i];
            prices.insert(symbol,
                          PricePoint{symbol, portfolio.quote, time, priceDecimal(priceOf[static_cast<std::size_t>(i)]),
                                     QStringLiteral("manual")});
        }

        // Targets: Zipf-like (1/rank), exact Decimals that sum to exactly 1.
        std::vector<double> raw(kAssets);
        double rawSum = 0.0;
        for (int i = 0; i < kAssets; ++i) {
            raw[static_cast<std::size_t>(i)] = 1.0 / (i + 1.0);
            rawSum += raw[static_cast<std::size_t>(i)];
        }
        Decimal assigned;
        for (int i = 0; i < kAssets; ++i) {
            const Decimal weight = i + 1 < kAssets ? toDecimal(raw[static_cast<std::size_t>(i)] / rawSum, 6)
                                                   : Decimal::fromInt(1) - assigned;
            assigned += weight;
            portfolio.targets.append(Target{symbols[i], weight, std::nullopt});
        }

        // Holdings: each target drifted by a random factor, split over 1-3 accounts.
        for (int i = 0; i < kAssets; ++i) {
            const double target = portfolio.targets[i].weight.toDouble();
            const double value = kPortfolioValue * target * std::exp(noise(random));
            const double quantity = value / prices.value(symbols[i]).price.toDouble();
            const int accounts = 1 + static_cast<int>(unit(random) * 3.0) % 3;
            const int first = static_cast<int>(unit(random) * 3.0) % 3;
            double left = 1.0;
            for (int a = 0; a < accounts; ++a) {
                const double share = a + 1 < accounts ? left * (0.3 + 0.5 * unit(random)) : left;
                left -= share;
                const VenueSpec &venue = kVenues[(first + a) % 3];
                holdings.append(Holding{venue.id, QString::fromLatin1(venue.name), symbols[i], QString(),
                                        toDecimal(quantity * share, 8)});
            }
        }
        // A little cash on every account.
        for (const VenueSpec &venue : kVenues) {
            holdings.append(Holding{venue.id, QString::fromLatin1(venue.name), portfolio.quote, QString(),
                                    toDecimal(kPortfolioValue * 0.005, 2)});
        }

        // Venues: every asset against USDT except a few per venue, each venue
        // with its own fee; direct pairs on the cheapest one.
        for (const VenueSpec &spec : kVenues) {
            Venue venue;
            venue.accountId = spec.id;
            venue.account = QString::fromLatin1(spec.name);
            PaperConfig config;
            config.takerFeeBps = spec.feeBps;
            config.makerFeeBps = spec.feeBps;
            for (int i = 0; i < kAssets; ++i) {
                if (i >= 20 && unit(random) < 0.02)
                    continue; // not listed here
                venue.markets.append(
                    PaperExchange::defaultRules(symbols[i], portfolio.quote, prices.value(symbols[i]).price, config));
            }
            if (spec.id == 1) {
                const QString btc = QStringLiteral("BTC");
                const QString eth = QStringLiteral("ETH");
                const Decimal btcPrice = prices.value(btc).price;
                const Decimal ethPrice = prices.value(eth).price;
                for (int i = 1; i < 8; ++i) {
                    const Decimal ratio = (prices.value(symbols[i]).price / btcPrice).rounded(8);
                    venue.markets.append(PaperExchange::defaultRules(symbols[i], btc, ratio, config));
                }
                for (int i = 2; i < 6; ++i) {
                    const Decimal ratio = (prices.value(symbols[i]).price / ethPrice).rounded(8);
                    venue.markets.append(PaperExchange::defaultRules(symbols[i], eth, ratio, config));
                }
            }
            venues.append(venue);
        }

        snapshot = Snapshot::build(portfolio, holdings, prices, time);
    }
};

const Input &absoluteInput()
{
    static const Input input(Band{Band::Kind::Absolute, 0.05});
    return input;
}

/// The same holdings with a 25% relative band, so that band-edge mode has
/// most of the small positions outside their bands (with 5pp only the few
/// largest ones can leave it).
const Input &relativeInput()
{
    static const Input input(Band{Band::Kind::Relative, 0.25});
    return input;
}

void reportPlan(benchmark::State &state, const Input &input, const RebalancePlan &plan)
{
    int outside = 0;
    for (const auto &position : input.snapshot.positions())
        outside += position.outsideBand() ? 1 : 0;
    state.counters["orders"] = static_cast<double>(plan.orders.size());
    state.counters["skipped"] = static_cast<double>(plan.skipped.size());
    state.counters["outsideBand"] = outside;
}

void planWith(benchmark::State &state, const Input &input, const PlanMode &mode)
{
    const QString planId = QStringLiteral("PBENCH000001");
    for (auto _ : state) { // NOLINT(clang-analyzer-deadcode.DeadStores): the benchmark loop idiom
        RebalancePlan plan = Planner::plan(input.snapshot, input.portfolio, input.venues, mode, {}, planId);
        benchmark::DoNotOptimize(plan);
        benchmark::ClobberMemory();
    }
    // Once more outside the timing, to show what the plan did.
    reportPlan(state, input, Planner::plan(input.snapshot, input.portfolio, input.venues, mode, {}, planId));
}

void BM_PlanTarget(benchmark::State &state)
{
    planWith(state, absoluteInput(), PlanMode{});
}

void BM_PlanBandEdge5pp(benchmark::State &state)
{
    planWith(state, absoluteInput(), PlanMode{PlanMode::Kind::BandEdge, {}});
}

void BM_PlanBandEdge25pct(benchmark::State &state)
{
    planWith(state, relativeInput(), PlanMode{PlanMode::Kind::BandEdge, {}});
}

void BM_SnapshotBuild(benchmark::State &state)
{
    const Input &input = absoluteInput();
    for (auto _ : state) { // NOLINT(clang-analyzer-deadcode.DeadStores): the benchmark loop idiom
        Snapshot snapshot = Snapshot::build(input.portfolio, input.holdings, input.prices, input.time);
        benchmark::DoNotOptimize(snapshot);
        benchmark::ClobberMemory();
    }
    state.counters["positions"] = static_cast<double>(input.snapshot.positions().size());
    state.counters["holdings"] = static_cast<double>(input.holdings.size());
}

} // namespace

BENCHMARK(BM_PlanTarget)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_PlanBandEdge5pp)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_PlanBandEdge25pct)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_SnapshotBuild)->Unit(benchmark::kMicrosecond);

BENCHMARK_MAIN();
