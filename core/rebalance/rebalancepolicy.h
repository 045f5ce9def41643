#pragma once

#include "common/result.h"
#include "domain/band.h"
#include "domain/portfolio.h"
#include "money/decimal.h"
#include "rebalance/planner.h"
#include "rebalance/rebalanceplan.h"
#include "rebalance/taxpreferences.h"
#include "rebalance/trigger.h"

#include <QJsonObject>
#include <QStringList>

#include <optional>
#include <vector>

namespace ballast::rebalance {

/// A portfolio's standing rebalancing policy: when to rebalance (the rule),
/// how far to trade (the mode), the limits on a plan, the tax preferences and
/// how often exchange accounts are synced. The live check and the backtester
/// read the same object, so both decide alike.
struct RebalancePolicy
{
    static constexpr int kMinSyncSeconds = 60; ///< exchanges rate-limit: no faster automatic sync
    static constexpr int kMaxSyncSeconds = 7 * 86400;

    /// Without a band of its own by default: "threshold" = outside the bands.
    Trigger rule = Trigger::threshold();
    /// Replaces every band of the portfolio (its default and each target's)
    /// when the rule has no band of its own; none = the portfolio's bands.
    std::optional<domain::Band> band;
    PlanMode mode;
    money::Decimal minTrade; ///< in the quote currency; zero = none
    std::optional<double> maxTurnover; ///< one-way, a fraction of the value
    QStringList excluded; ///< held but never traded, and never a reason to rebalance
    std::optional<double> fallingGuard; ///< no more buying of an asset this far below its peak
    TaxPreferences tax;
    int syncIntervalSeconds = 0; ///< automatic read-only sync of exchange accounts; 0 = off

    /// The rule as the check and the backtester apply it: without a band of
    /// its own, which halfWidths() carries instead, so that an excluded asset
    /// can keep out of it.
    [[nodiscard]] Trigger trigger() const;
    /// The band the policy names for every asset: the rule's own, else the
    /// policy's `band`; none = the portfolio's bands.
    [[nodiscard]] std::optional<domain::Band> namedBand() const;
    /// @p portfolio with the bands the policy applies: with a named band, it
    /// replaces the default band and every target's band, except the bands
    /// of excluded assets, which stay the portfolio's. What the valuation
    /// snapshot, the plan's band edge and the drift bars read, so that they
    /// agree with halfWidths().
    [[nodiscard]] domain::Portfolio withBands(const domain::Portfolio &portfolio) const;
    /// The band half-width of each of @p assets around its target in
    /// @p portfolio, as withBands() gives it (the named band, else the
    /// portfolio's: each target's own or its default); an excluded asset
    /// gets 1, so that it never breaks its band.
    [[nodiscard]] std::vector<double> halfWidths(const domain::Portfolio &portfolio, const QStringList &assets) const;
    /// The plan limits a prepared plan is made with.
    [[nodiscard]] PlanConstraints constraints() const;

    /// camelCase fields; every field is written.
    [[nodiscard]] QJsonObject toJson() const;
    /// Missing fields take their defaults; an unknown field or a wrong value
    /// is an error that names the field ("maxTurnover: ...", "tax.cashFirst: ...").
    static Result<RebalancePolicy> fromJson(const QJsonObject &json);
    /// What is wrong with the values, naming the field; nothing when valid.
    [[nodiscard]] Status validate() const;

    bool operator==(const RebalancePolicy &other) const;
};

/// "90s", "15m", "1h", "1d", "500ms": a duration in milliseconds; the error
/// names @p field.
Result<qint64> parseDuration(const QString &text, const QString &field);
/// The shortest of those forms that is exact ("15m", "90s").
QString durationText(qint64 ms);

} // namespace ballast::rebalance
