#pragma once

#include <QList>
#include <QString>
#include <QWidget>

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
};

} // namespace ballast::ui::charts
