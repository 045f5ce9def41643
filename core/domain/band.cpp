#include "domain/band.h"

#include "common/numberparse.h"

#include <cmath>

namespace ballast::domain {

QString Band::toString() const
{
    const double shown = value * 100.0;
    const QString number = QString::number(shown, 'g', 12);
    return kind == Kind::Absolute ? number + QStringLiteral("pp") : number + QStringLiteral("%");
}

Result<Band> Band::parse(const QString &text)
{
    const QString trimmed = text.trimmed();
    Band band;
    QStringView number;
    if (trimmed.endsWith(QLatin1String("pp"))) {
        band.kind = Kind::Absolute;
        number = QStringView(trimmed).chopped(2);
    } else if (trimmed.endsWith(QLatin1Char('%'))) {
        band.kind = Kind::Relative;
        number = QStringView(trimmed).chopped(1);
    } else {
        return makeError(
            QStringLiteral("band.syntax"),
            QStringLiteral("band \"%1\" needs a unit: \"5pp\" (percentage points) or \"25%\" (relative)").arg(text));
    }
    const auto percent = numbers::parseDouble(number, QStringLiteral("band"), numbers::Range::open(0.0, 100.0));
    if (!percent) {
        return makeError(QStringLiteral("band.range"),
                         QStringLiteral("band \"%1\" must be a number above 0 and below 100").arg(text));
    }
    band.value = *percent / 100.0;
    return band;
}

} // namespace ballast::domain
