#include "storage/transactionrepo.h"

#include "storage/assetrepo.h"
#include "storage/database.h"

#include <QMap>
#include <QStringList>
#include <QTimeZone>

#include <tuple>

namespace ballast::storage {

using Tx = domain::Transaction;
using domain::TransactionKind;
using money::Decimal;

namespace {

constexpr const char *kColumns =
    "SELECT id, kind, ts, account_id, network, side, asset, quote, quantity, price, quote_amount, fee, fee_asset, "
    "subkind, external_id, source, note, link_id, unexplained FROM transactions";

Tx readRow(const Statement &row)
{
    Tx tx;
    tx.id = row.int64(0);
    tx.kind = domain::kindFromName(row.text(1)).value_or(TransactionKind::Adjustment);
    tx.time = QDateTime::fromMSecsSinceEpoch(row.int64(2), QTimeZone::utc());
    tx.accountId = row.int64(3);
    tx.network = row.text(4);
    tx.side = row.text(5) == QLatin1String("sell") ? domain::Side::Sell : domain::Side::Buy;
    tx.asset = row.text(6);
    tx.quote = row.text(7);
    tx.quantity = row.decimal(8);
    tx.price = row.decimal(9);
    tx.quoteAmount = row.decimal(10);
    tx.fee = row.decimal(11);
    tx.feeAsset = row.text(12);
    tx.subkind = row.text(13);
    tx.externalId = row.text(14);
    tx.source = domain::sourceFromName(row.text(15)).value_or(domain::TransactionSource::Manual);
    tx.note = row.text(16);
    tx.linkId = row.int64(17);
    tx.unexplained = row.int64(18) != 0;
    return tx;
}

/// Binds every field but the id, from index 1 (18 values).
void bindFields(Statement &statement, const Tx &tx)
{
    statement.bind(1, domain::kindName(tx.kind))
        .bind(2, tx.time.toMSecsSinceEpoch())
        .bind(3, tx.accountId)
        .bind(4, tx.network)
        .bind(5, tx.kind == TransactionKind::Trade ? domain::toText(tx.side) : QString())
        .bind(6, tx.asset)
        .bind(7, tx.quote)
        .bind(8, tx.quantity)
        .bind(9, tx.price)
        .bind(10, tx.quoteAmount)
        .bind(11, tx.fee)
        .bind(12, tx.feeAsset)
        .bind(13, tx.subkind)
        .bind(14, tx.externalId)
        .bind(15, domain::sourceName(tx.source))
        .bind(16, tx.note)
        .bind(17, tx.linkId)
        .bind(18, tx.unexplained ? 1 : 0);
}

/// Moves the materialised holdings by the balance changes of @p tx, times
/// @p sign (+1 when it enters the ledger, -1 when it leaves). A sum of zero
/// removes the row, as a position of zero is no position.
void applyToHoldings(Database &db, const Tx &tx, int sign, qint64 atMs)
{
    const QList<domain::BalanceChange> changes = domain::balanceChanges(tx);
    if (changes.isEmpty())
        return;
    QStringList symbols;
    for (const auto &change : changes)
        symbols << change.asset;
    if (auto ensured = AssetRepo(db).ensure(symbols); !ensured)
        throw SqlError(ensured.error().code, ensured.error().message);
    Statement read(db, "SELECT quantity FROM holdings WHERE account_id = ? AND asset = ? AND network = ?");
    Statement upsert(db,
                     "INSERT INTO holdings (account_id, asset, network, quantity, updated_at) VALUES (?, ?, ?, ?, ?) "
                     "ON CONFLICT (account_id, asset, network) DO UPDATE SET quantity = excluded.quantity, "
                     "updated_at = excluded.updated_at");
    Statement remove(db, "DELETE FROM holdings WHERE account_id = ? AND asset = ? AND network = ?");
    for (const auto &change : changes) {
        read.bind(1, change.accountId).bind(2, change.asset).bind(3, change.network);
        const Decimal before = read.step() ? read.decimal(0) : Decimal();
        read.reset();
        const Decimal after = sign > 0 ? before + change.delta : before - change.delta;
        if (after.isZero()) {
            remove.bind(1, change.accountId).bind(2, change.asset).bind(3, change.network);
            remove.run();
            remove.reset();
        } else {
            upsert.bind(1, change.accountId).bind(2, change.asset).bind(3, change.network).bind(4, after).bind(5, atMs);
            upsert.run();
            upsert.reset();
        }
    }
}

Error notFound(qint64 id)
{
    return makeError(QStringLiteral("transaction.not_found"), QStringLiteral("no transaction #%1").arg(id));
}

/// The live or deleted row @p id; throws nothing, returns nullopt when absent.
std::optional<std::pair<Tx, bool>> load(Database &db, qint64 id)
{
    const QByteArray sql =
        QByteArray(kColumns).replace(" FROM transactions", ", deleted_at FROM transactions") + " WHERE id = ?";
    Statement row(db, sql.constData());
    row.bind(1, id);
    if (!row.step())
        return std::nullopt;
    return std::make_pair(readRow(row), row.int64(19) != 0);
}

} // namespace

Result<std::optional<qint64>> TransactionRepo::insert(const Tx &tx, qint64 atMs, bool ignoreKnown)
{
    return guarded([&]() -> Result<std::optional<qint64>> {
        storage::Transaction txn(m_db);
        if (!tx.externalId.isEmpty()) {
            Statement known(m_db, "SELECT id FROM transactions WHERE account_id = ? AND external_id = ?");
            known.bind(1, tx.accountId).bind(2, tx.externalId);
            if (known.step()) {
                if (ignoreKnown)
                    return std::optional<qint64>();
                return makeError(QStringLiteral("transaction.duplicate"),
                                 QStringLiteral("external id \"%1\" is already recorded on this account (#%2)")
                                     .arg(tx.externalId)
                                     .arg(known.int64(0)));
            }
        }
        Statement statement(m_db,
                            "INSERT INTO transactions (kind, ts, account_id, network, side, asset, quote, "
                            "quantity, price, quote_amount, fee, fee_asset, subkind, external_id, source, note, "
                            "link_id, unexplained, created_at) "
                            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
        bindFields(statement, tx);
        statement.bind(19, atMs);
        statement.run();
        Tx stored = tx;
        stored.id = m_db.lastInsertId();
        applyToHoldings(m_db, stored, +1, atMs);
        txn.commit();
        return std::optional<qint64>(stored.id);
    });
}

Result<qint64> TransactionRepo::add(const Tx &tx, qint64 atMs)
{
    auto added = insert(tx, atMs, false);
    if (!added)
        return added.error();
    return **added;
}

Result<std::optional<qint64>> TransactionRepo::addIfNew(const Tx &tx, qint64 atMs)
{
    return insert(tx, atMs, true);
}

Status TransactionRepo::update(const Tx &tx, qint64 atMs)
{
    return guarded([&]() -> Status {
        storage::Transaction txn(m_db);
        auto old = load(m_db, tx.id);
        if (!old || old->second)
            return notFound(tx.id);
        if (!tx.externalId.isEmpty()) {
            Statement known(m_db, "SELECT id FROM transactions WHERE account_id = ? AND external_id = ? AND id <> ?");
            known.bind(1, tx.accountId).bind(2, tx.externalId).bind(3, tx.id);
            if (known.step()) {
                return makeError(QStringLiteral("transaction.duplicate"),
                                 QStringLiteral("external id \"%1\" is already recorded on this account (#%2)")
                                     .arg(tx.externalId)
                                     .arg(known.int64(0)));
            }
        }
        applyToHoldings(m_db, old->first, -1, atMs);
        Statement statement(m_db,
                            "UPDATE transactions SET kind = ?, ts = ?, account_id = ?, network = ?, side = ?, "
                            "asset = ?, quote = ?, quantity = ?, price = ?, quote_amount = ?, fee = ?, "
                            "fee_asset = ?, subkind = ?, external_id = ?, source = ?, note = ?, link_id = ?, "
                            "unexplained = ? WHERE id = ?");
        bindFields(statement, tx);
        statement.bind(19, tx.id);
        statement.run();
        applyToHoldings(m_db, tx, +1, atMs);
        txn.commit();
        return {};
    });
}

Status TransactionRepo::remove(qint64 id, qint64 atMs)
{
    return guarded([&]() -> Status {
        storage::Transaction txn(m_db);
        auto old = load(m_db, id);
        if (!old || old->second)
            return notFound(id);
        Statement mark(m_db, "UPDATE transactions SET deleted_at = ? WHERE id = ?");
        mark.bind(1, std::max<qint64>(1, atMs)).bind(2, id);
        mark.run();
        applyToHoldings(m_db, old->first, -1, atMs);
        txn.commit();
        return {};
    });
}

Status TransactionRepo::restore(qint64 id, qint64 atMs)
{
    return guarded([&]() -> Status {
        storage::Transaction txn(m_db);
        auto old = load(m_db, id);
        if (!old)
            return notFound(id);
        if (!old->second) {
            return makeError(QStringLiteral("transaction.not_deleted"),
                             QStringLiteral("transaction #%1 is not deleted").arg(id));
        }
        Statement mark(m_db, "UPDATE transactions SET deleted_at = 0 WHERE id = ?");
        mark.bind(1, id);
        mark.run();
        applyToHoldings(m_db, old->first, +1, atMs);
        txn.commit();
        return {};
    });
}

Status TransactionRepo::setLink(qint64 id, qint64 linkId)
{
    return guarded([&]() -> Status {
        Statement statement(m_db, "UPDATE transactions SET link_id = ? WHERE id = ?");
        statement.bind(1, linkId).bind(2, id);
        statement.run();
        if (m_db.changes() == 0)
            return notFound(id);
        return {};
    });
}

Result<std::optional<Tx>> TransactionRepo::find(qint64 id)
{
    return guarded([&]() -> Result<std::optional<Tx>> {
        auto row = load(m_db, id);
        if (!row)
            return std::optional<Tx>();
        return std::optional<Tx>(row->first);
    });
}

Result<bool> TransactionRepo::isDeleted(qint64 id)
{
    return guarded([&]() -> Result<bool> {
        auto row = load(m_db, id);
        return row && row->second;
    });
}

Result<QList<Tx>> TransactionRepo::list(const TransactionFilter &filter)
{
    return guarded([&]() -> Result<QList<Tx>> {
        QByteArray sql = QByteArray(kColumns) + " WHERE ts >= ? AND ts <= ?";
        sql += filter.deleted ? " AND deleted_at > 0" : " AND deleted_at = 0";
        if (filter.accountId != 0)
            sql += " AND account_id = ?3";
        if (!filter.asset.isEmpty())
            sql += " AND (asset = ?4 OR quote = ?4 OR fee_asset = ?4)";
        if (filter.kind)
            sql += " AND kind = ?5";
        if (filter.unexplainedOnly)
            sql += " AND unexplained = 1";
        sql += " ORDER BY ts, id";
        Statement statement(m_db, sql.constData());
        statement.bind(1, filter.fromMs).bind(2, filter.toMs);
        if (filter.accountId != 0)
            statement.bind(3, filter.accountId);
        if (!filter.asset.isEmpty())
            statement.bind(4, filter.asset);
        if (filter.kind)
            statement.bind(5, domain::kindName(*filter.kind));
        QList<Tx> out;
        while (statement.step())
            out.append(readRow(statement));
        return out;
    });
}

Result<bool> TransactionRepo::hasAny(qint64 accountId)
{
    return guarded([&]() -> Result<bool> {
        Statement statement(m_db, "SELECT 1 FROM transactions WHERE account_id = ? AND deleted_at = 0 LIMIT 1");
        statement.bind(1, accountId);
        return statement.step();
    });
}

Result<QList<domain::Holding>> TransactionRepo::sums()
{
    return guarded([&]() -> Result<QList<domain::Holding>> {
        QMap<qint64, QString> names;
        Statement accounts(m_db, "SELECT id, name FROM accounts");
        while (accounts.step())
            names.insert(accounts.int64(0), accounts.text(1));
        // Keyed as HoldingsRepo orders: asset, account name, network.
        QMap<std::tuple<QString, QString, QString>, domain::Holding> totals;
        const QByteArray sql = QByteArray(kColumns) + " WHERE deleted_at = 0";
        Statement rows(m_db, sql.constData());
        while (rows.step()) {
            for (const auto &change : domain::balanceChanges(readRow(rows))) {
                const QString name = names.value(change.accountId);
                auto &holding = totals[std::make_tuple(change.asset, name, change.network)];
                holding.accountId = change.accountId;
                holding.accountName = name;
                holding.asset = change.asset;
                holding.network = change.network;
                holding.quantity += change.delta;
            }
        }
        QList<domain::Holding> out;
        for (const auto &holding : std::as_const(totals)) {
            if (!holding.quantity.isZero())
                out.append(holding);
        }
        return out;
    });
}

} // namespace ballast::storage
