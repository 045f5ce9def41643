#pragma once

#include "rebalance/rebalanceplan.h"

#include <QDialog>

class QPushButton;

namespace ballast::ui {

/// Shows exactly the orders an execution will send, where they go and
/// whether real money moves, before anything is sent.
class ExecutionConfirmDialog : public QDialog
{
    Q_OBJECT

public:
    /// @p realAccounts names the exchange accounts among the plan's (empty:
    /// only the paper exchange).
    ExecutionConfirmDialog(const rebalance::RebalancePlan &plan, const QStringList &realAccounts, bool dryRun,
                           QWidget *parent = nullptr);

    [[nodiscard]] const rebalance::RebalancePlan &plan() const { return m_plan; }
    [[nodiscard]] bool realMoney() const { return m_realMoney; }
    [[nodiscard]] bool dryRun() const { return m_dryRun; }
    [[nodiscard]] QPushButton *sendButton() const { return m_send; }

private:
    rebalance::RebalancePlan m_plan;
    bool m_realMoney = false;
    bool m_dryRun = false;
    QPushButton *m_send = nullptr;
};

} // namespace ballast::ui
