#pragma once

#include "common/clock.h"
#include "services/performanceservice.h"

#include <QFutureWatcher>
#include <QObject>
#include <QString>
#include <QThreadPool>

#include <optional>

namespace ballast::ui {

/// What a page asks of the cost-basis engine: open lots, and with a range the
/// gains of that range too, by the portfolio's method and threshold.
struct CostBasisRequest
{
    std::optional<services::GainsRange> gains;
};

/// What comes back: the reports, or why there are none.
struct CostBasisData
{
    CostBasisRequest request;
    bool ok = false;
    QString error;
    services::CostBasisReport report; ///< gains empty when the request had no range
};

/// Runs PerformanceService off the GUI thread: lots and gains read every
/// transaction of the ledger and run the cost-basis pass over them, which on
/// 100,000 transactions is far too long for the GUI thread. Each run opens its
/// own connection in its thread, on a pool of one thread owned by the loader
/// (not the global pool, see docs/architecture.md). The newest request wins:
/// a request made while one runs replaces any other that waits, and only the
/// last one's result is announced.
class CostBasisLoader : public QObject
{
    Q_OBJECT

public:
    CostBasisLoader(QString databasePath, Clock clock, QObject *parent = nullptr);
    /// Waits for the run in flight (its result is dropped).
    ~CostBasisLoader() override;
    CostBasisLoader(const CostBasisLoader &) = delete;
    CostBasisLoader &operator=(const CostBasisLoader &) = delete;

    void load(const CostBasisRequest &request);
    /// True from load() until the last request's result is announced.
    [[nodiscard]] bool isLoading() const { return m_loading; }

signals:
    void loaded(const ballast::ui::CostBasisData &data);

private:
    void start(const CostBasisRequest &request);
    void finish();

    QString m_path;
    Clock m_clock;
    QThreadPool m_pool;
    QFutureWatcher<CostBasisData> m_watcher;
    std::optional<CostBasisRequest> m_pending;
    bool m_loading = false;
};

} // namespace ballast::ui

Q_DECLARE_METATYPE(ballast::ui::CostBasisData)
