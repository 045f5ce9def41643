#include "models/decimaltext.h"

namespace ballast::ui {

QString decimalText(const money::Decimal &value, int decimals, const QLocale &locale)
{
    const QString plain = decimals < 0 ? value.toString() : value.toFixed(decimals);
    const bool negative = plain.startsWith(QLatin1Char('-'));
    const QString digits = negative ? plain.mid(1) : plain;
    const qsizetype point = digits.indexOf(QLatin1Char('.'));
    const QString whole = point < 0 ? digits : digits.left(point);
    const QString fraction = point < 0 ? QString() : digits.mid(point + 1);
    QString grouped;
    const QString separator =
        (locale.numberOptions() & QLocale::OmitGroupSeparator) ? QString() : locale.groupSeparator();
    for (qsizetype i = 0; i < whole.size(); ++i) {
        if (i > 0 && (whole.size() - i) % 3 == 0)
            grouped += separator;
        grouped += whole.at(i);
    }
    QString text = negative ? QString(locale.negativeSign() + grouped) : grouped;
    if (!fraction.isEmpty())
        text += locale.decimalPoint() + fraction;
    return text;
}

QString percentText(double fraction, int decimals, const QLocale &locale)
{
    return locale.toString(fraction * 100.0, 'f', decimals) + locale.percent();
}

QString pointsText(double fraction, int decimals, const QLocale &locale)
{
    const QString sign = fraction > 0.0 ? locale.positiveSign() : QString();
    return sign + locale.toString(fraction * 100.0, 'f', decimals) + QStringLiteral(" pp");
}

} // namespace ballast::ui
