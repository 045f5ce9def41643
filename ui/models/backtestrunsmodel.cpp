#include "models/backtestrunsmodel.h"

#include "export/exporttarget.h"

#include <QLocale>

#include <algorithm>
#include <cmath>

namespace ballast::ui {

namespace {

bool isPercent(int column)
{
    switch (column) {
    case BacktestRunsModel::TotalReturn:
    case BacktestRunsModel::Cagr:
    case BacktestRunsModel::Volatility:
    case BacktestRunsModel::MaxDrawdown:
    case BacktestRunsModel::Turnover:
    case BacktestRunsModel::Premium:
    case BacktestRunsModel::CagrAfterTax:
        return true;
    default:
        return false;
    }
}

QString display(const QVariant &value, int column, const QString &quote)
{
    const QLocale locale;
    if (!value.isValid())
        return QStringLiteral("–"); // not taxed
    if (value.typeId() == QMetaType::Int)
        return locale.toString(value.toInt());
    const double number = value.toDouble();
    if (!std::isfinite(number))
        return QStringLiteral("–");
    if (isPercent(column))
        return QString(locale.toString(number * 100.0, 'f', 2) + locale.percent());
    if (column == BacktestRunsModel::FeesPaid || column == BacktestRunsModel::FinalValue
        || column == BacktestRunsModel::TaxPaid || column == BacktestRunsModel::FinalValueAfterTax)
        return QString(locale.toString(number, 'f', 2) + QLatin1Char(' ') + quote);
    return locale.toString(number, 'f', 2);
}

} // namespace

BacktestRunsModel::BacktestRunsModel(QObject *parent)
    : QAbstractTableModel(parent)
{
}

void BacktestRunsModel::addRuns(const QList<BacktestRun> &runs)
{
    if (runs.isEmpty())
        return;
    const auto first = static_cast<int>(m_runs.size());
    beginInsertRows({}, first, first + static_cast<int>(runs.size()) - 1);
    m_runs.append(runs);
    endInsertRows();
    emit drawnChanged();
}

void BacktestRunsModel::removeRuns(QList<int> rows)
{
    std::sort(rows.begin(), rows.end(), std::greater<>());
    rows.erase(std::unique(rows.begin(), rows.end()), rows.end());
    bool removed = false;
    for (const int row : rows) {
        if (row < 0 || row >= m_runs.size())
            continue;
        beginRemoveRows({}, row, row);
        m_runs.removeAt(row);
        endRemoveRows();
        removed = true;
    }
    if (removed)
        emit drawnChanged();
}

void BacktestRunsModel::clear()
{
    if (m_runs.isEmpty())
        return;
    beginResetModel();
    m_runs.clear();
    endResetModel();
    emit drawnChanged();
}

const BacktestRun *BacktestRunsModel::runAt(int row) const
{
    return row >= 0 && row < m_runs.size() ? &m_runs[row] : nullptr;
}

QList<const BacktestRun *> BacktestRunsModel::drawnRuns() const
{
    QList<const BacktestRun *> result;
    for (const auto &run : m_runs) {
        if (run.draw && run.detailed())
            result.append(&run);
    }
    return result;
}

QVariant BacktestRunsModel::rawValue(const BacktestRun &run, int column)
{
    const auto &r = run.result;
    const auto &m = r.metrics;
    switch (column) {
    case Run:
        return r.label.isEmpty() ? run.config.label : r.label;
    case TotalReturn:
        return m.totalReturn;
    case Cagr:
        return m.cagr;
    case Volatility:
        return m.volatility;
    case Sharpe:
        return m.sharpe;
    case Sortino:
        return m.sortino;
    case MaxDrawdown:
        return m.maxDrawdown;
    case Calmar:
        return m.calmar;
    case Rebalances:
        return r.rebalances;
    case Turnover:
        return r.turnover;
    case FeesPaid:
        return r.feesPaid;
    case FinalValue:
        return r.finalValue;
    case Premium:
        return r.rebalancingPremium();
    case TaxPaid:
        return r.taxed ? QVariant(r.taxPaid) : QVariant();
    case FinalValueAfterTax:
        return r.taxed ? QVariant(r.finalValueAfterTax) : QVariant();
    case CagrAfterTax:
        return r.taxed ? QVariant(r.cagrAfterTax) : QVariant();
    default:
        return {};
    }
}

QString BacktestRunsModel::key(int column)
{
    switch (column) {
    case Run:
        return QStringLiteral("run");
    case TotalReturn:
        return QStringLiteral("total_return");
    case Cagr:
        return QStringLiteral("cagr");
    case Volatility:
        return QStringLiteral("volatility");
    case Sharpe:
        return QStringLiteral("sharpe");
    case Sortino:
        return QStringLiteral("sortino");
    case MaxDrawdown:
        return QStringLiteral("max_drawdown");
    case Calmar:
        return QStringLiteral("calmar");
    case Rebalances:
        return QStringLiteral("rebalances");
    case Turnover:
        return QStringLiteral("turnover");
    case FeesPaid:
        return QStringLiteral("fees_paid");
    case FinalValue:
        return QStringLiteral("final_value");
    case Premium:
        return QStringLiteral("rebalancing_premium");
    case TaxPaid:
        return QStringLiteral("tax_paid");
    case FinalValueAfterTax:
        return QStringLiteral("final_value_after_tax");
    case CagrAfterTax:
        return QStringLiteral("cagr_after_tax");
    default:
        return {};
    }
}

int BacktestRunsModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_runs.size());
}

int BacktestRunsModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant BacktestRunsModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const BacktestRun &run = m_runs[index.row()];
    const int column = index.column();
    if (column != Run && run.failed()) {
        if (role == Qt::DisplayRole)
            return QStringLiteral("–");
        if (role == Qt::ToolTipRole)
            return run.result.error;
        return {};
    }
    switch (role) {
    case Qt::DisplayRole:
        if (column == Run)
            return QString(QStringLiteral("#%1  ").arg(run.id) + rawValue(run, Run).toString());
        return display(rawValue(run, column), column, run.quote);
    case RawValueRole:
        return rawValue(run, column);
    case ExportRole: {
        const QVariant value = rawValue(run, column);
        if (value.typeId() == QMetaType::Double)
            return QLocale::c().toString(value.toDouble(), 'g', QLocale::FloatingPointShortest);
        return value.toString();
    }
    case Qt::TextAlignmentRole:
        return column == Run ? QVariant(Qt::AlignLeft | Qt::AlignVCenter) : QVariant(Qt::AlignRight | Qt::AlignVCenter);
    case Qt::CheckStateRole:
        if (column == Run && run.detailed())
            return run.draw ? Qt::Checked : Qt::Unchecked;
        return {};
    case Qt::ToolTipRole:
        if (column == Run) {
            if (run.failed())
                return tr("Failed: %1").arg(run.result.error);
            QStringList weights;
            const QLocale locale;
            for (qsizetype i = 0; i < run.result.assets.size(); ++i) {
                const double weight = static_cast<std::size_t>(i) < run.config.targets.size()
                    ? run.config.targets[static_cast<std::size_t>(i)]
                    : 0.0;
                weights << QString(run.result.assets[i] + QLatin1Char(' ') + locale.toString(weight * 100.0, 'f', 1)
                                   + locale.percent());
            }
            QString tip = tr("Starting weights: %1").arg(weights.join(QStringLiteral(", ")));
            if (!run.detailed())
                tip += QLatin1Char('\n') + tr("Sweep run: metrics only, no curves or trades.");
            return tip;
        }
        return {};
    default:
        return {};
    }
}

bool BacktestRunsModel::setData(const QModelIndex &index, const QVariant &value, int role)
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return false;
    if (role != Qt::CheckStateRole || index.column() != Run)
        return false;
    BacktestRun &run = m_runs[index.row()];
    if (!run.detailed())
        return false;
    const bool draw = value.toInt() == Qt::Checked;
    if (run.draw == draw)
        return true;
    run.draw = draw;
    emit dataChanged(index, index, {Qt::CheckStateRole});
    emit drawnChanged();
    return true;
}

Qt::ItemFlags BacktestRunsModel::flags(const QModelIndex &index) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return Qt::NoItemFlags;
    Qt::ItemFlags flags = Qt::ItemIsEnabled | Qt::ItemIsSelectable | Qt::ItemNeverHasChildren;
    if (index.column() == Run && m_runs[index.row()].detailed())
        flags |= Qt::ItemIsUserCheckable;
    return flags;
}

QVariant BacktestRunsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || section < 0 || section >= ColumnCount)
        return QAbstractTableModel::headerData(section, orientation, role);
    if (role == ExportRole)
        return key(section);
    if (role == Qt::ToolTipRole) {
        switch (section) {
        case Run:
            return tr("Tick a run to draw it on the chart");
        case Turnover:
            return tr("One-way turnover summed over the rebalances");
        case Premium:
            return tr("Total return minus buy-and-hold's total return");
        case FinalValueAfterTax:
        case CagrAfterTax:
            return tr("After the tax that selling everything at the last close would owe");
        default:
            return {};
        }
    }
    if (role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Run:
        return tr("Run");
    case TotalReturn:
        return tr("Total return");
    case Cagr:
        return tr("CAGR");
    case Volatility:
        return tr("Volatility");
    case Sharpe:
        return tr("Sharpe");
    case Sortino:
        return tr("Sortino");
    case MaxDrawdown:
        return tr("Max drawdown");
    case Calmar:
        return tr("Calmar");
    case Rebalances:
        return tr("Rebalances");
    case Turnover:
        return tr("Turnover");
    case FeesPaid:
        return tr("Fees paid");
    case FinalValue:
        return tr("Final value");
    case Premium:
        return tr("vs. buy-and-hold");
    case TaxPaid:
        return tr("Tax paid");
    case FinalValueAfterTax:
        return tr("Final after tax");
    case CagrAfterTax:
        return tr("CAGR after tax");
    default:
        return {};
    }
}

} // namespace ballast::ui
