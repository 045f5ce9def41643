// Price history and research: prices import, backtest and sweep (research.cpp), allocate.
#include "allocation/allocationmodel.h"
#include "cli.h"
#include "clioutput.h"
#include "domain/assetcatalog.h"
#include "market/pricealignment.h"
#include "market/priceimporter.h"
#include "research.h"
#include "services/allocationservice.h"
#include "services/ledger.h"
#include "services/ledgerqueries.h"
#include "services/policyservice.h"
#include "storage/database.h"

#include <QDir>
#include <QJsonArray>
#include <QJsonObject>

namespace ballast::cli {

void Cli::registerAnalysisCommands()
{
    m_commands.append(
        {QStringLiteral("prices import"),
         QStringLiteral("Import price history files (CryptoDataDownload, Binance klines, Yahoo, "
                        "CoinGecko, plain OHLCV, any date+close CSV); all or none."),
         QStringLiteral("FILE [FILE ...]"),
         [](QCommandLineParser &p) {
             p.addOption({QStringLiteral("asset"), QStringLiteral("Asset of the files (else inferred)."),
                          QStringLiteral("SYM")});
             p.addOption(
                 {QStringLiteral("quote"), QStringLiteral("Quote currency (else inferred)."), QStringLiteral("SYM")});
             p.addOption({QStringLiteral("interval"),
                          QStringLiteral("Bar interval (1m, 1h, 1d, ...) when it cannot be inferred."),
                          QStringLiteral("INTERVAL")});
             p.addOption({QStringLiteral("keep-last"), QStringLiteral("The newest row is a closed candle: keep it.")});
         },
         &Cli::cmdPricesImport});
    m_commands.append(
        {QStringLiteral("backtest"),
         QStringLiteral("Replay a rebalancing rule on price files against buy-and-hold (no database needed)."),
         QString(), research::addBacktestOptions,
         [](Cli &cli, QCommandLineParser &p) { return research::backtest(cli.researchContext(), p); }, false});
    m_commands.append(
        {QStringLiteral("sweep"),
         QStringLiteral("Backtest every combination of rules and weight sets on all cores; results as a table."),
         QString(), research::addSweepOptions,
         [](Cli &cli, QCommandLineParser &p) { return research::sweep(cli.researchContext(), p); }, false});
    m_commands.append(
        {QStringLiteral("allocate"),
         QStringLiteral("Target weights from a model, estimated from price files (simple daily "
                        "returns, sample covariance x 365)."),
         QString(),
         [](QCommandLineParser &p) {
             p.addOption({QStringLiteral("model"),
                          QStringLiteral("equal, inverse-vol, erc, min-variance, max-sharpe, market-cap "
                                         "or sqrt-market-cap."),
                          QStringLiteral("MODEL")});
             p.addOption({QStringLiteral("prices"), QStringLiteral("Price history of an asset (repeat)."),
                          QStringLiteral("SYM=FILE")});
             p.addOption({QStringLiteral("from"), QStringLiteral("First date, inclusive."), QStringLiteral("DATE")});
             p.addOption({QStringLiteral("to"), QStringLiteral("Last date, inclusive."), QStringLiteral("DATE")});
             p.addOption(
                 {QStringLiteral("min-weight"), QStringLiteral("Smallest weight per asset."), QStringLiteral("W")});
             p.addOption(
                 {QStringLiteral("max-weight"), QStringLiteral("Largest weight per asset."), QStringLiteral("W")});
             p.addOption({QStringLiteral("risk-free"),
                          QStringLiteral("Annual risk-free rate for max-sharpe (default 0)."), QStringLiteral("RATE")});
         },
         &Cli::cmdAllocate, false});
}

int Cli::cmdPricesImport(QCommandLineParser &parser)
{
    const QStringList files = parser.positionalArguments();
    if (files.isEmpty())
        return usageError(QStringLiteral("usage: ballast-cli prices import [--asset SYM] [--quote SYM] FILE..."));
    market::ImportOptions options;
    for (const auto &[option, target] :
         {std::pair{QStringLiteral("asset"), &options.asset}, std::pair{QStringLiteral("quote"), &options.quote}}) {
        if (!parser.isSet(option))
            continue;
        auto symbol = domain::AssetCatalog::normalizeSymbol(parser.value(option));
        if (!symbol)
            return usageError(QStringLiteral("--%1: %2").arg(option, symbol.error().message));
        *target = *symbol;
    }
    if (parser.isSet(QStringLiteral("interval"))) {
        options.interval = parser.value(QStringLiteral("interval"));
        if (market::PriceImporter::intervalMs(options.interval) <= 0)
            return usageError(
                QStringLiteral("--interval \"%1\": expected 1m, 5m, 1h, 4h, 1d, 1w ...").arg(options.interval));
    }
    if (parser.isSet(QStringLiteral("keep-last")))
        options.lastCandle = market::ImportOptions::LastCandle::Keep;
    options.nowMs = clock()();
    auto reports = services::Ledger(db(), clock()).importPrices(files, options);
    if (!reports)
        return fail(reports.error());
    if (json()) {
        QJsonArray list;
        for (const auto &report : *reports) {
            list.append(QJsonObject{{QStringLiteral("file"), report.file},
                                    {QStringLiteral("asset"), report.asset},
                                    {QStringLiteral("quote"), report.quote},
                                    {QStringLiteral("interval"), report.interval},
                                    {QStringLiteral("rows"), report.rowsRead},
                                    {QStringLiteral("candles"), report.candlesStored},
                                    {QStringLiteral("exact_duplicates"), report.exactDuplicates},
                                    {QStringLiteral("conflicts"), static_cast<int>(report.conflicts.size())},
                                    {QStringLiteral("missing_bars"), report.missingBars()},
                                    {QStringLiteral("stamped_at_close"), report.closeStamps.has_value()},
                                    {QStringLiteral("summary"), report.summary()}});
        }
        CliOutput::json(QJsonDocument(QJsonObject{{QStringLiteral("imports"), list}}));
    } else {
        for (const auto &report : *reports)
            CliOutput::line(report.summary());
    }
    return 0;
}

research::Context Cli::researchContext()
{
    research::Context context;
    context.json = json();
    context.clock = clock();
    // --policy: the stored policy decides as the live check does (the same
    // rule without its band, the same half-widths, the same exclusions).
    context.loadPolicy = [this]() -> Result<research::StoredPolicy> {
        auto opened = storage::Database::open(m_dbPath, storage::Database::Mode::ReadWriteExisting);
        if (!opened)
            return opened.error();
        m_db = std::move(*opened);
        auto stored = services::PolicyService(db(), clock()).load(portfolioName());
        if (!stored)
            return stored.error();
        auto found = services::LedgerQueries(db()).portfolio(stored->portfolio);
        if (!found)
            return found.error();
        return research::StoredPolicy{*stored, *found};
    };
    return context;
}

int Cli::cmdAllocate(QCommandLineParser &parser)
{
    const QString modelName = parser.value(QStringLiteral("model"));
    static const QList<std::pair<QString, allocation::Model>> kModels{
        {QStringLiteral("equal"), allocation::Model::Equal},
        {QStringLiteral("inverse-vol"), allocation::Model::InverseVolatility},
        {QStringLiteral("erc"), allocation::Model::EqualRiskContribution},
        {QStringLiteral("min-variance"), allocation::Model::MinimumVariance},
        {QStringLiteral("max-sharpe"), allocation::Model::MaximumSharpe},
        {QStringLiteral("market-cap"), allocation::Model::MarketCap},
        {QStringLiteral("sqrt-market-cap"), allocation::Model::SqrtMarketCap}};
    allocation::AllocationOptions options;
    bool known = false;
    for (const auto &[name, model] : kModels) {
        if (name == modelName) {
            options.model = model;
            known = true;
        }
    }
    if (!known) {
        return usageError(QStringLiteral("--model \"%1\": choose equal, inverse-vol, erc, min-variance, max-sharpe, "
                                         "market-cap or sqrt-market-cap")
                              .arg(modelName));
    }
    auto files = research::priceFiles(parser.values(QStringLiteral("prices")));
    if (!files)
        return usageError(files.error().message);
    auto from = research::dateOption(parser, QStringLiteral("from"));
    auto to = research::dateOption(parser, QStringLiteral("to"));
    if (!from || !to)
        return usageError((!from ? from.error() : to.error()).message);
    auto minWeight = research::numberOption(parser, QStringLiteral("min-weight"), 0.0, 0.0, 1.0);
    auto maxWeight = research::numberOption(parser, QStringLiteral("max-weight"), 1.0, 0.0, 1.0);
    auto riskFree = research::numberOption(parser, QStringLiteral("risk-free"), 0.0, -1.0, 1.0);
    if (!minWeight || !maxWeight || !riskFree)
        return usageError((!minWeight ? minWeight.error() : !maxWeight ? maxWeight.error() : riskFree.error()).message);
    options.minWeight = *minWeight;
    options.maxWeight = *maxWeight;
    options.riskFreeRate = *riskFree;

    QList<market::PriceSeries> series;
    for (const auto &[asset, file] : *files) {
        market::ImportOptions importOptions;
        importOptions.asset = asset;
        auto read = market::PriceImporter::readFile(file, importOptions);
        if (!read)
            return fail(read.error());
        series.append(from->isValid() || to->isValid() ? market::PriceAlignment::filtered(
                          *read, from->isValid() ? *from : QDate(1970, 1, 1), to->isValid() ? *to : QDate(9999, 12, 31))
                                                       : *read);
        options.assets.append(asset);
    }
    auto allocated = services::AllocationService::fromSeries(options, series, true);
    if (!allocated) {
        const services::AllocationFailure &failure = allocated.error();
        switch (failure.kind) {
        case services::AllocationFailure::Kind::NoMarketCap:
            return fail(makeError(QStringLiteral("allocate.market_cap"),
                                  QStringLiteral("%1: no market capitalisation in the chosen dates (CoinGecko "
                                                 "exports carry it)")
                                      .arg(QDir::toNativeSeparators((*files)[failure.asset].second))));
        case services::AllocationFailure::Kind::TooFewBars:
            return fail(
                makeError(QStringLiteral("allocate.data"),
                          QStringLiteral("the files share %1 bar(s); estimating risk needs more").arg(failure.bars)));
        case services::AllocationFailure::Kind::NoHistory:
        case services::AllocationFailure::Kind::Other:
            break;
        }
        return fail(failure.error);
    }
    QJsonObject weights;
    QList<QStringList> rows;
    for (qsizetype i = 0; i < options.assets.size(); ++i) {
        const double weight = allocated->weights(static_cast<Eigen::Index>(i));
        weights.insert(options.assets[i], weight);
        rows.append({options.assets[i], CliOutput::percent(weight)});
    }
    if (json()) {
        QJsonObject object{{QStringLiteral("model"), modelName}, {QStringLiteral("weights"), weights}};
        if (allocated->volatility)
            object.insert(QStringLiteral("volatility"), *allocated->volatility);
        if (allocated->expectedReturn)
            object.insert(QStringLiteral("expected_return"), *allocated->expectedReturn);
        CliOutput::json(QJsonDocument(object));
        return 0;
    }
    CliOutput::table({QStringLiteral("ASSET"), QStringLiteral(">WEIGHT")}, rows);
    return 0;
}

} // namespace ballast::cli
