#include "io/planjson.h"

#include "common/numberparse.h"
#include "io/exports.h"

#include <QJsonArray>

#include <cmath>
#include <limits>

namespace ballast::io {

using money::Decimal;
using rebalance::PlannedOrder;
using rebalance::RebalancePlan;
using rebalance::SkippedLine;

namespace {

QJsonObject cashJson(const rebalance::CashMovement &cash)
{
    return QJsonObject{{QStringLiteral("account"), cash.account},
                       {QStringLiteral("account_id"), QString::number(cash.accountId)},
                       {QStringLiteral("asset"), cash.asset},
                       {QStringLiteral("amount"), cash.amount.toString()}};
}

/// Reads fields and remembers the first one that was missing or malformed.
class Reader
{
public:
    Decimal decimal(const QJsonObject &object, const char *key)
    {
        const QJsonValue value = object.value(QLatin1String(key));
        auto parsed = numbers::parseAmount(value.toString(), QString::fromLatin1(key));
        if (!parsed) {
            fail(key);
            return {};
        }
        return *parsed;
    }
    qint64 integer(const QJsonObject &object, const char *key)
    {
        auto parsed = numbers::parseInteger(text(object, key), QString::fromLatin1(key));
        if (!parsed) {
            fail(key);
            return 0;
        }
        return *parsed;
    }
    QString text(const QJsonObject &object, const char *key)
    {
        const QJsonValue value = object.value(QLatin1String(key));
        if (!value.isString())
            fail(key);
        return value.toString();
    }
    double number(const QJsonObject &object, const char *key)
    {
        const QJsonValue value = object.value(QLatin1String(key));
        if (!value.isDouble())
            fail(key);
        return value.toDouble();
    }
    /// A whole number that fits an int (order lines, counts). Casting any
    /// other double to int is undefined behaviour, so it is refused.
    int whole(const QJsonObject &object, const char *key)
    {
        const double value = number(object, key);
        if (!(value >= std::numeric_limits<int>::min() && value <= std::numeric_limits<int>::max())
            || value != std::trunc(value)) {
            fail(key);
            return 0;
        }
        return static_cast<int>(value);
    }
    void fail(const char *key)
    {
        if (m_error.isEmpty())
            m_error = QString::fromLatin1(key);
    }
    [[nodiscard]] const QString &error() const { return m_error; }

private:
    QString m_error;
};

template<typename Enum>
Enum enumFrom(const QString &text, std::initializer_list<Enum> values, QString (*name)(Enum), Reader &reader,
              const char *key)
{
    for (Enum value : values) {
        if (name(value) == text)
            return value;
    }
    reader.fail(key);
    return *values.begin();
}

QJsonObject lotJson(const rebalance::PlannedLot &lot)
{
    return QJsonObject{{QStringLiteral("lot_transaction_id"), QString::number(lot.lotTransactionId)},
                       {QStringLiteral("acquired"), Exports::isoUtc(lot.acquired)},
                       {QStringLiteral("quantity"), lot.quantity.toString()},
                       {QStringLiteral("cost"), lot.cost.toString()},
                       {QStringLiteral("proceeds"), lot.proceeds.toString()},
                       {QStringLiteral("gain"), lot.gain.toString()},
                       {QStringLiteral("long_term"), lot.longTerm}};
}

QJsonObject taxJson(const rebalance::PlanTax &tax)
{
    QJsonArray harvestable;
    for (const rebalance::HarvestableLot &lot : tax.harvestable) {
        harvestable.append(QJsonObject{{QStringLiteral("account"), lot.account},
                                       {QStringLiteral("account_id"), QString::number(lot.accountId)},
                                       {QStringLiteral("asset"), lot.asset},
                                       {QStringLiteral("lot_transaction_id"), QString::number(lot.lotTransactionId)},
                                       {QStringLiteral("acquired"), Exports::isoUtc(lot.acquired)},
                                       {QStringLiteral("quantity"), lot.quantity.toString()},
                                       {QStringLiteral("cost"), lot.cost.toString()},
                                       {QStringLiteral("value"), lot.value.toString()},
                                       {QStringLiteral("loss"), lot.loss.toString()},
                                       {QStringLiteral("long_term"), lot.longTerm}});
    }
    QJsonObject object{{QStringLiteral("lot_selection"), tax.lotSelection},
                       {QStringLiteral("long_term_days"), tax.longTermDays},
                       {QStringLiteral("short_term_gain"), tax.shortTermGain.toString()},
                       {QStringLiteral("long_term_gain"), tax.longTermGain.toString()},
                       {QStringLiteral("gain"), tax.gain().toString()},
                       {QStringLiteral("budget_binds"), tax.budgetBinds},
                       {QStringLiteral("sell_scale"), tax.sellScale},
                       {QStringLiteral("drift_left"), tax.driftLeft},
                       {QStringLiteral("drift_left_asset"), tax.driftLeftAsset},
                       {QStringLiteral("min_lot_age_days"), tax.minLotAgeDays},
                       {QStringLiteral("cash_first"), tax.cashFirst},
                       {QStringLiteral("harvestable"), harvestable}};
    if (tax.gainBudget)
        object.insert(QStringLiteral("gain_budget"), tax.gainBudget->toString());
    if (tax.harvestLossThreshold)
        object.insert(QStringLiteral("harvest_loss_threshold"), tax.harvestLossThreshold->toString());
    return object;
}

QDateTime timeFrom(Reader &read, const QJsonObject &object, const char *key)
{
    QDateTime time = QDateTime::fromString(read.text(object, key), Qt::ISODateWithMs);
    if (!time.isValid())
        read.fail(key);
    return time;
}

/// The tax part of a plan; plans stored before it have none (estimated false).
rebalance::PlanTax taxFrom(Reader &read, const QJsonObject &object)
{
    rebalance::PlanTax tax;
    tax.estimated = true;
    tax.lotSelection = read.text(object, "lot_selection");
    tax.longTermDays = read.whole(object, "long_term_days");
    tax.shortTermGain = read.decimal(object, "short_term_gain");
    tax.longTermGain = read.decimal(object, "long_term_gain");
    if (object.contains(QLatin1String("gain_budget")))
        tax.gainBudget = read.decimal(object, "gain_budget");
    tax.budgetBinds = object.value(QLatin1String("budget_binds")).toBool();
    tax.sellScale = read.number(object, "sell_scale");
    tax.driftLeft = read.number(object, "drift_left");
    tax.driftLeftAsset = read.text(object, "drift_left_asset");
    tax.minLotAgeDays = read.whole(object, "min_lot_age_days");
    tax.cashFirst = object.value(QLatin1String("cash_first")).toBool();
    if (object.contains(QLatin1String("harvest_loss_threshold")))
        tax.harvestLossThreshold = read.decimal(object, "harvest_loss_threshold");
    for (const auto &value : object.value(QLatin1String("harvestable")).toArray()) {
        const QJsonObject o = value.toObject();
        rebalance::HarvestableLot lot;
        lot.account = read.text(o, "account");
        lot.accountId = read.integer(o, "account_id");
        lot.asset = read.text(o, "asset");
        lot.lotTransactionId = read.integer(o, "lot_transaction_id");
        lot.acquired = timeFrom(read, o, "acquired");
        lot.quantity = read.decimal(o, "quantity");
        lot.cost = read.decimal(o, "cost");
        lot.value = read.decimal(o, "value");
        lot.loss = read.decimal(o, "loss");
        lot.longTerm = o.value(QLatin1String("long_term")).toBool();
        tax.harvestable.append(lot);
    }
    return tax;
}

} // namespace

QJsonObject PlanJson::toJson(const RebalancePlan &plan)
{
    QJsonArray orders;
    for (const PlannedOrder &order : plan.orders) {
        QJsonObject line{{QStringLiteral("line"), order.line},
                         {QStringLiteral("client_order_id"), plan.clientOrderId(order.line)},
                         {QStringLiteral("account"), order.account},
                         {QStringLiteral("account_id"), QString::number(order.accountId)},
                         {QStringLiteral("symbol"), order.symbol},
                         {QStringLiteral("side"), domain::toText(order.side)},
                         {QStringLiteral("type"), domain::toText(order.type)},
                         {QStringLiteral("base"), order.base},
                         {QStringLiteral("quote"), order.quote},
                         {QStringLiteral("quantity"), order.quantity.toString()},
                         {QStringLiteral("price"), order.price.toString()},
                         {QStringLiteral("notional"), order.notional.toString()},
                         {QStringLiteral("fee"), order.fee.toString()},
                         {QStringLiteral("fee_asset"), order.feeAsset},
                         {QStringLiteral("fee_rate"), order.feeRate.toString()},
                         {QStringLiteral("route"), rebalance::toText(order.route)},
                         {QStringLiteral("alternatives"), order.alternatives},
                         {QStringLiteral("route_text"), order.routeText()}};
        if (!order.disposedAsset.isEmpty()) {
            // A sale: its lots and estimated gain (absent from plans made before lots were planned).
            QJsonArray lots;
            for (const rebalance::PlannedLot &lot : order.lots)
                lots.append(lotJson(lot));
            line.insert(QStringLiteral("disposed_asset"), order.disposedAsset);
            line.insert(QStringLiteral("lots"), lots);
            line.insert(QStringLiteral("short_term_gain"), order.shortTermGain.toString());
            line.insert(QStringLiteral("long_term_gain"), order.longTermGain.toString());
            line.insert(QStringLiteral("gain"), order.gain().toString());
            line.insert(QStringLiteral("uncovered"), order.uncovered.toString());
        }
        orders.append(line);
    }
    QJsonArray skipped;
    for (const SkippedLine &line : plan.skipped) {
        skipped.append(QJsonObject{{QStringLiteral("asset"), line.asset},
                                   {QStringLiteral("account"), line.account},
                                   {QStringLiteral("reason"), line.text(plan.quote)},
                                   {QStringLiteral("reason_code"), line.reasonCode()},
                                   {QStringLiteral("wanted"), line.wanted.toString()},
                                   {QStringLiteral("limit"), line.limit.toString()},
                                   {QStringLiteral("drift_left"), line.driftLeft}});
    }
    QJsonObject postWeights;
    QJsonObject postDrift;
    QJsonArray weights;
    for (const auto &weight : plan.weights) {
        postWeights.insert(weight.asset, weight.after);
        postDrift.insert(weight.asset, weight.driftAfter());
        weights.append(QJsonObject{{QStringLiteral("asset"), weight.asset},
                                   {QStringLiteral("before"), weight.before},
                                   {QStringLiteral("target"), weight.target},
                                   {QStringLiteral("after"), weight.after},
                                   {QStringLiteral("half_width"), weight.halfWidth},
                                   {QStringLiteral("drift_after"), weight.driftAfter()},
                                   {QStringLiteral("inside_band_after"), weight.insideBandAfter()},
                                   {QStringLiteral("quantity_after"), weight.quantityAfter.toString()},
                                   {QStringLiteral("value_after"), weight.valueAfter.toString()}});
    }
    QJsonObject object{{QStringLiteral("plan_id"), plan.id},
                       {QStringLiteral("created_at"), Exports::isoUtc(plan.createdAt)},
                       {QStringLiteral("portfolio"), plan.portfolio},
                       {QStringLiteral("quote"), plan.quote},
                       {QStringLiteral("mode"), plan.mode.toString()},
                       {QStringLiteral("simulated"), plan.simulated},
                       {QStringLiteral("orders"), orders},
                       {QStringLiteral("skipped"), skipped},
                       {QStringLiteral("post_trade_weights"), postWeights},
                       {QStringLiteral("post_trade_drift"), postDrift},
                       {QStringLiteral("weights"), weights},
                       {QStringLiteral("value_before"), plan.valueBefore.toString()},
                       {QStringLiteral("value_after"), plan.valueAfter.toString()},
                       {QStringLiteral("fees_total"), plan.feesTotal.toString()},
                       {QStringLiteral("turnover"), plan.turnover},
                       {QStringLiteral("notes"), QJsonArray::fromStringList(plan.notes)}};
    if (plan.tax.estimated)
        object.insert(QStringLiteral("tax"), taxJson(plan.tax));
    if (plan.deposit)
        object.insert(QStringLiteral("deposit"), cashJson(*plan.deposit));
    if (plan.withdrawal)
        object.insert(QStringLiteral("withdrawal"), cashJson(*plan.withdrawal));
    return object;
}

Result<RebalancePlan> PlanJson::fromJson(const QJsonObject &object)
{
    Reader read;
    RebalancePlan plan;
    plan.id = read.text(object, "plan_id");
    plan.createdAt = QDateTime::fromString(read.text(object, "created_at"), Qt::ISODateWithMs);
    plan.portfolio = read.text(object, "portfolio");
    plan.quote = read.text(object, "quote");
    auto mode = rebalance::PlanMode::parse(read.text(object, "mode"));
    if (mode)
        plan.mode = *mode;
    else
        read.fail("mode");
    plan.simulated = object.value(QStringLiteral("simulated")).toBool();
    for (const auto &value : object.value(QStringLiteral("orders")).toArray()) {
        const QJsonObject o = value.toObject();
        PlannedOrder order;
        order.line = read.whole(o, "line");
        order.account = read.text(o, "account");
        order.accountId = read.integer(o, "account_id");
        order.symbol = read.text(o, "symbol");
        order.side = enumFrom<domain::Side>(read.text(o, "side"), {domain::Side::Buy, domain::Side::Sell},
                                            &domain::toText, read, "side");
        order.type = enumFrom<domain::OrderType>(
            read.text(o, "type"), {domain::OrderType::Market, domain::OrderType::Limit}, &domain::toText, read, "type");
        order.base = read.text(o, "base");
        order.quote = read.text(o, "quote");
        order.quantity = read.decimal(o, "quantity");
        order.price = read.decimal(o, "price");
        order.notional = read.decimal(o, "notional");
        order.fee = read.decimal(o, "fee");
        order.feeAsset = read.text(o, "fee_asset");
        order.feeRate = read.decimal(o, "fee_rate");
        order.route = enumFrom<rebalance::RouteReason>(
            read.text(o, "route"),
            {rebalance::RouteReason::OnlyVenue, rebalance::RouteReason::LowestFee, rebalance::RouteReason::MoreBalance,
             rebalance::RouteReason::DirectPair, rebalance::RouteReason::Remainder},
            &rebalance::toText, read, "route");
        order.alternatives = read.whole(o, "alternatives");
        if (o.contains(QLatin1String("disposed_asset"))) {
            order.disposedAsset = read.text(o, "disposed_asset");
            order.shortTermGain = read.decimal(o, "short_term_gain");
            order.longTermGain = read.decimal(o, "long_term_gain");
            order.uncovered = read.decimal(o, "uncovered");
            for (const auto &lotValue : o.value(QLatin1String("lots")).toArray()) {
                const QJsonObject l = lotValue.toObject();
                rebalance::PlannedLot lot;
                lot.lotTransactionId = read.integer(l, "lot_transaction_id");
                lot.acquired = timeFrom(read, l, "acquired");
                lot.quantity = read.decimal(l, "quantity");
                lot.cost = read.decimal(l, "cost");
                lot.proceeds = read.decimal(l, "proceeds");
                lot.gain = read.decimal(l, "gain");
                lot.longTerm = l.value(QLatin1String("long_term")).toBool();
                order.lots.append(lot);
            }
        }
        plan.orders.append(order);
    }
    for (const auto &value : object.value(QStringLiteral("skipped")).toArray()) {
        const QJsonObject o = value.toObject();
        SkippedLine line;
        line.asset = read.text(o, "asset");
        line.account = read.text(o, "account");
        using rebalance::SkipReason;
        line.reason = enumFrom<SkipReason>(
            read.text(o, "reason_code"),
            {SkipReason::BelowMinNotional, SkipReason::BelowMinQuantity, SkipReason::BelowMinTradeValue,
             SkipReason::Excluded, SkipReason::NoMarket, SkipReason::NoPrice, SkipReason::NotTradable,
             SkipReason::NotEnoughCash, SkipReason::TurnoverLimit, SkipReason::Rounding, SkipReason::NotEnoughToSell,
             SkipReason::OneWay, SkipReason::FallingAsset, SkipReason::GainBudget, SkipReason::YoungLots},
            &rebalance::toText, read, "reason_code");
        line.wanted = read.decimal(o, "wanted");
        line.limit = read.decimal(o, "limit");
        line.driftLeft = read.number(o, "drift_left");
        plan.skipped.append(line);
    }
    for (const auto &value : object.value(QStringLiteral("weights")).toArray()) {
        const QJsonObject o = value.toObject();
        rebalance::PlanWeight weight;
        weight.asset = read.text(o, "asset");
        weight.before = read.number(o, "before");
        weight.target = read.number(o, "target");
        weight.after = read.number(o, "after");
        weight.halfWidth = read.number(o, "half_width");
        weight.quantityAfter = read.decimal(o, "quantity_after");
        weight.valueAfter = read.decimal(o, "value_after");
        plan.weights.append(weight);
    }
    plan.valueBefore = read.decimal(object, "value_before");
    plan.valueAfter = read.decimal(object, "value_after");
    plan.feesTotal = read.decimal(object, "fees_total");
    plan.turnover = read.number(object, "turnover");
    for (const auto &note : object.value(QStringLiteral("notes")).toArray())
        plan.notes.append(note.toString());
    if (object.contains(QLatin1String("tax")))
        plan.tax = taxFrom(read, object.value(QLatin1String("tax")).toObject());
    for (const auto &[key, target] : {std::pair{"deposit", &plan.deposit}, std::pair{"withdrawal", &plan.withdrawal}}) {
        if (!object.contains(QLatin1String(key)))
            continue;
        const QJsonObject o = object.value(QLatin1String(key)).toObject();
        *target = rebalance::CashMovement{read.text(o, "account"), read.integer(o, "account_id"), read.text(o, "asset"),
                                          read.decimal(o, "amount")};
    }
    if (!read.error().isEmpty()) {
        return makeError(QStringLiteral("plan.json"),
                         QStringLiteral("plan %1: field \"%2\" is missing or malformed").arg(plan.id, read.error()));
    }
    return plan;
}

} // namespace ballast::io
