// Whole price files through PriceImporter::parse: layout detection, the CSV
// splitter, number and time parsing, interval inference, duplicates and gaps.
#include "fuzzcheck.h"
#include "market/priceimporter.h"

#include <cmath>
#include <cstddef>
#include <cstdint>

using ballast::market::ImportOptions;
using ballast::market::PriceImporter;
using ballast::market::PriceSeries;

namespace {

// 2026-12-01 00:00 UTC: "now" is fixed so that the unfinished-candle rule
// never depends on the day the fuzzer runs.
constexpr qint64 kNowMs = 1795996800000;

void checkSeries(const PriceSeries &series)
{
    // What the importer promises: ascending unique open times, finite positive prices.
    for (qsizetype i = 0; i < series.candles.size(); ++i) {
        const auto &candle = series.candles[i];
        FUZZ_CHECK(std::isfinite(candle.close) && candle.close > 0);
        FUZZ_CHECK(std::isfinite(candle.open) && std::isfinite(candle.high) && std::isfinite(candle.low));
        FUZZ_CHECK(std::isfinite(candle.volume) && std::isfinite(candle.marketCap));
        if (i > 0)
            FUZZ_CHECK(series.candles[i - 1].openTimeMs < candle.openTimeMs);
    }
    FUZZ_CHECK(PriceImporter::intervalMs(series.interval) > 0);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    // A copy, as QFile::readAll would give it (terminated, owned).
    const QByteArray bytes(reinterpret_cast<const char *>(data), static_cast<qsizetype>(size));

    // Everything inferred from the content and a name that says nothing.
    ImportOptions inferred;
    inferred.nowMs = kNowMs;
    if (auto series = PriceImporter::parse(bytes, QStringLiteral("prices.csv"), inferred))
        checkSeries(*series);

    // Asset, quote and interval told, as `import --asset --quote --interval` does.
    ImportOptions told;
    told.asset = QStringLiteral("BTC");
    told.quote = QStringLiteral("USDT");
    told.interval = QStringLiteral("1d");
    told.lastCandle = ImportOptions::LastCandle::Keep;
    told.nowMs = kNowMs;
    if (auto series = PriceImporter::parse(bytes, QStringLiteral("BTCUSDT_1h.csv"), told))
        checkSeries(*series);
    return 0;
}
