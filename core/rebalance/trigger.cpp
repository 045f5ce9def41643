#include "rebalance/trigger.h"

#include <cmath>

namespace ballast::rebalance {

namespace {

constexpr qint64 kDayMs = 86400000;

qint64 floorDiv(qint64 a, qint64 b)
{
    return a / b - ((a % b != 0) && ((a < 0) != (b < 0)) ? 1 : 0);
}

// Civil date from days since 1970-01-01 (proleptic Gregorian), after Howard
// Hinnant's days_from_civil inverse: integer only, no allocation.
void civilFromDays(qint64 days, qint64 &year, int &month)
{
    days += 719468;
    const qint64 era = floorDiv(days, 146097);
    const qint64 dayOfEra = days - era * 146097;
    const qint64 yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146096) / 365;
    const qint64 dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100);
    const qint64 mp = (5 * dayOfYear + 2) / 153;
    month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
    year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
}

// Days since 1970-01-01 of a civil date (the inverse of civilFromDays).
qint64 daysFromCivil(qint64 year, int month, int day)
{
    year -= month <= 2 ? 1 : 0;
    const qint64 era = floorDiv(year, 400);
    const qint64 yearOfEra = year - era * 400;
    const qint64 dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
    const qint64 dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear;
    return era * 146097 + dayOfEra - 719468;
}

} // namespace

qint64 Trigger::nextPeriodStart(qint64 ms, CalendarPeriod period)
{
    const qint64 day = floorDiv(ms, kDayMs);
    switch (period) {
    case CalendarPeriod::Day:
        return (day + 1) * kDayMs;
    case CalendarPeriod::Week:
        // Week w (periodIndex) starts on day 7w - 3, a Monday; the next on 7w + 4.
        return (floorDiv(day + 3, 7) * 7 + 4) * kDayMs;
    case CalendarPeriod::Month:
    case CalendarPeriod::Quarter: {
        qint64 year = 0;
        int month = 1;
        civilFromDays(day, year, month);
        int next = period == CalendarPeriod::Month ? month + 1 : ((month - 1) / 3 + 1) * 3 + 1;
        if (next > 12) {
            next -= 12;
            ++year;
        }
        return daysFromCivil(year, next, 1) * kDayMs;
    }
    }
    return (day + 1) * kDayMs;
}

qint64 Trigger::periodStart(qint64 ms, CalendarPeriod period)
{
    const qint64 day = floorDiv(ms, kDayMs);
    switch (period) {
    case CalendarPeriod::Day:
        return day * kDayMs;
    case CalendarPeriod::Week:
        return (floorDiv(day + 3, 7) * 7 - 3) * kDayMs;
    case CalendarPeriod::Month:
    case CalendarPeriod::Quarter: {
        qint64 year = 0;
        int month = 1;
        civilFromDays(day, year, month);
        const int first = period == CalendarPeriod::Month ? month : (month - 1) / 3 * 3 + 1;
        return daysFromCivil(year, first, 1) * kDayMs;
    }
    }
    return day * kDayMs;
}

std::optional<qint64> Trigger::nextCalendarCheck(qint64 ms) const
{
    if (m_kind != Kind::Calendar && m_kind != Kind::Hybrid)
        return std::nullopt;
    return nextPeriodStart(ms, m_period);
}

qint64 Trigger::periodIndex(qint64 ms, CalendarPeriod period)
{
    const qint64 day = floorDiv(ms, kDayMs);
    switch (period) {
    case CalendarPeriod::Day:
        return day;
    case CalendarPeriod::Week:
        return floorDiv(day + 3, 7); // 1970-01-01 was a Thursday; weeks start Monday
    case CalendarPeriod::Month:
    case CalendarPeriod::Quarter: {
        qint64 year = 0;
        int month = 1;
        civilFromDays(day, year, month);
        return period == CalendarPeriod::Month ? year * 12 + (month - 1) : year * 4 + (month - 1) / 3;
    }
    }
    return day;
}

Trigger Trigger::calendar(CalendarPeriod period)
{
    Trigger trigger;
    trigger.m_kind = Kind::Calendar;
    trigger.m_period = period;
    return trigger;
}

Trigger Trigger::threshold(std::optional<domain::Band> band)
{
    Trigger trigger;
    trigger.m_kind = Kind::Threshold;
    trigger.m_band = band;
    return trigger;
}

Trigger Trigger::hybrid(CalendarPeriod period, std::optional<domain::Band> band)
{
    Trigger trigger;
    trigger.m_kind = Kind::Hybrid;
    trigger.m_period = period;
    trigger.m_band = band;
    return trigger;
}

bool Trigger::periodEnds(const TriggerInput &input) const
{
    const qint64 current = periodIndex(input.timeMs, m_period);
    if (input.nextTimeMs)
        return periodIndex(*input.nextTimeMs, m_period) != current;
    return !input.lastRebalanceMs || periodIndex(*input.lastRebalanceMs, m_period) != current;
}

bool Trigger::bandBroken(const TriggerInput &input) const
{
    const std::size_t count = std::min(input.weights.size(), input.targets.size());
    for (std::size_t i = 0; i < count; ++i) {
        if (std::abs(input.weights[i] - input.targets[i]) > bandLimit(input.targets, input.halfWidths, i))
            return true;
    }
    return false;
}

bool Trigger::fires(const TriggerInput &input) const
{
    return decide([this, &input] { return periodEnds(input); }, [this, &input] { return bandBroken(input); });
}

QString toText(CalendarPeriod period)
{
    switch (period) {
    case CalendarPeriod::Day:
        return QStringLiteral("day");
    case CalendarPeriod::Week:
        return QStringLiteral("week");
    case CalendarPeriod::Month:
        return QStringLiteral("month");
    case CalendarPeriod::Quarter:
        return QStringLiteral("quarter");
    }
    return QStringLiteral("month");
}

Result<CalendarPeriod> calendarPeriodFromString(const QString &text)
{
    for (const CalendarPeriod period :
         {CalendarPeriod::Day, CalendarPeriod::Week, CalendarPeriod::Month, CalendarPeriod::Quarter}) {
        if (text == toText(period))
            return period;
    }
    return makeError(QStringLiteral("trigger.period"),
                     QStringLiteral("\"%1\" is not a calendar period: use day, week, month or quarter").arg(text));
}

QString Trigger::toString() const
{
    const QString band = m_band ? m_band->toString() : QString();
    switch (m_kind) {
    case Kind::None:
        return QStringLiteral("none");
    case Kind::Calendar:
        return QStringLiteral("calendar:") + toText(m_period);
    case Kind::Threshold:
        return band.isEmpty() ? QStringLiteral("threshold") : QStringLiteral("threshold:") + band;
    case Kind::Hybrid:
        return QStringLiteral("hybrid:") + toText(m_period) + (band.isEmpty() ? QString() : QLatin1Char(',') + band);
    }
    return QStringLiteral("none");
}

Result<Trigger> Trigger::parse(const QString &spec)
{
    const QString text = spec.trimmed().toLower();
    const QString kind = text.section(QLatin1Char(':'), 0, 0);
    const QString rest = text.section(QLatin1Char(':'), 1);
    auto wrap = [&spec](const Error &error) {
        return makeError(error.code, QStringLiteral("rebalance rule \"%1\": %2").arg(spec, error.message));
    };
    if (kind == QLatin1String("none") && rest.isEmpty())
        return none();
    if (kind == QLatin1String("calendar")) {
        auto period = calendarPeriodFromString(rest);
        if (!period)
            return wrap(period.error());
        return calendar(*period);
    }
    if (kind == QLatin1String("threshold")) {
        if (rest.isEmpty())
            return threshold();
        auto band = domain::Band::parse(rest);
        if (!band)
            return wrap(band.error());
        return threshold(*band);
    }
    if (kind == QLatin1String("hybrid")) {
        auto period = calendarPeriodFromString(rest.section(QLatin1Char(','), 0, 0));
        if (!period)
            return wrap(period.error());
        const QString bandText = rest.section(QLatin1Char(','), 1);
        if (bandText.isEmpty())
            return hybrid(*period);
        auto band = domain::Band::parse(bandText);
        if (!band)
            return wrap(band.error());
        return hybrid(*period, *band);
    }
    return makeError(QStringLiteral("trigger.syntax"),
                     QStringLiteral("rebalance rule \"%1\": expected none, calendar:PERIOD, threshold:BAND or "
                                    "hybrid:PERIOD,BAND")
                         .arg(spec));
}

} // namespace ballast::rebalance
