#pragma once

#include <QColor>
#include <QFont>
#include <QList>
#include <QString>
#include <QStringList>
#include <QWidget>

QT_BEGIN_NAMESPACE
class QBarCategoryAxis;
class QBarSet;
class QChart;
class QChartView;
class QHorizontalStackedBarSeries;
class QLineSeries;
class QValueAxis;
QT_END_NAMESPACE

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
    /// The bars on show, as last set.
    [[nodiscard]] const QList<Bar> &bars() const { return m_bars; }

    /// The colour the bar of @p index is drawn in (the alert colour when outside its band).
    [[nodiscard]] QColor barColor(int index) const;
    /// "asset: drift x pp, band lower … upper pp", as the hover shows it.
    [[nodiscard]] QString toolTipText(int index) const;
    /// The chart, for tests and exports; all drawing stays in this class.
    [[nodiscard]] QChart *chart() const;
    /// The asset labels the chart draws now (Qt Charts hides a category label
    /// that would overlap its neighbour); every asset when they all fit.
    [[nodiscard]] QStringList visibleAssetLabels() const;

protected:
    void changeEvent(QEvent *event) override;

private:
    void restyle();
    /// Keeps every asset label on screen: a smaller label font when the rows
    /// are tight, and a minimum height that gives each row the smallest one.
    void fitLabels();

    QList<Bar> m_bars;
    QChart *m_chart = nullptr;
    QChartView *m_view = nullptr;
    QHorizontalStackedBarSeries *m_series = nullptr;
    QBarSet *m_inside = nullptr;
    QBarSet *m_outside = nullptr;
    QLineSeries *m_lowerEdge = nullptr;
    QLineSeries *m_upperEdge = nullptr;
    QLineSeries *m_zero = nullptr;
    QBarCategoryAxis *m_assetAxis = nullptr;
    QValueAxis *m_driftAxis = nullptr;
    QFont m_labelFont; ///< the asset labels' font before fitLabels() shrinks it
    bool m_fitPending = false;
};

} // namespace ballast::ui::charts
