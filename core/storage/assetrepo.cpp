#include "storage/assetrepo.h"

#include "domain/assetcatalog.h"
#include "storage/database.h"

namespace ballast::storage {

Status AssetRepo::ensure(const QStringList &symbols)
{
    return guarded([&]() -> Status {
        Transaction transaction(m_db);
        Statement insert(m_db,
                         "INSERT OR IGNORE INTO assets (symbol, name, decimals, kind, networks) "
                         "VALUES (?, ?, ?, ?, ?)");
        for (const QString &symbol : symbols) {
            const domain::Asset asset = domain::AssetCatalog::lookup(symbol);
            insert.bind(1, asset.symbol)
                .bind(2, asset.name)
                .bind(3, asset.decimals)
                .bind(4, domain::toText(asset.kind))
                .bind(5, asset.networks.join(QLatin1Char(',')));
            insert.run();
            insert.reset();
        }
        transaction.commit();
        return {};
    });
}

Result<QList<domain::Asset>> AssetRepo::list()
{
    return guarded([&]() -> Result<QList<domain::Asset>> {
        Statement query(m_db, "SELECT symbol, name, decimals, kind, networks FROM assets ORDER BY symbol");
        QList<domain::Asset> assets;
        while (query.step()) {
            domain::Asset asset;
            asset.symbol = query.text(0);
            asset.name = query.text(1);
            asset.decimals = static_cast<int>(query.int64(2));
            asset.kind = domain::assetKindFromString(query.text(3));
            const QString networks = query.text(4);
            if (!networks.isEmpty())
                asset.networks = networks.split(QLatin1Char(','));
            assets.append(asset);
        }
        return assets;
    });
}

} // namespace ballast::storage
