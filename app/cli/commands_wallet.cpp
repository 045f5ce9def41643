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
         QStringLiteral("A watched wallet's addresses with their path and what the last sync saw on them."), QString(),
         [](QCommandLineParser &p) {
             p.addOption({QStringLiteral("account"), QStringLiteral("The wallet account."), QStringLiteral("NAME")});
             p.addOption({QStringLiteral("count"),
                          QStringLiteral("Derive the first N receive and change addresses of each key instead "
                                         "(no network needed)."),
                          QStringLiteral("N")});
         },
         &Cli::cmdWalletsAddresses});
}

QNetworkAccessManager &Cli::network()
{
    if (!m_network)
        m_network = std::make_unique<QNetworkAccessManager>();
    return *m_network;
}

int Cli::addWalletAccount(QCommandLineParser &parser)
{
    const QString chain = parser.value(QStringLiteral("wallet")).toLower();
    const QString name = parser.value(QStringLiteral("name"));
    if (name.isEmpty())
        return usageError(QStringLiteral("accounts add --wallet needs --name"));
    if (parser.isSet(QStringLiteral("exchange")))
        return usageError(QStringLiteral("give --wallet or --exchange, not both"));
    if (chain != QLatin1String("bitcoin"))
        return usageError(QStringLiteral("--wallet: \"%1\" is not a chain this build watches (bitcoin)").arg(chain));
    services::BitcoinWalletRequest request{
        name, parser.values(QStringLiteral("xpub")), parser.values(QStringLiteral("address")),
        parser.value(QStringLiteral("base-url")), parser.value(QStringLiteral("script"))};
    services::WalletService wallets(db(), clock());
    auto added = wallets.addBitcoinWallet(request);
    if (!added)
        return fail(added.error());
    auto sources = wallets.sources(*added);
    if (json()) {
        QJsonArray watched;
        for (const auto &source : sources.valueOr({})) {
            watched.append(QJsonObject{{QStringLiteral("network"), source.network},
                                       {QStringLiteral("kind"), source.kind},
                                       {QStringLiteral("value"), source.value},
                                       {QStringLiteral("script"), source.script}});
        }
        CliOutput::json(QJsonDocument(QJsonObject{{QStringLiteral("name"), added->name},
                                                  {QStringLiteral("exchange"), added->exchange},
                                                  {QStringLiteral("kind"), domain::toText(added->kind)},
                                                  {QStringLiteral("endpoint"), added->baseUrl},
                                                  {QStringLiteral("watches"), watched}}));
    } else {
        CliOutput::line(QStringLiteral("Added bitcoin wallet \"%1\" watching %2 key(s) and %3 address(es) through %4. "
                                       "Run \"ballast-cli sync --account %1\" to read its balance.")
                            .arg(added->name)
                            .arg(request.keys.size())
                            .arg(request.addresses.size())
                            .arg(added->baseUrl));
    }
    return 0;
}

bool Cli::syncWallet(const domain::Account &account, bool quiet)
{
    exchange::HttpClient http(&network());
    services::WalletService wallets(db(), clock());
    auto report = wallets.sync(account, http);
    if (!report) {
        CliOutput::error(QStringLiteral("%1: %2").arg(account.name, report.error().message));
        return false;
    }
    for (const auto &network : report->networks) {
        if (!network.error.isEmpty()) {
            CliOutput::error(QStringLiteral("%1 (%2): %3").arg(account.name, network.network, network.error));
            continue;
        }
        if (quiet)
            continue;
        for (const auto &holding : network.holdings) {
            QString line = QStringLiteral("Synced %1 on %2: %3 %4 over %5 address(es)")
                               .arg(account.name, network.network, holding.quantity.toString(), holding.asset)
                               .arg(network.addresses);
            for (const auto &pending : network.pending) {
                if (pending.asset == holding.asset)
                    line += QStringLiteral(" (%1 unconfirmed, not counted yet)").arg(pending.quantity.toString());
            }
            CliOutput::line(line + QLatin1Char('.'));
        }
    }
    if (!quiet && !report->recorded.isEmpty())
        CliOutput::line(QStringLiteral("Recorded %1 transaction(s); differences are adjustments to classify.")
                            .arg(report->recorded.size()));
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

} // namespace ballast::cli
