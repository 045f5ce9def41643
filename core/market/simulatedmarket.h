#pragma once

#include "domain/pricepoint.h"

#include <QDate>
#include <QHash>
#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

namespace ballast::market {

/// One asset of the simulated market and the parameters of its random walk.
struct SimulatedAssetSpec
{
    QString symbol; ///< "BTC"
    QString name; ///< "Bitcoin"
    double initialPrice = 0; ///< close on SimulatedMarket::epoch()
    double annualVolatility = 0; ///< of daily log returns in the calm regime
    double marketBeta = 0; ///< loading on the common crypto factor
    bool stablecoin = false;
    int priceDecimals = 2; ///< decimals a price of this asset is quoted with
};

/// Deterministic simulated daily prices for a fixed set of well-known crypto
/// assets and stablecoins: seeded, correlated random walks with calm and
/// turbulent regimes. Only numbers; callers label everything "simulated".
///
/// The whole market is simulated day by day from epoch() with a private PRNG
/// (no std distributions, which differ between standard libraries), so the bar
/// of a date depends only on the seed, never on the range asked for. There is
/// no cache: every call re-runs the walk up to `to` (about 0.5 ms per simulated
/// year for all assets), which keeps the class a plain value that is safe to
/// use from several threads. Ask for ranges rather than calling closeOn() in a loop.
class SimulatedMarket
{
public:
    static constexpr quint64 kDefaultSeed = 20170101;

    explicit SimulatedMarket(quint64 seed = kDefaultSeed);

    static QList<SimulatedAssetSpec> defaultAssets();
    static QDate epoch(); ///< 2017-01-01, the first simulated day

    [[nodiscard]] quint64 seed() const { return m_seed; }
    [[nodiscard]] QStringList symbols() const;
    [[nodiscard]] std::optional<SimulatedAssetSpec> spec(const QString &symbol) const;

    /// Daily candles, open time 00:00 UTC of each date in [from, to] (inclusive;
    /// from is clamped to epoch()). Deterministic: the bar for a date is identical
    /// whatever range is asked and on every platform. Prices are not rounded to
    /// priceDecimals. Empty for an unknown symbol or an empty/invalid range.
    [[nodiscard]] QList<domain::Candle> dailyCandles(const QString &symbol, QDate from, QDate to) const;

    /// All assets at once, same dates; cheaper than one call per asset.
    [[nodiscard]] QHash<QString, QList<domain::Candle>> dailyCandles(QDate from, QDate to) const;

    /// Close on one date (convenience); 0 for an unknown symbol or a date before epoch().
    [[nodiscard]] double closeOn(const QString &symbol, QDate date) const;

private:
    /// Runs the walk from epoch() to `to` and collects the bars in [from, to] of
    /// the assets whose index is in `wanted` (index into m_assets).
    [[nodiscard]] QList<QList<domain::Candle>> simulate(QDate from, QDate to, const QList<int> &wanted) const;
    [[nodiscard]] int indexOf(const QString &symbol) const;

    quint64 m_seed;
    QList<SimulatedAssetSpec> m_assets;
};

} // namespace ballast::market
