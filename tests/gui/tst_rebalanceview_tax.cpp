// The rebalance page shows what a plan's sales realize: the lots each sell
// line takes and its estimated gain, the totals short and long term, and the
// harvestable losses beside the plan. A small ledger of trades at known
// prices in a real SQLite file, on a pinned clock.
#include "appcontext.h"
#include "export/exporttarget.h"
#include "models/harvestablelotsmodel.h"
#include "models/planmodel.h"
#include "policyreads.h"
#include "services/ledger.h"
#include "services/planservice.h"
#include "services/policyservice.h"
#include "services/transactionservice.h"
#include "storage/planrepo.h"
#include "testsupport.h"
#include "views/rebalanceview.h"

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QGroupBox>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QTableView>
#include <QTest>
#include <QTimeZone>

#include <sqlite3.h>

using ballast::domain::Side;
using ballast::domain::Transaction;
using ballast::domain::TransactionKind;
using ballast::money::dec;
using ballast::ui::HarvestableLotsModel;
using ballast::ui::PlanModel;

namespace {

constexpr qint64 kNow = 1763683200000; // 2025-11-21T00:00Z

QDateTime at(const char *iso)
{
    QDateTime time = QDateTime::fromString(QString::fromLatin1(iso), Qt::ISODate);
    time.setTimeZone(QTimeZone::utc());
    return time;
}

/// 1,000 USDT deposited; BTC bought 1 at 20 (#A, 2023) and 1 at 130 (#B,
/// June 2025), ETH 1 at 150 (2024); now BTC and ETH are at 100. Targets 10 %
/// BTC, 10 % ETH, 80 % cash: the plan sells about 1 BTC (200 of 1,000 held).
QList<qint64> buildLedger(ballast::storage::Database &db, const ballast::Clock &clock)
{
    ballast::services::Ledger ledger(db, clock);
    if (!ledger.init(QStringLiteral("Main"), QStringLiteral("USDT")).ok())
        qFatal("init failed");
    const qint64 account = ledger.addAccount(QStringLiteral("paper"), QStringLiteral("paper"))->id;
    ballast::services::TransactionService transactions(db, clock);
    Transaction deposit;
    deposit.kind = TransactionKind::Deposit;
    deposit.time = at("2022-12-01T00:00:00");
    deposit.accountId = account;
    deposit.asset = QStringLiteral("USDT");
    deposit.quantity = dec("1000");
    deposit.price = dec("1");
    if (!transactions.add(deposit).ok())
        qFatal("deposit failed");
    QList<qint64> ids;
    for (const auto &[asset, time, price] :
         {std::tuple{"BTC", "2023-01-01T00:00:00", "20"}, std::tuple{"BTC", "2025-06-01T00:00:00", "130"},
          std::tuple{"ETH", "2024-01-01T00:00:00", "150"}}) {
        Transaction buy;
        buy.kind = TransactionKind::Trade;
        buy.side = Side::Buy;
        buy.time = at(time);
        buy.accountId = account;
        buy.asset = QString::fromLatin1(asset);
        buy.quote = QStringLiteral("USDT");
        buy.quantity = dec("1");
        buy.price = dec(price);
        auto added = transactions.add(buy);
        if (!added)
            qFatal("buy failed: %s", qPrintable(added.error().message));
        ids.append(added->id);
    }
    const QDateTime now = QDateTime::fromMSecsSinceEpoch(kNow, QTimeZone::utc());
    if (!ledger
             .setPrices({{QStringLiteral("BTC"), QStringLiteral("USDT"), now, dec("100"), QStringLiteral("manual")},
                         {QStringLiteral("ETH"), QStringLiteral("USDT"), now, dec("100"), QStringLiteral("manual")}})
             .ok())
        qFatal("prices failed");
    if (!ledger
             .setTargets({},
                         {{QStringLiteral("BTC"), dec("0.1"), {}},
                          {QStringLiteral("ETH"), dec("0.1"), {}},
                          {QStringLiteral("USDT"), dec("0.8"), {}}},
                         ballast::domain::Band{ballast::domain::Band::Kind::Absolute, 0.02})
             .ok())
        qFatal("targets failed");
    return ids;
}

} // namespace

class TestRebalanceViewTax : public QObject
{
    Q_OBJECT

private slots:
    // Oldest first sells lot A (+80, long term); B (-30) and the ETH lot
    // (-50) are listed as harvestable above a threshold of 5, largest first.
    void showsLotsGainsAndHarvestList()
    {
        ballast::test::TempDatabase temp;
        const ballast::Clock clock = [] { return kNow; };
        const QList<qint64> ids = buildLedger(temp.db(), clock);
        ballast::ui::AppContext context(temp.db(), temp.path(), clock);
        ballast::ui::RebalanceView view(context);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));

        auto *selection = view.findChild<QComboBox *>(QStringLiteral("lotSelection"));
        auto *harvest = view.findChild<QLineEdit *>(QStringLiteral("harvestThreshold"));
        QVERIFY(selection && harvest);
        selection->setCurrentIndex(selection->findData(static_cast<int>(ballast::analytics::LotSelection::Fifo)));
        harvest->setText(QStringLiteral("5"));
        QVERIFY(view.propose());

        PlanModel *model = view.planModel();
        QAbstractItemModelTester tester(model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        int sellRow = -1;
        for (int row = 0; row < model->rowCount(); ++row) {
            if (model->plan().orders.at(row).side == Side::Sell)
                sellRow = row;
        }
        QVERIFY(sellRow >= 0);
        // The fee-aware aim sells a hair more than 1 BTC: all of A, then a sliver of B.
        const auto &order = model->plan().orders.at(sellRow);
        QVERIFY2(model->data(model->index(sellRow, PlanModel::Lots))
                     .toString()
                     .startsWith(QStringLiteral("#%1 1 (long)").arg(ids[0])),
                 qPrintable(model->data(model->index(sellRow, PlanModel::Lots)).toString()));
        QCOMPARE(order.lots.first().gain, dec("80") - order.fee * dec("1") / order.quantity);
        QCOMPARE(model->data(model->index(sellRow, PlanModel::Gain), PlanModel::RawValueRole).toDouble(),
                 order.gain().toDouble());
        QVERIFY(model->data(model->index(sellRow, PlanModel::Lots), Qt::ToolTipRole)
                    .toString()
                    .contains(QStringLiteral("Lot #%1").arg(ids[0])));
        QCOMPARE(model->headerData(PlanModel::Lots, Qt::Horizontal).toString(), QStringLiteral("Lots sold"));

        auto *totals = view.findChild<QLabel *>(QStringLiteral("planTotals"));
        QVERIFY(totals);
        QVERIFY2(totals->text().contains(QStringLiteral("Estimated realized gain +")), qPrintable(totals->text()));
        QVERIFY2(totals->text().contains(QStringLiteral("long term +79.")), qPrintable(totals->text()));

        HarvestableLotsModel *lots = view.harvestModel();
        QAbstractItemModelTester harvestTester(lots, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QCOMPARE(lots->rowCount(), 2);
        QCOMPARE(lots->data(lots->index(0, HarvestableLotsModel::Asset)).toString(), QStringLiteral("ETH"));
        QCOMPARE(lots->data(lots->index(0, HarvestableLotsModel::Loss), HarvestableLotsModel::RawValueRole).toDouble(),
                 50.0);
        QCOMPARE(lots->data(lots->index(1, HarvestableLotsModel::Lot)).toString(), QString::number(ids[1]));
        // What the sale leaves of B: 30 per BTC.
        const auto left = dec("1") - (order.lots.size() > 1 ? order.lots[1].quantity : ballast::money::Decimal());
        QCOMPARE(lots->data(lots->index(1, HarvestableLotsModel::Loss), ballast::ui::ExportRole).toString(),
                 (left * dec("30")).toString());
        auto *table = view.findChild<QTableView *>(QStringLiteral("harvestTable"));
        auto *title = view.findChild<QLabel *>(QStringLiteral("harvestTitle"));
        QVERIFY(table && title);
        QVERIFY(table->isVisible());
        QVERIFY2(title->text().contains(QStringLiteral("Harvestable losses")), qPrintable(title->text()));

        // Without a threshold there is no list.
        harvest->clear();
        QVERIFY(view.propose());
        QCOMPARE(lots->rowCount(), 0);
        QVERIFY(!table->isVisible());
        QVERIFY(!title->isVisible());
    }

    // The tax fields start from the stored policy (every one of them, the
    // young-lot override included), each time the page is shown and when the
    // policy changes; what is typed on the page changes only its own plans.
    void taxFieldsFollowThePolicy()
    {
        ballast::test::TempDatabase temp;
        const ballast::Clock clock = [] { return kNow; };
        buildLedger(temp.db(), clock);
        ballast::services::PolicyService policies(temp.db(), clock);
        auto policy = policies.load()->policy;
        policy.tax.lotSelection = ballast::analytics::LotSelection::LeastGain;
        policy.tax.longTermDays = 200;
        policy.tax.maxRealizedGain = dec("1234.5");
        policy.tax.minLotAgeDays = 30;
        policy.tax.youngLotOverride = 0.03;
        policy.tax.cashFirst = true;
        policy.tax.harvestLossThreshold = dec("5");
        QVERIFY(policies.save({}, policy).ok());

        ballast::ui::AppContext context(temp.db(), temp.path(), clock);
        ballast::ui::RebalanceView view(context);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        auto *selection = view.findChild<QComboBox *>(QStringLiteral("lotSelection"));
        auto *longTerm = view.findChild<QSpinBox *>(QStringLiteral("longTermDays"));
        auto *budget = view.findChild<QLineEdit *>(QStringLiteral("maxGain"));
        auto *minAge = view.findChild<QSpinBox *>(QStringLiteral("minLotAge"));
        auto *override = view.findChild<QDoubleSpinBox *>(QStringLiteral("youngLotOverride"));
        auto *cashFirst = view.findChild<QCheckBox *>(QStringLiteral("cashFirst"));
        auto *harvest = view.findChild<QLineEdit *>(QStringLiteral("harvestThreshold"));
        auto *box = view.findChild<QGroupBox *>(QStringLiteral("taxBox"));
        QVERIFY(selection && longTerm && budget && minAge && override && cashFirst && harvest && box);
        const QLocale locale;
        auto checkFields = [&](ballast::analytics::LotSelection lots, int longTermDays, const QString &gain,
                               int minDays, double overridePoints, bool cash, const QString &threshold) {
            QCOMPARE(selection->currentData().toInt(), static_cast<int>(lots));
            QCOMPARE(longTerm->value(), longTermDays);
            QCOMPARE(budget->text(), gain);
            QCOMPARE(minAge->value(), minDays);
            QCOMPARE(override->value(), overridePoints);
            QCOMPARE(override->isEnabled(), minDays > 0);
            QCOMPARE(cashFirst->isChecked(), cash);
            QCOMPARE(harvest->text(), threshold);
        };
        const QString policyGain = QStringLiteral("1") + locale.groupSeparator() + QStringLiteral("234")
            + locale.decimalPoint() + QStringLiteral("5");
        checkFields(ballast::analytics::LotSelection::LeastGain, 200, policyGain, 30, 3.0, true, QStringLiteral("5"));
        QVERIFY2(box->toolTip().contains(QStringLiteral("only to the plans you propose on this page")),
                 qPrintable(box->toolTip()));
        QVERIFY(override->toolTip().contains(QStringLiteral("policy")));

        // Per-plan overrides: the plan is made with them, the policy stays as it is.
        override->setValue(7.5);
        longTerm->setValue(100);
        QVERIFY(view.propose());
        ballast::services::PlanService plans(temp.db(), clock);
        const auto stored = plans.list();
        QVERIFY(stored.ok() && !stored->isEmpty());
        const auto storedPlan = ballast::storage::PlanRepo(temp.db()).load(stored->first().id);
        QVERIFY(storedPlan.ok());
        const auto constraints = ballast::services::constraintsFromJson(storedPlan->constraints);
        QCOMPARE(constraints.tax.youngLotOverride, 0.075);
        QCOMPARE(constraints.tax.longTermDays, 100);
        QCOMPARE(constraints.tax.minLotAgeDays, 30);
        QCOMPARE(constraints.tax.lotSelection, ballast::analytics::LotSelection::LeastGain);
        QCOMPARE(constraints.tax.maxRealizedGain, std::optional(dec("1234.5")));
        QCOMPARE(constraints.tax.harvestLossThreshold, std::optional(dec("5")));
        QVERIFY(constraints.tax.cashFirst);
        QCOMPARE(policies.load()->policy.tax, policy.tax);

        // A ledger change that leaves the policy alone keeps the overrides.
        context.notifyLedgerChanged();
        QCOMPARE(override->value(), 7.5);
        QCOMPARE(longTerm->value(), 100);

        // Shown again: the fields start from the policy again.
        view.hide();
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        checkFields(ballast::analytics::LotSelection::LeastGain, 200, policyGain, 30, 3.0, true, QStringLiteral("5"));

        // The policy changes (saved elsewhere, announced as a ledger change): the fields follow it.
        override->setValue(9.0);
        policy.tax = {};
        policy.tax.lotSelection = ballast::analytics::LotSelection::Fifo;
        policy.tax.longTermDays = 400;
        QVERIFY(policies.save({}, policy).ok());
        context.notifyLedgerChanged();
        checkFields(ballast::analytics::LotSelection::Fifo, 400, QString(), 0, 0.0, false, QString());
    }

    // The mode (with its amount), the minimum trade and the maximum turnover
    // start from the stored policy too: each time the page is shown, when the
    // policy changes and with "From policy"; what is typed on the page
    // changes only its own plans.
    void modeAndLimitsFollowThePolicy()
    {
        ballast::test::TempDatabase temp;
        const ballast::Clock clock = [] { return kNow; };
        buildLedger(temp.db(), clock);
        ballast::services::PolicyService policies(temp.db(), clock);
        auto policy = policies.load()->policy;
        policy.mode = *ballast::rebalance::PlanMode::parse(QStringLiteral("invest:250"));
        policy.minTrade = dec("12.5");
        policy.maxTurnover = 0.3;
        QVERIFY(policies.save({}, policy).ok());

        ballast::ui::AppContext context(temp.db(), temp.path(), clock);
        ballast::ui::RebalanceView view(context);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        auto *mode = view.findChild<QComboBox *>(QStringLiteral("planMode"));
        auto *amount = view.findChild<QLineEdit *>(QStringLiteral("planAmount"));
        auto *minTrade = view.findChild<QLineEdit *>(QStringLiteral("minTrade"));
        auto *turnover = view.findChild<QDoubleSpinBox *>(QStringLiteral("maxTurnover"));
        auto *fromPolicy = view.findChild<QPushButton *>(QStringLiteral("taxFromPolicy"));
        QVERIFY(mode && amount && minTrade && turnover && fromPolicy);
        const QLocale locale;
        using Kind = ballast::rebalance::PlanMode::Kind;
        auto checkFields = [&](Kind kind, const QString &amountText, const QString &minText, double percent) {
            QCOMPARE(mode->currentData().toInt(), static_cast<int>(kind));
            QCOMPARE(amount->text(), amountText);
            QCOMPARE(amount->isEnabled(), kind == Kind::Invest || kind == Kind::Withdraw);
            QCOMPARE(minTrade->text(), minText);
            QCOMPARE(turnover->value(), percent);
        };
        const QString policyMin = QStringLiteral("12") + locale.decimalPoint() + QStringLiteral("5");
        checkFields(Kind::Invest, QStringLiteral("250"), policyMin, 30.0);
        QVERIFY2(minTrade->toolTip().contains(QStringLiteral("only to the plans you propose on this page")),
                 qPrintable(minTrade->toolTip()));

        // Per-plan overrides: the plan is made with them, the policy stays as it is.
        mode->setCurrentIndex(mode->findData(static_cast<int>(Kind::Target)));
        minTrade->setText(QStringLiteral("20"));
        turnover->setValue(50.0);
        QVERIFY(view.propose());
        const auto stored = ballast::services::PlanService(temp.db(), clock).list();
        QVERIFY(stored.ok() && !stored->isEmpty());
        const auto storedPlan = ballast::storage::PlanRepo(temp.db()).load(stored->first().id);
        QVERIFY(storedPlan.ok());
        QCOMPARE(storedPlan->mode, QStringLiteral("target"));
        const auto constraints = ballast::services::constraintsFromJson(storedPlan->constraints);
        QCOMPARE(constraints.minTradeValue, dec("20"));
        QCOMPARE(constraints.maxTurnover, std::optional(0.5));
        QVERIFY(policies.load()->policy == policy);

        // A ledger change that leaves the policy alone keeps the overrides.
        context.notifyLedgerChanged();
        checkFields(Kind::Target, QStringLiteral("250"), QStringLiteral("20"), 50.0);

        // "From policy" fills every field in again.
        fromPolicy->click();
        checkFields(Kind::Invest, QStringLiteral("250"), policyMin, 30.0);

        // Shown again after an override: from the policy again.
        minTrade->setText(QStringLiteral("99"));
        view.hide();
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        checkFields(Kind::Invest, QStringLiteral("250"), policyMin, 30.0);

        // The policy changes (saved elsewhere, announced as a ledger change): the fields follow it.
        turnover->setValue(80.0);
        policy.mode = *ballast::rebalance::PlanMode::parse(QStringLiteral("band-edge"));
        policy.minTrade = {};
        policy.maxTurnover.reset();
        QVERIFY(policies.save({}, policy).ok());
        context.notifyLedgerChanged();
        checkFields(Kind::BandEdge, QString(), QString(), 0.0);
    }

    // The excluded assets and the falling-asset guard: filled in from the
    // policy, changed for one plan only, and the plan honours what is on
    // screen. A bad value names the field and proposes nothing.
    void exclusionsAndFallingGuardFollowThePolicy()
    {
        ballast::test::TempDatabase temp;
        const ballast::Clock clock = [] { return kNow; };
        buildLedger(temp.db(), clock);
        // BTC 20 % against 10 %, ETH 10 % against 30 %: the plan sells BTC and buys ETH.
        ballast::services::Ledger ledger(temp.db(), clock);
        QVERIFY(ledger
                    .setTargets({},
                                {{QStringLiteral("BTC"), dec("0.1"), {}},
                                 {QStringLiteral("ETH"), dec("0.3"), {}},
                                 {QStringLiteral("USDT"), dec("0.6"), {}}},
                                ballast::domain::Band{ballast::domain::Band::Kind::Absolute, 0.02})
                    .ok());
        // ETH's peak in the stored prices was 250: at 100 it is 60 % below it.
        QVERIFY(ledger
                    .setPrices({{QStringLiteral("ETH"), QStringLiteral("USDT"), at("2025-10-01T00:00:00"), dec("250"),
                                 QStringLiteral("manual")}})
                    .ok());
        ballast::services::PolicyService policies(temp.db(), clock);
        auto policy = policies.load()->policy;
        policy.excluded = QStringList{QStringLiteral("BTC")};
        policy.fallingGuard = 0.5;
        QVERIFY(policies.save({}, policy).ok());

        ballast::ui::AppContext context(temp.db(), temp.path(), clock);
        ballast::ui::RebalanceView view(context);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        auto *excluded = view.findChild<QLineEdit *>(QStringLiteral("excluded"));
        auto *guard = view.findChild<QLineEdit *>(QStringLiteral("fallingGuard"));
        auto *message = view.findChild<QLabel *>(QStringLiteral("executionMessage"));
        QVERIFY(excluded && guard && message);
        QCOMPARE(excluded->text(), QStringLiteral("BTC"));
        QCOMPARE(guard->text(), QStringLiteral("50"));
        QVERIFY2(excluded->toolTip().contains(QStringLiteral("only to the plans you propose on this page")),
                 qPrintable(excluded->toolTip()));

        auto planned = [&](ballast::domain::Side side, const QString &asset) {
            for (const auto &order : view.planModel()->plan().orders) {
                if (order.side == side && order.base == asset)
                    return true;
            }
            return false;
        };
        auto skipped = [&](const QString &asset, ballast::rebalance::SkipReason reason) {
            for (const auto &line : view.planModel()->plan().skipped) {
                if (line.asset == asset && line.reason == reason)
                    return true;
            }
            return false;
        };
        auto storedConstraints = [&] {
            const auto stored = ballast::services::PlanService(temp.db(), clock).list();
            if (!stored || stored->isEmpty())
                qFatal("no stored plan");
            return ballast::services::constraintsFromJson(
                ballast::storage::PlanRepo(temp.db()).load(stored->first().id)->constraints);
        };

        // As the policy says: BTC is left alone and ETH, 60 % below its peak, is not bought.
        QVERIFY(view.propose());
        QVERIFY(!planned(Side::Sell, QStringLiteral("BTC")));
        QVERIFY(!planned(Side::Buy, QStringLiteral("ETH")));
        QVERIFY(skipped(QStringLiteral("BTC"), ballast::rebalance::SkipReason::Excluded));
        QVERIFY(skipped(QStringLiteral("ETH"), ballast::rebalance::SkipReason::FallingAsset));
        QCOMPARE(storedConstraints().excluded, QStringList{QStringLiteral("BTC")});
        QCOMPARE(storedConstraints().fallingGuard, std::optional(0.5));

        // For this plan only: nothing excluded, a guard of 70 %: BTC is sold and ETH bought.
        excluded->setText(QString());
        guard->setText(QStringLiteral("70"));
        QVERIFY(view.propose());
        QVERIFY(planned(Side::Sell, QStringLiteral("BTC")));
        QVERIFY(planned(Side::Buy, QStringLiteral("ETH")));
        QVERIFY(storedConstraints().excluded.isEmpty());
        QCOMPARE(storedConstraints().fallingGuard, std::optional(0.7));
        QVERIFY(policies.load()->policy == policy);

        // Bad input is named with where it is, and nothing is proposed.
        const QString newest = ballast::services::PlanService(temp.db(), clock).list()->first().id;
        excluded->setText(QStringLiteral("eth, not a symbol!"));
        QVERIFY(!view.propose());
        QVERIFY2(message->text().contains(QStringLiteral("Excluded assets, item 2")), qPrintable(message->text()));
        excluded->setText(QStringLiteral("eth"));
        guard->setText(QStringLiteral("150"));
        QVERIFY(!view.propose());
        QVERIFY2(message->text().contains(QStringLiteral("Falling-asset guard")), qPrintable(message->text()));
        QCOMPARE(ballast::services::PlanService(temp.db(), clock).list()->first().id, newest);

        // A symbol in lower case is the asset; an empty guard is off.
        guard->setText(QString());
        QVERIFY(view.propose());
        QCOMPARE(storedConstraints().excluded, QStringList{QStringLiteral("ETH")});
        QVERIFY(!storedConstraints().fallingGuard);
        QVERIFY(!planned(Side::Buy, QStringLiteral("ETH")));

        // "From policy" fills them in again.
        view.findChild<QPushButton *>(QStringLiteral("taxFromPolicy"))->click();
        QCOMPARE(excluded->text(), QStringLiteral("BTC"));
        QCOMPARE(guard->text(), QStringLiteral("50"));
    }

    // Showing the page reads the policy once, also when the ledger changed
    // while it was hidden (the show then reloads the plans as well).
    void showReadsThePolicyOnce()
    {
        ballast::test::TempDatabase temp;
        const ballast::Clock clock = [] { return kNow; };
        buildLedger(temp.db(), clock);
        ballast::ui::AppContext context(temp.db(), temp.path(), clock);
        ballast::ui::RebalanceView view(context);
        PolicyReads reads(temp.db());
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        QCOMPARE(reads.count(), 1);

        view.hide();
        context.notifyLedgerChanged(); // while hidden: the reload waits for the next show
        QVERIFY(view.isStale());
        reads.clear();
        const int loads = view.loadCount();
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        QCOMPARE(view.loadCount(), loads + 1);
        QCOMPARE(reads.count(), 1);

        // On show, a ledger change reloads and reads the policy to follow a change of it.
        reads.clear();
        context.notifyLedgerChanged();
        QCOMPARE(reads.count(), 1);
    }

    // A bad gain budget names the field and proposes nothing.
    void badGainBudgetIsRefused()
    {
        ballast::test::TempDatabase temp;
        const ballast::Clock clock = [] { return kNow; };
        buildLedger(temp.db(), clock);
        ballast::ui::AppContext context(temp.db(), temp.path(), clock);
        ballast::ui::RebalanceView view(context);
        auto *budget = view.findChild<QLineEdit *>(QStringLiteral("maxGain"));
        QVERIFY(budget);
        budget->setText(QStringLiteral("lots"));
        QVERIFY(!view.propose());
        QVERIFY(!view.planModel()->hasPlan());
    }
};

QTEST_MAIN(TestRebalanceViewTax)
#include "tst_rebalanceview_tax.moc"
