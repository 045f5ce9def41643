#pragma once

#include "analytics/costbasis.h"
#include "domain/fill.h"
#include "domain/valuation.h"
#include "io/csvwriter.h"
#include "rebalance/snapshot.h"

#include <QDateTime>

namespace ballast::io {

/// The tables Ballast exports, shared by ballast-cli and the GUI so that both
/// write the same CSV. Timestamps ISO 8601 UTC, decimals exact, '.' separator.
class Exports
{
public:
    static QString isoUtc(const QDateTime &time);
    /// One row per holding (account, network) with its price and value.
    static CsvTable holdings(const rebalance::Snapshot &snapshot);
    /// The stored valuation history of a portfolio.
    static CsvTable valuations(const QString &portfolio, const QList<domain::Valuation> &rows);
    /// Every fill, oldest first: what was really traded, with its fee.
    static CsvTable trades(const QList<std::pair<QString, domain::Fill>> &fills);
    /// The gains report: one row per disposal of (part of) a lot, with its
    /// holding period and term, and why it happened (kind).
    static CsvTable gains(const QList<analytics::Disposal> &disposals);
};

} // namespace ballast::io
