#pragma once

#include "common/clock.h"
#include "common/result.h"
#include "domain/account.h"
#include "domain/holding.h"
#include "domain/transaction.h"
#include "domain/wallet.h"

#include <QList>
#include <QMap>
#include <QString>
#include <QStringList>

#include <functional>
#include <optional>

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
    QString baseUrl; ///< Esplora API; empty: WalletService::defaultEndpoint("bitcoin")
    QString script; ///< script type for every key ("p2pkh", "p2sh-p2wpkh", "p2wpkh"); empty: from the key's prefix
};

/// An address on EVM chains to watch: the same address on each chain chosen,
/// each chain through its own JSON-RPC endpoint.
struct EvmWalletRequest
{
    QString name;
    QString address; ///< "0x" and 40 hex digits (EIP-55 checked when mixed case)
    /// Chain keys ("ethereum", "arbitrum", "base", "optimism", "polygon",
    /// "bsc"); empty: every chain of rpcUrls, or chain::defaultEvmChainKeys() when none is given.
    QStringList chains;
    QMap<QString, QString> rpcUrls; ///< chain key -> endpoint; empty: WalletService::defaultEndpoint
    /// Chain key -> the tokens to read there; a chain left out reads the
    /// default list of chain/evmchains.
    QMap<QString, QList<domain::WalletToken>> tokens;
};

/// A Solana account (its public key) to watch.
struct SolanaWalletRequest
{
    QString name;
    QString address; ///< Base58 of the 32-byte public key
    QString rpcUrl; ///< empty: WalletService::defaultEndpoint("solana")
};

/// What a line of a Bitcoin wallet's watch list is.
enum class BitcoinLineKind { Key, Address };

/// What one network of a wallet sync found, or why it failed.
struct WalletNetworkSync
{
    QString network;
    QString error; ///< empty when the network was read
    int addresses = 0; ///< addresses asked about
    QList<domain::Holding> holdings; ///< confirmed balances, per asset
    QList<domain::Holding> pending; ///< unconfirmed changes (not in the ledger)
    /// What was seen and not recorded (a Solana token whose mint Ballast has
    /// no symbol for: "mint <address>: <amount>").
    QStringList skipped;
};

struct WalletSyncReport
{
    QList<WalletNetworkSync> networks;
    QList<domain::Transaction> recorded; ///< adjustments (or opening balances) the sync wrote
    [[nodiscard]] bool anyFailed() const;
    /// The networks that failed, "base: <why>" each.
    [[nodiscard]] QStringList failures() const;
};

/// A wallet sync's report in sentences, the same for the CLI and the app.
struct WalletSyncLine
{
    enum class Kind {
        Read, ///< "Synced NAME on NETWORK: 1.5 ETH, 100 USDC." (Bitcoin: with its addresses and unconfirmed change)
        Skipped, ///< "NAME (solana): mint ...: 42 not recorded: Ballast knows no symbol for that mint."
        Failed, ///< "NAME (base): <why>; its holdings there were left as they were."
        Summary, ///< "NAME: 1 of 3 network(s) failed (base); the others were recorded."
        Recorded, ///< "Recorded 4 transaction(s); differences are adjustments to classify."
    };
    Kind kind = Kind::Read;
    QString text;
};

/// The lines of @p report for @p account, in the order the networks were
/// read: each network's failure, or what it skipped and what it read; then
/// the count of failed networks (when more than one was read and any failed)
/// and of the transactions recorded (when any).
[[nodiscard]] QList<WalletSyncLine> describeWalletSync(const domain::Account &account, const WalletSyncReport &report);

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

    /// The endpoint a network is read through when the person names none:
    /// a public Esplora instance for Bitcoin, Solana's own mainnet endpoint,
    /// and the EVM chains' defaults of chain/evmchains (Ethereum's alone);
    /// empty for a network without one. The one table of defaults: the
    /// service, the CLI and the dialog's placeholders ask it.
    [[nodiscard]] static QString defaultEndpoint(const QString &network);
    static constexpr int kGapLimit = 20;
    /// The account "exchanges" of watched wallets.
    static constexpr const char *kBitcoin = "bitcoin";
    static constexpr const char *kEvm = "evm";
    static constexpr const char *kSolana = "solana";

    /// True for the account "exchanges" this service syncs ("bitcoin", "evm", "solana").
    [[nodiscard]] static bool isWatched(const QString &exchange);

    /// The one judge of a Bitcoin watch-list line (the dialog, the account
    /// worker and addBitcoinWallet ask it): an extended public key or an
    /// address on Bitcoin's main network. Refused with why: a secret first
    /// (code "wallet.secret", the text never quoted), else the key's or the
    /// address's parse error, whichever the line looks more like.
    [[nodiscard]] static Result<BitcoinLineKind> classifyBitcoinLine(const QString &line);
    /// @p lines sorted into the keys and addresses of a request by
    /// classifyBitcoinLine; a line it refuses goes with the addresses, for
    /// addBitcoinWallet to refuse naming it.
    [[nodiscard]] static BitcoinWalletRequest bitcoinRequest(const QString &name, const QStringList &lines,
                                                             const QString &baseUrl, const QString &script);

    /// The checks of single fields, for the front ends to ask as a person
    /// types (the CLI before it calls, the dialogs on each edit); adding a
    /// wallet and setTokens apply the same ones again. @p what names the
    /// field at the head of the message ("--address", "Address"); a secret is
    /// refused first (code "wallet.secret") and never quoted back.
    /// An EVM address; its EIP-55 form when it is one.
    [[nodiscard]] static Result<QString> checkEvmAddress(const QString &text, const QString &what);
    /// A Solana account address (Base58 of 32 bytes).
    [[nodiscard]] static Result<QString> checkSolanaAddress(const QString &text, const QString &what);
    /// The endpoint rule (https://, http:// only to this machine; no user,
    /// query or fragment), in a wallet's words: "<what> must start with
    /// https:// (...); the wallet's addresses would travel in clear". The
    /// URL is never quoted (an RPC URL's path may hold an API key).
    [[nodiscard]] static Status checkEndpoint(const QString &url, const QString &what);
    /// "CHAIN=URL" values (the CLI's --rpc): the chain known and given once.
    [[nodiscard]] static Result<QMap<QString, QString>> parseRpcUrls(const QStringList &values);
    /// A token's decimals as typed: empty is "read from the contract at
    /// sync"; the range is checkTokens' ("<what>: ..." when not a number).
    [[nodiscard]] static Result<std::optional<int>> parseTokenDecimals(const QString &text, const QString &what);
    /// "SYMBOL=CONTRACT[:DECIMALS]" (the CLI's --set) as a token of @p chain.
    [[nodiscard]] static Result<domain::WalletToken> parseToken(const QString &chain, const QString &value);
    /// A chain's token list checked and normalised (symbol in upper case,
    /// contract in EIP-55 form, decimals 0 to 18 or empty, no contract twice);
    /// errors name the token by its place ("base token 2: contract: ...").
    [[nodiscard]] static Result<QList<domain::WalletToken>> checkTokens(const QString &chain,
                                                                        const QList<domain::WalletToken> &tokens);
    /// The tokens a new wallet reads on @p chain (chain/evmchains' list).
    [[nodiscard]] static QList<domain::WalletToken> defaultTokens(const QString &chain);

    /// Validates everything first (name free, at least one key or address,
    /// no secret, each key and address readable and on Bitcoin's main network,
    /// no duplicate, the URL https:// or loopback), then stores the account,
    /// its sources and endpoint in one transaction. Errors name the input
    /// ("key 2: ...", "address 1: ...", "--base-url: ...").
    Result<domain::Account> addBitcoinWallet(const BitcoinWalletRequest &request);
    /// Validates everything first (name free, the address readable and no
    /// secret, each chain known, an endpoint for each chain, https:// or
    /// loopback, each token's contract), then stores the account, one source
    /// and one endpoint per chain, and the token lists, in one transaction.
    /// Errors name the input ("--address: ...", "--rpc base: ...", "--chains: ...").
    Result<domain::Account> addEvmWallet(const EvmWalletRequest &request);
    /// The same for a Solana account ("--address: ...", "--rpc: ...").
    Result<domain::Account> addSolanaWallet(const SolanaWalletRequest &request);

    /// The tokens an EVM wallet reads, by chain then order.
    [[nodiscard]] Result<QList<domain::WalletToken>> tokens(const domain::Account &account);
    /// Replaces the token list of one chain of an EVM wallet (validated as
    /// addEvmWallet does: "token 2: ...").
    Status setTokens(const domain::Account &account, const QString &chain, const QList<domain::WalletToken> &tokens);
    /// Replaces the token lists of the chains in @p lists (chain key -> its
    /// tokens; a chain left out keeps its list), all or nothing: every list
    /// is checked before any is stored, in one transaction. What the CLI's
    /// `wallets tokens --set` and the app's token editor save through.
    Status setTokenLists(const domain::Account &account, const QMap<QString, QList<domain::WalletToken>> &lists);
    /// The chains an EVM wallet reads, in the order they were added.
    [[nodiscard]] Result<QStringList> chains(const domain::Account &account);
    /// The endpoint of each network of @p account.
    [[nodiscard]] Result<QMap<QString, QString>> endpoints(const domain::Account &account);

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
    struct NetworkRun;
    Status syncBitcoin(const domain::Account &account, NetworkRun &run);
    Status syncEvm(const domain::Account &account, NetworkRun &run);
    Status syncSolana(const domain::Account &account, NetworkRun &run);
    Result<domain::Account> store(const domain::Account &account, const QList<domain::WalletSource> &sources,
                                  const QMap<QString, QString> &endpoints,
                                  const QMap<QString, QList<domain::WalletToken>> &tokens);

    storage::Database &m_db;
    Clock m_clock;
};

} // namespace ballast::services
