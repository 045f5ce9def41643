#pragma once

#include "money/decimal.h"

#include <QDateTime>
#include <QLocale>
#include <QString>
#include <QVariant>

#include <optional>

namespace ballast::ui {

/// A gain or loss as a person reads it: exact, rounded half-even to
/// @p decimals, with its sign ("+1,250.00", "-80.50", "0.00").
QString signedAmountText(const money::Decimal &value, int decimals = 2, const QLocale &locale = QLocale());

/// @p pnl as a fraction of @p cost; none when the cost is not positive (a lot
/// received for nothing has no percentage).
std::optional<double> pnlFraction(const money::Decimal &pnl, const money::Decimal &cost);

/// A fraction as a signed percentage ("+12.50%"), or an empty text for none.
QString signedPercentText(std::optional<double> fraction, const QLocale &locale = QLocale());

/// The foreground of a gain (green) or a loss (red); nothing for zero. These
/// are the colours of buys and sells elsewhere in the window.
QVariant gainForeground(const money::Decimal &value);

/// A time of the cost-basis reports: UTC to the minute, "2025-03-10 14:05".
QString utcMinuteText(const QDateTime &time);

} // namespace ballast::ui
