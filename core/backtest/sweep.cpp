#include "backtest/sweep.h"

#include <QPromise>
#include <QThreadPool>

#include <algorithm>
#include <atomic>

namespace ballast::backtest {

QFuture<BacktestResult> Sweep::start(const std::shared_ptr<const BacktestData> &data, QList<BacktestConfig> configs,
                                     QThreadPool *pool)
{
    // One task per pool thread, each taking the next config until none is
    // left or the future is cancelled. Unlike QtConcurrent::mapped, which
    // hands out blocks of up to n / (2 x threads) items and reports progress
    // and checks cancellation only between blocks, progress moves with every
    // run and Cancel stops every worker after its current run.
    struct State
    {
        QPromise<BacktestResult> promise;
        QList<BacktestConfig> configs;
        std::atomic<qsizetype> next{0};
        std::atomic<int> done{0};
        std::atomic<int> workers{0};
    };
    auto state = std::make_shared<State>();
    state->configs = std::move(configs);
    QFuture<BacktestResult> future = state->promise.future();
    state->promise.start();
    const auto total = static_cast<int>(state->configs.size());
    state->promise.setProgressRange(0, total);
    if (total == 0) {
        state->promise.finish();
        return future;
    }
    if (!pool)
        pool = QThreadPool::globalInstance();
    const int workers = std::clamp(pool->maxThreadCount(), 1, total);
    state->workers.store(workers);
    for (int worker = 0; worker < workers; ++worker) {
        pool->start([state, data] {
            for (;;) {
                if (state->promise.isCanceled())
                    break;
                const qsizetype index = state->next.fetch_add(1);
                if (index >= state->configs.size())
                    break;
                const BacktestConfig &config = state->configs.at(index);
                auto result = Backtester::run(*data, config);
                BacktestResult value;
                if (result) {
                    value = std::move(*result);
                } else {
                    value.label = config.label;
                    value.error = result.error().message;
                }
                state->promise.addResult(std::move(value), static_cast<int>(index));
                state->promise.setProgressValue(state->done.fetch_add(1) + 1);
            }
            if (state->workers.fetch_sub(1) == 1)
                state->promise.finish();
        });
    }
    return future;
}

QList<BacktestConfig> Sweep::grid(const BacktestConfig &base, const QList<rebalance::Trigger> &triggers,
                                  const QList<std::pair<QString, std::vector<double>>> &weightSets)
{
    QList<BacktestConfig> configs;
    for (const auto &[name, weights] : weightSets) {
        for (const auto &trigger : triggers) {
            BacktestConfig config = base;
            config.targets = weights;
            config.trigger = trigger;
            config.label = name.isEmpty() ? trigger.toString() : name + QLatin1Char(' ') + trigger.toString();
            configs.append(config);
        }
    }
    return configs;
}

} // namespace ballast::backtest
