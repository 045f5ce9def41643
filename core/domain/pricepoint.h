#pragma once

#include "money/decimal.h"

#include <QDateTime>
#include <QString>

namespace ballast::domain {

/// An exact price of one asset in a quote currency at one time, as used for
/// valuation. `source` says where it came from ("manual", "sync", "simulated",
/// "import"); simulated prices must be labelled as such wherever they are shown.
struct PricePoint
{
    QString asset;
    QString quote;
    QDateTime time; ///< UTC
    money::Decimal price;
    QString source;

    [[nodiscard]] bool isSimulated() const { return source == QLatin1String("simulated"); }
    bool operator==(const PricePoint &) const = default;
};

/// One OHLCV bar of price history, identified by its open time (UTC). History
/// feeds analytics and backtests, so it is held in doubles.
struct Candle
{
    qint64 openTimeMs = 0; ///< milliseconds since the epoch, UTC
    double open = 0;
    double high = 0;
    double low = 0;
    double close = 0;
    double volume = 0;
    double marketCap = 0; ///< in the quote currency where the source has it (CoinGecko); 0 = unknown

    bool operator==(const Candle &) const = default;
};

} // namespace ballast::domain
