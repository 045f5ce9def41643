#include "workers/costbasisloader.h"

namespace ballast::ui {

CostBasisLoader::CostBasisLoader(QString databasePath, Clock clock, QObject *parent)
    : QObject(parent)
    , m_clock(std::move(clock))
    , m_reader(std::move(databasePath))
{
}

void CostBasisLoader::load(const CostBasisRequest &request)
{
    m_reader.read([this, clock = m_clock, request](Result<storage::Database *> db) -> BackgroundReader::Delivery {
        CostBasisData data;
        data.request = request;
        const auto deliver = [this](CostBasisData d) { return [this, d = std::move(d)] { emit loaded(d); }; };
        if (!db) {
            data.error = db.error().message;
            return deliver(std::move(data));
        }
        services::PerformanceService service(**db, clock);
        if (request.gains) {
            auto report = service.report(*request.gains);
            if (!report) {
                data.error = report.error().message;
                return deliver(std::move(data));
            }
            data.report = std::move(*report);
        } else {
            auto lots = service.lots({});
            if (!lots) {
                data.error = lots.error().message;
                return deliver(std::move(data));
            }
            data.report.lots = std::move(*lots);
        }
        data.ok = true;
        return deliver(std::move(data));
    });
}

} // namespace ballast::ui
