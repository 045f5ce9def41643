#include "models/numberformat.h"

#include <algorithm>

namespace ballast::ui {

QString NumberFormat::decimal(const money::Decimal &value, int maxDecimals) const
{
    const money::Decimal rounded = value.rounded(maxDecimals);
    const int decimals = std::min(rounded.scale(), maxDecimals);
    return m_locale.toString(rounded.toDouble(), 'f', decimals);
}

QString NumberFormat::quantity(const money::Decimal &value) const
{
    return decimal(value, 8);
}

QString NumberFormat::price(const money::Decimal &value) const
{
    const double magnitude = value.abs().toDouble();
    const int decimals = magnitude >= 100.0 ? 2 : magnitude >= 1.0 ? 4 : 8;
    const money::Decimal rounded = value.rounded(decimals);
    return m_locale.toString(rounded.toDouble(), 'f', std::max(2, std::min(rounded.scale(), decimals)));
}

QString NumberFormat::amount(const money::Decimal &value) const
{
    return m_locale.toString(value.rounded(2).toDouble(), 'f', 2);
}

QString NumberFormat::percent(double fraction, int decimals) const
{
    return QString(m_locale.toString(fraction * 100.0, 'f', decimals) + QStringLiteral(" %"));
}

QString NumberFormat::points(double fraction) const
{
    const QString number = m_locale.toString(fraction * 100.0, 'f', 2);
    return QString((fraction > 0.0 ? QString(m_locale.positiveSign()) : QString()) + number + QStringLiteral(" pp"));
}

} // namespace ballast::ui
