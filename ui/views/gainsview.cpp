#include "views/gainsview.h"

#include "appcontext.h"
#include "export/gainspdf.h"
#include "io/exports.h"
#include "models/decimaltext.h"
#include "models/disposalsmodel.h"
#include "models/lotsmodel.h"
#include "models/pnltext.h"
#include "workers/costbasisloader.h"

#include <QComboBox>
#include <QDateEdit>
#include <QDir>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QSortFilterProxyModel>
#include <QSpinBox>
#include <QSplitter>
#include <QTableView>
#include <QTimeZone>
#include <QTimer>
#include <QVBoxLayout>

#include <algorithm>

namespace ballast::ui {

namespace {

constexpr int kCustomRange = -1; ///< the period list's item data for the custom range

QTableView *makeTable(QAbstractItemModel *model, const QString &name, QWidget *parent)
{
    auto *table = new QTableView(parent);
    table->setModel(model);
    table->setSortingEnabled(true);
    table->setAlternatingRowColors(true);
    table->setSelectionBehavior(QAbstractItemView::SelectRows);
    table->setWordWrap(false);
    table->verticalHeader()->hide();
    table->verticalHeader()->setDefaultSectionSize(table->fontMetrics().height() + 8);
    table->horizontalHeader()->setStretchLastSection(true);
    table->setAccessibleName(name);
    return table;
}

QSortFilterProxyModel *sortedBy(QAbstractItemModel *model, int rawRole, QObject *parent)
{
    auto *proxy = new QSortFilterProxyModel(parent);
    proxy->setSourceModel(model);
    proxy->setSortRole(rawRole);
    proxy->setSortCaseSensitivity(Qt::CaseInsensitive);
    return proxy;
}

} // namespace

GainsView::GainsView(AppContext &context, QWidget *parent)
    : View(context, parent)
    , m_lots(new LotsModel(this))
    , m_disposals(new DisposalsModel(this))
    , m_lotsProxy(sortedBy(m_lots, LotsModel::RawValueRole, this))
    , m_disposalsProxy(sortedBy(m_disposals, DisposalsModel::RawValueRole, this))
    , m_method(new QComboBox(this))
    , m_longTerm(new QSpinBox(this))
    , m_longTermDelay(new QTimer(this))
    , m_period(new QComboBox(this))
    , m_from(new QDateEdit(this))
    , m_to(new QDateEdit(this))
    , m_lotsTotals(new QLabel(this))
    , m_gainsTotals(new QLabel(this))
    , m_status(new QLabel(this))
    , m_error(new QLabel(this))
    , m_exportCsv(new QPushButton(tr("Export CSV…"), this))
    , m_exportPdf(new QPushButton(tr("Export PDF…"), this))
    , m_loader(new CostBasisLoader(context.databasePath(), context.clock(), this))
{
    // The portfolio's choices: stored at once, and every page recomputes.
    m_method->setAccessibleName(tr("Cost-basis method"));
    m_method->addItem(tr("FIFO: first in, first out"), analytics::costMethodName(analytics::CostMethod::Fifo));
    m_method->addItem(tr("LIFO: last in, first out"), analytics::costMethodName(analytics::CostMethod::Lifo));
    m_method->addItem(tr("HIFO: highest cost first"), analytics::costMethodName(analytics::CostMethod::Hifo));
    m_method->addItem(tr("Average cost"), analytics::costMethodName(analytics::CostMethod::Average));
    m_method->setToolTip(tr("Which lots a sale takes; changing it recomputes every lot and gain"));
    connect(m_method, &QComboBox::currentIndexChanged, this, &GainsView::chooseMethod);
    m_longTerm->setAccessibleName(tr("Long-term threshold in days"));
    m_longTerm->setRange(0, services::kMaxLongTermDays);
    m_longTerm->setValue(365);
    m_longTerm->setSuffix(tr(" days"));
    m_longTerm->setToolTip(tr("A disposal is long term when its lot was held more than this many days"));
    m_longTermDelay->setSingleShot(true);
    m_longTermDelay->setInterval(600);
    connect(m_longTerm, &QSpinBox::valueChanged, this, [this] {
        if (!m_updating)
            m_longTermDelay->start();
    });
    connect(m_longTerm, &QSpinBox::editingFinished, this, &GainsView::storeLongTermDays);
    connect(m_longTermDelay, &QTimer::timeout, this, &GainsView::storeLongTermDays);
    m_status->setAccessibleName(tr("Cost basis status"));
    m_error->setAccessibleName(tr("Cost basis problem"));
    m_error->setWordWrap(true);
    m_error->setStyleSheet(QStringLiteral("color: #b03a2e;"));
    m_error->hide();

    auto *choices = new QHBoxLayout;
    auto *methodLabel = new QLabel(tr("Cost-basis &method:"), this);
    methodLabel->setBuddy(m_method);
    auto *longTermLabel = new QLabel(tr("&Long term when held more than"), this);
    longTermLabel->setBuddy(m_longTerm);
    choices->addWidget(methodLabel);
    choices->addWidget(m_method);
    choices->addSpacing(16);
    choices->addWidget(longTermLabel);
    choices->addWidget(m_longTerm);
    choices->addStretch(1);
    choices->addWidget(m_status);

    // Open lots.
    auto *lotsBox = new QGroupBox(tr("Open lots"), this);
    m_lotsTable = makeTable(m_lotsProxy, tr("Open lots"), lotsBox);
    m_lotsTable->sortByColumn(LotsModel::Asset, Qt::AscendingOrder);
    m_lotsTotals->setAccessibleName(tr("Open lots totals"));
    m_lotsTotals->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_lotsTotals->setWordWrap(true);
    auto *lotsLayout = new QVBoxLayout(lotsBox);
    lotsLayout->addWidget(m_lotsTable, 1);
    lotsLayout->addWidget(m_lotsTotals);

    // The gains report of a year or a range.
    auto *gainsBox = new QGroupBox(tr("Realized gains"), this);
    m_period->setAccessibleName(tr("Report period"));
    for (QDateEdit *edit : {m_from, m_to}) {
        edit->setDisplayFormat(QStringLiteral("yyyy-MM-dd"));
        edit->setCalendarPopup(true);
        edit->setEnabled(false);
        connect(edit, &QDateEdit::dateChanged, this, [this] {
            if (!m_updating && m_period->currentData().toInt() == kCustomRange)
                load();
        });
    }
    m_from->setAccessibleName(tr("Report from (inclusive)"));
    m_to->setAccessibleName(tr("Report to (inclusive)"));
    const QDate today = QDateTime::fromMSecsSinceEpoch(context.clock()(), QTimeZone::utc()).date();
    m_from->setDate(QDate(today.year(), 1, 1));
    m_to->setDate(today);
    fillYears(today.year());
    connect(m_period, &QComboBox::currentIndexChanged, this, &GainsView::periodChosen);
    m_exportCsv->setAccessibleName(tr("Export the gains report as CSV"));
    m_exportCsv->setToolTip(tr("The same file as ballast-cli gains --out"));
    m_exportPdf->setAccessibleName(tr("Export the gains report as PDF"));
    m_exportPdf->setToolTip(tr("A printable A4 report with the totals"));
    connect(m_exportCsv, &QPushButton::clicked, this, [this] { exportWith(csvExport()); });
    connect(m_exportPdf, &QPushButton::clicked, this, [this] { exportWith(pdfExport()); });
    auto *period = new QHBoxLayout;
    auto *periodLabel = new QLabel(tr("&Period:"), gainsBox);
    periodLabel->setBuddy(m_period);
    period->addWidget(periodLabel);
    period->addWidget(m_period);
    period->addWidget(m_from);
    period->addWidget(new QLabel(tr("to"), gainsBox));
    period->addWidget(m_to);
    period->addStretch(1);
    period->addWidget(m_exportCsv);
    period->addWidget(m_exportPdf);
    m_disposalsTable = makeTable(m_disposalsProxy, tr("Disposals"), gainsBox);
    m_disposalsTable->sortByColumn(DisposalsModel::Sold, Qt::AscendingOrder);
    m_gainsTotals->setAccessibleName(tr("Gains totals"));
    m_gainsTotals->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_gainsTotals->setWordWrap(true);
    auto *gainsLayout = new QVBoxLayout(gainsBox);
    gainsLayout->addLayout(period);
    gainsLayout->addWidget(m_disposalsTable, 1);
    gainsLayout->addWidget(m_gainsTotals);

    auto *splitter = new QSplitter(Qt::Vertical, this);
    splitter->addWidget(lotsBox);
    splitter->addWidget(gainsBox);
    splitter->setStretchFactor(0, 2);
    splitter->setStretchFactor(1, 3);
    splitter->setChildrenCollapsible(false);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(choices);
    layout->addWidget(m_error);
    layout->addWidget(splitter, 1);

    connect(m_loader, &CostBasisLoader::loaded, this, &GainsView::loaded);
    connect(&context, &AppContext::ledgerChanged, this, &GainsView::refresh);
    // The stored choices are written on the GUI thread: not while an execution writes.
    connect(&context, &AppContext::executingChanged, this, [this](bool executing) {
        m_method->setEnabled(!executing);
        m_longTerm->setEnabled(!executing);
    });
    refresh();
}

GainsView::~GainsView() = default;

void GainsView::refresh()
{
    whenShown([this] { reload(); });
}

void GainsView::reload()
{
    services::PerformanceService service(context().db(), context().clock());
    auto method = service.costMethod();
    auto days = service.longTermDays();
    m_updating = true;
    if (method)
        m_method->setCurrentIndex(m_method->findData(analytics::costMethodName(*method)));
    if (days && !m_longTermDelay->isActive())
        m_longTerm->setValue(*days);
    m_updating = false;
    if (!method || !days) {
        m_error->setText(tr("No cost basis: %1").arg(method ? days.error().message : method.error().message));
        m_error->show();
        m_lots->setReport({});
        m_disposals->setReport({});
        updateTotals();
        return;
    }
    load();
}

void GainsView::load()
{
    m_status->setText(tr("Computing…"));
    m_exportCsv->setEnabled(false);
    m_exportPdf->setEnabled(false);
    m_loader->load(CostBasisRequest{range()});
}

void GainsView::loaded(const CostBasisData &result)
{
    m_status->clear();
    if (!result.ok) {
        m_error->setText(tr("No cost basis: %1").arg(result.error));
        m_error->show();
        m_lots->setReport({});
        m_disposals->setReport({});
        updateTotals();
        return;
    }
    m_error->hide();
    m_lots->setReport(result.report.lots);
    m_disposals->setReport(result.report.gains);
    if (result.report.firstTransaction.isValid())
        fillYears(result.report.firstTransaction.toUTC().date().year());
    // Networks only where the ledger distinguishes them.
    const bool networks = std::any_of(result.report.lots.pnl.lots.cbegin(), result.report.lots.pnl.lots.cend(),
                                      [](const analytics::LotPnl &lot) { return !lot.lot.network.isEmpty(); });
    m_lotsTable->setColumnHidden(LotsModel::Network, !networks);
    m_lotsTable->resizeColumnsToContents();
    m_disposalsTable->resizeColumnsToContents();
    m_exportCsv->setEnabled(true);
    m_exportPdf->setEnabled(true);
    updateTotals();
}

void GainsView::chooseMethod(int index)
{
    if (m_updating || index < 0)
        return;
    const auto method = analytics::costMethodFromName(m_method->itemData(index).toString());
    if (!method)
        return;
    if (auto set = services::PerformanceService(context().db(), context().clock()).setCostMethod(*method); !set) {
        m_error->setText(tr("The method was not changed: %1").arg(set.error().message));
        m_error->show();
        refresh();
        return;
    }
    context().showStatus(
        tr("Cost-basis method %1: lots and gains recomputed").arg(analytics::costMethodName(*method).toUpper()));
    context().notifyLedgerChanged();
}

void GainsView::storeLongTermDays()
{
    m_longTermDelay->stop();
    services::PerformanceService service(context().db(), context().clock());
    auto stored = service.longTermDays();
    if (stored && *stored == m_longTerm->value())
        return;
    if (auto set = service.setLongTermDays(m_longTerm->value()); !set) {
        m_error->setText(tr("The threshold was not changed: %1").arg(set.error().message));
        m_error->show();
        refresh();
        return;
    }
    context().showStatus(tr("Long term after %n day(s): gains recomputed", nullptr, m_longTerm->value()));
    context().notifyLedgerChanged();
}

void GainsView::fillYears(int firstYear)
{
    const int thisYear = QDateTime::fromMSecsSinceEpoch(context().clock()(), QTimeZone::utc()).date().year();
    const QVariant chosen = m_period->currentData();
    const int selected = chosen.isValid() ? chosen.toInt() : thisYear;
    const int oldest = std::min({firstYear, thisYear, selected == kCustomRange ? thisYear : selected});
    if (m_firstYear == oldest && m_period->count() > 0)
        return;
    m_firstYear = oldest;
    m_updating = true;
    m_period->clear();
    for (int year = std::max({thisYear, selected, firstYear}); year >= oldest; --year)
        m_period->addItem(QString::number(year), year);
    m_period->addItem(tr("Custom range"), kCustomRange);
    m_period->setCurrentIndex(m_period->findData(selected));
    m_updating = false;
}

void GainsView::periodChosen()
{
    if (m_updating)
        return;
    const bool custom = m_period->currentData().toInt() == kCustomRange;
    m_from->setEnabled(custom);
    m_to->setEnabled(custom);
    load();
}

services::GainsRange GainsView::range() const
{
    const int year = m_period->currentData().toInt();
    if (year == kCustomRange) {
        const QDate from = std::min(m_from->date(), m_to->date());
        const QDate to = std::max(m_from->date(), m_to->date());
        return services::GainsRange::days(from, to);
    }
    return services::GainsRange::year(year);
}

void GainsView::showYear(int year)
{
    if (m_period->findData(year) < 0) {
        m_firstYear = 0; // rebuild with it
        fillYears(year);
    }
    m_period->setCurrentIndex(m_period->findData(year));
}

void GainsView::showRange(QDate from, QDate to)
{
    m_updating = true;
    m_from->setDate(from);
    m_to->setDate(to);
    m_updating = false;
    if (m_period->currentData().toInt() == kCustomRange)
        load();
    else
        m_period->setCurrentIndex(m_period->findData(kCustomRange));
}

void GainsView::updateTotals()
{
    const services::LotsReport &lots = m_lots->report();
    const analytics::UnrealizedReport &pnl = lots.pnl;
    QString text = tr("%n open lot(s)", nullptr, static_cast<int>(pnl.lots.size()));
    if (!lots.quote.isEmpty()) {
        text += QStringLiteral(" · ")
            + tr("cost %1 · value %2 · unrealized P&L %3 %4")
                  .arg(decimalText(pnl.cost, 2), decimalText(pnl.value, 2), signedAmountText(pnl.unrealized),
                       lots.quote);
    }
    if (!pnl.missingPrices.isEmpty())
        text += QStringLiteral(" · ") + tr("no price for %1 (valued at 0)").arg(pnl.missingPrices.join(u", "));
    m_lotsTotals->setText(text);

    const services::GainsReport &gains = m_disposals->report();
    QString sums = tr("%n disposal(s)", nullptr, static_cast<int>(gains.disposals.size()));
    if (!gains.quote.isEmpty()) {
        sums += QStringLiteral(" · ")
            + tr("proceeds %1 · cost %2 · gain %3 (short term %4, long term %5) %6")
                  .arg(decimalText(gains.proceeds, 2), decimalText(gains.cost, 2), signedAmountText(gains.gain),
                       signedAmountText(gains.shortTermGain), signedAmountText(gains.longTermGain), gains.quote);
    }
    m_gainsTotals->setText(sums);
}

QString GainsView::fileStem() const
{
    const int year = m_period->currentData().toInt();
    if (year != kCustomRange)
        return QStringLiteral("gains-%1").arg(year);
    const services::GainsRange chosen = range();
    return QStringLiteral("gains-%1-to-%2")
        .arg(chosen.from.date().toString(Qt::ISODate), chosen.to.date().toString(Qt::ISODate));
}

ExportTarget GainsView::csvExport()
{
    return csvTarget(tr("Gains report (CSV, as ballast-cli gains --out)"), fileStem() + QStringLiteral(".csv"),
                     [this] { return io::Exports::gains(m_disposals->report().disposals); });
}

ExportTarget GainsView::pdfExport()
{
    ExportTarget target;
    target.title = tr("Gains report (PDF)");
    target.fileName = fileStem() + QStringLiteral(".pdf");
    target.format = ExportTarget::Format::Pdf;
    target.write = [this](const QString &path) -> Status {
        const QDateTime now = QDateTime::fromMSecsSinceEpoch(context().clock()(), QTimeZone::utc());
        auto pages = GainsPdf(m_disposals->report(), now).write(path);
        if (!pages)
            return pages.error();
        return {};
    };
    return target;
}

void GainsView::exportWith(const ExportTarget &target)
{
    const QString path = saveWithDialog(this, target);
    if (!path.isEmpty())
        context().showStatus(tr("Exported %1").arg(QDir::toNativeSeparators(path)));
}

QList<ExportTarget> GainsView::exportTargets()
{
    return {csvExport(), pdfExport(),
            modelTarget(tr("Open lots as shown (CSV)"), QStringLiteral("lots.csv"), m_lotsProxy)};
}

} // namespace ballast::ui
