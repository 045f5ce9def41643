#include "domain/portfolio.h"

namespace ballast::domain {

Band Portfolio::bandFor(const QString &asset) const
{
    for (const Target &target : targets) {
        if (target.asset == asset && target.band)
            return *target.band;
    }
    return defaultBand;
}

double Portfolio::targetWeight(const QString &asset) const
{
    for (const Target &target : targets) {
        if (target.asset == asset)
            return target.weight.toDouble();
    }
    return 0.0;
}

} // namespace ballast::domain
