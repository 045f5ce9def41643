#pragma once

#include <QtGlobal>

#include <optional>

namespace ballast::services {

/// When to sync the exchange accounts next: every interval after a success;
/// after failures, sooner at first and then backing off (doubling from the
/// first retry delay up to the longest), never hammering an exchange that is
/// down. Pure and deterministic: the caller passes the time and reports each
/// outcome; the desktop app drives it from a timer, `ballast-cli watch` from
/// its loop.
class SyncSchedule
{
public:
    static constexpr qint64 kFirstRetryMs = 30LL * 1000;
    static constexpr qint64 kLongestRetryMs = 60LL * 60 * 1000;

    /// @p intervalMs <= 0 switches automatic syncing off.
    explicit SyncSchedule(qint64 intervalMs = 0, qint64 firstRetryMs = kFirstRetryMs,
                          qint64 longestRetryMs = kLongestRetryMs);

    [[nodiscard]] bool enabled() const { return m_intervalMs > 0; }
    [[nodiscard]] qint64 intervalMs() const { return m_intervalMs; }
    /// A new interval; the next sync moves to last success + interval.
    void setInterval(qint64 intervalMs);

    /// The next sync time; none when off. Before the first sync: at once.
    [[nodiscard]] std::optional<qint64> nextMs() const;
    /// True when a sync should start at @p nowMs.
    [[nodiscard]] bool due(qint64 nowMs) const;

    /// A sync started at @p startedMs succeeded: the next one is an interval later.
    void succeeded(qint64 startedMs);
    /// A sync at @p nowMs failed: retry after the current back-off.
    void failed(qint64 nowMs);

    [[nodiscard]] int failures() const { return m_failures; }
    /// The delay the next failure would wait (first retry, doubled per failure, capped).
    [[nodiscard]] qint64 retryDelayMs(int failures) const;

private:
    qint64 m_intervalMs = 0;
    qint64 m_firstRetryMs = kFirstRetryMs;
    qint64 m_longestRetryMs = kLongestRetryMs;
    std::optional<qint64> m_lastSuccessMs;
    std::optional<qint64> m_retryAtMs;
    int m_failures = 0;
};

} // namespace ballast::services
