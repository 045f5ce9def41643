#include "workers/pricefetchworker.h"

#include "exchange/httpclient.h"
#include "storage/database.h"

#include <QNetworkAccessManager>

#include <utility>

namespace ballast::ui {

PriceFetchWorker::PriceFetchWorker(QString databasePath, Clock clock)
    : m_databasePath(std::move(databasePath))
    , m_clock(std::move(clock))
{
}

PriceFetchWorker::~PriceFetchWorker() = default;

void PriceFetchWorker::fetch(const services::PriceFetchRequest &request)
{
    if (!m_db) {
        auto opened = storage::Database::open(m_databasePath, storage::Database::Mode::ReadWriteExisting);
        if (!opened) {
            emit finished(false, opened.error().message, {});
            return;
        }
        m_db = std::move(*opened);
    }
    if (!m_network)
        m_network = std::make_unique<QNetworkAccessManager>();
    exchange::HttpClient http(m_network.get());
    services::PriceHistoryService service(*m_db, http, m_clock, {}, &m_cancel);
    auto report = service.fetch(request, [this](const services::PriceFetchProgress &step) {
        emit progress(step.asset, step.index, step.count, static_cast<qint64>(step.candles));
        return !m_cancel.isCancelled();
    });
    if (!report) {
        emit finished(false, report.error().message, {});
        return;
    }
    emit finished(true, QString(), *report);
}

} // namespace ballast::ui
