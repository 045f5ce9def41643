// The rebalancing policy in the desktop app, on real SQLite files: the
// editor on the Targets page (saved whole or not at all, problems beside
// their fields, undoable), the dashboard's rule line and "Rebalance due"
// banner whose button opens the prepared plan (nothing sent until Execute),
// a check at a calendar boundary driven with a clock the test sets, the
// periodic read-only sync with its back-off against the fake Binance over
// loopback, and the Backtest page's "My policy" against ballast-cli's
// `backtest --policy` on the same database.
#include "appcontext.h"
#include "backtest/backtestrunner.h"
#include "clirunner.h"
#include "dialogs/executionconfirmdialog.h"
#include "dialogs/importdialog.h"
#include "execution/executioncontroller.h"
#include "fakebinance.h"
#include "mainwindow.h"
#include "models/accountsmodel.h"
#include "models/backtestrunsmodel.h"
#include "models/planmodel.h"
#include "policy/policymonitor.h"
#include "security/keystore.h"
#include "services/demoportfolio.h"
#include "services/ledger.h"
#include "services/ledgerqueries.h"
#include "services/planservice.h"
#include "services/policyservice.h"
#include "testsupport.h"
#include "views/accountsview.h"
#include "views/backtestview.h"
#include "views/dashboardview.h"
#include "views/policyeditor.h"
#include "views/rebalanceview.h"
#include "views/targetsview.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDateEdit>
#include <QDir>
#include <QFrame>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QTimeZone>
#include <QUndoStack>

#include <atomic>
#include <memory>

using namespace ballast;
using money::dec;
using money::Decimal;

namespace {

qint64 utc(int year, int month, int day, int hour = 0, int minute = 0, int second = 0)
{
    return QDateTime(QDate(year, month, day), QTime(hour, minute, second), QTimeZone::utc()).toMSecsSinceEpoch();
}

/// A clock the test moves; read from the worker threads too.
struct TestClock
{
    std::shared_ptr<std::atomic<qint64>> now = std::make_shared<std::atomic<qint64>>(0);
    [[nodiscard]] Clock clock() const
    {
        return [now = now] { return now->load(); };
    }
    void set(qint64 ms) const { now->store(ms); }
};

template<typename T>
T *child(QWidget &parent, const QString &name)
{
    auto *found = parent.findChild<T *>(name);
    if (!found)
        qFatal("no child %s", qPrintable(name));
    return found;
}

/// Types @p text into @p edit as a person would and leaves the field (editingFinished).
void type(QLineEdit *edit, const QString &text)
{
    edit->setFocus();
    edit->selectAll();
    QTest::keyClick(edit, Qt::Key_Delete);
    QTest::keyClicks(edit, text);
    QTest::keyClick(edit, Qt::Key_Return);
}

/// Chooses the item with @p data in @p box as a person would (activated).
void choose(QComboBox *box, const QString &data)
{
    const int index = box->findData(data);
    QVERIFY2(index >= 0, qPrintable(data));
    box->setCurrentIndex(index);
    emit box->activated(index);
}

/// The demo's paper holdings pushed outside their bands (SOL tripled, ETH and LINK cut).
void pushOutsideBands(storage::Database &db, const Clock &clock)
{
    services::Ledger ledger(db, clock);
    auto snapshot = ledger.snapshot();
    QVERIFY(snapshot.ok());
    QList<domain::Holding> paper;
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
}

QString passphrase()
{
    return QStringLiteral("correct horse battery staple");
}

} // namespace

class TestPolicyGui : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        qputenv("BALLAST_NO_KEYCHAIN", "1");
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("BallastTest"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_policygui"));
        QSettings().clear();
    }

    void editorSavesAndRefusesBadInputBesideTheField()
    {
        test::TempDatabase temp;
        TestClock clock;
        clock.set(utc(2026, 1, 15, 12));
        QVERIFY(services::DemoPortfolio::create(temp.db(), clock.clock()).ok());
        ui::AppContext context(temp.db(), temp.path(), clock.clock());
        ui::TargetsView page(context);
        page.resize(1000, 760);
        page.showTab(1);
        page.show();
        QVERIFY(QTest::qWaitForWindowExposed(&page));
        ui::PolicyEditor *editor = page.policyEditor();
        const auto before = services::PolicyService(temp.db()).load();
        QVERIFY(before.ok());
        QVERIFY(!editor->isDirty());

        // Bad input: each problem beside its own field, and nothing stored.
        type(child<QLineEdit>(*editor, QStringLiteral("maxTurnover")), QStringLiteral("150"));
        type(child<QLineEdit>(*editor, QStringLiteral("minTrade")), QStringLiteral("-5"));
        type(child<QLineEdit>(*editor, QStringLiteral("syncInterval")), QStringLiteral("2s"));
        type(child<QLineEdit>(*editor, QStringLiteral("fallingGuard")), QStringLiteral("eighty"));
        QVERIFY(editor->isDirty());
        QVERIFY(!editor->save());
        QVERIFY2(editor->problem(QStringLiteral("maxTurnover")).contains(QStringLiteral("at most 100")),
                 qPrintable(editor->problem(QStringLiteral("maxTurnover"))));
        QVERIFY(child<QLabel>(*editor, QStringLiteral("maxTurnoverProblem"))->isVisible());
        QVERIFY(child<QLabel>(*editor, QStringLiteral("fallingGuardProblem"))->isVisible());
        // The first problem the policy itself finds is named by its field.
        QVERIFY(!editor->problem(QStringLiteral("minTrade")).isEmpty());
        QVERIFY(editor->problem(QStringLiteral("excluded")).isEmpty());
        QVERIFY(!child<QLabel>(*editor, QStringLiteral("excludedProblem"))->isVisible());
        QCOMPARE(services::PolicyService(temp.db()).load()->policy, before->policy);
        page.grab().save(QDir::temp().filePath(QStringLiteral("ballast-policy-editor-refused.png")));

        // Fixing one at a time: the policy's own check names the next field.
        type(child<QLineEdit>(*editor, QStringLiteral("maxTurnover")), QStringLiteral("30"));
        type(child<QLineEdit>(*editor, QStringLiteral("fallingGuard")), QStringLiteral("80"));
        type(child<QLineEdit>(*editor, QStringLiteral("minTrade")), QStringLiteral("25"));
        QVERIFY(!editor->save());
        QVERIFY2(editor->problem(QStringLiteral("syncInterval")).contains(QStringLiteral("60")),
                 qPrintable(editor->problem(QStringLiteral("syncInterval"))));
        QVERIFY(editor->problem(QStringLiteral("minTrade")).isEmpty());
        type(child<QLineEdit>(*editor, QStringLiteral("excluded")), QStringLiteral("USDC, not a symbol!"));
        type(child<QLineEdit>(*editor, QStringLiteral("syncInterval")), QStringLiteral("15m"));
        QVERIFY(!editor->save());
        QVERIFY(!editor->problem(QStringLiteral("excluded")).isEmpty());
        QCOMPARE(services::PolicyService(temp.db()).load()->policy, before->policy);

        // Good input is stored whole.
        type(child<QLineEdit>(*editor, QStringLiteral("excluded")), QStringLiteral("USDC"));
        choose(child<QComboBox>(*editor, QStringLiteral("ruleKind")), QStringLiteral("hybrid"));
        choose(child<QComboBox>(*editor, QStringLiteral("rulePeriod")), QStringLiteral("quarter"));
        type(child<QLineEdit>(*editor, QStringLiteral("ruleBand")), QStringLiteral("4pp"));
        choose(child<QComboBox>(*editor, QStringLiteral("lotSelection")), QStringLiteral("fifo"));
        QTest::mouseClick(child<QCheckBox>(*editor, QStringLiteral("cashFirst")), Qt::LeftButton);
        QVERIFY(child<QPushButton>(*editor, QStringLiteral("savePolicy"))->isEnabled());
        QSignalSpy changed(&context, &ui::AppContext::ledgerChanged);
        QTest::mouseClick(child<QPushButton>(*editor, QStringLiteral("savePolicy")), Qt::LeftButton);
        QCOMPARE(changed.size(), 1);
        QVERIFY(!editor->isDirty());
        const auto saved = services::PolicyService(temp.db()).load();
        QVERIFY(saved.ok());
        QCOMPARE(saved->policy.rule.toString(), QStringLiteral("hybrid:quarter,4pp"));
        QCOMPARE(saved->policy.maxTurnover, std::optional<double>(0.3));
        QCOMPARE(saved->policy.fallingGuard, std::optional<double>(0.8));
        QCOMPARE(saved->policy.minTrade, dec("25"));
        QCOMPARE(saved->policy.excluded, QStringList{QStringLiteral("USDC")});
        QCOMPARE(saved->policy.syncIntervalSeconds, 900);
        QCOMPARE(saved->policy.tax.lotSelection, analytics::LotSelection::Fifo);
        QVERIFY(saved->policy.tax.cashFirst);

        // Edits are steps on the page's undo stack.
        type(child<QLineEdit>(*editor, QStringLiteral("minTrade")), QStringLiteral("50"));
        QVERIFY(editor->isDirty());
        page.undoStack()->undo();
        QCOMPARE(child<QLineEdit>(*editor, QStringLiteral("minTrade"))->text(), QStringLiteral("25"));
        QVERIFY(!editor->isDirty());
        page.undoStack()->redo();
        QCOMPARE(child<QLineEdit>(*editor, QStringLiteral("minTrade"))->text(), QStringLiteral("50"));
        editor->revert();
        QCOMPARE(child<QLineEdit>(*editor, QStringLiteral("minTrade"))->text(), QStringLiteral("25"));
        QVERIFY(!editor->isDirty());
        page.grab().save(QDir::temp().filePath(QStringLiteral("ballast-policy-editor.png")));
    }

    void duePolicyOpensThePlanAndNothingIsSentUntilExecute()
    {
        test::TempDatabase temp;
        QVERIFY(services::DemoPortfolio::create(temp.db(), systemClock()).ok());
        pushOutsideBands(temp.db(), systemClock());
        QVERIFY(services::PolicyService(temp.db())
                    .save({},
                          *rebalance::RebalancePolicy::fromJson(
                              QJsonObject{{QStringLiteral("rule"), QStringLiteral("threshold:5pp")}}))
                    .ok());
        ui::AppContext context(temp.db(), temp.path());
        QSignalSpy alerts(&context, &ui::AppContext::alertRaised);
        ui::MainWindow window(context);
        window.resize(1280, 820);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        window.showPage(ui::MainWindow::Page::Dashboard);
        auto *dashboard = qobject_cast<ui::DashboardView *>(window.page(ui::MainWindow::Page::Dashboard));
        QVERIFY(dashboard);

        // The start-up check finds the bands broken and prepares a plan.
        QTRY_VERIFY_WITH_TIMEOUT(dashboard->openPlanButton()->isVisible(), 60000);
        QVERIFY(dashboard->dueBanner()->isVisible());
        const QString planId = dashboard->policyMonitor()->status().planId;
        QVERIFY(!planId.isEmpty());
        QVERIFY(dashboard->policyMonitor()->status().planOrders > 0);
        QVERIFY(child<QLabel>(*dashboard, QStringLiteral("rebalanceDueText"))->text().contains(planId));
        // One alert about it (the Alerts page shows it, and notifies through the tray where there is one).
        int rebalanceAlerts = 0;
        for (const auto &arguments : std::as_const(alerts)) {
            const auto alert = arguments.first().value<ui::Alert>();
            if (alert.kind == ui::Alert::Kind::Rebalance) {
                ++rebalanceAlerts;
                QCOMPARE(alert.subject, planId);
                QVERIFY(alert.message.contains(planId));
            }
        }
        QCOMPARE(rebalanceAlerts, 1);
        window.grab().save(QDir::temp().filePath(QStringLiteral("ballast-policy-due.png")));

        // Prepared, not sent.
        services::PlanService plans(temp.db());
        QCOMPARE(*plans.status(planId), domain::PlanStatus::Proposed);
        QVERIFY(plans.orders()->isEmpty());

        // The button opens the plan on the Rebalance page, as stored.
        QTest::mouseClick(dashboard->openPlanButton(), Qt::LeftButton);
        QCOMPARE(window.currentPage(), ui::MainWindow::Page::Rebalance);
        auto *rebalance = qobject_cast<ui::RebalanceView *>(window.page(ui::MainWindow::Page::Rebalance));
        QVERIFY(rebalance);
        QCOMPARE(rebalance->planModel()->plan().id, planId);
        QCOMPARE(rebalance->planModel()->rowCount(), dashboard->policyMonitor()->status().planOrders);
        QCOMPARE(*plans.status(planId), domain::PlanStatus::Proposed);
        QVERIFY(plans.orders()->isEmpty());

        // Execute is the person's click: only then do orders reach the paper exchange.
        QTest::mouseClick(child<QPushButton>(*rebalance, QStringLiteral("executeButton")), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(rebalance->confirmDialog() != nullptr, 60000);
        QVERIFY(plans.orders()->isEmpty()); // still nothing while the confirmation is open
        QTest::mouseClick(rebalance->confirmDialog()->sendButton(), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(!rebalance->executedPlanId().isEmpty() && !rebalance->controller()->isBusy(), 120000);
        const auto sent = plans.orders(rebalance->executedPlanId());
        QVERIFY(sent.ok());
        QVERIFY(!sent->isEmpty());
        QVERIFY(sent->size() <= dashboard->policyMonitor()->status().planOrders);
        window.close();
    }

    void dashboardLineShowsRuleLastCheckAndNextDate_data()
    {
        QTest::addColumn<QString>("rule");
        QTest::addColumn<qint64>("next");
        QTest::newRow("calendar:month") << QStringLiteral("calendar:month") << utc(2026, 2, 1);
        QTest::newRow("hybrid:quarter") << QStringLiteral("hybrid:quarter,5pp") << utc(2026, 4, 1);
        QTest::newRow("threshold") << QStringLiteral("threshold:5pp") << qint64(0);
    }

    void dashboardLineShowsRuleLastCheckAndNextDate()
    {
        QFETCH(QString, rule);
        QFETCH(qint64, next);
        test::TempDatabase temp;
        TestClock clock;
        clock.set(utc(2026, 1, 15, 12));
        QVERIFY(services::DemoPortfolio::create(temp.db(), clock.clock()).ok());
        QVERIFY(services::PolicyService(temp.db(), clock.clock())
                    .save({}, *rebalance::RebalancePolicy::fromJson(QJsonObject{{QStringLiteral("rule"), rule}}))
                    .ok());
        clock.set(utc(2026, 1, 16, 9, 30));
        ui::AppContext context(temp.db(), temp.path(), clock.clock());
        ui::DashboardView dashboard(context);
        dashboard.resize(1000, 700);
        dashboard.show();
        QVERIFY(QTest::qWaitForWindowExposed(&dashboard));
        QTRY_VERIFY_WITH_TIMEOUT(dashboard.policyMonitor()->checks() >= 1, 60000);
        const QString text = dashboard.policyLine()->text();
        const QLocale locale;
        auto when = [&locale](qint64 ms) {
            return locale.toString(QDateTime::fromMSecsSinceEpoch(ms).toLocalTime(), QLocale::ShortFormat);
        };
        QVERIFY2(text.contains(rule), qPrintable(text));
        QVERIFY2(text.contains(QStringLiteral("last check: ") + when(utc(2026, 1, 16, 9, 30))), qPrintable(text));
        if (next != 0)
            QVERIFY2(text.contains(QStringLiteral("next calendar date: ") + when(next)), qPrintable(text));
        else
            QVERIFY2(text.contains(QStringLiteral("next calendar date: none")), qPrintable(text));
        QVERIFY(dashboard.policyLine()->wordWrap());
        // The banner follows the check: shown exactly when a plan waits.
        QCOMPARE(dashboard.dueBanner()->isVisible(), dashboard.policyMonitor()->status().due);
    }

    void calendarBoundaryTriggersACheck()
    {
        test::TempDatabase temp;
        TestClock clock;
        clock.set(utc(2026, 1, 15, 12));
        QVERIFY(services::DemoPortfolio::create(temp.db(), clock.clock()).ok());
        QVERIFY(services::PolicyService(temp.db(), clock.clock())
                    .save({},
                          *rebalance::RebalancePolicy::fromJson(
                              QJsonObject{{QStringLiteral("rule"), QStringLiteral("calendar:month")}}))
                    .ok());
        ui::AppContext context(temp.db(), temp.path(), clock.clock());
        ui::DashboardView dashboard(context);
        dashboard.show();
        ui::PolicyMonitor *monitor = dashboard.policyMonitor();
        QTRY_VERIFY_WITH_TIMEOUT(monitor->checks() == 1 && !monitor->isPending(), 60000);
        QVERIFY(!monitor->status().due);
        QCOMPARE(monitor->calendarWakeAt(), std::optional<qint64>(utc(2026, 2, 1)));

        // The timer fires early (it wakes at least hourly): no check before the boundary.
        clock.set(utc(2026, 1, 31, 23, 59, 59));
        monitor->calendarTick();
        QVERIFY(!monitor->isPending());
        QCOMPARE(monitor->checks(), 1);

        // The boundary passed: the tick checks, the calendar rule fires and a plan is prepared.
        clock.set(utc(2026, 2, 1, 0, 0, 1));
        QSignalSpy alerts(&context, &ui::AppContext::alertRaised);
        monitor->calendarTick();
        QVERIFY(monitor->isPending());
        QTRY_VERIFY_WITH_TIMEOUT(monitor->checks() == 2 && !monitor->isPending(), 60000);
        const auto stored = services::PolicyService(temp.db()).lastCheck();
        QVERIFY(stored.ok() && stored->has_value());
        QCOMPARE((*stored)->checkedAt, utc(2026, 2, 1, 0, 0, 1));
        QVERIFY((*stored)->fired);
        QCOMPARE(monitor->status().lastCheckAt, std::optional<qint64>(utc(2026, 2, 1, 0, 0, 1)));
        QCOMPARE(monitor->calendarWakeAt(), std::optional<qint64>(utc(2026, 3, 1)));
        // A fired rule always prepares a plan (a proposal), and says so once.
        QVERIFY(!(*stored)->planId.isEmpty());
        QVERIFY(monitor->status().due);
        QCOMPARE(monitor->status().planId, (*stored)->planId);
        QVERIFY(dashboard.openPlanButton()->isVisibleTo(&dashboard));
        QCOMPARE(alerts.size(), 1);
    }

    void priceImportTriggersACheck()
    {
        // BTC 60 / ETH 40 with bands of 5pp, on target at the prices of 2026-01-10.
        test::TempDatabase temp;
        TestClock clock;
        clock.set(utc(2026, 1, 10, 12));
        services::Ledger ledger(temp.db(), clock.clock());
        QVERIFY(ledger.init(QStringLiteral("Main"), QStringLiteral("USDT")).ok());
        QVERIFY(ledger.addAccount(QStringLiteral("paper"), QStringLiteral("paper")).ok());
        QVERIFY(ledger
                    .setTargets({}, {{QStringLiteral("BTC"), dec("0.6"), {}}, {QStringLiteral("ETH"), dec("0.4"), {}}},
                                domain::Band{domain::Band::Kind::Absolute, 0.05})
                    .ok());
        const QDateTime priced = QDateTime::fromMSecsSinceEpoch(utc(2026, 1, 10, 12), QTimeZone::utc());
        QVERIFY(
            ledger
                .setPrices(
                    {{QStringLiteral("BTC"), QStringLiteral("USDT"), priced, dec("50000"), QStringLiteral("manual")},
                     {QStringLiteral("ETH"), QStringLiteral("USDT"), priced, dec("2500"), QStringLiteral("manual")}})
                .ok());
        QVERIFY(ledger
                    .setHoldings(QStringLiteral("paper"),
                                 {{0, {}, QStringLiteral("BTC"), {}, dec("0.12")},
                                  {0, {}, QStringLiteral("ETH"), {}, dec("1.6")}})
                    .ok());
        QVERIFY(services::PolicyService(temp.db(), clock.clock())
                    .save({},
                          *rebalance::RebalancePolicy::fromJson(
                              QJsonObject{{QStringLiteral("rule"), QStringLiteral("threshold:5pp")}}))
                    .ok());

        clock.set(utc(2026, 1, 15, 12));
        ui::AppContext context(temp.db(), temp.path(), clock.clock());
        ui::DashboardView dashboard(context);
        dashboard.show();
        ui::PolicyMonitor *monitor = dashboard.policyMonitor();
        QTRY_VERIFY_WITH_TIMEOUT(monitor->checks() == 1 && !monitor->isPending(), 60000);
        QVERIFY2(!monitor->status().due, qPrintable(monitor->status().why));

        // Daily BTC candles of 2026-01-12 and -13 (Binance's kline layout) at
        // twice the price: 12000 / 4000 is 75% against 60%.
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("BTCUSDT-1d-2026-01.csv"));
        {
            QFile file(path);
            QVERIFY(file.open(QIODevice::WriteOnly));
            QByteArray text = "open_time,open,high,low,close,volume,close_time,quote_volume,count,"
                              "taker_buy_volume,taker_buy_quote_volume,ignore\n";
            for (const qint64 open : {utc(2026, 1, 12), utc(2026, 1, 13)}) {
                text += QByteArray::number(open) + ",99000,101000,98000,100000,10,"
                    + QByteArray::number(open + 86399999) + ",1000000,100,5,500000,0\n";
            }
            QVERIFY(file.write(text) == text.size());
        }
        ui::ImportDialog dialog(context, {path});
        QSignalSpy ready(&dialog, &ui::ImportDialog::previewsReady);
        dialog.show();
        QVERIFY(ready.wait(60000));
        QSignalSpy imported(&dialog, &ui::ImportDialog::importFinished);
        QTest::mouseClick(child<QPushButton>(dialog, QStringLiteral("import")), Qt::LeftButton);
        QVERIFY(imported.wait(60000));
        QVERIFY2(imported.first().at(0).toBool(), qPrintable(imported.first().at(1).toString()));

        // The import alone makes the monitor check again, and the check sees the new price.
        QTRY_VERIFY_WITH_TIMEOUT(monitor->checks() == 2 && !monitor->isPending(), 60000);
        QVERIFY2(monitor->status().error.isEmpty(), qPrintable(monitor->status().error));
        QVERIFY2(monitor->status().due, qPrintable(monitor->status().why));
        QVERIFY2(monitor->status().why.startsWith(QStringLiteral("BTC is at 75.00%")),
                 qPrintable(monitor->status().why));
        QVERIFY(!monitor->status().planId.isEmpty());
        const auto stored = services::PolicyService(temp.db()).lastCheck();
        QVERIFY(stored.ok() && stored->has_value());
        QVERIFY((*stored)->fired);
        QCOMPARE((*stored)->planId, monitor->status().planId);
        QVERIFY(dashboard.dueBanner()->isVisibleTo(&dashboard));
        dialog.close();
    }

    void periodicSyncBacksOffAfterAFailure()
    {
        test::fake::FakeBinance fake;
        QVERIFY(fake.listenLocal());
        fake.setBalance(QStringLiteral("BTC"), dec("0.5"));
        fake.setBalance(QStringLiteral("USDT"), dec("1250"));
        test::TempDatabase temp;
        TestClock clock;
        const qint64 t0 = utc(2026, 1, 15, 12);
        clock.set(t0);
        QVERIFY(services::Ledger(temp.db(), clock.clock()).init(QStringLiteral("main"), QStringLiteral("USDT")).ok());
        ui::AppContext context(temp.db(), temp.path(), clock.clock());
        QStringList asked;
        context.setPassphraseProvider([&asked](const QString &reason) -> std::optional<QString> {
            asked.append(reason);
            return passphrase();
        });
        security::KeyStore keys(context.vaultPath(), temp.db().databaseId());
        QVERIFY(keys.store(QStringLiteral("binance-main"),
                           {test::fake::FakeBinance::docsApiKey(), test::fake::FakeBinance::docsSecretKey()},
                           passphrase())
                    .ok());
        QVERIFY(context.ledger()
                    .addAccount(QStringLiteral("binance-main"), QStringLiteral("binance"), fake.baseUrl().toString())
                    .ok());
        auto policy = *rebalance::RebalancePolicy::fromJson(QJsonObject{{QStringLiteral("syncIntervalSeconds"), 60}});
        QVERIFY(services::PolicyService(temp.db(), clock.clock()).save({}, policy).ok());

        ui::AccountsView page(context);
        QSignalSpy done(&page, &ui::AccountsView::autoSyncDone);
        QSignalSpy status(&context, &ui::AppContext::statusMessage);
        QVERIFY(page.syncSchedule().enabled());
        QCOMPARE(page.syncSchedule().intervalMs(), 60000);

        // First tick: due at once; the passphrase is asked once for the session.
        page.autoSyncTick();
        QVERIFY(page.isAutoSyncing());
        QVERIFY(done.wait(30000));
        QVERIFY2(done.last().at(0).toBool(), qPrintable(done.last().at(1).toString()));
        QCOMPARE(asked.size(), 1);
        auto held = services::LedgerQueries(temp.db()).holdings();
        QVERIFY(held.ok());
        QCOMPARE(held->size(), 2);
        QCOMPARE(page.syncSchedule().nextMs(), std::optional<qint64>(t0 + 60000));
        // The page was never shown: the sync ran without loading it, and it waits to be shown.
        QCOMPARE(page.loadCount(), 0);
        QVERIFY(page.isStale());
        QCOMPARE(page.model()->rowCount(), 0);

        // Not due yet: nothing runs.
        clock.set(t0 + 59000);
        page.autoSyncTick();
        QVERIFY(!page.isAutoSyncing());

        // The exchange fails: the status bar says so and the next try follows the back-off.
        fake.injectFault(test::fake::FakeEndpoint::Balance, test::fake::FaultKind::ServiceUnavailable, 1000);
        clock.set(t0 + 60000);
        status.clear();
        page.autoSyncTick();
        QVERIFY(page.isAutoSyncing());
        QVERIFY(done.wait(60000));
        QVERIFY(!done.last().at(0).toBool());
        QCOMPARE(page.syncSchedule().failures(), 1);
        QCOMPARE(page.syncSchedule().nextMs(),
                 std::optional<qint64>(t0 + 60000 + services::SyncSchedule::kFirstRetryMs));
        bool said = false;
        for (const auto &arguments : std::as_const(status))
            said = said || arguments.first().toString().contains(QStringLiteral("Automatic sync failed"));
        QVERIFY(said);

        // Before the retry time nothing runs; at it, the sync runs again and, with the exchange back, succeeds.
        clock.set(t0 + 60000 + services::SyncSchedule::kFirstRetryMs - 1);
        page.autoSyncTick();
        QVERIFY(!page.isAutoSyncing());
        fake.clearFaults();
        fake.setBalance(QStringLiteral("BTC"), dec("0.75"));
        const qint64 retry = t0 + 60000 + services::SyncSchedule::kFirstRetryMs;
        clock.set(retry);
        page.autoSyncTick();
        QVERIFY(done.wait(30000));
        QVERIFY(done.last().at(0).toBool());
        QCOMPARE(page.syncSchedule().failures(), 0);
        QCOMPARE(page.syncSchedule().nextMs(), std::optional<qint64>(retry + 60000));
        QCOMPARE(asked.size(), 1); // kept for the session
        QCOMPARE(page.loadCount(), 0); // three syncs, and the hidden page still not loaded

        // Shown, it loads once and lists what the syncs stored.
        page.show();
        QVERIFY(QTest::qWaitForWindowExposed(&page));
        QCOMPARE(page.loadCount(), 1);
        QVERIFY(!page.isStale());
        QCOMPARE(page.model()->rowCount(), 1);
        QCOMPARE(page.model()->row(0).account.name, QStringLiteral("binance-main"));
        // On show, the next sync's ledger change reloads it at once; hidden again, it waits.
        page.hide();

        // Never during an execution.
        clock.set(retry + 60000);
        context.setExecuting(true);
        page.autoSyncTick();
        QVERIFY(!page.isAutoSyncing());
        context.setExecuting(false);
        page.autoSyncTick();
        QVERIFY(page.isAutoSyncing());
        QVERIFY(done.wait(30000));
        QVERIFY(done.last().at(0).toBool());
        QCOMPARE(page.loadCount(), 1); // hidden again: marked stale, not reloaded
        QVERIFY(page.isStale());
    }

    void backtestMyPolicyEqualsTheCli()
    {
        const QString shared = qEnvironmentVariable("BALLAST_SHARED_DATA");
        const QString prices = QDir(shared).filePath(QStringLiteral("prices/cryptodatadownload"));
        const QString btc = prices + QStringLiteral("/Binance_BTCUSDT_d.csv");
        const QString eth = prices + QStringLiteral("/Binance_ETHUSDT_d.csv");
        if (shared.isEmpty() || !QFileInfo::exists(btc) || !QFileInfo::exists(eth))
            QSKIP("the shared price data (BALLAST_SHARED_DATA) is not available");
        if (qEnvironmentVariable("BALLAST_CLI").isEmpty())
            QSKIP("ballast-cli is not built");
        test::TempDatabase temp;
        const Clock clock = [] { return utc(2026, 1, 15, 12); };
        services::Ledger ledger(temp.db(), clock);
        QVERIFY(ledger.init(QStringLiteral("Main"), QStringLiteral("USDT")).ok());
        QVERIFY(ledger
                    .setTargets(QStringLiteral("Main"),
                                {domain::Target{QStringLiteral("BTC"), dec("0.6"), std::nullopt},
                                 domain::Target{QStringLiteral("ETH"), dec("0.4"), std::nullopt}},
                                *domain::Band::parse(QStringLiteral("5pp")))
                    .ok());
        for (const auto &[asset, file] :
             {std::pair{QStringLiteral("BTC"), btc}, std::pair{QStringLiteral("ETH"), eth}}) {
            market::ImportOptions options;
            options.asset = asset;
            options.quote = QStringLiteral("USDT");
            options.nowMs = clock();
            auto imported = ledger.importPrices({file}, options);
            QVERIFY2(imported.ok(), qPrintable(imported.ok() ? QString() : imported.error().message));
        }
        auto policy =
            *rebalance::RebalancePolicy::fromJson(QJsonObject{{QStringLiteral("rule"), QStringLiteral("hybrid:month")},
                                                              {QStringLiteral("band"), QStringLiteral("8pp")},
                                                              {QStringLiteral("fallingGuard"), 0.7}});
        QVERIFY(services::PolicyService(temp.db(), clock).save(QStringLiteral("Main"), policy).ok());

        BALLAST_SKIP_CHILD_PROCESS_UNDER_TSAN();
        const test::CliRun cli =
            test::runCli(temp.path(),
                         {QStringLiteral("backtest"), QStringLiteral("--policy"), QStringLiteral("--prices"),
                          QStringLiteral("BTC=") + btc, QStringLiteral("--prices"), QStringLiteral("ETH=") + eth,
                          QStringLiteral("--from"), QStringLiteral("2020-01-01"), QStringLiteral("--to"),
                          QStringLiteral("2021-12-31"), QStringLiteral("--json")},
                         QStringLiteral("2026-01-15T12:00:00Z"));
        QVERIFY2(cli.exitCode == 0, qPrintable(cli.err));

        ui::AppContext context(temp.db(), temp.path(), clock);
        ui::BacktestView page(context);
        page.resize(1280, 820);
        page.show();
        QVERIFY(QTest::qWaitForWindowExposed(&page));
        auto *interval = child<QComboBox>(page, QStringLiteral("intervalCombo"));
        interval->setCurrentIndex(interval->findText(QStringLiteral("1d")));
        child<QDateEdit>(page, QStringLiteral("fromDate"))->setDate(QDate(2020, 1, 1));
        child<QDateEdit>(page, QStringLiteral("toDate"))->setDate(QDate(2021, 12, 31));
        auto *trigger = child<QComboBox>(page, QStringLiteral("triggerCombo"));
        trigger->setCurrentIndex(trigger->findData(QStringLiteral("policy")));
        QVERIFY(!child<QComboBox>(page, QStringLiteral("periodCombo"))->isEnabled());
        QVERIFY(!child<QCheckBox>(page, QStringLiteral("fallingGuardCheck"))->isChecked());
        // The assets the CLI is given files for: BTC and ETH (the quote's cash row unticked).
        auto *assets = child<QListWidget>(page, QStringLiteral("assetList"));
        int ticked = 0;
        for (int row = 0; row < assets->count(); ++row) {
            QListWidgetItem *item = assets->item(row);
            const bool priced = item->text() == QLatin1String("BTC") || item->text() == QLatin1String("ETH");
            item->setCheckState(priced ? Qt::Checked : Qt::Unchecked);
            ticked += priced ? 1 : 0;
        }
        QCOMPARE(ticked, 2);
        QTest::mouseClick(child<QPushButton>(page, QStringLiteral("runButton")), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(page.runsModel()->rowCount() == 1 && !page.runner()->isBusy(), 120000);
        const ui::BacktestRun *run = page.runsModel()->runAt(0);
        QVERIFY(run);
        QVERIFY2(!run->failed(), qPrintable(run->result.error));
        const QJsonObject json = cli.json();
        QCOMPARE(run->result.label, json.value(QStringLiteral("rule")).toString());
        QCOMPARE(run->result.label, QStringLiteral("policy of Main: hybrid:month"));
        QCOMPARE(run->result.bars, json.value(QStringLiteral("bars")).toInt());
        QCOMPARE(run->result.rebalances, json.value(QStringLiteral("rebalances")).toInt());
        QVERIFY(run->result.rebalances > 0);
        QCOMPARE(run->result.finalValue, json.value(QStringLiteral("final_value")).toDouble());
        QCOMPARE(run->config.fallingGuard, std::optional<double>(0.7));
    }
};

QTEST_MAIN(TestPolicyGui)
#include "tst_policygui.moc"
