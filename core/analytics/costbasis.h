#pragma once

#include "common/result.h"
#include "domain/transaction.h"
#include "money/decimal.h"

#include <QDateTime>
#include <QHash>
#include <QList>
#include <QString>

#include <functional>
#include <optional>

namespace ballast::analytics {

/// Which lots a disposal consumes. Average pools every unit of one asset on one
/// account and network into a single lot at its average cost.
enum class CostMethod { Fifo, Lifo, Hifo, Average };

/// Value of one unit of an asset in the portfolio's quote asset at a time;
/// nullopt when not known. Used for crypto-vs-crypto trades and fees in a third
/// asset, whose value the transaction itself does not carry.
using PriceAt = std::function<std::optional<money::Decimal>(const QString &asset, const QDateTime &time)>;

/// Specific identification: a quantity of the lot opened by transaction
/// @c lotTransactionId that a sale is to take.
struct LotAssignment
{
    qint64 lotTransactionId = 0;
    money::Decimal quantity;
    bool operator==(const LotAssignment &) const = default;
};

struct CostBasisOptions
{
    CostMethod method = CostMethod::Fifo;
    QString quoteAsset; ///< the measuring unit (USDT, USD): always worth 1, never a gain
    bool feesIntoBasis = true; ///< trade fees raise the cost of a buy and lower the proceeds of a sale
    int longTermDays = 365; ///< a disposal is long term when held MORE than this many days
    PriceAt priceAt; ///< optional; needed for trades and fees that do not involve the quote asset
    /// Sale transaction id -> the lots it took (an executed plan's sell line).
    /// Such a sale takes those lots first, as far as they are still open on
    /// its account and network, then the rest by the method; Average ignores it.
    QHash<qint64, QList<LotAssignment>> assignments;
};

/// An open lot: a quantity of one asset on one account and network, with what
/// it cost in the quote asset and when it was acquired.
struct Lot
{
    qint64 accountId = 0;
    QString network;
    QString asset;
    qint64 transactionId = 0; ///< the transaction that opened it (0 for an average-cost pool)
    QDateTime acquired; ///< for an average-cost pool: the quantity-weighted acquisition time
    money::Decimal quantity;
    money::Decimal cost; ///< total, in the quote asset
    bool basisUnknown = false; ///< some of it arrived without a known value (cost counted as zero)
    bool pooled = false; ///< an average-cost pool

    /// cost / quantity, rounded half-even at 18 digits; zero for an empty lot.
    [[nodiscard]] money::Decimal unitCost() const;
    /// Whole days from acquisition to @p at (never negative).
    [[nodiscard]] qint64 holdingDays(const QDateTime &at) const;

    bool operator==(const Lot &) const = default;
};

/// Why a disposal happened.
enum class DisposalKind {
    Sale, ///< the given side of a trade (a sale, or the asset paid in a crypto-vs-crypto trade)
    Withdrawal, ///< left the portfolio (withdrawal, or a transfer whose other leg is missing)
    Fee, ///< spent on a fee: a trade fee, a fee transaction, or a transfer fee in the moved asset
    Adjustment, ///< a negative adjustment
};

/// A realised disposal of (part of) one lot.
struct Disposal
{
    qint64 transactionId = 0;
    DisposalKind kind = DisposalKind::Sale;
    QDateTime time;
    qint64 accountId = 0;
    QString network;
    QString asset;
    money::Decimal quantity;
    qint64 lotTransactionId = 0; ///< 0 for an average-cost pool
    QDateTime acquired; ///< the lot's acquisition time (the pool's weighted time for average cost)
    bool pooled = false;
    money::Decimal proceeds; ///< in the quote asset, net of a sale fee when fees go into the basis
    money::Decimal cost;
    money::Decimal gain; ///< proceeds - cost
    qint64 holdingDays = 0;
    bool longTerm = false;
    bool basisUnknown = false; ///< the lot's cost was not known (counted as zero)
    bool proceedsUnknown = false; ///< no value for the disposed asset at that time (counted as zero)

    bool operator==(const Disposal &) const = default;
};

/// Everything the cost-basis pass derives from the transactions.
///
/// The identity (exact, see docs/analytics.md "Cost basis"): for any prices,
///   realized + unrealized + income - feesExpensed == value - netInvested
/// where value and unrealized are taken over openLots at those prices.
struct CostBasisResult
{
    QList<Lot> openLots; ///< ordered by account, network, asset, then the method's order
    QList<Disposal> disposals; ///< in transaction order; quote-asset spending is not listed
    money::Decimal realized; ///< sum of Disposal::gain
    money::Decimal income; ///< value of income at receipt (the basis of income lots)
    money::Decimal feesExpensed; ///< fee value not put into a basis or proceeds: every fee with
                                 ///< FeesIntoBasis off, fee transactions and transfer fees always
    money::Decimal netInvested; ///< deposits - withdrawals +/- adjustments, at their value
    QList<qint64> unmatchedTransfers; ///< transfer legs without their other leg (treated as flows)
};

/// Computes lots and disposals. @p transactions must be sorted by time, ties by
/// id. Errors (code "costbasis.*") name the transaction: disposing more than is
/// held, a crypto-vs-crypto trade without a value, a transfer-in before its out
/// leg or larger than it, an unsorted list.
[[nodiscard]] Result<CostBasisResult> computeCostBasis(const QList<domain::Transaction> &transactions,
                                                       const CostBasisOptions &options);

/// The same for several methods at once (options.method is not used): one
/// result per entry of @p methods, in that order, each equal to what
/// computeCostBasis gives for that method alone. Faster than one call per
/// method: the transfer pairs, positions, values and price lookups are worked
/// out once and only the lots are kept per method. From 20,000 transactions
/// on, two threads share the methods, so options.priceAt may be called from
/// two threads at once: it must only read.
[[nodiscard]] Result<QList<CostBasisResult>> computeCostBasis(const QList<domain::Transaction> &transactions,
                                                              const CostBasisOptions &options,
                                                              const QList<CostMethod> &methods);

/// The value a deposit, withdrawal or adjustment moves across the portfolio's
/// boundary, in the quote asset: quantity x price, or the quantity itself for
/// the quote asset; zero when the price is not known. Signed: + into the
/// portfolio. Zero for the kinds that are not external flows, except a
/// transfer leg whose other leg is not in the ledger (@p unmatchedTransfer),
/// which is treated as a deposit or withdrawal.
[[nodiscard]] money::Decimal externalFlowValue(const domain::Transaction &tx, const QString &quoteAsset,
                                               bool unmatchedTransfer = false);

/// Transfer pairs: a TransferOut and a TransferIn of the same asset, one naming
/// the other in linkId (and the other naming it or nothing). Maps each leg's id
/// to its partner's; a leg not in the map is unmatched.
[[nodiscard]] QHash<qint64, qint64> transferPartners(const QList<domain::Transaction> &transactions);

/// Unrealised profit and loss of open lots at given prices.
struct LotPnl
{
    Lot lot;
    money::Decimal price;
    money::Decimal value;
    money::Decimal unrealized; ///< value - cost
};

struct PnlTotal
{
    qint64 accountId = 0; ///< by account only
    QString asset; ///< by asset only
    money::Decimal quantity; ///< by asset only
    money::Decimal cost;
    money::Decimal value;
    money::Decimal unrealized;
};

struct UnrealizedReport
{
    QList<LotPnl> lots;
    QList<PnlTotal> byAsset; ///< sorted by asset
    QList<PnlTotal> byAccount; ///< sorted by account id
    money::Decimal cost;
    money::Decimal value;
    money::Decimal unrealized;
    QList<QString> missingPrices; ///< assets held without a price (valued at zero, listed, never guessed)
};

/// Values @p lots at @p prices (asset -> unit price in the quote asset; the
/// quote asset itself is worth 1 without an entry).
[[nodiscard]] UnrealizedReport unrealizedPnl(const QList<Lot> &lots, const QHash<QString, money::Decimal> &prices,
                                             const QString &quoteAsset);

/// How a planned sale picks its lots (specific identification).
enum class LotSelection {
    Fifo, ///< oldest first
    Hifo, ///< highest unit cost first
    LeastGain, ///< losses first (short-term before long-term), then the smallest gains,
               ///< long-term gains before short-term ones at equal gain
    PreferLongTerm, ///< long-term lots first, then short-term; highest unit cost first within each
};

struct LotPick
{
    Lot lot; ///< the open lot as it is now
    money::Decimal quantity; ///< taken from it
    money::Decimal cost;
    money::Decimal proceeds;
    money::Decimal gain;
    bool longTerm = false;
};

struct SalePlan
{
    QList<LotPick> picks;
    money::Decimal proceeds;
    money::Decimal cost;
    money::Decimal gain;
    money::Decimal shortTermGain;
    money::Decimal longTermGain;
};

/// Picks lots of @p asset on @p accountId (every network) for selling
/// @p quantity at @p price at time @p at. The estimate has no fee. Error
/// "costbasis.insufficient" when the account holds less.
[[nodiscard]] Result<SalePlan> planSale(const QList<Lot> &openLots, qint64 accountId, const QString &asset,
                                        const money::Decimal &quantity, const money::Decimal &price,
                                        const QDateTime &at, LotSelection selection, int longTermDays = 365);

[[nodiscard]] QString costMethodName(CostMethod method); ///< "fifo", "lifo", "hifo", "average"
[[nodiscard]] std::optional<CostMethod> costMethodFromName(const QString &name);

} // namespace ballast::analytics
