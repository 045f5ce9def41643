#pragma once

#include <QList>
#include <QSet>
#include <QString>

namespace ballast::test::fake {

/// How a fake makes up the price history of one market: bars from its
/// listing on, a smooth made-up path around a base price (the same bar for
/// the same open time whatever range is asked, as on a real exchange), and
/// open times the exchange has no bar for (outages).
struct FakeCandleHistory
{
    qint64 listedMs = 1'502'928'000'000; ///< 2017-08-17, Binance's first day
    double basePrice = 100.0;
    double supply = 0.0; ///< coins in circulation: market cap = price x supply (CoinGecko)
    QSet<qint64> missing; ///< open times without a bar
};

struct FakeBar
{
    qint64 openMs = 0;
    double open = 0;
    double high = 0;
    double low = 0;
    double close = 0;
    double volume = 0;
};

/// The price of @p history at @p ms (a smooth path, always positive).
double fakePriceAt(const FakeCandleHistory &history, qint64 ms);
/// The bars of @p history with open time in [fromMs, toMs] (both aligned down
/// to @p intervalMs), from its listing, oldest first; the bar open at
/// @p nowMs is included (it is still moving), later ones are not.
QList<FakeBar> fakeBars(const FakeCandleHistory &history, qint64 intervalMs, qint64 fromMs, qint64 toMs, qint64 nowMs);

} // namespace ballast::test::fake
