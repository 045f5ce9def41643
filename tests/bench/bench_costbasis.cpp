// Speed of the transaction analytics. The target from the issue: for 100,000
// transactions over eight years on 50 assets, cost basis by every method
// (FIFO, LIFO, HIFO, average) and the daily time-weighted returns, all
// together, in under 200 ms on this machine.
//
// The ledger is generated once, deterministically (tests/support/
// randomhistory.h, seed 2026): three accounts, two networks, every kind of
// transaction, daily closes for each asset. BM_DailySeries builds the daily
// values from the transactions and the closes; BM_Twr chains the returns and
// computes the key figures, the monthly table and the drawdown periods;
// BM_AllTogether is the figure: every method in one call
// (BM_CostBasisAllMethods), the daily series and the TWR.

#include "analytics/costbasis.h"
#include "analytics/performance.h"
#include "randomhistory.h"

#include <benchmark/benchmark.h>

using ballast::analytics::computeCostBasis;
using ballast::analytics::CostBasisOptions;
using ballast::analytics::CostMethod;
using ballast::analytics::DailySeries;
using ballast::analytics::Performance;
using ballast::testsupport::RandomHistory;
using ballast::testsupport::RandomHistoryOptions;

namespace {

const RandomHistory &history()
{
    static const RandomHistory h([] {
        RandomHistoryOptions o;
        o.seed = 2026;
        o.transactions = 100'000;
        o.assets = 50;
        o.accounts = 3;
        o.days = 2922; // eight years
        o.start = QDate(2018, 1, 1);
        return o;
    }());
    return h;
}

const QList<CostMethod> kAllMethods = {CostMethod::Fifo, CostMethod::Lifo, CostMethod::Hifo, CostMethod::Average};

CostBasisOptions options(CostMethod method)
{
    CostBasisOptions o;
    o.method = method;
    o.quoteAsset = RandomHistory::quote();
    o.priceAt = [](const QString &asset, const QDateTime &t) { return history().close(asset, t.toUTC().date()); };
    return o;
}

DailySeries series()
{
    const auto price = [](const QString &asset, QDate day) { return history().close(asset, day); };
    return Performance::buildDailySeries(history().transactions(), RandomHistory::quote(), price, history().lastDay())
        .valueOr({});
}

void twr(const DailySeries &s, benchmark::State &state)
{
    const auto returns = Performance::dailyReturns(s.values, s.flows);
    if (!returns) {
        state.SkipWithError("daily returns failed");
        return;
    }
    benchmark::DoNotOptimize(Performance::timeWeighted(*returns));
    benchmark::DoNotOptimize(Performance::keyFigures(*returns));
    benchmark::DoNotOptimize(Performance::monthly(*returns));
    benchmark::DoNotOptimize(Performance::drawdowns(*returns));
}

void BM_CostBasis(benchmark::State &state)
{
    const auto method = static_cast<CostMethod>(state.range(0));
    const CostBasisOptions o = options(method);
    for (auto _ : state) { // NOLINT(clang-analyzer-deadcode.DeadStores): the benchmark loop idiom
        auto r = computeCostBasis(history().transactions(), o);
        if (!r) {
            state.SkipWithError(qPrintable(r.error().message));
            break;
        }
        state.counters["disposals"] = static_cast<double>(r->disposals.size());
        state.counters["open lots"] = static_cast<double>(r->openLots.size());
        benchmark::DoNotOptimize(r);
    }
    state.SetLabel(ballast::analytics::costMethodName(method).toStdString());
}
BENCHMARK(BM_CostBasis)
    ->Arg(static_cast<int>(CostMethod::Fifo))
    ->Arg(static_cast<int>(CostMethod::Lifo))
    ->Arg(static_cast<int>(CostMethod::Hifo))
    ->Arg(static_cast<int>(CostMethod::Average))
    ->Unit(benchmark::kMillisecond);

// Every method in one call: the transactions are valued once and only the
// lots are kept per method (the way the figure is taken).
void BM_CostBasisAllMethods(benchmark::State &state)
{
    const CostBasisOptions o = options(CostMethod::Fifo);
    for (auto _ : state) { // NOLINT(clang-analyzer-deadcode.DeadStores): the benchmark loop idiom
        auto r = computeCostBasis(history().transactions(), o, kAllMethods);
        if (!r) {
            state.SkipWithError(qPrintable(r.error().message));
            break;
        }
        benchmark::DoNotOptimize(r);
    }
}
BENCHMARK(BM_CostBasisAllMethods)->Unit(benchmark::kMillisecond);

void BM_DailySeries(benchmark::State &state)
{
    for (auto _ : state) { // NOLINT(clang-analyzer-deadcode.DeadStores): the benchmark loop idiom
        auto s = series();
        state.counters["days"] = static_cast<double>(s.values.size());
        benchmark::DoNotOptimize(s);
    }
}
BENCHMARK(BM_DailySeries)->Unit(benchmark::kMillisecond);

void BM_Twr(benchmark::State &state)
{
    const DailySeries s = series();
    for (auto _ : state) // NOLINT(clang-analyzer-deadcode.DeadStores): the benchmark loop idiom
        twr(s, state);
}
BENCHMARK(BM_Twr)->Unit(benchmark::kMillisecond);

void BM_AllTogether(benchmark::State &state)
{
    for (auto _ : state) { // NOLINT(clang-analyzer-deadcode.DeadStores): the benchmark loop idiom
        benchmark::DoNotOptimize(computeCostBasis(history().transactions(), options(CostMethod::Fifo), kAllMethods));
        twr(series(), state);
    }
    state.counters["transactions"] = static_cast<double>(history().transactions().size());
}
BENCHMARK(BM_AllTogether)->Unit(benchmark::kMillisecond);

} // namespace

BENCHMARK_MAIN();
