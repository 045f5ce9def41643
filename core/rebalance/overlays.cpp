#include "rebalance/overlays.h"

#include <algorithm>
#include <cmath>

namespace ballast::rebalance {

RollingVolatility::RollingVolatility(int window, double periodsPerYear)
    : m_window(std::max(2, window))
    , m_periodsPerYear(periodsPerYear)
{
}

void RollingVolatility::add(double value)
{
    m_values.push_back(value);
    m_sum += value;
    m_sumSquares += value * value;
    if (static_cast<int>(m_values.size()) > m_window) {
        const double old = m_values.front();
        m_values.pop_front();
        m_sum -= old;
        m_sumSquares -= old * old;
    }
}

double RollingVolatility::value() const
{
    const double n = static_cast<double>(m_values.size());
    if (n < 2)
        return 0.0;
    const double variance = std::max(0.0, (m_sumSquares - m_sum * m_sum / n) / (n - 1.0));
    return std::sqrt(variance * m_periodsPerYear);
}

VolatilityTarget::VolatilityTarget(double targetVolatility, int lookback, double cap, double periodsPerYear)
    : m_target(targetVolatility)
    , m_cap(cap)
    , m_volatility(lookback, periodsPerYear)
{
}

double VolatilityTarget::exposure() const
{
    if (!m_volatility.ready())
        return std::min(1.0, m_cap); // no estimate yet: stay at the plain targets
    const double realised = m_volatility.value();
    return realised > 0.0 ? std::min(m_cap, m_target / realised) : m_cap;
}

Cppi::Cppi(double multiplier, double floorFraction, bool ratchet, double startValue)
    : m_multiplier(multiplier)
    , m_floorFraction(floorFraction)
    , m_ratchet(ratchet)
    , m_floor(floorFraction * startValue)
    , m_peak(startValue)
{
}

double Cppi::exposure(double value)
{
    if (m_ratchet && value > m_peak) {
        m_peak = value;
        m_floor = std::max(m_floor, m_floorFraction * m_peak);
    }
    if (value <= 0.0)
        return 0.0;
    const double risky = std::min(std::max(m_multiplier * (value - m_floor), 0.0), value);
    return risky / value;
}

StablecoinRegime::StablecoinRegime(double baseShare, double defensiveShare, double multiple, int shortWindow,
                                   int longWindow, double periodsPerYear)
    : m_baseShare(baseShare)
    , m_defensiveShare(defensiveShare)
    , m_multiple(multiple)
    , m_short(shortWindow, periodsPerYear)
    , m_long(longWindow, periodsPerYear)
{
}

void StablecoinRegime::addReturn(double sleeveReturn)
{
    m_short.add(sleeveReturn);
    m_long.add(sleeveReturn);
    if (!m_short.ready() || !m_long.ready())
        return;
    const double average = m_long.value();
    m_defensive = average > 0.0 && m_short.value() > m_multiple * average;
}

CorrelationAlert::CorrelationAlert(int window, double threshold)
    : m_window(std::max(3, window))
    , m_threshold(threshold)
{
}

bool CorrelationAlert::add(double a, double b)
{
    m_pairs.emplace_back(a, b);
    m_sa += a;
    m_sb += b;
    m_saa += a * a;
    m_sbb += b * b;
    m_sab += a * b;
    if (static_cast<int>(m_pairs.size()) > m_window) {
        const auto [oa, ob] = m_pairs.front();
        m_pairs.pop_front();
        m_sa -= oa;
        m_sb -= ob;
        m_saa -= oa * oa;
        m_sbb -= ob * ob;
        m_sab -= oa * ob;
    }
    const auto value = correlation();
    const bool above = value && *value > m_threshold;
    const bool crossed = above && !m_above;
    m_above = above;
    return crossed;
}

std::optional<double> CorrelationAlert::correlation() const
{
    const double n = static_cast<double>(m_pairs.size());
    if (static_cast<int>(m_pairs.size()) < m_window)
        return std::nullopt;
    const double cov = m_sab - m_sa * m_sb / n;
    const double va = m_saa - m_sa * m_sa / n;
    const double vb = m_sbb - m_sb * m_sb / n;
    if (va <= 0.0 || vb <= 0.0)
        return std::nullopt;
    return cov / std::sqrt(va * vb);
}

FallingAssetGuard::FallingAssetGuard(double maxDrawdown)
    : m_maxDrawdown(maxDrawdown)
{
}

void FallingAssetGuard::addPrice(double price)
{
    m_last = price;
    m_peak = std::max(m_peak, price);
    // Once a token has fallen this far it stays blocked until it makes a new
    // peak: a dead-cat bounce is not a recovery.
    if (drawdown() > m_maxDrawdown)
        m_blocked = true;
    else if (price >= m_peak)
        m_blocked = false;
}

} // namespace ballast::rebalance
