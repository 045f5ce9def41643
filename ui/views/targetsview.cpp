#include "views/targetsview.h"

#include "appcontext.h"
#include "domain/assetcatalog.h"
#include "models/historyallocation.h"
#include "models/numberformat.h"
#include "models/previewmodel.h"
#include "models/targetsmodel.h"
#include "services/ledger.h"
#include "services/planservice.h"
#include "services/policyservice.h"
#include "views/policyeditor.h"
#include "views/targetcommands.h"

#include <QComboBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QScrollArea>
#include <QSpinBox>
#include <QSplitter>
#include <QStyledItemDelegate>
#include <QTabWidget>
#include <QTableView>
#include <QThread>
#include <QUndoStack>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

namespace ballast::ui {

namespace {

constexpr int kPreviewDelayMs = 150;
QString errorStyle()
{
    return QStringLiteral("color: #b03a2e;");
}

QString okStyle()
{
    return QStringLiteral("color: #1e7b3a;");
}

/// Commits every keystroke of a cell editor, so that the sum and the preview
/// follow the typing; the model merges one editor's keystrokes into one undo step.
class LiveDelegate : public QStyledItemDelegate
{
public:
    LiveDelegate(TargetsModel *model, QObject *parent)
        : QStyledItemDelegate(parent)
        , m_model(model)
    {
    }

    QWidget *createEditor(QWidget *parent, const QStyleOptionViewItem &option, const QModelIndex &index) const override
    {
        QWidget *editor = QStyledItemDelegate::createEditor(parent, option, index);
        if (auto *line = qobject_cast<QLineEdit *>(editor)) {
            m_model->beginEditSession();
            auto *self = const_cast<LiveDelegate *>(this);
            connect(line, &QLineEdit::textEdited, self, [self, line] { emit self->commitData(line); });
        }
        return editor;
    }

    void destroyEditor(QWidget *editor, const QModelIndex &index) const override
    {
        m_model->endEditSession();
        QStyledItemDelegate::destroyEditor(editor, index);
    }

private:
    TargetsModel *m_model;
};

bool isCash(const QString &asset, const QString &quote)
{
    if (asset == quote)
        return true;
    const auto known = domain::AssetCatalog::find(asset);
    return known && known->kind != domain::AssetKind::Crypto;
}

QList<domain::Target> sortedTargets(QList<domain::Target> targets)
{
    std::sort(targets.begin(), targets.end(),
              [](const domain::Target &a, const domain::Target &b) { return a.asset < b.asset; });
    return targets;
}

/// Splits @p total (a percentage) over @p weights so that the parts, with the
/// decimals @p total needs (at least 2), sum to it exactly (largest remainder).
QStringList distribute(const money::Decimal &total, const QList<double> &weights)
{
    const int decimals = std::max(2, total.scale());
    const money::Decimal unit = *money::Decimal::parse(
        QString(QStringLiteral("0.") + QString(decimals - 1, QLatin1Char('0')) + QLatin1Char('1')));
    const auto units = static_cast<qint64>(std::llround((total / unit).toDouble()));
    double sum = 0.0;
    for (double weight : weights)
        sum += std::max(0.0, weight);
    QList<qint64> parts;
    QList<std::pair<double, qsizetype>> remainders;
    qint64 given = 0;
    for (qsizetype i = 0; i < weights.size(); ++i) {
        const double exact = sum > 0.0 ? std::max(0.0, weights[i]) / sum * static_cast<double>(units) : 0.0;
        const auto floor = static_cast<qint64>(std::floor(exact));
        parts.append(floor);
        given += floor;
        remainders.append({exact - static_cast<double>(floor), i});
    }
    std::stable_sort(remainders.begin(), remainders.end(),
                     [](const auto &a, const auto &b) { return a.first > b.first; });
    for (qsizetype k = 0; given < units && !remainders.isEmpty(); ++k, ++given)
        ++parts[remainders[k % remainders.size()].second];
    QStringList texts;
    for (qint64 part : parts)
        texts.append((money::Decimal::fromInt(part) * unit).toString());
    return texts;
}

} // namespace

void TargetsView::ThreadStopper::operator()(QThread *thread) const
{
    thread->quit();
    thread->wait();
    delete thread;
}

TargetsView::TargetsView(AppContext &context, QWidget *parent)
    : View(context, parent)
    , m_undo(new QUndoStack(this))
    , m_model(new TargetsModel(this))
    , m_preview(new PreviewModel(this))
    , m_table(new QTableView(this))
    , m_newAsset(new QLineEdit(this))
    , m_add(new QPushButton(tr("&Add"), this))
    , m_remove(new QPushButton(tr("&Remove"), this))
    , m_modelChoice(new QComboBox(this))
    , m_window(new QSpinBox(this))
    , m_apply(new QPushButton(tr("Start from &model"), this))
    , m_defaultBand(new QLineEdit(this))
    , m_bandSource(new QLabel(this))
    , m_sum(new QLabel(this))
    , m_messages(new QLabel(this))
    , m_save(new QPushButton(tr("&Save"), this))
    , m_revert(new QPushButton(tr("Re&vert"), this))
    , m_previewTable(new QTableView(this))
    , m_previewSummary(new QLabel(this))
{
    m_model->setUndoStack(m_undo);

    // Editor.
    m_table->setModel(m_model);
    m_table->setItemDelegate(new LiveDelegate(m_model, m_table));
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setEditTriggers(QAbstractItemView::DoubleClicked | QAbstractItemView::EditKeyPressed
                             | QAbstractItemView::AnyKeyPressed);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    m_table->setAccessibleName(tr("Target weights"));

    m_newAsset->setPlaceholderText(tr("Asset symbol, e.g. ADA"));
    m_newAsset->setAccessibleName(tr("Asset to add"));
    m_add->setAccessibleName(tr("Add asset"));
    m_remove->setAccessibleName(tr("Remove selected asset"));
    for (const auto &[model, name] : HistoryAllocation::models())
        m_modelChoice->addItem(name, static_cast<int>(model));
    m_modelChoice->setAccessibleName(tr("Allocation model"));
    m_window->setRange(30, 3650);
    m_window->setValue(365);
    m_window->setSuffix(tr(" days"));
    m_window->setAccessibleName(tr("Price history used by the model"));
    m_window->setToolTip(tr("Daily price history the model estimates risk from"));
    m_apply->setAccessibleName(tr("Start from model"));
    m_apply->setToolTip(tr("Replace the weights of the crypto assets with the model's; cash and stablecoins keep "
                           "their weight"));
    m_defaultBand->setAccessibleName(tr("Default band"));
    m_defaultBand->setToolTip(tr("Band of every asset without its own: \"5pp\" or \"25%\""));
    m_defaultBand->setMaximumWidth(120);
    m_bandSource->setObjectName(QStringLiteral("bandSource"));
    m_bandSource->setAccessibleName(tr("Band in force"));
    m_bandSource->setWordWrap(true);
    m_bandSource->hide();
    m_sum->setAccessibleName(tr("Sum of target weights"));
    m_messages->setAccessibleName(tr("Problems with the targets"));
    m_messages->setWordWrap(true);
    m_messages->setStyleSheet(errorStyle());
    m_save->setAccessibleName(tr("Save targets"));
    m_revert->setAccessibleName(tr("Revert to stored targets"));

    auto *addRow = new QHBoxLayout;
    addRow->addWidget(m_newAsset, 1);
    addRow->addWidget(m_add);
    addRow->addWidget(m_remove);
    auto *modelRow = new QHBoxLayout;
    modelRow->addWidget(m_modelChoice, 1);
    modelRow->addWidget(m_window);
    modelRow->addWidget(m_apply);
    auto *bandForm = new QFormLayout;
    bandForm->addRow(tr("Default &band:"), m_defaultBand);
    bandForm->addRow(m_bandSource);
    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_sum, 1);
    buttons->addWidget(m_revert);
    buttons->addWidget(m_save);

    auto *editor = new QGroupBox(tr("Targets"), this);
    auto *editorLayout = new QVBoxLayout(editor);
    editorLayout->addLayout(addRow);
    editorLayout->addLayout(modelRow);
    editorLayout->addWidget(m_table, 1);
    editorLayout->addLayout(bandForm);
    editorLayout->addWidget(m_messages);
    editorLayout->addLayout(buttons);

    // Preview.
    m_previewTable->setModel(m_preview);
    m_previewTable->verticalHeader()->hide();
    m_previewTable->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_previewTable->horizontalHeader()->setStretchLastSection(true);
    m_previewTable->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_previewTable->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_previewTable->setAccessibleName(tr("Trades these targets imply"));
    m_previewSummary->setWordWrap(true);
    m_previewSummary->setAccessibleName(tr("Preview summary"));
    auto *preview = new QGroupBox(tr("Trades these targets imply now"), this);
    auto *previewLayout = new QVBoxLayout(preview);
    previewLayout->addWidget(m_previewTable, 1);
    previewLayout->addWidget(m_previewSummary);

    auto *splitter = new QSplitter(Qt::Horizontal, this);
    splitter->addWidget(editor);
    splitter->addWidget(preview);
    splitter->setStretchFactor(0, 1);
    splitter->setStretchFactor(1, 1);
    splitter->setChildrenCollapsible(false);
    // The rebalancing policy has its own tab; its edits share the page's undo stack.
    m_policy = new PolicyEditor(context, m_undo, this);
    auto *policyScroll = new QScrollArea(this);
    policyScroll->setObjectName(QStringLiteral("policyScroll"));
    policyScroll->setWidgetResizable(true);
    policyScroll->setFrameShape(QFrame::NoFrame);
    policyScroll->setWidget(m_policy);
    m_tabs = new QTabWidget(this);
    m_tabs->setObjectName(QStringLiteral("targetsTabs"));
    m_tabs->setDocumentMode(true);
    m_tabs->addTab(splitter, tr("&Targets"));
    m_tabs->addTab(policyScroll, tr("Rebalancing &policy"));
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_tabs);

    m_previewTimer.setSingleShot(true);
    m_previewTimer.setInterval(kPreviewDelayMs);
    connect(&m_previewTimer, &QTimer::timeout, this, &TargetsView::updatePreview);
    connect(m_model, &TargetsModel::edited, this, [this] {
        updateValidation();
        m_previewTimer.start();
    });
    connect(m_add, &QPushButton::clicked, this, [this] {
        if (addAsset(m_newAsset->text()))
            m_newAsset->clear();
    });
    connect(m_newAsset, &QLineEdit::returnPressed, m_add, &QPushButton::click);
    connect(m_remove, &QPushButton::clicked, this, [this] {
        const QModelIndex current = m_table->currentIndex();
        if (current.isValid())
            removeRow(current.row());
    });
    connect(m_apply, &QPushButton::clicked, this, [this] {
        startFromModel(static_cast<allocation::Model>(m_modelChoice->currentData().toInt()), m_window->value());
    });
    connect(m_defaultBand, &QLineEdit::editingFinished, this, [this] {
        if (m_defaultBand->text() != m_model->defaultBand())
            m_undo->push(new SetDefaultBandCommand(m_model, m_model->defaultBand(), m_defaultBand->text()));
    });
    connect(m_save, &QPushButton::clicked, this, &TargetsView::save);
    connect(m_revert, &QPushButton::clicked, this, &TargetsView::revert);
    connect(m_table->selectionModel(), &QItemSelectionModel::currentChanged, this,
            [this] { m_remove->setEnabled(m_table->currentIndex().isValid()); });
    connect(&context, &AppContext::ledgerChanged, this, &TargetsView::refresh);
    connect(&context, &AppContext::executingChanged, this, &TargetsView::updateValidation);

    refresh();
    updatePreview();
}

TargetsView::~TargetsView() = default;

void TargetsView::showTab(int index)
{
    m_tabs->setCurrentIndex(index);
}

void TargetsView::refresh()
{
    auto portfolio = context().portfolio();
    if (!portfolio) {
        showProblem(tr("No portfolio to edit: %1").arg(portfolio.error().message));
        return;
    }
    m_stored = *portfolio;
    // Reload the editor only when nothing unsaved would be lost.
    const auto edited = m_model->targets();
    const auto band = m_model->band();
    const bool same =
        edited && band && sortedTargets(*edited) == sortedTargets(m_stored.targets) && *band == m_stored.defaultBand;
    if (!m_loaded || (m_undo->isClean() && !same)) {
        m_model->setRows(TargetsModel::rowsFrom(m_stored.targets));
        m_model->setDefaultBand(m_stored.defaultBand.toString());
        m_undo->clear();
        m_loaded = true;
    }
    QHash<QString, double> weights;
    if (auto snapshot = context().snapshot()) {
        for (const auto &position : snapshot->positions())
            weights.insert(position.asset, position.weight);
    }
    m_model->setCurrentWeights(weights);
    readPolicyBands();
    updateValidation();
    m_previewTimer.start();
}

void TargetsView::readPolicyBands()
{
    auto info = services::PolicyService(context().db(), context().clock()).load(m_stored.name);
    if (!info) {
        m_model->setPolicyBands({});
        m_bandSource->setText(tr("The rebalancing policy could not be read (%1): the bands shown are the ones "
                                 "typed here.")
                                  .arg(info.error().message));
        m_bandSource->setVisible(true);
        return;
    }
    const rebalance::RebalancePolicy &policy = info->policy;
    TargetsModel::PolicyBands bands;
    bands.named = policy.namedBand();
    bands.excluded = policy.excluded;
    if (bands.named) {
        bands.origin = policy.rule.band() ? tr("set by the rule %1").arg(policy.rule.toString())
                                          : tr("the policy's band for every asset");
    }
    m_model->setPolicyBands(bands);
    if (bands.named) {
        m_bandSource->setText(tr("The rebalancing policy's band, %1 (%2), replaces the bands here for every asset "
                                 "it does not exclude: the check, the plans and the drift bars use it. Change it on "
                                 "the Rebalancing policy tab; the bands here apply once the policy names none.")
                                  .arg(bands.named->toString(), bands.origin));
    }
    m_bandSource->setVisible(bands.named.has_value());
}

bool TargetsView::isDirty() const
{
    const auto edited = m_model->targets();
    const auto band = m_model->band();
    if (!edited || !band)
        return true;
    return sortedTargets(*edited) != sortedTargets(m_stored.targets) || !(*band == m_stored.defaultBand);
}

void TargetsView::updateValidation()
{
    const TargetsModel::Check check = m_model->check();
    const NumberFormat format;
    const money::Decimal off = check.totalPercent - money::Decimal::fromInt(100);
    const bool sumOk = off.isZero();
    if (sumOk) {
        m_sum->setText(tr("Total %1 %").arg(format.decimal(check.totalPercent, 8)));
    } else {
        m_sum->setText(tr("Total %1 % (%2%3 % from 100 %)")
                           .arg(format.decimal(check.totalPercent, 8),
                                off.isPositive() ? QStringLiteral("+") : QStringLiteral("−"),
                                format.decimal(off.abs(), 8)));
    }
    m_sum->setStyleSheet(sumOk ? okStyle() : errorStyle());
    m_messages->setText(check.messages.mid(0, 6).join(QLatin1Char('\n')));
    m_messages->setVisible(!check.messages.isEmpty());
    if (m_defaultBand->text() != m_model->defaultBand())
        m_defaultBand->setText(m_model->defaultBand());
    const bool dirty = isDirty();
    const bool executing = context().isExecuting();
    m_save->setEnabled(check.valid && dirty && !executing);
    m_save->setToolTip(executing          ? tr("An execution is running; save when it has finished")
                           : !check.valid ? tr("Fix the targets first")
                                          : QString());
    m_revert->setEnabled(dirty);
    m_remove->setEnabled(m_table->currentIndex().isValid());
    m_apply->setEnabled(!isAllocating());
}

void TargetsView::showProblem(const QString &message)
{
    m_messages->setText(message);
    m_messages->setVisible(true);
}

bool TargetsView::save()
{
    if (context().isExecuting()) {
        showProblem(tr("Not saved: an execution is running; save the targets when it has finished."));
        return false;
    }
    const auto targets = m_model->targets();
    if (!targets) {
        showProblem(tr("Not saved:\n%1").arg(targets.error().message));
        return false;
    }
    const auto band = m_model->band();
    if (!band) {
        showProblem(tr("Not saved: default band: %1").arg(band.error().message));
        return false;
    }
    if (auto stored = context().ledger().setTargets(m_stored.name, *targets, *band); !stored) {
        showProblem(tr("Not saved: %1").arg(stored.error().message));
        return false;
    }
    m_undo->setClean();
    context().notifyLedgerChanged();
    context().showStatus(
        tr("Saved %n target(s) of %1.", nullptr, static_cast<int>(targets->size())).arg(m_stored.name));
    return true;
}

void TargetsView::revert()
{
    const QList<TargetRow> stored = TargetsModel::rowsFrom(m_stored.targets);
    const QString band = m_stored.defaultBand.toString();
    if (stored == m_model->rows() && band == m_model->defaultBand())
        return;
    m_undo->beginMacro(tr("Revert targets"));
    if (stored != m_model->rows())
        m_undo->push(new ReplaceTargetsCommand(m_model, m_model->rows(), stored, tr("Revert targets")));
    if (band != m_model->defaultBand())
        m_undo->push(new SetDefaultBandCommand(m_model, m_model->defaultBand(), band));
    m_undo->endMacro();
}

bool TargetsView::addAsset(const QString &asset)
{
    auto symbol = domain::AssetCatalog::normalizeSymbol(asset);
    if (!symbol) {
        showProblem(tr("Cannot add \"%1\": %2").arg(asset, symbol.error().message));
        return false;
    }
    if (const int row = m_model->rowOf(*symbol); row >= 0) {
        showProblem(tr("%1 is already in the targets (row %2).").arg(*symbol).arg(row + 1));
        m_table->setCurrentIndex(m_model->index(row, TargetsModel::Weight));
        return false;
    }
    const int row = m_model->rowCount();
    m_undo->push(new AddTargetCommand(m_model, row, TargetRow{*symbol, QStringLiteral("0"), QString()}));
    m_table->setCurrentIndex(m_model->index(row, TargetsModel::Weight));
    return true;
}

void TargetsView::removeRow(int row)
{
    if (row < 0 || row >= m_model->rowCount())
        return;
    m_undo->push(new RemoveTargetCommand(m_model, row));
}

void TargetsView::startFromModel(allocation::Model model, int windowDays)
{
    if (m_worker)
        return;
    // The model allocates the crypto assets; cash and stablecoins keep their weight.
    HistoryAllocationRequest request;
    request.model = model;
    request.quote = m_stored.quote;
    request.windowDays = windowDays;
    request.nowMs = context().clock()();
    for (qsizetype row = 0; row < m_model->rows().size(); ++row) {
        auto symbol = domain::AssetCatalog::normalizeSymbol(m_model->rows()[row].asset);
        if (!symbol) {
            emit modelFailed(tr("Row %1: %2").arg(row + 1).arg(symbol.error().message));
            showProblem(tr("Cannot start from a model: row %1: %2").arg(row + 1).arg(symbol.error().message));
            return;
        }
        if (!isCash(*symbol, m_stored.quote))
            request.assets.append(*symbol);
    }
    auto result = std::make_shared<Result<QList<double>>>(makeError(QStringLiteral("allocate"), QString()));
    const QString path = context().databasePath();
    m_worker.reset(QThread::create([result, path, request] { *result = HistoryAllocation::compute(path, request); }));
    connect(m_worker.get(), &QThread::finished, this, [this, model, result] { modelFinished(model, result); });
    m_apply->setEnabled(false);
    context().showStatus(tr("Computing the model weights…"));
    m_worker->start();
}

void TargetsView::modelFinished(allocation::Model model, const std::shared_ptr<Result<QList<double>>> &result)
{
    m_worker.reset();
    m_apply->setEnabled(true);
    QString name;
    for (const auto &[known, text] : HistoryAllocation::models()) {
        if (known == model)
            name = text;
    }
    if (!*result) {
        showProblem(tr("%1: %2").arg(name, result->error().message));
        emit modelFailed(result->error().message);
        return;
    }
    money::Decimal cash;
    for (const auto &row : m_model->rows()) {
        auto symbol = domain::AssetCatalog::normalizeSymbol(row.asset);
        if (!symbol || !isCash(*symbol, m_stored.quote))
            continue;
        auto weight = TargetsModel::parsePercent(row.weight);
        if (!weight) {
            const QString message =
                tr("%1: fix the weight of %2 first (%3)").arg(name, *symbol, weight.error().message);
            showProblem(message);
            emit modelFailed(message);
            return;
        }
        cash += *weight;
    }
    const money::Decimal sleeve = money::Decimal::fromInt(100) - cash;
    if (sleeve.isNegative()) {
        const QString message = tr("%1: cash and stablecoins already take more than 100 %").arg(name);
        showProblem(message);
        emit modelFailed(message);
        return;
    }
    const QStringList parts = distribute(sleeve, **result);
    QList<TargetRow> rows = m_model->rows();
    qsizetype next = 0;
    for (auto &row : rows) {
        auto symbol = domain::AssetCatalog::normalizeSymbol(row.asset);
        if (symbol && !isCash(*symbol, m_stored.quote) && next < parts.size())
            row.weight = parts[next++];
    }
    if (rows != m_model->rows())
        m_undo->push(new ReplaceTargetsCommand(m_model, m_model->rows(), rows, tr("Apply %1").arg(name)));
    context().showStatus(tr("Applied %1 to %n asset(s).", nullptr, static_cast<int>(parts.size())).arg(name));
    updateValidation();
    emit modelApplied();
}

void TargetsView::updatePreview()
{
    m_previewTimer.stop();
    // The preview plans from the whole ledger (the open lots come from every
    // transaction): never for a hidden page, so it costs nothing at start-up.
    if (!isVisible()) {
        whenShown([this] { updatePreview(); });
        return;
    }
    const auto targets = m_model->targets();
    const auto band = m_model->band();
    if (!targets || !band || !m_loaded) {
        m_preview->clear();
        m_previewSummary->setText(tr("The preview appears once the targets are valid."));
        emit previewUpdated();
        return;
    }
    domain::Portfolio edited = m_stored;
    edited.targets = *targets;
    edited.defaultBand = *band;
    // Through the plan service: an arithmetic error in the planner comes back as a value.
    auto plan = services::PlanService(context().db(), context().clock())
                    .preview(edited, rebalance::PlanMode{}, rebalance::PlanConstraints{});
    if (!plan) {
        m_preview->clear();
        m_previewSummary->setText(tr("No preview: %1").arg(plan.error().message));
        emit previewUpdated();
        return;
    }
    m_preview->setPlan(*plan);
    const NumberFormat format;
    QString text = plan->orders.isEmpty()
        ? tr("No trades: the holdings already match these targets as closely as the markets allow.")
        : tr("%n order(s)", nullptr, static_cast<int>(plan->orders.size()));
    text += QStringLiteral(" · ")
        + tr("turnover %1 · fees %2 %3")
              .arg(format.percent(plan->turnover), format.amount(plan->feesTotal), plan->quote);
    if (!plan->skipped.isEmpty()) {
        QStringList reasons;
        for (const auto &skipped : plan->skipped)
            reasons.append(skipped.text(plan->quote));
        text += QStringLiteral(" · ") + tr("%n skipped", nullptr, static_cast<int>(plan->skipped.size()));
        m_previewSummary->setToolTip(reasons.join(QLatin1Char('\n')));
    } else {
        m_previewSummary->setToolTip(QString());
    }
    if (plan->simulated)
        text += QStringLiteral(" · ") + tr("simulated prices");
    m_previewSummary->setText(text);
    emit previewUpdated();
}

QList<ExportTarget> TargetsView::exportTargets()
{
    return {csvTarget(tr("Targets (CSV)"), QStringLiteral("targets.csv"),
                      [this] {
                          io::CsvTable table;
                          table.header = {QStringLiteral("asset"), QStringLiteral("weight"), QStringLiteral("band")};
                          const auto targets = m_model->targets();
                          const auto band = m_model->band();
                          // Exactly what Save would store; rows as typed while they are invalid.
                          if (targets && band) {
                              for (const auto &target : *targets)
                                  table.rows.append({target.asset, target.weight.toString(),
                                                     (target.band ? *target.band : *band).toString()});
                          } else {
                              for (const auto &row : m_model->rows()) {
                                  const auto percent = TargetsModel::parsePercent(row.weight);
                                  table.rows.append(
                                      {row.asset,
                                       percent ? (*percent / money::Decimal::fromInt(100)).toString() : row.weight,
                                       row.band.isEmpty() ? m_model->defaultBand() : row.band});
                              }
                          }
                          return table;
                      }),
            csvTarget(tr("Preview trades (CSV)"), QStringLiteral("targets-preview.csv"),
                      [this] { return m_preview->csvTable(); })};
}

} // namespace ballast::ui
