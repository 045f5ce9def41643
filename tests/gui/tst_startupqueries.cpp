// The queries the desktop app runs on its ledger connection, from opening the
// window on the Dashboard through showing every page, and every PriceStore
// read, each checked under EXPLAIN QUERY PLAN on a real SQLite file: none may
// scan the whole candles table. Start-up must not grow with stored history:
// the Backtest page reads the stored series only when it is shown, and
// reading them costs the same number of SQLite steps whatever the number of
// candles per series.
#include "appcontext.h"
#include "mainwindow.h"
#include "models/accountsmodel.h"
#include "models/holdingstreemodel.h"
#include "models/lotsmodel.h"
#include "models/planmodel.h"
#include "services/demoportfolio.h"
#include "storage/candlewriter.h"
#include "storage/database.h"
#include "storage/pricestore.h"
#include "testsupport.h"
#include "views/accountsview.h"
#include "views/gainsview.h"
#include "views/holdingsview.h"
#include "views/rebalanceview.h"

#include <QRegularExpression>
#include <QSet>
#include <QSettings>
#include <QStandardPaths>
#include <QTest>

#include <algorithm>
#include <sqlite3.h>
#include <vector>

using namespace ballast;

namespace {

constexpr qint64 kNow = 1767225600000; // 2026-01-01
constexpr qint64 kMinuteMs = 60'000;

/// Every statement run on a connection (its SQL as prepared) and the SQLite
/// virtual-machine steps of each run, by SQLite's profile trace.
class QueryLog
{
public:
    explicit QueryLog(storage::Database &db)
        : m_db(db)
    {
        sqlite3_trace_v2(m_db.handle(), SQLITE_TRACE_PROFILE, &QueryLog::traced, this);
    }
    ~QueryLog() { sqlite3_trace_v2(m_db.handle(), 0, nullptr, nullptr); }
    QueryLog(const QueryLog &) = delete;
    QueryLog &operator=(const QueryLog &) = delete;

    [[nodiscard]] const QStringList &statements() const { return m_statements; }
    [[nodiscard]] qint64 steps() const { return m_steps; }
    void clear()
    {
        m_statements.clear();
        m_seen.clear();
        m_steps = 0;
    }

private:
    static int traced(unsigned type, void *context, void *statement, void * /*elapsed*/)
    {
        if (type != SQLITE_TRACE_PROFILE)
            return 0;
        auto *log = static_cast<QueryLog *>(context);
        auto *stmt = static_cast<sqlite3_stmt *>(statement);
        const QString sql = QString::fromUtf8(sqlite3_sql(stmt));
        if (!log->m_seen.contains(sql)) {
            log->m_seen.insert(sql);
            log->m_statements.append(sql);
        }
        log->m_steps += sqlite3_stmt_status(stmt, SQLITE_STMTSTATUS_VM_STEP, 1);
        return 0;
    }

    storage::Database &m_db;
    QStringList m_statements;
    QSet<QString> m_seen;
    qint64 m_steps = 0;
};

/// Adds @p series one-minute series of @p rows candles each (assets A0, A1, ...
/// in USD and EUR), ending at kNow.
void addCandles(storage::Database &db, int series, int rows)
{
    storage::Transaction transaction(db);
    std::vector<domain::Candle> candles;
    candles.reserve(static_cast<std::size_t>(rows));
    for (int s = 0; s < series; ++s) {
        candles.clear();
        for (int i = 0; i < rows; ++i) {
            const double price = 100.0 + s + (i % 100) * 0.01;
            candles.push_back({kNow - static_cast<qint64>(rows - i) * kMinuteMs, price, price + 0.5, price - 0.5,
                               price + 0.1, 1.0, 0.0});
        }
        storage::CandleWriter writer(db, QStringLiteral("A%1").arg(s / 2),
                                     s % 2 ? QStringLiteral("EUR") : QStringLiteral("USD"), QStringLiteral("1m"),
                                     QStringLiteral("import"));
        writer.write(candles);
    }
    transaction.commit();
}

/// The names the candles table goes by in @p sql: "candles" and its aliases.
QStringList candleNames(const QString &sql)
{
    static const QRegularExpression alias(QStringLiteral("\\bcandles\\s+(?:AS\\s+)?([A-Za-z_]\\w*)"),
                                          QRegularExpression::CaseInsensitiveOption);
    static const QSet<QString> keywords = {
        QStringLiteral("WHERE"), QStringLiteral("JOIN"),  QStringLiteral("ON"),      QStringLiteral("ORDER"),
        QStringLiteral("GROUP"), QStringLiteral("LIMIT"), QStringLiteral("LEFT"),    QStringLiteral("INNER"),
        QStringLiteral("CROSS"), QStringLiteral("UNION"), QStringLiteral("VALUES"),  QStringLiteral("SET"),
        QStringLiteral("USING"), QStringLiteral("AND"),   QStringLiteral("INDEXED"), QStringLiteral("NOT")};
    QStringList names{QStringLiteral("candles")};
    for (auto match = alias.globalMatch(sql); match.hasNext();) {
        const QString name = match.next().captured(1);
        if (!keywords.contains(name.toUpper()))
            names << name;
    }
    return names;
}

/// The lines of EXPLAIN QUERY PLAN for @p sql that scan the candles table
/// from end to end (a "SCAN" of it, with or without a covering index).
QStringList fullScansOfCandles(storage::Database &db, const QString &sql)
{
    const QByteArray explain = "EXPLAIN QUERY PLAN " + sql.toUtf8();
    sqlite3_stmt *stmt = nullptr;
    if (sqlite3_prepare_v2(db.handle(), explain.constData(), static_cast<int>(explain.size()), &stmt, nullptr)
        != SQLITE_OK) {
        return {QStringLiteral("cannot explain: %1").arg(QString::fromUtf8(sqlite3_errmsg(db.handle())))};
    }
    const QStringList names = candleNames(sql);
    QStringList scans;
    while (sqlite3_step(stmt) == SQLITE_ROW) {
        const QString detail = QString::fromUtf8(reinterpret_cast<const char *>(sqlite3_column_text(stmt, 3)));
        for (const QString &name : names) {
            static const QRegularExpression scan(QStringLiteral("^SCAN (?:TABLE )?(\\w+)"));
            const auto match = scan.match(detail);
            if (match.hasMatch() && match.captured(1) == name)
                scans << detail;
        }
    }
    sqlite3_finalize(stmt);
    return scans;
}

bool readsCandles(const QString &sql)
{
    return sql.contains(QLatin1String("candles"), Qt::CaseInsensitive);
}

} // namespace

class TestStartupQueries : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("BallastTest"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_startupqueries"));
        QSettings().clear();
    }

    // The window opens on the Dashboard without reading the stored series;
    // then every page is shown, and no query the app ran scans the candles.
    void appQueriesUseTheIndexes()
    {
        test::TempDatabase db;
        QVERIFY(services::DemoPortfolio::create(db.db(), [] { return kNow; }).ok());
        addCandles(db.db(), 4, 3000);

        // What PriceStore::storedSeries runs, to recognise it below.
        QSet<QString> seriesQueries;
        {
            QueryLog log(db.db());
            QVERIFY(storage::PriceStore(db.db()).storedSeries().ok());
            for (const QString &sql : log.statements())
                seriesQueries.insert(sql);
        }
        QVERIFY(!seriesQueries.isEmpty());

        QueryLog log(db.db());
        QSettings().setValue(QStringLiteral("window/page"), QStringLiteral("dashboard"));
        ui::AppContext context(db.db(), db.path(), [] { return kNow; });
        ui::MainWindow window(context);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QCOMPARE(window.currentPage(), ui::MainWindow::Page::Dashboard);
        QCoreApplication::processEvents();
        for (const QString &sql : log.statements())
            QVERIFY2(!seriesQueries.contains(sql), qPrintable(QStringLiteral("run while opening: %1").arg(sql)));

        for (int i = 0; i < static_cast<int>(ui::MainWindow::Page::Count); ++i) {
            window.showPage(static_cast<ui::MainWindow::Page>(i));
            QCoreApplication::processEvents();
        }
        bool backtestRead = false;
        for (const QString &sql : log.statements())
            backtestRead = backtestRead || seriesQueries.contains(sql);
        QVERIFY2(backtestRead, "the Backtest page, once shown, reads the stored series");

        // And every read of the price store, with its arguments.
        storage::PriceStore store(db.db());
        QVERIFY(store.latest(QStringLiteral("A0"), QStringLiteral("USD")).ok());
        QVERIFY(store.latestAll(QStringLiteral("USD")).ok());
        QVERIFY(store.history(QStringLiteral("A0"), QStringLiteral("USD"), 0, kNow).ok());
        QVERIFY(
            store
                .candles(QStringLiteral("A0"), QStringLiteral("USD"), QStringLiteral("1m"), kNow - 60 * kMinuteMs, kNow)
                .ok());
        QVERIFY(store.highest(QStringLiteral("A0"), QStringLiteral("USD")).ok());
        QVERIFY(store.storedSeries().ok());

        int checked = 0;
        for (const QString &sql : log.statements()) {
            if (!readsCandles(sql))
                continue;
            ++checked;
            const QStringList scans = fullScansOfCandles(db.db(), sql);
            QVERIFY2(scans.isEmpty(),
                     qPrintable(QStringLiteral("%1\n  plan: %2").arg(sql, scans.join(QStringLiteral("; ")))));
        }
        QVERIFY2(checked >= 6, qPrintable(QStringLiteral("only %1 queries of the candles were seen").arg(checked)));
    }

    // Building the window on the Dashboard reads nothing for the Holdings,
    // Gains, Rebalance and Accounts pages: their models stay empty and no
    // load of theirs runs until each is first shown. A ledger change while a
    // page is hidden only marks it stale; it reads again when shown.
    void hiddenPagesReadWhenFirstShown()
    {
        test::TempDatabase db;
        QVERIFY(services::DemoPortfolio::create(db.db(), [] { return kNow; }).ok());
        QSettings().setValue(QStringLiteral("window/page"), QStringLiteral("dashboard"));
        ui::AppContext context(db.db(), db.path(), [] { return kNow; });
        QueryLog log(db.db());
        ui::MainWindow window(context);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QCoreApplication::processEvents();
        QCOMPARE(window.currentPage(), ui::MainWindow::Page::Dashboard);

        using Page = ui::MainWindow::Page;
        auto *holdings = qobject_cast<ui::HoldingsView *>(window.page(Page::Holdings));
        auto *gains = qobject_cast<ui::GainsView *>(window.page(Page::Gains));
        auto *rebalance = qobject_cast<ui::RebalanceView *>(window.page(Page::Rebalance));
        auto *accounts = qobject_cast<ui::AccountsView *>(window.page(Page::Accounts));
        QVERIFY(holdings && gains && rebalance && accounts);
        const QList<ui::View *> lazy{holdings, gains, rebalance, accounts};
        for (ui::View *page : lazy) {
            QVERIFY2(page->loadCount() == 0, qPrintable(page->accessibleName()));
            QVERIFY2(page->isStale(), qPrintable(page->accessibleName()));
        }
        QCOMPARE(holdings->model()->rowCount(), 0);
        QCOMPARE(accounts->model()->rowCount(), 0);
        QVERIFY(!rebalance->planModel()->hasPlan());
        // Nor did the ledger connection run the query only the Accounts page
        // runs (each account's last sync).
        const auto syncTimesRead = [&log] {
            return std::any_of(log.statements().cbegin(), log.statements().cend(), [](const QString &sql) {
                return sql.contains(QLatin1String("MAX(updated_at) FROM markets"), Qt::CaseInsensitive);
            });
        };
        QVERIFY(!syncTimesRead());

        // Shown: each reads once.
        window.showPage(Page::Holdings);
        QCOMPARE(holdings->loadCount(), 1);
        QVERIFY(!holdings->isStale());
        QVERIFY(holdings->model()->rowCount() > 0);
        window.showPage(Page::Accounts);
        QCOMPARE(accounts->loadCount(), 1);
        QVERIFY(accounts->model()->rowCount() > 0);
        QVERIFY2(syncTimesRead(), "the Accounts page reads the sync times when shown");
        window.showPage(Page::Rebalance);
        QCOMPARE(rebalance->loadCount(), 1);
        window.showPage(Page::Gains);
        QCOMPARE(gains->loadCount(), 1);
        QVERIFY(!gains->isStale());

        // A change of the ledger: the page on show reads at once, hidden ones
        // are marked stale and read when shown again (once, however many changes).
        context.notifyLedgerChanged();
        context.notifyLedgerChanged();
        QCOMPARE(gains->loadCount(), 3);
        for (ui::View *page : {static_cast<ui::View *>(holdings), static_cast<ui::View *>(rebalance),
                               static_cast<ui::View *>(accounts)}) {
            QVERIFY(page->isStale());
            QCOMPARE(page->loadCount(), 1);
        }
        window.showPage(Page::Holdings);
        QCOMPARE(holdings->loadCount(), 2);
        window.showPage(Page::Gains); // shown again without a change: nothing read
        QCOMPARE(gains->loadCount(), 3);
        QCOMPARE(accounts->loadCount(), 1);
    }

    // The checker itself: a query that does scan the candles is caught, by
    // its name and by an alias.
    void fullScanIsDetected()
    {
        test::TempDatabase db;
        addCandles(db.db(), 2, 10);
        QVERIFY(!fullScansOfCandles(db.db(), QStringLiteral("SELECT count(*) FROM candles WHERE close > 1")).isEmpty());
        QVERIFY(
            !fullScansOfCandles(db.db(), QStringLiteral("SELECT c.ts FROM candles AS c WHERE c.close > 1")).isEmpty());
        QVERIFY(!fullScansOfCandles(db.db(), QStringLiteral("SELECT DISTINCT asset, quote, interval FROM candles"))
                     .isEmpty());
        QVERIFY(fullScansOfCandles(db.db(),
                                   QStringLiteral("SELECT ts FROM candles WHERE asset = 'A0' AND quote = 'USD' "
                                                  "AND interval = '1m' ORDER BY ts LIMIT 1"))
                    .isEmpty());
    }

    // Reading the stored series costs SQLite the same number of steps with
    // ten times the candles per series: seeks, not a walk through the rows.
    void storedSeriesDoesNotGrowWithCandles()
    {
        qint64 steps[2] = {0, 0};
        const int rows[2] = {1000, 10000};
        for (int run = 0; run < 2; ++run) {
            test::TempDatabase db;
            addCandles(db.db(), 6, rows[run]);
            QueryLog log(db.db());
            auto series = storage::PriceStore(db.db()).storedSeries();
            QVERIFY(series.ok());
            QCOMPARE(series->size(), 6);
            QCOMPARE(series->front().asset, QStringLiteral("A0"));
            QCOMPARE(series->front().quote, QStringLiteral("EUR"));
            QCOMPARE(series->front().lastMs, kNow - kMinuteMs);
            QCOMPARE(series->front().firstMs, kNow - rows[run] * kMinuteMs);
            steps[run] = log.steps();
        }
        QVERIFY(steps[0] > 0);
        QCOMPARE(steps[1], steps[0]);
    }
};

QTEST_MAIN(TestStartupQueries)
#include "tst_startupqueries.moc"
