#pragma once

#include "common/result.h"

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>

namespace ballast::io {

/// A table ready for CSV: a header row and data rows of the same width.
struct CsvTable
{
    QStringList header;
    QList<QStringList> rows;
};

/// Writes RFC 4180 CSV: CRLF line ends, fields quoted only when they hold a
/// comma, a quote or a line break, quotes doubled. Text a spreadsheet would
/// run as a formula (=, +, -, @, a tab or a carriage return first; numbers
/// such as -0.5 aside) is written quoted with a ' in front, shown as text. Files are written through
/// QSaveFile, so a failed export never leaves a half-written file behind.
class CsvWriter
{
public:
    static QString escape(const QString &field);
    static QByteArray format(const CsvTable &table);
    static Status writeFile(const QString &path, const CsvTable &table);
};

} // namespace ballast::io
