#include "views/rebalanceview.h"

#include "appcontext.h"
#include "dialogs/executionconfirmdialog.h"
#include "dialogs/executionsummarydialog.h"
#include "domain/assetcatalog.h"
#include "execution/executioncontroller.h"
#include "io/exports.h"
#include "models/decimaltext.h"
#include "models/harvestablelotsmodel.h"
#include "models/planmodel.h"
#include "models/skippedlinesmodel.h"
#include "rebalance/planapproval.h"
#include "services/ledger.h"
#include "services/planservice.h"
#include "services/policyservice.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QGridLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QMessageBox>
#include <QProgressBar>
#include <QPushButton>
#include <QSpinBox>
#include <QSplitter>
#include <QTableView>
#include <QTimeZone>
#include <QTimer>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

namespace ballast::ui {

using domain::PlanStatus;
using money::Decimal;
using rebalance::PlanMode;
using rebalance::RebalancePlan;

namespace {

/// A decimal typed in the person's locale (group separators allowed).
std::optional<Decimal> parseAmount(const QString &text)
{
    const QLocale locale;
    QString plain = text.trimmed();
    plain.remove(locale.groupSeparator());
    plain.replace(locale.decimalPoint(), QStringLiteral("."));
    if (plain.isEmpty())
        return Decimal();
    auto value = Decimal::parse(plain);
    if (!value || value->isNegative())
        return std::nullopt;
    return *value;
}

/// A fraction as typed in the falling-asset guard's field: "25" for 0.25.
QString guardText(double fraction)
{
    return QString::number(fraction * 100.0, 'g', 12);
}

QString modeText(const PlanMode &mode, const QString &quote)
{
    switch (mode.kind) {
    case PlanMode::Kind::Target:
        return RebalanceView::tr("back to the targets");
    case PlanMode::Kind::BandEdge:
        return RebalanceView::tr("to the band's edge");
    case PlanMode::Kind::Invest:
        return RebalanceView::tr("invest %1 %2").arg(decimalText(mode.amount, 2), quote);
    case PlanMode::Kind::Withdraw:
        return RebalanceView::tr("withdraw %1 %2").arg(decimalText(mode.amount, 2), quote);
    }
    return {};
}

} // namespace

RebalanceView::RebalanceView(AppContext &context, QWidget *parent)
    : View(context, parent)
    , m_planModel(new PlanModel(this))
    , m_skippedModel(new SkippedLinesModel(this))
    , m_harvestModel(new HarvestableLotsModel(this))
    , m_controller(new ExecutionController(context, this))
{
    buildUi();
    connect(m_planModel, &PlanModel::approvalChanged, this, [this] {
        updateTotals();
        updateActions();
    });
    connect(m_controller, &ExecutionController::orderProgress, this, &RebalanceView::onProgress);
    connect(m_controller, &ExecutionController::finished, this, &RebalanceView::onFinished);
    connect(m_controller, &ExecutionController::failed, this, &RebalanceView::onFailed);
    connect(m_controller, &ExecutionController::stalePlan, this, &RebalanceView::onStale);
    connect(m_controller, &ExecutionController::reconciled, this, [this](const QString &message) {
        setMessage(message.isEmpty() ? tr("Earlier orders are settled.") : message);
        refresh();
    });
    connect(m_controller, &ExecutionController::busyChanged, this, &RebalanceView::updateActions);
    connect(&context, &AppContext::executingChanged, this, &RebalanceView::updateActions);
    connect(&context, &AppContext::backgroundWriteChanged, this, &RebalanceView::updateActions);
    connect(&context, &AppContext::ledgerChanged, this, &RebalanceView::refresh);
    refresh();
    // After the window is up: reconciliation may ask for the vault passphrase.
    QTimer::singleShot(0, this, &RebalanceView::reconcileIfNeeded);
}

RebalanceView::~RebalanceView()
{
    // The controller goes first, while this page is whole: its destructor ends
    // the execution thread and clears AppContext::executing, whose signal this
    // page listens to.
    disconnect(&context(), nullptr, this, nullptr);
    m_controller->disconnect(this);
    delete m_controller;
    m_controller = nullptr;
}

ExecutionConfirmDialog *RebalanceView::confirmDialog() const
{
    return m_confirm.data();
}

ExecutionSummaryDialog *RebalanceView::summaryDialog() const
{
    return m_summary.data();
}

QMessageBox *RebalanceView::staleDialog() const
{
    return m_staleBox.data();
}

void RebalanceView::onStale(const QString &planId, const QString &message)
{
    setMessage(message);
    if (m_staleBox)
        m_staleBox->close();
    auto *box = new QMessageBox(QMessageBox::Warning, tr("The plan is out of date"),
                                tr("Plan %1 was not sent: what it was planned on has changed since.").arg(planId),
                                QMessageBox::NoButton, this);
    box->setInformativeText(message);
    box->setAttribute(Qt::WA_DeleteOnClose);
    QPushButton *replan = box->addButton(tr("Make a New Plan"), QMessageBox::AcceptRole);
    replan->setObjectName(QStringLiteral("replanButton"));
    box->addButton(QMessageBox::Close);
    connect(replan, &QPushButton::clicked, this, [this, planId] {
        if (m_controller->isBusy() || context().isExecuting())
            return;
        auto plan = services::PlanService(context().db(), context().clock()).replan(planId);
        if (!plan) {
            setMessage(tr("No new plan: %1").arg(plan.error().message));
            return;
        }
        showPlan(*plan, PlanStatus::Proposed);
        setMessage(tr("Plan %1 replaces %2, from the holdings as they are now: check it, then Execute.")
                       .arg(plan->id, planId));
    });
    m_staleBox = box;
    box->open();
}

void RebalanceView::buildUi()
{
    auto *layout = new QVBoxLayout(this);

    // What to plan.
    auto *form = new QHBoxLayout;
    const QString perPlan = tr("Filled in from the rebalancing policy (Targets page) each time this page is shown or "
                               "the policy changes; a change here applies only to the plans you propose on this "
                               "page. Change the policy to change it for good.");
    m_mode = new QComboBox(this);
    m_mode->setObjectName(QStringLiteral("planMode"));
    m_mode->setAccessibleName(tr("Rebalance mode"));
    m_mode->addItem(tr("Back to the targets"), static_cast<int>(PlanMode::Kind::Target));
    m_mode->addItem(tr("Only to the band's edge"), static_cast<int>(PlanMode::Kind::BandEdge));
    m_mode->addItem(tr("Invest an amount"), static_cast<int>(PlanMode::Kind::Invest));
    m_mode->addItem(tr("Withdraw an amount"), static_cast<int>(PlanMode::Kind::Withdraw));
    m_amount = new QLineEdit(this);
    m_amount->setObjectName(QStringLiteral("planAmount"));
    m_amount->setAccessibleName(tr("Amount to invest or withdraw"));
    m_amount->setPlaceholderText(tr("amount"));
    m_amount->setEnabled(false);
    m_amount->setMaximumWidth(120);
    connect(m_mode, &QComboBox::currentIndexChanged, this, [this] {
        const auto kind = static_cast<PlanMode::Kind>(m_mode->currentData().toInt());
        m_amount->setEnabled(kind == PlanMode::Kind::Invest || kind == PlanMode::Kind::Withdraw);
    });
    m_minTrade = new QLineEdit(this);
    m_minTrade->setObjectName(QStringLiteral("minTrade"));
    m_minTrade->setAccessibleName(tr("Minimum trade value"));
    m_minTrade->setPlaceholderText(tr("none"));
    m_minTrade->setMaximumWidth(110);
    m_maxTurnover = new QDoubleSpinBox(this);
    m_maxTurnover->setObjectName(QStringLiteral("maxTurnover"));
    m_maxTurnover->setAccessibleName(tr("Maximum turnover"));
    m_maxTurnover->setRange(0.0, 100.0);
    m_maxTurnover->setDecimals(1);
    m_maxTurnover->setSuffix(QStringLiteral(" %"));
    m_maxTurnover->setSpecialValueText(tr("no limit"));
    m_excluded = new QLineEdit(this);
    m_excluded->setObjectName(QStringLiteral("excluded"));
    m_excluded->setAccessibleName(tr("Assets this plan does not trade, separated by commas"));
    m_excluded->setPlaceholderText(tr("none"));
    m_excluded->setMinimumWidth(120);
    m_fallingGuard = new QLineEdit(this);
    m_fallingGuard->setObjectName(QStringLiteral("fallingGuard"));
    m_fallingGuard->setAccessibleName(
        tr("Falling-asset guard: buy no more of an asset this many percent below its peak"));
    m_fallingGuard->setPlaceholderText(tr("off"));
    m_fallingGuard->setMaximumWidth(80);
    for (QWidget *field : {static_cast<QWidget *>(m_mode), static_cast<QWidget *>(m_amount),
                           static_cast<QWidget *>(m_minTrade), static_cast<QWidget *>(m_maxTurnover),
                           static_cast<QWidget *>(m_excluded), static_cast<QWidget *>(m_fallingGuard)})
        field->setToolTip(field->accessibleName() + QLatin1Char('.') + QLatin1Char('\n') + perPlan);
    m_propose = new QPushButton(tr("Propose"), this);
    m_propose->setObjectName(QStringLiteral("proposeButton"));
    m_propose->setAccessibleName(tr("Propose a plan"));
    connect(m_propose, &QPushButton::clicked, this, [this] { propose(); });
    auto addLabelled = [&](const QString &text, QWidget *field) {
        auto *label = new QLabel(text, this);
        label->setBuddy(field);
        form->addWidget(label);
        form->addWidget(field);
    };
    addLabelled(tr("&Mode:"), m_mode);
    form->addWidget(m_amount);
    addLabelled(tr("Minimum &trade:"), m_minTrade);
    addLabelled(tr("Max t&urnover:"), m_maxTurnover);
    form->addStretch(1);
    form->addWidget(m_propose);
    layout->addLayout(form);
    // What the plan leaves alone: filled in from the policy, like the fields above.
    auto *limits = new QHBoxLayout;
    {
        auto *label = new QLabel(tr("E&xcluded:"), this);
        label->setBuddy(m_excluded);
        limits->addWidget(label);
        limits->addWidget(m_excluded, 1);
        auto *guardLabel = new QLabel(tr("Falling-asset &guard:"), this);
        guardLabel->setBuddy(m_fallingGuard);
        limits->addWidget(guardLabel);
        limits->addWidget(m_fallingGuard);
        limits->addWidget(new QLabel(tr("% below the peak"), this));
        limits->addStretch(1);
    }
    layout->addLayout(limits);

    // How the plan treats tax: filled in from the policy, changed here for
    // the plans of this page only.
    auto *taxBox = new QGroupBox(tr("Tax for this plan"), this);
    taxBox->setObjectName(QStringLiteral("taxBox"));
    taxBox->setToolTip(perPlan);
    auto *taxForm = new QGridLayout(taxBox);
    m_lotSelection = new QComboBox(taxBox);
    m_lotSelection->setObjectName(QStringLiteral("lotSelection"));
    m_lotSelection->setAccessibleName(tr("Which lots sales take"));
    m_lotSelection->addItem(tr("Highest cost first"), static_cast<int>(analytics::LotSelection::Hifo));
    m_lotSelection->addItem(tr("Oldest first"), static_cast<int>(analytics::LotSelection::Fifo));
    m_lotSelection->addItem(tr("Least gain"), static_cast<int>(analytics::LotSelection::LeastGain));
    m_lotSelection->addItem(tr("Long-term first"), static_cast<int>(analytics::LotSelection::PreferLongTerm));
    m_longTermDays = new QSpinBox(taxBox);
    m_longTermDays->setObjectName(QStringLiteral("longTermDays"));
    m_longTermDays->setAccessibleName(tr("A lot is long term when held more than this many days"));
    m_longTermDays->setRange(0, 36500);
    m_longTermDays->setSuffix(tr(" days"));
    m_maxGain = new QLineEdit(taxBox);
    m_maxGain->setObjectName(QStringLiteral("maxGain"));
    m_maxGain->setAccessibleName(tr("Gain budget: the most gain the plan may realize"));
    m_maxGain->setPlaceholderText(tr("none"));
    m_maxGain->setMinimumWidth(80);
    m_maxGain->setMaximumWidth(110);
    m_minLotAge = new QSpinBox(taxBox);
    m_minLotAge->setObjectName(QStringLiteral("minLotAge"));
    m_minLotAge->setAccessibleName(tr("Do not sell lots younger than this many days"));
    m_minLotAge->setRange(0, 36500);
    m_minLotAge->setSuffix(tr(" days"));
    m_minLotAge->setSpecialValueText(tr("any age"));
    m_youngLotOverride = new QDoubleSpinBox(taxBox);
    m_youngLotOverride->setObjectName(QStringLiteral("youngLotOverride"));
    m_youngLotOverride->setAccessibleName(
        tr("Young lots may be sold when their asset is outside its band by more than this many percentage points"));
    m_youngLotOverride->setRange(0.0, 100.0);
    m_youngLotOverride->setDecimals(2);
    m_youngLotOverride->setSuffix(tr(" pp"));
    m_youngLotOverride->setSpecialValueText(tr("never"));
    m_youngLotOverride->setEnabled(false);
    connect(m_minLotAge, &QSpinBox::valueChanged, this, [this](int days) { m_youngLotOverride->setEnabled(days > 0); });
    m_harvestThreshold = new QLineEdit(taxBox);
    m_harvestThreshold->setObjectName(QStringLiteral("harvestThreshold"));
    m_harvestThreshold->setAccessibleName(tr("List lots whose sale would realize a loss above this"));
    m_harvestThreshold->setPlaceholderText(tr("none"));
    m_harvestThreshold->setMinimumWidth(80);
    m_harvestThreshold->setMaximumWidth(110);
    m_cashFirst = new QCheckBox(tr("Cash &first"), taxBox);
    m_cashFirst->setObjectName(QStringLiteral("cashFirst"));
    m_cashFirst->setToolTip(tr("Buy with the spare cash before selling; sell only what is still outside its band.")
                            + QLatin1Char('\n') + perPlan);
    m_taxSource = new QLabel(taxBox);
    m_taxSource->setObjectName(QStringLiteral("taxSource"));
    m_taxSource->setToolTip(perPlan);
    m_taxFromPolicy = new QPushButton(tr("From &policy"), taxBox);
    m_taxFromPolicy->setObjectName(QStringLiteral("taxFromPolicy"));
    m_taxFromPolicy->setToolTip(
        tr("Fill in the mode, the minimum trade, the maximum turnover, the excluded assets, the falling-asset guard "
           "and the tax fields from the rebalancing policy again."));
    connect(m_taxFromPolicy, &QPushButton::clicked, this, [this] { loadPolicy(true); });
    int column = 0;
    int row = 0;
    auto addTaxField = [&](const QString &text, QWidget *field) {
        auto *label = new QLabel(text, taxBox);
        label->setBuddy(field);
        field->setToolTip(field->accessibleName() + QLatin1Char('.') + QLatin1Char('\n') + perPlan);
        taxForm->addWidget(label, row, column++);
        taxForm->addWidget(field, row, column++);
    };
    addTaxField(tr("&Lots:"), m_lotSelection);
    addTaxField(tr("Long-term &after:"), m_longTermDays);
    addTaxField(tr("&Gain budget:"), m_maxGain);
    row = 1;
    column = 0;
    addTaxField(tr("&Keep lots younger than:"), m_minLotAge);
    addTaxField(tr("unless &outside the band by:"), m_youngLotOverride);
    addTaxField(tr("&Harvest losses above:"), m_harvestThreshold);
    const int columns = column;
    // The last line: the check box, the button and where the values come from.
    auto *sourceLine = new QHBoxLayout;
    sourceLine->addWidget(m_cashFirst);
    sourceLine->addWidget(m_taxFromPolicy);
    sourceLine->addWidget(m_taxSource, 1);
    taxForm->addLayout(sourceLine, 2, 0, 1, columns);
    taxForm->setColumnStretch(columns, 1);
    layout->addWidget(taxBox);

    // The plan.
    m_planTitle = new QLabel(this);
    m_planTitle->setAccessibleName(tr("Plan"));
    m_planTitle->setWordWrap(true);
    layout->addWidget(m_planTitle);

    auto *splitter = new QSplitter(Qt::Vertical, this);
    m_table = new QTableView(splitter);
    m_table->setObjectName(QStringLiteral("planTable"));
    m_table->setAccessibleName(tr("Orders of the plan"));
    m_table->setModel(m_planModel);
    m_table->verticalHeader()->hide();
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setAlternatingRowColors(true);
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::Interactive);
    m_table->resizeColumnsToContents();

    auto *skippedBox = new QWidget(splitter);
    auto *skippedLayout = new QVBoxLayout(skippedBox);
    skippedLayout->setContentsMargins(0, 0, 0, 0);
    m_totals = new QLabel(skippedBox);
    m_totals->setObjectName(QStringLiteral("planTotals"));
    m_totals->setAccessibleName(tr("Totals of the approved lines"));
    m_totals->setWordWrap(true);
    m_totals->setTextInteractionFlags(Qt::TextSelectableByMouse);
    skippedLayout->addWidget(m_totals);
    m_skippedTitle = new QLabel(skippedBox);
    skippedLayout->addWidget(m_skippedTitle);
    m_skipped = new QTableView(skippedBox);
    m_skipped->setAccessibleName(tr("Lines left out of the plan"));
    m_skipped->setModel(m_skippedModel);
    m_skipped->verticalHeader()->hide();
    m_skipped->setAlternatingRowColors(true);
    m_skipped->horizontalHeader()->setStretchLastSection(true);
    m_skipped->resizeColumnsToContents();
    m_skipped->hide();
    skippedLayout->addWidget(m_skipped, 1);
    m_harvestTitle = new QLabel(skippedBox);
    m_harvestTitle->setObjectName(QStringLiteral("harvestTitle"));
    m_harvestTitle->setWordWrap(true);
    m_harvestTitle->hide();
    skippedLayout->addWidget(m_harvestTitle);
    m_harvest = new QTableView(skippedBox);
    m_harvest->setObjectName(QStringLiteral("harvestTable"));
    m_harvest->setAccessibleName(tr("Harvestable losses, not in the plan"));
    m_harvest->setModel(m_harvestModel);
    m_harvest->verticalHeader()->hide();
    m_harvest->setAlternatingRowColors(true);
    m_harvest->horizontalHeader()->setStretchLastSection(true);
    m_harvest->hide();
    skippedLayout->addWidget(m_harvest, 1);
    skippedLayout->addStretch(0); // keeps the totals at the top when nothing was skipped
    splitter->addWidget(m_table);
    splitter->addWidget(skippedBox);
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 2);
    layout->addWidget(splitter, 1);

    // Execution.
    auto *run = new QHBoxLayout;
    m_dryRun = new QCheckBox(tr("&Dry run (check every order, send none)"), this);
    m_dryRun->setObjectName(QStringLiteral("dryRunCheck"));
    m_dryRun->setAccessibleName(tr("Dry run"));
    m_execute = new QPushButton(tr("&Execute…"), this);
    m_execute->setObjectName(QStringLiteral("executeButton"));
    m_execute->setAccessibleName(tr("Execute the approved lines"));
    connect(m_execute, &QPushButton::clicked, this, &RebalanceView::execute);
    m_progress = new QProgressBar(this);
    m_progress->setAccessibleName(tr("Execution progress"));
    m_progress->setRange(0, 1);
    m_progress->setValue(0);
    m_progress->setFormat(tr("%v of %m orders"));
    m_progress->hide(); // shown once an execution starts
    m_cancel = new QPushButton(tr("&Cancel execution"), this);
    m_cancel->setObjectName(QStringLiteral("cancelButton"));
    m_cancel->setAccessibleName(tr("Cancel the execution"));
    connect(m_cancel, &QPushButton::clicked, this, &RebalanceView::cancelExecution);
    run->addWidget(m_dryRun);
    run->addStretch(1);
    run->addWidget(m_progress, 2);
    run->addWidget(m_cancel);
    run->addWidget(m_execute);
    layout->addLayout(run);

    m_message = new QLabel(this);
    m_message->setObjectName(QStringLiteral("executionMessage"));
    m_message->setAccessibleName(tr("Execution status"));
    m_message->setWordWrap(true);
    m_message->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_message);
    updateActions();
}

void RebalanceView::setMessage(const QString &text)
{
    m_message->setText(text);
    context().showStatus(text);
}

void RebalanceView::showEvent(QShowEvent *event)
{
    // Each show fills the fields in from the policy, read once: the reload
    // the show may run (the ledger changed while the page was hidden) does
    // not read it again.
    const bool refill = !event->spontaneous();
    if (refill)
        loadPolicy(true);
    m_policyJustRead = refill;
    View::showEvent(event);
    m_policyJustRead = false;
}

void RebalanceView::loadPolicy(bool always)
{
    auto info = services::PolicyService(context().db(), context().clock()).load();
    m_policy.reset();
    if (!info) {
        m_taxSource->setText(
            tr("The policy could not be read (%1): the fields keep what they hold.").arg(info.error().message));
        return;
    }
    const rebalance::RebalancePolicy &policy = info->policy;
    m_policy = services::KnownPolicy{info->portfolioId, policy, info->updatedAt};
    PolicyFields fields{policy.mode,     policy.minTrade,     policy.maxTurnover,
                        policy.excluded, policy.fallingGuard, policy.tax};
    if (!always && m_policyFields && *m_policyFields == fields)
        return;
    m_policyFields = fields;
    const PlanMode::Kind kind = policy.mode.kind;
    m_mode->setCurrentIndex(std::max(0, m_mode->findData(static_cast<int>(kind))));
    const bool withAmount = kind == PlanMode::Kind::Invest || kind == PlanMode::Kind::Withdraw;
    m_amount->setText(withAmount ? decimalText(policy.mode.amount) : QString());
    m_amount->setEnabled(withAmount);
    m_minTrade->setText(policy.minTrade.isZero() ? QString() : decimalText(policy.minTrade));
    m_maxTurnover->setValue(policy.maxTurnover ? *policy.maxTurnover * 100.0 : 0.0);
    m_excluded->setText(policy.excluded.join(QStringLiteral(", ")));
    m_fallingGuard->setText(policy.fallingGuard ? guardText(*policy.fallingGuard) : QString());
    const rebalance::TaxPreferences &tax = policy.tax;
    m_lotSelection->setCurrentIndex(std::max(0, m_lotSelection->findData(static_cast<int>(tax.lotSelection))));
    m_longTermDays->setValue(tax.longTermDays);
    m_maxGain->setText(tax.maxRealizedGain ? decimalText(*tax.maxRealizedGain) : QString());
    m_minLotAge->setValue(tax.minLotAgeDays);
    m_youngLotOverride->setValue(tax.youngLotOverride * 100.0);
    m_youngLotOverride->setEnabled(tax.minLotAgeDays > 0);
    m_harvestThreshold->setText(tax.harvestLossThreshold ? decimalText(*tax.harvestLossThreshold) : QString());
    m_cashFirst->setChecked(tax.cashFirst);
    m_taxSource->setText(
        tr("From the policy of %1; changes here apply to the plans proposed on this page only.").arg(info->portfolio));
}

void RebalanceView::refresh()
{
    whenShown([this] { reload(); });
}

void RebalanceView::reload()
{
    if (!m_policyJustRead)
        loadPolicy(false);
    if (m_controller->isBusy())
        return;
    // With nothing on show, the newest stored plan (proposed or executed).
    if (!m_planModel->hasPlan()) {
        auto portfolio = context().portfolio();
        if (portfolio) {
            services::PlanService plans(context().db(), context().clock());
            auto stored = plans.list(portfolio->name);
            if (stored && !stored->isEmpty()) {
                const auto &newest = stored->first();
                if (auto plan = plans.load(newest.id))
                    showPlan(*plan, newest.status);
            }
        }
    } else if (!m_planModel->plan().id.isEmpty()) {
        if (auto status = services::PlanService(context().db(), context().clock()).status(m_planModel->plan().id))
            m_planStatus = *status;
    }
    if (!m_planModel->hasPlan()) {
        QString now;
        // The drift with the bands of the policy this reload (or the show) just read.
        auto portfolio = context().portfolio();
        auto snapshot =
            portfolio && m_policy ? context().ledger().snapshot(*portfolio, -1, *m_policy) : context().snapshot();
        if (snapshot) {
            QStringList outside;
            for (const auto &position : snapshot->positions()) {
                if (position.outsideBand())
                    outside.append(QStringLiteral("%1 (%2)").arg(position.asset, pointsText(position.drift(), 1)));
            }
            now = outside.isEmpty() ? tr("Every asset is inside its band now.")
                                    : tr("Outside their band now: %1.").arg(outside.join(QStringLiteral(", ")));
        }
        m_planTitle->setText(tr("No plan yet: choose a mode and press Propose.") + QLatin1Char(' ') + now);
        m_totals->clear();
        m_skippedTitle->clear();
        m_skipped->hide();
        m_harvestModel->clear();
        m_harvestTitle->hide();
        m_harvest->hide();
    }
    updateActions();
}

bool RebalanceView::showStoredPlan(const QString &planId)
{
    if (m_controller->isBusy()) {
        setMessage(tr("An execution is running: plan %1 can be opened when it has finished.").arg(planId));
        return false;
    }
    services::PlanService plans(context().db(), context().clock());
    auto plan = plans.load(planId);
    auto status = plan ? plans.status(planId) : Result<PlanStatus>(plan.error());
    if (!plan || !status) {
        setMessage(tr("Plan %1 cannot be shown: %2").arg(planId, (!plan ? plan.error() : status.error()).message));
        return false;
    }
    showPlan(*plan, *status);
    setMessage(
        tr("Plan %1 was prepared by the rebalancing policy: untick what you do not want, then Execute.").arg(planId));
    return true;
}

void RebalanceView::showPlan(const RebalancePlan &plan, PlanStatus status)
{
    m_planModel->setPlan(plan);
    m_skippedModel->setPlan(plan);
    m_harvestModel->setPlan(plan);
    m_planStatus = status;
    m_derived.reset();
    m_derivedLines.clear();
    m_sentLines.clear();
    m_progress->setRange(0, std::max<int>(1, static_cast<int>(plan.orders.size())));
    m_progress->setValue(0);
    m_progress->hide();
    // A stored plan that already ran shows what the journal knows of it.
    if (!domain::isStartable(status)) {
        m_planModel->setLocked(true);
        if (auto entries = services::PlanService(context().db(), context().clock()).orders(plan.id);
            entries && !entries->isEmpty()) {
            QSet<int> lines;
            for (const auto &entry : *entries)
                lines.insert(entry.line);
            m_planModel->beginExecution(lines);
            int final = 0;
            for (const auto &entry : *entries)
                final += domain::isFinal(entry.status) ? 1 : 0;
            m_progress->setRange(0, static_cast<int>(entries->size()));
            m_progress->setValue(final);
            m_progress->show();
            for (const auto &entry : *entries) {
                execution::OrderProgress progress;
                progress.line = entry.line;
                progress.clientOrderId = entry.clientOrderId;
                progress.symbol = entry.symbol;
                progress.side = entry.side;
                progress.status = entry.status;
                progress.quantity = entry.quantity;
                progress.filledQuantity = entry.filledQuantity;
                progress.filledQuote = entry.filledQuote;
                progress.message = entry.reason;
                m_planModel->applyProgress(progress);
            }
        }
    }
    m_table->resizeColumnsToContents();
    m_skipped->resizeColumnsToContents();
    const QString when = QLocale().toString(plan.createdAt.toLocalTime(), QLocale::ShortFormat);
    QString title = tr("<b>Plan %1</b>: %2, made %3, %n order(s).", nullptr, static_cast<int>(plan.orders.size()))
                        .arg(plan.id, modeText(plan.mode, plan.quote), when);
    switch (status) {
    case PlanStatus::Executed:
        title += QLatin1Char(' ') + tr("Executed; propose a new plan to trade again.");
        break;
    case PlanStatus::Executing:
        title += QLatin1Char(' ') + tr("Started and not finished; execute it to resume.");
        break;
    case PlanStatus::Superseded:
        title += QLatin1Char(' ') + tr("Replaced by a newer plan or by the lines you approved.");
        break;
    case PlanStatus::Cancelled:
        title += QLatin1Char(' ') + tr("Cancelled.");
        break;
    case PlanStatus::Proposed:
    case PlanStatus::Approved:
        break;
    }
    if (plan.simulated)
        title += QLatin1Char(' ') + tr("Planned on <b>simulated</b> prices.");
    m_planTitle->setText(title);
    m_skippedTitle->setText(plan.skipped.isEmpty() ? tr("Nothing was left out of the plan.")
                                                   : tr("Left out of the plan (%n line(s)):", nullptr,
                                                        static_cast<int>(plan.skipped.size())));
    m_skipped->setVisible(!plan.skipped.isEmpty());
    if (plan.tax.harvestLossThreshold) {
        m_harvestTitle->setText(
            plan.tax.harvestable.isEmpty()
                ? tr("Harvestable losses: no lot would realize a loss above %1 %2.")
                      .arg(decimalText(*plan.tax.harvestLossThreshold, 2), plan.quote)
                : tr("Harvestable losses (%n lot(s) whose sale would realize more than %1 %2; not in the plan, "
                     "sold only if you add them):",
                     nullptr, static_cast<int>(plan.tax.harvestable.size()))
                      .arg(decimalText(*plan.tax.harvestLossThreshold, 2), plan.quote));
        m_harvestTitle->show();
    } else {
        m_harvestTitle->hide();
    }
    m_harvest->setVisible(!plan.tax.harvestable.isEmpty());
    m_harvest->resizeColumnsToContents();
    updateTotals();
    updateActions();
}

void RebalanceView::updateTotals()
{
    if (!m_planModel->hasPlan()) {
        m_totals->clear();
        return;
    }
    const RebalancePlan &plan = m_planModel->approvedPlan();
    Decimal buys;
    Decimal sells;
    for (const auto &order : plan.orders) {
        const Decimal value =
            order.notional * rebalance::PlanApproval::unitValue(plan, order.quote).value_or(Decimal::fromInt(1));
        (order.side == domain::Side::Buy ? buys : sells) += value;
    }
    QStringList outside;
    double largest = 0.0;
    QString largestAsset;
    for (const auto &weight : plan.weights) {
        if (!weight.insideBandAfter())
            outside.append(QStringLiteral("%1 (%2)").arg(weight.asset, pointsText(weight.driftAfter(), 1)));
        if (std::abs(weight.driftAfter()) > std::abs(largest)) {
            largest = weight.driftAfter();
            largestAsset = weight.asset;
        }
    }
    const QString quote = plan.quote;
    QString text = tr("Approved %1 of %2 line(s). Sells %3 %4 · buys %5 %4 · expected fees %6 %4 · turnover %7.")
                       .arg(m_planModel->approvedLines().size())
                       .arg(m_planModel->plan().orders.size())
                       .arg(decimalText(sells, 2), quote, decimalText(buys, 2), decimalText(plan.feesTotal, 2),
                            percentText(plan.turnover));
    text += QLatin1Char(' ');
    if (outside.isEmpty()) {
        text += largestAsset.isEmpty() ? tr("Afterwards every asset is inside its band.")
                                       : tr("Afterwards every asset is inside its band (largest drift %1, %2).")
                                             .arg(pointsText(largest, 2), largestAsset);
    } else {
        text += tr("Afterwards still outside their band: %1.").arg(outside.join(QStringLiteral(", ")));
    }
    const QString tax = taxText(plan);
    if (!tax.isEmpty())
        text += QLatin1Char(' ') + tax;
    m_totals->setText(text);
}

QString RebalanceView::taxText(const RebalancePlan &approved) const
{
    const rebalance::PlanTax &tax = m_planModel->plan().tax;
    if (!tax.estimated)
        return {};
    Decimal shortTerm;
    Decimal longTerm;
    for (const auto &order : approved.orders) {
        shortTerm += order.shortTermGain;
        longTerm += order.longTermGain;
    }
    auto signedText = [](const Decimal &value) {
        return value.isNegative() ? decimalText(value, 2) : QStringLiteral("+") + decimalText(value, 2);
    };
    QString text =
        tr("Estimated realized gain %1 %2 (short term %3, long term %4).")
            .arg(signedText(shortTerm + longTerm), approved.quote, signedText(shortTerm), signedText(longTerm));
    if (tax.gainBudget && tax.budgetBinds) {
        text += QLatin1Char(' ')
            + tr("The gain budget of %1 %2 binds: %3 of the wanted sales kept; up to %4 from target (%5).")
                  .arg(decimalText(*tax.gainBudget, 2), approved.quote, percentText(tax.sellScale),
                       pointsText(std::abs(tax.driftLeft), 1), tax.driftLeftAsset);
    } else if (tax.gainBudget) {
        text += QLatin1Char(' ')
            + tr("Within the gain budget of %1 %2.").arg(decimalText(*tax.gainBudget, 2), approved.quote);
    }
    return text;
}

void RebalanceView::updateActions()
{
    const bool busy = m_controller->isBusy();
    const bool otherWriter = (context().isExecuting() && !busy) || !context().backgroundWrite().isEmpty();
    // A proposal superseded by its approved subset can still send that subset
    // (when the keys could not be unlocked the first time, say).
    const bool subsetReady = m_derived
        && services::PlanService(context().db(), context().clock())
                .status(m_derived->id)
                .valueOr(PlanStatus::Superseded)
            == PlanStatus::Approved;
    const bool executable = m_planModel->hasPlan() && (domain::isStartable(m_planStatus) || subsetReady)
        && !m_planModel->isLocked() && !m_planModel->approvedLines().isEmpty();
    m_propose->setEnabled(!busy && !otherWriter);
    m_execute->setEnabled(!busy && !otherWriter && executable && m_confirm.isNull());
    m_cancel->setEnabled(m_controller->isExecuting());
    m_mode->setEnabled(!busy);
    m_dryRun->setEnabled(!busy);
}

bool RebalanceView::propose()
{
    if (m_controller->isBusy() || context().isExecuting())
        return false;
    auto portfolio = context().portfolio();
    if (!portfolio) {
        setMessage(portfolio.error().message);
        return false;
    }
    PlanMode mode;
    mode.kind = static_cast<PlanMode::Kind>(m_mode->currentData().toInt());
    if (mode.kind == PlanMode::Kind::Invest || mode.kind == PlanMode::Kind::Withdraw) {
        const auto amount = parseAmount(m_amount->text());
        if (!amount || !amount->isPositive()) {
            setMessage(tr("Enter the amount to %1 in %2.")
                           .arg(mode.kind == PlanMode::Kind::Invest ? tr("invest") : tr("withdraw"), portfolio->quote));
            m_amount->setFocus();
            return false;
        }
        mode.amount = *amount;
    }
    rebalance::PlanConstraints constraints;
    const auto minTrade = parseAmount(m_minTrade->text());
    if (!minTrade) {
        setMessage(tr("The minimum trade must be an amount in %1, or empty.").arg(portfolio->quote));
        m_minTrade->setFocus();
        return false;
    }
    constraints.minTradeValue = *minTrade;
    if (m_maxTurnover->value() > 0.0)
        constraints.maxTurnover = m_maxTurnover->value() / 100.0;
    // The assets this plan leaves alone, each a known symbol; a bad one is named and nothing is planned.
    const QStringList typed = m_excluded->text().split(QLatin1Char(','), Qt::SkipEmptyParts);
    for (qsizetype i = 0; i < typed.size(); ++i) {
        const QString text = typed[i].trimmed();
        if (text.isEmpty())
            continue;
        auto symbol = domain::AssetCatalog::normalizeSymbol(text);
        if (!symbol) {
            setMessage(tr("Excluded assets, item %1 (\"%2\"): %3. No plan was made.")
                           .arg(i + 1)
                           .arg(text, symbol.error().message));
            m_excluded->setFocus();
            return false;
        }
        if (!constraints.excluded.contains(*symbol))
            constraints.excluded.append(*symbol);
    }
    if (QString guard = m_fallingGuard->text().trimmed(); !guard.isEmpty()) {
        if (guard.endsWith(QLatin1Char('%')))
            guard.chop(1);
        bool ok = false;
        const double percent = QLocale().toDouble(guard.trimmed(), &ok);
        const double value = ok ? percent : guard.trimmed().toDouble(&ok);
        if (!ok || !std::isfinite(value) || value <= 0.0 || value >= 100.0) {
            setMessage(tr("Falling-asset guard \"%1\": expected a percentage above 0 and below 100, or empty for "
                          "off. No plan was made.")
                           .arg(m_fallingGuard->text()));
            m_fallingGuard->setFocus();
            return false;
        }
        constraints.fallingGuard = value / 100.0;
    }
    constraints.tax.lotSelection = static_cast<analytics::LotSelection>(m_lotSelection->currentData().toInt());
    constraints.tax.longTermDays = m_longTermDays->value();
    constraints.tax.minLotAgeDays = m_minLotAge->value();
    constraints.tax.youngLotOverride = m_youngLotOverride->value() / 100.0;
    constraints.tax.cashFirst = m_cashFirst->isChecked();
    for (const auto &[field, target, what] :
         {std::tuple{m_maxGain, &constraints.tax.maxRealizedGain, tr("gain budget")},
          std::tuple{m_harvestThreshold, &constraints.tax.harvestLossThreshold, tr("harvest threshold")}}) {
        if (field->text().trimmed().isEmpty())
            continue;
        const auto value = parseAmount(field->text());
        if (!value || value->isNegative()) {
            setMessage(tr("The %1 must be an amount in %2, or empty.").arg(what, portfolio->quote));
            field->setFocus();
            return false;
        }
        *target = *value;
    }
    auto plan = services::PlanService(context().db(), context().clock()).propose(portfolio->name, mode, constraints);
    if (!plan) {
        setMessage(tr("No plan: %1").arg(plan.error().message));
        return false;
    }
    showPlan(*plan, PlanStatus::Proposed);
    setMessage(plan->orders.isEmpty()
                   ? tr("The portfolio needs no trade.")
                   : tr("Plan %1 proposed: untick what you do not want, then Execute.").arg(plan->id));
    return true;
}

void RebalanceView::execute()
{
    if (!m_planModel->hasPlan() || m_controller->isBusy() || context().isExecuting() || m_confirm)
        return;
    if (const QString writer = context().backgroundWrite(); !writer.isEmpty()) {
        setMessage(tr("%1: execute when it has finished.").arg(writer));
        return;
    }
    const QSet<int> lines = m_planModel->approvedLines();
    if (lines.isEmpty()) {
        setMessage(tr("No line is ticked: nothing to send."));
        return;
    }
    const RebalancePlan &proposed = m_planModel->plan();
    services::PlanService plans(context().db(), context().clock());
    // The approved lines, stored as the plan that runs: the proposal itself
    // when every line is ticked, else a plan derived from it (reused while the
    // ticks stay the same). The claim supersedes every other version.
    const bool derivedReady = m_derived && m_derivedLines == lines
        && plans.status(m_derived->id).valueOr(PlanStatus::Superseded) == PlanStatus::Approved;
    RebalancePlan toSend;
    if (m_planModel->allApproved()) {
        toSend = proposed; // the proposal itself: nothing to store before it runs
    } else if (derivedReady) {
        toSend = *m_derived;
    } else {
        auto approved = plans.approve(proposed.id, lines);
        if (!approved) {
            setMessage(tr("Plan %1 cannot run: %2").arg(proposed.id, approved.error().message));
            return;
        }
        toSend = *approved;
        if (toSend.id != proposed.id) {
            m_derived = toSend;
            m_derivedLines = lines;
        }
    }
    if (auto runnable = plans.checkRunnable(toSend.id); !runnable) {
        if (runnable.error().code == QLatin1String("plan.stale"))
            onStale(toSend.id, runnable.error().message);
        else
            setMessage(tr("Plan %1 cannot run: %2").arg(toSend.id, runnable.error().message));
        return;
    }

    QList<qint64> ids;
    for (const auto &order : toSend.orders)
        ids.append(order.accountId);
    QStringList real;
    const QList<qint64> exchangeIds = m_controller->exchangeAccounts(ids);
    for (const auto &order : toSend.orders) {
        if (exchangeIds.contains(order.accountId) && !real.contains(order.account))
            real.append(order.account);
    }
    const bool dryRun = m_dryRun->isChecked();
    auto *dialog = new ExecutionConfirmDialog(toSend, real, dryRun, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this, [this, toSend, dryRun] { startExecution(toSend, dryRun); });
    connect(dialog, &QObject::destroyed, this, &RebalanceView::updateActions, Qt::QueuedConnection);
    m_confirm = dialog;
    updateActions();
    dialog->open();
}

void RebalanceView::startExecution(const RebalancePlan &plan, bool dryRun)
{
    // A sync or an import may have started while the confirmation was open.
    if (const QString writer = context().backgroundWrite(); !writer.isEmpty()) {
        setMessage(tr("%1: execute when it has finished.").arg(writer));
        return;
    }
    QList<qint64> ids;
    for (const auto &order : plan.orders)
        ids.append(order.accountId);
    auto credentials =
        m_controller->unlockCredentials(ids, tr("Unlock the API keys to send the orders of plan %1.").arg(plan.id));
    if (!credentials) {
        setMessage(credentials.error().message);
        return;
    }
    m_sentLines.clear();
    for (const auto &order : plan.orders)
        m_sentLines.insert(order.line);
    m_planModel->setLocked(true);
    m_planModel->beginExecution(m_sentLines);
    m_progress->setRange(0, static_cast<int>(plan.orders.size()));
    m_progress->setValue(0);
    m_progress->show();
    m_executedPlanId = plan.id;
    if (m_summary)
        m_summary->close();
    execution::ExecutionOptions options;
    options.dryRun = dryRun;
    if (!m_controller->execute(plan.id, options, std::move(*credentials))) {
        setMessage(tr("Another task is running; try again when it is done."));
        m_planModel->setLocked(false);
        return;
    }
    setMessage(dryRun
                   ? tr("Checking %n order(s) of plan %1…", nullptr, static_cast<int>(plan.orders.size())).arg(plan.id)
                   : tr("Sending %n order(s) of plan %1…", nullptr, static_cast<int>(plan.orders.size())).arg(plan.id));
}

void RebalanceView::cancelExecution()
{
    if (!m_controller->isExecuting())
        return;
    m_controller->cancel();
    m_cancel->setEnabled(false);
    setMessage(tr("Cancelling: the execution stops before its next order."));
}

void RebalanceView::onProgress(const execution::OrderProgress &progress)
{
    m_planModel->applyProgress(progress);
    int done = 0;
    for (const int line : std::as_const(m_sentLines)) {
        const auto *state = m_planModel->progress(line);
        if (state
            && (domain::isFinal(state->status) || state->message == QLatin1String("would be accepted")
                || (state->status == domain::OrderStatus::Rejected)))
            ++done;
    }
    m_progress->setValue(done);
}

void RebalanceView::onFinished(const execution::ExecutionSummary &summary)
{
    for (const auto &order : summary.orders)
        m_planModel->applyProgress(order);
    m_progress->setValue(m_progress->maximum());
    if (summary.dryRun || summary.aborted)
        m_planModel->setLocked(false); // nothing was sent: the ticks may change again
    if (auto status = services::PlanService(context().db(), context().clock()).status(m_planModel->plan().id))
        m_planStatus = *status;
    QString text;
    if (summary.aborted) {
        text = tr("Nothing was sent: %1").arg(summary.abortReason);
    } else if (summary.dryRun) {
        text = tr("Dry run: %1 of %2 order(s) would be accepted.")
                   .arg(summary.orders.size() - summary.rejected)
                   .arg(summary.orders.size());
    } else {
        text = tr("%1 filled, %2 partially filled, %3 rejected, %4 cancelled.")
                   .arg(summary.filled)
                   .arg(summary.partiallyFilled)
                   .arg(summary.rejected)
                   .arg(summary.cancelledOrders);
        if (summary.cancelled)
            text += QLatin1Char(' ') + tr("Stopped at your request.");
    }
    setMessage(text);
    updateActions();
    // In a later turn of the event loop: the pages' refresh after the ledger
    // changed and the valuation below do not add up to one long freeze.
    QTimer::singleShot(0, this, [this, summary] { showSummary(summary); });
}

void RebalanceView::showSummary(const execution::ExecutionSummary &summary)
{
    std::optional<rebalance::Snapshot> after;
    if (auto snapshot = context().snapshot())
        after = *snapshot;
    auto *dialog = new ExecutionSummaryDialog(summary, after, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    m_summary = dialog;
    dialog->open();
    emit summaryShown();
}

void RebalanceView::onFailed(const QString &message)
{
    setMessage(tr("The execution stopped: %1").arg(message));
    if (auto status = services::PlanService(context().db(), context().clock()).status(m_executedPlanId);
        status && domain::isStartable(*status))
        m_planModel->setLocked(false); // never started: nothing was sent
    updateActions();
}

void RebalanceView::reconcileIfNeeded()
{
    if (m_controller->isBusy() || context().isExecuting())
        return;
    auto unfinished = services::PlanService(context().db(), context().clock()).unsettled();
    if (!unfinished || unfinished->isEmpty())
        return;
    QList<qint64> ids;
    for (const auto &entry : *unfinished)
        ids.append(entry.accountId);
    auto credentials = m_controller->unlockCredentials(
        ids,
        tr("%n order(s) of an earlier execution are not settled. Unlock the API keys to reconcile them.", nullptr,
           static_cast<int>(unfinished->size())));
    // Without the keys, the paper orders still settle; the others stay unknown until next time.
    m_controller->reconcile(credentials ? std::move(*credentials) : ExecutionController::Unlock{});
    setMessage(tr("Reconciling %n unsettled order(s)…", nullptr, static_cast<int>(unfinished->size())));
}

QList<ExportTarget> RebalanceView::exportTargets()
{
    QList<ExportTarget> targets;
    const QString id = m_planModel->hasPlan() ? m_planModel->plan().id : QStringLiteral("plan");
    targets.append(modelTarget(tr("Plan"), QStringLiteral("plan-%1.csv").arg(id), m_planModel));
    targets.append(
        modelTarget(tr("Lines left out of the plan"), QStringLiteral("plan-%1-skipped.csv").arg(id), m_skippedModel));
    storage::Database *db = &context().db();
    targets.append(csvTarget(tr("Executed trades"), QStringLiteral("trades.csv"), [db] {
        QList<std::pair<QString, domain::Fill>> rows;
        if (auto fills = services::PlanService(*db).allFills()) {
            for (const auto &row : *fills)
                rows.append({row.account, row.fill});
        }
        return io::Exports::trades(rows);
    }));
    return targets;
}

} // namespace ballast::ui
