#pragma once

#include <QColor>
#include <QFont>
#include <QPalette>

QT_BEGIN_NAMESPACE
class QChart;
class QChartView;
class QAbstractAxis;
QT_END_NAMESPACE

namespace ballast::ui::charts {

/// Colours and fonts of every chart, taken from the widget's palette and font
/// so that dark mode and HiDPI screens work without fixed colours or pixel sizes.
class ChartStyle
{
public:
    /// True when the palette's window colour is dark.
    [[nodiscard]] static bool isDark(const QPalette &palette);
    /// The colour of curve, asset or series @p index: distinct hues, readable on the palette's base colour.
    [[nodiscard]] static QColor seriesColor(int index, const QPalette &palette);
    /// The colour of something gone wrong (a drawdown, a bar outside its band).
    [[nodiscard]] static QColor alertColor(const QPalette &palette);
    /// Black or white, whichever reads better on @p background.
    [[nodiscard]] static QColor textOn(const QColor &background);

    /// Chooses the light or dark theme from the palette, then puts the
    /// palette's colours and the widget font on the chart, its legend and
    /// every axis it has. Call again after adding axes and on palette changes.
    static void apply(QChart *chart, const QPalette &palette, const QFont &font);
    /// Palette colours and fonts for one axis (for axes added after apply()).
    static void styleAxis(QAbstractAxis *axis, const QPalette &palette, const QFont &font);
    /// A view that draws antialiased on the window colour.
    static void setupView(QChartView *view, const QPalette &palette);
};

} // namespace ballast::ui::charts
