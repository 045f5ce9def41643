#pragma once

#include "domain/planstatus.h"
#include "execution/executor.h"
#include "rebalance/rebalanceplan.h"
#include "rebalance/taxpreferences.h"
#include "services/knownpolicy.h"
#include "views/view.h"

#include <QPointer>
#include <QSet>
#include <QStringList>

#include <optional>

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QProgressBar;
class QSpinBox;
class QPushButton;
class QMessageBox;
class QTableView;

namespace ballast::ui {

class ExecutionConfirmDialog;
class ExecutionController;
class ExecutionSummaryDialog;
class HarvestableLotsModel;
class PlanModel;
class SkippedLinesModel;

/// The rebalance page: propose a plan (mode and constraints), approve it line
/// by line, and execute exactly the approved lines on the execution thread,
/// following each order in the table. Unsettled orders of an earlier run are
/// reconciled when the page starts.
class RebalanceView : public View
{
    Q_OBJECT

public:
    explicit RebalanceView(AppContext &context, QWidget *parent = nullptr);
    ~RebalanceView() override;

    QList<ExportTarget> exportTargets() override;

    /// Plans with the mode and constraints on screen and shows the stored plan.
    bool propose();
    /// Shows the stored plan @p planId (one the policy check prepared), as
    /// stored: nothing is approved or sent; false, with a message, when it
    /// cannot be read or an execution runs.
    bool showStoredPlan(const QString &planId);
    /// Asks for confirmation of the approved lines (non-modal), then executes.
    void execute();
    /// Stops a running execution before its next order.
    void cancelExecution();

    [[nodiscard]] PlanModel *planModel() const { return m_planModel; }
    [[nodiscard]] SkippedLinesModel *skippedModel() const { return m_skippedModel; }
    [[nodiscard]] HarvestableLotsModel *harvestModel() const { return m_harvestModel; }
    [[nodiscard]] ExecutionController *controller() const { return m_controller; }
    /// The confirmation on screen, if any.
    [[nodiscard]] ExecutionConfirmDialog *confirmDialog() const;
    /// The summary of the last execution while it is on screen.
    [[nodiscard]] ExecutionSummaryDialog *summaryDialog() const;
    /// The question shown when a plan was refused as stale (offers a re-plan), if open.
    [[nodiscard]] QMessageBox *staleDialog() const;
    /// The id of the plan the last execution ran (the approved subset's).
    [[nodiscard]] const QString &executedPlanId() const { return m_executedPlanId; }

signals:
    /// The summary of an execution is on screen (a turn after it finished).
    void summaryShown();

protected:
    /// Each time the page is shown, its mode, limits and tax fields start again from the policy.
    void showEvent(QShowEvent *event) override;

private:
    void buildUi();
    /// Fills the mode (and its amount), the minimum trade, the maximum
    /// turnover, the excluded assets, the falling-asset guard and the tax
    /// fields from the stored policy: always when
    /// @p always, else only when the stored values differ from those last
    /// filled in (the policy changed). The policy is the single source of
    /// truth; what is typed here changes only the plans proposed on this page.
    void loadPolicy(bool always);
    void showSummary(const execution::ExecutionSummary &summary);
    /// Re-reads the stored plans and the drift: now when the page is on show,
    /// else when it is next shown.
    void refresh();
    void reload();
    void showPlan(const rebalance::RebalancePlan &plan, domain::PlanStatus status);
    /// Offers a new plan in place of @p planId, which was refused as stale.
    void onStale(const QString &planId, const QString &message);
    void updateTotals();
    /// The estimated gain of the approved sales and what the tax rules did.
    [[nodiscard]] QString taxText(const rebalance::RebalancePlan &approved) const;
    void updateActions();
    void startExecution(const rebalance::RebalancePlan &plan, bool dryRun);
    void reconcileIfNeeded();
    void onProgress(const execution::OrderProgress &progress);
    void onFinished(const execution::ExecutionSummary &summary);
    void onFailed(const QString &message);
    void setMessage(const QString &text);

    PlanModel *m_planModel = nullptr;
    SkippedLinesModel *m_skippedModel = nullptr;
    HarvestableLotsModel *m_harvestModel = nullptr;
    ExecutionController *m_controller = nullptr;

    QComboBox *m_mode = nullptr;
    QLineEdit *m_amount = nullptr;
    QLineEdit *m_minTrade = nullptr;
    QDoubleSpinBox *m_maxTurnover = nullptr;
    QLineEdit *m_excluded = nullptr; ///< assets this plan leaves alone, comma-separated
    QLineEdit *m_fallingGuard = nullptr; ///< percent below the peak past which nothing more is bought; empty = off
    // Tax preferences of the plan.
    QComboBox *m_lotSelection = nullptr;
    QSpinBox *m_longTermDays = nullptr;
    QLineEdit *m_maxGain = nullptr;
    QSpinBox *m_minLotAge = nullptr;
    QDoubleSpinBox *m_youngLotOverride = nullptr;
    QLineEdit *m_harvestThreshold = nullptr;
    QCheckBox *m_cashFirst = nullptr;
    QLabel *m_taxSource = nullptr;
    QPushButton *m_taxFromPolicy = nullptr;
    /// What the page fills in from the policy.
    struct PolicyFields
    {
        rebalance::PlanMode mode;
        money::Decimal minTrade;
        std::optional<double> maxTurnover;
        QStringList excluded;
        std::optional<double> fallingGuard;
        rebalance::TaxPreferences tax;
        bool operator==(const PolicyFields &) const = default;
    };
    /// The policy's values as last filled into the fields.
    std::optional<PolicyFields> m_policyFields;
    bool m_policyJustRead = false; ///< within showEvent, after it filled the fields in
    /// The policy as last read, for the drift line of the reload that read it (not read again).
    std::optional<services::KnownPolicy> m_policy;
    QPushButton *m_propose = nullptr;
    QLabel *m_planTitle = nullptr;
    QTableView *m_table = nullptr;
    QLabel *m_totals = nullptr;
    QLabel *m_skippedTitle = nullptr;
    QTableView *m_skipped = nullptr;
    QLabel *m_harvestTitle = nullptr;
    QTableView *m_harvest = nullptr;
    QCheckBox *m_dryRun = nullptr;
    QPushButton *m_execute = nullptr;
    QProgressBar *m_progress = nullptr;
    QPushButton *m_cancel = nullptr;
    QLabel *m_message = nullptr;
    QPointer<ExecutionConfirmDialog> m_confirm;
    QPointer<ExecutionSummaryDialog> m_summary;

    QPointer<QMessageBox> m_staleBox;

    domain::PlanStatus m_planStatus = domain::PlanStatus::Proposed; ///< stored status of the plan on show
    QString m_executedPlanId;
    QSet<int> m_sentLines;
    std::optional<rebalance::RebalancePlan> m_derived; ///< the last approved subset stored, reused while the ticks stay
    QSet<int> m_derivedLines;
};

} // namespace ballast::ui
