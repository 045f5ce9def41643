#include "rebalance/planapproval.h"

#include <QHash>

namespace ballast::rebalance {

using money::Decimal;

std::optional<Decimal> PlanApproval::unitValue(const RebalancePlan &plan, const QString &asset)
{
    if (asset == plan.quote)
        return Decimal::fromInt(1);
    for (const auto &weight : plan.weights) {
        if (weight.asset == asset && weight.quantityAfter.isPositive())
            return weight.valueAfter / weight.quantityAfter;
    }
    // An asset sold out entirely has no quantity after: its orders still price it.
    for (const auto &order : plan.orders) {
        if (order.base == asset && order.quote == plan.quote && order.price.isPositive())
            return order.price;
    }
    return std::nullopt;
}

RebalancePlan PlanApproval::subset(const RebalancePlan &proposed, const QSet<int> &approved, const QString &id,
                                   const QDateTime &createdAt)
{
    RebalancePlan plan = proposed;
    plan.id = id;
    plan.createdAt = createdAt;
    plan.orders.clear();

    QHash<QString, Decimal> valueShift; // in the plan's quote, per asset
    QHash<QString, Decimal> quantityShift;
    Decimal feesBack; // fees not paid, in the plan's quote
    Decimal traded; // |notional| of the kept orders, in the plan's quote
    QStringList leftOut;
    for (const PlannedOrder &order : proposed.orders) {
        const Decimal quotePrice = unitValue(proposed, order.quote).value_or(Decimal::fromInt(1));
        const Decimal notional = order.notional * quotePrice;
        if (approved.contains(order.line)) {
            plan.orders.append(order);
            traded += notional.abs();
            continue;
        }
        leftOut.append(QStringLiteral("%1 (%2 %3 %4)")
                           .arg(order.line)
                           .arg(domain::toText(order.side), order.quantity.toString(), order.symbol));
        // Undo what the order would have done to the holdings.
        const Decimal sign = order.side == domain::Side::Buy ? Decimal::fromInt(1) : Decimal::fromInt(-1);
        valueShift[order.base] -= sign * notional;
        quantityShift[order.base] -= sign * order.quantity;
        valueShift[order.quote] += sign * notional;
        quantityShift[order.quote] += sign * order.notional;
        if (order.fee.isPositive()) {
            const QString feeAsset = order.feeAsset.isEmpty() ? order.quote : order.feeAsset;
            const Decimal feeValue = order.fee * unitValue(proposed, feeAsset).value_or(quotePrice);
            valueShift[feeAsset] += feeValue;
            quantityShift[feeAsset] += order.fee;
            feesBack += feeValue;
        }
    }
    if (leftOut.isEmpty())
        return plan;

    plan.valueAfter = proposed.valueAfter + feesBack;
    plan.feesTotal = Decimal::max(Decimal(), proposed.feesTotal - feesBack);
    plan.turnover =
        proposed.valueBefore.isPositive() ? traded.toDouble() / (2.0 * proposed.valueBefore.toDouble()) : 0.0;
    const double total = plan.valueAfter.toDouble();
    for (auto &weight : plan.weights) {
        weight.valueAfter += valueShift.value(weight.asset);
        weight.quantityAfter += quantityShift.value(weight.asset);
        weight.after = total > 0.0 ? weight.valueAfter.toDouble() / total : 0.0;
    }
    // The estimated gain is the kept sales' (the harvest list stays as proposed).
    plan.tax.shortTermGain = Decimal();
    plan.tax.longTermGain = Decimal();
    for (const PlannedOrder &order : plan.orders) {
        plan.tax.shortTermGain += order.shortTermGain;
        plan.tax.longTermGain += order.longTermGain;
    }
    plan.notes.append(QStringLiteral("approved %1 of %2 line(s) of plan %3; not approved: %4")
                          .arg(plan.orders.size())
                          .arg(proposed.orders.size())
                          .arg(proposed.id, leftOut.join(QStringLiteral(", "))));
    return plan;
}

} // namespace ballast::rebalance
