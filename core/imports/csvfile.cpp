#include "imports/csvfile.h"

#include "common/numberparse.h"
#include "market/csvsplitter.h"
#include "market/csvvalues.h"

#include <QRegularExpression>
#include <QStringDecoder>
#include <QTimeZone>

#include <string>
#include <string_view>
#include <vector>

namespace ballast::imports {

using market::CsvSplitter;
using market::CsvValues;

namespace {

QString shownFile(const QString &file)
{
    return file.isEmpty() ? QStringLiteral("(no file name)") : file;
}

bool isBlank(std::string_view line)
{
    for (const char c : line) {
        if (c != ' ' && c != '\t' && c != ',' && c != ';')
            return false;
    }
    return true;
}

/// An odd number of quotes: a quoted cell goes on to the next line.
bool opensQuote(std::string_view text)
{
    std::size_t quotes = 0;
    for (const char c : text)
        quotes += c == '"' ? 1 : 0;
    return quotes % 2 == 1;
}

/// Decodes one cell: UTF-8 already checked; a quoted cell's doubled quotes
/// become one; spaces around are dropped.
QString cellText(std::string_view field, const std::string &record)
{
    const bool quoted = field.data() > record.data() && field.data()[-1] == '"';
    QString text = QString::fromUtf8(field.data(), static_cast<qsizetype>(field.size())).trimmed();
    if (quoted)
        text.replace(QStringLiteral("\"\""), QStringLiteral("\""));
    return text;
}

} // namespace

QString CsvFile::encodingProblem(QByteArrayView bytes)
{
    static constexpr char kUtf32Le[] = {'\xFF', '\xFE', '\0', '\0'};
    static constexpr char kUtf32Be[] = {'\0', '\0', '\xFE', '\xFF'};
    if (bytes.startsWith(QByteArrayView(kUtf32Le, 4)) || bytes.startsWith(QByteArrayView(kUtf32Be, 4)))
        return QStringLiteral("is UTF-32 (it starts with a UTF-32 byte order mark); save it as UTF-8 CSV");
    if (bytes.startsWith("\xFF\xFE") || bytes.startsWith("\xFE\xFF"))
        return QStringLiteral("is UTF-16 (it starts with a UTF-16 byte order mark); save it as UTF-8 CSV");
    const qsizetype nul = bytes.indexOf('\0');
    if (nul >= 0) {
        // Text in UTF-16 without a mark has a NUL beside nearly every ASCII letter.
        qsizetype nuls = 0;
        const qsizetype probe = std::min<qsizetype>(bytes.size(), 200);
        for (qsizetype i = 0; i < probe; ++i)
            nuls += bytes[i] == '\0' ? 1 : 0;
        if (nuls * 3 >= probe)
            return QStringLiteral("looks like UTF-16 text (every other byte is NUL); save it as UTF-8 CSV");
        const auto line = bytes.first(nul).count('\n') + 1;
        return QStringLiteral("contains a NUL byte (byte %1, line %2): not a text CSV file").arg(nul + 1).arg(line);
    }
    return {};
}

Result<CsvFile> CsvFile::read(QByteArrayView bytes, const QString &fileName, const HeaderTest &isHeader,
                              int maxPreamble)
{
    CsvFile table;
    table.m_file = fileName;
    if (const QString problem = encodingProblem(bytes); !problem.isEmpty())
        return table.fileError(QStringLiteral("import.encoding"), problem);
    std::string_view data(bytes.data(), static_cast<std::size_t>(bytes.size()));
    if (data.starts_with("\xEF\xBB\xBF"))
        data.remove_prefix(3);

    CsvSplitter splitter(data);
    std::string_view line;
    char separator = ',';
    bool haveHeader = false;
    int preambleSeen = 0;
    std::vector<std::string_view> fields;
    QStringDecoder decoder(QStringDecoder::Utf8, QStringDecoder::Flag::Stateless);
    while (splitter.nextLine(line)) {
        const int lineNo = splitter.lineNumber();
        std::string record(line);
        while (opensQuote(record) && splitter.nextLine(line)) {
            record += '\n';
            record += line;
        }
        {
            const QString decoded = decoder.decode(QByteArrayView(record.data(), qsizetype(record.size())));
            if (decoder.hasError())
                return table.fileError(
                    QStringLiteral("import.encoding"),
                    QStringLiteral("line %1 is not valid UTF-8; save the file as UTF-8 CSV").arg(lineNo));
        }
        if (isBlank(record))
            continue;
        if (!haveHeader)
            separator = CsvSplitter::detectSeparator(record);
        int bad = 0;
        if (!CsvSplitter::split(record, separator, fields, bad)) {
            return table.fileError(
                QStringLiteral("import.syntax"),
                QStringLiteral("line %1, column %2: unterminated or misplaced quote").arg(lineNo).arg(bad + 1));
        }
        CsvRow row;
        row.line = lineNo;
        row.cells.reserve(static_cast<qsizetype>(fields.size()));
        for (const std::string_view field : fields)
            row.cells.append(cellText(field, record));
        if (!haveHeader) {
            if (!isHeader || isHeader(row.cells)) {
                table.m_header = row.cells;
                table.m_headerLine = lineNo;
                haveHeader = true;
            } else if (++preambleSeen > maxPreamble) {
                return table.fileError(QStringLiteral("import.header"),
                                       QStringLiteral("no header line found in the first %1 lines").arg(lineNo));
            }
            continue;
        }
        // Short rows (trailing empty cells left out) are padded; a row with
        // more cells than the header has a separator inside an unquoted value.
        while (row.cells.size() > table.m_header.size() && row.cells.back().isEmpty())
            row.cells.removeLast();
        if (row.cells.size() > table.m_header.size()) {
            return table.fileError(QStringLiteral("import.syntax"),
                                   QStringLiteral("line %1 has %2 cells but the header (line %3) has %4; is a value "
                                                  "holding \"%5\" not quoted?")
                                       .arg(lineNo)
                                       .arg(row.cells.size())
                                       .arg(table.m_headerLine)
                                       .arg(table.m_header.size())
                                       .arg(QLatin1Char(separator)));
        }
        while (row.cells.size() < table.m_header.size())
            row.cells.append(QString());
        table.m_rows.append(std::move(row));
    }
    if (!haveHeader && preambleSeen > 0) {
        return table.fileError(QStringLiteral("import.header"),
                               QStringLiteral("no header line found in its %1 lines").arg(preambleSeen));
    }
    if (!haveHeader)
        return table.fileError(QStringLiteral("import.empty"), QStringLiteral("is empty (no header line)"));
    return table;
}

int CsvFile::column(QStringView name) const
{
    for (qsizetype i = 0; i < m_header.size(); ++i) {
        if (QStringView(m_header[i]).trimmed().compare(name.trimmed(), Qt::CaseInsensitive) == 0)
            return static_cast<int>(i);
    }
    return -1;
}

int CsvFile::anyColumn(std::initializer_list<QStringView> names) const
{
    for (const QStringView name : names) {
        if (const int c = column(name); c >= 0)
            return c;
    }
    return -1;
}

QString CsvFile::cell(const CsvRow &row, int column)
{
    return column >= 0 && column < row.cells.size() ? row.cells[column] : QString();
}

Error CsvFile::fileError(const QString &code, const QString &what) const
{
    return makeError(code, QStringLiteral("%1: %2").arg(shownFile(m_file), what));
}

Error CsvFile::lineError(const CsvRow &row, const QString &what) const
{
    return fileError(QStringLiteral("import.row"), QStringLiteral("line %1: %2").arg(row.line).arg(what));
}

QString CsvFile::where(const CsvRow &row, int column) const
{
    return QStringLiteral("line %1, column %2 \"%3\"").arg(row.line).arg(column + 1).arg(m_header.value(column));
}

Error CsvFile::cellError(const CsvRow &row, int column, const QString &why) const
{
    return fileError(QStringLiteral("import.value"),
                     QStringLiteral("%1: \"%2\" %3").arg(where(row, column), cell(row, column), why));
}

Result<money::Decimal> CsvFile::amount(const CsvRow &row, int column, bool emptyIsZero) const
{
    const QString text = plainAmountText(cell(row, column));
    if (text.isEmpty()) {
        if (emptyIsZero)
            return money::Decimal();
        return cellError(row, column, QStringLiteral("is empty; expected a number"));
    }
    auto value = numbers::parseAmount(text, where(row, column));
    if (!value)
        return fileError(value.error().code, value.error().message);
    return value;
}

Result<QDateTime> CsvFile::time(const CsvRow &row, int column, const QString &normalised) const
{
    const QByteArray text = (normalised.isEmpty() ? cell(row, column) : normalised).toUtf8();
    qint64 ms = 0;
    QString why;
    if (!CsvValues::parseTime(std::string_view(text.constData(), static_cast<std::size_t>(text.size())), ms, why))
        return cellError(row, column, why);
    return QDateTime::fromMSecsSinceEpoch(ms, QTimeZone::utc());
}

QString CsvFile::listed(const QStringList &names)
{
    return names.join(QStringLiteral(", "));
}

QString plainAmountText(const QString &text)
{
    static const QRegularExpression shape(
        QStringLiteral(R"(^([+-]?)([$€£]?)([+-]?)(\d{1,3}(?:,\d{3})+|\d*)(\.\d*)?$)"));
    const auto match = shape.match(text);
    if (!match.hasMatch() || (!match.captured(1).isEmpty() && !match.captured(3).isEmpty()))
        return text;
    QString digits = match.captured(4);
    // "1,500" alone could be a decimal comma; grouping is read only beside a
    // currency sign or a decimal point.
    if (digits.contains(QLatin1Char(',')) && match.captured(2).isEmpty() && match.captured(5).isEmpty())
        return text;
    digits.remove(QLatin1Char(','));
    return match.captured(1) + match.captured(3) + digits + match.captured(5);
}

} // namespace ballast::imports
