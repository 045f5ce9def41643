// A backtest from CSV files on disk: 20 hourly plain OHLCV files of 87,600
// bars (backtestfiles.h writes them), read, aligned and replayed with a 5 pp
// threshold and a 10 bps fee. Measures each part on its own:
//   BM_LoadFiles/0      parse every file (in parallel on the global pool)
//   BM_LoadFiles/1      the same through SeriesCache's files (a repeated CLI run)
//   BM_LoadFiles/2      the same through SeriesCache's memory (a sweep, the app)
//   BM_Engine           Backtester::run on the loaded data
//   BM_BareLoop         the same rule as a bare loop: the floor for the engine
//   BM_Sweep/T          the CLI's sweep of 100 rules (reference/backtestargs.sh)
//                       on a pool of T threads, data shared
//   BM_BareSweep/T      the same 100 rules as bare loops on T threads: the
//                       machine's own gain from more cores for this walk
// The files go to $BALLAST_BENCH_FILES or a temporary directory; the size is
// set by BALLAST_BENCH_BARS (ctest's smoke run uses 2,000 bars). To write the
// files for ballast-cli and the numpy/pandas reference:
//   build/tests/bench/bench_backtestfiles --write-files DIR [BARS]
// No timing assertions: the figures are read by hand (docs/benchmarks.md).
#include "backtest/backtestdata.h"
#include "backtest/backtester.h"
#include "backtest/seriescache.h"
#include "backtest/sweep.h"
#include "backtestfiles.h"
#include "rebalance/rebalancemath.h"

#include <QCoreApplication>
#include <QTemporaryDir>
#include <QThreadPool>

#include <atomic>
#include <benchmark/benchmark.h>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <memory>
#include <thread>

using namespace ballast;

namespace {

constexpr int kAssets = 20;
int g_bars = 87600;
QString g_dir;
QList<std::pair<QString, QString>> g_files;

backtest::LoadOptions loadOptions()
{
    backtest::LoadOptions options;
    options.quote = QStringLiteral("USDT");
    return options;
}

/// The files loaded once and shared as a sweep shares them, never copied: a
/// copy of the closes would not be in the huge pages the load reads them into.
const std::shared_ptr<const backtest::BacktestData> &sharedData()
{
    static const auto data =
        std::make_shared<const backtest::BacktestData>(*backtest::BacktestData::load(g_files, {}, {}, loadOptions()));
    return data;
}

const backtest::BacktestData &loadedData()
{
    return *sharedData();
}

/// The sweep of `ballast-cli sweep` in reference/backtestargs.sh: threshold
/// rules of 0.5 pp to 50 pp in steps of 0.5 pp, rule @p i (0 to 99) at
/// (i + 1) / 2 pp, all at 10 bps. Its band as a fraction of the value.
constexpr int kSweepRules = 100;
double sweepBand(int i)
{
    return (i + 1) / 200.0;
}

backtest::BacktestConfig thresholdConfig(const QString &rule = QStringLiteral("threshold:5pp"))
{
    backtest::BacktestConfig config;
    config.targets.assign(kAssets, 1.0 / kAssets);
    config.trigger = *rebalance::Trigger::parse(rule);
    config.feeRate = 0.001;
    config.recordCurves = false;
    config.recordTrades = false;
    return config;
}

void BM_LoadFiles(benchmark::State &state)
{
    const int mode = static_cast<int>(state.range(0));
    QTemporaryDir cacheDir;
    backtest::SeriesCache files(cacheDir.path(), false);
    backtest::SeriesCache memory;
    backtest::LoadOptions options = loadOptions();
    if (mode == 1)
        options.cache = &files;
    if (mode == 2)
        options.cache = &memory;
    if (options.cache)
        benchmark::DoNotOptimize(backtest::BacktestData::load(g_files, {}, {}, options)); // fill it
    backtest::LoadReport report;
    for (auto _ : state) {
        report = {};
        auto data = backtest::BacktestData::load(g_files, {}, {}, options, &report);
        if (!data) {
            state.SkipWithError(data.error().message.toStdString().c_str());
            return;
        }
        benchmark::DoNotOptimize(data->closes.data());
    }
    state.counters["fast"] = report.parsedFast;
    state.counters["importer"] = report.parsedByImporter;
    state.counters["cached"] = report.cached;
}
BENCHMARK(BM_LoadFiles)->Arg(0)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_Engine(benchmark::State &state)
{
    const auto &data = loadedData();
    const auto config = thresholdConfig();
    double finalValue = 0.0;
    for (auto _ : state) {
        auto result = backtest::Backtester::run(data, config);
        finalValue = result->finalValue;
        benchmark::DoNotOptimize(result);
    }
    state.counters["final"] = finalValue;
}
BENCHMARK(BM_Engine)->Unit(benchmark::kMillisecond);

/// The same rule with nothing else: equal targets, a band of @p band, the
/// cost at @p fee paid so the weights land on the targets (the fixed point of
/// RebalanceMath::postTradeValue, inlined), the value of every bar kept in
/// @p curve (the metrics need it) and nothing more: no buy-and-hold, no
/// metrics. Returns the final value. Always inlined, so that BM_BareLoop's
/// constants are folded in as they were before it took them as arguments.
[[gnu::always_inline]] inline double bareRun(const backtest::BacktestData &data, double band, double fee,
                                             std::vector<double> &curve)
{
    const std::size_t n = data.width();
    const std::size_t bars = data.bars();
    const double target = 1.0 / static_cast<double>(n);
    std::vector<double> quantities(n);
    std::vector<double> values(n);
    curve.resize(bars);
    for (std::size_t i = 0; i < n; ++i)
        quantities[i] = 10000.0 * target / data.closes[i];
    for (std::size_t t = 0; t < bars; ++t) {
        const double *prices = &data.closes[t * n];
        double value = 0.0;
        for (std::size_t i = 0; i < n; ++i) {
            values[i] = quantities[i] * prices[i];
            value += values[i];
        }
        curve[t] = value;
        if (t == 0 || t + 1 == bars)
            continue;
        bool broken = false;
        for (std::size_t i = 0; i < n; ++i)
            broken = broken || std::abs(values[i] / value - target) > band + 1e-12;
        if (!broken)
            continue;
        double post = value;
        for (int step = 0; step < 12; ++step) {
            double cost = 0.0;
            for (std::size_t i = 0; i < n; ++i)
                cost += fee * std::abs(target * post - values[i]);
            const double next = value - cost;
            const bool settled = std::abs(next - post) <= 1e-15 * value;
            post = next;
            if (settled)
                break;
        }
        for (std::size_t i = 0; i < n; ++i)
            quantities[i] = target * post / prices[i];
        curve[t] = post;
    }
    return curve.back();
}

/// BM_Engine's rule as a bare loop: the floor for the engine.
void BM_BareLoop(benchmark::State &state)
{
    const auto &data = loadedData();
    std::vector<double> curve;
    double finalValue = 0.0;
    for (auto _ : state) {
        finalValue = bareRun(data, 0.05, 0.001, curve);
        benchmark::DoNotOptimize(curve.data());
    }
    state.counters["final"] = finalValue;
}
BENCHMARK(BM_BareLoop)->Unit(benchmark::kMillisecond);

void BM_Sweep(benchmark::State &state)
{
    const auto &data = sharedData();
    QList<backtest::BacktestConfig> configs;
    for (int i = 0; i < kSweepRules; ++i)
        configs.append(thresholdConfig(QStringLiteral("threshold:%1pp").arg((i + 1) / 2.0)));
    QThreadPool pool;
    pool.setMaxThreadCount(static_cast<int>(state.range(0)));
    for (auto _ : state) {
        auto future = backtest::Sweep::start(data, configs, &pool);
        future.waitForFinished();
        benchmark::DoNotOptimize(future.resultCount());
    }
}
BENCHMARK(BM_Sweep)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();

/// BM_Sweep's 100 rules as bare loops (bareRun) on T plain threads sharing
/// the data, each taking the next rule: what the machine itself gives from
/// one core to two for this walk over the closes, the ceiling for
/// BM_Sweep's. Run each under taskset with as many cores as threads
/// (reference/compare_sweep.sh).
void BM_BareSweep(benchmark::State &state)
{
    const auto &data = loadedData();
    const int threads = static_cast<int>(state.range(0));
    std::vector<double> finals(kSweepRules);
    for (auto _ : state) {
        std::atomic<std::size_t> next{0};
        const auto work = [&] {
            std::vector<double> curve;
            for (std::size_t i = next++; i < finals.size(); i = next++)
                finals[i] = bareRun(data, sweepBand(static_cast<int>(i)), 0.001, curve);
        };
        std::vector<std::thread> helpers;
        for (int t = 1; t < threads; ++t)
            helpers.emplace_back(work);
        work();
        for (std::thread &helper : helpers)
            helper.join();
        benchmark::DoNotOptimize(finals.data());
    }
    state.counters["final0"] = finals.front();
}
BENCHMARK(BM_BareSweep)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv); // the global thread pool
    if (argc >= 3 && std::strcmp(argv[1], "--write-files") == 0) {
        const int bars = argc >= 4 ? std::atoi(argv[3]) : g_bars;
        const QStringList paths = benchfiles::writeFiles(QString::fromLocal8Bit(argv[2]), kAssets, bars);
        std::printf("%lld files of %d bars in %s\n", static_cast<long long>(paths.size()), bars, argv[2]);
        return paths.isEmpty() ? 1 : 0;
    }
    if (const QByteArray bars = qgetenv("BALLAST_BENCH_BARS"); !bars.isEmpty())
        g_bars = bars.toInt();
    QTemporaryDir temporary;
    g_dir = qEnvironmentVariableIsSet("BALLAST_BENCH_FILES") ? qEnvironmentVariable("BALLAST_BENCH_FILES")
                                                             : temporary.path();
    QStringList paths;
    for (int i = 0; i < kAssets; ++i)
        paths << g_dir + QLatin1Char('/') + benchfiles::fileName(i);
    if (!QFile::exists(paths.last()))
        paths = benchfiles::writeFiles(g_dir, kAssets, g_bars);
    if (paths.isEmpty()) {
        std::fprintf(stderr, "cannot write the price files into %s\n", qPrintable(g_dir));
        return 1;
    }
    for (int i = 0; i < kAssets; ++i)
        g_files.append({QStringLiteral("C%1").arg(i, 2, 10, QLatin1Char('0')), paths[i]});
    benchmark::Initialize(&argc, argv);
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
