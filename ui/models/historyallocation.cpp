#include "models/historyallocation.h"

#include "services/allocationservice.h"
#include "storage/database.h"

#include <QCoreApplication>

namespace ballast::ui {

namespace {

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
    services::StoredHistoryAllocation stored;
    stored.model = request.model;
    stored.assets = request.assets;
    stored.quote = request.quote;
    stored.windowDays = request.windowDays;
    stored.nowMs = request.nowMs;
    auto allocated = services::AllocationService::fromStoredHistory(db, stored);
    if (!allocated) {
        const services::AllocationFailure &failure = allocated.error();
        const QString asset =
            failure.asset >= 0 && failure.asset < request.assets.size() ? request.assets[failure.asset] : QString();
        switch (failure.kind) {
        case services::AllocationFailure::Kind::NoHistory:
            return makeError(
                QStringLiteral("allocate.data"),
                HistoryAllocationText::tr("%1: no daily prices in %2 stored for the last %3 days; import its history "
                                          "(File > Import Price History) or leave it out of the model")
                    .arg(asset, request.quote)
                    .arg(request.windowDays));
        case services::AllocationFailure::Kind::NoMarketCap:
            return makeError(QStringLiteral("allocate.market_cap"),
                             HistoryAllocationText::tr("%1: no market capitalisation in its stored history (CoinGecko "
                                                       "exports carry it)")
                                 .arg(asset));
        case services::AllocationFailure::Kind::TooFewBars:
            return makeError(QStringLiteral("allocate.data"),
                             HistoryAllocationText::tr("the assets share %1 daily price(s); estimating risk needs more")
                                 .arg(failure.bars));
        case services::AllocationFailure::Kind::Other:
            break;
        }
        return failure.error;
    }
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
