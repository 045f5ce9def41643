#include "workers/costbasisloader.h"

#include "storage/database.h"

#include <QtConcurrent>

namespace ballast::ui {

CostBasisLoader::CostBasisLoader(QString databasePath, Clock clock, QObject *parent)
    : QObject(parent)
    , m_path(std::move(databasePath))
    , m_clock(std::move(clock))
{
    m_pool.setMaxThreadCount(1);
    connect(&m_watcher, &QFutureWatcherBase::finished, this, &CostBasisLoader::finish);
}

CostBasisLoader::~CostBasisLoader()
{
    m_pending.reset();
    m_watcher.waitForFinished();
}

void CostBasisLoader::load(const CostBasisRequest &request)
{
    m_loading = true;
    if (m_watcher.isRunning()) {
        m_pending = request;
        return;
    }
    start(request);
}

void CostBasisLoader::start(const CostBasisRequest &request)
{
    m_watcher.setFuture(QtConcurrent::run(&m_pool, [path = m_path, clock = m_clock, request]() {
        CostBasisData data;
        data.request = request;
        auto db = storage::Database::open(path, storage::Database::Mode::ReadWriteExisting);
        if (!db) {
            data.error = db.error().message;
            return data;
        }
        services::PerformanceService service(**db, clock);
        if (request.gains) {
            auto report = service.report(*request.gains);
            if (!report) {
                data.error = report.error().message;
                return data;
            }
            data.report = std::move(*report);
        } else {
            auto lots = service.lots({});
            if (!lots) {
                data.error = lots.error().message;
                return data;
            }
            data.report.lots = std::move(*lots);
        }
        data.ok = true;
        return data;
    }));
}

void CostBasisLoader::finish()
{
    if (m_pending) {
        // A newer request waits: this result is already out of date.
        const CostBasisRequest next = *m_pending;
        m_pending.reset();
        start(next);
        return;
    }
    m_loading = false;
    emit loaded(m_watcher.result());
}

} // namespace ballast::ui
