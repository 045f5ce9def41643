#pragma once

#include "common/result.h"

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

/// The clock a front end runs on: the system clock, or the time pinned by the
/// BALLAST_NOW environment variable (ISO 8601; a time without a zone is UTC)
/// so that scripts and tests reproduce a run. A value that is set but not such
/// a time is an error naming the variable, never silently ignored.
Result<Clock> clockFromEnvironment();

/// The same rule for a given value of BALLAST_NOW (empty: the system clock).
Result<Clock> clockPinnedTo(const QString &value);

} // namespace ballast
