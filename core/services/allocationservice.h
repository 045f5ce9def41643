#pragma once

#include "allocation/allocationmodel.h"
#include "backtest/backtestdata.h"
#include "common/result.h"
#include "market/priceseries.h"

#include <QList>
#include <QString>
#include <QStringList>

#include <cstddef>
#include <vector>

namespace ballast::storage {
class Database;
}

namespace ballast::services {

/// Why weights could not come from price history. The front ends word it.
struct AllocationFailure
{
    enum class Kind {
        NoHistory, ///< an asset has no stored daily prices in the window
        NoMarketCap, ///< a market-cap model, and an asset's history carries none
        TooFewBars, ///< the assets share fewer than 3 bars: too few to estimate risk
        Other, ///< reading, aligning or the model failed: see error
    };
    Kind kind = Kind::Other;
    qsizetype asset = -1; ///< NoHistory, NoMarketCap: the index of the asset
    qsizetype bars = 0; ///< TooFewBars: the bars the assets share
    Error error; ///< Other

    [[nodiscard]] static AllocationFailure other(Error error);
};

template<typename T>
using AllocationResult = Result<T, AllocationFailure>;

/// What "start from a model" asks for: weights for @p assets from one of the
/// allocation models, estimated on their stored daily closes in @p quote.
struct StoredHistoryAllocation
{
    allocation::Model model = allocation::Model::Equal;
    QStringList assets;
    QString quote;
    int windowDays = 365; ///< history used, counted back from nowMs
    qint64 nowMs = 0;
};

/// The allocation-from-history pipeline that `ballast-cli allocate` and the
/// Targets page share: market caps from the newest one in each series, closes
/// aligned on their common times, risk and returns estimated from simple
/// returns annualised by the bar spacing when the model needs them.
class AllocationService
{
public:
    AllocationService() = delete;

    /// True when the model needs price history (estimates or market caps).
    [[nodiscard]] static bool needsHistory(const allocation::AllocationOptions &options);

    /// Weights for options.assets from @p series (one per asset, in the same
    /// order; options.marketCaps is filled from them). @p alignAlways aligns
    /// the series even for a model that needs no estimates, so that series
    /// without common times are refused whatever the model.
    static AllocationResult<allocation::Allocation>
    fromSeries(allocation::AllocationOptions options, const QList<market::PriceSeries> &series, bool alignAlways);

    /// Weights from the stored daily closes (in the order of request.assets).
    static AllocationResult<allocation::Allocation> fromStoredHistory(storage::Database &db,
                                                                      const StoredHistoryAllocation &request);

    /// Starting weights for a backtest or sweep (`--model`, the Backtest
    /// page's model sources) estimated over the whole of @p data (note the
    /// look-ahead: the model sees the period it is then tested on). The model
    /// weighs the first @p pricedColumns assets; columns after them (cash
    /// added with BacktestData::addCash) get 0. One weight per asset of
    /// @p data, summing to 1.
    static Result<std::vector<double>> backtestWeights(const backtest::BacktestData &data, allocation::Model model,
                                                       std::size_t pricedColumns);

private:
    /// Estimates from @p prices (rows are bars) when the model needs risk or
    /// returns; otherwise allocates without them.
    static Result<allocation::Allocation> fromCloses(const allocation::AllocationModel &model,
                                                     const Eigen::MatrixXd &prices, double periodsPerYear);
    static AllocationResult<allocation::Allocation>
    estimate(const allocation::AllocationOptions &options, const QList<market::PriceSeries> &series, bool alignAlways);
};

} // namespace ballast::services
