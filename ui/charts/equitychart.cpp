// Placeholder until the chart is drawn (the charts work replaces this file).
#include "charts/equitychart.h"

namespace ballast::ui::charts {

EquityChart::EquityChart(QWidget *parent)
    : QWidget(parent)
{
}

EquityChart::~EquityChart() = default;

} // namespace ballast::ui::charts

namespace ballast::ui::charts {
void EquityChart::setCurves(const QList<Curve> &, const QString &) {}
void EquityChart::setLogScale(bool) {}
void EquityChart::setRange(Range) {}
bool EquityChart::logScale() const
{
    return false;
}
EquityChart::Range EquityChart::range() const
{
    return Range::All;
}
} // namespace ballast::ui::charts
