#include "services/pricehistoryservice.h"

#include "domain/assetcatalog.h"
#include "exchange/baseurl.h"
#include "market/historyclient.h"
#include "market/pricesources.h"
#include "storage/holdingsrepo.h"
#include "storage/portfoliorepo.h"
#include "storage/pricebanrepo.h"
#include "storage/pricesourceidrepo.h"
#include "storage/pricestore.h"
#include "storage/transactionrepo.h"

#include <QDateTime>
#include <QRegularExpression>
#include <QSet>
#include <QTimeZone>

#include <algorithm>

namespace ballast::services {

namespace {

constexpr qint64 kDayMs = 86'400'000;
constexpr qint64 kDefaultBackDays = 365;

QString dayText(qint64 ms, qint64 intervalMs)
{
    const QDateTime time = QDateTime::fromMSecsSinceEpoch(ms, QTimeZone::utc());
    return time.toString(intervalMs >= kDayMs ? QStringLiteral("yyyy-MM-dd") : QStringLiteral("yyyy-MM-dd HH:mm"));
}

QList<market::PriceGap> gapsOf(const QList<qint64> &times, qint64 intervalMs)
{
    QList<market::PriceGap> gaps;
    for (qsizetype i = 1; i < times.size(); ++i) {
        const qint64 step = times.at(i) - times.at(i - 1);
        if (step > intervalMs)
            gaps.append(market::PriceGap{times.at(i - 1) + intervalMs, times.at(i) - intervalMs,
                                         static_cast<int>(step / intervalMs - 1)});
    }
    return gaps;
}

struct Range
{
    qint64 fromMs;
    qint64 toMs;
};

/// An explicit fetch: what this source's series lacks at its ends (before
/// its oldest candle when asked from earlier, after its newest). A gap inside
/// is a day the source had no bar for: reported, not asked again each run.
QList<Range> missingFromSource(const QList<qint64> &own, qint64 fromMs, qint64 toMs, qint64 intervalMs)
{
    if (own.isEmpty())
        return {{fromMs, toMs}};
    QList<Range> ranges;
    if (fromMs < own.first())
        ranges.append({fromMs, own.first() - intervalMs});
    if (own.last() < toMs)
        ranges.append({own.last() + intervalMs, toMs});
    return ranges;
}

/// The automatic refresh: the runs of candles in [fromMs, toMs] outside this
/// source's own span (inside it, a missing day is one it had no bar for) that
/// no source has stored (@p covered: every source, every quote), so days
/// another source filled are not fetched again.
QList<Range> missingFromAll(const QList<qint64> &own, const QList<qint64> &covered, qint64 fromMs, qint64 toMs,
                            qint64 intervalMs)
{
    const QSet<qint64> have(covered.cbegin(), covered.cend());
    QList<Range> ranges;
    std::optional<qint64> runStart;
    for (qint64 t = fromMs; t <= toMs; t += intervalMs) {
        const bool tried = !own.isEmpty() && t >= own.first() && t <= own.last();
        const bool missing = !tried && !have.contains(t);
        if (missing && !runStart)
            runStart = t;
        if (!missing && runStart) {
            ranges.append({*runStart, t - intervalMs});
            runStart.reset();
        }
    }
    if (runStart)
        ranges.append({*runStart, toMs - (toMs - *runStart) % intervalMs});
    return ranges;
}

} // namespace

qint64 AssetFetchReport::missingCandles() const
{
    qint64 missing = 0;
    for (const market::PriceGap &gap : gaps)
        missing += gap.missing;
    return missing;
}

bool PriceFetchReport::anyFailed() const
{
    return std::any_of(assets.cbegin(), assets.cend(), [](const AssetFetchReport &a) { return !a.error.isEmpty(); });
}

int PriceFetchReport::storedTotal() const
{
    int total = 0;
    for (const AssetFetchReport &asset : assets)
        total += asset.stored;
    return total;
}

QStringList PriceFetchReport::summaryLines() const
{
    const qint64 intervalMs = market::historyIntervalMs(interval);
    QStringList lines;
    for (const AssetFetchReport &a : assets) {
        QString line = QStringLiteral("%1 %2/%3 (%4 %5): ").arg(source, a.asset, a.quote, a.symbol, interval);
        if (!a.error.isEmpty()) {
            line += QStringLiteral("FAILED, nothing stored: ") + a.error;
        } else if (a.cancelled) {
            line += QStringLiteral("cancelled, nothing stored");
        } else if (a.upToDate) {
            line += QStringLiteral("up to date");
        } else {
            line += QStringLiteral("%1 new candle%2 stored in %3 request%4")
                        .arg(a.stored)
                        .arg(a.stored == 1 ? QString() : QStringLiteral("s"))
                        .arg(a.requests)
                        .arg(a.requests == 1 ? QString() : QStringLiteral("s"));
        }
        if (a.storedTotal > 0) {
            line += QStringLiteral("; %1 stored from %2 to %3")
                        .arg(a.storedTotal)
                        .arg(dayText(a.firstMs, intervalMs), dayText(a.lastMs, intervalMs));
        }
        if (!a.gaps.isEmpty()) {
            const market::PriceGap &first = a.gaps.first();
            line += QStringLiteral("; %1 missing in %2 gap%3 (first %4 to %5)")
                        .arg(a.missingCandles())
                        .arg(a.gaps.size())
                        .arg(a.gaps.size() == 1 ? QString() : QStringLiteral("s"))
                        .arg(dayText(first.firstMissingMs, intervalMs), dayText(first.lastMissingMs, intervalMs));
        }
        lines.append(line);
        for (const QString &note : a.notes)
            lines.append(QStringLiteral("  note: ") + note);
    }
    if (!rangeNote.isEmpty())
        lines.append(QStringLiteral("note: ") + rangeNote);
    if (!skipped.isEmpty())
        lines.append(QStringLiteral("skipped (valued as cash or the quote itself): ")
                     + skipped.join(QStringLiteral(", ")));
    if (cancelled)
        lines.append(QStringLiteral("cancelled: the assets listed before the cancelled one are stored, the rest not "
                                    "fetched"));
    return lines;
}

PriceHistoryService::PriceHistoryService(storage::Database &db, exchange::HttpClient &http, Clock clock,
                                         exchange::RateLimiter::Sleep sleep, const CancelToken *cancel)
    : m_db(db)
    , m_http(http)
    , m_clock(std::move(clock))
    , m_sleep(std::move(sleep))
    , m_cancel(cancel)
{
}

Result<QString> PriceHistoryService::symbolFor(const QString &asset, const QString &source, const QString &quote)
{
    const auto kind = market::historySourceFromName(source);
    if (!kind)
        return makeError(
            QStringLiteral("prices.source"),
            QStringLiteral("unknown source \"%1\": expected %2").arg(source, market::historySourceNames()));
    auto stored = storage::PriceSourceIdRepo(m_db).find(asset, market::historySourceName(*kind));
    if (!stored)
        return stored.error();
    const QString asked = quote.isEmpty() ? market::defaultHistoryQuote(*kind) : quote.toUpper();
    if (*stored) {
        // An exchange's name is a pair and carries its quote: used for another
        // quote it would file one quote's prices under the other.
        if (*kind != market::HistorySource::CoinGecko && !(*stored)->toUpper().endsWith(asked))
            return makeError(QStringLiteral("prices.mapping"),
                             QStringLiteral("the %1 name set for %2, %3, is not a pair against %4: fetch with its "
                                            "quote, or set a name for %4 with prices map")
                                 .arg(market::historySourceName(*kind), asset, **stored, asked));
        return **stored;
    }
    return market::automaticSymbol(*kind, asset, asked);
}

Status PriceHistoryService::setMapping(const QString &asset, const QString &source, const QString &id)
{
    auto symbol = domain::AssetCatalog::normalizeSymbol(asset);
    if (!symbol)
        return makeError(QStringLiteral("prices.asset"),
                         QStringLiteral("asset \"%1\": %2").arg(asset, symbol.error().message));
    const auto kind = market::historySourceFromName(source);
    if (!kind)
        return makeError(
            QStringLiteral("prices.source"),
            QStringLiteral("unknown source \"%1\": expected %2").arg(source, market::historySourceNames()));
    const QString trimmed = id.trimmed();
    static const QRegularExpression shape(QStringLiteral("^[A-Za-z0-9._-]{1,64}$"));
    if (!shape.match(trimmed).hasMatch())
        return makeError(QStringLiteral("prices.id"),
                         QStringLiteral("id \"%1\": expected 1 to 64 letters, digits, '.', '_' or '-'").arg(id));
    return storage::PriceSourceIdRepo(m_db).set({*symbol, market::historySourceName(*kind), trimmed}, m_clock());
}

Result<bool> PriceHistoryService::removeMapping(const QString &asset, const QString &source)
{
    // The same normaliser as setMapping: what was stored as " wbtc " is removed as " wbtc ".
    auto symbol = domain::AssetCatalog::normalizeSymbol(asset);
    if (!symbol)
        return makeError(QStringLiteral("prices.asset"),
                         QStringLiteral("asset \"%1\": %2").arg(asset, symbol.error().message));
    const auto kind = market::historySourceFromName(source);
    if (!kind)
        return makeError(
            QStringLiteral("prices.source"),
            QStringLiteral("unknown source \"%1\": expected %2").arg(source, market::historySourceNames()));
    return storage::PriceSourceIdRepo(m_db).remove(*symbol, market::historySourceName(*kind));
}

Result<QList<PriceSourceMapping>> PriceHistoryService::mappings()
{
    auto stored = storage::PriceSourceIdRepo(m_db).list();
    if (!stored)
        return stored.error();
    QList<PriceSourceMapping> result;
    for (const storage::PriceSourceId &entry : std::as_const(*stored)) {
        const auto kind = market::historySourceFromName(entry.source);
        result.append(
            {entry.asset, entry.source, entry.id,
             kind ? market::automaticSymbol(*kind, entry.asset, market::defaultHistoryQuote(*kind)) : QString()});
    }
    return result;
}

Result<PortfolioAssets> PriceHistoryService::assetsOf(const domain::Portfolio &portfolio, const QString &quote)
{
    auto holdings = storage::HoldingsRepo(m_db).list();
    if (!holdings)
        return holdings.error();
    QStringList candidates;
    for (const domain::Holding &holding : std::as_const(*holdings)) {
        if (!holding.quantity.isZero())
            candidates.append(holding.asset);
    }
    for (const domain::Target &target : std::as_const(portfolio.targets))
        candidates.append(target.asset);
    std::sort(candidates.begin(), candidates.end());
    candidates.erase(std::unique(candidates.begin(), candidates.end()), candidates.end());
    PortfolioAssets result;
    result.portfolio = portfolio.name;
    for (const QString &asset : std::as_const(candidates)) {
        const domain::Asset info = domain::AssetCatalog::lookup(asset);
        if (asset == quote || info.kind != domain::AssetKind::Crypto)
            result.skipped.append(asset);
        else
            result.assets.append(asset);
    }
    if (result.assets.isEmpty())
        return makeError(QStringLiteral("prices.assets"),
                         QStringLiteral("portfolio \"%1\" holds and targets no asset to fetch prices for; name "
                                        "them with --asset")
                             .arg(portfolio.name));
    return result;
}

Result<PortfolioAssets> PriceHistoryService::portfolioAssets(const QString &portfolio, const QString &source)
{
    const auto kind = market::historySourceFromName(source);
    if (!kind)
        return makeError(
            QStringLiteral("prices.source"),
            QStringLiteral("unknown source \"%1\": expected %2").arg(source, market::historySourceNames()));
    auto loaded = storage::PortfolioRepo(m_db).load(portfolio);
    if (!loaded)
        return loaded.error();
    return assetsOf(*loaded, market::defaultHistoryQuote(*kind));
}

Result<PriceFetchReport> PriceHistoryService::fetch(const PriceFetchRequest &request,
                                                    const PriceFetchCallback &progress)
{
    const auto source = market::historySourceFromName(request.source);
    if (!source)
        return makeError(
            QStringLiteral("prices.source"),
            QStringLiteral("--source \"%1\": expected %2").arg(request.source, market::historySourceNames()));
    const qint64 intervalMs = market::historyIntervalMs(request.interval);
    if (intervalMs <= 0)
        return makeError(QStringLiteral("prices.interval"),
                         QStringLiteral("--interval \"%1\": expected 1d or 1h").arg(request.interval));
    if (*source == market::HistorySource::CoinGecko && intervalMs != kDayMs)
        return makeError(QStringLiteral("prices.interval"),
                         QStringLiteral("--interval %1 with coingecko: CoinGecko history is daily here (its range "
                                        "endpoint answers hourly points only for the last 90 days); use --interval 1d")
                             .arg(request.interval));
    QString quote = market::defaultHistoryQuote(*source);
    if (!request.quote.isEmpty()) {
        auto symbol = domain::AssetCatalog::normalizeSymbol(request.quote);
        if (!symbol)
            return makeError(QStringLiteral("prices.quote"),
                             QStringLiteral("--quote \"%1\": %2").arg(request.quote, symbol.error().message));
        quote = *symbol;
    }
    market::HistoryClientConfig config;
    config.source = *source;
    config.apiKey = request.apiKey;
    if (!request.baseUrl.isEmpty()) {
        auto url = exchange::checkBaseUrl(request.baseUrl);
        if (!url)
            return url.error();
        config.baseUrl = *url;
    }

    PriceFetchReport report;
    report.source = market::historySourceName(*source);
    report.interval = request.interval;

    // The assets: as asked, or the portfolio's (held anywhere, or targeted).
    QStringList assets;
    std::optional<domain::Portfolio> portfolio;
    if (auto loaded = storage::PortfolioRepo(m_db).load(request.portfolio))
        portfolio = *loaded;
    else if (!request.portfolio.isEmpty() || request.assets.isEmpty())
        return loaded.error();
    if (!request.assets.isEmpty()) {
        for (const QString &text : request.assets) {
            auto symbol = domain::AssetCatalog::normalizeSymbol(text);
            if (!symbol)
                return makeError(QStringLiteral("prices.asset"),
                                 QStringLiteral("--asset \"%1\": %2").arg(text, symbol.error().message));
            if (*symbol == quote)
                return makeError(QStringLiteral("prices.asset"),
                                 QStringLiteral("--asset %1 is the quote itself; choose another --quote").arg(*symbol));
            if (!assets.contains(*symbol))
                assets.append(*symbol);
        }
    } else {
        auto held = assetsOf(*portfolio, quote);
        if (!held)
            return held.error();
        assets = held->assets;
        report.skipped = held->skipped;
    }

    // The range: from the asked date, the first transaction, or a year back;
    // to the newest candle that has closed.
    const qint64 now = m_clock();
    report.toMs = (now / intervalMs) * intervalMs - intervalMs;
    qint64 fromMs = now - kDefaultBackDays * kDayMs;
    if (request.fromMs) {
        fromMs = *request.fromMs;
    } else if (portfolio) {
        auto transactions = storage::TransactionRepo(m_db).list();
        if (!transactions)
            return transactions.error();
        for (const domain::Transaction &tx : std::as_const(*transactions)) {
            if (tx.time.isValid())
                fromMs = std::min(fromMs, tx.time.toMSecsSinceEpoch());
        }
    }
    fromMs = std::max<qint64>(0, fromMs - (fromMs % intervalMs + intervalMs) % intervalMs);
    if (!request.fromMs) {
        // The default range (the history the portfolio needs, fetched after
        // every sync) asks only for what the source serves, so that an old
        // portfolio's refresh is not refused every time: the newest days are
        // what it is for. An explicit --from is asked as given.
        qint64 reach = 0;
        if (*source == market::HistorySource::CoinGecko)
            reach = now - (kDefaultBackDays - 1) * kDayMs;
        else if (*source == market::HistorySource::Kraken)
            reach = report.toMs - (market::HistoryClient::kKrakenWindow - 1) * intervalMs;
        reach -= (reach % intervalMs + intervalMs) % intervalMs;
        if (reach > fromMs) {
            report.rangeNote =
                QStringLiteral("%1 serves history only from %2; earlier days were not asked for (use --from with "
                               "another source for them)")
                    .arg(report.source, dayText(reach, intervalMs));
            fromMs = reach;
        }
    }
    report.fromMs = fromMs;
    if (fromMs > report.toMs)
        return makeError(QStringLiteral("prices.range"),
                         QStringLiteral("--from %1 is after the newest closed candle (%2)")
                             .arg(dayText(fromMs, intervalMs), dayText(report.toMs, intervalMs)));

    // A ban (Binance's 418) outlives the run: a later run within it sends nothing.
    storage::PriceBanRepo bans(m_db);
    const QString banHost = market::HistoryClient(m_http, config, m_clock).host();
    auto banned = bans.bannedUntil(report.source, banHost);
    if (!banned)
        return banned.error();
    config.bannedUntilMs = *banned;
    market::HistoryClient client(m_http, config, m_clock, m_sleep, m_cancel);
    storage::PriceStore store(m_db);
    const int count = static_cast<int>(assets.size());
    for (int index = 0; index < count; ++index) {
        AssetFetchReport item;
        item.asset = assets.at(index);
        item.quote = quote;
        PriceFetchProgress step{item.asset, index, count, 0};
        if ((progress && !progress(step)) || (m_cancel != nullptr && m_cancel->isCancelled())) {
            report.cancelled = true;
            break;
        }
        // A name that does not fit the quote fails this asset only.
        auto symbol = symbolFor(item.asset, report.source, quote);
        if (!symbol && symbol.error().code != QLatin1String("prices.mapping"))
            return symbol.error();
        item.symbol = symbol ? *symbol : QString();
        auto times = store.candleTimes(item.asset, quote, request.interval, report.source);
        if (!times)
            return times.error();

        if (!symbol) {
            item.error = symbol.error().message;
        } else if (item.symbol.isEmpty()) {
            item.error = QStringLiteral("no %1 id known for %2; set one with \"ballast-cli prices map --asset %2 "
                                        "--source %1 --id ID\" (the id is in CoinGecko's /coins/list)")
                             .arg(report.source, item.asset);
        } else {
            QList<Range> ranges;
            if (request.automatic) {
                auto any = store.coveredTimes(item.asset, request.interval);
                if (!any)
                    return any.error();
                ranges = missingFromAll(*times, *any, fromMs, report.toMs, intervalMs);
            } else {
                ranges = missingFromSource(*times, fromMs, report.toMs, intervalMs);
            }
            item.upToDate = ranges.isEmpty();
            QList<domain::Candle> candles;
            for (const Range &range : std::as_const(ranges)) {
                const auto pageProgress = [&](qsizetype read) {
                    step.candles = candles.size() + read;
                    return (!progress || progress(step)) && (m_cancel == nullptr || !m_cancel->isCancelled());
                };
                auto fetched =
                    client.fetch(item.symbol, quote, request.interval, range.fromMs, range.toMs, pageProgress);
                if (!fetched) {
                    item.error = fetched.error().message;
                    break;
                }
                item.requests += fetched->requests;
                item.notes += fetched->notes;
                candles += fetched->candles;
                if (fetched->cancelled) {
                    item.cancelled = true;
                    report.cancelled = true;
                    break;
                }
            }
            item.fetched = static_cast<int>(candles.size());
            if (item.error.isEmpty() && !item.cancelled && !candles.isEmpty()) {
                std::sort(candles.begin(), candles.end(),
                          [](const domain::Candle &a, const domain::Candle &b) { return a.openTimeMs < b.openTimeMs; });
                if (auto stored = store.putCandles(item.asset, quote, request.interval, candles, report.source);
                    !stored)
                    item.error = stored.error().message;
                else
                    item.stored = item.fetched;
            }
        }
        if (client.bannedUntil() > *banned) {
            if (auto kept = bans.setBannedUntil(report.source, banHost, client.bannedUntil()); !kept)
                return kept.error();
            banned = client.bannedUntil();
        }
        auto after = store.candleTimes(item.asset, quote, request.interval, report.source);
        if (!after)
            return after.error();
        if (!after->isEmpty()) {
            item.firstMs = after->first();
            item.lastMs = after->last();
            item.storedTotal = after->size();
            item.gaps = gapsOf(*after, intervalMs);
        }
        report.assets.append(item);
        if (item.cancelled)
            break;
    }
    return report;
}

} // namespace ballast::services
