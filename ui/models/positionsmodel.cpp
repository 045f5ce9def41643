#include "models/positionsmodel.h"

#include <QLocale>

namespace ballast::ui {

PositionsModel::PositionsModel(QObject *parent)
    : QAbstractTableModel(parent)
{
}

void PositionsModel::setSnapshot(const rebalance::Snapshot &snapshot)
{
    beginResetModel();
    m_positions = snapshot.positions();
    m_quote = snapshot.quote();
    endResetModel();
}

int PositionsModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_positions.size());
}

int PositionsModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant PositionsModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const auto &position = m_positions.at(index.row());
    const QLocale locale;
    if (role == RawValueRole) {
        switch (index.column()) {
        case Asset:
            return position.asset;
        case Quantity:
            return position.quantity.toDouble();
        case Price:
            return position.price ? position.price->toDouble() : 0.0;
        case Value:
            return position.value.toDouble();
        case Weight:
            return position.weight;
        case Target:
            return position.target;
        case Drift:
            return position.drift();
        default:
            return {};
        }
    }
    if (role == Qt::DisplayRole) {
        switch (index.column()) {
        case Asset:
            return position.asset;
        case Quantity:
            return position.quantity.toString();
        case Price:
            return position.price ? position.price->toString() : tr("no price");
        case Value:
            return locale.toString(position.value.toDouble(), 'f', 2);
        case Weight:
            return QString(locale.toString(position.weight * 100.0, 'f', 2) + QLatin1Char('%'));
        case Target:
            return QString(locale.toString(position.target * 100.0, 'f', 2) + QLatin1Char('%'));
        case Drift:
            return QString((position.drift() >= 0 ? QStringLiteral("+") : QString())
                           + locale.toString(position.drift() * 100.0, 'f', 2) + QStringLiteral(" pp"));
        default:
            return {};
        }
    }
    if (role == Qt::TextAlignmentRole && index.column() != Asset)
        return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
    if (role == Qt::ToolTipRole && index.column() == Drift) {
        return position.outsideBand() ? tr("Outside its band (%1)").arg(position.band.toString())
                                      : tr("Inside its band (%1)").arg(position.band.toString());
    }
    return {};
}

QVariant PositionsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Asset:
        return tr("Asset");
    case Quantity:
        return tr("Quantity");
    case Price:
        return tr("Price (%1)").arg(m_quote);
    case Value:
        return tr("Value (%1)").arg(m_quote);
    case Weight:
        return tr("Weight");
    case Target:
        return tr("Target");
    case Drift:
        return tr("Drift");
    default:
        return {};
    }
}

} // namespace ballast::ui
