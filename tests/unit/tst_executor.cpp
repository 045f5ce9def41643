#include "exchange/paperexchange.h"
#include "execution/executor.h"
#include "faultyexchange.h"
#include "services/ledger.h"
#include "services/planservice.h"
#include "storage/holdingsrepo.h"
#include "storage/journal.h"
#include "storage/planrepo.h"
#include "storage/portfoliorepo.h"
#include "storage/pricestore.h"
#include "testsupport.h"

#include <QTest>
#include <QTimeZone>

using ballast::domain::OrderStatus;
using ballast::domain::Side;
using ballast::execution::ExecutionOptions;
using ballast::execution::Executor;
using ballast::money::dec;
using ballast::money::Decimal;
using ballast::rebalance::RebalancePlan;
using ballast::storage::JournalEntry;
using ballast::test::FaultyExchange;
using CreateFault = FaultyExchange::CreateFault;

namespace {

/// A paper portfolio 50/50 BTC/ETH after ETH rose 20 %, on a clock that only
/// moves when the executor sleeps, so that deadlines pass instantly.
struct Fixture
{
    ballast::test::TempDatabase temp;
    qint64 now = 1763683200000;
    qint64 accountId = 0;
    std::unique_ptr<ballast::exchange::PaperExchange> paper;
    std::unique_ptr<FaultyExchange> faulty;
    ballast::Clock clock = [this] { return now; };

    explicit Fixture(int slippageBps = 5)
    {
        ballast::services::Ledger ledger(temp.db(), clock);
        QVERIFY(ledger.init(QStringLiteral("Main"), QStringLiteral("USDT")).ok());
        accountId = ledger.addAccount(QStringLiteral("paper"), QStringLiteral("paper"))->id;
        paper = std::make_unique<ballast::exchange::PaperExchange>(temp.db(), accountId, QStringLiteral("USDT"), clock);
        QVERIFY(paper->setConfig({10, 10, slippageBps}).ok());
        faulty = std::make_unique<FaultyExchange>(*paper);
        setPrice("BTC", "50000");
        setPrice("ETH", "3000");
        setPrice("SOL", "100");
        QVERIFY(ledger
                    .setHoldings(QStringLiteral("paper"),
                                 {{0, {}, QStringLiteral("BTC"), {}, dec("0.1")},
                                  {0, {}, QStringLiteral("ETH"), {}, dec("2")},
                                  {0, {}, QStringLiteral("SOL"), {}, dec("10")},
                                  {0, {}, QStringLiteral("USDT"), {}, dec("100")}})
                    .ok());
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
    RebalancePlan plan()
    {
        auto planned = ballast::services::PlanService(temp.db(), clock).propose({}, {}, {});
        if (!planned)
            qFatal("plan failed: %s", qPrintable(planned.error().message));
        return *planned;
    }
    Executor executor()
    {
        return Executor(
            temp.db(), [this](qint64) { return faulty.get(); }, clock, [this](qint64 ms) { now += ms; });
    }
    QList<JournalEntry> journal(const QString &planId) { return *ballast::storage::Journal(temp.db()).entries(planId); }
    int paperOrders(const QString &clientOrderId)
    {
        ballast::storage::Statement query(temp.db(), "SELECT count(*) FROM paper_orders WHERE client_order_id = ?");
        query.bind(1, clientOrderId);
        query.step();
        return static_cast<int>(query.int64(0));
    }
    /// The invariants of every execution: no order twice, no fill lost, and the
    /// ledger equal to the exchange's balances.
    void checkInvariants(const RebalancePlan &plan)
    {
        for (const auto &order : plan.orders)
            QVERIFY2(paperOrders(plan.clientOrderId(order.line)) <= 1, qPrintable(plan.clientOrderId(order.line)));
        ballast::storage::Statement exchangeFills(temp.db(), "SELECT count(*) FROM paper_fills");
        exchangeFills.step();
        ballast::storage::Statement journalFills(temp.db(), "SELECT count(*) FROM fills");
        journalFills.step();
        QCOMPARE(journalFills.int64(0), exchangeFills.int64(0));
        QHash<QString, Decimal> ledger;
        for (const auto &holding : *ballast::storage::HoldingsRepo(temp.db()).listForAccount(accountId))
            ledger[holding.asset] += holding.quantity;
        for (const auto &balance : *paper->fetchBalances())
            QCOMPARE(ledger.value(balance.asset), balance.total());
        QCOMPARE(temp.db().scalar("PRAGMA integrity_check"), QStringLiteral("ok"));
    }
};

} // namespace

class TestExecutor : public QObject
{
    Q_OBJECT

private slots:
    void executesSellsFirstAndLandsInsideBands()
    {
        Fixture f;
        const RebalancePlan plan = f.plan();
        QVERIFY(plan.orders.size() >= 2);
        QList<Side> sent;
        f.faulty->afterCreate = [&](const ballast::exchange::OrderRequest &request) { sent.append(request.side); };
        auto summary = f.executor().execute(plan, {});
        QVERIFY2(summary.ok(), summary.ok() ? "" : qPrintable(summary.error().message));
        QCOMPARE(summary->filled, plan.orders.size());
        QCOMPARE(summary->rejected, 0);
        QVERIFY(
            std::is_sorted(sent.begin(), sent.end(), [](Side a, Side b) { return a == Side::Sell && b == Side::Buy; }));
        for (const JournalEntry &entry : f.journal(plan.id)) {
            QCOMPARE(entry.status, OrderStatus::Filled);
            QVERIFY(!entry.exchangeOrderId.isEmpty());
        }
        f.checkInvariants(plan);
        auto after = ballast::services::Ledger(f.temp.db(), f.clock).snapshot();
        QVERIFY(after.ok());
        for (const auto &position : after->positions())
            QVERIFY2(!position.outsideBand(), qPrintable(position.asset));
        QCOMPARE(*ballast::storage::PlanRepo(f.temp.db()).status(plan.id), ballast::domain::PlanStatus::Executed);
    }

    void buysAreResizedToWhatTheSellsRaised()
    {
        Fixture f(80); // 0.8 % slippage: the sells raise less than planned
        const RebalancePlan plan = f.plan();
        auto summary = f.executor().execute(plan, {});
        QVERIFY(summary.ok());
        QCOMPARE(summary->rejected, 0); // no buy ran out of cash
        bool resized = false;
        for (const JournalEntry &entry : f.journal(plan.id)) {
            if (entry.side == Side::Buy && entry.reason.startsWith(QStringLiteral("re-sized")))
                resized = true;
        }
        QVERIFY(resized);
        for (const auto &balance : *f.paper->fetchBalances())
            QVERIFY(!balance.free.isNegative());
        f.checkInvariants(plan);
    }

    void abortsWhenPricesMovedSinceThePlan()
    {
        Fixture f;
        const RebalancePlan plan = f.plan();
        f.now += 60000;
        f.setPrice("ETH", "3100"); // +3.3 %
        const QByteArray before = ballast::test::contentDigest(f.temp.db());
        auto summary = f.executor().execute(plan, {});
        QVERIFY(summary.ok());
        QVERIFY(summary->aborted);
        QVERIFY(summary->abortReason.contains(QStringLiteral("ETH/USDT moved 3.33%")));
        QCOMPARE(f.faulty->creates, 0);
        QCOMPARE(ballast::test::contentDigest(f.temp.db()), before);
        ExecutionOptions looser;
        looser.maxPriceMove = 0.05;
        QVERIFY(!f.executor().execute(plan, looser)->aborted);
    }

    void abortsAboveTheMaximumNotional()
    {
        Fixture f;
        const RebalancePlan plan = f.plan();
        ExecutionOptions options;
        options.maxNotional = dec("10");
        auto summary = f.executor().execute(plan, options);
        QVERIFY(summary->aborted);
        QVERIFY(summary->abortReason.contains(QStringLiteral("above the limit of 10.00 USDT")));
        QCOMPARE(f.faulty->creates, 0);
    }

    void dryRunValidatesAndChangesNothing()
    {
        Fixture f;
        const RebalancePlan plan = f.plan();
        const QByteArray before = ballast::test::contentDigest(f.temp.db());
        ExecutionOptions options;
        options.dryRun = true;
        auto summary = f.executor().execute(plan, options);
        QVERIFY(summary.ok());
        QCOMPARE(summary->orders.size(), plan.orders.size());
        QCOMPARE(summary->rejected, 0);
        QCOMPARE(f.faulty->creates, 0);
        QCOMPARE(ballast::test::contentDigest(f.temp.db()), before);
    }

    void unknownOutcomesAreSettledWithoutDuplicates_data()
    {
        QTest::addColumn<int>("fault");
        QTest::addColumn<int>("hidden");
        QTest::addColumn<int>("expectedCreates");
        QTest::addColumn<bool>("slowAnswer");
        QTest::newRow("timeout before accept: resent after its deadline")
            << int(CreateFault::TimeoutBeforeAccept) << 0 << 2 << false;
        QTest::newRow("timeout after accept: found, not resent")
            << int(CreateFault::TimeoutAfterAccept) << 0 << 1 << false;
        QTest::newRow("accepted but seen only after a while")
            << int(CreateFault::TimeoutAfterAccept) << 1 << 1 << false;
        // The answer (a timeout) comes only after the deadline, so every lookup
        // is past it, and the exchange shows the order only at the third: two
        // quick "not found" answers must not send it again.
        QTest::newRow("accepted, answered late, hidden from two lookups")
            << int(CreateFault::TimeoutAfterAccept) << 2 << 1 << true;
        QTest::newRow("not accepted, answered late: resent after three lookups")
            << int(CreateFault::TimeoutBeforeAccept) << 0 << 2 << true;
        QTest::newRow("server error before accept") << int(CreateFault::ServerError) << 0 << 2 << false;
        QTest::newRow("rate limited") << int(CreateFault::RateLimited) << 0 << 2 << false;
    }

    void unknownOutcomesAreSettledWithoutDuplicates()
    {
        QFETCH(int, fault);
        QFETCH(int, hidden);
        QFETCH(int, expectedCreates);
        QFETCH(bool, slowAnswer);
        Fixture f;
        const RebalancePlan plan = f.plan();
        f.faulty->createFaults = {static_cast<CreateFault>(fault)};
        f.faulty->hiddenLookups = hidden;
        if (slowAnswer) {
            f.faulty->onCreate = [&f](const ballast::exchange::OrderRequest &request) {
                if (f.faulty->creates == 1)
                    f.now = request.deadlineMs + 60000; // the first answer a minute after the deadline
            };
        }
        auto summary = f.executor().execute(plan, {});
        QVERIFY(summary.ok());
        QCOMPARE(summary->filled, plan.orders.size());
        QCOMPARE(f.faulty->creates, plan.orders.size() - 1 + expectedCreates);
        const JournalEntry first = f.journal(plan.id).first();
        QCOMPARE(first.attempts, expectedCreates);
        QCOMPARE(f.paperOrders(first.clientOrderId), 1);
        f.checkInvariants(plan);
    }

    // A lookup's "not found" says the order never executed only against the
    // exchange's own clock. While that clock cannot be read, the local one
    // (here long past the deadline) does not stand in for it: it may run
    // ahead while the order waits in the exchange's queue. The order is not
    // sent again; it stays unknown, for reconciliation to settle.
    void withoutTheExchangeClockANotFoundSendsNothingAgain()
    {
        Fixture f;
        const RebalancePlan plan = f.plan();
        f.faulty->createFaults = {CreateFault::TimeoutAfterAccept};
        f.faulty->hiddenLookups = 1000; // accepted, but no lookup sees it
        f.faulty->onCreate = [&f](const ballast::exchange::OrderRequest &request) {
            if (f.faulty->creates == 1) {
                f.now = request.deadlineMs + 60000; // the answer a minute after the deadline
                f.faulty->failingTimeReads = 1000;
            }
        };
        auto summary = f.executor().execute(plan, {});
        QVERIFY(summary.ok());
        const JournalEntry first = f.journal(plan.id).first();
        QCOMPARE(first.attempts, 1);
        QCOMPARE(first.status, OrderStatus::Unknown);
        QCOMPARE(f.paperOrders(first.clientOrderId), 1);
        QVERIFY2(summary->messages.join(u'\n').contains(QStringLiteral("no answer to the exchange time")),
                 qPrintable(summary->messages.join(u'\n')));
    }

    void flakyReadsAreRetried()
    {
        Fixture f;
        const RebalancePlan plan = f.plan();
        f.faulty->createFaults = {CreateFault::TimeoutAfterAccept};
        auto executor = f.executor();
        f.faulty->failingReads = 0;
        f.faulty->afterCreate = [&](const ballast::exchange::OrderRequest &) { f.faulty->failingReads = 3; };
        auto summary = executor.execute(plan, {});
        QVERIFY(summary.ok());
        QCOMPARE(summary->filled, plan.orders.size());
        f.checkInvariants(plan);
    }

    void tradesReadFailuresAreRetried()
    {
        // A 5xx on the trades read of every order, three times: retried with
        // backoff, every fill recorded, the run complete.
        Fixture f;
        const RebalancePlan plan = f.plan();
        f.faulty->afterCreate = [&](const ballast::exchange::OrderRequest &) { f.faulty->failingFillReads = 3; };
        auto summary = f.executor().execute(plan, {});
        QVERIFY(summary.ok());
        QCOMPARE(summary->filled, plan.orders.size());
        QCOMPARE(summary->fillsPending, 0);
        QVERIFY(summary->complete());
        QVERIFY(summary->nextStep().isEmpty());
        f.checkInvariants(plan);
    }

    void tradesReadDownLeavesFillsPendingAndReconcileCompletesThem()
    {
        // The trades endpoint stays down for the whole run: every line is
        // still sent (the orders' states are known), none counts as filled,
        // the summary says fills are pending and what to run.
        Fixture f;
        const RebalancePlan plan = f.plan();
        f.faulty->failingFillReads = 1000000;
        auto summary = f.executor().execute(plan, {});
        QVERIFY(summary.ok());
        QCOMPARE(summary->filled, 0);
        QCOMPARE(summary->fillsPending, plan.orders.size());
        QCOMPARE(summary->notSent, 0);
        QVERIFY(!summary->complete());
        QVERIFY2(summary->oneLine().contains(QStringLiteral("fills pending")), qPrintable(summary->oneLine()));
        QVERIFY2(summary->nextStep().contains(QStringLiteral("ballast-cli reconcile")),
                 qPrintable(summary->nextStep()));
        for (const JournalEntry &entry : f.journal(plan.id))
            QVERIFY2(entry.status != OrderStatus::Planned, qPrintable(entry.clientOrderId));
        ballast::storage::Statement recorded(f.temp.db(), "SELECT count(*) FROM fills");
        recorded.step();
        QCOMPARE(recorded.int64(0), 0);
        // Reconcile while it is still down: nothing settled, and it says so.
        auto stillDown = f.executor().reconcile({});
        QVERIFY(stillDown.ok());
        QCOMPARE(stillDown->fillsPending, plan.orders.size());
        // Back up: reconciliation records every fill, once.
        f.faulty->failingFillReads = 0;
        auto reconciled = f.executor().reconcile({});
        QVERIFY(reconciled.ok());
        QCOMPARE(reconciled->fillsPending, 0);
        QCOMPARE(reconciled->fillsAdded, plan.orders.size());
        auto again = f.executor().reconcile({});
        QVERIFY(again.ok());
        QCOMPARE(again->fillsAdded, 0);
        f.checkInvariants(plan);
    }

    void lateFillsAfterAnUnknownOutcomeArePolledUntilTheyAddUp()
    {
        // The create times out after the exchange accepted it, lookups do not
        // see the order for a while, and its trades show up only later.
        Fixture f;
        const RebalancePlan plan = f.plan();
        f.faulty->createFaults = {CreateFault::TimeoutAfterAccept};
        f.faulty->hiddenLookups = 2;
        f.faulty->laggingFillReads = 4;
        auto summary = f.executor().execute(plan, {});
        QVERIFY(summary.ok());
        QCOMPARE(summary->filled, plan.orders.size());
        QCOMPARE(summary->fillsPending, 0);
        QVERIFY(summary->complete());
        f.checkInvariants(plan);
    }

    void fillsThatDoNotAddUpAreNotCountedAsFilled()
    {
        Fixture f;
        const RebalancePlan plan = f.plan();
        f.faulty->laggingFillReads = 1000000;
        ExecutionOptions options;
        options.fillWaitMs = 2000;
        auto summary = f.executor().execute(plan, options);
        QVERIFY(summary.ok());
        QCOMPARE(summary->filled, 0);
        QCOMPARE(summary->fillsPending, plan.orders.size());
        QVERIFY(!summary->complete());
        f.faulty->laggingFillReads = 0;
        auto reconciled = f.executor().reconcile({});
        QVERIFY(reconciled.ok());
        QCOMPARE(reconciled->fillsPending, 0);
        f.checkInvariants(plan);
    }

    void aFillAtOrBeforeTheSyncWatermarkIsStoredButNotApplied()
    {
        Fixture f;
        ballast::storage::Journal journal(f.temp.db());
        auto holding = [&](const char *asset) {
            Decimal total;
            for (const auto &row : *ballast::storage::HoldingsRepo(f.temp.db()).listForAccount(f.accountId)) {
                if (row.asset == QLatin1String(asset))
                    total += row.quantity;
            }
            return total;
        };
        const Decimal btc = holding("BTC");
        const Decimal usdt = holding("USDT");
        QCOMPARE(*journal.watermark(f.accountId), 0);
        QVERIFY(journal.setWatermark(f.accountId, 1700000001000, f.now).ok());
        QCOMPARE(*journal.watermark(f.accountId), 1700000001000);
        ballast::domain::Fill early;
        early.tradeId = QStringLiteral("T1");
        early.clientOrderId = QStringLiteral("P0000000000A-1");
        early.exchangeOrderId = QStringLiteral("7");
        early.symbol = QStringLiteral("BTC/USDT");
        early.side = Side::Buy;
        early.quantity = dec("0.01");
        early.price = dec("50000.123");
        early.fee = dec("0.5");
        early.feeAsset = QStringLiteral("USDT");
        early.time = QDateTime::fromMSecsSinceEpoch(1700000001000, QTimeZone::utc()); // at the watermark
        early.quoteQuantity = dec("500.00"); // the exchange's rounding, not 500.00123
        // In the synced balances already: stored once, holdings unchanged.
        QVERIFY(*journal.recordFill(f.accountId, early));
        QCOMPARE(holding("BTC"), btc);
        QCOMPARE(holding("USDT"), usdt);
        QVERIFY(!*journal.recordFill(f.accountId, early)); // known: never twice
        // After the watermark: applied, by the exchange's quote amount.
        ballast::domain::Fill late = early;
        late.tradeId = QStringLiteral("T2");
        late.time = late.time.addMSecs(1);
        QVERIFY(*journal.recordFill(f.accountId, late));
        QVERIFY(!*journal.recordFill(f.accountId, late));
        QCOMPARE(holding("BTC"), btc + dec("0.01"));
        QCOMPARE(holding("USDT"), usdt - dec("500.5"));
        ballast::storage::Statement rows(f.temp.db(),
                                         "SELECT trade_id, applied, quote_quantity FROM fills ORDER BY trade_id");
        QVERIFY(rows.step());
        QCOMPARE(rows.text(0), QStringLiteral("T1"));
        QCOMPARE(rows.int64(1), 0);
        QVERIFY(rows.step());
        QCOMPARE(rows.text(0), QStringLiteral("T2"));
        QCOMPARE(rows.int64(1), 1);
        QCOMPARE(*Decimal::parse(rows.text(2)), dec("500"));
        QVERIFY(!rows.step());
        auto stored = journal.fills(QStringLiteral("P0000000000A-1"));
        QCOMPARE(stored->size(), 2);
        QCOMPARE(stored->at(1).quoteQuantity, dec("500"));
    }

    void aStoppedRunIsNotComplete()
    {
        // Lines left planned after an error are not a success; a cancel by
        // the person is.
        ballast::execution::ExecutionSummary summary;
        summary.planId = QStringLiteral("P0123456789A");
        summary.notSent = 2;
        summary.failure = QStringLiteral("network error");
        QVERIFY(!summary.complete());
        QVERIFY2(summary.nextStep().contains(QStringLiteral("ballast-cli reconcile")), qPrintable(summary.nextStep()));
        QVERIFY(summary.nextStep().contains(QStringLiteral("ballast-cli execute P0123456789A")));
        summary.cancelled = true;
        summary.failure.clear();
        QVERIFY(summary.complete());
    }

    void reconcileAdoptsOrRevertsInFlightOrders()
    {
        Fixture f;
        const RebalancePlan plan = f.plan();
        // As if the process died: intents written, the first order marked
        // submitting and really placed, the second marked submitting and lost.
        ballast::storage::Journal journal(f.temp.db());
        QList<JournalEntry> intents;
        for (const auto &order : plan.orders) {
            JournalEntry entry;
            entry.clientOrderId = plan.clientOrderId(order.line);
            entry.planId = plan.id;
            entry.line = order.line;
            entry.accountId = order.accountId;
            entry.symbol = order.symbol;
            entry.side = order.side;
            entry.type = order.type;
            entry.quantity = order.quantity;
            entry.price = order.price;
            intents.append(entry);
        }
        QVERIFY(journal.addIntents(intents, f.now).ok());
        JournalEntry placed = intents.at(0);
        placed.status = OrderStatus::Submitting;
        placed.attempts = 1;
        placed.deadlineMs = f.now + 10000;
        QVERIFY(journal.update(placed, QStringLiteral("test"), f.now).ok());
        QVERIFY(
            f.paper
                ->createOrder({placed.symbol, placed.side, placed.type, placed.quantity, {}, placed.clientOrderId, 0})
                .ok());
        JournalEntry lost = intents.at(1);
        lost.status = OrderStatus::Submitting;
        lost.attempts = 1;
        lost.deadlineMs = f.now + 10000;
        QVERIFY(journal.update(lost, QStringLiteral("test"), f.now).ok());

        auto report = f.executor().reconcile();
        QVERIFY(report.ok());
        QCOMPARE(report->adopted, 1);
        QCOMPARE(report->notFound, 1);
        QCOMPARE(report->fillsAdded, 1);
        QCOMPARE((*journal.entry(placed.clientOrderId))->status, OrderStatus::Filled);
        QCOMPARE((*journal.entry(lost.clientOrderId))->status, OrderStatus::Planned);

        // Resuming sends what never executed, and nothing twice.
        auto summary = f.executor().execute(plan, {});
        QVERIFY(summary.ok());
        QCOMPARE(summary->filled, plan.orders.size());
        QCOMPARE(f.paperOrders(placed.clientOrderId), 1);
        QCOMPARE(f.paperOrders(lost.clientOrderId), 1);
        f.checkInvariants(plan);
    }

    void cancelStopsBeforeTheNextOrder()
    {
        Fixture f;
        const RebalancePlan plan = f.plan();
        std::atomic_bool cancel{false};
        f.faulty->afterCreate = [&](const ballast::exchange::OrderRequest &) { cancel.store(true); };
        auto summary = f.executor().execute(plan, {}, {}, &cancel);
        QVERIFY(summary.ok());
        QVERIFY(summary->cancelled);
        QCOMPARE(f.faulty->creates, 1);
        QCOMPARE(summary->filled, 1);
        QCOMPARE(summary->cancelledOrders, plan.orders.size() - 1);
        f.checkInvariants(plan);
        QCOMPARE(*ballast::storage::PlanRepo(f.temp.db()).status(plan.id), ballast::domain::PlanStatus::Cancelled);
    }

    void rejectionsAreFinalAndOthersGoOn()
    {
        Fixture f;
        const RebalancePlan plan = f.plan();
        // Someone empties the ETH balance between planning and execution.
        QVERIFY(f.paper->setBalances({{QStringLiteral("ETH"), Decimal(), {}}}).ok());
        auto summary = f.executor().execute(plan, {});
        QVERIFY(summary.ok());
        QVERIFY(summary->rejected >= 1);
        bool found = false;
        for (const JournalEntry &entry : f.journal(plan.id)) {
            if (entry.symbol == QLatin1String("ETH/USDT") && entry.side == Side::Sell) {
                QCOMPARE(entry.status, OrderStatus::Rejected);
                QVERIFY(entry.reason.contains(QStringLiteral("insufficient balance")));
                found = true;
            }
        }
        QVERIFY(found);
    }

    void aSupersededPlanNeverRuns()
    {
        Fixture f;
        const RebalancePlan plan = f.plan();
        QVERIFY(
            ballast::storage::PlanRepo(f.temp.db()).transition(plan.id, ballast::domain::PlanStatus::Superseded).ok());
        for (const bool dryRun : {false, true}) {
            ballast::execution::ExecutionOptions options;
            options.dryRun = dryRun;
            auto refused = f.executor().execute(plan, options);
            QVERIFY(!refused.ok());
            QCOMPARE(refused.error().code, QStringLiteral("plan.superseded"));
        }
        QCOMPARE(f.faulty->creates, 0);
        QVERIFY(f.journal(plan.id).isEmpty());
    }

    void executingTwiceSendsNothingTwice()
    {
        Fixture f;
        const RebalancePlan plan = f.plan();
        QVERIFY(f.executor().execute(plan, {}).ok());
        const int creates = f.faulty->creates;
        auto again = f.executor().execute(plan, {});
        QVERIFY(!again.ok());
        QCOMPARE(again.error().code, QStringLiteral("plan.executed"));
        QCOMPARE(f.faulty->creates, creates);
        f.checkInvariants(plan);
    }
};

QTEST_GUILESS_MAIN(TestExecutor)
#include "tst_executor.moc"
