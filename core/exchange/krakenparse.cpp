#include "exchange/krakenparse.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTimeZone>

#include <algorithm>
#include <cmath>
#include <optional>

namespace ballast::exchange::kraken {

using domain::OrderStatus;
using money::Decimal;

Decimal decimalOf(const QJsonValue &value)
{
    if (value.isString())
        return Decimal::parse(value.toString(), true).valueOr({});
    if (value.isDouble())
        return Decimal::fromDouble(value.toDouble(), 10).valueOr({});
    return {};
}

Decimal powerOfTenNegative(int decimals)
{
    Decimal step = Decimal::fromInt(1);
    const Decimal ten = Decimal::fromInt(10);
    for (int i = 0; i < decimals && i < money::Decimal::kScale; ++i)
        step = step / ten;
    return step;
}

QString normalizeAsset(const QString &code)
{
    const QString plain = code.section(QLatin1Char('.'), 0, 0);
    static const QHash<QString, QString> known{
        {QStringLiteral("XXBT"), QStringLiteral("BTC")}, {QStringLiteral("XBT"), QStringLiteral("BTC")},
        {QStringLiteral("XETH"), QStringLiteral("ETH")}, {QStringLiteral("XXDG"), QStringLiteral("DOGE")},
        {QStringLiteral("XDG"), QStringLiteral("DOGE")}, {QStringLiteral("XXRP"), QStringLiteral("XRP")},
        {QStringLiteral("XLTC"), QStringLiteral("LTC")}, {QStringLiteral("XXLM"), QStringLiteral("XLM")},
        {QStringLiteral("XETC"), QStringLiteral("ETC")}, {QStringLiteral("XZEC"), QStringLiteral("ZEC")},
        {QStringLiteral("XXMR"), QStringLiteral("XMR")}, {QStringLiteral("ZUSD"), QStringLiteral("USD")},
        {QStringLiteral("ZEUR"), QStringLiteral("EUR")}, {QStringLiteral("ZGBP"), QStringLiteral("GBP")},
        {QStringLiteral("ZCAD"), QStringLiteral("CAD")}, {QStringLiteral("ZJPY"), QStringLiteral("JPY")},
        {QStringLiteral("ZCHF"), QStringLiteral("CHF")}, {QStringLiteral("ZAUD"), QStringLiteral("AUD")}};
    return known.value(plain, plain);
}

Envelope envelopeFrom(const QByteArray &body)
{
    Envelope envelope;
    QJsonParseError parseError{};
    const QJsonDocument document = QJsonDocument::fromJson(body, &parseError);
    if (parseError.error != QJsonParseError::NoError || !document.isObject()) {
        envelope.parseError = parseError.error != QJsonParseError::NoError ? parseError.errorString()
                                                                           : QStringLiteral("not a JSON object");
        return envelope;
    }
    envelope.readable = true;
    const QJsonObject object = document.object();
    for (const auto &value : object.value(QStringLiteral("error")).toArray())
        envelope.errors.append(value.toString());
    envelope.result = object.value(QStringLiteral("result")).toObject();
    return envelope;
}

namespace {

/// Milliseconds of Kraken's fractional seconds, rounded to nearest or truncated
/// as each answer was read before; 0 when out of qint64 (casting such a
/// double is undefined behaviour).
qint64 millisecondsOf(double seconds, bool roundToNearest)
{
    constexpr double kLimit = 9.2e15;
    if (!std::isfinite(seconds) || seconds >= kLimit || seconds <= -kLimit)
        return 0;
    return roundToNearest ? static_cast<qint64>(std::llround(seconds * 1000.0)) : static_cast<qint64>(seconds * 1000.0);
}

} // namespace

qint64 serverTimeFrom(const QJsonObject &time)
{
    // Whole seconds, as Kraken sends them (the fraction, if any, is dropped).
    return millisecondsOf(std::trunc(time.value(QStringLiteral("unixtime")).toDouble()), true);
}

QList<Pair> pairsFrom(const QJsonObject &assetPairs)
{
    QList<Pair> pairs;
    for (auto it = assetPairs.constBegin(); it != assetPairs.constEnd(); ++it) {
        const QJsonObject pair = it.value().toObject();
        MarketRules rules;
        rules.exchangeSymbol = it.key();
        rules.base = normalizeAsset(pair.value(QStringLiteral("base")).toString());
        rules.quote = normalizeAsset(pair.value(QStringLiteral("quote")).toString());
        rules.symbol = rules.base + QLatin1Char('/') + rules.quote;
        const QString status = pair.value(QStringLiteral("status")).toString(QStringLiteral("online"));
        rules.active = status == QLatin1String("online");
        rules.lotStep = powerOfTenNegative(pair.value(QStringLiteral("lot_decimals")).toInt(8));
        rules.minQuantity = Decimal::max(rules.lotStep, decimalOf(pair.value(QStringLiteral("ordermin"))));
        rules.tick = pair.contains(QStringLiteral("tick_size"))
            ? decimalOf(pair.value(QStringLiteral("tick_size")))
            : powerOfTenNegative(pair.value(QStringLiteral("pair_decimals")).toInt(5));
        rules.minNotional = decimalOf(pair.value(QStringLiteral("costmin")));
        // Fee schedules are [[volume, percent], ...]; the first tier applies to new accounts.
        const QJsonArray fees = pair.value(QStringLiteral("fees")).toArray();
        const QJsonArray makerFees = pair.value(QStringLiteral("fees_maker")).toArray();
        const auto percent = [](const QJsonArray &schedule, const char *fallback) {
            if (schedule.isEmpty())
                return money::dec(fallback);
            // Dividing by 100 can neither overflow nor divide by zero.
            return decimalOf(schedule.first().toArray().at(1)) / Decimal::fromInt(100);
        };
        rules.takerFee = percent(fees, "0.0026");
        rules.makerFee = percent(makerFees.isEmpty() ? fees : makerFees, "0.0016");
        pairs.append(Pair{rules, pair.value(QStringLiteral("altname")).toString()});
    }
    return pairs;
}

ExResult<QList<Balance>> balancesFrom(const QJsonObject &balance)
{
    QHash<QString, Decimal> totals;
    for (auto it = balance.constBegin(); it != balance.constEnd(); ++it) {
        if (it.key().contains(QLatin1Char('.')))
            continue; // staked, earn or futures collateral: not spot balance
        Decimal &total = totals[normalizeAsset(it.key())];
        // "XXBT" and "XBT" add up to one asset; their sum may leave Decimal's range.
        auto sum = total.add(decimalOf(it.value()));
        if (!sum) {
            ExchangeError error;
            error.kind = ExchangeError::Kind::Exchange;
            error.exchangeCode = QStringLiteral("balance");
            error.exchangeMessage = QStringLiteral("the balance of %1 is out of range").arg(normalizeAsset(it.key()));
            return error;
        }
        total = *sum;
    }
    QList<Balance> balances;
    for (auto it = totals.cbegin(); it != totals.cend(); ++it) {
        if (!it.value().isZero())
            balances.append(Balance{it.key(), it.value(), {}});
    }
    std::sort(balances.begin(), balances.end(), [](const Balance &a, const Balance &b) { return a.asset < b.asset; });
    return balances;
}

Ticker tickerFrom(const QJsonObject &ticker)
{
    const QJsonObject data = ticker.constBegin() != ticker.constEnd() ? ticker.constBegin()->toObject() : QJsonObject();
    Ticker out;
    out.ask = decimalOf(data.value(QStringLiteral("a")).toArray().at(0));
    out.bid = decimalOf(data.value(QStringLiteral("b")).toArray().at(0));
    out.last = decimalOf(data.value(QStringLiteral("c")).toArray().at(0));
    return out;
}

domain::Order orderFrom(const QString &txid, const QJsonObject &object, const QHash<QString, QString> &toNeutral)
{
    domain::Order order;
    order.exchangeOrderId = txid;
    order.clientOrderId = object.value(QStringLiteral("cl_ord_id")).toString();
    const QJsonObject descr = object.value(QStringLiteral("descr")).toObject();
    const QString pair = descr.value(QStringLiteral("pair")).toString();
    order.symbol = toNeutral.value(pair, pair);
    order.side =
        descr.value(QStringLiteral("type")).toString() == QLatin1String("buy") ? domain::Side::Buy : domain::Side::Sell;
    order.type = descr.value(QStringLiteral("ordertype")).toString() == QLatin1String("limit")
        ? domain::OrderType::Limit
        : domain::OrderType::Market;
    order.quantity = decimalOf(object.value(QStringLiteral("vol")));
    order.price = decimalOf(descr.value(QStringLiteral("price")));
    order.filledQuantity = decimalOf(object.value(QStringLiteral("vol_exec")));
    order.filledQuote = decimalOf(object.value(QStringLiteral("cost")));
    order.reason = object.value(QStringLiteral("reason")).toString();
    const QString status = object.value(QStringLiteral("status")).toString();
    if (status == QLatin1String("closed")) {
        order.status = order.filledQuantity >= order.quantity ? OrderStatus::Filled : OrderStatus::Expired;
    } else if (status == QLatin1String("canceled")) {
        order.status = OrderStatus::Cancelled;
    } else if (status == QLatin1String("expired")) {
        order.status = OrderStatus::Expired;
    } else {
        order.status = order.filledQuantity.isPositive() ? OrderStatus::PartiallyFilled : OrderStatus::Open;
    }
    const double time =
        object.value(QStringLiteral("closetm")).toDouble(object.value(QStringLiteral("opentm")).toDouble());
    order.updatedAt = QDateTime::fromMSecsSinceEpoch(millisecondsOf(time, false), QTimeZone::utc());
    return order;
}

domain::Fill fillFrom(const QString &tradeId, const QJsonObject &trade, const QString &symbol)
{
    domain::Fill fill;
    fill.tradeId = tradeId;
    fill.exchangeOrderId = trade.value(QStringLiteral("ordertxid")).toString();
    fill.symbol = symbol;
    fill.side =
        trade.value(QStringLiteral("type")).toString() == QLatin1String("buy") ? domain::Side::Buy : domain::Side::Sell;
    fill.quantity = decimalOf(trade.value(QStringLiteral("vol")));
    fill.price = decimalOf(trade.value(QStringLiteral("price")));
    fill.fee = decimalOf(trade.value(QStringLiteral("fee")));
    fill.feeAsset = symbol.section(QLatin1Char('/'), 1, 1); // Kraken charges in the quote by default
    fill.time = QDateTime::fromMSecsSinceEpoch(millisecondsOf(trade.value(QStringLiteral("time")).toDouble(), true),
                                               QTimeZone::utc());
    fill.quoteQuantity = decimalOf(trade.value(QStringLiteral("cost")));
    return fill;
}

namespace {

ExchangeError malformed(const QString &where, const QString &why)
{
    ExchangeError error;
    error.kind = ExchangeError::Kind::Exchange;
    error.exchangeCode = QStringLiteral("malformed");
    error.exchangeMessage = QStringLiteral("%1: %2").arg(where, why);
    return error;
}

/// An amount that must be there: a decimal string (Kraken sends strings).
std::optional<Decimal> requiredAmount(const QJsonObject &object, const QString &name)
{
    const QJsonValue value = object.value(name);
    if (!value.isString())
        return std::nullopt;
    auto parsed = Decimal::parse(value.toString(), true);
    if (!parsed)
        return std::nullopt;
    return *parsed;
}

/// Kraken's time: fractional seconds, positive.
std::optional<qint64> requiredTime(const QJsonObject &object)
{
    const QJsonValue value = object.value(QStringLiteral("time"));
    if (!value.isDouble() || value.toDouble() <= 0)
        return std::nullopt;
    const qint64 ms = millisecondsOf(value.toDouble(), true);
    if (ms <= 0)
        return std::nullopt;
    return ms;
}

std::optional<qint64> countOf(const QJsonObject &result)
{
    const QJsonValue count = result.value(QStringLiteral("count"));
    if (!count.isDouble() || count.toDouble() < 0)
        return std::nullopt;
    return static_cast<qint64>(count.toDouble());
}

} // namespace

ExResult<LedgerPage> ledgerPageFrom(const QJsonObject &result)
{
    const QString where = QStringLiteral("Ledgers");
    if (!result.value(QStringLiteral("ledger")).isObject())
        return malformed(where, QStringLiteral("the answer has no \"ledger\" object"));
    const auto count = countOf(result);
    if (!count)
        return malformed(where, QStringLiteral("the answer has no \"count\""));
    LedgerPage page;
    page.count = *count;
    const QJsonObject ledger = result.value(QStringLiteral("ledger")).toObject();
    for (auto it = ledger.constBegin(); it != ledger.constEnd(); ++it) {
        const QString at = QStringLiteral("%1, entry %2").arg(where, it.key());
        if (!it.value().isObject())
            return malformed(at, QStringLiteral("is not a JSON object"));
        const QJsonObject object = it.value().toObject();
        LedgerEntry entry;
        entry.id = it.key();
        entry.refid = object.value(QStringLiteral("refid")).toString();
        entry.type = object.value(QStringLiteral("type")).toString();
        entry.subtype = object.value(QStringLiteral("subtype")).toString();
        entry.assetClass = object.value(QStringLiteral("aclass")).toString();
        entry.asset = object.value(QStringLiteral("asset")).toString();
        for (const auto &[name, text] :
             {std::pair{QStringLiteral("refid"), entry.refid}, std::pair{QStringLiteral("type"), entry.type},
              std::pair{QStringLiteral("asset"), entry.asset}}) {
            if (text.isEmpty())
                return malformed(at, QStringLiteral("field \"%1\" is missing").arg(name));
        }
        const auto time = requiredTime(object);
        if (!time)
            return malformed(at, QStringLiteral("field \"time\" is missing or not a time"));
        entry.timeMs = *time;
        const auto amount = requiredAmount(object, QStringLiteral("amount"));
        if (!amount)
            return malformed(at, QStringLiteral("field \"amount\" is missing or not an amount"));
        entry.amount = *amount;
        const auto fee = requiredAmount(object, QStringLiteral("fee"));
        if (!fee || fee->isNegative())
            return malformed(at, QStringLiteral("field \"fee\" is missing or not an amount"));
        entry.fee = *fee;
        entry.balance = decimalOf(object.value(QStringLiteral("balance")));
        page.entries.append(entry);
    }
    return page;
}

ExResult<TradesPage> tradesPageFrom(const QJsonObject &result, const QHash<QString, QString> &toNeutral)
{
    const QString where = QStringLiteral("TradesHistory");
    if (!result.value(QStringLiteral("trades")).isObject())
        return malformed(where, QStringLiteral("the answer has no \"trades\" object"));
    const auto count = countOf(result);
    if (!count)
        return malformed(where, QStringLiteral("the answer has no \"count\""));
    TradesPage page;
    page.count = *count;
    const QJsonObject trades = result.value(QStringLiteral("trades")).toObject();
    for (auto it = trades.constBegin(); it != trades.constEnd(); ++it) {
        const QString at = QStringLiteral("%1, trade %2").arg(where, it.key());
        if (!it.value().isObject())
            return malformed(at, QStringLiteral("is not a JSON object"));
        const QJsonObject trade = it.value().toObject();
        const QString pair = trade.value(QStringLiteral("pair")).toString();
        if (pair.isEmpty())
            return malformed(at, QStringLiteral("field \"pair\" is missing"));
        const QString type = trade.value(QStringLiteral("type")).toString();
        if (type != QLatin1String("buy") && type != QLatin1String("sell"))
            return malformed(at, QStringLiteral("field \"type\" is not buy or sell"));
        if (!requiredTime(trade))
            return malformed(at, QStringLiteral("field \"time\" is missing or not a time"));
        for (const QString &name :
             {QStringLiteral("vol"), QStringLiteral("price"), QStringLiteral("cost"), QStringLiteral("fee")}) {
            const auto value = requiredAmount(trade, name);
            if (!value || value->isNegative() || (name == QLatin1String("vol") && value->isZero()))
                return malformed(at, QStringLiteral("field \"%1\" is missing or not an amount").arg(name));
        }
        page.fills.append(fillFrom(it.key(), trade, toNeutral.value(pair, pair)));
    }
    return page;
}

} // namespace ballast::exchange::kraken
