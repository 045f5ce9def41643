// Coinbase's transaction report (Statements > Transaction history, CSV).

#include "common/numberparse.h"
#include "imports/exchangecsv.h"

#include <QHash>
#include <QRegularExpression>

namespace ballast::imports::detail {

using domain::Side;
using domain::Transaction;
using domain::TransactionKind;
using money::Decimal;

namespace {

enum class CbClass { Buy, Sell, Convert, Deposit, Withdrawal, TransferIn, TransferOut, Moved, Income };

struct CbType
{
    CbClass cls;
    const char *subkind;
};

std::optional<CbType> coinbaseType(const QString &type)
{
    static const QHash<QString, CbType> types = {
        {QStringLiteral("buy"), {CbClass::Buy, ""}},
        {QStringLiteral("advanced trade buy"), {CbClass::Buy, ""}},
        {QStringLiteral("sell"), {CbClass::Sell, ""}},
        {QStringLiteral("advanced trade sell"), {CbClass::Sell, ""}},
        {QStringLiteral("convert"), {CbClass::Convert, ""}},
        {QStringLiteral("receive"), {CbClass::Deposit, ""}},
        {QStringLiteral("deposit"), {CbClass::Deposit, ""}},
        {QStringLiteral("send"), {CbClass::Withdrawal, ""}},
        {QStringLiteral("withdrawal"), {CbClass::Withdrawal, ""}},
        {QStringLiteral("pro deposit"), {CbClass::TransferIn, ""}},
        {QStringLiteral("exchange deposit"), {CbClass::TransferIn, ""}},
        {QStringLiteral("pro withdrawal"), {CbClass::TransferOut, ""}},
        {QStringLiteral("exchange withdrawal"), {CbClass::TransferOut, ""}},
        {QStringLiteral("retail staking transfer"), {CbClass::Moved, ""}},
        {QStringLiteral("retail unstaking transfer"), {CbClass::Moved, ""}},
        {QStringLiteral("rewards income"), {CbClass::Income, "reward"}},
        {QStringLiteral("coinbase earn"), {CbClass::Income, "reward"}},
        {QStringLiteral("learning reward"), {CbClass::Income, "reward"}},
        {QStringLiteral("incentives rewards payout"), {CbClass::Income, "reward"}},
        {QStringLiteral("staking income"), {CbClass::Income, "staking"}},
        {QStringLiteral("inflation reward"), {CbClass::Income, "staking"}},
        {QStringLiteral("interest payout"), {CbClass::Income, "interest"}},
    };
    const auto it = types.find(type);
    if (it == types.end())
        return std::nullopt;
    return *it;
}

/// The column named like "USD Spot Price at Transaction" in old reports,
/// with the currency it names; or the plain name.
struct CurrencyColumn
{
    int index = -1;
    QString currency; ///< from the header name, when it carried one
};

CurrencyColumn currencyColumn(const CsvFile &table, std::initializer_list<QStringView> plain, const QString &suffix)
{
    if (const int c = table.anyColumn(plain); c >= 0)
        return {c, {}};
    const QRegularExpression named(QStringLiteral("^([A-Z]{3,5}) ") + QRegularExpression::escape(suffix),
                                   QRegularExpression::CaseInsensitiveOption);
    for (qsizetype i = 0; i < table.header().size(); ++i) {
        const auto match = named.match(table.header()[i].trimmed());
        if (match.hasMatch())
            return {static_cast<int>(i), match.captured(1).toUpper()};
    }
    return {};
}

} // namespace

Result<ParsedTransactions> parseCoinbase(const CsvFile &table)
{
    const int cId = table.column(u"ID");
    const int cTime = table.column(u"Timestamp");
    const int cType = table.column(u"Transaction Type");
    const int cAsset = table.column(u"Asset");
    const int cQty = table.column(u"Quantity Transacted");
    const int cCurrency = table.anyColumn({u"Spot Price Currency", u"Price Currency"});
    const CurrencyColumn price = currencyColumn(table, {u"Spot Price at Transaction", u"Price at Transaction"},
                                                QStringLiteral("Spot Price at Transaction"));
    const CurrencyColumn subtotal = currencyColumn(table, {u"Subtotal"}, QStringLiteral("Subtotal"));
    const CurrencyColumn fees = currencyColumn(table, {u"Fees and/or Spread"}, QStringLiteral("Fees"));
    const int cNotes = table.column(u"Notes");
    if (price.index < 0 || (cCurrency < 0 && price.currency.isEmpty())) {
        return table.fileError(QStringLiteral("import.header"),
                               QStringLiteral("line %1: the Coinbase report has no spot price columns; expected "
                                              "\"Spot Price Currency\" and \"Spot Price at Transaction\" (or \"Price "
                                              "Currency\" and \"Price at Transaction\")")
                                   .arg(table.headerLine()));
    }

    static const QRegularExpression advanced(QStringLiteral(R"(\bon ([A-Z0-9]+)-([A-Z0-9]+) at ([0-9.,]+))"));
    static const QRegularExpression converted(
        QStringLiteral(R"(^Converted ([0-9.,]+) ([A-Za-z0-9]+) to ([0-9.,]+) ([A-Za-z0-9]+))"));

    ParsedTransactions out;
    QHash<QString, int> seen;
    int zero = 0;
    for (const CsvRow &row : table.rows()) {
        const auto type = coinbaseType(CsvFile::cell(row, cType).toLower());
        if (!type) {
            return table.cellError(row, cType,
                                   QStringLiteral("is not a Coinbase transaction type Ballast reads (the list is in "
                                                  "docs/imports.md)"));
        }
        auto time = table.time(row, cTime);
        if (!time)
            return time.error();
        const QString asset = CsvFile::cell(row, cAsset).toUpper();
        if (asset.isEmpty())
            return table.cellError(row, cAsset, QStringLiteral("is empty; expected the asset"));
        auto qty = table.amount(row, cQty);
        if (!qty)
            return qty.error();
        if (qty->isZero()) {
            ++zero;
            continue;
        }
        auto spot = table.amount(row, price.index, true);
        if (!spot)
            return spot.error();
        if (spot->isNegative())
            return table.cellError(row, price.index, QStringLiteral("is negative"));
        auto sub = table.amount(row, subtotal.index, true);
        if (!sub)
            return sub.error();
        auto fee = table.amount(row, fees.index, true);
        if (!fee)
            return fee.error();
        const QString currency = cCurrency >= 0 ? CsvFile::cell(row, cCurrency).toUpper() : price.currency;
        const QString notes = CsvFile::cell(row, cNotes);

        Transaction tx = imported(TransactionKind::Trade, *time, asset, qty->abs());
        tx.note = notes;
        tx.price = *spot;
        switch (type->cls) {
        case CbClass::Buy:
        case CbClass::Sell: {
            tx.side = type->cls == CbClass::Buy ? Side::Buy : Side::Sell;
            tx.quote = currency;
            tx.quoteAmount = sub->abs();
            tx.fee = fee->abs();
            const auto match = advanced.match(notes);
            if (match.hasMatch() && match.captured(1) == asset && match.captured(2) != currency) {
                // An Advanced Trade on a crypto market (BTC-USDC): the report's
                // amounts are in the spot currency, the trade was in the quote.
                const auto pairPrice = numbers::parseAmount(plainAmountText(match.captured(3)),
                                                            table.where(row, cNotes) + QStringLiteral(" price"));
                if (!pairPrice)
                    return table.fileError(pairPrice.error().code, pairPrice.error().message);
                tx.quote = match.captured(2);
                tx.price = *pairPrice;
                tx.quoteAmount = Decimal();
                if (!tx.fee.isZero()) {
                    tx.note = QStringLiteral("%1 (fee %2 %3 as reported by Coinbase)")
                                  .arg(notes, tx.fee.toString(), currency);
                    tx.fee = Decimal();
                }
            }
            if (!tx.fee.isZero())
                tx.feeAsset = tx.quote;
            break;
        }
        case CbClass::Convert: {
            const auto match = converted.match(notes);
            if (!match.hasMatch() || match.captured(2).toUpper() != asset) {
                return table.cellError(
                    row, cNotes,
                    QStringLiteral("does not say what %1 was converted to (expected \"Converted 1 %1 to 2,000 USDC\")")
                        .arg(asset));
            }
            const auto to =
                numbers::parseAmount(plainAmountText(match.captured(3)),
                                     table.where(row, cNotes) + QStringLiteral(" amount"), numbers::Sign::Positive);
            if (!to)
                return table.fileError(to.error().code, to.error().message);
            tx.side = Side::Sell;
            tx.quote = match.captured(4).toUpper();
            tx.quoteAmount = *to;
            tx.price = priceOf(tx.quoteAmount, tx.quantity);
            // Coinbase reports the spread in the spot currency; the convert
            // paid it in the assets themselves, already in the amounts.
            break;
        }
        case CbClass::Deposit:
            tx.kind = TransactionKind::Deposit;
            break;
        case CbClass::Withdrawal:
            tx.kind = TransactionKind::Withdrawal;
            break;
        case CbClass::TransferIn:
            tx.kind = TransactionKind::TransferIn;
            break;
        case CbClass::TransferOut:
            tx.kind = TransactionKind::TransferOut;
            break;
        case CbClass::Moved:
            tx.kind = qty->isPositive() ? TransactionKind::TransferIn : TransactionKind::TransferOut;
            break;
        case CbClass::Income:
            tx.kind = TransactionKind::Income;
            tx.subkind = QString::fromLatin1(type->subkind);
            break;
        }
        if (tx.kind != TransactionKind::Trade && asset == currency)
            tx.price = Decimal::fromInt(1); // a fiat deposit is worth itself
        const QString id = CsvFile::cell(row, cId);
        if (!id.isEmpty()) {
            tx.externalId = id;
        } else {
            QStringList key = row.cells;
            key[cTime] = tx.time.toUTC().toString(Qt::ISODate);
            tx.externalId = stableId(QStringLiteral("coinbase:"), {key.join(QLatin1Char('|'))});
            tx.externalId = occurrence(seen, tx.externalId);
        }
        if (auto shape = checkShape(table, row, tx); !shape)
            return shape.error();
        out.transactions.append(tx);
    }
    if (zero > 0) {
        out.warnings.append(
            QStringLiteral("%1: %2 rows with a quantity of zero left out").arg(table.fileName()).arg(zero));
    }
    return out;
}

} // namespace ballast::imports::detail
