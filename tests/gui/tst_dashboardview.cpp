// The dashboard on the demo ledger: key figures against PerformanceService
// and against the stored valuations (the demo deposits once, so its
// time-weighted return is the value's change), the equity chart against the
// stored daily valuations, the buy-and-hold line against candles priced by
// hand, and the exports.
#include "appcontext.h"
#include "charts/allocationchart.h"
#include "charts/driftchart.h"
#include "charts/equitychart.h"
#include "io/csvwriter.h"
#include "io/exports.h"
#include "mainwindow.h"
#include "services/demoportfolio.h"
#include "services/ledger.h"
#include "services/performanceservice.h"
#include "services/policyservice.h"
#include "storage/portfoliorepo.h"
#include "storage/pricestore.h"
#include "storage/valuationrepo.h"
#include "testsupport.h"
#include "views/dashboardview.h"

#include <QChart>
#include <QDir>
#include <QFile>
#include <QFrame>
#include <QImage>
#include <QJsonObject>
#include <QLabel>
#include <QLineSeries>
#include <QPieSeries>
#include <QPieSlice>
#include <QProcess>
#include <QSignalSpy>
#include <QTest>
#include <QTimeZone>

using namespace ballast;
using ballast::ui::charts::EquityChart;

namespace {

constexpr qint64 kNow = 1741966200000; // 2025-03-14T15:30:00Z

QString percentText(double fraction, bool sign = false)
{
    QString text = QLocale().toString(fraction * 100.0, 'f', 1) + QStringLiteral(" %");
    if (sign && fraction * 100.0 >= 0.05)
        text.prepend(QLatin1Char('+'));
    return text;
}

} // namespace

class TestDashboardView : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void cleanup();

    void keyFiguresMatchMetrics_data();
    void keyFiguresMatchMetrics();
    void equityChartHoldsValuationHistory();
    void buyAndHoldPricesStartingQuantities();
    void allocationAndDriftFollowLedger();
    void valuationsCsvEqualsCliExport();
    void keyFiguresCsvAndChartPngs();
    void driftLabelsAllShowAt1024x768();

private:
    [[nodiscard]] QString label(const QString &name) const
    {
        const auto *found = m_view->findChild<QLabel *>(name);
        return found ? found->text() : QStringLiteral("<no label %1>").arg(name);
    }

    std::unique_ptr<test::TempDatabase> m_db;
    std::unique_ptr<ui::AppContext> m_context;
    std::unique_ptr<ui::DashboardView> m_view;
    domain::Portfolio m_portfolio;
    QList<domain::Valuation> m_rows;
};

void TestDashboardView::init()
{
    m_db = std::make_unique<test::TempDatabase>();
    const Clock clock = [] { return kNow; };
    const Status created = services::DemoPortfolio::create(m_db->db(), clock);
    QVERIFY2(created, created ? "" : qPrintable(created.error().message));
    m_context = std::make_unique<ui::AppContext>(m_db->db(), m_db->path(), clock);
    auto portfolio = storage::PortfolioRepo(m_db->db()).load();
    QVERIFY(portfolio);
    m_portfolio = *portfolio;
    auto rows = storage::ValuationRepo(m_db->db()).list(m_portfolio.id);
    QVERIFY(rows);
    m_rows = *rows;
    QVERIFY(m_rows.size() > 1000);
    m_view = std::make_unique<ui::DashboardView>(*m_context);
    QSignalSpy loaded(m_view.get(), &ui::DashboardView::historyLoaded);
    m_view->resize(1100, 700);
    m_view->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_view.get()));
    QVERIFY(!loaded.isEmpty() || loaded.wait(60000));
    QVERIFY(m_view->hasHistory());
    // Opening the dashboard rebuilt nothing: the demo stored its rows already.
    auto again = storage::ValuationRepo(m_db->db()).list(m_portfolio.id);
    QVERIFY(again);
    QCOMPARE(*again, m_rows);
}

void TestDashboardView::cleanup()
{
    m_view.reset();
    m_context.reset();
    m_db.reset();
}

void TestDashboardView::keyFiguresMatchMetrics_data()
{
    QTest::addColumn<int>("rangeId");
    QTest::newRow("all") << static_cast<int>(EquityChart::Range::All);
    QTest::newRow("1Y") << static_cast<int>(EquityChart::Range::Year);
    QTest::newRow("1M") << static_cast<int>(EquityChart::Range::Month);
}

void TestDashboardView::keyFiguresMatchMetrics()
{
    QFETCH(int, rangeId);
    const auto range = static_cast<EquityChart::Range>(rangeId);
    m_view->equityChart()->setRange(range);

    // The same range through the service, from the database.
    QList<domain::Valuation> daily;
    for (const auto &row : std::as_const(m_rows)) {
        if (row.kind == domain::Valuation::Kind::Daily)
            daily.append(row);
    }
    QVERIFY(daily.size() > 1000);
    const auto [shownFrom, shownTo] = m_view->equityChart()->visibleRange();
    services::PerformanceQuery query;
    if (range != EquityChart::Range::All)
        query.from = QDateTime::fromMSecsSinceEpoch(shownFrom - 1, QTimeZone::utc()).date();
    auto expected = services::PerformanceService(m_db->db(), [] { return kNow; }).performance(query);
    QVERIFY2(expected, expected ? "" : qPrintable(expected.error().message));
    const auto &shown = m_view->metrics();
    QCOMPARE(shown.points, expected->keyFigures.points);
    QCOMPARE(shown.cagr, expected->keyFigures.cagr);
    QCOMPARE(shown.volatility, expected->keyFigures.volatility);
    QCOMPARE(shown.sharpe, expected->keyFigures.sharpe);
    QCOMPARE(shown.maxDrawdown, expected->keyFigures.maxDrawdown);
    QCOMPARE(m_view->report().twr.total, expected->twr.total);
    QVERIFY(shown.points >= 28);

    // The demo deposits once, on its first day: its time-weighted return is
    // the change of the stored value from the close the range starts at
    // (the whole range: from the deposit) to now.
    double startValue = 10000.0;
    if (range != EquityChart::Range::All) {
        const qint64 startClose = QDateTime(query.from.addDays(1), QTime(0, 0), QTimeZone::utc()).toMSecsSinceEpoch();
        startValue = 0.0;
        for (const auto &row : std::as_const(daily)) {
            if (row.time.toMSecsSinceEpoch() == startClose)
                startValue = row.value.toDouble();
        }
    }
    QVERIFY(startValue > 0.0);
    const double change = expected->value.toDouble() / startValue - 1.0;
    QVERIFY2(qAbs(m_view->report().twr.total - change) < 1e-9,
             qPrintable(QStringLiteral("%1 vs %2").arg(m_view->report().twr.total).arg(change)));

    // What the person reads.
    QCOMPARE(label(QStringLiteral("figure_cagr_value")), percentText(expected->keyFigures.cagr, true));
    QCOMPARE(label(QStringLiteral("figure_volatility_value")), percentText(expected->keyFigures.volatility));
    QCOMPARE(label(QStringLiteral("figure_sharpe_value")), QLocale().toString(expected->keyFigures.sharpe, 'f', 2));
    QCOMPARE(label(QStringLiteral("figure_max_drawdown_value")), percentText(-expected->keyFigures.maxDrawdown));
    QCOMPARE(label(QStringLiteral("figure_change_value")), percentText(change, true));
    QVERIFY(label(QStringLiteral("figure_change_title"))
                .contains(range == EquityChart::Range::All        ? QStringLiteral("all")
                              : range == EquityChart::Range::Year ? QStringLiteral("1Y")
                                                                  : QStringLiteral("1M")));

    // The portfolio value is the snapshot's, in the quote currency.
    auto snapshot = m_context->snapshot();
    QVERIFY(snapshot);
    const QString value = label(QStringLiteral("figure_value_value"));
    QVERIFY2(value.endsWith(QStringLiteral(" USDT")), qPrintable(value));
    const QString whole = snapshot->totalValue().rounded(2).toString().section(QLatin1Char('.'), 0, 0);
    QVERIFY2(value.startsWith(QLocale().toString(whole.toLongLong())), qPrintable(value));
}

void TestDashboardView::equityChartHoldsValuationHistory()
{
    const EquityChart *chart = m_view->equityChart();
    QCOMPARE(chart->curveCount(), 3);
    QList<domain::Valuation> daily;
    for (const auto &row : std::as_const(m_rows)) {
        if (row.kind == domain::Valuation::Kind::Daily)
            daily.append(row);
    }
    const qint64 first = daily.first().time.toMSecsSinceEpoch();
    // The last point is today's value, at now.
    QCOMPARE(chart->visibleRange(), std::make_pair(first, kNow));

    auto *series = qobject_cast<QLineSeries *>(chart->valueChart()->series().value(0));
    QVERIFY(series);
    QCOMPARE(series->name(), m_portfolio.name);
    // Every point drawn before now is a stored daily valuation.
    QHash<qint64, double> stored;
    for (const auto &row : std::as_const(daily))
        stored.insert(row.time.toMSecsSinceEpoch(), row.value.toDouble());
    const auto points = series->points();
    QVERIFY(points.size() > 100);
    QCOMPARE(points.first(), QPointF(static_cast<double>(first), daily.first().value.toDouble()));
    for (const QPointF &point : points) {
        const auto t = static_cast<qint64>(point.x());
        if (t == kNow)
            continue;
        QVERIFY2(stored.contains(t) && stored.value(t) == point.y(),
                 qPrintable(QStringLiteral("point at %1 is not a stored valuation").arg(t)));
    }
    // The net invested line: the demo's one deposit, all along.
    auto *invested = qobject_cast<QLineSeries *>(chart->valueChart()->series().value(1));
    QVERIFY(invested);
    QCOMPARE(invested->name(), QStringLiteral("Net invested"));
    const auto investedPoints = invested->points();
    QVERIFY(!investedPoints.isEmpty());
    for (const QPointF &point : investedPoints)
        QCOMPARE(point.y(), 10000.0);
    QCOMPARE(daily.last().netInvested, std::optional<money::Decimal>(money::Decimal::fromInt(10000)));
    // The tooltip of the newest point names its value in the quote currency.
    QVERIFY(chart->toolTipText(0, kNow).contains(QStringLiteral("USDT")));
}

void TestDashboardView::buyAndHoldPricesStartingQuantities()
{
    std::vector<analytics::EquityPoint> history;
    for (const auto &row : std::as_const(m_rows))
        history.push_back({row.time.toMSecsSinceEpoch(), row.value.toDouble()});
    const auto curve = ui::DashboardView::buyAndHold(m_db->db(), m_portfolio, history);
    QCOMPARE(curve.size(), history.size());
    QVERIFY(qAbs(curve.front().value - history.front().value) < 1e-6 * history.front().value);

    // By hand: the first value split at the targets, priced at the daily closes.
    storage::PriceStore prices(m_db->db());
    const qint64 t0 = history.front().timeMs;
    const qint64 tEnd = history.back().timeMs;
    constexpr qint64 kDayMs = 24LL * 3600 * 1000;
    double end = 0.0;
    for (const auto &target : std::as_const(m_portfolio.targets)) {
        const double weight = target.weight.toDouble();
        if (target.asset == m_portfolio.quote) {
            end += history.front().value * weight;
            continue;
        }
        auto candles = prices.candles(target.asset, m_portfolio.quote, QStringLiteral("1d"));
        QVERIFY(candles && !candles->isEmpty());
        double p0 = 0.0;
        double pEnd = 0.0;
        for (const auto &candle : std::as_const(*candles)) {
            if (candle.openTimeMs + kDayMs <= t0)
                p0 = candle.close;
            if (candle.openTimeMs + kDayMs <= tEnd)
                pEnd = candle.close;
        }
        QVERIFY(p0 > 0.0);
        end += history.front().value * weight / p0 * pEnd;
    }
    QVERIFY2(qAbs(curve.back().value - end) < 1e-6 * end,
             qPrintable(QStringLiteral("%1 vs %2").arg(curve.back().value).arg(end)));
    // Rebalancing moved the portfolio away from buy-and-hold.
    QVERIFY(qAbs(curve.back().value - history.back().value) > 1.0);

    // The chart draws it after the net invested line.
    QCOMPARE(m_view->equityChart()->valueChart()->series().value(2)->name(), QStringLiteral("Buy and hold"));
}

void TestDashboardView::allocationAndDriftFollowLedger()
{
    QPieSeries *targets = m_view->allocationChart()->targetSeries();
    auto targetOf = [&](const QString &asset) {
        const auto slices = targets->slices();
        for (const QPieSlice *slice : slices) {
            if (slice->property("asset").toString() == asset)
                return slice->value();
        }
        return -1.0;
    };
    QVERIFY(qAbs(targetOf(QStringLiteral("BTC")) - 0.40) < 1e-12);
    QVERIFY(qAbs(m_view->allocationChart()->weightSeries()->sum() - 1.0) < 1e-9);

    // A change to the ledger shows after ledgerChanged.
    QList<domain::Target> changed;
    changed << domain::Target{QStringLiteral("BTC"), money::dec("0.70"), {}}
            << domain::Target{QStringLiteral("USDT"), money::dec("0.30"), {}};
    const Status set = m_context->ledger().setTargets(m_portfolio.name, changed, m_portfolio.defaultBand);
    QVERIFY2(set, set ? "" : qPrintable(set.error().message));
    QSignalSpy loaded(m_view.get(), &ui::DashboardView::historyLoaded);
    m_context->notifyLedgerChanged();
    QVERIFY(qAbs(targetOf(QStringLiteral("BTC")) - 0.70) < 1e-12);
    QVERIFY(!loaded.isEmpty() || loaded.wait(60000)); // the history reloads too
    QVERIFY(qAbs(targetOf(QStringLiteral("ETH"))) < 1e-12);
}

// Twelve assets in a 1024x768 window with the "Rebalance due" banner above
// the charts: every asset keeps its label on the drift chart (Qt Charts hides
// a category label that would overlap the one beside it).
void TestDashboardView::driftLabelsAllShowAt1024x768()
{
    const QStringList more{QStringLiteral("ADA"), QStringLiteral("XRP"),  QStringLiteral("DOGE"),
                           QStringLiteral("DOT"), QStringLiteral("AVAX"), QStringLiteral("TRX")};
    QList<domain::PricePoint> prices;
    const QDateTime now = QDateTime::fromMSecsSinceEpoch(kNow, QTimeZone::utc());
    for (const QString &asset : more)
        prices.append({asset, QStringLiteral("USDT"), now, money::dec("2"), QStringLiteral("manual")});
    QVERIFY(m_context->ledger().setPrices(prices).ok());
    QList<domain::Target> targets{
        {QStringLiteral("BTC"), money::dec("0.35"), {}},  {QStringLiteral("ETH"), money::dec("0.20"), {}},
        {QStringLiteral("USDT"), money::dec("0.10"), {}}, {QStringLiteral("SOL"), money::dec("0.08"), {}},
        {QStringLiteral("BNB"), money::dec("0.05"), {}},  {QStringLiteral("LINK"), money::dec("0.04"), {}}};
    for (const QString &asset : more)
        targets.append({asset, money::dec("0.03"), {}});
    QVERIFY(m_context->ledger().setTargets(m_portfolio.name, targets, m_portfolio.defaultBand).ok());
    QVERIFY(services::PolicyService(m_db->db())
                .save({},
                      *rebalance::RebalancePolicy::fromJson(
                          QJsonObject{{QStringLiteral("rule"), QStringLiteral("threshold:2pp")}}))
                .ok());
    m_view.reset(); // one dashboard, the window's

    ui::MainWindow window(*m_context);
    window.resize(1024, 768);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    window.showPage(ui::MainWindow::Page::Dashboard);
    auto *dashboard = qobject_cast<ui::DashboardView *>(window.page(ui::MainWindow::Page::Dashboard));
    QVERIFY(dashboard);
    QTRY_VERIFY_WITH_TIMEOUT(dashboard->dueBanner()->isVisible(), 60000);
    QCOMPARE(window.size(), QSize(1024, 768));
    const ui::charts::DriftChart *drift = dashboard->driftChart();
    QStringList expected;
    for (const auto &target : std::as_const(targets))
        expected.append(target.asset);
    expected.sort();
    auto shown = [drift] {
        QStringList labels = drift->visibleAssetLabels();
        labels.sort();
        return labels;
    };
    QTRY_COMPARE_WITH_TIMEOUT(shown(), expected, 10000);
    window.grab().save(QDir::temp().filePath(QStringLiteral("ballast-dashboard-1024.png")));
    window.close();
}

void TestDashboardView::valuationsCsvEqualsCliExport()
{
    const auto targets = m_view->exportTargets();
    const auto found = std::find_if(targets.begin(), targets.end(), [](const ui::ExportTarget &t) {
        return t.fileName == QLatin1String("valuations.csv");
    });
    QVERIFY(found != targets.end());
    QCOMPARE(found->format, ui::ExportTarget::Format::Csv);
    const QString path = m_db->dir() + QStringLiteral("/gui-valuations.csv");
    const Status written = found->write(path);
    QVERIFY2(written, written ? "" : qPrintable(written.error().message));
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QByteArray gui = file.readAll();
    const QByteArray expected = io::CsvWriter::format(io::Exports::valuations(m_portfolio.name, m_rows));
    QCOMPARE(gui, expected);

    // And the CLI itself, when it is built.
    const QString cli = qEnvironmentVariable("BALLAST_CLI");
    if (cli.isEmpty() || !QFileInfo::exists(cli))
        QSKIP("ballast-cli is not built; compared with io::Exports only");
    m_db->close();
    const QString cliPath = m_db->dir() + QStringLiteral("/cli-valuations.csv");
    QProcess process;
    process.start(cli,
                  {QStringLiteral("--db"), m_db->path(), QStringLiteral("export"), QStringLiteral("valuations"),
                   QStringLiteral("--out"), cliPath});
    QVERIFY(process.waitForFinished(60000));
    QCOMPARE(process.exitCode(), 0);
    QFile cliFile(cliPath);
    QVERIFY(cliFile.open(QIODevice::ReadOnly));
    QCOMPARE(gui, cliFile.readAll());
}

void TestDashboardView::keyFiguresCsvAndChartPngs()
{
    const auto table = m_view->keyFiguresTable();
    QCOMPARE(table.header, (QStringList{QStringLiteral("figure"), QStringLiteral("value"), QStringLiteral("unit")}));
    QHash<QString, QString> values;
    for (const auto &row : table.rows)
        values.insert(row.value(0), row.value(1));
    QCOMPARE(values.value(QStringLiteral("cagr")).toDouble(), m_view->metrics().cagr);
    QCOMPARE(values.value(QStringLiteral("max_drawdown")).toDouble(), m_view->metrics().maxDrawdown);
    auto snapshot = m_context->snapshot();
    QVERIFY(snapshot);
    QCOMPARE(values.value(QStringLiteral("portfolio_value")), snapshot->totalValue().toString());

    int pngs = 0;
    const auto targets = m_view->exportTargets();
    for (const auto &target : targets) {
        const QString path = m_db->dir() + QLatin1Char('/') + target.fileName;
        const Status written = target.write(path);
        QVERIFY2(written, written ? "" : qPrintable(written.error().message));
        QVERIFY(QFileInfo(path).size() > 0);
        if (target.format != ui::ExportTarget::Format::Png)
            continue;
        ++pngs;
        const QImage image(path);
        QVERIFY2(!image.isNull(), qPrintable(path));
        QSet<QRgb> colours;
        for (int y = 0; y < image.height(); y += 4) {
            for (int x = 0; x < image.width(); x += 4)
                colours.insert(image.pixel(x, y));
        }
        QVERIFY2(colours.size() > 10, qPrintable(path));
    }
    QCOMPARE(pngs, 3);
}

QTEST_MAIN(TestDashboardView)
#include "tst_dashboardview.moc"
