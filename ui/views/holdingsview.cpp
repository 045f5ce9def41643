#include "views/holdingsview.h"

#include "appcontext.h"
#include "io/exports.h"
#include "models/decimaltext.h"
#include "models/holdingstreemodel.h"
#include "models/numberformat.h"
#include "models/pnltext.h"
#include "workers/costbasisloader.h"

#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QSet>
#include <QSettings>
#include <QSortFilterProxyModel>
#include <QTreeView>
#include <QVBoxLayout>

#include <utility>

namespace ballast::ui {

namespace {

QString headerKey()
{
    // "holdings/header" held the columns before cost basis and P&L came in
    // between; a state saved for other columns is not restored.
    return QStringLiteral("holdings/columns");
}

} // namespace

HoldingsView::HoldingsView(AppContext &context, QWidget *parent)
    : View(context, parent)
    , m_model(new HoldingsTreeModel(this))
    , m_proxy(new QSortFilterProxyModel(this))
    , m_tree(new QTreeView(this))
    , m_search(new QLineEdit(this))
    , m_totals(new QLabel(this))
    , m_error(new QLabel(this))
    , m_basisError(new QLabel(this))
    , m_loader(new CostBasisLoader(context.databasePath(), context.clock(), this))
{
    m_proxy->setSourceModel(m_model);
    m_proxy->setSortRole(HoldingsTreeModel::RawValueRole);
    m_proxy->setSortCaseSensitivity(Qt::CaseInsensitive);
    m_proxy->setFilterRole(HoldingsTreeModel::SearchRole);
    m_proxy->setFilterKeyColumn(HoldingsTreeModel::Name);
    m_proxy->setFilterCaseSensitivity(Qt::CaseInsensitive);
    // A matching holding keeps its asset visible; a matching asset shows all its holdings.
    m_proxy->setRecursiveFilteringEnabled(true);
    m_proxy->setAutoAcceptChildRows(true);

    m_search->setPlaceholderText(tr("Search asset, account or network"));
    m_search->setClearButtonEnabled(true);
    m_search->setAccessibleName(tr("Search holdings"));
    connect(m_search, &QLineEdit::textChanged, m_proxy, &QSortFilterProxyModel::setFilterFixedString);

    m_tree->setModel(m_proxy);
    m_tree->setSortingEnabled(true);
    m_tree->setAlternatingRowColors(true);
    m_tree->setUniformRowHeights(true);
    m_tree->setAccessibleName(tr("Holdings by asset"));
    m_tree->sortByColumn(HoldingsTreeModel::Value, Qt::DescendingOrder);
    QHeaderView *header = m_tree->header();
    header->setStretchLastSection(false);
    header->setSectionResizeMode(QHeaderView::Interactive);
    header->resizeSection(HoldingsTreeModel::Name, 170);
    header->resizeSection(HoldingsTreeModel::Network, 70);
    for (int column = HoldingsTreeModel::Quantity; column < HoldingsTreeModel::ColumnCount; ++column) {
        const bool narrow = column == HoldingsTreeModel::UnrealizedPercent || column == HoldingsTreeModel::Weight
            || column == HoldingsTreeModel::Target || column == HoldingsTreeModel::Drift;
        header->resizeSection(column, narrow ? 76 : 110);
    }
    const QByteArray saved = QSettings().value(headerKey()).toByteArray();
    if (!saved.isEmpty())
        header->restoreState(saved);
    connect(header, &QHeaderView::sectionResized, this, &HoldingsView::saveHeader);
    connect(header, &QHeaderView::sortIndicatorChanged, this, &HoldingsView::saveHeader);

    m_totals->setAccessibleName(tr("Holdings totals"));
    m_totals->setTextInteractionFlags(Qt::TextSelectableByMouse);
    // The line grows with the cost basis and missing prices; it wraps rather than widen the window.
    m_totals->setWordWrap(true);
    m_error->setWordWrap(true);
    m_error->setStyleSheet(QStringLiteral("color: #b03a2e;"));
    m_error->hide();
    m_basisError->setWordWrap(true);
    m_basisError->setAccessibleName(tr("Cost basis problem"));
    m_basisError->setStyleSheet(QStringLiteral("color: #b03a2e;"));
    m_basisError->hide();
    connect(m_loader, &CostBasisLoader::loaded, this, &HoldingsView::lotsLoaded);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_search);
    layout->addWidget(m_error);
    layout->addWidget(m_basisError);
    layout->addWidget(m_tree, 1);
    layout->addWidget(m_totals);

    connect(&context, &AppContext::ledgerChanged, this, &HoldingsView::refresh);
    refresh();
}

HoldingsView::~HoldingsView() = default;

void HoldingsView::refresh()
{
    whenShown([this] { reload(); });
}

void HoldingsView::reload()
{
    QSet<QString> expanded;
    for (int row = 0; row < m_proxy->rowCount(); ++row) {
        const QModelIndex index = m_proxy->index(row, 0);
        if (m_tree->isExpanded(index))
            expanded.insert(m_model->assetAt(m_proxy->mapToSource(index)));
    }
    auto snapshot = context().snapshot();
    if (!snapshot) {
        m_error->setText(tr("Cannot value the holdings: %1").arg(snapshot.error().message));
        m_error->show();
        m_model->setSnapshot(rebalance::Snapshot());
    } else {
        m_error->hide();
        m_model->setSnapshot(*snapshot);
    }
    for (int row = 0; row < m_proxy->rowCount(); ++row) {
        const QModelIndex index = m_proxy->index(row, 0);
        if (expanded.contains(m_model->assetAt(m_proxy->mapToSource(index))))
            m_tree->expand(index);
    }
    // At first every holding is on show; later refreshes keep what the person opened.
    if (std::exchange(m_firstLoad, false))
        m_tree->expandAll();
    // The lots read every transaction: computed on the worker, shown when they
    // come (until then the columns keep the last ones).
    m_loader->load({});
    updateTotals();
}

void HoldingsView::lotsLoaded(const CostBasisData &loaded)
{
    if (loaded.ok) {
        m_basisError->hide();
        m_model->setLots(loaded.report.lots);
    } else {
        m_basisError->setText(tr("No cost basis: %1").arg(loaded.error));
        m_basisError->show();
        m_model->clearLots();
    }
    updateTotals();
}

void HoldingsView::updateTotals()
{
    const rebalance::Snapshot &snapshot = m_model->snapshot();
    const NumberFormat format;
    qsizetype outside = 0;
    qsizetype holdings = 0;
    for (const auto &position : snapshot.positions()) {
        holdings += position.split.size();
        if (position.outsideBand())
            ++outside;
    }
    QString text = tr("Total %1 %2 · %n asset(s)", nullptr, static_cast<int>(snapshot.positions().size()))
                       .arg(format.amount(snapshot.totalValue()), snapshot.quote());
    text += QStringLiteral(" · ") + tr("%n holding(s)", nullptr, static_cast<int>(holdings));
    text += QStringLiteral(" · ") + tr("%n outside band", nullptr, static_cast<int>(outside));
    if (!snapshot.missingPrices().isEmpty())
        text += QStringLiteral(" · ")
            + tr("no price for %1 (left out of the total)").arg(snapshot.missingPrices().join(QStringLiteral(", ")));
    if (snapshot.isSimulated())
        text += QStringLiteral(" · ") + tr("simulated prices");
    if (const std::optional<services::LotsReport> &lots = m_model->lots()) {
        const analytics::UnrealizedReport &pnl = lots->pnl;
        text += QStringLiteral(" · ")
            + tr("cost basis %1 · unrealized P&L %2 %3 (%4)")
                  .arg(decimalText(pnl.cost, 2), signedAmountText(pnl.unrealized), lots->quote,
                       analytics::costMethodName(lots->method).toUpper());
    }
    m_totals->setText(text);
}

void HoldingsView::saveHeader() const
{
    QSettings().setValue(headerKey(), m_tree->header()->saveState());
}

QList<ExportTarget> HoldingsView::exportTargets()
{
    return {csvTarget(tr("Holdings (CSV, as ballast-cli exports)"), QStringLiteral("holdings.csv"),
                      [this] { return io::Exports::holdings(m_model->snapshot()); }),
            modelTarget(tr("Holdings tree as shown (CSV)"), QStringLiteral("holdings-tree.csv"), m_proxy)};
}

} // namespace ballast::ui
