// services::PolicyService on real SQLite files: old databases keep their rule,
// save is all or nothing, a check prepares a plan and stores what it decided,
// and the replay: one stored price history through the backtester and through
// the live check, bar by bar, with the same decisions on every bar.
#include "backtest/backtester.h"
#include "backtest/policybacktest.h"
#include "policyreads.h"
#include "services/ledger.h"
#include "services/planservice.h"
#include "services/policyservice.h"
#include "storage/portfoliorepo.h"
#include "storage/pricestore.h"
#include "testsupport.h"

#include <QDateTime>
#include <QTest>
#include <QTimeZone>

#include <algorithm>
#include <cmath>
#include <sqlite3.h>

using ballast::money::dec;
using ballast::money::Decimal;
using ballast::rebalance::RebalancePolicy;
using ballast::services::PolicyService;

namespace {

constexpr qint64 kDay = 86400000;

qint64 ms(const char *iso)
{
    return QDateTime::fromString(QString::fromLatin1(iso), Qt::ISODate).toMSecsSinceEpoch();
}

/// A paper portfolio (BTC 60 / ETH 40, bands of 5pp) on a clock the test moves.
struct Fixture
{
    ballast::test::TempDatabase temp;
    qint64 now = ms("2026-01-10T12:00:00Z");
    ballast::Clock clock = [this] { return now; };

    Fixture()
    {
        ballast::services::Ledger ledger(temp.db(), clock);
        QVERIFY(ledger.init(QStringLiteral("Main"), QStringLiteral("USDT")).ok());
        QVERIFY(ledger.addAccount(QStringLiteral("paper"), QStringLiteral("paper")).ok());
        QVERIFY(ledger
                    .setTargets({}, {{QStringLiteral("BTC"), dec("0.6"), {}}, {QStringLiteral("ETH"), dec("0.4"), {}}},
                                ballast::domain::Band{ballast::domain::Band::Kind::Absolute, 0.05})
                    .ok());
    }
    void setPrices(qint64 at, const Decimal &btc, const Decimal &eth)
    {
        const QDateTime time = QDateTime::fromMSecsSinceEpoch(at, QTimeZone::utc());
        QVERIFY(ballast::storage::PriceStore(temp.db())
                    .setPrices({{QStringLiteral("BTC"), QStringLiteral("USDT"), time, btc, QStringLiteral("manual")},
                                {QStringLiteral("ETH"), QStringLiteral("USDT"), time, eth, QStringLiteral("manual")}})
                    .ok());
    }
    void setHoldings(const Decimal &btc, const Decimal &eth)
    {
        QVERIFY(ballast::services::Ledger(temp.db(), clock)
                    .setHoldings(QStringLiteral("paper"),
                                 {{0, {}, QStringLiteral("BTC"), {}, btc}, {0, {}, QStringLiteral("ETH"), {}, eth}})
                    .ok());
    }
    PolicyService service() { return PolicyService(temp.db(), clock); }
    void setRule(const char *rule)
    {
        RebalancePolicy policy = service().load()->policy;
        policy.rule = *ballast::rebalance::Trigger::parse(QString::fromLatin1(rule));
        QVERIFY(service().save({}, policy).ok());
    }
};

/// A deterministic random walk: the same prices on every run and machine.
class Walk
{
public:
    explicit Walk(quint64 seed)
        : m_state(seed)
    {
    }
    /// A step of about +/- @p scale, symmetric.
    double step(double scale)
    {
        m_state = m_state * 6364136223846793005ULL + 1442695040888963407ULL;
        const double unit = static_cast<double>(m_state >> 11) / 9007199254740992.0; // [0, 1)
        return (unit * 2.0 - 1.0) * scale;
    }

private:
    quint64 m_state;
};

} // namespace

class TestPolicyService : public QObject
{
    Q_OBJECT

private slots:
    void oldDatabaseKeepsItsRule()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("old.sqlite"));
        {
            auto old = ballast::storage::Database::openAtVersion(path, 14);
            QVERIFY2(old.ok(), old.ok() ? "" : qPrintable(old.error().message));
            (*old)->exec("INSERT INTO portfolios (id, name, quote, band, policy, created_at) VALUES "
                         "(1, 'Old', 'USDT', '5pp', 'hybrid:quarter,4pp', 1700000000000)");
        }
        auto opened = ballast::storage::Database::open(path, ballast::storage::Database::Mode::ReadWriteExisting);
        QVERIFY(opened.ok());
        ballast::storage::Database &db = **opened;
        PolicyService service(db, [] { return ms("2026-03-01T00:00:00Z"); });
        auto info = service.load(QStringLiteral("Old"));
        QVERIFY2(info.ok(), info.ok() ? "" : qPrintable(info.error().message));
        QCOMPARE(info->policy.rule.toString(), QStringLiteral("hybrid:quarter,4pp"));
        QCOMPARE(info->updatedAt, qint64(1700000000000));
        QVERIFY(info->policy.mode == ballast::rebalance::PlanMode());
        QVERIFY(!info->policy.maxTurnover);

        // A portfolio created after the migration, without a policy row: its
        // `policy` string is the rule until a policy is saved.
        ballast::domain::Portfolio fresh;
        fresh.name = QStringLiteral("Fresh");
        fresh.policy = QStringLiteral("calendar:week");
        QVERIFY(ballast::storage::PortfolioRepo(db).create(fresh, 1710000000000).ok());
        QCOMPARE(service.load(QStringLiteral("Fresh"))->policy.rule.toString(), QStringLiteral("calendar:week"));

        // Saving keeps the portfolio's own `policy` string in step.
        RebalancePolicy policy = info->policy;
        policy.rule = *ballast::rebalance::Trigger::parse(QStringLiteral("calendar:month"));
        policy.maxTurnover = 0.25;
        QVERIFY(service.save(QStringLiteral("Old"), policy).ok());
        QCOMPARE(ballast::storage::PortfolioRepo(db).load(QStringLiteral("Old"))->policy,
                 QStringLiteral("calendar:month"));
        auto reloaded = service.load(QStringLiteral("Old"));
        QVERIFY(reloaded->policy == policy);
        QCOMPARE(reloaded->updatedAt, ms("2026-03-01T00:00:00Z"));
    }

    // Migration 20 rewrites the old default rule "threshold:5pp" to
    // "threshold" only where no decision changes and the person never chose
    // it: carried over, never saved, no band in the policy, and every band of
    // the portfolio 5pp. Everywhere else the rule stays, and with it the
    // half-widths the check decides with.
    void migrationDropsTheOldDefaultBandOnlyWhereNothingChanges()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("v17.sqlite"));
        {
            auto old = ballast::storage::Database::openAtVersion(path, 17);
            QVERIFY2(old.ok(), old.ok() ? "" : qPrintable(old.error().message));
            ballast::storage::Database &db = **old;
            db.exec("INSERT INTO portfolios (id, name, quote, band, policy, created_at) VALUES "
                    "(1, 'Default', 'USDT', '5pp', 'threshold:5pp', 1700000000000), "
                    "(2, 'Wide', 'USDT', '10pp', 'threshold:5pp', 1700000000000), "
                    "(3, 'Override', 'USDT', '5pp', 'threshold:5pp', 1700000000000), "
                    "(4, 'Saved', 'USDT', '5pp', 'threshold:5pp', 1700000000000), "
                    "(5, 'NoRow', 'USDT', '5pp', 'threshold:5pp', 1710000000000), "
                    "(6, 'BandInBody', 'USDT', '5pp', 'threshold:5pp', 1700000000000), "
                    "(7, 'Hybrid', 'USDT', '5pp', 'hybrid:quarter,5pp', 1700000000000), "
                    "(8, 'Damaged', 'USDT', '5pp', 'threshold:5pp', 1700000000000), "
                    "(9, 'NoRowWide', 'USDT', '8pp', 'threshold:5pp', 1710000000000)");
            db.exec("INSERT INTO targets (portfolio_id, asset, weight, band) VALUES "
                    "(1, 'BTC', '0.6', NULL), (1, 'ETH', '0.4', '5pp'), (2, 'BTC', '0.6', NULL), "
                    "(2, 'ETH', '0.4', NULL), (3, 'BTC', '0.6', NULL), (3, 'ETH', '0.4', '25%'), "
                    "(4, 'BTC', '0.6', NULL), (4, 'ETH', '0.4', NULL), (5, 'BTC', '0.6', NULL), "
                    "(5, 'ETH', '0.4', NULL), (6, 'BTC', '0.6', NULL), (6, 'ETH', '0.4', NULL), "
                    "(9, 'BTC', '0.6', NULL), (9, 'ETH', '0.4', NULL)");
            // As migration 15 and later saves left them; 5 and 9 were created after it, without a row.
            db.exec("INSERT INTO rebalance_policies (portfolio_id, rule, body, updated_at) VALUES "
                    "(1, 'threshold:5pp', '{}', 1700000000000), (2, 'threshold:5pp', '{}', 1700000000000), "
                    "(3, 'threshold:5pp', '{}', 1700000000000), "
                    "(4, 'threshold:5pp', '{\"mode\":\"band-edge\",\"band\":null}', 1750000000000), "
                    "(6, 'threshold:5pp', '{\"band\":\"10pp\"}', 1700000000000), "
                    "(7, 'hybrid:quarter,5pp', '{}', 1700000000000), (8, 'threshold:5pp', '{oops', 1700000000000)");
        }
        auto opened = ballast::storage::Database::open(path, ballast::storage::Database::Mode::ReadWriteExisting);
        QVERIFY2(opened.ok(), opened.ok() ? "" : qPrintable(opened.error().message));
        ballast::storage::Database &db = **opened;
        QCOMPARE(db.schemaVersion(), ballast::storage::Database::latestVersion());
        PolicyService service(db, [] { return ms("2026-03-01T00:00:00Z"); });
        ballast::storage::PortfolioRepo portfolios(db);
        const QStringList assets{QStringLiteral("BTC"), QStringLiteral("ETH")};
        struct Expected
        {
            const char *name;
            const char *rule;
            std::vector<double> halfWidths; // the same before and after: no decision changes
        };
        const std::vector<Expected> expected{
            {"Default", "threshold", {0.05, 0.05}},         {"Wide", "threshold:5pp", {0.05, 0.05}},
            {"Override", "threshold:5pp", {0.05, 0.05}},    {"Saved", "threshold:5pp", {0.05, 0.05}},
            {"NoRow", "threshold", {0.05, 0.05}},           {"BandInBody", "threshold:5pp", {0.05, 0.05}},
            {"Hybrid", "hybrid:quarter,5pp", {0.05, 0.05}}, {"NoRowWide", "threshold:5pp", {0.05, 0.05}}};
        for (const Expected &row : expected) {
            const QString name = QString::fromLatin1(row.name);
            auto info = service.load(name);
            QVERIFY2(info.ok(),
                     qPrintable(name + QStringLiteral(": ") + (info.ok() ? QString() : info.error().message)));
            QCOMPARE(info->policy.rule.toString(), QString::fromLatin1(row.rule));
            auto portfolio = portfolios.load(name);
            QVERIFY(portfolio.ok());
            QCOMPARE(portfolio->policy, QString::fromLatin1(row.rule)); // the `policy` string stays in step
            QCOMPARE(info->policy.halfWidths(*portfolio, assets), row.halfWidths);
        }
        // When they were set is unchanged: a rewrite is not a save.
        QCOMPARE(service.load(QStringLiteral("Default"))->updatedAt, qint64(1700000000000));
        QCOMPARE(service.load(QStringLiteral("Saved"))->policy.mode.kind, ballast::rebalance::PlanMode::Kind::BandEdge);
        // A damaged body is left as it was, for load to report.
        QCOMPARE(db.scalar("SELECT rule || ' ' || body FROM rebalance_policies WHERE portfolio_id = 8"),
                 QStringLiteral("threshold:5pp {oops"));
        QCOMPARE(db.scalar("SELECT count(*) FROM rebalance_policies"), QStringLiteral("7"));
    }

    void invalidPolicyStoresNothing()
    {
        Fixture f;
        const QByteArray before = ballast::test::contentDigest(f.temp.db());
        RebalancePolicy policy = f.service().load()->policy;
        policy.maxTurnover = 1.5;
        auto saved = f.service().save({}, policy);
        QVERIFY(!saved.ok());
        QVERIFY2(saved.error().message.startsWith(QStringLiteral("maxTurnover: ")), qPrintable(saved.error().message));
        QCOMPARE(ballast::test::contentDigest(f.temp.db()), before);

        // A damaged body is reported with the database and the portfolio.
        policy.maxTurnover = 0.5;
        QVERIFY(f.service().save({}, policy).ok());
        f.temp.db().exec("UPDATE rebalance_policies SET body = '{\"maxTurnover\": \"lots\"}'");
        auto damaged = f.service().load();
        QVERIFY(!damaged.ok());
        QVERIFY2(damaged.error().message.contains(QStringLiteral("\"Main\"")), qPrintable(damaged.error().message));
        QVERIFY2(damaged.error().message.contains(QStringLiteral("maxTurnover")), qPrintable(damaged.error().message));
        QVERIFY2(damaged.error().message.contains(f.temp.path()), qPrintable(damaged.error().message));
    }

    void thresholdCheckPreparesAPlanOnce()
    {
        Fixture f;
        f.setPrices(f.now, dec("50000"), dec("2500"));
        f.setHoldings(dec("0.12"), dec("1.6")); // 6000 / 4000: on target
        auto calm = f.service().evaluate();
        QVERIFY2(calm.ok(), calm.ok() ? "" : qPrintable(calm.error().message));
        QVERIFY(!calm->fired);
        QVERIFY(!calm->due);
        QVERIFY(calm->planId.isEmpty());
        QVERIFY(calm->outside.isEmpty());
        QVERIFY(!calm->nextCalendarAt);
        QCOMPARE(calm->why, QStringLiteral("every asset is inside its band"));

        // BTC doubles: 12000 / 4000 is 75% against 60%.
        f.now += kDay;
        f.setPrices(f.now, dec("100000"), dec("2500"));
        auto due = f.service().evaluate();
        QVERIFY2(due.ok(), due.ok() ? "" : qPrintable(due.error().message));
        QVERIFY(due->fired);
        QVERIFY(due->due);
        QCOMPARE(*due->previousCheckAt, f.now - kDay);
        QCOMPARE(due->outside.size(), 2);
        QCOMPARE(due->outside.first().asset, QStringLiteral("BTC"));
        QCOMPARE(due->outside.first().weight, 0.75);
        QVERIFY2(due->why.startsWith(QStringLiteral("BTC is at 75.00% against a target of 60.00%")),
                 qPrintable(due->why));
        QVERIFY(!due->planId.isEmpty());
        QVERIFY(!due->planReused);
        QVERIFY(due->alertText().contains(due->planId));
        ballast::services::PlanService plans(f.temp.db(), f.clock);
        QCOMPARE(*plans.status(due->planId), ballast::domain::PlanStatus::Proposed);
        QCOMPARE(due->planOrders, static_cast<int>(plans.load(due->planId)->orders.size()));
        QVERIFY(due->planOrders > 0);

        auto stored = f.service().lastCheck();
        QVERIFY(stored.ok() && stored->has_value());
        QCOMPARE((*stored)->checkedAt, f.now);
        QVERIFY((*stored)->due);
        QCOMPARE((*stored)->planId, due->planId);

        // Nothing changed: the same plan, not a new one.
        f.now += 60000;
        auto again = f.service().evaluate();
        QVERIFY(again.ok());
        QVERIFY(again->due);
        QCOMPARE(again->planId, due->planId);
        QVERIFY(again->planReused);
        QCOMPARE(plans.list()->size(), 1);

        // The plan is cancelled: the next check that does not fire is not due.
        QVERIFY(plans.cancel(due->planId, {}).ok());
        f.setHoldings(dec("0.06"), dec("2.4")); // 6000 / 6000: ETH over its band
        f.setRule("calendar:month");
        f.now += 60000;
        auto quiet = f.service().evaluate();
        QVERIFY(quiet.ok());
        QVERIFY(!quiet->fired);
        QVERIFY(!quiet->due);
        QCOMPARE(*quiet->nextCalendarAt, ms("2026-02-01T00:00:00Z"));
    }

    // A check reads the stored policy once and hands it down (the snapshot,
    // the bases of the open plans it looks at, the plan it prepares): the
    // same decisions, and one read whether it prepares a plan, reuses one or
    // finds nothing due.
    void checkReadsThePolicyOnce()
    {
        Fixture f;
        auto policy = f.service().load()->policy;
        policy.band = ballast::domain::Band{ballast::domain::Band::Kind::Absolute, 0.10};
        policy.mode.kind = ballast::rebalance::PlanMode::Kind::BandEdge;
        QVERIFY(f.service().save({}, policy).ok());
        f.setPrices(f.now, dec("50000"), dec("2500"));
        f.setHoldings(dec("0.12"), dec("1.6")); // on target
        PolicyReads reads(f.temp.db());

        auto calm = f.service().evaluate();
        QVERIFY2(calm.ok(), calm.ok() ? "" : qPrintable(calm.error().message));
        QVERIFY(!calm->due);
        QCOMPARE(reads.count(), 1);

        // BTC doubles: 75 % against 60 %, outside the policy's 10pp; a band-edge plan is prepared.
        f.now += kDay;
        f.setPrices(f.now, dec("100000"), dec("2500"));
        reads.clear();
        auto due = f.service().evaluate();
        QVERIFY2(due.ok(), due.ok() ? "" : qPrintable(due.error().message));
        QVERIFY(due->fired);
        QVERIFY(!due->planReused);
        QCOMPARE(reads.count(), 1);
        // Made with the policy's bands, as if read on its own.
        ballast::services::PlanService plans(f.temp.db(), f.clock);
        auto plan = plans.load(due->planId);
        QVERIFY(plan.ok());
        QCOMPARE(plan->weight(QStringLiteral("BTC"))->halfWidth, 0.10);
        QVERIFY2(std::abs(plan->weight(QStringLiteral("BTC"))->after - 0.69) < 0.005,
                 qPrintable(QString::number(plan->weight(QStringLiteral("BTC"))->after)));

        // Again: the plan is still current and reused; still one read.
        f.now += 60000;
        reads.clear();
        auto again = f.service().evaluate();
        QVERIFY2(again.ok(), again.ok() ? "" : qPrintable(again.error().message));
        QVERIFY(again->planReused);
        QCOMPARE(again->planId, due->planId);
        QCOMPARE(reads.count(), 1);

        // The basis it was judged current by is the one a lone reader sees.
        QVERIFY(plans.checkRunnable(due->planId).ok());
    }

    void checkReusesAPlanProposedByHand()
    {
        Fixture f;
        f.setPrices(f.now, dec("50000"), dec("2500"));
        f.setHoldings(dec("0.12"), dec("1.6"));
        QVERIFY(!f.service().evaluate()->due);

        // BTC doubles; the person proposes a plan by hand before the next check.
        f.now += kDay;
        f.setPrices(f.now, dec("100000"), dec("2500"));
        ballast::services::PlanService plans(f.temp.db(), f.clock);
        auto byHand = plans.propose({}, ballast::rebalance::PlanMode(), {});
        QVERIFY2(byHand.ok(), byHand.ok() ? "" : qPrintable(byHand.error().message));

        f.now += 60000;
        auto due = f.service().evaluate();
        QVERIFY2(due.ok(), due.ok() ? "" : qPrintable(due.error().message));
        QVERIFY(due->fired);
        QVERIFY(due->due);
        QCOMPARE(due->planId, byHand->id);
        QVERIFY(due->planReused);
        QCOMPARE(due->planOrders, static_cast<int>(byHand->orders.size()));
        QCOMPARE(*plans.status(byHand->id), ballast::domain::PlanStatus::Proposed);
        QCOMPARE(plans.list()->size(), 1);
        QCOMPARE((*f.service().lastCheck())->planId, byHand->id);

        // An approved subset of it is reused as well (the newest open plan).
        auto subset = plans.approve(byHand->id, {0});
        QVERIFY2(subset.ok(), subset.ok() ? "" : qPrintable(subset.error().message));
        f.now += 60000;
        auto again = f.service().evaluate();
        QVERIFY(again.ok());
        QVERIFY(again->due);
        QVERIFY(again->planReused);
        QVERIFY(again->planId == byHand->id || again->planId == subset->id);
        QCOMPARE(*plans.status(byHand->id), ballast::domain::PlanStatus::Proposed);
        QCOMPARE(*plans.status(subset->id), ballast::domain::PlanStatus::Approved);
        const qsizetype plansBefore = plans.list()->size();

        // Once the holdings change, the plan by hand is stale: the check
        // prepares a new plan in its place.
        f.setHoldings(dec("0.13"), dec("1.6"));
        f.now += 60000;
        auto fresh = f.service().evaluate();
        QVERIFY(fresh.ok());
        QVERIFY(fresh->due);
        QVERIFY(!fresh->planReused);
        QVERIFY(fresh->planId != byHand->id && fresh->planId != subset->id);
        QCOMPARE(plans.list()->size(), plansBefore + 1);
        QCOMPARE(*plans.status(byHand->id), ballast::domain::PlanStatus::Superseded);
    }

    // A plan made before the policy last changed followed other rules: the
    // check prepares a new one instead of reusing it.
    void checkDoesNotReuseAPlanOlderThanThePolicy()
    {
        Fixture f;
        f.setPrices(f.now, dec("50000"), dec("2500"));
        f.setHoldings(dec("0.12"), dec("1.6"));
        f.now += kDay;
        f.setPrices(f.now, dec("100000"), dec("2500"));
        ballast::services::PlanService plans(f.temp.db(), f.clock);
        auto byHand = plans.propose({}, ballast::rebalance::PlanMode(), {});
        QVERIFY(byHand.ok());

        f.now += 60000;
        auto policy = f.service().load()->policy;
        policy.minTrade = dec("10");
        QVERIFY(f.service().save({}, policy).ok());
        f.now += 60000;
        auto due = f.service().evaluate();
        QVERIFY2(due.ok(), due.ok() ? "" : qPrintable(due.error().message));
        QVERIFY(due->due);
        QVERIFY(!due->planReused);
        QVERIFY(due->planId != byHand->id);
        QCOMPARE(*plans.status(byHand->id), ballast::domain::PlanStatus::Superseded);
    }

    void checkThatCannotValueChangesNothing()
    {
        Fixture f;
        f.setPrices(f.now, dec("50000"), dec("2500"));
        f.setHoldings(dec("0.12"), dec("1.6"));
        QVERIFY(ballast::services::Ledger(f.temp.db(), f.clock)
                    .setHoldings(QStringLiteral("paper"),
                                 {{0, {}, QStringLiteral("BTC"), {}, dec("0.12")},
                                  {0, {}, QStringLiteral("ETH"), {}, dec("1.6")},
                                  {0, {}, QStringLiteral("DOGE"), {}, dec("100")}})
                    .ok());
        const QByteArray before = ballast::test::contentDigest(f.temp.db());
        auto check = f.service().evaluate();
        QVERIFY(!check.ok());
        QVERIFY2(check.error().message.contains(QStringLiteral("DOGE")), qPrintable(check.error().message));
        QVERIFY(!f.service().lastCheck()->has_value());
        QCOMPARE(ballast::test::contentDigest(f.temp.db()), before);
    }

    void calendarFiresOnceAcrossTheMonthEnd()
    {
        Fixture f;
        f.setPrices(f.now, dec("50000"), dec("2500"));
        f.setHoldings(dec("0.12"), dec("1.6"));
        f.setRule("calendar:month"); // set on 2026-01-10
        for (const char *at : {"2026-01-20T00:00:00Z", "2026-01-31T23:59:59Z"}) {
            auto check = f.service().evaluate({}, ms(at));
            QVERIFY(check.ok());
            QVERIFY2(!check->fired, at);
        }
        auto fired = f.service().evaluate({}, ms("2026-02-01T00:00:00Z"));
        QVERIFY(fired.ok());
        QVERIFY(fired->fired);
        QCOMPARE(fired->why, QStringLiteral("a new month began on 2026-02-01 (the rule is calendar:month)"));
        QCOMPARE(*fired->nextCalendarAt, ms("2026-03-01T00:00:00Z"));
        auto later = f.service().evaluate({}, ms("2026-02-14T00:00:00Z"));
        QVERIFY(later.ok());
        QVERIFY(!later->fired);
    }

    // The columns after the rule: the policy's mode, minimum trade and
    // maximum turnover (0: none), and whether the live plan's trades are
    // compared with the backtest's on each bar the rule fires. They are for
    // the modes that trade from the portfolio alone; invest and withdraw
    // move cash in or out, which a backtest has not (the portfolio here has
    // no cash target, so the backtest's invest never trades while the live
    // plan invests the deposit): for them only the decisions are compared.
    void replayDecidesAsTheBacktester_data()
    {
        QTest::addColumn<QString>("rule");
        QTest::addColumn<QString>("band");
        QTest::addColumn<QString>("mode");
        QTest::addColumn<QString>("minTrade");
        QTest::addColumn<double>("maxTurnover");
        QTest::addColumn<bool>("sameTrades");
        const QString target = QStringLiteral("target");
        const QString none = QStringLiteral("0");
        QTest::newRow("calendar:month") << QStringLiteral("calendar:month") << QString() << target << none << 0.0
                                        << true;
        QTest::newRow("calendar:week") << QStringLiteral("calendar:week") << QString() << target << none << 0.0 << true;
        QTest::newRow("threshold:5pp") << QStringLiteral("threshold:5pp") << QString() << target << none << 0.0 << true;
        QTest::newRow("threshold with the policy's 10% band")
            << QStringLiteral("threshold") << QStringLiteral("10%") << target << none << 0.0 << true;
        QTest::newRow("hybrid:month,3pp")
            << QStringLiteral("hybrid:month,3pp") << QString() << target << none << 0.0 << true;
        QTest::newRow("hybrid:week with the portfolio's bands")
            << QStringLiteral("hybrid:week") << QString() << target << none << 0.0 << true;
        QTest::newRow("threshold:5pp to the band edge")
            << QStringLiteral("threshold:5pp") << QString() << QStringLiteral("band-edge") << none << 0.0 << true;
        QTest::newRow("threshold:5pp, turnover at most 1%")
            << QStringLiteral("threshold:5pp") << QString() << target << none << 0.01 << true;
        QTest::newRow("calendar:week, trades of 300 or more")
            << QStringLiteral("calendar:week") << QString() << target << QStringLiteral("300") << 0.0 << true;
        QTest::newRow("threshold:5pp, invest")
            << QStringLiteral("threshold:5pp") << QString() << QStringLiteral("invest:100") << none << 0.0 << false;
    }

    void replayDecidesAsTheBacktester()
    {
        QFETCH(QString, rule);
        QFETCH(QString, band);
        QFETCH(QString, mode);
        QFETCH(QString, minTrade);
        QFETCH(double, maxTurnover);
        QFETCH(bool, sameTrades);
        Fixture f;
        // 100 daily closes from 2026-01-01 (across three month ends), stored
        // in the ledger at each close time. The stored history is what both read.
        const int bars = 100;
        const qint64 first = ms("2026-01-01T00:00:00Z");
        Walk walk(20261203);
        double btc = 60000.0;
        double eth = 3000.0;
        QList<ballast::domain::PricePoint> points;
        for (int t = 0; t < bars; ++t) {
            const QDateTime time = QDateTime::fromMSecsSinceEpoch(first + t * kDay, QTimeZone::utc());
            points.append({QStringLiteral("BTC"), QStringLiteral("USDT"), time, *Decimal::fromDouble(btc, 2),
                           QStringLiteral("import")});
            points.append({QStringLiteral("ETH"), QStringLiteral("USDT"), time, *Decimal::fromDouble(eth, 2),
                           QStringLiteral("import")});
            btc *= std::exp(walk.step(0.06));
            eth *= std::exp(walk.step(0.08));
        }
        ballast::storage::PriceStore store(f.temp.db());
        QVERIFY(store.setPrices(points).ok());
        const auto btcHistory = *store.history(QStringLiteral("BTC"), QStringLiteral("USDT"));
        const auto ethHistory = *store.history(QStringLiteral("ETH"), QStringLiteral("USDT"));
        QCOMPARE(btcHistory.size(), bars);
        // A daily bar opens a day before its close: the backtester's bar times.
        std::vector<qint64> opens;
        std::vector<std::vector<double>> columns(2);
        for (int t = 0; t < bars; ++t) {
            opens.push_back(btcHistory[t].time.toMSecsSinceEpoch() - kDay);
            columns[0].push_back(btcHistory[t].price.toDouble());
            columns[1].push_back(ethHistory[t].price.toDouble());
        }
        auto data = ballast::backtest::BacktestData::fromColumns({QStringLiteral("BTC"), QStringLiteral("ETH")}, opens,
                                                                 columns);
        QVERIFY(data.ok());

        // The policy, set at the first close, as the live check reads it.
        f.now = first;
        RebalancePolicy policy = f.service().load()->policy;
        policy.rule = *ballast::rebalance::Trigger::parse(rule);
        if (!band.isEmpty())
            policy.band = *ballast::domain::Band::parse(band);
        policy.mode = *ballast::rebalance::PlanMode::parse(mode);
        policy.minTrade = ballast::money::dec(minTrade.toLatin1().constData());
        if (maxTurnover > 0.0)
            policy.maxTurnover = maxTurnover;
        QVERIFY(f.service().save({}, policy).ok());
        auto info = f.service().load();
        QVERIFY(info.ok());
        auto portfolio = ballast::storage::PortfolioRepo(f.temp.db()).load();

        // The backtest of "my policy", as backtest --policy builds it.
        ballast::backtest::BacktestConfig config;
        config.targets = {0.6, 0.4};
        ballast::backtest::PolicyBacktest{info->portfolio, *portfolio, info->policy}.apply(config, data->assets);
        config.feeRate = 0.0; // no fees: the ledger can follow the backtest's holdings exactly
        config.capital = 10000.0;
        auto result = ballast::backtest::Backtester::run(*data, config);
        QVERIFY(result.ok());
        QVERIFY2(result->rebalances > 0, "the history must make the rule fire");

        // The live side: the backtest's holdings in the ledger, one check at each close.
        auto quantities = [&](int t) {
            return std::pair{*Decimal::fromDouble(result->weights[static_cast<std::size_t>(t) * 2]
                                                      * result->equity[static_cast<std::size_t>(t)].value
                                                      / data->close(static_cast<std::size_t>(t), 0),
                                                  12),
                             *Decimal::fromDouble(result->weights[static_cast<std::size_t>(t) * 2 + 1]
                                                      * result->equity[static_cast<std::size_t>(t)].value
                                                      / data->close(static_cast<std::size_t>(t), 1),
                                                  12)};
        };
        auto [btc0, eth0] = quantities(0);
        f.setHoldings(btc0, eth0);
        int fired = 0;
        int compared = 0; // trades compared with a live order
        for (int t = 1; t + 1 < bars; ++t) {
            const qint64 close = btcHistory[t].time.toMSecsSinceEpoch();
            f.now = close;
            auto check = f.service().evaluate({}, close);
            QVERIFY2(check.ok(), check.ok() ? "" : qPrintable(check.error().message));
            const qint64 bar = opens[static_cast<std::size_t>(t)];
            const bool traded = std::find(result->rebalanceTimes.begin(), result->rebalanceTimes.end(), bar)
                != result->rebalanceTimes.end();
            QVERIFY2(check->fired == traded,
                     qPrintable(QStringLiteral("bar %1 (close %2): live %3, backtest %4: %5")
                                    .arg(t)
                                    .arg(btcHistory[t].time.toString(Qt::ISODate))
                                    .arg(check->fired)
                                    .arg(traded)
                                    .arg(check->why)));
            if (check->fired && sameTrades) {
                // The live plan trades what the backtest traded, within a lot
                // step and the plan's fees (the backtest has none).
                auto plan = ballast::services::PlanService(f.temp.db(), f.clock).load(check->planId);
                QVERIFY(plan.ok());
                double value = 0.0;
                for (const auto &trade : result->trades) {
                    if (trade.timeMs == bar)
                        value += std::abs(trade.value);
                }
                for (int asset = 0; asset < 2; ++asset) {
                    const QString symbol = data->assets[asset];
                    double live = 0.0;
                    for (const auto &order : plan->orders) {
                        if (order.base == symbol)
                            live += (order.side == ballast::domain::Side::Buy ? 1.0 : -1.0)
                                * (order.quantity * order.price).toDouble();
                    }
                    double backtest = 0.0;
                    for (const auto &trade : result->trades) {
                        if (trade.timeMs == bar && trade.asset == asset)
                            backtest += trade.value;
                    }
                    const double tolerance = 2.0 + 0.005 * value;
                    QVERIFY2(std::abs(live - backtest) <= tolerance,
                             qPrintable(QStringLiteral("bar %1, %2: the live plan trades %3, the backtest %4")
                                            .arg(t)
                                            .arg(symbol)
                                            .arg(live, 0, 'f', 2)
                                            .arg(backtest, 0, 'f', 2)));
                    compared += backtest != 0.0 ? 1 : 0;
                }
            }
            if (check->fired) {
                ++fired;
                // As if the plan ran: the ledger holds what the backtest holds
                // after the trade, and the plan is done with.
                QVERIFY(ballast::services::PlanService(f.temp.db(), f.clock).cancel(check->planId, {}).ok());
                auto [b, e] = quantities(t);
                f.setHoldings(b, e);
            }
        }
        QCOMPARE(fired, result->rebalances);
        if (sameTrades)
            QVERIFY2(compared > 0, "the backtest must trade for the trades to be compared");
    }
};

QTEST_GUILESS_MAIN(TestPolicyService)
#include "tst_policyservice.moc"
