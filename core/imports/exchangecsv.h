#pragma once

// The parsers behind imports::parse(), one per exchange file; shared helpers.
// Internal to core/imports.

#include "imports/csvfile.h"
#include "imports/transactioncsv.h"

#include <QHash>
#include <QMap>

#include <functional>

namespace ballast::imports::detail {

Result<ParsedTransactions> parseBinanceTransactions(const CsvFile &table);
Result<ParsedTransactions> parseBinanceTrades(const CsvFile &table);
Result<ParsedTransactions> parseKrakenLedgers(const CsvFile &table);
Result<ParsedTransactions> parseKrakenTrades(const CsvFile &table);
Result<ParsedTransactions> parseCoinbase(const CsvFile &table);

/// The columns a layout must have; the first missing one, or -1 for none.
struct Layout
{
    CsvFormat format;
    QString title; ///< for messages: "Binance Trade History (2021)"
    QStringList required;
};
const QList<Layout> &layouts();
bool hasColumns(const QStringList &header, const QStringList &names);

/// domain::validate() of @p tx as the caller will store it (with an
/// account), refused as "FILE: line L: FIELD: WHY".
Status checkShape(const CsvFile &table, const CsvRow &row, const domain::Transaction &tx);

/// A transaction with the fields every import sets.
domain::Transaction imported(domain::TransactionKind kind, const QDateTime &time, const QString &asset,
                             const money::Decimal &quantity);

/// Hex SHA-256 (first 32 digits) of @p parts joined by '|': stable ids for
/// files that have none.
QString stableId(const QString &prefix, const QStringList &parts);

/// A numbered key: the second identical row of a file gets "#2", and so on,
/// so identical rows stay distinct and a re-import gives the same ids.
QString occurrence(QHash<QString, int> &seen, const QString &key);

/// The tail both exchange exports share once a group of rows is known to
/// be one trade: the trade of @p quantity @p base against @p quoteAmount
/// @p quote (price = quote / quantity) under @p externalId, then its fees
/// (@p fees: asset -> positive amount). The fee in @p mainFeeAsset stays on
/// the trade; every other becomes a Fee transaction with id @p feeId(asset).
/// Returns the trade first, then those fees.
QList<domain::Transaction> pairedTrade(const QDateTime &time, domain::Side side, const QString &base,
                                       const money::Decimal &quantity, const QString &quote,
                                       const money::Decimal &quoteAmount, const QMap<QString, money::Decimal> &fees,
                                       const QString &mainFeeAsset, const QString &externalId,
                                       const std::function<QString(const QString &)> &feeId);

/// quote / quantity at 18 digits, half-even; zero when quantity is zero.
money::Decimal priceOf(const money::Decimal &quoteAmount, const money::Decimal &quantity);

} // namespace ballast::imports::detail
