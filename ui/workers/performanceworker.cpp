#include "workers/performanceworker.h"

#include "storage/database.h"

namespace ballast::ui {

PerformanceWorker::PerformanceWorker(QString databasePath, Clock clock)
    : m_databasePath(std::move(databasePath))
    , m_clock(std::move(clock))
{
}

void PerformanceWorker::load(int generation, bool store)
{
    if (generation != m_latest)
        return; // superseded by a newer request before it started
    PerformanceLoad result;
    result.generation = generation;
    auto opened = storage::Database::open(m_databasePath, storage::Database::Mode::ReadWriteExisting);
    if (!opened) {
        result.errorCode = opened.error().code;
        result.error = opened.error().message;
        emit loaded(result);
        return;
    }
    storage::Database &db = **opened;
    auto history = services::PerformanceService(db, m_clock).history({});
    if (!history) {
        result.errorCode = history.error().code;
        result.error = history.error().message;
        // An emptied ledger keeps no daily rows either.
        if (store && result.errorCode == QLatin1String("performance.empty"))
            (void)services::ValuationService(db, m_clock).rebuild();
        emit loaded(result);
        return;
    }
    if (store) {
        auto rebuilt = services::ValuationService(db, m_clock).store(*history);
        if (!rebuilt) {
            result.errorCode = rebuilt.error().code;
            result.error = rebuilt.error().message;
            emit loaded(result);
            return;
        }
        result.rebuild = *rebuilt;
    }
    result.ok = true;
    result.history = std::move(*history);
    emit loaded(result);
}

} // namespace ballast::ui
