#pragma once

#include "alert.h"
#include "common/result.h"

#include <QList>

namespace ballast::storage {
class Database;
}

namespace ballast::ui {

/// Thresholds of the conditions the alert monitor watches (Settings).
struct AlertSettings
{
    double volatilityMultiple = 2.0; ///< short-window volatility above this multiple of the long one = high regime
    int shortWindow = 30; ///< days
    int longWindow = 365; ///< days
    double correlationThreshold = 0.9; ///< rolling correlation of daily returns
    int correlationWindow = 90; ///< days
    double fallingDrawdown = 0.7; ///< fall from the peak close past which the guard stops buying
};

/// A condition that holds now; an alert is raised when one starts to hold.
struct AlertCondition
{
    QString key; ///< identifies the condition across evaluations ("drift:BTC", "corr:BTC/ETH")
    Alert alert;
};

/// The conditions that hold for the portfolio now, from the stored ledger:
/// weights outside their bands, assets in a high-volatility regime, pairs of
/// assets whose rolling correlation is above the threshold, and assets fallen
/// far enough from their peak for the falling-asset guard to stop buying them.
/// Pure reading; safe on a worker thread with its own connection.
Result<QList<AlertCondition>> evaluateAlerts(storage::Database &db, const AlertSettings &settings, qint64 nowMs);

} // namespace ballast::ui
