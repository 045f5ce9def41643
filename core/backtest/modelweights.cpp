#include "backtest/modelweights.h"

#include <algorithm>

namespace ballast::backtest {

Result<std::vector<double>> modelWeights(const BacktestData &data, allocation::Model model, std::size_t pricedColumns)
{
    pricedColumns = std::min(pricedColumns, data.width());
    if (pricedColumns == 0)
        return makeError(QStringLiteral("backtest.weights"), QStringLiteral("a model needs at least one priced asset"));
    allocation::AllocationOptions options;
    options.model = model;
    options.assets = data.assets.mid(0, static_cast<qsizetype>(pricedColumns));
    const allocation::AllocationModel allocator(options);
    Result<allocation::Allocation> allocated = makeError(QStringLiteral("backtest.weights"), QStringLiteral("not run"));
    if (allocator.needsCovariance() || allocator.needsMeans()) {
        const auto rows = static_cast<Eigen::Index>(data.bars());
        const auto cols = static_cast<Eigen::Index>(pricedColumns);
        Eigen::MatrixXd prices(rows, cols);
        for (Eigen::Index r = 0; r < rows; ++r) {
            for (Eigen::Index c = 0; c < cols; ++c)
                prices(r, c) = data.close(static_cast<std::size_t>(r), static_cast<std::size_t>(c));
        }
        allocation::EstimationOptions estimation;
        estimation.periodsPerYear = 365.0 * data.barsPerDay;
        allocated = allocator.allocateFromPrices(prices, estimation);
    } else {
        allocated = allocator.allocate(static_cast<int>(pricedColumns));
    }
    if (!allocated)
        return allocated.error();
    std::vector<double> weights(allocated->weights.data(), allocated->weights.data() + allocated->weights.size());
    weights.resize(data.width(), 0.0);
    return weights;
}

} // namespace ballast::backtest
