#pragma once

#include "common/result.h"
#include "domain/transaction.h"
#include "imports/transactioncsv.h"

#include <QByteArrayView>
#include <QHash>
#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

namespace ballast::imports {

/// How to read any CSV file as transactions: which column holds each field,
/// how times are written and which cell values mean which kind. Read from a
/// small JSON file (format in docs/imports.md) for the CLI, or filled in by
/// the GUI's mapping dialog.
struct ColumnMapping
{
    /// Field name -> header name. Fields: time, kind, side, asset, quantity,
    /// price, quote, quoteAmount, fee, feeAsset, externalId, note.
    QHash<QString, QString> columns;
    /// "auto" (ISO 8601 or Unix time, see CsvValues::parseTime), "unix",
    /// "unix_ms", or a QDateTime format such as "dd.MM.yyyy HH:mm:ss".
    QString timeFormat = QStringLiteral("auto");
    /// Zone of times written without one, for a QDateTime format: "UTC", an
    /// offset "+02:00" or an IANA name "Europe/Berlin".
    QString timeZone = QStringLiteral("UTC");
    /// Cell value of the kind column (compared case-insensitively) -> kind:
    /// "buy", "sell", "trade" (the side column says which), "deposit", "withdrawal", "transfer_in", "transfer_out",
    /// "income" or "income:SUBKIND", "fee", "adjustment", or "flow" (deposit
    /// when the quantity is positive, withdrawal when negative).
    QHash<QString, QString> kinds;
    QString defaultKind; ///< for files without a kind column, or empty cells
    QString defaultQuote; ///< trades without a quote column
    QString defaultFeeAsset; ///< fees without a fee asset column
    bool decimalComma = false; ///< "1234,5": comma as decimal separator
    int skipLines = 0; ///< preamble lines above the header

    static QStringList fieldNames();
    static QStringList kindNames();
};

/// Reads a mapping file; unknown keys, fields, kinds and time zones are
/// refused with the file and key named.
[[nodiscard]] Result<ColumnMapping> parseMapping(QByteArrayView json, const QString &fileName);

/// Reads a whole file through @p mapping: all or nothing, like parse().
[[nodiscard]] Result<ParsedTransactions> parseMapped(const ColumnMapping &mapping, QByteArrayView bytes,
                                                     const QString &fileName);

/// One data row of a preview: its transaction or why it was refused.
struct PreviewRow
{
    int line = 0;
    QStringList cells;
    std::optional<domain::Transaction> transaction;
    QString error; ///< empty when the row was read
};

/// The header and first rows of a file read through a mapping, every row's
/// error kept (where parseMapped stops at the first), for a GUI preview or
/// the CLI's --preview.
struct MappingPreview
{
    QString fileError; ///< encoding, header or mapping problem: no rows then
    QStringList header;
    QList<PreviewRow> rows;
    int errorCount = 0; ///< among the previewed rows
};

[[nodiscard]] MappingPreview previewMapped(const ColumnMapping &mapping, QByteArrayView bytes, const QString &fileName,
                                           int maxRows);

} // namespace ballast::imports
