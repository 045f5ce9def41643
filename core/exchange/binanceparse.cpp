#include "exchange/binanceparse.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTimeZone>

#include <cmath>

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
