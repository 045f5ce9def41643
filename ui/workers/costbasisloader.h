#pragma once

#include "common/clock.h"
#include "services/performanceservice.h"
#include "workers/backgroundreader.h"

#include <QObject>
#include <QString>

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
/// 100,000 transactions is far too long for the GUI thread. Runs on a
/// BackgroundReader: the newest request wins.
class CostBasisLoader : public QObject
{
    Q_OBJECT

public:
    CostBasisLoader(QString databasePath, Clock clock, QObject *parent = nullptr);

    void load(const CostBasisRequest &request);
    /// True from load() until the last request's result is announced.
    [[nodiscard]] bool isLoading() const { return m_reader.isReading(); }

signals:
    void loaded(const ballast::ui::CostBasisData &data);

private:
    Clock m_clock;
    BackgroundReader m_reader;
};

} // namespace ballast::ui

Q_DECLARE_METATYPE(ballast::ui::CostBasisData)
