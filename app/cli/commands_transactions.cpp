// The transactions commands: add, list, import, classify, delete, restore.
#include "cli.h"
#include "clioutput.h"
#include "cliparse.h"
#include "common/numberparse.h"
#include "domain/assetcatalog.h"
#include "exchange/exchangefactory.h"
#include "io/exports.h"
#include "services/exchangeimportservice.h"
#include "services/ledgerqueries.h"
#include "services/transactionservice.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QTimeZone>

#include <array>

namespace ballast::cli {

using domain::Transaction;
using domain::TransactionKind;
using money::Decimal;

namespace {

/// Options of `transactions add` and the kinds each one applies to.
struct KindOption
{
    const char *name;
    std::initializer_list<const char *> kinds;
};

const std::array<KindOption, 8> kKindOptions{{
    {"side", {"trade"}},
    {"quote", {"trade"}},
    {"fee", {"trade", "withdrawal", "transfer", "deposit", "income"}},
    {"fee-asset", {"trade", "withdrawal", "transfer", "deposit", "income"}},
    {"to-account", {"transfer"}},
    {"to-network", {"transfer"}},
    {"subkind", {"income"}},
    {"price", {"trade", "deposit", "withdrawal", "income", "fee"}},
}};

Result<QString> parseSymbol(const QString &text, const QString &option)
{
    auto symbol = domain::AssetCatalog::normalizeSymbol(text);
    if (!symbol)
        return makeError(symbol.error().code, QStringLiteral("%1: %2").arg(option, symbol.error().message));
    return *symbol;
}

Result<qint64> parseId(const QStringList &arguments, const QString &command)
{
    if (arguments.size() != 1) {
        return makeError(QStringLiteral("cli.arguments"),
                         QStringLiteral("%1 takes one transaction ID (see transactions list)").arg(command));
    }
    QString text = arguments.first();
    if (text.startsWith(QLatin1Char('#')))
        text.remove(0, 1);
    return numbers::parseInteger(text, QStringLiteral("transaction ID \"%1\"").arg(arguments.first()), 1);
}

QJsonObject transactionJson(const services::TransactionRow &row)
{
    const Transaction &tx = row.tx;
    return QJsonObject{
        {QStringLiteral("id"), tx.id},
        {QStringLiteral("time"), io::Exports::isoUtc(tx.time)},
        {QStringLiteral("account"), row.accountName},
        {QStringLiteral("network"), tx.network},
        {QStringLiteral("kind"), domain::kindName(tx.kind)},
        {QStringLiteral("side"), tx.kind == TransactionKind::Trade ? domain::toText(tx.side) : QString()},
        {QStringLiteral("asset"), tx.asset},
        {QStringLiteral("quote"), tx.quote},
        {QStringLiteral("quantity"), tx.quantity.toString()},
        {QStringLiteral("price"), tx.price.toString()},
        {QStringLiteral("quote_amount"),
         tx.kind == TransactionKind::Trade ? tx.tradeQuote().toString() : tx.quoteAmount.toString()},
        {QStringLiteral("fee"), tx.fee.toString()},
        {QStringLiteral("fee_asset"), tx.feeAsset},
        {QStringLiteral("subkind"), tx.subkind},
        {QStringLiteral("external_id"), tx.externalId},
        {QStringLiteral("source"), domain::sourceName(tx.source)},
        {QStringLiteral("note"), tx.note},
        {QStringLiteral("link_id"), tx.linkId},
        {QStringLiteral("unexplained"), tx.unexplained},
    };
}

QString describe(const Transaction &tx)
{
    QString text;
    if (tx.kind == TransactionKind::Trade) {
        text = QStringLiteral("%1 %2 %3 @ %4 %5")
                   .arg(domain::toText(tx.side), tx.quantity.toString(), tx.asset, tx.price.toString(), tx.quote);
    } else {
        text = QStringLiteral("%1 %2").arg(tx.quantity.toString(), tx.asset);
    }
    if (!tx.network.isEmpty())
        text += QStringLiteral(" on ") + tx.network;
    if (!tx.fee.isZero())
        text += QStringLiteral(", fee %1 %2").arg(tx.fee.toString(), tx.feeAsset);
    if (!tx.subkind.isEmpty())
        text += QStringLiteral(" (%1)").arg(tx.subkind);
    if (tx.linkId != 0)
        text += QStringLiteral(", leg of #%1").arg(tx.linkId);
    return text;
}

} // namespace

void Cli::registerTransactionCommands()
{
    m_commands.append(
        {QStringLiteral("transactions add"),
         QStringLiteral("Record a deposit, withdrawal, trade, income, fee or transfer (holdings follow)."), QString(),
         [](QCommandLineParser &p) {
             p.addOption({QStringLiteral("account"), QStringLiteral("Account name."), QStringLiteral("NAME")});
             p.addOption({QStringLiteral("kind"),
                          QStringLiteral("deposit, withdrawal, trade, income, fee or transfer."),
                          QStringLiteral("KIND")});
             p.addOption({QStringLiteral("at"), QStringLiteral("Time, ISO 8601 (default now; no offset means UTC)."),
                          QStringLiteral("TIME")});
             p.addOption(
                 {QStringLiteral("asset"), QStringLiteral("Asset moved (trade: the base)."), QStringLiteral("SYM")});
             p.addOption(
                 {QStringLiteral("quantity"), QStringLiteral("Quantity, greater than zero."), QStringLiteral("Q")});
             p.addOption({QStringLiteral("side"), QStringLiteral("trade: buy or sell."), QStringLiteral("SIDE")});
             p.addOption({QStringLiteral("quote"), QStringLiteral("trade: quote asset."), QStringLiteral("SYM")});
             p.addOption({QStringLiteral("price"),
                          QStringLiteral("trade: quote per base; other kinds: value of one unit in the portfolio's "
                                         "quote, when known."),
                          QStringLiteral("P")});
             p.addOption(
                 {QStringLiteral("fee"), QStringLiteral("Fee paid from the same account."), QStringLiteral("F")});
             p.addOption({QStringLiteral("fee-asset"),
                          QStringLiteral("Asset of the fee (default: trade's quote, otherwise the asset)."),
                          QStringLiteral("SYM")});
             p.addOption({QStringLiteral("network"), QStringLiteral("Network on the account (transfer: the source)."),
                          QStringLiteral("NET")});
             p.addOption({QStringLiteral("to-account"),
                          QStringLiteral("transfer: receiving account (default: the same account)."),
                          QStringLiteral("NAME")});
             p.addOption(
                 {QStringLiteral("to-network"), QStringLiteral("transfer: receiving network."), QStringLiteral("NET")});
             p.addOption({QStringLiteral("subkind"), QStringLiteral("income: staking, interest or airdrop."),
                          QStringLiteral("WHAT")});
             p.addOption({QStringLiteral("note"), QStringLiteral("Free text."), QStringLiteral("TEXT")});
             p.addOption({QStringLiteral("external-id"),
                          QStringLiteral("Exchange trade or ledger id, or transaction hash (unique per account)."),
                          QStringLiteral("ID")});
         },
         &Cli::cmdTransactionsAdd});
    m_commands.append(
        {QStringLiteral("transactions list"), QStringLiteral("List transactions, oldest first."), QString(),
         [](QCommandLineParser &p) {
             p.addOption({QStringLiteral("account"), QStringLiteral("Only this account."), QStringLiteral("NAME")});
             p.addOption(
                 {QStringLiteral("asset"), QStringLiteral("Only those moving this asset."), QStringLiteral("SYM")});
             p.addOption({QStringLiteral("kind"),
                          QStringLiteral("Only this kind (trade, deposit, withdrawal, transfer_in, transfer_out, "
                                         "income, fee, adjustment)."),
                          QStringLiteral("KIND")});
             p.addOption(
                 {QStringLiteral("from"), QStringLiteral("From this date or time (inclusive)."), QStringLiteral("D")});
             p.addOption({QStringLiteral("to"), QStringLiteral("Up to this date (its whole day) or time."),
                          QStringLiteral("D")});
             p.addOption({QStringLiteral("unexplained"), QStringLiteral("Only adjustments still to classify.")});
             p.addOption({QStringLiteral("deleted"), QStringLiteral("The deleted transactions (to restore one).")});
         },
         &Cli::cmdTransactionsList});
    m_commands.append(
        {QStringLiteral("transactions import"),
         QStringLiteral("Import exchange CSV exports (or any CSV through a mapping file) into an account; each file "
                        "all or nothing, known external ids skipped. Without FILE: import what is new from the "
                        "account's exchange API (Binance, Kraken), all or nothing."),
         QStringLiteral("[FILE...]"),
         [](QCommandLineParser &p) {
             p.addOption({QStringLiteral("account"), QStringLiteral("Account the transactions go to."),
                          QStringLiteral("NAME")});
             p.addOption({QStringLiteral("format"),
                          QStringLiteral("binance, kraken or coinbase (the export is detected among that exchange's), "
                                         "or mapping:FILE (a JSON column mapping, docs/imports.md); default: "
                                         "detected."),
                          QStringLiteral("FORMAT")});
             p.addOption({QStringLiteral("network"),
                          QStringLiteral("Network set on the transactions (the exports name none)."),
                          QStringLiteral("NET")});
             p.addOption({QStringLiteral("dry-run"), QStringLiteral("Read, check and report; store nothing.")});
             p.addOption({QStringLiteral("since"),
                          QStringLiteral("API import: where a first import's history starts (ISO 8601 date or time; "
                                         "default: all of it)."),
                          QStringLiteral("DATE")});
         },
         &Cli::cmdTransactionsImport});
    m_commands.append(
        {QStringLiteral("transactions classify"),
         QStringLiteral("Say what an unexplained adjustment was: deposit, withdrawal, transfer or income."),
         QStringLiteral("ID"),
         [](QCommandLineParser &p) {
             p.addOption({QStringLiteral("as"), QStringLiteral("deposit, withdrawal, transfer or income."),
                          QStringLiteral("WHAT")});
             p.addOption({QStringLiteral("subkind"), QStringLiteral("income: staking, interest or airdrop."),
                          QStringLiteral("WHAT")});
             p.addOption({QStringLiteral("link"),
                          QStringLiteral("transfer: the ID of the other leg (an adjustment or transfer in the other "
                                         "direction), linked and classified with it."),
                          QStringLiteral("ID")});
         },
         &Cli::cmdTransactionsClassify});
    m_commands.append(
        {QStringLiteral("transactions delete"),
         QStringLiteral("Delete a transaction (both legs of a transfer); undo with transactions restore."),
         QStringLiteral("ID"), nullptr, &Cli::cmdTransactionsDelete});
    m_commands.append({QStringLiteral("transactions restore"),
                       QStringLiteral("Bring back a deleted transaction (see transactions list --deleted)."),
                       QStringLiteral("ID"), nullptr, &Cli::cmdTransactionsRestore});
}

int Cli::cmdTransactionsAdd(QCommandLineParser &parser)
{
    const auto value = [&parser](const char *name) { return parser.value(QString::fromLatin1(name)); };
    const auto isSet = [&parser](const char *name) { return parser.isSet(QString::fromLatin1(name)); };
    if (!parser.positionalArguments().isEmpty()) {
        return usageError(QStringLiteral("transactions add: unexpected argument \"%1\"; every field is an option")
                              .arg(parser.positionalArguments().first()));
    }
    const QString kindText = value("kind");
    static const QStringList kinds{QStringLiteral("deposit"), QStringLiteral("withdrawal"), QStringLiteral("trade"),
                                   QStringLiteral("income"),  QStringLiteral("fee"),        QStringLiteral("transfer")};
    if (kindText.isEmpty())
        return usageError(QStringLiteral("--kind: missing; choose %1").arg(kinds.join(QStringLiteral(", "))));
    if (!kinds.contains(kindText)) {
        return usageError(
            QStringLiteral("--kind \"%1\": unknown; choose %2").arg(kindText, kinds.join(QStringLiteral(", "))));
    }
    for (const KindOption &option : kKindOptions) {
        if (!isSet(option.name))
            continue;
        bool applies = false;
        for (const char *kind : option.kinds)
            applies = applies || kindText == QLatin1String(kind);
        if (!applies) {
            return usageError(
                QStringLiteral("--%1: does not apply to --kind %2").arg(QString::fromLatin1(option.name), kindText));
        }
    }
    const QString accountName = value("account");
    if (accountName.isEmpty())
        return usageError(QStringLiteral("--account: missing; name the account"));
    if (value("asset").isEmpty())
        return usageError(QStringLiteral("--asset: missing; name the asset (e.g. BTC)"));
    auto asset = parseSymbol(value("asset"), QStringLiteral("--asset"));
    if (!asset)
        return usageError(asset.error().message);
    if (!isSet("quantity"))
        return usageError(QStringLiteral("--quantity: missing"));
    auto quantity = numbers::parseAmount(value("quantity"), QStringLiteral("--quantity"), numbers::Sign::Positive);
    if (!quantity)
        return usageError(quantity.error().message);
    QDateTime at = QDateTime::fromMSecsSinceEpoch(clock()(), QTimeZone::utc());
    if (isSet("at")) {
        auto parsed = parseTime(value("at"), QStringLiteral("--at"));
        if (!parsed)
            return usageError(parsed.error().message);
        at = *parsed;
    }
    Decimal fee;
    if (isSet("fee")) {
        auto parsed = numbers::parseAmount(value("fee"), QStringLiteral("--fee"), numbers::Sign::NonNegative);
        if (!parsed)
            return usageError(parsed.error().message);
        fee = *parsed;
    }
    QString feeAsset;
    if (isSet("fee-asset")) {
        auto parsed = parseSymbol(value("fee-asset"), QStringLiteral("--fee-asset"));
        if (!parsed)
            return usageError(parsed.error().message);
        feeAsset = *parsed;
    }
    Decimal price;
    if (isSet("price")) {
        auto parsed = numbers::parseAmount(value("price"), QStringLiteral("--price"), numbers::Sign::NonNegative);
        if (!parsed)
            return usageError(parsed.error().message);
        price = *parsed;
    }
    const QString network = value("network").toLower();
    services::TransactionService service(db(), clock());

    if (kindText == QLatin1String("transfer")) {
        if (!isSet("to-account") && !isSet("to-network"))
            return usageError(QStringLiteral("--to-account or --to-network: a transfer needs where it went"));
        services::TransferRequest request;
        request.fromAccount = accountName;
        request.fromNetwork = network;
        request.toAccount = value("to-account");
        request.toNetwork = isSet("to-network") ? value("to-network").toLower() : network;
        request.asset = *asset;
        request.quantity = *quantity;
        request.fee = fee;
        request.feeAsset = feeAsset;
        request.time = at;
        request.externalId = value("external-id");
        request.note = value("note");
        auto legs = service.addTransfer(request);
        if (!legs)
            return fail(legs.error());
        if (json()) {
            QJsonArray ids;
            for (const Transaction &leg : *legs)
                ids.append(leg.id);
            CliOutput::json(QJsonDocument(QJsonObject{{QStringLiteral("ids"), ids}}));
        } else {
            CliOutput::line(QStringLiteral("Recorded transfer #%1 (out) and #%2 (in): %3 %4.")
                                .arg(legs->at(0).id)
                                .arg(legs->at(1).id)
                                .arg(quantity->toString(), *asset));
        }
        return 0;
    }

    Transaction tx;
    tx.kind = *domain::kindFromName(kindText);
    tx.time = at;
    tx.network = network;
    tx.asset = *asset;
    tx.quantity = *quantity;
    tx.price = price;
    tx.fee = fee;
    tx.subkind = value("subkind").toLower();
    tx.externalId = value("external-id");
    tx.note = value("note");
    tx.source = domain::TransactionSource::Manual;
    if (tx.kind == TransactionKind::Trade) {
        const QString side = value("side").toLower();
        if (side != QLatin1String("buy") && side != QLatin1String("sell"))
            return usageError(side.isEmpty() ? QStringLiteral("--side: missing; a trade is a buy or a sell")
                                             : QStringLiteral("--side \"%1\": choose buy or sell").arg(value("side")));
        tx.side = side == QLatin1String("buy") ? domain::Side::Buy : domain::Side::Sell;
        if (!isSet("quote"))
            return usageError(QStringLiteral("--quote: missing; a trade needs its quote asset (e.g. USDT)"));
        auto quote = parseSymbol(value("quote"), QStringLiteral("--quote"));
        if (!quote)
            return usageError(quote.error().message);
        tx.quote = *quote;
        if (!price.isPositive())
            return usageError(QStringLiteral("--price: a trade needs its price, greater than zero"));
    }
    if (!fee.isZero() && feeAsset.isEmpty())
        feeAsset = tx.kind == TransactionKind::Trade ? tx.quote : tx.asset;
    tx.feeAsset = fee.isZero() ? QString() : feeAsset;
    if (tx.kind == TransactionKind::Income && tx.subkind.isEmpty())
        return usageError(QStringLiteral("--subkind: missing; income is staking, interest or airdrop"));
    auto account = service.account(accountName);
    if (!account)
        return fail(account.error());
    tx.accountId = account->id;
    auto stored = service.add(tx);
    if (!stored)
        return fail(stored.error());
    if (json()) {
        CliOutput::json(QJsonDocument(QJsonObject{{QStringLiteral("id"), stored->id}}));
    } else {
        CliOutput::line(QStringLiteral("Recorded #%1: %2 %3 on \"%4\".")
                            .arg(stored->id)
                            .arg(kindText, describe(*stored), accountName));
    }
    return 0;
}

int Cli::cmdTransactionsList(QCommandLineParser &parser)
{
    if (!parser.positionalArguments().isEmpty()) {
        return usageError(
            QStringLiteral("transactions list: unexpected argument \"%1\"").arg(parser.positionalArguments().first()));
    }
    services::TransactionQuery query;
    query.account = parser.value(QStringLiteral("account"));
    if (parser.isSet(QStringLiteral("asset"))) {
        auto asset = parseSymbol(parser.value(QStringLiteral("asset")), QStringLiteral("--asset"));
        if (!asset)
            return usageError(asset.error().message);
        query.asset = *asset;
    }
    if (parser.isSet(QStringLiteral("kind"))) {
        const QString text = parser.value(QStringLiteral("kind")).toLower();
        auto kind = domain::kindFromName(text);
        if (!kind) {
            return usageError(QStringLiteral("--kind \"%1\": unknown; choose trade, deposit, withdrawal, transfer_in, "
                                             "transfer_out, income, fee or adjustment")
                                  .arg(parser.value(QStringLiteral("kind"))));
        }
        query.kind = kind;
    }
    if (parser.isSet(QStringLiteral("from"))) {
        auto from = parseTime(parser.value(QStringLiteral("from")), QStringLiteral("--from"));
        if (!from)
            return usageError(from.error().message);
        query.fromMs = from->toMSecsSinceEpoch();
    }
    if (parser.isSet(QStringLiteral("to"))) {
        auto to = parseTime(parser.value(QStringLiteral("to")), QStringLiteral("--to"), true);
        if (!to)
            return usageError(to.error().message);
        query.toMs = to->toMSecsSinceEpoch();
    }
    if (query.fromMs && query.toMs && *query.fromMs > *query.toMs)
        return usageError(QStringLiteral("--from: after --to"));
    query.unexplainedOnly = parser.isSet(QStringLiteral("unexplained"));
    query.deleted = parser.isSet(QStringLiteral("deleted"));
    auto rows = services::TransactionService(db(), clock()).list(query);
    if (!rows)
        return fail(rows.error());
    if (json()) {
        QJsonArray list;
        for (const auto &row : *rows)
            list.append(transactionJson(row));
        CliOutput::json(QJsonDocument(QJsonObject{{QStringLiteral("transactions"), list}}));
        return 0;
    }
    QList<QStringList> table;
    int unexplained = 0;
    for (const auto &row : *rows) {
        unexplained += row.tx.unexplained ? 1 : 0;
        table.append(
            {QString::number(row.tx.id), io::Exports::isoUtc(row.tx.time), row.accountName,
             domain::kindName(row.tx.kind) + (row.tx.unexplained ? QStringLiteral(" (unexplained)") : QString()),
             describe(row.tx), domain::sourceName(row.tx.source), row.tx.note});
    }
    CliOutput::table({QStringLiteral(">ID"), QStringLiteral("TIME"), QStringLiteral("ACCOUNT"), QStringLiteral("KIND"),
                      QStringLiteral("WHAT"), QStringLiteral("SOURCE"), QStringLiteral("NOTE")},
                     table);
    if (unexplained > 0) {
        CliOutput::line(QStringLiteral("%1 unexplained adjustment(s): say what each was with \"ballast-cli "
                                       "transactions classify ID --as deposit|withdrawal|transfer|income\".")
                            .arg(unexplained));
    }
    return 0;
}

int Cli::cmdTransactionsImport(QCommandLineParser &parser)
{
    const QStringList files = parser.positionalArguments();
    if (files.isEmpty())
        return importFromExchange(parser);
    if (parser.isSet(QStringLiteral("since")))
        return usageError(QStringLiteral("--since: only for an import from the exchange's API (no FILE)"));
    services::ImportOptions options;
    options.account = parser.value(QStringLiteral("account"));
    if (options.account.isEmpty())
        return usageError(QStringLiteral("--account: missing; name the account the transactions go to"));
    options.format = parser.value(QStringLiteral("format"));
    if (options.format.startsWith(QLatin1String("mapping:"))) {
        if (options.format.size() == 8)
            return usageError(QStringLiteral("--format mapping:FILE: name the mapping file after \"mapping:\""));
    } else {
        options.format = options.format.toLower();
        static const QStringList families{QStringLiteral("binance"), QStringLiteral("kraken"),
                                          QStringLiteral("coinbase")};
        if (parser.isSet(QStringLiteral("format")) && !families.contains(options.format)) {
            return usageError(QStringLiteral("--format \"%1\": unknown; choose binance, kraken, coinbase or "
                                             "mapping:FILE")
                                  .arg(parser.value(QStringLiteral("format"))));
        }
    }
    options.network = parser.value(QStringLiteral("network")).toLower();
    options.dryRun = parser.isSet(QStringLiteral("dry-run"));
    auto reports = services::TransactionService(db(), clock()).importFiles(options, files);
    if (!reports)
        return fail(reports.error());
    int refused = 0;
    QJsonArray list;
    for (const services::FileImportReport &report : std::as_const(*reports)) {
        if (!report.error.isEmpty()) {
            ++refused;
            CliOutput::error(QStringLiteral("%1 refused, nothing stored from it: %2").arg(report.file, report.error));
        }
        if (json()) {
            list.append(QJsonObject{
                {QStringLiteral("file"), report.file},
                {QStringLiteral("format"), report.format},
                {QStringLiteral("transactions"), report.transactions},
                {QStringLiteral("new"), report.added},
                {QStringLiteral("duplicates"), report.duplicates},
                {QStringLiteral("linked_transfers"), report.linkedTransfers},
                {QStringLiteral("warnings"), QJsonArray::fromStringList(report.warnings)},
                {QStringLiteral("refused"), !report.error.isEmpty()},
                {QStringLiteral("error"), report.error},
            });
            continue;
        }
        if (!report.error.isEmpty())
            continue;
        QString text = QStringLiteral("%1 (%2): %3 transaction(s) read, %4 %5, %6 already present")
                           .arg(report.file, report.format)
                           .arg(report.transactions)
                           .arg(report.added)
                           .arg(options.dryRun ? QStringLiteral("would be new") : QStringLiteral("new"))
                           .arg(report.duplicates);
        if (report.linkedTransfers > 0)
            text += QStringLiteral(", %1 transfer(s) linked").arg(report.linkedTransfers);
        CliOutput::line(text + QLatin1Char('.'));
        for (const QString &warning : report.warnings)
            CliOutput::line(QStringLiteral("  warning: ") + warning);
    }
    if (json()) {
        CliOutput::json(QJsonDocument(QJsonObject{{QStringLiteral("account"), options.account},
                                                  {QStringLiteral("dry_run"), options.dryRun},
                                                  {QStringLiteral("files"), list}}));
    } else if (options.dryRun) {
        CliOutput::line(QStringLiteral("Dry run: nothing was stored."));
    }
    return refused > 0 ? 1 : 0;
}

int Cli::importFromExchange(QCommandLineParser &parser)
{
    services::ExchangeImportOptions options;
    options.account = parser.value(QStringLiteral("account"));
    if (options.account.isEmpty()) {
        return usageError(QStringLiteral("--account: missing; name the exchange account to import from (or name CSV "
                                         "files)"));
    }
    for (const QString &fileOnly : {QStringLiteral("format"), QStringLiteral("network")}) {
        if (parser.isSet(fileOnly))
            return usageError(QStringLiteral("--%1: only for CSV files; the API names what it returns").arg(fileOnly));
    }
    if (parser.isSet(QStringLiteral("since"))) {
        auto since = parseTime(parser.value(QStringLiteral("since")), QStringLiteral("--since"));
        if (!since)
            return usageError(since.error().message);
        options.sinceMs = since->toMSecsSinceEpoch();
    }
    options.dryRun = parser.isSet(QStringLiteral("dry-run"));
    auto account = services::LedgerQueries(db()).account(options.account);
    if (!account)
        return fail(account.error());
    if (account->exchange != QLatin1String("binance") && account->exchange != QLatin1String("kraken")) {
        return usageError(QStringLiteral("transactions import: \"%1\" is a %2 account; name the CSV files to import "
                                         "(without FILE the import reads a Binance or Kraken account's API)")
                              .arg(account->name, account->exchange));
    }
    exchange::Exchange *connector = exchanges().exchangeFor(account->id);
    if (!connector) {
        // The key's own error was printed when it failed.
        if (m_keyError.isEmpty())
            CliOutput::error(QStringLiteral("%1: %2").arg(account->name, exchanges().whyNot(account->id)));
        m_keyError.clear();
        return 1;
    }
    auto report = services::ExchangeImportService(db(), clock()).importFromExchange(options, *connector);
    if (!report)
        return fail(report.error());
    if (json()) {
        CliOutput::json(QJsonDocument(QJsonObject{
            {QStringLiteral("account"), report->account},
            {QStringLiteral("exchange"), report->exchange},
            {QStringLiteral("dry_run"), options.dryRun},
            {QStringLiteral("transactions"), report->transactions},
            {QStringLiteral("new"), report->added},
            {QStringLiteral("duplicates"), report->duplicates},
            {QStringLiteral("pending"), report->pending},
            {QStringLiteral("linked_transfers"), report->linkedTransfers},
            {QStringLiteral("streams"), QJsonArray::fromStringList(report->streams)},
            {QStringLiteral("warnings"), QJsonArray::fromStringList(report->warnings)},
        }));
        return 0;
    }
    QString text = QStringLiteral("%1 (%2 API): %3 transaction(s) read, %4 %5, %6 already present")
                       .arg(report->account, report->exchange)
                       .arg(report->transactions)
                       .arg(report->added)
                       .arg(options.dryRun ? QStringLiteral("would be new") : QStringLiteral("new"))
                       .arg(report->duplicates);
    if (report->pending > 0)
        text += QStringLiteral(", %1 deposit(s)/withdrawal(s) still pending").arg(report->pending);
    CliOutput::line(text + QLatin1Char('.'));
    for (const QString &stream : std::as_const(report->streams))
        CliOutput::line(QStringLiteral("  ") + stream);
    for (const QString &warning : std::as_const(report->warnings))
        CliOutput::line(QStringLiteral("  warning: ") + warning);
    if (options.dryRun)
        CliOutput::line(QStringLiteral("Dry run: nothing was stored."));
    return 0;
}

int Cli::cmdTransactionsClassify(QCommandLineParser &parser)
{
    auto id = parseId(parser.positionalArguments(), QStringLiteral("transactions classify"));
    if (!id)
        return usageError(id.error().message);
    const QString asText = parser.value(QStringLiteral("as")).toLower();
    auto as = services::classificationFromName(asText);
    if (!as) {
        return usageError(asText.isEmpty()
                              ? QStringLiteral("--as: missing; choose deposit, withdrawal, transfer or income")
                              : QStringLiteral("--as \"%1\": choose deposit, withdrawal, transfer or income")
                                    .arg(parser.value(QStringLiteral("as"))));
    }
    qint64 link = 0;
    if (parser.isSet(QStringLiteral("link"))) {
        auto parsed = numbers::parseInteger(parser.value(QStringLiteral("link")), QStringLiteral("--link"), 1);
        if (!parsed)
            return usageError(parsed.error().message);
        link = *parsed;
    }
    auto classified = services::TransactionService(db(), clock())
                          .classify(*id, *as, parser.value(QStringLiteral("subkind")).toLower(), link);
    if (!classified)
        return fail(classified.error());
    if (json()) {
        CliOutput::json(QJsonDocument(QJsonObject{{QStringLiteral("id"), classified->id},
                                                  {QStringLiteral("kind"), domain::kindName(classified->kind)}}));
    } else {
        CliOutput::line(QStringLiteral("#%1 is now a %2: %3.")
                            .arg(classified->id)
                            .arg(domain::kindName(classified->kind), describe(*classified)));
    }
    return 0;
}

int Cli::cmdTransactionsDelete(QCommandLineParser &parser)
{
    auto id = parseId(parser.positionalArguments(), QStringLiteral("transactions delete"));
    if (!id)
        return usageError(id.error().message);
    auto removed = services::TransactionService(db(), clock()).remove(*id);
    if (!removed)
        return fail(removed.error());
    QStringList ids;
    for (const Transaction &tx : *removed)
        ids << QStringLiteral("#") + QString::number(tx.id);
    if (json()) {
        QJsonArray list;
        for (const Transaction &tx : *removed)
            list.append(tx.id);
        CliOutput::json(QJsonDocument(QJsonObject{{QStringLiteral("deleted"), list}}));
    } else {
        CliOutput::line(QStringLiteral("Deleted %1; undo with \"ballast-cli transactions restore %2\".")
                            .arg(ids.join(QStringLiteral(" and ")))
                            .arg(*id));
    }
    return 0;
}

int Cli::cmdTransactionsRestore(QCommandLineParser &parser)
{
    auto id = parseId(parser.positionalArguments(), QStringLiteral("transactions restore"));
    if (!id)
        return usageError(id.error().message);
    auto restored = services::TransactionService(db(), clock()).restore(*id);
    if (!restored)
        return fail(restored.error());
    QStringList ids;
    QJsonArray list;
    for (const Transaction &tx : *restored) {
        ids << QStringLiteral("#") + QString::number(tx.id);
        list.append(tx.id);
    }
    if (json())
        CliOutput::json(QJsonDocument(QJsonObject{{QStringLiteral("restored"), list}}));
    else
        CliOutput::line(QStringLiteral("Restored %1.").arg(ids.join(QStringLiteral(" and "))));
    return 0;
}

} // namespace ballast::cli
