#pragma once

#include "common/result.h"
#include "rebalance/rebalancepolicy.h"

#include <QHash>
#include <QVariantMap>
#include <QWidget>

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QSpinBox;
class QUndoStack;

namespace ballast::ui {

class AppContext;

/// The editor of the portfolio's rebalancing policy on the Targets page:
/// the rule, the plan's mode and limits, the tax preferences and the sync
/// interval. What is typed is checked by RebalancePolicy itself and each
/// problem is shown beside its field; Save stores the whole policy through
/// PolicyService in one transaction or nothing. Every edit is one step on
/// the page's undo stack.
class PolicyEditor : public QWidget
{
    Q_OBJECT

public:
    /// The form's contents: one value per field, keyed by the field's object name.
    using FormState = QVariantMap;

    PolicyEditor(AppContext &context, QUndoStack *undo, QWidget *parent = nullptr);

    /// The policy the form describes, or the problems found, by field
    /// (the object name of the field) and message.
    [[nodiscard]] Result<rebalance::RebalancePolicy> policy(QHash<QString, QString> *problems = nullptr) const;
    [[nodiscard]] FormState state() const;
    /// Fills the form (what undo and redo call); pushes nothing.
    void setState(const FormState &state);
    /// True when the form differs from the stored policy.
    [[nodiscard]] bool isDirty() const;
    /// The message beside @p field (its object name); empty when it is fine.
    [[nodiscard]] QString problem(const QString &field) const;
    [[nodiscard]] QPushButton *saveButton() const { return m_save; }
    [[nodiscard]] QPushButton *revertButton() const { return m_revert; }

    static FormState stateOf(const rebalance::RebalancePolicy &policy);

public slots:
    /// Re-reads the stored policy; the form follows when nothing is being edited.
    void refresh();
    /// Stores the policy; false, with the problems beside their fields, when refused (nothing is stored then).
    bool save();
    /// Back to the stored policy (one undoable step).
    void revert();

signals:
    void saved();

private:
    QWidget *field(QWidget *input, const QString &name);
    void recordEdit();
    void updateControls();
    void showProblems(const QHash<QString, QString> &problems);

    AppContext &m_context;
    QUndoStack *m_undo;
    QString m_portfolio;
    FormState m_stored;
    FormState m_recorded; ///< the state the last undo step left
    bool m_applying = false;

    QComboBox *m_ruleKind = nullptr;
    QComboBox *m_rulePeriod = nullptr;
    QLineEdit *m_ruleBand = nullptr;
    QLineEdit *m_band = nullptr;
    QComboBox *m_modeKind = nullptr;
    QLineEdit *m_modeAmount = nullptr;
    QLineEdit *m_minTrade = nullptr;
    QLineEdit *m_maxTurnover = nullptr;
    QLineEdit *m_excluded = nullptr;
    QLineEdit *m_fallingGuard = nullptr;
    QComboBox *m_lotSelection = nullptr;
    QSpinBox *m_longTermDays = nullptr;
    QLineEdit *m_maxRealizedGain = nullptr;
    QSpinBox *m_minLotAgeDays = nullptr;
    QLineEdit *m_youngLotOverride = nullptr;
    QCheckBox *m_cashFirst = nullptr;
    QLineEdit *m_harvestLossThreshold = nullptr;
    QLineEdit *m_syncInterval = nullptr;
    QHash<QString, QLabel *> m_problems; ///< by field
    QLabel *m_message = nullptr;
    QPushButton *m_save = nullptr;
    QPushButton *m_revert = nullptr;
};

} // namespace ballast::ui
