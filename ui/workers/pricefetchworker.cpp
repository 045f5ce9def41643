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

storage::Database *PriceFetchWorker::database(QString *error)
{
    if (!m_db) {
        auto opened = storage::Database::open(m_databasePath, storage::Database::Mode::ReadWriteExisting);
        if (!opened) {
            *error = opened.error().message;
            return nullptr;
        }
        m_db = std::move(*opened);
    }
    return m_db.get();
}

void PriceFetchWorker::fetch(const services::PriceFetchRequest &request)
{
    QString error;
    storage::Database *db = database(&error);
    if (db == nullptr) {
        emit finished(false, error, {});
        return;
    }
    if (!m_network)
        m_network = std::make_unique<QNetworkAccessManager>();
    exchange::HttpClient http(m_network.get());
    services::PriceHistoryService service(*db, http, m_clock, {}, &m_cancel);
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

void PriceFetchWorker::readPortfolioAssets(const QString &portfolio, const QString &source)
{
    QString error;
    storage::Database *db = database(&error);
    if (db == nullptr) {
        emit portfolioAssetsRead(source, {}, error);
        return;
    }
    // No request is sent: the client is only the service's to hold.
    if (!m_network)
        m_network = std::make_unique<QNetworkAccessManager>();
    exchange::HttpClient http(m_network.get());
    auto assets = services::PriceHistoryService(*db, http, m_clock).portfolioAssets(portfolio, source);
    if (!assets) {
        emit portfolioAssetsRead(source, {}, assets.error().message);
        return;
    }
    emit portfolioAssetsRead(source, assets->assets, QString());
}

} // namespace ballast::ui
