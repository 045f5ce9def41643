#include "common/canceltoken.h"

#include <QDeadlineTimer>
#include <QMutexLocker>

namespace ballast {

void CancelToken::cancel()
{
    const QMutexLocker lock(&m_mutex);
    m_cancelled = true;
    m_woken.wakeAll();
}

void CancelToken::reset()
{
    const QMutexLocker lock(&m_mutex);
    m_cancelled = false;
}

bool CancelToken::waitFor(qint64 ms) const
{
    const QDeadlineTimer deadline(ms > 0 ? ms : 0);
    QMutexLocker lock(&m_mutex);
    ++m_waiters;
    m_waiterCame.wakeAll();
    // A spurious wake-up goes back to waiting until the deadline.
    while (!m_cancelled.load() && !deadline.hasExpired())
        m_woken.wait(&m_mutex, deadline);
    --m_waiters;
    return !m_cancelled.load();
}

bool CancelToken::awaitWaiter(qint64 ms) const
{
    const QDeadlineTimer deadline(ms > 0 ? ms : 0);
    QMutexLocker lock(&m_mutex);
    while (m_waiters == 0 && !deadline.hasExpired())
        m_waiterCame.wait(&m_mutex, deadline);
    return m_waiters > 0;
}

} // namespace ballast
