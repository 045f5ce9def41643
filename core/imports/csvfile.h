#pragma once

#include "common/result.h"
#include "money/decimal.h"

#include <QByteArrayView>
#include <QDateTime>
#include <QList>
#include <QString>
#include <QStringList>

#include <functional>

namespace ballast::imports {

/// One record of a CSV file: its cells (unquoted, trimmed) and the 1-based
/// line where it starts.
struct CsvRow
{
    int line = 0;
    QStringList cells;
};

/// A CSV export read into text rows, with the header found (after any
/// preamble lines) and errors that name the file, line and column. It checks
/// the encoding before anything else: UTF-8 with or without a byte order mark
/// is read; UTF-16/UTF-32, NUL bytes and invalid UTF-8 are refused by name.
/// Lines are split by market::CsvSplitter; a quoted cell may span lines.
class CsvFile
{
public:
    using HeaderTest = std::function<bool(const QStringList &cells)>;

    /// Reads @p bytes. The header is the first non-blank line, or, with
    /// @p isHeader, the first of the first @p maxPreamble + 1 non-blank lines
    /// it accepts (lines above it are a preamble and ignored).
    static Result<CsvFile> read(QByteArrayView bytes, const QString &fileName, const HeaderTest &isHeader = {},
                                int maxPreamble = 0);

    /// Only the encoding checks of read(); empty when the bytes can be read.
    static QString encodingProblem(QByteArrayView bytes);

    [[nodiscard]] const QString &fileName() const { return m_file; }
    [[nodiscard]] const QStringList &header() const { return m_header; }
    [[nodiscard]] int headerLine() const { return m_headerLine; }
    [[nodiscard]] const QList<CsvRow> &rows() const { return m_rows; }

    /// 0-based index of the column named @p name (case and surrounding spaces
    /// ignored), -1 when there is none.
    [[nodiscard]] int column(QStringView name) const;
    /// The first of @p names that the header has, -1 when none.
    [[nodiscard]] int anyColumn(std::initializer_list<QStringView> names) const;

    /// The cell of @p row in @p column; empty when the column is -1 or the row
    /// is shorter.
    [[nodiscard]] static QString cell(const CsvRow &row, int column);

    /// "FILE: WHAT".
    [[nodiscard]] Error fileError(const QString &code, const QString &what) const;
    /// "FILE: line L: WHAT".
    [[nodiscard]] Error lineError(const CsvRow &row, const QString &what) const;
    /// "FILE: line L, column C "NAME": "VALUE" WHY" (code import.value).
    [[nodiscard]] Error cellError(const CsvRow &row, int column, const QString &why) const;
    /// "line L, column C "NAME"": the place, for messages built elsewhere.
    [[nodiscard]] QString where(const CsvRow &row, int column) const;

    /// An exact amount from a cell, no exponent. Refused with cellError when
    /// empty (unless @p emptyIsZero) or not a number.
    [[nodiscard]] Result<money::Decimal> amount(const CsvRow &row, int column, bool emptyIsZero = false) const;
    /// A time from a cell through market::CsvValues::parseTime (ISO-like, year
    /// first, UTC unless it says otherwise, or Unix time). @p text, when not
    /// empty, is read instead of the cell (a normalised form of it); errors
    /// still show the cell.
    [[nodiscard]] Result<QDateTime> time(const CsvRow &row, int column, const QString &text = {}) const;

    /// The header names joined for a message: "A, B, C".
    [[nodiscard]] static QString listed(const QStringList &names);

private:
    QString m_file;
    QStringList m_header;
    int m_headerLine = 0;
    QList<CsvRow> m_rows;
};

/// Text of an amount with thousands separators and a leading currency sign
/// removed when they are unambiguous ("$1,234.50" -> "1234.50", "-$3" ->
/// "-3"); anything else is returned unchanged for the number parser to judge.
QString plainAmountText(const QString &text);

} // namespace ballast::imports
