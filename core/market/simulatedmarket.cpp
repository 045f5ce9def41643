#include "market/simulatedmarket.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <utility>
#include <vector>

namespace ballast::market {

namespace {

// The asset table. Columns after priceDecimals are model-only: `trend` is the
// factor the price level drifts towards over the first years (a saturating
// secular trend; see the anchor in simulate()), `turnoverUsd` the daily traded value on
// epoch() and `turnoverGrowth` how much that grows over the same years.
// Start prices are roughly those of 1 Jan 2017; coins that were launched later
// (ADA, BNB, LINK, TRX late 2017, SOL/DOT/AVAX 2020) get a plausible early price.
struct AssetRow
{
    const char *symbol;
    const char *name;
    double initialPrice;
    double annualVolatility;
    double marketBeta;
    bool stablecoin;
    int priceDecimals;
    double trend;
    double turnoverUsd;
    double turnoverGrowth;
};

constexpr std::array<AssetRow, 15> kAssets = {{
    {"BTC", "Bitcoin", 998.0, 0.62, 1.05, false, 2, 40.0, 1.5e8, 60.0},
    {"ETH", "Ethereum", 8.17, 0.80, 1.35, false, 2, 50.0, 2.0e7, 250.0},
    {"SOL", "Solana", 1.20, 1.10, 1.55, false, 2, 40.0, 2.0e6, 400.0},
    {"BNB", "BNB", 1.50, 0.95, 1.40, false, 2, 40.0, 3.0e6, 300.0},
    {"XRP", "XRP", 0.0065, 1.00, 1.20, false, 4, 40.0, 1.0e6, 500.0},
    {"ADA", "Cardano", 0.025, 1.05, 1.45, false, 4, 30.0, 1.0e6, 200.0},
    {"DOGE", "Dogecoin", 0.00023, 1.15, 1.30, false, 5, 40.0, 2.0e5, 2000.0},
    {"AVAX", "Avalanche", 4.00, 1.15, 1.60, false, 2, 8.0, 2.0e6, 150.0},
    {"DOT", "Polkadot", 3.00, 1.05, 1.50, false, 3, 5.0, 2.0e6, 100.0},
    {"LINK", "Chainlink", 0.20, 1.05, 1.45, false, 3, 40.0, 5.0e5, 400.0},
    {"LTC", "Litecoin", 4.35, 0.90, 1.35, false, 2, 20.0, 5.0e6, 40.0},
    {"TRX", "TRON", 0.0023, 1.05, 1.20, false, 5, 25.0, 5.0e5, 500.0},
    {"USDT", "Tether", 1.0, 0.020, 0.0, true, 4, 1.0, 5.0e7, 1000.0},
    {"USDC", "USD Coin", 1.0, 0.015, 0.0, true, 4, 1.0, 5.0e6, 1000.0},
    {"DAI", "Dai", 1.0, 0.025, 0.0, true, 4, 1.0, 1.0e6, 300.0},
}};

constexpr double kDaysPerYear = 365.0; // crypto trades every day

// Common factor: its calm-regime annual volatility, and a drift that is
// positive in calm and negative in turbulent times so that turbulence looks
// like a bear market rather than symmetric noise (averages to roughly zero).
constexpr double kMarketVolatility = 0.50;
constexpr double kCalmDrift = 0.30 / kDaysPerYear;
constexpr double kTurbulentDrift = -0.90 / kDaysPerYear;

// Two-state Markov regime. Expected stay: calm 300 days, turbulent 60 days,
// i.e. turbulent about a sixth of the time, with every volatility x2.2.
constexpr double kCalmToTurbulent = 1.0 / 300.0;
constexpr double kTurbulentToCalm = 1.0 / 60.0;
constexpr double kTurbulentVolMultiplier = 2.2;

// Without a restoring force, ten years of 100%-vol walks would send some coin
// past 1000x or to dust. The log price is pulled towards an anchor (start
// price times a saturating trend, reached with time constant kTrendYears) with
// a half-life of about 7 months: long enough for believable bull and bear
// runs, short enough to keep every asset within sane bounds.
constexpr double kMeanReversionPerDay = 1.0 / 300.0;
constexpr double kTrendYears = 3.0;

// The pull above is statistical; an unlucky seed could still drift far. The
// shown log price (relative to the start) is therefore passed through a soft
// clamp: identity between 1/100x and 300x, saturating smoothly towards 1/700x
// and 1000x, so no seed can ever produce a close outside those bounds.
constexpr double kSoftFloor = -4.605170185988091; // ln(1/100)
constexpr double kFloorWidth = 1.945910149055313; // ln(7): saturates at 1/700x
constexpr double kSoftCeiling = 5.703782474656201; // ln(300)
constexpr double kCeilingWidth = 1.203972804325936; // ln(1000/300): saturates at 1000x

// Stablecoins: a fast mean-reverting deviation from the peg, squashed with
// tanh so the close can never leave 1 +/- kPegBand, and intraday extremes
// capped at 1 +/- kPegIntradayCap (both inside the promised [0.985, 1.015]).
constexpr double kPegReversionPerDay = 0.25;
constexpr double kPegBand = 0.008;
constexpr double kPegIntradayCap = 0.012;

// Mean intraday excursion beyond the open-close body, in daily sigmas.
constexpr double kIntradayRange = 0.35;
constexpr double kVolumeNoise = 0.35;
constexpr double kTurbulentVolumeMultiplier = 1.8;

/// splitmix64: only used to expand the seed into xoshiro's 256-bit state
/// (recommended by the xoshiro authors; avoids an all-zero state).
quint64 splitMix64(quint64 &state)
{
    quint64 z = (state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/// xoshiro256** 1.0 (Blackman & Vigna). Our own so that the stream is the same
/// with every standard library, and plain integer arithmetic so it is
/// bit-identical on every platform.
class Xoshiro256
{
public:
    explicit Xoshiro256(quint64 seed)
    {
        quint64 sm = seed;
        for (quint64 &word : m_s)
            word = splitMix64(sm);
    }

    quint64 next()
    {
        const quint64 result = rotl(m_s[1] * 5, 7) * 9;
        const quint64 t = m_s[1] << 17;
        m_s[2] ^= m_s[0];
        m_s[3] ^= m_s[1];
        m_s[1] ^= m_s[2];
        m_s[0] ^= m_s[3];
        m_s[2] ^= t;
        m_s[3] = rotl(m_s[3], 45);
        return result;
    }

    /// Uniform in the open interval (0, 1): the top 53 bits plus half an ulp,
    /// so log(u) is always finite. Exact, hence regime switches (which compare
    /// a uniform with a probability) are bit-identical everywhere.
    double uniform() { return (static_cast<double>(next() >> 11) + 0.5) * 0x1.0p-53; }

    /// Two independent standard normals (Box-Muller). Always consumes exactly
    /// two uniforms, which keeps the draw count per day fixed. (std::log/cos/sin
    /// may differ in the last bit between C math libraries; that is the only
    /// platform dependence left, far below anything a price shows.)
    std::pair<double, double> normalPair()
    {
        const double u1 = uniform();
        const double u2 = uniform();
        const double radius = std::sqrt(-2.0 * std::log(u1));
        const double angle = 2.0 * 3.14159265358979323846 * u2;
        return {radius * std::cos(angle), radius * std::sin(angle)};
    }

private:
    static quint64 rotl(quint64 x, int k) { return (x << k) | (x >> (64 - k)); }

    std::array<quint64, 4> m_s{};
};

/// Per-asset constants of the walk, derived once per simulation.
struct AssetModel
{
    bool stablecoin = false;
    double beta = 0;
    double dailyVol = 0; ///< calm total daily sigma
    double idioVol = 0; ///< calm idiosyncratic daily sigma
    double logStart = 0;
    double logTrend = 0;
    double initialPrice = 0;
    double turnoverUsd = 0;
    double logTurnoverGrowth = 0;
};

AssetModel modelFor(const AssetRow &row)
{
    AssetModel m;
    m.stablecoin = row.stablecoin;
    m.beta = row.marketBeta;
    m.dailyVol = row.annualVolatility / std::sqrt(kDaysPerYear);
    // Total variance = beta^2 * market variance + idiosyncratic variance; keep
    // some idiosyncratic noise even if a beta would explain everything.
    const double marketDaily = kMarketVolatility / std::sqrt(kDaysPerYear);
    const double systematic = m.beta * marketDaily;
    const double idioVariance = m.dailyVol * m.dailyVol - systematic * systematic;
    m.idioVol = std::sqrt(std::max(idioVariance, 0.01 * m.dailyVol * m.dailyVol));
    m.logStart = std::log(row.initialPrice);
    m.logTrend = std::log(row.trend);
    m.initialPrice = row.initialPrice;
    m.turnoverUsd = row.turnoverUsd;
    m.logTurnoverGrowth = std::log(row.turnoverGrowth);
    return m;
}

/// Identity in the middle, tanh-saturating beyond the soft floor and ceiling.
double softClampLogRatio(double logRatio)
{
    if (logRatio > kSoftCeiling)
        return kSoftCeiling + kCeilingWidth * std::tanh((logRatio - kSoftCeiling) / kCeilingWidth);
    if (logRatio < kSoftFloor)
        return kSoftFloor - kFloorWidth * std::tanh((kSoftFloor - logRatio) / kFloorWidth);
    return logRatio;
}

constexpr qint64 kMsPerDay = 86'400'000;

} // namespace

SimulatedMarket::SimulatedMarket(quint64 seed)
    : m_seed(seed)
    , m_assets(defaultAssets())
{
}

QList<SimulatedAssetSpec> SimulatedMarket::defaultAssets()
{
    QList<SimulatedAssetSpec> specs;
    specs.reserve(static_cast<qsizetype>(kAssets.size()));
    for (const AssetRow &row : kAssets) {
        specs.append(SimulatedAssetSpec{QString::fromLatin1(row.symbol), QString::fromLatin1(row.name),
                                        row.initialPrice, row.annualVolatility, row.marketBeta, row.stablecoin,
                                        row.priceDecimals});
    }
    return specs;
}

QDate SimulatedMarket::epoch()
{
    return QDate(2017, 1, 1);
}

QStringList SimulatedMarket::symbols() const
{
    QStringList result;
    result.reserve(m_assets.size());
    for (const SimulatedAssetSpec &asset : m_assets)
        result.append(asset.symbol);
    return result;
}

std::optional<SimulatedAssetSpec> SimulatedMarket::spec(const QString &symbol) const
{
    const int index = indexOf(symbol);
    if (index < 0)
        return std::nullopt;
    return m_assets.at(index);
}

int SimulatedMarket::indexOf(const QString &symbol) const
{
    for (qsizetype i = 0; i < m_assets.size(); ++i) {
        if (m_assets.at(i).symbol == symbol)
            return static_cast<int>(i);
    }
    return -1;
}

QList<domain::Candle> SimulatedMarket::dailyCandles(const QString &symbol, QDate from, QDate to) const
{
    const int index = indexOf(symbol);
    if (index < 0)
        return {};
    return simulate(from, to, {index}).constFirst();
}

QHash<QString, QList<domain::Candle>> SimulatedMarket::dailyCandles(QDate from, QDate to) const
{
    QList<int> all;
    for (qsizetype i = 0; i < m_assets.size(); ++i)
        all.append(static_cast<int>(i));
    const QList<QList<domain::Candle>> bars = simulate(from, to, all);

    QHash<QString, QList<domain::Candle>> result;
    result.reserve(m_assets.size());
    for (qsizetype i = 0; i < m_assets.size(); ++i)
        result.insert(m_assets.at(i).symbol, bars.at(i));
    return result;
}

double SimulatedMarket::closeOn(const QString &symbol, QDate date) const
{
    const QList<domain::Candle> bars = dailyCandles(symbol, date, date);
    return bars.isEmpty() ? 0.0 : bars.constFirst().close;
}

QList<QList<domain::Candle>> SimulatedMarket::simulate(QDate from, QDate to, const QList<int> &wanted) const
{
    QList<QList<domain::Candle>> out(wanted.size());
    const QDate start = epoch();
    if (!from.isValid() || !to.isValid())
        return out;
    const qint64 firstDay = std::max<qint64>(0, start.daysTo(from));
    const qint64 lastDay = start.daysTo(to);
    if (lastDay < firstDay)
        return out;
    for (QList<domain::Candle> &bars : out)
        bars.reserve(static_cast<qsizetype>(lastDay - firstDay + 1));

    // Index -> position in `out`, or -1 when the caller does not want the asset
    // (its draws are still made so that the stream never shifts).
    const std::size_t count = kAssets.size();
    std::vector<int> outSlot(count, -1);
    for (qsizetype i = 0; i < wanted.size(); ++i)
        outSlot[static_cast<std::size_t>(wanted.at(i))] = static_cast<int>(i);

    std::vector<AssetModel> models;
    models.reserve(count);
    for (const AssetRow &row : kAssets)
        models.push_back(modelFor(row));

    // Per-asset state: log price before the soft clamp (crypto) or peg deviation
    // (stablecoins), and the previous close, which is the next open.
    std::vector<double> state(count, 0.0);
    std::vector<double> prevClose(count, 0.0);

    const qint64 epochMs = (start.toJulianDay() - QDate(1970, 1, 1).toJulianDay()) * kMsPerDay;
    const double marketDaily = kMarketVolatility / std::sqrt(kDaysPerYear);

    Xoshiro256 rng(m_seed);
    bool turbulent = false;

    // Every day draws the same numbers in the same order, whatever the regime
    // and whichever assets are wanted: 1 uniform (regime), 2 (market normal
    // pair), then per asset 2 (shock + volume normals) + 2 (high/low uniforms).
    for (qint64 day = 0; day <= lastDay; ++day) {
        const double regimeDraw = rng.uniform();
        turbulent = turbulent ? !(regimeDraw < kTurbulentToCalm) : regimeDraw < kCalmToTurbulent;
        const double volScale = turbulent ? kTurbulentVolMultiplier : 1.0;

        const double marketShock = rng.normalPair().first;
        const double market = (turbulent ? kTurbulentDrift : kCalmDrift) + marketDaily * volScale * marketShock;

        const double years = static_cast<double>(day) / kDaysPerYear;
        const double trendProgress = 1.0 - std::exp(-years / kTrendYears);
        const bool record = day >= firstDay;

        for (std::size_t i = 0; i < count; ++i) {
            const AssetModel &model = models[i];
            const auto [shock, volumeShock] = rng.normalPair();
            const double highDraw = rng.uniform();
            const double lowDraw = rng.uniform();
            const double sigma = model.dailyVol * volScale;

            double open = 0;
            double close = 0;
            double logReturn = 0;
            if (model.stablecoin) {
                const double innovation = sigma * shock;
                if (day == 0) {
                    state[i] = 0.0; // on the peg on epoch()
                    open = 1.0 + kPegBand * std::tanh(-innovation / kPegBand);
                } else {
                    state[i] = (1.0 - kPegReversionPerDay) * state[i] + innovation;
                    open = prevClose[i];
                }
                close = 1.0 + kPegBand * std::tanh(state[i] / kPegBand);
            } else {
                logReturn = model.beta * market + model.idioVol * volScale * shock;
                if (day == 0) {
                    // The close on epoch() is the spec's initial price; the open
                    // is where the walk came from.
                    state[i] = model.logStart;
                    open = model.initialPrice * std::exp(-logReturn);
                    close = model.initialPrice;
                } else {
                    const double anchor = model.logStart + model.logTrend * trendProgress;
                    logReturn -= kMeanReversionPerDay * (state[i] - anchor);
                    state[i] += logReturn;
                    open = prevClose[i];
                    close = model.initialPrice * std::exp(softClampLogRatio(state[i] - model.logStart));
                }
            }
            prevClose[i] = close;

            const int slot = outSlot[i];
            if (!record || slot < 0)
                continue;

            // Exponential excursions beyond the body; the range widens with the regime.
            const double upExcursion = -std::log(highDraw) * kIntradayRange * sigma;
            const double downExcursion = -std::log(lowDraw) * kIntradayRange * sigma;
            double high = std::max(open, close) * std::exp(upExcursion);
            double low = std::min(open, close) * std::exp(-downExcursion);
            if (model.stablecoin) {
                high = std::min(high, 1.0 + kPegIntradayCap);
                low = std::max(low, 1.0 - kPegIntradayCap);
            }

            // Traded value grows with adoption, is higher in turbulent times and
            // on big moves; expressed in units of the asset like exchange klines.
            const double activity = model.stablecoin ? 1.0 : 0.5 + std::min(std::abs(logReturn) / sigma, 4.0);
            const double turnover = model.turnoverUsd * std::exp(model.logTurnoverGrowth * trendProgress)
                * (turbulent ? kTurbulentVolumeMultiplier : 1.0) * activity * std::exp(kVolumeNoise * volumeShock);

            out[slot].append(domain::Candle{epochMs + day * kMsPerDay, open, high, low, close, turnover / close});
        }
    }
    return out;
}

} // namespace ballast::market
