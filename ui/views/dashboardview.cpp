#include "views/dashboardview.h"

#include "appcontext.h"
#include "charts/allocationchart.h"
#include "charts/driftchart.h"
#include "charts/equitychart.h"
#include "io/exports.h"
#include "services/ledgerqueries.h"

#include <QFrame>
#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QSplitter>
#include <QTimeZone>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

namespace ballast::ui {

namespace {

constexpr qint64 kDayMs = 24LL * 3600 * 1000;

QString dash()
{
    return QStringLiteral("—");
}

/// A percentage with one decimal and its sign when asked; a dash for NaN.
QString percentText(double fraction, bool sign = false)
{
    if (!std::isfinite(fraction))
        return dash();
    QString text = QLocale().toString(fraction * 100.0, 'f', 1) + QStringLiteral(" %");
    if (sign && fraction * 100.0 >= 0.05)
        text.prepend(QLatin1Char('+'));
    return text;
}

/// A money amount with two decimals and the locale's grouping, from the exact value.
QString moneyText(const money::Decimal &value, const QString &quote, bool sign = false)
{
    const QString exact = value.rounded(2).toString();
    const bool negative = exact.startsWith(QLatin1Char('-'));
    const QString digits = negative ? exact.mid(1) : exact;
    const qsizetype point = digits.indexOf(QLatin1Char('.'));
    const QString whole = point < 0 ? digits : digits.left(point);
    QString fraction = point < 0 ? QString() : digits.mid(point + 1);
    while (fraction.size() < 2)
        fraction += QLatin1Char('0');
    const QLocale locale;
    bool ok = false;
    const qlonglong integer = whole.toLongLong(&ok);
    QString text = (ok ? locale.toString(integer) : whole) + locale.decimalPoint() + fraction;
    if (negative)
        text.prepend(locale.negativeSign());
    else if (sign && !value.rounded(2).isZero())
        text.prepend(locale.positiveSign());
    return quote.isEmpty() ? text : text + QLatin1Char(' ') + quote;
}

QString rangeName(charts::EquityChart::Range range)
{
    switch (range) {
    case charts::EquityChart::Range::Month:
        return DashboardView::tr("1M");
    case charts::EquityChart::Range::Quarter:
        return DashboardView::tr("3M");
    case charts::EquityChart::Range::Year:
        return DashboardView::tr("1Y");
    case charts::EquityChart::Range::ThreeYears:
        return DashboardView::tr("3Y");
    case charts::EquityChart::Range::All:
        break;
    }
    return DashboardView::tr("all");
}

QString number(double value)
{
    return std::isfinite(value) ? QString::number(value, 'g', 15) : QString();
}

/// Stepwise prices of one asset over time: the newest known close at or before a time.
class PriceHistory
{
public:
    PriceHistory(services::LedgerQueries &store, QString asset, QString quote)
        : m_asset(std::move(asset))
        , m_quote(std::move(quote))
    {
        if (m_asset == m_quote)
            return;
        if (auto candles = store.candles(m_asset, m_quote, QStringLiteral("1d"))) {
            for (const auto &candle : *candles) {
                if (std::isfinite(candle.close) && candle.close > 0.0)
                    m_closes.emplace_back(candle.openTimeMs + kDayMs, candle.close);
            }
        }
        if (!m_closes.empty())
            return;
        // No candle history: the stored exact prices, read once (one query per
        // point took seconds on a ledger of eight years of daily prices).
        if (auto points = store.priceHistory(m_asset, m_quote)) {
            m_closes.reserve(static_cast<std::size_t>(points->size()));
            for (const auto &point : std::as_const(*points))
                m_closes.emplace_back(point.time.toMSecsSinceEpoch(), point.price.toDouble());
        }
    }

    /// The price at @p timeMs; 0 when none is known.
    [[nodiscard]] double at(qint64 timeMs) const
    {
        if (m_asset == m_quote)
            return 1.0;
        const auto it = std::upper_bound(m_closes.begin(), m_closes.end(), timeMs,
                                         [](qint64 t, const std::pair<qint64, double> &c) { return t < c.first; });
        return it == m_closes.begin() ? 0.0 : std::prev(it)->second;
    }

private:
    QString m_asset;
    QString m_quote;
    std::vector<std::pair<qint64, double>> m_closes; // close time (or price time), price
};

} // namespace

DashboardView::DashboardView(AppContext &context, QWidget *parent)
    : View(context, parent)
{
    // Key figures: one card each.
    auto *figures = new QHBoxLayout;
    figures->setSpacing(8);
    figures->addWidget(createFigure(QStringLiteral("value"), tr("Portfolio value"),
                                    tr("The portfolio valued now with the stored prices")));
    figures->addWidget(createFigure(QStringLiteral("change"), tr("Change"),
                                    tr("Change of the stored valuations over the range shown in the chart")));
    figures->addWidget(createFigure(QStringLiteral("cagr"), tr("CAGR"),
                                    tr("Compound annual growth rate of the daily valuations in the range")));
    figures->addWidget(createFigure(QStringLiteral("volatility"), tr("Volatility"),
                                    tr("Annualised standard deviation of daily returns (365 days a year)")));
    figures->addWidget(createFigure(QStringLiteral("sharpe"), tr("Sharpe ratio"),
                                    tr("Annualised mean daily return over its volatility, risk-free rate 0 %")));
    figures->addWidget(createFigure(QStringLiteral("max_drawdown"), tr("Max drawdown"),
                                    tr("Deepest fall from a running peak of the daily valuations in the range")));

    m_allocation = new charts::AllocationChart(this);
    m_drift = new charts::DriftChart(this);
    m_equity = new charts::EquityChart(this);
    connect(m_equity, &charts::EquityChart::rangeChanged, this, &DashboardView::updateFigures);

    auto *weights = new QWidget(this);
    auto *weightsLayout = new QHBoxLayout(weights);
    weightsLayout->setContentsMargins(0, 0, 0, 0);
    weightsLayout->setSpacing(8);
    weightsLayout->addWidget(m_allocation, 1);
    weightsLayout->addWidget(m_drift, 1);

    auto *splitter = new QSplitter(Qt::Vertical, this);
    splitter->setAccessibleName(tr("Dashboard charts"));
    splitter->setChildrenCollapsible(false);
    splitter->addWidget(weights);
    splitter->addWidget(m_equity);
    splitter->setStretchFactor(0, 2);
    splitter->setStretchFactor(1, 3);
    splitter->setSizes({250, 380});

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(8);
    layout->addLayout(figures);
    layout->addWidget(splitter, 1);

    connect(&context, &AppContext::ledgerChanged, this, &DashboardView::refresh);
    refresh();
}

DashboardView::~DashboardView() = default;

QWidget *DashboardView::createFigure(const QString &key, const QString &title, const QString &help)
{
    auto *card = new QFrame(this);
    card->setObjectName(QStringLiteral("figure_") + key);
    card->setFrameShape(QFrame::StyledPanel);
    card->setBackgroundRole(QPalette::Base);
    card->setAutoFillBackground(true);
    card->setToolTip(help);
    auto *layout = new QVBoxLayout(card);
    layout->setContentsMargins(10, 6, 10, 6);
    layout->setSpacing(1);

    Figure figure;
    figure.title = new QLabel(title, card);
    figure.title->setObjectName(QStringLiteral("figure_") + key + QStringLiteral("_title"));
    figure.title->setForegroundRole(QPalette::PlaceholderText);
    figure.value = new QLabel(dash(), card);
    figure.value->setObjectName(QStringLiteral("figure_") + key + QStringLiteral("_value"));
    figure.value->setTextInteractionFlags(Qt::TextSelectableByMouse);
    QFont big = figure.value->font();
    big.setPointSizeF(big.pointSizeF() > 0 ? big.pointSizeF() * 1.45 : 14.0);
    big.setBold(true);
    figure.value->setFont(big);
    figure.detail = new QLabel(card);
    figure.detail->setObjectName(QStringLiteral("figure_") + key + QStringLiteral("_detail"));
    figure.detail->setForegroundRole(QPalette::PlaceholderText);
    QFont small = figure.detail->font();
    small.setPointSizeF(small.pointSizeF() > 0 ? small.pointSizeF() * 0.9 : 8.0);
    figure.detail->setFont(small);
    // The details wrap rather than widen the window on a small screen.
    figure.detail->setWordWrap(true);
    layout->addWidget(figure.title);
    layout->addWidget(figure.value);
    layout->addWidget(figure.detail);
    figure.value->setAccessibleName(title);
    m_figures.insert(key, figure);
    return card;
}

void DashboardView::refresh()
{
    m_rows.clear();
    m_hasPortfolio = false;
    auto portfolio = context().portfolio();
    if (!portfolio) {
        m_allocation->setSlices({});
        m_drift->setBars({});
        m_equity->setCurves({}, {});
        clearFigures(portfolio.error().message);
        return;
    }
    m_portfolio = *portfolio;
    m_hasPortfolio = true;

    // Allocation and drift from the valuation now.
    m_value = {};
    m_valuedAt = {};
    if (auto snapshot = context().snapshot()) {
        m_value = snapshot->totalValue();
        m_valuedAt = snapshot->time();
        QList<charts::AllocationChart::Slice> slices;
        QList<charts::DriftChart::Bar> bars;
        for (const auto &position : snapshot->positions()) {
            slices.append({position.asset, position.weight, position.target});
            const double half = position.band.halfWidth(position.target);
            bars.append({position.asset, position.drift(), -half, half, position.outsideBand()});
        }
        m_allocation->setSlices(slices);
        m_drift->setBars(bars);
    } else {
        m_allocation->setSlices({});
        m_drift->setBars({});
    }

    // The equity curve: every stored valuation in the portfolio's quote.
    if (auto rows = context().queries().valuations(m_portfolio.id)) {
        for (const auto &row : *rows) {
            if (row.quote == m_portfolio.quote)
                m_rows.append(row);
        }
    }
    std::vector<analytics::EquityPoint> history;
    history.reserve(static_cast<std::size_t>(m_rows.size()));
    for (const auto &row : m_rows)
        history.push_back({row.time.toMSecsSinceEpoch(), row.value.toDouble()});
    QList<charts::EquityChart::Curve> curves;
    if (!history.empty()) {
        auto benchmark = buyAndHold(context().db(), m_portfolio, history);
        curves.append({m_portfolio.name, std::move(history)});
        if (!benchmark.empty())
            curves.append({tr("Buy and hold"), std::move(benchmark)});
    }
    m_equity->setCurves(curves, m_portfolio.quote);
    updateFigures();
}

void DashboardView::updateFigures()
{
    if (!m_hasPortfolio)
        return;
    const auto [from, to] = m_equity->visibleRange();
    m_rangeFrom = from;
    m_rangeTo = to;

    // Metrics need regular bars: the daily valuations; without two of them,
    // every valuation with its average spacing.
    std::vector<analytics::EquityPoint> daily;
    std::vector<analytics::EquityPoint> all;
    const domain::Valuation *first = nullptr;
    const domain::Valuation *last = nullptr;
    for (const auto &row : std::as_const(m_rows)) {
        const qint64 t = row.time.toMSecsSinceEpoch();
        if (t < from || t > to)
            continue;
        const analytics::EquityPoint point{t, row.value.toDouble()};
        all.push_back(point);
        if (row.kind == domain::Valuation::Kind::Daily)
            daily.push_back(point);
        if (first == nullptr)
            first = &row;
        last = &row;
    }
    if (daily.size() >= 2) {
        m_metrics = analytics::Metrics::compute(daily, 1.0);
    } else if (all.size() >= 2 && all.back().timeMs > all.front().timeMs) {
        const double days = static_cast<double>(all.back().timeMs - all.front().timeMs) / kDayMs;
        m_metrics = analytics::Metrics::compute(all, static_cast<double>(all.size() - 1) / days);
    } else {
        m_metrics = {};
    }
    m_change = first != nullptr ? last->value - first->value : money::Decimal();
    m_changeFraction = first != nullptr && first->value.toDouble() > 0.0
        ? last->value.toDouble() / first->value.toDouble() - 1.0
        : 0.0;

    const QLocale locale;
    const QString quote = m_portfolio.quote;
    const bool enough = m_metrics.points >= 2;
    auto set = [this](const QString &key, const QString &value, const QString &detail) {
        const Figure &figure = m_figures[key];
        figure.value->setText(value);
        figure.detail->setText(detail);
    };

    set(QStringLiteral("value"), moneyText(m_value, quote),
        m_valuedAt.isValid() ? tr("at %1").arg(locale.toString(m_valuedAt.toLocalTime(), QLocale::ShortFormat))
                             : QString());

    m_figures[QStringLiteral("change")].title->setText(tr("Change (%1)").arg(rangeName(m_equity->range())));
    const QString span = first != nullptr
        ? tr("%1 since %2")
              .arg(moneyText(m_change, quote, true), locale.toString(first->time.date(), QLocale::ShortFormat))
        : QString();
    set(QStringLiteral("change"), first != nullptr ? percentText(m_changeFraction, true) : dash(), span);
    QPalette changePalette = m_figures[QStringLiteral("change")].value->palette();
    changePalette.setColor(QPalette::WindowText,
                           m_change.isNegative()   ? QColor(0xc0, 0x39, 0x2b)
                               : m_change.isZero() ? palette().color(QPalette::Text)
                                                   : QColor(0x1e, 0x8e, 0x3e));
    m_figures[QStringLiteral("change")].value->setPalette(changePalette);

    set(QStringLiteral("cagr"), enough ? percentText(m_metrics.cagr, true) : dash(),
        enough ? tr("per year over %1 days").arg(locale.toString(m_metrics.days, 'f', 0)) : QString());
    set(QStringLiteral("volatility"), enough ? percentText(m_metrics.volatility) : dash(),
        enough ? tr("annualised") : QString());
    set(QStringLiteral("sharpe"),
        enough && std::isfinite(m_metrics.sharpe) ? locale.toString(m_metrics.sharpe, 'f', 2) : dash(),
        enough ? tr("Sortino %1")
                     .arg(std::isfinite(m_metrics.sortino) ? locale.toString(m_metrics.sortino, 'f', 2) : dash())
               : QString());
    QString troughText;
    if (m_metrics.troughTimeMs) {
        troughText =
            tr("bottom %1")
                .arg(locale.toString(QDateTime::fromMSecsSinceEpoch(*m_metrics.troughTimeMs, QTimeZone::utc()).date(),
                                     QLocale::ShortFormat));
    }
    set(QStringLiteral("max_drawdown"), enough ? percentText(-m_metrics.maxDrawdown) : dash(), troughText);
}

void DashboardView::clearFigures(const QString &reason)
{
    for (auto it = m_figures.cbegin(); it != m_figures.cend(); ++it) {
        it->value->setText(dash());
        it->detail->clear();
    }
    m_figures[QStringLiteral("value")].detail->setText(reason);
    m_metrics = {};
}

io::CsvTable DashboardView::keyFiguresTable() const
{
    io::CsvTable table;
    table.header = {QStringLiteral("figure"), QStringLiteral("value"), QStringLiteral("unit")};
    if (!m_hasPortfolio)
        return table;
    const QString quote = m_portfolio.quote;
    const QString fraction = QStringLiteral("fraction");
    auto iso = [](qint64 ms) { return io::Exports::isoUtc(QDateTime::fromMSecsSinceEpoch(ms, QTimeZone::utc())); };
    table.rows = {
        {QStringLiteral("portfolio"), m_portfolio.name, QString()},
        {QStringLiteral("portfolio_value"), m_value.toString(), quote},
        {QStringLiteral("valued_at"), m_valuedAt.isValid() ? io::Exports::isoUtc(m_valuedAt) : QString(), QString()},
        {QStringLiteral("range_start"), iso(m_rangeFrom), QString()},
        {QStringLiteral("range_end"), iso(m_rangeTo), QString()},
        {QStringLiteral("change_value"), m_change.toString(), quote},
        {QStringLiteral("change"), number(m_changeFraction), fraction},
        {QStringLiteral("cagr"), number(m_metrics.cagr), fraction},
        {QStringLiteral("volatility"), number(m_metrics.volatility), fraction},
        {QStringLiteral("sharpe"), number(m_metrics.sharpe), QStringLiteral("ratio")},
        {QStringLiteral("sortino"), number(m_metrics.sortino), QStringLiteral("ratio")},
        {QStringLiteral("max_drawdown"), number(m_metrics.maxDrawdown), fraction},
        {QStringLiteral("points"), QString::number(m_metrics.points), QStringLiteral("daily valuations")},
    };
    return table;
}

QList<ExportTarget> DashboardView::exportTargets()
{
    QList<ExportTarget> targets;
    targets << csvTarget(tr("Valuations"), QStringLiteral("valuations.csv"), [this] {
        // Read now, as ballast-cli export valuations does.
        auto portfolio = context().portfolio();
        if (!portfolio)
            return io::Exports::valuations({}, {});
        auto rows = context().queries().valuations(portfolio->id);
        return io::Exports::valuations(portfolio->name, rows ? *rows : QList<domain::Valuation>{});
    });
    targets << csvTarget(tr("Key figures"), QStringLiteral("key-figures.csv"), [this] { return keyFiguresTable(); });
    targets << pngTarget(tr("Value and drawdown chart"), QStringLiteral("equity.png"), m_equity);
    targets << pngTarget(tr("Allocation chart"), QStringLiteral("allocation.png"), m_allocation);
    targets << pngTarget(tr("Drift chart"), QStringLiteral("drift.png"), m_drift);
    return targets;
}

std::vector<analytics::EquityPoint> DashboardView::buyAndHold(storage::Database &db, const domain::Portfolio &portfolio,
                                                              const std::vector<analytics::EquityPoint> &history)
{
    if (history.empty() || !(history.front().value > 0.0))
        return {};
    services::LedgerQueries store(db);
    const qint64 start = history.front().timeMs;
    std::vector<PriceHistory> prices;
    std::vector<double> weights;
    double priced = 0.0;
    for (const auto &target : portfolio.targets) {
        const double weight = target.weight.toDouble();
        if (!(weight > 0.0))
            continue;
        PriceHistory series(store, target.asset, portfolio.quote);
        if (!(series.at(start) > 0.0))
            continue;
        prices.push_back(std::move(series));
        weights.push_back(weight);
        priced += weight;
    }
    if (prices.empty())
        return {};
    std::vector<double> quantities;
    quantities.reserve(prices.size());
    for (std::size_t i = 0; i < prices.size(); ++i)
        quantities.push_back(history.front().value * weights[i] / priced / prices[i].at(start));

    std::vector<analytics::EquityPoint> curve;
    curve.reserve(history.size());
    for (const auto &point : history) {
        double value = 0.0;
        for (std::size_t i = 0; i < prices.size(); ++i)
            value += quantities[i] * prices[i].at(point.timeMs);
        curve.push_back({point.timeMs, value});
    }
    return curve;
}

} // namespace ballast::ui
