// Binance's "Transaction History" and "Trade History" exports.

#include "imports/exchangecsv.h"

#include <QHash>
#include <QMap>
#include <QRegularExpression>

#include <algorithm>
#include <array>

namespace ballast::imports::detail {

using domain::Side;
using domain::Transaction;
using domain::TransactionKind;
using money::Decimal;

namespace {

enum class OpClass { Trade, TradeFee, Deposit, Withdrawal, Income, Internal, Fee };

struct OpInfo
{
    OpClass cls;
    const char *subkind; ///< income only
};

/// The operations of the Transaction History that Ballast reads, lower case.
const QHash<QString, OpInfo> &operations()
{
    static const QHash<QString, OpInfo> ops = [] {
        QHash<QString, OpInfo> m;
        for (const char *op : {"buy", "sell", "transaction related", "transaction buy", "transaction spend",
                               "transaction sold", "transaction revenue", "binance convert",
                               "small assets exchange bnb", "large otc trading", "auto-invest transaction"})
            m.insert(QString::fromLatin1(op), {OpClass::Trade, ""});
        m.insert(QStringLiteral("fee"), {OpClass::TradeFee, ""});
        m.insert(QStringLiteral("transaction fee"), {OpClass::TradeFee, ""});
        for (const char *op : {"deposit", "fiat deposit"})
            m.insert(QString::fromLatin1(op), {OpClass::Deposit, ""});
        for (const char *op : {"withdraw", "withdrawal", "fiat withdraw"})
            m.insert(QString::fromLatin1(op), {OpClass::Withdrawal, ""});
        for (const char *op : {"staking rewards", "eth 2.0 staking rewards", "eth2.0 staking rewards",
                               "pos savings interest", "simple earn locked rewards", "bnb vault rewards"})
            m.insert(QString::fromLatin1(op), {OpClass::Income, "staking"});
        for (const char *op : {"simple earn flexible interest", "savings interest", "launchpool interest"})
            m.insert(QString::fromLatin1(op), {OpClass::Income, "interest"});
        for (const char *op : {"airdrop assets", "distribution", "launchpool airdrop", "simple earn flexible airdrop",
                               "hodler airdrops"})
            m.insert(QString::fromLatin1(op), {OpClass::Income, "airdrop"});
        for (const char *op : {"commission history", "referral kickback", "referral commission", "commission rebate"})
            m.insert(QString::fromLatin1(op), {OpClass::Income, "referral"});
        for (const char *op : {"cash voucher distribution", "crypto box", "mission reward distribution"})
            m.insert(QString::fromLatin1(op), {OpClass::Income, "reward"});
        for (const char *op :
             {"transfer between main and funding wallet", "transfer between spot account and funding account",
              "main and funding account transfer", "simple earn flexible subscription",
              "simple earn flexible redemption", "simple earn locked subscription", "simple earn locked redemption",
              "staking purchase", "staking redemption", "pos savings purchase", "pos savings redemption",
              "savings purchase", "savings principal redemption", "launchpool subscription", "launchpool redemption",
              "bnb vault subscription", "bnb vault redemption", "transfer_in", "transfer_out"})
            m.insert(QString::fromLatin1(op), {OpClass::Internal, ""});
        m.insert(QStringLiteral("withdraw fee"), {OpClass::Fee, ""});
        return m;
    }();
    return ops;
}

bool isSellOperation(const QString &op)
{
    return op == QLatin1StringView("sell") || op == QLatin1StringView("transaction sold")
        || op == QLatin1StringView("transaction revenue");
}

/// Binance wrote "21-03-01 10:00:00" (two-digit year) in newer exports; the
/// year is 20YY. Four-digit years are passed through.
QString fullYear(const QString &text)
{
    static const QRegularExpression shortYear(QStringLiteral(R"(^\d{2}-\d{2}-\d{2}[ T]\d{2}:\d{2})"));
    return shortYear.match(text).hasMatch() ? QStringLiteral("20") + text : text;
}

Result<QDateTime> binanceTime(const CsvFile &table, const CsvRow &row, int column)
{
    return table.time(row, column, fullYear(CsvFile::cell(row, column)));
}

/// "2021-03-01T10:00:00Z"; exports list many rows of one second together, so
/// the last one is kept (formatting a QDateTime is the slowest step per row).
class IsoTimes
{
public:
    const QString &operator()(const QDateTime &time)
    {
        const qint64 ms = time.toMSecsSinceEpoch();
        if (ms != m_ms || m_text.isEmpty()) {
            m_ms = ms;
            m_text = time.toUTC().toString(Qt::ISODate);
        }
        return m_text;
    }

private:
    qint64 m_ms = 0;
    QString m_text;
};

struct TxRow
{
    const CsvRow *row = nullptr;
    QDateTime time;
    QString account;
    QString op; ///< lower case
    QString coin;
    Decimal change;
    QString remark;
    QString key; ///< stable per row, with its occurrence number
};

} // namespace

Result<ParsedTransactions> parseBinanceTransactions(const CsvFile &table)
{
    const int cTime = table.column(u"UTC_Time");
    const int cAccount = table.column(u"Account");
    const int cOp = table.column(u"Operation");
    const int cCoin = table.column(u"Coin");
    const int cChange = table.column(u"Change");
    const int cRemark = table.column(u"Remark");

    QList<TxRow> rows;
    rows.reserve(table.rows().size());
    QHash<QString, int> seen;
    IsoTimes iso;
    for (const CsvRow &row : table.rows()) {
        TxRow r;
        r.row = &row;
        auto time = binanceTime(table, row, cTime);
        if (!time)
            return time.error();
        r.time = *time;
        r.account = CsvFile::cell(row, cAccount);
        r.op = CsvFile::cell(row, cOp).toLower();
        if (!operations().contains(r.op)) {
            return table.cellError(row, cOp,
                                   QStringLiteral("is not a Binance operation Ballast reads (the list is in "
                                                  "docs/imports.md)"));
        }
        r.coin = CsvFile::cell(row, cCoin).toUpper();
        if (r.coin.isEmpty())
            return table.cellError(row, cCoin, QStringLiteral("is empty; expected the coin"));
        auto change = table.amount(row, cChange);
        if (!change)
            return change.error();
        r.change = *change;
        if (r.change.isZero())
            continue; // moves nothing
        r.remark = CsvFile::cell(row, cRemark);
        r.key =
            occurrence(seen,
                       QStringList{iso(r.time), r.account, CsvFile::cell(row, cOp), r.coin, r.change.toString()}.join(
                           QLatin1Char('|')));
        rows.append(r);
    }

    ParsedTransactions out;
    // Trade rows: grouped by time and account, in the order of their first row.
    QList<QList<int>> groups;
    QHash<QString, int> groupOf;
    QList<int> order; // row index, or -(group index + 1)
    for (int i = 0; i < rows.size(); ++i) {
        const OpClass cls = operations().value(rows[i].op).cls;
        if (cls != OpClass::Trade && cls != OpClass::TradeFee) {
            order.append(i);
            continue;
        }
        const QString key = QString::number(rows[i].time.toMSecsSinceEpoch()) + QLatin1Char('|') + rows[i].account;
        auto it = groupOf.find(key);
        if (it == groupOf.end()) {
            it = groupOf.insert(key, static_cast<int>(groups.size()));
            groups.append(QList<int>());
            order.append(-(*it + 1));
        }
        groups[*it].append(i);
    }

    const auto single = [&](const TxRow &r) -> Result<Transaction> {
        const OpInfo info = operations().value(r.op);
        const bool in = r.change.isPositive();
        Transaction tx = imported(TransactionKind::Adjustment, r.time, r.coin, r.change.abs());
        tx.externalId = stableId(QStringLiteral("binance:"), {r.key});
        tx.note = r.remark;
        const int cChangeCol = cChange;
        switch (info.cls) {
        case OpClass::Deposit:
        case OpClass::Withdrawal: {
            const bool deposit = info.cls == OpClass::Deposit;
            if (deposit != in) {
                return table.cellError(*r.row, cChangeCol,
                                       deposit ? QStringLiteral("is not positive, but the operation is a deposit")
                                               : QStringLiteral("is not negative, but the operation is a withdrawal"));
            }
            tx.kind = deposit ? TransactionKind::Deposit : TransactionKind::Withdrawal;
            break;
        }
        case OpClass::Income:
            if (!in)
                return table.cellError(*r.row, cChangeCol, QStringLiteral("is negative, but the operation is income"));
            tx.kind = TransactionKind::Income;
            tx.subkind = QString::fromLatin1(info.subkind);
            break;
        case OpClass::Internal:
            // Between the person's own Binance wallets (Spot, Funding, Earn):
            // both legs are in the file and sum to zero.
            tx.kind = in ? TransactionKind::TransferIn : TransactionKind::TransferOut;
            if (tx.note.isEmpty())
                tx.note = CsvFile::cell(*r.row, cOp);
            break;
        case OpClass::Fee:
        case OpClass::TradeFee:
            if (in)
                return table.cellError(*r.row, cChangeCol, QStringLiteral("is positive, but the operation is a fee"));
            tx.kind = TransactionKind::Fee;
            break;
        case OpClass::Trade:
            tx.kind = TransactionKind::Adjustment;
            tx.quantity = r.change;
            tx.unexplained = true;
            break;
        }
        if (auto shape = checkShape(table, *r.row, tx); !shape)
            return shape.error();
        return tx;
    };

    const auto tradeGroup = [&](const QList<int> &members) -> Status {
        QMap<QString, Decimal> ins;
        QMap<QString, Decimal> outs;
        QMap<QString, Decimal> fees;
        bool sell = false;
        QStringList keys;
        for (const int i : members) {
            const TxRow &r = rows[i];
            keys.append(r.key);
            const OpClass cls = operations().value(r.op).cls;
            if (cls == OpClass::TradeFee)
                fees[r.coin] += r.change;
            else if (r.change.isPositive())
                ins[r.coin] += r.change;
            else
                outs[r.coin] += r.change;
            sell = sell || isSellOperation(r.op);
        }
        const TxRow &first = rows[members.front()];
        bool paired = ins.size() == 1 && outs.size() == 1 && ins.firstKey() != outs.firstKey();
        for (auto it = fees.cbegin(); it != fees.cend(); ++it)
            paired = paired && it.value().isNegative();
        if (!paired) {
            // Several coins in or out at one time (dust to BNB, two fills of
            // two markets in one second): kept row by row, balances stay right.
            for (const int i : members) {
                auto tx = single(rows[i]);
                if (!tx)
                    return tx.error();
                out.transactions.append(*tx);
            }
            if (ins.isEmpty() && outs.isEmpty())
                return {}; // fee rows alone: fees
            out.warnings.append(
                QStringLiteral("%1: line %2: the trade rows at %3 could not be paired into one trade (%4 coins in, %5 "
                               "out); kept as unexplained adjustments to classify")
                    .arg(table.fileName())
                    .arg(first.row->line)
                    .arg(first.time.toUTC().toString(Qt::ISODate))
                    .arg(ins.size())
                    .arg(outs.size()));
            return {};
        }
        std::sort(keys.begin(), keys.end());
        const QString inCoin = ins.firstKey();
        const QString outCoin = outs.firstKey();
        const Decimal inAmount = ins.first();
        const Decimal outAmount = outs.first().abs();
        QMap<QString, Decimal> paid;
        for (auto it = fees.cbegin(); it != fees.cend(); ++it)
            paid.insert(it.key(), it.value().abs());
        // The first fee coin stays on the trade; a second becomes a fee.
        QList<Transaction> made = pairedTrade(
            first.time, sell ? Side::Sell : Side::Buy, sell ? outCoin : inCoin, sell ? outAmount : inAmount,
            sell ? inCoin : outCoin, sell ? inAmount : outAmount, paid, paid.isEmpty() ? QString() : paid.firstKey(),
            stableId(QStringLiteral("binance:"), keys),
            [&keys](const QString &coin) { return stableId(QStringLiteral("binance:"), QStringList(keys) << coin); });
        made.first().note = first.remark;
        if (auto shape = checkShape(table, *first.row, made.first()); !shape)
            return shape.error();
        out.transactions.append(made);
        return {};
    };

    for (const int entry : order) {
        if (entry >= 0) {
            auto tx = single(rows[entry]);
            if (!tx)
                return tx.error();
            out.transactions.append(*tx);
        } else if (auto status = tradeGroup(groups[-entry - 1]); !status) {
            return status.error();
        }
    }
    return out;
}

namespace {

/// "0.0100BTC" -> (0.0100, BTC); "1,234.5USDT" too.
struct AmountWithAsset
{
    Decimal amount;
    QString asset;
};

Result<AmountWithAsset> amountWithAsset(const CsvFile &table, const CsvRow &row, int column)
{
    static const QRegularExpression shape(QStringLiteral(R"(^([0-9.,]+)\s*([A-Za-z][A-Za-z0-9]*)$)"));
    const auto match = shape.match(CsvFile::cell(row, column));
    if (!match.hasMatch())
        return table.cellError(row, column, QStringLiteral("is not an amount followed by its asset (like 0.5BTC)"));
    CsvRow number = row;
    number.cells[column] = match.captured(1);
    auto amount = table.amount(number, column);
    if (!amount)
        return table.cellError(row, column, QStringLiteral("does not start with a number"));
    return AmountWithAsset{*amount, match.captured(2).toUpper()};
}

/// Splits a Binance market such as "BTCUSDT" at the longest known quote.
std::optional<std::pair<QString, QString>> splitMarket(const QString &market)
{
    static const std::array kQuotes = {"FDUSD", "USDT", "BUSD", "USDC", "TUSD", "USDP", "BIDR", "IDRT", "BKRW",
                                       "DAI",   "BTC",  "ETH",  "BNB",  "XRP",  "TRX",  "DOGE", "DOT",  "EUR",
                                       "GBP",   "AUD",  "BRL",  "TRY",  "RUB",  "UAH",  "NGN",  "ZAR",  "PAX",
                                       "VAI",   "JPY",  "PLN",  "RON",  "ARS",  "MXN",  "CZK",  "UST",  "USD"};
    QString plain = market.toUpper();
    plain.remove(QLatin1Char('/')).remove(QLatin1Char('-')).remove(QLatin1Char('_'));
    QString best;
    for (const char *quote : kQuotes) {
        const QString q = QString::fromLatin1(quote);
        if (plain.endsWith(q) && plain.size() > q.size() && q.size() > best.size())
            best = q;
    }
    if (best.isEmpty())
        return std::nullopt;
    return std::pair{plain.left(plain.size() - best.size()), best};
}

} // namespace

Result<ParsedTransactions> parseBinanceTrades(const CsvFile &table)
{
    const int cTime = table.column(u"Date(UTC)");
    const int cPair = table.anyColumn({u"Pair", u"Market"});
    const int cSide = table.anyColumn({u"Side", u"Type"});
    const int cPrice = table.column(u"Price");
    const int cExecuted = table.column(u"Executed");
    const int cAmount = table.column(u"Amount");
    const int cTotal = table.column(u"Total");
    const int cFee = table.column(u"Fee");
    const int cFeeCoin = table.column(u"Fee Coin");
    const int cBase = table.column(u"Base Asset");
    const int cQuote = table.column(u"Quote Asset");
    const bool suffixed = cExecuted >= 0; // "0.5BTC" cells

    ParsedTransactions out;
    QHash<QString, int> seen;
    IsoTimes iso;
    for (const CsvRow &row : table.rows()) {
        auto time = binanceTime(table, row, cTime);
        if (!time)
            return time.error();
        Transaction tx = imported(TransactionKind::Trade, *time, QString(), Decimal());
        const QString side = CsvFile::cell(row, cSide).toUpper();
        if (side == QLatin1StringView("BUY"))
            tx.side = Side::Buy;
        else if (side == QLatin1StringView("SELL"))
            tx.side = Side::Sell;
        else
            return table.cellError(row, cSide, QStringLiteral("is neither BUY nor SELL"));
        auto price = table.amount(row, cPrice);
        if (!price)
            return price.error();
        tx.price = *price;
        if (suffixed) {
            auto executed = amountWithAsset(table, row, cExecuted);
            if (!executed)
                return executed.error();
            auto amount = amountWithAsset(table, row, cAmount);
            if (!amount)
                return amount.error();
            tx.asset = executed->asset;
            tx.quantity = executed->amount;
            tx.quote = amount->asset;
            tx.quoteAmount = amount->amount;
            QString pair = CsvFile::cell(row, cPair).toUpper();
            pair.remove(QLatin1Char('/')).remove(QLatin1Char('-')).remove(QLatin1Char('_'));
            if (pair != tx.asset + tx.quote) {
                return table.cellError(row, cPair,
                                       QStringLiteral("does not match the assets of Executed (%1) and Amount (%2)")
                                           .arg(tx.asset, tx.quote));
            }
            if (!CsvFile::cell(row, cFee).isEmpty()) {
                auto fee = amountWithAsset(table, row, cFee);
                if (!fee)
                    return fee.error();
                tx.fee = fee->amount;
                tx.feeAsset = fee->asset;
            }
        } else {
            if (cBase >= 0) {
                tx.asset = CsvFile::cell(row, cBase).toUpper();
                tx.quote = CsvFile::cell(row, cQuote).toUpper();
            } else {
                const auto split = splitMarket(CsvFile::cell(row, cPair));
                if (!split)
                    return table.cellError(row, cPair, QStringLiteral("does not end in a quote asset Ballast knows"));
                tx.asset = split->first;
                tx.quote = split->second;
            }
            auto amount = table.amount(row, cAmount);
            if (!amount)
                return amount.error();
            auto total = table.amount(row, cTotal);
            if (!total)
                return total.error();
            auto fee = table.amount(row, cFee, true);
            if (!fee)
                return fee.error();
            tx.quantity = *amount;
            tx.quoteAmount = *total;
            tx.fee = *fee;
            tx.feeAsset = CsvFile::cell(row, cFeeCoin).toUpper();
        }
        if (tx.fee.isZero())
            tx.feeAsset.clear();
        QStringList key = row.cells;
        key[cTime] = iso(tx.time);
        tx.externalId = stableId(QStringLiteral("binance-trade:"), {occurrence(seen, key.join(QLatin1Char('|')))});
        if (auto shape = checkShape(table, row, tx); !shape)
            return shape.error();
        out.transactions.append(tx);
    }
    return out;
}

} // namespace ballast::imports::detail
