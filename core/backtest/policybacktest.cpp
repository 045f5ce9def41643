#include "backtest/policybacktest.h"

namespace ballast::backtest {

QString PolicyBacktest::label() const
{
    return QStringLiteral("policy of %1: %2").arg(portfolio, policy.rule.toString());
}

QStringList PolicyBacktest::apply(BacktestConfig &config, const QStringList &assets, bool keepFallingGuard) const
{
    config.trigger = policy.trigger();
    config.halfWidths = policy.halfWidths(targets, assets);
    if (!keepFallingGuard)
        config.fallingGuard = policy.fallingGuard;
    config.label = label();
    QStringList notes;
    if (policy.mode.kind != rebalance::PlanMode::Kind::Target)
        notes.append(QStringLiteral("the backtest trades back to the targets; the policy's mode %1 is not simulated")
                         .arg(policy.mode.toString()));
    if (!policy.minTrade.isZero() || policy.maxTurnover)
        notes.append(QStringLiteral("the minimum trade and maximum turnover are not simulated"));
    return notes;
}

} // namespace ballast::backtest
