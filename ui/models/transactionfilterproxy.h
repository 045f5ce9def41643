#pragma once

#include "domain/transaction.h"

#include <QSortFilterProxyModel>
#include <QString>

#include <optional>

namespace ballast::ui {

class TransactionsModel;

/// What the transactions page shows; an empty field does not filter. The
/// same meaning as services::TransactionQuery, applied in memory.
struct TransactionFilter
{
    qint64 accountId = 0;
    QString asset; ///< the asset, a trade's quote or the fee asset
    std::optional<domain::TransactionKind> kind;
    std::optional<qint64> fromMs; ///< inclusive
    std::optional<qint64> toMs; ///< inclusive
    bool unexplainedOnly = false;

    bool operator==(const TransactionFilter &) const = default;
};

/// Narrows and sorts a TransactionsModel: filters read the transactions
/// themselves (no text matching), and sorting compares exact values.
class TransactionFilterProxy : public QSortFilterProxyModel
{
    Q_OBJECT

public:
    explicit TransactionFilterProxy(QObject *parent = nullptr);

    void setTransactions(TransactionsModel *model);
    void setFilter(const TransactionFilter &filter);
    [[nodiscard]] const TransactionFilter &filter() const { return m_filter; }
    [[nodiscard]] bool accepts(const domain::Transaction &tx) const;

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const override;
    bool lessThan(const QModelIndex &left, const QModelIndex &right) const override;

private:
    TransactionsModel *m_model = nullptr;
    TransactionFilter m_filter;
};

} // namespace ballast::ui
