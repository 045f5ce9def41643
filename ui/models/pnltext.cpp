#include "models/pnltext.h"

#include "models/decimaltext.h"

#include <QBrush>
#include <QColor>

namespace ballast::ui {

QString signedAmountText(const money::Decimal &value, int decimals, const QLocale &locale)
{
    const QString text = decimalText(value, decimals, locale);
    return value.rounded(decimals).isPositive() ? QString(locale.positiveSign() + text) : text;
}

std::optional<double> pnlFraction(const money::Decimal &pnl, const money::Decimal &cost)
{
    if (!cost.isPositive())
        return std::nullopt;
    return pnl.toDouble() / cost.toDouble();
}

QString signedPercentText(std::optional<double> fraction, const QLocale &locale)
{
    if (!fraction)
        return {};
    const QString text = percentText(*fraction, 2, locale);
    return *fraction > 0.0 && !text.startsWith(locale.positiveSign()) ? QString(locale.positiveSign() + text) : text;
}

QVariant gainForeground(const money::Decimal &value)
{
    if (value.isPositive())
        return QBrush(QColor(0x1e, 0x7b, 0x3a));
    if (value.isNegative())
        return QBrush(QColor(0xb0, 0x3a, 0x2e));
    return {};
}

QString utcMinuteText(const QDateTime &time)
{
    return time.isValid() ? time.toUTC().toString(QStringLiteral("yyyy-MM-dd HH:mm")) : QString();
}

} // namespace ballast::ui
