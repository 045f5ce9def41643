#pragma once

#include "domain/order.h"
#include "domain/portfolio.h"
#include "exchange/markettypes.h"
#include "rebalance/rebalanceplan.h"
#include "rebalance/snapshot.h"

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
};

/// Turns a snapshot, targets and the markets' rules into the exact orders that
/// bring the portfolio back: quantities floored to lot steps, prices rounded to
/// ticks, every order checked against minimum quantity and notional, fees
/// planned so that no balance is overdrawn, sells before buys. What cannot be
/// traded goes to `skipped` with its reason. It never changes holdings.
class Planner
{
public:
    static RebalancePlan plan(const Snapshot &snapshot, const domain::Portfolio &portfolio, const QList<Venue> &venues,
                              const PlanMode &mode, const PlanConstraints &constraints = {},
                              const QString &planId = {});
};

} // namespace ballast::rebalance
