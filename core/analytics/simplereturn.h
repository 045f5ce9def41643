#pragma once

#include <limits>

namespace ballast::analytics {

/// One bar's simple return, @p current / @p previous - 1; NaN when
/// @p previous is not above zero (a bad price shows up in the statistics
/// instead of an infinity dominating them). Every simple return in analytics
/// is this one (Returns, Metrics).
[[nodiscard]] inline double simpleReturn(double previous, double current)
{
    return previous > 0.0 ? current / previous - 1.0 : std::numeric_limits<double>::quiet_NaN();
}

} // namespace ballast::analytics
