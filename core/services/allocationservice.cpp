#include "services/allocationservice.h"

#include "market/pricealignment.h"
#include "services/ledgerqueries.h"
#include "storage/database.h"

#include <algorithm>

namespace ballast::services {

namespace {

constexpr qint64 kDayMs = 24LL * 3600 * 1000;

bool byMarketCap(allocation::Model model)
{
    return model == allocation::Model::MarketCap || model == allocation::Model::SqrtMarketCap;
}

/// The newest market capitalisation in the series; 0 when it carries none.
double latestMarketCap(const market::PriceSeries &series)
{
    double cap = 0.0;
    for (const auto &candle : series.candles) {
        if (candle.marketCap > 0.0)
            cap = candle.marketCap;
    }
    return cap;
}

} // namespace

AllocationFailure AllocationFailure::other(Error error)
{
    AllocationFailure failure;
    failure.error = std::move(error);
    return failure;
}

bool AllocationService::needsHistory(const allocation::AllocationOptions &options)
{
    const allocation::AllocationModel probe(options);
    return probe.needsCovariance() || probe.needsMeans() || byMarketCap(options.model);
}

AllocationResult<allocation::Allocation> AllocationService::fromSeries(allocation::AllocationOptions options,
                                                                       const QList<market::PriceSeries> &series,
                                                                       bool alignAlways)
{
    if (byMarketCap(options.model)) {
        options.marketCaps.clear();
        for (qsizetype i = 0; i < series.size(); ++i) {
            const double cap = latestMarketCap(series[i]);
            if (cap <= 0.0) {
                AllocationFailure failure;
                failure.kind = AllocationFailure::Kind::NoMarketCap;
                failure.asset = i;
                return failure;
            }
            options.marketCaps.push_back(cap);
        }
    }
    return estimate(options, series, alignAlways);
}

AllocationResult<allocation::Allocation> AllocationService::fromStoredHistory(storage::Database &db,
                                                                              const StoredHistoryAllocation &request)
{
    allocation::AllocationOptions options;
    options.model = request.model;
    options.assets = request.assets;
    if (!needsHistory(options)) {
        auto allocated = allocation::AllocationModel(options).allocate(static_cast<int>(request.assets.size()));
        if (!allocated)
            return AllocationFailure::other(allocated.error());
        return *allocated;
    }
    const qint64 from = request.nowMs - static_cast<qint64>(request.windowDays) * kDayMs;
    LedgerQueries queries(db);
    QList<market::PriceSeries> series;
    for (qsizetype i = 0; i < request.assets.size(); ++i) {
        const QString &asset = request.assets[i];
        auto candles = queries.candles(asset, request.quote, QStringLiteral("1d"), from, request.nowMs);
        if (!candles)
            return AllocationFailure::other(candles.error());
        if (candles->isEmpty()) {
            AllocationFailure failure;
            failure.kind = AllocationFailure::Kind::NoHistory;
            failure.asset = i;
            return failure;
        }
        market::PriceSeries one;
        one.asset = asset;
        one.quote = request.quote;
        one.interval = QStringLiteral("1d");
        one.candles = *candles;
        series.append(one);
        if (byMarketCap(options.model)) {
            const double cap = latestMarketCap(one);
            if (cap <= 0.0) {
                AllocationFailure failure;
                failure.kind = AllocationFailure::Kind::NoMarketCap;
                failure.asset = i;
                return failure;
            }
            options.marketCaps.push_back(cap);
        }
    }
    return estimate(options, series, false);
}

AllocationResult<allocation::Allocation> AllocationService::estimate(const allocation::AllocationOptions &options,
                                                                     const QList<market::PriceSeries> &series,
                                                                     bool alignAlways)
{
    const allocation::AllocationModel model(options);
    if (!model.needsCovariance() && !model.needsMeans()) {
        if (alignAlways) {
            if (auto aligned = market::PriceAlignment::align(series); !aligned)
                return AllocationFailure::other(aligned.error());
        }
        auto allocated = model.allocate(static_cast<int>(options.assets.size()));
        if (!allocated)
            return AllocationFailure::other(allocated.error());
        return *allocated;
    }
    auto aligned = market::PriceAlignment::align(series);
    if (!aligned)
        return AllocationFailure::other(aligned.error());
    const auto rows = static_cast<Eigen::Index>(aligned->times.size());
    const auto cols = static_cast<Eigen::Index>(aligned->closes.size());
    if (rows < 3) {
        AllocationFailure failure;
        failure.kind = AllocationFailure::Kind::TooFewBars;
        failure.bars = static_cast<qsizetype>(rows);
        return failure;
    }
    Eigen::MatrixXd prices(rows, cols);
    for (Eigen::Index c = 0; c < cols; ++c) {
        for (Eigen::Index r = 0; r < rows; ++r)
            prices(r, c) = aligned->closes[c][r];
    }
    const double spacing = static_cast<double>(aligned->times[1] - aligned->times[0]);
    auto allocated = fromCloses(model, prices, 365.0 * 86400000.0 / std::max(1.0, spacing));
    if (!allocated)
        return AllocationFailure::other(allocated.error());
    return *allocated;
}

} // namespace ballast::services
