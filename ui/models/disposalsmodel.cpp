#include "models/disposalsmodel.h"

#include "export/exporttarget.h"
#include "io/exports.h"
#include "models/decimaltext.h"
#include "models/pnltext.h"

namespace ballast::ui {

DisposalsModel::DisposalsModel(QObject *parent)
    : QAbstractTableModel(parent)
{
}

void DisposalsModel::setReport(const services::GainsReport &report)
{
    beginResetModel();
    m_report = report;
    endResetModel();
}

int DisposalsModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_report.disposals.size());
}

int DisposalsModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QString DisposalsModel::kindText(analytics::DisposalKind kind)
{
    switch (kind) {
    case analytics::DisposalKind::Sale:
        return tr("Sale");
    case analytics::DisposalKind::Withdrawal:
        return tr("Withdrawal");
    case analytics::DisposalKind::Fee:
        return tr("Fee");
    case analytics::DisposalKind::Adjustment:
        return tr("Adjustment");
    }
    return {};
}

QVariant DisposalsModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const analytics::Disposal &d = m_report.disposals.at(index.row());
    const QString account = m_report.accountNames.value(d.accountId);
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case Sold:
            return utcMinuteText(d.time);
        case Asset:
            return d.asset;
        case Account:
            return account;
        case Quantity:
            return decimalText(d.quantity);
        case Acquired:
            return utcMinuteText(d.acquired);
        case Proceeds:
            return d.proceedsUnknown ? tr("%1 (unknown)").arg(decimalText(d.proceeds, 2)) : decimalText(d.proceeds, 2);
        case Cost:
            return d.basisUnknown ? tr("%1 (unknown)").arg(decimalText(d.cost, 2)) : decimalText(d.cost, 2);
        case Gain:
            return signedAmountText(d.gain);
        case Days:
            return QLocale().toString(d.holdingDays);
        case Term:
            return d.longTerm ? tr("Long") : tr("Short");
        case Kind:
            return kindText(d.kind);
        default:
            return {};
        }
    case ExportRole:
        switch (index.column()) {
        case Sold:
            return io::Exports::isoUtc(d.time);
        case Quantity:
            return d.quantity.toString();
        case Acquired:
            return io::Exports::isoUtc(d.acquired);
        case Proceeds:
            return d.proceeds.toString();
        case Cost:
            return d.cost.toString();
        case Gain:
            return d.gain.toString();
        case Days:
            return QString::number(d.holdingDays);
        case Term:
            return d.longTerm ? QStringLiteral("long") : QStringLiteral("short");
        default:
            return data(index, Qt::DisplayRole);
        }
    case RawValueRole:
        switch (index.column()) {
        case Sold:
            return d.time.toMSecsSinceEpoch();
        case Asset:
            return d.asset;
        case Account:
            return account;
        case Quantity:
            return d.quantity.toDouble();
        case Acquired:
            return d.acquired.toMSecsSinceEpoch();
        case Proceeds:
            return d.proceeds.toDouble();
        case Cost:
            return d.cost.toDouble();
        case Gain:
            return d.gain.toDouble();
        case Days:
            return d.holdingDays;
        case Term:
            return d.longTerm ? 1 : 0;
        case Kind:
            return kindText(d.kind);
        default:
            return {};
        }
    case Qt::ForegroundRole:
        return index.column() == Gain ? gainForeground(d.gain) : QVariant();
    case Qt::ToolTipRole:
        if (index.column() == Cost && d.basisUnknown)
            return tr("The lot's cost was not known: counted as zero");
        if (index.column() == Proceeds && d.proceedsUnknown)
            return tr("No value for %1 at that time: proceeds counted as zero").arg(d.asset);
        if (index.column() == Term)
            return tr("Long term when held more than %n day(s)", nullptr, m_report.longTermDays);
        if (index.column() == Acquired && d.pooled)
            return tr("Average cost: the quantity-weighted acquisition time of the pool");
        return {};
    case Qt::TextAlignmentRole:
        if (index.column() == Asset || index.column() == Account || index.column() == Term || index.column() == Kind)
            return {};
        return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
    default:
        return {};
    }
}

QVariant DisposalsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal)
        return {};
    if (role == Qt::TextAlignmentRole && section != Asset && section != Account && section != Term && section != Kind)
        return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
    if (role != Qt::DisplayRole)
        return {};
    const QString quote = m_report.quote;
    switch (section) {
    case Sold:
        return tr("Disposed (UTC)");
    case Asset:
        return tr("Asset");
    case Account:
        return tr("Account");
    case Quantity:
        return tr("Quantity");
    case Acquired:
        return tr("Acquired (UTC)");
    case Proceeds:
        return quote.isEmpty() ? tr("Proceeds") : tr("Proceeds (%1)").arg(quote);
    case Cost:
        return quote.isEmpty() ? tr("Cost") : tr("Cost (%1)").arg(quote);
    case Gain:
        return quote.isEmpty() ? tr("Gain") : tr("Gain (%1)").arg(quote);
    case Days:
        return tr("Days held");
    case Term:
        return tr("Term");
    case Kind:
        return tr("Kind");
    default:
        return {};
    }
}

} // namespace ballast::ui
