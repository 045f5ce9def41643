#pragma once

#include <QMutex>
#include <QWaitCondition>

#include <atomic>

namespace ballast {

/// A stop request shared by the thread that asks (the GUI's Cancel) and the
/// thread that works: cancel() from any thread wakes a waitFor() at once, so a
/// long wait (a server's Retry-After) never outlasts the person's Cancel.
class CancelToken
{
public:
    CancelToken() = default;
    CancelToken(const CancelToken &) = delete;
    CancelToken &operator=(const CancelToken &) = delete;

    /// Thread-safe: marks the token cancelled and wakes every waiter.
    void cancel();
    /// Thread-safe: clears a cancel left from an earlier run (before starting one).
    void reset();
    [[nodiscard]] bool isCancelled() const { return m_cancelled.load(); }

    /// Waits @p ms, or less when cancelled meanwhile; false when cancelled.
    bool waitFor(qint64 ms) const;
    /// Blocks until some thread is inside waitFor(), at most @p ms; false when
    /// none came. A test cancels exactly while the worker waits with it.
    bool awaitWaiter(qint64 ms) const;

private:
    mutable QMutex m_mutex;
    mutable QWaitCondition m_woken;
    mutable QWaitCondition m_waiterCame;
    mutable int m_waiters = 0;
    std::atomic<bool> m_cancelled{false};
};

} // namespace ballast
