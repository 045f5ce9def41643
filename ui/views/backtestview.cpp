#include "views/backtestview.h"

#include "appcontext.h"
#include "backtest/sweepdialog.h"
#include "charts/equitychart.h"
#include "domain/assetcatalog.h"
#include "io/exports.h"
#include "models/backtestalertsmodel.h"
#include "models/backtestrunsmodel.h"
#include "models/backtesttradesmodel.h"
#include "prices/pricefetchdialog.h"
#include "services/ledgerqueries.h"
#include "services/policyservice.h"
#include "storage/database.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDateEdit>
#include <QDateTime>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QListWidget>
#include <QLocale>
#include <QProgressBar>
#include <QPushButton>
#include <QScrollArea>
#include <QSettings>
#include <QSortFilterProxyModel>
#include <QSpinBox>
#include <QSplitter>
#include <QStackedWidget>
#include <QTabWidget>
#include <QTableView>
#include <QTimeZone>
#include <QVBoxLayout>

#include <algorithm>
#include <array>
#include <cmath>

namespace ballast::ui {

namespace {

constexpr int kSymbolRole = Qt::UserRole;
constexpr int kCashRole = Qt::UserRole + 1;

QDate utcDate(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms, QTimeZone::utc()).date();
}

bool isCash(const QString &symbol)
{
    const auto asset = domain::AssetCatalog::find(symbol);
    return asset && asset->kind != domain::AssetKind::Crypto;
}

QDoubleSpinBox *doubleSpin(QWidget *parent, const QString &name, const QString &accessible, double low, double high,
                           double value, int decimals, const QString &suffix = {})
{
    auto *spin = new QDoubleSpinBox(parent);
    spin->setObjectName(name);
    spin->setAccessibleName(accessible);
    spin->setRange(low, high);
    spin->setDecimals(decimals);
    spin->setValue(value);
    spin->setSuffix(suffix);
    spin->setGroupSeparatorShown(true);
    return spin;
}

QTableView *tableView(QWidget *parent, const QString &name, const QString &accessible)
{
    auto *table = new QTableView(parent);
    table->setObjectName(name);
    table->setAccessibleName(accessible);
    table->setSelectionBehavior(QAbstractItemView::SelectRows);
    table->setAlternatingRowColors(true);
    table->verticalHeader()->hide();
    table->horizontalHeader()->setResizeContentsPrecision(200);
    table->horizontalHeader()->setHighlightSections(false);
    return table;
}

io::CsvTable exportTable(const QAbstractItemModel &model)
{
    io::CsvTable table;
    for (int column = 0; column < model.columnCount(); ++column)
        table.header << model.headerData(column, Qt::Horizontal, ExportRole).toString();
    for (int row = 0; row < model.rowCount(); ++row) {
        QStringList fields;
        for (int column = 0; column < model.columnCount(); ++column)
            fields << model.data(model.index(row, column), ExportRole).toString();
        table.rows << fields;
    }
    return table;
}

} // namespace

BacktestView::BacktestView(AppContext &context, QWidget *parent)
    : View(context, parent)
    , m_runner(new BacktestRunner(this))
    , m_runs(new BacktestRunsModel(this))
    , m_trades(new BacktestTradesModel(this))
    , m_alerts(new BacktestAlertsModel(this))
    , m_runsProxy(new QSortFilterProxyModel(this))
{
    m_runsProxy->setSourceModel(m_runs);
    m_runsProxy->setSortRole(BacktestRunsModel::RawValueRole);
    buildUi();

    connect(m_runner, &BacktestRunner::busyChanged, this, &BacktestView::setBusy);
    connect(m_runner, &BacktestRunner::progress, this, &BacktestView::showProgress);
    connect(m_runner, &BacktestRunner::runFinished, this, &BacktestView::addRun);
    connect(m_runner, &BacktestRunner::sweepFinished, this, &BacktestView::addSweep);
    connect(m_runner, &BacktestRunner::failed, this, &BacktestView::showFailure);
    connect(m_runner, &BacktestRunner::cancelled, this, &BacktestView::showCancelled);
    connect(m_runs, &BacktestRunsModel::drawnChanged, this, &BacktestView::updateChart);
    connect(m_runsTable->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            &BacktestView::showSelectedRun);
    // The stored series are read when the page is first shown (and after a
    // change, when next shown): never while the window opens on another page.
    connect(&context, &AppContext::ledgerChanged, this, [this] { whenShown([this] { reloadHistory(); }); });

    if (auto portfolio = context.portfolio())
        m_portfolio = *portfolio;
    loadSettings();
    whenShown([this] { reloadHistory(); });
    m_settingsLoaded = true;
    updateControls();
    setBusy(false);
    setMessage(tr("Choose assets, a rule and costs, then Run. Sweep… tests many rules at once."));
}

BacktestView::~BacktestView()
{
    saveSettings();
}

void BacktestView::buildUi()
{
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    auto *splitter = new QSplitter(Qt::Horizontal, this);
    layout->addWidget(splitter);

    // Left: settings (scrolling) above the actions, which stay in view.
    auto *left = new QWidget(splitter);
    auto *leftLayout = new QVBoxLayout(left);
    leftLayout->setContentsMargins(6, 6, 6, 6);
    auto *scroll = new QScrollArea(left);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    m_settings = buildSettings();
    scroll->setWidget(m_settings);
    leftLayout->addWidget(scroll, 1);

    auto *buttons = new QHBoxLayout;
    m_run = new QPushButton(tr("Run"), left);
    m_run->setObjectName(QStringLiteral("runButton"));
    m_run->setAccessibleName(tr("Run backtest"));
    m_run->setDefault(true);
    m_sweep = new QPushButton(tr("Sweep…"), left);
    m_sweep->setObjectName(QStringLiteral("sweepButton"));
    m_sweep->setAccessibleName(tr("Parameter sweep"));
    m_cancel = new QPushButton(tr("Cancel"), left);
    m_cancel->setObjectName(QStringLiteral("cancelButton"));
    m_cancel->setAccessibleName(tr("Cancel backtest"));
    buttons->addWidget(m_run);
    buttons->addWidget(m_sweep);
    buttons->addWidget(m_cancel);
    leftLayout->addLayout(buttons);
    m_progress = new QProgressBar(left);
    m_progress->setObjectName(QStringLiteral("progressBar"));
    m_progress->setAccessibleName(tr("Backtest progress"));
    m_progress->setRange(0, 1);
    m_progress->setValue(0);
    m_progress->setTextVisible(true);
    leftLayout->addWidget(m_progress);
    m_status = new QLabel(left);
    m_status->setObjectName(QStringLiteral("statusLabel"));
    m_status->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_status->setMinimumHeight(m_status->fontMetrics().lineSpacing() * 3);
    m_status->setAlignment(Qt::AlignLeft | Qt::AlignTop);
    leftLayout->addWidget(m_status);
    connect(m_run, &QPushButton::clicked, this, &BacktestView::startRun);
    connect(m_sweep, &QPushButton::clicked, this, &BacktestView::openSweepDialog);
    connect(m_cancel, &QPushButton::clicked, m_runner, &BacktestRunner::cancel);

    // Right: chart above the runs, trades and alerts.
    auto *right = new QSplitter(Qt::Vertical, splitter);
    m_chart = new charts::EquityChart(right);
    m_chart->setEmptyText(tr("Run a backtest to see its equity curve against buy-and-hold"));
    m_chart->setObjectName(QStringLiteral("equityChart"));
    m_chart->setAccessibleName(tr("Equity of the drawn runs"));
    m_chart->setMinimumHeight(220);
    m_tabs = new QTabWidget(right);
    m_tabs->setObjectName(QStringLiteral("resultTabs"));

    auto *runsPage = new QWidget(m_tabs);
    auto *runsLayout = new QVBoxLayout(runsPage);
    runsLayout->setContentsMargins(4, 4, 4, 4);
    m_runsTable = tableView(runsPage, QStringLiteral("runsTable"), tr("Runs and their metrics"));
    m_runsTable->setModel(m_runsProxy);
    m_runsTable->setSortingEnabled(true);
    m_runsTable->sortByColumn(-1, Qt::AscendingOrder);
    m_runsTable->horizontalHeader()->setSectionResizeMode(QHeaderView::Interactive);
    m_runsTable->horizontalHeader()->setSortIndicatorClearable(true);
    m_runsTable->setColumnWidth(BacktestRunsModel::Run, 240);
    runsLayout->addWidget(m_runsTable);
    auto *runButtons = new QHBoxLayout;
    auto *hint = new QLabel(tr("Tick runs to compare them on the chart; click a header to sort."), runsPage);
    hint->setWordWrap(true);
    runButtons->addWidget(hint, 1);
    m_detail = new QPushButton(tr("Show in Detail"), runsPage);
    m_detail->setObjectName(QStringLiteral("detailButton"));
    m_detail->setAccessibleName(tr("Run the selected sweep run again with its curves and trades"));
    m_detail->setToolTip(tr("Sweep runs keep metrics only; this runs the selected one again with curves and trades "
                            "(or double-click it)."));
    m_remove = new QPushButton(tr("Remove"), runsPage);
    m_remove->setObjectName(QStringLiteral("removeButton"));
    m_remove->setAccessibleName(tr("Remove the selected runs"));
    m_clear = new QPushButton(tr("Clear All"), runsPage);
    m_clear->setObjectName(QStringLiteral("clearButton"));
    m_clear->setAccessibleName(tr("Remove every run"));
    runButtons->addWidget(m_detail);
    runButtons->addWidget(m_remove);
    runButtons->addWidget(m_clear);
    runsLayout->addLayout(runButtons);
    m_tabs->addTab(runsPage, tr("Runs"));
    connect(m_remove, &QPushButton::clicked, this, [this] {
        QList<int> rows;
        for (const QModelIndex &index : m_runsTable->selectionModel()->selectedRows())
            rows << m_runsProxy->mapToSource(index).row();
        m_runs->removeRuns(rows);
        showSelectedRun();
    });
    auto showDetail = [this] {
        const BacktestRun *run = selectedRun();
        if (run && !run->detailed() && !run->failed() && !m_runner->isBusy()) {
            setMessage(tr("Running %1 again with its curves and trades…").arg(run->result.label));
            m_runner->rerun(*run);
        }
    };
    connect(m_detail, &QPushButton::clicked, this, showDetail);
    connect(m_runsTable, &QTableView::doubleClicked, this, showDetail);
    connect(m_clear, &QPushButton::clicked, this, [this] {
        m_runs->clear();
        showSelectedRun();
    });

    m_tradesTable = tableView(m_tabs, QStringLiteral("tradesTable"), tr("Trades of the selected run"));
    m_tradesTable->setModel(m_trades);
    m_tradesTable->horizontalHeader()->setStretchLastSection(true);
    m_tabs->addTab(m_tradesTable, tr("Trades"));
    m_alertsTable = tableView(m_tabs, QStringLiteral("alertsTable"), tr("Alerts of the selected run"));
    m_alertsTable->setModel(m_alerts);
    m_alertsTable->horizontalHeader()->setStretchLastSection(true);
    m_alertsTable->setWordWrap(true);
    m_tabs->addTab(m_alertsTable, tr("Alerts"));

    right->addWidget(m_chart);
    right->addWidget(m_tabs);
    right->setStretchFactor(0, 3);
    right->setStretchFactor(1, 2);
    splitter->addWidget(left);
    splitter->addWidget(right);
    splitter->setStretchFactor(0, 0);
    splitter->setStretchFactor(1, 1);
    left->setMinimumWidth(330);
    left->setMaximumWidth(460);
}

QWidget *BacktestView::buildSettings()
{
    auto *panel = new QWidget;
    auto *layout = new QVBoxLayout(panel);
    layout->setContentsMargins(0, 0, 4, 0);

    // Price history
    auto *history = new QGroupBox(tr("Price history"), panel);
    auto *historyForm = new QFormLayout(history);
    m_quote = new QComboBox(history);
    m_quote->setObjectName(QStringLiteral("quoteCombo"));
    m_quote->setAccessibleName(tr("Quote currency"));
    m_interval = new QComboBox(history);
    m_interval->setObjectName(QStringLiteral("intervalCombo"));
    m_interval->setAccessibleName(tr("Bar interval"));
    auto *quoteRow = new QHBoxLayout;
    quoteRow->addWidget(m_quote, 1);
    quoteRow->addWidget(new QLabel(tr("Bars:"), history));
    quoteRow->addWidget(m_interval, 1);
    historyForm->addRow(tr("Quote:"), quoteRow);
    m_assets = new QListWidget(history);
    m_assets->setObjectName(QStringLiteral("assetList"));
    m_assets->setAccessibleName(tr("Assets to backtest"));
    m_assets->setFlow(QListView::LeftToRight);
    m_assets->setWrapping(true);
    m_assets->setResizeMode(QListView::Adjust);
    m_assets->setSpacing(2);
    m_assets->setMaximumHeight(78);
    historyForm->addRow(tr("Assets:"), m_assets);
    m_from = new QDateEdit(history);
    m_from->setObjectName(QStringLiteral("fromDate"));
    m_from->setAccessibleName(tr("First date"));
    m_from->setCalendarPopup(true);
    m_to = new QDateEdit(history);
    m_to->setObjectName(QStringLiteral("toDate"));
    m_to->setAccessibleName(tr("Last date"));
    m_to->setCalendarPopup(true);
    auto *dateRow = new QHBoxLayout;
    dateRow->addWidget(m_from, 1);
    dateRow->addWidget(new QLabel(QStringLiteral("–"), history));
    dateRow->addWidget(m_to, 1);
    historyForm->addRow(tr("Dates:"), dateRow);
    m_historyNote = new QLabel(history);
    m_historyNote->setWordWrap(true);
    m_historyNote->setObjectName(QStringLiteral("historyNote"));
    historyForm->addRow(m_historyNote);
    m_fetchHistory = new QPushButton(tr("Fetch Price History…"), history);
    m_fetchHistory->setObjectName(QStringLiteral("fetchHistoryButton"));
    m_fetchHistory->setToolTip(tr("Fetch the history of the portfolio's assets (or others) from Binance, Kraken or "
                                  "CoinGecko"));
    connect(m_fetchHistory, &QPushButton::clicked, this, &BacktestView::openFetchDialog);
    m_fetchHistory->setEnabled(false); // until the window gives its fetcher (setPriceFetcher)
    historyForm->addRow(m_fetchHistory);
    layout->addWidget(history);
    connect(m_quote, &QComboBox::currentIndexChanged, this, &BacktestView::populateAssets);
    connect(m_interval, &QComboBox::currentIndexChanged, this, &BacktestView::populateAssets);
    connect(m_assets, &QListWidget::itemChanged, this, [this] {
        updateDateBounds();
        updateWeightsPreview();
    });
    for (QDateEdit *edit : {m_from, m_to}) {
        connect(edit, &QDateEdit::userDateChanged, this, [this] {
            if (m_settingsLoaded)
                m_datesChosen = true;
        });
    }

    // Starting weights
    auto *weights = new QGroupBox(tr("Starting weights"), panel);
    auto *weightsLayout = new QVBoxLayout(weights);
    m_weights = new QComboBox(weights);
    m_weights->setObjectName(QStringLiteral("weightsCombo"));
    m_weights->setAccessibleName(tr("Starting weights"));
    for (const auto &[title, source] : weightChoices())
        m_weights->addItem(title, source.name);
    weightsLayout->addWidget(m_weights);
    m_weightsPreview = new QLabel(weights);
    m_weightsPreview->setObjectName(QStringLiteral("weightsPreview"));
    m_weightsPreview->setWordWrap(true);
    weightsLayout->addWidget(m_weightsPreview);
    layout->addWidget(weights);
    connect(m_weights, &QComboBox::currentIndexChanged, this, &BacktestView::updateWeightsPreview);

    // Rule
    auto *rule = new QGroupBox(tr("Rebalancing rule"), panel);
    auto *ruleForm = new QFormLayout(rule);
    m_trigger = new QComboBox(rule);
    m_trigger->setObjectName(QStringLiteral("triggerCombo"));
    m_trigger->setAccessibleName(tr("Rebalancing trigger"));
    m_trigger->addItem(tr("Calendar"), QStringLiteral("calendar"));
    m_trigger->addItem(tr("Threshold (band)"), QStringLiteral("threshold"));
    m_trigger->addItem(tr("Hybrid (period end, if off band)"), QStringLiteral("hybrid"));
    m_trigger->addItem(tr("Never (buy and hold only)"), QStringLiteral("none"));
    m_trigger->addItem(tr("My policy (as stored on the Targets page)"), QStringLiteral("policy"));
    m_trigger->setItemData(m_trigger->count() - 1,
                           tr("The stored rebalancing policy's rule, bands, exclusions and falling guard, as the live "
                              "check applies them"),
                           Qt::ToolTipRole);
    ruleForm->addRow(tr("Trigger:"), m_trigger);
    m_period = new QComboBox(rule);
    m_period->setObjectName(QStringLiteral("periodCombo"));
    m_period->setAccessibleName(tr("Calendar period"));
    m_period->addItem(tr("Daily"), QStringLiteral("day"));
    m_period->addItem(tr("Weekly"), QStringLiteral("week"));
    m_period->addItem(tr("Monthly"), QStringLiteral("month"));
    m_period->addItem(tr("Quarterly"), QStringLiteral("quarter"));
    m_period->setCurrentIndex(2);
    ruleForm->addRow(tr("Period:"), m_period);
    m_band = doubleSpin(rule, QStringLiteral("bandSpin"), tr("Band half-width in percentage points"), 0.1, 50.0, 5.0, 1,
                        tr(" pp"));
    m_band->setToolTip(tr("A weight may stray this many percentage points from its target either way."));
    ruleForm->addRow(tr("Band:"), m_band);
    layout->addWidget(rule);
    connect(m_trigger, &QComboBox::currentIndexChanged, this, &BacktestView::updateControls);

    // Costs
    auto *costs = new QGroupBox(tr("Costs and capital"), panel);
    auto *costsForm = new QFormLayout(costs);
    m_fee = doubleSpin(costs, QStringLiteral("feeSpin"), tr("Fee in basis points"), 0.0, 1000.0, 10.0, 1, tr(" bps"));
    m_slippage = doubleSpin(costs, QStringLiteral("slippageSpin"), tr("Slippage in basis points"), 0.0, 1000.0, 0.0, 1,
                            tr(" bps"));
    m_capital = doubleSpin(costs, QStringLiteral("capitalSpin"), tr("Starting capital"), 1.0, 1e12, 10000.0, 2);
    costsForm->addRow(tr("Fee:"), m_fee);
    costsForm->addRow(tr("Slippage:"), m_slippage);
    costsForm->addRow(tr("Capital:"), m_capital);
    m_taxRate =
        doubleSpin(costs, QStringLiteral("taxRateSpin"), tr("Tax rate on realized gains"), 0.0, 99.0, 0.0, 1, tr(" %"));
    m_taxRate->setSpecialValueText(tr("no tax"));
    m_taxRate->setToolTip(tr("A flat rate on net realized gains, paid at each rebalance; adds after-tax columns."));
    m_taxLots = new QComboBox(costs);
    m_taxLots->setObjectName(QStringLiteral("taxLotsCombo"));
    m_taxLots->setAccessibleName(tr("Which lots the sales take for tax"));
    for (const auto method : {analytics::CostMethod::Fifo, analytics::CostMethod::Hifo, analytics::CostMethod::Lifo,
                              analytics::CostMethod::Average})
        m_taxLots->addItem(analytics::costMethodName(method).toUpper(), static_cast<int>(method));
    costsForm->addRow(tr("Tax:"), m_taxRate);
    costsForm->addRow(tr("Tax lots:"), m_taxLots);
    layout->addWidget(costs);

    // Overlay
    auto *overlay = new QGroupBox(tr("Overlay"), panel);
    auto *overlayForm = new QFormLayout(overlay);
    m_overlay = new QComboBox(overlay);
    m_overlay->setObjectName(QStringLiteral("overlayCombo"));
    m_overlay->setAccessibleName(tr("Drawdown overlay"));
    m_overlay->addItem(tr("None"));
    m_overlay->addItem(tr("Volatility target"));
    m_overlay->addItem(tr("CPPI (floor protection)"));
    m_overlay->addItem(tr("Stablecoin buffer (regime)"));
    overlayForm->addRow(tr("Kind:"), m_overlay);
    m_stablecoin = new QComboBox(overlay);
    m_stablecoin->setObjectName(QStringLiteral("stablecoinCombo"));
    m_stablecoin->setAccessibleName(tr("Stablecoin the overlay holds"));
    overlayForm->addRow(tr("Held in:"), m_stablecoin);
    m_overlayPages = new QStackedWidget(overlay);
    m_overlayPages->addWidget(new QWidget(m_overlayPages));
    auto *volPage = new QWidget(m_overlayPages);
    auto *volForm = new QFormLayout(volPage);
    volForm->setContentsMargins(0, 0, 0, 0);
    m_volTarget = doubleSpin(volPage, QStringLiteral("volTargetSpin"), tr("Target volatility in percent"), 1.0, 300.0,
                             50.0, 1, tr(" %"));
    m_volLookback = new QSpinBox(volPage);
    m_volLookback->setObjectName(QStringLiteral("volLookbackSpin"));
    m_volLookback->setAccessibleName(tr("Volatility lookback in bars"));
    m_volLookback->setRange(2, 1000);
    m_volLookback->setValue(30);
    m_volLookback->setSuffix(tr(" bars"));
    m_volCap = doubleSpin(volPage, QStringLiteral("volCapSpin"), tr("Largest risky share in percent"), 1.0, 100.0,
                          100.0, 1, tr(" %"));
    volForm->addRow(tr("Target volatility:"), m_volTarget);
    volForm->addRow(tr("Lookback:"), m_volLookback);
    volForm->addRow(tr("Risky share cap:"), m_volCap);
    m_overlayPages->addWidget(volPage);
    auto *cppiPage = new QWidget(m_overlayPages);
    auto *cppiForm = new QFormLayout(cppiPage);
    cppiForm->setContentsMargins(0, 0, 0, 0);
    m_cppiMultiplier =
        doubleSpin(cppiPage, QStringLiteral("cppiMultiplierSpin"), tr("CPPI multiplier"), 1.0, 10.0, 3.0, 1);
    m_cppiFloor = doubleSpin(cppiPage, QStringLiteral("cppiFloorSpin"), tr("Floor in percent of capital"), 10.0, 99.0,
                             80.0, 1, tr(" %"));
    m_cppiRatchet = new QCheckBox(tr("Ratchet the floor up (TIPP)"), cppiPage);
    m_cppiRatchet->setObjectName(QStringLiteral("cppiRatchetCheck"));
    cppiForm->addRow(tr("Multiplier:"), m_cppiMultiplier);
    cppiForm->addRow(tr("Floor:"), m_cppiFloor);
    cppiForm->addRow(m_cppiRatchet);
    m_overlayPages->addWidget(cppiPage);
    auto *regimePage = new QWidget(m_overlayPages);
    auto *regimeForm = new QFormLayout(regimePage);
    regimeForm->setContentsMargins(0, 0, 0, 0);
    m_regimeBase = doubleSpin(regimePage, QStringLiteral("regimeBaseSpin"), tr("Stablecoin share in calm markets"), 0.0,
                              100.0, 30.0, 1, tr(" %"));
    m_regimeDefensive = doubleSpin(regimePage, QStringLiteral("regimeDefensiveSpin"),
                                   tr("Stablecoin share in turbulent markets"), 0.0, 100.0, 50.0, 1, tr(" %"));
    m_regimeMultiple = doubleSpin(regimePage, QStringLiteral("regimeMultipleSpin"),
                                  tr("Turbulence: short volatility over long volatility"), 1.0, 10.0, 2.0, 2, tr(" ×"));
    regimeForm->addRow(tr("Calm share:"), m_regimeBase);
    regimeForm->addRow(tr("Turbulent share:"), m_regimeDefensive);
    regimeForm->addRow(tr("Turbulent when vol ≥"), m_regimeMultiple);
    m_overlayPages->addWidget(regimePage);
    overlayForm->addRow(m_overlayPages);
    layout->addWidget(overlay);
    connect(m_overlay, &QComboBox::currentIndexChanged, this, &BacktestView::updateControls);

    // Guards
    auto *guards = new QGroupBox(tr("Guards and alerts"), panel);
    auto *guardsForm = new QFormLayout(guards);
    m_guard = new QCheckBox(tr("Stop buying an asset down more than"), guards);
    m_guard->setObjectName(QStringLiteral("fallingGuardCheck"));
    m_guardLevel = doubleSpin(guards, QStringLiteral("fallingGuardSpin"), tr("Falling-asset guard: drop from peak"),
                              1.0, 99.9, 80.0, 1, tr(" % from its peak"));
    guardsForm->addRow(m_guard);
    guardsForm->addRow(m_guardLevel);
    m_correlation = new QCheckBox(tr("Alert when a pair's 90-bar correlation exceeds"), guards);
    m_correlation->setObjectName(QStringLiteral("correlationCheck"));
    m_correlationLevel =
        doubleSpin(guards, QStringLiteral("correlationSpin"), tr("Correlation alert level"), -1.0, 1.0, 0.9, 2);
    m_correlationLevel->setSingleStep(0.05);
    guardsForm->addRow(m_correlation);
    guardsForm->addRow(m_correlationLevel);
    layout->addWidget(guards);
    connect(m_guard, &QCheckBox::toggled, this, &BacktestView::updateControls);
    connect(m_correlation, &QCheckBox::toggled, this, &BacktestView::updateControls);

    layout->addStretch();
    return panel;
}

QList<std::pair<QString, WeightSource>> BacktestView::weightChoices() const
{
    using allocation::Model;
    auto model = [](Model m) { return WeightSource{allocation::toString(m), m}; };
    return {{tr("Portfolio targets"), WeightSource{QStringLiteral("targets"), std::nullopt}},
            {tr("Equal weights"), model(Model::Equal)},
            {tr("Inverse volatility"), model(Model::InverseVolatility)},
            {tr("Risk parity (equal risk contribution)"), model(Model::EqualRiskContribution)},
            {tr("Minimum variance"), model(Model::MinimumVariance)},
            {tr("Maximum Sharpe"), model(Model::MaximumSharpe)}};
}

WeightSource BacktestView::weightSource() const
{
    const auto choices = weightChoices();
    const int index = std::clamp(m_weights->currentIndex(), 0, static_cast<int>(choices.size()) - 1);
    return choices[index].second;
}

PriceFetchDialog *BacktestView::openFetchDialog()
{
    if (m_priceFetcher == nullptr)
        return nullptr;
    // Not modal; when it stores candles the ledger-changed signal reloads the series here.
    auto *dialog = new PriceFetchDialog(context(), *m_priceFetcher, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->show();
    return dialog;
}

void BacktestView::setPriceFetcher(PriceFetcher *fetcher)
{
    m_priceFetcher = fetcher;
    m_fetchHistory->setEnabled(fetcher != nullptr);
}

void BacktestView::reloadHistory()
{
    m_historyLoaded = true;
    auto series = context().queries().storedSeries();
    if (series) {
        m_series = *series;
    } else {
        m_series.clear();
        setMessage(tr("Cannot read the stored price history: %1").arg(series.error().message), true);
    }
    auto portfolio = context().portfolio();
    m_portfolio = portfolio ? std::optional<domain::Portfolio>(*portfolio) : std::nullopt;

    // Quotes and intervals that have history; the portfolio's quote and daily bars first.
    const QString quote = m_quote->currentText().isEmpty()
        ? QSettings().value(QStringLiteral("backtest/quote"), m_portfolio ? m_portfolio->quote : QString()).toString()
        : m_quote->currentText();
    const QString interval = m_interval->currentText().isEmpty()
        ? QSettings().value(QStringLiteral("backtest/interval"), QStringLiteral("1d")).toString()
        : m_interval->currentText();
    QStringList quotes;
    QStringList intervals;
    for (const auto &one : std::as_const(m_series)) {
        if (!quotes.contains(one.quote))
            quotes << one.quote;
        if (!intervals.contains(one.interval))
            intervals << one.interval;
    }
    {
        const QSignalBlocker blockQuote(m_quote);
        const QSignalBlocker blockInterval(m_interval);
        m_quote->clear();
        m_quote->addItems(quotes);
        m_quote->setCurrentIndex(std::max(0, static_cast<int>(quotes.indexOf(quote))));
        m_interval->clear();
        m_interval->addItems(intervals);
        m_interval->setCurrentIndex(std::max(0, static_cast<int>(intervals.indexOf(interval))));
    }
    populateAssets();
}

void BacktestView::populateAssets()
{
    QStringList checked;
    if (!m_settingsLoaded || m_assets->count() == 0) {
        checked = m_savedAssets;
    } else {
        for (int row = 0; row < m_assets->count(); ++row) {
            if (m_assets->item(row)->checkState() == Qt::Checked)
                checked << m_assets->item(row)->data(kSymbolRole).toString();
        }
    }
    if (checked.isEmpty() && m_portfolio) {
        for (const auto &target : m_portfolio->targets)
            checked << target.asset;
    }
    const QString quote = m_quote->currentText();
    const QString interval = m_interval->currentText();
    const QSignalBlocker blocker(m_assets);
    m_assets->clear();
    QStringList priced;
    for (const auto &one : std::as_const(m_series)) {
        if (one.quote != quote || one.interval != interval)
            continue;
        auto *item = new QListWidgetItem(one.asset, m_assets);
        item->setData(kSymbolRole, one.asset);
        item->setData(kCashRole, false);
        item->setFlags(Qt::ItemIsEnabled | Qt::ItemIsUserCheckable);
        item->setToolTip(tr("%1/%2 %3 candles from %4 to %5")
                             .arg(one.asset, one.quote, one.interval,
                                  QLocale().toString(utcDate(one.firstMs), QLocale::ShortFormat),
                                  QLocale().toString(utcDate(one.lastMs), QLocale::ShortFormat)));
        priced << one.asset;
    }
    // Cash: the quote currency itself and the portfolio's stablecoins without history, worth 1 each.
    QStringList cash;
    if (!quote.isEmpty())
        cash << quote;
    if (m_portfolio) {
        for (const auto &target : m_portfolio->targets) {
            if (!priced.contains(target.asset) && !cash.contains(target.asset) && isCash(target.asset))
                cash << target.asset;
        }
    }
    for (const QString &symbol : std::as_const(cash)) {
        if (priced.contains(symbol))
            continue;
        auto *item = new QListWidgetItem(tr("%1 (cash)").arg(symbol), m_assets);
        item->setData(kSymbolRole, symbol);
        item->setData(kCashRole, true);
        item->setFlags(Qt::ItemIsEnabled | Qt::ItemIsUserCheckable);
        item->setToolTip(tr("Held as cash: worth 1 %1 on every bar").arg(quote));
    }
    bool anyChecked = false;
    for (int row = 0; row < m_assets->count(); ++row) {
        auto *item = m_assets->item(row);
        const bool on = checked.contains(item->data(kSymbolRole).toString());
        item->setCheckState(on ? Qt::Checked : Qt::Unchecked);
        anyChecked = anyChecked || on;
    }
    if (!anyChecked) {
        for (int row = 0; row < m_assets->count(); ++row) {
            if (!m_assets->item(row)->data(kCashRole).toBool())
                m_assets->item(row)->setCheckState(Qt::Checked);
        }
    }
    {
        const QSignalBlocker blockStable(m_stablecoin);
        const QString current = m_stablecoin->currentText().isEmpty()
            ? QSettings().value(QStringLiteral("backtest/stablecoin"), quote).toString()
            : m_stablecoin->currentText();
        m_stablecoin->clear();
        m_stablecoin->addItems(cash);
        m_stablecoin->setCurrentIndex(std::max(0, static_cast<int>(cash.indexOf(current))));
    }
    if (m_series.isEmpty()) {
        m_historyNote->setText(tr("No price history is stored yet. Import price files with File > Import Price "
                                  "History."));
    }
    updateDateBounds();
    updateWeightsPreview();
}

void BacktestView::updateDateBounds()
{
    const QString quote = m_quote->currentText();
    const QString interval = m_interval->currentText();
    qint64 earliest = 0;
    qint64 latest = 0;
    qint64 sharedFirst = 0;
    qint64 sharedLast = 0;
    bool any = false;
    for (const auto &one : std::as_const(m_series)) {
        if (one.quote != quote || one.interval != interval)
            continue;
        earliest = any ? std::min(earliest, one.firstMs) : one.firstMs;
        latest = any ? std::max(latest, one.lastMs) : one.lastMs;
        any = true;
    }
    bool anyChecked = false;
    for (int row = 0; row < m_assets->count(); ++row) {
        const auto *item = m_assets->item(row);
        if (item->checkState() != Qt::Checked || item->data(kCashRole).toBool())
            continue;
        for (const auto &one : std::as_const(m_series)) {
            if (one.quote == quote && one.interval == interval && one.asset == item->data(kSymbolRole).toString()) {
                sharedFirst = anyChecked ? std::max(sharedFirst, one.firstMs) : one.firstMs;
                sharedLast = anyChecked ? std::min(sharedLast, one.lastMs) : one.lastMs;
                anyChecked = true;
            }
        }
    }
    if (!any)
        return;
    const QSignalBlocker blockFrom(m_from);
    const QSignalBlocker blockTo(m_to);
    m_from->setDateRange(utcDate(earliest), utcDate(latest));
    m_to->setDateRange(utcDate(earliest), utcDate(latest));
    if (!m_datesChosen && anyChecked) {
        m_from->setDate(utcDate(sharedFirst));
        m_to->setDate(utcDate(sharedLast));
    }
    if (anyChecked) {
        m_historyNote->setText(tr("The chosen assets share history from %1 to %2.")
                                   .arg(QLocale().toString(utcDate(sharedFirst), QLocale::ShortFormat),
                                        QLocale().toString(utcDate(sharedLast), QLocale::ShortFormat)));
    } else {
        m_historyNote->setText(tr("Tick at least one asset with price history."));
    }
}

void BacktestView::updateControls()
{
    const QString trigger = m_trigger->currentData().toString();
    m_period->setEnabled(trigger == QLatin1String("calendar") || trigger == QLatin1String("hybrid"));
    m_band->setEnabled(trigger == QLatin1String("threshold") || trigger == QLatin1String("hybrid"));
    m_overlayPages->setCurrentIndex(std::max(0, m_overlay->currentIndex()));
    m_overlayPages->setVisible(m_overlay->currentIndex() > 0);
    m_stablecoin->setEnabled(m_overlay->currentIndex() > 0);
    m_guardLevel->setEnabled(m_guard->isChecked());
    m_correlationLevel->setEnabled(m_correlation->isChecked());
}

void BacktestView::updateWeightsPreview()
{
    const WeightSource source = weightSource();
    if (source.model) {
        m_weightsPreview->setText(tr("Estimated from the chosen history when the run starts (the model sees the "
                                     "whole period it is tested on). Cash gets no weight."));
        return;
    }
    if (!m_portfolio) {
        m_weightsPreview->setText(tr("No portfolio targets yet: choose a model."));
        return;
    }
    QList<std::pair<QString, double>> weights;
    double sum = 0.0;
    for (int row = 0; row < m_assets->count(); ++row) {
        const auto *item = m_assets->item(row);
        if (item->checkState() != Qt::Checked)
            continue;
        const QString symbol = item->data(kSymbolRole).toString();
        const double weight = m_portfolio->targetWeight(symbol);
        if (weight > 0.0) {
            weights.append({symbol, weight});
            sum += weight;
        }
    }
    if (!(sum > 0.0)) {
        m_weightsPreview->setText(tr("None of the ticked assets has a target weight."));
        return;
    }
    const QLocale locale;
    QStringList parts;
    for (const auto &[symbol, weight] : weights)
        parts << QString(symbol + QLatin1Char(' ') + locale.toString(weight / sum * 100.0, 'f', 1) + locale.percent());
    QString text = parts.join(QStringLiteral(", "));
    if (std::abs(sum - 1.0) > 1e-9)
        text += QLatin1Char('\n') + tr("(targets of the ticked assets, scaled to 100 %)");
    m_weightsPreview->setText(text);
}

Result<BacktestRequest> BacktestView::request() const
{
    BacktestRequest request;
    request.databasePath = context().databasePath();
    request.quote = m_quote->currentText();
    request.interval = m_interval->currentText();
    if (request.quote.isEmpty() || request.interval.isEmpty()) {
        return makeError(QStringLiteral("backtest.history"),
                         tr("Price history: no stored candles. Import price files first (File > Import Price "
                            "History)."));
    }
    for (int row = 0; row < m_assets->count(); ++row) {
        const auto *item = m_assets->item(row);
        if (item->checkState() != Qt::Checked)
            continue;
        (item->data(kCashRole).toBool() ? request.cashAssets : request.pricedAssets)
            << item->data(kSymbolRole).toString();
    }
    if (request.pricedAssets.isEmpty())
        return makeError(QStringLiteral("backtest.assets"),
                         tr("Assets: tick at least one asset with price history (cash alone has nothing to test)."));
    request.from = m_from->date();
    request.to = m_to->date();
    if (request.from >= request.to) {
        return makeError(QStringLiteral("backtest.dates"),
                         tr("Dates: the first date (%1) must be before the last date (%2).")
                             .arg(QLocale().toString(request.from, QLocale::ShortFormat),
                                  QLocale().toString(request.to, QLocale::ShortFormat)));
    }
    if (m_portfolio) {
        for (const auto &target : m_portfolio->targets)
            request.fixedWeights.insert(target.asset, target.weight.toDouble());
    }

    auto &config = request.base;
    const QString trigger = m_trigger->currentData().toString();
    const auto period = rebalance::calendarPeriodFromString(m_period->currentData().toString());
    const domain::Band band{domain::Band::Kind::Absolute, m_band->value() / 100.0};
    if (trigger == QLatin1String("calendar"))
        config.trigger = rebalance::Trigger::calendar(*period);
    else if (trigger == QLatin1String("threshold"))
        config.trigger = rebalance::Trigger::threshold(band);
    else if (trigger == QLatin1String("hybrid"))
        config.trigger = rebalance::Trigger::hybrid(*period, band);
    else
        config.trigger = rebalance::Trigger::none();
    if (trigger == QLatin1String("policy")) {
        auto stored = services::PolicyService(context().db(), context().clock()).load();
        if (!stored)
            return makeError(stored.error().code, tr("My policy: %1").arg(stored.error().message));
        auto portfolio = context().queries().portfolio(stored->portfolio);
        if (!portfolio)
            return makeError(portfolio.error().code, tr("My policy: %1").arg(portfolio.error().message));
        request.policy = backtest::PolicyBacktest{stored->portfolio, *portfolio, stored->policy};
        config.trigger = stored->policy.trigger();
    }
    config.feeRate = m_fee->value() / 10000.0;
    config.slippageRate = m_slippage->value() / 10000.0;
    config.capital = m_capital->value();
    if (m_taxRate->value() > 0.0) {
        config.tax = backtest::BacktestTax{m_taxRate->value() / 100.0,
                                           static_cast<analytics::CostMethod>(m_taxLots->currentData().toInt())};
    }
    using Kind = backtest::OverlayConfig::Kind;
    static constexpr std::array kKinds{Kind::None, Kind::VolatilityTarget, Kind::Cppi, Kind::StablecoinRegime};
    config.overlay.kind = kKinds[static_cast<std::size_t>(std::clamp(m_overlay->currentIndex(), 0, 3))];
    if (config.overlay.kind != Kind::None) {
        if (m_stablecoin->currentText().isEmpty())
            return makeError(QStringLiteral("backtest.overlay"), tr("Overlay: choose the stablecoin it holds."));
        config.overlay.stablecoin = m_stablecoin->currentText();
    }
    config.overlay.targetVolatility = m_volTarget->value() / 100.0;
    config.overlay.lookback = m_volLookback->value();
    config.overlay.cap = m_volCap->value() / 100.0;
    config.overlay.multiplier = m_cppiMultiplier->value();
    config.overlay.floorFraction = m_cppiFloor->value() / 100.0;
    config.overlay.ratchet = m_cppiRatchet->isChecked();
    config.overlay.baseShare = m_regimeBase->value() / 100.0;
    config.overlay.defensiveShare = m_regimeDefensive->value() / 100.0;
    config.overlay.volatilityMultiple = m_regimeMultiple->value();
    if (config.overlay.kind == Kind::StablecoinRegime && config.overlay.defensiveShare < config.overlay.baseShare) {
        return makeError(
            QStringLiteral("backtest.overlay"),
            tr("Overlay: the turbulent share (%1 %) must not be below the calm share (%2 %).")
                .arg(QLocale().toString(m_regimeDefensive->value()), QLocale().toString(m_regimeBase->value())));
    }
    if (m_guard->isChecked())
        config.fallingGuard = m_guardLevel->value() / 100.0;
    if (m_correlation->isChecked())
        config.correlationThreshold = m_correlationLevel->value();
    return request;
}

void BacktestView::startRun()
{
    if (m_runner->isBusy())
        return;
    auto built = request();
    if (!built) {
        setMessage(built.error().message, true);
        return;
    }
    saveSettings();
    setMessage(tr("Running %1 on %2…").arg(built->base.trigger.toString(), built->pricedAssets.join(u", ")));
    m_runner->run(*built, weightSource());
}

void BacktestView::openSweepDialog()
{
    if (m_runner->isBusy())
        return;
    if (!m_sweepDialog) {
        m_sweepDialog = new SweepDialog(weightChoices(), this);
        connect(m_sweepDialog, &QDialog::accepted, this, [this] { startSweep(m_sweepDialog->grid()); });
    }
    m_sweepDialog->open();
}

void BacktestView::startSweep(const SweepGrid &grid)
{
    if (m_runner->isBusy())
        return;
    auto built = request();
    if (!built) {
        setMessage(built.error().message, true);
        return;
    }
    saveSettings();
    setMessage(tr("Sweeping %1 runs…").arg(QLocale().toString(grid.runCount())));
    m_runner->sweep(*built, grid);
}

void BacktestView::setBusy(bool busy)
{
    m_settings->setEnabled(!busy);
    m_run->setEnabled(!busy);
    m_sweep->setEnabled(!busy);
    m_cancel->setEnabled(busy);
    const BacktestRun *run = selectedRun();
    m_detail->setEnabled(!busy && run && !run->detailed() && !run->failed());
    if (!busy) {
        m_progress->setRange(0, 1);
        m_progress->setValue(0);
        m_progress->setFormat(QString());
    }
}

void BacktestView::showProgress(int done, int total)
{
    if (total <= 0) {
        m_progress->setRange(0, 0);
        return;
    }
    m_progress->setRange(0, total);
    m_progress->setValue(done);
    m_progress->setFormat(tr("%1 of %2 runs").arg(QLocale().toString(done), QLocale().toString(total)));
}

void BacktestView::addRun(const BacktestRun &run)
{
    // Compare with what is drawn: new detailed runs are drawn, nothing else changes.
    m_runs->addRuns({run});
    m_selectedRunId = run.id;
    const QModelIndex source = m_runs->index(static_cast<int>(m_runs->runs().size()) - 1, 0);
    m_runsTable->setCurrentIndex(m_runsProxy->mapFromSource(source));
    m_runsTable->resizeColumnsToContents();
    const QLocale locale;
    auto percent = [&locale](double fraction) {
        return QString(locale.toString(fraction * 100.0, 'f', 2) + locale.percent());
    };
    QString message =
        tr("%1: total return %2 (buy and hold %3), %4 rebalances.")
            .arg(run.result.label, percent(run.result.metrics.totalReturn),
                 percent(run.result.buyAndHoldMetrics.totalReturn), locale.toString(run.result.rebalances));
    if (!run.notes.isEmpty())
        message += QLatin1Char(' ') + tr("Not simulated: %1.").arg(run.notes.join(QStringLiteral("; ")));
    setMessage(message);
    context().showStatus(tr("Backtest finished: %1").arg(run.result.label));
}

void BacktestView::addSweep(const QList<BacktestRun> &runs)
{
    int failures = 0;
    for (const auto &run : runs)
        failures += run.failed() ? 1 : 0;
    m_runs->addRuns(runs);
    m_runsTable->resizeColumnsToContents();
    QString text = tr("Sweep finished: %1 runs added (metrics only). Sort by a column to find the best.")
                       .arg(QLocale().toString(static_cast<int>(runs.size())));
    if (failures > 0)
        text += QLatin1Char(' ') + tr("%1 runs failed; hover over them for the reason.").arg(failures);
    setMessage(text, failures > 0);
    context().showStatus(tr("Sweep finished: %1 runs").arg(runs.size()));
}

void BacktestView::showFailure(const QString &message)
{
    setMessage(tr("The backtest failed: %1").arg(message), true);
}

void BacktestView::showCancelled(int done, int total)
{
    if (total > 1) {
        setMessage(tr("Cancelled after %1 of %2 runs; no results of the sweep were kept.")
                       .arg(QLocale().toString(done), QLocale().toString(total)));
    } else {
        setMessage(tr("Cancelled; nothing was kept."));
    }
}

const BacktestRun *BacktestView::selectedRun() const
{
    const QModelIndex current = m_runsTable->currentIndex();
    if (!current.isValid())
        return nullptr;
    return m_runs->runAt(m_runsProxy->mapToSource(current).row());
}

void BacktestView::showSelectedRun()
{
    const BacktestRun *run = selectedRun();
    m_selectedRunId = run ? run->id : 0;
    m_trades->setRun(run);
    m_alerts->setRun(run);
    m_detail->setEnabled(run && !run->detailed() && !run->failed() && !m_runner->isBusy());
    m_tradesTable->resizeColumnsToContents();
    m_alertsTable->resizeColumnToContents(BacktestAlertsModel::Time);
    m_alertsTable->resizeColumnToContents(BacktestAlertsModel::Kind);
    m_tabs->setTabText(1,
                       run && run->detailed() ? tr("Trades (%1)").arg(QLocale().toString(run->result.trades.size()))
                                              : tr("Trades"));
    m_tabs->setTabText(2,
                       run && run->detailed() ? tr("Alerts (%1)").arg(QLocale().toString(run->result.alerts.size()))
                                              : tr("Alerts"));
    updateChart();
}

void BacktestView::updateChart()
{
    const QList<const BacktestRun *> drawn = m_runs->drawnRuns();
    const BacktestRun *primary = selectedRun();
    if (!primary || !primary->detailed())
        primary = drawn.isEmpty() ? nullptr : drawn.front();
    QList<charts::EquityChart::Curve> curves;
    QString quote;
    if (primary) {
        quote = primary->quote;
        curves.append({QStringLiteral("#%1 %2").arg(primary->id).arg(primary->result.label), primary->result.equity});
        curves.append({tr("Buy and hold"), primary->result.buyAndHold});
    }
    for (const BacktestRun *run : drawn) {
        if (run != primary)
            curves.append({QStringLiteral("#%1 %2").arg(run->id).arg(run->result.label), run->result.equity});
    }
    m_chart->setCurves(curves, quote);
}

void BacktestView::setMessage(const QString &text, bool error)
{
    m_status->setText(text);
    QPalette palette = this->palette();
    if (error)
        palette.setColor(QPalette::WindowText, QColor(0xb0, 0x00, 0x20));
    m_status->setPalette(palette);
}

QList<ExportTarget> BacktestView::exportTargets()
{
    QList<ExportTarget> targets;
    targets << csvTarget(tr("Backtest Metrics (CSV)"), QStringLiteral("backtest-metrics.csv"),
                         [this] { return exportTable(*m_runs); });
    targets << csvTarget(tr("Backtest Trades of the Selected Run (CSV)"), QStringLiteral("backtest-trades.csv"),
                         [this] { return exportTable(*m_trades); });
    targets << csvTarget(
        tr("Backtest Equity Curves of the Selected Run (CSV)"), QStringLiteral("backtest-equity.csv"), [this] {
            io::CsvTable table;
            table.header = {QStringLiteral("time"), QStringLiteral("strategy"), QStringLiteral("buy_and_hold")};
            const BacktestRun *run = selectedRun();
            if (!run)
                return table;
            const auto &equity = run->result.equity;
            const auto &hold = run->result.buyAndHold;
            for (std::size_t t = 0; t < equity.size() && t < hold.size(); ++t) {
                table.rows.append(
                    {io::Exports::isoUtc(QDateTime::fromMSecsSinceEpoch(equity[t].timeMs, QTimeZone::utc())),
                     QString::number(equity[t].value, 'f', 8), QString::number(hold[t].value, 'f', 8)});
            }
            return table;
        });
    targets << pngTarget(tr("Backtest Chart (PNG)"), QStringLiteral("backtest-chart.png"), m_chart);
    return targets;
}

void BacktestView::loadSettings()
{
    QSettings settings;
    settings.beginGroup(QStringLiteral("backtest"));
    m_savedAssets = settings.value(QStringLiteral("assets")).toStringList();
    auto selectData = [](QComboBox *combo, const QVariant &value) {
        const int index = combo->findData(value);
        if (index >= 0)
            combo->setCurrentIndex(index);
    };
    selectData(m_weights, settings.value(QStringLiteral("weights"), QStringLiteral("targets")));
    QString trigger = settings.value(QStringLiteral("trigger")).toString();
    if (trigger.isEmpty() && m_portfolio) {
        // First visit: the portfolio's own policy.
        if (auto policy = rebalance::Trigger::parse(m_portfolio->policy)) {
            static const char *const kinds[] = {"none", "calendar", "threshold", "hybrid"};
            trigger = QString::fromLatin1(kinds[static_cast<int>(policy->kind())]);
            m_period->setCurrentIndex(std::max(0, m_period->findData(rebalance::toText(policy->period()))));
            if (policy->band() && policy->band()->kind == domain::Band::Kind::Absolute)
                m_band->setValue(policy->band()->value * 100.0);
        }
    }
    selectData(m_trigger, trigger.isEmpty() ? QStringLiteral("calendar") : trigger);
    selectData(m_period, settings.value(QStringLiteral("period"), m_period->currentData()));
    m_band->setValue(settings.value(QStringLiteral("band"), m_band->value()).toDouble());
    m_fee->setValue(settings.value(QStringLiteral("feeBps"), m_fee->value()).toDouble());
    m_slippage->setValue(settings.value(QStringLiteral("slippageBps"), m_slippage->value()).toDouble());
    m_capital->setValue(settings.value(QStringLiteral("capital"), m_capital->value()).toDouble());
    m_overlay->setCurrentIndex(std::clamp(settings.value(QStringLiteral("overlay"), 0).toInt(), 0, 3));
    m_volTarget->setValue(settings.value(QStringLiteral("volTarget"), m_volTarget->value()).toDouble());
    m_volLookback->setValue(settings.value(QStringLiteral("volLookback"), m_volLookback->value()).toInt());
    m_volCap->setValue(settings.value(QStringLiteral("volCap"), m_volCap->value()).toDouble());
    m_cppiMultiplier->setValue(settings.value(QStringLiteral("cppiMultiplier"), m_cppiMultiplier->value()).toDouble());
    m_cppiFloor->setValue(settings.value(QStringLiteral("cppiFloor"), m_cppiFloor->value()).toDouble());
    m_cppiRatchet->setChecked(settings.value(QStringLiteral("cppiRatchet"), false).toBool());
    m_regimeBase->setValue(settings.value(QStringLiteral("regimeBase"), m_regimeBase->value()).toDouble());
    m_regimeDefensive->setValue(
        settings.value(QStringLiteral("regimeDefensive"), m_regimeDefensive->value()).toDouble());
    m_regimeMultiple->setValue(settings.value(QStringLiteral("regimeMultiple"), m_regimeMultiple->value()).toDouble());
    m_guard->setChecked(settings.value(QStringLiteral("fallingGuard"), false).toBool());
    m_guardLevel->setValue(settings.value(QStringLiteral("fallingGuardLevel"), m_guardLevel->value()).toDouble());
    m_correlation->setChecked(settings.value(QStringLiteral("correlationAlert"), false).toBool());
    m_correlationLevel->setValue(
        settings.value(QStringLiteral("correlationLevel"), m_correlationLevel->value()).toDouble());
    const QDate from = settings.value(QStringLiteral("from")).toDate();
    const QDate to = settings.value(QStringLiteral("to")).toDate();
    if (from.isValid() && to.isValid()) {
        m_datesChosen = true;
        m_from->setDate(from);
        m_to->setDate(to);
    }
}

void BacktestView::saveSettings() const
{
    QSettings settings;
    settings.beginGroup(QStringLiteral("backtest"));
    // A page never shown has no lists to save: it keeps the saved choice.
    if (m_historyLoaded) {
        QStringList assets;
        for (int row = 0; row < m_assets->count(); ++row) {
            if (m_assets->item(row)->checkState() == Qt::Checked)
                assets << m_assets->item(row)->data(kSymbolRole).toString();
        }
        settings.setValue(QStringLiteral("assets"), assets);
        settings.setValue(QStringLiteral("quote"), m_quote->currentText());
        settings.setValue(QStringLiteral("interval"), m_interval->currentText());
    }
    if (m_datesChosen) {
        settings.setValue(QStringLiteral("from"), m_from->date());
        settings.setValue(QStringLiteral("to"), m_to->date());
    } else {
        settings.remove(QStringLiteral("from"));
        settings.remove(QStringLiteral("to"));
    }
    settings.setValue(QStringLiteral("weights"), m_weights->currentData());
    settings.setValue(QStringLiteral("trigger"), m_trigger->currentData());
    settings.setValue(QStringLiteral("period"), m_period->currentData());
    settings.setValue(QStringLiteral("band"), m_band->value());
    settings.setValue(QStringLiteral("feeBps"), m_fee->value());
    settings.setValue(QStringLiteral("slippageBps"), m_slippage->value());
    settings.setValue(QStringLiteral("capital"), m_capital->value());
    settings.setValue(QStringLiteral("overlay"), m_overlay->currentIndex());
    settings.setValue(QStringLiteral("stablecoin"), m_stablecoin->currentText());
    settings.setValue(QStringLiteral("volTarget"), m_volTarget->value());
    settings.setValue(QStringLiteral("volLookback"), m_volLookback->value());
    settings.setValue(QStringLiteral("volCap"), m_volCap->value());
    settings.setValue(QStringLiteral("cppiMultiplier"), m_cppiMultiplier->value());
    settings.setValue(QStringLiteral("cppiFloor"), m_cppiFloor->value());
    settings.setValue(QStringLiteral("cppiRatchet"), m_cppiRatchet->isChecked());
    settings.setValue(QStringLiteral("regimeBase"), m_regimeBase->value());
    settings.setValue(QStringLiteral("regimeDefensive"), m_regimeDefensive->value());
    settings.setValue(QStringLiteral("regimeMultiple"), m_regimeMultiple->value());
    settings.setValue(QStringLiteral("fallingGuard"), m_guard->isChecked());
    settings.setValue(QStringLiteral("fallingGuardLevel"), m_guardLevel->value());
    settings.setValue(QStringLiteral("correlationAlert"), m_correlation->isChecked());
    settings.setValue(QStringLiteral("correlationLevel"), m_correlationLevel->value());
}

} // namespace ballast::ui
