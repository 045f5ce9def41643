#include "services/walletservice.h"

#include "chain/addresses.h"
#include "chain/bitcoinkeys.h"
#include "chain/esplora.h"
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

} // namespace

bool WalletSyncReport::anyFailed() const
{
    for (const auto &network : networks) {
        if (!network.error.isEmpty())
            return true;
    }
    return false;
}

WalletService::WalletService(storage::Database &db, Clock clock)
    : m_db(db)
    , m_clock(std::move(clock))
{
}

bool WalletService::isWatched(const QString &exchange)
{
    return exchange == bitcoin();
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
    const QString url = request.baseUrl.isEmpty() ? QString::fromLatin1(kDefaultEsploraUrl) : request.baseUrl;
    if (auto checked = exchange::checkBaseUrl(url); !checked)
        return inputError(QStringLiteral("--base-url"), checked.error().message, checked.error().code);

    return storage::guarded([&]() -> Result<domain::Account> {
        storage::Transaction transaction(m_db);
        storage::AccountRepo accounts(m_db);
        auto existing = accounts.findByName(request.name);
        if (!existing)
            return existing.error();
        if (existing->has_value())
            return makeError(QStringLiteral("account.exists"),
                             QStringLiteral("an account named \"%1\" exists already").arg(request.name));
        domain::Account account;
        account.name = request.name;
        account.kind = domain::AccountKind::Wallet;
        account.exchange = bitcoin();
        account.baseUrl = url;
        account.createdAt = QDateTime::fromMSecsSinceEpoch(m_clock(), QTimeZone::utc());
        auto added = accounts.add(account);
        if (!added)
            return added.error();
        storage::WalletRepo wallets(m_db);
        if (auto stored = wallets.addSources(added->id, sources); !stored)
            return stored.error();
        if (auto endpoint = wallets.setEndpoint(added->id, bitcoin(), url); !endpoint)
            return endpoint.error();
        transaction.commit();
        return *added;
    });
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
    QMap<QString, QList<domain::WalletSource>> byNetwork;
    for (const auto &source : *sources)
        byNetwork[source.network].append(source);

    WalletSyncReport report;
    QList<std::pair<qint64, QList<domain::WalletAddress>>> seenAddresses;
    const qint64 now = m_clock();
    for (auto it = byNetwork.cbegin(); it != byNetwork.cend(); ++it) {
        WalletNetworkSync network;
        network.network = it.key();
        if (network.network != bitcoin()) {
            network.error = QStringLiteral("%1: this build does not read that network").arg(network.network);
            report.networks.append(network);
            continue;
        }
        auto endpoint = wallets.endpoint(account.id, network.network);
        if (!endpoint)
            return endpoint.error();
        const QString url = !endpoint->isEmpty() ? *endpoint
            : !account.baseUrl.isEmpty()         ? account.baseUrl
                                                 : QString::fromLatin1(kDefaultEsploraUrl);
        chain::EsploraClient client(http, QUrl(url));
        bool cancelled = false;
        const chain::ScanProgress onAddress = [&](const chain::ScannedAddress &) {
            ++network.addresses;
            if (progress && !progress(network.network, network.addresses)) {
                cancelled = true;
                return false;
            }
            return true;
        };
        std::int64_t confirmed = 0;
        std::int64_t pending = 0;
        QList<std::pair<qint64, QList<domain::WalletAddress>>> networkAddresses;
        for (const auto &source : it.value()) {
            Result<chain::WalletScan> scan = makeError(QString(), QString());
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
                break;
            }
            confirmed += scan->confirmedSats;
            pending += scan->pendingSats;
            QList<domain::WalletAddress> rows;
            for (const auto &scanned : scan->addresses) {
                rows.append({network.network, source.id, scanned.path, scanned.activity.address, btc(),
                             fromSats(scanned.activity.confirmedSats), fromSats(scanned.activity.pendingSats),
                             scanned.activity.txCount, now});
            }
            networkAddresses.append({source.id, rows});
        }
        if (network.error.isEmpty()) {
            network.holdings.append({account.id, account.name, btc(), network.network, fromSats(confirmed)});
            if (pending != 0)
                network.pending.append({account.id, account.name, btc(), network.network, fromSats(pending)});
            seenAddresses.append(networkAddresses);
        }
        report.networks.append(network);
    }

    QList<domain::Holding> stated;
    for (const auto &network : std::as_const(report.networks))
        stated.append(network.holdings);
    auto recorded = storage::guarded([&]() -> Result<QList<domain::Transaction>> {
        storage::Transaction transaction(m_db);
        for (const auto &[sourceId, rows] : std::as_const(seenAddresses)) {
            if (auto stored = wallets.replaceAddresses(account.id, sourceId, rows); !stored)
                return stored.error();
        }
        auto written =
            TransactionService(m_db, m_clock)
                .reconcile(account, stated, domain::TransactionSource::Sync, false, QStringLiteral("the chain"));
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
    for (const auto &row : *scanned)
        known.insert(row.address, row);
    QList<domain::WalletAddress> out;
    for (const auto &source : *sources) {
        if (source.kind != QLatin1String("xpub")) {
            out.append(known.value(
                source.value,
                domain::WalletAddress{source.network, source.id, QString(), source.value, btc(), {}, {}, 0, 0}));
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
