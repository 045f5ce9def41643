#pragma once

#include "io/csvwriter.h"
#include "rebalance/rebalanceplan.h"

#include <QAbstractTableModel>

namespace ballast::ui {

/// The orders a plan holds, for the live preview beside the targets editor:
/// asset, side, quantity, notional, and the asset's weight before and after.
class PreviewModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column { Asset, Side, Quantity, Notional, WeightChange, ColumnCount };
    /// Unformatted value of a cell (double or QString), for sorting.
    static constexpr int RawValueRole = Qt::UserRole + 1;

    explicit PreviewModel(QObject *parent = nullptr);

    void setPlan(const rebalance::RebalancePlan &plan);
    void clear();
    [[nodiscard]] const rebalance::RebalancePlan &plan() const { return m_plan; }

    /// One line per order with exact decimals: what File > Export writes.
    [[nodiscard]] io::CsvTable csvTable() const;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    rebalance::RebalancePlan m_plan;
};

} // namespace ballast::ui
