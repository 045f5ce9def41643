#pragma once

#include "allocation/allocationmodel.h"
#include "common/result.h"
#include "domain/portfolio.h"
#include "views/view.h"

#include <QTimer>

#include <memory>

class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QSpinBox;
class QTabWidget;
class QTableView;
class QThread;
class QUndoStack;

namespace ballast::ui {

class PolicyEditor;
class PreviewModel;
class TargetsModel;

/// The target weights and bands editor, with allocation models and a live preview.
class TargetsView : public View
{
    Q_OBJECT

public:
    explicit TargetsView(AppContext &context, QWidget *parent = nullptr);
    ~TargetsView() override;

    /// The edits of this page, for Edit > Undo and Redo.
    [[nodiscard]] QUndoStack *undoStack() const override { return m_undo; }

    QList<ExportTarget> exportTargets() override;

    [[nodiscard]] TargetsModel *model() const { return m_model; }
    [[nodiscard]] PreviewModel *previewModel() const { return m_preview; }
    [[nodiscard]] QTableView *table() const { return m_table; }
    [[nodiscard]] QPushButton *saveButton() const { return m_save; }
    [[nodiscard]] QPushButton *revertButton() const { return m_revert; }
    [[nodiscard]] QLabel *sumLabel() const { return m_sum; }
    [[nodiscard]] QLabel *messageLabel() const { return m_messages; }
    [[nodiscard]] QLabel *previewSummary() const { return m_previewSummary; }
    /// Says which band the policy applies in place of the ones typed here; hidden when it names none.
    [[nodiscard]] QLabel *bandSourceLabel() const { return m_bandSource; }
    /// The "Rebalancing policy" tab's editor (its edits share this page's undo stack).
    [[nodiscard]] PolicyEditor *policyEditor() const { return m_policy; }
    /// Shows the targets (0) or the rebalancing policy (1) tab.
    void showTab(int index);
    /// True when the editor differs from the stored targets.
    [[nodiscard]] bool isDirty() const;
    /// True while "Start from model" computes on its worker.
    [[nodiscard]] bool isAllocating() const { return m_worker != nullptr; }

public slots:
    /// Reloads the stored targets (when nothing is being edited) and current weights.
    void refresh();
    /// Stores the edited targets (one transaction); false, with a message, when refused.
    bool save();
    /// Back to the stored targets (an undoable step).
    void revert();
    /// Adds @p asset with a weight of 0 (an undoable step); false when it is already there.
    bool addAsset(const QString &asset);
    /// Removes the asset in @p row (an undoable step).
    void removeRow(int row);
    /// Computes @p model's weights from stored history on a worker thread and
    /// applies them as one undoable step; emits modelApplied or modelFailed.
    void startFromModel(allocation::Model model, int windowDays = 365);
    /// Recomputes the preview now instead of after the typing pause.
    void updatePreview();

signals:
    void modelApplied();
    void modelFailed(const QString &message);
    void previewUpdated();

private:
    struct ThreadStopper
    {
        void operator()(QThread *thread) const;
    };

    void updateValidation();
    void modelFinished(allocation::Model model, const std::shared_ptr<Result<QList<double>>> &result);
    void showProblem(const QString &message);
    /// Reads the stored policy's named band and exclusions into the Band column.
    void readPolicyBands();

    QUndoStack *m_undo = nullptr;
    TargetsModel *m_model = nullptr;
    PreviewModel *m_preview = nullptr;
    domain::Portfolio m_stored;
    bool m_loaded = false;
    QTimer m_previewTimer;
    std::unique_ptr<QThread, ThreadStopper> m_worker;

    QTableView *m_table = nullptr;
    QLineEdit *m_newAsset = nullptr;
    QPushButton *m_add = nullptr;
    QPushButton *m_remove = nullptr;
    QComboBox *m_modelChoice = nullptr;
    QSpinBox *m_window = nullptr;
    QPushButton *m_apply = nullptr;
    QLineEdit *m_defaultBand = nullptr;
    QLabel *m_bandSource = nullptr;
    QLabel *m_sum = nullptr;
    QLabel *m_messages = nullptr;
    QPushButton *m_save = nullptr;
    QPushButton *m_revert = nullptr;
    QTableView *m_previewTable = nullptr;
    QLabel *m_previewSummary = nullptr;
    QTabWidget *m_tabs = nullptr;
    PolicyEditor *m_policy = nullptr;
};

} // namespace ballast::ui
