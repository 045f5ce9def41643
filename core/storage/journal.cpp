#include "storage/journal.h"

#include "storage/database.h"
#include "storage/lotassignmentrepo.h"
#include "storage/transactionrepo.h"

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

Decimal quoteOf(const Statement &row, int column)
{
    return row.text(column).isEmpty() ? Decimal() : row.decimal(column);
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
                         "exchange_order_id, side, quantity, price, fee, fee_asset, ts, quote_quantity) "
                         "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
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
            .bind(11, at)
            .bind(12, fill.quoteQuantity.isPositive() ? fill.quoteQuantity.toString() : QString());
        insert.run();
        if (m_db.changes() == 0)
            return false; // this trade is known: never counted twice
        // A fill at or before the last sync's watermark is in the synced
        // balances already: stored, so that it is known, but not applied.
        Statement mark(m_db, "SELECT watermark_ms FROM sync_watermarks WHERE account_id = ?");
        mark.bind(1, accountId);
        if (mark.step() && at <= mark.int64(0)) {
            Statement flag(m_db, "UPDATE fills SET applied = 0 WHERE account_id = ? AND symbol = ? AND trade_id = ?");
            flag.bind(1, accountId).bind(2, fill.symbol).bind(3, fill.tradeId);
            flag.run();
            transaction.commit();
            return true;
        }
        // The ledger moves with the fill, exactly as the exchange's balances
        // do: the fill becomes a trade transaction in this same SQLite
        // transaction, booked at the quote amount the exchange booked (its
        // rounding). Its external id is "BASE/QUOTE:tradeid" because trade ids
        // are unique per exchange and symbol only; a trade already known under
        // it (imported first) is not booked twice.
        domain::Transaction trade = domain::tradeFromFill(fill, domain::TransactionSource::Execution);
        trade.accountId = accountId;
        trade.note = QStringLiteral("order %1").arg(fill.clientOrderId);
        auto booked = TransactionRepo(m_db).addIfNew(trade, at);
        if (!booked)
            return booked.error();
        // A fill of a plan's line takes the lots the plan named for the asset
        // it gives up: the base of a sale; the quote of a buy, which has
        // planned lots only in a direct pair (a non-cash quote), and there a
        // fee charged in that quote leaves the account with it.
        if (*booked && !fill.clientOrderId.isEmpty()) {
            Decimal given = fill.quantity;
            if (fill.side == domain::Side::Buy) {
                given = trade.tradeQuote();
                if (fill.feeAsset == trade.quote)
                    given += fill.fee;
            }
            if (auto assigned = LotAssignmentRepo(m_db).assignFill(fill.clientOrderId, **booked, given); !assigned)
                return assigned.error();
        }
        transaction.commit();
        return true;
    });
}

Result<qint64> Journal::watermark(qint64 accountId)
{
    return guarded([&]() -> Result<qint64> {
        Statement query(m_db, "SELECT watermark_ms FROM sync_watermarks WHERE account_id = ?");
        query.bind(1, accountId);
        return query.step() ? query.int64(0) : qint64{0};
    });
}

Status Journal::setWatermark(qint64 accountId, qint64 watermarkMs, qint64 atMs)
{
    return guarded([&]() -> Status {
        Statement upsert(m_db,
                         "INSERT INTO sync_watermarks (account_id, watermark_ms, synced_at) VALUES (?, ?, ?) "
                         "ON CONFLICT (account_id) DO UPDATE SET watermark_ms = excluded.watermark_ms, "
                         "synced_at = excluded.synced_at");
        upsert.bind(1, accountId).bind(2, watermarkMs).bind(3, atMs);
        upsert.run();
        return {};
    });
}

Result<Decimal> Journal::recordedQuantity(const QString &clientOrderId)
{
    auto rows = fills(clientOrderId);
    if (!rows)
        return rows.error();
    Decimal total;
    for (const auto &fill : *rows)
        total += fill.quantity;
    return total;
}

Result<QList<JournalEntry>> Journal::missingFills(qint64 accountId)
{
    auto loaded = guarded([&]() -> Result<QList<JournalEntry>> {
        Statement query(m_db,
                        QByteArray(QByteArray(kColumns)
                                   + " WHERE account_id = ? AND (status IN ('submitting', 'open', "
                                     "'partially_filled', 'unknown') OR filled_quantity <> '0') ORDER BY plan_id, line")
                            .constData());
        query.bind(1, accountId);
        QList<JournalEntry> result;
        while (query.step())
            result.append(readEntry(query));
        return result;
    });
    if (!loaded)
        return loaded.error();
    QList<JournalEntry> missing;
    for (const JournalEntry &entry : *loaded) {
        auto recorded = recordedQuantity(entry.clientOrderId);
        if (!recorded)
            return recorded.error();
        if (!domain::isFinal(entry.status) || *recorded < entry.filledQuantity)
            missing.append(entry);
    }
    return missing;
}

Result<QList<domain::Fill>> Journal::fills(const QString &clientOrderId)
{
    return guarded([&]() -> Result<QList<domain::Fill>> {
        Statement query(m_db,
                        "SELECT trade_id, client_order_id, exchange_order_id, symbol, side, quantity, price, fee, "
                        "fee_asset, ts, quote_quantity FROM fills WHERE client_order_id = ? ORDER BY ts, trade_id");
        query.bind(1, clientOrderId);
        QList<domain::Fill> result;
        while (query.step()) {
            result.append(domain::Fill{
                query.text(0), query.text(1), query.text(2), query.text(3), domain::sideFromString(query.text(4)),
                query.decimal(5), query.decimal(6), query.decimal(7), query.text(8),
                QDateTime::fromMSecsSinceEpoch(query.int64(9), QTimeZone::utc()), quoteOf(query, 10)});
        }
        return result;
    });
}

Result<QList<Journal::FillRow>> Journal::allFills()
{
    return guarded([&]() -> Result<QList<FillRow>> {
        Statement query(m_db,
                        "SELECT a.name, f.trade_id, f.client_order_id, f.exchange_order_id, f.symbol, f.side, "
                        "f.quantity, f.price, f.fee, f.fee_asset, f.ts, f.quote_quantity FROM fills f "
                        "JOIN accounts a ON a.id = f.account_id ORDER BY f.ts, a.name, f.trade_id");
        QList<FillRow> result;
        while (query.step()) {
            result.append(FillRow{query.text(0),
                                  domain::Fill{query.text(1), query.text(2), query.text(3), query.text(4),
                                               domain::sideFromString(query.text(5)), query.decimal(6),
                                               query.decimal(7), query.decimal(8), query.text(9),
                                               QDateTime::fromMSecsSinceEpoch(query.int64(10), QTimeZone::utc()),
                                               quoteOf(query, 11)}});
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
