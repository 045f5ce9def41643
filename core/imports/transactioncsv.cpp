#include "imports/transactioncsv.h"

#include "imports/exchangecsv.h"

#include <QCryptographicHash>

namespace ballast::imports {

using domain::Transaction;
using domain::TransactionKind;
using money::Decimal;

namespace {

struct FormatNames
{
    CsvFormat format;
    const char *name;
    const char *family;
};

constexpr FormatNames kNames[] = {
    {CsvFormat::BinanceTransactions, "binance-transactions", "binance"},
    {CsvFormat::BinanceTrades, "binance-trades", "binance"},
    {CsvFormat::KrakenLedgers, "kraken-ledgers", "kraken"},
    {CsvFormat::KrakenTrades, "kraken-trades", "kraken"},
    {CsvFormat::Coinbase, "coinbase", "coinbase"},
};

constexpr int kMaxPreamble = 10;

} // namespace

QString formatName(CsvFormat format)
{
    for (const auto &n : kNames) {
        if (n.format == format)
            return QString::fromLatin1(n.name);
    }
    return {};
}

std::optional<CsvFormat> formatFromName(const QString &name)
{
    for (const auto &n : kNames) {
        if (name == QLatin1StringView(n.name))
            return n.format;
    }
    return std::nullopt;
}

QString formatFamily(CsvFormat format)
{
    for (const auto &n : kNames) {
        if (n.format == format)
            return QString::fromLatin1(n.family);
    }
    return {};
}

Result<CsvFormat> detectFormat(QByteArrayView bytes, const QString &fileName, const QString &family)
{
    QList<detail::Layout> candidates;
    for (const auto &layout : detail::layouts()) {
        if (family.isEmpty() || formatFamily(layout.format) == family)
            candidates.append(layout);
    }
    if (candidates.isEmpty()) {
        return makeError(
            QStringLiteral("import.format"),
            QStringLiteral("%1: unknown format \"%2\"; expected binance, kraken or coinbase").arg(fileName, family));
    }
    const auto matching = [&candidates](const QStringList &cells) {
        for (const auto &layout : candidates) {
            if (detail::hasColumns(cells, layout.required))
                return true;
        }
        return false;
    };
    // Read the header only: a preamble of up to ten lines is skipped. A file
    // with no known header fails here with the first line shown.
    const auto table = CsvFile::read(bytes, fileName, matching, kMaxPreamble);
    if (!table) {
        if (table.error().code != QLatin1StringView("import.header"))
            return table.error();
        QStringList expected;
        for (const auto &layout : candidates)
            expected.append(QStringLiteral("%1 (%2)").arg(layout.title, CsvFile::listed(layout.required)));
        const auto firstLine = CsvFile::read(bytes, fileName);
        const QString found = firstLine ? CsvFile::listed(firstLine->header()) : QString();
        return makeError(QStringLiteral("import.header"),
                         QStringLiteral("%1: not a known export; its first line is \"%2\"; expected the header of %3")
                             .arg(fileName.isEmpty() ? QStringLiteral("(no file name)") : fileName, found,
                                  expected.join(QStringLiteral("; or "))));
    }
    for (const auto &layout : candidates) {
        if (detail::hasColumns(table->header(), layout.required))
            return layout.format;
    }
    return table->fileError(QStringLiteral("import.header"), QStringLiteral("no known header"));
}

Result<ParsedTransactions> parse(CsvFormat format, QByteArrayView bytes, const QString &fileName)
{
    const auto required = [format]() {
        QList<detail::Layout> out;
        for (const auto &layout : detail::layouts()) {
            if (layout.format == format)
                out.append(layout);
        }
        return out;
    }();
    const auto isHeader = [&required](const QStringList &cells) {
        for (const auto &layout : required) {
            if (detail::hasColumns(cells, layout.required))
                return true;
        }
        return false;
    };
    auto table = CsvFile::read(bytes, fileName, isHeader, kMaxPreamble);
    if (!table) {
        if (table.error().code != QLatin1StringView("import.header"))
            return table.error();
        // Say which columns are missing from the first line.
        const auto plain = CsvFile::read(bytes, fileName);
        if (!plain)
            return plain.error();
        QStringList expected;
        for (const auto &layout : required) {
            QStringList missing;
            for (const QString &name : layout.required) {
                if (plain->column(name) < 0)
                    missing.append(name);
            }
            expected.append(QStringLiteral("%1: %2 (missing: %3)")
                                .arg(layout.title, CsvFile::listed(layout.required), CsvFile::listed(missing)));
        }
        return plain->fileError(QStringLiteral("import.header"),
                                QStringLiteral("line %1 is not a %2 header; expected %3")
                                    .arg(plain->headerLine())
                                    .arg(formatName(format), expected.join(QStringLiteral("; or "))));
    }
    switch (format) {
    case CsvFormat::BinanceTransactions:
        return detail::parseBinanceTransactions(*table);
    case CsvFormat::BinanceTrades:
        return detail::parseBinanceTrades(*table);
    case CsvFormat::KrakenLedgers:
        return detail::parseKrakenLedgers(*table);
    case CsvFormat::KrakenTrades:
        return detail::parseKrakenTrades(*table);
    case CsvFormat::Coinbase:
        return detail::parseCoinbase(*table);
    }
    return table->fileError(QStringLiteral("import.format"), QStringLiteral("unknown format"));
}

Result<ParsedTransactions> parseDetected(QByteArrayView bytes, const QString &fileName, const QString &family)
{
    const auto format = detectFormat(bytes, fileName, family);
    if (!format)
        return format.error();
    return parse(*format, bytes, fileName);
}

namespace detail {

const QList<Layout> &layouts()
{
    static const QList<Layout> all = {
        {CsvFormat::BinanceTransactions,
         QStringLiteral("Binance Transaction History"),
         {QStringLiteral("UTC_Time"), QStringLiteral("Operation"), QStringLiteral("Coin"), QStringLiteral("Change")}},
        {CsvFormat::BinanceTrades,
         QStringLiteral("Binance Trade History (Pair, Side, Executed)"),
         {QStringLiteral("Date(UTC)"), QStringLiteral("Pair"), QStringLiteral("Side"), QStringLiteral("Price"),
          QStringLiteral("Executed"), QStringLiteral("Amount"), QStringLiteral("Fee")}},
        {CsvFormat::BinanceTrades,
         QStringLiteral("Binance Trade History (Market, Type, Fee Coin)"),
         {QStringLiteral("Date(UTC)"), QStringLiteral("Market"), QStringLiteral("Type"), QStringLiteral("Price"),
          QStringLiteral("Amount"), QStringLiteral("Total"), QStringLiteral("Fee"), QStringLiteral("Fee Coin")}},
        {CsvFormat::BinanceTrades,
         QStringLiteral("Binance Trade History (Base Asset, Quote Asset)"),
         {QStringLiteral("Date(UTC)"), QStringLiteral("Base Asset"), QStringLiteral("Quote Asset"),
          QStringLiteral("Type"), QStringLiteral("Price"), QStringLiteral("Amount"), QStringLiteral("Total"),
          QStringLiteral("Fee"), QStringLiteral("Fee Coin")}},
        {CsvFormat::KrakenLedgers,
         QStringLiteral("Kraken ledgers.csv"),
         {QStringLiteral("txid"), QStringLiteral("refid"), QStringLiteral("time"), QStringLiteral("type"),
          QStringLiteral("asset"), QStringLiteral("amount"), QStringLiteral("fee")}},
        {CsvFormat::KrakenTrades,
         QStringLiteral("Kraken trades.csv"),
         {QStringLiteral("txid"), QStringLiteral("pair"), QStringLiteral("time"), QStringLiteral("type"),
          QStringLiteral("price"), QStringLiteral("cost"), QStringLiteral("fee"), QStringLiteral("vol")}},
        {CsvFormat::Coinbase,
         QStringLiteral("Coinbase transaction report"),
         {QStringLiteral("Timestamp"), QStringLiteral("Transaction Type"), QStringLiteral("Asset"),
          QStringLiteral("Quantity Transacted")}},
    };
    return all;
}

bool hasColumns(const QStringList &header, const QStringList &names)
{
    for (const QString &name : names) {
        bool found = false;
        for (const QString &cell : header) {
            if (cell.trimmed().compare(name, Qt::CaseInsensitive) == 0) {
                found = true;
                break;
            }
        }
        if (!found)
            return false;
    }
    return true;
}

Status checkShape(const CsvFile &table, const CsvRow &row, const Transaction &tx)
{
    Transaction stored = tx;
    stored.accountId = 1; // the caller sets the real account
    const Status shape = domain::validate(stored);
    if (!shape)
        return table.lineError(row, shape.error().message);
    return {};
}

QList<Transaction> pairedTrade(const QDateTime &time, domain::Side side, const QString &base, const Decimal &quantity,
                               const QString &quote, const Decimal &quoteAmount, const QMap<QString, Decimal> &fees,
                               const QString &mainFeeAsset, const QString &externalId,
                               const std::function<QString(const QString &)> &feeId)
{
    Transaction trade = imported(TransactionKind::Trade, time, base, quantity);
    trade.side = side;
    trade.quote = quote;
    trade.quoteAmount = quoteAmount;
    trade.price = priceOf(quoteAmount, quantity);
    trade.externalId = externalId;
    QList<Transaction> out{trade};
    for (auto it = fees.cbegin(); it != fees.cend(); ++it) {
        if (it.key() == mainFeeAsset) {
            out.first().fee = it.value();
            out.first().feeAsset = it.key();
        } else {
            Transaction fee = imported(TransactionKind::Fee, time, it.key(), it.value());
            fee.externalId = feeId(it.key());
            out.append(fee);
        }
    }
    return out;
}

Transaction imported(TransactionKind kind, const QDateTime &time, const QString &asset, const Decimal &quantity)
{
    Transaction tx;
    tx.kind = kind;
    tx.time = time;
    tx.asset = asset;
    tx.quantity = quantity;
    tx.source = domain::TransactionSource::Import;
    return tx;
}

QString stableId(const QString &prefix, const QStringList &parts)
{
    const QByteArray digest =
        QCryptographicHash::hash(parts.join(QLatin1Char('|')).toUtf8(), QCryptographicHash::Sha256).toHex();
    return prefix + QString::fromLatin1(digest.left(32));
}

QString occurrence(QHash<QString, int> &seen, const QString &key)
{
    const int n = ++seen[key];
    return n == 1 ? key : QStringLiteral("%1#%2").arg(key).arg(n);
}

Decimal priceOf(const Decimal &quoteAmount, const Decimal &quantity)
{
    if (quantity.isZero())
        return {};
    const auto price = quoteAmount.div(quantity, money::RoundingMode::HalfEven);
    return price ? *price : Decimal();
}

} // namespace detail

} // namespace ballast::imports
