#include "market/csvsplitter.h"

#include <cstring>

namespace ballast::market {

CsvSplitter::CsvSplitter(std::string_view data)
    : m_data(data)
{
    // Classic Mac files end lines in a lone "\r"; everything else has "\n".
    if (std::memchr(data.data(), '\n', data.size()) == nullptr
        && std::memchr(data.data(), '\r', data.size()) != nullptr)
        m_end = '\r';
}

bool CsvSplitter::nextLine(std::string_view &line)
{
    if (m_pos >= m_data.size())
        return false;
    const char *begin = m_data.data() + m_pos;
    const std::size_t left = m_data.size() - m_pos;
    const auto *end = static_cast<const char *>(std::memchr(begin, m_end, left));
    std::size_t length = end ? static_cast<std::size_t>(end - begin) : left;
    m_pos += end ? length + 1 : length;
    if (m_end == '\n' && length > 0 && begin[length - 1] == '\r')
        --length;
    line = std::string_view(begin, length);
    ++m_line;
    return true;
}

bool CsvSplitter::split(std::string_view line, char separator, std::vector<std::string_view> &fields, int &badField)
{
    fields.clear();
    const char *p = line.data();
    const char *const end = p + line.size();
    // Fast path: no quotes at all, which is every real price file seen so far.
    if (std::memchr(p, '"', line.size()) == nullptr) {
        for (;;) {
            const auto *next = static_cast<const char *>(std::memchr(p, separator, static_cast<std::size_t>(end - p)));
            if (!next) {
                fields.emplace_back(p, static_cast<std::size_t>(end - p));
                return true;
            }
            fields.emplace_back(p, static_cast<std::size_t>(next - p));
            p = next + 1;
        }
    }
    for (;;) {
        const char *start = p;
        while (p < end && (*p == ' ' || *p == '\t') && *p != separator)
            ++p;
        if (p < end && *p == '"') {
            const char *content = ++p;
            for (;;) {
                while (p < end && *p != '"')
                    ++p;
                if (p >= end) {
                    badField = static_cast<int>(fields.size());
                    return false;
                }
                if (p + 1 < end && p[1] == '"') {
                    p += 2; // escaped quote, stays doubled in the view
                    continue;
                }
                break;
            }
            fields.emplace_back(content, static_cast<std::size_t>(p - content));
            ++p; // closing quote
            while (p < end && (*p == ' ' || *p == '\t') && *p != separator)
                ++p;
            if (p == end)
                return true;
            if (*p != separator) {
                badField = static_cast<int>(fields.size()) - 1;
                return false;
            }
            ++p;
            continue;
        }
        p = start;
        while (p < end && *p != separator) {
            if (*p == '"') {
                badField = static_cast<int>(fields.size());
                return false;
            }
            ++p;
        }
        fields.emplace_back(start, static_cast<std::size_t>(p - start));
        if (p == end)
            return true;
        ++p;
    }
}

char CsvSplitter::detectSeparator(std::string_view line)
{
    int commas = 0;
    int semicolons = 0;
    int tabs = 0;
    bool quoted = false;
    for (const char c : line) {
        if (c == '"')
            quoted = !quoted;
        else if (!quoted && c == ',')
            ++commas;
        else if (!quoted && c == ';')
            ++semicolons;
        else if (!quoted && c == '\t')
            ++tabs;
    }
    if (semicolons > commas && semicolons >= tabs)
        return ';';
    if (tabs > commas && tabs > semicolons)
        return '\t';
    return ',';
}

} // namespace ballast::market
