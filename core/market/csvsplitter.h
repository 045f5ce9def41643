#pragma once

#include <cstddef>
#include <string_view>
#include <vector>

namespace ballast::market {

/// Walks CSV text held in memory line by line and splits lines into fields
/// without copying: every view points into the caller's buffer, so nothing is
/// allocated per field (the importer reads millions of them).
///
/// Lines end in "\n", "\r\n" or, for files with no "\n" at all, "\r". A field
/// in double quotes loses its quotes; a doubled quote inside stays doubled (the
/// importer reads only numbers, times and symbols, which never contain one).
/// Quoted fields cannot span lines.
class CsvSplitter
{
public:
    explicit CsvSplitter(std::string_view data);

    /// The next physical line without its line end; false after the last one.
    bool nextLine(std::string_view &line);
    /// 1-based number of the line nextLine() returned last.
    [[nodiscard]] int lineNumber() const { return m_line; }
    /// Where the next line starts, in bytes from the start of the data.
    [[nodiscard]] std::size_t offset() const { return m_pos; }
    /// The character that ends lines: '\n', or '\r' in a file without any '\n'.
    [[nodiscard]] char lineEnd() const { return m_end; }
    /// Goes on from @p offset (the start of a line) as if @p linesBefore lines
    /// came before it: how a second thread reads the second half of a file.
    void seek(std::size_t offset, int linesBefore)
    {
        m_pos = offset;
        m_line = linesBefore;
    }

    /// Splits @p line at @p separator into @p fields (cleared first). Returns
    /// false on an unterminated or misplaced quote and sets @p badField to the
    /// 0-based field where it starts.
    static bool split(std::string_view line, char separator, std::vector<std::string_view> &fields, int &badField);

    /// The separator a header (or first) line uses: ',', ';' or '\t', whichever
    /// occurs most outside quotes; ',' when there is none.
    static char detectSeparator(std::string_view line);

private:
    std::string_view m_data;
    std::size_t m_pos = 0;
    int m_line = 0;
    char m_end = '\n';
};

} // namespace ballast::market
