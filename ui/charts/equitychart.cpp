#include "charts/equitychart.h"

#include "charts/chartstyle.h"
#include "charts/lttb.h"

#include <QAreaSeries>
#include <QButtonGroup>
#include <QChart>
#include <QChartView>
#include <QCheckBox>
#include <QCursor>
#include <QDateTimeAxis>
#include <QEvent>
#include <QGraphicsLayout>
#include <QGraphicsSimpleTextItem>
#include <QHBoxLayout>
#include <QLegend>
#include <QLineSeries>
#include <QLocale>
#include <QLogValueAxis>
#include <QTimeZone>
#include <QToolButton>
#include <QToolTip>
#include <QVBoxLayout>
#include <QValueAxis>

#include <algorithm>
#include <cmath>
#include <limits>

namespace ballast::ui::charts {

namespace {

constexpr qint64 kDayMs = 24LL * 3600 * 1000;
constexpr int kMinimumThreshold = 32;
const QMargins kChartMargins(4, 4, 12, 2);

struct CurveData
{
    QString name;
    std::vector<QPointF> points; // x: ms since the epoch, y: value
    QLineSeries *series = nullptr;
};

bool lessX(const QPointF &point, double x)
{
    return point.x() < x;
}

/// Indices [begin, end) of the points inside [from, to] plus one neighbour on
/// each side, so that lines run to the edges of the plot.
std::pair<std::size_t, std::size_t> sliceWithNeighbours(const std::vector<QPointF> &points, double from, double to)
{
    const auto lo = std::lower_bound(points.begin(), points.end(), from, lessX);
    const auto hi = std::upper_bound(points.begin(), points.end(), to,
                                     [](double x, const QPointF &point) { return x < point.x(); });
    auto begin = static_cast<std::size_t>(lo - points.begin());
    auto end = static_cast<std::size_t>(hi - points.begin());
    if (begin > 0)
        --begin;
    if (end < points.size())
        ++end;
    return {begin, end};
}

/// A step of 1, 2 or 5 times a power of ten near @p rough.
double niceStep(double rough)
{
    if (!(rough > 0.0))
        return 1.0;
    const double magnitude = std::pow(10.0, std::floor(std::log10(rough)));
    const double fraction = rough / magnitude;
    const double nice = fraction <= 1.0 ? 1.0 : fraction <= 2.0 ? 2.0 : fraction <= 5.0 ? 5.0 : 10.0;
    return nice * magnitude;
}

QDateTime utcTime(double ms)
{
    return QDateTime::fromMSecsSinceEpoch(static_cast<qint64>(ms), QTimeZone::utc());
}

QString dateText(qint64 ms)
{
    const QDateTime time = QDateTime::fromMSecsSinceEpoch(ms, QTimeZone::utc());
    const QLocale locale;
    if (time.time() == QTime(0, 0))
        return locale.toString(time.date(), QLocale::ShortFormat);
    return locale.toString(time, QLocale::ShortFormat) + QStringLiteral(" UTC");
}

std::size_t nearestIndex(const std::vector<QPointF> &points, double x)
{
    const auto it = std::lower_bound(points.begin(), points.end(), x, lessX);
    if (it == points.begin())
        return 0;
    if (it == points.end())
        return points.size() - 1;
    const auto after = static_cast<std::size_t>(it - points.begin());
    return (x - points[after - 1].x() <= points[after].x() - x) ? after - 1 : after;
}

} // namespace

struct EquityChart::Impl
{
    QString currency;
    std::vector<CurveData> curves;
    std::vector<QPointF> drawdown; // x: ms, y: drawdown of the first curve in negative percent
    Range range = Range::All;
    bool log = false;
    QString emptyText;

    QChart *valueChart = nullptr;
    QChartView *valueView = nullptr;
    QDateTimeAxis *valueX = nullptr;
    QAbstractAxis *valueY = nullptr;

    QChart *ddChart = nullptr;
    QChartView *ddView = nullptr;
    QDateTimeAxis *ddX = nullptr;
    QValueAxis *ddY = nullptr;
    QLineSeries *ddUpper = nullptr;
    QLineSeries *ddLower = nullptr;
    QAreaSeries *ddArea = nullptr;

    QGraphicsSimpleTextItem *ddCaption = nullptr; // names the pane inside its plot
    QButtonGroup *rangeButtons = nullptr;
    QCheckBox *logBox = nullptr;
    QMargins valueExtra; // margins added so that both plot areas span the same x
    QMargins ddExtra;
    bool aligning = false;
};

EquityChart::EquityChart(QWidget *parent)
    : QWidget(parent)
    , m_impl(std::make_unique<Impl>())
{
    Impl &d = *m_impl;
    setAccessibleName(tr("Value and drawdown chart"));

    // Controls: range selector and log toggle.
    auto *controls = new QHBoxLayout;
    controls->setContentsMargins(0, 0, 0, 0);
    controls->setSpacing(2);
    d.rangeButtons = new QButtonGroup(this);
    d.rangeButtons->setExclusive(true);
    const std::array<std::pair<Range, std::pair<QString, QString>>, 5> ranges{{
        {Range::Month, {tr("1M"), tr("Show the last month")}},
        {Range::Quarter, {tr("3M"), tr("Show the last three months")}},
        {Range::Year, {tr("1Y"), tr("Show the last year")}},
        {Range::ThreeYears, {tr("3Y"), tr("Show the last three years")}},
        {Range::All, {tr("All"), tr("Show the whole history")}},
    }};
    for (const auto &entry : ranges) {
        auto *button = new QToolButton(this);
        button->setText(entry.second.first);
        button->setToolTip(entry.second.second);
        button->setAccessibleName(entry.second.second);
        button->setCheckable(true);
        button->setAutoRaise(true);
        button->setObjectName(QStringLiteral("range_") + entry.second.first);
        d.rangeButtons->addButton(button, static_cast<int>(entry.first));
        controls->addWidget(button);
    }
    d.rangeButtons->button(static_cast<int>(Range::All))->setChecked(true);
    connect(d.rangeButtons, &QButtonGroup::idClicked, this, [this](int id) { setRange(static_cast<Range>(id)); });
    controls->addStretch(1);
    d.logBox = new QCheckBox(tr("Log scale"), this);
    d.logBox->setAccessibleName(tr("Logarithmic value scale"));
    d.logBox->setToolTip(tr("Show the value on a logarithmic scale, so equal percentage moves look equal"));
    connect(d.logBox, &QCheckBox::toggled, this, &EquityChart::setLogScale);
    controls->addWidget(d.logBox);

    // The value pane: one line per curve.
    d.valueChart = new QChart;
    d.valueChart->legend()->setAlignment(Qt::AlignTop);
    d.valueChart->legend()->setMarkerShape(QLegend::MarkerShapeFromSeries);
    d.valueChart->layout()->setContentsMargins(0, 0, 0, 0);
    d.valueChart->setMargins(kChartMargins);
    d.valueX = new QDateTimeAxis;
    d.valueX->setLabelsVisible(false);
    d.valueChart->addAxis(d.valueX, Qt::AlignBottom);
    d.valueView = new QChartView(d.valueChart, this);
    d.valueView->setObjectName(QStringLiteral("valueChartView"));
    d.valueView->setAccessibleName(tr("Portfolio value over time"));
    d.valueView->setMinimumHeight(140);

    // The drawdown pane: the first curve's distance below its running peak.
    d.ddChart = new QChart;
    d.ddChart->legend()->hide();
    d.ddChart->layout()->setContentsMargins(0, 0, 0, 0);
    d.ddChart->setMargins(kChartMargins);
    d.ddX = new QDateTimeAxis;
    d.ddY = new QValueAxis;
    // Charts localise numbers, and then take the text after the conversion literally.
    d.ddY->setLabelFormat(QStringLiteral("%.0f %"));
    d.ddChart->addAxis(d.ddX, Qt::AlignBottom);
    d.ddChart->addAxis(d.ddY, Qt::AlignLeft);
    d.ddUpper = new QLineSeries(this);
    d.ddLower = new QLineSeries(this);
    d.ddArea = new QAreaSeries(d.ddUpper, d.ddLower);
    d.ddArea->setName(tr("Drawdown"));
    d.ddChart->addSeries(d.ddArea);
    d.ddArea->attachAxis(d.ddX);
    d.ddArea->attachAxis(d.ddY);
    connect(d.ddArea, &QAreaSeries::hovered, this, [this](const QPointF &point, bool state) {
        const Impl &impl = *m_impl;
        if (!state || impl.drawdown.empty()) {
            QToolTip::hideText();
            return;
        }
        const QPointF nearest = impl.drawdown[nearestIndex(impl.drawdown, point.x())];
        QToolTip::showText(
            QCursor::pos(),
            tr("%1\nDrawdown: %2 %")
                .arg(dateText(static_cast<qint64>(nearest.x())), QLocale().toString(nearest.y(), 'f', 2)),
            this);
    });
    d.ddCaption = new QGraphicsSimpleTextItem(d.ddChart);
    d.ddCaption->setZValue(10);
    d.ddView = new QChartView(d.ddChart, this);
    d.ddView->setObjectName(QStringLiteral("drawdownChartView"));
    d.ddView->setAccessibleName(tr("Drawdown over time"));
    d.ddView->setMinimumHeight(110);

    connect(d.valueChart, &QChart::plotAreaChanged, this, &EquityChart::alignPlotAreas);
    connect(d.ddChart, &QChart::plotAreaChanged, this, &EquityChart::alignPlotAreas);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addLayout(controls);
    layout->addSpacing(4);
    layout->addWidget(d.valueView, 5);
    layout->addWidget(d.ddView, 2);

    rebuildValueAxis();
    restyle();
    refresh();
}

EquityChart::~EquityChart() = default;

void EquityChart::setCurves(const QList<Curve> &curves, const QString &currency, const Curve *drawdownOf)
{
    Impl &d = *m_impl;
    for (CurveData &curve : d.curves) {
        d.valueChart->removeSeries(curve.series);
        delete curve.series;
    }
    d.curves.clear();
    d.drawdown.clear();
    d.currency = currency;
    if (d.valueY)
        d.valueY->setTitleText(currency);

    d.curves.reserve(static_cast<std::size_t>(curves.size()));
    for (const Curve &curve : curves) {
        CurveData entry;
        entry.name = curve.name;
        entry.points.reserve(curve.points.size());
        for (const analytics::EquityPoint &point : curve.points) {
            if (std::isfinite(point.value))
                entry.points.emplace_back(static_cast<double>(point.timeMs), point.value);
        }
        entry.series = new QLineSeries;
        entry.series->setName(curve.name);
        d.valueChart->addSeries(entry.series);
        entry.series->attachAxis(d.valueX);
        if (d.valueY)
            entry.series->attachAxis(d.valueY);
        const int index = static_cast<int>(d.curves.size());
        connect(entry.series, &QXYSeries::hovered, this, [this, index](const QPointF &point, bool state) {
            if (!state) {
                QToolTip::hideText();
                return;
            }
            QToolTip::showText(QCursor::pos(), toolTipText(index, static_cast<qint64>(point.x())), this);
        });
        d.curves.push_back(std::move(entry));
    }

    const Curve *base = drawdownOf != nullptr ? drawdownOf : (curves.isEmpty() ? nullptr : &curves.first());
    d.ddArea->setName(base == nullptr ? tr("Drawdown") : tr("Drawdown of %1").arg(base->name));
    d.ddCaption->setText(d.ddArea->name());
    if (base != nullptr && !curves.isEmpty()) {
        const auto series = analytics::Metrics::drawdownSeries(base->points);
        d.drawdown.reserve(series.size());
        for (const analytics::DrawdownPoint &point : series) {
            if (std::isfinite(point.drawdown))
                d.drawdown.emplace_back(static_cast<double>(point.timeMs), -100.0 * point.drawdown);
        }
    }

    // The log scale needs positive values throughout.
    bool positive = true;
    for (const CurveData &curve : d.curves)
        positive = positive && std::all_of(curve.points.begin(), curve.points.end(), [](const QPointF &point) {
                       return point.y() > 0.0;
                   });
    d.logBox->setEnabled(positive);
    if (!positive && d.log)
        setLogScale(false);

    restyle();
    refresh();
}

void EquityChart::setLogScale(bool on)
{
    Impl &d = *m_impl;
    if (on && !d.logBox->isEnabled())
        on = false;
    if (d.logBox->isChecked() != on) {
        const QSignalBlocker blocker(d.logBox);
        d.logBox->setChecked(on);
    }
    if (d.log == on)
        return;
    d.log = on;
    rebuildValueAxis();
    refresh();
    emit logScaleChanged(on);
}

void EquityChart::setRange(Range range)
{
    Impl &d = *m_impl;
    if (QAbstractButton *button = d.rangeButtons->button(static_cast<int>(range)); button && !button->isChecked())
        button->setChecked(true);
    if (d.range == range)
        return;
    d.range = range;
    refresh();
    emit rangeChanged(range);
}

bool EquityChart::logScale() const
{
    return m_impl->log;
}

EquityChart::Range EquityChart::range() const
{
    return m_impl->range;
}

qint64 EquityChart::rangeStart(Range range, qint64 firstMs, qint64 lastMs)
{
    const QDateTime last = QDateTime::fromMSecsSinceEpoch(lastMs, QTimeZone::utc());
    QDateTime start;
    switch (range) {
    case Range::Month:
        start = last.addMonths(-1);
        break;
    case Range::Quarter:
        start = last.addMonths(-3);
        break;
    case Range::Year:
        start = last.addYears(-1);
        break;
    case Range::ThreeYears:
        start = last.addYears(-3);
        break;
    case Range::All:
        return firstMs;
    }
    return std::max(firstMs, start.toMSecsSinceEpoch());
}

std::pair<qint64, qint64> EquityChart::visibleRange() const
{
    const Impl &d = *m_impl;
    qint64 first = std::numeric_limits<qint64>::max();
    qint64 last = std::numeric_limits<qint64>::min();
    for (const CurveData &curve : d.curves) {
        if (curve.points.empty())
            continue;
        first = std::min(first, static_cast<qint64>(curve.points.front().x()));
        last = std::max(last, static_cast<qint64>(curve.points.back().x()));
    }
    if (first > last)
        return {0, 0};
    return {rangeStart(d.range, first, last), last};
}

int EquityChart::curveCount() const
{
    return static_cast<int>(m_impl->curves.size());
}

QString EquityChart::toolTipText(int curve, qint64 timeMs) const
{
    const Impl &d = *m_impl;
    if (curve < 0 || curve >= static_cast<int>(d.curves.size()))
        return {};
    const CurveData &shown = d.curves[static_cast<std::size_t>(curve)];
    if (shown.points.empty())
        return {};
    const QPointF nearest = shown.points[nearestIndex(shown.points, static_cast<double>(timeMs))];
    const QString value = QLocale().toString(nearest.y(), 'f', 2);
    return tr("%1\n%2\n%3 %4").arg(shown.name, dateText(static_cast<qint64>(nearest.x())), value, d.currency);
}

QChart *EquityChart::valueChart() const
{
    return m_impl->valueChart;
}

QChart *EquityChart::drawdownChart() const
{
    return m_impl->ddChart;
}

void EquityChart::resizeEvent(QResizeEvent *event)
{
    QWidget::resizeEvent(event);
    // Downsampling follows the width on screen.
    refresh();
}

void EquityChart::changeEvent(QEvent *event)
{
    QWidget::changeEvent(event);
    if (event->type() == QEvent::PaletteChange || event->type() == QEvent::FontChange
        || event->type() == QEvent::StyleChange) {
        restyle();
    }
}

void EquityChart::rebuildValueAxis()
{
    Impl &d = *m_impl;
    if (d.valueY) {
        for (CurveData &curve : d.curves)
            curve.series->detachAxis(d.valueY);
        // Qt 6.4 leaves a removed axis's labels and grid in the scene unless it is hidden first.
        d.valueY->hide();
        d.valueChart->removeAxis(d.valueY);
        delete d.valueY;
        d.valueY = nullptr;
    }
    if (d.log) {
        auto *axis = new QLogValueAxis;
        axis->setLabelFormat(QStringLiteral("%.0f"));
        d.valueY = axis;
    } else {
        d.valueY = new QValueAxis;
    }
    d.valueY->setTitleText(d.currency);
    d.valueChart->addAxis(d.valueY, Qt::AlignLeft);
    for (CurveData &curve : d.curves)
        curve.series->attachAxis(d.valueY);
    ChartStyle::styleAxis(d.valueY, palette(), font());
}

void EquityChart::refresh()
{
    Impl &d = *m_impl;
    const auto [from, lastShown] = visibleRange();
    // One point of history still gets a day of width.
    const qint64 to = lastShown > from ? lastShown : from + kDayMs;
    const int threshold = std::max(kMinimumThreshold, static_cast<int>(width() * devicePixelRatioF()));
    const auto fromX = static_cast<double>(from);
    const auto toX = static_cast<double>(to);

    double low = std::numeric_limits<double>::infinity();
    double high = -std::numeric_limits<double>::infinity();
    for (CurveData &curve : d.curves) {
        const auto [begin, end] = sliceWithNeighbours(curve.points, fromX, toX);
        const std::span<const QPointF> visible(curve.points.data() + begin, end - begin);
        const std::vector<QPointF> kept = lttb(visible, threshold);
        curve.series->replace(QList<QPointF>(kept.begin(), kept.end()));
        for (const QPointF &point : visible) {
            if (point.x() < fromX || point.x() > toX)
                continue;
            low = std::min(low, point.y());
            high = std::max(high, point.y());
        }
    }

    double deepest = 0.0;
    if (d.drawdown.empty()) {
        d.ddUpper->clear();
        d.ddLower->clear();
    } else {
        const auto [begin, end] = sliceWithNeighbours(d.drawdown, fromX, toX);
        const std::span<const QPointF> visible(d.drawdown.data() + begin, end - begin);
        const std::vector<QPointF> kept = lttb(visible, threshold);
        d.ddUpper->replace(QList<QPointF>(kept.begin(), kept.end()));
        d.ddLower->replace(QList<QPointF>{QPointF(kept.front().x(), 0.0), QPointF(kept.back().x(), 0.0)});
        for (const QPointF &point : visible) {
            if (point.x() >= fromX && point.x() <= toX)
                deepest = std::min(deepest, point.y());
        }
    }

    // Both panes share the x range; dates show under the drawdown pane only.
    const qint64 spanDays = (to - from) / kDayMs;
    const QString format = spanDays <= 100 ? QStringLiteral("d MMM") : QStringLiteral("MMM yyyy");
    const int ticks = std::clamp(width() / 120, 3, 10);
    for (QDateTimeAxis *axis : {d.valueX, d.ddX}) {
        axis->setRange(utcTime(fromX), utcTime(toX));
        axis->setFormat(format);
        axis->setTickCount(ticks);
    }

    if (!(low <= high)) {
        low = 0.0;
        high = 1.0;
    }
    if (auto *logAxis = qobject_cast<QLogValueAxis *>(d.valueY)) {
        const double lo = std::max(low, std::numeric_limits<double>::min()) / 1.04;
        const double hi = high * 1.04;
        // Enough grid lines on short ranges too: decades, doublings or a quarter of the span.
        const double ratio = hi / lo;
        logAxis->setBase(ratio >= 100.0 ? 10.0 : ratio >= 4.0 ? 2.0 : std::max(1.01, std::pow(ratio, 0.25)));
        logAxis->setRange(lo, hi);
    } else if (auto *linear = qobject_cast<QValueAxis *>(d.valueY)) {
        // Round steps, about one grid line per 55 pixels of height.
        const int wanted = std::clamp(d.valueView->height() / 55, 3, 9);
        const double span = high > low ? high - low : std::max(1.0, std::abs(high) * 0.1);
        const double tick = niceStep(span / (wanted - 1));
        const double bottom = std::floor((high > low ? low : low - span / 2) / tick) * tick;
        const double top = std::ceil((high > low ? high : high + span / 2) / tick) * tick;
        linear->setRange(bottom, top);
        linear->setTickCount(static_cast<int>(std::lround((top - bottom) / tick)) + 1);
        linear->setLabelFormat(tick >= 1.0 ? QStringLiteral("%.0f") : QStringLiteral("%.2f"));
    }

    const double step = niceStep(std::max(1.0, -deepest) / 3.0);
    const double deepestShown = -step * std::max(1.0, std::ceil(-deepest / step));
    d.ddY->setRange(deepestShown, 0.0);
    d.ddY->setTickCount(static_cast<int>(std::lround(-deepestShown / step)) + 1);

    const bool empty = d.curves.empty();
    d.valueChart->setTitle(empty ? (d.emptyText.isEmpty() ? tr("No valuation history yet") : d.emptyText) : QString());
    d.ddX->setLabelsVisible(!empty);
}

void EquityChart::setEmptyText(const QString &text)
{
    m_impl->emptyText = text;
    if (m_impl->curves.empty())
        m_impl->valueChart->setTitle(text);
}

void EquityChart::restyle()
{
    Impl &d = *m_impl;
    const QPalette pal = palette();
    ChartStyle::apply(d.valueChart, pal, font());
    ChartStyle::apply(d.ddChart, pal, font());
    ChartStyle::setupView(d.valueView, pal);
    ChartStyle::setupView(d.ddView, pal);
    for (std::size_t i = 0; i < d.curves.size(); ++i) {
        QPen pen(ChartStyle::seriesColor(static_cast<int>(i), pal));
        // One pixel: Qt's raster engine draws such lines on a fast path; a
        // wider antialiased pen is stroked as a polygon, which cost more than
        // half of a repaint of a dense curve (BM_EquityRepaint: 15.8 ms with
        // 2 px, 6.5 ms with 1 px). The curves are told apart by colour.
        pen.setWidthF(1.0);
        if (i > 0)
            pen.setStyle(Qt::SolidLine);
        d.curves[i].series->setPen(pen);
    }
    const QColor alert = ChartStyle::alertColor(pal);
    QColor fill = alert;
    fill.setAlphaF(0.28F);
    d.ddArea->setBrush(fill);
    QPen edge(alert);
    edge.setWidthF(1.0);
    d.ddArea->setPen(edge);
    d.ddArea->setPointsVisible(false);
    d.ddCaption->setBrush(pal.brush(QPalette::Text));
    d.ddCaption->setFont(font());
}

void EquityChart::alignPlotAreas()
{
    Impl &d = *m_impl;
    if (d.aligning)
        return;
    const QRectF value = d.valueChart->plotArea();
    const QRectF dd = d.ddChart->plotArea();
    if (value.isEmpty() || dd.isEmpty())
        return;
    d.ddCaption->setPos(dd.left() + 6, dd.bottom() - d.ddCaption->boundingRect().height() - 3);
    // Axis labels differ in width on the left (values) and on the right (the
    // last date label sticks out); pad the pane that needs less so that both
    // plots span the same x.
    const int valueLeft = qRound(value.left()) - d.valueExtra.left();
    const int ddLeft = qRound(dd.left()) - d.ddExtra.left();
    const int valueRight = qRound(d.valueChart->size().width() - value.right()) - d.valueExtra.right();
    const int ddRight = qRound(d.ddChart->size().width() - dd.right()) - d.ddExtra.right();
    const int left = std::max(valueLeft, ddLeft);
    const int right = std::max(valueRight, ddRight);
    const QMargins valueExtra(left - valueLeft, 0, right - valueRight, 0);
    const QMargins ddExtra(left - ddLeft, 0, right - ddRight, 0);
    d.aligning = true;
    if (valueExtra != d.valueExtra) {
        d.valueExtra = valueExtra;
        d.valueChart->setMargins(kChartMargins + valueExtra);
    }
    if (ddExtra != d.ddExtra) {
        d.ddExtra = ddExtra;
        d.ddChart->setMargins(kChartMargins + ddExtra);
    }
    d.aligning = false;
}

} // namespace ballast::ui::charts
