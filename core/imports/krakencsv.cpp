// Kraken's ledgers.csv and trades.csv.

#include "imports/exchangecsv.h"
#include "imports/krakenledger.h"

#include <QHash>
#include <QMap>

#include <array>

namespace ballast::imports::detail {

using domain::Side;
using domain::Transaction;
using domain::TransactionKind;
using money::Decimal;

namespace {

/// Kraken's asset codes as plain symbols: XXBT -> BTC, ZUSD -> USD, DOT.S -> DOT.
QString krakenAsset(const QString &code)
{
    static const QHash<QString, QString> names = {
        {QStringLiteral("XXBT"), QStringLiteral("BTC")},  {QStringLiteral("XBT"), QStringLiteral("BTC")},
        {QStringLiteral("XETH"), QStringLiteral("ETH")},  {QStringLiteral("ETH2"), QStringLiteral("ETH")},
        {QStringLiteral("XLTC"), QStringLiteral("LTC")},  {QStringLiteral("XXRP"), QStringLiteral("XRP")},
        {QStringLiteral("XXLM"), QStringLiteral("XLM")},  {QStringLiteral("XXMR"), QStringLiteral("XMR")},
        {QStringLiteral("XZEC"), QStringLiteral("ZEC")},  {QStringLiteral("XETC"), QStringLiteral("ETC")},
        {QStringLiteral("XREP"), QStringLiteral("REP")},  {QStringLiteral("XMLN"), QStringLiteral("MLN")},
        {QStringLiteral("XXDG"), QStringLiteral("DOGE")}, {QStringLiteral("XDG"), QStringLiteral("DOGE")},
        {QStringLiteral("XICN"), QStringLiteral("ICN")},  {QStringLiteral("XNMC"), QStringLiteral("NMC")},
        {QStringLiteral("ZUSD"), QStringLiteral("USD")},  {QStringLiteral("ZEUR"), QStringLiteral("EUR")},
        {QStringLiteral("ZGBP"), QStringLiteral("GBP")},  {QStringLiteral("ZCAD"), QStringLiteral("CAD")},
        {QStringLiteral("ZJPY"), QStringLiteral("JPY")},  {QStringLiteral("ZAUD"), QStringLiteral("AUD")},
        {QStringLiteral("ZKRW"), QStringLiteral("KRW")},
    };
    QString plain = code.trimmed().toUpper();
    // Staking (.S), opt-in rewards (.M), flexible earn (.F), bonded (.B),
    // parachain (.P) and on-hold (.HOLD) balances are the same asset.
    if (const qsizetype dot = plain.indexOf(QLatin1Char('.')); dot > 0)
        plain.truncate(dot);
    // Old staking codes carried a digit suffix (ETH2 above, "DOT28" never did).
    return names.value(plain, plain);
}

/// Lower is more likely the quote of a pair.
int quoteRank(const QString &asset)
{
    static const QHash<QString, int> ranks = {
        {QStringLiteral("USD"), 0}, {QStringLiteral("EUR"), 0},   {QStringLiteral("GBP"), 0},
        {QStringLiteral("CAD"), 0}, {QStringLiteral("JPY"), 0},   {QStringLiteral("CHF"), 0},
        {QStringLiteral("AUD"), 0}, {QStringLiteral("USDT"), 1},  {QStringLiteral("USDC"), 1},
        {QStringLiteral("DAI"), 1}, {QStringLiteral("PYUSD"), 1}, {QStringLiteral("BTC"), 2},
        {QStringLiteral("ETH"), 3},
    };
    return ranks.value(asset, 9);
}

enum class LedgerClass { Trade, Deposit, Withdrawal, Income, Transfer, Fee, Unsupported };

std::optional<LedgerClass> ledgerClass(const QString &type)
{
    static const QHash<QString, LedgerClass> classes = {
        {QStringLiteral("trade"), LedgerClass::Trade},
        {QStringLiteral("spend"), LedgerClass::Trade},
        {QStringLiteral("receive"), LedgerClass::Trade},
        {QStringLiteral("deposit"), LedgerClass::Deposit},
        {QStringLiteral("withdrawal"), LedgerClass::Withdrawal},
        {QStringLiteral("staking"), LedgerClass::Income},
        {QStringLiteral("earn"), LedgerClass::Income},
        {QStringLiteral("dividend"), LedgerClass::Income},
        {QStringLiteral("reward"), LedgerClass::Income},
        {QStringLiteral("invite bonus"), LedgerClass::Income},
        {QStringLiteral("credit"), LedgerClass::Income},
        {QStringLiteral("transfer"), LedgerClass::Transfer},
        {QStringLiteral("rollover"), LedgerClass::Fee},
        {QStringLiteral("adjustment"), LedgerClass::Unsupported},
        {QStringLiteral("margin"), LedgerClass::Unsupported},
        {QStringLiteral("margin trade"), LedgerClass::Unsupported},
        {QStringLiteral("settled"), LedgerClass::Unsupported},
        {QStringLiteral("sale"), LedgerClass::Unsupported},
        {QStringLiteral("conversion"), LedgerClass::Unsupported},
    };
    const auto it = classes.find(type);
    if (it == classes.end())
        return std::nullopt;
    return *it;
}

struct LedgerRow
{
    const CsvRow *row = nullptr; ///< the file's row; null for entries of the API
    QString entryId; ///< where an API entry is named in messages
    QString txid;
    QString refid;
    QDateTime time;
    QString type; ///< lower case
    QString subtype; ///< lower case
    QString asset; ///< plain symbol
    Decimal amount;
    Decimal fee;
    LedgerClass cls = LedgerClass::Unsupported;
};

/// Where the rows came from, for messages: a ledgers.csv (line and column)
/// or the API's Ledgers (entry id and field).
struct LedgerSource
{
    const CsvFile *table = nullptr;
    int amountColumn = -1;
    QString name; ///< the file name, or "Kraken Ledgers"

    [[nodiscard]] Error amountError(const LedgerRow &r, const QString &why) const
    {
        if (table)
            return table->cellError(*r.row, amountColumn, why);
        return Error{QStringLiteral("import.parse"),
                     QStringLiteral("%1: entry %2, field \"amount\": %3").arg(name, r.entryId, why)};
    }
    [[nodiscard]] Status shape(const LedgerRow &r, const Transaction &tx) const
    {
        if (table)
            return checkShape(*table, *r.row, tx);
        Transaction stored = tx;
        stored.accountId = 1; // the caller sets the real account
        if (const Status valid = domain::validate(stored); !valid)
            return Error{QStringLiteral("import.parse"),
                         QStringLiteral("%1: entry %2: %3").arg(name, r.entryId, valid.error().message)};
        return {};
    }
    [[nodiscard]] QString place(const LedgerRow &r) const
    {
        return table ? QStringLiteral("line %1").arg(r.row->line) : QStringLiteral("entry %1").arg(r.entryId);
    }
};

Result<ParsedTransactions> mapLedgerRows(const QList<LedgerRow> &rows, int pending, const LedgerSource &source);

} // namespace

Result<ParsedTransactions> parseKrakenLedgers(const CsvFile &table)
{
    const int cTxid = table.column(u"txid");
    const int cRefid = table.column(u"refid");
    const int cTime = table.column(u"time");
    const int cType = table.column(u"type");
    const int cSubtype = table.column(u"subtype");
    const int cAsset = table.column(u"asset");
    const int cAmount = table.column(u"amount");
    const int cFee = table.column(u"fee");

    QList<LedgerRow> rows;
    int pending = 0;
    for (const CsvRow &row : table.rows()) {
        LedgerRow r;
        r.row = &row;
        r.txid = CsvFile::cell(row, cTxid);
        r.refid = CsvFile::cell(row, cRefid);
        r.type = CsvFile::cell(row, cType).toLower();
        r.subtype = CsvFile::cell(row, cSubtype).toLower();
        const auto cls = ledgerClass(r.type);
        if (!cls) {
            return table.cellError(row, cType,
                                   QStringLiteral("is not a Kraken ledger type Ballast reads (the list is in "
                                                  "docs/imports.md)"));
        }
        r.cls = *cls;
        auto time = table.time(row, cTime);
        if (!time)
            return time.error();
        r.time = *time;
        r.asset = krakenAsset(CsvFile::cell(row, cAsset));
        if (r.asset.isEmpty())
            return table.cellError(row, cAsset, QStringLiteral("is empty; expected the asset"));
        auto amount = table.amount(row, cAmount);
        if (!amount)
            return amount.error();
        r.amount = *amount;
        auto fee = table.amount(row, cFee, true);
        if (!fee)
            return fee.error();
        if (fee->isNegative())
            return table.cellError(row, cFee, QStringLiteral("is negative"));
        r.fee = *fee;
        // Kraken writes deposits and withdrawals twice: first without a
        // ledger id while pending, then with one when booked.
        if (r.txid.isEmpty()) {
            ++pending;
            continue;
        }
        if (r.refid.isEmpty() && r.cls == LedgerClass::Trade)
            return table.cellError(row, cRefid, QStringLiteral("is empty; a trade row needs the trade's refid"));
        rows.append(r);
    }
    return mapLedgerRows(rows, pending, LedgerSource{&table, cAmount, table.fileName()});
}

namespace {

Result<ParsedTransactions> mapLedgerRows(const QList<LedgerRow> &rows, int pending, const LedgerSource &source)
{
    ParsedTransactions out;
    if (pending > 0) {
        out.warnings.append(
            QStringLiteral("%1: %2 rows without a txid (pending entries Kraken repeats once booked) left out")
                .arg(source.name)
                .arg(pending));
    }

    const auto single = [&](const LedgerRow &r) -> Result<std::optional<Transaction>> {
        if (r.amount.isZero() && r.fee.isZero())
            return std::optional<Transaction>();
        Transaction tx = imported(TransactionKind::Adjustment, r.time, r.asset, r.amount.abs());
        tx.externalId = r.txid;
        tx.fee = r.fee;
        tx.feeAsset = r.fee.isZero() ? QString() : r.asset;
        const bool in = r.amount.isPositive();
        switch (r.cls) {
        case LedgerClass::Deposit:
            if (!in)
                return source.amountError(r, QStringLiteral("is not positive, but the type is deposit"));
            tx.kind = TransactionKind::Deposit;
            break;
        case LedgerClass::Withdrawal:
            if (in || r.amount.isZero())
                return source.amountError(r, QStringLiteral("is not negative, but the type is withdrawal"));
            tx.kind = TransactionKind::Withdrawal;
            break;
        case LedgerClass::Income:
            if (r.type == QLatin1StringView("earn") && r.subtype != QLatin1StringView("reward")) {
                // allocation, deallocation, migration: between Kraken wallets.
                tx.kind = in ? TransactionKind::TransferIn : TransactionKind::TransferOut;
                tx.note = QStringLiteral("kraken earn %1").arg(r.subtype);
                break;
            }
            if (!in)
                return source.amountError(r, QStringLiteral("is negative, but the type is income"));
            tx.kind = TransactionKind::Income;
            tx.subkind = r.type == QLatin1StringView("staking") || r.type == QLatin1StringView("earn")
                ? QStringLiteral("staking")
                : (r.type == QLatin1StringView("dividend") ? QStringLiteral("dividend") : QStringLiteral("reward"));
            break;
        case LedgerClass::Transfer:
            if (in && r.subtype.isEmpty()) {
                // Airdrops and forks credited by Kraken.
                tx.kind = TransactionKind::Income;
                tx.subkind = QStringLiteral("airdrop");
            } else {
                tx.kind = in ? TransactionKind::TransferIn : TransactionKind::TransferOut;
                tx.note = QStringLiteral("kraken transfer %1").arg(r.subtype).trimmed();
            }
            break;
        case LedgerClass::Fee:
            tx.kind = TransactionKind::Fee;
            tx.quantity = (r.amount.abs() + r.fee);
            tx.fee = Decimal();
            tx.feeAsset.clear();
            break;
        case LedgerClass::Trade:
        case LedgerClass::Unsupported:
            tx.kind = TransactionKind::Adjustment;
            tx.quantity = r.amount - r.fee;
            tx.fee = Decimal();
            tx.feeAsset.clear();
            tx.unexplained = true;
            tx.note = QStringLiteral("kraken %1 %2").arg(r.type, r.subtype).trimmed();
            if (tx.quantity.isZero())
                return std::optional<Transaction>();
            break;
        }
        if (tx.quantity.isZero() && !tx.fee.isZero()) {
            // Only a fee moved.
            tx.kind = TransactionKind::Fee;
            tx.quantity = tx.fee;
            tx.fee = Decimal();
            tx.feeAsset.clear();
            tx.subkind.clear();
        }
        if (auto shape = source.shape(r, tx); !shape)
            return shape.error();
        return std::optional<Transaction>(tx);
    };

    // Trade rows grouped by refid, placed where their first row is.
    QHash<QString, QList<int>> groups;
    QList<int> order; // row index, or -(first row index + 1) for a group
    for (int i = 0; i < rows.size(); ++i) {
        if (rows[i].cls != LedgerClass::Trade) {
            order.append(i);
            continue;
        }
        auto &group = groups[rows[i].refid];
        if (group.isEmpty())
            order.append(-(i + 1));
        group.append(i);
    }

    const auto appendSingle = [&](const LedgerRow &r) -> Status {
        auto tx = single(r);
        if (!tx)
            return tx.error();
        if (tx->has_value())
            out.transactions.append(**tx);
        return {};
    };

    const auto tradeGroup = [&](const QList<int> &members) -> Status {
        QMap<QString, Decimal> moved;
        QMap<QString, Decimal> fees;
        for (const int i : members) {
            const LedgerRow &r = rows[i];
            if (!r.amount.isZero())
                moved[r.asset] += r.amount;
            if (!r.fee.isZero())
                fees[r.asset] += r.fee;
        }
        const LedgerRow &first = rows[members.front()];
        QString inAsset;
        QString outAsset;
        for (auto it = moved.cbegin(); it != moved.cend(); ++it) {
            if (it.value().isPositive())
                inAsset = inAsset.isEmpty() ? it.key() : QStringLiteral("?");
            else if (it.value().isNegative())
                outAsset = outAsset.isEmpty() ? it.key() : QStringLiteral("?");
        }
        if (inAsset.isEmpty() || outAsset.isEmpty() || inAsset == QLatin1StringView("?")
            || outAsset == QLatin1StringView("?") || moved.size() != 2) {
            for (const int i : members) {
                if (auto status = appendSingle(rows[i]); !status)
                    return status;
            }
            out.warnings.append(QStringLiteral("%1: %2: the %3 rows of refid %4 are not one asset against another; "
                                               "kept as unexplained adjustments to classify")
                                    .arg(source.name, source.place(first))
                                    .arg(members.size())
                                    .arg(first.refid));
            return {};
        }
        // Equal rank: what was spent is the quote (a buy).
        const bool buy = quoteRank(outAsset) <= quoteRank(inAsset);
        const QString base = buy ? inAsset : outAsset;
        const QString quote = buy ? outAsset : inAsset;
        // The fee in the quote asset stays on the trade; others become fees.
        const QString mainFee = fees.contains(quote) ? quote : (fees.isEmpty() ? QString() : fees.firstKey());
        // The refid of a trade's ledger rows is the trade id of trades.csv and
        // of the API: keyed as executions key their fills.
        const QList<Transaction> made = pairedTrade(
            first.time, buy ? Side::Buy : Side::Sell, base, moved.value(base).abs(), quote, moved.value(quote).abs(),
            fees, mainFee, domain::tradeExternalId(base + QLatin1Char('/') + quote, first.refid),
            [&first](const QString &asset) { return QStringLiteral("%1:fee:%2").arg(first.refid, asset); });
        if (auto shape = source.shape(first, made.first()); !shape)
            return shape;
        out.transactions.append(made);
        return {};
    };

    for (const int entry : order) {
        const Status status = entry >= 0 ? appendSingle(rows[entry]) : tradeGroup(groups.value(rows[-entry - 1].refid));
        if (!status)
            return status.error();
    }
    int unexplained = 0;
    for (const Transaction &tx : out.transactions)
        unexplained += tx.unexplained ? 1 : 0;
    if (unexplained > 0) {
        out.warnings.append(QStringLiteral("%1: %2 rows (margin, settlement, conversion or unpaired) kept as "
                                           "unexplained adjustments to classify")
                                .arg(source.name)
                                .arg(unexplained));
    }
    return out;
}

} // namespace

} // namespace ballast::imports::detail

namespace ballast::imports {

Result<ParsedTransactions> mapKrakenLedger(const QList<KrakenLedgerRow> &entries, const QString &source)
{
    using namespace detail;
    QList<LedgerRow> rows;
    rows.reserve(entries.size());
    for (const KrakenLedgerRow &entry : entries) {
        LedgerRow r;
        r.entryId = entry.txid;
        r.txid = entry.txid;
        r.refid = entry.refid;
        r.time = entry.time;
        r.type = entry.type.toLower();
        r.subtype = entry.subtype.toLower();
        const auto cls = ledgerClass(r.type);
        if (!cls) {
            return Error{QStringLiteral("import.parse"),
                         QStringLiteral("%1: entry %2, field \"type\" \"%3\": is not a Kraken ledger type Ballast "
                                        "reads (the list is in docs/imports.md)")
                             .arg(source, entry.txid, entry.type)};
        }
        r.cls = *cls;
        r.asset = krakenAsset(entry.asset);
        r.amount = entry.amount;
        r.fee = entry.fee;
        if (r.txid.isEmpty() || r.asset.isEmpty() || !r.time.isValid() || r.fee.isNegative()
            || (r.refid.isEmpty() && r.cls == LedgerClass::Trade)) {
            return Error{QStringLiteral("import.parse"),
                         QStringLiteral("%1: entry \"%2\" lacks its id, refid, asset, time or a fee of zero or more")
                             .arg(source, entry.txid)};
        }
        rows.append(r);
    }
    return mapLedgerRows(rows, 0, LedgerSource{nullptr, -1, source});
}

} // namespace ballast::imports

namespace ballast::imports::detail {

namespace {

std::optional<std::pair<QString, QString>> splitKrakenPair(const QString &pair)
{
    const QString upper = pair.trimmed().toUpper();
    if (upper.contains(QLatin1Char('/'))) {
        const QStringList parts = upper.split(QLatin1Char('/'));
        if (parts.size() == 2 && !parts[0].isEmpty() && !parts[1].isEmpty())
            return std::pair{krakenAsset(parts[0]), krakenAsset(parts[1])};
        return std::nullopt;
    }
    // The old four-letter codes: XXBTZUSD, XETHXXBT.
    if (upper.size() == 8 && (upper[0] == QLatin1Char('X') || upper[0] == QLatin1Char('Z'))
        && (upper[4] == QLatin1Char('X') || upper[4] == QLatin1Char('Z'))) {
        const QString base = krakenAsset(upper.left(4));
        const QString quote = krakenAsset(upper.mid(4));
        if (base != upper.left(4) && quote != upper.mid(4))
            return std::pair{base, quote};
    }
    static const std::array kQuotes = {"ZUSD", "ZEUR", "ZGBP",  "ZCAD", "ZJPY", "XXBT", "XETH",
                                       "USDT", "USDC", "PYUSD", "USD",  "EUR",  "GBP",  "CAD",
                                       "JPY",  "CHF",  "AUD",   "XBT",  "ETH",  "DAI",  "DOT"};
    QString best;
    for (const char *quote : kQuotes) {
        const QString q = QString::fromLatin1(quote);
        if (upper.endsWith(q) && upper.size() > q.size() && q.size() > best.size())
            best = q;
    }
    if (best.isEmpty())
        return std::nullopt;
    return std::pair{krakenAsset(upper.left(upper.size() - best.size())), krakenAsset(best)};
}

} // namespace

Result<ParsedTransactions> parseKrakenTrades(const CsvFile &table)
{
    const int cTxid = table.column(u"txid");
    const int cOrder = table.column(u"ordertxid");
    const int cPair = table.column(u"pair");
    const int cTime = table.column(u"time");
    const int cType = table.column(u"type");
    const int cOrderType = table.column(u"ordertype");
    const int cPrice = table.column(u"price");
    const int cCost = table.column(u"cost");
    const int cFee = table.column(u"fee");
    const int cVol = table.column(u"vol");
    const int cMargin = table.column(u"margin");

    ParsedTransactions out;
    bool anyFee = false;
    int margin = 0;
    for (const CsvRow &row : table.rows()) {
        auto time = table.time(row, cTime);
        if (!time)
            return time.error();
        Transaction tx = imported(TransactionKind::Trade, *time, QString(), Decimal());
        const QString tradeId = CsvFile::cell(row, cTxid);
        if (tradeId.isEmpty())
            return table.cellError(row, cTxid, QStringLiteral("is empty; expected the trade id"));
        const QString side = CsvFile::cell(row, cType).toLower();
        if (side == QLatin1StringView("buy"))
            tx.side = Side::Buy;
        else if (side == QLatin1StringView("sell"))
            tx.side = Side::Sell;
        else
            return table.cellError(row, cType, QStringLiteral("is neither buy nor sell"));
        const auto pair = splitKrakenPair(CsvFile::cell(row, cPair));
        if (!pair)
            return table.cellError(row, cPair,
                                   QStringLiteral("is not a Kraken pair Ballast can split into base and quote"));
        tx.asset = pair->first;
        tx.quote = pair->second;
        tx.externalId = domain::tradeExternalId(tx.asset + QLatin1Char('/') + tx.quote, tradeId);
        auto price = table.amount(row, cPrice);
        if (!price)
            return price.error();
        auto cost = table.amount(row, cCost);
        if (!cost)
            return cost.error();
        auto vol = table.amount(row, cVol);
        if (!vol)
            return vol.error();
        auto fee = table.amount(row, cFee, true);
        if (!fee)
            return fee.error();
        tx.price = *price;
        tx.quoteAmount = *cost;
        tx.quantity = *vol;
        tx.fee = *fee;
        tx.feeAsset = fee->isZero() ? QString() : tx.quote;
        anyFee = anyFee || !fee->isZero();
        if (cMargin >= 0) {
            auto m = table.amount(row, cMargin, true);
            if (!m)
                return m.error();
            margin += m->isZero() ? 0 : 1;
        }
        const QString order = CsvFile::cell(row, cOrder);
        const QString orderType = CsvFile::cell(row, cOrderType);
        if (!order.isEmpty() || !orderType.isEmpty())
            tx.note = QStringLiteral("order %1 %2").arg(order, orderType).trimmed();
        if (auto shape = checkShape(table, row, tx); !shape)
            return shape.error();
        out.transactions.append(tx);
    }
    if (anyFee) {
        out.warnings.append(QStringLiteral("%1: trades.csv gives fees as Kraken's estimate in the quote asset; "
                                           "ledgers.csv has the fees charged")
                                .arg(table.fileName()));
    }
    if (margin > 0) {
        out.warnings.append(QStringLiteral("%1: %2 trades used margin; their positions are not tracked")
                                .arg(table.fileName())
                                .arg(margin));
    }
    return out;
}

} // namespace ballast::imports::detail
