#pragma once

#include "common/result.h"
#include "domain/wallet.h"

#include <QList>
#include <QMap>
#include <QString>

namespace ballast::storage {

class Database;

/// Tables wallet_sources, wallet_endpoints, wallet_tokens and wallet_addresses:
/// what each watch-only wallet account watches, where it asks, which tokens it
/// reads, and what its last sync saw.
class WalletRepo
{
public:
    explicit WalletRepo(Database &db)
        : m_db(db)
    {
    }

    /// Adds the sources (ids ignored); returns them with their ids. A source
    /// the account has already (same network and value) is refused.
    Result<QList<domain::WalletSource>> addSources(qint64 accountId, const QList<domain::WalletSource> &sources);
    Result<QList<domain::WalletSource>> sources(qint64 accountId);
    /// Sets (or replaces) the endpoint the account asks on @p network.
    Status setEndpoint(qint64 accountId, const QString &network, const QString &url);
    /// The endpoint for @p network; empty when none is set.
    Result<QString> endpoint(qint64 accountId, const QString &network);
    /// Every endpoint of the account, by network, in one query.
    Result<QMap<QString, QString>> endpoints(qint64 accountId);
    /// Replaces what the last sync saw for @p sourceId.
    Status replaceAddresses(qint64 accountId, qint64 sourceId, const QList<domain::WalletAddress> &addresses);
    /// Every address the account's last syncs saw, by source then order.
    Result<QList<domain::WalletAddress>> addresses(qint64 accountId);

    /// Replaces the token list of @p network (in the given order).
    Status setTokens(qint64 accountId, const QString &network, const QList<domain::WalletToken> &tokens);
    /// Every token of the account, by network then order.
    Result<QList<domain::WalletToken>> tokens(qint64 accountId);

private:
    Database &m_db;
};

} // namespace ballast::storage
