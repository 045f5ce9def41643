#pragma once

#include "common/clock.h"
#include "common/result.h"
#include "domain/account.h"
#include "domain/holding.h"
#include "domain/transaction.h"
#include "domain/wallet.h"

#include <QList>
#include <QString>
#include <QStringList>

#include <functional>

namespace ballast::storage {
class Database;
}
namespace ballast::exchange {
class HttpClient;
}

namespace ballast::services {

/// A Bitcoin wallet to watch: account keys and/or single addresses.
struct BitcoinWalletRequest
{
    QString name;
    QStringList keys; ///< xpub, ypub or zpub (mainnet)
    QStringList addresses;
    QString baseUrl; ///< Esplora API; empty: WalletService::kDefaultEsploraUrl
    QString script; ///< script type for every key ("p2pkh", "p2sh-p2wpkh", "p2wpkh"); empty: from the key's prefix
};

/// What one network of a wallet sync found, or why it failed.
struct WalletNetworkSync
{
    QString network;
    QString error; ///< empty when the network was read
    int addresses = 0; ///< addresses asked about
    QList<domain::Holding> holdings; ///< confirmed balances, per asset
    QList<domain::Holding> pending; ///< unconfirmed changes (not in the ledger)
};

struct WalletSyncReport
{
    QList<WalletNetworkSync> networks;
    QList<domain::Transaction> recorded; ///< adjustments (or opening balances) the sync wrote
    [[nodiscard]] bool anyFailed() const;
};

/// Called as addresses are read (network, addresses so far); false cancels.
using WalletProgress = std::function<bool(const QString &network, int addresses)>;

/// Watch-only wallets: adding them (what they watch and where they ask), and
/// syncing them (the balances read from the chain enter the ledger as the
/// transactions of an account: opening balances first, then differences as
/// unexplained adjustments to classify). Never holds a secret: input that
/// looks like a private key or recovery phrase is refused, saying why.
/// Sync runs on the caller's thread (the account worker, or the CLI).
class WalletService
{
public:
    explicit WalletService(storage::Database &db, Clock clock = systemClock());

    /// A public Esplora instance, used when the person names none.
    static constexpr const char *kDefaultEsploraUrl = "https://blockstream.info/api";
    static constexpr int kGapLimit = 20;

    /// True for the account "exchanges" this service syncs ("bitcoin").
    [[nodiscard]] static bool isWatched(const QString &exchange);

    /// Validates everything first (name free, at least one key or address,
    /// no secret, each key and address readable and on Bitcoin's main network,
    /// no duplicate, the URL https:// or loopback), then stores the account,
    /// its sources and endpoint in one transaction. Errors name the input
    /// ("key 2: ...", "address 1: ...", "--base-url: ...").
    Result<domain::Account> addBitcoinWallet(const BitcoinWalletRequest &request);

    /// Reads every network of @p account; a network that fails is reported
    /// and leaves its holdings as they were, the others are still recorded.
    /// Errors only for what concerns the whole account (not a watched wallet,
    /// the database). Cancelling (@p progress returning false) records nothing.
    Result<WalletSyncReport> sync(const domain::Account &account, exchange::HttpClient &http,
                                  const WalletProgress &progress = {});
    /// The same with a network manager of its own, made on the calling thread
    /// (the account worker's): the front ends need no network types.
    Result<WalletSyncReport> sync(const domain::Account &account, const WalletProgress &progress = {});

    [[nodiscard]] Result<QList<domain::WalletSource>> sources(const domain::Account &account);
    /// What the last sync saw, per address.
    [[nodiscard]] Result<QList<domain::WalletAddress>> lastScan(const domain::Account &account);
    /// The first @p count receive and change addresses of each account key,
    /// derived now (no network), with what the last sync saw where it saw them.
    [[nodiscard]] Result<QList<domain::WalletAddress>> derivedAddresses(const domain::Account &account, int count);

private:
    storage::Database &m_db;
    Clock m_clock;
};

} // namespace ballast::services
