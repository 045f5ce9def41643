#include "prices/pricefetcher.h"

#include "appcontext.h"
#include "workers/pricefetchworker.h"

#include <QSettings>
#include <QStringList>

#include <algorithm>
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
{
}

PriceFetcher::~PriceFetcher()
{
    // The running fetch stops at once (or at its next page); the thread is
    // waited for as m_thread goes. Queued ones are dropped.
    m_queue.clear();
    if (m_worker != nullptr)
        m_worker->cancel();
    if (m_running)
        m_context.endBackgroundWrite();
}

PriceFetchWorker *PriceFetcher::ensureWorker()
{
    if (m_worker != nullptr)
        return m_worker;
    m_thread.reset(new QThread);
    m_thread->setObjectName(QStringLiteral("price history"));
    m_worker = new PriceFetchWorker(m_context.databasePath(), m_context.clock());
    m_worker->moveToThread(m_thread.get());
    connect(m_thread.get(), &QThread::finished, m_worker, &QObject::deleteLater);
    connect(m_worker, &PriceFetchWorker::progress, this, &PriceFetcher::onProgress);
    connect(m_worker, &PriceFetchWorker::finished, this, &PriceFetcher::onFinished);
    connect(m_worker, &PriceFetchWorker::portfolioAssetsRead, this, &PriceFetcher::portfolioAssetsRead);
    m_thread->start();
    return m_worker;
}

bool PriceFetcher::isPending(int ticket) const
{
    return (m_running && m_running->ticket == ticket)
        || std::any_of(m_queue.cbegin(), m_queue.cend(), [ticket](const Pending &p) { return p.ticket == ticket; });
}

PriceFetcher::Admitted PriceFetcher::start(const services::PriceFetchRequest &request)
{
    return admit(request, false);
}

bool PriceFetcher::fetchMissing()
{
    services::PriceFetchRequest request;
    request.source = defaultSource();
    request.baseUrl = baseUrlFor(request.source);
    request.automatic = true; // only days no source has: another source's are not fetched again
    return admit(request, true).admission != Admission::Refused;
}

PriceFetcher::Admitted PriceFetcher::admit(const services::PriceFetchRequest &request, bool background)
{
    if (m_context.isExecuting())
        return {Admission::Refused, 0, tr("An execution is running: fetch the price history when it has finished.")};
    if (m_running && m_running->request == request) {
        m_running->background = m_running->background && background;
        return {Admission::Joined, m_running->ticket,
                tr("The same price history is being fetched already; its progress is shown here.")};
    }
    for (Pending &waiting : m_queue) {
        if (waiting.request == request) {
            waiting.background = waiting.background && background;
            return {Admission::Joined, waiting.ticket,
                    tr("The same price history is queued already; it starts when the fetch before it ends.")};
        }
    }
    const int ticket = m_nextTicket++;
    m_queue.append({ticket, request, background});
    if (m_running) {
        return {Admission::Queued, ticket,
                tr("Queued: another price-history fetch (from %1) is running; this one starts when it ends.")
                    .arg(m_running->request.source)};
    }
    runNext();
    return {Admission::Started, ticket, QString()};
}

void PriceFetcher::runNext()
{
    if (m_running || m_queue.isEmpty())
        return;
    Pending next = m_queue.takeFirst();
    if (m_context.isExecuting()) {
        // Cannot happen between two fetches (no execution starts beside a
        // background write), but a queued fetch never runs beside one.
        const QString why = tr("An execution is running: fetch the price history when it has finished.");
        if (next.background)
            reportInStatusBar(false, why, {});
        emit finished(false, why, {}, next.ticket);
        runNext();
        return;
    }
    m_running = next;
    m_context.beginBackgroundWrite(tr("Fetching price history"));
    PriceFetchWorker *worker = ensureWorker();
    worker->arm();
    const services::PriceFetchRequest request = next.request;
    QMetaObject::invokeMethod(
        worker, [worker, request] { worker->fetch(request); }, Qt::QueuedConnection);
    emit started(next.ticket);
}

void PriceFetcher::cancel(int ticket)
{
    if (m_running && m_running->ticket == ticket) {
        cancel();
        return;
    }
    for (qsizetype i = 0; i < m_queue.size(); ++i) {
        if (m_queue.at(i).ticket != ticket)
            continue;
        const Pending dropped = m_queue.takeAt(i);
        services::PriceFetchReport report;
        report.source = dropped.request.source;
        report.interval = dropped.request.interval;
        report.cancelled = true;
        emit finished(true, QString(), report, ticket);
        return;
    }
}

void PriceFetcher::cancel()
{
    if (m_running && m_worker != nullptr)
        m_worker->cancel();
}

void PriceFetcher::readPortfolioAssets(const QString &source)
{
    PriceFetchWorker *worker = ensureWorker();
    QMetaObject::invokeMethod(
        worker, [worker, source] { worker->readPortfolioAssets(QString(), source); }, Qt::QueuedConnection);
}

void PriceFetcher::onProgress(const QString &asset, int index, int count, qint64 candles)
{
    if (m_running)
        emit progress(asset, index, count, candles, m_running->ticket);
}

void PriceFetcher::onFinished(bool ok, const QString &error, const services::PriceFetchReport &report)
{
    if (!m_running)
        return;
    const Pending done = *std::exchange(m_running, std::nullopt);
    m_context.endBackgroundWrite();
    if (ok && report.storedTotal() > 0)
        m_context.notifyLedgerChanged();
    if (done.background)
        reportInStatusBar(ok, error, report);
    emit finished(ok, error, report, done.ticket);
    runNext();
}

void PriceFetcher::reportInStatusBar(bool ok, const QString &error, const services::PriceFetchReport &report)
{
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
