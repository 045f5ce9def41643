#include "prices/pricefetcher.h"

#include "appcontext.h"
#include "workers/pricefetchworker.h"

#include <QSettings>
#include <QStringList>

#include <utility>

namespace ballast::ui {

namespace {

QString sourceKey()
{
    return QStringLiteral("prices/source");
}

} // namespace

PriceFetcher::PriceFetcher(AppContext &context, QObject *parent)
    : QObject(parent)
    , m_context(context)
    , m_thread(new QThread)
    , m_worker(new PriceFetchWorker(context.databasePath(), context.clock()))
{
    m_thread->setObjectName(QStringLiteral("price history"));
    m_worker->moveToThread(m_thread.get());
    connect(m_thread.get(), &QThread::finished, m_worker, &QObject::deleteLater);
    connect(m_worker, &PriceFetchWorker::progress, this, &PriceFetcher::progress);
    connect(m_worker, &PriceFetchWorker::finished, this, &PriceFetcher::onFinished);
    m_thread->start();
}

PriceFetcher::~PriceFetcher()
{
    // The fetch stops at its next page; the thread is waited for as m_thread goes.
    m_worker->cancel();
    if (m_busy)
        m_context.endBackgroundWrite();
}

bool PriceFetcher::start(const services::PriceFetchRequest &request, QString *why)
{
    if (m_busy || m_context.isExecuting()) {
        if (why)
            *why = m_busy ? tr("Price history is being fetched already.")
                          : tr("An execution is running: fetch the price history when it has finished.");
        return false;
    }
    m_busy = true;
    m_context.beginBackgroundWrite(tr("Fetching price history"));
    m_worker->arm();
    PriceFetchWorker *worker = m_worker;
    QMetaObject::invokeMethod(
        m_worker, [worker, request] { worker->fetch(request); }, Qt::QueuedConnection);
    return true;
}

bool PriceFetcher::fetchMissing()
{
    services::PriceFetchRequest request;
    request.source = defaultSource();
    request.baseUrl = baseUrlFor(request.source);
    if (!start(request))
        return false;
    m_background = true;
    return true;
}

void PriceFetcher::cancel()
{
    m_worker->cancel();
}

void PriceFetcher::onFinished(bool ok, const QString &error, const services::PriceFetchReport &report)
{
    m_busy = false;
    m_context.endBackgroundWrite();
    if (ok && report.storedTotal() > 0)
        m_context.notifyLedgerChanged();
    if (std::exchange(m_background, false)) {
        if (!ok) {
            m_context.showStatus(tr("The portfolio's price history was not fetched: %1").arg(error));
        } else if (report.anyFailed()) {
            QStringList failed;
            for (const auto &asset : report.assets) {
                if (!asset.error.isEmpty())
                    failed << QStringLiteral("%1 (%2)").arg(asset.asset, asset.error);
            }
            m_context.showStatus(
                tr("Price history from %1: %n new candle(s); not fetched: %2", nullptr, report.storedTotal())
                    .arg(report.source, failed.join(QStringLiteral("; "))));
        } else if (report.storedTotal() > 0) {
            m_context.showStatus(
                tr("Price history from %1: %n new candle(s).", nullptr, report.storedTotal()).arg(report.source));
        }
    }
    emit finished(ok, error, report);
}

QString PriceFetcher::defaultSource()
{
    const QString stored = QSettings().value(sourceKey()).toString();
    const QStringList known{QStringLiteral("binance"), QStringLiteral("kraken"), QStringLiteral("coingecko")};
    return known.contains(stored) ? stored : QStringLiteral("binance");
}

void PriceFetcher::setDefaultSource(const QString &source)
{
    QSettings().setValue(sourceKey(), source);
}

QString PriceFetcher::baseUrlFor(const QString &source)
{
    return QSettings().value(QStringLiteral("prices/baseUrl/") + source).toString();
}

} // namespace ballast::ui
