#include "alerts/alertmonitor.h"

#include "appcontext.h"
#include "storage/database.h"

#include <QtConcurrent>

namespace ballast::ui {

AlertMonitor::AlertMonitor(AppContext &context, QObject *parent)
    : QObject(parent)
    , m_context(context)
{
    m_debounce.setSingleShot(true);
    m_debounce.setInterval(250);
    connect(&m_debounce, &QTimer::timeout, this, &AlertMonitor::evaluate);
    connect(&m_context, &AppContext::ledgerChanged, this, &AlertMonitor::schedule);
    connect(&m_watcher, &QFutureWatcherBase::finished, this, &AlertMonitor::finish);
}

AlertMonitor::~AlertMonitor()
{
    m_watcher.waitForFinished();
}

void AlertMonitor::schedule()
{
    m_debounce.start();
}

void AlertMonitor::evaluate()
{
    if (m_watcher.isRunning()) {
        m_again = true;
        return;
    }
    const QString path = m_context.databasePath();
    const qint64 now = m_context.clock()();
    const AlertSettings settings = m_settings;
    m_watcher.setFuture(QtConcurrent::run([path, now, settings]() -> Result<QList<AlertCondition>> {
        auto db = storage::Database::open(path, storage::Database::Mode::ReadWriteExisting);
        if (!db)
            return db.error();
        return evaluateAlerts(**db, settings, now);
    }));
}

void AlertMonitor::finish()
{
    const Result<QList<AlertCondition>> result = m_watcher.result();
    int raised = 0;
    if (result) {
        QSet<QString> now;
        for (const AlertCondition &condition : *result) {
            now.insert(condition.key);
            if (!m_active.contains(condition.key)) {
                m_context.raiseAlert(condition.alert);
                ++raised;
            }
        }
        // A regime that ends is a change too: said once, as information.
        for (const QString &key : std::as_const(m_active)) {
            if (now.contains(key) || !key.startsWith(QLatin1String("regime:")))
                continue;
            const QString asset = key.mid(key.indexOf(QLatin1Char(':')) + 1);
            m_context.raiseAlert(Alert{m_context.clock()(), Alert::Kind::VolatilityRegime, Alert::Severity::Info, asset,
                                       tr("%1 left its high-volatility regime").arg(asset)});
            ++raised;
        }
        m_active = now;
    } else {
        m_context.showStatus(tr("Alerts could not be checked: %1").arg(result.error().message));
    }
    emit evaluated(raised);
    if (m_again) {
        m_again = false;
        evaluate();
    }
}

} // namespace ballast::ui
