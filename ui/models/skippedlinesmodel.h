#pragma once

#include "rebalance/rebalanceplan.h"

#include <QAbstractTableModel>

namespace ballast::ui {

/// What a plan leaves undone: one row per skipped line, its reason in words
/// and the value the planner wanted to trade.
class SkippedLinesModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column { Asset, Account, Reason, Wanted, Limit, DriftLeft, ColumnCount };
    static constexpr int RawValueRole = Qt::UserRole + 1;

    explicit SkippedLinesModel(QObject *parent = nullptr);

    void setPlan(const rebalance::RebalancePlan &plan);
    void clear();

    /// A reason for a person.
    static QString reasonText(rebalance::SkipReason reason);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    QList<rebalance::SkippedLine> m_lines;
    QString m_quote;
};

} // namespace ballast::ui
