#pragma once

#include "analytics/metrics.h"

#include <QList>
#include <QString>
#include <QWidget>

#include <memory>
#include <utility>
#include <vector>

QT_BEGIN_NAMESPACE
class QChart;
QT_END_NAMESPACE

namespace ballast::ui::charts {

/// An equity curve with its drawdown underneath: the first curve is the
/// portfolio (or strategy) and gets the drawdown pane; further curves are
/// benchmarks (buy-and-hold) or compared runs. Offers a log-scale toggle, a
/// range selector and hover tooltips with date and value. Curves of any
/// length are downsampled to the pixels on screen before they are drawn.
class EquityChart : public QWidget
{
    Q_OBJECT

public:
    struct Curve
    {
        QString name;
        std::vector<analytics::EquityPoint> points; ///< oldest first
    };
    enum class Range { Month, Quarter, Year, ThreeYears, All };

    explicit EquityChart(QWidget *parent = nullptr);
    ~EquityChart() override;

    /// Replaces every curve; values are in @p currency. The drawdown pane
    /// shows @p drawdownOf when given (e.g. the time-weighted index, which
    /// deposits and withdrawals do not move), else the first curve.
    void setCurves(const QList<Curve> &curves, const QString &currency, const Curve *drawdownOf = nullptr);
    void setLogScale(bool on);
    void setRange(Range range);
    /// What the chart says while it has no curve (default: no valuation history yet).
    void setEmptyText(const QString &text);
    [[nodiscard]] bool logScale() const;
    [[nodiscard]] Range range() const;

    /// The first time shown for @p range on a history from @p firstMs to
    /// @p lastMs: the same calendar span back from the last point, never before the first.
    [[nodiscard]] static qint64 rangeStart(Range range, qint64 firstMs, qint64 lastMs);
    /// The times on show (ms since the epoch, UTC), both panes alike; {0, 0} without curves.
    [[nodiscard]] std::pair<qint64, qint64> visibleRange() const;
    [[nodiscard]] int curveCount() const;
    /// The hover text for curve @p curve at the point nearest to @p timeMs.
    [[nodiscard]] QString toolTipText(int curve, qint64 timeMs) const;
    /// The two panes, for tests and exports; all drawing stays in this class.
    [[nodiscard]] QChart *valueChart() const;
    [[nodiscard]] QChart *drawdownChart() const;

signals:
    void rangeChanged(ballast::ui::charts::EquityChart::Range range);
    void logScaleChanged(bool on);

protected:
    void resizeEvent(QResizeEvent *event) override;
    void changeEvent(QEvent *event) override;

private:
    struct Impl;
    void rebuildValueAxis();
    void refresh();
    void restyle();
    void alignPlotAreas();
    std::unique_ptr<Impl> m_impl;
};

} // namespace ballast::ui::charts
