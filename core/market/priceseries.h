#pragma once

#include "domain/pricepoint.h"
#include "market/csvlayout.h"
#include "market/importreport.h"

#include <QList>
#include <QString>

namespace ballast::market {

/// One imported price history: candles of one asset in one quote at one
/// interval, oldest first, unique open times, plus how the file was read.
struct PriceSeries
{
    QString asset; ///< "BTC"
    QString quote; ///< "USDT", "USD"
    QString interval; ///< "1m", "1h", "1d"...
    QList<domain::Candle> candles; ///< ascending open time, no duplicates
    CsvLayout layout = CsvLayout::Unknown;
    QString file; ///< as given to the importer
    ImportReport report;
};

} // namespace ballast::market
