#pragma once

#include "analytics/metrics.h"

#include <QList>
#include <QString>
#include <QWidget>

#include <vector>

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

    /// Replaces every curve; values are in @p currency.
    void setCurves(const QList<Curve> &curves, const QString &currency);
    void setLogScale(bool on);
    void setRange(Range range);
    [[nodiscard]] bool logScale() const;
    [[nodiscard]] Range range() const;
};

} // namespace ballast::ui::charts
