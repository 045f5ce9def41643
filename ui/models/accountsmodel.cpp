#include "models/accountsmodel.h"

#include "export/exporttarget.h"
#include "rebalance/snapshot.h"
#include "services/ledgerqueries.h"

#include <QDateTime>
#include <QLocale>
#include <QTimeZone>

namespace ballast::ui {

AccountsModel::AccountsModel(QObject *parent)
    : QAbstractTableModel(parent)
{
}

Status AccountsModel::reload(storage::Database &db, const rebalance::Snapshot *snapshot)
{
    services::LedgerQueries queries(db);
    auto accounts = queries.accounts();
    if (!accounts)
        return accounts.error();
    auto holdings = queries.holdings();
    if (!holdings)
        return holdings.error();
    auto synced = queries.lastSyncTimes();
    if (!synced)
        return synced.error();

    QHash<qint64, int> counts;
    for (const auto &holding : *holdings) {
        if (!holding.quantity.isZero())
            ++counts[holding.accountId];
    }
    // Values per account: each position's split, at the position's price.
    QHash<qint64, money::Decimal> values;
    QHash<qint64, bool> unpriced;
    if (snapshot) {
        for (const auto &position : snapshot->positions()) {
            for (const auto &holding : position.split) {
                if (position.price)
                    values[holding.accountId] += holding.quantity * *position.price;
                else if (!holding.quantity.isZero())
                    unpriced[holding.accountId] = true;
            }
        }
    }

    beginResetModel();
    m_rows.clear();
    m_quote = snapshot ? snapshot->quote() : QString();
    for (const auto &account : *accounts) {
        Row row;
        row.account = account;
        row.holdings = counts.value(account.id);
        if (snapshot)
            row.value = values.value(account.id);
        row.valueComplete = !unpriced.value(account.id);
        if (auto found = synced->constFind(account.id); found != synced->cend())
            row.lastSyncMs = *found;
        row.activity = m_activity.value(account.id);
        row.busy = m_busy.value(account.id);
        m_rows.append(row);
    }
    endResetModel();
    return {};
}

int AccountsModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_rows.size());
}

int AccountsModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

namespace {

QString kindText(domain::AccountKind kind)
{
    switch (kind) {
    case domain::AccountKind::Paper:
        return AccountsModel::tr("Paper");
    case domain::AccountKind::Exchange:
        return AccountsModel::tr("Exchange");
    case domain::AccountKind::Wallet:
        return AccountsModel::tr("Wallet");
    }
    return {};
}

} // namespace

QString AccountsModel::exchangeName(const QString &exchange)
{
    if (exchange == QLatin1String("paper"))
        return tr("Paper exchange");
    if (exchange == QLatin1String("binance"))
        return tr("Binance");
    if (exchange == QLatin1String("kraken"))
        return tr("Kraken");
    if (exchange == QLatin1String("manual"))
        return tr("Manual");
    if (exchange == QLatin1String("bitcoin"))
        return tr("Bitcoin (watch-only)");
    if (exchange == QLatin1String("evm"))
        return tr("EVM chains (watch-only)");
    if (exchange == QLatin1String("solana"))
        return tr("Solana (watch-only)");
    return exchange;
}

QVariant AccountsModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Row &row = m_rows.at(index.row());
    const QLocale locale;
    if (role == AccountIdRole)
        return row.account.id;
    if (role == BusyRole)
        return index.column() == Activity && row.busy;
    if (role == Qt::TextAlignmentRole) {
        if (index.column() == Holdings || index.column() == Value)
            return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
        return QVariant::fromValue(Qt::AlignLeft | Qt::AlignVCenter);
    }
    if (role == Qt::ToolTipRole) {
        if (index.column() == BaseUrl && row.account.baseUrl.isEmpty()
            && row.account.kind == domain::AccountKind::Exchange)
            return tr("The exchange's own address");
        if (index.column() == Value && !row.valueComplete)
            return tr("Some assets of this account have no price; they are left out of the value");
        if (index.column() == LastSync && !row.lastSyncMs)
            return row.account.kind == domain::AccountKind::Exchange ? tr("Not synced yet")
                                                                     : tr("Only exchange accounts are synced");
        if (index.column() == Activity)
            return row.activity;
        return {};
    }
    const bool display = role == Qt::DisplayRole;
    const bool exportText = role == ExportRole;
    const bool sort = role == SortRole;
    if (!display && !exportText && !sort)
        return {};
    switch (index.column()) {
    case Name:
        return row.account.name;
    case Kind:
        return exportText ? domain::toText(row.account.kind) : kindText(row.account.kind);
    case Exchange:
        return exportText ? row.account.exchange : exchangeName(row.account.exchange);
    case BaseUrl:
        return row.account.baseUrl;
    case Holdings:
        if (display)
            return locale.toString(row.holdings);
        return row.holdings;
    case Value:
        if (!row.value)
            return sort ? QVariant(-1.0) : QVariant(QString());
        if (sort)
            return row.value->toDouble();
        if (exportText)
            return row.value->toString();
        return QString((row.valueComplete ? QString() : QStringLiteral("≥ "))
                       + locale.toString(row.value->toDouble(), 'f', 2));
    case LastSync: {
        if (!row.lastSyncMs) {
            if (sort)
                return qint64(0);
            if (exportText)
                return QString();
            return row.account.kind == domain::AccountKind::Exchange ? tr("never") : QStringLiteral("—");
        }
        if (sort)
            return *row.lastSyncMs;
        const QDateTime time = QDateTime::fromMSecsSinceEpoch(*row.lastSyncMs, QTimeZone::utc());
        if (exportText)
            return time.toString(Qt::ISODateWithMs);
        return locale.toString(time.toLocalTime(), QLocale::ShortFormat);
    }
    case Activity:
        return row.activity;
    default:
        return {};
    }
}

QVariant AccountsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case Name:
        return tr("Name");
    case Kind:
        return tr("Kind");
    case Exchange:
        return tr("Exchange");
    case BaseUrl:
        return tr("Base URL");
    case Holdings:
        return tr("Holdings");
    case Value:
        return m_quote.isEmpty() ? tr("Value") : tr("Value (%1)").arg(m_quote);
    case LastSync:
        return tr("Last sync");
    case Activity:
        return tr("Status");
    default:
        return {};
    }
}

int AccountsModel::rowOf(qint64 accountId) const
{
    for (int i = 0; i < m_rows.size(); ++i) {
        if (m_rows.at(i).account.id == accountId)
            return i;
    }
    return -1;
}

QStringList AccountsModel::names() const
{
    QStringList names;
    for (const auto &row : m_rows)
        names.append(row.account.name);
    return names;
}

void AccountsModel::setActivity(qint64 accountId, const QString &text, bool busy)
{
    m_activity.insert(accountId, text);
    m_busy.insert(accountId, busy);
    const int at = rowOf(accountId);
    if (at < 0)
        return;
    m_rows[at].activity = text;
    m_rows[at].busy = busy;
    emit dataChanged(index(at, Activity), index(at, Activity));
}

} // namespace ballast::ui
