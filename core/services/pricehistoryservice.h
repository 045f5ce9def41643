#pragma once

#include "common/canceltoken.h"
#include "common/clock.h"
#include "common/result.h"
#include "exchange/ratelimiter.h"
#include "market/importreport.h"

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>

#include <functional>
#include <optional>

namespace ballast::storage {
class Database;
}
namespace ballast::domain {
struct Portfolio;
}
namespace ballast::exchange {
class HttpClient;
}

namespace ballast::services {

/// What to fetch: one source, some assets, one interval, from a date.
struct PriceFetchRequest
{
    QString source; ///< "binance", "kraken" or "coingecko"
    QStringList assets; ///< empty: the portfolio's assets (holdings and targets, no stablecoin or fiat)
    QString interval = QStringLiteral("1d"); ///< "1d" or "1h"
    std::optional<qint64> fromMs; ///< none: the portfolio's first transaction, else 365 days back
    QString quote; ///< empty: the source's usual quote (USDT on Binance, USD elsewhere)
    QString baseUrl; ///< empty: the source's public API; tests point it at a loopback fake
    QByteArray apiKey; ///< CoinGecko Demo key, sent as x-cg-demo-api-key; empty: keyless
    QString portfolio; ///< whose assets and first transaction; empty: the default portfolio
    /// The automatic refresh (after a sync): only days that no source has
    /// stored for the asset and interval, in any quote, are asked for. An
    /// explicit fetch (false) fills this source's own series.
    bool automatic = false;

    bool operator==(const PriceFetchRequest &) const = default;
};

/// What the fetch did for one asset.
struct AssetFetchReport
{
    QString asset;
    QString symbol; ///< the source's name for it (BTCUSDT, XBTUSD, bitcoin)
    QString quote;
    int fetched = 0; ///< closed candles the source gave for the missing ranges
    int stored = 0; ///< candles written (0 when the asset failed: all or nothing)
    int requests = 0;
    qint64 firstMs = 0; ///< oldest stored candle of this series and source after the fetch (0: none)
    qint64 lastMs = 0; ///< newest one
    qint64 storedTotal = 0; ///< candles stored for this series and source after the fetch
    QList<market::PriceGap> gaps; ///< missing candles between firstMs and lastMs (the importer's type)
    QStringList notes; ///< e.g. Kraken's 720-candle window, a wait after "too many requests"
    QString error; ///< empty when the asset was fetched (what failed and where, else)
    bool upToDate = false; ///< nothing was missing: no request sent
    bool cancelled = false; ///< stopped before this asset finished; nothing of it stored

    [[nodiscard]] qint64 missingCandles() const;
};

/// What a fetch did, asset by asset. One asset failing never stops the others.
struct PriceFetchReport
{
    QString source;
    QString interval;
    qint64 fromMs = 0;
    qint64 toMs = 0;
    QList<AssetFetchReport> assets;
    QStringList skipped; ///< portfolio assets left out (stablecoins, fiat, the quote itself)
    /// Set when the default range (no --from) was cut to what the source
    /// serves: CoinGecko's 365 days without a paid plan, Kraken's 720 candles.
    QString rangeNote;
    bool cancelled = false; ///< the progress callback said stop: assets before it are stored

    [[nodiscard]] bool anyFailed() const;
    [[nodiscard]] int storedTotal() const;
    /// One line a person reads ("binance 1d: BTC 2500 new ...").
    [[nodiscard]] QStringList summaryLines() const;
};

/// Progress of a fetch: the asset being fetched (index of count) and the
/// closed candles read for it so far.
struct PriceFetchProgress
{
    QString asset;
    int index = 0;
    int count = 0;
    qsizetype candles = 0;
};

/// Returning false cancels: the asset in progress stores nothing, the ones
/// before it stay stored.
using PriceFetchCallback = std::function<bool(const PriceFetchProgress &)>;

/// The assets a fetch without named assets takes: those held in any account
/// or targeted, less stablecoins, fiat and the quote (listed as skipped).
struct PortfolioAssets
{
    QString portfolio;
    QStringList assets;
    QStringList skipped;
};

/// One override of the automatic name of an asset at a source.
struct PriceSourceMapping
{
    QString asset;
    QString source;
    QString id; ///< the stored override
    QString automatic; ///< what the automatic mapping says (empty: none)
};

/// Price history from the network into the candle store: Binance klines,
/// Kraken OHLC or CoinGecko daily prices with market caps. Incremental per
/// (asset, quote, interval, source): only the candles after the newest stored
/// one, and before the oldest when `from` reaches earlier, are asked for;
/// each asset is stored all or nothing with its source, its gaps reported.
/// CoinGecko's market caps go into candles.market_cap, where the market-cap
/// models read them (AllocationService::fromStoredHistory). Runs on the
/// caller's thread (the CLI, or a worker of the desktop app with its own
/// database connection and HttpClient).
class PriceHistoryService
{
public:
    /// @p cancel (optional, owned by the caller) stops a fetch from another
    /// thread, also in the middle of a wait (Retry-After, pacing): the asset
    /// in progress stores nothing, as when the progress callback says stop.
    PriceHistoryService(storage::Database &db, exchange::HttpClient &http, Clock clock,
                        exchange::RateLimiter::Sleep sleep = {}, const CancelToken *cancel = nullptr);

    /// Fetches and stores; an error only when the request itself is wrong
    /// (unknown source or interval, a bad base URL, no asset to fetch) or the
    /// database cannot be read. Per-asset failures are in the report.
    Result<PriceFetchReport> fetch(const PriceFetchRequest &request, const PriceFetchCallback &progress = {});

    /// What a fetch from @p source without named assets would take for
    /// @p portfolio (empty: the default one); an error when nothing.
    Result<PortfolioAssets> portfolioAssets(const QString &portfolio, const QString &source);

    /// The name @p source will be asked for @p asset: the stored override, else the automatic one.
    Result<QString> symbolFor(const QString &asset, const QString &source, const QString &quote);
    /// Stores an override (`prices map --asset X --source coingecko --id Y`).
    Status setMapping(const QString &asset, const QString &source, const QString &id);
    /// Removes an override; true when there was one.
    Result<bool> removeMapping(const QString &asset, const QString &source);
    /// Every stored override.
    Result<QList<PriceSourceMapping>> mappings();

private:
    Result<PortfolioAssets> assetsOf(const domain::Portfolio &portfolio, const QString &quote);

    storage::Database &m_db;
    exchange::HttpClient &m_http;
    Clock m_clock;
    exchange::RateLimiter::Sleep m_sleep;
    const CancelToken *m_cancel = nullptr;
};

} // namespace ballast::services
