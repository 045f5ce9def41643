#include "dialogs/executionsummarydialog.h"

#include "models/decimaltext.h"

#include <QDialogButtonBox>
#include <QFormLayout>
#include <QHeaderView>
#include <QLabel>
#include <QTableWidget>
#include <QVBoxLayout>

namespace ballast::ui {

using money::Decimal;

QMap<QString, Decimal> ExecutionSummaryDialog::feesOf(const execution::ExecutionSummary &summary)
{
    QMap<QString, Decimal> fees;
    for (const auto &order : summary.orders) {
        if (order.fee.isPositive())
            fees[order.feeAsset] += order.fee;
    }
    return fees;
}

ExecutionSummaryDialog::ExecutionSummaryDialog(const execution::ExecutionSummary &summary,
                                               const std::optional<rebalance::Snapshot> &after, QWidget *parent)
    : QDialog(parent)
    , m_summary(summary)
    , m_fees(feesOf(summary))
{
    setObjectName(QStringLiteral("executionSummaryDialog"));
    setWindowTitle(summary.dryRun ? tr("Dry run of plan %1").arg(summary.planId)
                                  : tr("Execution of plan %1").arg(summary.planId));
    auto *layout = new QVBoxLayout(this);

    auto *headline = new QLabel(this);
    headline->setWordWrap(true);
    headline->setAccessibleName(tr("Outcome"));
    if (summary.aborted)
        headline->setText(tr("<b>Nothing was sent.</b> %1").arg(summary.abortReason.toHtmlEscaped()));
    else if (summary.cancelled)
        headline->setText(tr("<b>Stopped at your request.</b> Orders not yet sent were cancelled."));
    else if (summary.dryRun)
        headline->setText(tr("<b>Dry run finished.</b> Nothing was sent."));
    else
        headline->setText(tr("<b>Execution finished.</b>"));
    layout->addWidget(headline);

    auto *form = new QFormLayout;
    const QLocale locale;
    auto addCount = [&](const QString &label, int value) {
        auto *field = new QLabel(locale.toString(value), this);
        field->setAccessibleName(label);
        form->addRow(label, field);
    };
    if (summary.dryRun) {
        addCount(tr("Would be accepted"), static_cast<int>(summary.orders.size()) - summary.rejected);
        addCount(tr("Would be rejected"), summary.rejected);
    } else {
        addCount(tr("Filled"), summary.filled);
        addCount(tr("Partially filled"), summary.partiallyFilled);
        addCount(tr("Rejected"), summary.rejected);
        addCount(tr("Cancelled"), summary.cancelledOrders);
        if (summary.unknown > 0)
            addCount(tr("Still unknown (reconciled at the next start)"), summary.unknown);
        if (summary.fillsPending > 0)
            addCount(tr("Fills pending (recorded by reconciliation)"), summary.fillsPending);
        if (summary.notSent > 0 && !summary.cancelled)
            addCount(tr("Not sent"), summary.notSent);
        QStringList fees;
        for (auto it = m_fees.cbegin(); it != m_fees.cend(); ++it)
            fees.append(QString(decimalText(it.value()) + QLatin1Char(' ') + it.key()));
        auto *feeLabel = new QLabel(fees.isEmpty() ? tr("none") : fees.join(QStringLiteral(", ")), this);
        feeLabel->setAccessibleName(tr("Fees paid"));
        feeLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
        form->addRow(tr("Fees paid"), feeLabel);
    }
    layout->addLayout(form);

    if (after && !summary.dryRun) {
        auto *driftTitle = new QLabel(
            tr("Drift after the execution (%1 %2 in all):").arg(decimalText(after->totalValue(), 2), after->quote()),
            this);
        layout->addWidget(driftTitle);
        auto *table = new QTableWidget(static_cast<int>(after->positions().size()), 5, this);
        table->setAccessibleName(tr("Drift after the execution"));
        table->setHorizontalHeaderLabels({tr("Asset"), tr("Weight"), tr("Target"), tr("Drift"), tr("Band")});
        table->verticalHeader()->hide();
        table->setEditTriggers(QAbstractItemView::NoEditTriggers);
        int row = 0;
        for (const auto &position : after->positions()) {
            if (position.outsideBand())
                m_outside.append(position.asset);
            const QStringList cells{position.asset, percentText(position.weight), percentText(position.target),
                                    pointsText(position.drift()),
                                    position.outsideBand() ? tr("outside") : tr("inside")};
            for (int column = 0; column < cells.size(); ++column) {
                auto *item = new QTableWidgetItem(cells.at(column));
                if (column > 0 && column < 4)
                    item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
                table->setItem(row, column, item);
            }
            ++row;
        }
        table->resizeColumnsToContents();
        table->horizontalHeader()->setStretchLastSection(true);
        layout->addWidget(table, 1);
        auto *remaining =
            new QLabel(m_outside.isEmpty() ? tr("Every asset is inside its band.")
                                           : tr("Outside their band: %1.").arg(m_outside.join(QStringLiteral(", "))),
                       this);
        remaining->setAccessibleName(tr("Remaining drift"));
        layout->addWidget(remaining);
    }

    if (!summary.messages.isEmpty()) {
        auto *notes = new QLabel(summary.messages.join(QLatin1Char('\n')), this);
        notes->setWordWrap(true);
        notes->setAccessibleName(tr("Notes"));
        notes->setTextInteractionFlags(Qt::TextSelectableByMouse);
        layout->addWidget(notes);
    }

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::accept);
    layout->addWidget(buttons);
    resize(600, 460);
}

} // namespace ballast::ui
