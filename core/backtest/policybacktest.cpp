#include "backtest/policybacktest.h"

namespace ballast::backtest {

QString PolicyBacktest::label() const
{
    return QStringLiteral("policy of %1: %2").arg(portfolio, policy.rule.toString());
}

QStringList PolicyBacktest::apply(BacktestConfig &config, const QStringList &assets, bool keepFallingGuard) const
{
    using Kind = rebalance::PlanMode::Kind;
    config.trigger = policy.trigger();
    config.halfWidths = policy.halfWidths(targets, assets);
    if (!keepFallingGuard)
        config.fallingGuard = policy.fallingGuard;
    config.label = label();
    // How far a rebalance trades, as the live plan does: its mode, the bands
    // of its snapshot for the band edge (the policy's named band, else the
    // portfolio's), its limits, its quote as cash.
    config.mode = policy.mode.kind;
    config.cash = targets.quote;
    config.edgeHalfWidths.clear();
    const domain::Portfolio banded = policy.withBands(targets);
    for (const QString &asset : assets) {
        const double target = banded.targetWeight(asset);
        config.edgeHalfWidths.push_back(banded.bandFor(asset).halfWidth(target));
    }
    config.minTrade = policy.minTrade.toDouble();
    config.maxTurnover = policy.maxTurnover;
    config.excluded = policy.excluded;

    QStringList notes;
    const bool holdsCash = assets.contains(targets.quote) && targets.targetWeight(targets.quote) > 0.0;
    if (policy.mode.kind == Kind::Invest) {
        notes.append(holdsCash ? QStringLiteral("a backtest has no deposits: the mode %1 buys with the %2 above its "
                                                "target and never sells")
                                     .arg(policy.mode.toString(), targets.quote)
                               : QStringLiteral("a backtest has no deposits and the portfolio has no %2 target to buy "
                                                "with: the mode %1 never trades")
                                     .arg(policy.mode.toString(), targets.quote));
    } else if (policy.mode.kind == Kind::Withdraw) {
        notes.append(holdsCash
                         ? QStringLiteral("a backtest has no withdrawals: the mode %1 sells toward the targets only "
                                          "what brings the %2 up to its target, and never buys")
                               .arg(policy.mode.toString(), targets.quote)
                         : QStringLiteral("a backtest has no withdrawals and the portfolio has no %2 target to "
                                          "raise: the mode %1 never trades")
                               .arg(policy.mode.toString(), targets.quote));
    }
    if (policy.tax.cashFirst || policy.tax.maxRealizedGain || policy.tax.minLotAgeDays > 0)
        notes.append(QStringLiteral("the tax preferences of plans (cash first, the gain budget, young lots) are not "
                                    "simulated; a backtest counts tax by its own flat rate"));
    return notes;
}

} // namespace ballast::backtest
