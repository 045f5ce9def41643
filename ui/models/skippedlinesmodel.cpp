#include "models/skippedlinesmodel.h"

#include "export/exporttarget.h"
#include "models/decimaltext.h"

namespace ballast::ui {

using rebalance::SkipReason;

SkippedLinesModel::SkippedLinesModel(QObject *parent)
    : QAbstractTableModel(parent)
{
}

void SkippedLinesModel::setPlan(const rebalance::RebalancePlan &plan)
{
    beginResetModel();
    m_lines = plan.skipped;
    m_quote = plan.quote;
    endResetModel();
}

void SkippedLinesModel::clear()
{
    beginResetModel();
    m_lines.clear();
    endResetModel();
}

QString SkippedLinesModel::reasonText(SkipReason reason)
{
    switch (reason) {
    case SkipReason::BelowMinNotional:
        return tr("Below the market's minimum order value");
    case SkipReason::BelowMinQuantity:
        return tr("Below the minimum quantity or one lot step");
    case SkipReason::BelowMinTradeValue:
        return tr("Below your minimum trade value");
    case SkipReason::Excluded:
        return tr("Excluded: held but not traded");
    case SkipReason::NoMarket:
        return tr("No account has a market for it");
    case SkipReason::NoPrice:
        return tr("No price in the quote currency");
    case SkipReason::NotTradable:
        return tr("Held where it cannot be traded (a wallet)");
    case SkipReason::NotEnoughCash:
        return tr("Not enough cash after sells and fees");
    case SkipReason::TurnoverLimit:
        return tr("Scaled down by the maximum turnover");
    case SkipReason::Rounding:
        return tr("Lot and fee rounding leave it just outside its band");
    case SkipReason::NotEnoughToSell:
        return tr("Overweight assets cannot raise the amount");
    case SkipReason::OneWay:
        return tr("Invest only buys and withdraw only sells");
    case SkipReason::FallingAsset:
        return tr("Fell too far from its peak: not bought any more");
    case SkipReason::GainBudget:
        return tr("Scaled down by the gain budget");
    case SkipReason::YoungLots:
        return tr("Its lots are too young to sell");
    }
    return {};
}

int SkippedLinesModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_lines.size());
}

int SkippedLinesModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant SkippedLinesModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const auto &line = m_lines.at(index.row());
    if (role == Qt::ToolTipRole)
        return line.text(m_quote);
    if (role == Qt::TextAlignmentRole && index.column() >= Wanted)
        return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
    const bool raw = role == RawValueRole;
    const bool exact = role == ExportRole;
    if (!raw && !exact && role != Qt::DisplayRole)
        return {};
    switch (index.column()) {
    case Asset:
        return line.asset;
    case Account:
        return line.account;
    case Reason:
        return exact ? line.reasonCode() : reasonText(line.reason);
    case Wanted:
        if (exact)
            return line.wanted.toString();
        return raw ? QVariant(line.wanted.toDouble())
                   : QVariant(QString(decimalText(line.wanted, 2) + QLatin1Char(' ') + m_quote));
    case Limit:
        if (!line.limit.isPositive())
            return exact ? QVariant(QString()) : QVariant();
        if (exact)
            return line.limit.toString();
        return raw ? QVariant(line.limit.toDouble()) : QVariant(decimalText(line.limit));
    case DriftLeft:
        if (exact)
            return QString::number(line.driftLeft, 'f', 6);
        return raw ? QVariant(line.driftLeft) : QVariant(pointsText(line.driftLeft));
    default:
        return {};
    }
}

QVariant SkippedLinesModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case Asset:
        return tr("Asset");
    case Account:
        return tr("Account");
    case Reason:
        return tr("Why it is not in the plan");
    case Wanted:
        return tr("Value wanted");
    case Limit:
        return tr("Limit");
    case DriftLeft:
        return tr("Drift left");
    default:
        return {};
    }
}

} // namespace ballast::ui
