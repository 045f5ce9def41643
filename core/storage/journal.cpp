#include "storage/journal.h"

#include "storage/assetrepo.h"
#include "storage/database.h"

#include <QCoreApplication>
#include <QSysInfo>
#include <QTimeZone>

namespace ballast::storage {

using money::Decimal;

namespace {

constexpr const char *kColumns = "SELECT client_order_id, plan_id, line, account_id, symbol, side, type, quantity, "
                                 "price, status, exchange_order_id, filled_quantity, filled_quote, attempts, deadline, "
                                 "reason, updated_at FROM journal";

JournalEntry readEntry(const Statement &row)
{
    JournalEntry entry;
    entry.clientOrderId = row.text(0);
    entry.planId = row.text(1);
    entry.line = static_cast<int>(row.int64(2));
    entry.accountId = row.int64(3);
    entry.symbol = row.text(4);
    entry.side = domain::sideFromString(row.text(5));
    entry.type = row.text(6) == QLatin1String("limit") ? domain::OrderType::Limit : domain::OrderType::Market;
    entry.quantity = row.decimal(7);
    entry.price = row.decimal(8);
    entry.status = domain::orderStatusFromString(row.text(9));
    entry.exchangeOrderId = row.text(10);
    entry.filledQuantity = row.decimal(11);
    entry.filledQuote = row.decimal(12);
    entry.attempts = static_cast<int>(row.int64(13));
    entry.deadlineMs = row.int64(14);
    entry.reason = row.text(15);
    entry.updatedAt = row.int64(16);
    return entry;
}

Decimal holdingOf(Database &db, qint64 accountId, const QString &asset)
{
    Statement query(db, "SELECT quantity FROM holdings WHERE account_id = ? AND asset = ? AND network = ''");
    query.bind(1, accountId).bind(2, asset);
    return query.step() ? query.decimal(0) : Decimal();
}

void setHolding(Database &db, qint64 accountId, const QString &asset, const Decimal &quantity, qint64 atMs)
{
    Statement upsert(db,
                     "INSERT INTO holdings (account_id, asset, network, quantity, updated_at) VALUES (?, ?, '', ?, ?) "
                     "ON CONFLICT (account_id, asset, network) DO UPDATE SET quantity = excluded.quantity, "
                     "updated_at = excluded.updated_at");
    upsert.bind(1, accountId).bind(2, asset).bind(3, quantity).bind(4, atMs);
    upsert.run();
}

} // namespace

Status Journal::addIntents(const QList<JournalEntry> &entries, qint64 atMs)
{
    return guarded([&]() -> Status {
        Transaction transaction(m_db);
        Statement insert(m_db,
                         "INSERT OR IGNORE INTO journal (client_order_id, plan_id, line, account_id, symbol, side, "
                         "type, quantity, price, status, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
        Statement event(m_db, "INSERT INTO journal_events (client_order_id, at, status, detail) VALUES (?, ?, ?, ?)");
        for (const JournalEntry &entry : entries) {
            insert.bind(1, entry.clientOrderId)
                .bind(2, entry.planId)
                .bind(3, entry.line)
                .bind(4, entry.accountId)
                .bind(5, entry.symbol)
                .bind(6, domain::toText(entry.side))
                .bind(7, domain::toText(entry.type))
                .bind(8, entry.quantity)
                .bind(9, entry.price)
                .bind(10, domain::toText(domain::OrderStatus::Planned))
                .bind(11, atMs);
            insert.run();
            const bool added = m_db.changes() > 0;
            insert.reset();
            if (added) {
                event.bind(1, entry.clientOrderId).bind(2, atMs).bind(3, "planned").bind(4, "intent recorded");
                event.run();
                event.reset();
            }
        }
        transaction.commit();
        return {};
    });
}

Result<QList<JournalEntry>> Journal::entries(const QString &planId)
{
    return guarded([&]() -> Result<QList<JournalEntry>> {
        Statement query(m_db, QByteArray(QByteArray(kColumns) + " WHERE plan_id = ? ORDER BY line").constData());
        query.bind(1, planId);
        QList<JournalEntry> result;
        while (query.step())
            result.append(readEntry(query));
        return result;
    });
}

Result<QList<JournalEntry>> Journal::allEntries()
{
    return guarded([&]() -> Result<QList<JournalEntry>> {
        Statement query(m_db,
                        QByteArray(QByteArray(kColumns)
                                   + " j WHERE 1 ORDER BY (SELECT created_at FROM plans p WHERE p.id = j.plan_id) "
                                     "DESC, plan_id, line")
                            .constData());
        QList<JournalEntry> result;
        while (query.step())
            result.append(readEntry(query));
        return result;
    });
}

Result<std::optional<JournalEntry>> Journal::entry(const QString &clientOrderId)
{
    return guarded([&]() -> Result<std::optional<JournalEntry>> {
        Statement query(m_db, QByteArray(QByteArray(kColumns) + " WHERE client_order_id = ?").constData());
        query.bind(1, clientOrderId);
        if (query.step())
            return std::optional<JournalEntry>(readEntry(query));
        return std::optional<JournalEntry>();
    });
}

Result<QList<JournalEntry>> Journal::unfinished()
{
    return guarded([&]() -> Result<QList<JournalEntry>> {
        Statement query(m_db,
                        QByteArray(QByteArray(kColumns)
                                   + " WHERE status IN ('submitting', 'open', 'partially_filled', 'unknown') "
                                     "ORDER BY plan_id, line")
                            .constData());
        QList<JournalEntry> result;
        while (query.step())
            result.append(readEntry(query));
        return result;
    });
}

Status Journal::update(const JournalEntry &entry, const QString &detail, qint64 atMs)
{
    return guarded([&]() -> Status {
        Transaction transaction(m_db);
        Statement update(m_db,
                         "UPDATE journal SET quantity = ?, price = ?, status = ?, exchange_order_id = ?, "
                         "filled_quantity = ?, filled_quote = ?, attempts = ?, deadline = ?, reason = ?, "
                         "updated_at = ? WHERE client_order_id = ?");
        update.bind(1, entry.quantity)
            .bind(2, entry.price)
            .bind(3, domain::toText(entry.status))
            .bind(4, entry.exchangeOrderId)
            .bind(5, entry.filledQuantity)
            .bind(6, entry.filledQuote)
            .bind(7, entry.attempts)
            .bind(8, entry.deadlineMs)
            .bind(9, entry.reason)
            .bind(10, atMs)
            .bind(11, entry.clientOrderId);
        update.run();
        if (m_db.changes() == 0) {
            return makeError(QStringLiteral("journal.unknown"),
                             QStringLiteral("no journal entry for order %1").arg(entry.clientOrderId));
        }
        Statement event(m_db, "INSERT INTO journal_events (client_order_id, at, status, detail) VALUES (?, ?, ?, ?)");
        event.bind(1, entry.clientOrderId).bind(2, atMs).bind(3, domain::toText(entry.status)).bind(4, detail);
        event.run();
        transaction.commit();
        return {};
    });
}

Result<bool> Journal::recordFill(qint64 accountId, const domain::Fill &fill)
{
    return guarded([&]() -> Result<bool> {
        Transaction transaction(m_db);
        Statement insert(m_db,
                         "INSERT OR IGNORE INTO fills (account_id, symbol, trade_id, client_order_id, "
                         "exchange_order_id, side, quantity, price, fee, fee_asset, ts) "
                         "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
        const qint64 at = fill.time.toMSecsSinceEpoch();
        insert.bind(1, accountId)
            .bind(2, fill.symbol)
            .bind(3, fill.tradeId)
            .bind(4, fill.clientOrderId)
            .bind(5, fill.exchangeOrderId)
            .bind(6, domain::toText(fill.side))
            .bind(7, fill.quantity)
            .bind(8, fill.price)
            .bind(9, fill.fee)
            .bind(10, fill.feeAsset)
            .bind(11, at);
        insert.run();
        if (m_db.changes() == 0)
            return false; // this trade is known: never counted twice
        // The ledger moves with the fill, exactly as the exchange's balances do.
        const QString base = fill.symbol.section(QLatin1Char('/'), 0, 0);
        const QString quote = fill.symbol.section(QLatin1Char('/'), 1, 1);
        if (auto ensured = AssetRepo(m_db).ensure({base, quote, fill.feeAsset}); !ensured)
            return ensured.error();
        const Decimal notional = fill.quantity * fill.price;
        const bool buy = fill.side == domain::Side::Buy;
        setHolding(m_db, accountId, base, holdingOf(m_db, accountId, base) + (buy ? fill.quantity : -fill.quantity),
                   at);
        setHolding(m_db, accountId, quote, holdingOf(m_db, accountId, quote) + (buy ? -notional : notional), at);
        if (fill.fee.isPositive())
            setHolding(m_db, accountId, fill.feeAsset, holdingOf(m_db, accountId, fill.feeAsset) - fill.fee, at);
        transaction.commit();
        return true;
    });
}

Result<QList<domain::Fill>> Journal::fills(const QString &clientOrderId)
{
    return guarded([&]() -> Result<QList<domain::Fill>> {
        Statement query(m_db,
                        "SELECT trade_id, client_order_id, exchange_order_id, symbol, side, quantity, price, fee, "
                        "fee_asset, ts FROM fills WHERE client_order_id = ? ORDER BY ts, trade_id");
        query.bind(1, clientOrderId);
        QList<domain::Fill> result;
        while (query.step()) {
            result.append(domain::Fill{query.text(0), query.text(1), query.text(2), query.text(3),
                                       domain::sideFromString(query.text(4)), query.decimal(5), query.decimal(6),
                                       query.decimal(7), query.text(8),
                                       QDateTime::fromMSecsSinceEpoch(query.int64(9), QTimeZone::utc())});
        }
        return result;
    });
}

Result<QList<Journal::FillRow>> Journal::allFills()
{
    return guarded([&]() -> Result<QList<FillRow>> {
        Statement query(m_db,
                        "SELECT a.name, f.trade_id, f.client_order_id, f.exchange_order_id, f.symbol, f.side, "
                        "f.quantity, f.price, f.fee, f.fee_asset, f.ts FROM fills f "
                        "JOIN accounts a ON a.id = f.account_id ORDER BY f.ts, a.name, f.trade_id");
        QList<FillRow> result;
        while (query.step()) {
            result.append(FillRow{query.text(0),
                                  domain::Fill{query.text(1), query.text(2), query.text(3), query.text(4),
                                               domain::sideFromString(query.text(5)), query.decimal(6),
                                               query.decimal(7), query.decimal(8), query.text(9),
                                               QDateTime::fromMSecsSinceEpoch(query.int64(10), QTimeZone::utc())}});
        }
        return result;
    });
}

Result<qint64> Journal::startExecution(const QString &planId, bool dryRun, qint64 atMs)
{
    return guarded([&]() -> Result<qint64> {
        // Who runs it, for the person to read (the lock, not this row, is what excludes).
        const QString owner =
            QStringLiteral("pid %1 on %2").arg(QCoreApplication::applicationPid()).arg(QSysInfo::machineHostName());
        Statement insert(m_db,
                         "INSERT INTO executions (plan_id, started_at, dry_run, status, owner) "
                         "VALUES (?, ?, ?, 'running', ?)");
        insert.bind(1, planId).bind(2, atMs).bind(3, dryRun ? 1 : 0).bind(4, owner);
        insert.run();
        return m_db.lastInsertId();
    });
}

Status Journal::markInterrupted(qint64 atMs)
{
    return guarded([&]() -> Status {
        Statement update(m_db,
                         "UPDATE executions SET status = 'failed', summary = 'interrupted: the process stopped "
                         "before it finished', finished_at = ? WHERE status = 'running'");
        update.bind(1, atMs);
        update.run();
        return {};
    });
}

Status Journal::finishExecution(qint64 executionId, const QString &status, const QString &summary, qint64 atMs)
{
    return guarded([&]() -> Status {
        Statement update(m_db, "UPDATE executions SET status = ?, summary = ?, finished_at = ? WHERE id = ?");
        update.bind(1, status).bind(2, summary).bind(3, atMs).bind(4, executionId);
        update.run();
        return {};
    });
}

} // namespace ballast::storage
