#pragma once

#include <QPointF>

#include <span>
#include <vector>

namespace ballast::ui::charts {

/// Largest-triangle-three-buckets downsampling (Steinarsson 2013): keeps the
/// first and last point and, from each of threshold - 2 equal buckets, the
/// point that makes the largest triangle with the point kept before it and
/// the mean of the next bucket. @p points must be sorted by x. Returns the
/// input unchanged when it has no more than @p threshold points or when
/// @p threshold is below 3.
std::vector<QPointF> lttb(std::span<const QPointF> points, int threshold);

} // namespace ballast::ui::charts
