#pragma once

#include <QList>
#include <QString>
#include <QWidget>

QT_BEGIN_NAMESPACE
class QChart;
class QChartView;
class QPieSeries;
QT_END_NAMESPACE

namespace ballast::ui::charts {

/// Current weights as a pie, ringed with the target weights, so the
/// difference shows at a glance. Hovering a slice tells asset, weight and
/// target.
class AllocationChart : public QWidget
{
    Q_OBJECT

public:
    struct Slice
    {
        QString asset;
        double weight = 0.0; ///< current, a fraction
        double target = 0.0; ///< target, a fraction
    };

    explicit AllocationChart(QWidget *parent = nullptr);
    ~AllocationChart() override;

    void setSlices(const QList<Slice> &slices);

    /// "asset: weight x %, target y %", as the hover shows it; empty for an unknown asset.
    [[nodiscard]] QString toolTipText(const QString &asset) const;
    /// The chart, for tests and exports; all drawing stays in this class.
    [[nodiscard]] QChart *chart() const;
    /// The inner ring (current weights) and the outer ring (targets).
    [[nodiscard]] QPieSeries *weightSeries() const;
    [[nodiscard]] QPieSeries *targetSeries() const;

protected:
    void changeEvent(QEvent *event) override;

private:
    void restyle();

    QList<Slice> m_slices;
    QChart *m_chart = nullptr;
    QChartView *m_view = nullptr;
    QPieSeries *m_weights = nullptr;
    QPieSeries *m_targets = nullptr;
};

} // namespace ballast::ui::charts
