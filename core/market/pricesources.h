#pragma once

#include "common/result.h"
#include "domain/pricepoint.h"

#include <QByteArrayView>
#include <QList>
#include <QString>
#include <QUrl>

#include <optional>

namespace ballast::market {

/// Where price history comes from over the network. Each stores its candles
/// under its own name ("binance", "kraken", "coingecko") in candles.source.
enum class HistorySource { Binance, Kraken, CoinGecko };

[[nodiscard]] QString historySourceName(HistorySource source);
[[nodiscard]] std::optional<HistorySource> historySourceFromName(QStringView name);
/// "binance, kraken or coingecko": for messages.
[[nodiscard]] QString historySourceNames();
/// The quote a source is asked in when the caller names none: USDT on
/// Binance (its deepest books), USD on Kraken and CoinGecko.
[[nodiscard]] QString defaultHistoryQuote(HistorySource source);
[[nodiscard]] QUrl defaultHistoryBaseUrl(HistorySource source);

/// The bar intervals fetched: "1d" and "1h" (0 for anything else).
[[nodiscard]] qint64 historyIntervalMs(QStringView interval);

/// The source's name for @p asset quoted in @p quote, without an override:
/// Binance "BTCUSDT"; Kraken "XBTUSD" (BTC is XBT and DOGE is XDG there);
/// CoinGecko the coin id of a built-in table of common coins ("bitcoin"),
/// empty when the table has none (the person sets one with `prices map`).
[[nodiscard]] QString automaticSymbol(HistorySource source, const QString &asset, const QString &quote);

/// One row of GET /api/v3/klines, with the close time that tells whether the
/// candle is still open.
struct Kline
{
    domain::Candle candle;
    qint64 closeTimeMs = 0;
};

/// Reads a klines answer: an array of rows [open time, "open", "high", "low",
/// "close", "volume", close time, ...]. Refused with the row and field that
/// is missing or wrong (a price that is not a positive number, high below
/// low, open times not strictly rising).
Result<QList<Kline>> parseBinanceKlines(QByteArrayView body);

/// What GET /0/public/OHLC answered for one pair.
struct KrakenOhlc
{
    QString pairKey; ///< the result key, e.g. "XXBTZUSD" for pair=XBTUSD
    QList<domain::Candle> candles; ///< oldest first, the still-open one included
    qint64 last = 0; ///< "last": the id (seconds) to poll from
};

/// Reads an OHLC answer: {"error": [...], "result": {PAIR: [[time, "open",
/// "high", "low", "close", "vwap", "volume", count], ...], "last": N}}. A
/// non-empty error list is refused with code "kraken.error" and Kraken's
/// words; a malformed row with its index and field.
Result<KrakenOhlc> parseKrakenOhlc(QByteArrayView body);

/// Reads a market_chart/range answer ({"prices": [[ms, price], ...],
/// "market_caps": [...], "total_volumes": [...]}) as daily candles: each
/// point belongs to the bar of the UTC day it was taken on (the first point of
/// a day wins, as for a CoinGecko price file), a flat bar at the price, with
/// that day's market cap and volume where given. Refused with the array,
/// index and field that is wrong.
Result<QList<domain::Candle>> parseCoinGeckoRange(QByteArrayView body);

/// CoinGecko's error words from an error body ({"status": {"error_code",
/// "error_message"}}, {"error": {"status": ...}} or {"error": "..."}), empty
/// when the body has none.
[[nodiscard]] QString coinGeckoErrorMessage(QByteArrayView body);
/// CoinGecko's numeric error code from an error body (10012: beyond the
/// history the plan allows), 0 when none.
[[nodiscard]] int coinGeckoErrorCode(QByteArrayView body);

} // namespace ballast::market
