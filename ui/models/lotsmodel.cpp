#include "models/lotsmodel.h"

#include "export/exporttarget.h"
#include "io/exports.h"
#include "models/decimaltext.h"
#include "models/pnltext.h"

namespace ballast::ui {

LotsModel::LotsModel(QObject *parent)
    : QAbstractTableModel(parent)
{
}

void LotsModel::setReport(const services::LotsReport &report)
{
    beginResetModel();
    m_report = report;
    endResetModel();
}

int LotsModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_report.pnl.lots.size());
}

int LotsModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

bool LotsModel::priced(const analytics::LotPnl &lot) const
{
    return !m_report.pnl.missingPrices.contains(lot.lot.asset);
}

QVariant LotsModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const analytics::LotPnl &row = m_report.pnl.lots.at(index.row());
    const analytics::Lot &lot = row.lot;
    const qint64 days = lot.holdingDays(m_report.at);
    const bool longTerm = days > m_report.longTermDays;
    const bool hasPrice = priced(row);
    const std::optional<double> fraction = hasPrice ? pnlFraction(row.unrealized, lot.cost) : std::nullopt;
    const QString account = m_report.accountNames.value(lot.accountId);
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case Asset:
            return lot.asset;
        case Account:
            return account;
        case Network:
            return lot.network;
        case Quantity:
            return decimalText(lot.quantity);
        case Acquired:
            return utcMinuteText(lot.acquired);
        case Cost:
            return lot.basisUnknown ? tr("%1 (unknown)").arg(decimalText(lot.cost, 2)) : decimalText(lot.cost, 2);
        case Value:
            return hasPrice ? decimalText(row.value, 2) : tr("no price");
        case Unrealized:
            return hasPrice ? signedAmountText(row.unrealized) : QString();
        case UnrealizedPercent:
            return signedPercentText(fraction);
        case Days:
            return QLocale().toString(days);
        case Term:
            return longTerm ? tr("Long") : tr("Short");
        default:
            return {};
        }
    case ExportRole:
        switch (index.column()) {
        case Quantity:
            return lot.quantity.toString();
        case Acquired:
            return io::Exports::isoUtc(lot.acquired);
        case Cost:
            return lot.cost.toString();
        case Value:
            return hasPrice ? row.value.toString() : QString();
        case Unrealized:
            return hasPrice ? row.unrealized.toString() : QString();
        case UnrealizedPercent:
            return fraction ? QString::number(*fraction * 100.0, 'f', 6) : QString();
        case Days:
            return QString::number(days);
        case Term:
            return longTerm ? QStringLiteral("long") : QStringLiteral("short");
        default:
            return data(index, Qt::DisplayRole);
        }
    case RawValueRole:
        switch (index.column()) {
        case Asset:
            return lot.asset;
        case Account:
            return account;
        case Network:
            return lot.network;
        case Quantity:
            return lot.quantity.toDouble();
        case Acquired:
            return lot.acquired.toMSecsSinceEpoch();
        case Cost:
            return lot.cost.toDouble();
        case Value:
            return hasPrice ? row.value.toDouble() : -1.0;
        case Unrealized:
            return hasPrice ? row.unrealized.toDouble() : 0.0;
        case UnrealizedPercent:
            return fraction.value_or(0.0);
        case Days:
            return days;
        case Term:
            return longTerm ? 1 : 0;
        default:
            return {};
        }
    case Qt::ForegroundRole:
        if ((index.column() == Unrealized || index.column() == UnrealizedPercent) && hasPrice)
            return gainForeground(row.unrealized);
        return {};
    case Qt::ToolTipRole:
        if (index.column() == Cost && lot.basisUnknown)
            return tr("Some of this lot arrived without a known value; that part counts at cost zero");
        if (index.column() == Value && hasPrice)
            return tr("At %1 %2 a unit").arg(decimalText(row.price), m_report.quote);
        if (index.column() == Value)
            return tr("No price is stored for %1: valued at zero").arg(lot.asset);
        if (index.column() == Term)
            return tr("Long term when held more than %n day(s)", nullptr, m_report.longTermDays);
        if (index.column() == Acquired && lot.pooled)
            return tr("Average cost: the quantity-weighted acquisition time of the pool");
        return {};
    case Qt::TextAlignmentRole:
        if (index.column() == Asset || index.column() == Account || index.column() == Network || index.column() == Term)
            return {};
        return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
    default:
        return {};
    }
}

QVariant LotsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal)
        return {};
    if (role == Qt::TextAlignmentRole && section != Asset && section != Account && section != Network
        && section != Term)
        return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
    if (role != Qt::DisplayRole)
        return {};
    const QString quote = m_report.quote;
    switch (section) {
    case Asset:
        return tr("Asset");
    case Account:
        return tr("Account");
    case Network:
        return tr("Network");
    case Quantity:
        return tr("Quantity");
    case Acquired:
        return tr("Acquired (UTC)");
    case Cost:
        return quote.isEmpty() ? tr("Cost") : tr("Cost (%1)").arg(quote);
    case Value:
        return quote.isEmpty() ? tr("Value") : tr("Value (%1)").arg(quote);
    case Unrealized:
        return tr("Unrealized P&L");
    case UnrealizedPercent:
        return tr("P&L %");
    case Days:
        return tr("Days held");
    case Term:
        return tr("Term");
    default:
        return {};
    }
}

} // namespace ballast::ui
