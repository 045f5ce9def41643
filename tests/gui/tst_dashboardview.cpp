// The dashboard on the demo ledger: key figures against Metrics computed
// directly, the equity chart against the stored valuations, the buy-and-hold
// line against candles priced by hand, and the exports.
#include "appcontext.h"
#include "charts/allocationchart.h"
#include "charts/equitychart.h"
#include "io/csvwriter.h"
#include "io/exports.h"
#include "services/demoportfolio.h"
#include "services/ledger.h"
#include "storage/portfoliorepo.h"
#include "storage/pricestore.h"
#include "storage/valuationrepo.h"
#include "testsupport.h"
#include "views/dashboardview.h"

#include <QChart>
#include <QFile>
#include <QImage>
#include <QLabel>
#include <QLineSeries>
#include <QPieSeries>
#include <QPieSlice>
#include <QProcess>
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
    m_view->resize(1100, 700);
    m_view->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_view.get()));
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

    // Directly: the daily valuations inside the chart's range, one bar a day.
    const qint64 first = m_rows.first().time.toMSecsSinceEpoch();
    const qint64 last = m_rows.last().time.toMSecsSinceEpoch();
    const qint64 from = EquityChart::rangeStart(range, first, last);
    std::vector<analytics::EquityPoint> daily;
    double startValue = 0.0; // the first valuation of any kind in the range

    for (const auto &row : std::as_const(m_rows)) {
        const qint64 t = row.time.toMSecsSinceEpoch();
        if (t < from)
            continue;
        if (startValue == 0.0)
            startValue = row.value.toDouble();
        if (row.kind == domain::Valuation::Kind::Daily)
            daily.push_back({t, row.value.toDouble()});
    }
    QVERIFY(daily.size() >= 28);
    QVERIFY(startValue > 0.0);
    const auto expected = analytics::Metrics::compute(daily, 1.0);
    const auto &shown = m_view->metrics();
    QCOMPARE(shown.points, expected.points);
    QCOMPARE(shown.cagr, expected.cagr);
    QCOMPARE(shown.volatility, expected.volatility);
    QCOMPARE(shown.sharpe, expected.sharpe);
    QCOMPARE(shown.maxDrawdown, expected.maxDrawdown);

    // What the person reads.
    QCOMPARE(label(QStringLiteral("figure_cagr_value")), percentText(expected.cagr, true));
    QCOMPARE(label(QStringLiteral("figure_volatility_value")), percentText(expected.volatility));
    QCOMPARE(label(QStringLiteral("figure_sharpe_value")), QLocale().toString(expected.sharpe, 'f', 2));
    QCOMPARE(label(QStringLiteral("figure_max_drawdown_value")), percentText(-expected.maxDrawdown));
    const double change = m_rows.last().value.toDouble() / startValue - 1.0;
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
    QCOMPARE(chart->curveCount(), 2);
    const qint64 first = m_rows.first().time.toMSecsSinceEpoch();
    const qint64 last = m_rows.last().time.toMSecsSinceEpoch();
    QCOMPARE(chart->visibleRange(), std::make_pair(first, last));

    auto *series = qobject_cast<QLineSeries *>(chart->valueChart()->series().value(0));
    QVERIFY(series);
    QCOMPARE(series->name(), m_portfolio.name);
    // Every point drawn is a stored valuation, first and last included.
    QHash<qint64, double> stored;
    for (const auto &row : std::as_const(m_rows))
        stored.insert(row.time.toMSecsSinceEpoch(), row.value.toDouble());
    const auto points = series->points();
    QVERIFY(points.size() > 100);
    QCOMPARE(points.first(), QPointF(static_cast<double>(first), m_rows.first().value.toDouble()));
    QCOMPARE(points.last(), QPointF(static_cast<double>(last), m_rows.last().value.toDouble()));
    for (const QPointF &point : points) {
        const auto t = static_cast<qint64>(point.x());
        QVERIFY2(stored.contains(t) && stored.value(t) == point.y(),
                 qPrintable(QStringLiteral("point at %1 is not a stored valuation").arg(t)));
    }
    // The tooltip of the newest point names its value in the quote currency.
    QVERIFY(chart->toolTipText(0, last).contains(QStringLiteral("USDT")));
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

    // The chart draws it as the second curve.
    QCOMPARE(m_view->equityChart()->valueChart()->series().value(1)->name(), QStringLiteral("Buy and hold"));
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
    m_context->notifyLedgerChanged();
    QVERIFY(qAbs(targetOf(QStringLiteral("BTC")) - 0.70) < 1e-12);
    QVERIFY(qAbs(targetOf(QStringLiteral("ETH"))) < 1e-12);
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
