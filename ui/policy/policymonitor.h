#pragma once

#include "services/policyservice.h"
#include "workers/backgroundreader.h"

#include <QObject>
#include <QString>
#include <QTimer>

#include <optional>

namespace ballast::ui {

class AppContext;

/// What the dashboard shows of the rebalancing policy: the rule, the last
/// check and the next calendar date, and whether a rebalance is due.
struct PolicyStatus
{
    QString portfolio;
    QString rule; ///< as stored ("threshold:5pp", "calendar:month", ...)
    /// The last check that ran (this session's, else the stored one).
    std::optional<qint64> lastCheckAt;
    std::optional<qint64> nextCalendarAt;
    bool due = false;
    QString why;
    QString planId; ///< the prepared plan when due
    int planOrders = 0;
    QString error; ///< why the last check failed; empty when it worked
};

/// Checks the portfolio's rebalancing policy (PolicyService::evaluate) on a
/// BackgroundReader's thread with its own connection: at start-up, after
/// every ledger change (syncs, price imports, targets; debounced), when the
/// rule's next calendar period starts, and never while an execution runs
/// (the check writes what it decided and may prepare a plan). A due check
/// raises one alert per prepared plan (the Alerts page turns it into a tray
/// notification); the plan is a proposal and is never sent from here.
class PolicyMonitor : public QObject
{
    Q_OBJECT

public:
    explicit PolicyMonitor(AppContext &context, QObject *parent = nullptr);

    [[nodiscard]] const PolicyStatus &status() const { return m_status; }
    /// Checks that finished since start-up (failed ones included).
    [[nodiscard]] int checks() const { return m_checks; }
    /// True while a check runs or waits for the debounce.
    [[nodiscard]] bool isPending() const { return m_reader.isReading() || m_debounce.isActive(); }
    /// The time the calendar timer waits for; none without a calendar rule.
    [[nodiscard]] std::optional<qint64> calendarWakeAt() const { return m_status.nextCalendarAt; }

public slots:
    /// Checks soon (coalescing bursts of changes).
    void schedule();
    /// Checks now, on the reader's thread (after the running execution, if one runs).
    void check();
    /// What the calendar timer calls: checks when the clock has reached the
    /// next calendar date, else waits again.
    void calendarTick();

signals:
    /// A check finished (or failed: status().error); the status is up to date.
    void checked(const ballast::ui::PolicyStatus &status);

private:
    void apply(const Result<services::PolicyCheck> &result, const QString &rule);
    void armCalendar();

    AppContext &m_context;
    BackgroundReader m_reader;
    QTimer m_debounce;
    QTimer m_calendar;
    PolicyStatus m_status;
    QString m_alertedPlan; ///< the plan the last alert was about: one alert per plan
    bool m_waitingForExecution = false;
    int m_checks = 0;
};

} // namespace ballast::ui

Q_DECLARE_METATYPE(ballast::ui::PolicyStatus)
