#pragma once

#include "common/result.h"
#include "domain/transaction.h"

#include <QByteArrayView>
#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

namespace ballast::imports {

/// The exchange exports Ballast reads as transactions (docs/imports.md).
enum class CsvFormat {
    BinanceTransactions, ///< Binance "Transaction History" (UTC_Time, Account, Operation, Coin, Change, Remark)
    BinanceTrades, ///< Binance "Trade History", three header variants
    KrakenLedgers, ///< Kraken ledgers.csv
    KrakenTrades, ///< Kraken trades.csv
    Coinbase, ///< Coinbase transaction report (with or without the ID column)
};

/// What a file became: the transactions in file order (source Import,
/// accountId 0 for the caller to set, times in UTC, external ids stable across
/// re-imports of the same file) and remarks for the person (rows kept as
/// unexplained adjustments, fees that are estimates, ...).
struct ParsedTransactions
{
    QList<domain::Transaction> transactions;
    QStringList warnings;
};

/// "binance-transactions", "binance-trades", "kraken-ledgers", "kraken-trades", "coinbase".
[[nodiscard]] QString formatName(CsvFormat format);
[[nodiscard]] std::optional<CsvFormat> formatFromName(const QString &name);
/// "binance", "kraken" or "coinbase": the --format names of the CLI.
[[nodiscard]] QString formatFamily(CsvFormat format);

/// Tells the format from the header line (after a preamble of at most ten
/// lines). With @p family ("binance", "kraken", "coinbase") only that
/// exchange's layouts are accepted. Refusals name the file, the header found
/// and the headers expected; an encoding problem (UTF-16, NUL byte) is named.
[[nodiscard]] Result<CsvFormat> detectFormat(QByteArrayView bytes, const QString &fileName, const QString &family = {});

/// Reads a whole file in @p format: all or nothing. The first bad row refuses
/// the file with "FILE: line L, column C "NAME": ..." and no transactions.
[[nodiscard]] Result<ParsedTransactions> parse(CsvFormat format, QByteArrayView bytes, const QString &fileName);

/// detectFormat() then parse().
[[nodiscard]] Result<ParsedTransactions> parseDetected(QByteArrayView bytes, const QString &fileName,
                                                       const QString &family = {});

} // namespace ballast::imports
