#pragma once

#include <QtGlobal>

#include <initializer_list>

namespace ballast::market {

/// Where a price file's times may sit, shared by PriceImporter and the
/// backtest's CloseParser so that both accept and refuse the same files.
namespace candlegrid {

inline constexpr qint64 kMsPerDay = 86'400'000;

/// The grid of open times of an interval: its multiples since the epoch for
/// intervals that divide a day, whole days for the longer ones.
[[nodiscard]] constexpr qint64 gridOf(qint64 intervalMs)
{
    return intervalMs > 0 && intervalMs <= kMsPerDay && kMsPerDay % intervalMs == 0 ? intervalMs : kMsPerDay;
}

/// How a row's time sits on @p grid: 0 on it (an open time), 1000 or 1 when
/// it is that many milliseconds before a grid point (a close stamp such as
/// 23:59:59 or Binance's 23:59:59.999), -1 anywhere else.
[[nodiscard]] constexpr qint64 stampKind(qint64 timeMs, qint64 grid)
{
    for (const qint64 kind : {qint64{0}, qint64{1000}, qint64{1}}) {
        if ((timeMs + kind) % grid == 0)
            return kind;
    }
    return -1;
}

} // namespace candlegrid

} // namespace ballast::market
