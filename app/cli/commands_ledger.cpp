// The ledger commands: init, accounts, holdings, prices, targets, status, export.
#include "cli.h"
#include "clioutput.h"
#include "common/numberparse.h"
#include "domain/assetcatalog.h"
#include "domain/target.h"
#include "exchange/baseurl.h"
#include "exchange/paperexchange.h"
#include "io/csvwriter.h"
#include "io/exports.h"
#include "services/accountservice.h"
#include "services/demoportfolio.h"
#include "services/ledger.h"
#include "services/ledgerqueries.h"
#include "services/targetweights.h"
#include "storage/database.h"

#include <QDir>
#include <QHash>
#include <QJsonArray>
#include <QJsonObject>
#include <QTimeZone>

namespace ballast::cli {

using money::Decimal;

namespace {

/// "KEY=VALUE" arguments, checked before anything is written.
struct Assignment
{
    QString key;
    QString value;
};

Result<QList<Assignment>> parseAssignments(const QStringList &arguments, const QString &shape)
{
    if (arguments.isEmpty())
        return makeError(QStringLiteral("cli.arguments"), QStringLiteral("expected at least one %1").arg(shape));
    QList<Assignment> assignments;
    for (qsizetype i = 0; i < arguments.size(); ++i) {
        const QString &argument = arguments[i];
        const auto equals = argument.indexOf(QLatin1Char('='));
        if (equals <= 0 || equals == argument.size() - 1) {
            return makeError(QStringLiteral("cli.arguments"),
                             QStringLiteral("argument %1 \"%2\": expected %3").arg(i + 1).arg(argument, shape));
        }
        assignments.append({argument.left(equals), argument.mid(equals + 1)});
    }
    return assignments;
}

Error argumentError(qsizetype index, const QString &argument, const Error &cause)
{
    return makeError(cause.code, QStringLiteral("argument %1 \"%2\": %3").arg(index + 1).arg(argument, cause.message));
}

QString money2(const Decimal &value)
{
    return value.toFixed(2);
}

QJsonObject positionJson(const rebalance::AssetPosition &position)
{
    QJsonObject object;
    object.insert(QStringLiteral("asset"), position.asset);
    object.insert(QStringLiteral("quantity"), position.quantity.toString());
    object.insert(QStringLiteral("price"), position.price ? QJsonValue(position.price->toString()) : QJsonValue());
    object.insert(QStringLiteral("value"), position.value.toString());
    object.insert(QStringLiteral("weight"), position.weight);
    object.insert(QStringLiteral("target"), position.target);
    object.insert(QStringLiteral("drift"), position.drift());
    object.insert(QStringLiteral("relative_drift"), position.relativeDrift());
    object.insert(QStringLiteral("band"), position.band.toString());
    object.insert(QStringLiteral("outside_band"), position.outsideBand());
    object.insert(QStringLiteral("simulated_price"), position.simulatedPrice);
    QJsonArray split;
    for (const auto &holding : position.split) {
        split.append(QJsonObject{{QStringLiteral("account"), holding.accountName},
                                 {QStringLiteral("network"), holding.network},
                                 {QStringLiteral("quantity"), holding.quantity.toString()}});
    }
    object.insert(QStringLiteral("holdings"), split);
    return object;
}

} // namespace

void Cli::registerLedgerCommands()
{
    m_commands.append(
        {QStringLiteral("init"),
         QStringLiteral("Create the database and a portfolio; with --name, add another portfolio."), QString(),
         [](QCommandLineParser &p) {
             p.addOption({QStringLiteral("demo"),
                          QStringLiteral("Create the demo portfolio on the paper exchange "
                                         "(simulated prices, three years of history).")});
             p.addOption({QStringLiteral("quote"), QStringLiteral("Quote currency of a new portfolio (default USDT)."),
                          QStringLiteral("ASSET")});
             p.addOption({QStringLiteral("name"),
                          QStringLiteral("Portfolio to create beside those the database holds (each values all "
                                         "accounts against its own targets; select one with --portfolio NAME). "
                                         "Default: Main, created only when there is no portfolio yet. A portfolio "
                                         "that exists is left as it is."),
                          QStringLiteral("NAME")});
         },
         &Cli::cmdInit, true, true});
    m_commands.append(
        {QStringLiteral("accounts add"), QStringLiteral("Add an account."), QString(),
         [](QCommandLineParser &p) {
             p.addOption(
                 {QStringLiteral("exchange"),
                  QStringLiteral("paper, binance, kraken or manual (a wallet). Keys are read from stdin or a prompt."),
                  QStringLiteral("EXCHANGE")});
             p.addOption({QStringLiteral("name"), QStringLiteral("Account name."), QStringLiteral("NAME")});
             p.addOption(
                 {QStringLiteral("base-url"), QStringLiteral("REST base URL override."), QStringLiteral("URL")});
             p.addOption({QStringLiteral("fee-bps"), QStringLiteral("Paper exchange fee in basis points (default 10)."),
                          QStringLiteral("N")});
             p.addOption({QStringLiteral("slippage-bps"),
                          QStringLiteral("Paper exchange slippage of market orders in basis points "
                                         "(default 5)."),
                          QStringLiteral("N")});
             p.addOption({QStringLiteral("wallet"),
                          QStringLiteral("A watch-only wallet read from its chain: bitcoin, evm or solana (instead of "
                                         "--exchange)."),
                          QStringLiteral("CHAIN")});
             p.addOption({QStringLiteral("xpub"),
                          QStringLiteral("Bitcoin: an account's extended public key (xpub, ypub or zpub); repeatable."),
                          QStringLiteral("KEY")});
             p.addOption({QStringLiteral("address"),
                          QStringLiteral("A single address to watch; repeatable for bitcoin, one for evm and solana."),
                          QStringLiteral("ADDR")});
             p.addOption({QStringLiteral("chains"),
                          QStringLiteral("EVM: the chains to read, comma-separated, of ethereum, arbitrum, base, "
                                         "optimism, polygon, bsc (default: those given an --rpc, else ethereum)."),
                          QStringLiteral("LIST")});
             p.addOption({QStringLiteral("rpc"),
                          QStringLiteral("EVM: a chain's JSON-RPC endpoint as CHAIN=URL, repeatable; Solana: the "
                                         "endpoint URL. https:// (http:// to this computer only)."),
                          QStringLiteral("URL")});
             p.addOption({QStringLiteral("script"),
                          QStringLiteral("Bitcoin: read every key as p2pkh, p2sh-p2wpkh or p2wpkh (default: from the "
                                         "key's prefix)."),
                          QStringLiteral("TYPE")});
         },
         &Cli::cmdAccountsAdd});
    m_commands.append({QStringLiteral("accounts list"), QStringLiteral("List the accounts."), QString(), nullptr,
                       &Cli::cmdAccountsList});
    m_commands.append(
        {QStringLiteral("holdings set"),
         QStringLiteral("State quantities on an account (ASSET@NETWORK=QTY for a network); each difference "
                        "from the transactions is recorded as an adjustment to classify."),
         QStringLiteral("ASSET=QTY [ASSET=QTY ...]"),
         [](QCommandLineParser &p) {
             p.addOption({QStringLiteral("account"), QStringLiteral("Account name."), QStringLiteral("NAME")});
         },
         &Cli::cmdHoldingsSet});
    m_commands.append({QStringLiteral("holdings list"), QStringLiteral("List holdings by account and network."),
                       QString(), nullptr, &Cli::cmdHoldingsList});
    m_commands.append(
        {QStringLiteral("prices set"), QStringLiteral("Set prices used for valuation."),
         QStringLiteral("ASSET=PRICE [ASSET=PRICE ...]"),
         [](QCommandLineParser &p) {
             p.addOption({QStringLiteral("quote"), QStringLiteral("Quote currency (default: the portfolio's)."),
                          QStringLiteral("ASSET")});
             p.addOption({QStringLiteral("at"), QStringLiteral("Time of the prices, ISO 8601 (default now)."),
                          QStringLiteral("TIME")});
         },
         &Cli::cmdPricesSet});
    m_commands.append({QStringLiteral("targets set"),
                       QStringLiteral("Replace the target weights (fractions or percentages; they must sum to 1)."),
                       QStringLiteral("ASSET=WEIGHT[:BAND] [...]"),
                       [](QCommandLineParser &p) {
                           p.addOption({QStringLiteral("band"),
                                        QStringLiteral("Default band: 5pp (absolute) or 25% (relative)."),
                                        QStringLiteral("BAND")});
                       },
                       &Cli::cmdTargetsSet});
    m_commands.append({QStringLiteral("status"), QStringLiteral("Value the portfolio: weights, targets and drift."),
                       QString(), nullptr, &Cli::cmdStatus});
    m_commands.append(
        {QStringLiteral("export"), QStringLiteral("Export holdings, valuations or trades to CSV."),
         QStringLiteral("holdings|valuations|trades"),
         [](QCommandLineParser &p) {
             p.addOption({QStringLiteral("out"), QStringLiteral("CSV file to write."), QStringLiteral("FILE")});
         },
         &Cli::cmdExport});
}

int Cli::cmdInit(QCommandLineParser &parser)
{
    if (!parser.positionalArguments().isEmpty())
        return usageError(QStringLiteral("init takes no arguments"));
    const QString path = QDir::toNativeSeparators(db().path());
    if (parser.isSet(QStringLiteral("demo"))) {
        if (auto created = services::DemoPortfolio::create(db(), clock()); !created)
            return fail(created.error());
        if (json()) {
            CliOutput::json(QJsonDocument(QJsonObject{{QStringLiteral("database"), path},
                                                      {QStringLiteral("portfolio"), QStringLiteral("Demo")},
                                                      {QStringLiteral("demo"), true}}));
        } else {
            CliOutput::line(QStringLiteral("Created the demo portfolio \"Demo\" on the paper exchange in %1.\n"
                                           "All of its prices are SIMULATED.")
                                .arg(path));
        }
        return 0;
    }
    QString quote;
    if (parser.isSet(QStringLiteral("quote"))) {
        auto symbol = domain::AssetCatalog::normalizeSymbol(parser.value(QStringLiteral("quote")));
        if (!symbol)
            return usageError(QStringLiteral("--quote: ") + symbol.error().message);
        quote = *symbol;
    }
    const QString name = parser.value(QStringLiteral("name")).trimmed();
    if (parser.isSet(QStringLiteral("name")) && name.isEmpty())
        return usageError(QStringLiteral("--name: a portfolio name cannot be empty"));
    auto result = services::Ledger(db(), clock()).initPortfolio(name, quote);
    if (!result)
        return fail(result.error());
    QStringList names;
    for (const auto &portfolio : result->portfolios)
        names.append(portfolio.name);
    if (json()) {
        const domain::Portfolio &shown =
            result->created ? *result->created : (result->existing ? *result->existing : result->portfolios.first());
        CliOutput::json(QJsonDocument(QJsonObject{{QStringLiteral("database"), path},
                                                  {QStringLiteral("created"), result->created.has_value()},
                                                  {QStringLiteral("portfolio"), shown.name},
                                                  {QStringLiteral("quote"), shown.quote},
                                                  {QStringLiteral("portfolios"), QJsonArray::fromStringList(names)},
                                                  {QStringLiteral("demo"), false}}));
        return 0;
    }
    if (result->created && result->portfolios.size() == 1) {
        CliOutput::line(QStringLiteral("Created portfolio \"%1\" (quote %2) in %3.")
                            .arg(result->created->name, result->created->quote, path));
    } else if (result->created) {
        CliOutput::line(QStringLiteral("Created portfolio \"%1\" (quote %2) in %3, which now holds: %4.\n"
                                       "Select it with --portfolio \"%1\"; without --portfolio commands use "
                                       "\"%5\".")
                            .arg(result->created->name, result->created->quote, path, names.join(u", "),
                                 result->portfolios.first().name));
    } else if (result->existing) {
        CliOutput::line(QStringLiteral("Nothing created: %1 already holds portfolio \"%2\" (quote %3).")
                            .arg(path, result->existing->name, result->existing->quote));
    } else {
        CliOutput::line(QStringLiteral("Nothing created: %1 already holds portfolio(s) %2.\n"
                                       "To add one, run \"ballast-cli init --name NAME [--quote ASSET]\".")
                            .arg(path, names.join(u", ")));
    }
    return 0;
}

int Cli::cmdAccountsAdd(QCommandLineParser &parser)
{
    if (parser.isSet(QStringLiteral("wallet")))
        return addWalletAccount(parser);
    for (const char *walletOnly : {"xpub", "address", "script", "chains", "rpc"}) {
        if (parser.isSet(QLatin1String(walletOnly)))
            return usageError(QStringLiteral("--%1 applies to --wallet accounts only").arg(QLatin1String(walletOnly)));
    }
    const QString exchange = parser.value(QStringLiteral("exchange")).toLower();
    const QString name = parser.value(QStringLiteral("name"));
    if (exchange.isEmpty() || name.isEmpty())
        return usageError(QStringLiteral("accounts add needs --exchange and --name"));
    if (parser.isSet(QStringLiteral("base-url"))) {
        if (auto url = exchange::checkBaseUrl(parser.value(QStringLiteral("base-url"))); !url)
            return usageError(QStringLiteral("--base-url: ") + url.error().message);
    }
    if (exchange == QLatin1String("binance") || exchange == QLatin1String("kraken"))
        return addExchangeAccount(exchange, name, parser.value(QStringLiteral("base-url")));
    exchange::PaperConfig config;
    for (const auto &[option, field] : {std::pair{QStringLiteral("fee-bps"), &config.takerFeeBps},
                                        std::pair{QStringLiteral("slippage-bps"), &config.slippageBps}}) {
        if (!parser.isSet(option))
            continue;
        if (exchange != QLatin1String("paper"))
            return usageError(QStringLiteral("--%1 applies to paper accounts only").arg(option));
        const auto value = numbers::parseInteger(parser.value(option), QStringLiteral("--") + option, 0, 1000);
        if (!value)
            return usageError(value.error().message);
        *field = static_cast<int>(*value);
    }
    config.makerFeeBps = config.takerFeeBps;

    auto added = services::AccountService(db(), vaultPath(), clock())
                     .addAccount(name, exchange, parser.value(QStringLiteral("base-url")), config);
    if (!added)
        return fail(added.error());
    if (json()) {
        CliOutput::json(QJsonDocument(QJsonObject{{QStringLiteral("name"), added->name},
                                                  {QStringLiteral("exchange"), added->exchange},
                                                  {QStringLiteral("kind"), domain::toText(added->kind)}}));
    } else {
        CliOutput::line(QStringLiteral("Added %1 account \"%2\".").arg(added->exchange, added->name));
    }
    return 0;
}

int Cli::cmdAccountsList(QCommandLineParser &)
{
    auto accounts = services::LedgerQueries(db()).accounts();
    if (!accounts)
        return fail(accounts.error());
    if (json()) {
        QJsonArray list;
        for (const auto &account : *accounts) {
            list.append(QJsonObject{{QStringLiteral("name"), account.name},
                                    {QStringLiteral("exchange"), account.exchange},
                                    {QStringLiteral("kind"), domain::toText(account.kind)},
                                    {QStringLiteral("simulated"), account.kind == domain::AccountKind::Paper}});
        }
        CliOutput::json(QJsonDocument(QJsonObject{{QStringLiteral("accounts"), list}}));
        return 0;
    }
    QList<QStringList> rows;
    for (const auto &account : *accounts) {
        rows.append({account.name, account.exchange,
                     account.kind == domain::AccountKind::Paper ? QStringLiteral("paper (simulated)")
                                                                : domain::toText(account.kind)});
    }
    CliOutput::table({QStringLiteral("ACCOUNT"), QStringLiteral("EXCHANGE"), QStringLiteral("KIND")}, rows);
    return 0;
}

int Cli::cmdHoldingsSet(QCommandLineParser &parser)
{
    const QString account = parser.value(QStringLiteral("account"));
    if (account.isEmpty())
        return usageError(QStringLiteral("holdings set needs --account NAME"));
    const QStringList arguments = parser.positionalArguments();
    auto assignments = parseAssignments(arguments, QStringLiteral("ASSET=QUANTITY or ASSET@NETWORK=QUANTITY"));
    if (!assignments)
        return usageError(assignments.error().message);
    QList<domain::Holding> holdings;
    QHash<QString, qsizetype> seen; // "ASSET@network" -> index of the argument that set it
    for (qsizetype i = 0; i < assignments->size(); ++i) {
        const auto &[key, value] = (*assignments)[i];
        const QStringList parts = key.split(QLatin1Char('@'));
        if (parts.size() > 2) {
            return usageError(argumentError(i, arguments[i],
                                            makeError(QStringLiteral("cli.arguments"),
                                                      QStringLiteral("has more than one @; expected ASSET=QUANTITY "
                                                                     "or ASSET@NETWORK=QUANTITY")))
                                  .message);
        }
        if (parts.size() == 2 && parts[1].isEmpty()) {
            return usageError(
                argumentError(i, arguments[i],
                              makeError(QStringLiteral("cli.arguments"),
                                        QStringLiteral("the network after @ is empty; write ASSET=QUANTITY "
                                                       "or name the network (ASSET@NETWORK=QUANTITY)")))
                    .message);
        }
        const QString network = parts.size() == 2 ? parts[1].toLower() : QString();
        auto symbol = domain::AssetCatalog::normalizeSymbol(parts[0]);
        if (!symbol)
            return usageError(argumentError(i, arguments[i], symbol.error()).message);
        const QString shown = network.isEmpty() ? *symbol : *symbol + QLatin1Char('@') + network;
        if (const auto previous = seen.constFind(shown); previous != seen.cend()) {
            return usageError(argumentError(i, arguments[i],
                                            makeError(QStringLiteral("cli.arguments"),
                                                      QStringLiteral("%1 is already set by argument %2 \"%3\"; give "
                                                                     "each asset and network once")
                                                          .arg(shown)
                                                          .arg(*previous + 1)
                                                          .arg(arguments[*previous])))
                                  .message);
        }
        seen.insert(shown, i);
        auto quantity = numbers::parseAmount(value, QStringLiteral("quantity"), numbers::Sign::NonNegative);
        if (!quantity)
            return usageError(argumentError(i, arguments[i], quantity.error()).message);
        holdings.append(domain::Holding{0, account, *symbol, network, *quantity});
    }
    if (auto stored = services::Ledger(db(), clock()).setHoldings(account, holdings); !stored)
        return fail(stored.error());
    if (json()) {
        CliOutput::json(QJsonDocument(QJsonObject{{QStringLiteral("account"), account},
                                                  {QStringLiteral("updated"), static_cast<int>(holdings.size())}}));
    } else {
        CliOutput::line(QStringLiteral("Set %1 holding(s) on \"%2\".").arg(holdings.size()).arg(account));
    }
    return 0;
}

int Cli::cmdHoldingsList(QCommandLineParser &)
{
    auto holdings = services::LedgerQueries(db()).holdings();
    if (!holdings)
        return fail(holdings.error());
    if (json()) {
        QJsonArray list;
        for (const auto &holding : *holdings) {
            list.append(QJsonObject{{QStringLiteral("account"), holding.accountName},
                                    {QStringLiteral("asset"), holding.asset},
                                    {QStringLiteral("network"), holding.network},
                                    {QStringLiteral("quantity"), holding.quantity.toString()}});
        }
        CliOutput::json(QJsonDocument(QJsonObject{{QStringLiteral("holdings"), list}}));
        return 0;
    }
    QList<QStringList> rows;
    for (const auto &holding : *holdings)
        rows.append({holding.asset, holding.accountName, holding.network, holding.quantity.toString()});
    CliOutput::table(
        {QStringLiteral("ASSET"), QStringLiteral("ACCOUNT"), QStringLiteral("NETWORK"), QStringLiteral(">QUANTITY")},
        rows);
    return 0;
}

int Cli::cmdPricesSet(QCommandLineParser &parser)
{
    auto portfolio = services::LedgerQueries(db()).portfolio(portfolioName());
    if (!portfolio)
        return fail(portfolio.error());
    QString quote = portfolio->quote;
    if (parser.isSet(QStringLiteral("quote"))) {
        auto symbol = domain::AssetCatalog::normalizeSymbol(parser.value(QStringLiteral("quote")));
        if (!symbol)
            return usageError(QStringLiteral("--quote: ") + symbol.error().message);
        quote = *symbol;
    }
    QDateTime at = QDateTime::fromMSecsSinceEpoch(clock()(), QTimeZone::utc());
    if (parser.isSet(QStringLiteral("at"))) {
        const QString text = parser.value(QStringLiteral("at"));
        at = QDateTime::fromString(text, Qt::ISODateWithMs);
        if (!at.isValid())
            return usageError(
                QStringLiteral("--at \"%1\": expected an ISO 8601 time such as 2026-11-21T12:00:00Z").arg(text));
        if (at.timeSpec() == Qt::LocalTime)
            at.setTimeZone(QTimeZone::utc()); // a time without zone is taken as UTC
    }
    const QStringList arguments = parser.positionalArguments();
    auto assignments = parseAssignments(arguments, QStringLiteral("ASSET=PRICE"));
    if (!assignments)
        return usageError(assignments.error().message);
    QList<domain::PricePoint> points;
    for (qsizetype i = 0; i < assignments->size(); ++i) {
        const auto &[key, value] = (*assignments)[i];
        auto symbol = domain::AssetCatalog::normalizeSymbol(key);
        if (!symbol)
            return usageError(argumentError(i, arguments[i], symbol.error()).message);
        auto price = numbers::parseAmount(value, QStringLiteral("price"), numbers::Sign::Positive);
        if (!price)
            return usageError(argumentError(i, arguments[i], price.error()).message);
        if (*symbol == quote) {
            return usageError(argumentError(i, arguments[i],
                                            makeError(QStringLiteral("price.quote"),
                                                      QStringLiteral("%1 is the quote currency").arg(quote)))
                                  .message);
        }
        points.append(domain::PricePoint{*symbol, quote, at, *price, QStringLiteral("manual")});
    }
    if (auto stored = services::Ledger(db(), clock()).setPrices(points); !stored)
        return fail(stored.error());
    if (json()) {
        CliOutput::json(QJsonDocument(QJsonObject{{QStringLiteral("quote"), quote},
                                                  {QStringLiteral("at"), io::Exports::isoUtc(at)},
                                                  {QStringLiteral("updated"), static_cast<int>(points.size())}}));
    } else {
        CliOutput::line(
            QStringLiteral("Set %1 price(s) in %2 at %3.").arg(points.size()).arg(quote, io::Exports::isoUtc(at)));
    }
    return 0;
}

int Cli::cmdTargetsSet(QCommandLineParser &parser)
{
    auto portfolio = services::LedgerQueries(db()).portfolio(portfolioName());
    if (!portfolio)
        return fail(portfolio.error());
    domain::Band band = portfolio->defaultBand;
    if (parser.isSet(QStringLiteral("band"))) {
        auto parsed = domain::Band::parse(parser.value(QStringLiteral("band")));
        if (!parsed)
            return usageError(QStringLiteral("--band: ") + parsed.error().message);
        band = *parsed;
    }
    const QStringList arguments = parser.positionalArguments();
    auto assignments = parseAssignments(arguments, QStringLiteral("ASSET=WEIGHT or ASSET=WEIGHT:BAND"));
    if (!assignments)
        return usageError(assignments.error().message);
    QList<domain::Target> targets;
    for (qsizetype i = 0; i < assignments->size(); ++i) {
        const auto &[key, value] = (*assignments)[i];
        services::TargetText text{key, value.section(QLatin1Char(':'), 0, 0), std::nullopt};
        if (value.contains(QLatin1Char(':')))
            text.band = value.section(QLatin1Char(':'), 1);
        auto target = services::TargetWeights::parse(text, services::WeightNotation::Fraction);
        if (!target)
            return usageError(argumentError(i, arguments[i], target.error().error).message);
        targets.append(*target);
    }
    if (auto valid = services::TargetWeights::validate(targets); !valid)
        return fail(valid.error());
    if (auto stored = services::Ledger(db(), clock()).setTargets(portfolio->name, targets, band); !stored)
        return fail(stored.error());
    if (json()) {
        QJsonObject weights;
        for (const auto &target : targets)
            weights.insert(target.asset, target.weight.toDouble());
        CliOutput::json(QJsonDocument(QJsonObject{{QStringLiteral("portfolio"), portfolio->name},
                                                  {QStringLiteral("targets"), weights},
                                                  {QStringLiteral("band"), band.toString()}}));
    } else {
        CliOutput::line(QStringLiteral("Set %1 target(s) on \"%2\" (band %3).")
                            .arg(targets.size())
                            .arg(portfolio->name, band.toString()));
    }
    return 0;
}

int Cli::cmdStatus(QCommandLineParser &parser)
{
    if (!parser.positionalArguments().isEmpty())
        return usageError(QStringLiteral("status takes no arguments"));
    auto portfolio = services::LedgerQueries(db()).portfolio(portfolioName());
    if (!portfolio)
        return fail(portfolio.error());
    auto snapshot = services::Ledger(db(), clock()).snapshot(portfolio->name);
    if (!snapshot)
        return fail(snapshot.error());
    if (json()) {
        QJsonArray assets;
        for (const auto &position : snapshot->positions())
            assets.append(positionJson(position));
        QJsonObject object{{QStringLiteral("portfolio"), portfolio->name},
                           {QStringLiteral("quote"), snapshot->quote()},
                           {QStringLiteral("time"), io::Exports::isoUtc(snapshot->time())},
                           {QStringLiteral("total_value"), snapshot->totalValue().toString()},
                           {QStringLiteral("simulated"), snapshot->isSimulated()},
                           {QStringLiteral("missing_prices"), QJsonArray::fromStringList(snapshot->missingPrices())},
                           {QStringLiteral("assets"), assets}};
        CliOutput::json(QJsonDocument(object));
        return 0;
    }
    CliOutput::line(QStringLiteral("%1: %2 %3 at %4%5")
                        .arg(portfolio->name, money2(snapshot->totalValue()), snapshot->quote(),
                             io::Exports::isoUtc(snapshot->time()),
                             snapshot->isSimulated() ? QStringLiteral("  [SIMULATED prices]") : QString()));
    QList<QStringList> rows;
    for (const auto &position : snapshot->positions()) {
        rows.append({position.asset, position.quantity.toString(),
                     position.price ? position.price->toString() : QStringLiteral("no price"), money2(position.value),
                     CliOutput::percent(position.weight), CliOutput::percent(position.target),
                     CliOutput::signedPoints(position.drift()), position.band.toString(),
                     position.outsideBand() ? QStringLiteral("OUTSIDE") : QString()});
    }
    CliOutput::table({QStringLiteral("ASSET"), QStringLiteral(">QUANTITY"), QStringLiteral(">PRICE"),
                      QStringLiteral(">VALUE"), QStringLiteral(">WEIGHT"), QStringLiteral(">TARGET"),
                      QStringLiteral(">DRIFT"), QStringLiteral("BAND"), QString()},
                     rows);
    if (!snapshot->missingPrices().isEmpty()) {
        CliOutput::line(QStringLiteral("No price in %1 for: %2 (left out of the total; set one with "
                                       "\"ballast-cli prices set\").")
                            .arg(snapshot->quote(), snapshot->missingPrices().join(u", ")));
    }
    return 0;
}

int Cli::cmdExport(QCommandLineParser &parser)
{
    const QStringList arguments = parser.positionalArguments();
    const QString out = parser.value(QStringLiteral("out"));
    if (arguments.size() != 1 || out.isEmpty())
        return usageError(QStringLiteral("usage: ballast-cli export holdings|valuations|trades --out FILE.csv"));
    auto portfolio = services::LedgerQueries(db()).portfolio(portfolioName());
    if (!portfolio)
        return fail(portfolio.error());
    io::CsvTable table;
    if (arguments.first() == QLatin1String("holdings")) {
        auto snapshot = services::Ledger(db(), clock()).snapshot(portfolio->name);
        if (!snapshot)
            return fail(snapshot.error());
        table = io::Exports::holdings(*snapshot);
    } else if (arguments.first() == QLatin1String("valuations")) {
        auto rows = services::LedgerQueries(db()).valuations(portfolio->id);
        if (!rows)
            return fail(rows.error());
        table = io::Exports::valuations(portfolio->name, *rows);
    } else if (arguments.first() == QLatin1String("trades")) {
        auto fills = services::LedgerQueries(db()).fills();
        if (!fills)
            return fail(fills.error());
        QList<std::pair<QString, domain::Fill>> rows;
        for (const auto &row : *fills)
            rows.append({row.account, row.fill});
        table = io::Exports::trades(rows);
    } else {
        return usageError(QStringLiteral("export: unknown table \"%1\"; choose holdings, valuations or trades")
                              .arg(arguments.first()));
    }
    if (auto written = io::CsvWriter::writeFile(out, table); !written)
        return fail(written.error());
    if (json()) {
        CliOutput::json(QJsonDocument(QJsonObject{{QStringLiteral("file"), QDir::toNativeSeparators(out)},
                                                  {QStringLiteral("rows"), static_cast<int>(table.rows.size())}}));
    } else {
        CliOutput::line(
            QStringLiteral("Wrote %1 row(s) to %2.").arg(table.rows.size()).arg(QDir::toNativeSeparators(out)));
    }
    return 0;
}

} // namespace ballast::cli
