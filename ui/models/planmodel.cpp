#include "models/planmodel.h"

#include "export/exporttarget.h"
#include "models/decimaltext.h"
#include "rebalance/planapproval.h"

#include <QLocale>

namespace ballast::ui {

using domain::OrderStatus;
using money::Decimal;

namespace {

/// A gain with its sign, as the plan shows it: "+80.00", "-15.05".
QString signedDecimalText(const Decimal &value)
{
    return value.isNegative() ? decimalText(value, 2) : QStringLiteral("+") + decimalText(value, 2);
}

/// Every lot a sale takes, one a line, with its cost and gain.
QString lotsTooltip(const rebalance::PlannedOrder &order, const QString &quote)
{
    QStringList lines;
    for (const auto &lot : order.lots) {
        lines.append(PlanModel::tr("Lot #%1 bought %2: %3 %4, cost %5, gain %6 %7 (%8 term)")
                         .arg(lot.lotTransactionId)
                         .arg(QLocale().toString(lot.acquired.toUTC().date(), QLocale::ShortFormat),
                              decimalText(lot.quantity), order.disposedAsset, decimalText(lot.cost, 2),
                              signedDecimalText(lot.gain), quote,
                              lot.longTerm ? PlanModel::tr("long") : PlanModel::tr("short")));
    }
    lines.append(PlanModel::tr("Short term %1, long term %2 %3")
                     .arg(signedDecimalText(order.shortTermGain), signedDecimalText(order.longTermGain), quote));
    return lines.join(QLatin1Char('\n'));
}

} // namespace

PlanModel::PlanModel(QObject *parent)
    : QAbstractTableModel(parent)
{
}

void PlanModel::setPlan(const rebalance::RebalancePlan &plan)
{
    beginResetModel();
    m_plan = plan;
    m_hasPlan = true;
    m_locked = false;
    m_executing = false;
    m_approvedLines.clear();
    for (const auto &order : plan.orders)
        m_approvedLines.insert(order.line);
    m_sentLines.clear();
    m_progress.clear();
    m_approved = plan;
    endResetModel();
    emit approvalChanged();
}

void PlanModel::clear()
{
    beginResetModel();
    m_plan = {};
    m_approved = {};
    m_hasPlan = false;
    m_locked = false;
    m_executing = false;
    m_approvedLines.clear();
    m_sentLines.clear();
    m_progress.clear();
    endResetModel();
    emit approvalChanged();
}

void PlanModel::recompute()
{
    m_approved = rebalance::PlanApproval::subset(m_plan, m_approvedLines, m_plan.id, m_plan.createdAt);
}

void PlanModel::setApproved(int line, bool approved)
{
    const int row = rowOfLine(line);
    if (row < 0 || m_locked || m_approvedLines.contains(line) == approved)
        return;
    if (approved)
        m_approvedLines.insert(line);
    else
        m_approvedLines.remove(line);
    recompute();
    emit dataChanged(index(row, Approve), index(row, Approve), {Qt::CheckStateRole});
    // Weights after move with every tick.
    if (!m_plan.orders.isEmpty())
        emit dataChanged(index(0, Weight), index(rowCount() - 1, Weight), {Qt::DisplayRole});
    emit approvalChanged();
}

void PlanModel::setLocked(bool locked)
{
    if (m_locked == locked)
        return;
    m_locked = locked;
    if (!m_plan.orders.isEmpty())
        emit dataChanged(index(0, Approve), index(rowCount() - 1, Approve));
}

void PlanModel::beginExecution(const QSet<int> &sentLines)
{
    m_executing = true;
    m_sentLines = sentLines;
    m_progress.clear();
    if (!m_plan.orders.isEmpty())
        emit dataChanged(index(0, Status), index(rowCount() - 1, Message));
}

void PlanModel::applyProgress(const execution::OrderProgress &progress)
{
    const int row = rowOfLine(progress.line);
    if (row < 0)
        return;
    m_progress.insert(progress.line, progress);
    emit dataChanged(index(row, Quantity), index(row, Message));
}

const execution::OrderProgress *PlanModel::progress(int line) const
{
    auto found = m_progress.constFind(line);
    return found == m_progress.cend() ? nullptr : &found.value();
}

int PlanModel::rowOfLine(int line) const
{
    for (int row = 0; row < m_plan.orders.size(); ++row) {
        if (m_plan.orders.at(row).line == line)
            return row;
    }
    return -1;
}

int PlanModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_plan.orders.size());
}

int PlanModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QString PlanModel::statusText(OrderStatus status)
{
    switch (status) {
    case OrderStatus::Planned:
        return tr("Waiting");
    case OrderStatus::Submitting:
        return tr("Submitting");
    case OrderStatus::Open:
        return tr("Open");
    case OrderStatus::PartiallyFilled:
        return tr("Partially filled");
    case OrderStatus::Filled:
        return tr("Filled");
    case OrderStatus::Cancelled:
        return tr("Cancelled");
    case OrderStatus::Rejected:
        return tr("Rejected");
    case OrderStatus::Expired:
        return tr("Expired");
    case OrderStatus::Unknown:
        return tr("Unknown");
    }
    return {};
}

QString PlanModel::statusOf(int row) const
{
    const auto &order = m_plan.orders.at(row);
    if (const auto *done = progress(order.line)) {
        if (done->status == OrderStatus::Cancelled && done->filledQuantity.isPositive())
            return tr("Partially filled, rest cancelled");
        return statusText(done->status);
    }
    if (m_executing)
        return m_sentLines.contains(order.line) ? statusText(OrderStatus::Planned) : tr("Not sent (not approved)");
    return m_approvedLines.contains(order.line) ? tr("Approved") : tr("Not approved");
}

QVariant PlanModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const auto &order = m_plan.orders.at(index.row());
    const bool approved = m_approvedLines.contains(order.line);
    const execution::OrderProgress *done = progress(order.line);
    const rebalance::PlanWeight *before = m_plan.weight(order.base);
    const rebalance::PlanWeight *after = m_approved.weight(order.base);
    const QLocale locale;

    if (role == Qt::CheckStateRole && index.column() == Approve)
        return approved ? Qt::Checked : Qt::Unchecked;
    if (role == Qt::TextAlignmentRole) {
        switch (index.column()) {
        case Quantity:
        case Price:
        case Notional:
        case Fee:
        case Weight:
        case Gain:
        case Filled:
        case Line:
            return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
        default:
            return {};
        }
    }
    if (role == Qt::ToolTipRole) {
        if (index.column() == Account)
            return order.routeText();
        if (index.column() == Weight && before)
            return tr("%1: target %2").arg(order.base, percentText(before->target));
        if (index.column() == Message && done)
            return done->message;
        if ((index.column() == Lots || index.column() == Gain) && !order.disposedAsset.isEmpty())
            return lotsTooltip(order, m_plan.quote);
        return {};
    }
    if (role == Qt::AccessibleTextRole && index.column() == Approve)
        return approved ? tr("Line %1 approved").arg(order.line) : tr("Line %1 not approved").arg(order.line);

    const bool raw = role == RawValueRole;
    const bool exact = role == ExportRole;
    if (!raw && !exact && role != Qt::DisplayRole)
        return {};
    switch (index.column()) {
    case Approve:
        if (role == Qt::DisplayRole)
            return {};
        return exact ? QVariant(approved ? QStringLiteral("yes") : QStringLiteral("no")) : QVariant(approved ? 1 : 0);
    case Line:
        return order.line;
    case Account:
        return order.account;
    case Pair:
        return order.symbol;
    case Side:
        if (exact || raw)
            return domain::toText(order.side);
        return order.side == domain::Side::Buy ? tr("Buy") : tr("Sell");
    case Quantity: {
        const Decimal quantity = done ? done->quantity : order.quantity;
        if (exact)
            return quantity.toString();
        return raw ? QVariant(quantity.toDouble()) : QVariant(decimalText(quantity));
    }
    case Price:
        if (exact)
            return order.price.toString();
        return raw ? QVariant(order.price.toDouble()) : QVariant(decimalText(order.price));
    case Notional:
        if (exact)
            return order.notional.toString();
        return raw ? QVariant(order.notional.toDouble())
                   : QVariant(QString(decimalText(order.notional, 2) + QLatin1Char(' ') + order.quote));
    case Fee:
        if (exact)
            return QString(order.fee.toString() + QLatin1Char(' ') + order.feeAsset);
        return raw ? QVariant(order.fee.toDouble())
                   : QVariant(QString(decimalText(order.fee, 2) + QLatin1Char(' ') + order.feeAsset));
    case Weight:
        if (!before || !after)
            return {};
        if (exact)
            return QString(QString::number(before->before, 'f', 6) + QStringLiteral(" -> ")
                           + QString::number(after->after, 'f', 6));
        if (raw)
            return after->after;
        return QString(percentText(before->before) + QStringLiteral(" → ") + percentText(after->after));
    case Gain:
        if (order.disposedAsset.isEmpty())
            return {};
        if (exact)
            return order.gain().toString();
        return raw ? QVariant(order.gain().toDouble())
                   : QVariant(QString(signedDecimalText(order.gain()) + QLatin1Char(' ') + m_plan.quote));
    case Lots: {
        if (order.disposedAsset.isEmpty())
            return {};
        if (raw)
            return static_cast<int>(order.lots.size());
        QStringList parts;
        for (const auto &lot : order.lots) {
            parts.append(tr("#%1 %2 (%3)")
                             .arg(lot.lotTransactionId)
                             .arg(exact ? lot.quantity.toString() : decimalText(lot.quantity),
                                  lot.longTerm ? tr("long") : tr("short")));
        }
        if (order.uncovered.isPositive())
            parts.append(
                tr("%1 without a known lot").arg(exact ? order.uncovered.toString() : decimalText(order.uncovered)));
        return parts.join(QStringLiteral("; "));
    }
    case Status:
        if (exact || raw)
            return done ? domain::toText(done->status) : statusOf(index.row());
        return statusOf(index.row());
    case Filled:
        if (!done || !done->filledQuantity.isPositive())
            return exact ? QVariant(QStringLiteral("0")) : QVariant();
        if (exact)
            return done->filledQuantity.toString();
        if (raw)
            return done->filledQuantity.toDouble();
        return tr("%1 at %2")
            .arg(decimalText(done->filledQuantity), decimalText(done->filledQuote / done->filledQuantity, 2));
    case Message:
        return done ? done->message : QString();
    default:
        return {};
    }
}

bool PlanModel::setData(const QModelIndex &index, const QVariant &value, int role)
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid)
        || index.column() != Approve || role != Qt::CheckStateRole || m_locked)
        return false;
    const int line = m_plan.orders.at(index.row()).line;
    setApproved(line, value.toInt() == Qt::Checked);
    return true;
}

Qt::ItemFlags PlanModel::flags(const QModelIndex &index) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return Qt::NoItemFlags;
    Qt::ItemFlags flags = Qt::ItemIsEnabled | Qt::ItemIsSelectable | Qt::ItemNeverHasChildren;
    if (index.column() == Approve && !m_locked)
        flags |= Qt::ItemIsUserCheckable;
    return flags;
}

QVariant PlanModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case Approve:
        return tr("Send");
    case Line:
        return tr("Line");
    case Account:
        return tr("Account");
    case Pair:
        return tr("Pair");
    case Side:
        return tr("Side");
    case Quantity:
        return tr("Quantity");
    case Price:
        return tr("Expected price");
    case Notional:
        return tr("Notional");
    case Fee:
        return tr("Fee");
    case Weight:
        return tr("Weight before → after");
    case Gain:
        return tr("Est. gain");
    case Lots:
        return tr("Lots sold");
    case Status:
        return tr("Status");
    case Filled:
        return tr("Filled");
    case Message:
        return tr("Note");
    default:
        return {};
    }
}

} // namespace ballast::ui
