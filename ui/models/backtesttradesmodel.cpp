#include "models/backtesttradesmodel.h"

#include "export/exporttarget.h"
#include "io/exports.h"

#include <QDateTime>
#include <QLocale>
#include <QTimeZone>

#include <cmath>

namespace ballast::ui {

BacktestTradesModel::BacktestTradesModel(QObject *parent)
    : QAbstractTableModel(parent)
{
}

void BacktestTradesModel::setRun(const BacktestRun *run)
{
    beginResetModel();
    if (run) {
        m_trades = run->result.trades;
        m_assets = run->result.assets;
        m_quote = run->quote;
    } else {
        m_trades.clear();
        m_assets.clear();
        m_quote.clear();
    }
    endResetModel();
}

int BacktestTradesModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_trades.size());
}

int BacktestTradesModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant BacktestTradesModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const auto &trade = m_trades[static_cast<std::size_t>(index.row())];
    const QDateTime time = QDateTime::fromMSecsSinceEpoch(trade.timeMs, QTimeZone::utc());
    const QString asset = m_assets.value(trade.asset);
    const bool buy = trade.value >= 0.0;
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case Time:
            return time.time() == QTime(0, 0) ? QLocale().toString(time.date(), QLocale::ShortFormat)
                                              : QLocale().toString(time, QLocale::ShortFormat);
        case Asset:
            return asset;
        case Side:
            return buy ? tr("Buy") : tr("Sell");
        case Value:
            return QString(QLocale().toString(std::abs(trade.value), 'f', 2) + QLatin1Char(' ') + m_quote);
        default:
            return {};
        }
    case RawValueRole:
    case ExportRole:
        switch (index.column()) {
        case Time:
            return role == ExportRole ? QVariant(io::Exports::isoUtc(time)) : QVariant(trade.timeMs);
        case Asset:
            return asset;
        case Side:
            return buy ? QStringLiteral("buy") : QStringLiteral("sell");
        case Value:
            return role == ExportRole ? QVariant(QString::number(std::abs(trade.value), 'f', 8))
                                      : QVariant(std::abs(trade.value));
        default:
            return {};
        }
    case Qt::TextAlignmentRole:
        return index.column() == Value ? QVariant(Qt::AlignRight | Qt::AlignVCenter)
                                       : QVariant(Qt::AlignLeft | Qt::AlignVCenter);
    default:
        return {};
    }
}

QVariant BacktestTradesModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || section < 0 || section >= ColumnCount)
        return QAbstractTableModel::headerData(section, orientation, role);
    if (role == ExportRole) {
        static const char *const keys[] = {"time", "asset", "side", "value"};
        return QString::fromLatin1(keys[section]);
    }
    if (role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Time:
        return tr("Time (UTC)");
    case Asset:
        return tr("Asset");
    case Side:
        return tr("Side");
    case Value:
        return tr("Value");
    default:
        return {};
    }
}

} // namespace ballast::ui
