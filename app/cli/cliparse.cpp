#include "cliparse.h"

#include <QTimeZone>

namespace ballast::cli {

namespace {

Error notADate(const QString &text, const QString &option, bool timeToo)
{
    return makeError(QStringLiteral("cli.arguments"),
                     timeToo ? QStringLiteral("%1 \"%2\": not an ISO 8601 date or time (e.g. 2025-03-01 or "
                                              "2025-03-01T12:00:00Z)")
                                   .arg(option, text)
                             : QStringLiteral("%1 \"%2\": not an ISO 8601 date (e.g. 2025-03-01)").arg(option, text));
}

} // namespace

Result<QDate> parseDay(const QString &text, const QString &option)
{
    const QDate day = QDate::fromString(text, Qt::ISODate);
    if (!day.isValid())
        return notADate(text, option, false);
    return day;
}

Result<QDateTime> parseTime(const QString &text, const QString &option, bool endOfDay)
{
    QDateTime time = QDateTime::fromString(text, Qt::ISODateWithMs);
    if (time.isValid() && time.timeSpec() == Qt::LocalTime)
        time.setTimeZone(QTimeZone::utc());
    if (!time.isValid()) {
        auto day = parseDay(text, option);
        if (!day)
            return notADate(text, option, true);
        time = QDateTime(*day, QTime(0, 0), QTimeZone::utc());
        if (endOfDay)
            time = time.addMSecs(86400000 - 1);
    }
    return time.toUTC();
}

} // namespace ballast::cli
