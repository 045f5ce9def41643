#pragma once

#include "domain/fill.h"
#include "domain/order.h"
#include "exchange/accounthistory.h"
#include "exchange/exchangeerror.h"
#include "exchange/markettypes.h"

#include <QByteArray>
#include <QHash>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonValue>
#include <QList>
#include <QString>

#include <optional>

namespace ballast::exchange::binance {

/// Reading Binance Spot REST answers: pure functions from a parsed body to
/// values, shared by BinanceExchange and the fuzz target. None of them
/// throws or reads anything but its arguments; a field that is missing or
/// malformed reads as zero or empty, as Binance leaves out what does not apply.

/// An amount field: a string read exactly (an exponent is allowed), a JSON
/// number rounded to 8 decimals; zero when missing or unreadable.
money::Decimal decimalOf(const QJsonValue &value);
/// A whole-number field (ids, times in ms): a JSON number truncated toward
/// zero; 0 when missing, not a number or outside qint64.
qint64 integerOf(const QJsonValue &value);
/// Binance's order status names ("NEW", "FILLED", ...); Unknown for others.
domain::OrderStatus statusOf(const QString &status);

/// The account's commission rates (GET /api/v3/account "commissionRates").
struct Fees
{
    money::Decimal maker;
    money::Decimal taker;
};
/// Absent when the account answer has no taker rate.
std::optional<Fees> feesFrom(const QJsonObject &account);

/// The markets of GET /api/v3/exchangeInfo with their filters, every one
/// charged @p fees.
QList<MarketRules> marketsFrom(const QJsonObject &exchangeInfo, const Fees &fees);

/// The non-zero balances of GET /api/v3/account; an error when an asset's
/// free plus locked amount is out of Decimal's range.
ExResult<QList<Balance>> balancesFrom(const QJsonObject &account);

/// "serverTime" of GET /api/v3/time, in ms.
qint64 serverTimeFrom(const QJsonObject &time);

/// Bid and ask of GET /api/v3/ticker/bookTicker and last of
/// /api/v3/ticker/price; symbol and time are the caller's.
Ticker tickerFrom(const QJsonObject &book, const QJsonObject &lastPrice);

/// An order answer (place, query, cancel, open orders); @p toNeutral maps
/// "BTCUSDT" to "BTC/USDT" (unknown symbols are kept as Binance spells them).
domain::Order orderFrom(const QJsonObject &object, const QHash<QString, QString> &toNeutral);

/// One trade of GET /api/v3/myTrades, for the neutral @p symbol.
domain::Fill fillFrom(const QJsonObject &trade, const QString &symbol);

/// The trades of one page of GET /api/v3/myTrades for the neutral
/// @p symbol. Unlike the readers above this one is strict, since a trade
/// read as zero would be stored: an answer that is not an array, or a trade
/// without an id, quantity, price or time, is an error naming the symbol,
/// the trade's place in the page and the field.
ExResult<QList<domain::Fill>> tradeHistoryFrom(const QJsonDocument &page, const QString &symbol);

/// One page of GET /sapi/v1/capital/deposit/hisrec (@p direction Deposit) or
/// /sapi/v1/capital/withdraw/history (Withdrawal), strict as above. Deposit
/// status 1 (success) and 6 (credited, not yet withdrawable) are completed,
/// 0, 8 pending, 2 and 7 failed; withdrawal status 6 is completed, 1, 3 and
/// 5 failed, the others pending. A withdrawal's applyTime is UTC text.
ExResult<QList<Movement>> movementsFrom(const QJsonDocument &page, Movement::Direction direction);

/// The {"code": -1013, "msg": "..."} body of an error answer.
struct ErrorBody
{
    bool hasCode = false;
    int code = 0;
    QString message;
};
ErrorBody errorBodyFrom(const QByteArray &body);

} // namespace ballast::exchange::binance
