#include "models/historyallocation.h"

#include "market/pricealignment.h"
#include "market/priceseries.h"
#include "storage/database.h"
#include "storage/pricestore.h"

#include <QCoreApplication>

#include <algorithm>

namespace ballast::ui {

namespace {

constexpr qint64 kDayMs = 24LL * 3600 * 1000;

/// The translation context of this file's texts.
struct HistoryAllocationText
{
    Q_DECLARE_TR_FUNCTIONS(ballast::ui::HistoryAllocation)
};

} // namespace

QList<std::pair<allocation::Model, QString>> HistoryAllocation::models()
{
    return {
        {allocation::Model::Equal, HistoryAllocationText::tr("Equal weights")},
        {allocation::Model::InverseVolatility, HistoryAllocationText::tr("Inverse volatility")},
        {allocation::Model::EqualRiskContribution, HistoryAllocationText::tr("Risk parity (equal risk contribution)")},
        {allocation::Model::MinimumVariance, HistoryAllocationText::tr("Minimum variance")},
        {allocation::Model::MaximumSharpe, HistoryAllocationText::tr("Maximum Sharpe")},
        {allocation::Model::MarketCap, HistoryAllocationText::tr("Market cap")},
        {allocation::Model::SqrtMarketCap, HistoryAllocationText::tr("Square-root market cap")}};
}

Result<QList<double>> HistoryAllocation::compute(storage::Database &db, const HistoryAllocationRequest &request)
{
    if (request.assets.isEmpty())
        return makeError(QStringLiteral("allocate.assets"),
                         HistoryAllocationText::tr("Add the assets to allocate first."));
    allocation::AllocationOptions options;
    options.model = request.model;
    options.assets = request.assets;
    const allocation::AllocationModel probe(options);
    const bool byCap =
        request.model == allocation::Model::MarketCap || request.model == allocation::Model::SqrtMarketCap;
    const bool needsHistory = probe.needsCovariance() || probe.needsMeans() || byCap;

    Result<allocation::Allocation> allocated = makeError(QStringLiteral("allocate"), QStringLiteral("not run"));
    if (!needsHistory) {
        allocated = probe.allocate(static_cast<int>(request.assets.size()));
    } else {
        const qint64 from = request.nowMs - static_cast<qint64>(request.windowDays) * kDayMs;
        QList<market::PriceSeries> series;
        storage::PriceStore store(db);
        for (const QString &asset : request.assets) {
            auto candles = store.candles(asset, request.quote, QStringLiteral("1d"), from, request.nowMs);
            if (!candles)
                return candles.error();
            if (candles->isEmpty()) {
                return makeError(QStringLiteral("allocate.data"),
                                 HistoryAllocationText::tr(
                                     "%1: no daily prices in %2 stored for the last %3 days; import its history "
                                     "(File > Import Price History) or leave it out of the model")
                                     .arg(asset, request.quote)
                                     .arg(request.windowDays));
            }
            market::PriceSeries one;
            one.asset = asset;
            one.quote = request.quote;
            one.interval = QStringLiteral("1d");
            one.candles = *candles;
            series.append(one);
            if (byCap) {
                double cap = 0.0;
                for (const auto &candle : one.candles) {
                    if (candle.marketCap > 0.0)
                        cap = candle.marketCap; // the newest known in the range
                }
                if (cap <= 0.0) {
                    return makeError(QStringLiteral("allocate.market_cap"),
                                     HistoryAllocationText::tr(
                                         "%1: no market capitalisation in its stored history (CoinGecko exports "
                                         "carry it)")
                                         .arg(asset));
                }
                options.marketCaps.push_back(cap);
            }
        }
        const allocation::AllocationModel model(options);
        if (byCap) {
            allocated = model.allocate(static_cast<int>(request.assets.size()));
        } else {
            auto aligned = market::PriceAlignment::align(series);
            if (!aligned)
                return aligned.error();
            const auto rows = static_cast<Eigen::Index>(aligned->times.size());
            const auto cols = static_cast<Eigen::Index>(aligned->closes.size());
            if (rows < 3) {
                return makeError(
                    QStringLiteral("allocate.data"),
                    HistoryAllocationText::tr("the assets share %1 daily price(s); estimating risk needs more")
                        .arg(rows));
            }
            Eigen::MatrixXd prices(rows, cols);
            for (Eigen::Index c = 0; c < cols; ++c) {
                for (Eigen::Index r = 0; r < rows; ++r)
                    prices(r, c) = aligned->closes[c][r];
            }
            allocation::EstimationOptions estimation;
            const double spacing = static_cast<double>(aligned->times[1] - aligned->times[0]);
            estimation.periodsPerYear = 365.0 * 86400000.0 / std::max(1.0, spacing);
            allocated = model.allocateFromPrices(prices, estimation);
        }
    }
    if (!allocated)
        return allocated.error();
    QList<double> weights;
    for (Eigen::Index i = 0; i < allocated->weights.size(); ++i)
        weights.append(allocated->weights(i));
    return weights;
}

Result<QList<double>> HistoryAllocation::compute(const QString &databasePath, const HistoryAllocationRequest &request)
{
    auto db = storage::Database::open(databasePath);
    if (!db)
        return db.error();
    return compute(**db, request);
}

} // namespace ballast::ui
