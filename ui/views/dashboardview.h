#pragma once

#include "analytics/metrics.h"
#include "domain/portfolio.h"
#include "domain/valuation.h"
#include "io/csvwriter.h"
#include "services/performanceservice.h"
#include "views/view.h"

#include <QHash>
#include <QList>

#include <memory>
#include <vector>

class QFrame;
class QLabel;
class QPushButton;
class QTabWidget;
class QThread;

namespace ballast::storage {
class Database;
}

namespace ballast::ui {

class PerformancePanel;
class PerformanceWorker;
class PolicyMonitor;
struct PolicyStatus;
struct PerformanceLoad;

namespace charts {
class AllocationChart;
class DriftChart;
class EquityChart;
} // namespace charts

/// The dashboard: allocation, drift, the equity curve with the net invested
/// capital, key figures on the time-weighted return, and a Performance tab
/// (time- against money-weighted return, monthly heat map, drawdowns). The
/// daily history is computed, and the stored daily valuations rebuilt, on a
/// worker thread on open and on every ledger change.
class DashboardView : public View
{
    Q_OBJECT

public:
    explicit DashboardView(AppContext &context, QWidget *parent = nullptr);
    ~DashboardView() override;

    /// Valuations (CSV, as ballast-cli export valuations writes it), key figures (CSV) and each chart (PNG).
    [[nodiscard]] QList<ExportTarget> exportTargets() override;

    /// The figures on show: the key figures of the time-weighted index over
    /// the equity chart's range (PerformanceService::report).
    [[nodiscard]] const analytics::MetricsResult &metrics() const { return m_metrics; }
    /// The report the figures and the Performance tab show.
    [[nodiscard]] const services::PerformanceReport &report() const { return m_report; }
    /// The daily history last loaded; false until one arrived (or when the ledger has no transaction).
    [[nodiscard]] bool hasHistory() const { return m_hasHistory; }
    [[nodiscard]] const services::PerformanceHistory &history() const { return m_history; }
    [[nodiscard]] PerformancePanel *performancePanel() const { return m_performance; }
    /// Shows the Performance tab (else the value chart).
    void showPerformance(bool on);
    /// The key figures as a table: figure, value (exact or full precision), unit.
    [[nodiscard]] io::CsvTable keyFiguresTable() const;

    /// The rebalancing policy's checks (at start-up, after changes, at calendar boundaries).
    [[nodiscard]] PolicyMonitor *policyMonitor() const { return m_policyMonitor; }
    /// The line with the rule, the last check and the next calendar date.
    [[nodiscard]] QLabel *policyLine() const { return m_policyLine; }
    /// The "Rebalance due" banner, shown while a prepared plan waits for review.
    [[nodiscard]] QFrame *dueBanner() const { return m_dueBanner; }
    [[nodiscard]] QPushButton *openPlanButton() const { return m_openPlan; }

    [[nodiscard]] charts::EquityChart *equityChart() const { return m_equity; }
    [[nodiscard]] charts::AllocationChart *allocationChart() const { return m_allocation; }
    [[nodiscard]] charts::DriftChart *driftChart() const { return m_drift; }

    /// What the portfolio would have been worth holding, from the first point
    /// of @p history on, the quantities it started with, priced with the
    /// stored daily candles (or, without candles, the stored prices). The
    /// ledger keeps no holdings history, so the starting quantities are the
    /// first value split at the current target weights (the demo invests
    /// exactly so on its first day, up to fees and lot rounding). Assets
    /// without any price at the start are left out and the rest scaled up.
    /// Empty when nothing can be priced.
    [[nodiscard]] static std::vector<analytics::EquityPoint>
    buyAndHold(storage::Database &db, const domain::Portfolio &portfolio,
               const std::vector<analytics::EquityPoint> &history);

public slots:
    void refresh();

signals:
    /// A history load was applied (figures, chart and tab are up to date).
    void historyLoaded();
    /// "Open plan" was pressed: the window shows @p planId on the Rebalance page.
    void openPlanRequested(const QString &planId);

private:
    struct ThreadStopper
    {
        void operator()(QThread *thread) const;
    };
    void requestHistory();
    void onLoaded(const ballast::ui::PerformanceLoad &result);
    void showCurves();
    struct Figure
    {
        QLabel *title = nullptr;
        QLabel *value = nullptr;
        QLabel *detail = nullptr;
    };
    QWidget *createFigure(const QString &key, const QString &title, const QString &help);
    void updateFigures();
    void clearFigures(const QString &reason);
    QFrame *createPolicyPanel();
    void showPolicy(const ballast::ui::PolicyStatus &status);

    charts::EquityChart *m_equity = nullptr;
    charts::AllocationChart *m_allocation = nullptr;
    charts::DriftChart *m_drift = nullptr;
    PerformancePanel *m_performance = nullptr;
    QTabWidget *m_tabs = nullptr;
    QHash<QString, Figure> m_figures;
    PolicyMonitor *m_policyMonitor = nullptr;
    QLabel *m_policyLine = nullptr;
    QFrame *m_dueBanner = nullptr;
    QLabel *m_dueText = nullptr;
    QPushButton *m_openPlan = nullptr;
    std::unique_ptr<QThread, ThreadStopper> m_thread;
    PerformanceWorker *m_worker = nullptr;
    int m_generation = 0;
    bool m_hasHistory = false;
    services::PerformanceHistory m_history;
    services::PerformanceReport m_report;

    domain::Portfolio m_portfolio;
    bool m_hasPortfolio = false;
    money::Decimal m_value;
    QDateTime m_valuedAt;
    analytics::MetricsResult m_metrics;
    qint64 m_rangeFrom = 0;
    qint64 m_rangeTo = 0;
    money::Decimal m_change;
    double m_changeFraction = 0.0;
};

} // namespace ballast::ui
