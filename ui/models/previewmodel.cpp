#include "models/previewmodel.h"

#include "export/exporttarget.h"
#include "models/numberformat.h"

#include <QBrush>
#include <QColor>

namespace ballast::ui {

namespace {

QString fraction(double value)
{
    return QString::number(value, 'f', 6);
}

} // namespace

PreviewModel::PreviewModel(QObject *parent)
    : QAbstractTableModel(parent)
{
}

void PreviewModel::setPlan(const rebalance::RebalancePlan &plan)
{
    beginResetModel();
    m_plan = plan;
    endResetModel();
}

void PreviewModel::clear()
{
    setPlan(rebalance::RebalancePlan());
}

io::CsvTable PreviewModel::csvTable() const
{
    io::CsvTable table;
    table.header = {QStringLiteral("line"),          QStringLiteral("account"),       QStringLiteral("symbol"),
                    QStringLiteral("side"),          QStringLiteral("quantity"),      QStringLiteral("price"),
                    QStringLiteral("notional"),      QStringLiteral("fee"),           QStringLiteral("fee_asset"),
                    QStringLiteral("weight_before"), QStringLiteral("weight_target"), QStringLiteral("weight_after")};
    for (const auto &order : m_plan.orders) {
        const rebalance::PlanWeight *weight = m_plan.weight(order.base);
        table.rows.append({QString::number(order.line), order.account, order.symbol, domain::toText(order.side),
                           order.quantity.toString(), order.price.toString(), order.notional.toString(),
                           order.fee.toString(), order.feeAsset, weight ? fraction(weight->before) : QString(),
                           weight ? fraction(weight->target) : QString(),
                           weight ? fraction(weight->after) : QString()});
    }
    return table;
}

int PreviewModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_plan.orders.size());
}

int PreviewModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant PreviewModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const rebalance::PlannedOrder &order = m_plan.orders.at(index.row());
    const rebalance::PlanWeight *weight = m_plan.weight(order.base);
    const NumberFormat format;
    const bool buy = order.side == domain::Side::Buy;
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case Asset:
            return order.base;
        case Side:
            return buy ? tr("Buy") : tr("Sell");
        case Quantity:
            return format.quantity(order.quantity);
        case Notional:
            return QString(format.amount(order.notional) + QLatin1Char(' ') + order.quote);
        case WeightChange:
            return weight
                ? QString(format.percent(weight->before) + QStringLiteral(" → ") + format.percent(weight->after))
                : QString();
        default:
            return {};
        }
    case ExportRole:
        switch (index.column()) {
        case Asset:
            return order.base;
        case Side:
            return domain::toText(order.side);
        case Quantity:
            return order.quantity.toString();
        case Notional:
            return order.notional.toString();
        case WeightChange:
            return weight ? QString(fraction(weight->before) + QStringLiteral(" -> ") + fraction(weight->after))
                          : QString();
        default:
            return {};
        }
    case RawValueRole:
        switch (index.column()) {
        case Asset:
            return order.base;
        case Side:
            return domain::toText(order.side);
        case Quantity:
            return order.quantity.toDouble();
        case Notional:
            return order.notional.toDouble();
        case WeightChange:
            return weight ? weight->after - weight->before : 0.0;
        default:
            return {};
        }
    case Qt::ForegroundRole:
        if (index.column() == Side)
            return QBrush(buy ? QColor(0x1e, 0x7b, 0x3a) : QColor(0xb0, 0x3a, 0x2e));
        return {};
    case Qt::ToolTipRole:
        return tr("%1 on %2 at about %3 %4, fee %5 %6; %7")
            .arg(order.symbol, order.account, order.price.toString(), order.quote, order.fee.toString(), order.feeAsset,
                 order.routeText());
    case Qt::TextAlignmentRole:
        if (index.column() == Quantity || index.column() == Notional || index.column() == WeightChange)
            return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
        return {};
    default:
        return {};
    }
}

QVariant PreviewModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal)
        return QAbstractTableModel::headerData(section, orientation, role);
    if (role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Asset:
        return tr("Asset");
    case Side:
        return tr("Side");
    case Quantity:
        return tr("Quantity");
    case Notional:
        return tr("Notional");
    case WeightChange:
        return tr("Weight before → after");
    default:
        return {};
    }
}

} // namespace ballast::ui
