#pragma once

#include "backtest/backtestrunner.h"

#include <QAbstractTableModel>

namespace ballast::ui {

/// The trades of one backtest run: when, which asset, buy or sell, how much.
class BacktestTradesModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column { Time, Asset, Side, Value, ColumnCount };
    static constexpr int RawValueRole = Qt::UserRole + 1;

    explicit BacktestTradesModel(QObject *parent = nullptr);

    /// Shows the trades of @p run; none clears the table.
    void setRun(const BacktestRun *run);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    std::vector<backtest::BacktestTrade> m_trades;
    QStringList m_assets;
    QString m_quote;
};

} // namespace ballast::ui
