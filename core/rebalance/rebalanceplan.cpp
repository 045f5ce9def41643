#include "rebalance/rebalanceplan.h"

#include "common/numberparse.h"

#include <QRandomGenerator>

#include <cmath>

namespace ballast::rebalance {

Result<PlanMode> PlanMode::parse(const QString &text)
{
    const QString trimmed = text.trimmed().toLower();
    PlanMode mode;
    if (trimmed == QLatin1String("target"))
        return mode;
    if (trimmed == QLatin1String("band-edge")) {
        mode.kind = Kind::BandEdge;
        return mode;
    }
    const QString kind = trimmed.section(QLatin1Char(':'), 0, 0);
    const QString amount = trimmed.section(QLatin1Char(':'), 1);
    if (kind == QLatin1String("invest") || kind == QLatin1String("withdraw")) {
        auto value = numbers::parseAmount(amount, QStringLiteral("mode %1 amount").arg(kind), numbers::Sign::Positive);
        if (!value) {
            return makeError(QStringLiteral("plan.mode"),
                             QStringLiteral("mode \"%1\": the amount must be a positive number, e.g. %2:500 (%3)")
                                 .arg(text, kind, value.error().message));
        }
        mode.kind = kind == QLatin1String("invest") ? Kind::Invest : Kind::Withdraw;
        mode.amount = *value;
        return mode;
    }
    return makeError(
        QStringLiteral("plan.mode"),
        QStringLiteral("mode \"%1\": expected target, band-edge, invest:AMOUNT or withdraw:AMOUNT").arg(text));
}

QString PlanMode::toString() const
{
    switch (kind) {
    case Kind::Target:
        return QStringLiteral("target");
    case Kind::BandEdge:
        return QStringLiteral("band-edge");
    case Kind::Invest:
        return QStringLiteral("invest:") + amount.toString();
    case Kind::Withdraw:
        return QStringLiteral("withdraw:") + amount.toString();
    }
    return QStringLiteral("target");
}

QString toText(RouteReason reason)
{
    switch (reason) {
    case RouteReason::OnlyVenue:
        return QStringLiteral("only_venue");
    case RouteReason::LowestFee:
        return QStringLiteral("lowest_fee");
    case RouteReason::MoreBalance:
        return QStringLiteral("more_balance");
    case RouteReason::DirectPair:
        return QStringLiteral("direct_pair");
    case RouteReason::Remainder:
        return QStringLiteral("remainder");
    }
    return QStringLiteral("only_venue");
}

QString toText(SkipReason reason)
{
    switch (reason) {
    case SkipReason::BelowMinNotional:
        return QStringLiteral("below_min_notional");
    case SkipReason::BelowMinQuantity:
        return QStringLiteral("below_min_quantity");
    case SkipReason::BelowMinTradeValue:
        return QStringLiteral("below_min_trade_value");
    case SkipReason::Excluded:
        return QStringLiteral("excluded");
    case SkipReason::NoMarket:
        return QStringLiteral("no_market");
    case SkipReason::NoPrice:
        return QStringLiteral("no_price");
    case SkipReason::NotTradable:
        return QStringLiteral("not_tradable");
    case SkipReason::NotEnoughCash:
        return QStringLiteral("not_enough_cash");
    case SkipReason::TurnoverLimit:
        return QStringLiteral("turnover_limit");
    case SkipReason::Rounding:
        return QStringLiteral("rounding");
    case SkipReason::NotEnoughToSell:
        return QStringLiteral("not_enough_to_sell");
    case SkipReason::OneWay:
        return QStringLiteral("one_way");
    case SkipReason::FallingAsset:
        return QStringLiteral("falling_asset");
    case SkipReason::GainBudget:
        return QStringLiteral("gain_budget");
    case SkipReason::YoungLots:
        return QStringLiteral("young_lots");
    }
    return QStringLiteral("rounding");
}

QString PlannedOrder::routeText() const
{
    const QString rate = QString::number(feeRate.toDouble() * 100.0, 'g', 4) + QLatin1Char('%');
    switch (route) {
    case RouteReason::OnlyVenue:
        return QStringLiteral("%1 is the only account that can trade %2").arg(account, symbol);
    case RouteReason::LowestFee:
        return QStringLiteral("lowest fee for %1 (%2) of %3 accounts").arg(symbol, rate).arg(alternatives + 1);
    case RouteReason::MoreBalance:
        return QStringLiteral("same fee (%1) on %2 accounts; %3 holds the most to trade")
            .arg(rate)
            .arg(alternatives + 1)
            .arg(account);
    case RouteReason::DirectPair:
        return QStringLiteral("direct pair %1 (%2) costs less than two trades through the quote currency")
            .arg(symbol, rate);
    case RouteReason::Remainder:
        return QStringLiteral("the rest that cheaper accounts could not take");
    }
    return {};
}

QString SkippedLine::reasonCode() const
{
    return toText(reason);
}

QString SkippedLine::text(const QString &quote) const
{
    const QString wantedText = wanted.toFixed(2) + QLatin1Char(' ') + quote;
    const QString drift = QString::number(driftLeft * 100.0, 'f', 2) + QStringLiteral(" pp");
    switch (reason) {
    case SkipReason::BelowMinNotional:
        return QStringLiteral("a trade of %1 is below the minimum order of %2 %3%4; leaves drift %5")
            .arg(wantedText, limit.toString(), quote, account.isEmpty() ? QString() : QStringLiteral(" on ") + account,
                 drift);
    case SkipReason::BelowMinQuantity:
        return QStringLiteral("a trade of %1 is less than one lot (%2)%3; leaves drift %4")
            .arg(wantedText, limit.toString(), account.isEmpty() ? QString() : QStringLiteral(" on ") + account, drift);
    case SkipReason::BelowMinTradeValue:
        return QStringLiteral("a trade of %1 is below your minimum trade value of %2 %3; leaves drift %4")
            .arg(wantedText, limit.toString(), quote, drift);
    case SkipReason::Excluded:
        return QStringLiteral("excluded from trading (frozen); drift %1").arg(drift);
    case SkipReason::NoMarket:
        return QStringLiteral("no account has a market for it against %1; drift %2").arg(quote, drift);
    case SkipReason::NoPrice:
        return QStringLiteral("no price in %1; not valued and not traded").arg(quote);
    case SkipReason::NotTradable:
        return QStringLiteral("%1 of it is held where it cannot be traded%2; leaves drift %3")
            .arg(wantedText, account.isEmpty() ? QString() : QStringLiteral(" (") + account + QLatin1Char(')'), drift);
    case SkipReason::NotEnoughCash:
        return QStringLiteral("%1 of buying is not covered by the cash after sells and fees; leaves drift %2")
            .arg(wantedText, drift);
    case SkipReason::TurnoverLimit:
        return QStringLiteral("%1 left undone by the maximum turnover of %2%; leaves drift %3")
            .arg(wantedText, QString::number(limit.toDouble() * 100.0, 'g', 6), drift);
    case SkipReason::Rounding:
        return QStringLiteral("lot-step and fee rounding leave drift %1").arg(drift);
    case SkipReason::NotEnoughToSell:
        return QStringLiteral("overweight assets can raise only part of the amount; %1 short").arg(wantedText);
    case SkipReason::OneWay:
        return QStringLiteral("invest plans only buy and withdraw plans only sell; leaves drift %1 "
                              "(a target rebalance would close it)")
            .arg(drift);
    case SkipReason::FallingAsset:
        return QStringLiteral("not bought: %1% below its peak, past the falling-asset guard; %2 of buying left "
                              "undone, drift %3")
            .arg(QString::number(limit.toDouble() * 100.0, 'f', 1), wantedText, drift);
    case SkipReason::GainBudget:
        return QStringLiteral("%1 left undone so that the plan realizes no more than the gain budget of %2 %3; "
                              "leaves drift %4")
            .arg(wantedText, limit.toString(), quote, drift);
    case SkipReason::YoungLots:
        return QStringLiteral("%1 not sold: its lots are younger than %2 days and it is not far enough outside its "
                              "band to sell them anyway; leaves drift %3")
            .arg(wantedText, limit.toString(), drift);
    }
    return {};
}

bool PlanWeight::insideBandAfter() const
{
    return std::abs(after - target) <= halfWidth + 1e-9;
}

QString RebalancePlan::clientOrderId(int line) const
{
    return id + QLatin1Char('-') + QString::number(line);
}

const PlanWeight *RebalancePlan::weight(const QString &asset) const
{
    for (const auto &entry : weights) {
        if (entry.asset == asset)
            return &entry;
    }
    return nullptr;
}

QString RebalancePlan::newId()
{
    static constexpr char kAlphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"; // Crockford base32
    QString id = QStringLiteral("P");
    auto *random = QRandomGenerator::system();
    for (int i = 0; i < 11; ++i)
        id += QLatin1Char(kAlphabet[random->bounded(32)]);
    return id;
}

} // namespace ballast::rebalance
