// Chart costs on a 1,000,000-point equity curve: LTTB to ~1,500 points, a
// full repaint of the equity chart at 1280x400 (target: under 16 ms, one
// frame at 60 Hz), and setCurves. Runs on the offscreen platform.
#include "charts/equitychart.h"
#include "charts/lttb.h"

#include <QApplication>
#include <QImage>
#include <QPainter>
#include <QRandomGenerator>

#include <benchmark/benchmark.h>
#include <cmath>

using ballast::analytics::EquityPoint;
using ballast::ui::charts::EquityChart;

namespace {

constexpr int kPoints = 1'000'000;
constexpr qint64 kStartMs = 1'500'000'000'000;
constexpr qint64 kMinuteMs = 60'000;

// A random walk in minutes: about two years of minute bars.
const std::vector<EquityPoint> &curve()
{
    static const std::vector<EquityPoint> points = [] {
        QRandomGenerator random(2024);
        std::vector<EquityPoint> walk;
        walk.reserve(kPoints);
        double value = 10000.0;
        for (int i = 0; i < kPoints; ++i) {
            walk.push_back({kStartMs + i * kMinuteMs, value});
            value *= 1.0 + (random.generateDouble() - 0.5) * 0.002;
        }
        return walk;
    }();
    return points;
}

void BM_Lttb(benchmark::State &state)
{
    std::vector<QPointF> points;
    points.reserve(kPoints);
    for (const EquityPoint &point : curve())
        points.emplace_back(static_cast<double>(point.timeMs), point.value);
    const auto threshold = static_cast<int>(state.range(0));
    for (auto _ : state) { // NOLINT(clang-analyzer-deadcode.DeadStores): the benchmark loop idiom
        auto kept = ballast::ui::charts::lttb(points, threshold);
        benchmark::DoNotOptimize(kept.data());
    }
    state.counters["points"] = kPoints;
}
BENCHMARK(BM_Lttb)->Arg(1500)->Unit(benchmark::kMillisecond);

void BM_EquityRepaint(benchmark::State &state)
{
    EquityChart chart;
    chart.resize(1280, 400);
    chart.show();
    QCoreApplication::processEvents();
    chart.setCurves({{QStringLiteral("Portfolio"), curve()}}, QStringLiteral("USDT"));
    QCoreApplication::processEvents();
    QImage image(chart.size() * chart.devicePixelRatioF(), QImage::Format_ARGB32_Premultiplied);
    image.setDevicePixelRatio(chart.devicePixelRatioF());
    for (auto _ : state) { // NOLINT(clang-analyzer-deadcode.DeadStores): the benchmark loop idiom
        image.fill(Qt::transparent);
        QPainter painter(&image);
        chart.render(&painter);
        painter.end();
        benchmark::DoNotOptimize(image.constBits());
    }
}
BENCHMARK(BM_EquityRepaint)->Unit(benchmark::kMillisecond);

void BM_EquitySetCurves(benchmark::State &state)
{
    EquityChart chart;
    chart.resize(1280, 400);
    chart.show();
    QCoreApplication::processEvents();
    const QList<EquityChart::Curve> curves{{QStringLiteral("Portfolio"), curve()}};
    for (auto _ : state) { // NOLINT(clang-analyzer-deadcode.DeadStores): the benchmark loop idiom
        chart.setCurves(curves, QStringLiteral("USDT"));
    }
}
BENCHMARK(BM_EquitySetCurves)->Unit(benchmark::kMillisecond);

} // namespace

int main(int argc, char **argv)
{
    qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv))
        return 1;
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
