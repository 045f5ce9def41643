#include "exchange/ratelimiter.h"

#include <algorithm>
#include <cmath>

namespace ballast::exchange {

RateLimiter::RateLimiter(double capacity, double decayPerSecond, Clock clock, Sleep sleep)
    : m_capacity(capacity)
    , m_decayPerSecond(decayPerSecond)
    , m_clock(std::move(clock))
    , m_sleep(std::move(sleep))
{
    m_updated = m_clock();
}

void RateLimiter::decay()
{
    const qint64 now = m_clock();
    const double seconds = static_cast<double>(std::max<qint64>(0, now - m_updated)) / 1000.0;
    m_level = std::max(0.0, m_level - seconds * m_decayPerSecond);
    m_updated = now;
}

double RateLimiter::level() const
{
    const double seconds = static_cast<double>(std::max<qint64>(0, m_clock() - m_updated)) / 1000.0;
    return std::max(0.0, m_level - seconds * m_decayPerSecond);
}

void RateLimiter::acquire(double cost)
{
    if (const qint64 wait = m_blockedUntil - m_clock(); wait > 0)
        m_sleep(wait);
    decay();
    if (m_level + cost > m_capacity && m_decayPerSecond > 0.0) {
        const double excess = m_level + cost - m_capacity;
        m_sleep(static_cast<qint64>(std::ceil(excess / m_decayPerSecond * 1000.0)));
        decay();
    }
    m_level += cost;
}

void RateLimiter::observeUsed(double used)
{
    decay();
    m_level = std::max(m_level, used);
}

void RateLimiter::backOff(qint64 ms)
{
    m_blockedUntil = std::max(m_blockedUntil, m_clock() + ms);
}

} // namespace ballast::exchange
