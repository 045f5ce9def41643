#pragma once

#include "execution/executor.h"
#include "rebalance/rebalanceplan.h"

#include <QAbstractTableModel>
#include <QHash>
#include <QSet>

namespace ballast::ui {

/// The orders of a plan as the person approves them (a tick box per line)
/// and follows them while they execute (status, filled, message). Weights
/// after, totals and turnover follow the ticks: they are those of the plan
/// that would be sent (PlanApproval::subset).
class PlanModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column {
        Approve,
        Line,
        Account,
        Pair,
        Side,
        Quantity,
        Price,
        Notional,
        Fee,
        Weight,
        Gain, ///< a sale's estimated realized gain
        Lots, ///< the lots a sale takes
        Status,
        Filled,
        Message,
        ColumnCount
    };
    /// Unformatted value of a cell (double, int or QString), for sorting.
    static constexpr int RawValueRole = Qt::UserRole + 1;

    explicit PlanModel(QObject *parent = nullptr);

    /// Shows @p plan with every line approved and no progress.
    void setPlan(const rebalance::RebalancePlan &plan);
    void clear();
    [[nodiscard]] bool hasPlan() const { return m_hasPlan; }
    /// The plan as proposed.
    [[nodiscard]] const rebalance::RebalancePlan &plan() const { return m_plan; }
    /// The plan as approved now (ticked lines only), under the proposed id.
    [[nodiscard]] const rebalance::RebalancePlan &approvedPlan() const { return m_approved; }

    [[nodiscard]] QSet<int> approvedLines() const { return m_approvedLines; }
    [[nodiscard]] bool allApproved() const { return m_approvedLines.size() == m_plan.orders.size(); }
    void setApproved(int line, bool approved);
    /// While locked (an execution runs or ran) the ticks cannot change.
    void setLocked(bool locked);
    [[nodiscard]] bool isLocked() const { return m_locked; }

    /// Marks the lines that an execution sends; the others show "not sent".
    void beginExecution(const QSet<int> &sentLines);
    /// Updates the line of @p progress (by its line number).
    void applyProgress(const execution::OrderProgress &progress);
    [[nodiscard]] const execution::OrderProgress *progress(int line) const;
    [[nodiscard]] int rowOfLine(int line) const;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    bool setData(const QModelIndex &index, const QVariant &value, int role = Qt::EditRole) override;
    Qt::ItemFlags flags(const QModelIndex &index) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    /// A status as the table shows it.
    static QString statusText(domain::OrderStatus status);

signals:
    void approvalChanged();

private:
    void recompute();
    [[nodiscard]] QString statusOf(int row) const;

    rebalance::RebalancePlan m_plan;
    rebalance::RebalancePlan m_approved;
    bool m_hasPlan = false;
    bool m_locked = false;
    bool m_executing = false;
    QSet<int> m_approvedLines;
    QSet<int> m_sentLines;
    QHash<int, execution::OrderProgress> m_progress;
};

} // namespace ballast::ui
