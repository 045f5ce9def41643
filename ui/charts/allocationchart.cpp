// Placeholder until the chart is drawn (the charts work replaces this file).
#include "charts/allocationchart.h"

namespace ballast::ui::charts {

AllocationChart::AllocationChart(QWidget *parent)
    : QWidget(parent)
{
}

AllocationChart::~AllocationChart() = default;

} // namespace ballast::ui::charts

namespace ballast::ui::charts {
void AllocationChart::setSlices(const QList<Slice> &) {}
} // namespace ballast::ui::charts
