#include "backtest/sweepdialog.h"

#include <QCheckBox>
#include <QCoreApplication>
#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QLocale>
#include <QPushButton>
#include <QVBoxLayout>

#include <array>

namespace ballast::ui {

namespace {

constexpr std::array kPeriods{rebalance::CalendarPeriod::Day, rebalance::CalendarPeriod::Week,
                              rebalance::CalendarPeriod::Month, rebalance::CalendarPeriod::Quarter};

QDoubleSpinBox *bandSpin(const QString &name, const QString &accessible, QWidget *parent)
{
    auto *spin = new QDoubleSpinBox(parent);
    spin->setObjectName(name);
    spin->setAccessibleName(accessible);
    spin->setRange(0.01, 100.0);
    spin->setDecimals(2);
    spin->setSingleStep(0.5);
    spin->setSuffix(QCoreApplication::translate("ballast::ui::SweepDialog", " pp"));
    return spin;
}

} // namespace

SweepDialog::SweepDialog(const QList<std::pair<QString, WeightSource>> &weightChoices, QWidget *parent)
    : QDialog(parent)
    , m_choices(weightChoices)
{
    setObjectName(QStringLiteral("sweepDialog"));
    setWindowTitle(tr("Parameter Sweep"));
    auto *layout = new QVBoxLayout(this);
    auto *intro = new QLabel(tr("Every rule below is backtested with every weight set, on the history, costs, "
                                "overlay and guards chosen on the page."),
                             this);
    intro->setWordWrap(true);
    layout->addWidget(intro);

    auto *rules = new QGroupBox(tr("Rules"), this);
    auto *rulesLayout = new QFormLayout(rules);
    m_thresholds = new QCheckBox(tr("Threshold rule for every band"), rules);
    m_thresholds->setObjectName(QStringLiteral("sweepThresholds"));
    m_thresholds->setChecked(true);
    rulesLayout->addRow(m_thresholds);
    m_from = bandSpin(QStringLiteral("sweepFrom"), tr("Smallest band"), rules);
    m_to = bandSpin(QStringLiteral("sweepTo"), tr("Largest band"), rules);
    m_step = bandSpin(QStringLiteral("sweepStep"), tr("Band step"), rules);
    m_from->setValue(1.0);
    m_to->setValue(20.0);
    m_step->setValue(1.0);
    auto *bandRow = new QHBoxLayout;
    bandRow->addWidget(m_from);
    bandRow->addWidget(new QLabel(tr("to"), rules));
    bandRow->addWidget(m_to);
    bandRow->addWidget(new QLabel(tr("step"), rules));
    bandRow->addWidget(m_step);
    rulesLayout->addRow(tr("Bands:"), bandRow);
    auto *periodRow = new QHBoxLayout;
    const QStringList periodTitles{tr("Day"), tr("Week"), tr("Month"), tr("Quarter")};
    for (qsizetype i = 0; i < periodTitles.size(); ++i) {
        auto *box = new QCheckBox(periodTitles[i], rules);
        box->setObjectName(QStringLiteral("sweepPeriod%1").arg(i));
        box->setAccessibleName(tr("Calendar rule every %1").arg(periodTitles[i].toLower()));
        m_periods.append(box);
        periodRow->addWidget(box);
    }
    periodRow->addStretch();
    rulesLayout->addRow(tr("Calendar:"), periodRow);
    m_hybrids = new QCheckBox(tr("Hybrid rule for every period and band"), rules);
    m_hybrids->setObjectName(QStringLiteral("sweepHybrids"));
    rulesLayout->addRow(m_hybrids);
    m_never = new QCheckBox(tr("Buy and hold (never rebalance)"), rules);
    m_never->setObjectName(QStringLiteral("sweepNever"));
    rulesLayout->addRow(m_never);
    layout->addWidget(rules);

    auto *weights = new QGroupBox(tr("Weight sets"), this);
    auto *weightsLayout = new QVBoxLayout(weights);
    m_weights = new QListWidget(weights);
    m_weights->setObjectName(QStringLiteral("sweepWeights"));
    m_weights->setAccessibleName(tr("Weight sets"));
    for (const auto &choice : m_choices) {
        auto *item = new QListWidgetItem(choice.first, m_weights);
        item->setFlags(Qt::ItemIsEnabled | Qt::ItemIsUserCheckable);
        item->setCheckState(m_weights->count() == 1 ? Qt::Checked : Qt::Unchecked);
    }
    m_weights->setMaximumHeight(m_weights->sizeHintForRow(0) * static_cast<int>(m_choices.size() + 1));
    weightsLayout->addWidget(m_weights);
    auto *lookAhead = new QLabel(tr("Model weights are estimated over the whole range: they know the future they "
                                    "are tested on."),
                                 weights);
    lookAhead->setWordWrap(true);
    weightsLayout->addWidget(lookAhead);
    layout->addWidget(weights);

    m_count = new QLabel(this);
    m_count->setObjectName(QStringLiteral("sweepCount"));
    layout->addWidget(m_count);
    m_buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    m_buttons->button(QDialogButtonBox::Ok)->setText(tr("Start Sweep"));
    layout->addWidget(m_buttons);
    connect(m_buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    for (QDoubleSpinBox *spin : {m_from, m_to, m_step})
        connect(spin, &QDoubleSpinBox::valueChanged, this, &SweepDialog::updateCount);
    for (QCheckBox *box : QList<QCheckBox *>{m_thresholds, m_hybrids, m_never} + m_periods)
        connect(box, &QCheckBox::toggled, this, &SweepDialog::updateCount);
    connect(m_weights, &QListWidget::itemChanged, this, &SweepDialog::updateCount);
    updateCount();
}

SweepGrid SweepDialog::grid() const
{
    SweepGrid grid;
    grid.thresholds = m_thresholds->isChecked();
    grid.thresholdFrom = m_from->value();
    grid.thresholdTo = m_to->value();
    grid.thresholdStep = m_step->value();
    for (qsizetype i = 0; i < m_periods.size(); ++i) {
        if (m_periods[i]->isChecked())
            grid.periods.append(kPeriods[static_cast<std::size_t>(i)]);
    }
    grid.hybrids = m_hybrids->isChecked();
    grid.never = m_never->isChecked();
    for (int row = 0; row < m_weights->count(); ++row) {
        if (m_weights->item(row)->checkState() == Qt::Checked)
            grid.weightSources.append(m_choices[row].second);
    }
    return grid;
}

void SweepDialog::setGrid(const SweepGrid &grid)
{
    m_thresholds->setChecked(grid.thresholds);
    m_from->setValue(grid.thresholdFrom);
    m_to->setValue(grid.thresholdTo);
    m_step->setValue(grid.thresholdStep);
    for (qsizetype i = 0; i < m_periods.size(); ++i)
        m_periods[i]->setChecked(grid.periods.contains(kPeriods[static_cast<std::size_t>(i)]));
    m_hybrids->setChecked(grid.hybrids);
    m_never->setChecked(grid.never);
    for (int row = 0; row < m_weights->count(); ++row) {
        bool chosen = false;
        for (const auto &source : grid.weightSources)
            chosen = chosen || source.name == m_choices[row].second.name;
        m_weights->item(row)->setCheckState(chosen ? Qt::Checked : Qt::Unchecked);
    }
    updateCount();
}

void SweepDialog::updateCount()
{
    const SweepGrid current = grid();
    const qint64 runs = current.runCount();
    const bool tooMany = runs > SweepGrid::kMaxRuns;
    if (tooMany) {
        m_count->setText(tr("%1 runs: at most %2; use a larger step or fewer periods.")
                             .arg(QLocale().toString(runs), QLocale().toString(SweepGrid::kMaxRuns)));
    } else if (runs == 0) {
        m_count->setText(tr("No runs: choose at least one rule and one weight set."));
    } else {
        m_count->setText(runs == 1 ? tr("1 run") : tr("%1 runs").arg(QLocale().toString(runs)));
    }
    m_buttons->button(QDialogButtonBox::Ok)->setEnabled(runs > 0 && !tooMany);
}

} // namespace ballast::ui
