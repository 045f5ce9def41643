#pragma once

#include <QList>
#include <QString>
#include <QWidget>

namespace ballast::ui::charts {

/// Drift per asset as bars (weight - target, in percentage points), with the
/// tolerance band drawn as lines; bars outside their band are coloured.
class DriftChart : public QWidget
{
    Q_OBJECT

public:
    struct Bar
    {
        QString asset;
        double drift = 0.0; ///< weight - target, a fraction
        double lower = 0.0; ///< the band's lower edge relative to the target (negative), a fraction
        double upper = 0.0; ///< the band's upper edge relative to the target, a fraction
        bool outside = false;
    };

    explicit DriftChart(QWidget *parent = nullptr);
    ~DriftChart() override;

    void setBars(const QList<Bar> &bars);
};

} // namespace ballast::ui::charts
