#pragma once

#include "backtest/backtestrunner.h"

#include <QDialog>
#include <QList>
#include <QString>

#include <utility>

class QCheckBox;
class QDialogButtonBox;
class QDoubleSpinBox;
class QLabel;
class QListWidget;

namespace ballast::ui {

/// Asks for the grid of a parameter sweep (bands x calendar periods x weight
/// sets) and shows how many runs it makes.
class SweepDialog : public QDialog
{
    Q_OBJECT

public:
    /// @p weightChoices: a title per weight source the page offers.
    SweepDialog(const QList<std::pair<QString, WeightSource>> &weightChoices, QWidget *parent = nullptr);

    [[nodiscard]] SweepGrid grid() const;
    void setGrid(const SweepGrid &grid);

private:
    void updateCount();

    QList<std::pair<QString, WeightSource>> m_choices;
    QCheckBox *m_thresholds = nullptr;
    QDoubleSpinBox *m_from = nullptr;
    QDoubleSpinBox *m_to = nullptr;
    QDoubleSpinBox *m_step = nullptr;
    QList<QCheckBox *> m_periods;
    QCheckBox *m_hybrids = nullptr;
    QCheckBox *m_never = nullptr;
    QListWidget *m_weights = nullptr;
    QLabel *m_count = nullptr;
    QDialogButtonBox *m_buttons = nullptr;
};

} // namespace ballast::ui
