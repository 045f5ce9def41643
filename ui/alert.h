#pragma once

#include <QMetaType>
#include <QString>
#include <QtGlobal>

namespace ballast::ui {

/// Something the person should look at, shown in the Alerts panel and as a
/// tray notification.
struct Alert
{
    enum class Kind { Drift, VolatilityRegime, Correlation, FallingAsset, Execution, Rebalance };
    enum class Severity { Info, Warning, Critical };

    qint64 timeMs = 0;
    Kind kind = Kind::Drift;
    Severity severity = Severity::Warning;
    QString subject; ///< the asset, pair, account or plan it is about
    QString message; ///< one translated sentence
};

} // namespace ballast::ui

Q_DECLARE_METATYPE(ballast::ui::Alert)
