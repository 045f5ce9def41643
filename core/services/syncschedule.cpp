#include "services/syncschedule.h"

#include <algorithm>

namespace ballast::services {

SyncSchedule::SyncSchedule(qint64 intervalMs, qint64 firstRetryMs, qint64 longestRetryMs)
    : m_intervalMs(std::max<qint64>(0, intervalMs))
    , m_firstRetryMs(std::max<qint64>(1, firstRetryMs))
    , m_longestRetryMs(std::max(m_firstRetryMs, longestRetryMs))
{
}

void SyncSchedule::setInterval(qint64 intervalMs)
{
    m_intervalMs = std::max<qint64>(0, intervalMs);
}

std::optional<qint64> SyncSchedule::nextMs() const
{
    if (!enabled())
        return std::nullopt;
    if (m_retryAtMs)
        return m_retryAtMs;
    if (!m_lastSuccessMs)
        return qint64{0}; // never synced: at once
    return *m_lastSuccessMs + m_intervalMs;
}

bool SyncSchedule::due(qint64 nowMs) const
{
    const auto next = nextMs();
    return next && nowMs >= *next;
}

void SyncSchedule::succeeded(qint64 startedMs)
{
    m_lastSuccessMs = startedMs;
    m_retryAtMs.reset();
    m_failures = 0;
}

void SyncSchedule::failed(qint64 nowMs)
{
    ++m_failures;
    m_retryAtMs = nowMs + retryDelayMs(m_failures);
}

qint64 SyncSchedule::retryDelayMs(int failures) const
{
    qint64 delay = m_firstRetryMs;
    for (int i = 1; i < failures && delay < m_longestRetryMs; ++i)
        delay *= 2;
    return std::min(delay, m_longestRetryMs);
}

} // namespace ballast::services
