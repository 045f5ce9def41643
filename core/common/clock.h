#pragma once

#include <QDateTime>

#include <functional>

namespace ballast {

/// Milliseconds since the epoch, UTC. Passed in wherever time matters so that
/// tests can run the paper exchange and the executor on a fixed clock.
using Clock = std::function<qint64()>;

inline Clock systemClock()
{
    return [] { return QDateTime::currentMSecsSinceEpoch(); };
}

} // namespace ballast
