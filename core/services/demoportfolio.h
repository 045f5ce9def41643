#pragma once

#include "common/clock.h"
#include "common/result.h"

namespace ballast::storage {
class Database;
}

namespace ballast::services {

/// Fills an empty database with the demo: a portfolio of a handful of assets on
/// the paper exchange plus a cold wallet, three years of simulated daily
/// history, the person's quarterly rebalances along it, and a stored valuation
/// for every day, so a new user sees a real equity curve at once. Every price
/// in it is simulated and stored as such.
class DemoPortfolio
{
public:
    static constexpr int kHistoryDays = 3 * 365 + 1;

    static Status create(storage::Database &db, const Clock &clock);
};

} // namespace ballast::services
