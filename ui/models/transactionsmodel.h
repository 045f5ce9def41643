#pragma once

#include "services/transactionservice.h"

#include <QAbstractTableModel>
#include <QHash>
#include <QList>

namespace ballast::ui {

/// The ledger's transactions as one table, newest first, filled by one
/// TransactionService::list() query; TransactionFilterProxy narrows and sorts
/// it. Unexplained adjustments are highlighted.
class TransactionsModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column {
        Time,
        Account,
        Kind,
        Asset,
        Quantity,
        Price,
        Fee,
        Network,
        ExternalId,
        Source,
        Note,
        Id,
        ColumnCount
    };
    static constexpr int RawValueRole = Qt::UserRole + 1; ///< for sorting: ms, double or text
    static constexpr int IdRole = Qt::UserRole + 2;
    static constexpr int UnexplainedRole = Qt::UserRole + 3;

    explicit TransactionsModel(QObject *parent = nullptr);

    /// Replaces every row (given oldest first, as list() returns them).
    void setRows(QList<services::TransactionRow> rows);

    [[nodiscard]] int rowCount(const QModelIndex &parent = {}) const override;
    [[nodiscard]] int columnCount(const QModelIndex &parent = {}) const override;
    [[nodiscard]] QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    [[nodiscard]] QVariant headerData(int section, Qt::Orientation orientation,
                                      int role = Qt::DisplayRole) const override;

    [[nodiscard]] const services::TransactionRow &row(int row) const { return m_rows.at(row); }
    [[nodiscard]] const QList<services::TransactionRow> &rows() const { return m_rows; }
    /// The model row of transaction @p id, -1 when not loaded.
    [[nodiscard]] int rowOf(qint64 id) const { return m_rowOfId.value(id, -1); }
    /// The time of @p row in ms since the epoch (kept for sorting).
    [[nodiscard]] qint64 timeMs(int row) const { return m_timeMs.at(row); }
    /// How many loaded rows are unexplained adjustments.
    [[nodiscard]] int unexplainedCount() const { return m_unexplained; }

    /// The text of one cell (also what a CSV export of the table writes).
    [[nodiscard]] static QString cellText(const services::TransactionRow &row, int column);

private:
    QList<services::TransactionRow> m_rows;
    QHash<qint64, int> m_rowOfId;
    QList<qint64> m_timeMs;
    int m_unexplained = 0;
};

} // namespace ballast::ui
