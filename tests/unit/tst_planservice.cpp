// The plan lifecycle of services::PlanService: the transition table, stale
// plans, superseding, the execution lock and the claim, resumes that re-check
// their guards. A paper account in a real SQLite file; the paper exchange is
// wrapped to inject the interruption of a run.
#include "domain/planstatus.h"
#include "exchange/paperexchange.h"
#include "execution/executionlock.h"
#include "faultyexchange.h"
#include "services/ledger.h"
#include "services/planservice.h"
#include "storage/holdingsrepo.h"
#include "storage/journal.h"
#include "storage/planrepo.h"
#include "storage/pricestore.h"
#include "testsupport.h"

#include <QFileInfo>
#include <QScopeGuard>
#include <QTest>
#include <QTimeZone>

#include <unistd.h>

using ballast::domain::OrderStatus;
using ballast::domain::PlanStatus;
using ballast::execution::ExecutionLock;
using ballast::execution::ExecutionOptions;
using ballast::money::dec;
using ballast::money::Decimal;
using ballast::rebalance::RebalancePlan;
using ballast::services::PlanService;
using ballast::storage::JournalEntry;
using ballast::test::FaultyExchange;

namespace {

/// A paper portfolio out of balance (BTC, ETH, SOL, USDT), on a clock that
/// moves only when the executor sleeps.
struct Fixture
{
    ballast::test::TempDatabase temp;
    qint64 now = 1763683200000;
    qint64 accountId = 0;
    std::unique_ptr<ballast::exchange::PaperExchange> paper;
    std::unique_ptr<FaultyExchange> faulty;
    ballast::Clock clock = [this] { return now; };

    Fixture()
    {
        ballast::services::Ledger ledger(temp.db(), clock);
        QVERIFY(ledger.init(QStringLiteral("Main"), QStringLiteral("USDT")).ok());
        accountId = ledger.addAccount(QStringLiteral("paper"), QStringLiteral("paper"))->id;
        paper = std::make_unique<ballast::exchange::PaperExchange>(temp.db(), accountId, QStringLiteral("USDT"), clock);
        QVERIFY(paper->setConfig({10, 10, 5}).ok());
        faulty = std::make_unique<FaultyExchange>(*paper);
        setPrice("BTC", "50000");
        setPrice("ETH", "3000");
        setPrice("SOL", "100");
        setHoldings("0.1", "2", "10");
        QVERIFY(ledger
                    .setTargets({},
                                {{QStringLiteral("BTC"), dec("0.45"), {}},
                                 {QStringLiteral("ETH"), dec("0.45"), {}},
                                 {QStringLiteral("SOL"), dec("0.1"), {}}},
                                ballast::domain::Band{ballast::domain::Band::Kind::Absolute, 0.02})
                    .ok());
    }
    void setPrice(const char *asset, const char *price)
    {
        QVERIFY(ballast::storage::PriceStore(temp.db())
                    .setPrices(
                        {{QString::fromLatin1(asset), QStringLiteral("USDT"),
                          QDateTime::fromMSecsSinceEpoch(now, QTimeZone::utc()), dec(price), QStringLiteral("manual")}})
                    .ok());
    }
    void setHoldings(const char *btc, const char *eth, const char *sol)
    {
        QVERIFY(ballast::services::Ledger(temp.db(), clock)
                    .setHoldings(QStringLiteral("paper"),
                                 {{0, {}, QStringLiteral("BTC"), {}, dec(btc)},
                                  {0, {}, QStringLiteral("ETH"), {}, dec(eth)},
                                  {0, {}, QStringLiteral("SOL"), {}, dec(sol)},
                                  {0, {}, QStringLiteral("USDT"), {}, dec("100")}})
                    .ok());
    }
    PlanService service()
    {
        return PlanService(temp.db(), clock, [this](qint64 ms) { now += ms; });
    }
    RebalancePlan propose()
    {
        auto planned = service().propose({}, {}, {});
        if (!planned)
            qFatal("plan failed: %s", qPrintable(planned.error().message));
        return *planned;
    }
    ballast::Result<ballast::execution::ExecutionSummary> execute(const QString &planId, ExecutionOptions options = {})
    {
        options.pollIntervalMs = 10;
        return service().execute(planId, options, [this](qint64) { return faulty.get(); });
    }
    PlanStatus status(const QString &planId) { return *service().status(planId); }
    int paperOrders()
    {
        ballast::storage::Statement query(temp.db(), "SELECT count(*) FROM paper_orders");
        query.step();
        return static_cast<int>(query.int64(0));
    }
    /// The ledger equals the paper exchange, and no client id was placed twice.
    void checkLedgerEqualsExchange()
    {
        ballast::storage::Statement twice(temp.db(),
                                          "SELECT count(*) FROM (SELECT client_order_id FROM paper_orders "
                                          "GROUP BY client_order_id HAVING count(*) > 1)");
        twice.step();
        QCOMPARE(twice.int64(0), 0);
        QHash<QString, Decimal> ledger;
        for (const auto &holding : *ballast::storage::HoldingsRepo(temp.db()).listForAccount(accountId))
            ledger[holding.asset] += holding.quantity;
        for (const auto &balance : *paper->fetchBalances())
            QCOMPARE(ledger.value(balance.asset), balance.total());
    }
};

} // namespace

class TestPlanService : public QObject
{
    Q_OBJECT

private slots:
    void transitionTable_data()
    {
        QTest::addColumn<int>("from");
        QTest::addColumn<int>("to");
        QTest::addColumn<bool>("allowed");
        const QList<PlanStatus> all{PlanStatus::Proposed, PlanStatus::Approved,  PlanStatus::Executing,
                                    PlanStatus::Executed, PlanStatus::Cancelled, PlanStatus::Superseded};
        // The lifecycle as docs/execution.md draws it, written out again here.
        const QSet<QString> expected{
            QStringLiteral("proposed>approved"),   QStringLiteral("proposed>executing"),
            QStringLiteral("proposed>superseded"), QStringLiteral("proposed>cancelled"),
            QStringLiteral("approved>executing"),  QStringLiteral("approved>superseded"),
            QStringLiteral("approved>cancelled"),  QStringLiteral("executing>executed"),
            QStringLiteral("executing>cancelled"), QStringLiteral("executing>executing"),
        };
        for (const PlanStatus from : all) {
            for (const PlanStatus to : all) {
                const QString name = ballast::domain::toText(from) + QLatin1Char('>') + ballast::domain::toText(to);
                QTest::newRow(qPrintable(name))
                    << static_cast<int>(from) << static_cast<int>(to) << expected.contains(name);
            }
        }
    }
    void transitionTable()
    {
        QFETCH(int, from);
        QFETCH(int, to);
        QFETCH(bool, allowed);
        QCOMPARE(ballast::domain::canTransition(static_cast<PlanStatus>(from), static_cast<PlanStatus>(to)), allowed);
        const PlanStatus status = static_cast<PlanStatus>(from);
        QCOMPARE(ballast::domain::planStatusFromText(ballast::domain::toText(status)), std::optional(status));
    }

    void theRepositoryRefusesAChangeTheTableForbids()
    {
        Fixture f;
        const RebalancePlan plan = f.propose();
        ballast::storage::PlanRepo plans(f.temp.db());
        QVERIFY(plans.transition(plan.id, PlanStatus::Cancelled).ok());
        const auto refused = plans.transition(plan.id, PlanStatus::Executing);
        QVERIFY(!refused.ok());
        QCOMPARE(refused.error().code, QStringLiteral("plan.transition"));
        QCOMPARE(f.status(plan.id), PlanStatus::Cancelled);
    }

    void aNewProposalSupersedesTheOlderOnes()
    {
        Fixture f;
        const RebalancePlan first = f.propose();
        const RebalancePlan second = f.propose();
        QCOMPARE(f.status(first.id), PlanStatus::Superseded);
        QCOMPARE(f.status(second.id), PlanStatus::Proposed);
        const QByteArray before = ballast::test::contentDigest(f.temp.db());
        const auto refused = f.execute(first.id);
        QVERIFY(!refused.ok());
        QCOMPARE(refused.error().code, QStringLiteral("plan.superseded"));
        QCOMPARE(f.paperOrders(), 0);
        QCOMPARE(ballast::test::contentDigest(f.temp.db()), before);
        // The newer one runs, once.
        auto summary = f.execute(second.id);
        QVERIFY2(summary.ok(), qPrintable(summary.ok() ? QString() : summary.error().message));
        QVERIFY(!summary->aborted);
        QCOMPARE(f.status(second.id), PlanStatus::Executed);
        f.checkLedgerEqualsExchange();
        const auto again = f.execute(second.id);
        QVERIFY(!again.ok());
        QCOMPARE(again.error().code, QStringLiteral("plan.executed"));
    }

    // A plan made for other targets would trade toward weights the person no
    // longer wants: it never starts (and a policy check never reuses it).
    void aPlanIsStaleOnceTheTargetsChanged()
    {
        Fixture f;
        const RebalancePlan plan = f.propose();
        QVERIFY(f.service().checkRunnable(plan.id).ok());
        QVERIFY(ballast::services::Ledger(f.temp.db(), f.clock)
                    .setTargets({},
                                {{QStringLiteral("BTC"), dec("0.6"), {}},
                                 {QStringLiteral("ETH"), dec("0.3"), {}},
                                 {QStringLiteral("SOL"), dec("0.1"), {}}},
                                ballast::domain::Band{ballast::domain::Band::Kind::Absolute, 0.02})
                    .ok());
        const auto refused = f.service().checkRunnable(plan.id);
        QVERIFY(!refused.ok());
        QCOMPARE(refused.error().code, QStringLiteral("plan.stale"));
        QVERIFY2(refused.error().message.contains(
                     QStringLiteral("the targets went from BTC 0.45, ETH 0.45, SOL 0.1 to BTC 0.6, ETH 0.3, SOL 0.1")),
                 qPrintable(refused.error().message));
        // The bands did not change: nothing is said of them.
        QVERIFY2(!refused.error().message.contains(QStringLiteral("the band of")), qPrintable(refused.error().message));
        QCOMPARE(f.execute(plan.id).error().code, QStringLiteral("plan.stale"));
        QCOMPARE(f.paperOrders(), 0);
    }

    // A plan prepared by a Ballast from before one source of bands recorded
    // the portfolio's own bands (2pp) although the policy's rule named 5pp,
    // a rule migration 20 keeps on such a portfolio. After the upgrade the
    // plan's bands are 5pp: executing the old plan is refused, says which
    // bands changed and why, sends nothing, and a new plan runs.
    void aPlanMadeWithTheBandsBeforeTheUpgradeIsRefusedWithWhy()
    {
        Fixture f;
        // The rule as migration 20 leaves it on 2pp bands: carried over, never saved since.
        f.temp.db().exec("UPDATE portfolios SET policy = 'threshold:5pp'");
        f.temp.db().exec("DELETE FROM rebalance_policies");
        f.temp.db().exec("INSERT INTO rebalance_policies (portfolio_id, rule, body, updated_at) "
                         "SELECT id, 'threshold:5pp', '{}', created_at FROM portfolios");
        const RebalancePlan plan = f.propose();
        QVERIFY(f.service().checkRunnable(plan.id).ok()); // made now: with the 5pp the rule names
        // As the older Ballast stored it: its basis recorded the portfolio's own bands.
        const QString basis = ballast::storage::PlanRepo(f.temp.db()).load(plan.id)->basis;
        QVERIFY2(basis.contains(QStringLiteral("default band 5pp")), qPrintable(basis));
        QString old = basis;
        old.replace(QStringLiteral("default band 5pp"), QStringLiteral("default band 2pp"));
        ballast::storage::Statement rewrite(f.temp.db(), "UPDATE plans SET basis = ? WHERE id = ?");
        rewrite.bind(1, old).bind(2, plan.id);
        rewrite.run();

        const QByteArray before = ballast::test::contentDigest(f.temp.db());
        const auto refused = f.execute(plan.id);
        QVERIFY(!refused.ok());
        QCOMPARE(refused.error().code, QStringLiteral("plan.stale"));
        const QString message = refused.error().message;
        // What changed, why, and what to do.
        QVERIFY2(message.contains(QStringLiteral("the band of BTC went from 2pp to 5pp")), qPrintable(message));
        QVERIFY2(message.contains(QStringLiteral("the band of SOL went from 2pp to 5pp")), qPrintable(message));
        QVERIFY2(!message.contains(QStringLiteral("the targets went")), qPrintable(message));
        QVERIFY2(message.contains(QStringLiteral("names the band 5pp in its rule threshold:5pp")), qPrintable(message));
        QVERIFY2(message.contains(QStringLiteral("made by an earlier version of Ballast")), qPrintable(message));
        QVERIFY2(message.contains(QStringLiteral("nothing was sent: propose a new plan")), qPrintable(message));
        QCOMPARE(f.paperOrders(), 0);
        QVERIFY(f.service().orders(plan.id)->isEmpty());
        QCOMPARE(f.status(plan.id), PlanStatus::Proposed);
        QCOMPARE(ballast::test::contentDigest(f.temp.db()), before);

        // The policy changed after the plan was made: the reason is the policy, not an upgrade.
        f.temp.db().exec("UPDATE rebalance_policies SET updated_at = updated_at + 4000000000000");
        const QString changed = f.service().checkRunnable(plan.id).error().message;
        QVERIFY2(changed.contains(QStringLiteral("names the band 5pp")), qPrintable(changed));
        QVERIFY2(!changed.contains(QStringLiteral("earlier version")), qPrintable(changed));

        // Proposed again, the plan runs with the bands in force.
        auto replanned = f.service().replan(plan.id);
        QVERIFY2(replanned.ok(), replanned.ok() ? "" : qPrintable(replanned.error().message));
        auto summary = f.execute(replanned->id);
        QVERIFY2(summary.ok(), summary.ok() ? "" : qPrintable(summary.error().message));
        QVERIFY(!summary->aborted);
        f.checkLedgerEqualsExchange();
    }

    void aPlanIsStaleOnceItsHoldingsChanged()
    {
        Fixture f;
        const RebalancePlan plan = f.propose();
        f.setHoldings("0.2", "2", "10"); // one more tenth of a BTC (a deposit, say)
        const QByteArray before = ballast::test::contentDigest(f.temp.db());
        const auto refused = f.execute(plan.id);
        QVERIFY(!refused.ok());
        QCOMPARE(refused.error().code, QStringLiteral("plan.stale"));
        QVERIFY2(refused.error().message.contains(QStringLiteral("BTC on paper went from 0.1 to 0.2")),
                 qPrintable(refused.error().message));
        QCOMPARE(f.paperOrders(), 0);
        QCOMPARE(ballast::test::contentDigest(f.temp.db()), before);
        // A dry run is refused too: it would check orders nobody would send.
        ExecutionOptions dry;
        dry.dryRun = true;
        QCOMPARE(f.execute(plan.id, dry).error().code, QStringLiteral("plan.stale"));

        // A re-plan in one step: same mode and constraints, the holdings as they are.
        auto replanned = f.service().replan(plan.id);
        QVERIFY(replanned.ok());
        QVERIFY(replanned->id != plan.id);
        QCOMPARE(replanned->mode, plan.mode);
        QCOMPARE(f.status(plan.id), PlanStatus::Superseded);
        auto summary = f.execute(replanned->id);
        QVERIFY(summary.ok());
        QVERIFY(!summary->aborted);
        f.checkLedgerEqualsExchange();
    }

    void holdingsSetBackToTheSameValuesIsNotAChange()
    {
        Fixture f;
        const RebalancePlan plan = f.propose();
        f.setHoldings("0.1", "2", "10");
        QVERIFY(f.service().checkRunnable(plan.id).ok());
    }

    void approvingASubsetStoresAPlanOfItsOwnAndOnlyOneVersionRuns()
    {
        Fixture f;
        const RebalancePlan proposed = f.propose();
        QVERIFY(proposed.orders.size() >= 2);
        const int first = proposed.orders.first().line;
        auto subset = f.service().approve(proposed.id, {first});
        QVERIFY(subset.ok());
        QVERIFY(subset->id != proposed.id);
        QCOMPARE(subset->orders.size(), 1);
        QCOMPARE(f.status(subset->id), PlanStatus::Approved);
        QCOMPARE(f.status(proposed.id), PlanStatus::Proposed);
        // An unknown line is refused.
        QCOMPARE(f.service().approve(proposed.id, {999}).error().code, QStringLiteral("plan.approve"));

        auto summary = f.execute(subset->id);
        QVERIFY(summary.ok());
        QCOMPARE(summary->filled, 1);
        // The claim superseded the other version: the whole proposal can never run as well.
        QCOMPARE(f.status(proposed.id), PlanStatus::Superseded);
        const int orders = f.paperOrders();
        QCOMPARE(f.execute(proposed.id).error().code, QStringLiteral("plan.superseded"));
        QCOMPARE(f.paperOrders(), orders);
        f.checkLedgerEqualsExchange();
    }

    void anExecutionHoldingTheLockRefusesASecond()
    {
        Fixture f;
        const RebalancePlan plan = f.propose();
        // Another thread or process holds the database's lock (flock excludes a
        // second open file even in the same process).
        auto held = ExecutionLock::acquire(f.temp.path());
        QVERIFY(held.ok());
        const QByteArray before = ballast::test::contentDigest(f.temp.db());
        const auto refused = f.execute(plan.id);
        QVERIFY(!refused.ok());
        QCOMPARE(refused.error().code, QStringLiteral("execution.busy"));
        QVERIFY(refused.error().message.contains(QStringLiteral("nothing was sent")));
        QCOMPARE(f.paperOrders(), 0);
        QCOMPARE(ballast::test::contentDigest(f.temp.db()), before);
        QCOMPARE(f.service().reconcile([&f](qint64) { return f.faulty.get(); }).error().code,
                 QStringLiteral("execution.busy"));
        held->release();
        auto summary = f.execute(plan.id);
        QVERIFY(summary.ok());
        QVERIFY(!summary->aborted);
        f.checkLedgerEqualsExchange();
    }

    // Two executions of one ledger through two of its paths (a symbolic link,
    // a hard link, a path with "..") once took two lock files and sent every
    // order twice: every path meets the same locks now, and a plan executed
    // through a link is refused while another holds the ledger.
    void everyPathToTheLedgerMeetsTheSameLock()
    {
        QTemporaryDir locks;
        qputenv("BALLAST_LOCK_DIR", locks.path().toUtf8());
        const auto unset = qScopeGuard([] { qunsetenv("BALLAST_LOCK_DIR"); });
        Fixture f;
        const RebalancePlan plan = f.propose();
        const QString real = f.temp.path();
        const QFileInfo info(real);
        QTemporaryDir other;
        const QString symbolic = other.filePath(QStringLiteral("link.sqlite"));
        QVERIFY(QFile::link(real, symbolic));
        const QString hard = info.absolutePath() + QStringLiteral("/hard.sqlite");
        QCOMPARE(::link(QFile::encodeName(real).constData(), QFile::encodeName(hard).constData()), 0);
        const auto unlinkHard = qScopeGuard([&hard] { QFile::remove(hard); });
        const QString dotted =
            info.absolutePath() + QStringLiteral("/../") + info.dir().dirName() + QLatin1Char('/') + info.fileName();
        for (const QString &path : {symbolic, hard, dotted}) {
            auto held = ExecutionLock::acquire(path);
            QVERIFY2(held.ok(), qPrintable(path));
            const auto refused = ExecutionLock::acquire(real);
            QVERIFY2(!refused.ok(), qPrintable(path));
            QCOMPARE(refused.error().code, QStringLiteral("execution.busy"));
            // The service, which locks the path it opened, sends nothing.
            const auto execution = f.execute(plan.id);
            QVERIFY(!execution.ok());
            QCOMPARE(execution.error().code, QStringLiteral("execution.busy"));
            QCOMPARE(f.paperOrders(), 0);
        }
        auto summary = f.execute(plan.id);
        QVERIFY(summary.ok());
        f.checkLedgerEqualsExchange();
    }

    void accountLocksExcludeTheSameExchangeAccountAcrossDatabases()
    {
        QTemporaryDir locks;
        qputenv("BALLAST_LOCK_DIR", locks.path().toUtf8());
        QTemporaryDir dir;
        const QString key = QStringLiteral("binance https://api.example KEY");
        auto first = ExecutionLock::acquire(dir.filePath(QStringLiteral("a.sqlite")), {key});
        QVERIFY(first.ok());
        auto second = ExecutionLock::acquire(dir.filePath(QStringLiteral("b.sqlite")), {key});
        QVERIFY(!second.ok());
        QCOMPARE(second.error().code, QStringLiteral("execution.busy"));
        QVERIFY(second.error().message.contains(QStringLiteral("same exchange account")));
        // Another account on the second database is free.
        QVERIFY(ExecutionLock::acquire(dir.filePath(QStringLiteral("b.sqlite")), {key + QStringLiteral("2")}).ok());
        first->release();
        QVERIFY(ExecutionLock::acquire(dir.filePath(QStringLiteral("b.sqlite")), {key}).ok());
        qunsetenv("BALLAST_LOCK_DIR");
    }

    /// A run interrupted after its first order, then resumed.
    void resumeAfterPricesMovedSendsNothingAndProposesTheRest()
    {
        Fixture f;
        const RebalancePlan plan = f.propose();
        QVERIFY(plan.orders.size() >= 2);
        interruptAfterFirstOrder(f, plan);
        QCOMPARE(f.status(plan.id), PlanStatus::Executing);
        const int sent = f.paperOrders();
        QCOMPARE(sent, 1);

        // Prices halve; the resume re-checks its guards before its next order.
        f.setPrice("BTC", "25000");
        f.setPrice("ETH", "1500");
        f.setPrice("SOL", "50");
        ExecutionOptions options;
        options.maxPriceMove = 0.001;
        auto summary = f.execute(plan.id, options);
        QVERIFY(summary.ok());
        QVERIFY(summary->aborted);
        QVERIFY(summary->resumed);
        QVERIFY2(summary->abortReason.contains(QStringLiteral("moved")), qPrintable(summary->abortReason));
        QCOMPARE(f.paperOrders(), sent); // nothing more was sent
        QCOMPARE(f.status(plan.id), PlanStatus::Cancelled);
        for (const auto &entry : *ballast::storage::Journal(f.temp.db()).entries(plan.id))
            QVERIFY(entry.status == OrderStatus::Filled || entry.status == OrderStatus::Cancelled);
        // What is left is proposed again, from the ledger as it is now.
        QVERIFY(!summary->replanId.isEmpty());
        QCOMPARE(f.status(summary->replanId), PlanStatus::Proposed);
        f.checkLedgerEqualsExchange();
    }

    // A line that went out and was found never to have executed (its request
    // answered by a timeout, then "not found" past its deadline) is sent
    // again on the resume: the guards cover it as they cover the lines never
    // sent. Its price moves, the resume sends nothing and cancels it.
    void aLineToBeSentAgainIsGuardedOnTheResume()
    {
        Fixture f;
        const RebalancePlan plan = f.propose();
        QVERIFY(plan.orders.size() >= 2);
        // The second create times out before the exchange takes it, and the
        // exchange's clock cannot be read afterwards: the run leaves the line
        // unknown and stops.
        f.faulty->createFaults = {FaultyExchange::CreateFault::None, FaultyExchange::CreateFault::TimeoutBeforeAccept};
        f.faulty->onCreate = [&f](const ballast::exchange::OrderRequest &) {
            if (f.faulty->creates == 2)
                f.faulty->failingTimeReads = 1000000;
        };
        QVERIFY(f.execute(plan.id).ok());
        f.faulty->onCreate = {};
        f.faulty->failingTimeReads = 0;
        const int sent = f.paperOrders();
        QCOMPARE(sent, 1);
        QCOMPARE(f.faulty->creates, 2);
        const auto entries = *ballast::storage::Journal(f.temp.db()).entries(plan.id);
        const auto second = std::find_if(entries.cbegin(), entries.cend(), [](const JournalEntry &entry) {
            return entry.attempts == 1 && entry.status != OrderStatus::Filled;
        });
        QVERIFY(second != entries.cend());
        QCOMPARE(second->status, OrderStatus::Unknown);
        // Only that line's asset moves; the lines never sent keep their prices.
        const QString asset = second->symbol.section(u'/', 0, 0); // "BTC/USDT"
        const auto line = std::find_if(plan.orders.cbegin(), plan.orders.cend(),
                                       [&](const auto &order) { return order.line == second->line; });
        QVERIFY(line != plan.orders.cend());
        f.setPrice(asset.toLatin1().constData(), QByteArray::number(line->price.toDouble() * 0.5, 'f', 2).constData());
        ExecutionOptions options;
        options.maxPriceMove = 0.01;
        auto summary = f.execute(plan.id, options);
        QVERIFY(summary.ok());
        QVERIFY(summary->resumed);
        QVERIFY2(summary->aborted, qPrintable(summary->messages.join(u'\n')));
        QVERIFY2(summary->abortReason.contains(asset), qPrintable(summary->abortReason));
        QCOMPARE(f.paperOrders(), sent); // nothing more was sent
        QCOMPARE(f.faulty->creates, 2);
        for (const auto &entry : *ballast::storage::Journal(f.temp.db()).entries(plan.id))
            QVERIFY(entry.status == OrderStatus::Filled || entry.status == OrderStatus::Cancelled);
        f.checkLedgerEqualsExchange();
    }

    void resumeWithinTheGuardsFinishesThePlan()
    {
        Fixture f;
        const RebalancePlan plan = f.propose();
        interruptAfterFirstOrder(f, plan);
        // A newer proposal made meanwhile supersedes open proposals, not a started plan.
        const RebalancePlan newer = f.propose();
        QCOMPARE(f.status(plan.id), PlanStatus::Executing);
        auto summary = f.execute(plan.id);
        QVERIFY(summary.ok());
        QVERIFY(!summary->aborted);
        QVERIFY(summary->resumed);
        QCOMPARE(summary->filled, static_cast<int>(plan.orders.size()));
        QCOMPARE(f.status(plan.id), PlanStatus::Executed);
        f.checkLedgerEqualsExchange();
        // The proposal made before the resume planned on holdings that moved since.
        const auto stale = f.execute(newer.id);
        QCOMPARE(stale.error().code, QStringLiteral("plan.stale"));
        QVERIFY2(stale.error().message.contains(QStringLiteral("another plan was executed since")),
                 qPrintable(stale.error().message));
    }

    void cancelIsFinal()
    {
        Fixture f;
        const RebalancePlan plan = f.propose();
        auto cancelled = f.service().cancel(plan.id, [&f](qint64) { return f.faulty.get(); });
        QVERIFY(cancelled.ok());
        QCOMPARE(f.status(plan.id), PlanStatus::Cancelled);
        QCOMPARE(f.execute(plan.id).error().code, QStringLiteral("plan.cancelled"));
        QCOMPARE(f.paperOrders(), 0);
    }

    void aPlannerExceptionIsAnErrorValue()
    {
        // A price so large that valuing the holding overflows the 128-bit decimal
        // (1,000,000 BTC at 10^15): the planner's arithmetic throws, the service
        // returns an error value.
        Fixture f;
        f.setHoldings("1000000", "2", "10");
        f.setPrice("BTC", "1000000000000000");
        auto planned = f.service().propose({}, {}, {});
        QVERIFY(!planned.ok());
        QVERIFY(!planned.error().message.isEmpty());
    }

private:
    static void interruptAfterFirstOrder(Fixture &f, const RebalancePlan &plan)
    {
        // After the first order the exchange stops answering reads: the run
        // stops with the rest of the plan unsent, as a crash would leave it.
        f.faulty->afterCreate = [&f](const ballast::exchange::OrderRequest &) { f.faulty->failingReads = 1000000; };
        auto interrupted = f.execute(plan.id);
        f.faulty->afterCreate = {};
        f.faulty->failingReads = 0;
        QVERIFY(interrupted.ok());
        QVERIFY(!interrupted->messages.isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestPlanService)
#include "tst_planservice.moc"
