#include "services/transactionservice.h"

#include "exchange/paperexchange.h"
#include "imports/columnmapping.h"
#include "imports/transactioncsv.h"
#include "services/ledger.h"
#include "storage/accountrepo.h"
#include "storage/database.h"
#include "storage/holdingsrepo.h"
#include "storage/portfoliorepo.h"
#include "storage/transactionrepo.h"

#include <QFile>
#include <QHash>
#include <QSet>
#include <QTimeZone>

#include <algorithm>
#include <cstdlib>

namespace ballast::services {

using domain::Transaction;
using domain::TransactionKind;
using domain::TransactionSource;
using money::Decimal;
using storage::guarded;
using storage::TransactionRepo;

namespace {

QString holdingKey(const QString &asset, const QString &network)
{
    return asset + QLatin1Char('@') + network;
}

bool isTransferLeg(TransactionKind kind)
{
    return kind == TransactionKind::TransferIn || kind == TransactionKind::TransferOut;
}

/// Pairs the transfer legs of one file: each out leg with the first unpaired
/// in leg of the same asset and quantity at most @p windowMs away. Returns
/// {out index, in index} pairs.
QList<std::pair<qsizetype, qsizetype>> transferPairs(const QList<Transaction> &transactions, qint64 windowMs)
{
    QList<std::pair<qsizetype, qsizetype>> pairs;
    QSet<qsizetype> taken;
    for (qsizetype out = 0; out < transactions.size(); ++out) {
        const Transaction &leg = transactions[out];
        if (leg.kind != TransactionKind::TransferOut)
            continue;
        for (qsizetype in = 0; in < transactions.size(); ++in) {
            const Transaction &other = transactions[in];
            if (other.kind != TransactionKind::TransferIn || taken.contains(in) || other.asset != leg.asset
                || other.quantity != leg.quantity || std::abs(other.time.msecsTo(leg.time)) > windowMs) {
                continue;
            }
            taken.insert(in);
            pairs.append({out, in});
            break;
        }
    }
    return pairs;
}

Result<QByteArray> readFile(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        return makeError(QStringLiteral("import.file"),
                         QStringLiteral("%1: cannot be read: %2").arg(path, file.errorString()));
    }
    return file.readAll();
}

Error classifyError(qint64 id, const QString &why)
{
    return makeError(QStringLiteral("transaction.classify"), QStringLiteral("transaction #%1: %2").arg(id).arg(why));
}

} // namespace

std::optional<Classification> classificationFromName(const QString &name)
{
    if (name == QLatin1String("deposit"))
        return Classification::Deposit;
    if (name == QLatin1String("withdrawal"))
        return Classification::Withdrawal;
    if (name == QLatin1String("transfer"))
        return Classification::Transfer;
    if (name == QLatin1String("income"))
        return Classification::Income;
    return std::nullopt;
}

TransactionService::TransactionService(storage::Database &db, Clock clock)
    : m_db(db)
    , m_clock(std::move(clock))
{
}

Result<domain::Account> TransactionService::account(const QString &name)
{
    return storage::AccountRepo(m_db).byName(name);
}

Status TransactionService::checkAccount(qint64 accountId)
{
    auto accounts = storage::AccountRepo(m_db).list();
    if (!accounts)
        return accounts.error();
    for (const auto &account : *accounts) {
        if (account.id == accountId)
            return {};
    }
    return makeError(QStringLiteral("transaction.invalid"),
                     QStringLiteral("account: no account with id %1").arg(accountId));
}

Status TransactionService::settle(const QList<domain::BalanceChange> &touched)
{
    auto accounts = storage::AccountRepo(m_db).list();
    if (!accounts)
        return accounts.error();
    QHash<qint64, domain::Account> byId;
    for (const auto &account : *accounts)
        byId.insert(account.id, account);
    QHash<qint64, QSet<QString>> assetsOf;
    for (const auto &change : touched)
        assetsOf[change.accountId].insert(change.asset);
    auto portfolio = storage::PortfolioRepo(m_db).load();
    const QString quote = portfolio ? portfolio->quote : QStringLiteral("USDT");
    for (auto it = assetsOf.cbegin(); it != assetsOf.cend(); ++it) {
        auto held = storage::HoldingsRepo(m_db).listForAccount(it.key());
        if (!held)
            return held.error();
        QHash<QString, Decimal> totals; // per asset over networks, for the paper exchange
        for (const auto &holding : *held) {
            if (it.value().contains(holding.asset) && holding.quantity.isNegative()) {
                return makeError(QStringLiteral("transaction.negative"),
                                 QStringLiteral("this would leave %1%2 on \"%3\" at %4; nothing was changed")
                                     .arg(holding.asset,
                                          holding.network.isEmpty() ? QString() : QStringLiteral("@") + holding.network,
                                          byId.value(it.key()).name, holding.quantity.toString()));
            }
            totals[holding.asset] += holding.quantity;
        }
        const domain::Account account = byId.value(it.key());
        if (account.kind == domain::AccountKind::Paper) {
            // The paper exchange keeps one balance per asset and trades from
            // it, so it follows the ledger's sum over networks.
            QList<exchange::Balance> balances;
            for (const QString &asset : it.value())
                balances.append(exchange::Balance{asset, totals.value(asset), {}});
            exchange::PaperExchange paper(m_db, account.id, quote, m_clock);
            if (auto set = paper.setBalances(balances); !set)
                return set.error().toError();
        }
    }
    return Ledger(m_db, m_clock).recordValuations(domain::Valuation::Kind::Manual);
}

Result<Transaction> TransactionService::add(const Transaction &tx)
{
    if (auto valid = domain::validate(tx); !valid)
        return valid.error();
    return guarded([&]() -> Result<Transaction> {
        storage::Transaction txn(m_db);
        if (auto known = checkAccount(tx.accountId); !known)
            return known.error();
        auto id = TransactionRepo(m_db).add(tx, m_clock());
        if (!id)
            return id.error();
        Transaction stored = tx;
        stored.id = *id;
        if (auto settled = settle(domain::balanceChanges(stored)); !settled)
            return settled.error();
        txn.commit();
        return stored;
    });
}

Result<QList<Transaction>> TransactionService::addTransfer(const TransferRequest &request)
{
    auto from = account(request.fromAccount);
    if (!from)
        return from.error();
    domain::Account to = *from;
    if (!request.toAccount.isEmpty()) {
        auto found = account(request.toAccount);
        if (!found)
            return found.error();
        to = *found;
    }
    if (to.id == from->id && request.toNetwork == request.fromNetwork) {
        return makeError(QStringLiteral("transaction.invalid"),
                         QStringLiteral("to account: a transfer needs another account or another network"));
    }
    Transaction out;
    out.kind = TransactionKind::TransferOut;
    out.time = request.time;
    out.accountId = from->id;
    out.network = request.fromNetwork;
    out.asset = request.asset;
    out.quantity = request.quantity;
    out.fee = request.fee;
    out.feeAsset = request.fee.isZero() ? QString() : (request.feeAsset.isEmpty() ? request.asset : request.feeAsset);
    out.externalId = request.externalId;
    out.source = TransactionSource::Manual;
    out.note = request.note;
    Transaction in = out;
    in.kind = TransactionKind::TransferIn;
    in.accountId = to.id;
    in.network = request.toNetwork;
    in.fee = Decimal();
    in.feeAsset.clear();
    // One external id per account: a move between networks of one account
    // keeps the hash on its out leg and marks the in leg.
    if (to.id == from->id && !in.externalId.isEmpty())
        in.externalId += QStringLiteral(":in");
    for (const Transaction *leg : {&out, &in}) {
        if (auto valid = domain::validate(*leg); !valid)
            return valid.error();
    }
    return guarded([&]() -> Result<QList<Transaction>> {
        storage::Transaction txn(m_db);
        TransactionRepo repo(m_db);
        auto outId = repo.add(out, m_clock());
        if (!outId)
            return outId.error();
        out.id = *outId;
        in.linkId = out.id;
        auto inId = repo.add(in, m_clock());
        if (!inId)
            return inId.error();
        in.id = *inId;
        out.linkId = in.id;
        if (auto linked = repo.setLink(out.id, in.id); !linked)
            return linked.error();
        if (auto settled = settle(domain::balanceChanges(out) + domain::balanceChanges(in)); !settled)
            return settled.error();
        txn.commit();
        return QList<Transaction>{out, in};
    });
}

Result<Transaction> TransactionService::edit(const Transaction &tx)
{
    if (auto valid = domain::validate(tx); !valid)
        return valid.error();
    return guarded([&]() -> Result<Transaction> {
        storage::Transaction txn(m_db);
        TransactionRepo repo(m_db);
        auto old = repo.find(tx.id);
        if (!old)
            return old.error();
        auto deleted = repo.isDeleted(tx.id);
        if (!deleted)
            return deleted.error();
        if (!*old || *deleted) {
            return makeError(QStringLiteral("transaction.not_found"),
                             QStringLiteral("no transaction #%1 to edit").arg(tx.id));
        }
        if (auto known = checkAccount(tx.accountId); !known)
            return known.error();
        if (auto updated = repo.update(tx, m_clock()); !updated)
            return updated.error();
        if (auto settled = settle(domain::balanceChanges(**old) + domain::balanceChanges(tx)); !settled)
            return settled.error();
        txn.commit();
        return tx;
    });
}

Result<QList<Transaction>> TransactionService::remove(qint64 id)
{
    return setDeleted(id, true);
}

Result<QList<Transaction>> TransactionService::restore(qint64 id)
{
    return setDeleted(id, false);
}

Result<QList<Transaction>> TransactionService::setDeleted(qint64 id, bool deleting)
{
    return guarded([&]() -> Result<QList<Transaction>> {
        storage::Transaction txn(m_db);
        TransactionRepo repo(m_db);
        auto found = repo.find(id);
        if (!found)
            return found.error();
        auto deleted = repo.isDeleted(id);
        if (!deleted)
            return deleted.error();
        // Deleting wants a live transaction, restoring a deleted one.
        if (!*found || (deleting && *deleted))
            return makeError(QStringLiteral("transaction.not_found"), QStringLiteral("no transaction #%1").arg(id));
        if (!deleting && !*deleted) {
            return makeError(QStringLiteral("transaction.not_deleted"),
                             QStringLiteral("transaction #%1 is not deleted; nothing to restore").arg(id));
        }
        // A transfer goes with its other leg, when that leg is in the same state.
        QList<Transaction> legs{**found};
        if (isTransferLeg((*found)->kind) && (*found)->linkId != 0) {
            auto other = repo.find((*found)->linkId);
            if (!other)
                return other.error();
            auto otherDeleted = repo.isDeleted((*found)->linkId);
            if (!otherDeleted)
                return otherDeleted.error();
            if (*other && *otherDeleted == !deleting)
                legs.append(**other);
        }
        QList<domain::BalanceChange> touched;
        const qint64 now = m_clock();
        for (const Transaction &leg : legs) {
            if (auto changed = deleting ? repo.remove(leg.id, now) : repo.restore(leg.id, now); !changed)
                return changed.error();
            touched += domain::balanceChanges(leg);
        }
        if (auto settled = settle(touched); !settled)
            return settled.error();
        txn.commit();
        return legs;
    });
}

Result<std::optional<Transaction>> TransactionService::find(qint64 id)
{
    return TransactionRepo(m_db).find(id);
}

Result<QList<TransactionRow>> TransactionService::list(const TransactionQuery &query)
{
    auto accounts = storage::AccountRepo(m_db).list();
    if (!accounts)
        return accounts.error();
    QHash<qint64, QString> names;
    for (const auto &account : *accounts)
        names.insert(account.id, account.name);
    storage::TransactionFilter filter;
    if (!query.account.isEmpty()) {
        auto found = account(query.account);
        if (!found)
            return found.error();
        filter.accountId = found->id;
    }
    filter.asset = query.asset;
    filter.kind = query.kind;
    if (query.fromMs)
        filter.fromMs = *query.fromMs;
    if (query.toMs)
        filter.toMs = *query.toMs;
    filter.unexplainedOnly = query.unexplainedOnly;
    filter.deleted = query.deleted;
    auto rows = TransactionRepo(m_db).list(filter);
    if (!rows)
        return rows.error();
    QList<TransactionRow> out;
    out.reserve(rows->size());
    for (const Transaction &tx : std::as_const(*rows))
        out.append(TransactionRow{tx, names.value(tx.accountId)});
    return out;
}

Result<Transaction> TransactionService::classify(qint64 id, Classification as, const QString &subkind, qint64 linkId)
{
    return guarded([&]() -> Result<Transaction> {
        storage::Transaction txn(m_db);
        TransactionRepo repo(m_db);
        auto found = repo.find(id);
        if (!found)
            return found.error();
        auto deleted = repo.isDeleted(id);
        if (!deleted)
            return deleted.error();
        if (!*found || *deleted)
            return makeError(QStringLiteral("transaction.not_found"), QStringLiteral("no transaction #%1").arg(id));
        Transaction tx = **found;
        if (tx.kind != TransactionKind::Adjustment) {
            return classifyError(id,
                                 QStringLiteral("only an adjustment can be classified; this one is a %1")
                                     .arg(domain::kindName(tx.kind)));
        }
        const bool adds = tx.quantity.isPositive();
        switch (as) {
        case Classification::Deposit:
            if (!adds)
                return classifyError(id,
                                     QStringLiteral("it removed %1 %2: a withdrawal, not a deposit")
                                         .arg(tx.quantity.abs().toString(), tx.asset));
            tx.kind = TransactionKind::Deposit;
            break;
        case Classification::Income:
            if (!adds)
                return classifyError(
                    id,
                    QStringLiteral("it removed %1 %2: income only adds").arg(tx.quantity.abs().toString(), tx.asset));
            tx.kind = TransactionKind::Income;
            tx.subkind = subkind;
            break;
        case Classification::Withdrawal:
            if (adds)
                return classifyError(id,
                                     QStringLiteral("it added %1 %2: a deposit, not a withdrawal")
                                         .arg(tx.quantity.toString(), tx.asset));
            tx.kind = TransactionKind::Withdrawal;
            break;
        case Classification::Transfer:
            tx.kind = adds ? TransactionKind::TransferIn : TransactionKind::TransferOut;
            break;
        }
        if (as != Classification::Income && !subkind.isEmpty())
            return classifyError(id, QStringLiteral("a subkind (%1) is for income only").arg(subkind));
        if (linkId != 0 && as != Classification::Transfer)
            return classifyError(id, QStringLiteral("only a transfer links to another transaction"));
        tx.quantity = tx.quantity.abs();
        tx.unexplained = false;
        if (linkId != 0) {
            if (linkId == id)
                return classifyError(id, QStringLiteral("a transfer cannot link to itself"));
            auto other = repo.find(linkId);
            if (!other)
                return other.error();
            auto otherDeleted = repo.isDeleted(linkId);
            if (!otherDeleted)
                return otherDeleted.error();
            if (!*other || *otherDeleted)
                return classifyError(id, QStringLiteral("no transaction #%1 to link to").arg(linkId));
            Transaction leg = **other;
            const bool legAdds = leg.kind == TransactionKind::TransferIn
                || (leg.kind == TransactionKind::Adjustment && leg.quantity.isPositive());
            const bool legRemoves = leg.kind == TransactionKind::TransferOut
                || (leg.kind == TransactionKind::Adjustment && leg.quantity.isNegative());
            if (leg.asset != tx.asset || (adds ? !legRemoves : !legAdds)) {
                return classifyError(
                    id, QStringLiteral("#%1 is not a move of %2 in the other direction").arg(linkId).arg(tx.asset));
            }
            if (leg.linkId != 0 && leg.linkId != id)
                return classifyError(id, QStringLiteral("#%1 is already linked to #%2").arg(linkId).arg(leg.linkId));
            // What arrives cannot have arrived long before it left; within the
            // import's pairing window the cost basis applies the two in order.
            const Transaction &in = adds ? tx : leg;
            const Transaction &out = adds ? leg : tx;
            if (in.time.msecsTo(out.time) > kTransferPairWindowMs) {
                return classifyError(id,
                                     QStringLiteral("#%1 arrives at %2, more than %3 minutes before #%4 leaves "
                                                    "(%5): not one transfer")
                                         .arg(in.id)
                                         .arg(in.time.toUTC().toString(Qt::ISODate))
                                         .arg(kTransferPairWindowMs / 60000)
                                         .arg(out.id)
                                         .arg(out.time.toUTC().toString(Qt::ISODate)));
            }
            leg.kind = legAdds ? TransactionKind::TransferIn : TransactionKind::TransferOut;
            leg.quantity = leg.quantity.abs();
            leg.unexplained = false;
            leg.linkId = id;
            tx.linkId = linkId;
            if (auto updated = repo.update(leg, m_clock()); !updated)
                return updated.error();
        }
        if (auto valid = domain::validate(tx); !valid)
            return valid.error();
        if (auto updated = repo.update(tx, m_clock()); !updated)
            return updated.error();
        txn.commit();
        return tx;
    });
}

Result<QList<domain::Holding>> TransactionService::sums()
{
    return TransactionRepo(m_db).sums();
}

Result<QList<Transaction>> TransactionService::reconcile(const domain::Account &account,
                                                         const QList<domain::Holding> &stated, TransactionSource source,
                                                         const StatementScope &scope, const QString &statedBy)
{
    return guarded([&]() -> Result<QList<Transaction>> {
        storage::Transaction txn(m_db);
        TransactionRepo repo(m_db);
        auto any = repo.hasAny(account.id);
        if (!any)
            return any.error();
        auto held = storage::HoldingsRepo(m_db).listForAccount(account.id);
        if (!held)
            return held.error();
        QHash<QString, Decimal> current;
        for (const auto &holding : *held)
            current.insert(holdingKey(holding.asset, holding.network), holding.quantity);
        // The differences in a stable order: the stated rows first, then
        // what the statement leaves out where it covers the network.
        QList<domain::Holding> targets = stated;
        QSet<QString> listed;
        for (const auto &row : stated)
            listed.insert(holdingKey(row.asset, row.network));
        for (const auto &holding : *held) {
            if (scope.covers(holding.network) && !listed.contains(holdingKey(holding.asset, holding.network)))
                targets.append(domain::Holding{account.id, account.name, holding.asset, holding.network, {}});
        }
        const qint64 now = m_clock();
        QList<Transaction> recorded;
        QSet<QString> done;
        for (const auto &target : std::as_const(targets)) {
            const QString key = holdingKey(target.asset, target.network);
            if (done.contains(key))
                continue;
            done.insert(key);
            const Decimal difference = target.quantity - current.value(key);
            if (difference.isZero())
                continue;
            Transaction tx;
            tx.time = QDateTime::fromMSecsSinceEpoch(now, QTimeZone::utc());
            tx.accountId = account.id;
            tx.network = target.network;
            tx.asset = target.asset;
            if ((!*any || scope.opening.contains(target.network)) && difference.isPositive()) {
                tx.kind = TransactionKind::Deposit;
                tx.quantity = difference;
                tx.source = TransactionSource::Opening;
                tx.note = QStringLiteral("opening balance");
            } else {
                tx.kind = TransactionKind::Adjustment;
                tx.quantity = difference;
                tx.source = source;
                tx.unexplained = true;
                tx.note = QStringLiteral("%1 stated %2, the transactions summed to %3")
                              .arg(!statedBy.isEmpty()                     ? statedBy
                                       : source == TransactionSource::Sync ? QStringLiteral("the exchange")
                                                                           : QStringLiteral("holdings set"),
                                   target.quantity.toString(), current.value(key).toString());
            }
            auto id = repo.add(tx, now);
            if (!id)
                return id.error();
            tx.id = *id;
            recorded.append(tx);
        }
        txn.commit();
        return recorded;
    });
}

Result<QList<FileImportReport>> TransactionService::importFiles(const ImportOptions &options, const QStringList &files)
{
    auto target = account(options.account);
    if (!target)
        return target.error();
    std::optional<imports::ColumnMapping> mapping = options.mapping;
    QString family;
    if (mapping) {
        // Built by the caller (the desktop app's mapping editor): the format is not read.
    } else if (options.format.startsWith(QLatin1String("mapping:"))) {
        const QString path = options.format.mid(8);
        auto json = readFile(path);
        if (!json)
            return json.error();
        auto parsed = imports::parseMapping(*json, path);
        if (!parsed)
            return parsed.error();
        mapping = *parsed;
    } else if (!options.format.isEmpty()) {
        static const QStringList families{QStringLiteral("binance"), QStringLiteral("kraken"),
                                          QStringLiteral("coinbase")};
        if (!families.contains(options.format)) {
            return makeError(QStringLiteral("import.format"),
                             QStringLiteral("format \"%1\": unknown; choose binance, kraken, coinbase or "
                                            "mapping:FILE")
                                 .arg(options.format));
        }
        family = options.format;
    }

    QList<FileImportReport> reports;
    for (const QString &file : files) {
        FileImportReport report;
        report.file = file;
        auto bytes = readFile(file);
        Result<imports::ParsedTransactions> parsed = imports::ParsedTransactions{};
        if (!bytes) {
            parsed = bytes.error();
        } else if (mapping) {
            report.format = QStringLiteral("mapping");
            parsed = imports::parseMapped(*mapping, *bytes, file);
        } else {
            auto format = imports::detectFormat(*bytes, file, family);
            if (format) {
                report.format = imports::formatName(*format);
                parsed = imports::parse(*format, *bytes, file);
            } else {
                parsed = format.error();
            }
        }
        if (!parsed) {
            report.error = parsed.error().message;
            reports.append(report);
            continue;
        }
        report.transactions = static_cast<int>(parsed->transactions.size());
        report.warnings = parsed->warnings;
        importParsed(*target, options, parsed->transactions, report);
        reports.append(report);
    }
    return reports;
}

void TransactionService::storeImported(const domain::Account &account, const ImportOptions &options,
                                       QList<Transaction> transactions, FileImportReport &report)
{
    importParsed(account, options, std::move(transactions), report);
}

void TransactionService::importParsed(const domain::Account &account, const ImportOptions &options,
                                      QList<Transaction> transactions, FileImportReport &report)
{
    for (Transaction &tx : transactions) {
        tx.accountId = account.id;
        if (tx.network.isEmpty())
            tx.network = options.network;
        tx.linkId = 0;
    }
    const auto pairs = transferPairs(transactions, kTransferPairWindowMs);
    const auto refuse = [&report](const QString &why) {
        // Messages from the parsers and validate() name the file already.
        report.error = why.startsWith(report.file) ? why : QStringLiteral("%1: %2").arg(report.file, why);
        report.added = 0;
        report.duplicates = 0;
        report.linkedTransfers = 0;
    };
    for (const Transaction &tx : std::as_const(transactions)) {
        if (auto valid = domain::validate(tx); !valid) {
            refuse(valid.error().message);
            return;
        }
    }
    const Status stored = guarded([&]() -> Status {
        storage::Transaction txn(m_db);
        TransactionRepo repo(m_db);
        const qint64 now = m_clock();
        QList<qint64> ids(transactions.size(), 0);
        QList<domain::BalanceChange> touched;
        for (qsizetype i = 0; i < transactions.size(); ++i) {
            auto id = repo.addIfNew(transactions[i], now);
            if (!id)
                return id.error();
            if (!*id) {
                ++report.duplicates;
                continue;
            }
            ids[i] = **id;
            ++report.added;
            touched += domain::balanceChanges(transactions[i]);
        }
        for (const auto &[out, in] : pairs) {
            // A leg stored by an earlier import keeps the link it has.
            if (ids[out] == 0 || ids[in] == 0)
                continue;
            if (auto linked = repo.setLink(ids[out], ids[in]); !linked)
                return linked.error();
            if (auto linked = repo.setLink(ids[in], ids[out]); !linked)
                return linked.error();
            ++report.linkedTransfers;
        }
        if (!touched.isEmpty()) {
            if (auto settled = settle(touched); !settled)
                return settled.error();
        }
        if (!options.dryRun)
            txn.commit();
        return {};
    });
    if (!stored)
        refuse(stored.error().message);
    const qsizetype unpaired =
        std::count_if(transactions.cbegin(), transactions.cend(),
                      [](const Transaction &tx) {
                          return tx.kind == TransactionKind::TransferIn || tx.kind == TransactionKind::TransferOut;
                      })
        - 2 * pairs.size();
    if (stored && unpaired > 0) {
        report.warnings.append(QStringLiteral("%1: %2 transfer leg(s) without their other leg in this file, "
                                              "not linked")
                                   .arg(report.file)
                                   .arg(unpaired));
    }
}

} // namespace ballast::services
