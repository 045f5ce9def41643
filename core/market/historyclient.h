#pragma once

#include "common/canceltoken.h"
#include "common/clock.h"
#include "common/result.h"
#include "domain/pricepoint.h"
#include "exchange/ratelimiter.h"
#include "market/pricesources.h"

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>
#include <QUrl>

#include <functional>

namespace ballast::exchange {
class HttpClient;
struct HttpResponse;
} // namespace ballast::exchange

namespace ballast::market {

/// Where one source is asked, and how.
struct HistoryClientConfig
{
    HistorySource source = HistorySource::Binance;
    QUrl baseUrl; ///< empty: defaultHistoryBaseUrl(source)
    QByteArray apiKey; ///< CoinGecko Demo key (x-cg-demo-api-key); empty: keyless
    int maxRetries = 3; ///< a request answered "too many" is tried again this often after the wait
    qint64 longestWaitMs = 120'000; ///< a longer Retry-After fails the asset instead of waiting
    /// A ban (Binance's 418) known from an earlier run: nothing is sent before this time (the clock's ms).
    qint64 bannedUntilMs = 0;
};

/// The closed candles of one series in [fromMs, toMs], oldest first.
struct FetchedHistory
{
    QList<domain::Candle> candles;
    QStringList notes; ///< what the person should know (Kraken's 720-candle window, waits)
    int requests = 0;
    int retries = 0; ///< requests tried again after a rate-limit answer
    bool cancelled = false; ///< progress said stop: candles holds what came before
};

/// Called after each page with the closed candles read so far; false cancels.
using HistoryProgress = std::function<bool(qsizetype candles)>;

/// Price history of one source over exchange::HttpClient (on the caller's
/// thread): Binance klines paged forward by startTime, 1,000 a page, under the
/// request weight (X-MBX-USED-WEIGHT-1M); Kraken OHLC (only the 720 most
/// recent bars exist there); CoinGecko market_chart/range, daily, with market
/// caps, paced for keyless or Demo access. "Too many requests" (HTTP 429 with
/// Retry-After, Kraken's rate-limit errors) waits and tries again; Binance's
/// 418 (an IP ban) stops every later request of this client. The still-open
/// candle (its close after the clock's now) is never returned.
class HistoryClient
{
public:
    /// @p clock says which candles have closed; pacing and waits use the
    /// system clock and @p sleep (default: a wait that @p cancel cuts short,
    /// or a plain sleep without one). A cancel during any wait, or before a
    /// request, ends the fetch as cancelled with nothing of the series.
    HistoryClient(exchange::HttpClient &http, HistoryClientConfig config, Clock clock,
                  exchange::RateLimiter::Sleep sleep = {}, const CancelToken *cancel = nullptr);

    /// Candles of @p symbol (the source's name, see automaticSymbol) in
    /// @p quote at @p interval ("1d" or "1h") with open time in [fromMs, toMs].
    Result<FetchedHistory> fetch(const QString &symbol, const QString &quote, const QString &interval, qint64 fromMs,
                                 qint64 toMs, const HistoryProgress &progress = {});

    [[nodiscard]] HistorySource source() const { return m_config.source; }
    [[nodiscard]] QUrl baseUrl() const { return m_config.baseUrl; }
    /// The host (and port) asked: the name errors use, and a ban's key.
    [[nodiscard]] QString host() const;
    /// Until when the source banned this address (HTTP 418), as configured or
    /// learnt in this client's requests; 0 when never.
    [[nodiscard]] qint64 bannedUntil() const { return m_bannedUntil; }

    /// Binance's request weight of one klines call, and its budget per minute.
    static constexpr int kKlinesWeight = 2;
    static constexpr int kKlinesLimit = 1000;
    /// Kraken keeps this many bars of each interval.
    static constexpr int kKrakenWindow = 720;

private:
    struct Answer;
    Result<Answer> get(const QString &path, const QList<std::pair<QString, QString>> &query, double cost);
    Result<FetchedHistory> binance(const QString &symbol, qint64 intervalMs, const QString &interval, qint64 fromMs,
                                   qint64 toMs, const HistoryProgress &progress);
    Result<FetchedHistory> kraken(const QString &symbol, qint64 intervalMs, qint64 fromMs, qint64 toMs);
    Result<FetchedHistory> coinGecko(const QString &id, const QString &quote, qint64 fromMs, qint64 toMs);
    [[nodiscard]] Error failure(const exchange::HttpResponse &response) const;
    [[nodiscard]] bool cancelled() const { return m_cancel != nullptr && m_cancel->isCancelled(); }

    exchange::HttpClient &m_http;
    HistoryClientConfig m_config;
    Clock m_clock;
    const CancelToken *m_cancel = nullptr;
    exchange::RateLimiter::Sleep m_sleep;
    exchange::RateLimiter m_limiter;
    qint64 m_bannedUntil = 0; ///< Binance 418: nothing more is sent before this
    int m_requests = 0;
    int m_retries = 0;
};

} // namespace ballast::market
