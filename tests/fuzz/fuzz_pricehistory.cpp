// Price-history answers: Binance klines, Kraken OHLC and CoinGecko's
// market_chart/range, through market/pricesources.h. The input is one answer
// body, read as each of the three; what is accepted must hold together.
#include "fuzzcheck.h"
#include "market/pricesources.h"

#include <cmath>
#include <cstddef>
#include <cstdint>

namespace market = ballast::market;

namespace {

bool sane(const ballast::domain::Candle &candle)
{
    return candle.open > 0 && candle.high > 0 && candle.low > 0 && candle.close > 0 && candle.high >= candle.low
        && std::isfinite(candle.open) && std::isfinite(candle.high) && std::isfinite(candle.low)
        && std::isfinite(candle.close) && candle.volume >= 0 && candle.marketCap >= 0 && candle.openTimeMs >= 0;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    const QByteArray body(reinterpret_cast<const char *>(data), static_cast<qsizetype>(size));

    if (auto klines = market::parseBinanceKlines(body)) {
        for (qsizetype i = 0; i < klines->size(); ++i) {
            const market::Kline &kline = (*klines)[i];
            FUZZ_CHECK(sane(kline.candle));
            FUZZ_CHECK(kline.closeTimeMs >= kline.candle.openTimeMs);
            if (i > 0)
                FUZZ_CHECK((*klines)[i - 1].candle.openTimeMs < kline.candle.openTimeMs);
        }
    } else {
        FUZZ_CHECK(!klines.error().message.isEmpty());
    }

    if (auto ohlc = market::parseKrakenOhlc(body)) {
        FUZZ_CHECK(!ohlc->pairKey.isEmpty());
        FUZZ_CHECK(ohlc->last >= 0);
        for (qsizetype i = 0; i < ohlc->candles.size(); ++i) {
            FUZZ_CHECK(sane(ohlc->candles[i]));
            FUZZ_CHECK(ohlc->candles[i].openTimeMs % 1000 == 0);
            if (i > 0)
                FUZZ_CHECK(ohlc->candles[i - 1].openTimeMs < ohlc->candles[i].openTimeMs);
        }
    } else {
        const QString &code = ohlc.error().code;
        FUZZ_CHECK(code == QLatin1String("kraken.error") || code == QLatin1String("prices.answer"));
    }

    if (auto candles = market::parseCoinGeckoRange(body)) {
        for (qsizetype i = 0; i < candles->size(); ++i) {
            const ballast::domain::Candle &candle = (*candles)[i];
            FUZZ_CHECK(sane(candle));
            FUZZ_CHECK(candle.open == candle.close && candle.high == candle.low);
            FUZZ_CHECK(candle.openTimeMs % 86'400'000 == 0); // a UTC day
            if (i > 0)
                FUZZ_CHECK((*candles)[i - 1].openTimeMs < candle.openTimeMs);
        }
    } else {
        FUZZ_CHECK(!candles.error().message.isEmpty());
    }

    (void)market::coinGeckoErrorMessage(body);
    (void)market::coinGeckoErrorCode(body);
    return 0;
}
