// AllocationService's weights from closes in memory (a backtest's aligned
// files): in a file of their own, apart from the stored history, so that
// ballast-cli's backtest and sweep from files link no SQLite.
#include "services/allocationservice.h"

#include <algorithm>

namespace ballast::services {

Result<allocation::Allocation> AllocationService::fromCloses(const allocation::AllocationModel &model,
                                                             const Eigen::MatrixXd &prices, double periodsPerYear)
{
    if (!model.needsCovariance() && !model.needsMeans())
        return model.allocate(static_cast<int>(prices.cols()));
    allocation::EstimationOptions estimation;
    estimation.periodsPerYear = periodsPerYear;
    return model.allocateFromPrices(prices, estimation);
}

Result<std::vector<double>> AllocationService::backtestWeights(const backtest::BacktestData &data,
                                                               allocation::Model model, std::size_t pricedColumns)
{
    pricedColumns = std::min(pricedColumns, data.width());
    if (pricedColumns == 0)
        return makeError(QStringLiteral("backtest.weights"), QStringLiteral("a model needs at least one priced asset"));
    allocation::AllocationOptions options;
    options.model = model;
    options.assets = data.assets.mid(0, static_cast<qsizetype>(pricedColumns));
    const allocation::AllocationModel allocator(options);
    const auto rows = static_cast<Eigen::Index>(data.bars());
    const auto cols = static_cast<Eigen::Index>(pricedColumns);
    Eigen::MatrixXd prices(rows, cols);
    for (Eigen::Index r = 0; r < rows; ++r) {
        for (Eigen::Index c = 0; c < cols; ++c)
            prices(r, c) = data.close(static_cast<std::size_t>(r), static_cast<std::size_t>(c));
    }
    auto allocated = fromCloses(allocator, prices, 365.0 * data.barsPerDay);
    if (!allocated)
        return allocated.error();
    std::vector<double> weights(allocated->weights.data(), allocated->weights.data() + allocated->weights.size());
    weights.resize(data.width(), 0.0);
    return weights;
}

} // namespace ballast::services
