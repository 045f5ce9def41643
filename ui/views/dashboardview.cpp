#include "views/dashboardview.h"

#include "appcontext.h"
#include "charts/allocationchart.h"
#include "charts/driftchart.h"
#include "charts/equitychart.h"
#include "io/exports.h"
#include "policy/policymonitor.h"
#include "services/ledgerqueries.h"
#include "views/performancepanel.h"
#include "workers/performanceworker.h"

#include <QFrame>
#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QPushButton>
#include <QSplitter>
#include <QTabWidget>
#include <QThread>
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

/// Where the close of UTC day @p day sits on the chart: 00:00 UTC of the
/// next day (as the stored daily valuations), today's at @p nowMs.
qint64 closeTime(QDate day, qint64 nowMs)
{
    return std::min(QDateTime(day.addDays(1), QTime(0, 0), QTimeZone::utc()).toMSecsSinceEpoch(), nowMs);
}

/// The UTC day whose close a chart point at @p ms shows.
QDate dayOfPoint(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms - 1, QTimeZone::utc()).date();
}

/// The last value at or before @p day; zero before the first.
money::Decimal valueAt(const QList<analytics::DailyValue> &values, QDate day)
{
    money::Decimal found;
    for (const analytics::DailyValue &v : values) {
        if (v.date > day)
            break;
        found = v.value;
    }
    return found;
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
                                    tr("Time-weighted return over the range shown in the chart: deposits and "
                                       "withdrawals do not move it")));
    figures->addWidget(createFigure(QStringLiteral("cagr"), tr("CAGR"),
                                    tr("Compound annual growth rate of the time-weighted return in the range")));
    figures->addWidget(createFigure(QStringLiteral("volatility"), tr("Volatility"),
                                    tr("Annualised standard deviation of daily returns (365 days a year)")));
    figures->addWidget(createFigure(QStringLiteral("sharpe"), tr("Sharpe ratio"),
                                    tr("Annualised mean daily return over its volatility, risk-free rate 0 %")));
    figures->addWidget(createFigure(QStringLiteral("max_drawdown"), tr("Max drawdown"),
                                    tr("Deepest fall from a running peak of the time-weighted return in the range")));

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

    m_performance = new PerformancePanel(this);
    m_tabs = new QTabWidget(this);
    m_tabs->setObjectName(QStringLiteral("dashboardTabs"));
    m_tabs->setDocumentMode(true);
    m_tabs->addTab(m_equity, tr("&Value"));
    m_tabs->addTab(m_performance, tr("&Performance"));

    auto *splitter = new QSplitter(Qt::Vertical, this);
    splitter->setAccessibleName(tr("Dashboard charts"));
    splitter->setChildrenCollapsible(false);
    splitter->addWidget(weights);
    splitter->addWidget(m_tabs);
    splitter->setStretchFactor(0, 2);
    splitter->setStretchFactor(1, 3);
    splitter->setSizes({250, 380});

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(8);
    layout->addWidget(createPolicyPanel());
    layout->addLayout(figures);
    layout->addWidget(splitter, 1);

    // The daily history on its own thread: a large ledger never holds up the window.
    qRegisterMetaType<PerformanceLoad>();
    m_thread.reset(new QThread);
    m_thread->setObjectName(QStringLiteral("performance"));
    m_worker = new PerformanceWorker(context.databasePath(), context.clock());
    m_worker->moveToThread(m_thread.get());
    connect(m_thread.get(), &QThread::finished, m_worker, &QObject::deleteLater);
    connect(m_worker, &PerformanceWorker::loaded, this, &DashboardView::onLoaded, Qt::QueuedConnection);
    m_thread->start();

    connect(&context, &AppContext::ledgerChanged, this, &DashboardView::refresh);
    refresh();
}

DashboardView::~DashboardView() = default;

QFrame *DashboardView::createPolicyPanel()
{
    auto *panel = new QFrame(this);
    panel->setObjectName(QStringLiteral("policyPanel"));
    auto *layout = new QVBoxLayout(panel);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(4);

    // Shown only while a prepared plan waits: the person opens it and decides.
    m_dueBanner = new QFrame(panel);
    m_dueBanner->setObjectName(QStringLiteral("rebalanceDueBanner"));
    m_dueBanner->setFrameShape(QFrame::StyledPanel);
    m_dueBanner->setAutoFillBackground(true);
    QPalette bannerPalette = m_dueBanner->palette();
    bannerPalette.setColor(QPalette::Window, QColor(0xfd, 0xf0, 0xc8));
    bannerPalette.setColor(QPalette::WindowText, QColor(0x4a, 0x35, 0x00));
    m_dueBanner->setPalette(bannerPalette);
    auto *bannerLayout = new QHBoxLayout(m_dueBanner);
    bannerLayout->setContentsMargins(10, 6, 10, 6);
    m_dueText = new QLabel(m_dueBanner);
    m_dueText->setObjectName(QStringLiteral("rebalanceDueText"));
    m_dueText->setWordWrap(true);
    m_dueText->setTextFormat(Qt::RichText);
    m_dueText->setAccessibleName(tr("Rebalance due"));
    m_openPlan = new QPushButton(tr("&Open plan"), m_dueBanner);
    m_openPlan->setObjectName(QStringLiteral("openPlanButton"));
    m_openPlan->setAccessibleName(tr("Open the prepared plan on the Rebalance page"));
    m_openPlan->setToolTip(tr("Shows the plan on the Rebalance page; nothing is sent until you press Execute there"));
    connect(m_openPlan, &QPushButton::clicked, this, [this] {
        if (!m_policyMonitor->status().planId.isEmpty())
            emit openPlanRequested(m_policyMonitor->status().planId);
    });
    bannerLayout->addWidget(m_dueText, 1);
    bannerLayout->addWidget(m_openPlan, 0, Qt::AlignVCenter);
    m_dueBanner->hide();

    m_policyLine = new QLabel(tr("Rebalancing policy: checking…"), panel);
    m_policyLine->setObjectName(QStringLiteral("policyLine"));
    m_policyLine->setAccessibleName(tr("Rebalancing policy"));
    m_policyLine->setWordWrap(true);
    m_policyLine->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_dueBanner);
    layout->addWidget(m_policyLine);

    m_policyMonitor = new PolicyMonitor(context(), this);
    connect(m_policyMonitor, &PolicyMonitor::checked, this, &DashboardView::showPolicy);
    return panel;
}

void DashboardView::showPolicy(const PolicyStatus &status)
{
    const QLocale locale;
    auto when = [&locale](qint64 ms) {
        return locale.toString(QDateTime::fromMSecsSinceEpoch(ms).toLocalTime(), QLocale::ShortFormat);
    };
    const QString rule = status.rule.isEmpty() ? dash() : status.rule;
    const QString last = status.lastCheckAt ? when(*status.lastCheckAt) : tr("never");
    const QString next =
        status.nextCalendarAt ? when(*status.nextCalendarAt) : tr("none (the rule is not on a calendar)");
    QString text = tr("Rebalancing rule: %1 · last check: %2 · next calendar date: %3").arg(rule, last, next);
    if (!status.error.isEmpty())
        text += QLatin1Char('\n') + tr("The last check failed: %1").arg(status.error);
    else if (!status.due && !status.why.isEmpty())
        text += QStringLiteral(" · ") + status.why;
    m_policyLine->setText(text);
    const bool due = status.error.isEmpty() && status.due && !status.planId.isEmpty();
    if (due) {
        m_dueText->setText(tr("<b>Rebalance due</b>: %1. Plan %2 with %n order(s) is ready; review it before "
                              "anything is sent.",
                              nullptr, status.planOrders)
                               .arg(status.why.toHtmlEscaped(), status.planId.toHtmlEscaped()));
    }
    m_dueBanner->setVisible(due);
}

void DashboardView::ThreadStopper::operator()(QThread *thread) const
{
    thread->quit();
    thread->wait();
    delete thread;
}

void DashboardView::showPerformance(bool on)
{
    m_tabs->setCurrentWidget(on ? static_cast<QWidget *>(m_performance) : static_cast<QWidget *>(m_equity));
}

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
    m_hasPortfolio = false;
    auto portfolio = context().portfolio();
    if (!portfolio) {
        m_allocation->setSlices({});
        m_drift->setBars({});
        m_equity->setCurves({}, {});
        m_hasHistory = false;
        m_history = {};
        m_report = {};
        clearFigures(portfolio.error().message);
        m_performance->clear(portfolio.error().message);
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
    requestHistory();
}

void DashboardView::requestHistory()
{
    ++m_generation;
    // While an execution runs it is the only writer: read, rebuild later.
    const bool store = !context().isExecuting();
    m_worker->request(m_generation);
    QMetaObject::invokeMethod(
        m_worker, [worker = m_worker, generation = m_generation, store] { worker->load(generation, store); },
        Qt::QueuedConnection);
}

void DashboardView::onLoaded(const PerformanceLoad &result)
{
    if (result.generation != m_generation)
        return; // a newer load is on its way
    if (!result.ok) {
        m_hasHistory = false;
        m_history = {};
        m_report = {};
        m_equity->setEmptyText(result.errorCode == QLatin1String("performance.empty")
                                   ? tr("No transactions yet: the equity curve starts with the first one.")
                                   : result.error);
        m_equity->setCurves({}, {});
        clearFigures(QString());
        updateFigures();
        m_performance->clear(result.error);
        emit historyLoaded();
        return;
    }
    m_hasHistory = true;
    m_history = result.history;
    showCurves();
    updateFigures();
    emit historyLoaded();
}

void DashboardView::showCurves()
{
    const qint64 now = context().clock()();
    std::vector<analytics::EquityPoint> value;
    std::vector<analytics::EquityPoint> invested;
    value.reserve(static_cast<std::size_t>(m_history.series.values.size()));
    invested.reserve(value.capacity());
    for (const analytics::DailyValue &v : std::as_const(m_history.series.values))
        value.push_back({closeTime(v.date, now), v.value.toDouble()});
    for (const analytics::DailyValue &v : std::as_const(m_history.series.netInvested))
        invested.push_back({closeTime(v.date, now), v.value.toDouble()});
    // The drawdown pane follows the time-weighted index, which flows do not move.
    charts::EquityChart::Curve index{tr("%1, time-weighted").arg(m_portfolio.name), {}};
    for (const analytics::EquityPoint &p : analytics::Performance::index(m_history.returns)) {
        const QDate day = QDateTime::fromMSecsSinceEpoch(p.timeMs, QTimeZone::utc()).date();
        index.points.push_back({closeTime(day, now), p.value});
    }
    QList<charts::EquityChart::Curve> curves;
    if (!value.empty()) {
        auto benchmark = buyAndHold(context().db(), m_portfolio, value);
        curves.append({m_portfolio.name, std::move(value)});
        curves.append({tr("Net invested"), std::move(invested)});
        if (!benchmark.empty())
            curves.append({tr("Buy and hold"), std::move(benchmark)});
    }
    m_equity->setCurves(curves, m_portfolio.quote, index.points.empty() ? nullptr : &index);
}

void DashboardView::updateFigures()
{
    if (!m_hasPortfolio)
        return;
    const QLocale locale;
    const QString quote = m_portfolio.quote;
    auto set = [this](const QString &key, const QString &value, const QString &detail) {
        const Figure &figure = m_figures[key];
        figure.value->setText(value);
        figure.detail->setText(detail);
    };
    set(QStringLiteral("value"), moneyText(m_value, quote),
        m_valuedAt.isValid() ? tr("at %1").arg(locale.toString(m_valuedAt.toLocalTime(), QLocale::ShortFormat))
                             : QString());
    m_figures[QStringLiteral("change")].title->setText(tr("Change (%1)").arg(rangeName(m_equity->range())));
    if (!m_hasHistory)
        return;

    const auto [from, to] = m_equity->visibleRange();
    m_rangeFrom = from;
    m_rangeTo = to;
    // The whole history from its start; a shorter range from the close of its first day.
    const QDate fromDay = m_equity->range() == charts::EquityChart::Range::All ? QDate() : dayOfPoint(from);
    const QDate toDay = dayOfPoint(to);
    m_report = services::PerformanceService::report(m_history, fromDay, toDay);
    m_metrics = m_report.keyFigures;
    m_changeFraction = m_report.twr.total;
    // What the holdings earned in the range, deposits and withdrawals aside.
    const auto &series = m_history.series;
    m_change = (m_report.value - valueAt(series.values, m_report.from))
        - (m_report.netInvested - valueAt(series.netInvested, m_report.from));

    const bool enough = m_metrics.points >= 2;
    const QString span =
        tr("%1 since %2").arg(moneyText(m_change, quote, true), locale.toString(m_report.from, QLocale::ShortFormat));
    set(QStringLiteral("change"), percentText(m_changeFraction, true), span);
    QPalette changePalette = m_figures[QStringLiteral("change")].value->palette();
    const bool flat = std::abs(m_changeFraction) < 0.0005;
    changePalette.setColor(QPalette::WindowText,
                           flat                         ? palette().color(QPalette::Text)
                               : m_changeFraction < 0.0 ? QColor(0xc0, 0x39, 0x2b)
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
    m_performance->setReport(m_report, rangeName(m_equity->range()));
}

void DashboardView::clearFigures(const QString &reason)
{
    for (auto it = m_figures.cbegin(); it != m_figures.cend(); ++it) {
        it->value->setText(dash());
        it->detail->clear();
    }
    m_figures[QStringLiteral("value")].detail->setText(reason);
    m_metrics = {};
    m_change = {};
    m_changeFraction = 0.0;
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
        {QStringLiteral("points"), QString::number(m_metrics.points), QStringLiteral("daily returns")},
        {QStringLiteral("net_invested"), m_report.netInvested.toString(), quote},
        {QStringLiteral("twr"), number(m_report.twr.total), fraction},
        {QStringLiteral("irr"), m_report.irr ? number(*m_report.irr) : QString(), QStringLiteral("fraction a year")},
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
