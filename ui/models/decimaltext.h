#pragma once

#include "money/decimal.h"

#include <QLocale>
#include <QString>

namespace ballast::ui {

/// An exact decimal as a person reads it in their locale: group separators,
/// the locale's decimal point, and either every significant digit
/// (@p decimals < 0, for quantities) or exactly @p decimals digits (amounts).
/// Exports use Decimal::toString() instead.
QString decimalText(const money::Decimal &value, int decimals = -1, const QLocale &locale = QLocale());

/// A fraction as a percentage ("12.34%") in the locale.
QString percentText(double fraction, int decimals = 2, const QLocale &locale = QLocale());

/// A weight difference in percentage points ("+1.20 pp").
QString pointsText(double fraction, int decimals = 2, const QLocale &locale = QLocale());

} // namespace ballast::ui
