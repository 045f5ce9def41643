#include "charts/allocationchart.h"

#include "charts/chartstyle.h"

#include <QChart>
#include <QChartView>
#include <QCursor>
#include <QEvent>
#include <QGraphicsLayout>
#include <QLegend>
#include <QLegendMarker>
#include <QLocale>
#include <QPieSeries>
#include <QPieSlice>
#include <QToolTip>
#include <QVBoxLayout>

namespace ballast::ui::charts {

namespace {

// Slices below this share of the pie get no label (the legend and the hover still name them).
constexpr double kLabelThreshold = 0.07;
// Inner pie from the hole to its edge, then a gap, then the thinner target ring.
constexpr double kWeightHole = 0.0;
constexpr double kWeightSize = 0.72;
constexpr double kTargetHole = 0.76;
constexpr double kTargetSize = 0.88;

QString percent(double fraction)
{
    return QLocale().toString(fraction * 100.0, 'f', 1) + QStringLiteral(" %");
}

} // namespace

AllocationChart::AllocationChart(QWidget *parent)
    : QWidget(parent)
{
    setAccessibleName(tr("Allocation chart"));
    m_chart = new QChart;
    m_chart->layout()->setContentsMargins(0, 0, 0, 0);
    m_chart->setMargins(QMargins(4, 4, 4, 4));
    m_chart->setTitle(tr("Allocation: current (inner), target (outer ring)"));
    m_chart->legend()->setAlignment(Qt::AlignRight);
    m_chart->legend()->setMarkerShape(QLegend::MarkerShapeCircle);

    m_weights = new QPieSeries(this);
    m_weights->setName(tr("Current weight"));
    m_weights->setHoleSize(kWeightHole);
    m_weights->setPieSize(kWeightSize);
    m_targets = new QPieSeries(this);
    m_targets->setName(tr("Target weight"));
    m_targets->setHoleSize(kTargetHole);
    m_targets->setPieSize(kTargetSize);
    m_chart->addSeries(m_weights);
    m_chart->addSeries(m_targets);

    auto hover = [this](QPieSlice *slice, bool state) {
        if (!state) {
            QToolTip::hideText();
            if (slice->series() == m_weights)
                slice->setExploded(false);
            return;
        }
        if (slice->series() == m_weights)
            slice->setExploded(true);
        QToolTip::showText(QCursor::pos(), toolTipText(slice->property("asset").toString()), this);
    };
    connect(m_weights, &QPieSeries::hovered, this, hover);
    connect(m_targets, &QPieSeries::hovered, this, hover);

    m_view = new QChartView(m_chart, this);
    m_view->setObjectName(QStringLiteral("allocationChartView"));
    m_view->setAccessibleName(tr("Current and target weights per asset"));
    m_view->setMinimumSize(260, 180);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_view);
    restyle();
}

AllocationChart::~AllocationChart() = default;

void AllocationChart::setSlices(const QList<Slice> &slices)
{
    m_slices = slices;
    m_weights->clear();
    m_targets->clear();
    for (const Slice &slice : slices) {
        auto *weight = new QPieSlice(slice.asset, std::max(0.0, slice.weight));
        weight->setProperty("asset", slice.asset);
        auto *target = new QPieSlice(slice.asset, std::max(0.0, slice.target));
        target->setProperty("asset", slice.asset);
        m_weights->append(weight);
        m_targets->append(target);
    }
    restyle();
}

QString AllocationChart::toolTipText(const QString &asset) const
{
    for (const Slice &slice : m_slices) {
        if (slice.asset == asset)
            return tr("%1: weight %2, target %3").arg(asset, percent(slice.weight), percent(slice.target));
    }
    return {};
}

QChart *AllocationChart::chart() const
{
    return m_chart;
}

QPieSeries *AllocationChart::weightSeries() const
{
    return m_weights;
}

QPieSeries *AllocationChart::targetSeries() const
{
    return m_targets;
}

void AllocationChart::changeEvent(QEvent *event)
{
    QWidget::changeEvent(event);
    if (event->type() == QEvent::PaletteChange || event->type() == QEvent::FontChange
        || event->type() == QEvent::StyleChange) {
        restyle();
    }
}

void AllocationChart::restyle()
{
    const QPalette pal = palette();
    ChartStyle::apply(m_chart, pal, font());
    ChartStyle::setupView(m_view, pal);
    const QColor base = pal.color(QPalette::Base);
    const double total = m_weights->sum();
    const auto weights = m_weights->slices();
    const auto targets = m_targets->slices();
    for (qsizetype i = 0; i < weights.size(); ++i) {
        // The same colour for an asset in both rings; a base-coloured edge keeps slices apart.
        const QColor color = ChartStyle::seriesColor(static_cast<int>(i), pal);
        QPieSlice *weight = weights[i];
        weight->setColor(color);
        weight->setBorderColor(base);
        weight->setBorderWidth(1);
        weight->setExplodeDistanceFactor(0.05);
        const double share = total > 0.0 ? weight->value() / total : 0.0;
        weight->setLabel(QStringLiteral("%1 %2").arg(m_slices.value(i).asset,
                                                     QLocale().toString(share * 100.0, 'f', 0) + QStringLiteral(" %")));
        weight->setLabelPosition(QPieSlice::LabelInsideHorizontal);
        weight->setLabelArmLengthFactor(0.0);
        weight->setLabelColor(ChartStyle::textOn(color));
        QFont labelFont = font();
        labelFont.setPointSizeF(labelFont.pointSizeF() > 0 ? labelFont.pointSizeF() * 0.9 : 8.0);
        labelFont.setBold(true);
        weight->setLabelFont(labelFont);
        weight->setLabelVisible(share >= kLabelThreshold);
        if (i < targets.size()) {
            QPieSlice *target = targets[i];
            target->setColor(color);
            target->setBorderColor(base);
            target->setBorderWidth(1);
            target->setLabelVisible(false);
        }
    }
    // One legend entry per asset (the inner ring's), naming weight and target.
    const auto targetMarkers = m_chart->legend()->markers(m_targets);
    for (QLegendMarker *marker : targetMarkers)
        marker->setVisible(false);
    const auto weightMarkers = m_chart->legend()->markers(m_weights);
    for (qsizetype i = 0; i < weightMarkers.size() && i < m_slices.size(); ++i) {
        const Slice &slice = m_slices[i];
        weightMarkers[i]->setLabel(
            tr("%1  %2 (target %3)").arg(slice.asset, percent(slice.weight), percent(slice.target)));
    }
}

} // namespace ballast::ui::charts
