#include "common/clock.h"

#include <QTimeZone>

namespace ballast {

Result<Clock> clockFromEnvironment()
{
    return clockPinnedTo(qEnvironmentVariable("BALLAST_NOW"));
}

Result<Clock> clockPinnedTo(const QString &value)
{
    if (value.isEmpty())
        return systemClock();
    QDateTime pinned = QDateTime::fromString(value, Qt::ISODateWithMs);
    if (!pinned.isValid()) {
        return makeError(QStringLiteral("clock.pinned"),
                         QStringLiteral("BALLAST_NOW \"%1\" is not an ISO 8601 time; expected for example "
                                        "2026-11-21T12:00:00Z (or unset BALLAST_NOW to use the system clock)")
                             .arg(value));
    }
    if (pinned.timeSpec() == Qt::LocalTime)
        pinned.setTimeZone(QTimeZone::utc()); // a time without a zone is taken as UTC
    const qint64 ms = pinned.toMSecsSinceEpoch();
    return Clock([ms] { return ms; });
}

} // namespace ballast
