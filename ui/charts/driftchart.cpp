// Placeholder until the chart is drawn (the charts work replaces this file).
#include "charts/driftchart.h"

namespace ballast::ui::charts {

DriftChart::DriftChart(QWidget *parent)
    : QWidget(parent)
{
}

DriftChart::~DriftChart() = default;

} // namespace ballast::ui::charts

namespace ballast::ui::charts {
void DriftChart::setBars(const QList<Bar> &) {}
} // namespace ballast::ui::charts
