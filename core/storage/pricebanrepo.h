#pragma once

#include "common/result.h"

#include <QString>

namespace ballast::storage {

class Database;

/// Until when a price-history source banned this address (Binance's HTTP 418
/// with its Retry-After), kept in the meta table so that a later run within
/// the ban sends nothing. One time per source and host: a mirror or a test's
/// loopback fake is not the public API.
class PriceBanRepo
{
public:
    explicit PriceBanRepo(Database &db)
        : m_db(db)
    {
    }

    /// The end of the ban in ms since the epoch; 0 when none was stored.
    Result<qint64> bannedUntil(const QString &source, const QString &host);
    /// Stores the end of a ban (a later one replaces it; an earlier one is kept).
    Status setBannedUntil(const QString &source, const QString &host, qint64 untilMs);

private:
    Database &m_db;
};

} // namespace ballast::storage
