#pragma once

#include "allocation/allocationmodel.h"
#include "backtest/backtestdata.h"
#include "common/result.h"

#include <cstddef>
#include <vector>

namespace ballast::backtest {

/// Starting weights for a backtest from an allocation model estimated over the
/// whole of @p data (note the look-ahead: the model sees the period it is then
/// tested on). The models weigh the first @p pricedColumns assets; columns
/// after them (cash added with BacktestData::addCash) get 0. One weight per
/// asset of @p data, summing to 1.
Result<std::vector<double>> modelWeights(const BacktestData &data, allocation::Model model, std::size_t pricedColumns);

} // namespace ballast::backtest
