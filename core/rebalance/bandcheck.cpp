#include "rebalance/bandcheck.h"

#include <algorithm>
#include <cmath>

namespace ballast::rebalance {

namespace {

// How far the lower and upper weights move inward, relative to the size of
// the numbers: the product value x (1 / total) and the quotient value / total
// differ by a few units in the last place (about 2e-16 relative), so a value
// that clears a bound moved in by 1e-13 is inside by the quotient too.
constexpr double kMargin = 1e-13;
constexpr double kHuge = 1e300;

} // namespace

void BandCheck::reset(const Trigger &trigger, std::span<const double> targets, std::span<const double> halfWidths)
{
    const std::size_t count = targets.size();
    m_targets.assign(targets.begin(), targets.end());
    m_limits.resize(count);
    m_lower.resize(count);
    m_upper.resize(count);
    m_inverseUpper.resize(count);
    m_inverseLower.resize(count);
    for (std::size_t i = 0; i < count; ++i) {
        const double limit = trigger.bandLimit(targets, halfWidths, i);
        const double margin = kMargin * (1.0 + std::abs(targets[i]) + std::abs(limit));
        m_limits[i] = limit;
        m_lower[i] = targets[i] - limit + margin;
        m_upper[i] = targets[i] + limit - margin;
        // value x (1 / upper) below the total: value below upper x total. A
        // bound that is not above zero: a value x 1e300 is never below a
        // total (upper) and is above it for any positive value (lower; zero,
        // negative and NaN values are left to the exact check).
        m_inverseUpper[i] = m_upper[i] > 0.0 ? 1.0 / m_upper[i] : kHuge;
        m_inverseLower[i] = m_lower[i] > 0.0 ? 1.0 / m_lower[i] : kHuge;
    }
}

bool BandCheck::broken(std::span<const double> weights) const
{
    const std::size_t count = std::min(weights.size(), m_targets.size());
    for (std::size_t i = 0; i < count; ++i) {
        if (std::abs(weights[i] - m_targets[i]) > m_limits[i])
            return true;
    }
    return false;
}

bool BandCheck::broken(std::span<const double> values, double total) const
{
    if (total > 0.0) {
        // Every value clearly inside (NaN is not): no band is broken.
        const std::size_t count = std::min(values.size(), m_targets.size());
        double highest = 0.0;
        double lowest = kHuge;
        for (std::size_t i = 0; i < count; ++i) {
            highest = std::max(highest, values[i] * m_inverseUpper[i]);
            lowest = std::min(lowest, values[i] * m_inverseLower[i]);
        }
        if (clearlyInside(highest, lowest, total))
            return false;
    }
    return brokenByDivision(values, total);
}

bool BandCheck::brokenByDivision(std::span<const double> values, double total) const
{
    const std::size_t count = std::min(values.size(), m_targets.size());
    if (!(total > 0.0)) {
        for (std::size_t i = 0; i < count; ++i) {
            if (std::abs(0.0 - m_targets[i]) > m_limits[i])
                return true;
        }
        return false;
    }
    for (std::size_t i = 0; i < count; ++i) {
        if (std::abs(values[i] / total - m_targets[i]) > m_limits[i])
            return true;
    }
    return false;
}

} // namespace ballast::rebalance
