#include "models/harvestablelotsmodel.h"

#include "export/exporttarget.h"
#include "models/decimaltext.h"

#include <QLocale>

namespace ballast::ui {

HarvestableLotsModel::HarvestableLotsModel(QObject *parent)
    : QAbstractTableModel(parent)
{
}

void HarvestableLotsModel::setPlan(const rebalance::RebalancePlan &plan)
{
    beginResetModel();
    m_lots = plan.tax.harvestable;
    m_quote = plan.quote;
    endResetModel();
}

void HarvestableLotsModel::clear()
{
    beginResetModel();
    m_lots.clear();
    endResetModel();
}

int HarvestableLotsModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_lots.size());
}

int HarvestableLotsModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant HarvestableLotsModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const rebalance::HarvestableLot &lot = m_lots.at(index.row());
    if (role == Qt::TextAlignmentRole) {
        switch (index.column()) {
        case Lot:
        case Quantity:
        case Cost:
        case Value:
        case Loss:
            return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
        default:
            return {};
        }
    }
    const bool raw = role == RawValueRole;
    const bool exact = role == ExportRole;
    if (!raw && !exact && role != Qt::DisplayRole)
        return {};
    auto amount = [&](const money::Decimal &value, int decimals) -> QVariant {
        if (exact)
            return value.toString();
        return raw ? QVariant(value.toDouble()) : QVariant(decimalText(value, decimals));
    };
    switch (index.column()) {
    case Asset:
        return lot.asset;
    case Account:
        return lot.account;
    case Lot:
        return raw ? QVariant(lot.lotTransactionId) : QVariant(QString::number(lot.lotTransactionId));
    case Acquired:
        if (raw)
            return lot.acquired.toMSecsSinceEpoch();
        if (exact)
            return lot.acquired.toUTC().toString(Qt::ISODate);
        return QLocale().toString(lot.acquired.toUTC().date(), QLocale::ShortFormat);
    case Quantity:
        return amount(lot.quantity, -1);
    case Cost:
        return amount(lot.cost, 2);
    case Value:
        return amount(lot.value, 2);
    case Loss:
        if (role == Qt::DisplayRole)
            return QString(decimalText(lot.loss, 2) + QLatin1Char(' ') + m_quote);
        return amount(lot.loss, 2);
    case Term:
        if (exact || raw)
            return lot.longTerm ? QStringLiteral("long") : QStringLiteral("short");
        return lot.longTerm ? tr("Long") : tr("Short");
    default:
        return {};
    }
}

QVariant HarvestableLotsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case Asset:
        return tr("Asset");
    case Account:
        return tr("Account");
    case Lot:
        return tr("Lot");
    case Acquired:
        return tr("Acquired");
    case Quantity:
        return tr("Quantity");
    case Cost:
        return tr("Cost");
    case Value:
        return tr("Value now");
    case Loss:
        return tr("Loss if sold");
    case Term:
        return tr("Term");
    default:
        return {};
    }
}

} // namespace ballast::ui
