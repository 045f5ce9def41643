#include "storage/walletrepo.h"

#include "storage/database.h"

namespace ballast::storage {

Result<QList<domain::WalletSource>> WalletRepo::addSources(qint64 accountId, const QList<domain::WalletSource> &sources)
{
    return guarded([&]() -> Result<QList<domain::WalletSource>> {
        Transaction transaction(m_db);
        Statement insert(
            m_db, "INSERT INTO wallet_sources (account_id, network, kind, value, script) VALUES (?, ?, ?, ?, ?)");
        QList<domain::WalletSource> added;
        for (domain::WalletSource source : sources) {
            insert.reset();
            insert.bind(1, accountId)
                .bind(2, source.network)
                .bind(3, source.kind)
                .bind(4, source.value)
                .bind(5, source.script);
            insert.run();
            source.id = m_db.lastInsertId();
            source.accountId = accountId;
            added.append(source);
        }
        transaction.commit();
        return added;
    });
}

Result<QList<domain::WalletSource>> WalletRepo::sources(qint64 accountId)
{
    return guarded([&]() -> Result<QList<domain::WalletSource>> {
        Statement query(m_db,
                        "SELECT id, network, kind, value, script FROM wallet_sources WHERE account_id = ? ORDER BY id");
        query.bind(1, accountId);
        QList<domain::WalletSource> out;
        while (query.step())
            out.append({query.int64(0), accountId, query.text(1), query.text(2), query.text(3), query.text(4)});
        return out;
    });
}

Status WalletRepo::setEndpoint(qint64 accountId, const QString &network, const QString &url)
{
    return guarded([&]() -> Status {
        Statement upsert(m_db,
                         "INSERT INTO wallet_endpoints (account_id, network, url) VALUES (?, ?, ?) "
                         "ON CONFLICT (account_id, network) DO UPDATE SET url = excluded.url");
        upsert.bind(1, accountId).bind(2, network).bind(3, url);
        upsert.run();
        return {};
    });
}

Result<QString> WalletRepo::endpoint(qint64 accountId, const QString &network)
{
    return guarded([&]() -> Result<QString> {
        Statement query(m_db, "SELECT url FROM wallet_endpoints WHERE account_id = ? AND network = ?");
        query.bind(1, accountId).bind(2, network);
        return query.step() ? query.text(0) : QString();
    });
}

Result<QMap<QString, QString>> WalletRepo::endpoints(qint64 accountId)
{
    return guarded([&]() -> Result<QMap<QString, QString>> {
        Statement query(m_db, "SELECT network, url FROM wallet_endpoints WHERE account_id = ?");
        query.bind(1, accountId);
        QMap<QString, QString> out;
        while (query.step())
            out.insert(query.text(0), query.text(1));
        return out;
    });
}

Status WalletRepo::replaceAddresses(qint64 accountId, qint64 sourceId, const QList<domain::WalletAddress> &addresses)
{
    return guarded([&]() -> Status {
        Transaction transaction(m_db);
        Statement drop(m_db, "DELETE FROM wallet_addresses WHERE source_id = ?");
        drop.bind(1, sourceId);
        drop.run();
        Statement insert(m_db,
                         "INSERT INTO wallet_addresses (account_id, network, source_id, seq, path, address, asset, "
                         "balance, pending, tx_count, scanned_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
        for (qsizetype i = 0; i < addresses.size(); ++i) {
            const domain::WalletAddress &a = addresses[i];
            insert.reset();
            insert.bind(1, accountId)
                .bind(2, a.network)
                .bind(3, sourceId)
                .bind(4, static_cast<qint64>(i))
                .bind(5, a.path)
                .bind(6, a.address)
                .bind(7, a.asset)
                .bind(8, a.balance)
                .bind(9, a.pending)
                .bind(10, a.txCount)
                .bind(11, a.scannedAtMs);
            insert.run();
        }
        transaction.commit();
        return {};
    });
}

Result<QList<domain::WalletAddress>> WalletRepo::addresses(qint64 accountId)
{
    return guarded([&]() -> Result<QList<domain::WalletAddress>> {
        Statement query(m_db,
                        "SELECT network, source_id, path, address, asset, balance, pending, tx_count, scanned_at "
                        "FROM wallet_addresses WHERE account_id = ? ORDER BY source_id, seq");
        query.bind(1, accountId);
        QList<domain::WalletAddress> out;
        while (query.step()) {
            out.append({query.text(0), query.int64(1), query.text(2), query.text(3), query.text(4), query.decimal(5),
                        query.decimal(6), query.int64(7), query.int64(8)});
        }
        return out;
    });
}

Status WalletRepo::setTokens(qint64 accountId, const QString &network, const QList<domain::WalletToken> &tokens)
{
    return guarded([&]() -> Status {
        Transaction transaction(m_db);
        Statement drop(m_db, "DELETE FROM wallet_tokens WHERE account_id = ? AND network = ?");
        drop.bind(1, accountId).bind(2, network);
        drop.run();
        Statement insert(m_db,
                         "INSERT INTO wallet_tokens (account_id, network, seq, symbol, contract, decimals) "
                         "VALUES (?, ?, ?, ?, ?, ?)");
        for (qsizetype i = 0; i < tokens.size(); ++i) {
            const domain::WalletToken &token = tokens[i];
            insert.reset();
            insert.bind(1, accountId)
                .bind(2, network)
                .bind(3, static_cast<qint64>(i))
                .bind(4, token.symbol)
                .bind(5, token.contract);
            if (token.decimals)
                insert.bind(6, static_cast<qint64>(*token.decimals));
            else
                insert.bindNull(6);
            insert.run();
        }
        transaction.commit();
        return {};
    });
}

Result<QList<domain::WalletToken>> WalletRepo::tokens(qint64 accountId)
{
    return guarded([&]() -> Result<QList<domain::WalletToken>> {
        Statement query(m_db,
                        "SELECT network, symbol, contract, decimals FROM wallet_tokens WHERE account_id = ? "
                        "ORDER BY network, seq");
        query.bind(1, accountId);
        QList<domain::WalletToken> out;
        while (query.step()) {
            domain::WalletToken token{query.text(0), query.text(1), query.text(2), std::nullopt};
            if (!query.isNull(3))
                token.decimals = static_cast<int>(query.int64(3));
            out.append(token);
        }
        return out;
    });
}

} // namespace ballast::storage
