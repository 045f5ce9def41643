// Whole price files through PriceImporter::parse: layout detection, the CSV
// splitter, number and time parsing, interval inference, duplicates and gaps.
// And through the backtest's CloseParser, whose one pass must read every file
// exactly as the importer does (the same closes and times, or the same error).
#include "backtest/closeparser.h"
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

/// CloseParser against the importer on the same bytes and options.
void checkCloseParser(const QByteArray &bytes, const QString &name, ImportOptions options)
{
    options.lastCandle = ImportOptions::LastCandle::Keep;
    const auto closes = ballast::backtest::CloseParser::parse(
        std::string_view(bytes.constData(), static_cast<std::size_t>(bytes.size())), name, options);
    const auto imported = PriceImporter::parse(bytes, name, options);
    FUZZ_CHECK(closes.ok() == imported.ok());
    if (!closes || !imported) {
        FUZZ_CHECK(closes.ok() || imported.ok() || closes.error().message == imported.error().message);
        return;
    }
    FUZZ_CHECK(closes->asset == imported->asset && closes->quote == imported->quote);
    FUZZ_CHECK(closes->interval == imported->interval);
    const std::vector<qint64> times = closes->times();
    FUZZ_CHECK(times.size() == static_cast<std::size_t>(imported->candles.size()));
    for (std::size_t i = 0; i < times.size(); ++i) {
        FUZZ_CHECK(times[i] == imported->candles[static_cast<qsizetype>(i)].openTimeMs);
        FUZZ_CHECK(closes->closes[i] == imported->candles[static_cast<qsizetype>(i)].close);
    }
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

    // As a backtest reads a file: the asset from --prices, the rest inferred.
    ImportOptions backtest;
    backtest.asset = QStringLiteral("BTC");
    checkCloseParser(bytes, QStringLiteral("prices-1h.csv"), backtest);
    checkCloseParser(bytes, QStringLiteral("BTCUSDT_1h.csv"), told);
    return 0;
}
