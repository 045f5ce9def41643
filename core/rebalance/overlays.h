#pragma once

#include <QString>

#include <deque>
#include <optional>
#include <span>
#include <vector>

namespace ballast::rebalance {

/// Realised volatility of a stream of per-bar returns over a rolling window,
/// annualised; O(1) per bar.
class RollingVolatility
{
public:
    RollingVolatility(int window, double periodsPerYear);
    void add(double value);
    [[nodiscard]] bool ready() const { return static_cast<int>(m_values.size()) >= m_window; }
    /// Sample standard deviation (n - 1) x sqrt(periods per year).
    [[nodiscard]] double value() const;

private:
    int m_window;
    double m_periodsPerYear;
    std::deque<double> m_values;
    double m_sum = 0.0;
    double m_sumSquares = 0.0;
};

/// Volatility targeting: exposure = min(cap, target volatility / realised
/// volatility over a lookback known at the previous close); the rest is held
/// in the stablecoin.
class VolatilityTarget
{
public:
    VolatilityTarget(double targetVolatility, int lookback, double cap, double periodsPerYear);
    /// The exposure for the coming bar, from the returns seen so far.
    [[nodiscard]] double exposure() const;
    /// Feeds the risky sleeve's return of the bar that just closed.
    void addReturn(double sleeveReturn) { m_volatility.add(sleeveReturn); }

private:
    double m_target;
    double m_cap;
    RollingVolatility m_volatility;
};

/// Constant proportion portfolio insurance: exposure = min(max(m x (V - F), 0), V)
/// with a fixed floor, or one that ratchets up with the running peak (TIPP).
class Cppi
{
public:
    Cppi(double multiplier, double floorFraction, bool ratchet, double startValue);
    /// Risky exposure as a fraction of @p value, after updating the floor.
    double exposure(double value);
    /// True when @p value is below the floor (a breach to report).
    [[nodiscard]] bool breached(double value) const { return value < m_floor; }
    [[nodiscard]] double floor() const { return m_floor; }

private:
    double m_multiplier;
    double m_floorFraction;
    bool m_ratchet;
    double m_floor;
    double m_peak;
};

/// The stablecoin share steps from a base level to a defensive level while
/// realised volatility is above a multiple of its long-run average, and back
/// when it falls below.
class StablecoinRegime
{
public:
    StablecoinRegime(double baseShare, double defensiveShare, double multiple, int shortWindow, int longWindow,
                     double periodsPerYear);
    void addReturn(double sleeveReturn);
    [[nodiscard]] double share() const { return m_defensive ? m_defensiveShare : m_baseShare; }
    [[nodiscard]] bool defensive() const { return m_defensive; }

private:
    double m_baseShare;
    double m_defensiveShare;
    double m_multiple;
    RollingVolatility m_short;
    RollingVolatility m_long;
    bool m_defensive = false;
};

/// Rolling correlation of two return streams; raises an alert when it crosses
/// above a threshold.
class CorrelationAlert
{
public:
    CorrelationAlert(int window, double threshold);
    /// Adds one bar; true when the correlation has just crossed the threshold.
    bool add(double a, double b);
    [[nodiscard]] std::optional<double> correlation() const;

private:
    int m_window;
    double m_threshold;
    std::deque<std::pair<double, double>> m_pairs;
    double m_sa = 0, m_sb = 0, m_saa = 0, m_sbb = 0, m_sab = 0;
    bool m_above = false;
};

/// Stops buying an asset that fell more than a fraction from its running peak,
/// so the rebalancer does not keep feeding a dying token.
class FallingAssetGuard
{
public:
    explicit FallingAssetGuard(double maxDrawdown);
    void addPrice(double price);
    [[nodiscard]] bool blocked() const { return m_blocked; }
    [[nodiscard]] double drawdown() const { return m_peak > 0.0 ? 1.0 - m_last / m_peak : 0.0; }

private:
    double m_maxDrawdown;
    double m_peak = 0.0;
    double m_last = 0.0;
    bool m_blocked = false;
};

} // namespace ballast::rebalance
