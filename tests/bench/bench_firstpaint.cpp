// Time from opening a large ledger to the first paint of the main window.
// The target from the transactions issue: on a ledger of 100,000 transactions
// over eight years on 50 assets, the desktop app opens to its first paint in
// under 1 s. A plain program, not a Qt Test: it reports figures and never
// fails because the machine is busy.
//
//   bench_firstpaint [TRANSACTIONS] [--days D] [--candles C] [--repeat N] [--ledger PATH]
//
// (--days shortens the history from its eight years, 2922 days, for the
// smoke run: the daily prices of 50 assets are most of the writing.)
// (--candles stores C one-minute candles besides, in series of at most
// 500,000 candles of the ledger's assets, through CandleWriter in one SQLite
// transaction: the start-up must not grow with stored history. The issue's
// figure: bench_firstpaint 100000 --candles 5000000 --repeat 5.)
// (--ledger keeps the ledger at PATH, and reuses it when it is there, for
// profiling a run by hand: bench_firstpaint --open PATH is one run.)
// First it writes a real SQLite ledger in a temporary folder through the
// storage and service layer (Ledger for the portfolio, accounts, targets and
// prices; TransactionRepo for the generated transactions of tests/support/
// randomhistory.h, the generator of bench_costbasis, all in one SQLite
// transaction; the daily valuations of the history), then starts itself N
// times as a separate process (so that every run starts as cold as the app
// does: no font, style or SQLite cache from an earlier run) with --open PATH.
// The child does what app/gui/main.cpp does (QApplication, Database::open,
// AppContext, MainWindow, show) on the offscreen platform and reports, at the
// first paint event of the window, the wall and CPU milliseconds since just
// before Database::open and since the start of main. ctest runs a small smoke
// size; the figure is taken by hand:
//   build/tests/bench/bench_firstpaint 100000 --repeat 5
#include "analytics/performance.h"
#include "appcontext.h"
#include "mainwindow.h"
#include "randomhistory.h"
#include "services/ledger.h"
#include "services/valuationservice.h"
#include "storage/candlewriter.h"
#include "storage/database.h"
#include "storage/transactionrepo.h"
#include "storage/valuationrepo.h"

#include <QApplication>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QHash>
#include <QProcess>
#include <QTemporaryDir>
#include <QTextStream>

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <vector>

using ballast::testsupport::RandomHistory;
using ballast::testsupport::RandomHistoryOptions;

namespace {

constexpr QLatin1StringView kOpenArgument("--open");

double cpuMs()
{
    timespec ts{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) * 1000.0 + static_cast<double>(ts.tv_nsec) / 1e6;
}

int fail(const QString &what)
{
    QTextStream(stderr) << "bench_firstpaint: " << what << '\n';
    return 1;
}

/// Writes the ledger of @p history to a new database at @p path.
ballast::Status writeLedger(const RandomHistory &history, const QString &path)
{
    using namespace ballast;
    auto opened = storage::Database::open(path);
    if (!opened)
        return opened.error();
    storage::Database &db = **opened;
    services::Ledger ledger(db);
    auto portfolio = ledger.init(QStringLiteral("Main"), RandomHistory::quote());
    if (!portfolio)
        return portfolio.error();

    // The generator's accounts are 1, 2, 3...: map them to the stored ones.
    QHash<qint64, qint64> accounts;
    for (const domain::Transaction &tx : history.transactions()) {
        if (accounts.contains(tx.accountId))
            continue;
        auto account = ledger.addAccount(QStringLiteral("acct%1").arg(tx.accountId), QStringLiteral("manual"));
        if (!account)
            return account.error();
        accounts.insert(tx.accountId, account->id);
    }

    // Equal targets over every asset, so that the dashboard has allocation,
    // drift and a buy-and-hold curve to draw.
    QList<domain::Target> targets;
    const auto assetCount = static_cast<int>(history.assets().size());
    for (const QString &asset : history.assets())
        targets.append({asset, money::Decimal::fromInt(1) / money::Decimal::fromInt(assetCount), std::nullopt});
    if (Status set = ledger.setTargets(QStringLiteral("Main"), targets, domain::Band{}); !set)
        return set;

    // The daily closes of every asset.
    QList<domain::PricePoint> prices;
    const QDate first = history.transactions().front().time.toUTC().date();
    for (QDate day = first; day <= history.lastDay(); day = day.addDays(1)) {
        for (const QString &asset : history.assets()) {
            if (auto close = history.close(asset, day)) {
                prices.append({asset, RandomHistory::quote(), QDateTime(day, QTime(0, 0), Qt::UTC), *close,
                               QStringLiteral("import")});
            }
        }
    }
    if (Status set = ledger.setPrices(prices); !set)
        return set;

    // The transactions, in one SQLite transaction; transfer legs linked once
    // both have their stored ids.
    {
        storage::Transaction transaction(db);
        storage::TransactionRepo repo(db);
        QHash<qint64, qint64> ids; // generated id -> stored id
        ids.reserve(history.transactions().size());
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        for (domain::Transaction tx : history.transactions()) {
            const qint64 generated = tx.id;
            tx.accountId = accounts.value(tx.accountId);
            tx.linkId = 0;
            auto id = repo.add(tx, now);
            if (!id)
                return id.error();
            ids.insert(generated, *id);
        }
        for (const domain::Transaction &tx : history.transactions()) {
            if (tx.linkId == 0 || !ids.contains(tx.linkId))
                continue;
            if (Status linked = repo.setLink(ids.value(tx.id), ids.value(tx.linkId)); !linked)
                return linked;
        }
        transaction.commit();
    }

    // The daily valuations as the app stores them (rebuilt from the
    // transactions with the clock the app runs with), so that opening the
    // window finds them current and rewrites nothing.
    auto rebuilt = services::ValuationService(db, systemClock()).rebuild();
    if (!rebuilt)
        return rebuilt.error();
    return {};
}

/// Adds @p count one-minute candles to the ledger at @p path: series of at
/// most kCandlesPerSeries candles of the history's assets, ending today, with
/// a deterministic random walk; one SQLite transaction.
ballast::Status writeCandles(const RandomHistory &history, const QString &path, qint64 count)
{
    using namespace ballast;
    constexpr qint64 kCandlesPerSeries = 500'000;
    constexpr qint64 kMinuteMs = 60'000;
    auto opened = storage::Database::open(path, storage::Database::Mode::ReadWriteExisting);
    if (!opened)
        return opened.error();
    storage::Database &db = **opened;
    return storage::guarded([&]() -> Status {
        storage::Transaction transaction(db);
        const qint64 end = QDateTime::currentMSecsSinceEpoch() / kMinuteMs * kMinuteMs;
        std::vector<domain::Candle> chunk;
        chunk.reserve(10'000);
        quint64 state = 2026;
        qint64 left = count;
        for (qsizetype a = 0; left > 0; ++a) {
            const QString &asset = history.assets().at(a % history.assets().size());
            const QString quote = a < history.assets().size() ? RandomHistory::quote() : QStringLiteral("EUR");
            storage::CandleWriter writer(db, asset, quote, QStringLiteral("1m"), QStringLiteral("import"));
            const qint64 rows = std::min(left, kCandlesPerSeries);
            double close = 100.0;
            for (qint64 i = 0; i < rows; ++i) {
                state = state * 6364136223846793005ULL + 1442695040888963407ULL; // a small LCG is enough here
                const double step = (static_cast<double>(state >> 11) / 9007199254740992.0 - 0.5) * 0.002;
                const double open = close;
                close = open * (1.0 + step);
                chunk.push_back({end - (rows - i) * kMinuteMs, open, std::max(open, close) * 1.0005,
                                 std::min(open, close) * 0.9995, close, 10.0, 0.0});
                if (chunk.size() == chunk.capacity() || i + 1 == rows) {
                    writer.write(chunk);
                    chunk.clear();
                }
            }
            left -= rows;
        }
        transaction.commit();
        return {};
    });
}

/// The child: opens @p path as the app does and reports at the first paint.
int openAndPaint(int argc, char *argv[], const QString &path, const QElapsedTimer &sinceMain, double cpuAtMain)
{
    QApplication app(argc, argv);
    // Settings of their own: the bench neither reads nor writes the person's.
    QCoreApplication::setOrganizationName(QStringLiteral("BallastBench"));
    QCoreApplication::setApplicationName(QStringLiteral("bench_firstpaint"));

    QElapsedTimer sinceOpen;
    sinceOpen.start();
    const double cpuAtOpen = cpuMs();
    auto opened = ballast::storage::Database::open(path, ballast::storage::Database::Mode::ReadWriteExisting);
    if (!opened)
        return fail(opened.error().message);
    ballast::ui::AppContext context(**opened, path);
    ballast::ui::MainWindow window(context);

    // The first paint event any widget of the window receives.
    class FirstPaint : public QObject
    {
    public:
        explicit FirstPaint(QWidget *window)
            : m_window(window)
        {
        }
        bool painted = false;

    protected:
        bool eventFilter(QObject *watched, QEvent *event) override
        {
            if (!painted && event->type() == QEvent::Paint && watched->isWidgetType()
                && static_cast<QWidget *>(watched)->window() == m_window) {
                painted = true;
                QMetaObject::invokeMethod(qApp, &QCoreApplication::quit, Qt::QueuedConnection);
            }
            return false;
        }

    private:
        QWidget *m_window;
    };
    FirstPaint filter(&window);
    app.installEventFilter(&filter);
    qint64 wallOpen = 0;
    qint64 wallMain = 0;
    double cpuOpen = 0;
    double cpuMain = 0;
    QObject::connect(&app, &QCoreApplication::aboutToQuit, &app, [&] {
        wallOpen = sinceOpen.elapsed();
        wallMain = sinceMain.elapsed();
        cpuOpen = cpuMs() - cpuAtOpen;
        cpuMain = cpuMs() - cpuAtMain;
    });
    window.show();
    QApplication::exec();
    app.removeEventFilter(&filter);
    if (!filter.painted)
        return fail(QStringLiteral("the window was never painted"));
    std::printf("%lld %.1f %lld %.1f\n", static_cast<long long>(wallOpen), cpuOpen, static_cast<long long>(wallMain),
                cpuMain);
    return 0;
}

double median(std::vector<double> v)
{
    std::sort(v.begin(), v.end());
    const std::size_t n = v.size();
    return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2.0;
}

} // namespace

int main(int argc, char *argv[])
{
    QElapsedTimer sinceMain;
    sinceMain.start();
    const double cpuAtMain = cpuMs();
    qputenv("QT_QPA_PLATFORM", "offscreen");
    qputenv("BALLAST_NO_KEYCHAIN", "1");

    if (argc == 3 && QLatin1StringView(argv[1]) == kOpenArgument)
        return openAndPaint(argc, argv, QString::fromLocal8Bit(argv[2]), sinceMain, cpuAtMain);

    int transactions = 100'000;
    int repeat = 3;
    int days = 2922; // eight years
    qint64 candles = 0;
    QString kept;
    for (int i = 1; i < argc; ++i) {
        const QLatin1StringView arg(argv[i]);
        if (arg == QLatin1StringView("--repeat") && i + 1 < argc)
            repeat = std::max(1, QByteArray(argv[++i]).toInt());
        else if (arg == QLatin1StringView("--days") && i + 1 < argc)
            days = std::max(30, QByteArray(argv[++i]).toInt());
        else if (arg == QLatin1StringView("--candles") && i + 1 < argc)
            candles = std::max<qint64>(0, QByteArray(argv[++i]).toLongLong());
        else if (arg == QLatin1StringView("--ledger") && i + 1 < argc)
            kept = QString::fromLocal8Bit(argv[++i]);
        else
            transactions = std::max(100, QByteArray(argv[i]).toInt());
    }
    QCoreApplication core(argc, argv);
    QTemporaryDir dir;
    if (!dir.isValid())
        return fail(QStringLiteral("no temporary folder"));
    const QString path = kept.isEmpty() ? dir.filePath(QStringLiteral("ledger.sqlite")) : kept;

    QElapsedTimer timer;
    timer.start();
    RandomHistoryOptions o;
    o.seed = 2026;
    o.transactions = transactions;
    o.assets = 50;
    o.accounts = 3;
    o.days = days;
    o.start = QDate(2018, 1, 1);
    const RandomHistory history(o);
    if (QFileInfo::exists(path)) {
        QTextStream(stdout) << "reusing the ledger " << path << '\n';
    } else if (ballast::Status written = writeLedger(history, path); !written) {
        return fail(written.error().message);
    } else if (candles > 0) {
        if (ballast::Status stored = writeCandles(history, path, candles); !stored)
            return fail(stored.error().message);
    }
    QTextStream out(stdout);
    out << "ledger: " << history.transactions().size() << " transactions, " << history.assets().size() << " assets, "
        << days << " days, " << candles << " candles, written in " << timer.elapsed() << " ms ("
        << QFileInfo(path).size() / 1024 << " KiB)\n";

    std::vector<double> wallOpen;
    std::vector<double> cpuOpen;
    std::vector<double> wallMain;
    for (int run = 0; run < repeat; ++run) {
        QProcess child;
        child.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        child.start(QCoreApplication::applicationFilePath(), {kOpenArgument, path});
        if (!child.waitForFinished(-1) || child.exitStatus() != QProcess::NormalExit || child.exitCode() != 0)
            return fail(QStringLiteral("run %1 failed").arg(run + 1));
        const QList<QByteArray> f = child.readAllStandardOutput().trimmed().split(' ');
        if (f.size() != 4)
            return fail(QStringLiteral("run %1: unexpected output").arg(run + 1));
        wallOpen.push_back(f[0].toDouble());
        cpuOpen.push_back(f[1].toDouble());
        wallMain.push_back(f[2].toDouble());
        out << "run " << run + 1 << ": first paint " << f[0] << " ms wall (" << f[1]
            << " ms CPU) after opening the ledger; " << f[2] << " ms wall (" << f[3] << " ms CPU) after main\n";
        out.flush();
    }
    out << "median of " << repeat << ": " << median(wallOpen) << " ms wall, " << median(cpuOpen)
        << " ms CPU from opening the ledger to the first paint; " << median(wallMain) << " ms wall from main\n";
    return 0;
}
