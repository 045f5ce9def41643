#include "workers/backgroundreader.h"

#include "storage/database.h"

#include <QtConcurrent>

namespace ballast::ui {

BackgroundReader::BackgroundReader(QString databasePath, QObject *parent)
    : QObject(parent)
    , m_path(std::move(databasePath))
{
    m_pool.setMaxThreadCount(1);
    connect(&m_watcher, &QFutureWatcherBase::finished, this, &BackgroundReader::finish);
}

BackgroundReader::~BackgroundReader()
{
    m_pending.reset();
    m_watcher.waitForFinished();
}

void BackgroundReader::read(Work work)
{
    m_reading = true;
    if (m_watcher.isRunning()) {
        m_pending = std::move(work);
        return;
    }
    start(std::move(work));
}

void BackgroundReader::start(Work work)
{
    m_watcher.setFuture(QtConcurrent::run(&m_pool, [path = m_path, work = std::move(work)]() -> Delivery {
        auto db = storage::Database::open(path, storage::Database::Mode::ReadWriteExisting);
        if (!db)
            return work(db.error());
        return work(db->get());
    }));
}

void BackgroundReader::finish()
{
    if (m_pending) {
        // A newer read waits: this result is already out of date.
        Work next = std::move(*m_pending);
        m_pending.reset();
        start(std::move(next));
        return;
    }
    m_reading = false;
    const Delivery delivery = m_watcher.result();
    if (delivery)
        delivery();
    emit delivered();
}

} // namespace ballast::ui
