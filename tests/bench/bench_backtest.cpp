// Backtest engine speed: 20 assets x 87,600 hourly bars (ten years) with a
// threshold trigger and fees, prices already in memory (target: < 50 ms on one
// core), and a sweep of such backtests on every core (target: 1,000 runs in
// < 60 s on two cores), and the run to the band edge with a minimum trade and
// a turnover cap (the live planner's rules). The sweep size is the benchmark argument; ctest's smoke
// run uses the small one:
//   build/tests/bench/bench_backtest --benchmark_repetitions=5
//   build/tests/bench/bench_backtest --benchmark_filter=Sweep/1000
#include "backtest/backtester.h"
#include "backtest/sweep.h"

#include <QCoreApplication>

#include <benchmark/benchmark.h>
#include <cmath>
#include <memory>
#include <random>

using namespace ballast;

namespace {

constexpr std::size_t kAssets = 20;
constexpr std::size_t kBars = 87600;

std::shared_ptr<const backtest::BacktestData> hourlyData()
{
    static const std::shared_ptr<const backtest::BacktestData> data = [] {
        std::mt19937_64 random(20170101);
        std::uniform_real_distribution<double> uniform(-1.0, 1.0); // only for the benchmark's shape, not tests
        QStringList assets;
        std::vector<std::vector<double>> columns(kAssets, std::vector<double>(kBars));
        std::vector<qint64> times(kBars);
        const qint64 start = 1483228800000; // 2017-01-01
        for (std::size_t t = 0; t < kBars; ++t)
            times[t] = start + static_cast<qint64>(t) * 3600000;
        for (std::size_t i = 0; i < kAssets; ++i) {
            assets.append(QStringLiteral("C%1").arg(i));
            double price = 10.0 + static_cast<double>(i);
            for (std::size_t t = 0; t < kBars; ++t) {
                price *= std::exp(0.012 * uniform(random) + 0.00001);
                columns[i][t] = price;
            }
        }
        return std::make_shared<const backtest::BacktestData>(
            *backtest::BacktestData::fromColumns(assets, times, columns));
    }();
    return data;
}

backtest::BacktestConfig thresholdConfig()
{
    backtest::BacktestConfig config;
    config.targets.assign(kAssets, 1.0 / static_cast<double>(kAssets));
    config.trigger = *rebalance::Trigger::parse(QStringLiteral("threshold:25%"));
    config.feeRate = 0.001;
    config.recordCurves = false;
    config.recordTrades = false;
    return config;
}

void BM_BacktestTenYearsHourly(benchmark::State &state)
{
    const auto data = hourlyData();
    const auto config = thresholdConfig();
    int rebalances = 0;
    for (auto _ : state) {
        auto result = backtest::Backtester::run(*data, config);
        rebalances = result->rebalances;
        benchmark::DoNotOptimize(result);
    }
    state.counters["bars"] = static_cast<double>(kBars);
    state.counters["assets"] = static_cast<double>(kAssets);
    state.counters["rebalances"] = rebalances;
}
BENCHMARK(BM_BacktestTenYearsHourly)->Unit(benchmark::kMillisecond);

// The same run through the live planner's rules (RebalanceMath): to the band
// edge, with a minimum trade and a turnover cap.
void BM_BacktestTenYearsHourlyBandEdge(benchmark::State &state)
{
    const auto data = hourlyData();
    auto config = thresholdConfig();
    config.mode = rebalance::PlanMode::Kind::BandEdge;
    config.minTrade = 1.0;
    config.maxTurnover = 0.2;
    int rebalances = 0;
    for (auto _ : state) {
        auto result = backtest::Backtester::run(*data, config);
        rebalances = result->rebalances;
        benchmark::DoNotOptimize(result);
    }
    state.counters["bars"] = static_cast<double>(kBars);
    state.counters["assets"] = static_cast<double>(kAssets);
    state.counters["rebalances"] = rebalances;
}
BENCHMARK(BM_BacktestTenYearsHourlyBandEdge)->Unit(benchmark::kMillisecond);

void BM_Sweep(benchmark::State &state)
{
    const auto data = hourlyData();
    QList<backtest::BacktestConfig> configs;
    for (int i = 0; i < state.range(0); ++i) {
        auto config = thresholdConfig();
        config.trigger = *rebalance::Trigger::parse(QStringLiteral("threshold:%1pp").arg(1 + i % 10));
        config.feeRate = 0.0005 * (1 + i % 4);
        configs.append(config);
    }
    for (auto _ : state) {
        auto future = backtest::Sweep::start(data, configs);
        future.waitForFinished();
        benchmark::DoNotOptimize(future.resultCount());
    }
    state.counters["runs"] = static_cast<double>(state.range(0));
}
BENCHMARK(BM_Sweep)->Arg(20)->Arg(1000)->Unit(benchmark::kSecond)->UseRealTime()->Iterations(1);

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv); // QtConcurrent's thread pool
    benchmark::Initialize(&argc, argv);
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
