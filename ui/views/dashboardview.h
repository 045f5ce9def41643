#pragma once

#include "analytics/metrics.h"
#include "domain/portfolio.h"
#include "domain/valuation.h"
#include "io/csvwriter.h"
#include "views/view.h"

#include <QHash>
#include <QList>

#include <vector>

class QLabel;

namespace ballast::storage {
class Database;
}

namespace ballast::ui {

namespace charts {
class AllocationChart;
class DriftChart;
class EquityChart;
} // namespace charts

/// The dashboard: allocation, drift, equity curve and key figures.
class DashboardView : public View
{
    Q_OBJECT

public:
    explicit DashboardView(AppContext &context, QWidget *parent = nullptr);
    ~DashboardView() override;

    /// Valuations (CSV, as ballast-cli export valuations writes it), key figures (CSV) and each chart (PNG).
    [[nodiscard]] QList<ExportTarget> exportTargets() override;

    /// The figures on show: Metrics of the daily valuations inside the equity chart's range.
    [[nodiscard]] const analytics::MetricsResult &metrics() const { return m_metrics; }
    /// The key figures as a table: figure, value (exact or full precision), unit.
    [[nodiscard]] io::CsvTable keyFiguresTable() const;

    [[nodiscard]] charts::EquityChart *equityChart() const { return m_equity; }
    [[nodiscard]] charts::AllocationChart *allocationChart() const { return m_allocation; }
    [[nodiscard]] charts::DriftChart *driftChart() const { return m_drift; }

    /// What the portfolio would have been worth holding, from the first point
    /// of @p history on, the quantities it started with, priced with the
    /// stored daily candles (or, without candles, the stored prices). The
    /// ledger keeps no holdings history, so the starting quantities are the
    /// first value split at the current target weights (the demo invests
    /// exactly so on its first day, up to fees and lot rounding). Assets
    /// without any price at the start are left out and the rest scaled up.
    /// Empty when nothing can be priced.
    [[nodiscard]] static std::vector<analytics::EquityPoint>
    buyAndHold(storage::Database &db, const domain::Portfolio &portfolio,
               const std::vector<analytics::EquityPoint> &history);

public slots:
    void refresh();

private:
    struct Figure
    {
        QLabel *title = nullptr;
        QLabel *value = nullptr;
        QLabel *detail = nullptr;
    };
    QWidget *createFigure(const QString &key, const QString &title, const QString &help);
    void updateFigures();
    void clearFigures(const QString &reason);

    charts::EquityChart *m_equity = nullptr;
    charts::AllocationChart *m_allocation = nullptr;
    charts::DriftChart *m_drift = nullptr;
    QHash<QString, Figure> m_figures;

    domain::Portfolio m_portfolio;
    bool m_hasPortfolio = false;
    QList<domain::Valuation> m_rows; ///< in the portfolio's quote, oldest first
    money::Decimal m_value;
    QDateTime m_valuedAt;
    analytics::MetricsResult m_metrics;
    qint64 m_rangeFrom = 0;
    qint64 m_rangeTo = 0;
    money::Decimal m_change;
    double m_changeFraction = 0.0;
};

} // namespace ballast::ui
