#include "fakecandles.h"

#include <algorithm>
#include <cmath>

namespace ballast::test::fake {

double fakePriceAt(const FakeCandleHistory &history, qint64 ms)
{
    const double days = static_cast<double>(ms - history.listedMs) / 86'400'000.0;
    // A slow cycle, a faster one and a gentle trend: varied enough that
    // returns, volatility and market caps differ between days.
    const double path = 1.0 + 0.35 * std::sin(days / 45.0) + 0.1 * std::sin(days / 6.0) + days / 3650.0;
    return history.basePrice * std::max(0.05, path);
}

QList<FakeBar> fakeBars(const FakeCandleHistory &history, qint64 intervalMs, qint64 fromMs, qint64 toMs, qint64 nowMs)
{
    QList<FakeBar> bars;
    if (intervalMs <= 0)
        return bars;
    const auto alignDown = [intervalMs](qint64 ms) { return ms - ((ms % intervalMs) + intervalMs) % intervalMs; };
    qint64 first = alignDown(std::max(fromMs, history.listedMs));
    if (first < history.listedMs)
        first += intervalMs;
    const qint64 last = alignDown(std::min(toMs, nowMs));
    for (qint64 open = first; open <= last; open += intervalMs) {
        if (history.missing.contains(open))
            continue;
        FakeBar bar;
        bar.openMs = open;
        bar.open = fakePriceAt(history, open);
        // The bar open now has moved only up to now.
        bar.close = fakePriceAt(history, std::min(open + intervalMs, nowMs));
        bar.high = std::max(bar.open, bar.close) * 1.01;
        bar.low = std::min(bar.open, bar.close) * 0.99;
        bar.volume = 1000.0 + static_cast<double>((open / intervalMs) % 97) * 10.0;
        bars.append(bar);
    }
    return bars;
}

} // namespace ballast::test::fake
