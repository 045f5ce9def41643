#pragma once

#include "domain/order.h"
#include "domain/portfolio.h"
#include "exchange/markettypes.h"
#include "rebalance/rebalanceplan.h"
#include "rebalance/snapshot.h"
#include "rebalance/taxpreferences.h"

#include <QHash>
#include <QList>
#include <QStringList>

#include <optional>

namespace ballast::rebalance {

/// An account that can trade, with the markets it offers.
struct Venue
{
    qint64 accountId = 0;
    QString account;
    QList<exchange::MarketRules> markets;
};

/// Limits a person puts on a rebalance.
struct PlanConstraints
{
    std::optional<double> maxTurnover; ///< fraction of portfolio value, one-way
    money::Decimal minTradeValue; ///< in the quote currency; zero = none
    QStringList excluded; ///< held but frozen: never traded
    std::optional<double> maxWeight; ///< cap on any one asset's weight
    domain::OrderType orderType = domain::OrderType::Market;
    /// Assets not to be bought any more (the falling-asset guard), with how far
    /// each fell from its peak (a fraction); selling them stays allowed.
    QHash<QString, double> noBuy;
    /// With a value, PlanService::propose (through Ledger::previewPlan) fills noBuy with the assets whose price
    /// is more than this fraction below the peak of their stored history.
    std::optional<double> fallingGuard;
    /// Which lots sales take and the limits on the gains they realize.
    TaxPreferences tax;
    /// The open lots of the ledger (every account), as the gains report sees
    /// them; filled by Ledger::previewPlan. Without them a plan has no lots,
    /// no gain estimate and no tax limits (it says so in its notes).
    std::optional<QList<analytics::Lot>> openLots;
};

/// Turns a snapshot, targets and the markets' rules into the exact orders that
/// bring the portfolio back: quantities floored to lot steps, prices rounded to
/// ticks, every order checked against minimum quantity and notional, fees
/// planned so that no balance is overdrawn, sells before buys. What cannot be
/// traded goes to `skipped` with its reason. It never changes holdings.
///
/// With open lots, every sale names the lots it takes (constraints.tax's lot
/// selection) and its estimated gain, short and long term; lots younger than
/// the minimum age are kept unless their asset is far enough outside its
/// band; cash first buys with the spare cash before anything is sold; and a
/// gain budget scales every wanted sale down by one factor, the largest that
/// keeps the plan's net realized gain within the budget.
class Planner
{
public:
    static RebalancePlan plan(const Snapshot &snapshot, const domain::Portfolio &portfolio, const QList<Venue> &venues,
                              const PlanMode &mode, const PlanConstraints &constraints = {},
                              const QString &planId = {});
};

} // namespace ballast::rebalance
