// Performance on the dashboard when money moves: the scenario (a
// deposit at the same price is no change), the net invested line, the
// monthly heat map and the drawdown table of a history whose figures follow
// from the prices given here, cross-checked with PerformanceService.
#include "appcontext.h"
#include "charts/equitychart.h"
#include "models/decimaltext.h"
#include "models/drawdownsmodel.h"
#include "models/monthlyreturnsmodel.h"
#include "models/numberformat.h"
#include "services/ledger.h"
#include "services/ledgerqueries.h"
#include "services/performanceservice.h"
#include "services/transactionservice.h"
#include "storage/pricestore.h"
#include "storage/valuationrepo.h"
#include "testsupport.h"
#include "views/dashboardview.h"
#include "views/performancepanel.h"

#include <QAbstractItemModelTester>
#include <QChart>
#include <QLabel>
#include <QLineSeries>
#include <QSignalSpy>
#include <QTableView>
#include <QTest>
#include <QTimeZone>

using namespace ballast;
using money::Decimal;

namespace {

qint64 ms(QDate day, int hour = 0)
{
    return QDateTime(day, QTime(hour, 0), QTimeZone::utc()).toMSecsSinceEpoch();
}

QString percentText(double fraction, bool sign = false)
{
    QString text = QLocale().toString(fraction * 100.0, 'f', 1) + QStringLiteral(" %");
    if (sign && fraction * 100.0 >= 0.05)
        text.prepend(QLatin1Char('+'));
    return text;
}

QString cellText(double fraction)
{
    const QString text = ui::NumberFormat().percent(fraction, 1);
    return fraction > 0 ? QStringLiteral("+") + text : text;
}

double luminance(const QColor &c)
{
    return 0.2126 * c.redF() + 0.7152 * c.greenF() + 0.0722 * c.blueF();
}

/// The BTC close of each day of the heat-map history: month-end closes
/// 100, 110, 99, 108.9, 98.01, 121, 122, then 108.9 in July; June dips to
/// 114.95 from the 15th to the 29th.
double heatPrice(QDate d)
{
    if (d < QDate(2024, 1, 31))
        return 100.0;
    if (d < QDate(2024, 2, 29))
        return 110.0;
    if (d < QDate(2024, 3, 31))
        return 99.0;
    if (d < QDate(2024, 4, 30))
        return 108.9;
    if (d < QDate(2024, 5, 31))
        return 98.01;
    if (d >= QDate(2024, 6, 15) && d < QDate(2024, 6, 30))
        return 114.95;
    if (d < QDate(2024, 6, 30))
        return 121.0;
    if (d == QDate(2024, 6, 30))
        return 122.0;
    return 108.9;
}

} // namespace

class TestPerformanceView : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void cleanup();

    void depositAtSamePriceIsNoChange();
    void heatMapAndDrawdowns();

private:
    Clock clock()
    {
        return [this] { return m_now; };
    }
    void openDashboard()
    {
        m_context = std::make_unique<ui::AppContext>(m_db->db(), m_db->path(), clock());
        m_view = std::make_unique<ui::DashboardView>(*m_context);
        QSignalSpy loaded(m_view.get(), &ui::DashboardView::historyLoaded);
        m_view->resize(1200, 800);
        m_view->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_view.get()));
        QVERIFY(!loaded.isEmpty() || loaded.wait(60000));
        QVERIFY(m_view->hasHistory());
    }
    [[nodiscard]] QString label(const QString &name) const
    {
        const auto *found = m_view->findChild<QLabel *>(name);
        return found ? found->text() : QStringLiteral("<no label %1>").arg(name);
    }

    std::unique_ptr<test::TempDatabase> m_db;
    std::unique_ptr<ui::AppContext> m_context;
    std::unique_ptr<ui::DashboardView> m_view;
    qint64 m_now = 0;
};

void TestPerformanceView::init()
{
    m_db = std::make_unique<test::TempDatabase>();
}

void TestPerformanceView::cleanup()
{
    m_view.reset();
    m_context.reset();
    m_db.reset();
}

void TestPerformanceView::depositAtSamePriceIsNoChange()
{
    // The issue: a paper account holds 1 BTC at 50,000; a month later, at the
    // same price, the holdings are set to 2 BTC.
    const QDate start(2025, 1, 1);
    const QDate later(2025, 2, 1);
    m_now = ms(start, 10);
    services::Ledger ledger(m_db->db(), clock());
    QVERIFY(ledger.init(QStringLiteral("Main"), QStringLiteral("USDT")));
    QVERIFY(ledger.addAccount(QStringLiteral("paper"), QStringLiteral("paper")));
    const auto price = [&] {
        return domain::PricePoint{QStringLiteral("BTC"), QStringLiteral("USDT"),
                                  QDateTime::fromMSecsSinceEpoch(m_now, QTimeZone::utc()), Decimal::fromInt(50000),
                                  QStringLiteral("manual")};
    };
    const auto btc = [](int quantity) {
        return QList<domain::Holding>{
            {0, QStringLiteral("paper"), QStringLiteral("BTC"), {}, Decimal::fromInt(quantity)}};
    };
    QVERIFY(ledger.setPrices({price()}));
    QVERIFY(ledger.setHoldings(QStringLiteral("paper"), btc(1)));
    m_now = ms(later, 10);
    QVERIFY(services::Ledger(m_db->db(), clock()).setPrices({price()}));
    QVERIFY(services::Ledger(m_db->db(), clock()).setHoldings(QStringLiteral("paper"), btc(2)));
    m_now = ms(later, 12);

    openDashboard();
    QCOMPARE(m_view->equityChart()->range(), ui::charts::EquityChart::Range::All);
    // The value doubled: the old dashboard said +100 % and a CAGR in the thousands.
    const auto &values = m_view->history().series.values;
    QCOMPARE(values.first().value, Decimal::fromInt(50000));
    QCOMPARE(values.last().value, Decimal::fromInt(100000));
    QCOMPARE(label(QStringLiteral("figure_change_value")), percentText(0.0, true));
    QCOMPARE(m_view->report().twr.total, 0.0);
    QVERIFY(qAbs(m_view->metrics().cagr) < 1e-12);
    QCOMPARE(label(QStringLiteral("figure_cagr_value")), percentText(0.0, true));
    QVERIFY(qAbs(m_view->metrics().maxDrawdown) < 1e-12);

    // Cross-check with the service through the database.
    auto expected = services::PerformanceService(m_db->db(), clock()).performance({});
    QVERIFY(expected);
    QCOMPARE(m_view->report().twr.total, expected->twr.total);
    QCOMPARE(m_view->report().netInvested, Decimal::fromInt(100000));
    QCOMPARE(expected->netInvested, Decimal::fromInt(100000));

    // The equity chart: value, and net invested as the second line.
    const QChart *chart = m_view->equityChart()->valueChart();
    auto *value = qobject_cast<QLineSeries *>(chart->series().value(0));
    auto *invested = qobject_cast<QLineSeries *>(chart->series().value(1));
    QVERIFY(value && invested);
    QCOMPARE(invested->name(), QStringLiteral("Net invested"));
    QCOMPARE(invested->points().first().y(), 50000.0);
    QCOMPARE(invested->points().last().y(), 100000.0);
    QCOMPARE(value->points().last().y(), 100000.0);
    // Until the deposit the line stays at the first 50,000; from it, 100,000.
    for (const QPointF &p : invested->points())
        QCOMPARE(p.y(), static_cast<qint64>(p.x()) <= ms(later) ? 50000.0 : 100000.0);

    // The dashboard rebuilt the stored daily valuations: Jan 1 to Jan 31,
    // each with its net invested capital; the days without a BTC price of
    // their own are listed, valued at the last one.
    auto portfolio = services::LedgerQueries(m_db->db()).portfolio({});
    QVERIFY(portfolio);
    QList<domain::Valuation> daily;
    for (const auto &row : *storage::ValuationRepo(m_db->db()).list(portfolio->id)) {
        if (row.kind == domain::Valuation::Kind::Daily)
            daily.append(row);
    }
    QCOMPARE(daily.size(), 31);
    QCOMPARE(daily.first().time.toMSecsSinceEpoch(), ms(start.addDays(1)));
    QCOMPARE(daily.last().netInvested, std::optional<Decimal>(Decimal::fromInt(50000)));
    QCOMPARE(daily.first().missing, QString());
    QCOMPARE(daily.last().missing, QStringLiteral("BTC"));
    QCOMPARE(m_view->report().missing.size(), 30);
    const QString missing = label(QStringLiteral("perf_missing"));
    QVERIFY2(missing.contains(QStringLiteral("BTC on 30 day")), qPrintable(missing));
    QVERIFY2(missing.contains(QLocale().toString(start.addDays(1), QLocale::ShortFormat)), qPrintable(missing));
    QCOMPARE(label(QStringLiteral("perf_drawdowns_title")), QStringLiteral("Drawdown periods: none in this range"));
}

void TestPerformanceView::heatMapAndDrawdowns()
{
    const QDate first(2023, 12, 31);
    const QDate today(2024, 7, 3);
    m_now = ms(today, 12);
    services::Ledger ledger(m_db->db(), clock());
    QVERIFY(ledger.init(QStringLiteral("Main"), QStringLiteral("USDT")));
    auto account = ledger.addAccount(QStringLiteral("cold"), QStringLiteral("manual"));
    QVERIFY(account);
    QList<domain::Candle> candles;
    for (QDate d = first; d <= today; d = d.addDays(1)) {
        domain::Candle c;
        c.openTimeMs = ms(d);
        c.open = c.high = c.low = c.close = heatPrice(d);
        candles.append(c);
    }
    QVERIFY(storage::PriceStore(m_db->db())
                .putCandles(QStringLiteral("BTC"), QStringLiteral("USDT"), QStringLiteral("1d"), candles,
                            QStringLiteral("test")));
    // 10 BTC in, 5 more in April, 2 out in June, each at its day's close:
    // the flows move the value, never the returns.
    services::TransactionService transactions(m_db->db(), clock());
    const auto move = [&](domain::TransactionKind kind, QDate day, int quantity) {
        domain::Transaction tx;
        tx.kind = kind;
        tx.time = QDateTime(day, QTime(12, 0), QTimeZone::utc());
        tx.accountId = account->id;
        tx.asset = QStringLiteral("BTC");
        tx.quantity = Decimal::fromInt(quantity);
        tx.price = *Decimal::fromDouble(heatPrice(day), 2);
        return static_cast<bool>(transactions.add(tx));
    };
    QVERIFY(move(domain::TransactionKind::Deposit, first, 10));
    QVERIFY(move(domain::TransactionKind::Deposit, QDate(2024, 4, 10), 5));
    QVERIFY(move(domain::TransactionKind::Withdrawal, QDate(2024, 6, 20), 2));

    openDashboard();
    ui::PerformancePanel *panel = m_view->performancePanel();
    m_view->showPerformance(true);
    ui::MonthlyReturnsModel *monthly = panel->monthlyModel();
    QAbstractItemModelTester monthlyTester(monthly, QAbstractItemModelTester::FailureReportingMode::QtTest);
    ui::DrawdownsModel *drawdowns = panel->drawdownsModel();
    QAbstractItemModelTester drawdownsTester(drawdowns, QAbstractItemModelTester::FailureReportingMode::QtTest);

    // Month-end closes give the months: chained from the prices above.
    const QList<double> closes{100.0, 110.0, 99.0, 108.9, 98.01, 121.0, 122.0, 108.9};
    QCOMPARE(monthly->rowCount(), 2);
    QCOMPARE(monthly->year(0), 2023);
    QCOMPARE(monthly->year(1), 2024);
    QCOMPARE(monthly->value(0, ui::MonthlyReturnsModel::Dec), std::optional<double>(0.0)); // the deposit day
    QCOMPARE(monthly->value(0, ui::MonthlyReturnsModel::Nov), std::optional<double>());
    double year = 1.0;
    for (int m = 0; m < 7; ++m) {
        const double expected = closes[m + 1] / closes[m] - 1.0;
        year *= 1.0 + expected;
        const auto shown = monthly->value(1, m);
        QVERIFY(shown);
        QVERIFY2(qAbs(*shown - expected) < 1e-12,
                 qPrintable(QStringLiteral("month %1: %2 vs %3").arg(m + 1).arg(*shown).arg(expected)));
        QCOMPARE(monthly->data(monthly->index(1, m)).toString(), cellText(*shown));
    }
    QCOMPARE(monthly->value(1, ui::MonthlyReturnsModel::Aug), std::optional<double>());
    QCOMPARE(monthly->data(monthly->index(1, ui::MonthlyReturnsModel::Aug)).toString(), QString());
    QVERIFY(qAbs(*monthly->value(1, ui::MonthlyReturnsModel::Year) - (year - 1.0)) < 1e-12);
    QVERIFY(qAbs((year - 1.0) - (108.9 / 100.0 - 1.0)) < 1e-12);
    QCOMPARE(monthly->headerData(ui::MonthlyReturnsModel::Year, Qt::Horizontal).toString(), QStringLiteral("Year"));

    // And the same as the service.
    auto expected = services::PerformanceService(m_db->db(), clock()).performance({});
    QVERIFY(expected);
    QCOMPARE(expected->monthly.size(), 8);
    for (const analytics::MonthlyReturn &m : std::as_const(expected->monthly)) {
        const int row = m.year == 2023 ? 0 : 1;
        QCOMPARE(monthly->value(row, m.month - 1), std::optional<double>(m.value));
    }

    // A heat map: green gains, red losses, the larger the deeper, text readable.
    const auto colour = [&](int column) {
        return monthly->data(monthly->index(1, column), Qt::BackgroundRole).value<QColor>();
    };
    QVERIFY(colour(ui::MonthlyReturnsModel::Jan).green() > colour(ui::MonthlyReturnsModel::Jan).red());
    QVERIFY(colour(ui::MonthlyReturnsModel::Feb).red() > colour(ui::MonthlyReturnsModel::Feb).green());
    QVERIFY(colour(ui::MonthlyReturnsModel::May).green() < colour(ui::MonthlyReturnsModel::Jan).green()
            || colour(ui::MonthlyReturnsModel::May).red() < colour(ui::MonthlyReturnsModel::Jan).red());
    for (int column = 0; column < ui::MonthlyReturnsModel::ColumnCount; ++column) {
        const QVariant fg = monthly->data(monthly->index(1, column), Qt::ForegroundRole);
        if (!monthly->value(1, column))
            continue;
        QVERIFY(qAbs(luminance(fg.value<QColor>()) - luminance(colour(column))) > 0.35);
    }

    // The drawdowns of the index, deepest first: Jan 31 (110) to Apr 30
    // (98.01), back on May 31; Jun 30 (122) to Jul 1 (108.9), not yet
    // recovered; May 31 (121) to Jun 15 (114.95), back on Jun 30.
    QCOMPARE(drawdowns->rowCount(), 3);
    struct Period
    {
        QDate start, trough;
        std::optional<QDate> recovery;
        double depth;
        qint64 days;
    };
    const QList<Period> periods{
        {QDate(2024, 1, 31), QDate(2024, 4, 30), QDate(2024, 5, 31), 1.0 - 98.01 / 110.0, 121},
        {QDate(2024, 6, 30), QDate(2024, 7, 1), std::nullopt, 1.0 - 108.9 / 122.0, QDate(2024, 6, 30).daysTo(today)},
        {QDate(2024, 5, 31), QDate(2024, 6, 15), QDate(2024, 6, 30), 1.0 - 114.95 / 121.0, 30},
    };
    const QLocale locale;
    for (int row = 0; row < periods.size(); ++row) {
        const Period &p = periods[row];
        const auto cell = [&](int column, int role = Qt::DisplayRole) {
            return drawdowns->data(drawdowns->index(row, column), role);
        };
        QCOMPARE(cell(ui::DrawdownsModel::Start, ui::DrawdownsModel::RawValueRole).toDate(), p.start);
        QCOMPARE(cell(ui::DrawdownsModel::Trough, ui::DrawdownsModel::RawValueRole).toDate(), p.trough);
        QCOMPARE(cell(ui::DrawdownsModel::Start).toString(), locale.toString(p.start, QLocale::ShortFormat));
        QCOMPARE(cell(ui::DrawdownsModel::Recovery).toString(),
                 p.recovery ? locale.toString(*p.recovery, QLocale::ShortFormat) : QStringLiteral("not recovered"));
        QVERIFY(qAbs(cell(ui::DrawdownsModel::Depth, ui::DrawdownsModel::RawValueRole).toDouble() - p.depth) < 1e-12);
        QCOMPARE(cell(ui::DrawdownsModel::Depth).toString(), ui::NumberFormat().percent(-p.depth, 1));
        QCOMPARE(cell(ui::DrawdownsModel::Length, ui::DrawdownsModel::RawValueRole).toLongLong(), p.days);
    }
    QCOMPARE(drawdowns->periods().size(), expected->drawdowns.size());

    // Time- against money-weighted, as the service gives them.
    QVERIFY(qAbs(m_view->report().twr.total - (108.9 / 100.0 - 1.0)) < 1e-12);
    QVERIFY(label(QStringLiteral("perf_twr")).startsWith(QStringLiteral("+") + ui::NumberFormat().percent(0.089, 2)));
    QVERIFY(expected->irr);
    QVERIFY(label(QStringLiteral("perf_irr")).contains(ui::NumberFormat().percent(*expected->irr, 2)));
    QCOMPARE(expected->netInvested, money::dec("1314.6"));
    QCOMPARE(label(QStringLiteral("perf_net_invested")),
             QStringLiteral("%1 USDT").arg(ui::decimalText(expected->netInvested, 2)));
    QVERIFY(!panel->monthlyTable()->isHidden());
    QVERIFY(panel->monthlyTable()->isVisible());
}

QTEST_MAIN(TestPerformanceView)
#include "tst_performanceview.moc"
