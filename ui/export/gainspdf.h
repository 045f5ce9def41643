#pragma once

#include "common/result.h"
#include "services/performanceservice.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QList>
#include <QLocale>
#include <QString>
#include <QStringList>

#include <utility>

namespace ballast::ui {

/// The gains report as a printable A4 PDF (QPdfWriter): a title with the
/// portfolio, method, long-term threshold and range, the disposals table
/// paginated with its header repeated on every page, the totals at the end and
/// "page i of n" in each footer. Amounts are rounded half-even to 2 decimals
/// for print; the CSV keeps them exact.
class GainsPdf
{
    Q_DECLARE_TR_FUNCTIONS(GainsPdf)

public:
    GainsPdf(services::GainsReport report, QDateTime generated, const QLocale &locale = QLocale());

    /// The table's header and rows as printed.
    [[nodiscard]] QStringList header() const;
    [[nodiscard]] const QList<QStringList> &rows() const { return m_rows; }
    /// The totals block: label and amount.
    [[nodiscard]] QList<std::pair<QString, QString>> totals() const;
    /// The lines under the title (portfolio, method, threshold, range, ...).
    [[nodiscard]] QStringList details() const;

    /// One page as laid out: the rows it holds (from rows()) and whether the
    /// totals are on it (the last page only).
    struct Page
    {
        qsizetype firstRow = 0;
        qsizetype rowCount = 0;
        bool totals = false;
    };

    /// Writes the document to @p path, whole or not at all, and returns its
    /// pages.
    [[nodiscard]] Result<QList<Page>> write(const QString &path) const;

private:
    static QString rangeText(const QDateTime &from, const QDateTime &to);

    services::GainsReport m_report;
    QDateTime m_generated;
    QLocale m_locale;
    QList<QStringList> m_rows;
};

} // namespace ballast::ui
