// The rebalance page end to end on the demo ledger's paper exchange: propose,
// untick, confirm, execute on the worker thread, summary, cancel, exports.
#include "appcontext.h"
#include "dialogs/executionconfirmdialog.h"
#include "dialogs/executionsummarydialog.h"
#include "execution/executioncontroller.h"
#include "io/csvwriter.h"
#include "io/exports.h"
#include "models/planmodel.h"
#include "models/skippedlinesmodel.h"
#include "rebalance/planapproval.h"
#include "services/demoportfolio.h"
#include "services/executionworker.h"
#include "services/ledger.h"
#include "services/planservice.h"
#include "storage/journal.h"
#include "storage/planrepo.h"
#include "testsupport.h"
#include "views/rebalanceview.h"

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QFile>
#include <QMessageBox>
#include <QPushButton>
#include <QSemaphore>
#include <QSignalSpy>
#include <QTableView>
#include <QTest>

#include <atomic>
#include <chrono>
#include <memory>
#include <thread>

using ballast::domain::OrderStatus;
using ballast::domain::Side;
using ballast::money::Decimal;
using ballast::storage::Journal;
using ballast::storage::JournalEntry;
using ballast::storage::PlanRepo;
using ballast::ui::AppContext;
using ballast::ui::PlanModel;
using ballast::ui::RebalanceView;

namespace {

/// The demo ledger with its paper holdings pushed outside their bands: SOL
/// tripled, ETH and LINK cut, so that the plan sells and buys.
void pushOutsideBands(ballast::storage::Database &db)
{
    ballast::services::Ledger ledger(db);
    auto snapshot = ledger.snapshot();
    QVERIFY(snapshot.ok());
    QList<ballast::domain::Holding> paper;
    for (const auto &position : snapshot->positions()) {
        for (auto holding : position.split) {
            if (holding.accountName != QLatin1String("paper"))
                continue;
            if (holding.asset == QLatin1String("SOL"))
                holding.quantity = holding.quantity * Decimal::fromInt(3);
            else if (holding.asset == QLatin1String("ETH") || holding.asset == QLatin1String("LINK"))
                holding.quantity = (holding.quantity / Decimal::fromInt(3)).rounded(8);
            paper.append(holding);
        }
    }
    QVERIFY(ledger.setHoldings(QStringLiteral("paper"), paper).ok());
    auto pushed = ledger.snapshot();
    QVERIFY(pushed.ok());
    int outside = 0;
    for (const auto &position : pushed->positions())
        outside += position.outsideBand() ? 1 : 0;
    QVERIFY2(outside >= 2, "the demo should now be outside its bands");
}

QPushButton *button(QWidget &view, const char *name)
{
    auto *found = view.findChild<QPushButton *>(QString::fromLatin1(name));
    if (!found)
        qFatal("no button %s", name);
    return found;
}

/// Accepts the confirmation the page opened, after checking it lists the approved lines.
void confirm(RebalanceView &view, const QList<int> &expectedLines)
{
    QTRY_VERIFY_WITH_TIMEOUT(view.confirmDialog() != nullptr, 60000);
    auto *dialog = view.confirmDialog();
    QVERIFY(dialog->isVisible());
    QVERIFY(!dialog->realMoney());
    QList<int> listed;
    for (const auto &order : dialog->plan().orders)
        listed.append(order.line);
    QCOMPARE(listed, expectedLines);
    QTest::mouseClick(dialog->sendButton(), Qt::LeftButton);
}

/// A demo ledger pushed outside its bands, its Rebalance page shown, and a plan proposed.
struct ProposedPage
{
    ProposedPage()
    {
        QVERIFY(ballast::services::DemoPortfolio::create(temp.db(), ballast::systemClock()).ok());
        pushOutsideBands(temp.db());
        context = std::make_unique<AppContext>(temp.db(), temp.path());
        view = std::make_unique<RebalanceView>(*context);
        view->show();
        QVERIFY(QTest::qWaitForWindowExposed(view.get()));
        QVERIFY(view->propose());
        plan = view->planModel()->plan();
    }

    ballast::test::TempDatabase temp;
    std::unique_ptr<AppContext> context;
    std::unique_ptr<RebalanceView> view;
    ballast::rebalance::RebalancePlan plan;
};

/// Holds the worker, in its own thread, once its first order is final, until
/// @p gate is released: what the test does meanwhile happens before the next
/// order, not by luck of timing.
QMetaObject::Connection holdAfterFirstOrder(RebalanceView &view, std::atomic_bool &reached, QSemaphore &gate)
{
    return QObject::connect(
        view.controller()->worker(), &ballast::services::ExecutionWorker::orderProgress, view.controller()->worker(),
        [&reached, &gate](const ballast::execution::OrderProgress &progress) {
            if (!reached.load() && ballast::domain::isFinal(progress.status)) {
                reached.store(true);
                gate.tryAcquire(1, 20000);
            }
        },
        Qt::DirectConnection);
}

} // namespace

class TestRebalanceView : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase() { qputenv("BALLAST_NO_KEYCHAIN", "1"); }

    void modelsPassTheModelTester()
    {
        ballast::test::TempDatabase temp;
        QVERIFY(ballast::services::DemoPortfolio::create(temp.db(), ballast::systemClock()).ok());
        pushOutsideBands(temp.db());
        auto plan = ballast::services::PlanService(temp.db()).propose({}, {}, {});
        QVERIFY(plan.ok());
        QVERIFY(plan->orders.size() >= 3);

        PlanModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        ballast::ui::SkippedLinesModel skipped;
        QAbstractItemModelTester skippedTester(&skipped, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setPlan(*plan);
        skipped.setPlan(*plan);
        QCOMPARE(model.rowCount(), plan->orders.size());
        QCOMPARE(skipped.rowCount(), plan->skipped.size());
        QVERIFY(model.allApproved());

        // Unticking moves the weights after and the totals to the approved lines only.
        const int row = static_cast<int>(plan->orders.size()) - 1;
        const auto &order = plan->orders.at(row);
        const QModelIndex tick = model.index(row, PlanModel::Approve);
        QVERIFY(model.flags(tick).testFlag(Qt::ItemIsUserCheckable));
        QVERIFY(model.setData(tick, Qt::Unchecked, Qt::CheckStateRole));
        QCOMPARE(model.data(tick, Qt::CheckStateRole).toInt(), static_cast<int>(Qt::Unchecked));
        QCOMPARE(model.approvedPlan().orders.size(), plan->orders.size() - 1);
        const auto *before = plan->weight(order.base);
        const auto *after = model.approvedPlan().weight(order.base);
        QVERIFY(before && after);
        // The line left out no longer moves its asset: it stays nearer where it was.
        QVERIFY(std::abs(after->after - before->before) < std::abs(before->after - before->before));
        QVERIFY(model.approvedPlan().feesTotal < plan->feesTotal);
        QCOMPARE(model.data(model.index(row, PlanModel::Status)).toString(), QStringLiteral("Not approved"));
        // Exact values for export.
        QCOMPARE(model.data(model.index(0, PlanModel::Quantity), ballast::ui::ExportRole).toString(),
                 plan->orders.first().quantity.toString());

        // Locked: no more ticking.
        model.setLocked(true);
        QVERIFY(!model.flags(tick).testFlag(Qt::ItemIsUserCheckable));
        QVERIFY(!model.setData(tick, Qt::Checked, Qt::CheckStateRole));

        // Progress of a line shows in its row.
        model.beginExecution({plan->orders.first().line});
        ballast::execution::OrderProgress progress;
        progress.line = plan->orders.first().line;
        progress.status = OrderStatus::Filled;
        progress.quantity = plan->orders.first().quantity;
        progress.filledQuantity = progress.quantity;
        progress.filledQuote = plan->orders.first().notional;
        model.applyProgress(progress);
        QCOMPARE(model.data(model.index(0, PlanModel::Status)).toString(), QStringLiteral("Filled"));
        QCOMPARE(model.data(model.index(row, PlanModel::Status)).toString(), QStringLiteral("Not sent (not approved)"));
        model.clear();
        skipped.clear();
        QCOMPARE(model.rowCount(), 0);
    }

    void approvedLinesOnlyAreExecuted()
    {
        ballast::test::TempDatabase temp;
        QVERIFY(ballast::services::DemoPortfolio::create(temp.db(), ballast::systemClock()).ok());
        pushOutsideBands(temp.db());
        AppContext context(temp.db(), temp.path());
        QSignalSpy ledgerChanged(&context, &AppContext::ledgerChanged);
        QSignalSpy alerts(&context, &AppContext::alertRaised);
        RebalanceView view(context);
        view.resize(1200, 800);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));

        QTest::mouseClick(button(view, "proposeButton"), Qt::LeftButton);
        PlanModel *model = view.planModel();
        QVERIFY(model->hasPlan());
        const auto proposed = model->plan();
        QVERIFY2(proposed.orders.size() >= 3, qPrintable(QString::number(proposed.orders.size())));
        QCOMPARE(*PlanRepo(temp.db()).status(proposed.id), ballast::domain::PlanStatus::Proposed);

        // Untick the last buy with the keyboard, as a person would.
        int row = -1;
        for (int i = 0; i < proposed.orders.size(); ++i) {
            if (proposed.orders.at(i).side == Side::Buy)
                row = i;
        }
        QVERIFY(row >= 0);
        const int unticked = proposed.orders.at(row).line;
        auto *table = view.findChild<QTableView *>(QStringLiteral("planTable"));
        QVERIFY(table);
        table->setFocus();
        table->setCurrentIndex(model->index(row, PlanModel::Approve));
        QTest::keyClick(table, Qt::Key_Space);
        QVERIFY(!model->approvedLines().contains(unticked));
        QList<int> approved;
        for (const auto &order : proposed.orders) {
            if (order.line != unticked)
                approved.append(order.line);
        }

        QTest::mouseClick(button(view, "executeButton"), Qt::LeftButton);
        confirm(view, approved);
        QVERIFY(context.isExecuting());
        QVERIFY(!button(view, "proposeButton")->isEnabled());
        QTRY_VERIFY_WITH_TIMEOUT(view.summaryDialog() != nullptr, 60000);
        QVERIFY(!context.isExecuting());
        QVERIFY(ledgerChanged.count() >= 1);

        // The approved subset ran under its own id; the proposal can no longer run.
        const QString executed = view.executedPlanId();
        QVERIFY(executed != proposed.id);
        QCOMPARE(*PlanRepo(temp.db()).status(proposed.id), ballast::domain::PlanStatus::Superseded);
        QCOMPARE(*PlanRepo(temp.db()).status(executed), ballast::domain::PlanStatus::Executed);
        Journal journal(temp.db());
        QVERIFY(journal.entries(proposed.id)->isEmpty());
        const QList<JournalEntry> entries = *journal.entries(executed);
        QCOMPARE(entries.size(), approved.size());
        QList<int> sent;
        int filled = 0;
        for (const auto &entry : entries) {
            sent.append(entry.line);
            QCOMPARE(domain_status(entry), QStringLiteral("filled"));
            filled += entry.status == OrderStatus::Filled ? 1 : 0;
        }
        std::sort(sent.begin(), sent.end());
        QCOMPARE(sent, approved);
        QVERIFY(!journal.entry(ballast::services::PlanService(temp.db()).load(executed)->clientOrderId(unticked))
                     ->has_value());
        QVERIFY(!journal.entry(proposed.clientOrderId(unticked))->has_value());

        // The table shows what happened.
        for (int i = 0; i < proposed.orders.size(); ++i) {
            const QString status = model->data(model->index(i, PlanModel::Status)).toString();
            QCOMPARE(status, i == row ? QStringLiteral("Not sent (not approved)") : QStringLiteral("Filled"));
        }

        // The summary agrees with the journal.
        auto *summary = view.summaryDialog();
        QCOMPARE(summary->summary().filled, filled);
        QCOMPARE(summary->summary().rejected, 0);
        QCOMPARE(summary->summary().cancelledOrders, 0);
        QCOMPARE(summary->summary().orders.size(), approved.size());
        QMap<QString, Decimal> journalFees;
        for (const auto &entry : entries) {
            for (const auto &fill : *journal.fills(entry.clientOrderId))
                journalFees[fill.feeAsset] += fill.fee;
        }
        QVERIFY(!journalFees.isEmpty());
        QCOMPARE(summary->feesPaid(), journalFees);

        // Every asset that traded is back inside its band.
        auto after = context.snapshot();
        QVERIFY(after.ok());
        const auto executedPlan = ballast::services::PlanService(temp.db()).load(executed);
        QVERIFY(executedPlan.ok());
        for (const auto &order : executedPlan->orders) {
            const auto *position = after->position(order.base);
            QVERIFY(position);
            QVERIFY2(!position->outsideBand(), qPrintable(order.base));
            QVERIFY(!summary->outsideBand().contains(order.base));
        }
        for (const auto &alert : alerts)
            QVERIFY(alert.first().value<ballast::ui::Alert>().kind != ballast::ui::Alert::Kind::Execution);

        // Exports: the trades exactly as ballast-cli writes them, the plan with exact amounts.
        QList<std::pair<QString, ballast::domain::Fill>> rows;
        for (const auto &fill : *journal.allFills())
            rows.append({fill.account, fill.fill});
        QVERIFY(!rows.isEmpty());
        const QByteArray expected = ballast::io::CsvWriter::format(ballast::io::Exports::trades(rows));
        bool foundTrades = false;
        bool foundPlan = false;
        for (const auto &target : view.exportTargets()) {
            const QString path = temp.dir() + QLatin1Char('/') + target.fileName;
            QVERIFY(target.write(path).ok());
            QFile file(path);
            QVERIFY(file.open(QIODevice::ReadOnly));
            const QByteArray written = file.readAll();
            if (target.fileName == QLatin1String("trades.csv")) {
                foundTrades = true;
                QCOMPARE(written, expected);
            } else if (target.fileName == QStringLiteral("plan-%1.csv").arg(proposed.id)) {
                foundPlan = true;
                const QList<QByteArray> lines = written.trimmed().split('\n');
                QCOMPARE(lines.size(), proposed.orders.size() + 1);
                QVERIFY(written.contains(proposed.orders.first().quantity.toString().toUtf8()));
            }
        }
        QVERIFY(foundTrades);
        QVERIFY(foundPlan);
    }

    void cancelStopsBeforeTheNextOrder()
    {
        ProposedPage page;
        if (QTest::currentTestFailed())
            return;
        auto &temp = page.temp;
        auto &context = *page.context;
        auto &view = *page.view;
        const auto plan = view.planModel()->plan();
        QVERIFY(plan.orders.size() >= 3);

        // Hold the worker right after its first order is final, until Cancel was pressed:
        // the stop must then come before the next order, not by luck of timing.
        std::atomic_bool reached{false};
        QSemaphore gate;
        auto held = holdAfterFirstOrder(view, reached, gate);

        QTest::mouseClick(button(view, "executeButton"), Qt::LeftButton);
        QList<int> all;
        for (const auto &order : plan.orders)
            all.append(order.line);
        confirm(view, all);
        QTRY_VERIFY_WITH_TIMEOUT(reached.load(), 30000);
        QVERIFY(button(view, "cancelButton")->isEnabled());
        QTest::mouseClick(button(view, "cancelButton"), Qt::LeftButton);
        gate.release();
        QTRY_VERIFY_WITH_TIMEOUT(view.summaryDialog() != nullptr, 60000);
        disconnect(held);

        const auto &summary = view.summaryDialog()->summary();
        QVERIFY(summary.cancelled);
        const QList<JournalEntry> entries = *Journal(temp.db()).entries(plan.id);
        QCOMPARE(entries.size(), plan.orders.size());
        int sentCount = 0;
        for (const auto &entry : entries) {
            if (entry.attempts > 0) {
                ++sentCount;
                QCOMPARE(entry.line, plan.orders.first().line);
                QCOMPARE(entry.status, OrderStatus::Filled);
            } else {
                QCOMPARE(entry.status, OrderStatus::Cancelled);
            }
        }
        QCOMPARE(sentCount, 1);
        QCOMPARE(summary.filled, 1);
        QCOMPARE(summary.cancelledOrders, static_cast<int>(plan.orders.size()) - 1);
        QCOMPARE(*PlanRepo(temp.db()).status(plan.id), ballast::domain::PlanStatus::Cancelled);
        QVERIFY(!context.isExecuting());
    }

    void dryRunSendsNothing()
    {
        ProposedPage page;
        if (QTest::currentTestFailed())
            return;
        auto &temp = page.temp;
        auto &view = *page.view;
        const auto plan = view.planModel()->plan();
        const QByteArray before = ballast::test::contentDigest(temp.db());
        auto *dryRun = view.findChild<QAbstractButton *>(QStringLiteral("dryRunCheck"));
        QVERIFY(dryRun);
        dryRun->setChecked(true);
        QTest::mouseClick(button(view, "executeButton"), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(view.confirmDialog() != nullptr, 60000);
        QVERIFY(view.confirmDialog()->dryRun());
        QTest::mouseClick(view.confirmDialog()->sendButton(), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(view.summaryDialog() != nullptr, 60000);
        QVERIFY(view.summaryDialog()->summary().dryRun);
        QCOMPARE(view.summaryDialog()->summary().orders.size(), plan.orders.size());
        QVERIFY(Journal(temp.db()).entries(plan.id)->isEmpty());
        QCOMPARE(ballast::test::contentDigest(temp.db()), before);
        // Still proposed: it can be executed for real afterwards.
        QCOMPARE(*PlanRepo(temp.db()).status(plan.id), ballast::domain::PlanStatus::Proposed);
        QVERIFY(button(view, "executeButton")->isEnabled());
    }

    void aDryRunSubsetCannotRunAfterTheWholePlan()
    {
        ProposedPage page;
        if (QTest::currentTestFailed())
            return;
        auto &temp = page.temp;
        auto &view = *page.view;
        const auto proposed = view.planModel()->plan();
        QVERIFY(proposed.orders.size() >= 2);

        // A dry run of a subset stores that subset ...
        view.planModel()->setApproved(proposed.orders.last().line, false);
        auto *dryRun = view.findChild<QAbstractButton *>(QStringLiteral("dryRunCheck"));
        dryRun->setChecked(true);
        QTest::mouseClick(button(view, "executeButton"), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(view.confirmDialog() != nullptr, 60000);
        const QString subset = view.confirmDialog()->plan().id;
        QVERIFY(subset != proposed.id);
        QTest::mouseClick(view.confirmDialog()->sendButton(), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(view.summaryDialog() != nullptr, 60000);
        view.summaryDialog()->close();
        QCOMPARE(*PlanRepo(temp.db()).status(subset), ballast::domain::PlanStatus::Approved);

        // ... and running the whole proposal for real retires it, so its
        // orders can never go out a second time under the subset's ids.
        view.planModel()->setApproved(proposed.orders.last().line, true);
        dryRun->setChecked(false);
        QTRY_VERIFY_WITH_TIMEOUT(button(view, "executeButton")->isEnabled(), 60000);
        QTest::mouseClick(button(view, "executeButton"), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(view.confirmDialog() != nullptr, 60000);
        QCOMPARE(view.confirmDialog()->plan().id, proposed.id);
        QTest::mouseClick(view.confirmDialog()->sendButton(), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(!view.controller()->isBusy() && view.executedPlanId() == proposed.id, 60000);
        QCOMPARE(*PlanRepo(temp.db()).status(proposed.id), ballast::domain::PlanStatus::Executed);
        QCOMPARE(*PlanRepo(temp.db()).status(subset), ballast::domain::PlanStatus::Superseded);
        auto stored = ballast::services::PlanService(temp.db()).load(subset);
        QVERIFY(stored.ok());
        ballast::execution::Executor executor(
            temp.db(), [](qint64) -> ballast::exchange::Exchange * { return nullptr; }, ballast::systemClock());
        auto refused = executor.execute(*stored, {});
        QVERIFY(!refused.ok());
        QCOMPARE(refused.error().code, QStringLiteral("plan.superseded"));
        QVERIFY(Journal(temp.db()).entries(subset)->isEmpty());
    }

    void aStalePlanIsRefusedAndReplannedInOneStep()
    {
        ProposedPage page;
        if (QTest::currentTestFailed())
            return;
        auto &temp = page.temp;
        auto &view = *page.view;
        const auto stale = view.planModel()->plan();
        // The cold wallet gains a BTC after the plan was made (holdings set elsewhere).
        QVERIFY(ballast::services::Ledger(temp.db())
                    .setHoldings(QStringLiteral("cold-wallet"),
                                 {{0, {}, QStringLiteral("BTC"), {}, ballast::money::dec("1.2345")}})
                    .ok());
        const QByteArray before = ballast::test::contentDigest(temp.db());
        QTest::mouseClick(button(view, "executeButton"), Qt::LeftButton);
        // No confirmation: the plan is refused before anything is asked or sent.
        QVERIFY(view.confirmDialog() == nullptr);
        QTRY_VERIFY_WITH_TIMEOUT(view.staleDialog() != nullptr, 60000);
        QVERIFY2(view.staleDialog()->informativeText().contains(QStringLiteral("BTC on cold-wallet")),
                 qPrintable(view.staleDialog()->informativeText()));
        QCOMPARE(ballast::test::contentDigest(temp.db()), before);
        QVERIFY(Journal(temp.db()).entries(stale.id)->isEmpty());

        auto *replan = view.staleDialog()->findChild<QPushButton *>(QStringLiteral("replanButton"));
        QVERIFY(replan);
        QTest::mouseClick(replan, Qt::LeftButton);
        const auto fresh = view.planModel()->plan();
        QVERIFY(fresh.id != stale.id);
        QCOMPARE(fresh.mode, stale.mode);
        QCOMPARE(*PlanRepo(temp.db()).status(stale.id), ballast::domain::PlanStatus::Superseded);
        QCOMPARE(*PlanRepo(temp.db()).status(fresh.id), ballast::domain::PlanStatus::Proposed);
        QTRY_VERIFY_WITH_TIMEOUT(button(view, "executeButton")->isEnabled(), 60000);
    }

    void closingDuringAnExecutionStopsIt()
    {
        ProposedPage page;
        if (QTest::currentTestFailed())
            return;
        const auto &plan = page.plan;
        QVERIFY(plan.orders.size() >= 3);

        // The worker is held after its first order while the page goes away.
        std::atomic_bool reached{false};
        QSemaphore gate;
        holdAfterFirstOrder(*page.view, reached, gate);
        QTest::mouseClick(button(*page.view, "executeButton"), Qt::LeftButton);
        QList<int> all;
        for (const auto &order : plan.orders)
            all.append(order.line);
        confirm(*page.view, all);
        QTRY_VERIFY_WITH_TIMEOUT(reached.load(), 30000);
        QVERIFY(page.context->isExecuting());
        // The page's destructor waits for the worker; let it go a moment later.
        std::thread release([&gate] {
            std::this_thread::sleep_for(std::chrono::milliseconds(200));
            gate.release();
        });
        page.view.reset();
        release.join();

        QVERIFY(!page.context->isExecuting());
        int sent = 0;
        for (const auto &entry : *Journal(page.temp.db()).entries(plan.id))
            sent += entry.attempts > 0 ? 1 : 0;
        QCOMPARE(sent, 1); // stopped before the next order
    }

    void noExecutionWhileASyncOrImportWrites()
    {
        ProposedPage page;
        if (QTest::currentTestFailed())
            return;
        auto &context = *page.context;
        auto &view = *page.view;
        QVERIFY(button(view, "executeButton")->isEnabled());
        context.beginBackgroundWrite(QStringLiteral("An account sync is running"));
        QVERIFY(!button(view, "executeButton")->isEnabled());
        view.execute();
        QVERIFY(view.confirmDialog() == nullptr);
        context.endBackgroundWrite();
        QVERIFY(button(view, "executeButton")->isEnabled());
    }

private:
    static QString domain_status(const JournalEntry &entry) { return ballast::domain::toText(entry.status); }
};

QTEST_MAIN(TestRebalanceView)
#include "tst_rebalanceview.moc"
