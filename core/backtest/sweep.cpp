#include "backtest/sweep.h"

#include <QtConcurrent/QtConcurrentMap>

namespace ballast::backtest {

QFuture<BacktestResult> Sweep::start(const std::shared_ptr<const BacktestData> &data, QList<BacktestConfig> configs)
{
    return QtConcurrent::mapped(std::move(configs), [data](const BacktestConfig &config) {
        auto result = Backtester::run(*data, config);
        if (result)
            return *result;
        BacktestResult failed;
        failed.label = config.label;
        failed.error = result.error().message;
        return failed;
    });
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
