#include "rebalance/trigger.h"

#include <QDateTime>
#include <QList>
#include <QTest>
#include <QTimeZone>

#include <optional>
#include <vector>

using ballast::domain::Band;
using ballast::rebalance::CalendarPeriod;
using ballast::rebalance::Trigger;
using ballast::rebalance::TriggerInput;

Q_DECLARE_METATYPE(ballast::rebalance::CalendarPeriod)
Q_DECLARE_METATYPE(ballast::rebalance::Trigger::Kind)

namespace {

constexpr qint64 kDayMs = 86400000;
constexpr qint64 kHourMs = 3600000;

/// Milliseconds since the epoch of a UTC wall-clock time (negative before 1970).
qint64 utc(int year, int month, int day, int hour = 0, int minute = 0, int second = 0, int msec = 0)
{
    return QDateTime(QDate(year, month, day), QTime(hour, minute, second, msec), QTimeZone::utc()).toMSecsSinceEpoch();
}

/// The last millisecond of a UTC day.
qint64 endOfDay(int year, int month, int day)
{
    return utc(year, month, day, 23, 59, 59, 999);
}

QString stamp(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms, QTimeZone::utc()).toString(QStringLiteral("yyyy-MM-dd HH:mm"));
}

std::optional<Band> bandFromSpec(const QString &spec)
{
    if (spec.isEmpty())
        return std::nullopt;
    return *Band::parse(spec);
}

/// A calendar key independent of the code under test: Qt's own date arithmetic.
qint64 referenceKey(const QDate &date, CalendarPeriod period)
{
    switch (period) {
    case CalendarPeriod::Day:
        return date.toJulianDay();
    case CalendarPeriod::Week: {
        int weekYear = 0;
        const int week = date.weekNumber(&weekYear); // ISO 8601: weeks start on Monday
        return qint64(weekYear) * 100 + week;
    }
    case CalendarPeriod::Month:
        return qint64(date.year()) * 100 + date.month();
    case CalendarPeriod::Quarter:
        return qint64(date.year()) * 100 + (date.month() - 1) / 3;
    }
    return 0;
}

/// Weights that sit exactly on their targets (no band is broken).
struct Weights
{
    std::vector<double> weights{0.5, 0.3, 0.2};
    std::vector<double> targets{0.5, 0.3, 0.2};
    std::vector<double> halfWidths{0.05, 0.05, 0.05};
};

TriggerInput inputFor(const Weights &w, qint64 timeMs, std::optional<qint64> nextTimeMs,
                      std::optional<qint64> lastRebalanceMs = std::nullopt)
{
    TriggerInput input;
    input.timeMs = timeMs;
    input.nextTimeMs = nextTimeMs;
    input.weights = w.weights;
    input.targets = w.targets;
    input.halfWidths = w.halfWidths;
    input.lastRebalanceMs = lastRebalanceMs;
    return input;
}

} // namespace

class TestTrigger : public QObject
{
    Q_OBJECT

private slots:
    // --- periodIndex -------------------------------------------------------------

    void periodIndexBoundaries_data()
    {
        QTest::addColumn<CalendarPeriod>("period");
        QTest::addColumn<qint64>("earlier");
        QTest::addColumn<qint64>("later");
        QTest::addColumn<qint64>("delta"); // periodIndex(later) - periodIndex(earlier)

        const auto D = CalendarPeriod::Day;
        const auto W = CalendarPeriod::Week;
        const auto M = CalendarPeriod::Month;
        const auto Q = CalendarPeriod::Quarter;

        // Days
        QTest::newRow("day: midnight") << D << endOfDay(2025, 6, 14) << utc(2025, 6, 15) << qint64(1);
        QTest::newRow("day: same day") << D << utc(2025, 6, 15) << endOfDay(2025, 6, 15) << qint64(0);
        QTest::newRow("day: epoch") << D << qint64(-1) << qint64(0) << qint64(1);
        QTest::newRow("day: 1969 same day") << D << utc(1969, 12, 31) << qint64(-1) << qint64(0);
        QTest::newRow("day: 1900 no Feb 29") << D << utc(1900, 2, 28) << utc(1900, 3, 1) << qint64(1);
        QTest::newRow("day: 2024 has Feb 29") << D << utc(2024, 2, 28) << utc(2024, 3, 1) << qint64(2);
        QTest::newRow("day: a year of 2025") << D << utc(2025, 1, 1) << utc(2026, 1, 1) << qint64(365);

        // Weeks start on Monday 00:00 UTC
        QTest::newRow("week: Sun 23:59:59.999 -> Mon") << W << endOfDay(2025, 3, 9) << utc(2025, 3, 10) << qint64(1);
        QTest::newRow("week: Mon 00:00 -> Sun 23:59:59.999")
            << W << utc(2025, 3, 10) << endOfDay(2025, 3, 16) << qint64(0);
        QTest::newRow("week: Sat -> Sun") << W << utc(2025, 3, 8, 12) << utc(2025, 3, 9, 12) << qint64(0);
        QTest::newRow("week: across new year (Tue -> Wed)") << W << utc(2024, 12, 31) << utc(2025, 1, 1) << qint64(0);
        QTest::newRow("week: epoch Wed -> Thu") << W << qint64(-1) << qint64(0) << qint64(0);
        QTest::newRow("week: 1970 Sun -> Mon") << W << endOfDay(1970, 1, 4) << utc(1970, 1, 5) << qint64(1);
        QTest::newRow("week: 1969 Sun -> Mon") << W << endOfDay(1969, 12, 28) << utc(1969, 12, 29) << qint64(1);
        QTest::newRow("week: 1969 Mon -> 1970 Sun") << W << utc(1969, 12, 29) << endOfDay(1970, 1, 4) << qint64(0);
        QTest::newRow("week: 1950 Sun -> Mon") << W << endOfDay(1950, 1, 1) << utc(1950, 1, 2) << qint64(1);
        QTest::newRow("week: 7 days later") << W << utc(2025, 3, 12, 8) << utc(2025, 3, 19, 8) << qint64(1);

        // Months
        QTest::newRow("month: Jan 31 -> Feb 1") << M << endOfDay(2025, 1, 31) << utc(2025, 2, 1) << qint64(1);
        QTest::newRow("month: Feb 1 -> Feb 29 (2024)") << M << utc(2024, 2, 1) << endOfDay(2024, 2, 29) << qint64(0);
        QTest::newRow("month: Feb 29 -> Mar 1 (2024)") << M << endOfDay(2024, 2, 29) << utc(2024, 3, 1) << qint64(1);
        QTest::newRow("month: Feb 28 -> Mar 1 (2025)") << M << endOfDay(2025, 2, 28) << utc(2025, 3, 1) << qint64(1);
        QTest::newRow("month: Feb 28 -> Feb 29 (2000)") << M << utc(2000, 2, 28) << utc(2000, 2, 29) << qint64(0);
        QTest::newRow("month: Feb 28 -> Mar 1 (1900)") << M << endOfDay(1900, 2, 28) << utc(1900, 3, 1) << qint64(1);
        QTest::newRow("month: Apr 30 -> May 1") << M << endOfDay(2025, 4, 30) << utc(2025, 5, 1) << qint64(1);
        QTest::newRow("month: Dec 31 -> Jan 1") << M << endOfDay(2024, 12, 31) << utc(2025, 1, 1) << qint64(1);
        QTest::newRow("month: epoch") << M << qint64(-1) << qint64(0) << qint64(1);
        QTest::newRow("month: 1969 Nov -> Dec") << M << endOfDay(1969, 11, 30) << utc(1969, 12, 1) << qint64(1);
        QTest::newRow("month: 1969 Dec 1 -> Dec 31") << M << utc(1969, 12, 1) << qint64(-1) << qint64(0);
        QTest::newRow("month: 1960 -> 1970 (120)") << M << utc(1960, 1, 15) << utc(1970, 1, 15) << qint64(120);
        QTest::newRow("month: a year") << M << utc(2025, 1, 1) << utc(2026, 1, 1) << qint64(12);

        // Quarters
        QTest::newRow("quarter: Mar 31 -> Apr 1") << Q << endOfDay(2025, 3, 31) << utc(2025, 4, 1) << qint64(1);
        QTest::newRow("quarter: Jun 30 -> Jul 1") << Q << endOfDay(2025, 6, 30) << utc(2025, 7, 1) << qint64(1);
        QTest::newRow("quarter: Sep 30 -> Oct 1") << Q << endOfDay(2025, 9, 30) << utc(2025, 10, 1) << qint64(1);
        QTest::newRow("quarter: Dec 31 -> Jan 1") << Q << endOfDay(2025, 12, 31) << utc(2026, 1, 1) << qint64(1);
        QTest::newRow("quarter: Jan 1 -> Mar 31") << Q << utc(2025, 1, 1) << endOfDay(2025, 3, 31) << qint64(0);
        QTest::newRow("quarter: Feb 29 -> Mar 1 (2024)") << Q << endOfDay(2024, 2, 29) << utc(2024, 3, 1) << qint64(0);
        QTest::newRow("quarter: Apr 30 -> May 1") << Q << endOfDay(2025, 4, 30) << utc(2025, 5, 1) << qint64(0);
        QTest::newRow("quarter: epoch") << Q << qint64(-1) << qint64(0) << qint64(1);
        QTest::newRow("quarter: 1969 Sep 30 -> Oct 1") << Q << endOfDay(1969, 9, 30) << utc(1969, 10, 1) << qint64(1);
        QTest::newRow("quarter: 1969 Oct -> Dec") << Q << utc(1969, 10, 1) << qint64(-1) << qint64(0);
        QTest::newRow("quarter: 1960 -> 1970 (40)") << Q << utc(1960, 2, 1) << utc(1970, 2, 1) << qint64(40);
    }

    void periodIndexBoundaries()
    {
        QFETCH(CalendarPeriod, period);
        QFETCH(qint64, earlier);
        QFETCH(qint64, later);
        QFETCH(qint64, delta);
        QCOMPARE(Trigger::periodIndex(later, period) - Trigger::periodIndex(earlier, period), delta);
    }

    // Every day from 1899 to 2101 (both sides of 1970, three centuries and their
    // leap-year rules): the index steps by exactly one when Qt's calendar says the
    // period changed and stays put otherwise, first to last millisecond of a day.
    void periodIndexMatchesCalendar_data()
    {
        QTest::addColumn<CalendarPeriod>("period");
        QTest::addColumn<int>("changes"); // how many period changes to expect, at least
        QTest::newRow("day") << CalendarPeriod::Day << 73000; // 201 years of days
        QTest::newRow("week") << CalendarPeriod::Week << 10400;
        QTest::newRow("month") << CalendarPeriod::Month << 201 * 12;
        QTest::newRow("quarter") << CalendarPeriod::Quarter << 201 * 4;
    }

    void periodIndexMatchesCalendar()
    {
        QFETCH(CalendarPeriod, period);
        QFETCH(int, changes);
        const QDate first(1899, 12, 1);
        const QDate last(2101, 1, 31);
        qint64 previousIndex = Trigger::periodIndex(utc(first.year(), first.month(), first.day()), period);
        qint64 previousKey = referenceKey(first, period);
        int seen = 0;
        for (QDate date = first; date <= last; date = date.addDays(1)) {
            const qint64 start = utc(date.year(), date.month(), date.day());
            const qint64 startIndex = Trigger::periodIndex(start, period);
            const qint64 endIndex = Trigger::periodIndex(start + kDayMs - 1, period);
            const qint64 key = referenceKey(date, period);
            const qint64 expectedStep = key != previousKey ? 1 : 0;
            if (startIndex - previousIndex != expectedStep || endIndex != startIndex) {
                QFAIL(qPrintable(QStringLiteral("%1: index %2 (day end %3) after %4, expected a step of %5")
                                     .arg(date.toString(Qt::ISODate))
                                     .arg(startIndex)
                                     .arg(endIndex)
                                     .arg(previousIndex)
                                     .arg(expectedStep)));
            }
            seen += int(expectedStep);
            previousIndex = endIndex;
            previousKey = key;
        }
        QVERIFY2(seen >= changes, qPrintable(QString::number(seen)));
    }

    // --- calendar triggers with the next observation known -----------------------

    void calendarFiresAtLastObservation_data()
    {
        QTest::addColumn<CalendarPeriod>("period");
        QTest::addColumn<qint64>("first");
        QTest::addColumn<qint64>("step");
        QTest::addColumn<int>("count");
        QTest::addColumn<QStringList>("fired");

        // Daily observations at midnight across month ends.
        QTest::newRow("day: every day") << CalendarPeriod::Day << utc(2025, 1, 30) << kDayMs << 4
                                        << QStringList{
                                               QStringLiteral("2025-01-30 00:00"), QStringLiteral("2025-01-31 00:00"),
                                               QStringLiteral("2025-02-01 00:00"), QStringLiteral("2025-02-02 00:00")};
        QTest::newRow("day: hourly, last hour of each day")
            << CalendarPeriod::Day << utc(2025, 1, 30, 20) << kHourMs << 30
            << QStringList{QStringLiteral("2025-01-30 23:00"), QStringLiteral("2025-01-31 23:00")};
        QTest::newRow("week: daily, only on Sundays")
            << CalendarPeriod::Week << utc(2025, 3, 1) << kDayMs << 16
            << QStringList{QStringLiteral("2025-03-02 00:00"), QStringLiteral("2025-03-09 00:00"),
                           QStringLiteral("2025-03-16 00:00")};
        QTest::newRow("week: daily across 1969/1970")
            << CalendarPeriod::Week << utc(1969, 12, 20) << kDayMs << 20
            << QStringList{QStringLiteral("1969-12-21 00:00"), QStringLiteral("1969-12-28 00:00"),
                           QStringLiteral("1970-01-04 00:00")};
        QTest::newRow("week: hourly, Sunday 23:00") << CalendarPeriod::Week << utc(2025, 3, 9, 12) << kHourMs << 24
                                                    << QStringList{QStringLiteral("2025-03-09 23:00")};
        QTest::newRow("month: daily, only on the 31st") << CalendarPeriod::Month << utc(2025, 1, 10) << kDayMs << 25
                                                        << QStringList{QStringLiteral("2025-01-31 00:00")};
        QTest::newRow("month: daily, leap February 2024")
            << CalendarPeriod::Month << utc(2024, 1, 20) << kDayMs << 50
            << QStringList{QStringLiteral("2024-01-31 00:00"), QStringLiteral("2024-02-29 00:00")};
        QTest::newRow("month: daily, February 2025") << CalendarPeriod::Month << utc(2025, 2, 1) << kDayMs << 45
                                                     << QStringList{QStringLiteral("2025-02-28 00:00")};
        QTest::newRow("month: daily, 1969 into 1970")
            << CalendarPeriod::Month << utc(1969, 11, 15) << kDayMs << 60
            << QStringList{QStringLiteral("1969-11-30 00:00"), QStringLiteral("1969-12-31 00:00")};
        QTest::newRow("month: weekly on Wednesdays, last Wednesday")
            << CalendarPeriod::Month << utc(2025, 1, 1) << 7 * kDayMs << 9
            << QStringList{QStringLiteral("2025-01-29 00:00"), QStringLiteral("2025-02-26 00:00")};
        QTest::newRow("quarter: daily over 2024")
            << CalendarPeriod::Quarter << utc(2024, 1, 1) << kDayMs << 366
            << QStringList{QStringLiteral("2024-03-31 00:00"), QStringLiteral("2024-06-30 00:00"),
                           QStringLiteral("2024-09-30 00:00"), QStringLiteral("2024-12-31 00:00")};
        QTest::newRow("quarter: daily, Mar 31 not Apr 1") << CalendarPeriod::Quarter << utc(2025, 3, 25) << kDayMs << 14
                                                          << QStringList{QStringLiteral("2025-03-31 00:00")};
    }

    void calendarFiresAtLastObservation()
    {
        QFETCH(CalendarPeriod, period);
        QFETCH(qint64, first);
        QFETCH(qint64, step);
        QFETCH(int, count);
        QFETCH(QStringList, fired);

        const Trigger trigger = Trigger::calendar(period);
        const Weights weights;
        QStringList actual;
        std::optional<qint64> lastRebalance;
        for (int i = 0; i < count; ++i) {
            const qint64 time = first + i * step;
            // Whether the portfolio was rebalanced earlier must not matter when
            // the next observation is known.
            const TriggerInput input = inputFor(weights, time, time + step, lastRebalance);
            QCOMPARE(trigger.periodEnds(input), trigger.fires(input));
            if (trigger.fires(input)) {
                actual.append(stamp(time));
                lastRebalance = time;
            }
        }
        QCOMPARE(actual, fired);
    }

    // --- calendar triggers without a next observation (live) ---------------------

    void calendarWithoutNextObservation_data()
    {
        QTest::addColumn<CalendarPeriod>("period");
        QTest::addColumn<qint64>("time");
        QTest::addColumn<bool>("rebalancedBefore");
        QTest::addColumn<qint64>("lastRebalance");
        QTest::addColumn<bool>("fires");

        const auto D = CalendarPeriod::Day;
        const auto W = CalendarPeriod::Week;
        const auto M = CalendarPeriod::Month;
        const auto Q = CalendarPeriod::Quarter;

        QTest::newRow("month: never rebalanced") << M << utc(2025, 5, 14) << false << qint64(0) << true;
        QTest::newRow("month: rebalanced earlier this month")
            << M << utc(2025, 5, 14) << true << utc(2025, 5, 1) << false;
        QTest::newRow("month: rebalanced this very moment")
            << M << utc(2025, 5, 14) << true << utc(2025, 5, 14) << false;
        QTest::newRow("month: rebalanced last month") << M << utc(2025, 5, 1) << true << endOfDay(2025, 4, 30) << true;
        QTest::newRow("month: rebalanced a year ago") << M << utc(2025, 5, 14) << true << utc(2024, 5, 14) << true;
        QTest::newRow("month: 1969, rebalanced that month")
            << M << utc(1969, 7, 20) << true << utc(1969, 7, 1) << false;
        QTest::newRow("month: 1969, rebalanced the month before")
            << M << utc(1969, 7, 20) << true << utc(1969, 6, 30) << true;
        QTest::newRow("week: rebalanced Sunday 23:59:59.999, now Monday")
            << W << utc(2025, 3, 10) << true << endOfDay(2025, 3, 9) << true;
        QTest::newRow("week: rebalanced Monday 00:00, now Sunday")
            << W << endOfDay(2025, 3, 16) << true << utc(2025, 3, 10) << false;
        QTest::newRow("day: rebalanced this morning")
            << D << utc(2025, 3, 10, 18) << true << utc(2025, 3, 10, 6) << false;
        QTest::newRow("day: rebalanced yesterday")
            << D << utc(2025, 3, 10, 0, 0, 0, 1) << true << endOfDay(2025, 3, 9) << true;
        QTest::newRow("quarter: rebalanced in January, now March")
            << Q << utc(2025, 3, 31) << true << utc(2025, 1, 2) << false;
        QTest::newRow("quarter: rebalanced Mar 31, now Apr 1")
            << Q << utc(2025, 4, 1) << true << endOfDay(2025, 3, 31) << true;
    }

    void calendarWithoutNextObservation()
    {
        QFETCH(CalendarPeriod, period);
        QFETCH(qint64, time);
        QFETCH(bool, rebalancedBefore);
        QFETCH(qint64, lastRebalance);
        QFETCH(bool, fires);

        const Weights weights;
        const TriggerInput input = inputFor(weights, time, std::nullopt,
                                            rebalancedBefore ? std::optional<qint64>(lastRebalance) : std::nullopt);
        const Trigger trigger = Trigger::calendar(period);
        QCOMPARE(trigger.periodEnds(input), fires);
        QCOMPARE(trigger.fires(input), fires);
    }

    // --- threshold ---------------------------------------------------------------

    void threshold_data()
    {
        QTest::addColumn<QString>("band"); // override; empty = the per-asset half-widths
        QTest::addColumn<QList<double>>("weights");
        QTest::addColumn<QList<double>>("targets");
        QTest::addColumn<QList<double>>("halfWidths");
        QTest::addColumn<bool>("broken");

        const QString pp5 = QStringLiteral("5pp");
        const QString rel25 = QStringLiteral("25%");
        const QList<double> t5050{0.5, 0.5};
        const QList<double> none;

        // Absolute 5pp override
        QTest::newRow("5pp: on target") << pp5 << t5050 << t5050 << none << false;
        QTest::newRow("5pp: upper edge is inside") << pp5 << QList<double>{0.55, 0.45} << t5050 << none << false;
        QTest::newRow("5pp: lower edge is inside") << pp5 << QList<double>{0.45, 0.55} << t5050 << none << false;
        QTest::newRow("5pp: just above") << pp5 << QList<double>{0.5501, 0.4499} << t5050 << none << true;
        QTest::newRow("5pp: just below, second asset")
            << pp5 << QList<double>{0.5, 0.4499, 0.0501} << QList<double>{0.5, 0.5, 0.0} << none << true;
        QTest::newRow("5pp: small target, 4.9pp over")
            << pp5 << QList<double>{0.069, 0.931} << QList<double>{0.02, 0.98} << none << false;
        QTest::newRow("5pp: ignores per-asset widths (narrow)")
            << pp5 << QList<double>{0.54, 0.46} << t5050 << QList<double>{0.001, 0.001} << false;
        QTest::newRow("5pp: ignores per-asset widths (wide)")
            << pp5 << QList<double>{0.56, 0.44} << t5050 << QList<double>{0.2, 0.2} << true;

        // Relative 25% override: the half-width is a quarter of each target
        const QList<double> t206020{0.2, 0.6, 0.2};
        QTest::newRow("25%: on target") << rel25 << t206020 << t206020 << none << false;
        QTest::newRow("25%: upper edge of 20% (25%) is inside")
            << rel25 << QList<double>{0.25, 0.55, 0.2} << t206020 << none << false;
        QTest::newRow("25%: lower edge of 20% (15%) is inside")
            << rel25 << QList<double>{0.15, 0.6, 0.25} << t206020 << none << false;
        QTest::newRow("25%: 20% target at 25.01%")
            << rel25 << QList<double>{0.2501, 0.5499, 0.2} << t206020 << none << true;
        QTest::newRow("25%: 20% target at 14.99%")
            << rel25 << QList<double>{0.1499, 0.6, 0.2501} << t206020 << none << true;
        QTest::newRow("25%: 60% target may move 15pp")
            << rel25 << QList<double>{0.75} << QList<double>{0.6} << none << false;
        QTest::newRow("25%: 60% target at 75.1%")
            << rel25 << QList<double>{0.751} << QList<double>{0.6} << none << true;
        QTest::newRow("25%: 60% target at 44.9%")
            << rel25 << QList<double>{0.449} << QList<double>{0.6} << none << true;
        QTest::newRow("25%: zero target held")
            << rel25 << QList<double>{0.5, 0.49, 0.01} << QList<double>{0.5, 0.5, 0.0} << none << true;
        QTest::newRow("25%: zero target not held")
            << rel25 << QList<double>{0.5, 0.5, 0.0} << QList<double>{0.5, 0.5, 0.0} << none << false;

        // No override: each asset's own half-width
        const QList<double> t503020{0.5, 0.3, 0.2};
        const QList<double> widths{0.05, 0.02, 0.1};
        QTest::newRow("own: all on their edges")
            << QString() << QList<double>{0.45, 0.32, 0.23} << t503020 << widths << false;
        QTest::newRow("own: all on the other edges")
            << QString() << QList<double>{0.55, 0.28, 0.17} << t503020 << widths << false;
        QTest::newRow("own: narrow band broken")
            << QString() << QList<double>{0.5, 0.3201, 0.1799} << t503020 << widths << true;
        QTest::newRow("own: wide band not broken at 9pp")
            << QString() << QList<double>{0.46, 0.25, 0.29} << t503020 << QList<double>{0.05, 0.05, 0.1} << false;
        QTest::newRow("own: first band broken")
            << QString() << QList<double>{0.5501, 0.2499, 0.2} << t503020 << QList<double>{0.05, 0.1, 0.1} << true;
    }

    void threshold()
    {
        QFETCH(QString, band);
        QFETCH(QList<double>, weights);
        QFETCH(QList<double>, targets);
        QFETCH(QList<double>, halfWidths);
        QFETCH(bool, broken);

        const std::vector<double> w(weights.cbegin(), weights.cend());
        const std::vector<double> t(targets.cbegin(), targets.cend());
        const std::vector<double> h(halfWidths.cbegin(), halfWidths.cend());
        TriggerInput input;
        input.timeMs = utc(2025, 5, 14, 12);
        input.weights = w;
        input.targets = t;
        input.halfWidths = h;

        const Trigger trigger = Trigger::threshold(bandFromSpec(band));
        QCOMPARE(trigger.bandBroken(input), broken);
        QCOMPARE(trigger.fires(input), broken);
        // The calendar plays no part: the same result mid-period, at a period
        // end and with or without a recent rebalance.
        input.nextTimeMs = utc(2025, 5, 14, 13);
        input.lastRebalanceMs = utc(2025, 5, 14, 11);
        QCOMPARE(trigger.fires(input), broken);
        input.nextTimeMs = utc(2025, 6, 1);
        QCOMPARE(trigger.fires(input), broken);
    }

    // --- hybrid ------------------------------------------------------------------

    void hybrid_data()
    {
        QTest::addColumn<QString>("spec");
        QTest::addColumn<qint64>("time");
        QTest::addColumn<bool>("hasNext");
        QTest::addColumn<qint64>("next");
        QTest::addColumn<bool>("outside"); // one weight 6pp off its target (bands: 5pp / own 5pp)
        QTest::addColumn<bool>("fires");

        const QString month5 = QStringLiteral("hybrid:month,5pp");
        const QString quarter = QStringLiteral("hybrid:quarter"); // the per-asset half-widths
        const qint64 jan31 = utc(2025, 1, 31);
        const qint64 feb1 = utc(2025, 2, 1);
        const qint64 jan15 = utc(2025, 1, 15);
        const qint64 jan16 = utc(2025, 1, 16);

        QTest::newRow("month end, band broken") << month5 << jan31 << true << feb1 << true << true;
        QTest::newRow("month end, inside") << month5 << jan31 << true << feb1 << false << false;
        QTest::newRow("mid-month, band broken") << month5 << jan15 << true << jan16 << true << false;
        QTest::newRow("mid-month, inside") << month5 << jan15 << true << jan16 << false << false;
        QTest::newRow("live, not rebalanced, broken") << month5 << jan15 << false << qint64(0) << true << true;
        QTest::newRow("live, not rebalanced, inside") << month5 << jan15 << false << qint64(0) << false << false;
        QTest::newRow("quarter end, own band broken")
            << quarter << utc(2025, 3, 31) << true << utc(2025, 4, 1) << true << true;
        QTest::newRow("month end inside quarter, broken") << quarter << jan31 << true << feb1 << true << false;
        QTest::newRow("quarter end, own band kept")
            << quarter << utc(2025, 6, 30) << true << utc(2025, 7, 1) << false << false;
    }

    void hybrid()
    {
        QFETCH(QString, spec);
        QFETCH(qint64, time);
        QFETCH(bool, hasNext);
        QFETCH(qint64, next);
        QFETCH(bool, outside);
        QFETCH(bool, fires);

        const auto parsed = Trigger::parse(spec);
        QVERIFY(parsed.ok());
        const Trigger trigger = *parsed;
        QCOMPARE(trigger.kind(), Trigger::Kind::Hybrid);

        Weights weights;
        if (outside) {
            weights.weights = {0.56, 0.24, 0.2};
        } else {
            weights.weights = {0.55, 0.25, 0.2}; // both on the edge: inside
        }
        const TriggerInput input = inputFor(weights, time, hasNext ? std::optional<qint64>(next) : std::nullopt);
        QCOMPARE(trigger.bandBroken(input), outside);
        QCOMPARE(trigger.fires(input), fires);
        QCOMPARE(trigger.fires(input), trigger.periodEnds(input) && trigger.bandBroken(input));
    }

    // --- decide: the decision fires() makes, with the caller's own checks ------

    void decideAsksOnlyWhatTheRuleNeeds_data()
    {
        QTest::addColumn<QString>("spec");
        QTest::addColumn<bool>("periodEnds");
        QTest::addColumn<bool>("bandBroken");
        QTest::addColumn<bool>("fires");
        QTest::addColumn<int>("periodAsked");
        QTest::addColumn<int>("bandAsked");

        const QString none = QStringLiteral("none");
        const QString calendar = QStringLiteral("calendar:month");
        const QString threshold = QStringLiteral("threshold:5pp");
        const QString hybrid = QStringLiteral("hybrid:month,5pp");
        QTest::newRow("none") << none << true << true << false << 0 << 0;
        QTest::newRow("calendar, period ends") << calendar << true << true << true << 1 << 0;
        QTest::newRow("calendar, mid-period") << calendar << false << true << false << 1 << 0;
        QTest::newRow("threshold, broken") << threshold << false << true << true << 0 << 1;
        QTest::newRow("threshold, inside") << threshold << true << false << false << 0 << 1;
        QTest::newRow("hybrid, period ends, broken") << hybrid << true << true << true << 1 << 1;
        QTest::newRow("hybrid, period ends, inside") << hybrid << true << false << false << 1 << 1;
        // Mid-period the bands are not looked at (a backtest's bars).
        QTest::newRow("hybrid, mid-period, broken") << hybrid << false << true << false << 1 << 0;
    }

    void decideAsksOnlyWhatTheRuleNeeds()
    {
        QFETCH(QString, spec);
        QFETCH(bool, periodEnds);
        QFETCH(bool, bandBroken);
        QFETCH(bool, fires);
        QFETCH(int, periodAsked);
        QFETCH(int, bandAsked);

        const auto trigger = Trigger::parse(spec);
        QVERIFY(trigger.ok());
        int periodCalls = 0;
        int bandCalls = 0;
        const bool decided = trigger->decide(
            [&] {
                ++periodCalls;
                return periodEnds;
            },
            [&] {
                ++bandCalls;
                return bandBroken;
            });
        QCOMPARE(decided, fires);
        QCOMPARE(periodCalls, periodAsked);
        QCOMPARE(bandCalls, bandAsked);
    }

    // --- none --------------------------------------------------------------------

    void noneNeverFires_data()
    {
        QTest::addColumn<bool>("hasNext");
        QTest::addColumn<bool>("outside");
        QTest::newRow("period end, band broken") << true << true;
        QTest::newRow("period end, inside") << true << false;
        QTest::newRow("live, never rebalanced, band broken") << false << true;
        QTest::newRow("live, never rebalanced, inside") << false << false;
    }

    void noneNeverFires()
    {
        QFETCH(bool, hasNext);
        QFETCH(bool, outside);
        Weights weights;
        if (outside)
            weights.weights = {0.9, 0.05, 0.05};
        const TriggerInput input =
            inputFor(weights, endOfDay(2025, 12, 31), hasNext ? std::optional<qint64>(utc(2026, 1, 1)) : std::nullopt);
        QVERIFY(!Trigger::none().fires(input));
        QVERIFY(!Trigger().fires(input));
        const auto parsed = Trigger::parse(QStringLiteral("none"));
        QVERIFY(parsed.ok());
        QVERIFY(!parsed->fires(input));
    }

    // --- whole year ---------------------------------------------------------------

    void wholeYear2025_data()
    {
        QTest::addColumn<CalendarPeriod>("period");
        QTest::addColumn<int>("expected");

        // 2025 starts on a Wednesday and has 365 days: 52 Sundays, and its last
        // day (a Wednesday) shares its week with 2026-01-01, so 52 week ends.
        int sundays = 0;
        for (QDate d(2025, 1, 1); d.year() == 2025; d = d.addDays(1))
            sundays += d.dayOfWeek() == Qt::Sunday ? 1 : 0;
        QCOMPARE(sundays, 52);

        QTest::newRow("day") << CalendarPeriod::Day << 365;
        QTest::newRow("week") << CalendarPeriod::Week << sundays;
        QTest::newRow("month") << CalendarPeriod::Month << 12;
        QTest::newRow("quarter") << CalendarPeriod::Quarter << 4;
    }

    void wholeYear2025()
    {
        QFETCH(CalendarPeriod, period);
        QFETCH(int, expected);

        const Trigger trigger = Trigger::calendar(period);
        const Weights weights;
        int firings = 0;
        int days = 0;
        for (QDate d(2025, 1, 1); d.year() == 2025; d = d.addDays(1)) {
            const qint64 time = utc(d.year(), d.month(), d.day());
            const TriggerInput input = inputFor(weights, time, time + kDayMs);
            firings += trigger.fires(input) ? 1 : 0;
            ++days;
        }
        QCOMPARE(days, 365);
        QCOMPARE(firings, expected);
    }

    // --- parse / toString ----------------------------------------------------------

    void parseValid_data()
    {
        QTest::addColumn<QString>("spec");
        QTest::addColumn<Trigger::Kind>("kind");
        QTest::addColumn<CalendarPeriod>("period"); // checked for calendar and hybrid only
        QTest::addColumn<QString>("band"); // empty = no override
        QTest::addColumn<QString>("text"); // toString()

        QTest::newRow("none") << QStringLiteral("none") << Trigger::Kind::None << CalendarPeriod::Month << QString()
                              << QStringLiteral("none");
        QTest::newRow("calendar:day") << QStringLiteral("calendar:day") << Trigger::Kind::Calendar
                                      << CalendarPeriod::Day << QString() << QStringLiteral("calendar:day");
        QTest::newRow("calendar:week") << QStringLiteral("calendar:week") << Trigger::Kind::Calendar
                                       << CalendarPeriod::Week << QString() << QStringLiteral("calendar:week");
        QTest::newRow("calendar:month") << QStringLiteral("calendar:month") << Trigger::Kind::Calendar
                                        << CalendarPeriod::Month << QString() << QStringLiteral("calendar:month");
        QTest::newRow("calendar:quarter") << QStringLiteral("calendar:quarter") << Trigger::Kind::Calendar
                                          << CalendarPeriod::Quarter << QString() << QStringLiteral("calendar:quarter");
        QTest::newRow("threshold") << QStringLiteral("threshold") << Trigger::Kind::Threshold << CalendarPeriod::Month
                                   << QString() << QStringLiteral("threshold");
        QTest::newRow("threshold:5pp") << QStringLiteral("threshold:5pp") << Trigger::Kind::Threshold
                                       << CalendarPeriod::Month << QStringLiteral("5pp")
                                       << QStringLiteral("threshold:5pp");
        QTest::newRow("threshold:25%") << QStringLiteral("threshold:25%") << Trigger::Kind::Threshold
                                       << CalendarPeriod::Month << QStringLiteral("25%")
                                       << QStringLiteral("threshold:25%");
        QTest::newRow("threshold:0.5pp") << QStringLiteral("threshold:0.5pp") << Trigger::Kind::Threshold
                                         << CalendarPeriod::Month << QStringLiteral("0.5pp")
                                         << QStringLiteral("threshold:0.5pp");
        QTest::newRow("hybrid:month,5pp")
            << QStringLiteral("hybrid:month,5pp") << Trigger::Kind::Hybrid << CalendarPeriod::Month
            << QStringLiteral("5pp") << QStringLiteral("hybrid:month,5pp");
        QTest::newRow("hybrid:week,25%") << QStringLiteral("hybrid:week,25%") << Trigger::Kind::Hybrid
                                         << CalendarPeriod::Week << QStringLiteral("25%")
                                         << QStringLiteral("hybrid:week,25%");
        QTest::newRow("hybrid:quarter") << QStringLiteral("hybrid:quarter") << Trigger::Kind::Hybrid
                                        << CalendarPeriod::Quarter << QString() << QStringLiteral("hybrid:quarter");
        QTest::newRow("case and spaces") << QStringLiteral("  Calendar:Month ") << Trigger::Kind::Calendar
                                         << CalendarPeriod::Month << QString() << QStringLiteral("calendar:month");
    }

    void parseValid()
    {
        QFETCH(QString, spec);
        QFETCH(Trigger::Kind, kind);
        QFETCH(CalendarPeriod, period);
        QFETCH(QString, band);
        QFETCH(QString, text);

        const auto parsed = Trigger::parse(spec);
        QVERIFY2(parsed.ok(), qPrintable(parsed.ok() ? QString() : parsed.error().message));
        QCOMPARE(parsed->kind(), kind);
        if (kind == Trigger::Kind::Calendar || kind == Trigger::Kind::Hybrid)
            QCOMPARE(parsed->period(), period);
        QCOMPARE(parsed->band(), bandFromSpec(band));
        QCOMPARE(parsed->toString(), text);

        // Round trip: the text parses back to the same trigger.
        const auto again = Trigger::parse(parsed->toString());
        QVERIFY2(again.ok(), qPrintable(again.ok() ? QString() : again.error().message));
        QCOMPARE(again->kind(), parsed->kind());
        QCOMPARE(again->period(), parsed->period());
        QCOMPARE(again->band(), parsed->band());
        QCOMPARE(again->toString(), text);
    }

    void parseInvalid_data()
    {
        QTest::addColumn<QString>("spec");
        QTest::addColumn<QString>("code");

        QTest::newRow("calendar:year") << QStringLiteral("calendar:year") << QStringLiteral("trigger.period");
        QTest::newRow("calendar:") << QStringLiteral("calendar:") << QStringLiteral("trigger.period");
        QTest::newRow("threshold:5") << QStringLiteral("threshold:5") << QStringLiteral("band.syntax");
        QTest::newRow("threshold:0pp") << QStringLiteral("threshold:0pp") << QStringLiteral("band.range");
        QTest::newRow("threshold:100%") << QStringLiteral("threshold:100%") << QStringLiteral("band.range");
        QTest::newRow("hybrid:5pp") << QStringLiteral("hybrid:5pp") << QStringLiteral("trigger.period");
        QTest::newRow("hybrid:month,5") << QStringLiteral("hybrid:month,5") << QStringLiteral("band.syntax");
        QTest::newRow("weekly") << QStringLiteral("weekly") << QStringLiteral("trigger.syntax");
        QTest::newRow("empty") << QString() << QStringLiteral("trigger.syntax");
        QTest::newRow("none:month") << QStringLiteral("none:month") << QStringLiteral("trigger.syntax");
    }

    void parseInvalid()
    {
        QFETCH(QString, spec);
        QFETCH(QString, code);

        const auto parsed = Trigger::parse(spec);
        QVERIFY(!parsed.ok());
        QCOMPARE(parsed.error().code, code);
        const QString quoted = QLatin1Char('"') + spec + QLatin1Char('"');
        QVERIFY2(parsed.error().message.contains(quoted),
                 qPrintable(parsed.error().message + QStringLiteral(" does not quote ") + quoted));
    }
};

QTEST_GUILESS_MAIN(TestTrigger)

#include "tst_trigger.moc"
