#pragma once

#include "backtest/backtester.h"
#include "domain/portfolio.h"
#include "rebalance/rebalancepolicy.h"

#include <QString>
#include <QStringList>

namespace ballast::backtest {

/// A backtest configured from a portfolio's stored rebalancing policy: the
/// rule without its band, the band half-width of each asset and the falling
/// guard, exactly as the live check reads them, so that a backtest of "my
/// policy" and the live check decide alike; and the mode, the minimum trade,
/// the maximum turnover, the exclusions and the quote as cash, as the live
/// plan reads them, so that they trade alike. `ballast-cli backtest --policy`
/// and the desktop app's Backtest page both build their runs through it.
struct PolicyBacktest
{
    QString portfolio; ///< the portfolio's name, for the label
    domain::Portfolio targets; ///< its targets and bands
    rebalance::RebalancePolicy policy;

    /// "policy of NAME: RULE".
    [[nodiscard]] QString label() const;
    /// Sets @p config's trigger, half-widths (for @p assets, the data's
    /// columns), mode, cash, limits, exclusions and label; the falling guard
    /// too unless @p keepFallingGuard (a guard given for this run wins).
    /// Returns what the backtest does not simulate of the policy (an invest
    /// or withdraw amount: a backtest has no cash flows), one sentence each.
    QStringList apply(BacktestConfig &config, const QStringList &assets, bool keepFallingGuard = false) const;
};

} // namespace ballast::backtest
