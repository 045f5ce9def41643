#include "storage/pricebanrepo.h"

#include "storage/database.h"

namespace ballast::storage {

namespace {

QString keyOf(const QString &source, const QString &host)
{
    return QStringLiteral("prices.banned_until.%1.%2").arg(source, host);
}

} // namespace

Result<qint64> PriceBanRepo::bannedUntil(const QString &source, const QString &host)
{
    return guarded([&]() -> Result<qint64> {
        Statement query(m_db, "SELECT value FROM meta WHERE key = ?");
        query.bind(1, keyOf(source, host));
        if (!query.step())
            return qint64{0};
        bool ok = false;
        const qint64 until = query.text(0).toLongLong(&ok);
        return ok ? until : qint64{0};
    });
}

Status PriceBanRepo::setBannedUntil(const QString &source, const QString &host, qint64 untilMs)
{
    return guarded([&]() -> Status {
        Statement upsert(m_db,
                         "INSERT INTO meta (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = ?2 "
                         "WHERE CAST(meta.value AS INTEGER) < CAST(?2 AS INTEGER)");
        upsert.bind(1, keyOf(source, host)).bind(2, QString::number(untilMs));
        upsert.run();
        return {};
    });
}

} // namespace ballast::storage
