#include "io/csvwriter.h"

#include "common/diskfull.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>
#include <QSaveFile>

#include <cerrno>

namespace ballast::io {

namespace {

/// Whether a spreadsheet would take @p field for a formula: text that starts
/// with =, +, -, @, a tab or a carriage return. A number (-0.5, +3, 1e-9) is
/// a number there, not a formula.
bool startsLikeAFormula(const QString &field)
{
    if (field.isEmpty())
        return false;
    const QChar first = field.front();
    if (first != u'=' && first != u'+' && first != u'-' && first != u'@' && first != u'\t' && first != u'\r')
        return false;
    static const QRegularExpression number(QStringLiteral("\\A[-+]?(\\d+\\.?\\d*|\\.\\d+)([eE][-+]?\\d+)?\\z"));
    return !number.match(field).hasMatch();
}

} // namespace

QString CsvWriter::escape(const QString &field)
{
    // A cell that would run as a formula where the file is opened in a
    // spreadsheet (a symbol or a name from an imported file, "=HYPERLINK(...)")
    // is written as text: a ' before it, quoted, as OWASP advises.
    const bool formula = startsLikeAFormula(field);
    const bool needsQuotes = formula || field.contains(QLatin1Char(',')) || field.contains(QLatin1Char('"'))
        || field.contains(QLatin1Char('\n')) || field.contains(QLatin1Char('\r'));
    if (!needsQuotes)
        return field;
    QString quoted = formula ? QLatin1Char('\'') + field : field;
    quoted.replace(QLatin1Char('"'), QLatin1String("\"\""));
    return QLatin1Char('"') + quoted + QLatin1Char('"');
}

QByteArray CsvWriter::format(const CsvTable &table)
{
    QByteArray out;
    auto appendRow = [&out](const QStringList &row) {
        for (qsizetype i = 0; i < row.size(); ++i) {
            if (i > 0)
                out += ',';
            out += escape(row[i]).toUtf8();
        }
        out += "\r\n";
    };
    appendRow(table.header);
    for (const auto &row : table.rows)
        appendRow(row);
    return out;
}

Status CsvWriter::writeFile(const QString &path, const CsvTable &table)
{
    const QString shown = QDir::toNativeSeparators(path);
    for (qsizetype i = 0; i < table.rows.size(); ++i) {
        if (table.rows[i].size() != table.header.size()) {
            return makeError(QStringLiteral("csv.width"),
                             QStringLiteral("%1: row %2 has %3 fields, the header %4")
                                 .arg(shown)
                                 .arg(i + 2)
                                 .arg(table.rows[i].size())
                                 .arg(table.header.size()));
        }
    }
    const QByteArray data = format(table);
    // A device or a pipe (/dev/stdout, a FIFO) is written in place: QSaveFile
    // would put a temporary file beside it and rename it over the device.
    const QFileInfo info(path);
    if (info.exists() && !info.isFile() && !info.isDir()) {
        QFile device(path);
        if (!device.open(QIODevice::WriteOnly | QIODevice::Unbuffered)) {
            return makeError(QStringLiteral("csv.open"),
                             QStringLiteral("%1: cannot write: %2").arg(shown, device.errorString()));
        }
        const qint64 written = device.write(data);
        const int savedErrno = errno;
        if (written != data.size()) {
            if (isDiskFull(device, savedErrno))
                return diskFullError(path);
            return makeError(QStringLiteral("csv.write"),
                             QStringLiteral("%1: writing failed: %2").arg(shown, device.errorString()));
        }
        return {};
    }
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly)) {
        if (isDiskFull(file, errno))
            return diskFullError(path);
        return makeError(QStringLiteral("csv.open"),
                         QStringLiteral("%1: cannot write: %2").arg(shown, file.errorString()));
    }
    // Flushed before commit so that a full disk is seen with its errno intact.
    const bool written = file.write(data) == data.size() && file.flush();
    const int savedErrno = errno;
    if (!written || !file.commit()) {
        if (isDiskFull(file, savedErrno))
            return diskFullError(path);
        return makeError(QStringLiteral("csv.write"),
                         QStringLiteral("%1: writing failed: %2").arg(shown, file.errorString()));
    }
    return {};
}

} // namespace ballast::io
