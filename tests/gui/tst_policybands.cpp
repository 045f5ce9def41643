// One source of bands: the half-widths the policy check decides with are the
// ones the valuation snapshot carries (Ledger::snapshot, AppContext::snapshot),
// so the dashboard's drift bars, the drift alerts and a band-edge plan read
// them too. A band named by the policy replaces the portfolio's; the default
// policy names none and everything reads the portfolio's bands. A small paper
// ledger in a real SQLite file, on a pinned clock.
#include "alerts/alertrules.h"
#include "appcontext.h"
#include "charts/driftchart.h"
#include "models/targetsmodel.h"
#include "services/ledger.h"
#include "services/planservice.h"
#include "services/policyservice.h"
#include "testsupport.h"
#include "views/dashboardview.h"
#include "views/targetsview.h"

#include <QDateTime>
#include <QLabel>
#include <QTest>
#include <QTimeZone>

#include <cmath>

using ballast::domain::Band;
using ballast::money::dec;
using ballast::money::Decimal;

namespace {

constexpr qint64 kNow = 1767960000000; // 2026-01-09T12:00:00Z

/// A paper portfolio BTC 60 / ETH 40 valued in USDT, with the bands given.
struct Fixture
{
    ballast::test::TempDatabase temp;
    ballast::Clock clock = [] { return kNow; };

    Fixture(const Band &defaultBand, std::optional<Band> btcBand)
    {
        ballast::services::Ledger ledger(temp.db(), clock);
        QVERIFY(ledger.init(QStringLiteral("Main"), QStringLiteral("USDT")).ok());
        QVERIFY(ledger.addAccount(QStringLiteral("paper"), QStringLiteral("paper")).ok());
        QVERIFY(ledger
                    .setTargets({},
                                {{QStringLiteral("BTC"), dec("0.6"), btcBand}, {QStringLiteral("ETH"), dec("0.4"), {}}},
                                defaultBand)
                    .ok());
        const QDateTime now = QDateTime::fromMSecsSinceEpoch(kNow, QTimeZone::utc());
        QVERIFY(ledger
                    .setPrices(
                        {{QStringLiteral("BTC"), QStringLiteral("USDT"), now, dec("50000"), QStringLiteral("manual")},
                         {QStringLiteral("ETH"), QStringLiteral("USDT"), now, dec("2500"), QStringLiteral("manual")}})
                    .ok());
    }
    /// BTC and ETH worth @p btcValue and 10000 - @p btcValue.
    void hold(int btcValue)
    {
        const Decimal btc = Decimal::fromInt(btcValue) / dec("50000");
        const Decimal eth = Decimal::fromInt(10000 - btcValue) / dec("2500");
        QVERIFY(ballast::services::Ledger(temp.db(), clock)
                    .setHoldings(QStringLiteral("paper"),
                                 {{0, {}, QStringLiteral("BTC"), {}, btc}, {0, {}, QStringLiteral("ETH"), {}, eth}})
                    .ok());
    }
    ballast::services::PolicyService policies() { return ballast::services::PolicyService(temp.db(), clock); }
};

/// The half-width of @p asset's band in @p snapshot; -1 when it is not there.
double halfWidthOf(const ballast::rebalance::Snapshot &snapshot, const QString &asset)
{
    const auto *position = snapshot.position(asset);
    return position ? position->band.halfWidth(position->target) : -1.0;
}

/// The assets the drift alerts name, sorted.
QStringList driftAlerts(ballast::storage::Database &db)
{
    auto conditions = ballast::ui::evaluateAlerts(db, {}, kNow);
    if (!conditions)
        qFatal("alerts failed: %s", qPrintable(conditions.error().message));
    QStringList assets;
    for (const auto &condition : std::as_const(*conditions)) {
        if (condition.key.startsWith(QStringLiteral("drift:")))
            assets.append(condition.key.mid(6));
    }
    assets.sort();
    return assets;
}

/// The drift bars of a dashboard shown on @p context, by asset: {lower, upper, outside}.
struct BarBand
{
    double lower = 0.0;
    double upper = 0.0;
    bool outside = false;
};
QHash<QString, BarBand> dashboardBars(ballast::ui::AppContext &context)
{
    ballast::ui::DashboardView dashboard(context);
    dashboard.resize(1000, 700);
    dashboard.show();
    if (!QTest::qWaitForWindowExposed(&dashboard))
        qFatal("the dashboard was not shown");
    QHash<QString, BarBand> bars;
    if (!QTest::qWaitFor([&] { return dashboard.driftChart()->bars().size() == 2; }, 30000))
        return bars;
    for (const auto &bar : dashboard.driftChart()->bars())
        bars.insert(bar.asset, BarBand{bar.lower, bar.upper, bar.outside});
    return bars;
}

/// What the Targets page's Band column shows for @p asset: its text and the band in force.
struct BandCell
{
    QString text;
    QString inForce;
    QString tip;
};
BandCell bandCell(const ballast::ui::TargetsView &page, const QString &asset)
{
    const ballast::ui::TargetsModel *model = page.model();
    const int row = model->rowOf(asset);
    if (row < 0)
        qFatal("%s is not on the Targets page", qPrintable(asset));
    const QModelIndex index = model->index(row, ballast::ui::TargetsModel::Band);
    return BandCell{index.data(Qt::DisplayRole).toString(),
                    index.data(ballast::ui::TargetsModel::BandInForceRole).toString(),
                    index.data(Qt::ToolTipRole).toString()};
}

/// The half-width of the band the Targets page says is in force for @p asset at @p target.
double pageHalfWidth(const ballast::ui::TargetsView &page, const QString &asset, double target)
{
    auto band = Band::parse(bandCell(page, asset).inForce);
    return band ? band->halfWidth(target) : -1.0;
}

} // namespace

class TestPolicyBands : public QObject
{
    Q_OBJECT

private slots:
    // The policy's band of 10pp on a portfolio whose bands are 5pp: the check,
    // the snapshot, the drift bars, the alerts and a band-edge plan all read 10pp.
    void policyBandReplacesThePortfoliosEverywhere()
    {
        Fixture f(Band{Band::Kind::Absolute, 0.05}, std::nullopt);
        auto policy = f.policies().load()->policy;
        policy.band = Band{Band::Kind::Absolute, 0.10};
        policy.mode.kind = ballast::rebalance::PlanMode::Kind::BandEdge;
        QVERIFY(f.policies().save({}, policy).ok());

        // 67.5 / 32.5: 7.5pp off, outside 5pp but inside 10pp.
        f.hold(6750);
        auto calm = f.policies().evaluate();
        QVERIFY2(calm.ok(), calm.ok() ? "" : qPrintable(calm.error().message));
        QVERIFY(!calm->fired);
        QVERIFY(calm->outside.isEmpty());
        auto snapshot = ballast::services::Ledger(f.temp.db(), f.clock).snapshot();
        QVERIFY(snapshot.ok());
        QCOMPARE(halfWidthOf(*snapshot, QStringLiteral("BTC")), 0.10);
        QCOMPARE(halfWidthOf(*snapshot, QStringLiteral("ETH")), 0.10);
        QVERIFY(!snapshot->position(QStringLiteral("BTC"))->outsideBand());
        QCOMPARE(driftAlerts(f.temp.db()), QStringList());

        ballast::ui::AppContext context(f.temp.db(), f.temp.path(), f.clock);
        auto shown = context.snapshot();
        QVERIFY(shown.ok());
        QCOMPARE(halfWidthOf(*shown, QStringLiteral("BTC")), 0.10);

        // 75 / 25: 15pp off, outside 10pp. The check's plan aims at the edge
        // of 10pp: a tenth of the half-width inside it, 69%.
        f.hold(7500);
        auto due = f.policies().evaluate();
        QVERIFY2(due.ok(), due.ok() ? "" : qPrintable(due.error().message));
        QVERIFY(due->fired);
        QCOMPARE(due->outside.size(), 2);
        QCOMPARE(due->outside.first().halfWidth, 0.10);
        QVERIFY2(due->why.contains(QStringLiteral("+/-10.00pp")), qPrintable(due->why));
        auto plan = ballast::services::PlanService(f.temp.db(), f.clock).load(due->planId);
        QVERIFY2(plan.ok(), plan.ok() ? "" : qPrintable(plan.error().message));
        const auto *btc = plan->weight(QStringLiteral("BTC"));
        QVERIFY(btc);
        QCOMPARE(btc->halfWidth, 0.10);
        QVERIFY2(std::abs(btc->after - 0.69) < 0.005, qPrintable(QString::number(btc->after)));
        QCOMPARE(driftAlerts(f.temp.db()), (QStringList{QStringLiteral("BTC"), QStringLiteral("ETH")}));

        const auto bars = dashboardBars(context);
        QCOMPARE(bars.size(), 2);
        QCOMPARE(bars.value(QStringLiteral("BTC")).upper, 0.10);
        QCOMPARE(bars.value(QStringLiteral("BTC")).lower, -0.10);
        QVERIFY(bars.value(QStringLiteral("BTC")).outside);
    }

    // The default policy of a fresh portfolio names no band: the check, the
    // snapshot, the drift bars, the alerts and a band-edge plan read the
    // portfolio's own (BTC's 3pp, the default 8pp for ETH).
    void defaultPolicyReadsThePortfoliosBands()
    {
        Fixture f(Band{Band::Kind::Absolute, 0.08}, Band{Band::Kind::Absolute, 0.03});
        auto info = f.policies().load();
        QVERIFY(info.ok());
        QCOMPARE(info->policy.rule.toString(), QStringLiteral("threshold"));
        QVERIFY(!info->policy.namedBand());

        // 67.5 / 32.5: BTC 7.5pp off its band of 3pp; ETH inside its 8pp.
        f.hold(6750);
        auto check = f.policies().evaluate();
        QVERIFY2(check.ok(), check.ok() ? "" : qPrintable(check.error().message));
        QVERIFY(check->fired);
        QCOMPARE(check->outside.size(), 1);
        QCOMPARE(check->outside.first().asset, QStringLiteral("BTC"));
        QCOMPARE(check->outside.first().halfWidth, 0.03);
        auto snapshot = ballast::services::Ledger(f.temp.db(), f.clock).snapshot();
        QVERIFY(snapshot.ok());
        QCOMPARE(halfWidthOf(*snapshot, QStringLiteral("BTC")), 0.03);
        QCOMPARE(halfWidthOf(*snapshot, QStringLiteral("ETH")), 0.08);
        QCOMPARE(driftAlerts(f.temp.db()), QStringList{QStringLiteral("BTC")});

        auto plan =
            ballast::services::PlanService(f.temp.db(), f.clock)
                .propose({}, ballast::rebalance::PlanMode{ballast::rebalance::PlanMode::Kind::BandEdge, {}}, {});
        QVERIFY2(plan.ok(), plan.ok() ? "" : qPrintable(plan.error().message));
        const auto *btc = plan->weight(QStringLiteral("BTC"));
        QVERIFY(btc);
        QCOMPARE(btc->halfWidth, 0.03);
        QVERIFY2(std::abs(btc->after - 0.627) < 0.005, qPrintable(QString::number(btc->after)));

        ballast::ui::AppContext context(f.temp.db(), f.temp.path(), f.clock);
        const auto bars = dashboardBars(context);
        QCOMPARE(bars.size(), 2);
        QCOMPARE(bars.value(QStringLiteral("BTC")).upper, 0.03);
        QCOMPARE(bars.value(QStringLiteral("ETH")).upper, 0.08);
        QVERIFY(bars.value(QStringLiteral("BTC")).outside);
        QVERIFY(!bars.value(QStringLiteral("ETH")).outside);
    }

    // The Targets page's Band column shows the band the check, the snapshot
    // (and so the drift bars) and the plans use, and says where it comes
    // from: the portfolio's own bands while the policy names none, the
    // policy's band where it names one, an excluded asset's own band marked
    // excluded. The typed bands stay what is edited and stored.
    void targetsPageShowsTheBandInForce()
    {
        Fixture f(Band{Band::Kind::Absolute, 0.08}, Band{Band::Kind::Absolute, 0.03});
        f.hold(6750); // BTC 67.5 % against 60 %, ETH 32.5 % against 40 %: both 7.5pp off
        ballast::ui::AppContext context(f.temp.db(), f.temp.path(), f.clock);
        ballast::ui::TargetsView page(context);
        page.resize(1000, 700);
        page.show();
        QVERIFY(QTest::qWaitForWindowExposed(&page));
        const QString btc = QStringLiteral("BTC");
        const QString eth = QStringLiteral("ETH");
        // Every asset of the page agrees with the snapshot the drift bars read.
        auto agreesWithSnapshot = [&] {
            auto snapshot = context.snapshot();
            QVERIFY(snapshot.ok());
            QCOMPARE(pageHalfWidth(page, btc, 0.6), halfWidthOf(*snapshot, btc));
            QCOMPARE(pageHalfWidth(page, eth, 0.4), halfWidthOf(*snapshot, eth));
        };

        // The default policy names no band: the portfolio's own.
        QCOMPARE(bandCell(page, btc).text, QStringLiteral("3pp"));
        QCOMPARE(bandCell(page, btc).inForce, QStringLiteral("3pp"));
        QCOMPARE(bandCell(page, eth).text, QStringLiteral("default (8pp)"));
        QCOMPARE(bandCell(page, eth).inForce, QStringLiteral("8pp"));
        QVERIFY(!page.bandSourceLabel()->isVisible());
        agreesWithSnapshot();
        auto check = f.policies().evaluate();
        QVERIFY2(check.ok(), check.ok() ? "" : qPrintable(check.error().message));
        QCOMPARE(check->outside.size(), 1); // BTC outside 3pp; ETH inside 8pp
        QCOMPARE(check->outside.first().halfWidth, pageHalfWidth(page, btc, 0.6));

        // The policy's band of 10pp replaces both: the page says so.
        auto policy = f.policies().load()->policy;
        policy.band = Band{Band::Kind::Absolute, 0.10};
        QVERIFY(f.policies().save({}, policy).ok());
        context.notifyLedgerChanged(); // as the policy editor does after saving
        QCOMPARE(bandCell(page, btc).text, QStringLiteral("policy 10pp"));
        QCOMPARE(bandCell(page, eth).text, QStringLiteral("policy 10pp"));
        QCOMPARE(bandCell(page, btc).inForce, QStringLiteral("10pp"));
        QVERIFY2(bandCell(page, btc).tip.contains(QStringLiteral("10pp")), qPrintable(bandCell(page, btc).tip));
        QVERIFY(page.bandSourceLabel()->isVisible());
        QVERIFY2(page.bandSourceLabel()->text().contains(QStringLiteral("10pp")),
                 qPrintable(page.bandSourceLabel()->text()));
        agreesWithSnapshot();
        check = f.policies().evaluate();
        QVERIFY2(check.ok(), check.ok() ? "" : qPrintable(check.error().message));
        QVERIFY(check->outside.isEmpty()); // 7.5pp off is inside 10pp, as the page says
        // What is edited and stored is still the typed band.
        const QModelIndex btcBand = page.model()->index(page.model()->rowOf(btc), ballast::ui::TargetsModel::Band);
        QCOMPARE(btcBand.data(Qt::EditRole).toString(), QStringLiteral("3pp"));
        QVERIFY(!page.isDirty());

        // The rule's own band, and ETH excluded: ETH keeps its own band on
        // screen (never a reason to rebalance), BTC reads the rule's 4pp.
        policy.rule = *ballast::rebalance::Trigger::parse(QStringLiteral("threshold:4pp"));
        policy.excluded = QStringList{eth};
        QVERIFY(f.policies().save({}, policy).ok());
        context.notifyLedgerChanged();
        QCOMPARE(bandCell(page, btc).text, QStringLiteral("policy 4pp"));
        QVERIFY2(bandCell(page, btc).tip.contains(QStringLiteral("threshold:4pp")),
                 qPrintable(bandCell(page, btc).tip));
        QCOMPARE(bandCell(page, eth).text, QStringLiteral("default (8pp), excluded"));
        QCOMPARE(bandCell(page, eth).inForce, QStringLiteral("8pp"));
        QVERIFY2(page.bandSourceLabel()->text().contains(QStringLiteral("threshold:4pp")),
                 qPrintable(page.bandSourceLabel()->text()));
        agreesWithSnapshot();
        check = f.policies().evaluate();
        QVERIFY2(check.ok(), check.ok() ? "" : qPrintable(check.error().message));
        QCOMPARE(check->outside.size(), 1);
        QCOMPARE(check->outside.first().asset, btc);
        QCOMPARE(check->outside.first().halfWidth, pageHalfWidth(page, btc, 0.6));

        // Back to no named band: the typed bands again.
        policy.rule = ballast::rebalance::Trigger::threshold();
        policy.band.reset();
        policy.excluded.clear();
        QVERIFY(f.policies().save({}, policy).ok());
        context.notifyLedgerChanged();
        QCOMPARE(bandCell(page, btc).text, QStringLiteral("3pp"));
        QCOMPARE(bandCell(page, eth).text, QStringLiteral("default (8pp)"));
        QVERIFY(!page.bandSourceLabel()->isVisible());
        agreesWithSnapshot();
    }
};

QTEST_MAIN(TestPolicyBands)
#include "tst_policybands.moc"
