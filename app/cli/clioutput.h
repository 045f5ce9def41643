#pragma once

#include "common/result.h"
#include "rebalance/rebalanceplan.h"

#include <QJsonDocument>
#include <QList>
#include <QString>
#include <QStringList>

namespace ballast::cli {

/// Writes what ballast-cli prints: aligned text tables for people, compact
/// JSON for scripts, and one-line errors on stderr.
class CliOutput
{
public:
    static void line(const QString &text);
    static void json(const QJsonDocument &document);
    /// JSON already written out compactly (what json() prints for its document).
    static void compactJson(const QByteArray &text);
    static void error(const QString &message);
    /// A wrong command line: @p message and a pointer to --help on stderr; returns 2, the exit code.
    static int usageError(const QString &message);
    /// A failed command: the error's message on stderr; returns 1, the exit code.
    static int fail(const Error &error);
    /// A plain text table; columns whose header starts with '>' are right-aligned.
    static void table(const QStringList &header, const QList<QStringList> &rows);
    static QString percent(double fraction, int decimals = 2);
    /// A difference of two percentages (drift, premium) in percentage points:
    /// "+1.23pp" / "-0.40pp", never "-0.00pp". Weights stay in percent().
    static QString signedPoints(double fraction);
    /// A plan as a person reads it: orders, what is left out, weights after, totals.
    static void plan(const rebalance::RebalancePlan &plan);
    /// The lots the plan's sales take, the estimated gain and the harvestable losses.
    static void planTax(const rebalance::RebalancePlan &plan);
};

} // namespace ballast::cli
