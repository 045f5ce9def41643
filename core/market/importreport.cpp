#include "market/importreport.h"

#include "market/csvvalues.h"

#include <QDateTime>
#include <QStringList>
#include <QTimeZone>

namespace ballast::market {

namespace {

constexpr int kShown = 3; // details shown per kind in the one-line summary

QString range(qint64 from, qint64 to)
{
    return from == to ? CsvValues::formatTime(from)
                      : CsvValues::formatTime(from) + QStringLiteral("..") + CsvValues::formatTime(to);
}

template<typename T, typename F>
QString firstFew(const QList<T> &items, F describe)
{
    QStringList shown;
    for (qsizetype i = 0; i < items.size() && i < kShown; ++i)
        shown << describe(items[i]);
    if (items.size() > kShown)
        shown << QStringLiteral("...");
    return shown.join(QStringLiteral(", "));
}

} // namespace

int ImportReport::missingBars() const
{
    int total = 0;
    for (const PriceGap &gap : gaps)
        total += gap.missing;
    return total;
}

QString ImportReport::summary() const
{
    QString line = QStringLiteral("%1: %2 %3/%4 %5, %6 rows -> %7 candles")
                       .arg(file, csvLayoutName(layout), asset, quote, interval)
                       .arg(rowsRead)
                       .arg(candlesStored);
    if (candlesStored > 0)
        line += QLatin1Char(' ') + range(firstOpenTimeMs, lastOpenTimeMs);
    QStringList notes;
    if (exactDuplicates > 0)
        notes << QStringLiteral("%1 exact duplicates dropped").arg(exactDuplicates);
    if (!conflicts.isEmpty()) {
        notes << QStringLiteral("%1 conflicting duplicates, newer write kept (%2)")
                     .arg(conflicts.size())
                     .arg(firstFew(conflicts, [](const DuplicateConflict &c) -> QString {
                         return QStringLiteral("%1 line %2 over %3")
                             .arg(CsvValues::formatTime(c.openTimeMs))
                             .arg(c.keptLine)
                             .arg(c.droppedLine);
                     }));
    }
    if (!nullRows.isEmpty()) {
        notes << QStringLiteral("%1 null rows skipped (%2)")
                     .arg(nullRows.size())
                     .arg(firstFew(nullRows,
                                   [](const NullRow &r) -> QString { return CsvValues::formatTime(r.openTimeMs); }));
    }
    if (!snapped.isEmpty()) {
        notes << QStringLiteral("%1 off-grid snapshots assigned to their bar (%2)")
                     .arg(snapped.size())
                     .arg(firstFew(snapped, [](const SnappedRow &r) -> QString {
                         return CsvValues::formatTime(r.snappedAtMs) + QStringLiteral(" -> ")
                             + CsvValues::formatTime(r.openTimeMs);
                     }));
    }
    if (!dateMismatches.isEmpty()) {
        notes << QStringLiteral("%1 rows whose printed date disagrees with the Unix time, which is used (%2)")
                     .arg(dateMismatches.size())
                     .arg(firstFew(dateMismatches, [](const DateMismatch &m) -> QString {
                         return QStringLiteral("line %1 says %2 for %3")
                             .arg(m.line)
                             .arg(CsvValues::formatTime(m.printedMs), CsvValues::formatTime(m.openTimeMs));
                     }));
    }
    if (closeStamps && candlesStored > 0) {
        // Shown with the oldest candle: "23:59:59 ... opening at 00:00" for a daily file.
        const auto clock = [](qint64 ms, const char *format) {
            return QDateTime::fromMSecsSinceEpoch(ms, QTimeZone::utc()).toString(QString::fromLatin1(format));
        };
        const qint64 stamp = firstOpenTimeMs + closeStamps->stampAfterOpenMs;
        notes << QStringLiteral("rows are stamped at the candle's close (%1); filed under the candle opening at %2 "
                                "(%3 -> %4)")
                     .arg(clock(stamp, stamp % 1000 == 0 ? "HH:mm:ss" : "HH:mm:ss.zzz"),
                          clock(firstOpenTimeMs, "HH:mm"),
                          clock(stamp, stamp % 1000 == 0 ? "yyyy-MM-dd HH:mm:ss" : "yyyy-MM-dd HH:mm:ss.zzz"),
                          CsvValues::formatTime(firstOpenTimeMs));
    }
    if (unfinishedSkippedMs)
        notes << QStringLiteral("unfinished last candle %1 skipped").arg(CsvValues::formatTime(*unfinishedSkippedMs));
    if (!gaps.isEmpty()) {
        notes << QStringLiteral("%1 missing bars in %2 gaps (%3)")
                     .arg(missingBars())
                     .arg(gaps.size())
                     .arg(firstFew(
                         gaps, [](const PriceGap &g) -> QString { return range(g.firstMissingMs, g.lastMissingMs); }));
    }
    if (!notes.isEmpty())
        line += QStringLiteral("; ") + notes.join(QStringLiteral("; "));
    return line;
}

} // namespace ballast::market
