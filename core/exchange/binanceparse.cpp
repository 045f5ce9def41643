#include "exchange/binanceparse.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTimeZone>

#include <cmath>
#include <optional>

namespace ballast::exchange::binance {

using domain::OrderStatus;
using money::Decimal;

Decimal decimalOf(const QJsonValue &value)
{
    if (value.isString())
        return Decimal::parse(value.toString(), true).valueOr({});
    if (value.isDouble())
        return Decimal::fromDouble(value.toDouble(), 8).valueOr({});
    return {};
}

qint64 integerOf(const QJsonValue &value)
{
    const double number = value.toDouble();
    // A cast of a double outside qint64 is undefined behaviour; 2^63 itself is
    // out of range, so the test is strict on the upper side.
    constexpr double kLimit = 9223372036854775808.0;
    if (!std::isfinite(number) || number >= kLimit || number < -kLimit)
        return 0;
    return static_cast<qint64>(number);
}

OrderStatus statusOf(const QString &status)
{
    if (status == QLatin1String("NEW") || status == QLatin1String("PENDING_NEW"))
        return OrderStatus::Open;
    if (status == QLatin1String("PARTIALLY_FILLED"))
        return OrderStatus::PartiallyFilled;
    if (status == QLatin1String("FILLED"))
        return OrderStatus::Filled;
    if (status == QLatin1String("CANCELED") || status == QLatin1String("PENDING_CANCEL"))
        return OrderStatus::Cancelled;
    if (status == QLatin1String("REJECTED"))
        return OrderStatus::Rejected;
    if (status == QLatin1String("EXPIRED") || status == QLatin1String("EXPIRED_IN_MATCH"))
        return OrderStatus::Expired;
    return OrderStatus::Unknown;
}

std::optional<Fees> feesFrom(const QJsonObject &account)
{
    const QJsonObject rates = account.value(QStringLiteral("commissionRates")).toObject();
    if (!rates.contains(QStringLiteral("taker")))
        return std::nullopt;
    return Fees{decimalOf(rates.value(QStringLiteral("maker"))), decimalOf(rates.value(QStringLiteral("taker")))};
}

QList<MarketRules> marketsFrom(const QJsonObject &exchangeInfo, const Fees &fees)
{
    QList<MarketRules> markets;
    for (const auto &value : exchangeInfo.value(QStringLiteral("symbols")).toArray()) {
        const QJsonObject symbol = value.toObject();
        MarketRules rules;
        rules.exchangeSymbol = symbol.value(QStringLiteral("symbol")).toString();
        rules.base = symbol.value(QStringLiteral("baseAsset")).toString();
        rules.quote = symbol.value(QStringLiteral("quoteAsset")).toString();
        rules.symbol = rules.base + QLatin1Char('/') + rules.quote;
        rules.active = symbol.value(QStringLiteral("status")).toString() == QLatin1String("TRADING")
            && symbol.value(QStringLiteral("isSpotTradingAllowed")).toBool(true);
        rules.makerFee = fees.maker;
        rules.takerFee = fees.taker;
        for (const auto &filterValue : symbol.value(QStringLiteral("filters")).toArray()) {
            const QJsonObject filter = filterValue.toObject();
            const QString type = filter.value(QStringLiteral("filterType")).toString();
            if (type == QLatin1String("PRICE_FILTER")) {
                rules.tick = decimalOf(filter.value(QStringLiteral("tickSize")));
                rules.minPrice = decimalOf(filter.value(QStringLiteral("minPrice")));
                rules.maxPrice = decimalOf(filter.value(QStringLiteral("maxPrice")));
            } else if (type == QLatin1String("LOT_SIZE")) {
                rules.lotStep = decimalOf(filter.value(QStringLiteral("stepSize")));
                rules.minQuantity = decimalOf(filter.value(QStringLiteral("minQty")));
                rules.maxQuantity = decimalOf(filter.value(QStringLiteral("maxQty")));
            } else if (type == QLatin1String("MARKET_LOT_SIZE")) {
                rules.marketLotStep = decimalOf(filter.value(QStringLiteral("stepSize")));
                rules.marketMaxQuantity = decimalOf(filter.value(QStringLiteral("maxQty")));
            } else if (type == QLatin1String("MIN_NOTIONAL") || type == QLatin1String("NOTIONAL")) {
                // Both filters exist on Binance; the stricter minimum wins.
                rules.minNotional =
                    Decimal::max(rules.minNotional, decimalOf(filter.value(QStringLiteral("minNotional"))));
                if (type == QLatin1String("NOTIONAL"))
                    rules.maxNotional = decimalOf(filter.value(QStringLiteral("maxNotional")));
            }
        }
        markets.append(rules);
    }
    return markets;
}

ExResult<QList<Balance>> balancesFrom(const QJsonObject &account)
{
    QList<Balance> balances;
    for (const auto &value : account.value(QStringLiteral("balances")).toArray()) {
        const QJsonObject balance = value.toObject();
        Balance entry{balance.value(QStringLiteral("asset")).toString(),
                      decimalOf(balance.value(QStringLiteral("free"))),
                      decimalOf(balance.value(QStringLiteral("locked")))};
        // Balance::total() throws on overflow; two amounts near Decimal's
        // limit are a damaged answer, not a balance.
        auto total = entry.free.add(entry.locked);
        if (!total) {
            ExchangeError error;
            error.kind = ExchangeError::Kind::Exchange;
            error.exchangeCode = QStringLiteral("balance");
            error.exchangeMessage = QStringLiteral("the balance of %1 is out of range: free %2, locked %3")
                                        .arg(entry.asset, entry.free.toString(), entry.locked.toString());
            return error;
        }
        if (!total->isZero())
            balances.append(entry);
    }
    return balances;
}

qint64 serverTimeFrom(const QJsonObject &time)
{
    return integerOf(time.value(QStringLiteral("serverTime")));
}

Ticker tickerFrom(const QJsonObject &book, const QJsonObject &lastPrice)
{
    Ticker ticker;
    ticker.bid = decimalOf(book.value(QStringLiteral("bidPrice")));
    ticker.ask = decimalOf(book.value(QStringLiteral("askPrice")));
    ticker.last = decimalOf(lastPrice.value(QStringLiteral("price")));
    return ticker;
}

domain::Order orderFrom(const QJsonObject &object, const QHash<QString, QString> &toNeutral)
{
    domain::Order order;
    order.exchangeOrderId = QString::number(integerOf(object.value(QStringLiteral("orderId"))));
    order.clientOrderId = object.value(QStringLiteral("clientOrderId")).toString();
    if (object.contains(QStringLiteral("origClientOrderId")))
        order.clientOrderId = object.value(QStringLiteral("origClientOrderId")).toString();
    const QString symbol = object.value(QStringLiteral("symbol")).toString();
    order.symbol = toNeutral.value(symbol, symbol);
    order.side = object.value(QStringLiteral("side")).toString() == QLatin1String("BUY") ? domain::Side::Buy
                                                                                         : domain::Side::Sell;
    order.type = object.value(QStringLiteral("type")).toString() == QLatin1String("LIMIT") ? domain::OrderType::Limit
                                                                                           : domain::OrderType::Market;
    order.quantity = decimalOf(object.value(QStringLiteral("origQty")));
    order.price = decimalOf(object.value(QStringLiteral("price")));
    order.filledQuantity = decimalOf(object.value(QStringLiteral("executedQty")));
    order.filledQuote = Decimal::max(Decimal(), decimalOf(object.value(QStringLiteral("cummulativeQuoteQty"))));
    order.status = statusOf(object.value(QStringLiteral("status")).toString());
    order.reason = object.value(QStringLiteral("expiryReason")).toString();
    const QJsonValue transactTime = object.value(QStringLiteral("transactTime"));
    const qint64 time = integerOf(transactTime.isDouble() ? transactTime : object.value(QStringLiteral("updateTime")));
    order.updatedAt = QDateTime::fromMSecsSinceEpoch(time, QTimeZone::utc());
    if (order.status == OrderStatus::Unknown && object.contains(QStringLiteral("orderId")))
        order.status = OrderStatus::Open; // an ACK: accepted, state to be looked up
    return order;
}

domain::Fill fillFrom(const QJsonObject &trade, const QString &symbol)
{
    domain::Fill fill;
    fill.tradeId = QString::number(integerOf(trade.value(QStringLiteral("id"))));
    fill.exchangeOrderId = QString::number(integerOf(trade.value(QStringLiteral("orderId"))));
    fill.symbol = symbol;
    fill.side = trade.value(QStringLiteral("isBuyer")).toBool() ? domain::Side::Buy : domain::Side::Sell;
    fill.quantity = decimalOf(trade.value(QStringLiteral("qty")));
    fill.price = decimalOf(trade.value(QStringLiteral("price")));
    fill.fee = decimalOf(trade.value(QStringLiteral("commission")));
    fill.feeAsset = trade.value(QStringLiteral("commissionAsset")).toString();
    fill.time = QDateTime::fromMSecsSinceEpoch(integerOf(trade.value(QStringLiteral("time"))), QTimeZone::utc());
    fill.quoteQuantity = decimalOf(trade.value(QStringLiteral("quoteQty")));
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

/// A field that must be there: a decimal string (or number), an integer, or text.
std::optional<Decimal> requiredDecimal(const QJsonObject &object, const QString &name)
{
    const QJsonValue value = object.value(name);
    if (value.isString()) {
        auto parsed = Decimal::parse(value.toString(), true);
        if (!parsed)
            return std::nullopt;
        return *parsed;
    }
    if (value.isDouble()) {
        auto parsed = Decimal::fromDouble(value.toDouble(), 8);
        if (!parsed)
            return std::nullopt;
        return *parsed;
    }
    return std::nullopt;
}

std::optional<qint64> requiredInteger(const QJsonObject &object, const QString &name)
{
    const QJsonValue value = object.value(name);
    if (!value.isDouble())
        return std::nullopt;
    const qint64 number = integerOf(value);
    if (number <= 0)
        return std::nullopt;
    return number;
}

} // namespace

ExResult<QList<domain::Fill>> tradeHistoryFrom(const QJsonDocument &page, const QString &symbol)
{
    const QString where = QStringLiteral("myTrades %1").arg(symbol);
    if (!page.isArray())
        return malformed(where, QStringLiteral("the answer is not a JSON array of trades"));
    QList<domain::Fill> fills;
    const QJsonArray trades = page.array();
    for (qsizetype i = 0; i < trades.size(); ++i) {
        const QString at = QStringLiteral("%1, trade %2 of the page").arg(where).arg(i + 1);
        if (!trades.at(i).isObject())
            return malformed(at, QStringLiteral("is not a JSON object"));
        const QJsonObject trade = trades.at(i).toObject();
        if (!requiredInteger(trade, QStringLiteral("id")))
            return malformed(at, QStringLiteral("field \"id\" is missing or not a whole number"));
        if (!requiredInteger(trade, QStringLiteral("time")))
            return malformed(at, QStringLiteral("field \"time\" is missing or not a time in ms"));
        for (const QString &name : {QStringLiteral("qty"), QStringLiteral("price"), QStringLiteral("commission")}) {
            const auto value = requiredDecimal(trade, name);
            if (!value || value->isNegative() || (name == QLatin1String("qty") && value->isZero()))
                return malformed(at, QStringLiteral("field \"%1\" is missing or not an amount").arg(name));
        }
        if (!trade.value(QStringLiteral("isBuyer")).isBool())
            return malformed(at, QStringLiteral("field \"isBuyer\" is missing or not true/false"));
        fills.append(fillFrom(trade, symbol));
    }
    return fills;
}

ExResult<QList<Movement>> movementsFrom(const QJsonDocument &page, Movement::Direction direction)
{
    const bool deposit = direction == Movement::Direction::Deposit;
    const QString where = deposit ? QStringLiteral("deposit history") : QStringLiteral("withdrawal history");
    if (!page.isArray())
        return malformed(where, QStringLiteral("the answer is not a JSON array"));
    QList<Movement> movements;
    const QJsonArray records = page.array();
    for (qsizetype i = 0; i < records.size(); ++i) {
        const QString at = QStringLiteral("%1, record %2 of the page").arg(where).arg(i + 1);
        if (!records.at(i).isObject())
            return malformed(at, QStringLiteral("is not a JSON object"));
        const QJsonObject record = records.at(i).toObject();
        Movement movement;
        movement.direction = direction;
        const QJsonValue id = record.value(QStringLiteral("id"));
        movement.id = id.isString() ? id.toString() : (id.isDouble() ? QString::number(integerOf(id)) : QString());
        if (movement.id.isEmpty())
            return malformed(at, QStringLiteral("field \"id\" is missing"));
        movement.asset = record.value(QStringLiteral("coin")).toString();
        if (movement.asset.isEmpty())
            return malformed(at, QStringLiteral("field \"coin\" is missing"));
        const auto amount = requiredDecimal(record, QStringLiteral("amount"));
        if (!amount || amount->isNegative())
            return malformed(at, QStringLiteral("field \"amount\" is missing or not an amount"));
        movement.amount = *amount;
        if (!deposit) {
            const auto fee = requiredDecimal(record, QStringLiteral("transactionFee"));
            if (!fee || fee->isNegative())
                return malformed(at, QStringLiteral("field \"transactionFee\" is missing or not an amount"));
            movement.fee = *fee;
        }
        movement.network = record.value(QStringLiteral("network")).toString();
        movement.txHash = record.value(QStringLiteral("txId")).toString();
        movement.address = record.value(QStringLiteral("address")).toString();
        movement.internal = integerOf(record.value(QStringLiteral("transferType"))) == 1;
        if (movement.internal && movement.txHash.startsWith(QLatin1String("Internal transfer")))
            movement.txHash.clear();
        if (deposit) {
            const auto time = requiredInteger(record, QStringLiteral("insertTime"));
            if (!time)
                return malformed(at, QStringLiteral("field \"insertTime\" is missing or not a time in ms"));
            movement.timeMs = *time;
        } else {
            QDateTime time = QDateTime::fromString(record.value(QStringLiteral("applyTime")).toString(),
                                                   QStringLiteral("yyyy-MM-dd HH:mm:ss"));
            time.setTimeZone(QTimeZone::utc());
            if (!time.isValid())
                return malformed(at, QStringLiteral("field \"applyTime\" is missing or not \"YYYY-MM-DD hh:mm:ss\""));
            movement.timeMs = time.toMSecsSinceEpoch();
        }
        const QJsonValue status = record.value(QStringLiteral("status"));
        if (!status.isDouble())
            return malformed(at, QStringLiteral("field \"status\" is missing or not a number"));
        const qint64 code = integerOf(status);
        movement.status = QString::number(code);
        if (deposit) {
            movement.state = (code == 1 || code == 6) ? Movement::State::Completed
                : (code == 2 || code == 7)            ? Movement::State::Failed
                                                      : Movement::State::Pending;
        } else {
            movement.state = code == 6                  ? Movement::State::Completed
                : (code == 1 || code == 3 || code == 5) ? Movement::State::Failed
                                                        : Movement::State::Pending;
        }
        movements.append(movement);
    }
    return movements;
}

ErrorBody errorBodyFrom(const QByteArray &body)
{
    const QJsonObject object = QJsonDocument::fromJson(body).object();
    ErrorBody error;
    error.hasCode = object.contains(QStringLiteral("code"));
    error.code = object.value(QStringLiteral("code")).toInt();
    error.message = object.value(QStringLiteral("msg")).toString();
    return error;
}

} // namespace ballast::exchange::binance
