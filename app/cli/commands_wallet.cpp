// Watch-only wallets: adding them, their addresses, and syncing them.
#include "cli.h"
#include "clioutput.h"
#include "common/numberparse.h"
#include "exchange/httpclient.h"
#include "services/ledgerqueries.h"
#include "services/walletservice.h"
#include "storage/database.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QNetworkAccessManager>

namespace ballast::cli {

void Cli::registerWalletCommands()
{
    m_commands.append(
        {QStringLiteral("wallets addresses"),
         QStringLiteral("A watched wallet's addresses with their path and what the last sync saw on them (EVM and "
                        "Solana: the one address on each network, a row per asset)."),
         QString(),
         [](QCommandLineParser &p) {
             p.addOption({QStringLiteral("account"), QStringLiteral("The wallet account."), QStringLiteral("NAME")});
             p.addOption({QStringLiteral("count"),
                          QStringLiteral("Derive the first N receive and change addresses of each key instead "
                                         "(no network needed)."),
                          QStringLiteral("N")});
         },
         &Cli::cmdWalletsAddresses});
    m_commands.append(
        {QStringLiteral("wallets tokens"),
         QStringLiteral("The ERC-20 tokens an EVM wallet reads on each chain; with --set, replace one chain's list."),
         QString(),
         [](QCommandLineParser &p) {
             p.addOption(
                 {QStringLiteral("account"), QStringLiteral("The EVM wallet account."), QStringLiteral("NAME")});
             p.addOption({QStringLiteral("chain"), QStringLiteral("The chain whose list --set replaces."),
                          QStringLiteral("CHAIN")});
             p.addOption({QStringLiteral("set"),
                          QStringLiteral("A token as SYMBOL=CONTRACT or SYMBOL=CONTRACT:DECIMALS; repeatable; the "
                                         "chain's list becomes exactly these."),
                          QStringLiteral("TOKEN")});
         },
         &Cli::cmdWalletsTokens});
}

QNetworkAccessManager &Cli::network()
{
    if (!m_network)
        m_network = std::make_unique<QNetworkAccessManager>();
    return *m_network;
}

namespace {

QJsonObject accountJson(const domain::Account &account, const QList<domain::WalletSource> &sources,
                        const QMap<QString, QString> &endpoints)
{
    QJsonArray watched;
    for (const auto &source : sources) {
        watched.append(QJsonObject{{QStringLiteral("network"), source.network},
                                   {QStringLiteral("kind"), source.kind},
                                   {QStringLiteral("value"), source.value},
                                   {QStringLiteral("script"), source.script},
                                   {QStringLiteral("endpoint"), endpoints.value(source.network)}});
    }
    return QJsonObject{{QStringLiteral("name"), account.name},
                       {QStringLiteral("exchange"), account.exchange},
                       {QStringLiteral("kind"), domain::toText(account.kind)},
                       {QStringLiteral("endpoint"), account.baseUrl},
                       {QStringLiteral("watches"), watched}};
}

} // namespace

int Cli::addWalletAccount(QCommandLineParser &parser)
{
    const QString chain = parser.value(QStringLiteral("wallet")).toLower();
    const QString name = parser.value(QStringLiteral("name"));
    if (name.isEmpty())
        return usageError(QStringLiteral("accounts add --wallet needs --name"));
    if (parser.isSet(QStringLiteral("exchange")))
        return usageError(QStringLiteral("give --wallet or --exchange, not both"));
    const bool bitcoin = chain == QLatin1String(services::WalletService::kBitcoin);
    const bool evm = chain == QLatin1String(services::WalletService::kEvm);
    const bool solana = chain == QLatin1String(services::WalletService::kSolana);
    if (!bitcoin && !evm && !solana)
        return usageError(
            QStringLiteral("--wallet: \"%1\" is not a chain this build watches (bitcoin, evm, solana)").arg(chain));
    const auto only = [&](const char *option, bool allowed, const char *where) -> QString {
        if (!allowed && parser.isSet(QLatin1String(option)))
            return QStringLiteral("--%1 applies to %2 wallets only").arg(QLatin1String(option), QLatin1String(where));
        return {};
    };
    for (const QString &why : {only("xpub", bitcoin, "bitcoin"), only("script", bitcoin, "bitcoin"),
                               only("base-url", bitcoin, "bitcoin (evm and solana take --rpc)"),
                               only("chains", evm, "evm"), only("rpc", evm || solana, "evm and solana")}) {
        if (!why.isEmpty())
            return usageError(why);
    }
    services::WalletService wallets(db(), clock());
    Result<domain::Account> added = makeError(QStringLiteral("cli.usage"), QStringLiteral("no wallet kind"));
    QString summary;
    if (bitcoin) {
        services::BitcoinWalletRequest request{
            name, parser.values(QStringLiteral("xpub")), parser.values(QStringLiteral("address")),
            parser.value(QStringLiteral("base-url")), parser.value(QStringLiteral("script"))};
        added = wallets.addBitcoinWallet(request);
        if (added)
            summary = QStringLiteral("Added bitcoin wallet \"%1\" watching %2 key(s) and %3 address(es) through %4.")
                          .arg(added->name)
                          .arg(request.keys.size())
                          .arg(request.addresses.size())
                          .arg(added->baseUrl);
    } else {
        const QStringList addresses = parser.values(QStringLiteral("address"));
        if (addresses.size() != 1)
            return usageError(QStringLiteral("--address: a%1 %2 wallet watches one address (add another wallet for "
                                             "another address)")
                                  .arg(evm ? QStringLiteral("n") : QString(), chain));
        if (evm) {
            auto urls = services::WalletService::parseRpcUrls(parser.values(QStringLiteral("rpc")));
            if (!urls)
                return usageError(urls.error().message);
            services::EvmWalletRequest request;
            request.name = name;
            request.address = addresses.first();
            if (parser.isSet(QStringLiteral("chains"))) {
                for (const QString &key : parser.value(QStringLiteral("chains")).split(QLatin1Char(','))) {
                    if (!key.trimmed().isEmpty())
                        request.chains.append(key.trimmed().toLower());
                }
                if (request.chains.isEmpty())
                    return usageError(QStringLiteral("--chains: name at least one chain"));
            }
            request.rpcUrls = *urls;
            added = wallets.addEvmWallet(request);
        } else {
            const QStringList rpc = parser.values(QStringLiteral("rpc"));
            if (rpc.size() > 1)
                return usageError(QStringLiteral("--rpc: a solana wallet has one endpoint"));
            QString url = rpc.value(0);
            if (url.startsWith(QLatin1String("solana="), Qt::CaseInsensitive))
                url = url.mid(7);
            added = wallets.addSolanaWallet({name, addresses.first(), url});
        }
        if (added) {
            auto endpoints = wallets.endpoints(*added).valueOr({});
            QStringList where;
            for (auto it = endpoints.cbegin(); it != endpoints.cend(); ++it)
                where.append(QStringLiteral("%1 through %2").arg(it.key(), it.value()));
            summary = QStringLiteral("Added %1 wallet \"%2\" watching %3 on %4.")
                          .arg(chain, added->name, addresses.first().trimmed(), where.join(QStringLiteral(", ")));
        }
    }
    if (!added)
        return fail(added.error());
    if (json()) {
        CliOutput::json(QJsonDocument(
            accountJson(*added, wallets.sources(*added).valueOr({}), wallets.endpoints(*added).valueOr({}))));
    } else {
        CliOutput::line(
            summary + QStringLiteral(" Run \"ballast-cli sync --account %1\" to read its balance.").arg(added->name));
    }
    return 0;
}

bool Cli::syncWallet(const domain::Account &account, bool quiet)
{
    exchange::HttpClient http(&network());
    // For slow nodes and for tests (a server that never answers): the time
    // each request may take, in milliseconds.
    if (const QString timeout = qEnvironmentVariable("BALLAST_WALLET_TIMEOUT_MS"); !timeout.isEmpty()) {
        const auto ms = numbers::parseInteger(timeout, QStringLiteral("BALLAST_WALLET_TIMEOUT_MS"), 1, 600000);
        if (!ms) {
            CliOutput::error(ms.error().message);
            return false;
        }
        http.setTimeout(static_cast<int>(*ms));
    }
    services::WalletService wallets(db(), clock());
    auto report = wallets.sync(account, http);
    if (!report) {
        CliOutput::error(QStringLiteral("%1: %2").arg(account.name, report.error().message));
        return false;
    }
    // The words are the service's (the app shows the same); errors and what
    // was not recorded go to stderr.
    for (const auto &line : services::describeWalletSync(account, *report)) {
        using Kind = services::WalletSyncLine::Kind;
        const bool problem = line.kind == Kind::Failed || line.kind == Kind::Skipped || line.kind == Kind::Summary;
        if (problem)
            CliOutput::error(line.text);
        else if (!quiet)
            CliOutput::line(line.text);
    }
    return !report->anyFailed();
}

int Cli::cmdWalletsAddresses(QCommandLineParser &parser)
{
    const QString name = parser.value(QStringLiteral("account"));
    if (name.isEmpty())
        return usageError(QStringLiteral("wallets addresses needs --account"));
    auto account = services::LedgerQueries(db()).account(name);
    if (!account)
        return fail(account.error());
    if (!services::WalletService::isWatched(account->exchange)) {
        return fail(
            makeError(QStringLiteral("wallet.kind"),
                      QStringLiteral("%1 is not a watched wallet (add one with accounts add --wallet)").arg(name)));
    }
    services::WalletService wallets(db(), clock());
    Result<QList<domain::WalletAddress>> rows = QList<domain::WalletAddress>();
    if (parser.isSet(QStringLiteral("count"))) {
        const auto count =
            numbers::parseInteger(parser.value(QStringLiteral("count")), QStringLiteral("--count"), 1, 1000);
        if (!count)
            return usageError(count.error().message);
        rows = wallets.derivedAddresses(*account, static_cast<int>(*count));
    } else {
        rows = wallets.lastScan(*account);
    }
    if (!rows)
        return fail(rows.error());
    if (json()) {
        QJsonArray list;
        for (const auto &row : *rows) {
            list.append(QJsonObject{{QStringLiteral("network"), row.network},
                                    {QStringLiteral("path"), row.path},
                                    {QStringLiteral("address"), row.address},
                                    {QStringLiteral("asset"), row.asset},
                                    {QStringLiteral("balance"), row.balance.toString()},
                                    {QStringLiteral("pending"), row.pending.toString()},
                                    {QStringLiteral("transactions"), row.txCount},
                                    {QStringLiteral("seen"), row.scannedAtMs > 0}});
        }
        CliOutput::json(
            QJsonDocument(QJsonObject{{QStringLiteral("account"), name}, {QStringLiteral("addresses"), list}}));
        return 0;
    }
    if (rows->isEmpty()) {
        CliOutput::line(
            QStringLiteral("No addresses yet: run \"ballast-cli sync --account %1\" (or pass --count N).").arg(name));
        return 0;
    }
    QList<QStringList> table;
    for (const auto &row : *rows) {
        table.append(
            {row.network, row.path.isEmpty() ? QStringLiteral("-") : row.path, row.address,
             row.scannedAtMs > 0 ? row.balance.toString() + QLatin1Char(' ') + row.asset : QStringLiteral("not synced"),
             row.scannedAtMs > 0 ? QString::number(row.txCount) : QStringLiteral("-")});
    }
    CliOutput::table({QStringLiteral("NETWORK"), QStringLiteral("PATH"), QStringLiteral("ADDRESS"),
                      QStringLiteral("BALANCE"), QStringLiteral("TXS")},
                     table);
    return 0;
}

int Cli::cmdWalletsTokens(QCommandLineParser &parser)
{
    const QString name = parser.value(QStringLiteral("account"));
    if (name.isEmpty())
        return usageError(QStringLiteral("wallets tokens needs --account"));
    auto account = services::LedgerQueries(db()).account(name);
    if (!account)
        return fail(account.error());
    services::WalletService wallets(db(), clock());
    // The service refuses an account that is not an EVM wallet, listing or setting.
    if (parser.isSet(QStringLiteral("set"))) {
        const QString chain = parser.value(QStringLiteral("chain")).trimmed().toLower();
        if (chain.isEmpty())
            return usageError(QStringLiteral("--set needs --chain (the chain whose list it replaces)"));
        QList<domain::WalletToken> tokens;
        for (const QString &value : parser.values(QStringLiteral("set"))) {
            auto token = services::WalletService::parseToken(chain, value);
            if (!token)
                return usageError(token.error().message);
            tokens.append(*token);
        }
        if (auto set = wallets.setTokens(*account, chain, tokens); !set)
            return fail(set.error());
    }
    auto tokens = wallets.tokens(*account);
    if (!tokens)
        return fail(tokens.error());
    if (json()) {
        QJsonArray list;
        for (const auto &token : *tokens) {
            list.append(QJsonObject{{QStringLiteral("chain"), token.network},
                                    {QStringLiteral("symbol"), token.symbol},
                                    {QStringLiteral("contract"), token.contract},
                                    {QStringLiteral("decimals"),
                                     token.decimals ? QJsonValue(*token.decimals) : QJsonValue(QJsonValue::Null)}});
        }
        CliOutput::json(
            QJsonDocument(QJsonObject{{QStringLiteral("account"), name}, {QStringLiteral("tokens"), list}}));
        return 0;
    }
    QList<QStringList> table;
    for (const auto &token : *tokens) {
        table.append({token.network, token.symbol, token.contract,
                      token.decimals ? QString::number(*token.decimals) : QStringLiteral("from the contract")});
    }
    CliOutput::table(
        {QStringLiteral("CHAIN"), QStringLiteral("SYMBOL"), QStringLiteral("CONTRACT"), QStringLiteral("DECIMALS")},
        table);
    return 0;
}

} // namespace ballast::cli
