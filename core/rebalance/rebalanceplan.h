#pragma once

#include "common/result.h"
#include "domain/order.h"
#include "money/decimal.h"

#include <QDateTime>
#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

namespace ballast::rebalance {

/// How a plan moves the portfolio: all the way back to the targets, only the
/// assets outside their bands and only to the band's edge, new cash that only
/// buys underweight assets, or cash raised by selling only overweight ones.
struct PlanMode
{
    enum class Kind { Target, BandEdge, Invest, Withdraw };
    Kind kind = Kind::Target;
    money::Decimal amount; ///< for Invest and Withdraw, in the quote currency

    /// "target", "band-edge", "invest:AMOUNT", "withdraw:AMOUNT".
    static Result<PlanMode> parse(const QString &text);
    [[nodiscard]] QString toString() const;
    bool operator==(const PlanMode &) const = default;
};

/// Why the planner routed an order to its account and market.
enum class RouteReason {
    OnlyVenue, ///< the only account with this market (and the holdings)
    LowestFee, ///< the cheapest of several accounts
    MoreBalance, ///< equal fees; the account with more to trade
    DirectPair, ///< a direct pair costs less than two trades through the quote
    Remainder, ///< the rest that cheaper accounts could not take
};

/// A lot (or part of one) that a planned sale takes, with its estimated gain.
struct PlannedLot
{
    qint64 lotTransactionId = 0; ///< the transaction that opened the lot
    QDateTime acquired;
    money::Decimal quantity;
    money::Decimal cost; ///< in the plan's quote currency
    money::Decimal proceeds; ///< at the plan's price, net of its share of the order's fee
    money::Decimal gain; ///< proceeds - cost
    bool longTerm = false;
    bool operator==(const PlannedLot &) const = default;
};

/// One order of a plan, exactly as it would be sent.
struct PlannedOrder
{
    int line = 0; ///< position in the plan; sells first
    qint64 accountId = 0;
    QString account;
    QString symbol; ///< "BASE/QUOTE"
    QString base;
    QString quote;
    domain::Side side = domain::Side::Sell;
    domain::OrderType type = domain::OrderType::Market;
    money::Decimal quantity; ///< base units, a multiple of the lot step
    money::Decimal price; ///< expected price (limit price for limit orders), in the pair's quote
    money::Decimal notional; ///< quantity x price
    money::Decimal fee; ///< expected fee
    QString feeAsset;
    money::Decimal feeRate;
    RouteReason route = RouteReason::OnlyVenue;
    int alternatives = 0; ///< other accounts that could have taken the order
    /// Sales only (the asset given up, sold for the quote or paid in a direct
    /// pair): the lots it takes and the gain it is estimated to realize.
    QString disposedAsset;
    QList<PlannedLot> lots;
    money::Decimal shortTermGain;
    money::Decimal longTermGain;
    /// The part of the quantity no known lot covers (the ledger's lots and the
    /// holdings disagree): its gain is not estimated.
    money::Decimal uncovered;

    [[nodiscard]] money::Decimal gain() const { return shortTermGain + longTermGain; }

    /// A sentence saying why this account and market were chosen.
    [[nodiscard]] QString routeText() const;
    bool operator==(const PlannedOrder &) const = default;
};

/// Why part of the wanted rebalance is not in the plan.
enum class SkipReason {
    BelowMinNotional, ///< the order would be worth less than the market's minimum
    BelowMinQuantity, ///< less than the minimum quantity or one lot step
    BelowMinTradeValue, ///< below the person's minimum trade value
    Excluded, ///< frozen: held but not traded
    NoMarket, ///< no account has a market for it
    NoPrice, ///< no price in the quote currency
    NotTradable, ///< held where it cannot be traded (a wallet)
    NotEnoughCash, ///< the cash after sells and fees does not cover it
    TurnoverLimit, ///< scaled down by the maximum turnover
    Rounding, ///< lot-step and fee rounding leave it just outside its band
    NotEnoughToSell, ///< withdraw: overweight assets cannot raise the amount
    OneWay, ///< invest only buys and withdraw only sells, by design
    FallingAsset, ///< fell too far from its peak (or is delisted): not bought any more
    GainBudget, ///< scaled down so that the plan realizes no more than the gain budget
    YoungLots, ///< its lots are younger than the minimum age to sell
};

struct SkippedLine
{
    QString asset;
    QString account; ///< where relevant
    SkipReason reason = SkipReason::Rounding;
    money::Decimal wanted; ///< value the planner wanted to trade, in the quote currency
    money::Decimal limit; ///< the limit that stopped it (minimum notional, ...), when there is one
    double driftLeft = 0.0; ///< post-trade weight - target, as a fraction

    [[nodiscard]] QString reasonCode() const;
    /// A sentence for a person, with the numbers.
    [[nodiscard]] QString text(const QString &quote) const;
    bool operator==(const SkippedLine &) const = default;
};

/// Weight of one asset before and after the plan.
struct PlanWeight
{
    QString asset;
    double before = 0.0;
    double target = 0.0;
    double after = 0.0;
    double halfWidth = 0.0;
    money::Decimal quantityAfter;
    money::Decimal valueAfter;

    [[nodiscard]] double driftAfter() const { return after - target; }
    [[nodiscard]] bool insideBandAfter() const;
    bool operator==(const PlanWeight &) const = default;
};

/// Cash that enters (invest) or leaves (withdraw) the portfolio with a plan.
struct CashMovement
{
    QString account;
    qint64 accountId = 0;
    QString asset;
    money::Decimal amount;
    bool operator==(const CashMovement &) const = default;
};

/// A lot whose sale now would realize a loss larger than the threshold:
/// listed beside the plan, never sold by it unless a person adds the sale.
struct HarvestableLot
{
    qint64 accountId = 0;
    QString account;
    QString asset;
    qint64 lotTransactionId = 0;
    QDateTime acquired;
    money::Decimal quantity; ///< what is left of the lot after the plan's own sales
    money::Decimal cost;
    money::Decimal value; ///< at the plan's price
    money::Decimal loss; ///< cost - value, positive
    bool longTerm = false;
    bool operator==(const HarvestableLot &) const = default;
};

/// What a plan's sales realize and the tax rules it was made under. Absent
/// (estimated false) on plans stored before lots were planned, or when the
/// lots could not be worked out.
struct PlanTax
{
    money::Decimal shortTermGain; ///< sum over the sell lines, net of losses
    money::Decimal longTermGain;
    std::optional<money::Decimal> gainBudget;
    std::optional<money::Decimal> harvestLossThreshold;
    double sellScale = 1.0; ///< the share of the wanted sales kept (1 = all)
    /// With a binding budget or kept young lots: the largest distance from
    /// target left after the plan, as a fraction (0.031 = 3.1 pp), and its asset.
    double driftLeft = 0.0;
    QString lotSelection; ///< "hifo", "fifo", "least-gain", "long-term"
    QString driftLeftAsset;
    QList<HarvestableLot> harvestable;
    int longTermDays = 365;
    int minLotAgeDays = 0;
    bool estimated = false;
    bool budgetBinds = false; ///< the sales were scaled down to stay within the budget
    bool cashFirst = false;

    [[nodiscard]] money::Decimal gain() const { return shortTermGain + longTermGain; }
    bool operator==(const PlanTax &) const = default;
};

/// The exact list of orders a person approves, with what it leaves undone and
/// what the portfolio looks like afterwards. A plain value: the planner
/// produces it, storage keeps it, the executor carries it out.
struct RebalancePlan
{
    QString id; ///< short, [A-Za-z0-9], so that client order ids fit every exchange
    QDateTime createdAt;
    QString portfolio;
    QString quote;
    PlanMode mode;
    QList<PlannedOrder> orders;
    QList<SkippedLine> skipped;
    QList<PlanWeight> weights;
    money::Decimal valueBefore;
    money::Decimal valueAfter; ///< valued at the plan's prices: valueBefore - fees (+/- cash moved)
    money::Decimal feesTotal; ///< in the quote currency
    double turnover = 0.0; ///< sum of |notional| / (2 x valueBefore)
    std::optional<CashMovement> deposit;
    std::optional<CashMovement> withdrawal;
    bool simulated = false; ///< planned on simulated prices
    QStringList notes;
    PlanTax tax;

    /// The deterministic client order id of @p line: "<plan id>-<line>".
    [[nodiscard]] QString clientOrderId(int line) const;
    [[nodiscard]] const PlanWeight *weight(const QString &asset) const;
    /// A new random plan id: "P" and 11 characters [0-9A-Z].
    static QString newId();
    bool operator==(const RebalancePlan &) const = default;
};

QString toText(RouteReason reason);
QString toText(SkipReason reason);

} // namespace ballast::rebalance
