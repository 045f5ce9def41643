// backtest and sweep: rebalancing rules replayed on price files. Both
// programs run them: ballast-cli itself when no ledger is needed (it links
// no SQLite and no network, so a repeated backtest starts in a few
// milliseconds) and its ledger module for --policy (main.cpp).
#include "research.h"

#include "allocation/allocationmodel.h"
#include "backtest/backtester.h"
#include "backtest/policybacktest.h"
#include "backtest/seriescache.h"
#include "backtest/sweep.h"
#include "clioutput.h"
#include "common/numberparse.h"
#include "domain/assetcatalog.h"
#include "io/csvwriter.h"
#include "io/exports.h"
#include "market/importoptions.h"
#include "services/allocationservice.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonObject>
#include <QStandardPaths>
#include <QTimeZone>

#include <cmath>
#include <memory>

namespace ballast::cli::research {

/// "SYM=FILE" pairs of --prices, checked before any file is read.
Result<QList<std::pair<QString, QString>>> priceFiles(const QStringList &values)
{
    if (values.isEmpty())
        return makeError(QStringLiteral("cli.arguments"), QStringLiteral("give at least one --prices SYM=FILE"));
    QList<std::pair<QString, QString>> files;
    for (const QString &value : values) {
        const auto equals = value.indexOf(QLatin1Char('='));
        if (equals <= 0 || equals == value.size() - 1) {
            return makeError(QStringLiteral("cli.arguments"),
                             QStringLiteral("--prices \"%1\": expected SYM=FILE").arg(value));
        }
        auto symbol = domain::AssetCatalog::normalizeSymbol(value.left(equals));
        if (!symbol)
            return makeError(symbol.error().code,
                             QStringLiteral("--prices \"%1\": %2").arg(value, symbol.error().message));
        files.append({*symbol, value.mid(equals + 1)});
    }
    return files;
}

Result<QDate> dateOption(const QCommandLineParser &parser, const QString &option)
{
    if (!parser.isSet(option))
        return QDate();
    const QDate date = QDate::fromString(parser.value(option), Qt::ISODate);
    if (!date.isValid()) {
        return makeError(
            QStringLiteral("cli.arguments"),
            QStringLiteral("--%1 \"%2\": expected a date such as 2019-01-01").arg(option, parser.value(option)));
    }
    return date;
}

Result<double> numberOption(const QCommandLineParser &parser, const QString &option, double fallback, double low,
                            double high)
{
    if (!parser.isSet(option))
        return fallback;
    return numbers::parseDouble(parser.value(option), QStringLiteral("--") + option, numbers::Range::closed(low, high));
}

namespace {

/// --quote, --keep-last and --no-cache of backtest and sweep.
void addFileOptions(QCommandLineParser &p)
{
    p.addOption({QStringLiteral("quote"),
                 QStringLiteral("Quote currency of the price files, when their symbol or name does not say it."),
                 QStringLiteral("SYM")});
    p.addOption({QStringLiteral("keep-last"),
                 QStringLiteral("The newest row of every file is a closed candle: use it (default: dropped only "
                                "when it may still have been running when the file was written).")});
    p.addOption({QStringLiteral("no-cache"),
                 QStringLiteral("Read every price file again; neither use nor update the cache of parsed closes.")});
}

/// How backtest and sweep read their files; the cache lives in the user's
/// cache directory, one file of parsed closes per price file.
Result<backtest::LoadOptions> fileOptions(const QCommandLineParser &parser, const Clock &clock,
                                          std::unique_ptr<backtest::SeriesCache> &cache)
{
    backtest::LoadOptions options;
    if (parser.isSet(QStringLiteral("quote"))) {
        auto symbol = domain::AssetCatalog::normalizeSymbol(parser.value(QStringLiteral("quote")));
        if (!symbol)
            return makeError(symbol.error().code, QStringLiteral("--quote: ") + symbol.error().message);
        options.quote = *symbol;
    }
    if (parser.isSet(QStringLiteral("keep-last")))
        options.lastCandle = market::ImportOptions::LastCandle::Keep;
    options.nowMs = clock();
    if (!parser.isSet(QStringLiteral("no-cache"))) {
        const QString base = QStandardPaths::writableLocation(QStandardPaths::CacheLocation);
        if (!base.isEmpty()) {
            cache = std::make_unique<backtest::SeriesCache>(base + QStringLiteral("/backtest-closes"), false);
            options.cache = cache.get();
        }
    }
    return options;
}

QJsonObject metricsJson(const analytics::MetricsResult &metrics, double finalValue, double fees, double turnover,
                        int rebalances, int bars)
{
    auto number = [](double value) { return std::isfinite(value) ? QJsonValue(value) : QJsonValue(); };
    return QJsonObject{{QStringLiteral("final_value"), number(finalValue)},
                       {QStringLiteral("total_return"), number(metrics.totalReturn)},
                       {QStringLiteral("cagr"), number(metrics.cagr)},
                       {QStringLiteral("volatility"), number(metrics.volatility)},
                       {QStringLiteral("sharpe"), number(metrics.sharpe)},
                       {QStringLiteral("sortino"), number(metrics.sortino)},
                       {QStringLiteral("max_drawdown"), number(metrics.maxDrawdown)},
                       {QStringLiteral("calmar"), number(metrics.calmar)},
                       {QStringLiteral("rebalances"), rebalances},
                       {QStringLiteral("fees_paid"), number(fees)},
                       {QStringLiteral("turnover"), number(turnover)},
                       {QStringLiteral("bars"), bars}};
}

/// The turnover figures besides "turnover" (see docs/analytics.md).
void insertTurnover(QJsonObject &object, const backtest::BacktestResult &result)
{
    auto number = [](double value) { return std::isfinite(value) ? QJsonValue(value) : QJsonValue(); };
    object.insert(QStringLiteral("turnover_total_over_mean"), number(result.turnoverTotalOverMean));
    object.insert(QStringLiteral("traded_value"), number(result.tradedValue));
}

/// --tax-rate and --tax-lots of backtest and sweep: none without a rate.
Result<std::optional<backtest::BacktestTax>> taxOption(const QCommandLineParser &parser)
{
    if (!parser.isSet(QStringLiteral("tax-rate"))) {
        if (parser.isSet(QStringLiteral("tax-lots")))
            return makeError(QStringLiteral("cli.usage"), QStringLiteral("--tax-lots needs --tax-rate"));
        return std::optional<backtest::BacktestTax>();
    }
    auto rate = numbers::parseFraction(parser.value(QStringLiteral("tax-rate")), QStringLiteral("--tax-rate"),
                                       numbers::Range{0.0, 1.0, false, true});
    if (!rate)
        return rate.error();
    backtest::BacktestTax tax;
    tax.rate = *rate;
    if (parser.isSet(QStringLiteral("tax-lots"))) {
        const QString text = parser.value(QStringLiteral("tax-lots"));
        const auto method = analytics::costMethodFromName(text);
        if (!method) {
            return makeError(QStringLiteral("cli.usage"),
                             QStringLiteral("--tax-lots \"%1\": expected fifo, lifo, hifo or average").arg(text));
        }
        tax.method = *method;
    }
    return std::optional<backtest::BacktestTax>(tax);
}

void addTaxOptions(QCommandLineParser &p)
{
    p.addOption({QStringLiteral("tax-rate"),
                 QStringLiteral("Count tax: a flat rate on net realized gains (0.25 or 25%); adds after-tax "
                                "columns."),
                 QStringLiteral("FRACTION")});
    p.addOption({QStringLiteral("tax-lots"),
                 QStringLiteral("Which lots the backtest's sales take for tax: fifo (default), lifo, hifo or "
                                "average."),
                 QStringLiteral("METHOD")});
}

/// The after-tax figures of a taxed run, strategy or buy-and-hold.
void insertTax(QJsonObject &object, const backtest::BacktestResult &result, bool buyAndHold)
{
    if (!result.taxed)
        return;
    object.insert(QStringLiteral("final_value_after_tax"),
                  buyAndHold ? result.buyAndHoldFinalValueAfterTax : result.finalValueAfterTax);
    object.insert(QStringLiteral("cagr_after_tax"), buyAndHold ? result.buyAndHoldCagrAfterTax : result.cagrAfterTax);
    if (!buyAndHold) {
        object.insert(QStringLiteral("tax_paid"), result.taxPaid);
        object.insert(QStringLiteral("realized_gain"), result.realizedGain);
    }
}

bool isCash(const QString &symbol)
{
    const auto asset = domain::AssetCatalog::find(symbol);
    return asset && asset->kind != domain::AssetKind::Crypto;
}

Result<backtest::OverlayConfig> overlayOption(const QString &text, const QString &stablecoin)
{
    backtest::OverlayConfig overlay;
    overlay.stablecoin = stablecoin;
    if (text.isEmpty() || text == QLatin1String("none"))
        return overlay;
    const QString kind = text.section(QLatin1Char(':'), 0, 0);
    const QStringList parts = text.section(QLatin1Char(':'), 1).split(QLatin1Char(','), Qt::SkipEmptyParts);
    QList<double> values;
    for (const QString &number : parts) {
        auto value = numbers::parseDouble(number, QStringLiteral("--overlay \"%1\": value").arg(text));
        if (!value)
            return value.error();
        values.append(*value);
    }
    if (kind == QLatin1String("vol-target") && !values.isEmpty()) {
        overlay.kind = backtest::OverlayConfig::Kind::VolatilityTarget;
        overlay.targetVolatility = values[0];
        if (values.size() > 1) {
            auto lookback =
                numbers::parseInteger(parts[1], QStringLiteral("--overlay \"%1\": lookback").arg(text), 1, 100000);
            if (!lookback)
                return lookback.error();
            overlay.lookback = static_cast<int>(*lookback);
        }
        if (values.size() > 2)
            overlay.cap = values[2];
    } else if ((kind == QLatin1String("cppi") || kind == QLatin1String("tipp")) && values.size() == 2) {
        overlay.kind = backtest::OverlayConfig::Kind::Cppi;
        overlay.multiplier = values[0];
        overlay.floorFraction = values[1];
        overlay.ratchet = kind == QLatin1String("tipp");
    } else if (kind == QLatin1String("regime") && values.size() >= 3) {
        overlay.kind = backtest::OverlayConfig::Kind::StablecoinRegime;
        overlay.baseShare = values[0];
        overlay.defensiveShare = values[1];
        overlay.volatilityMultiple = values[2];
    } else {
        return makeError(QStringLiteral("cli.arguments"),
                         QStringLiteral("--overlay \"%1\": expected vol-target:VOL[,LOOKBACK[,CAP]], cppi:M,FLOOR, "
                                        "tipp:M,FLOOR or regime:BASE,DEFENSIVE,MULTIPLE")
                             .arg(text));
    }
    return overlay;
}

} // namespace

void addBacktestOptions(QCommandLineParser &p)
{
    p.addOption(
        {QStringLiteral("prices"), QStringLiteral("Price history of an asset (repeat)."), QStringLiteral("SYM=FILE")});
    p.addOption({QStringLiteral("weights"),
                 QStringLiteral("Target weights, e.g. BTC=0.6,ETH=0.3,USDT=0.1 (stablecoins without a "
                                "file are cash)."),
                 QStringLiteral("SYM=W,...")});
    p.addOption({QStringLiteral("rebalance"),
                 QStringLiteral("none, calendar:day|week|month|quarter, threshold:5pp, threshold:25%, "
                                "hybrid:month,5pp (default calendar:month)."),
                 QStringLiteral("RULE"), QStringLiteral("calendar:month")});
    p.addOption({QStringLiteral("fee-bps"), QStringLiteral("Fee per trade in basis points (default 10)."),
                 QStringLiteral("BPS"), QStringLiteral("10")});
    p.addOption({QStringLiteral("slippage-bps"), QStringLiteral("Slippage in basis points (default 0)."),
                 QStringLiteral("BPS"), QStringLiteral("0")});
    p.addOption({QStringLiteral("capital"), QStringLiteral("Starting capital (default 10000)."),
                 QStringLiteral("AMOUNT"), QStringLiteral("10000")});
    p.addOption({QStringLiteral("from"), QStringLiteral("First date, inclusive."), QStringLiteral("DATE")});
    p.addOption({QStringLiteral("to"), QStringLiteral("Last date, inclusive."), QStringLiteral("DATE")});
    p.addOption({QStringLiteral("overlay"),
                 QStringLiteral("vol-target:0.5[,LOOKBACK[,CAP]], cppi:3,0.8, tipp:3,0.8 or "
                                "regime:0.3,0.5,2 (held in --stablecoin)."),
                 QStringLiteral("SPEC")});
    p.addOption({QStringLiteral("stablecoin"), QStringLiteral("Stablecoin of the overlay (default USDT)."),
                 QStringLiteral("SYM"), QStringLiteral("USDT")});
    p.addOption({QStringLiteral("falling-guard"),
                 QStringLiteral("Stop buying an asset down more than this from its peak (e.g. 0.8)."),
                 QStringLiteral("FRACTION")});
    p.addOption({QStringLiteral("correlation-alert"),
                 QStringLiteral("Alert when a pair's 90-bar correlation exceeds this (e.g. 0.7)."),
                 QStringLiteral("LEVEL")});
    p.addOption({QStringLiteral("equity-out"),
                 QStringLiteral("Write the equity curves, drawdown and weights to a CSV file."),
                 QStringLiteral("FILE")});
    addFileOptions(p);
    p.addOption({QStringLiteral("policy"),
                 QStringLiteral("Use the stored policy of the portfolio (--db, --portfolio): its rule, "
                                "bands, mode, minimum trade, turnover cap, excluded assets and falling "
                                "guard, and its targets unless --weights is given; not with "
                                "--rebalance.")});
    addTaxOptions(p);
}

void addSweepOptions(QCommandLineParser &p)
{
    p.addOption(
        {QStringLiteral("prices"), QStringLiteral("Price history of an asset (repeat)."), QStringLiteral("SYM=FILE")});
    p.addOption({QStringLiteral("weights"), QStringLiteral("Fixed target weights, SYM=W,... (optional)."),
                 QStringLiteral("SYM=W,...")});
    p.addOption({QStringLiteral("model"),
                 QStringLiteral("Weights from a model estimated over the whole range (repeat): equal, "
                                "inverse-vol, erc, min-variance, max-sharpe. Note the look-ahead."),
                 QStringLiteral("MODEL")});
    p.addOption({QStringLiteral("rule"), QStringLiteral("A rebalancing rule (repeat), as for backtest."),
                 QStringLiteral("RULE")});
    p.addOption({QStringLiteral("fee-bps"), QStringLiteral("Fee in basis points (default 10)."), QStringLiteral("BPS"),
                 QStringLiteral("10")});
    p.addOption({QStringLiteral("from"), QStringLiteral("First date, inclusive."), QStringLiteral("DATE")});
    p.addOption({QStringLiteral("to"), QStringLiteral("Last date, inclusive."), QStringLiteral("DATE")});
    addFileOptions(p);
    addTaxOptions(p);
}

int backtest(const Context &context, QCommandLineParser &parser)
{
    auto files = priceFiles(parser.values(QStringLiteral("prices")));
    if (!files)
        return CliOutput::usageError(files.error().message);
    // --policy: the stored policy decides as the live check does (the same
    // rule without its band, the same half-widths, the same exclusions).
    std::optional<services::PolicyInfo> policy;
    std::optional<domain::Portfolio> portfolio;
    if (parser.isSet(QStringLiteral("policy"))) {
        if (parser.isSet(QStringLiteral("rebalance")))
            return CliOutput::usageError(QStringLiteral("--policy uses the stored rule; leave out --rebalance"));
        if (!context.loadPolicy)
            return CliOutput::fail(
                makeError(QStringLiteral("cli.policy"), QStringLiteral("--policy needs the ledger")));
        auto stored = context.loadPolicy();
        if (!stored)
            return CliOutput::fail(stored.error());
        policy = stored->policy;
        portfolio = stored->portfolio;
    }
    QString weightsText = parser.value(QStringLiteral("weights"));
    if (!parser.isSet(QStringLiteral("weights")) && portfolio) {
        QStringList items;
        for (const auto &target : portfolio->targets)
            items.append(target.asset + QLatin1Char('=') + target.weight.toString());
        weightsText = items.join(QLatin1Char(','));
        if (items.isEmpty())
            return CliOutput::fail(
                makeError(QStringLiteral("policy.targets"),
                          QStringLiteral("portfolio \"%1\" has no targets; give --weights").arg(policy->portfolio)));
    }
    if (weightsText.isEmpty())
        return CliOutput::usageError(QStringLiteral("backtest needs --weights SYM=W,... (or --policy)"));
    auto from = dateOption(parser, QStringLiteral("from"));
    auto to = dateOption(parser, QStringLiteral("to"));
    if (!from || !to)
        return CliOutput::usageError((!from ? from.error() : to.error()).message);
    auto rule = parser.value(QStringLiteral("rebalance")) == QLatin1String("none")
        ? Result<rebalance::Trigger>(rebalance::Trigger::none())
        : rebalance::Trigger::parse(parser.value(QStringLiteral("rebalance")));
    if (!rule)
        return CliOutput::usageError(QStringLiteral("--rebalance: ") + rule.error().message);
    auto fee = numberOption(parser, QStringLiteral("fee-bps"), 10, 0, 10000);
    auto slippage = numberOption(parser, QStringLiteral("slippage-bps"), 0, 0, 10000);
    auto capital = numberOption(parser, QStringLiteral("capital"), 10000, 1e-9, 1e15);
    if (!fee || !slippage || !capital)
        return CliOutput::usageError((!fee ? fee.error() : !slippage ? slippage.error() : capital.error()).message);
    auto tax = taxOption(parser);
    if (!tax)
        return CliOutput::usageError(tax.error().message);

    // Weights: "BTC=0.6,ETH=0.4" or percentages; stablecoins without a file are cash.
    QList<std::pair<QString, money::Decimal>> weights;
    money::Decimal sum;
    for (const QString &item : weightsText.split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        const QString symbolText = item.section(QLatin1Char('='), 0, 0);
        auto symbol = domain::AssetCatalog::normalizeSymbol(symbolText);
        auto weight = domain::parseWeight(item.section(QLatin1Char('='), 1));
        if (!item.contains(QLatin1Char('=')) || !symbol || !weight)
            return CliOutput::usageError(QStringLiteral("--weights: \"%1\" is not SYM=WEIGHT").arg(item));
        weights.append({*symbol, *weight});
        sum += *weight;
    }
    if ((sum - money::Decimal::fromInt(1)).abs() > money::dec("0.000000001"))
        return CliOutput::usageError(QStringLiteral("--weights sum to %1, not 1").arg(sum.toString()));

    auto overlay = overlayOption(parser.value(QStringLiteral("overlay")), parser.value(QStringLiteral("stablecoin")));
    if (!overlay)
        return CliOutput::usageError(overlay.error().message);
    std::unique_ptr<backtest::SeriesCache> cache;
    auto loadOptions = fileOptions(parser, context.clock, cache);
    if (!loadOptions)
        return CliOutput::usageError(loadOptions.error().message);
    auto data = backtest::BacktestData::load(*files, *from, *to, *loadOptions);
    if (!data)
        return CliOutput::fail(data.error());
    backtest::BacktestConfig config;
    config.targets.assign(data->width(), 0.0);
    for (const auto &[symbol, weight] : weights) {
        int index = data->indexOf(symbol);
        if (index < 0) {
            if (!isCash(symbol)) {
                return CliOutput::usageError(
                    QStringLiteral("--weights: %1 has no --prices file (only stablecoins and fiat can "
                                   "be held as cash)")
                        .arg(symbol));
            }
            data->addCash(symbol);
            config.targets.push_back(0.0);
            index = data->indexOf(symbol);
        }
        config.targets[static_cast<std::size_t>(index)] = weight.toDouble();
    }
    config.overlay = *overlay;
    if (overlay->kind != backtest::OverlayConfig::Kind::None && data->indexOf(overlay->stablecoin) < 0) {
        data->addCash(overlay->stablecoin);
        config.targets.push_back(0.0);
    }
    if (parser.isSet(QStringLiteral("falling-guard"))) {
        auto guard = numberOption(parser, QStringLiteral("falling-guard"), 0.8, 0.01, 0.999);
        if (!guard)
            return CliOutput::usageError(guard.error().message);
        config.fallingGuard = *guard;
    }
    if (parser.isSet(QStringLiteral("correlation-alert"))) {
        auto level = numberOption(parser, QStringLiteral("correlation-alert"), 0.7, -1, 1);
        if (!level)
            return CliOutput::usageError(level.error().message);
        config.correlationThreshold = *level;
    }
    config.trigger = *rule;
    config.label = rule->toString();
    QStringList notes;
    if (policy) {
        const backtest::PolicyBacktest stored{policy->portfolio, *portfolio, policy->policy};
        notes = stored.apply(config, data->assets, parser.isSet(QStringLiteral("falling-guard")));
    }
    config.feeRate = *fee / 10000.0;
    config.slippageRate = *slippage / 10000.0;
    config.capital = *capital;
    config.tax = *tax;
    // The weights over time (bars x assets) only for --equity-out; the
    // trades are not printed.
    config.recordCurves = parser.isSet(QStringLiteral("equity-out"));
    config.recordTrades = false;
    auto result = backtest::Backtester::run(*data, config);
    if (!result)
        return CliOutput::fail(result.error());

    if (parser.isSet(QStringLiteral("equity-out"))) {
        io::CsvTable table;
        table.header = {QStringLiteral("time"), QStringLiteral("strategy"), QStringLiteral("buy_and_hold"),
                        QStringLiteral("drawdown")};
        for (const QString &asset : result->assets)
            table.header.append(QStringLiteral("weight_") + asset);
        const auto drawdown = analytics::Metrics::drawdownSeries(result->equity);
        const std::size_t width = static_cast<std::size_t>(result->assets.size());
        for (std::size_t t = 0; t < result->equity.size(); ++t) {
            QStringList row{
                io::Exports::isoUtc(QDateTime::fromMSecsSinceEpoch(result->equity[t].timeMs, QTimeZone::utc())),
                QString::number(result->equity[t].value, 'f', 8), QString::number(result->buyAndHold[t].value, 'f', 8),
                QString::number(drawdown[t].drawdown, 'f', 10)};
            for (std::size_t i = 0; i < width; ++i)
                row.append(QString::number(result->weights[t * width + i], 'f', 10));
            table.rows.append(row);
        }
        if (auto written = io::CsvWriter::writeFile(parser.value(QStringLiteral("equity-out")), table); !written)
            return CliOutput::fail(written.error());
    }

    if (context.json) {
        QJsonObject object = metricsJson(result->metrics, result->finalValue, result->feesPaid, result->turnover,
                                         result->rebalances, result->bars);
        insertTax(object, *result, false);
        insertTurnover(object, *result);
        QJsonObject hold =
            metricsJson(result->buyAndHoldMetrics, result->buyAndHoldFinalValue, 0.0, 0.0, 0, result->bars);
        insertTax(hold, *result, true);
        object.insert(QStringLiteral("buy_and_hold"), hold);
        object.insert(QStringLiteral("rebalancing_premium"), result->rebalancingPremium());
        object.insert(QStringLiteral("rule"), config.label);
        object.insert(QStringLiteral("first_bar"),
                      io::Exports::isoUtc(QDateTime::fromMSecsSinceEpoch(data->times.front(), QTimeZone::utc())));
        object.insert(QStringLiteral("last_bar"),
                      io::Exports::isoUtc(QDateTime::fromMSecsSinceEpoch(data->times.back(), QTimeZone::utc())));
        QJsonArray alerts;
        for (const auto &alert : result->alerts)
            alerts.append(
                QJsonObject{{QStringLiteral("kind"), alert.kind}, {QStringLiteral("message"), alert.message}});
        object.insert(QStringLiteral("alerts"), alerts);
        if (policy)
            object.insert(QStringLiteral("notes"), QJsonArray::fromStringList(notes));
        CliOutput::json(QJsonDocument(object));
        return 0;
    }
    for (const QString &note : notes)
        CliOutput::line(QStringLiteral("Note: ") + note + QLatin1Char('.'));
    const auto &m = result->metrics;
    const auto &b = result->buyAndHoldMetrics;
    CliOutput::line(
        QStringLiteral("%1 on %2, %3 bars from %4 to %5")
            .arg(config.label, result->assets.join(u", "))
            .arg(result->bars)
            .arg(QDateTime::fromMSecsSinceEpoch(data->times.front(), QTimeZone::utc()).date().toString(Qt::ISODate),
                 QDateTime::fromMSecsSinceEpoch(data->times.back(), QTimeZone::utc()).date().toString(Qt::ISODate)));
    auto pct = [](double value) { return CliOutput::percent(value); };
    auto num = [](double value) { return QString::number(value, 'f', 2); };
    QList<QStringList> metricRows{
        {QStringLiteral("final value"), num(result->finalValue), num(result->buyAndHoldFinalValue)},
        {QStringLiteral("total return"), pct(m.totalReturn), pct(b.totalReturn)},
        {QStringLiteral("CAGR"), pct(m.cagr), pct(b.cagr)},
        {QStringLiteral("volatility"), pct(m.volatility), pct(b.volatility)},
        {QStringLiteral("Sharpe"), num(m.sharpe), num(b.sharpe)},
        {QStringLiteral("Sortino"), num(m.sortino), num(b.sortino)},
        {QStringLiteral("max drawdown"), pct(m.maxDrawdown), pct(b.maxDrawdown)},
        {QStringLiteral("Calmar"), num(m.calmar), num(b.calmar)},
        {QStringLiteral("rebalances"), QString::number(result->rebalances), QStringLiteral("0")},
        {QStringLiteral("fees paid"), num(result->feesPaid), QStringLiteral("0.00")},
        {QStringLiteral("turnover"), pct(result->turnover), pct(0)}};
    if (result->taxed) {
        metricRows.append({QStringLiteral("tax paid"), num(result->taxPaid), QStringLiteral("0.00")});
        metricRows.append({QStringLiteral("after-tax final value"), num(result->finalValueAfterTax),
                           num(result->buyAndHoldFinalValueAfterTax)});
        metricRows.append(
            {QStringLiteral("after-tax CAGR"), pct(result->cagrAfterTax), pct(result->buyAndHoldCagrAfterTax)});
    }
    CliOutput::table({QStringLiteral("METRIC"), QStringLiteral(">STRATEGY"), QStringLiteral(">BUY AND HOLD")},
                     metricRows);
    CliOutput::line(
        QStringLiteral("Rebalancing premium: %1").arg(CliOutput::signedPoints(result->rebalancingPremium())));
    for (const auto &alert : result->alerts)
        CliOutput::line(QStringLiteral("Alert: ") + alert.message);
    return 0;
}

int sweep(const Context &context, QCommandLineParser &parser)
{
    auto files = priceFiles(parser.values(QStringLiteral("prices")));
    if (!files)
        return CliOutput::usageError(files.error().message);
    auto from = dateOption(parser, QStringLiteral("from"));
    auto to = dateOption(parser, QStringLiteral("to"));
    auto fee = numberOption(parser, QStringLiteral("fee-bps"), 10, 0, 10000);
    if (!from || !to || !fee)
        return CliOutput::usageError((!from ? from.error() : !to ? to.error() : fee.error()).message);
    auto tax = taxOption(parser);
    if (!tax)
        return CliOutput::usageError(tax.error().message);
    QList<rebalance::Trigger> rules;
    for (const QString &text : parser.values(QStringLiteral("rule"))) {
        auto rule = text == QLatin1String("none") ? Result<rebalance::Trigger>(rebalance::Trigger::none())
                                                  : rebalance::Trigger::parse(text);
        if (!rule)
            return CliOutput::usageError(QStringLiteral("--rule: ") + rule.error().message);
        rules.append(*rule);
    }
    if (rules.isEmpty())
        return CliOutput::usageError(QStringLiteral("sweep needs at least one --rule"));
    std::unique_ptr<backtest::SeriesCache> cache;
    auto loadOptions = fileOptions(parser, context.clock, cache);
    if (!loadOptions)
        return CliOutput::usageError(loadOptions.error().message);
    auto data = backtest::BacktestData::load(*files, *from, *to, *loadOptions);
    if (!data)
        return CliOutput::fail(data.error());

    QList<std::pair<QString, std::vector<double>>> weightSets;
    if (parser.isSet(QStringLiteral("weights"))) {
        std::vector<double> weights(data->width(), 0.0);
        double sum = 0.0;
        for (const QString &item :
             parser.value(QStringLiteral("weights")).split(QLatin1Char(','), Qt::SkipEmptyParts)) {
            auto symbol = domain::AssetCatalog::normalizeSymbol(item.section(QLatin1Char('='), 0, 0));
            auto weight = domain::parseWeight(item.section(QLatin1Char('='), 1));
            if (!symbol || !weight)
                return CliOutput::usageError(QStringLiteral("--weights: \"%1\" is not SYM=WEIGHT").arg(item));
            int index = data->indexOf(*symbol);
            if (index < 0) {
                if (!isCash(*symbol))
                    return CliOutput::usageError(QStringLiteral("--weights: %1 has no --prices file").arg(*symbol));
                data->addCash(*symbol);
                for (auto &set : weightSets)
                    set.second.push_back(0.0);
                weights.push_back(0.0);
                index = data->indexOf(*symbol);
            }
            weights[static_cast<std::size_t>(index)] = weight->toDouble();
            sum += weight->toDouble();
        }
        if (std::abs(sum - 1.0) > 1e-9)
            return CliOutput::usageError(QStringLiteral("--weights sum to %1, not 1").arg(sum, 0, 'g', 12));
        weightSets.append({QStringLiteral("fixed"), weights});
    }
    for (const QString &name : parser.values(QStringLiteral("model"))) {
        auto model = allocation::modelFromString(name);
        if (!model)
            return CliOutput::usageError(QStringLiteral("--model: ") + model.error().message);
        // Models weigh the priced assets; cash columns (added for --weights) get 0.
        auto weights =
            services::AllocationService::backtestWeights(*data, *model, static_cast<std::size_t>(files->size()));
        if (!weights)
            return CliOutput::fail(weights.error());
        weightSets.append({name, *weights});
    }
    if (weightSets.isEmpty())
        return CliOutput::usageError(QStringLiteral("sweep needs --weights or at least one --model"));

    backtest::BacktestConfig base;
    base.feeRate = *fee / 10000.0;
    base.tax = *tax;
    base.recordCurves = false;
    base.recordTrades = false;
    const auto configs = backtest::Sweep::grid(base, rules, weightSets);
    auto future = backtest::Sweep::start(std::make_shared<const backtest::BacktestData>(std::move(*data)), configs);

    // Each run is turned into its JSON text (or table row) as soon as it is
    // done (resultAt waits for it), while the pool runs the others; only the
    // one write to stdout waits for the last run. On two cores that took the
    // JSON off the end of the sweep (built and written after the last run it
    // was some 4 ms of a 150 ms sweep; docs/benchmarks.md). The compact JSON
    // of the whole is the runs' compact JSON joined by commas.
    QByteArray json = QByteArrayLiteral("{\"runs\":[");
    QList<QStringList> rows;
    for (int index = 0; index < configs.size(); ++index) {
        const backtest::BacktestResult result = future.resultAt(index);
        if (index > 0)
            json += ',';
        if (!result.error.isEmpty()) {
            rows.append({result.label, QStringLiteral("failed: ") + result.error});
            json += QJsonDocument(
                        QJsonObject{{QStringLiteral("label"), result.label}, {QStringLiteral("error"), result.error}})
                        .toJson(QJsonDocument::Compact);
            continue;
        }
        if (context.json) {
            QJsonObject object = metricsJson(result.metrics, result.finalValue, result.feesPaid, result.turnover,
                                             result.rebalances, result.bars);
            object.insert(QStringLiteral("label"), result.label);
            object.insert(QStringLiteral("rebalancing_premium"), result.rebalancingPremium());
            insertTax(object, result, false);
            insertTurnover(object, result);
            json += QJsonDocument(object).toJson(QJsonDocument::Compact);
            continue;
        }
        QStringList row{result.label,
                        QString::number(result.finalValue, 'f', 2),
                        CliOutput::percent(result.metrics.cagr),
                        CliOutput::percent(result.metrics.volatility),
                        QString::number(result.metrics.sharpe, 'f', 2),
                        CliOutput::percent(result.metrics.maxDrawdown),
                        QString::number(result.rebalances),
                        QString::number(result.feesPaid, 'f', 2),
                        CliOutput::signedPoints(result.rebalancingPremium())};
        if (result.taxed) {
            row.append(QString::number(result.finalValueAfterTax, 'f', 2));
            row.append(CliOutput::percent(result.cagrAfterTax));
        }
        rows.append(row);
    }
    if (context.json) {
        CliOutput::compactJson(json + "]}");
        return 0;
    }
    QStringList header{QStringLiteral("RUN"),         QStringLiteral(">FINAL"),  QStringLiteral(">CAGR"),
                       QStringLiteral(">VOL"),        QStringLiteral(">SHARPE"), QStringLiteral(">MAX DD"),
                       QStringLiteral(">REBALANCES"), QStringLiteral(">FEES"),   QStringLiteral(">VS HOLD")};
    if (tax->has_value()) {
        header.append(QStringLiteral(">AFTER TAX"));
        header.append(QStringLiteral(">CAGR AFTER TAX"));
    }
    CliOutput::table(header, rows);
    return 0;
}

} // namespace ballast::cli::research
