#include "services/walletservice.h"

#include "chain/addresses.h"
#include "chain/bitcoinkeys.h"
#include "chain/esplora.h"
#include "chain/evmchains.h"
#include "chain/evmrpc.h"
#include "chain/solanarpc.h"
#include "common/numberparse.h"
#include "exchange/baseurl.h"
#include "exchange/httpclient.h"
#include "services/transactionservice.h"
#include "storage/accountrepo.h"
#include "storage/database.h"
#include "storage/walletrepo.h"

#include <QDateTime>
#include <QMap>
#include <QNetworkAccessManager>
#include <QSet>
#include <QTimeZone>

namespace ballast::services {

namespace {

QString bitcoin()
{
    return QStringLiteral("bitcoin");
}

QString btc()
{
    return QStringLiteral("BTC");
}

money::Decimal fromSats(std::int64_t sats)
{
    return money::Decimal::fromInt(sats) / money::Decimal::fromInt(100'000'000);
}

Error inputError(const QString &what, const QString &why, const QString &code = QStringLiteral("wallet.input"))
{
    return makeError(code, QStringLiteral("%1: %2").arg(what, why));
}

/// The secret guard first: a private key must never reach a parser's error
/// message (which might quote it) or the database.
Status refuseSecret(const QString &what, const QString &text)
{
    if (auto reason = chain::secretReason(text))
        return inputError(what, *reason + QStringLiteral(". Ballast only watches: give it public keys and addresses"),
                          QStringLiteral("wallet.secret"));
    return {};
}

QString chainList()
{
    QStringList keys;
    for (const chain::EvmChain &chain : chain::evmChains())
        keys.append(chain.key);
    return keys.join(QStringLiteral(", "));
}

/// Adds what @p rows hold to @p holdings, one holding per asset (a token
/// listed under the native asset's symbol adds to it); refused past Decimal's range.
Status addBalances(QList<domain::Holding> &holdings, const domain::Account &account, const QString &network,
                   const QList<domain::WalletAddress> &rows)
{
    for (const auto &row : rows) {
        auto it = std::find_if(holdings.begin(), holdings.end(),
                               [&row](const domain::Holding &h) { return h.asset == row.asset; });
        if (it == holdings.end()) {
            holdings.append({account.id, account.name, row.asset, network, row.balance});
            continue;
        }
        auto sum = it->quantity.add(row.balance);
        if (!sum)
            return makeError(
                QStringLiteral("chain.range"),
                QStringLiteral("the %1 balance on %2 is larger than Ballast's limit").arg(row.asset, network));
        it->quantity = *sum;
    }
    return {};
}

} // namespace

struct WalletService::NetworkRun
{
    WalletNetworkSync &network;
    QList<domain::WalletSource> sources;
    QString url;
    QList<chain::EvmToken> tokens; ///< an EVM chain's list
    exchange::HttpClient &http;
    const WalletProgress &progress;
    qint64 now = 0;
    QList<std::pair<qint64, QList<domain::WalletAddress>>> addresses; ///< what the network saw, per source

    /// False (the sync is cancelled) when the caller says so.
    [[nodiscard]] bool report(int seen) const { return !progress || progress(network.network, seen); }
};

QStringList WalletSyncReport::failures() const
{
    QStringList out;
    for (const auto &network : networks) {
        if (!network.error.isEmpty())
            out.append(QStringLiteral("%1: %2").arg(network.network, network.error));
    }
    return out;
}

bool WalletSyncReport::anyFailed() const
{
    for (const auto &network : networks) {
        if (!network.error.isEmpty())
            return true;
    }
    return false;
}

QList<WalletSyncLine> describeWalletSync(const domain::Account &account, const WalletSyncReport &report)
{
    using Kind = WalletSyncLine::Kind;
    QList<WalletSyncLine> lines;
    const bool bitcoinWallet = account.exchange == QLatin1String(WalletService::kBitcoin);
    QStringList failed;
    for (const auto &network : report.networks) {
        if (!network.error.isEmpty()) {
            failed.append(network.network);
            lines.append({Kind::Failed,
                          QStringLiteral("%1 (%2): %3; its holdings there were left as they were.")
                              .arg(account.name, network.network, network.error)});
            continue;
        }
        for (const QString &skipped : network.skipped)
            lines.append({Kind::Skipped,
                          QStringLiteral("%1 (%2): %3 not recorded: Ballast knows no symbol for that "
                                         "mint.")
                              .arg(account.name, network.network, skipped)});
        if (bitcoinWallet) {
            // One asset, read over many addresses: say how many, and what is
            // still unconfirmed (shown, not counted).
            for (const auto &holding : network.holdings) {
                QString line = QStringLiteral("Synced %1 on %2: %3 %4 over %5 address(es)")
                                   .arg(account.name, network.network, holding.quantity.toString(), holding.asset)
                                   .arg(network.addresses);
                for (const auto &pending : network.pending) {
                    if (pending.asset == holding.asset)
                        line += QStringLiteral(" (%1 unconfirmed, not counted yet)").arg(pending.quantity.toString());
                }
                lines.append({Kind::Read, line + QLatin1Char('.')});
            }
            continue;
        }
        QStringList held;
        for (const auto &holding : network.holdings) {
            if (!holding.quantity.isZero())
                held.append(holding.quantity.toString() + QLatin1Char(' ') + holding.asset);
        }
        lines.append({Kind::Read,
                      QStringLiteral("Synced %1 on %2: %3.")
                          .arg(account.name, network.network,
                               held.isEmpty() ? QStringLiteral("nothing held") : held.join(QStringLiteral(", ")))});
    }
    if (!failed.isEmpty() && report.networks.size() > 1)
        lines.append({Kind::Summary,
                      QStringLiteral("%1: %2 of %3 network(s) failed (%4); the others were recorded.")
                          .arg(account.name)
                          .arg(failed.size())
                          .arg(report.networks.size())
                          .arg(failed.join(QStringLiteral(", ")))});
    if (!report.recorded.isEmpty())
        lines.append({Kind::Recorded,
                      QStringLiteral("Recorded %1 transaction(s); differences are adjustments to classify.")
                          .arg(report.recorded.size())});
    return lines;
}

WalletService::WalletService(storage::Database &db, Clock clock)
    : m_db(db)
    , m_clock(std::move(clock))
{
}

QString WalletService::defaultEndpoint(const QString &network)
{
    if (network == bitcoin())
        return QStringLiteral("https://blockstream.info/api");
    if (network == QLatin1String(kSolana))
        return QStringLiteral("https://api.mainnet-beta.solana.com");
    if (const chain::EvmChain *evmChain = chain::evmChainByKey(network))
        return evmChain->defaultRpcUrl;
    return {};
}

bool WalletService::isWatched(const QString &exchange)
{
    return exchange == QLatin1String(kBitcoin) || exchange == QLatin1String(kEvm) || exchange == QLatin1String(kSolana);
}

Result<QString> WalletService::checkEvmAddress(const QString &text, const QString &what)
{
    if (auto secret = refuseSecret(what, text); !secret)
        return secret.error();
    auto address = chain::parseEvmAddress(text.trimmed());
    if (!address)
        return inputError(what, address.error().message, address.error().code);
    return chain::evmChecksumAddress(*address);
}

Result<QString> WalletService::checkSolanaAddress(const QString &text, const QString &what)
{
    if (auto secret = refuseSecret(what, text); !secret)
        return secret.error();
    const QString address = text.trimmed();
    if (auto parsed = chain::parseSolanaAddress(address); !parsed)
        return inputError(what, parsed.error().message, parsed.error().code);
    return address;
}

Status WalletService::checkEndpoint(const QString &url, const QString &what)
{
    const auto checked = exchange::checkBaseUrl(url);
    if (checked)
        return {};
    const QString code = checked.error().code;
    QString why;
    if (code == QLatin1String("url.cleartext"))
        why = QStringLiteral("must start with https:// (http:// only to this computer: localhost, 127.0.0.1 or ::1); "
                             "the wallet's addresses would travel in clear");
    else if (code == QLatin1String("url.scheme"))
        why = QStringLiteral("must start with https://");
    else if (code == QLatin1String("url.userinfo"))
        why = QStringLiteral("must not hold a user name or password");
    else if (code == QLatin1String("url.query"))
        why = QStringLiteral("must not have a query (?) or fragment (#)");
    else
        why = QStringLiteral("must look like https://host[:port]/path");
    return makeError(code, what + QLatin1Char(' ') + why);
}

Result<QMap<QString, QString>> WalletService::parseRpcUrls(const QStringList &values)
{
    QMap<QString, QString> out;
    for (const QString &value : values) {
        const qsizetype equals = value.indexOf(QLatin1Char('='));
        const QString shown =
            QStringLiteral("--rpc \"%1\"").arg(equals > 0 ? value.left(equals) + QStringLiteral("=...") : value);
        if (equals <= 0)
            return makeError(QStringLiteral("wallet.input"), shown + QStringLiteral(": expected CHAIN=URL"));
        const QString key = value.left(equals).trimmed().toLower();
        if (!chain::evmChainByKey(key))
            return makeError(
                QStringLiteral("wallet.input"),
                shown + QStringLiteral(": unknown chain \"%1\" (%2); expected CHAIN=URL").arg(key, chainList()));
        if (out.contains(key))
            return makeError(QStringLiteral("wallet.input"), shown + QStringLiteral(": %1 given twice").arg(key));
        out.insert(key, value.mid(equals + 1).trimmed());
    }
    return out;
}

Result<std::optional<int>> WalletService::parseTokenDecimals(const QString &text, const QString &what)
{
    if (text.trimmed().isEmpty())
        return std::optional<int>();
    // Any small integer here: the range (0 to 18) is checkTokens', with its words.
    auto parsed = numbers::parseInteger(text.trimmed(), what, -1000, 1000);
    if (!parsed)
        return parsed.error();
    return std::optional<int>(static_cast<int>(*parsed));
}

Result<domain::WalletToken> WalletService::parseToken(const QString &chain, const QString &value)
{
    const qsizetype equals = value.indexOf(QLatin1Char('='));
    if (equals <= 0)
        return makeError(QStringLiteral("wallet.input"),
                         QStringLiteral("--set \"%1\": expected SYMBOL=CONTRACT[:DECIMALS]").arg(value));
    domain::WalletToken token{chain, value.left(equals), value.mid(equals + 1), std::nullopt};
    if (const qsizetype colon = token.contract.indexOf(QLatin1Char(':')); colon >= 0) {
        auto decimals =
            parseTokenDecimals(token.contract.mid(colon + 1), QStringLiteral("--set \"%1\" decimals").arg(value));
        if (!decimals)
            return decimals.error();
        if (!*decimals)
            return makeError(QStringLiteral("wallet.input"),
                             QStringLiteral("--set \"%1\": decimals after \":\" are empty; leave out \":\" to read "
                                            "them from the contract")
                                 .arg(value));
        token.decimals = *decimals;
        token.contract = token.contract.left(colon);
    }
    return token;
}

Result<QList<domain::WalletToken>> WalletService::checkTokens(const QString &chain,
                                                              const QList<domain::WalletToken> &tokens)
{
    QList<domain::WalletToken> out;
    QSet<QString> contracts;
    for (qsizetype i = 0; i < tokens.size(); ++i) {
        const QString what = QStringLiteral("%1 token %2").arg(chain).arg(i + 1);
        domain::WalletToken token = tokens[i];
        token.network = chain;
        token.symbol = token.symbol.trimmed().toUpper();
        if (token.symbol.isEmpty() || token.symbol.size() > 20 || token.symbol.contains(QLatin1Char(' ')))
            return inputError(what, QStringLiteral("a symbol of 1 to 20 characters without spaces is needed"));
        auto contract = chain::parseEvmAddress(token.contract.trimmed());
        if (!contract)
            return inputError(what, QStringLiteral("contract: %1").arg(contract.error().message));
        token.contract = chain::evmChecksumAddress(*contract);
        if (token.decimals && (*token.decimals < 0 || *token.decimals > 18))
            return inputError(
                what, QStringLiteral("%1 decimals: Ballast keeps amounts to 18 decimals at most").arg(*token.decimals));
        if (contracts.contains(token.contract))
            return inputError(what, QStringLiteral("contract %1 given twice").arg(token.contract));
        contracts.insert(token.contract);
        out.append(token);
    }
    return out;
}

QList<domain::WalletToken> WalletService::defaultTokens(const QString &chain)
{
    QList<domain::WalletToken> out;
    if (const chain::EvmChain *evmChain = chain::evmChainByKey(chain)) {
        for (const chain::EvmToken &token : evmChain->defaultTokens)
            out.append({evmChain->key, token.symbol, token.contract, token.decimals});
    }
    return out;
}

Result<BitcoinLineKind> WalletService::classifyBitcoinLine(const QString &line)
{
    const QString text = line.trimmed();
    if (auto reason = chain::secretReason(text))
        return makeError(QStringLiteral("wallet.secret"),
                         *reason + QStringLiteral(". Ballast only watches: give it public keys and addresses"));
    auto key = chain::ExtendedPublicKey::parse(text);
    if (key)
        return BitcoinLineKind::Key;
    auto address = chain::parseBitcoinAddress(text, chain::BitcoinNetwork::Mainnet);
    if (address)
        return BitcoinLineKind::Address;
    // An account key is over 100 characters, an address at most 90 (bech32):
    // the parse error of what the line looks like is the useful one.
    return text.size() > 100 ? key.error() : address.error();
}

BitcoinWalletRequest WalletService::bitcoinRequest(const QString &name, const QStringList &lines,
                                                   const QString &baseUrl, const QString &script)
{
    BitcoinWalletRequest request{name, {}, {}, baseUrl, script};
    for (const QString &line : lines) {
        auto kind = classifyBitcoinLine(line);
        (kind && *kind == BitcoinLineKind::Key ? request.keys : request.addresses).append(line.trimmed());
    }
    return request;
}

Result<domain::Account> WalletService::addBitcoinWallet(const BitcoinWalletRequest &request)
{
    if (request.name.trimmed().isEmpty())
        return makeError(QStringLiteral("wallet.input"), QStringLiteral("the wallet needs a name"));
    if (request.keys.isEmpty() && request.addresses.isEmpty())
        return makeError(QStringLiteral("wallet.input"),
                         QStringLiteral("a Bitcoin wallet needs at least one extended public key or address"));
    std::optional<chain::ScriptType> script;
    if (!request.script.isEmpty()) {
        auto parsed = chain::scriptTypeFromName(request.script);
        if (!parsed)
            return inputError(QStringLiteral("--script"), parsed.error().message);
        script = *parsed;
    }
    QList<domain::WalletSource> sources;
    QSet<QString> seen;
    for (qsizetype i = 0; i < request.keys.size(); ++i) {
        const QString what = QStringLiteral("key %1").arg(i + 1);
        if (auto secret = refuseSecret(what, request.keys[i]); !secret)
            return secret.error();
        auto key = chain::ExtendedPublicKey::parse(request.keys[i]);
        if (!key)
            return inputError(what, key.error().message, key.error().code);
        if (key->network() != chain::BitcoinNetwork::Mainnet)
            return inputError(what,
                              QStringLiteral("a testnet key: its coins have no value, so Ballast does not watch it"));
        if (script)
            key->setScriptType(*script);
        const QString text = key->toString();
        if (seen.contains(text))
            return inputError(what, QStringLiteral("given twice"));
        seen.insert(text);
        sources.append({0, 0, bitcoin(), QStringLiteral("xpub"), text, chain::scriptTypeName(key->scriptType())});
    }
    for (qsizetype i = 0; i < request.addresses.size(); ++i) {
        const QString what = QStringLiteral("address %1").arg(i + 1);
        if (auto secret = refuseSecret(what, request.addresses[i]); !secret)
            return secret.error();
        const QString text = request.addresses[i].trimmed();
        if (auto parsed = chain::parseBitcoinAddress(text, chain::BitcoinNetwork::Mainnet); !parsed)
            return inputError(what, parsed.error().message, parsed.error().code);
        // Bech32 addresses are case-insensitive: kept in lower case so that
        // one address is one source.
        const QString normalised = text.startsWith(QLatin1String("BC1"), Qt::CaseInsensitive) ? text.toLower() : text;
        if (seen.contains(normalised))
            return inputError(what, QStringLiteral("given twice"));
        seen.insert(normalised);
        sources.append({0, 0, bitcoin(), QStringLiteral("address"), normalised, QString()});
    }
    const QString url = request.baseUrl.isEmpty() ? defaultEndpoint(bitcoin()) : request.baseUrl;
    if (auto checked = checkEndpoint(url, QStringLiteral("--base-url: the URL")); !checked)
        return checked.error();

    domain::Account account;
    account.name = request.name;
    account.exchange = bitcoin();
    account.baseUrl = url;
    return store(account, sources, {{bitcoin(), url}}, {});
}

Result<domain::Account> WalletService::store(const domain::Account &account, const QList<domain::WalletSource> &sources,
                                             const QMap<QString, QString> &endpoints,
                                             const QMap<QString, QList<domain::WalletToken>> &tokens)
{
    return storage::guarded([&]() -> Result<domain::Account> {
        storage::Transaction transaction(m_db);
        storage::AccountRepo accounts(m_db);
        auto existing = accounts.findByName(account.name);
        if (!existing)
            return existing.error();
        if (existing->has_value())
            return makeError(QStringLiteral("account.exists"),
                             QStringLiteral("an account named \"%1\" exists already").arg(account.name));
        domain::Account row = account;
        row.kind = domain::AccountKind::Wallet;
        row.createdAt = QDateTime::fromMSecsSinceEpoch(m_clock(), QTimeZone::utc());
        auto added = accounts.add(row);
        if (!added)
            return added.error();
        storage::WalletRepo wallets(m_db);
        if (auto stored = wallets.addSources(added->id, sources); !stored)
            return stored.error();
        for (auto it = endpoints.cbegin(); it != endpoints.cend(); ++it) {
            if (auto endpoint = wallets.setEndpoint(added->id, it.key(), it.value()); !endpoint)
                return endpoint.error();
        }
        for (auto it = tokens.cbegin(); it != tokens.cend(); ++it) {
            if (auto stored = wallets.setTokens(added->id, it.key(), it.value()); !stored)
                return stored.error();
        }
        transaction.commit();
        return *added;
    });
}

Result<domain::Account> WalletService::addEvmWallet(const EvmWalletRequest &request)
{
    if (request.name.trimmed().isEmpty())
        return makeError(QStringLiteral("wallet.input"), QStringLiteral("the wallet needs a name"));
    if (request.address.trimmed().isEmpty())
        return makeError(QStringLiteral("wallet.input"), QStringLiteral("an EVM wallet needs --address 0x..."));
    auto address = checkEvmAddress(request.address, QStringLiteral("--address"));
    if (!address)
        return address.error();
    const QString checksummed = *address;

    QMap<QString, QString> urls;
    for (auto it = request.rpcUrls.cbegin(); it != request.rpcUrls.cend(); ++it) {
        const chain::EvmChain *chain = chain::evmChainByKey(it.key().trimmed());
        if (!chain)
            return inputError(QStringLiteral("--rpc %1").arg(it.key()),
                              QStringLiteral("unknown chain \"%1\" (%2)").arg(it.key(), chainList()));
        if (auto checked = checkEndpoint(it.value().trimmed(), QStringLiteral("--rpc %1: the URL").arg(chain->key));
            !checked)
            return checked.error();
        urls.insert(chain->key, it.value().trimmed());
    }
    QStringList chains;
    for (const QString &key : request.chains) {
        const chain::EvmChain *chain = chain::evmChainByKey(key.trimmed());
        if (!chain)
            return inputError(QStringLiteral("--chains"),
                              QStringLiteral("unknown chain \"%1\" (%2)").arg(key.trimmed(), chainList()));
        if (!chains.contains(chain->key))
            chains.append(chain->key);
    }
    if (chains.isEmpty()) {
        // In the order of evmchains, so that the default is stable.
        for (const chain::EvmChain &chain : chain::evmChains()) {
            if (urls.contains(chain.key))
                chains.append(chain.key);
        }
        if (chains.isEmpty())
            chains = chain::defaultEvmChainKeys();
    } else {
        for (auto it = urls.cbegin(); it != urls.cend(); ++it) {
            if (!chains.contains(it.key()))
                return inputError(QStringLiteral("--rpc %1").arg(it.key()),
                                  QStringLiteral("%1 is not one of the chains chosen (--chains %2)")
                                      .arg(it.key(), chains.join(QLatin1Char(','))));
        }
    }
    QList<domain::WalletSource> sources;
    QMap<QString, QList<domain::WalletToken>> tokens;
    for (const QString &key : std::as_const(chains)) {
        if (!urls.contains(key)) {
            const QString fallback = defaultEndpoint(key);
            if (fallback.isEmpty())
                return inputError(QStringLiteral("--rpc"),
                                  QStringLiteral("no endpoint for %1: give --rpc %1=URL (Ballast has a public "
                                                 "default for %2 only)")
                                      .arg(key, chain::defaultEvmChainKeys().join(QStringLiteral(", "))));
            urls.insert(key, fallback);
        }
        sources.append({0, 0, key, QStringLiteral("address"), checksummed, QString()});
        auto listed = checkTokens(key, request.tokens.contains(key) ? request.tokens.value(key) : defaultTokens(key));
        if (!listed)
            return listed.error();
        tokens.insert(key, *listed);
    }
    domain::Account account;
    account.name = request.name;
    account.exchange = QString::fromLatin1(kEvm);
    return store(account, sources, urls, tokens);
}

Result<domain::Account> WalletService::addSolanaWallet(const SolanaWalletRequest &request)
{
    if (request.name.trimmed().isEmpty())
        return makeError(QStringLiteral("wallet.input"), QStringLiteral("the wallet needs a name"));
    if (request.address.trimmed().isEmpty())
        return makeError(QStringLiteral("wallet.input"), QStringLiteral("a Solana wallet needs --address"));
    auto checkedAddress = checkSolanaAddress(request.address, QStringLiteral("--address"));
    if (!checkedAddress)
        return checkedAddress.error();
    const QString address = *checkedAddress;
    const QString url =
        request.rpcUrl.trimmed().isEmpty() ? defaultEndpoint(QString::fromLatin1(kSolana)) : request.rpcUrl.trimmed();
    if (auto checked = checkEndpoint(url, QStringLiteral("--rpc: the URL")); !checked)
        return checked.error();
    domain::Account account;
    account.name = request.name;
    account.exchange = QString::fromLatin1(kSolana);
    account.baseUrl = url;
    const QString network = QString::fromLatin1(kSolana);
    return store(account, {{0, 0, network, QStringLiteral("address"), address, QString()}}, {{network, url}}, {});
}

Result<QList<domain::WalletToken>> WalletService::tokens(const domain::Account &account)
{
    if (account.exchange != QLatin1String(kEvm))
        return makeError(
            QStringLiteral("wallet.kind"),
            QStringLiteral("%1 is not an EVM wallet: only those read tokens by contract").arg(account.name));
    return storage::WalletRepo(m_db).tokens(account.id);
}

Status WalletService::setTokens(const domain::Account &account, const QString &chain,
                                const QList<domain::WalletToken> &tokens)
{
    return setTokenLists(account, {{chain, tokens}});
}

Result<QStringList> WalletService::chains(const domain::Account &account)
{
    if (account.exchange != QLatin1String(kEvm))
        return makeError(
            QStringLiteral("wallet.kind"),
            QStringLiteral("%1 is not an EVM wallet: only those read tokens by contract").arg(account.name));
    auto sources = storage::WalletRepo(m_db).sources(account.id);
    if (!sources)
        return sources.error();
    QStringList out;
    for (const auto &source : *sources) {
        if (!out.contains(source.network))
            out.append(source.network);
    }
    return out;
}

Status WalletService::setTokenLists(const domain::Account &account,
                                    const QMap<QString, QList<domain::WalletToken>> &lists)
{
    auto watched = chains(account);
    if (!watched)
        return watched.error();
    QMap<QString, QList<domain::WalletToken>> checked;
    for (auto it = lists.cbegin(); it != lists.cend(); ++it) {
        if (!watched->contains(it.key()))
            return inputError(QStringLiteral("--chain"),
                              QStringLiteral("%1 does not watch \"%2\"").arg(account.name, it.key()));
        auto list = checkTokens(it.key(), it.value());
        if (!list)
            return list.error();
        checked.insert(it.key(), *list);
    }
    return storage::guarded([&]() -> Status {
        storage::Transaction transaction(m_db);
        storage::WalletRepo wallets(m_db);
        for (auto it = checked.cbegin(); it != checked.cend(); ++it) {
            if (auto stored = wallets.setTokens(account.id, it.key(), it.value()); !stored)
                return stored.error();
        }
        transaction.commit();
        return {};
    });
}

Result<QMap<QString, QString>> WalletService::endpoints(const domain::Account &account)
{
    storage::WalletRepo wallets(m_db);
    auto sources = wallets.sources(account.id);
    if (!sources)
        return sources.error();
    auto stored = wallets.endpoints(account.id);
    if (!stored)
        return stored.error();
    QMap<QString, QString> out;
    for (const auto &source : *sources)
        out.insert(source.network, stored->value(source.network));
    return out;
}

Result<WalletSyncReport> WalletService::sync(const domain::Account &account, exchange::HttpClient &http,
                                             const WalletProgress &progress)
{
    if (!isWatched(account.exchange))
        return makeError(QStringLiteral("wallet.kind"),
                         QStringLiteral("%1 is not a watched wallet (its balances are set by hand or synced from an "
                                        "exchange)")
                             .arg(account.name));
    storage::WalletRepo wallets(m_db);
    auto sources = wallets.sources(account.id);
    if (!sources)
        return sources.error();
    // Networks in the order they were added (ethereum before base), each read
    // on its own: one that fails is reported and the next is still read.
    QStringList order;
    QMap<QString, QList<domain::WalletSource>> byNetwork;
    for (const auto &source : *sources) {
        if (!byNetwork.contains(source.network))
            order.append(source.network);
        byNetwork[source.network].append(source);
    }

    // What the networks need from the database, read once for the whole
    // sync: the endpoints, and an EVM wallet's token lists.
    auto endpoints = wallets.endpoints(account.id);
    if (!endpoints)
        return endpoints.error();
    QHash<QString, QList<chain::EvmToken>> tokens;
    if (account.exchange == QLatin1String(kEvm)) {
        auto stored = wallets.tokens(account.id);
        if (!stored)
            return stored.error();
        for (const auto &token : *stored)
            tokens[token.network].append({token.symbol, token.contract, token.decimals});
    }

    WalletSyncReport report;
    QList<std::pair<qint64, QList<domain::WalletAddress>>> seenAddresses;
    const qint64 now = m_clock();
    for (const QString &key : std::as_const(order)) {
        WalletNetworkSync network;
        network.network = key;
        NetworkRun run{network, byNetwork.value(key), endpoints->value(key), tokens.value(key), http, progress, now,
                       {}};
        Status read;
        if (account.exchange == QLatin1String(kBitcoin) && key == bitcoin()) {
            if (run.url.isEmpty())
                run.url = !account.baseUrl.isEmpty() ? account.baseUrl : defaultEndpoint(bitcoin());
            read = syncBitcoin(account, run);
        } else if (account.exchange == QLatin1String(kEvm) && chain::evmChainByKey(key)) {
            read = syncEvm(account, run);
        } else if (account.exchange == QLatin1String(kSolana) && key == QLatin1String(kSolana)) {
            read = syncSolana(account, run);
        } else {
            network.error = QStringLiteral("a %1 wallet has no network \"%2\": the account's sources are not ones "
                                           "Ballast stored; add the wallet again")
                                .arg(account.exchange, key);
        }
        if (!read)
            return read.error();
        if (network.error.isEmpty() && run.url.isEmpty())
            network.error = QStringLiteral("no endpoint is set for %1").arg(key);
        if (network.error.isEmpty())
            seenAddresses.append(run.addresses);
        else
            network.holdings.clear();
        report.networks.append(network);
    }

    QList<domain::Holding> stated;
    // A network that was read is the whole truth for it: an asset held there
    // that the chain no longer lists (a Solana token account closed once
    // emptied, a token taken off a chain's list) goes to zero. A network that
    // failed keeps what it had.
    QSet<QString> read;
    for (const auto &network : std::as_const(report.networks)) {
        stated.append(network.holdings);
        if (network.error.isEmpty())
            read.insert(network.network);
    }
    // Opening balances per network: one read now for the first time (its
    // first sync failed, or it was not read before) starts with what it
    // holds, as the account's first sync did, instead of adjustments to
    // classify. A network read before has what its last sync saw stored.
    auto scanned = wallets.addresses(account.id);
    if (!scanned)
        return scanned.error();
    QSet<QString> firstRead = read;
    for (const auto &row : *scanned)
        firstRead.remove(row.network);
    auto recorded = storage::guarded([&]() -> Result<QList<domain::Transaction>> {
        storage::Transaction transaction(m_db);
        for (const auto &[sourceId, rows] : std::as_const(seenAddresses)) {
            if (auto stored = wallets.replaceAddresses(account.id, sourceId, rows); !stored)
                return stored.error();
        }
        auto written = TransactionService(m_db, m_clock)
                           .reconcile(account, stated, domain::TransactionSource::Sync,
                                      TransactionService::StatementScope::ofNetworks(read, firstRead),
                                      QStringLiteral("the chain"));
        if (!written)
            return written.error();
        transaction.commit();
        return *written;
    });
    if (!recorded)
        return recorded.error();
    report.recorded = *recorded;
    return report;
}

Status WalletService::syncBitcoin(const domain::Account &account, NetworkRun &run)
{
    WalletNetworkSync &network = run.network;
    chain::EsploraClient client(run.http, QUrl(run.url));
    bool cancelled = false;
    const chain::ScanProgress onAddress = [&](const chain::ScannedAddress &) {
        ++network.addresses;
        if (!run.report(network.addresses)) {
            cancelled = true;
            return false;
        }
        return true;
    };
    std::int64_t confirmed = 0;
    std::int64_t pending = 0;
    for (const auto &source : std::as_const(run.sources)) {
        Result<chain::WalletScan> scan = chain::WalletScan{};
        if (source.kind == QLatin1String("xpub")) {
            auto key = chain::ExtendedPublicKey::parse(source.value);
            if (!key)
                return key.error();
            if (auto type = chain::scriptTypeFromName(source.script))
                key->setScriptType(*type);
            scan = chain::scanExtendedKey(*key, client, kGapLimit, onAddress);
        } else {
            scan = chain::scanAddresses({source.value}, chain::BitcoinNetwork::Mainnet, client, onAddress);
        }
        if (cancelled)
            return makeError(QStringLiteral("wallet.cancelled"), QStringLiteral("the sync was cancelled"));
        if (!scan) {
            network.error = scan.error().message;
            return {};
        }
        confirmed += scan->confirmedSats;
        pending += scan->pendingSats;
        QList<domain::WalletAddress> rows;
        for (const auto &scanned : scan->addresses) {
            rows.append({network.network, source.id, scanned.path, scanned.activity.address, btc(),
                         fromSats(scanned.activity.confirmedSats), fromSats(scanned.activity.pendingSats),
                         scanned.activity.txCount, run.now});
        }
        run.addresses.append({source.id, rows});
    }
    network.holdings.append({account.id, account.name, btc(), network.network, fromSats(confirmed)});
    if (pending != 0)
        network.pending.append({account.id, account.name, btc(), network.network, fromSats(pending)});
    return {};
}

Status WalletService::syncEvm(const domain::Account &account, NetworkRun &run)
{
    WalletNetworkSync &network = run.network;
    const chain::EvmChain *evmChain = chain::evmChainByKey(network.network);
    if (!run.report(0))
        return makeError(QStringLiteral("wallet.cancelled"), QStringLiteral("the sync was cancelled"));
    if (run.url.isEmpty())
        return {};
    const QList<chain::EvmToken> &tokens = run.tokens;
    chain::EvmRpcClient client(run.http, QUrl(run.url));
    // The chain first: a URL pasted for another chain would read balances
    // that are not this network's.
    if (auto checked = client.checkChain(evmChain->chainId); !checked) {
        network.error = checked.error().message;
        return {};
    }
    for (const auto &source : std::as_const(run.sources)) {
        auto owner = chain::parseEvmAddress(source.value);
        if (!owner)
            return owner.error();
        auto native = client.nativeBalance(*owner);
        if (!native) {
            network.error = native.error().message;
            return {};
        }
        QList<chain::EvmTokenBalance> balances;
        if (!tokens.isEmpty()) {
            auto read = client.tokenBalances(*owner, tokens);
            if (!read) {
                network.error = read.error().message;
                return {};
            }
            balances = *read;
        }
        ++network.addresses;
        QList<domain::WalletAddress> rows;
        rows.append(
            {network.network, source.id, QString(), source.value, evmChain->nativeSymbol, *native, {}, 0, run.now});
        for (const auto &balance : std::as_const(balances))
            rows.append(
                {network.network, source.id, QString(), source.value, balance.symbol, balance.amount, {}, 0, run.now});
        if (auto summed = addBalances(network.holdings, account, network.network, rows); !summed) {
            network.error = summed.error().message;
            return {};
        }
        run.addresses.append({source.id, rows});
        if (!run.report(network.addresses))
            return makeError(QStringLiteral("wallet.cancelled"), QStringLiteral("the sync was cancelled"));
    }
    return {};
}

Status WalletService::syncSolana(const domain::Account &account, NetworkRun &run)
{
    WalletNetworkSync &network = run.network;
    if (!run.report(0))
        return makeError(QStringLiteral("wallet.cancelled"), QStringLiteral("the sync was cancelled"));
    if (run.url.isEmpty())
        return {};
    chain::SolanaRpcClient client(run.http, QUrl(run.url));
    const QString sol = QStringLiteral("SOL");
    for (const auto &source : std::as_const(run.sources)) {
        auto lamports = client.getBalance(source.value);
        if (!lamports) {
            network.error = lamports.error().message;
            return {};
        }
        auto tokens = client.tokenBalances(source.value);
        if (!tokens) {
            network.error = tokens.error().message;
            return {};
        }
        ++network.addresses;
        QList<domain::WalletAddress> rows;
        rows.append({network.network, source.id, QString(), source.value, sol, *lamports, {}, 0, run.now});
        for (const auto &token : std::as_const(*tokens)) {
            // A mint without a symbol Ballast knows is not an asset it can
            // price or rebalance: said, never recorded under its address.
            if (chain::solanaMintSymbol(token.mint).isEmpty()) {
                if (!token.amount.isZero())
                    network.skipped.append(QStringLiteral("mint %1: %2").arg(token.mint, token.amount.toString()));
                continue;
            }
            rows.append(
                {network.network, source.id, QString(), source.value, token.symbol, token.amount, {}, 0, run.now});
        }
        if (auto summed = addBalances(network.holdings, account, network.network, rows); !summed) {
            network.error = summed.error().message;
            return {};
        }
        run.addresses.append({source.id, rows});
        if (!run.report(network.addresses))
            return makeError(QStringLiteral("wallet.cancelled"), QStringLiteral("the sync was cancelled"));
    }
    return {};
}

Result<WalletSyncReport> WalletService::sync(const domain::Account &account, const WalletProgress &progress)
{
    QNetworkAccessManager network;
    exchange::HttpClient http(&network);
    return sync(account, http, progress);
}

Result<QList<domain::WalletSource>> WalletService::sources(const domain::Account &account)
{
    return storage::WalletRepo(m_db).sources(account.id);
}

Result<QList<domain::WalletAddress>> WalletService::lastScan(const domain::Account &account)
{
    return storage::WalletRepo(m_db).addresses(account.id);
}

Result<QList<domain::WalletAddress>> WalletService::derivedAddresses(const domain::Account &account, int count)
{
    storage::WalletRepo wallets(m_db);
    auto sources = wallets.sources(account.id);
    if (!sources)
        return sources.error();
    auto scanned = wallets.addresses(account.id);
    if (!scanned)
        return scanned.error();
    QHash<QString, domain::WalletAddress> known;
    QHash<qint64, QList<domain::WalletAddress>> bySource;
    for (const auto &row : *scanned) {
        known.insert(row.address, row);
        bySource[row.sourceId].append(row);
    }
    QList<domain::WalletAddress> out;
    for (const auto &source : *sources) {
        if (source.kind != QLatin1String("xpub")) {
            // A plain address: what the last sync saw on it, each asset (EVM
            // tokens, SPL tokens), else its native asset not synced yet.
            if (bySource.contains(source.id)) {
                out.append(bySource.value(source.id));
                continue;
            }
            const chain::EvmChain *evmChain = chain::evmChainByKey(source.network);
            const QString native = evmChain                ? evmChain->nativeSymbol
                : source.network == QLatin1String(kSolana) ? QStringLiteral("SOL")
                                                           : btc();
            out.append(domain::WalletAddress{source.network, source.id, QString(), source.value, native, {}, {}, 0, 0});
            continue;
        }
        auto key = chain::ExtendedPublicKey::parse(source.value);
        if (!key)
            return key.error();
        if (auto type = chain::scriptTypeFromName(source.script))
            key->setScriptType(*type);
        for (std::uint32_t change = 0; change <= 1; ++change) {
            for (int index = 0; index < count; ++index) {
                auto address = key->address(change, static_cast<std::uint32_t>(index));
                if (!address)
                    continue;
                domain::WalletAddress row = known.value(
                    *address, domain::WalletAddress{source.network, source.id, {}, *address, btc(), {}, {}, 0, 0});
                row.path = QStringLiteral("%1/%2").arg(change).arg(index);
                out.append(row);
            }
        }
    }
    return out;
}

} // namespace ballast::services
