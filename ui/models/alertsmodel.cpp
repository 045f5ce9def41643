#include "models/alertsmodel.h"

#include "export/exporttarget.h"
#include "io/exports.h"

#include <QApplication>
#include <QDateTime>
#include <QIcon>
#include <QLocale>
#include <QStyle>
#include <QTimeZone>

namespace ballast::ui {

AlertsModel::AlertsModel(QObject *parent)
    : QAbstractTableModel(parent)
{
}

void AlertsModel::add(const Alert &alert)
{
    beginInsertRows({}, 0, 0);
    m_alerts.prepend(alert);
    endInsertRows();
}

void AlertsModel::clear()
{
    if (m_alerts.isEmpty())
        return;
    beginResetModel();
    m_alerts.clear();
    endResetModel();
}

QString AlertsModel::kindText(Alert::Kind kind)
{
    switch (kind) {
    case Alert::Kind::Drift:
        return tr("Drift");
    case Alert::Kind::VolatilityRegime:
        return tr("Volatility regime");
    case Alert::Kind::Correlation:
        return tr("Correlation");
    case Alert::Kind::FallingAsset:
        return tr("Falling asset");
    case Alert::Kind::Execution:
        return tr("Execution");
    case Alert::Kind::Rebalance:
        return tr("Rebalance due");
    }
    return {};
}

QString AlertsModel::severityText(Alert::Severity severity)
{
    switch (severity) {
    case Alert::Severity::Info:
        return tr("Info");
    case Alert::Severity::Warning:
        return tr("Warning");
    case Alert::Severity::Critical:
        return tr("Critical");
    }
    return {};
}

int AlertsModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_alerts.size());
}

int AlertsModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant AlertsModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Alert &alert = m_alerts.at(index.row());
    const QDateTime time = QDateTime::fromMSecsSinceEpoch(alert.timeMs, QTimeZone::utc());
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case Time:
            return QLocale().toString(time.toLocalTime(), QLocale::ShortFormat);
        case Severity:
            return severityText(alert.severity);
        case Kind:
            return kindText(alert.kind);
        case Subject:
            return alert.subject;
        case Message:
            return alert.message;
        default:
            return {};
        }
    case ExportRole:
        if (index.column() == Time)
            return io::Exports::isoUtc(time);
        return data(index, Qt::DisplayRole);
    case SortRole:
        switch (index.column()) {
        case Time:
            return alert.timeMs;
        case Severity:
            return static_cast<int>(alert.severity);
        case Kind:
            return static_cast<int>(alert.kind);
        default:
            return data(index, Qt::DisplayRole);
        }
    case Qt::DecorationRole:
        if (index.column() != Severity)
            return {};
        switch (alert.severity) {
        case Alert::Severity::Info:
            return QApplication::style()->standardIcon(QStyle::SP_MessageBoxInformation);
        case Alert::Severity::Warning:
            return QApplication::style()->standardIcon(QStyle::SP_MessageBoxWarning);
        case Alert::Severity::Critical:
            return QApplication::style()->standardIcon(QStyle::SP_MessageBoxCritical);
        }
        return {};
    case Qt::ToolTipRole:
        return index.column() == Message ? QVariant(alert.message) : QVariant();
    default:
        return {};
    }
}

QVariant AlertsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Time:
        return tr("Time");
    case Severity:
        return tr("Severity");
    case Kind:
        return tr("Kind");
    case Subject:
        return tr("Subject");
    case Message:
        return tr("Message");
    default:
        return {};
    }
}

} // namespace ballast::ui
