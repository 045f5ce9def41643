#include "charts/chartstyle.h"

#include <QAbstractAxis>
#include <QChart>
#include <QChartView>
#include <QLegend>

#include <array>

namespace ballast::ui::charts {

bool ChartStyle::isDark(const QPalette &palette)
{
    return palette.color(QPalette::Window).lightnessF() < 0.5;
}

QColor ChartStyle::seriesColor(int index, const QPalette &palette)
{
    // Hues far apart, none of them the alert red, each readable on white and on near black.
    static constexpr std::array<QRgb, 10> kColors{0x2f7ed8, 0xf28f1c, 0x2ca25f, 0x8e5bd1, 0x17a2b8,
                                                  0xd4a017, 0xe0609a, 0x6b8e23, 0x8c6d46, 0x5c6bc0};
    const auto count = static_cast<int>(kColors.size());
    const int wrapped = ((index % count) + count) % count;
    QColor color = QColor::fromRgb(kColors.at(static_cast<std::size_t>(wrapped)));
    // A second round through the list is told apart by lightness.
    if (index >= count)
        color = color.darker(135);
    return isDark(palette) ? color.lighter(125) : color;
}

QColor ChartStyle::alertColor(const QPalette &palette)
{
    return isDark(palette) ? QColor(0xff, 0x6b, 0x5b) : QColor(0xd6, 0x3a, 0x2a);
}

QColor ChartStyle::textOn(const QColor &background)
{
    // Relative luminance (sRGB weights, close enough for label text).
    const double luminance = 0.2126 * background.redF() + 0.7152 * background.greenF() + 0.0722 * background.blueF();
    return luminance > 0.55 ? QColor(Qt::black) : QColor(Qt::white);
}

void ChartStyle::apply(QChart *chart, const QPalette &palette, const QFont &font)
{
    chart->setTheme(isDark(palette) ? QChart::ChartThemeDark : QChart::ChartThemeLight);
    chart->setBackgroundBrush(palette.brush(QPalette::Base));
    chart->setBackgroundPen(QPen(palette.color(QPalette::Mid), 0));
    chart->setBackgroundRoundness(6);
    chart->setPlotAreaBackgroundVisible(false);
    chart->setAnimationOptions(QChart::NoAnimation);
    chart->setLocalizeNumbers(true);
    chart->setTitleBrush(palette.brush(QPalette::Text));
    QFont title = font;
    title.setBold(true);
    chart->setTitleFont(title);
    if (QLegend *legend = chart->legend()) {
        legend->setLabelColor(palette.color(QPalette::Text));
        legend->setFont(font);
        legend->setBrush(Qt::NoBrush);
        legend->setPen(Qt::NoPen);
    }
    const auto axes = chart->axes();
    for (QAbstractAxis *axis : axes)
        styleAxis(axis, palette, font);
}

void ChartStyle::styleAxis(QAbstractAxis *axis, const QPalette &palette, const QFont &font)
{
    const QColor text = palette.color(QPalette::Text);
    QColor grid = text;
    grid.setAlphaF(0.12F);
    QColor minorGrid = text;
    minorGrid.setAlphaF(0.06F);
    QColor line = text;
    line.setAlphaF(0.35F);
    axis->setLabelsBrush(text);
    axis->setLabelsFont(font);
    axis->setTitleBrush(text);
    QFont title = font;
    title.setPointSizeF(font.pointSizeF() > 0 ? font.pointSizeF() * 0.92 : 9.0);
    axis->setTitleFont(title);
    axis->setGridLineColor(grid);
    axis->setMinorGridLineColor(minorGrid);
    axis->setLinePenColor(line);
    axis->setShadesVisible(false);
}

void ChartStyle::setupView(QChartView *view, const QPalette &palette)
{
    view->setRenderHint(QPainter::Antialiasing);
    view->setBackgroundBrush(palette.brush(QPalette::Window));
    view->setFrameShape(QFrame::NoFrame);
}

} // namespace ballast::ui::charts
