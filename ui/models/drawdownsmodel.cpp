#include "models/drawdownsmodel.h"

#include "models/numberformat.h"

#include <QColor>
#include <QLocale>

#include <algorithm>

namespace ballast::ui {

DrawdownsModel::DrawdownsModel(QObject *parent)
    : QAbstractTableModel(parent)
{
}

void DrawdownsModel::setPeriods(const QList<analytics::DrawdownPeriod> &periods)
{
    beginResetModel();
    m_periods = periods;
    std::stable_sort(
        m_periods.begin(), m_periods.end(),
        [](const analytics::DrawdownPeriod &a, const analytics::DrawdownPeriod &b) { return a.depth > b.depth; });
    endResetModel();
}

int DrawdownsModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_periods.size());
}

int DrawdownsModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant DrawdownsModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= m_periods.size())
        return {};
    const analytics::DrawdownPeriod &d = m_periods[index.row()];
    const QLocale locale;
    if (role == Qt::DisplayRole) {
        switch (index.column()) {
        case Start:
            return locale.toString(d.start, QLocale::ShortFormat);
        case Trough:
            return locale.toString(d.trough, QLocale::ShortFormat);
        case Recovery:
            return d.recovery ? locale.toString(*d.recovery, QLocale::ShortFormat) : tr("not recovered");
        case Depth:
            return NumberFormat(locale).percent(-d.depth, 1);
        case Length:
            return tr("%n day(s)", nullptr, static_cast<int>(d.lengthDays));
        default:
            return {};
        }
    }
    if (role == RawValueRole) {
        switch (index.column()) {
        case Start:
            return d.start;
        case Trough:
            return d.trough;
        case Recovery:
            return d.recovery ? *d.recovery : QDate();
        case Depth:
            return d.depth;
        case Length:
            return d.lengthDays;
        default:
            return {};
        }
    }
    if (role == Qt::TextAlignmentRole && (index.column() == Depth || index.column() == Length))
        return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
    if (role == Qt::ForegroundRole && index.column() == Recovery && !d.recovery)
        return QColor(0xc0, 0x39, 0x2b);
    return {};
}

QVariant DrawdownsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (role != Qt::DisplayRole)
        return {};
    if (orientation == Qt::Vertical)
        return section + 1;
    switch (section) {
    case Start:
        return tr("Start (peak)");
    case Trough:
        return tr("Trough");
    case Recovery:
        return tr("Recovery");
    case Depth:
        return tr("Depth");
    case Length:
        return tr("Length");
    default:
        return {};
    }
}

} // namespace ballast::ui
