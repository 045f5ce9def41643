#pragma once

// The parsers behind imports::parse(), one per exchange file; shared helpers.
// Internal to core/imports.

#include "imports/csvfile.h"
#include "imports/transactioncsv.h"

#include <QHash>

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

/// quote / quantity at 18 digits, half-even; zero when quantity is zero.
money::Decimal priceOf(const money::Decimal &quoteAmount, const money::Decimal &quantity);

} // namespace ballast::imports::detail
