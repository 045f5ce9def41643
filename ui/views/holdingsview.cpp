#include "views/holdingsview.h"

#include "appcontext.h"
#include "io/exports.h"
#include "models/holdingstreemodel.h"
#include "models/numberformat.h"

#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QSet>
#include <QSettings>
#include <QSortFilterProxyModel>
#include <QTreeView>
#include <QVBoxLayout>

namespace ballast::ui {

namespace {

QString headerKey()
{
    return QStringLiteral("holdings/header");
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
    header->resizeSection(HoldingsTreeModel::Name, 240);
    header->resizeSection(HoldingsTreeModel::Network, 90);
    for (int column = HoldingsTreeModel::Quantity; column < HoldingsTreeModel::ColumnCount; ++column)
        header->resizeSection(column, column == HoldingsTreeModel::Quantity ? 130 : 110);
    const QByteArray saved = QSettings().value(headerKey()).toByteArray();
    if (!saved.isEmpty())
        header->restoreState(saved);
    connect(header, &QHeaderView::sectionResized, this, &HoldingsView::saveHeader);
    connect(header, &QHeaderView::sortIndicatorChanged, this, &HoldingsView::saveHeader);

    m_totals->setAccessibleName(tr("Holdings totals"));
    m_totals->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_error->setWordWrap(true);
    m_error->setStyleSheet(QStringLiteral("color: #b03a2e;"));
    m_error->hide();

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_search);
    layout->addWidget(m_error);
    layout->addWidget(m_tree, 1);
    layout->addWidget(m_totals);

    connect(&context, &AppContext::ledgerChanged, this, &HoldingsView::refresh);
    refresh();
    // At first every holding is on show; later refreshes keep what the person opened.
    m_tree->expandAll();
}

HoldingsView::~HoldingsView() = default;

void HoldingsView::refresh()
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
