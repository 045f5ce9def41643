#pragma once

#include <QThread>

#include <memory>

namespace ballast::ui {

/// Ends a worker thread when its owner goes: asks its event loop to quit and
/// waits for it, so the worker's last signal has been sent before the owner
/// is gone. For new code; the older pages keep their own copy until moved.
struct ThreadStopper
{
    void operator()(QThread *thread) const
    {
        thread->quit();
        thread->wait();
        delete thread;
    }
};

/// A worker thread owned by a page or dialog.
using WorkerThread = std::unique_ptr<QThread, ThreadStopper>;

} // namespace ballast::ui
