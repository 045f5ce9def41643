#include "charts/driftchart.h"

#include "charts/chartstyle.h"

#include <QBarCategoryAxis>
#include <QBarSet>
#include <QChart>
#include <QChartView>
#include <QCursor>
#include <QEvent>
#include <QFontInfo>
#include <QFontMetricsF>
#include <QGraphicsLayout>
#include <QGraphicsScene>
#include <QGraphicsTextItem>
#include <QHorizontalStackedBarSeries>
#include <QLegend>
#include <QLegendMarker>
#include <QLineSeries>
#include <QLocale>
#include <QToolTip>
#include <QVBoxLayout>
#include <QValueAxis>

#include <algorithm>
#include <cmath>

namespace ballast::ui::charts {

namespace {

// How far each band edge reaches up and down around its bar (a bar is 1 unit of the asset axis).
constexpr double kEdgeHalfHeight = 0.42;
// The smallest asset label font, in pixels; below it a label is not worth
// reading and the chart asks for more height instead.
constexpr int kSmallestLabelPx = 8;
// Room a category label needs above its text height before Qt Charts takes it
// for an overlap and hides it.
constexpr double kLabelGap = 3.0;
constexpr int kMinimumHeight = 180;
// Up to this many bars the legend sits below the chart, beyond it to the right.
constexpr qsizetype kBarsWithLegendBelow = 8;

QString pointsText(double fraction, bool sign)
{
    const double pp = fraction * 100.0;
    QString text = QLocale().toString(pp, 'f', 1);
    if (sign && pp > 0.0)
        text.prepend(QLatin1Char('+'));
    return text;
}

double roundUpToNice(double value)
{
    if (!(value > 0.0))
        return 1.0;
    const double magnitude = std::pow(10.0, std::floor(std::log10(value)));
    for (const double step : {1.0, 2.0, 2.5, 5.0, 10.0}) {
        if (value <= step * magnitude)
            return step * magnitude;
    }
    return 10.0 * magnitude;
}

} // namespace

DriftChart::DriftChart(QWidget *parent)
    : QWidget(parent)
{
    setAccessibleName(tr("Drift chart"));
    m_chart = new QChart;
    m_chart->layout()->setContentsMargins(0, 0, 0, 0);
    m_chart->setMargins(QMargins(4, 4, 12, 4));
    m_chart->setTitle(tr("Drift from target (percentage points)"));
    m_chart->legend()->setAlignment(Qt::AlignBottom);

    m_inside = new QBarSet(tr("Within band"), this);
    m_outside = new QBarSet(tr("Outside band"), this);
    m_series = new QHorizontalStackedBarSeries(this);
    m_series->append(m_inside);
    m_series->append(m_outside);
    m_series->setBarWidth(0.62);
    m_chart->addSeries(m_series);

    m_lowerEdge = new QLineSeries(this);
    m_lowerEdge->setName(tr("Tolerance band"));
    m_upperEdge = new QLineSeries(this);
    m_upperEdge->setName(tr("Tolerance band"));
    m_zero = new QLineSeries(this);
    m_zero->setName(tr("Target"));
    m_chart->addSeries(m_zero);
    m_chart->addSeries(m_lowerEdge);
    m_chart->addSeries(m_upperEdge);

    m_driftAxis = new QValueAxis;
    m_driftAxis->setLabelFormat(QStringLiteral("%.0f"));
    m_assetAxis = new QBarCategoryAxis;
    // Asset symbols are short: never let the chart elide them to "...".
    m_assetAxis->setTruncateLabels(false);
    m_chart->addAxis(m_driftAxis, Qt::AlignBottom);
    m_chart->addAxis(m_assetAxis, Qt::AlignLeft);
    for (QAbstractSeries *series :
         std::initializer_list<QAbstractSeries *>{m_series, m_zero, m_lowerEdge, m_upperEdge}) {
        series->attachAxis(m_driftAxis);
        series->attachAxis(m_assetAxis);
    }

    connect(m_series, &QAbstractBarSeries::hovered, this, [this](bool state, int index, QBarSet *) {
        if (!state) {
            QToolTip::hideText();
            return;
        }
        QToolTip::showText(QCursor::pos(), toolTipText(static_cast<int>(m_bars.size()) - 1 - index), this);
    });

    m_view = new QChartView(m_chart, this);
    m_view->setObjectName(QStringLiteral("driftChartView"));
    m_view->setAccessibleName(tr("Drift from target per asset"));
    m_view->setMinimumSize(260, kMinimumHeight);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_view);
    // The plot area is known only once the chart is laid out; fitting the
    // labels changes the layout again, so it runs a turn later.
    connect(m_chart, &QChart::plotAreaChanged, this, [this] {
        if (m_fitPending)
            return;
        m_fitPending = true;
        QMetaObject::invokeMethod(this, &DriftChart::fitLabels, Qt::QueuedConnection);
    });
    restyle();
    setBars({});
}

DriftChart::~DriftChart() = default;

void DriftChart::setBars(const QList<Bar> &bars)
{
    m_bars = bars;
    // Two stacked sets, one of them zero for each asset: a bar takes the
    // colour of the set it is in, and the legend says what the colours mean.
    QList<qreal> inside;
    QList<qreal> outside;
    QStringList assets;
    QList<QPointF> lower;
    QList<QPointF> upper;
    double reach = 1.0; // percentage points; at least ±1 so an all-zero chart still has an axis
    // The asset axis counts bottom up; feed it in reverse so the first asset is on top.
    for (qsizetype i = bars.size() - 1; i >= 0; --i) {
        const Bar &bar = bars[i];
        const double pp = bar.drift * 100.0;
        inside << (bar.outside ? 0.0 : pp);
        outside << (bar.outside ? pp : 0.0);
        assets << bar.asset;
        const auto y = static_cast<double>(bars.size() - 1 - i);
        lower << QPointF(bar.lower * 100.0, y - kEdgeHalfHeight) << QPointF(bar.lower * 100.0, y + kEdgeHalfHeight);
        upper << QPointF(bar.upper * 100.0, y - kEdgeHalfHeight) << QPointF(bar.upper * 100.0, y + kEdgeHalfHeight);
        reach = std::max({reach, std::abs(pp), std::abs(bar.lower * 100.0), std::abs(bar.upper * 100.0)});
    }
    m_inside->remove(0, m_inside->count());
    m_outside->remove(0, m_outside->count());
    m_inside->append(inside);
    m_outside->append(outside);
    m_assetAxis->clear();
    m_assetAxis->append(assets.isEmpty() ? QStringList{QString()} : assets);
    m_lowerEdge->replace(lower);
    m_upperEdge->replace(upper);
    const double top = static_cast<double>(std::max<qsizetype>(1, bars.size())) - 0.5;
    m_zero->replace(QList<QPointF>{QPointF(0.0, -0.5), QPointF(0.0, top)});

    const double limit = roundUpToNice(reach * 1.15);
    m_driftAxis->setRange(-limit, limit);
    m_driftAxis->setTickCount(5);
    m_driftAxis->setLabelFormat(limit < 4.0 ? QStringLiteral("%.1f") : QStringLiteral("%.0f"));
    // Many assets: the legend goes beside the bars and leaves its height to the rows.
    const Qt::Alignment legendAt = bars.size() > kBarsWithLegendBelow ? Qt::AlignRight : Qt::AlignBottom;
    if (m_chart->legend()->alignment() != legendAt)
        m_chart->legend()->setAlignment(legendAt);
    fitLabels();
}

void DriftChart::fitLabels()
{
    m_fitPending = false;
    const qreal plotHeight = m_chart->plotArea().height();
    const qreal chartHeight = m_chart->size().height();
    if (plotHeight <= 0.0 || chartHeight <= plotHeight)
        return; // not laid out yet: plotAreaChanged comes back
    const auto rows = static_cast<qreal>(std::max<qsizetype>(1, m_bars.size()));
    const qreal row = plotHeight / rows;
    // The largest font up to the chart's own whose labels fit their rows.
    QFont font = m_labelFont;
    int pixels = std::max(kSmallestLabelPx, QFontInfo(m_labelFont).pixelSize());
    font.setPixelSize(pixels);
    while (pixels > kSmallestLabelPx && QFontMetricsF(font).height() + kLabelGap > row)
        font.setPixelSize(--pixels);
    if (m_assetAxis->labelsFont() != font)
        m_assetAxis->setLabelsFont(font);
    // The title, legend and value axis keep their room; each row needs at
    // least the smallest font's (not the current font's: the chart may
    // still shrink down to that).
    QFont smallest = m_labelFont;
    smallest.setPixelSize(kSmallestLabelPx);
    const qreal overhead = chartHeight - plotHeight;
    const int needed = std::max(
        kMinimumHeight, static_cast<int>(std::ceil(overhead + rows * (QFontMetricsF(smallest).height() + kLabelGap))));
    if (m_view->minimumHeight() != needed)
        m_view->setMinimumHeight(needed);
}

QStringList DriftChart::visibleAssetLabels() const
{
    QStringList assets;
    for (const Bar &bar : m_bars)
        assets.append(bar.asset);
    QStringList shown;
    if (!m_chart->scene())
        return shown;
    const auto items = m_chart->scene()->items();
    for (const QGraphicsItem *item : items) {
        const auto *text = dynamic_cast<const QGraphicsTextItem *>(item);
        if (text && text->isVisible() && assets.contains(text->toPlainText()) && !shown.contains(text->toPlainText()))
            shown.append(text->toPlainText());
    }
    // In the order of the bars, top first.
    QStringList ordered;
    for (const QString &asset : std::as_const(assets)) {
        if (shown.contains(asset))
            ordered.append(asset);
    }
    return ordered;
}

QColor DriftChart::barColor(int index) const
{
    if (index < 0 || index >= m_bars.size())
        return {};
    return m_bars[index].outside ? m_outside->color() : m_inside->color();
}

QString DriftChart::toolTipText(int index) const
{
    if (index < 0 || index >= m_bars.size())
        return {};
    const Bar &bar = m_bars[index];
    QString text =
        tr("%1: drift %2 pp, band %3 … %4 pp")
            .arg(bar.asset, pointsText(bar.drift, true), pointsText(bar.lower, true), pointsText(bar.upper, true));
    if (bar.outside)
        text += QLatin1Char('\n') + tr("Outside its band");
    return text;
}

QChart *DriftChart::chart() const
{
    return m_chart;
}

void DriftChart::changeEvent(QEvent *event)
{
    QWidget::changeEvent(event);
    if (event->type() == QEvent::PaletteChange || event->type() == QEvent::FontChange
        || event->type() == QEvent::StyleChange) {
        restyle();
    }
}

void DriftChart::restyle()
{
    const QPalette pal = palette();
    ChartStyle::apply(m_chart, pal, font());
    m_labelFont = m_assetAxis->labelsFont();
    ChartStyle::setupView(m_view, pal);
    const QColor within = ChartStyle::seriesColor(0, pal);
    const QColor alert = ChartStyle::alertColor(pal);
    m_inside->setColor(within);
    m_inside->setBorderColor(within);
    m_outside->setColor(alert);
    m_outside->setBorderColor(alert);

    QColor edge = pal.color(QPalette::Text);
    edge.setAlphaF(0.7F);
    QPen edgePen(edge);
    edgePen.setWidthF(1.5);
    edgePen.setStyle(Qt::DashLine);
    m_lowerEdge->setPen(edgePen);
    m_upperEdge->setPen(edgePen);
    QPen zeroPen(pal.color(QPalette::Text));
    zeroPen.setWidthF(1.2);
    m_zero->setPen(zeroPen);

    // One legend entry for the band, none for the zero line.
    const auto upperMarkers = m_chart->legend()->markers(m_upperEdge);
    for (QLegendMarker *marker : upperMarkers)
        marker->setVisible(false);
    const auto zeroMarkers = m_chart->legend()->markers(m_zero);
    for (QLegendMarker *marker : zeroMarkers)
        marker->setVisible(false);
    fitLabels();
}

} // namespace ballast::ui::charts
