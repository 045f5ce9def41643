#include "domain/transaction.h"

#include <array>
#include <utility>

namespace ballast::domain {

using money::Decimal;

namespace {

constexpr std::array<std::pair<TransactionKind, const char *>, 8> kKindNames{{
    {TransactionKind::Trade, "trade"},
    {TransactionKind::Deposit, "deposit"},
    {TransactionKind::Withdrawal, "withdrawal"},
    {TransactionKind::TransferOut, "transfer_out"},
    {TransactionKind::TransferIn, "transfer_in"},
    {TransactionKind::Income, "income"},
    {TransactionKind::Fee, "fee"},
    {TransactionKind::Adjustment, "adjustment"},
}};

constexpr std::array<std::pair<TransactionSource, const char *>, 5> kSourceNames{{
    {TransactionSource::Manual, "manual"},
    {TransactionSource::Import, "import"},
    {TransactionSource::Sync, "sync"},
    {TransactionSource::Execution, "execution"},
    {TransactionSource::Opening, "opening"},
}};

/// Appends a non-zero change to @p out at @p n.
void add(std::array<AssetChange, 3> &out, int &n, const QString &asset, const Decimal &delta)
{
    if (delta.isZero())
        return;
    out[static_cast<std::size_t>(n++)] = AssetChange{&asset, delta};
}

Error fieldError(const QString &field, const QString &why)
{
    return makeError(QStringLiteral("transaction.invalid"), QStringLiteral("%1: %2").arg(field, why));
}

} // namespace

int assetChanges(const Transaction &tx, std::array<AssetChange, 3> &out)
{
    int n = 0; // at most: base, quote, fee
    switch (tx.kind) {
    case TransactionKind::Trade: {
        const Decimal quoteMoved = tx.tradeQuote();
        if (tx.side == Side::Buy) {
            add(out, n, tx.asset, tx.quantity);
            add(out, n, tx.quote, -quoteMoved);
        } else {
            add(out, n, tx.asset, -tx.quantity);
            add(out, n, tx.quote, quoteMoved);
        }
        break;
    }
    case TransactionKind::Deposit:
    case TransactionKind::TransferIn:
    case TransactionKind::Income:
        add(out, n, tx.asset, tx.quantity);
        break;
    case TransactionKind::Withdrawal:
    case TransactionKind::TransferOut:
    case TransactionKind::Fee:
        add(out, n, tx.asset, -tx.quantity);
        break;
    case TransactionKind::Adjustment:
        add(out, n, tx.asset, tx.quantity);
        break;
    }
    if (!tx.fee.isZero())
        add(out, n, tx.feeAsset, -tx.fee);
    return n;
}

QList<BalanceChange> balanceChanges(const Transaction &tx)
{
    std::array<AssetChange, 3> changes;
    const int n = assetChanges(tx, changes);
    QList<BalanceChange> out;
    out.reserve(n);
    for (int i = 0; i < n; ++i) {
        const AssetChange &c = changes[static_cast<std::size_t>(i)];
        out.append(BalanceChange{tx.accountId, tx.network, *c.asset, c.delta});
    }
    return out;
}

bool isExternalFlow(TransactionKind kind)
{
    return kind == TransactionKind::Deposit || kind == TransactionKind::Withdrawal
        || kind == TransactionKind::Adjustment;
}

QString kindName(TransactionKind kind)
{
    for (const auto &[k, name] : kKindNames) {
        if (k == kind)
            return QString::fromLatin1(name);
    }
    return {};
}

std::optional<TransactionKind> kindFromName(const QString &name)
{
    for (const auto &[k, text] : kKindNames) {
        if (name == QLatin1String(text))
            return k;
    }
    return std::nullopt;
}

QString sourceName(TransactionSource source)
{
    for (const auto &[s, name] : kSourceNames) {
        if (s == source)
            return QString::fromLatin1(name);
    }
    return {};
}

std::optional<TransactionSource> sourceFromName(const QString &name)
{
    for (const auto &[s, text] : kSourceNames) {
        if (name == QLatin1String(text))
            return s;
    }
    return std::nullopt;
}

QString tradeExternalId(const QString &symbol, const QString &tradeId)
{
    return symbol + QLatin1Char(':') + tradeId;
}

Transaction tradeFromFill(const Fill &fill, TransactionSource source)
{
    Transaction trade;
    trade.kind = TransactionKind::Trade;
    trade.time = fill.time;
    trade.side = fill.side;
    trade.asset = fill.symbol.section(QLatin1Char('/'), 0, 0);
    trade.quote = fill.symbol.section(QLatin1Char('/'), 1, 1);
    trade.quantity = fill.quantity;
    trade.price = fill.price;
    trade.quoteAmount = fill.quoteQuantity.isPositive() ? fill.quoteQuantity : money::Decimal();
    trade.fee = fill.fee;
    trade.feeAsset = fill.feeAsset;
    trade.externalId = tradeExternalId(fill.symbol, fill.tradeId);
    trade.source = source;
    return trade;
}

Status validate(const Transaction &tx)
{
    if (!tx.time.isValid())
        return fieldError(QStringLiteral("time"), QStringLiteral("missing or not a valid date and time"));
    if (tx.accountId <= 0)
        return fieldError(QStringLiteral("account"), QStringLiteral("missing"));
    if (tx.asset.isEmpty())
        return fieldError(QStringLiteral("asset"), QStringLiteral("missing"));
    if (tx.kind == TransactionKind::Adjustment) {
        if (tx.quantity.isZero())
            return fieldError(QStringLiteral("quantity"), QStringLiteral("an adjustment of zero changes nothing"));
    } else if (!tx.quantity.isPositive()) {
        return fieldError(QStringLiteral("quantity"),
                          QStringLiteral("must be greater than zero, not %1").arg(tx.quantity.toString()));
    }
    if (tx.price.isNegative())
        return fieldError(QStringLiteral("price"), QStringLiteral("must not be negative"));
    if (tx.kind == TransactionKind::Trade) {
        if (tx.quote.isEmpty())
            return fieldError(QStringLiteral("quote"), QStringLiteral("a trade needs its quote asset"));
        if (tx.quote == tx.asset)
            return fieldError(QStringLiteral("quote"),
                              QStringLiteral("the quote asset must differ from the base asset"));
        if (!tx.price.isPositive() && !tx.quoteAmount.isPositive())
            return fieldError(QStringLiteral("price"), QStringLiteral("a trade needs a price greater than zero"));
    }
    if (tx.quoteAmount.isNegative())
        return fieldError(QStringLiteral("quote amount"), QStringLiteral("must not be negative"));
    if (tx.fee.isNegative())
        return fieldError(QStringLiteral("fee"), QStringLiteral("must not be negative"));
    if (!tx.fee.isZero() && tx.feeAsset.isEmpty())
        return fieldError(QStringLiteral("fee asset"), QStringLiteral("a fee needs the asset it was paid in"));
    return {};
}

} // namespace ballast::domain
