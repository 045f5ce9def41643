#include "market/historyclient.h"

#include "exchange/binanceparse.h"
#include "exchange/httpclient.h"
#include "exchange/krakenparse.h"

#include <QDateTime>
#include <QThread>
#include <QTimeZone>
#include <QUrlQuery>

#include <algorithm>

namespace ballast::market {

namespace {

constexpr qint64 kDayMs = 86'400'000;
// CoinGecko answers daily points only for ranges longer than 90 days.
constexpr qint64 kCoinGeckoDailyRangeMs = 91 * kDayMs;
constexpr int kCoinGeckoBeyondPlan = 10012;
// Added to a server's Retry-After: it counts from when it answered, we from
// when we read the answer, and a request a moment early is banned (Binance).
constexpr qint64 kWaitMarginMs = 500;

/// Capacity and refill per second of each source's pacing. Binance: 80 % of
/// its 6,000 weight a minute (other programs may share the address); Kraken:
/// about one public call a second; CoinGecko: 30 calls a minute with a Demo
/// key and 10 keyless (it publishes "5 to 15" for keyless access).
struct Pace
{
    double capacity;
    double perSecond;
};

Pace paceOf(const HistoryClientConfig &config)
{
    switch (config.source) {
    case HistorySource::Binance:
        return {4800.0, 4800.0 / 60.0};
    case HistorySource::Kraken:
        return {3.0, 1.0};
    case HistorySource::CoinGecko:
        return config.apiKey.isEmpty() ? Pace{5.0, 10.0 / 60.0} : Pace{30.0, 30.0 / 60.0};
    }
    return {1.0, 1.0};
}

QString dayText(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms, QTimeZone::utc()).toString(QStringLiteral("yyyy-MM-dd"));
}

/// Kraken's rate-limit words among an answer's errors (its REST rate-limit guide and
/// error list): empty when there are none.
QString krakenRateWords(const QStringList &errors)
{
    for (const QString &words : errors) {
        if (words.startsWith(QLatin1String("EGeneral:Too many requests"))
            || words.startsWith(QLatin1String("EAPI:Rate limit exceeded"))
            || words.startsWith(QLatin1String("EService: Throttled"))
            || words.startsWith(QLatin1String("EService:Throttled"))
            || words.startsWith(QLatin1String("EGeneral:Temporary lockout")))
            return words;
    }
    return {};
}

/// "EService: Throttled: 1767225600" says until when (UNIX seconds): the
/// milliseconds from @p nowMs to then, 0 when the words carry no such time.
qint64 krakenThrottledForMs(const QString &words, qint64 nowMs)
{
    if (!words.contains(QLatin1String("Throttled")))
        return 0;
    bool ok = false;
    const qint64 until = words.section(QLatin1Char(':'), -1).trimmed().toLongLong(&ok);
    return ok && until > 0 ? std::max<qint64>(0, until * 1000 - nowMs) : 0;
}

} // namespace

struct HistoryClient::Answer
{
    QByteArray body;
};

HistoryClient::HistoryClient(exchange::HttpClient &http, HistoryClientConfig config, Clock clock,
                             exchange::RateLimiter::Sleep sleep, const CancelToken *cancel)
    : m_http(http)
    , m_config(std::move(config))
    , m_clock(std::move(clock))
    , m_cancel(cancel)
    // Every wait (pacing, Retry-After, Kraken's back-off) goes through m_sleep:
    // with a token it ends the moment Cancel is pressed; get() then stops.
    , m_sleep(sleep ? std::move(sleep) : exchange::RateLimiter::Sleep([cancel](qint64 ms) {
        if (cancel != nullptr)
            cancel->waitFor(ms);
        else
            QThread::msleep(static_cast<unsigned long>(std::max<qint64>(0, ms)));
    }))
    // Pacing runs on the system clock: m_clock may be pinned (BALLAST_NOW),
    // and a pinned clock would never let the budget refill.
    , m_limiter(paceOf(m_config).capacity, paceOf(m_config).perSecond, systemClock(), m_sleep)
{
    if (m_config.baseUrl.isEmpty())
        m_config.baseUrl = defaultHistoryBaseUrl(m_config.source);
    m_bannedUntil = m_config.bannedUntilMs;
}

QString HistoryClient::host() const
{
    const QString name = m_config.baseUrl.host();
    return m_config.baseUrl.port() > 0 ? name + QLatin1Char(':') + QString::number(m_config.baseUrl.port()) : name;
}

Error HistoryClient::failure(const exchange::HttpResponse &response) const
{
    QString words;
    if (m_config.source == HistorySource::Binance) {
        const exchange::binance::ErrorBody error = exchange::binance::errorBodyFrom(response.body);
        if (error.hasCode)
            words = QStringLiteral("%1 %2").arg(error.code).arg(error.message);
    } else if (m_config.source == HistorySource::CoinGecko) {
        words = coinGeckoErrorMessage(response.body);
    } else {
        words = exchange::kraken::envelopeFrom(response.body).errors.join(QStringLiteral("; "));
    }
    if (words.isEmpty())
        words = QString::fromUtf8(response.body.left(200)).simplified();
    const bool beyondPlan =
        m_config.source == HistorySource::CoinGecko && coinGeckoErrorCode(response.body) == kCoinGeckoBeyondPlan;
    return makeError(beyondPlan ? QStringLiteral("prices.history_limit") : QStringLiteral("prices.http"),
                     QStringLiteral("%1 answered HTTP %2: %3")
                         .arg(host())
                         .arg(response.status)
                         .arg(words.isEmpty() ? QStringLiteral("(no body)") : words));
}

Result<HistoryClient::Answer> HistoryClient::get(const QString &path, const QList<std::pair<QString, QString>> &query,
                                                 double cost)
{
    QUrl url = m_config.baseUrl;
    url.setPath(url.path() + path);
    QUrlQuery items;
    for (const auto &[name, value] : query)
        items.addQueryItem(name, value);
    url.setQuery(items);
    QList<std::pair<QByteArray, QByteArray>> headers;
    if (m_config.source == HistorySource::CoinGecko && !m_config.apiKey.isEmpty())
        headers.append({QByteArrayLiteral("x-cg-demo-api-key"), m_config.apiKey});

    for (int attempt = 0;; ++attempt) {
        if (const qint64 now = m_clock(); now < m_bannedUntil) {
            return makeError(QStringLiteral("prices.banned"),
                             QStringLiteral("%1 banned this address (HTTP 418) until %2 UTC (%3 s more); nothing is "
                                            "asked before then")
                                 .arg(host(),
                                      QDateTime::fromMSecsSinceEpoch(m_bannedUntil, QTimeZone::utc())
                                          .toString(QStringLiteral("yyyy-MM-dd HH:mm:ss")))
                                 .arg((m_bannedUntil - now + 999) / 1000));
        }
        if (cancelled())
            return makeError(QStringLiteral("prices.cancelled"), QStringLiteral("cancelled"));
        m_limiter.acquire(cost); // may wait (pacing, an earlier Retry-After): Cancel ends the wait
        if (cancelled())
            return makeError(QStringLiteral("prices.cancelled"), QStringLiteral("cancelled"));
        const exchange::HttpResponse response = m_http.get(url, headers, m_cancel);
        ++m_requests;
        if (response.cancelled)
            return makeError(QStringLiteral("prices.cancelled"), QStringLiteral("cancelled"));
        if (!response.gotResponse()) {
            return makeError(QStringLiteral("prices.network"),
                             QStringLiteral("%1: no answer (%2)").arg(host(), response.errorString));
        }
        if (m_config.source == HistorySource::Binance) {
            const QByteArray used = response.header(QByteArrayLiteral("X-MBX-USED-WEIGHT-1M"));
            if (!used.isEmpty())
                m_limiter.observeUsed(used.toDouble());
        }
        const qint64 retryAfterMs = response.header(QByteArrayLiteral("Retry-After")).toLongLong() * 1000;
        if (response.status == 418) {
            m_bannedUntil = m_clock() + std::max<qint64>(retryAfterMs, 60'000);
            Error error = failure(response);
            error.code = QStringLiteral("prices.banned");
            error.message += QStringLiteral(" (an IP ban until %1 UTC: stopped, nothing more is asked before it ends, "
                                            "in this run or a later one)")
                                 .arg(QDateTime::fromMSecsSinceEpoch(m_bannedUntil, QTimeZone::utc())
                                          .toString(QStringLiteral("yyyy-MM-dd HH:mm:ss")));
            return error;
        }
        QString rateWords;
        qint64 waitMs = 0;
        if (response.status == 429) {
            rateWords = QStringLiteral("HTTP 429");
            waitMs = retryAfterMs > 0 ? retryAfterMs : 60'000;
        } else if (m_config.source == HistorySource::Kraken) {
            rateWords = krakenRateWords(exchange::kraken::envelopeFrom(response.body).errors);
            // "Throttled" says until when; the others say no time: 5 s, then longer.
            const qint64 throttledMs = krakenThrottledForMs(rateWords, m_clock());
            waitMs =
                throttledMs > 0 && throttledMs <= m_config.longestWaitMs ? throttledMs : 5'000 << std::min(attempt, 3);
        }
        if (!rateWords.isEmpty()) {
            if (attempt >= m_config.maxRetries || waitMs > m_config.longestWaitMs) {
                return makeError(QStringLiteral("prices.rate_limited"),
                                 QStringLiteral("%1 said too many requests (%2) %3 times; wait %4 s and fetch again")
                                     .arg(host(), rateWords)
                                     .arg(attempt + 1)
                                     .arg(waitMs / 1000));
            }
            m_limiter.backOff(waitMs + kWaitMarginMs);
            ++m_retries;
            continue;
        }
        if (response.status != 200)
            return failure(response);
        return Answer{response.body};
    }
}

Result<FetchedHistory> HistoryClient::fetch(const QString &symbol, const QString &quote, const QString &interval,
                                            qint64 fromMs, qint64 toMs, const HistoryProgress &progress)
{
    const qint64 intervalMs = historyIntervalMs(interval);
    if (intervalMs <= 0)
        return makeError(QStringLiteral("prices.interval"),
                         QStringLiteral("interval \"%1\": expected 1d or 1h").arg(interval));
    if (symbol.isEmpty())
        return makeError(QStringLiteral("prices.symbol"),
                         QStringLiteral("no %1 symbol given").arg(historySourceName(m_config.source)));
    const int requestsBefore = m_requests;
    const int retriesBefore = m_retries;
    Result<FetchedHistory> fetched = makeError(QString(), QString());
    switch (m_config.source) {
    case HistorySource::Binance:
        fetched = binance(symbol, intervalMs, interval, fromMs, toMs, progress);
        break;
    case HistorySource::Kraken:
        fetched = kraken(symbol, intervalMs, fromMs, toMs);
        break;
    case HistorySource::CoinGecko:
        if (intervalMs != kDayMs)
            return makeError(QStringLiteral("prices.interval"),
                             QStringLiteral("CoinGecko history is daily here (its hourly points cover only the last "
                                            "90 days): use --interval 1d"));
        fetched = coinGecko(symbol, quote, fromMs, toMs);
        break;
    }
    if (!fetched && fetched.error().code == QLatin1String("prices.cancelled")) {
        FetchedHistory stopped; // what came before the cancel is dropped: the asset stores nothing
        stopped.cancelled = true;
        fetched = stopped;
    }
    if (fetched) {
        fetched->requests = m_requests - requestsBefore;
        fetched->retries = m_retries - retriesBefore;
        if (fetched->retries > 0)
            fetched->notes.append(QStringLiteral("%1 said too many requests; waited as asked and tried again (%2 "
                                                 "time%3)")
                                      .arg(host())
                                      .arg(fetched->retries)
                                      .arg(fetched->retries == 1 ? QString() : QStringLiteral("s")));
    }
    return fetched;
}

Result<FetchedHistory> HistoryClient::binance(const QString &symbol, qint64 intervalMs, const QString &interval,
                                              qint64 fromMs, qint64 toMs, const HistoryProgress &progress)
{
    FetchedHistory history;
    const qint64 now = m_clock();
    qint64 start = fromMs;
    while (start <= toMs) {
        auto answer = get(QStringLiteral("/api/v3/klines"),
                          {{QStringLiteral("symbol"), symbol},
                           {QStringLiteral("interval"), interval},
                           {QStringLiteral("startTime"), QString::number(start)},
                           {QStringLiteral("endTime"), QString::number(toMs)},
                           {QStringLiteral("limit"), QString::number(kKlinesLimit)}},
                          kKlinesWeight);
        if (!answer)
            return answer.error();
        auto page = parseBinanceKlines(answer->body);
        if (!page)
            return page.error();
        for (const Kline &kline : std::as_const(*page)) {
            if (kline.closeTimeMs >= now) // still open
                continue;
            if (kline.candle.openTimeMs >= fromMs && kline.candle.openTimeMs <= toMs)
                history.candles.append(kline.candle);
        }
        if (page->size() < kKlinesLimit)
            break;
        const qint64 next = page->last().candle.openTimeMs + intervalMs;
        if (next <= start) // never ask the same page twice
            break;
        start = next;
        if (progress && !progress(history.candles.size())) {
            history.cancelled = true;
            break;
        }
    }
    return history;
}

Result<FetchedHistory> HistoryClient::kraken(const QString &symbol, qint64 intervalMs, qint64 fromMs, qint64 toMs)
{
    FetchedHistory history;
    const qint64 now = m_clock();
    auto answer = get(QStringLiteral("/0/public/OHLC"),
                      {{QStringLiteral("pair"), symbol},
                       {QStringLiteral("interval"), QString::number(intervalMs / 60'000)},
                       {QStringLiteral("since"), QString::number(std::max<qint64>(0, fromMs / 1000 - 1))}},
                      1);
    if (!answer)
        return answer.error();
    auto ohlc = parseKrakenOhlc(answer->body);
    if (!ohlc) {
        Error error = ohlc.error();
        if (error.code == QLatin1String("kraken.error"))
            error.message = QStringLiteral("%1 refused pair %2: %3").arg(host(), symbol, error.message);
        return error;
    }
    for (const domain::Candle &candle : std::as_const(ohlc->candles)) {
        if (candle.openTimeMs + intervalMs > now) // the last one is still open
            continue;
        if (candle.openTimeMs >= fromMs && candle.openTimeMs <= toMs)
            history.candles.append(candle);
    }
    if (ohlc->candles.size() >= kKrakenWindow && ohlc->candles.first().openTimeMs > fromMs) {
        history.notes.append(QStringLiteral("Kraken serves only the most recent %1 %2 candles; use binance or "
                                            "coingecko for earlier history (asked from %3, Kraken's begin %4)")
                                 .arg(kKrakenWindow)
                                 .arg(intervalMs == kDayMs ? QStringLiteral("daily") : QStringLiteral("hourly"))
                                 .arg(dayText(fromMs), dayText(ohlc->candles.first().openTimeMs)));
    }
    return history;
}

Result<FetchedHistory> HistoryClient::coinGecko(const QString &id, const QString &quote, qint64 fromMs, qint64 toMs)
{
    FetchedHistory history;
    const qint64 now = m_clock();
    const qint64 askFrom = std::min(fromMs, toMs - kCoinGeckoDailyRangeMs);
    auto answer = get(QStringLiteral("/api/v3/coins/%1/market_chart/range").arg(id),
                      {{QStringLiteral("vs_currency"), quote.toLower()},
                       {QStringLiteral("from"), QString::number(std::max<qint64>(0, askFrom) / 1000)},
                       {QStringLiteral("to"), QString::number(toMs / 1000)}},
                      1);
    if (!answer) {
        Error error = answer.error();
        if (error.code == QLatin1String("prices.history_limit")) {
            error.message = QStringLiteral("CoinGecko refused history from %1: keyless and Demo access reach back "
                                           "only 365 days; fetch from a later date (--from), use a paid key, or use "
                                           "binance for longer history (%2)")
                                .arg(dayText(fromMs), error.message);
        }
        return error;
    }
    auto candles = parseCoinGeckoRange(answer->body);
    if (!candles)
        return candles.error();
    for (const domain::Candle &candle : std::as_const(*candles)) {
        if (candle.openTimeMs + kDayMs > now) // today's point: the day is not over
            continue;
        if (candle.openTimeMs >= fromMs && candle.openTimeMs <= toMs)
            history.candles.append(candle);
    }
    return history;
}

} // namespace ballast::market
