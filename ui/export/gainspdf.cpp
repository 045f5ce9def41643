#include "export/gainspdf.h"

#include "models/decimaltext.h"
#include "models/disposalsmodel.h"
#include "models/pnltext.h"

#include <QCoreApplication>
#include <QFontMetricsF>
#include <QPageLayout>
#include <QPageSize>
#include <QPainter>
#include <QPdfWriter>
#include <QSaveFile>

#include <algorithm>
#include <numeric>

namespace ballast::ui {

namespace {

constexpr int kResolution = 300; ///< dots per inch of the painter's coordinates
constexpr double kTablePoints = 8.5; ///< the table's font size when it fits the width
constexpr double kMinTablePoints = 5.0; ///< never smaller: the widest table shrinks to this
constexpr int kColumns = 10;
/// Left-aligned columns (text); the others are numbers, right-aligned.
constexpr std::array<bool, kColumns> kLeftAligned{false, true, false, false, false, false, false, false, true, true};

QFont font(double points, bool bold = false)
{
    QFont f(QStringLiteral("Helvetica"));
    f.setStyleHint(QFont::SansSerif);
    f.setPointSizeF(points);
    f.setBold(bold);
    return f;
}

} // namespace

GainsPdf::GainsPdf(services::GainsReport report, QDateTime generated, const QLocale &locale)
    : m_report(std::move(report))
    , m_generated(std::move(generated))
    , m_locale(locale)
{
    for (const analytics::Disposal &d : std::as_const(m_report.disposals)) {
        m_rows.append({utcMinuteText(d.time), d.asset, decimalText(d.quantity, -1, m_locale), utcMinuteText(d.acquired),
                       decimalText(d.proceeds, 2, m_locale), decimalText(d.cost, 2, m_locale),
                       signedAmountText(d.gain, 2, m_locale), m_locale.toString(d.holdingDays),
                       d.longTerm ? tr("Long") : tr("Short"), DisposalsModel::kindText(d.kind)});
    }
}

QString GainsPdf::rangeText(const QDateTime &from, const QDateTime &to)
{
    // A range of whole UTC days prints as days; anything else to the minute.
    const QDateTime f = from.toUTC();
    const QDateTime t = to.toUTC();
    if (f.time() == QTime(0, 0) && t.time() == QTime(23, 59, 59, 999)) {
        return tr("%1 to %2 (UTC, inclusive)").arg(f.date().toString(Qt::ISODate), t.date().toString(Qt::ISODate));
    }
    return tr("%1 to %2 (UTC)").arg(utcMinuteText(f), utcMinuteText(t));
}

QStringList GainsPdf::header() const
{
    return {tr("Disposed (UTC)"), tr("Asset"), tr("Quantity"), tr("Acquired (UTC)"), tr("Proceeds"),
            tr("Cost"),           tr("Gain"),  tr("Days"),     tr("Term"),           tr("Kind")};
}

QStringList GainsPdf::details() const
{
    return {tr("Portfolio: %1").arg(m_report.portfolio),
            tr("Range: %1").arg(rangeText(m_report.from, m_report.to)),
            tr("Cost-basis method: %1").arg(analytics::costMethodName(m_report.method).toUpper()),
            tr("Long term: held more than %1 days").arg(m_report.longTermDays),
            tr("Amounts in %1, rounded to 2 decimals (the CSV export is exact)").arg(m_report.quote),
            tr("Generated %1 UTC by Ballast").arg(utcMinuteText(m_generated))};
}

QList<std::pair<QString, QString>> GainsPdf::totals() const
{
    const QString quote = QLatin1Char(' ') + m_report.quote;
    return {
        {tr("Disposals"), m_locale.toString(m_report.disposals.size())},
        {tr("Proceeds"), decimalText(m_report.proceeds, 2, m_locale) + quote},
        {tr("Cost"), decimalText(m_report.cost, 2, m_locale) + quote},
        {tr("Gain"), signedAmountText(m_report.gain, 2, m_locale) + quote},
        {tr("Short-term gain"), signedAmountText(m_report.shortTermGain, 2, m_locale) + quote},
        {tr("Long-term gain"), signedAmountText(m_report.longTermGain, 2, m_locale) + quote},
    };
}

Result<QList<GainsPdf::Page>> GainsPdf::write(const QString &path) const
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly)) {
        return makeError(
            QStringLiteral("export.io"),
            QCoreApplication::translate("ballast::ui", "Cannot write %1: %2").arg(path, file.errorString()));
    }
    QPdfWriter writer(&file);
    writer.setResolution(kResolution);
    writer.setPageLayout(QPageLayout(QPageSize(QPageSize::A4), QPageLayout::Portrait, QMarginsF(15, 15, 15, 15),
                                     QPageLayout::Millimeter));
    writer.setTitle(tr("Realized gains of %1").arg(m_report.portfolio));
    writer.setCreator(QStringLiteral("Ballast"));

    const double width = writer.width();
    const double height = writer.height();
    const double mm = kResolution / 25.4;

    // The table's font: the largest that fits every column's widest text.
    const QStringList head = header();
    const double gap = 2.5 * mm;
    const auto columnWidths = [&](double points) {
        const QFontMetricsF plain(font(points), &writer);
        const QFontMetricsF bold(font(points, true), &writer);
        std::array<double, kColumns> widths{};
        for (int c = 0; c < kColumns; ++c) {
            widths.at(c) = bold.horizontalAdvance(head.at(c));
            for (const QStringList &row : m_rows)
                widths.at(c) = std::max(widths.at(c), plain.horizontalAdvance(row.at(c)));
        }
        return widths;
    };
    double points = kTablePoints;
    std::array<double, kColumns> widths = columnWidths(points);
    const auto tableWidth = [&] { return std::accumulate(widths.begin(), widths.end(), 0.0) + gap * (kColumns - 1); };
    while (tableWidth() > width && points > kMinTablePoints) {
        points = std::max(kMinTablePoints, points - 0.25);
        widths = columnWidths(points);
    }
    // What is left over widens the gaps evenly, so the table spans the page.
    const double spare = std::max(0.0, width - tableWidth());
    const double columnGap = gap + spare / (kColumns - 1);

    const QFont titleFont = font(16, true);
    const QFont detailFont = font(9.5);
    const QFont runningFont = font(8);
    const QFont rowFont = font(points);
    const QFont headFont = font(points, true);
    const QFont totalFont = font(10);
    const QFont totalBold = font(10, true);
    const QFont footerFont = font(7.5);
    const double titleHeight = QFontMetricsF(titleFont, &writer).height();
    const double detailHeight = QFontMetricsF(detailFont, &writer).height();
    const double runningHeight = QFontMetricsF(runningFont, &writer).height();
    const double rowHeight = QFontMetricsF(rowFont, &writer).height() * 1.35;
    const double totalHeight = QFontMetricsF(totalFont, &writer).height() * 1.4;
    const double footerHeight = QFontMetricsF(footerFont, &writer).height() * 2.0;

    const QStringList lines = details();
    const double firstTop = titleHeight * 1.5 + detailHeight * static_cast<double>(lines.size()) + 4 * mm;
    const double laterTop = runningHeight * 2.0;
    const QList<std::pair<QString, QString>> sums = totals();
    const double totalsBlock = 6 * mm + totalHeight * static_cast<double>(sums.size() + 1);
    const double bottom = height - footerHeight;

    // Lay out: rows fill each page under the repeated header; the totals go
    // on the last page, or a page of their own when they do not fit.
    QList<Page> pages;
    qsizetype next = 0;
    do {
        const double top = (pages.isEmpty() ? firstTop : laterTop) + rowHeight; // + the table header
        const auto fit = std::max<qsizetype>(1, static_cast<qsizetype>((bottom - top) / rowHeight));
        Page page;
        page.firstRow = next;
        page.rowCount = std::min(fit, m_rows.size() - next);
        next += page.rowCount;
        pages.append(page);
    } while (next < m_rows.size());
    {
        const Page &last = pages.last();
        const double top = (pages.size() == 1 ? firstTop : laterTop) + rowHeight
            + rowHeight * static_cast<double>(std::max<qsizetype>(last.rowCount, 1));
        if (top + totalsBlock <= bottom)
            pages.last().totals = true;
        else
            pages.append(Page{m_rows.size(), 0, true});
    }

    QPainter painter;
    if (!painter.begin(&writer)) {
        return makeError(
            QStringLiteral("export.io"),
            QCoreApplication::translate("ballast::ui", "Cannot write %1: the PDF writer did not start").arg(path));
    }
    const QColor rule(0x80, 0x80, 0x80);
    const QColor shade(0xf0, 0xf0, 0xf0);
    const auto drawRow = [&](const QStringList &cells, double y, const QFont &f) {
        painter.setFont(f);
        double x = 0;
        for (int c = 0; c < kColumns; ++c) {
            const QRectF cell(x, y, widths.at(c), rowHeight);
            painter.drawText(cell, Qt::AlignVCenter | (kLeftAligned.at(c) ? Qt::AlignLeft : Qt::AlignRight),
                             cells.at(c));
            x += widths.at(c) + columnGap;
        }
    };
    const QString running =
        tr("Realized gains · %1 · %2").arg(m_report.portfolio, rangeText(m_report.from, m_report.to));
    for (qsizetype p = 0; p < pages.size(); ++p) {
        if (p > 0)
            writer.newPage();
        const Page &page = pages.at(p);
        double y = 0;
        painter.setPen(Qt::black);
        if (p == 0) {
            painter.setFont(titleFont);
            painter.drawText(QRectF(0, y, width, titleHeight), Qt::AlignLeft | Qt::AlignVCenter, tr("Realized gains"));
            y += titleHeight * 1.5;
            painter.setFont(detailFont);
            for (const QString &line : lines) {
                painter.drawText(QRectF(0, y, width, detailHeight), Qt::AlignLeft | Qt::AlignVCenter, line);
                y += detailHeight;
            }
            y += 4 * mm;
        } else {
            painter.setFont(runningFont);
            painter.setPen(rule);
            painter.drawText(QRectF(0, y, width, runningHeight), Qt::AlignLeft | Qt::AlignVCenter, running);
            painter.setPen(Qt::black);
            y += runningHeight * 2.0;
        }
        if (page.rowCount > 0 || (p == 0 && m_rows.isEmpty())) {
            drawRow(head, y, headFont);
            y += rowHeight;
            painter.setPen(QPen(rule, 0.3 * mm));
            painter.drawLine(QPointF(0, y), QPointF(width, y));
            painter.setPen(Qt::black);
        }
        if (p == 0 && m_rows.isEmpty()) {
            painter.setFont(rowFont);
            painter.drawText(QRectF(0, y, width, rowHeight), Qt::AlignLeft | Qt::AlignVCenter,
                             tr("No disposals in this range."));
            y += rowHeight;
        }
        for (qsizetype r = page.firstRow; r < page.firstRow + page.rowCount; ++r) {
            if ((r - page.firstRow) % 2 == 1)
                painter.fillRect(QRectF(0, y, width, rowHeight), shade);
            drawRow(m_rows.at(r), y, rowFont);
            y += rowHeight;
        }
        if (page.totals) {
            y += 6 * mm;
            painter.setPen(QPen(rule, 0.3 * mm));
            painter.drawLine(QPointF(0, y - 3 * mm), QPointF(width, y - 3 * mm));
            painter.setPen(Qt::black);
            painter.setFont(totalBold);
            painter.drawText(QRectF(0, y, width, totalHeight), Qt::AlignLeft | Qt::AlignVCenter, tr("Totals"));
            y += totalHeight;
            const double labelWidth = width * 0.3;
            const double amountWidth = width * 0.35;
            for (const auto &[label, amount] : sums) {
                painter.setFont(totalFont);
                painter.drawText(QRectF(0, y, labelWidth, totalHeight), Qt::AlignLeft | Qt::AlignVCenter, label);
                painter.setFont(totalBold);
                painter.drawText(QRectF(labelWidth, y, amountWidth, totalHeight), Qt::AlignRight | Qt::AlignVCenter,
                                 amount);
                y += totalHeight;
            }
        }
        painter.setFont(footerFont);
        painter.setPen(rule);
        painter.drawText(QRectF(0, height - footerHeight / 2, width, footerHeight / 2),
                         Qt::AlignRight | Qt::AlignBottom, tr("Page %1 of %2").arg(p + 1).arg(pages.size()));
        painter.drawText(
            QRectF(0, height - footerHeight / 2, width, footerHeight / 2), Qt::AlignLeft | Qt::AlignBottom,
            tr("Ballast · %1 · %2").arg(m_report.portfolio, analytics::costMethodName(m_report.method).toUpper()));
    }
    if (!painter.end() || !file.commit()) {
        return makeError(
            QStringLiteral("export.io"),
            QCoreApplication::translate("ballast::ui", "Cannot write %1: %2").arg(path, file.errorString()));
    }
    return pages;
}

} // namespace ballast::ui
