#include "models/monthlyreturnsmodel.h"

#include "models/numberformat.h"

#include <QFont>
#include <QLocale>

#include <algorithm>
#include <cmath>

namespace ballast::ui {

namespace {

constexpr double kFullColourAt = 0.20; ///< a month of +/-20 % gets the full colour

QString signedPercent(double fraction)
{
    const QString text = NumberFormat().percent(fraction, 1);
    return fraction > 0 && !text.startsWith(QLatin1Char('+')) ? QStringLiteral("+") + text : text;
}

} // namespace

MonthlyReturnsModel::MonthlyReturnsModel(QObject *parent)
    : QAbstractTableModel(parent)
{
}

void MonthlyReturnsModel::setReturns(const QList<analytics::MonthlyReturn> &months)
{
    beginResetModel();
    m_rows.clear();
    for (const analytics::MonthlyReturn &m : months) {
        if (m.month < 1 || m.month > 12)
            continue;
        auto it = std::find_if(m_rows.begin(), m_rows.end(), [&m](const Row &r) { return r.year == m.year; });
        if (it == m_rows.end()) {
            Row row;
            row.year = m.year;
            m_rows.append(row);
            it = std::prev(m_rows.end());
        }
        const auto k = static_cast<std::size_t>(m.month - 1);
        it->months[k] = m.value;
        it->days[k] = m.days;
    }
    std::sort(m_rows.begin(), m_rows.end(), [](const Row &a, const Row &b) { return a.year < b.year; });
    for (Row &row : m_rows) {
        double growth = 1.0;
        for (const auto &month : row.months)
            growth *= 1.0 + month.value_or(0.0);
        row.total = growth - 1.0;
    }
    endResetModel();
}

int MonthlyReturnsModel::year(int row) const
{
    return row >= 0 && row < m_rows.size() ? m_rows[row].year : 0;
}

std::optional<double> MonthlyReturnsModel::value(int row, int column) const
{
    if (row < 0 || row >= m_rows.size() || column < 0 || column >= ColumnCount)
        return std::nullopt;
    const Row &r = m_rows[row];
    if (column == Year)
        return r.total;
    return r.months[static_cast<std::size_t>(column)];
}

QColor MonthlyReturnsModel::heatColour(double fraction, const QColor &base)
{
    if (!std::isfinite(fraction) || fraction == 0.0)
        return base;
    const QColor target = fraction > 0 ? QColor(0x1e, 0x8e, 0x3e) : QColor(0xc0, 0x39, 0x2b);
    const double strength = 0.15 + 0.75 * std::min(std::abs(fraction) / kFullColourAt, 1.0);
    const auto mix = [strength](int from, int to) {
        return static_cast<int>(std::lround(from + (to - from) * strength));
    };
    return {mix(base.red(), target.red()), mix(base.green(), target.green()), mix(base.blue(), target.blue())};
}

QColor MonthlyReturnsModel::textColourOn(const QColor &background)
{
    // Relative luminance (sRGB weights, no gamma: enough to pick black or white).
    const double luminance = 0.2126 * background.redF() + 0.7152 * background.greenF() + 0.0722 * background.blueF();
    return luminance < 0.5 ? QColor(Qt::white) : QColor(Qt::black);
}

int MonthlyReturnsModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_rows.size());
}

int MonthlyReturnsModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant MonthlyReturnsModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= m_rows.size() || index.column() >= ColumnCount)
        return {};
    const std::optional<double> v = value(index.row(), index.column());
    switch (role) {
    case Qt::DisplayRole:
        return v ? signedPercent(*v) : QString();
    case RawValueRole:
        return v ? QVariant(*v) : QVariant();
    case Qt::BackgroundRole:
        return v ? QVariant(heatColour(*v, m_base)) : QVariant();
    case Qt::ForegroundRole:
        return v ? QVariant(textColourOn(heatColour(*v, m_base))) : QVariant();
    case Qt::TextAlignmentRole:
        return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
    case Qt::FontRole:
        if (index.column() == Year) {
            QFont bold;
            bold.setBold(true);
            return bold;
        }
        return {};
    case Qt::ToolTipRole: {
        if (!v)
            return {};
        const Row &r = m_rows[index.row()];
        if (index.column() == Year)
            return tr("%1: %2 (the months shown, chained)").arg(r.year).arg(signedPercent(*v));
        const int days = r.days[static_cast<std::size_t>(index.column())];
        return tr("%1 %2: %3 over %n day(s)", nullptr, days)
            .arg(QLocale().monthName(index.column() + 1), QString::number(r.year), signedPercent(*v));
    }
    default:
        return {};
    }
}

QVariant MonthlyReturnsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (role != Qt::DisplayRole)
        return {};
    if (orientation == Qt::Vertical)
        return section >= 0 && section < m_rows.size() ? QVariant(QString::number(m_rows[section].year)) : QVariant();
    if (section == Year)
        return tr("Year");
    if (section >= 0 && section < Year)
        return QLocale().standaloneMonthName(section + 1, QLocale::ShortFormat);
    return {};
}

} // namespace ballast::ui
