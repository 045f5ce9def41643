#include "models/transactionfilterproxy.h"

#include "models/transactionsmodel.h"

namespace ballast::ui {

TransactionFilterProxy::TransactionFilterProxy(QObject *parent)
    : QSortFilterProxyModel(parent)
{
}

void TransactionFilterProxy::setTransactions(TransactionsModel *model)
{
    m_model = model;
    setSourceModel(model);
}

void TransactionFilterProxy::setFilter(const TransactionFilter &filter)
{
    if (filter == m_filter)
        return;
    // A reset, not invalidateRowsFilter(): with 100,000 rows the latter tells
    // the view about every removed range one by one, which takes seconds.
    // The proxy clears its mapping on its own modelReset().
    beginResetModel();
    m_filter = filter;
    endResetModel();
}

bool TransactionFilterProxy::accepts(const domain::Transaction &tx) const
{
    if (m_filter.accountId != 0 && tx.accountId != m_filter.accountId)
        return false;
    if (!m_filter.asset.isEmpty() && tx.asset != m_filter.asset && tx.quote != m_filter.asset
        && tx.feeAsset != m_filter.asset) {
        return false;
    }
    if (m_filter.kind && tx.kind != *m_filter.kind)
        return false;
    const qint64 ms = tx.time.toMSecsSinceEpoch();
    if ((m_filter.fromMs && ms < *m_filter.fromMs) || (m_filter.toMs && ms > *m_filter.toMs))
        return false;
    return !m_filter.unexplainedOnly || tx.unexplained;
}

bool TransactionFilterProxy::filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const
{
    if (m_model == nullptr || sourceParent.isValid())
        return true;
    return accepts(m_model->row(sourceRow).tx);
}

bool TransactionFilterProxy::lessThan(const QModelIndex &left, const QModelIndex &right) const
{
    if (m_model == nullptr)
        return QSortFilterProxyModel::lessThan(left, right);
    const domain::Transaction &a = m_model->row(left.row()).tx;
    const domain::Transaction &b = m_model->row(right.row()).tx;
    switch (left.column()) {
    case TransactionsModel::Time: {
        const qint64 leftMs = m_model->timeMs(left.row());
        const qint64 rightMs = m_model->timeMs(right.row());
        return leftMs < rightMs || (leftMs == rightMs && a.id < b.id);
    }
    case TransactionsModel::Quantity:
        return a.quantity < b.quantity;
    case TransactionsModel::Price:
        return a.price < b.price;
    case TransactionsModel::Fee:
        return a.fee < b.fee;
    case TransactionsModel::Id:
        return a.id < b.id;
    default:
        return QString::localeAwareCompare(TransactionsModel::cellText(m_model->row(left.row()), left.column()),
                                           TransactionsModel::cellText(m_model->row(right.row()), right.column()))
            < 0;
    }
}

} // namespace ballast::ui
