#pragma once

#include "money/decimal.h"

#include <QLocale>
#include <QString>

namespace ballast::ui {

/// How the holdings and targets pages show numbers to a person: localised,
/// with as many decimals as the magnitude needs. Exports use exact text
/// instead (Decimal::toString).
class NumberFormat
{
public:
    explicit NumberFormat(const QLocale &locale = QLocale())
        : m_locale(locale)
    {
    }

    /// A quantity with up to 8 decimals, trailing zeros dropped.
    [[nodiscard]] QString quantity(const money::Decimal &value) const;
    /// A price: 2 decimals from 100 up, 4 from 1, 8 below.
    [[nodiscard]] QString price(const money::Decimal &value) const;
    /// An amount of the quote currency, 2 decimals.
    [[nodiscard]] QString amount(const money::Decimal &value) const;
    /// A fraction as a percentage, "40.00 %".
    [[nodiscard]] QString percent(double fraction, int decimals = 2) const;
    /// A difference of weights in percentage points, signed: "+1.25 pp".
    [[nodiscard]] QString points(double fraction) const;
    /// An exact decimal with at most @p maxDecimals decimals, trailing zeros dropped.
    [[nodiscard]] QString decimal(const money::Decimal &value, int maxDecimals) const;

private:
    QLocale m_locale;
};

} // namespace ballast::ui
