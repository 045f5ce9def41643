// rebalance::RebalancePolicy (JSON, validation errors that name the field),
// the calendar dates a rule looks at next (Trigger::periodStart and
// nextPeriodStart: UTC, weeks from Monday, month and quarter ends) and the
// sync back-off of services::SyncSchedule. Pure: no database.
#include "rebalance/rebalancepolicy.h"
#include "services/syncschedule.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>
#include <QTimeZone>

using ballast::rebalance::CalendarPeriod;
using ballast::rebalance::RebalancePolicy;
using ballast::rebalance::Trigger;
using ballast::services::SyncSchedule;

namespace {

qint64 ms(const char *iso)
{
    const QDateTime time = QDateTime::fromString(QString::fromLatin1(iso), Qt::ISODateWithMs);
    if (!time.isValid())
        qFatal("bad time in test: %s", iso);
    return time.toMSecsSinceEpoch();
}

QString iso(qint64 value)
{
    return QDateTime::fromMSecsSinceEpoch(value, QTimeZone::utc())
        .toString(Qt::ISODate)
        .replace(QStringLiteral("+00:00"), QStringLiteral("Z"));
}

QJsonObject object(const char *json)
{
    return QJsonDocument::fromJson(QByteArray(json)).object();
}

} // namespace

class TestRebalancePolicy : public QObject
{
    Q_OBJECT

private slots:
    void defaultsFromEmptyJson()
    {
        auto policy = RebalancePolicy::fromJson({});
        QVERIFY2(policy.ok(), policy.ok() ? "" : qPrintable(policy.error().message));
        QCOMPARE(policy->rule.toString(), QStringLiteral("threshold")); // outside the portfolio's bands
        QVERIFY(!policy->namedBand());
        QCOMPARE(policy->mode.toString(), QStringLiteral("target"));
        QVERIFY(!policy->band);
        QVERIFY(!policy->maxTurnover);
        QVERIFY(!policy->fallingGuard);
        QVERIFY(policy->minTrade.isZero());
        QCOMPARE(policy->syncIntervalSeconds, 0);
    }

    void roundTripsEveryField()
    {
        const QJsonObject json = object(R"({"rule":"hybrid:quarter,4pp","band":"25%","mode":"band-edge",
            "minTrade":"12.5","maxTurnover":0.3,"excluded":["bnb","SOL"],"fallingGuard":0.75,
            "tax":{"lotSelection":"fifo","longTermDays":400,"maxRealizedGain":"1000","minLotAgeDays":30,
                   "youngLotOverride":0.05,"cashFirst":true,"harvestLossThreshold":"250"},
            "syncIntervalSeconds":900})");
        auto policy = RebalancePolicy::fromJson(json);
        QVERIFY2(policy.ok(), policy.ok() ? "" : qPrintable(policy.error().message));
        QCOMPARE(policy->rule.toString(), QStringLiteral("hybrid:quarter,4pp"));
        QCOMPARE(policy->band->toString(), QStringLiteral("25%"));
        QCOMPARE(policy->mode.toString(), QStringLiteral("band-edge"));
        QCOMPARE(policy->minTrade.toString(), QStringLiteral("12.5"));
        QCOMPARE(*policy->maxTurnover, 0.3);
        QCOMPARE(policy->excluded, (QStringList{QStringLiteral("BNB"), QStringLiteral("SOL")}));
        QCOMPARE(*policy->fallingGuard, 0.75);
        QCOMPARE(policy->tax.longTermDays, 400);
        QVERIFY(policy->tax.cashFirst);
        QCOMPARE(policy->syncIntervalSeconds, 900);

        auto again = RebalancePolicy::fromJson(policy->toJson());
        QVERIFY(again.ok());
        QVERIFY(*again == *policy);
        QCOMPARE(again->toJson(), policy->toJson());
    }

    void refusesWithTheFieldNamed_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<QString>("field");
        QTest::newRow("unknown field") << QByteArray(R"({"rules":"none"})") << QStringLiteral("rules: unknown field");
        QTest::newRow("rule") << QByteArray(R"({"rule":"sometimes"})") << QStringLiteral("rule: ");
        QTest::newRow("rule not text") << QByteArray(R"({"rule":5})") << QStringLiteral("rule: ");
        QTest::newRow("band") << QByteArray(R"({"band":"5"})") << QStringLiteral("band: ");
        QTest::newRow("mode") << QByteArray(R"({"mode":"invest:-3"})") << QStringLiteral("mode: ");
        QTest::newRow("minTrade negative") << QByteArray(R"({"minTrade":"-1"})") << QStringLiteral("minTrade: ");
        QTest::newRow("minTrade number") << QByteArray(R"({"minTrade":10})") << QStringLiteral("minTrade: ");
        QTest::newRow("maxTurnover zero") << QByteArray(R"({"maxTurnover":0})") << QStringLiteral("maxTurnover: ");
        QTest::newRow("maxTurnover above 1") << QByteArray(R"({"maxTurnover":1.5})") << QStringLiteral("maxTurnover: ");
        QTest::newRow("fallingGuard 1") << QByteArray(R"({"fallingGuard":1})") << QStringLiteral("fallingGuard: ");
        QTest::newRow("excluded not a list") << QByteArray(R"({"excluded":"BTC"})") << QStringLiteral("excluded: ");
        QTest::newRow("excluded item") << QByteArray(R"({"excluded":["BTC","b c"]})")
                                       << QStringLiteral("excluded[1]: ");
        QTest::newRow("tax field") << QByteArray(R"({"tax":{"cashFirst":"yes"}})") << QStringLiteral("tax.cashFirst: ");
        QTest::newRow("tax not an object") << QByteArray(R"({"tax":[]})") << QStringLiteral("tax: ");
        QTest::newRow("sync too fast") << QByteArray(R"({"syncIntervalSeconds":5})")
                                       << QStringLiteral("syncIntervalSeconds: ");
        QTest::newRow("sync fraction") << QByteArray(R"({"syncIntervalSeconds":90.5})")
                                       << QStringLiteral("syncIntervalSeconds: ");
        QTest::newRow("sync too slow") << QByteArray(R"({"syncIntervalSeconds":99999999})")
                                       << QStringLiteral("syncIntervalSeconds: ");
    }

    void refusesWithTheFieldNamed()
    {
        QFETCH(QByteArray, json);
        QFETCH(QString, field);
        auto policy = RebalancePolicy::fromJson(QJsonDocument::fromJson(json).object());
        QVERIFY(!policy.ok());
        QVERIFY2(policy.error().message.startsWith(field), qPrintable(policy.error().message));
    }

    void bandsForTheTriggerAndTheBacktest()
    {
        ballast::domain::Portfolio portfolio;
        portfolio.defaultBand = {ballast::domain::Band::Kind::Absolute, 0.05};
        portfolio.targets = {{QStringLiteral("BTC"), ballast::money::dec("0.6"),
                              ballast::domain::Band{ballast::domain::Band::Kind::Absolute, 0.02}},
                             {QStringLiteral("ETH"), ballast::money::dec("0.4"), std::nullopt}};
        const QStringList assets{QStringLiteral("BTC"), QStringLiteral("ETH"), QStringLiteral("BNB")};

        RebalancePolicy policy; // "threshold": no band of its own
        QCOMPARE(policy.halfWidths(portfolio, assets), (std::vector<double>{0.02, 0.05, 0.05}));
        QCOMPARE(policy.withBands(portfolio), portfolio);
        policy.band = ballast::domain::Band{ballast::domain::Band::Kind::Relative, 0.25};
        QCOMPARE(policy.halfWidths(portfolio, assets), (std::vector<double>{0.15, 0.1, 0.0}));
        policy.rule = *Trigger::parse(QStringLiteral("hybrid:month,3pp"));
        policy.excluded = {QStringLiteral("ETH")};
        QCOMPARE(policy.halfWidths(portfolio, assets), (std::vector<double>{0.03, 1.0, 0.03}));
        // The snapshot's portfolio: the named band everywhere but on the
        // excluded ETH, which keeps the portfolio's (the check gives it 1).
        const auto banded = policy.withBands(portfolio);
        QCOMPARE(banded.bandFor(QStringLiteral("BTC")).halfWidth(0.6), 0.03);
        QCOMPARE(banded.bandFor(QStringLiteral("ETH")).halfWidth(0.4), 0.05);
        QCOMPARE(banded.bandFor(QStringLiteral("BNB")).halfWidth(0.0), 0.03);
        QCOMPARE(banded.targets.size(), portfolio.targets.size());
        QCOMPARE(banded.targets.at(0).weight, portfolio.targets.at(0).weight);
        QCOMPARE(banded.defaultBand.toString(), QStringLiteral("3pp"));
        // The band travels in the half-widths, so the trigger has none.
        QCOMPARE(policy.trigger().toString(), QStringLiteral("hybrid:month"));
        QVERIFY(!policy.trigger().band());
    }

    void durations_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<qint64>("expected"); // -1: refused
        QTest::newRow("seconds") << QStringLiteral("90s") << qint64(90000);
        QTest::newRow("minutes") << QStringLiteral("15m") << qint64(900000);
        QTest::newRow("hours") << QStringLiteral("1h") << qint64(3600000);
        QTest::newRow("days upper case") << QStringLiteral("2D") << qint64(172800000);
        QTest::newRow("milliseconds") << QStringLiteral("250ms") << qint64(250);
        QTest::newRow("no unit") << QStringLiteral("15") << qint64(-1);
        QTest::newRow("zero") << QStringLiteral("0s") << qint64(-1);
        QTest::newRow("negative") << QStringLiteral("-5m") << qint64(-1);
        QTest::newRow("fraction") << QStringLiteral("1.5h") << qint64(-1);
        QTest::newRow("beyond a week") << QStringLiteral("8d") << qint64(-1);
        QTest::newRow("empty") << QString() << qint64(-1);
    }

    void durations()
    {
        QFETCH(QString, text);
        QFETCH(qint64, expected);
        auto parsed = ballast::rebalance::parseDuration(text, QStringLiteral("--interval"));
        if (expected < 0) {
            QVERIFY(!parsed.ok());
            QVERIFY2(parsed.error().message.startsWith(QStringLiteral("--interval")),
                     qPrintable(parsed.error().message));
            return;
        }
        QVERIFY(parsed.ok());
        QCOMPARE(*parsed, expected);
        QCOMPARE(
            ballast::rebalance::parseDuration(ballast::rebalance::durationText(*parsed), QStringLiteral("x")).value(),
            expected);
    }

    void calendarDates_data()
    {
        QTest::addColumn<QString>("period");
        QTest::addColumn<QString>("at");
        QTest::addColumn<QString>("start");
        QTest::addColumn<QString>("next");
        // Months and quarters, the year's end, a leap February.
        QTest::newRow("month mid") << "month"
                                   << "2026-01-15T10:00:00Z"
                                   << "2026-01-01T00:00:00Z"
                                   << "2026-02-01T00:00:00Z";
        QTest::newRow("month last ms") << "month"
                                       << "2026-01-31T23:59:59.999Z"
                                       << "2026-01-01T00:00:00Z"
                                       << "2026-02-01T00:00:00Z";
        QTest::newRow("month first ms") << "month"
                                        << "2026-02-01T00:00:00Z"
                                        << "2026-02-01T00:00:00Z"
                                        << "2026-03-01T00:00:00Z";
        QTest::newRow("leap february") << "month"
                                       << "2028-02-29T12:00:00Z"
                                       << "2028-02-01T00:00:00Z"
                                       << "2028-03-01T00:00:00Z";
        QTest::newRow("december") << "month"
                                  << "2026-12-31T23:00:00Z"
                                  << "2026-12-01T00:00:00Z"
                                  << "2027-01-01T00:00:00Z";
        QTest::newRow("quarter q1") << "quarter"
                                    << "2026-03-31T23:59:59Z"
                                    << "2026-01-01T00:00:00Z"
                                    << "2026-04-01T00:00:00Z";
        QTest::newRow("quarter q2 start") << "quarter"
                                          << "2026-04-01T00:00:00Z"
                                          << "2026-04-01T00:00:00Z"
                                          << "2026-07-01T00:00:00Z";
        QTest::newRow("quarter q3") << "quarter"
                                    << "2026-08-15T00:00:00Z"
                                    << "2026-07-01T00:00:00Z"
                                    << "2026-10-01T00:00:00Z";
        QTest::newRow("quarter q4") << "quarter"
                                    << "2026-11-30T00:00:00Z"
                                    << "2026-10-01T00:00:00Z"
                                    << "2027-01-01T00:00:00Z";
        // Weeks start on Monday: 2026-01-04 is a Sunday, 2026-01-05 a Monday.
        QTest::newRow("week sunday") << "week"
                                     << "2026-01-04T23:59:59Z"
                                     << "2025-12-29T00:00:00Z"
                                     << "2026-01-05T00:00:00Z";
        QTest::newRow("week monday") << "week"
                                     << "2026-01-05T00:00:00Z"
                                     << "2026-01-05T00:00:00Z"
                                     << "2026-01-12T00:00:00Z";
        QTest::newRow("week thursday 1970") << "week"
                                            << "1970-01-01T00:00:00Z"
                                            << "1969-12-29T00:00:00Z"
                                            << "1970-01-05T00:00:00Z";
        QTest::newRow("day") << "day"
                             << "2026-02-28T18:00:00Z"
                             << "2026-02-28T00:00:00Z"
                             << "2026-03-01T00:00:00Z";
        // UTC, whatever the offset the time was written in: 01:00+02:00 is still January 31 in UTC.
        QTest::newRow("offset") << "month"
                                << "2026-02-01T01:00:00+02:00"
                                << "2026-01-01T00:00:00Z"
                                << "2026-02-01T00:00:00Z";
    }

    void calendarDates()
    {
        QFETCH(QString, period);
        QFETCH(QString, at);
        QFETCH(QString, start);
        QFETCH(QString, next);
        const CalendarPeriod kind = *ballast::rebalance::calendarPeriodFromString(period);
        const qint64 time = ms(qPrintable(at));
        QCOMPARE(iso(Trigger::periodStart(time, kind)), iso(ms(qPrintable(start))));
        QCOMPARE(iso(Trigger::nextPeriodStart(time, kind)), iso(ms(qPrintable(next))));
        // The start is in the period, the next start in the following one.
        QCOMPARE(Trigger::periodIndex(Trigger::periodStart(time, kind), kind), Trigger::periodIndex(time, kind));
        QCOMPARE(Trigger::periodIndex(Trigger::nextPeriodStart(time, kind), kind),
                 Trigger::periodIndex(time, kind) + 1);
        QCOMPARE(Trigger::periodIndex(Trigger::nextPeriodStart(time, kind) - 1, kind),
                 Trigger::periodIndex(time, kind));
    }

    void nextCalendarCheckOnlyForCalendarRules()
    {
        const qint64 at = ms("2026-05-20T08:00:00Z");
        QCOMPARE(iso(*Trigger::parse(QStringLiteral("calendar:month"))->nextCalendarCheck(at)),
                 QStringLiteral("2026-06-01T00:00:00Z"));
        QCOMPARE(iso(*Trigger::parse(QStringLiteral("hybrid:quarter,5pp"))->nextCalendarCheck(at)),
                 QStringLiteral("2026-07-01T00:00:00Z"));
        QVERIFY(!Trigger::parse(QStringLiteral("threshold:5pp"))->nextCalendarCheck(at));
        QVERIFY(!Trigger::none().nextCalendarCheck(at));
    }

    void syncScheduleBacksOff()
    {
        SyncSchedule off;
        QVERIFY(!off.enabled());
        QVERIFY(!off.nextMs());
        QVERIFY(!off.due(1000));

        SyncSchedule schedule(15 * 60000, 30000, 3600000);
        QVERIFY(schedule.due(0)); // never synced: at once
        schedule.succeeded(1000);
        QCOMPARE(*schedule.nextMs(), 1000 + 15 * 60000);
        QVERIFY(!schedule.due(1000 + 15 * 60000 - 1));
        QVERIFY(schedule.due(1000 + 15 * 60000));

        // Failures: 30 s, 1 min, 2 min, ... capped at an hour.
        qint64 now = 2000000;
        const QList<qint64> delays{30000, 60000, 120000, 240000, 480000, 960000, 1920000, 3600000, 3600000};
        for (int i = 0; i < delays.size(); ++i) {
            schedule.failed(now);
            QCOMPARE(schedule.failures(), i + 1);
            QCOMPARE(*schedule.nextMs(), now + delays[i]);
            QVERIFY(!schedule.due(now + delays[i] - 1));
            now += delays[i];
            QVERIFY(schedule.due(now));
        }
        schedule.succeeded(now);
        QCOMPARE(schedule.failures(), 0);
        QCOMPARE(*schedule.nextMs(), now + 15 * 60000);
        schedule.setInterval(0);
        QVERIFY(!schedule.due(now + 999999999));
    }
};

QTEST_GUILESS_MAIN(TestRebalancePolicy)
#include "tst_rebalancepolicy.moc"
