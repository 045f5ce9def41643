#include "models/targetsmodel.h"

#include "domain/assetcatalog.h"
#include "models/numberformat.h"
#include "services/targetweights.h"
#include "views/targetcommands.h"

#include <QBrush>
#include <QColor>
#include <QLocale>
#include <QSet>
#include <QUndoStack>

#include <algorithm>

namespace ballast::ui {

namespace {

money::Decimal hundred()
{
    return money::Decimal::fromInt(100);
}

QString columnName(int column)
{
    switch (column) {
    case TargetsModel::Asset:
        return TargetsModel::tr("asset");
    case TargetsModel::Weight:
        return TargetsModel::tr("target");
    case TargetsModel::Band:
        return TargetsModel::tr("band");
    default:
        return {};
    }
}

} // namespace

TargetsModel::TargetsModel(QObject *parent)
    : QAbstractTableModel(parent)
{
}

QList<TargetRow> TargetsModel::rowsFrom(const QList<domain::Target> &targets)
{
    QList<TargetRow> rows;
    for (const auto &target : targets)
        rows.append(TargetRow{target.asset, (target.weight * hundred()).toString(),
                              target.band ? target.band->toString() : QString()});
    return rows;
}

void TargetsModel::setRows(const QList<TargetRow> &rows)
{
    beginResetModel();
    m_rows = rows;
    endResetModel();
    emit edited();
}

void TargetsModel::setCell(int row, int column, const QString &text)
{
    if (row < 0 || row >= m_rows.size())
        return;
    TargetRow &target = m_rows[row];
    switch (column) {
    case Asset:
        target.asset = text;
        break;
    case Weight:
        target.weight = text;
        break;
    case Band:
        target.band = text;
        break;
    default:
        return;
    }
    // The asset and weight of one row decide the messages of others (duplicates, sum).
    emit dataChanged(index(0, 0), index(static_cast<int>(m_rows.size()) - 1, ColumnCount - 1));
    emit edited();
}

void TargetsModel::insertTarget(int row, const TargetRow &target)
{
    row = std::clamp(row, 0, static_cast<int>(m_rows.size()));
    beginInsertRows({}, row, row);
    m_rows.insert(row, target);
    endInsertRows();
    emit edited();
}

void TargetsModel::removeTarget(int row)
{
    if (row < 0 || row >= m_rows.size())
        return;
    beginRemoveRows({}, row, row);
    m_rows.removeAt(row);
    endRemoveRows();
    emit edited();
}

int TargetsModel::rowOf(const QString &asset) const
{
    for (qsizetype row = 0; row < m_rows.size(); ++row) {
        if (m_rows[row].asset.compare(asset, Qt::CaseInsensitive) == 0)
            return static_cast<int>(row);
    }
    return -1;
}

void TargetsModel::setDefaultBand(const QString &text)
{
    if (text == m_defaultBand)
        return;
    m_defaultBand = text;
    if (!m_rows.isEmpty())
        emit dataChanged(index(0, Band), index(static_cast<int>(m_rows.size()) - 1, Band));
    emit edited();
}

void TargetsModel::setCurrentWeights(const QHash<QString, double> &weights)
{
    m_current = weights;
    if (!m_rows.isEmpty())
        emit dataChanged(index(0, Current), index(static_cast<int>(m_rows.size()) - 1, Current));
}

void TargetsModel::setPolicyBands(const PolicyBands &bands)
{
    if (bands == m_policy)
        return;
    m_policy = bands;
    if (!m_rows.isEmpty())
        emit dataChanged(index(0, Band), index(static_cast<int>(m_rows.size()) - 1, Band));
}

bool TargetsModel::isExcluded(const TargetRow &row) const
{
    const auto symbol = domain::AssetCatalog::normalizeSymbol(row.asset);
    return symbol && m_policy.excluded.contains(*symbol);
}

QString TargetsModel::bandInForce(const TargetRow &row, bool *fromPolicy) const
{
    // As RebalancePolicy::withBands: the named band replaces every band but an
    // excluded asset's, which keeps its own (or the default).
    const bool policy = m_policy.named && !isExcluded(row);
    if (fromPolicy)
        *fromPolicy = policy;
    if (policy)
        return m_policy.named->toString();
    const QString typed = row.band.trimmed().isEmpty() ? m_defaultBand.trimmed() : row.band.trimmed();
    auto band = domain::Band::parse(typed);
    return band ? band->toString() : QString();
}

Result<money::Decimal> TargetsModel::parsePercent(const QString &text)
{
    auto value = services::TargetWeights::parsePercent(text);
    if (value)
        return *value;
    // The parser is core's; the words are the page's.
    const QString code = value.error().code;
    QString message;
    if (code == QLatin1String("targets.weight.empty")) {
        message = tr("enter a weight in percent");
    } else if (code == QLatin1String("targets.weight.syntax")) {
        message = tr("\"%1\" is not a number").arg(text.trimmed());
    } else if (code == QLatin1String("targets.weight.negative")) {
        message = tr("%1 % is negative").arg(text.trimmed());
    } else if (code == QLatin1String("targets.weight.above")) {
        QString cleaned = text.trimmed();
        if (cleaned.endsWith(QLatin1Char('%')))
            cleaned.chop(1);
        cleaned = cleaned.trimmed();
        const QLocale locale;
        if (locale.decimalPoint() != QStringLiteral("."))
            cleaned.replace(locale.decimalPoint(), QStringLiteral("."));
        message = tr("%1 % is above 100 %").arg(cleaned);
    } else {
        message = tr("\"%1\": use at most 8 decimals").arg(text.trimmed());
    }
    return makeError(QStringLiteral("targets.weight"), message);
}

QString TargetsModel::cellError(int row, int column) const
{
    if (row < 0 || row >= m_rows.size())
        return {};
    const TargetRow &target = m_rows[row];
    switch (column) {
    case Asset: {
        if (target.asset.trimmed().isEmpty())
            return tr("enter an asset symbol");
        auto symbol = domain::AssetCatalog::normalizeSymbol(target.asset);
        if (!symbol)
            return symbol.error().message;
        for (qsizetype other = 0; other < row; ++other) {
            auto earlier = domain::AssetCatalog::normalizeSymbol(m_rows[other].asset);
            if (earlier && *earlier == *symbol)
                return tr("%1 is already in row %2").arg(*symbol).arg(other + 1);
        }
        return {};
    }
    case Weight: {
        auto weight = parsePercent(target.weight);
        return weight ? QString() : weight.error().message;
    }
    case Band: {
        if (target.band.trimmed().isEmpty())
            return {};
        auto band = domain::Band::parse(target.band.trimmed());
        return band ? QString() : band.error().message;
    }
    default:
        return {};
    }
}

TargetsModel::Check TargetsModel::check() const
{
    Check result;
    for (qsizetype row = 0; row < m_rows.size(); ++row) {
        for (int column : {Asset, Weight, Band}) {
            const QString error = cellError(static_cast<int>(row), column);
            if (!error.isEmpty()) {
                result.valid = false;
                const QString asset = m_rows[row].asset.trimmed();
                result.messages.append(
                    tr("Row %1%2, %3: %4")
                        .arg(row + 1)
                        .arg(asset.isEmpty() ? QString() : QString(QStringLiteral(" (") + asset + QLatin1Char(')')),
                             columnName(column), error));
            }
        }
        if (auto weight = parsePercent(m_rows[row].weight))
            result.totalPercent += *weight;
    }
    if (auto band = this->band(); !band) {
        result.valid = false;
        result.messages.append(tr("Default band: %1").arg(band.error().message));
    }
    if (m_rows.isEmpty()) {
        result.valid = false;
        result.messages.append(tr("Add at least one asset."));
    } else if (result.totalPercent != hundred()) {
        result.valid = false;
        const money::Decimal off = result.totalPercent - hundred();
        const NumberFormat format;
        result.messages.append(off.isPositive()
                                   ? tr("The weights sum to %1 %, %2 % over 100 %.")
                                         .arg(format.decimal(result.totalPercent, 8), format.decimal(off, 8))
                                   : tr("The weights sum to %1 %, %2 % short of 100 %.")
                                         .arg(format.decimal(result.totalPercent, 8), format.decimal(-off, 8)));
    }
    return result;
}

Result<domain::Band> TargetsModel::band() const
{
    auto band = domain::Band::parse(m_defaultBand.trimmed());
    if (!band)
        return band.error();
    return *band;
}

Result<QList<domain::Target>> TargetsModel::targets() const
{
    const Check checked = check();
    if (!checked.valid)
        return makeError(QStringLiteral("targets.invalid"), checked.messages.join(QLatin1Char('\n')));
    QList<domain::Target> targets;
    for (const auto &row : m_rows) {
        services::TargetText text{row.asset, row.weight, std::nullopt};
        if (!row.band.trimmed().isEmpty())
            text.band = row.band.trimmed();
        auto target = services::TargetWeights::parse(text, services::WeightNotation::Percent);
        if (!target) // check() passed, so this does not happen
            return target.error().error;
        targets.append(*target);
    }
    return targets;
}

int TargetsModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_rows.size());
}

int TargetsModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QString TargetsModel::textOf(const TargetRow &row, int column) const
{
    switch (column) {
    case Asset:
        return row.asset;
    case Weight:
        return row.weight;
    case Band:
        return row.band;
    default:
        return {};
    }
}

QVariant TargetsModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const TargetRow &row = m_rows.at(index.row());
    const int column = index.column();
    const NumberFormat format;
    const QString error = cellError(index.row(), column);
    switch (role) {
    case Qt::DisplayRole:
        if (column == Current) {
            const auto symbol = domain::AssetCatalog::normalizeSymbol(row.asset);
            return format.percent(symbol ? m_current.value(*symbol) : 0.0);
        }
        if (column == Weight && error.isEmpty())
            return QString(format.decimal(*parsePercent(row.weight), 8) + QStringLiteral(" %"));
        if (column == Band && error.isEmpty()) {
            // The band the check, the plans and the drift bars use, and where it comes from.
            bool fromPolicy = false;
            const QString inForce = bandInForce(row, &fromPolicy);
            if (fromPolicy)
                return tr("policy %1").arg(inForce);
            const QString shown =
                row.band.trimmed().isEmpty() ? tr("default (%1)").arg(m_defaultBand) : textOf(row, column);
            return isExcluded(row) ? tr("%1, excluded").arg(shown) : shown;
        }
        if (column == Asset && error.isEmpty())
            return *domain::AssetCatalog::normalizeSymbol(row.asset);
        return textOf(row, column);
    case Qt::EditRole:
        return textOf(row, column);
    case RawValueRole:
        if (column == Weight) {
            auto weight = parsePercent(row.weight);
            return weight ? weight->toDouble() : -1.0;
        }
        if (column == Current) {
            const auto symbol = domain::AssetCatalog::normalizeSymbol(row.asset);
            return symbol ? m_current.value(*symbol) : 0.0;
        }
        return textOf(row, column);
    case BandInForceRole:
        return column == Band && error.isEmpty() ? bandInForce(row) : QString();
    case Qt::ToolTipRole:
        if (!error.isEmpty())
            return error;
        if (column == Band) {
            const QString typing =
                tr("Band around the target, \"5pp\" or \"25%\"; empty for the portfolio's default band");
            if (m_policy.named && !isExcluded(row)) {
                return QString(tr("The rebalancing policy's band, %1 (%2), replaces this one: the policy check, the "
                                  "plans and the drift bars use it. What is typed here applies once the policy "
                                  "names no band.")
                                   .arg(m_policy.named->toString(), m_policy.origin)
                               + QLatin1Char('\n') + typing);
            }
            if (isExcluded(row)) {
                return QString(tr("Excluded by the rebalancing policy: never traded and never a reason to "
                                  "rebalance; its band only shows in the drift bars.")
                               + QLatin1Char('\n') + typing);
            }
            return typing;
        }
        if (column == Weight)
            return tr("Target weight in percent");
        return {};
    case Qt::BackgroundRole:
        if (!error.isEmpty())
            return QBrush(QColor(0xf6, 0xd5, 0xd1));
        return {};
    case Qt::ForegroundRole:
        if (!error.isEmpty())
            return QBrush(QColor(0x8a, 0x1c, 0x12));
        if ((column == Band && (row.band.trimmed().isEmpty() || (m_policy.named && !isExcluded(row))))
            || column == Current)
            return QBrush(QColor(0x6b, 0x6b, 0x6b));
        return {};
    case Qt::TextAlignmentRole:
        if (column == Weight || column == Current)
            return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
        return {};
    default:
        return {};
    }
}

bool TargetsModel::setData(const QModelIndex &index, const QVariant &value, int role)
{
    if (role != Qt::EditRole || !checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid)
        || index.column() == Current)
        return false;
    const QString text = value.toString();
    const QString old = textOf(m_rows.at(index.row()), index.column());
    if (text == old)
        return true;
    if (m_undo)
        m_undo->push(new EditTargetCommand(this, index.row(), index.column(), old, text, m_session));
    else
        setCell(index.row(), index.column(), text);
    return true;
}

Qt::ItemFlags TargetsModel::flags(const QModelIndex &index) const
{
    Qt::ItemFlags flags = QAbstractTableModel::flags(index);
    if (index.isValid() && index.column() != Current)
        flags |= Qt::ItemIsEditable;
    return flags;
}

QVariant TargetsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal)
        return QAbstractTableModel::headerData(section, orientation, role);
    if (role == Qt::TextAlignmentRole && (section == Weight || section == Current))
        return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
    if (role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Asset:
        return tr("Asset");
    case Weight:
        return tr("Target %");
    case Band:
        return tr("Band");
    case Current:
        return tr("Now %");
    default:
        return {};
    }
}

} // namespace ballast::ui
