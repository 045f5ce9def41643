#pragma once

#include "common/clock.h"

#include <QList>
#include <QMap>
#include <QObject>
#include <QString>
#include <QStringList>

#include <atomic>
#include <memory>

namespace ballast::exchange {
class ExchangeFactory;
}
namespace ballast::storage {
class Database;
}
namespace ballast::domain {
struct Account;
}

namespace ballast::ui {

/// What the Add Account dialog hands to the worker. The secrets live only as
/// long as the request.
struct NewAccountRequest
{
    QString name;
    QString exchange; ///< "paper", "binance", "kraken", "bitcoin", "evm", "solana" or "manual"
    QString baseUrl; ///< for a watched wallet: its server (Esplora, Solana RPC)
    QString apiKey;
    QString secret;
    QString passphrase; ///< opens (or creates) the key vault; empty for paper and wallets
    QStringList watched; ///< a watched wallet's account keys and addresses (EVM, Solana: its one address)
    QString script; ///< a Bitcoin wallet's script type for its keys; empty: from the prefix
    QStringList chains; ///< an EVM wallet's chains
    QMap<QString, QString> rpcUrls; ///< an EVM wallet's endpoint per chain
};

/// Account work that touches the network, the key store or writes the ledger:
/// adding an account with its keys, testing a connection and syncing. Lives on
/// its own thread with its own database connection and network manager (both
/// made on first use, in that thread); results come back as signals.
class AccountWorker : public QObject
{
    Q_OBJECT

public:
    AccountWorker(QString databasePath, QString vaultPath, Clock clock);
    ~AccountWorker() override;
    AccountWorker(const AccountWorker &) = delete;
    AccountWorker &operator=(const AccountWorker &) = delete;

    /// Stores the keys (for exchanges), then adds the account; when storing
    /// the keys fails nothing is added, and when adding fails the keys go again.
    void addAccount(ballast::ui::NewAccountRequest request);
    /// Builds the connector with the stored keys, asks for the server time and
    /// the balances (a signed call).
    void testConnection(qint64 accountId, QString passphrase);
    /// Syncs the accounts one after the other, each in one transaction.
    void sync(const QList<qint64> &accountIds, QString passphrase);
    /// Imports what is new in the history of exchange account @p accountId
    /// (Binance or Kraken) from its API into the ledger, all or nothing
    /// (ExchangeImportService), with this thread's connection and connector.
    void importHistory(qint64 accountId, QString passphrase);

    /// Stops a sync before its next account (thread-safe). An exchange account
    /// being synced finishes or fails on its own (its network calls cannot be
    /// cut); a wallet stops before its next address and records nothing.
    void cancel() { m_cancel = true; }

signals:
    void accountAdded(const QString &name, bool ok, const QString &message);
    void connectionTested(qint64 accountId, bool ok, const QString &message);
    void syncStarted(qint64 accountId, int index, int count);
    void syncFinished(qint64 accountId, bool ok, const QString &message);
    /// A watched wallet's sync has read @p addresses addresses of @p network so far.
    void walletProgress(qint64 accountId, const QString &network, int addresses);
    void syncDone(int synced, int failed, bool cancelled);
    /// The end of importHistory: the counts of the report when @p ok; else
    /// zeros and @p message says why (nothing was stored).
    void historyImported(qint64 accountId, bool ok, const QString &message, int read, int added, int duplicates,
                         int pending);

private:
    storage::Database *database(QString *error);
    /// The connectors of @p db's accounts with the vault's keys (opened with
    /// @p passphrase, which is wiped); why the keys could not be read goes to @p keyError.
    std::unique_ptr<exchange::ExchangeFactory> connectorFactory(storage::Database &db, QString &passphrase,
                                                                QString *keyError);

    QString m_databasePath;
    QString m_vaultPath;
    Clock m_clock;
    /// Syncs one watched wallet (WalletService); the message for syncFinished in @p message.
    bool syncWallet(storage::Database &db, const domain::Account &account, QString &message);

    std::unique_ptr<storage::Database> m_db;
    std::atomic<bool> m_cancel{false};
};

} // namespace ballast::ui
