#pragma once

#include "common/result.h"
#include "domain/account.h"
#include "money/decimal.h"

#include <QAbstractTableModel>
#include <QHash>
#include <QList>

#include <optional>

namespace ballast::storage {
class Database;
}
namespace ballast::rebalance {
class Snapshot;
}

namespace ballast::ui {

/// The ledger's accounts with what they hold and when they were last synced,
/// plus a per-account activity line ("Syncing…", "Connected") set by the page.
class AccountsModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column { Name, Kind, Exchange, BaseUrl, Holdings, Value, LastSync, Activity, ColumnCount };
    enum Role {
        SortRole = Qt::UserRole + 1, ///< raw value for sorting
        AccountIdRole,
        BusyRole, ///< true while the worker is busy with the account
    };

    /// One account and its figures.
    struct Row
    {
        domain::Account account;
        std::optional<money::Decimal> value; ///< in the snapshot's quote; none without a portfolio
        std::optional<qint64> lastSyncMs;
        QString activity;
        int holdings = 0; ///< positions with a quantity
        bool valueComplete = true; ///< false when some held asset has no price
        bool busy = false;
    };

    explicit AccountsModel(QObject *parent = nullptr);

    /// Reloads every row from @p db; values come from @p snapshot when given.
    Status reload(storage::Database &db, const rebalance::Snapshot *snapshot);

    [[nodiscard]] int rowCount(const QModelIndex &parent = {}) const override;
    [[nodiscard]] int columnCount(const QModelIndex &parent = {}) const override;
    [[nodiscard]] QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    [[nodiscard]] QVariant headerData(int section, Qt::Orientation orientation,
                                      int role = Qt::DisplayRole) const override;

    [[nodiscard]] const Row &row(int row) const { return m_rows.at(row); }
    /// The row of @p accountId, -1 when absent.
    [[nodiscard]] int rowOf(qint64 accountId) const;
    [[nodiscard]] QStringList names() const;
    [[nodiscard]] const QString &quote() const { return m_quote; }

    /// Sets the activity text of an account (kept across reloads); @p busy
    /// while the worker is on it.
    void setActivity(qint64 accountId, const QString &text, bool busy = false);

    /// "Paper exchange", "Binance", ... for a stored exchange id.
    static QString exchangeName(const QString &exchange);

private:
    QList<Row> m_rows;
    QHash<qint64, QString> m_activity;
    QHash<qint64, bool> m_busy;
    QString m_quote;
};

} // namespace ballast::ui
