#include "models/backtestalertsmodel.h"

#include "export/exporttarget.h"
#include "io/exports.h"

#include <QDateTime>
#include <QLocale>
#include <QTimeZone>

namespace ballast::ui {

BacktestAlertsModel::BacktestAlertsModel(QObject *parent)
    : QAbstractTableModel(parent)
{
}

void BacktestAlertsModel::setRun(const BacktestRun *run)
{
    beginResetModel();
    if (run)
        m_alerts = run->result.alerts;
    else
        m_alerts.clear();
    endResetModel();
}

int BacktestAlertsModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_alerts.size());
}

int BacktestAlertsModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant BacktestAlertsModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const auto &alert = m_alerts[static_cast<std::size_t>(index.row())];
    const QDateTime time = QDateTime::fromMSecsSinceEpoch(alert.timeMs, QTimeZone::utc());
    if (role == ExportRole && index.column() == Time)
        return io::Exports::isoUtc(time);
    if (role != Qt::DisplayRole && role != ExportRole && role != Qt::ToolTipRole)
        return {};
    switch (index.column()) {
    case Time:
        return time.time() == QTime(0, 0) ? QLocale().toString(time.date(), QLocale::ShortFormat)
                                          : QLocale().toString(time, QLocale::ShortFormat);
    case Kind:
        if (role == ExportRole)
            return alert.kind;
        if (alert.kind == QLatin1String("correlation"))
            return tr("Correlation");
        if (alert.kind == QLatin1String("floor_breach"))
            return tr("Floor breach");
        if (alert.kind == QLatin1String("falling_asset"))
            return tr("Falling asset");
        if (alert.kind == QLatin1String("regime"))
            return tr("Regime change");
        return alert.kind;
    case Message:
        return alert.message;
    default:
        return {};
    }
}

QVariant BacktestAlertsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || section < 0 || section >= ColumnCount)
        return QAbstractTableModel::headerData(section, orientation, role);
    if (role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Time:
        return tr("Time (UTC)");
    case Kind:
        return tr("Kind");
    case Message:
        return tr("Message");
    default:
        return {};
    }
}

} // namespace ballast::ui
