#include "models/transactionsmodel.h"

#include "models/decimaltext.h"

#include <QColor>
#include <QTimeZone>

#include <algorithm>

namespace ballast::ui {

using domain::TransactionKind;

namespace {

QString kindText(const domain::Transaction &tx)
{
    switch (tx.kind) {
    case TransactionKind::Trade:
        return tx.side == domain::Side::Buy ? TransactionsModel::tr("Buy") : TransactionsModel::tr("Sell");
    case TransactionKind::Deposit:
        return TransactionsModel::tr("Deposit");
    case TransactionKind::Withdrawal:
        return TransactionsModel::tr("Withdrawal");
    case TransactionKind::TransferOut:
        return tx.linkId != 0 ? TransactionsModel::tr("Transfer out (to #%1)").arg(tx.linkId)
                              : TransactionsModel::tr("Transfer out");
    case TransactionKind::TransferIn:
        return tx.linkId != 0 ? TransactionsModel::tr("Transfer in (from #%1)").arg(tx.linkId)
                              : TransactionsModel::tr("Transfer in");
    case TransactionKind::Income:
        return tx.subkind.isEmpty() ? TransactionsModel::tr("Income")
                                    : TransactionsModel::tr("Income (%1)").arg(tx.subkind);
    case TransactionKind::Fee:
        return TransactionsModel::tr("Fee");
    case TransactionKind::Adjustment:
        return tx.unexplained ? TransactionsModel::tr("Adjustment (unexplained)") : TransactionsModel::tr("Adjustment");
    }
    return {};
}

QString sourceText(domain::TransactionSource source)
{
    switch (source) {
    case domain::TransactionSource::Manual:
        return TransactionsModel::tr("manual");
    case domain::TransactionSource::Import:
        return TransactionsModel::tr("import");
    case domain::TransactionSource::Sync:
        return TransactionsModel::tr("sync");
    case domain::TransactionSource::Execution:
        return TransactionsModel::tr("execution");
    case domain::TransactionSource::Opening:
        return TransactionsModel::tr("opening");
    }
    return {};
}

} // namespace

TransactionsModel::TransactionsModel(QObject *parent)
    : QAbstractTableModel(parent)
{
}

void TransactionsModel::setRows(QList<services::TransactionRow> rows)
{
    beginResetModel();
    m_rows = std::move(rows);
    std::reverse(m_rows.begin(), m_rows.end()); // newest first without sorting the proxy
    m_rowOfId.clear();
    m_rowOfId.reserve(m_rows.size());
    m_timeMs.clear();
    m_timeMs.reserve(m_rows.size());
    m_unexplained = 0;
    for (int i = 0; i < m_rows.size(); ++i) {
        m_rowOfId.insert(m_rows.at(i).tx.id, i);
        m_timeMs.append(m_rows.at(i).tx.time.toMSecsSinceEpoch());
        if (m_rows.at(i).tx.unexplained)
            ++m_unexplained;
    }
    endResetModel();
}

int TransactionsModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_rows.size());
}

int TransactionsModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QString TransactionsModel::cellText(const services::TransactionRow &row, int column)
{
    const domain::Transaction &tx = row.tx;
    switch (column) {
    case Time:
        return tx.time.toTimeZone(QTimeZone::utc()).toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"));
    case Account:
        return row.accountName;
    case Kind:
        return kindText(tx);
    case Asset:
        return tx.kind == TransactionKind::Trade ? tx.asset + QLatin1Char('/') + tx.quote : tx.asset;
    case Quantity:
        return decimalText(tx.quantity);
    case Price:
        if (tx.kind == TransactionKind::Trade)
            return decimalText(tx.price) + QLatin1Char(' ') + tx.quote;
        return tx.price.isZero() ? QString() : decimalText(tx.price);
    case Fee:
        return tx.fee.isZero() ? QString() : decimalText(tx.fee) + QLatin1Char(' ') + tx.feeAsset;
    case Network:
        return tx.network;
    case ExternalId:
        return tx.externalId;
    case Source:
        return sourceText(tx.source);
    case Note:
        return tx.note;
    case Id:
        return QString::number(tx.id);
    default:
        return {};
    }
}

QVariant TransactionsModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= m_rows.size())
        return {};
    const services::TransactionRow &row = m_rows.at(index.row());
    const domain::Transaction &tx = row.tx;
    switch (role) {
    case Qt::DisplayRole:
        return cellText(row, index.column());
    case Qt::TextAlignmentRole:
        if (index.column() == Quantity || index.column() == Price || index.column() == Fee || index.column() == Id)
            return QVariant(Qt::AlignRight | Qt::AlignVCenter);
        return QVariant(Qt::AlignLeft | Qt::AlignVCenter);
    case Qt::BackgroundRole:
        if (tx.unexplained)
            return QColor(0xff, 0xe8, 0xb0);
        return {};
    case Qt::ForegroundRole:
        // Dark text on the light highlight, whatever the palette.
        if (tx.unexplained)
            return QColor(0x3a, 0x2a, 0x00);
        return {};
    case Qt::ToolTipRole:
        if (tx.unexplained)
            return tr("Unexplained adjustment: a sync or a stated balance differed from the transactions. "
                      "Classify it to say what it was.");
        if (index.column() == Note || index.column() == ExternalId)
            return cellText(row, index.column());
        return {};
    case RawValueRole:
        switch (index.column()) {
        case Time:
            return tx.time.toMSecsSinceEpoch();
        case Quantity:
            return tx.quantity.toDouble();
        case Price:
            return tx.price.toDouble();
        case Fee:
            return tx.fee.toDouble();
        case Id:
            return tx.id;
        default:
            return cellText(row, index.column());
        }
    case IdRole:
        return tx.id;
    case UnexplainedRole:
        return tx.unexplained;
    default:
        return {};
    }
}

QVariant TransactionsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case Time:
        return tr("Time (UTC)");
    case Account:
        return tr("Account");
    case Kind:
        return tr("Kind");
    case Asset:
        return tr("Asset");
    case Quantity:
        return tr("Quantity");
    case Price:
        return tr("Price");
    case Fee:
        return tr("Fee");
    case Network:
        return tr("Network");
    case ExternalId:
        return tr("External ID");
    case Source:
        return tr("Source");
    case Note:
        return tr("Note");
    case Id:
        return tr("#");
    default:
        return {};
    }
}

} // namespace ballast::ui
