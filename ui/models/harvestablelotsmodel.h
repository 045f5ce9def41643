#pragma once

#include "rebalance/rebalanceplan.h"

#include <QAbstractTableModel>

namespace ballast::ui {

/// The lots whose sale would realize a loss above the plan's threshold, shown
/// beside the plan; the plan never sells them unless a person adds the sale.
class HarvestableLotsModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column { Asset, Account, Lot, Acquired, Quantity, Cost, Value, Loss, Term, ColumnCount };
    static constexpr int RawValueRole = Qt::UserRole + 1;

    explicit HarvestableLotsModel(QObject *parent = nullptr);

    void setPlan(const rebalance::RebalancePlan &plan);
    void clear();

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    QList<rebalance::HarvestableLot> m_lots;
    QString m_quote;
};

} // namespace ballast::ui
