#pragma once

#include "rebalance/snapshot.h"

#include <QAbstractItemModel>

namespace ballast::ui {

/// The positions of a snapshot as a tree: one row per asset, with its
/// holdings by account and network as children.
class HoldingsTreeModel : public QAbstractItemModel
{
    Q_OBJECT

public:
    enum Column { Name, Network, Quantity, Price, Value, Weight, Target, Drift, ColumnCount };
    /// Unformatted value of a cell (double or QString), for sorting.
    static constexpr int RawValueRole = Qt::UserRole + 1;
    /// The text the search field matches: the asset on asset rows, the
    /// account and network on holding rows.
    static constexpr int SearchRole = Qt::UserRole + 2;

    explicit HoldingsTreeModel(QObject *parent = nullptr);

    void setSnapshot(const rebalance::Snapshot &snapshot);
    [[nodiscard]] const rebalance::Snapshot &snapshot() const { return m_snapshot; }

    /// The asset of an asset row or of a holding row's parent.
    [[nodiscard]] QString assetAt(const QModelIndex &index) const;

    QModelIndex index(int row, int column, const QModelIndex &parent = {}) const override;
    QModelIndex parent(const QModelIndex &child) const override;
    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    QVariant positionData(const rebalance::AssetPosition &position, int column, int role) const;
    QVariant holdingData(const rebalance::AssetPosition &position, const domain::Holding &holding, int column,
                         int role) const;

    rebalance::Snapshot m_snapshot;
};

} // namespace ballast::ui
