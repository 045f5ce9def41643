#pragma once

#include "backtest/backtestrunner.h"

#include <QAbstractTableModel>

namespace ballast::ui {

/// The alerts one backtest run raised along its history (correlation, floor
/// breach, falling asset, regime change).
class BacktestAlertsModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column { Time, Kind, Message, ColumnCount };

    explicit BacktestAlertsModel(QObject *parent = nullptr);

    /// Shows the alerts of @p run; none clears the table.
    void setRun(const BacktestRun *run);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    std::vector<backtest::BacktestAlert> m_alerts;
};

} // namespace ballast::ui
