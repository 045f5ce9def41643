#include "services/exchangeimportservice.h"

#include "domain/transaction.h"
#include "exchange/exchange.h"
#include "imports/krakenledger.h"
#include "services/transactionservice.h"
#include "storage/database.h"
#include "storage/importcursorrepo.h"

#include <QHash>
#include <QSet>
#include <QTimeZone>

#include <algorithm>

namespace ballast::services {

using domain::Transaction;
using domain::TransactionKind;
using domain::TransactionSource;
using exchange::Movement;

namespace {

/// What the read phase found: transactions and the cursors they reach.
struct Reading
{
    QList<Transaction> transactions;
    QHash<QString, QString> cursors; ///< stream -> new position (only streams that moved)
    ExchangeImportReport report;
};

Error streamError(const domain::Account &account, const QString &stream, const exchange::ExchangeError &error)
{
    return makeError(QStringLiteral("import.exchange"),
                     QStringLiteral("%1: reading %2 from %3 failed, nothing stored: %4")
                         .arg(account.name, stream, account.exchange, error.message()));
}

QDateTime utc(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms, QTimeZone::utc());
}

/// A completed Binance deposit or withdrawal as a transaction: the network,
/// the fee, and the chain's transaction hash in the note (the external id is
/// the exchange's record id, which every record has).
Transaction movementTransaction(const Movement &movement, const QString &exchangeId)
{
    Transaction tx;
    const bool deposit = movement.direction == Movement::Direction::Deposit;
    tx.kind = deposit ? TransactionKind::Deposit : TransactionKind::Withdrawal;
    tx.time = utc(movement.timeMs);
    tx.asset = movement.asset;
    tx.quantity = movement.amount;
    tx.fee = movement.fee;
    tx.feeAsset = movement.fee.isZero() ? QString() : movement.asset;
    tx.source = TransactionSource::Import;
    tx.externalId =
        QStringLiteral("%1:%2:%3")
            .arg(exchangeId, deposit ? QStringLiteral("deposit") : QStringLiteral("withdrawal"), movement.id);
    QStringList note;
    if (!movement.network.isEmpty())
        note.append(QStringLiteral("network %1").arg(movement.network));
    if (!movement.txHash.isEmpty())
        note.append(QStringLiteral("tx %1").arg(movement.txHash));
    if (movement.internal)
        note.append(QStringLiteral("internal transfer"));
    if (!movement.address.isEmpty())
        note.append(
            QStringLiteral("%1 %2").arg(deposit ? QStringLiteral("from") : QStringLiteral("to"), movement.address));
    tx.note = note.join(QStringLiteral(", "));
    return tx;
}

QString binanceTradeStream(const QString &symbol)
{
    return QStringLiteral("binance:trades:") + symbol;
}

Result<Reading> readBinance(exchange::Exchange &exchange, const domain::Account &account,
                            const QHash<QString, QString> &cursors, const ExchangeImportOptions &options,
                            QSet<QString> assets)
{
    Reading reading;
    auto now = exchange.fetchTime();
    if (!now)
        return streamError(account, QStringLiteral("the server time"), now.error());

    for (const auto direction : {Movement::Direction::Deposit, Movement::Direction::Withdrawal}) {
        const bool deposit = direction == Movement::Direction::Deposit;
        const QString stream = deposit ? QStringLiteral("binance:deposits") : QStringLiteral("binance:withdrawals");
        const QString what = deposit ? QStringLiteral("deposits") : QStringLiteral("withdrawals");
        qint64 from = options.sinceMs > 0 ? options.sinceMs : ExchangeImportService::kBinanceHistoryStartMs;
        if (cursors.contains(stream))
            from = std::max<qint64>(0, cursors.value(stream).toLongLong() - ExchangeImportService::kOverlapMs);
        auto movements = exchange.fetchMovements(direction, from, *now);
        if (!movements)
            return streamError(account, what, movements.error());
        ++reading.report.requests;
        // The cursor never passes a record that may still change: the next
        // import reads again from the oldest pending one.
        qint64 reached = *now;
        int completed = 0;
        for (const Movement &movement : std::as_const(*movements)) {
            assets.insert(movement.asset);
            if (movement.state == Movement::State::Pending) {
                ++reading.report.pending;
                reached = std::min(reached, movement.timeMs);
                continue;
            }
            if (movement.state == Movement::State::Failed || movement.amount.isZero())
                continue;
            reading.transactions.append(movementTransaction(movement, exchange.id()));
            ++completed;
        }
        reading.cursors.insert(stream, QString::number(reached));
        reading.report.streams.append(QStringLiteral("%1: %2 completed").arg(what).arg(completed));
    }

    auto balances = exchange.fetchBalances();
    if (!balances)
        return streamError(account, QStringLiteral("the balances"), balances.error());
    for (const auto &balance : std::as_const(*balances))
        assets.insert(balance.asset);
    auto markets = exchange.fetchMarkets();
    if (!markets)
        return streamError(account, QStringLiteral("the markets"), markets.error());
    // Every market one of whose assets the account holds, held, moved or
    // traded: a trade always touches a known asset (its quote came in by a
    // deposit or a trade, or its base is still held).
    QStringList symbols;
    for (const auto &market : std::as_const(*markets)) {
        if (assets.contains(market.base) || assets.contains(market.quote))
            symbols.append(market.symbol);
    }
    std::sort(symbols.begin(), symbols.end());
    for (const QString &symbol : std::as_const(symbols)) {
        const QString stream = binanceTradeStream(symbol);
        auto fills = exchange.fetchTradeHistory(symbol, cursors.value(stream));
        if (!fills)
            return streamError(account, QStringLiteral("the trades of %1").arg(symbol), fills.error());
        ++reading.report.requests;
        if (fills->isEmpty())
            continue;
        for (const domain::Fill &fill : std::as_const(*fills))
            reading.transactions.append(domain::tradeFromFill(fill, TransactionSource::Import));
        reading.cursors.insert(stream, fills->last().tradeId);
        reading.report.streams.append(QStringLiteral("trades %1: %2").arg(symbol).arg(fills->size()));
    }
    return reading;
}

Result<Reading> readKraken(exchange::Exchange &exchange, const domain::Account &account,
                           const QHash<QString, QString> &cursors, const ExchangeImportOptions &options)
{
    Reading reading;
    const auto after = [&](const QString &stream) -> qint64 {
        if (cursors.contains(stream))
            return std::max<qint64>(1, cursors.value(stream).toLongLong() - ExchangeImportService::kOverlapMs);
        return options.sinceMs;
    };
    const QString ledgerStream = QStringLiteral("kraken:ledgers");
    const QString tradeStream = QStringLiteral("kraken:trades");

    auto entries = exchange.fetchLedger(after(ledgerStream));
    if (!entries)
        return streamError(account, QStringLiteral("the ledger"), entries.error());
    ++reading.report.requests;
    auto fills = exchange.fetchAllTrades(after(tradeStream));
    if (!fills)
        return streamError(account, QStringLiteral("the trade history"), fills.error());
    ++reading.report.requests;

    QList<imports::KrakenLedgerRow> rows;
    rows.reserve(entries->size());
    for (const exchange::LedgerEntry &entry : std::as_const(*entries)) {
        rows.append(imports::KrakenLedgerRow{entry.id, entry.refid, utc(entry.timeMs), entry.type, entry.subtype,
                                             entry.asset, entry.amount, entry.fee});
    }
    auto mapped = imports::mapKrakenLedger(rows, QStringLiteral("Kraken Ledgers"));
    if (!mapped) {
        return makeError(QStringLiteral("import.exchange"),
                         QStringLiteral("%1: nothing stored: %2").arg(account.name, mapped.error().message));
    }
    reading.report.warnings = mapped->warnings;

    // A trade is in both streams: the ledger's two entries (refid = trade id)
    // and TradesHistory's record with its pair, price and fee. The latter is
    // kept, keyed as executions key their fills, so it is stored once.
    QHash<QString, const domain::Fill *> byTradeId;
    for (const domain::Fill &fill : std::as_const(*fills))
        byTradeId.insert(fill.tradeId, &fill);
    for (const Transaction &tx : std::as_const(mapped->transactions)) {
        if (tx.kind == TransactionKind::Trade && byTradeId.contains(tx.externalId.section(QLatin1Char(':'), 1)))
            continue;
        if (tx.kind == TransactionKind::Fee && tx.externalId.contains(QLatin1String(":fee:"))) {
            // A fee in a second asset: kept unless the trade's own record carries the fee.
            const domain::Fill *fill = byTradeId.value(tx.externalId.section(QLatin1Char(':'), 0, 0));
            if (fill && fill->fee.isPositive())
                continue;
        }
        reading.transactions.append(tx);
    }
    for (const domain::Fill &fill : std::as_const(*fills))
        reading.transactions.append(domain::tradeFromFill(fill, TransactionSource::Import));

    if (!entries->isEmpty())
        reading.cursors.insert(ledgerStream, QString::number(entries->last().timeMs));
    if (!fills->isEmpty())
        reading.cursors.insert(tradeStream, QString::number(fills->last().time.toMSecsSinceEpoch()));
    reading.report.streams.append(QStringLiteral("ledger: %1 entries").arg(entries->size()));
    reading.report.streams.append(QStringLiteral("trades: %1").arg(fills->size()));
    return reading;
}

} // namespace

ExchangeImportService::ExchangeImportService(storage::Database &db, Clock clock)
    : m_db(db)
    , m_clock(std::move(clock))
{
}

Result<ExchangeImportReport> ExchangeImportService::importFromExchange(const ExchangeImportOptions &options,
                                                                       exchange::Exchange &exchange)
{
    TransactionService transactions(m_db, m_clock);
    auto account = transactions.account(options.account);
    if (!account)
        return account.error();
    if (exchange.isSimulated() || account->exchange == QLatin1String("paper")) {
        return makeError(QStringLiteral("import.exchange"),
                         QStringLiteral("%1 is a paper account: its fills are booked by executions, there is no "
                                        "exchange history to import")
                             .arg(account->name));
    }
    auto cursors = storage::ImportCursorRepo(m_db).positions(account->id);
    if (!cursors)
        return cursors.error();

    // Read everything first, with no SQLite transaction open while paging.
    Result<Reading> reading = Reading{};
    if (exchange.id() == QLatin1String("binance")) {
        TransactionQuery query;
        query.account = account->name;
        auto known = transactions.list(query);
        if (!known)
            return known.error();
        QSet<QString> assets;
        for (const TransactionRow &row : std::as_const(*known)) {
            assets.insert(row.tx.asset);
            if (!row.tx.quote.isEmpty())
                assets.insert(row.tx.quote);
        }
        reading = readBinance(exchange, *account, *cursors, options, assets);
    } else if (exchange.id() == QLatin1String("kraken")) {
        reading = readKraken(exchange, *account, *cursors, options);
    } else {
        return makeError(QStringLiteral("import.exchange"),
                         QStringLiteral("%1: importing from %2 is not supported").arg(account->name, exchange.id()));
    }
    if (!reading)
        return reading.error();

    std::stable_sort(reading->transactions.begin(), reading->transactions.end(),
                     [](const Transaction &a, const Transaction &b) { return a.time < b.time; });
    ExchangeImportReport report = reading->report;
    report.account = account->name;
    report.exchange = exchange.id();
    report.transactions = static_cast<int>(reading->transactions.size());

    ImportOptions store;
    store.account = account->name;
    store.dryRun = options.dryRun;
    FileImportReport stored;
    stored.file = QStringLiteral("%1 (%2 API)").arg(account->name, exchange.id());
    const Status done = storage::guarded([&]() -> Status {
        storage::Transaction txn(m_db);
        transactions.storeImported(*account, store, reading->transactions, stored);
        if (!stored.error.isEmpty())
            return makeError(QStringLiteral("import.refused"), QStringLiteral("%1; nothing stored").arg(stored.error));
        if (options.dryRun)
            return {}; // the transaction rolls back: nothing stored, cursors kept
        storage::ImportCursorRepo repo(m_db);
        const qint64 now = m_clock();
        for (auto it = reading->cursors.cbegin(); it != reading->cursors.cend(); ++it) {
            if (auto set = repo.setPosition(account->id, it.key(), it.value(), now); !set)
                return set;
        }
        txn.commit();
        return {};
    });
    if (!done)
        return done.error();
    report.added = stored.added;
    report.duplicates = stored.duplicates;
    report.linkedTransfers = stored.linkedTransfers;
    report.warnings += stored.warnings;
    return report;
}

} // namespace ballast::services
