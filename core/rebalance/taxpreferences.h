#pragma once

#include "analytics/costbasis.h"
#include "common/result.h"
#include "money/decimal.h"

#include <QJsonObject>

#include <optional>

namespace ballast::rebalance {

/// How a rebalance treats tax: which lots a sale takes and the limits on the
/// gains it realizes. Part of a portfolio's rebalancing policy; every limit is
/// optional and off by default.
struct TaxPreferences
{
    analytics::LotSelection lotSelection = analytics::LotSelection::Hifo;
    int longTermDays = 365; ///< a lot is long term when held MORE than this many days
    /// The most gain (short + long term, net of the plan's losses) one plan may
    /// realize, in the quote currency; the planner trades less when it binds.
    std::optional<money::Decimal> maxRealizedGain;
    /// Lots younger than this many days are not sold ...
    int minLotAgeDays = 0;
    /// ... unless their asset is outside its band by more than this (a fraction:
    /// 0.05 = 5 percentage points beyond the band edge).
    double youngLotOverride = 0.0;
    /// Buy with the cash already held (and new deposits) before selling anything.
    bool cashFirst = false;
    /// List lots whose sale would realize a loss larger than this (quote
    /// currency, a positive number) as harvestable; none = no list.
    std::optional<money::Decimal> harvestLossThreshold;

    [[nodiscard]] QJsonObject toJson() const;
    /// Errors name the field ("tax.longTermDays: ...").
    static Result<TaxPreferences> fromJson(const QJsonObject &json);

    bool operator==(const TaxPreferences &) const = default;
};

[[nodiscard]] QString
lotSelectionName(analytics::LotSelection selection); ///< "fifo", "hifo", "least-gain", "long-term"
[[nodiscard]] std::optional<analytics::LotSelection> lotSelectionFromName(const QString &name);

} // namespace ballast::rebalance
