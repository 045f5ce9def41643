#pragma once

#include "common/clock.h"
#include "services/performanceservice.h"
#include "services/valuationservice.h"

#include <QMetaType>
#include <QObject>
#include <QString>

#include <atomic>

namespace ballast::ui {

/// What the dashboard gets from one load: the portfolio's whole daily
/// history (values, net invested, daily TWR) and what the rebuild of the
/// stored daily valuations did.
struct PerformanceLoad
{
    int generation = 0; ///< the request it answers
    bool ok = false;
    QString errorCode;
    QString error;
    services::PerformanceHistory history;
    services::RebuildReport rebuild;
};

/// Computes the performance history and rebuilds the stored daily
/// valuations on its own thread, with its own database connection (opened
/// per load), so a large ledger never holds up the GUI thread.
class PerformanceWorker : public QObject
{
    Q_OBJECT

public:
    PerformanceWorker(QString databasePath, Clock clock);

    /// Loads the history of the first portfolio; with @p store, also brings
    /// the stored daily valuations up to date (only the days that changed).
    void load(int generation, bool store);
    /// The newest request (thread-safe): a load queued before it is skipped.
    void request(int generation) { m_latest = generation; }

signals:
    void loaded(const ballast::ui::PerformanceLoad &result);

private:
    QString m_databasePath;
    Clock m_clock;
    std::atomic<int> m_latest{0};
};

} // namespace ballast::ui

Q_DECLARE_METATYPE(ballast::ui::PerformanceLoad)
