#pragma once

#include "common/result.h"
#include "domain/fill.h"
#include "domain/order.h"
#include "money/decimal.h"

#include <QDateTime>
#include <QList>
#include <QString>

#include <array>
#include <optional>

namespace ballast::domain {

/// What kind of event a ledger transaction records. Holdings are the sum of
/// the balance changes of every transaction (see balanceChanges()).
enum class TransactionKind {
    Trade, ///< bought or sold `asset` against `quote` on one account
    Deposit, ///< came in from outside the person's accounts (a cash flow)
    Withdrawal, ///< left to outside the person's accounts (a cash flow)
    TransferOut, ///< out leg of a move between the person's own accounts or networks
    TransferIn, ///< in leg of such a move; `linkId` names the other leg
    Income, ///< staking reward, interest, airdrop: `subkind` says which
    Fee, ///< a fee charged on its own (network fee, custody fee)
    Adjustment, ///< a correction; `quantity` is signed; `unexplained` until classified
};

/// Where a transaction came from.
enum class TransactionSource { Manual, Import, Sync, Execution, Opening };

/// One event of the ledger, in exact decimals.
///
/// Quantities are positive except for adjustments, whose sign says the
/// direction. For a trade, `asset` is the base, `quote` the quote asset,
/// `quantity` the base quantity, `price` quote per base and `quoteAmount` the
/// quote booked (zero: quantity * price). For the other kinds `price` is the
/// value of one unit in the portfolio's quote asset at `time` when known (the
/// cost basis of a deposit or income, the proceeds of a withdrawal); zero when
/// not known. The fee is always paid from the same account and network.
struct Transaction
{
    qint64 id = 0;
    TransactionKind kind = TransactionKind::Adjustment;
    QDateTime time; ///< UTC
    qint64 accountId = 0;
    QString network; ///< empty when the account does not distinguish networks
    Side side = Side::Buy; ///< trades only
    QString asset;
    QString quote; ///< trades only
    money::Decimal quantity;
    money::Decimal price;
    money::Decimal quoteAmount; ///< trades only; zero means quantity * price
    money::Decimal fee;
    QString feeAsset;
    QString subkind; ///< income: "staking", "interest", "airdrop", ...
    QString externalId; ///< exchange trade or ledger id, transaction hash
    TransactionSource source = TransactionSource::Manual;
    QString note;
    qint64 linkId = 0; ///< transfers: the id of the other leg
    bool unexplained = false; ///< adjustments found by a sync, to be classified

    [[nodiscard]] money::Decimal tradeQuote() const
    {
        return quoteAmount.isPositive() ? quoteAmount : quantity * price;
    }

    bool operator==(const Transaction &) const = default;
};

/// One signed change of one asset on one account and network.
struct BalanceChange
{
    qint64 accountId = 0;
    QString network;
    QString asset;
    money::Decimal delta;

    bool operator==(const BalanceChange &) const = default;
};

/// What @p tx does to the holdings: a trade buys base and pays quote (or the
/// reverse) and pays its fee; a deposit, income or transfer-in adds; a
/// withdrawal, transfer-out or fee removes; an adjustment adds its signed
/// quantity. Zero changes are left out.
[[nodiscard]] QList<BalanceChange> balanceChanges(const Transaction &tx);

/// A balance change of the transaction's own account and network: the asset
/// (pointing into the transaction) and the signed delta.
struct AssetChange
{
    const QString *asset = nullptr;
    money::Decimal delta;
};

/// The changes of balanceChanges() without building a list (for passes over
/// the whole ledger): writes them to the front of @p out and returns how many.
int assetChanges(const Transaction &tx, std::array<AssetChange, 3> &out);

/// True for the kinds that move money across the portfolio's boundary
/// (deposits, withdrawals, and adjustments the person has not classified
/// otherwise): the cash flows of time- and money-weighted returns.
[[nodiscard]] bool isExternalFlow(TransactionKind kind);

/// Stable lower-case names used in the database, the CLI and CSV:
/// "trade", "deposit", "withdrawal", "transfer_out", "transfer_in",
/// "income", "fee", "adjustment".
[[nodiscard]] QString kindName(TransactionKind kind);
[[nodiscard]] std::optional<TransactionKind> kindFromName(const QString &name);
/// "manual", "import", "sync", "execution", "opening".
[[nodiscard]] QString sourceName(TransactionSource source);
[[nodiscard]] std::optional<TransactionSource> sourceFromName(const QString &name);

/// The external id of an exchange trade: "BASE/QUOTE:tradeid". Exchanges
/// number trades per symbol (Binance), so the trade id alone may repeat on
/// one account; executions, syncs and imports all key trades this way so that
/// each is stored once whichever path sees it first.
[[nodiscard]] QString tradeExternalId(const QString &symbol, const QString &tradeId);

/// An exchange fill as the trade transaction it is: base and quote from its
/// symbol, the quote amount the exchange booked, its fee, and the external id
/// tradeExternalId(symbol, tradeId). Executions and API imports both build
/// trades here, so a fill seen by both is the same transaction. accountId is
/// the caller's.
[[nodiscard]] Transaction tradeFromFill(const Fill &fill, TransactionSource source);

/// Checks the shape of @p tx (positive quantity, trade has quote and price,
/// fee asset set when there is a fee, time valid); the error names the field.
[[nodiscard]] Status validate(const Transaction &tx);

} // namespace ballast::domain
