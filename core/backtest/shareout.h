#pragma once

#include <QSemaphore>
#include <QThreadPool>

#include <algorithm>

namespace ballast::backtest {

/// Runs @p work on this thread and on up to @p parts - 1 of @p pool's threads
/// that are free now, and returns when all are done; @p work takes its share
/// of the job itself (an atomic counter), so any number of runners finishes
/// it. tryStart never queues, so a call from inside the pool (a sweep) cannot
/// wait on itself. Plain QThreadPool and QSemaphore rather than QtConcurrent's
/// map engine: their synchronisation is Qt Core's, which the ThreadSanitizer
/// pass sees. No pool: this thread alone.
template<typename Work>
void shareOut(QThreadPool *pool, int parts, const Work &work)
{
    QSemaphore finished;
    int helpers = 0;
    const int wanted = pool ? std::min(pool->maxThreadCount(), parts) - 1 : 0;
    for (int h = 0; h < wanted; ++h) {
        if (!pool->tryStart([&work, &finished] {
                work();
                finished.release();
            }))
            break;
        ++helpers;
    }
    work();
    finished.acquire(helpers);
}

} // namespace ballast::backtest
