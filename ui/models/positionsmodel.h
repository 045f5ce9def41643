#pragma once

#include "rebalance/snapshot.h"

#include <QAbstractTableModel>

namespace ballast::ui {

/// The positions of a snapshot as a table: one row per asset.
class PositionsModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column { Asset, Quantity, Price, Value, Weight, Target, Drift, ColumnCount };
    /// Unformatted value of a cell (double or QString), for sorting and export.
    static constexpr int RawValueRole = Qt::UserRole + 1;

    explicit PositionsModel(QObject *parent = nullptr);

    void setSnapshot(const rebalance::Snapshot &snapshot);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    QList<rebalance::AssetPosition> m_positions;
    QString m_quote;
};

} // namespace ballast::ui
