#include "policy/policymonitor.h"

#include "appcontext.h"
#include "storage/database.h"

#include <algorithm>

namespace ballast::ui {

namespace {

constexpr int kDebounceMs = 250;
/// The calendar timer wakes at least this often, so that a suspended machine
/// or a clock set forward finds the boundary soon after it wakes.
constexpr qint64 kLongestWaitMs = 60LL * 60 * 1000;

} // namespace

PolicyMonitor::PolicyMonitor(AppContext &context, QObject *parent)
    : QObject(parent)
    , m_context(context)
    , m_reader(context.databasePath())
{
    qRegisterMetaType<PolicyStatus>();
    m_debounce.setSingleShot(true);
    m_debounce.setInterval(kDebounceMs);
    connect(&m_debounce, &QTimer::timeout, this, &PolicyMonitor::check);
    m_calendar.setSingleShot(true);
    connect(&m_calendar, &QTimer::timeout, this, &PolicyMonitor::calendarTick);
    connect(&m_context, &AppContext::ledgerChanged, this, &PolicyMonitor::schedule);
    connect(&m_context, &AppContext::executingChanged, this, [this](bool executing) {
        if (!executing && m_waitingForExecution) {
            m_waitingForExecution = false;
            schedule();
        }
    });
    schedule(); // the check at start-up
}

void PolicyMonitor::schedule()
{
    m_debounce.start();
}

void PolicyMonitor::check()
{
    m_debounce.stop();
    if (m_context.isExecuting()) {
        // The execution is the only writer; the check stores what it decided.
        m_waitingForExecution = true;
        return;
    }
    const Clock clock = m_context.clock();
    m_reader.read([this, clock](Result<storage::Database *> db) -> BackgroundReader::Delivery {
        if (!db)
            return [this, error = db.error()] { apply(error, QString()); };
        services::PolicyService service(**db, clock);
        auto info = service.load();
        if (!info)
            return [this, error = info.error()] { apply(error, QString()); };
        auto result = service.evaluate(info->portfolio, clock());
        return [this, result = std::move(result), rule = info->policy.rule.toString()] { apply(result, rule); };
    });
}

void PolicyMonitor::apply(const Result<services::PolicyCheck> &result, const QString &rule)
{
    ++m_checks;
    if (!result) {
        m_status.error = result.error().message;
        if (!rule.isEmpty())
            m_status.rule = rule;
        m_context.showStatus(tr("The rebalancing policy could not be checked: %1").arg(m_status.error));
        emit checked(m_status);
        return;
    }
    const services::PolicyCheck &check = *result;
    PolicyStatus status;
    status.portfolio = check.portfolio;
    status.rule = rule;
    status.lastCheckAt = check.checkedAt;
    status.nextCalendarAt = check.nextCalendarAt;
    status.due = check.due;
    status.why = check.why;
    status.planId = check.due ? check.planId : QString();
    status.planOrders = check.due ? check.planOrders : 0;
    m_status = status;
    armCalendar();
    if (status.due && !status.planId.isEmpty() && status.planId != m_alertedPlan) {
        m_alertedPlan = status.planId;
        m_context.raiseAlert(Alert{check.checkedAt, Alert::Kind::Rebalance, Alert::Severity::Warning, status.planId,
                                   tr("Rebalance due for %1: %2. Plan %3 (%n order(s)) is ready for review; nothing "
                                      "is sent until you press Execute.",
                                      nullptr, status.planOrders)
                                       .arg(status.portfolio, status.why, status.planId)});
    }
    emit checked(m_status);
}

void PolicyMonitor::armCalendar()
{
    m_calendar.stop();
    if (!m_status.nextCalendarAt)
        return;
    const qint64 wait = std::clamp<qint64>(*m_status.nextCalendarAt - m_context.clock()(), 0, kLongestWaitMs);
    m_calendar.start(static_cast<int>(wait));
}

void PolicyMonitor::calendarTick()
{
    if (!m_status.nextCalendarAt)
        return;
    if (m_context.clock()() >= *m_status.nextCalendarAt)
        check();
    else
        armCalendar();
}

} // namespace ballast::ui
