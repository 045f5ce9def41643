// Price history from the network: prices fetch, and the per-source names (prices map).
#include "cli.h"
#include "clioutput.h"
#include "cliparse.h"
#include "exchange/httpclient.h"
#include "services/pricehistoryservice.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonObject>
#include <QTimeZone>

namespace ballast::cli {

namespace {

QString timeText(qint64 ms)
{
    return ms > 0
        ? QDateTime::fromMSecsSinceEpoch(ms, QTimeZone::utc()).toString(QStringLiteral("yyyy-MM-dd'T'HH:mm:ss.zzz'Z'"))
        : QString();
}

QJsonObject assetJson(const services::AssetFetchReport &a)
{
    QJsonArray gaps;
    for (const market::PriceGap &gap : a.gaps) {
        gaps.append(QJsonObject{{QStringLiteral("from"), timeText(gap.firstMissingMs)},
                                {QStringLiteral("to"), timeText(gap.lastMissingMs)},
                                {QStringLiteral("missing"), gap.missing}});
    }
    return QJsonObject{{QStringLiteral("asset"), a.asset},
                       {QStringLiteral("quote"), a.quote},
                       {QStringLiteral("symbol"), a.symbol},
                       {QStringLiteral("fetched"), a.fetched},
                       {QStringLiteral("stored"), a.stored},
                       {QStringLiteral("requests"), a.requests},
                       {QStringLiteral("first"), timeText(a.firstMs)},
                       {QStringLiteral("last"), timeText(a.lastMs)},
                       {QStringLiteral("stored_total"), a.storedTotal},
                       {QStringLiteral("missing"), a.missingCandles()},
                       {QStringLiteral("gaps"), gaps},
                       {QStringLiteral("notes"), QJsonArray::fromStringList(a.notes)},
                       {QStringLiteral("up_to_date"), a.upToDate},
                       {QStringLiteral("cancelled"), a.cancelled},
                       {QStringLiteral("error"), a.error}};
}

} // namespace

void Cli::registerPriceCommands()
{
    m_commands.append(
        {QStringLiteral("prices fetch"),
         QStringLiteral("Fetch daily or hourly price history from Binance, Kraken or CoinGecko (with market caps) "
                        "into the database; only what is missing, all or nothing per asset."),
         QString(),
         [](QCommandLineParser &p) {
             p.addOption(
                 {QStringLiteral("source"), QStringLiteral("binance, kraken or coingecko."), QStringLiteral("SOURCE")});
             p.addOption({QStringLiteral("asset"),
                          QStringLiteral("An asset to fetch (repeat; default: the portfolio's assets)."),
                          QStringLiteral("SYM")});
             p.addOption({QStringLiteral("interval"), QStringLiteral("1d (default) or 1h."), QStringLiteral("INTERVAL"),
                          QStringLiteral("1d")});
             p.addOption({QStringLiteral("from"),
                          QStringLiteral("First day (default: the portfolio's first transaction, else a year back)."),
                          QStringLiteral("DATE")});
             p.addOption({QStringLiteral("quote"),
                          QStringLiteral("Quote currency (default USDT on Binance, USD on Kraken and CoinGecko)."),
                          QStringLiteral("SYM")});
             p.addOption({QStringLiteral("base-url"),
                          QStringLiteral("The source's API address (default: its public one; http only to this "
                                         "machine)."),
                          QStringLiteral("URL")});
             p.addOption({QStringLiteral("api-key-env"),
                          QStringLiteral("Environment variable holding a CoinGecko Demo API key."),
                          QStringLiteral("VAR")});
         },
         &Cli::cmdPricesFetch});
    m_commands.append(
        {QStringLiteral("prices map"),
         QStringLiteral("Set (or with --remove, drop) the name a source uses for an asset (a CoinGecko id, a "
                        "Binance or Kraken pair); without --id, list the stored names."),
         QString(),
         [](QCommandLineParser &p) {
             p.addOption({QStringLiteral("asset"), QStringLiteral("The asset."), QStringLiteral("SYM")});
             p.addOption(
                 {QStringLiteral("source"), QStringLiteral("binance, kraken or coingecko."), QStringLiteral("SOURCE")});
             p.addOption({QStringLiteral("id"), QStringLiteral("The source's name for it (e.g. bitcoin)."),
                          QStringLiteral("ID")});
             p.addOption(
                 {QStringLiteral("remove"), QStringLiteral("Drop the stored name: back to the automatic one.")});
         },
         &Cli::cmdPricesMap});
}

int Cli::cmdPricesFetch(QCommandLineParser &parser)
{
    services::PriceFetchRequest request;
    request.source = parser.value(QStringLiteral("source"));
    if (request.source.isEmpty())
        return usageError(QStringLiteral("prices fetch needs --source binance, kraken or coingecko"));
    request.assets = parser.values(QStringLiteral("asset"));
    request.interval = parser.value(QStringLiteral("interval"));
    request.quote = parser.value(QStringLiteral("quote"));
    request.baseUrl = parser.value(QStringLiteral("base-url"));
    request.portfolio = portfolioName();
    if (parser.isSet(QStringLiteral("from"))) {
        auto from = parseTime(parser.value(QStringLiteral("from")), QStringLiteral("--from"));
        if (!from)
            return usageError(from.error().message);
        request.fromMs = from->toMSecsSinceEpoch();
    }
    if (parser.isSet(QStringLiteral("api-key-env"))) {
        const QString variable = parser.value(QStringLiteral("api-key-env"));
        request.apiKey = qgetenv(variable.toLocal8Bit().constData()).trimmed();
        if (request.apiKey.isEmpty())
            return usageError(
                QStringLiteral("--api-key-env %1: that environment variable is not set or empty").arg(variable));
    }
    exchange::HttpClient http(&network());
    services::PriceHistoryService prices(db(), http, clock());
    auto report = prices.fetch(request);
    if (!report) {
        const bool usage = report.error().code.startsWith(QLatin1String("url."))
            || report.error().code == QLatin1String("prices.source")
            || report.error().code == QLatin1String("prices.interval")
            || report.error().code == QLatin1String("prices.quote")
            || report.error().code == QLatin1String("prices.asset");
        return usage ? usageError(report.error().message) : fail(report.error());
    }
    if (json()) {
        QJsonArray assets;
        for (const auto &asset : report->assets)
            assets.append(assetJson(asset));
        CliOutput::json(
            QJsonDocument(QJsonObject{{QStringLiteral("source"), report->source},
                                      {QStringLiteral("interval"), report->interval},
                                      {QStringLiteral("from"), timeText(report->fromMs)},
                                      {QStringLiteral("to"), timeText(report->toMs)},
                                      {QStringLiteral("assets"), assets},
                                      {QStringLiteral("skipped"), QJsonArray::fromStringList(report->skipped)},
                                      {QStringLiteral("cancelled"), report->cancelled}}));
    } else {
        for (const QString &line : report->summaryLines())
            CliOutput::line(line);
    }
    if (report->anyFailed()) {
        QStringList failed;
        for (const auto &asset : report->assets) {
            if (!asset.error.isEmpty())
                failed.append(asset.asset);
        }
        CliOutput::error(QStringLiteral("prices fetch from %1: %2 of %3 asset(s) failed and stored nothing (%4); the "
                                        "others are stored")
                             .arg(report->source)
                             .arg(failed.size())
                             .arg(report->assets.size())
                             .arg(failed.join(QStringLiteral(", "))));
        return 1;
    }
    return 0;
}

int Cli::cmdPricesMap(QCommandLineParser &parser)
{
    exchange::HttpClient http(&network());
    services::PriceHistoryService prices(db(), http, clock());
    const QString asset = parser.value(QStringLiteral("asset"));
    const QString source = parser.value(QStringLiteral("source"));
    if (parser.isSet(QStringLiteral("remove"))) {
        if (asset.isEmpty() || source.isEmpty())
            return usageError(QStringLiteral("prices map --remove needs --asset and --source"));
        auto removed = prices.removeMapping(asset, source);
        if (!removed)
            return usageError(removed.error().message);
        const QString shown = asset.trimmed().toUpper();
        CliOutput::line(*removed ? QStringLiteral("%1 on %2: back to the automatic name").arg(shown, source)
                                 : QStringLiteral("%1 on %2 had no stored name").arg(shown, source));
        return 0;
    }
    if (parser.isSet(QStringLiteral("id"))) {
        if (asset.isEmpty() || source.isEmpty())
            return usageError(QStringLiteral("prices map needs --asset, --source and --id"));
        if (auto set = prices.setMapping(asset, source, parser.value(QStringLiteral("id"))); !set)
            return usageError(set.error().message);
        CliOutput::line(QStringLiteral("%1 on %2 is now fetched as %3")
                            .arg(asset.toUpper(), source.toLower(), parser.value(QStringLiteral("id")).trimmed()));
        return 0;
    }
    auto list = prices.mappings();
    if (!list)
        return fail(list.error());
    if (json()) {
        QJsonArray rows;
        for (const auto &m : *list) {
            rows.append(QJsonObject{{QStringLiteral("asset"), m.asset},
                                    {QStringLiteral("source"), m.source},
                                    {QStringLiteral("id"), m.id},
                                    {QStringLiteral("automatic"), m.automatic}});
        }
        CliOutput::json(QJsonDocument(QJsonObject{{QStringLiteral("mappings"), rows}}));
        return 0;
    }
    if (list->isEmpty())
        CliOutput::line(QStringLiteral("No stored names: every asset uses the automatic one."));
    for (const auto &m : *list)
        CliOutput::line(
            QStringLiteral("%1 on %2: %3 (automatic: %4)")
                .arg(m.asset, m.source, m.id, m.automatic.isEmpty() ? QStringLiteral("none") : m.automatic));
    return 0;
}

} // namespace ballast::cli
