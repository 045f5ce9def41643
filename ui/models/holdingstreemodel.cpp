#include "models/holdingstreemodel.h"

#include "export/exporttarget.h"
#include "models/numberformat.h"

#include <QBrush>
#include <QColor>
#include <QFont>

namespace ballast::ui {

namespace {

// Internal ids: 0 for asset rows, parent row + 1 for holding rows.
constexpr quintptr kTopLevel = 0;

QString exportNumber(double value)
{
    return QString::number(value, 'f', 6);
}

} // namespace

HoldingsTreeModel::HoldingsTreeModel(QObject *parent)
    : QAbstractItemModel(parent)
{
}

void HoldingsTreeModel::setSnapshot(const rebalance::Snapshot &snapshot)
{
    beginResetModel();
    m_snapshot = snapshot;
    endResetModel();
}

QString HoldingsTreeModel::assetAt(const QModelIndex &index) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid))
        return {};
    const auto row = index.internalId() == kTopLevel ? index.row() : static_cast<int>(index.internalId() - 1);
    return m_snapshot.positions().at(row).asset;
}

QModelIndex HoldingsTreeModel::index(int row, int column, const QModelIndex &parent) const
{
    if (row < 0 || column < 0 || column >= ColumnCount)
        return {};
    if (!parent.isValid()) {
        if (row >= m_snapshot.positions().size())
            return {};
        return createIndex(row, column, kTopLevel);
    }
    if (parent.internalId() != kTopLevel || parent.row() >= m_snapshot.positions().size())
        return {};
    if (row >= m_snapshot.positions().at(parent.row()).split.size())
        return {};
    return createIndex(row, column, static_cast<quintptr>(parent.row()) + 1);
}

QModelIndex HoldingsTreeModel::parent(const QModelIndex &child) const
{
    if (!child.isValid() || child.internalId() == kTopLevel)
        return {};
    return createIndex(static_cast<int>(child.internalId() - 1), 0, kTopLevel);
}

int HoldingsTreeModel::rowCount(const QModelIndex &parent) const
{
    if (!parent.isValid())
        return static_cast<int>(m_snapshot.positions().size());
    if (parent.column() != 0 || parent.internalId() != kTopLevel)
        return 0;
    return static_cast<int>(m_snapshot.positions().at(parent.row()).split.size());
}

int HoldingsTreeModel::columnCount(const QModelIndex &parent) const
{
    Q_UNUSED(parent)
    return ColumnCount;
}

QVariant HoldingsTreeModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid))
        return {};
    if (index.internalId() == kTopLevel)
        return positionData(m_snapshot.positions().at(index.row()), index.column(), role);
    const auto &position = m_snapshot.positions().at(static_cast<qsizetype>(index.internalId() - 1));
    return holdingData(position, position.split.at(index.row()), index.column(), role);
}

QVariant HoldingsTreeModel::positionData(const rebalance::AssetPosition &position, int column, int role) const
{
    const NumberFormat format;
    switch (role) {
    case Qt::DisplayRole:
        switch (column) {
        case Name:
            return position.asset;
        case Quantity:
            return format.quantity(position.quantity);
        case Price:
            return position.price ? format.price(*position.price) : tr("no price");
        case Value:
            return format.amount(position.value);
        case Weight:
            return format.percent(position.weight);
        case Target:
            return format.percent(position.target);
        case Drift:
            return format.points(position.drift());
        default:
            return {};
        }
    case ExportRole:
        switch (column) {
        case Name:
            return position.asset;
        case Network:
            return QString();
        case Quantity:
            return position.quantity.toString();
        case Price:
            return position.price ? position.price->toString() : QString();
        case Value:
            return position.value.toString();
        case Weight:
            return exportNumber(position.weight * 100.0);
        case Target:
            return exportNumber(position.target * 100.0);
        case Drift:
            return exportNumber(position.drift() * 100.0);
        default:
            return {};
        }
    case RawValueRole:
        switch (column) {
        case Name:
            return position.asset;
        case Network:
            return QString();
        case Quantity:
            return position.quantity.toDouble();
        case Price:
            return position.price ? position.price->toDouble() : -1.0;
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
    case SearchRole:
        return column == Name ? position.asset : QVariant();
    case Qt::ForegroundRole:
        if (column == Drift && position.outsideBand())
            return QBrush(position.drift() > 0 ? QColor(0xb0, 0x3a, 0x2e) : QColor(0x1f, 0x5f, 0xa8));
        if (column == Price && !position.price)
            return QBrush(QColor(0xb0, 0x3a, 0x2e));
        return {};
    case Qt::FontRole:
        if (column == Drift && position.outsideBand()) {
            QFont bold;
            bold.setBold(true);
            return bold;
        }
        return {};
    case Qt::ToolTipRole:
        if (column == Drift) {
            const QString band = position.band.toString();
            if (!position.outsideBand())
                return tr("Inside its band (%1 around the target)").arg(band);
            return position.drift() > 0 ? tr("Overweight: outside its band (%1 around the target)").arg(band)
                                        : tr("Underweight: outside its band (%1 around the target)").arg(band);
        }
        if (column == Price && position.simulatedPrice)
            return tr("Simulated price");
        return {};
    case Qt::TextAlignmentRole:
        if (column == Name || column == Network)
            return {};
        return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
    default:
        return {};
    }
}

QVariant HoldingsTreeModel::holdingData(const rebalance::AssetPosition &position, const domain::Holding &holding,
                                        int column, int role) const
{
    const NumberFormat format;
    const std::optional<money::Decimal> value =
        position.price ? std::optional<money::Decimal>(holding.quantity * *position.price) : std::nullopt;
    const double total = m_snapshot.totalValue().toDouble();
    const double weight = value && total > 0.0 ? value->toDouble() / total : 0.0;
    switch (role) {
    case Qt::DisplayRole:
        switch (column) {
        case Name:
            return holding.accountName;
        case Network:
            return holding.network;
        case Quantity:
            return format.quantity(holding.quantity);
        case Price:
            return position.price ? format.price(*position.price) : tr("no price");
        case Value:
            return value ? format.amount(*value) : QString();
        case Weight:
            return format.percent(weight);
        default:
            return QString();
        }
    case ExportRole:
        switch (column) {
        case Name:
            return holding.accountName;
        case Network:
            return holding.network;
        case Quantity:
            return holding.quantity.toString();
        case Price:
            return position.price ? position.price->toString() : QString();
        case Value:
            return value ? value->toString() : QString();
        case Weight:
            return exportNumber(weight * 100.0);
        default:
            return QString();
        }
    case RawValueRole:
        switch (column) {
        case Name:
            return holding.accountName;
        case Network:
            return holding.network;
        case Quantity:
            return holding.quantity.toDouble();
        case Price:
            return position.price ? position.price->toDouble() : -1.0;
        case Value:
            return value ? value->toDouble() : 0.0;
        case Weight:
            return weight;
        default:
            return 0.0;
        }
    case SearchRole:
        return column == Name ? QString(holding.accountName + QLatin1Char(' ') + holding.network) : QVariant();
    case Qt::TextAlignmentRole:
        if (column == Name || column == Network)
            return {};
        return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
    default:
        return {};
    }
}

QVariant HoldingsTreeModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal)
        return {};
    if (role == Qt::TextAlignmentRole && section != Name && section != Network)
        return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
    if (role == Qt::ToolTipRole && section == Drift)
        return tr("Weight minus target, in percentage points; coloured when outside the band");
    if (role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Name:
        return tr("Asset / account");
    case Network:
        return tr("Network");
    case Quantity:
        return tr("Quantity");
    case Price:
        return tr("Price (%1)").arg(m_snapshot.quote());
    case Value:
        return tr("Value (%1)").arg(m_snapshot.quote());
    case Weight:
        return tr("Weight %");
    case Target:
        return tr("Target %");
    case Drift:
        return tr("Drift pp");
    default:
        return {};
    }
}

} // namespace ballast::ui
