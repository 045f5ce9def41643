#include "charts/lttb.h"

#include <algorithm>
#include <cmath>

namespace ballast::ui::charts {

std::vector<QPointF> lttb(std::span<const QPointF> points, int threshold)
{
    const auto size = static_cast<qsizetype>(points.size());
    if (threshold < 3 || size <= threshold)
        return {points.begin(), points.end()};

    std::vector<QPointF> kept;
    kept.reserve(static_cast<std::size_t>(threshold));
    kept.push_back(points.front());

    // The points between the first and the last fall into threshold - 2
    // buckets of equal width (in points, not in x); bucket b spans
    // [1 + floor(b * width), 1 + floor((b + 1) * width)).
    const double width = static_cast<double>(size - 2) / static_cast<double>(threshold - 2);
    auto bucketStart = [&](int bucket) {
        return std::min(size - 1, 1 + static_cast<qsizetype>(std::floor(bucket * width)));
    };

    qsizetype previous = 0;
    for (int bucket = 0; bucket < threshold - 2; ++bucket) {
        const qsizetype begin = bucketStart(bucket);
        const qsizetype end = bucketStart(bucket + 1);

        // The mean of the next bucket; for the last bucket that is the last point.
        double meanX = 0.0;
        double meanY = 0.0;
        const qsizetype nextBegin = end;
        const qsizetype nextEnd = bucket + 1 < threshold - 2 ? bucketStart(bucket + 2) : size;
        for (qsizetype i = nextBegin; i < nextEnd; ++i) {
            meanX += points[static_cast<std::size_t>(i)].x();
            meanY += points[static_cast<std::size_t>(i)].y();
        }
        const auto count = static_cast<double>(std::max<qsizetype>(1, nextEnd - nextBegin));
        meanX /= count;
        meanY /= count;

        // Twice the area of the triangle (kept point, candidate, next mean);
        // the factor does not change which candidate wins.
        const QPointF a = points[static_cast<std::size_t>(previous)];
        qsizetype chosen = begin;
        double largest = -1.0;
        for (qsizetype i = begin; i < end; ++i) {
            const QPointF p = points[static_cast<std::size_t>(i)];
            const double area = std::abs((a.x() - meanX) * (p.y() - a.y()) - (a.x() - p.x()) * (meanY - a.y()));
            if (area > largest) {
                largest = area;
                chosen = i;
            }
        }
        kept.push_back(points[static_cast<std::size_t>(chosen)]);
        previous = chosen;
    }

    kept.push_back(points.back());
    return kept;
}

} // namespace ballast::ui::charts
