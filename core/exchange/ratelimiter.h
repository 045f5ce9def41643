#pragma once

#include "common/clock.h"

#include <functional>

namespace ballast::exchange {

/// Keeps a connector under an exchange's limits: a leaky counter that decays
/// over time (Kraken's call counter; Binance's request weight per minute), and
/// a hard pause after the exchange said "too many" (429/418 with Retry-After,
/// Kraken's rate-limit errors). It never hammers: before each call it waits
/// until the call fits.
class RateLimiter
{
public:
    using Sleep = std::function<void(qint64 ms)>;

    /// @p capacity units, regained at @p decayPerSecond.
    RateLimiter(double capacity, double decayPerSecond, Clock clock, Sleep sleep);

    /// Waits until @p cost fits, then takes it.
    void acquire(double cost);
    /// The exchange reported its own count (Binance X-MBX-USED-WEIGHT-1M).
    void observeUsed(double used);
    /// The exchange asked us to stop for @p ms.
    void backOff(qint64 ms);
    [[nodiscard]] qint64 blockedUntil() const { return m_blockedUntil; }
    [[nodiscard]] double level() const;

private:
    void decay();

    double m_capacity;
    double m_decayPerSecond;
    Clock m_clock;
    Sleep m_sleep;
    double m_level = 0.0;
    qint64 m_updated = 0;
    qint64 m_blockedUntil = 0;
};

} // namespace ballast::exchange
