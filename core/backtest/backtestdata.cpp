#include "backtest/backtestdata.h"

#include "market/pricealignment.h"
#include "market/priceimporter.h"

#include <algorithm>

namespace ballast::backtest {

void BacktestData::addCash(const QString &symbol)
{
    const std::size_t oldWidth = width();
    std::vector<double> widened;
    widened.reserve(bars() * (oldWidth + 1));
    for (std::size_t t = 0; t < bars(); ++t) {
        widened.insert(widened.end(), closes.begin() + static_cast<std::ptrdiff_t>(t * oldWidth),
                       closes.begin() + static_cast<std::ptrdiff_t>((t + 1) * oldWidth));
        widened.push_back(1.0);
    }
    closes = std::move(widened);
    assets.append(symbol);
}

Result<BacktestData> BacktestData::fromColumns(const QStringList &assets, const std::vector<qint64> &times,
                                               const std::vector<std::vector<double>> &columns)
{
    if (static_cast<std::size_t>(assets.size()) != columns.size())
        return makeError(QStringLiteral("backtest.data"), QStringLiteral("one price column per asset is needed"));
    BacktestData data;
    data.assets = assets;
    data.times = times;
    data.closes.resize(times.size() * columns.size());
    for (std::size_t i = 0; i < columns.size(); ++i) {
        if (columns[i].size() != times.size()) {
            return makeError(QStringLiteral("backtest.data"),
                             QStringLiteral("%1 has %2 prices for %3 bars")
                                 .arg(assets[static_cast<qsizetype>(i)])
                                 .arg(columns[i].size())
                                 .arg(times.size()));
        }
        for (std::size_t t = 0; t < times.size(); ++t) {
            const double price = columns[i][t];
            if (!(price > 0.0)) {
                return makeError(
                    QStringLiteral("backtest.data"),
                    QStringLiteral("%1 has no positive price at bar %2").arg(assets[static_cast<qsizetype>(i)]).arg(t));
            }
            data.closes[t * columns.size() + i] = price;
        }
    }
    if (times.size() >= 2) {
        std::vector<qint64> gaps;
        for (std::size_t t = 1; t < times.size(); ++t)
            gaps.push_back(times[t] - times[t - 1]);
        std::nth_element(gaps.begin(), gaps.begin() + static_cast<std::ptrdiff_t>(gaps.size() / 2), gaps.end());
        const qint64 spacing = gaps[gaps.size() / 2];
        if (spacing > 0)
            data.barsPerDay = 86400000.0 / static_cast<double>(spacing);
    }
    return data;
}

Result<BacktestData> BacktestData::load(const QList<std::pair<QString, QString>> &assetFiles, QDate from, QDate to)
{
    QList<market::PriceSeries> series;
    for (const auto &[asset, file] : assetFiles) {
        market::ImportOptions options;
        options.asset = asset;
        auto read = market::PriceImporter::readFile(file, options);
        if (!read)
            return read.error();
        read->asset = asset;
        series.append(*read);
    }
    return fromSeries(series, from, to);
}

Result<BacktestData> BacktestData::fromSeries(const QList<market::PriceSeries> &series, QDate from, QDate to)
{
    QList<market::PriceSeries> cut;
    QStringList assets;
    for (const auto &one : series) {
        cut.append(from.isValid() || to.isValid() ? market::PriceAlignment::filtered(
                       one, from.isValid() ? from : QDate(1970, 1, 1), to.isValid() ? to : QDate(9999, 12, 31))
                                                  : one);
        assets.append(one.asset);
    }
    auto aligned = market::PriceAlignment::align(cut);
    if (!aligned)
        return aligned.error();
    if (aligned->times.size() < 2) {
        return makeError(
            QStringLiteral("backtest.data"),
            QStringLiteral("the price series share %1 bar(s) in the chosen dates; a backtest needs at least 2")
                .arg(aligned->times.size()));
    }
    std::vector<qint64> times(aligned->times.cbegin(), aligned->times.cend());
    std::vector<std::vector<double>> columns;
    for (const auto &column : aligned->closes)
        columns.emplace_back(column.cbegin(), column.cend());
    return fromColumns(assets, times, columns);
}

} // namespace ballast::backtest
