// The chart widgets: LTTB downsampling, the equity chart's panes, axes and
// range, the allocation rings, the drift bars, and PNG export of a chart.
#include "charts/allocationchart.h"
#include "charts/chartstyle.h"
#include "charts/driftchart.h"
#include "charts/equitychart.h"
#include "charts/lttb.h"
#include "export/exporttarget.h"

#include <QAbstractAxis>
#include <QAreaSeries>
#include <QChart>
#include <QCheckBox>
#include <QDateTimeAxis>
#include <QImage>
#include <QLineSeries>
#include <QPieSeries>
#include <QPieSlice>
#include <QRandomGenerator>
#include <QSet>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QTimeZone>
#include <QToolButton>

using namespace ballast;
using ballast::ui::charts::AllocationChart;
using ballast::ui::charts::ChartStyle;
using ballast::ui::charts::DriftChart;
using ballast::ui::charts::EquityChart;
using ballast::ui::charts::lttb;

namespace {

constexpr qint64 kDayMs = 24LL * 3600 * 1000;
constexpr qint64 kStart = 1640995200000; // 2022-01-01T00:00:00Z

std::vector<analytics::EquityPoint> walk(int days, double start = 10000.0, quint32 seed = 7)
{
    QRandomGenerator random(seed);
    std::vector<analytics::EquityPoint> points;
    double value = start;
    for (int i = 0; i < days; ++i) {
        points.push_back({kStart + i * kDayMs, value});
        value *= 1.0 + (random.generateDouble() - 0.5) * 0.04;
    }
    return points;
}

QLineSeries *curveSeries(const EquityChart &chart, int index)
{
    return qobject_cast<QLineSeries *>(chart.valueChart()->series().value(index));
}

QAreaSeries *drawdownSeries(const EquityChart &chart)
{
    return qobject_cast<QAreaSeries *>(chart.drawdownChart()->series().value(0));
}

QDateTimeAxis *dateAxis(QChart *chart)
{
    return qobject_cast<QDateTimeAxis *>(chart->axes(Qt::Horizontal).value(0));
}

} // namespace

class TestCharts : public QObject
{
    Q_OBJECT

private slots:
    // LTTB
    void lttbReturnsShortInputUnchanged_data();
    void lttbReturnsShortInputUnchanged();
    void lttbChoosesLargestTriangles();
    void lttbKeepsSpike();
    void lttbKeepsOrderEndsAndCount();

    // EquityChart
    void equityDownsamplesToWidth();
    void equityDrawdownOfFirstCurve();
    void equityLogToggleSwitchesAxis();
    void equityLogRefusedForNonPositive();
    void equityRangeNarrowsBothPanes();
    void equityToolTipNamesDateAndValue();

    // AllocationChart and DriftChart
    void allocationRingsNestAndSum();
    void driftColoursOutsideBar();

    // Palette and export
    void followsDarkPalette();
    void pngExportIsNotFlat();
};

void TestCharts::lttbReturnsShortInputUnchanged_data()
{
    QTest::addColumn<int>("size");
    QTest::addColumn<int>("threshold");
    QTest::newRow("threshold equals size") << 10 << 10;
    QTest::newRow("threshold above size") << 10 << 50;
    QTest::newRow("threshold below 3") << 10 << 2;
    QTest::newRow("empty") << 0 << 5;
}

void TestCharts::lttbReturnsShortInputUnchanged()
{
    QFETCH(int, size);
    QFETCH(int, threshold);
    std::vector<QPointF> points;
    points.reserve(static_cast<std::size_t>(size));
    for (int i = 0; i < size; ++i)
        points.emplace_back(i, (i * 37) % 11);
    QCOMPARE(lttb(points, threshold), points);
}

void TestCharts::lttbChoosesLargestTriangles()
{
    // 7 points into 4: two buckets of 2.5 points, [1, 3) and [3, 6).
    // Bucket 1, kept (0,0), next mean (4, 7/3): twice the areas are
    //   (1,1): |-4*1 + 7/3*1| = 5/3, (2,3): |-4*3 + 7/3*2| = 22/3  -> (2,3).
    // Bucket 2, kept (2,3), next is the last point (6,1):
    //   (3,2): |-4*-1 + 2*-1| = 2, (4,0): |-4*-3 + 2*-2| = 8, (5,5): |-4*2 + 2*-3| = 14  -> (5,5).
    const std::vector<QPointF> points{{0, 0}, {1, 1}, {2, 3}, {3, 2}, {4, 0}, {5, 5}, {6, 1}};
    const std::vector<QPointF> expected{{0, 0}, {2, 3}, {5, 5}, {6, 1}};
    QCOMPARE(lttb(points, 4), expected);

    // Three points kept: one bucket of all middle points, against the first and last point.
    // Kept (0,0), last (6,1): twice the area is |-6y + x|: (5,5) gives 25, the largest.
    const std::vector<QPointF> three{{0, 0}, {5, 5}, {6, 1}};
    QCOMPARE(lttb(points, 3), three);
}

void TestCharts::lttbKeepsSpike()
{
    std::vector<QPointF> points;
    points.reserve(1000);
    for (int i = 0; i < 1000; ++i)
        points.emplace_back(i, i == 537 ? 100.0 : 1.0 + (i % 3) * 0.01);
    const auto kept = lttb(points, 20);
    QCOMPARE(kept.size(), std::size_t{20});
    const bool spike = std::any_of(kept.begin(), kept.end(), [](const QPointF &p) { return p.y() == 100.0; });
    QVERIFY2(spike, "the spike at x = 537 was dropped");
}

void TestCharts::lttbKeepsOrderEndsAndCount()
{
    QRandomGenerator random(42);
    std::vector<QPointF> points;
    double y = 0;
    for (int i = 0; i < 10000; ++i) {
        y += random.generateDouble() - 0.5;
        points.emplace_back(i * 0.5, y);
    }
    const auto kept = lttb(points, 150);
    QCOMPARE(kept.size(), std::size_t{150});
    QCOMPARE(kept.front(), points.front());
    QCOMPARE(kept.back(), points.back());
    for (std::size_t i = 1; i < kept.size(); ++i)
        QVERIFY2(kept[i - 1].x() < kept[i].x(), qPrintable(QStringLiteral("x not increasing at %1").arg(i)));
    // Every kept point is an input point.
    for (const QPointF &point : kept) {
        const auto index = static_cast<std::size_t>(point.x() * 2.0);
        QCOMPARE(points.at(index), point);
    }
}

void TestCharts::equityDownsamplesToWidth()
{
    EquityChart chart;
    chart.resize(800, 400);
    chart.show();
    QVERIFY(QTest::qWaitForWindowExposed(&chart));
    chart.setCurves({{QStringLiteral("Portfolio"), walk(100000)}, {QStringLiteral("Benchmark"), walk(100000, 9000, 3)}},
                    QStringLiteral("USDT"));
    const int pixels = static_cast<int>(chart.width() * chart.devicePixelRatioF());
    for (int i = 0; i < 2; ++i) {
        const auto count = curveSeries(chart, i)->count();
        QVERIFY2(count <= pixels && count >= pixels / 2,
                 qPrintable(QStringLiteral("curve %1: %2 points for %3 pixels").arg(i).arg(count).arg(pixels)));
    }
    QVERIFY(drawdownSeries(chart)->upperSeries()->count() <= pixels);

    chart.resize(400, 300);
    QTRY_VERIFY_WITH_TIMEOUT(curveSeries(chart, 0)->count() <= static_cast<int>(400 * chart.devicePixelRatioF()),
                             60000);
    // The first and the last point stay.
    const auto points = curveSeries(chart, 0)->points();
    QCOMPARE(points.first().x(), static_cast<double>(kStart));
    QCOMPARE(points.last().x(), static_cast<double>(kStart + 99999 * kDayMs));
}

void TestCharts::equityDrawdownOfFirstCurve()
{
    EquityChart chart;
    chart.setCurves({{QStringLiteral("A"), {{kStart, 100}, {kStart + kDayMs, 120}, {kStart + 2 * kDayMs, 90}}},
                     {QStringLiteral("B"), {{kStart, 100}, {kStart + kDayMs, 50}, {kStart + 2 * kDayMs, 100}}}},
                    QStringLiteral("EUR"));
    const auto points = drawdownSeries(chart)->upperSeries()->points();
    QCOMPARE(points.size(), 3);
    QCOMPARE(points[0].y(), 0.0);
    QCOMPARE(points[1].y(), 0.0);
    QCOMPARE(points[2].y(), -25.0); // 90 is 25 % below the peak of 120; curve B has no pane
    QCOMPARE(chart.valueChart()->series().size(), 2);
}

void TestCharts::equityLogToggleSwitchesAxis()
{
    EquityChart chart;
    chart.setCurves({{QStringLiteral("A"), walk(400)}}, QStringLiteral("USDT"));
    auto verticalType = [&] { return chart.valueChart()->axes(Qt::Vertical).value(0)->type(); };
    QCOMPARE(verticalType(), QAbstractAxis::AxisTypeValue);
    QSignalSpy toggled(&chart, &EquityChart::logScaleChanged);
    auto *box = chart.findChild<QCheckBox *>();
    QVERIFY(box);
    QVERIFY(!box->accessibleName().isEmpty());
    box->click();
    QVERIFY(chart.logScale());
    QCOMPARE(verticalType(), QAbstractAxis::AxisTypeLogValue);
    QCOMPARE(chart.valueChart()->axes(Qt::Vertical).size(), 1);
    QCOMPARE(toggled.size(), 1);
    // The curve is attached to the new axis and the axis spans the values.
    QCOMPARE(curveSeries(chart, 0)->attachedAxes().size(), 2);
    chart.setLogScale(false);
    QCOMPARE(verticalType(), QAbstractAxis::AxisTypeValue);
    QVERIFY(!box->isChecked());
}

void TestCharts::equityLogRefusedForNonPositive()
{
    EquityChart chart;
    chart.setCurves({{QStringLiteral("A"), {{kStart, 100}, {kStart + kDayMs, 0}, {kStart + 2 * kDayMs, 50}}}},
                    QStringLiteral("USDT"));
    chart.setLogScale(true);
    QVERIFY(!chart.logScale());
    QCOMPARE(chart.valueChart()->axes(Qt::Vertical).value(0)->type(), QAbstractAxis::AxisTypeValue);
}

void TestCharts::equityRangeNarrowsBothPanes()
{
    EquityChart chart;
    const auto curve = walk(3 * 365);
    const qint64 last = curve.back().timeMs;
    chart.setCurves({{QStringLiteral("A"), curve}}, QStringLiteral("USDT"));
    QCOMPARE(dateAxis(chart.valueChart())->min().toMSecsSinceEpoch(), kStart);
    QCOMPARE(dateAxis(chart.valueChart())->max().toMSecsSinceEpoch(), last);

    QSignalSpy changed(&chart, &EquityChart::rangeChanged);
    chart.setRange(EquityChart::Range::Month);
    const qint64 monthAgo = QDateTime::fromMSecsSinceEpoch(last, QTimeZone::utc()).addMonths(-1).toMSecsSinceEpoch();
    QCOMPARE(changed.size(), 1);
    QCOMPARE(chart.visibleRange(), std::make_pair(monthAgo, last));
    for (QChart *pane : {chart.valueChart(), chart.drawdownChart()}) {
        QCOMPARE(dateAxis(pane)->min().toMSecsSinceEpoch(), monthAgo);
        QCOMPARE(dateAxis(pane)->max().toMSecsSinceEpoch(), last);
    }
    // About 31 days on show, plus one neighbour on each side.
    QVERIFY(curveSeries(chart, 0)->count() <= 34);

    // The 1Y button narrows to a year.
    auto *year = chart.findChild<QToolButton *>(QStringLiteral("range_1Y"));
    QVERIFY(year);
    QVERIFY(!year->accessibleName().isEmpty());
    year->click();
    QCOMPARE(chart.range(), EquityChart::Range::Year);
    QCOMPARE(dateAxis(chart.drawdownChart())->min().toMSecsSinceEpoch(),
             QDateTime::fromMSecsSinceEpoch(last, QTimeZone::utc()).addYears(-1).toMSecsSinceEpoch());
    // A range longer than the history shows all of it.
    chart.setRange(EquityChart::Range::ThreeYears);
    QCOMPARE(dateAxis(chart.valueChart())->min().toMSecsSinceEpoch(), kStart);
}

void TestCharts::equityToolTipNamesDateAndValue()
{
    EquityChart chart;
    chart.setCurves({{QStringLiteral("Portfolio"), {{kStart, 1234.5}, {kStart + kDayMs, 2345.25}}}},
                    QStringLiteral("USDT"));
    // Nearest point: 20 hours after the first is nearer the second.
    const QString text = chart.toolTipText(0, kStart + 20LL * 3600 * 1000);
    QVERIFY2(text.contains(QStringLiteral("Portfolio")), qPrintable(text));
    QVERIFY2(text.contains(QLocale().toString(2345.25, 'f', 2) + QStringLiteral(" USDT")), qPrintable(text));
    QVERIFY2(text.contains(QLocale().toString(QDate(2022, 1, 2), QLocale::ShortFormat)), qPrintable(text));
    QVERIFY(chart.toolTipText(0, kStart).contains(QLocale().toString(1234.5, 'f', 2)));
    QVERIFY(chart.toolTipText(1, kStart).isEmpty());
}

void TestCharts::allocationRingsNestAndSum()
{
    AllocationChart chart;
    chart.setSlices({{QStringLiteral("BTC"), 0.50, 0.40},
                     {QStringLiteral("ETH"), 0.29, 0.40},
                     {QStringLiteral("USDT"), 0.20, 0.20},
                     {QStringLiteral("DOGE"), 0.01, 0.0}});
    QPieSeries *weights = chart.weightSeries();
    QPieSeries *targets = chart.targetSeries();
    QCOMPARE(chart.chart()->series().size(), 2);
    QCOMPARE(weights->count(), 4);
    QCOMPARE(targets->count(), 4);
    QVERIFY(qAbs(weights->sum() - 1.0) < 1e-12);
    QVERIFY(qAbs(targets->sum() - 1.0) < 1e-12);
    // The target ring lies outside the weight pie, and is thinner.
    QVERIFY(targets->holeSize() >= weights->pieSize());
    QVERIFY(targets->pieSize() - targets->holeSize() < weights->pieSize() - weights->holeSize());
    for (int i = 0; i < 4; ++i) {
        QCOMPARE(weights->slices()[i]->color(), targets->slices()[i]->color());
        if (i > 0)
            QVERIFY(weights->slices()[i]->color() != weights->slices()[i - 1]->color());
    }
    // Labels only on slices above a few percent.
    QVERIFY(weights->slices()[0]->isLabelVisible());
    QVERIFY(!weights->slices()[3]->isLabelVisible());
    QCOMPARE(chart.toolTipText(QStringLiteral("ETH")),
             QStringLiteral("ETH: weight %1 %, target %2 %")
                 .arg(QLocale().toString(29.0, 'f', 1), QLocale().toString(40.0, 'f', 1)));
}

void TestCharts::driftColoursOutsideBar()
{
    DriftChart chart;
    chart.setBars({{QStringLiteral("BTC"), 0.02, -0.05, 0.05, false},
                   {QStringLiteral("ETH"), -0.07, -0.05, 0.05, true},
                   {QStringLiteral("SOL"), 0.01, -0.025, 0.025, false}});
    QCOMPARE(chart.barColor(0), chart.barColor(2));
    QVERIFY(chart.barColor(1) != chart.barColor(0));
    QCOMPARE(chart.barColor(1), ChartStyle::alertColor(chart.palette()));
    QVERIFY(chart.toolTipText(1).contains(QStringLiteral("ETH")));
    // Band edges: one short line per asset and edge, at the edge in percentage points.
    QList<QLineSeries *> lines;
    const auto series = chart.chart()->series();
    for (QAbstractSeries *s : series) {
        if (auto *line = qobject_cast<QLineSeries *>(s); line && line->count() == 6)
            lines << line;
    }
    QCOMPARE(lines.size(), 2);
    QSet<double> edges;
    for (QLineSeries *line : lines) {
        const auto points = line->points();
        for (const QPointF &point : points)
            edges.insert(point.x());
    }
    QCOMPARE(edges, (QSet<double>{-5.0, 5.0, -2.5, 2.5}));
}

void TestCharts::followsDarkPalette()
{
    EquityChart equity;
    AllocationChart allocation;
    DriftChart drift;
    equity.setCurves({{QStringLiteral("A"), walk(50)}}, QStringLiteral("USDT"));
    QCOMPARE(equity.valueChart()->theme(),
             ChartStyle::isDark(equity.palette()) ? QChart::ChartThemeDark : QChart::ChartThemeLight);
    QPalette dark;
    dark.setColor(QPalette::Window, QColor(0x20, 0x22, 0x25));
    dark.setColor(QPalette::Base, QColor(0x18, 0x1a, 0x1c));
    dark.setColor(QPalette::Text, QColor(0xe8, 0xe8, 0xe8));
    dark.setColor(QPalette::WindowText, QColor(0xe8, 0xe8, 0xe8));
    for (QWidget *widget : std::initializer_list<QWidget *>{&equity, &allocation, &drift})
        widget->setPalette(dark);
    for (QChart *chart : {equity.valueChart(), equity.drawdownChart(), allocation.chart(), drift.chart()}) {
        QCOMPARE(chart->theme(), QChart::ChartThemeDark);
        QCOMPARE(chart->backgroundBrush().color(), QColor(0x18, 0x1a, 0x1c));
        const auto axes = chart->axes();
        for (const QAbstractAxis *axis : axes)
            QCOMPARE(axis->labelsBrush().color(), QColor(0xe8, 0xe8, 0xe8));
    }
    // The curves keep their own colours after the theme change.
    QCOMPARE(qobject_cast<QLineSeries *>(equity.valueChart()->series().value(0))->color(),
             ChartStyle::seriesColor(0, dark));
}

void TestCharts::pngExportIsNotFlat()
{
    EquityChart chart;
    chart.resize(900, 420);
    chart.show();
    QVERIFY(QTest::qWaitForWindowExposed(&chart));
    chart.setCurves({{QStringLiteral("A"), walk(800)}}, QStringLiteral("USDT"));
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("equity.png"));
    const auto target = ui::pngTarget(QStringLiteral("Equity"), QStringLiteral("equity.png"), &chart);
    const Status written = target.write(path);
    QVERIFY2(written, written ? "" : qPrintable(written.error().message));
    QVERIFY(QFileInfo(path).size() > 0);
    const QImage image(path);
    QVERIFY(!image.isNull());
    QCOMPARE(image.width(), static_cast<int>(900 * chart.devicePixelRatioF()));
    QSet<QRgb> colours;
    for (int y = 0; y < image.height(); y += 3) {
        for (int x = 0; x < image.width(); x += 3)
            colours.insert(image.pixel(x, y));
    }
    QVERIFY2(colours.size() > 20, qPrintable(QStringLiteral("%1 colours").arg(colours.size())));
}

QTEST_MAIN(TestCharts)
#include "tst_charts.moc"
