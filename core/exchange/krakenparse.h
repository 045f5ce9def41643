#pragma once

#include "domain/fill.h"
#include "domain/order.h"
#include "exchange/accounthistory.h"
#include "exchange/exchangeerror.h"
#include "exchange/markettypes.h"

#include <QByteArray>
#include <QHash>
#include <QJsonObject>
#include <QJsonValue>
#include <QList>
#include <QString>
#include <QStringList>

namespace ballast::exchange::kraken {

/// Reading Kraken Spot REST answers: pure functions from a body to values,
/// shared by KrakenExchange and the fuzz target. None of them throws or reads
/// anything but its arguments; a missing or malformed field reads as zero or
/// empty.

/// An amount field: a string read exactly (an exponent is allowed), a JSON
/// number rounded to 10 decimals; zero when missing or unreadable.
money::Decimal decimalOf(const QJsonValue &value);
/// 10^-decimals, at most 10^-18; 1 for zero or negative counts.
money::Decimal powerOfTenNegative(int decimals);
/// "XXBT" -> "BTC", "ZUSD" -> "USD", "ETH.F" -> "ETH".
QString normalizeAsset(const QString &code);

/// Kraken's {"error": [...], "result": {...}} wrapper around every answer.
struct Envelope
{
    bool readable = false; ///< the body is a JSON object
    QString parseError; ///< why not, when it is not
    QStringList errors;
    QJsonObject result;
};
Envelope envelopeFrom(const QByteArray &body);

/// "unixtime" of public/Time, in ms; 0 when missing or out of range.
qint64 serverTimeFrom(const QJsonObject &time);

/// One pair of public/AssetPairs and the other name Kraken uses for it.
struct Pair
{
    MarketRules rules;
    QString altname; ///< "XBTUSD" beside the key "XXBTZUSD"
};
QList<Pair> pairsFrom(const QJsonObject &assetPairs);

/// Spot balances of private/Balance summed per normalised asset (staked and
/// earn entries such as "ETH.F" left out), non-zero only, sorted by asset; an
/// error when a sum is out of Decimal's range.
ExResult<QList<Balance>> balancesFrom(const QJsonObject &balance);

/// Ask, bid and last of the first pair of public/Ticker; symbol and time are
/// the caller's.
Ticker tickerFrom(const QJsonObject &ticker);

/// An order of OpenOrders, ClosedOrders or QueryOrders under @p txid;
/// @p toNeutral maps Kraken's pair names to "BASE/QUOTE".
domain::Order orderFrom(const QString &txid, const QJsonObject &object, const QHash<QString, QString> &toNeutral);

/// One trade of TradesHistory or QueryTrades, for the neutral @p symbol.
domain::Fill fillFrom(const QString &tradeId, const QJsonObject &trade, const QString &symbol);

/// One page of private/Ledgers: its entries (keyed by ledger id in the
/// answer) and `count`, the number of entries the query matches in all
/// pages. Strict, since an entry read as zero would be stored: a page
/// without a "ledger" object or "count", or an entry without refid, time,
/// type, asset or amount, is an error naming the ledger id and the field.
struct LedgerPage
{
    QList<LedgerEntry> entries;
    qint64 count = 0;
};
ExResult<LedgerPage> ledgerPageFrom(const QJsonObject &result);

/// One page of private/TradesHistory: its trades (keyed by trade id) for
/// the neutral symbols @p toNeutral gives their pairs (unknown pairs kept as
/// Kraken spells them) and `count`. Strict as above.
struct TradesPage
{
    QList<domain::Fill> fills;
    qint64 count = 0;
};
ExResult<TradesPage> tradesPageFrom(const QJsonObject &result, const QHash<QString, QString> &toNeutral);

} // namespace ballast::exchange::kraken
