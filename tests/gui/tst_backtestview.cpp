// The backtest page on a demo ledger: runs through the page equal Backtester
// run directly, Cancel stops a long sweep, exports hold the run's numbers.
#include "appcontext.h"
#include "backtest/backtester.h"
#include "backtest/backtestrunner.h"
#include "backtest/sweepdialog.h"
#include "io/exports.h"
#include "models/backtestalertsmodel.h"
#include "models/backtestrunsmodel.h"
#include "models/backtesttradesmodel.h"
#include "services/demoportfolio.h"
#include "services/ledger.h"
#include "storage/portfoliorepo.h"
#include "storage/pricestore.h"
#include "testsupport.h"
#include "views/backtestview.h"

#include <QAbstractItemModelTester>
#include <QCheckBox>
#include <QComboBox>
#include <QDateEdit>
#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QElapsedTimer>
#include <QFile>
#include <QImage>
#include <QLabel>
#include <QListWidget>
#include <QProgressBar>
#include <QPushButton>
#include <QSettings>
#include <QStandardPaths>
#include <QTableView>
#include <QTest>
#include <QTimeZone>

#include <memory>

using namespace ballast;
using ui::BacktestRunsModel;
using ui::SweepGrid;

namespace {

qint64 fixedNow()
{
    return QDateTime(QDate(2024, 6, 1), QTime(12, 0), QTimeZone::utc()).toMSecsSinceEpoch();
}

template<typename T>
T *child(QWidget &parent, const char *name)
{
    auto *found = parent.findChild<T *>(QString::fromLatin1(name));
    if (!found)
        qFatal("no child %s", name);
    return found;
}

/// The fields of one RFC 4180 line (quoted fields may hold commas).
QStringList csvFields(const QString &line)
{
    QStringList fields;
    QString field;
    bool quoted = false;
    for (qsizetype i = 0; i < line.size(); ++i) {
        const QChar c = line[i];
        if (quoted) {
            if (c == QLatin1Char('"') && i + 1 < line.size() && line[i + 1] == QLatin1Char('"')) {
                field += c;
                ++i;
            } else if (c == QLatin1Char('"')) {
                quoted = false;
            } else {
                field += c;
            }
        } else if (c == QLatin1Char('"')) {
            quoted = true;
        } else if (c == QLatin1Char(',')) {
            fields << field;
            field.clear();
        } else {
            field += c;
        }
    }
    fields << field;
    return fields;
}

QStringList readLines(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return QString::fromUtf8(file.readAll()).split(QStringLiteral("\r\n"), Qt::SkipEmptyParts);
}

} // namespace

class TstBacktestView : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void cleanup();
    void modelsPassTheTester();
    void runThroughThePageEqualsBacktester();
    void cancelStopsALongSweepPromptly();
    void exportsHoldTheRunsNumbers();
    void badInputSaysWhatAndWhere();
    void settingsAreRemembered();

private:
    /// The demo's target assets with stored history (USDT too), in the page's order.
    backtest::BacktestData expectedData();
    void clickRunAndWait(int expectedRows);
    SweepGrid longGrid() const;

    std::unique_ptr<test::TempDatabase> m_db;
    std::unique_ptr<ui::AppContext> m_context;
    std::unique_ptr<ui::BacktestView> m_view;
    bool m_hourly = false;
};

void TstBacktestView::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(QStringLiteral("BallastTest"));
    QCoreApplication::setApplicationName(QStringLiteral("tst_backtestview"));
    m_db = std::make_unique<test::TempDatabase>();
    QVERIFY(services::DemoPortfolio::create(m_db->db(), fixedNow).ok());
    m_context = std::make_unique<ui::AppContext>(m_db->db(), m_db->path(), Clock(fixedNow));

    // Real hourly history beside the simulated daily one: long runs for the Cancel test.
    const QString shared = qEnvironmentVariable("BALLAST_SHARED_DATA");
    const QString hourly = shared + QStringLiteral("/prices/binance-simple/SOLUSDT_1h.csv");
    if (!shared.isEmpty() && QFile::exists(hourly)) {
        market::ImportOptions options;
        options.asset = QStringLiteral("SOL");
        options.quote = QStringLiteral("USDT");
        options.interval = QStringLiteral("1h");
        options.nowMs = QDateTime::currentMSecsSinceEpoch();
        auto imported = services::Ledger(m_db->db(), fixedNow).importPrices({hourly}, options);
        QVERIFY2(imported.ok(), qPrintable(imported.ok() ? QString() : imported.error().message));
        m_hourly = true;
    }
}

void TstBacktestView::init()
{
    QSettings().clear();
    m_view = std::make_unique<ui::BacktestView>(*m_context);
    m_view->resize(1280, 820);
    m_view->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_view.get()));
}

void TstBacktestView::cleanup()
{
    m_view.reset();
}

backtest::BacktestData TstBacktestView::expectedData()
{
    auto portfolio = m_context->portfolio();
    if (!portfolio)
        qFatal("no portfolio");
    storage::PriceStore store(m_db->db());
    auto stored = store.storedSeries();
    QList<market::PriceSeries> series;
    for (const auto &one : *stored) {
        if (one.quote != QLatin1String("USDT") || one.interval != QLatin1String("1d")
            || portfolio->targetWeight(one.asset) <= 0.0)
            continue;
        market::PriceSeries s;
        s.asset = one.asset;
        s.quote = one.quote;
        s.interval = one.interval;
        s.candles = *store.candles(one.asset, one.quote, one.interval);
        series.append(s);
    }
    auto data = backtest::BacktestData::fromSeries(series);
    if (!data)
        qFatal("%s", qPrintable(data.error().message));
    return *data;
}

void TstBacktestView::clickRunAndWait(int expectedRows)
{
    auto *run = child<QPushButton>(*m_view, "runButton");
    QVERIFY(run->isEnabled());
    QTest::mouseClick(run, Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(m_view->runsModel()->rowCount(), expectedRows, 60000);
    QTRY_VERIFY_WITH_TIMEOUT(!m_view->runner()->isBusy(), 60000);
}

SweepGrid TstBacktestView::longGrid() const
{
    SweepGrid grid;
    grid.thresholdFrom = 0.01;
    grid.thresholdTo = 25.0;
    grid.thresholdStep = 0.01;
    grid.periods = {rebalance::CalendarPeriod::Week, rebalance::CalendarPeriod::Month};
    grid.hybrids = true;
    return grid;
}

void TstBacktestView::modelsPassTheTester()
{
    using Mode = QAbstractItemModelTester::FailureReportingMode;
    QAbstractItemModelTester runs(m_view->runsModel(), Mode::QtTest);
    QAbstractItemModelTester trades(m_view->tradesModel(), Mode::QtTest);
    QAbstractItemModelTester alerts(m_view->alertsModel(), Mode::QtTest);

    // A run with alerts: a falling guard and a low correlation level make some.
    child<QCheckBox>(*m_view, "correlationCheck")->setChecked(true);
    child<QDoubleSpinBox>(*m_view, "correlationSpin")->setValue(0.5);
    clickRunAndWait(1);
    QVERIFY(m_view->tradesModel()->rowCount() > 0);
    QVERIFY(m_view->alertsModel()->rowCount() > 0);

    // A small sweep, then removal and clearing, all under the testers.
    SweepGrid grid;
    grid.thresholdFrom = 2;
    grid.thresholdTo = 10;
    grid.thresholdStep = 4;
    grid.periods = {rebalance::CalendarPeriod::Month};
    grid.weightSources = {ui::WeightSource{QStringLiteral("targets"), std::nullopt},
                          ui::WeightSource{QStringLiteral("equal"), allocation::Model::Equal}};
    m_view->startSweep(grid);
    QTRY_COMPARE_WITH_TIMEOUT(m_view->runsModel()->rowCount(), 1 + 8, 60000);
    QVERIFY(!m_view->runsModel()->runAt(1)->detailed());
    QCOMPARE(m_view->runsModel()->data(m_view->runsModel()->index(1, 0), Qt::CheckStateRole), QVariant());
    QVERIFY(!m_view->runsModel()->setData(m_view->runsModel()->index(1, 0), Qt::Checked, Qt::CheckStateRole));

    auto *table = child<QTableView>(*m_view, "runsTable");
    table->sortByColumn(BacktestRunsModel::Sharpe, Qt::DescendingOrder);
    table->selectRow(0);

    // The best sweep run, again in detail: same metrics, now with curves and trades.
    const ui::BacktestRun *best = m_view->selectedRun();
    QVERIFY(best && !best->detailed());
    const double bestSharpe = best->result.metrics.sharpe;
    const QString bestLabel = best->result.label;
    auto *detail = child<QPushButton>(*m_view, "detailButton");
    QVERIFY(detail->isEnabled());
    QTest::mouseClick(detail, Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(m_view->runsModel()->rowCount(), 10, 60000);
    QTRY_VERIFY_WITH_TIMEOUT(!m_view->runner()->isBusy(), 60000);
    const ui::BacktestRun *detailed = m_view->runsModel()->runAt(9);
    QVERIFY(detailed->detailed());
    QCOMPARE(detailed->result.label, bestLabel);
    QCOMPARE(detailed->result.metrics.sharpe, bestSharpe);
    QCOMPARE(m_view->selectedRun(), detailed);
    QVERIFY(!detail->isEnabled());
    m_view->runsModel()->removeRuns({9});
    table->selectRow(0);
    QTest::mouseClick(child<QPushButton>(*m_view, "removeButton"), Qt::LeftButton);
    QCOMPARE(m_view->runsModel()->rowCount(), 8);
    QTest::mouseClick(child<QPushButton>(*m_view, "clearButton"), Qt::LeftButton);
    QCOMPARE(m_view->runsModel()->rowCount(), 0);
    QCOMPARE(m_view->tradesModel()->rowCount(), 0);
}

void TstBacktestView::runThroughThePageEqualsBacktester()
{
    auto *trigger = child<QComboBox>(*m_view, "triggerCombo");
    trigger->setCurrentIndex(trigger->findData(QStringLiteral("threshold")));
    child<QDoubleSpinBox>(*m_view, "bandSpin")->setValue(4.0);
    child<QDoubleSpinBox>(*m_view, "feeSpin")->setValue(25.0);
    child<QDoubleSpinBox>(*m_view, "slippageSpin")->setValue(5.0);
    child<QDoubleSpinBox>(*m_view, "capitalSpin")->setValue(50000.0);
    child<QCheckBox>(*m_view, "fallingGuardCheck")->setChecked(true);
    child<QDoubleSpinBox>(*m_view, "fallingGuardSpin")->setValue(60.0);
    child<QDoubleSpinBox>(*m_view, "taxRateSpin")->setValue(25.0);
    auto *taxLots = child<QComboBox>(*m_view, "taxLotsCombo");
    taxLots->setCurrentIndex(taxLots->findData(static_cast<int>(analytics::CostMethod::Hifo)));
    clickRunAndWait(1);

    // The same run straight through the core.
    const auto data = expectedData();
    auto portfolio = *m_context->portfolio();
    backtest::BacktestConfig config;
    for (const QString &asset : data.assets)
        config.targets.push_back(portfolio.targetWeight(asset));
    config.trigger = rebalance::Trigger::threshold(domain::Band{domain::Band::Kind::Absolute, 0.04});
    config.feeRate = 0.0025;
    config.slippageRate = 0.0005;
    config.capital = 50000.0;
    config.fallingGuard = 0.6;
    config.tax = backtest::BacktestTax{0.25, analytics::CostMethod::Hifo};
    auto expected = backtest::Backtester::run(data, config);
    QVERIFY2(expected.ok(), qPrintable(expected.ok() ? QString() : expected.error().message));
    QVERIFY(expected->rebalances > 0);

    const auto *model = m_view->runsModel();
    const ui::BacktestRun *run = model->runAt(0);
    QVERIFY(run && run->detailed());
    QCOMPARE(run->result.assets, data.assets);
    QCOMPARE(run->result.bars, expected->bars);
    auto raw = [model](int column) { return model->data(model->index(0, column), BacktestRunsModel::RawValueRole); };
    QCOMPARE(raw(BacktestRunsModel::TotalReturn).toDouble(), expected->metrics.totalReturn);
    QCOMPARE(raw(BacktestRunsModel::Cagr).toDouble(), expected->metrics.cagr);
    QCOMPARE(raw(BacktestRunsModel::Volatility).toDouble(), expected->metrics.volatility);
    QCOMPARE(raw(BacktestRunsModel::Sharpe).toDouble(), expected->metrics.sharpe);
    QCOMPARE(raw(BacktestRunsModel::Sortino).toDouble(), expected->metrics.sortino);
    QCOMPARE(raw(BacktestRunsModel::MaxDrawdown).toDouble(), expected->metrics.maxDrawdown);
    QCOMPARE(raw(BacktestRunsModel::Calmar).toDouble(), expected->metrics.calmar);
    QCOMPARE(raw(BacktestRunsModel::Rebalances).toInt(), expected->rebalances);
    QCOMPARE(raw(BacktestRunsModel::Turnover).toDouble(), expected->turnover);
    QCOMPARE(raw(BacktestRunsModel::FeesPaid).toDouble(), expected->feesPaid);
    QCOMPARE(raw(BacktestRunsModel::FinalValue).toDouble(), expected->finalValue);
    QCOMPARE(raw(BacktestRunsModel::Premium).toDouble(), expected->rebalancingPremium());
    QVERIFY(expected->taxed);
    QCOMPARE(raw(BacktestRunsModel::TaxPaid).toDouble(), expected->taxPaid);
    QCOMPARE(raw(BacktestRunsModel::FinalValueAfterTax).toDouble(), expected->finalValueAfterTax);
    QCOMPARE(raw(BacktestRunsModel::CagrAfterTax).toDouble(), expected->cagrAfterTax);
    QCOMPARE(m_view->tradesModel()->rowCount(), static_cast<int>(expected->trades.size()));
    QCOMPARE(m_view->alertsModel()->rowCount(), static_cast<int>(expected->alerts.size()));
    QCOMPARE(run->result.equity.size(), expected->equity.size());
    QCOMPARE(run->result.buyAndHold.back().value, expected->buyAndHold.back().value);

    // A second run with a model's weights is compared side by side.
    auto *weights = child<QComboBox>(*m_view, "weightsCombo");
    weights->setCurrentIndex(weights->findData(QStringLiteral("equal")));
    clickRunAndWait(2);
    const ui::BacktestRun *equal = model->runAt(1);
    QVERIFY(equal->result.label.startsWith(QLatin1String("equal ")));
    for (const double weight : equal->config.targets)
        QCOMPARE(weight, 1.0 / static_cast<double>(data.width()));
    QCOMPARE(model->drawnRuns().size(), 2);
}

void TstBacktestView::cancelStopsALongSweepPromptly()
{
    if (!m_hourly)
        QSKIP("the shared price data (BALLAST_SHARED_DATA) is not available");
    // Real hourly SOL (about 47,000 bars) and USDT as cash.
    auto *interval = child<QComboBox>(*m_view, "intervalCombo");
    interval->setCurrentIndex(interval->findText(QStringLiteral("1h")));
    auto *assets = child<QListWidget>(*m_view, "assetList");
    QCOMPARE(assets->count(), 2);
    for (int row = 0; row < assets->count(); ++row)
        QCOMPARE(assets->item(row)->checkState(), Qt::Checked);
    QTest::mouseClick(child<QPushButton>(*m_view, "sweepButton"), Qt::LeftButton);
    auto *dialog = m_view->findChild<ui::SweepDialog *>();
    QVERIFY(dialog);
    QTRY_VERIFY_WITH_TIMEOUT(dialog->isVisible(), 60000);
    SweepGrid grid = longGrid();
    grid.weightSources = {ui::WeightSource{QStringLiteral("targets"), std::nullopt},
                          ui::WeightSource{QStringLiteral("equal"), allocation::Model::Equal},
                          ui::WeightSource{QStringLiteral("inverse-vol"), allocation::Model::InverseVolatility}};
    dialog->setGrid(grid);
    const qint64 total = dialog->grid().runCount();
    QCOMPARE(total, (2 + 2500 + 2 * 2500) * 3);
    QVERIFY(child<QLabel>(*dialog, "sweepCount")->text().contains(QLocale().toString(total)));

    auto *progress = child<QProgressBar>(*m_view, "progressBar");
    auto *cancel = child<QPushButton>(*m_view, "cancelButton");
    QElapsedTimer sinceStart;
    sinceStart.start();
    auto *ok = child<QDialogButtonBox>(*dialog, "")->button(QDialogButtonBox::Ok);
    QTest::mouseClick(ok, Qt::LeftButton);
    QVERIFY(m_view->runner()->isBusy());
    QVERIFY(cancel->isEnabled());
    QVERIFY(!child<QPushButton>(*m_view, "runButton")->isEnabled());
    // Wait until the sweep has really started running.
    QTRY_VERIFY2_WITH_TIMEOUT(progress->maximum() == total && progress->value() >= 50,
                              qPrintable(QStringLiteral("progress %1 of %2; %3")
                                             .arg(progress->value())
                                             .arg(progress->maximum())
                                             .arg(child<QLabel>(*m_view, "statusLabel")->text())),
                              60000);
    const qint64 runningMs = sinceStart.elapsed();
    const int done = progress->value();
    QVERIFY(done < total);

    QElapsedTimer stopping;
    stopping.start();
    int doneAtStop = -1;
    connect(m_view->runner(), &ui::BacktestRunner::cancelled, this,
            [&doneAtStop](int doneRuns, int) { doneAtStop = doneRuns; });
    QTest::mouseClick(cancel, Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(!m_view->runner()->isBusy(), 120000);
    const qint64 stopMs = stopping.elapsed();
    // What the rest would have taken at the pace so far (reported, not asserted:
    // a busy machine must not fail the suite).
    const double remainingMs = static_cast<double>(runningMs) * static_cast<double>(total - done) / done;
    qInfo("cancelled after %d of %lld runs (%d when the workers stopped); stopped in %lld ms, the rest would have "
          "taken about %.0f ms",
          done, total, doneAtStop, stopMs, remainingMs);
    // The workers check Cancel between runs: the sweep stopped, far from its end.
    QVERIFY2(doneAtStop >= done && doneAtStop < total, qPrintable(QString::number(doneAtStop)));

    // Nothing partial is shown; the page works again.
    QCOMPARE(m_view->runsModel()->rowCount(), 0);
    QVERIFY(child<QLabel>(*m_view, "statusLabel")->text().contains(QLatin1String("Cancelled")));
    QVERIFY(!cancel->isEnabled());
    QCOMPARE(progress->value(), 0);
    clickRunAndWait(1);
}

void TstBacktestView::exportsHoldTheRunsNumbers()
{
    clickRunAndWait(1);
    const ui::BacktestRun *run = m_view->runsModel()->runAt(0);
    QVERIFY(run && !run->result.trades.empty());
    const auto targets = m_view->exportTargets();
    QCOMPARE(targets.size(), 4);
    QTemporaryDir dir;
    auto write = [&](const QString &fileName) {
        for (const auto &target : targets) {
            if (target.fileName == fileName) {
                const QString path = dir.filePath(fileName);
                const auto written = target.write(path);
                return written.ok() ? path : QString();
            }
        }
        return QString();
    };

    const QStringList metrics = readLines(write(QStringLiteral("backtest-metrics.csv")));
    QCOMPARE(metrics.size(), 2);
    QCOMPARE(metrics[0],
             QStringLiteral("run,total_return,cagr,volatility,sharpe,sortino,max_drawdown,calmar,"
                            "rebalances,turnover,fees_paid,final_value,rebalancing_premium,tax_paid,"
                            "final_value_after_tax,cagr_after_tax"));
    const QStringList fields = csvFields(metrics[1]);
    QCOMPARE(fields.size(), 16);
    // Not taxed: the after-tax columns stay empty.
    QCOMPARE(fields.mid(13), (QStringList{QString(), QString(), QString()}));
    QCOMPARE(fields[0], run->result.label);
    QCOMPARE(fields[1].toDouble(), run->result.metrics.totalReturn);
    QCOMPARE(fields[6].toDouble(), run->result.metrics.maxDrawdown);
    QCOMPARE(fields[8].toInt(), run->result.rebalances);
    QCOMPARE(fields[10].toDouble(), run->result.feesPaid);
    QCOMPARE(fields[11].toDouble(), run->result.finalValue);

    const QStringList trades = readLines(write(QStringLiteral("backtest-trades.csv")));
    QCOMPARE(trades.size(), static_cast<qsizetype>(run->result.trades.size()) + 1);
    QCOMPARE(trades[0], QStringLiteral("time,asset,side,value"));
    const auto &first = run->result.trades.front();
    const QStringList firstFields = trades[1].split(QLatin1Char(','));
    QCOMPARE(firstFields[0], io::Exports::isoUtc(QDateTime::fromMSecsSinceEpoch(first.timeMs, QTimeZone::utc())));
    QCOMPARE(firstFields[1], run->result.assets[first.asset]);
    QCOMPARE(firstFields[2], first.value > 0 ? QStringLiteral("buy") : QStringLiteral("sell"));
    QVERIFY(std::abs(firstFields[3].toDouble() - std::abs(first.value)) < 1e-8);

    const QStringList equity = readLines(write(QStringLiteral("backtest-equity.csv")));
    QCOMPARE(equity.size(), static_cast<qsizetype>(run->result.equity.size()) + 1);
    QCOMPARE(equity[0], QStringLiteral("time,strategy,buy_and_hold"));
    const QStringList last = equity.back().split(QLatin1Char(','));
    QVERIFY(std::abs(last[1].toDouble() - run->result.finalValue) < 1e-7);
    QVERIFY(std::abs(last[2].toDouble() - run->result.buyAndHoldFinalValue) < 1e-7);
    const QStringList firstRow = equity[1].split(QLatin1Char(','));
    QVERIFY(std::abs(firstRow[1].toDouble() - run->config.capital) < 1e-7);

    const QString png = write(QStringLiteral("backtest-chart.png"));
    QVERIFY(!png.isEmpty());
    QVERIFY(!QImage(png).isNull());
}

void TstBacktestView::badInputSaysWhatAndWhere()
{
    auto *assets = child<QListWidget>(*m_view, "assetList");
    for (int row = 0; row < assets->count(); ++row) {
        if (!assets->item(row)->text().contains(QLatin1String("cash")))
            assets->item(row)->setCheckState(Qt::Unchecked);
    }
    QTest::mouseClick(child<QPushButton>(*m_view, "runButton"), Qt::LeftButton);
    QVERIFY(!m_view->runner()->isBusy());
    QVERIFY(child<QLabel>(*m_view, "statusLabel")->text().startsWith(QLatin1String("Assets:")));

    for (int row = 0; row < assets->count(); ++row)
        assets->item(row)->setCheckState(Qt::Checked);
    auto *from = child<QDateEdit>(*m_view, "fromDate");
    auto *to = child<QDateEdit>(*m_view, "toDate");
    from->setDate(to->date().addDays(10) > to->maximumDate() ? to->date() : to->date().addDays(10));
    QTest::mouseClick(child<QPushButton>(*m_view, "runButton"), Qt::LeftButton);
    QVERIFY(!m_view->runner()->isBusy());
    QVERIFY(child<QLabel>(*m_view, "statusLabel")->text().startsWith(QLatin1String("Dates:")));
    QCOMPARE(m_view->runsModel()->rowCount(), 0);

    // A model that cannot be estimated on too short a range fails with its reason, nothing is added.
    from->setDate(to->date().addDays(-2));
    auto *weights = child<QComboBox>(*m_view, "weightsCombo");
    weights->setCurrentIndex(weights->findData(QStringLiteral("min-variance")));
    QTest::mouseClick(child<QPushButton>(*m_view, "runButton"), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(!m_view->runner()->isBusy(), 60000);
    QVERIFY2(child<QLabel>(*m_view, "statusLabel")->text().contains(QLatin1String("min-variance")),
             qPrintable(child<QLabel>(*m_view, "statusLabel")->text()));
    QCOMPARE(m_view->runsModel()->rowCount(), 0);
}

void TstBacktestView::settingsAreRemembered()
{
    auto *trigger = child<QComboBox>(*m_view, "triggerCombo");
    trigger->setCurrentIndex(trigger->findData(QStringLiteral("calendar")));
    auto *period = child<QComboBox>(*m_view, "periodCombo");
    period->setCurrentIndex(period->findData(QStringLiteral("week")));
    child<QDoubleSpinBox>(*m_view, "feeSpin")->setValue(17.5);
    child<QComboBox>(*m_view, "overlayCombo")->setCurrentIndex(2);
    auto *assets = child<QListWidget>(*m_view, "assetList");
    const auto btc = assets->findItems(QStringLiteral("BTC"), Qt::MatchExactly);
    const auto eth = assets->findItems(QStringLiteral("ETH"), Qt::MatchExactly);
    const auto ada = assets->findItems(QStringLiteral("ADA"), Qt::MatchExactly);
    QCOMPARE(btc.size(), 1);
    QCOMPARE(btc.front()->checkState(), Qt::Checked); // a target of the demo
    QCOMPARE(ada.front()->checkState(), Qt::Unchecked); // not a target
    btc.front()->setCheckState(Qt::Unchecked);
    ada.front()->setCheckState(Qt::Checked);
    m_view.reset();

    {
        // Never shown, it has no lists to save and keeps the choice above.
        ui::BacktestView hidden(*m_context);
    }
    ui::BacktestView again(*m_context);
    // The page reads the stored series when it is first shown.
    QCOMPARE(child<QListWidget>(again, "assetList")->count(), 0);
    again.show();
    QVERIFY(QTest::qWaitForWindowExposed(&again));
    QCOMPARE(child<QComboBox>(again, "triggerCombo")->currentData().toString(), QStringLiteral("calendar"));
    QCOMPARE(child<QComboBox>(again, "periodCombo")->currentData().toString(), QStringLiteral("week"));
    QCOMPARE(child<QDoubleSpinBox>(again, "feeSpin")->value(), 17.5);
    QCOMPARE(child<QComboBox>(again, "overlayCombo")->currentIndex(), 2);
    auto *restored = child<QListWidget>(again, "assetList");
    auto state = [restored](const char *symbol) {
        return restored->findItems(QString::fromLatin1(symbol), Qt::MatchExactly).front()->checkState();
    };
    QCOMPARE(state("BTC"), Qt::Unchecked);
    QCOMPARE(state("ADA"), Qt::Checked);
    QCOMPARE(state("ETH"), Qt::Checked);
    QVERIFY(!eth.isEmpty());
}

QTEST_MAIN(TstBacktestView)
#include "tst_backtestview.moc"
