#pragma once

#include "views/view.h"

class QLabel;
class QLineEdit;
class QSortFilterProxyModel;
class QTreeView;

namespace ballast::ui {

class CostBasisLoader;
struct CostBasisData;
class HoldingsTreeModel;

/// Holdings by asset, expandable by account and network, with a search
/// field, sortable columns and a totals line. The cost basis and unrealized
/// P&L columns come from the open lots, computed on a worker.
class HoldingsView : public View
{
    Q_OBJECT

public:
    explicit HoldingsView(AppContext &context, QWidget *parent = nullptr);
    ~HoldingsView() override;

    QList<ExportTarget> exportTargets() override;

    /// The tree as loaded from the ledger, and as shown (filtered and sorted).
    [[nodiscard]] HoldingsTreeModel *model() const { return m_model; }
    [[nodiscard]] QSortFilterProxyModel *proxy() const { return m_proxy; }
    [[nodiscard]] QTreeView *tree() const { return m_tree; }
    [[nodiscard]] QLineEdit *searchField() const { return m_search; }
    [[nodiscard]] QLabel *totalsLabel() const { return m_totals; }
    [[nodiscard]] CostBasisLoader *costBasisLoader() const { return m_loader; }

public slots:
    /// Reloads the snapshot from the ledger, keeping expanded assets
    /// expanded: now when the page is on show, else when it is next shown.
    void refresh();

private:
    void reload();
    void lotsLoaded(const CostBasisData &data);
    void updateTotals();
    void saveHeader() const;

    HoldingsTreeModel *m_model = nullptr;
    QSortFilterProxyModel *m_proxy = nullptr;
    QTreeView *m_tree = nullptr;
    QLineEdit *m_search = nullptr;
    QLabel *m_totals = nullptr;
    QLabel *m_error = nullptr;
    QLabel *m_basisError = nullptr;
    CostBasisLoader *m_loader = nullptr;
    bool m_firstLoad = true; ///< the first load expands every asset
};

} // namespace ballast::ui
