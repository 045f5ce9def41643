#include "dialogs/executionconfirmdialog.h"

#include "models/decimaltext.h"

#include <QDialogButtonBox>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>

namespace ballast::ui {

using money::Decimal;

ExecutionConfirmDialog::ExecutionConfirmDialog(const rebalance::RebalancePlan &plan, const QStringList &realAccounts,
                                               bool dryRun, QWidget *parent)
    : QDialog(parent)
    , m_plan(plan)
    , m_realMoney(!realAccounts.isEmpty())
    , m_dryRun(dryRun)
{
    setObjectName(QStringLiteral("executionConfirmDialog"));
    setWindowTitle(dryRun ? tr("Dry run of plan %1").arg(plan.id) : tr("Send the orders of plan %1?").arg(plan.id));
    auto *layout = new QVBoxLayout(this);

    auto *headline = new QLabel(this);
    headline->setWordWrap(true);
    headline->setAccessibleName(tr("What will be sent"));
    const int count = static_cast<int>(plan.orders.size());
    if (dryRun) {
        headline->setText(tr("<b>Dry run:</b> each of these %n order(s) is checked with its exchange; "
                             "<b>nothing is sent</b>.",
                             nullptr, count));
    } else if (m_realMoney) {
        headline->setText(
            tr("<b>Real money:</b> these %n order(s) will be sent to %1 and traded at market prices.", nullptr, count)
                .arg(realAccounts.join(QStringLiteral(", ")).toHtmlEscaped()));
    } else {
        headline->setText(tr("These %n order(s) will be sent to the <b>paper exchange</b>: simulated trades, "
                             "no real money moves.",
                             nullptr, count));
    }
    if (m_realMoney && !dryRun) {
        QPalette warning = headline->palette();
        warning.setColor(QPalette::WindowText, QColor(0xa0, 0x10, 0x10));
        headline->setPalette(warning);
    }
    layout->addWidget(headline);

    auto *table = new QTableWidget(count, 7, this);
    table->setAccessibleName(tr("Orders to send"));
    table->setHorizontalHeaderLabels(
        {tr("Line"), tr("Account"), tr("Pair"), tr("Side"), tr("Quantity"), tr("Expected price"), tr("Notional")});
    table->verticalHeader()->hide();
    table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table->setSelectionMode(QAbstractItemView::NoSelection);
    Decimal buys;
    Decimal sells;
    for (int row = 0; row < count; ++row) {
        const auto &order = plan.orders.at(row);
        const QStringList cells{QString::number(order.line),
                                order.account,
                                order.symbol,
                                order.side == domain::Side::Buy ? tr("Buy") : tr("Sell"),
                                decimalText(order.quantity),
                                decimalText(order.price),
                                QString(decimalText(order.notional, 2) + QLatin1Char(' ') + order.quote)};
        for (int column = 0; column < cells.size(); ++column) {
            auto *item = new QTableWidgetItem(cells.at(column));
            if (column == 0 || column >= 4)
                item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
            table->setItem(row, column, item);
        }
        (order.side == domain::Side::Buy ? buys : sells) += order.notional;
    }
    table->resizeColumnsToContents();
    table->horizontalHeader()->setStretchLastSection(true);
    layout->addWidget(table, 1);

    auto *totals =
        new QLabel(tr("Sells %1 %3, buys %2 %3, expected fees %4 %3.")
                       .arg(decimalText(sells, 2), decimalText(buys, 2), plan.quote, decimalText(plan.feesTotal, 2)),
                   this);
    totals->setAccessibleName(tr("Totals"));
    layout->addWidget(totals);

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Cancel, this);
    m_send = buttons->addButton(dryRun ? tr("Check the orders") : tr("Send %n order(s)", nullptr, count),
                                QDialogButtonBox::AcceptRole);
    m_send->setAccessibleName(tr("Confirm"));
    buttons->button(QDialogButtonBox::Cancel)->setDefault(true);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    layout->addWidget(buttons);
    resize(720, 420);
}

} // namespace ballast::ui
