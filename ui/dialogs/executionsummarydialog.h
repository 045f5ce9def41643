#pragma once

#include "execution/executor.h"
#include "rebalance/snapshot.h"

#include <QDialog>
#include <QMap>

#include <optional>

namespace ballast::ui {

/// What an execution did, read at its end: orders by outcome, fees paid and
/// the drift that remains, valued from the ledger after the fills.
class ExecutionSummaryDialog : public QDialog
{
    Q_OBJECT

public:
    ExecutionSummaryDialog(const execution::ExecutionSummary &summary, const std::optional<rebalance::Snapshot> &after,
                           QWidget *parent = nullptr);

    [[nodiscard]] const execution::ExecutionSummary &summary() const { return m_summary; }
    /// Fees of the fills, summed per asset.
    [[nodiscard]] const QMap<QString, money::Decimal> &feesPaid() const { return m_fees; }
    /// Assets outside their band after the execution.
    [[nodiscard]] const QStringList &outsideBand() const { return m_outside; }

    static QMap<QString, money::Decimal> feesOf(const execution::ExecutionSummary &summary);

private:
    execution::ExecutionSummary m_summary;
    QMap<QString, money::Decimal> m_fees;
    QStringList m_outside;
};

} // namespace ballast::ui
