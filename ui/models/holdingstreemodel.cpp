#include "models/holdingstreemodel.h"

#include "export/exporttarget.h"
#include "models/decimaltext.h"
#include "models/numberformat.h"
#include "models/pnltext.h"

#include <QBrush>
#include <QColor>
#include <QFont>
#include <QSet>

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
    // How many networks each asset row spans, counted once here: data() is
    // asked for every visible cell on each repaint.
    m_networkCounts.clear();
    for (const auto &position : m_snapshot.positions()) {
        QSet<QString> networks;
        for (const auto &holding : position.split)
            networks.insert(holding.network);
        m_networkCounts.insert(position.asset, static_cast<int>(networks.size()));
    }
    endResetModel();
}

QString HoldingsTreeModel::holdingKey(qint64 accountId, const QString &network, const QString &asset)
{
    return QString::number(accountId) + QLatin1Char('\x1f') + network + QLatin1Char('\x1f') + asset;
}

void HoldingsTreeModel::setLots(const services::LotsReport &report)
{
    m_lots = report;
    m_byAsset.clear();
    m_byHolding.clear();
    for (const analytics::LotPnl &row : report.pnl.lots) {
        const analytics::Lot &lot = row.lot;
        const bool priced = !report.pnl.missingPrices.contains(lot.asset);
        for (Pnl *sum : {&m_byAsset[lot.asset], &m_byHolding[holdingKey(lot.accountId, lot.network, lot.asset)]}) {
            sum->quantity += lot.quantity;
            sum->cost += lot.cost;
            sum->value += row.value;
            sum->unrealized += row.unrealized;
            sum->priced = priced;
            sum->basisUnknown = sum->basisUnknown || lot.basisUnknown;
        }
    }
    if (rowCount() > 0)
        emit dataChanged(index(0, CostBasis), index(rowCount() - 1, UnrealizedPercent));
    for (int row = 0; row < rowCount(); ++row) {
        const QModelIndex parent = index(row, 0);
        if (rowCount(parent) > 0)
            emit dataChanged(index(0, CostBasis, parent), index(rowCount(parent) - 1, UnrealizedPercent, parent));
    }
    emit headerDataChanged(Qt::Horizontal, CostBasis, UnrealizedPercent);
}

void HoldingsTreeModel::clearLots()
{
    setLots(services::LotsReport());
    m_lots.reset();
}

std::optional<HoldingsTreeModel::Pnl> HoldingsTreeModel::assetPnl(const QString &asset) const
{
    const auto it = m_byAsset.constFind(asset);
    if (!m_lots || it == m_byAsset.constEnd())
        return std::nullopt;
    return *it;
}

std::optional<HoldingsTreeModel::Pnl> HoldingsTreeModel::holdingPnl(qint64 accountId, const QString &network,
                                                                    const QString &asset) const
{
    const auto it = m_byHolding.constFind(holdingKey(accountId, network, asset));
    if (!m_lots || it == m_byHolding.constEnd())
        return std::nullopt;
    return *it;
}

QVariant HoldingsTreeModel::pnlData(const std::optional<Pnl> &pnl, int column, int role) const
{
    if (!pnl)
        return {};
    const std::optional<double> fraction = pnl->priced ? pnlFraction(pnl->unrealized, pnl->cost) : std::nullopt;
    switch (role) {
    case Qt::DisplayRole:
        switch (column) {
        case CostBasis:
            return pnl->basisUnknown ? tr("%1 (part unknown)").arg(decimalText(pnl->cost, 2))
                                     : decimalText(pnl->cost, 2);
        case Unrealized:
            return pnl->priced ? signedAmountText(pnl->unrealized) : tr("no price");
        case UnrealizedPercent:
            return signedPercentText(fraction);
        default:
            return {};
        }
    case ExportRole:
        switch (column) {
        case CostBasis:
            return pnl->cost.toString();
        case Unrealized:
            return pnl->priced ? pnl->unrealized.toString() : QString();
        case UnrealizedPercent:
            return fraction ? exportNumber(*fraction * 100.0) : QString();
        default:
            return {};
        }
    case RawValueRole:
        switch (column) {
        case CostBasis:
            return pnl->cost.toDouble();
        case Unrealized:
            return pnl->priced ? pnl->unrealized.toDouble() : 0.0;
        case UnrealizedPercent:
            return fraction.value_or(0.0);
        default:
            return {};
        }
    case Qt::ForegroundRole:
        if (column == Unrealized || column == UnrealizedPercent)
            return pnl->priced ? gainForeground(pnl->unrealized) : QVariant();
        return {};
    case Qt::ToolTipRole:
        if (column == CostBasis && pnl->basisUnknown)
            return tr("Some of it arrived without a known value; that part counts at cost zero");
        if (column == Unrealized && pnl->priced)
            return tr("Value of the open lots (%1 %2) minus their cost")
                .arg(decimalText(pnl->value, 2), m_lots ? m_lots->quote : QString());
        return {};
    case Qt::TextAlignmentRole:
        return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
    default:
        return {};
    }
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
    if (isPnlColumn(column))
        return role == SearchRole ? QVariant() : pnlData(assetPnl(position.asset), column, role);
    const NumberFormat format;
    switch (role) {
    case Qt::DisplayRole:
        switch (column) {
        case Name:
            return position.asset;
        case Network: {
            // One asset held on several networks (USDC on Ethereum and Base)
            // says so on its row; its children are the split.
            const int networks = m_networkCounts.value(position.asset);
            return networks > 1 ? tr("%n networks", nullptr, networks) : QString();
        }
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
    if (isPnlColumn(column))
        return role == SearchRole
            ? QVariant()
            : pnlData(holdingPnl(holding.accountId, holding.network, position.asset), column, role);
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
    if (role == Qt::ToolTipRole && isPnlColumn(section)) {
        const QString what = section == CostBasis ? tr("What the open lots cost")
                                                  : tr("Unrealized profit or loss: their value minus their cost");
        return m_lots ? tr("%1 (lots by %2, valued at the latest price)")
                            .arg(what, analytics::costMethodName(m_lots->method).toUpper())
                      : what;
    }
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
    case CostBasis:
        return tr("Cost basis (%1)").arg(m_snapshot.quote());
    case Unrealized:
        return tr("P&L (%1)").arg(m_snapshot.quote());
    case UnrealizedPercent:
        return tr("P&L %");
    default:
        return {};
    }
}

} // namespace ballast::ui
