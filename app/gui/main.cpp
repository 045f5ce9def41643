#include "appcontext.h"
#include "common/heap.h"
#include "mainwindow.h"
#include "policy/policymonitor.h"
#include "services/demoportfolio.h"
#include "services/ledgerqueries.h"
#include "storage/database.h"
#include "views/dashboardview.h"
#include "views/targetsview.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QDir>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QMessageBox>
#include <QTextStream>
#include <QTimer>

#include <optional>

namespace {

/// The options of the desktop app, for both passes over the command line.
struct Options
{
    QCommandLineOption help = QCommandLineOption({QStringLiteral("h"), QStringLiteral("help"), QStringLiteral("?")},
                                                 QObject::tr("Show this help and exit."));
    QCommandLineOption version =
        QCommandLineOption({QStringLiteral("v"), QStringLiteral("version")}, QObject::tr("Show the version and exit."));
    QCommandLineOption db =
        QCommandLineOption(QStringLiteral("db"), QObject::tr("SQLite ledger file."), QStringLiteral("PATH"));
    QCommandLineOption demo =
        QCommandLineOption(QStringLiteral("demo"), QObject::tr("Create the demo portfolio when the ledger is empty."));
    QCommandLineOption screenshot = QCommandLineOption(
        QStringLiteral("screenshot"), QObject::tr("Render the main window to FILE.png after loading, then exit."),
        QStringLiteral("FILE"));
    QCommandLineOption view = QCommandLineOption(
        QStringLiteral("view"),
        QObject::tr(
            "Page to open: dashboard, holdings, transactions, targets, rebalance, backtest, accounts or alerts; "
            "performance and policy open the dashboard's Performance tab and the Targets page's policy tab."),
        QStringLiteral("PAGE"));
    QCommandLineOption size =
        QCommandLineOption(QStringLiteral("size"), QObject::tr("Window size for --screenshot, WxH."),
                           QStringLiteral("WxH"), QStringLiteral("1280x820"));
    // Taken by Qt itself before our parser sees the arguments; listed so that
    // --help names everything the app accepts.
    QList<QCommandLineOption> qt = {
        {QStringLiteral("platform"), QObject::tr("Qt platform plugin, e.g. xcb, wayland or offscreen."),
         QStringLiteral("NAME")},
        {QStringLiteral("style"), QObject::tr("Qt widget style, e.g. Fusion."), QStringLiteral("STYLE")},
        {QStringLiteral("stylesheet"), QObject::tr("Qt style sheet file."), QStringLiteral("FILE")},
        {QStringLiteral("reverse"), QObject::tr("Right-to-left layout.")},
        {QStringLiteral("qwindowgeometry"), QObject::tr("Geometry of the main window, WxH+X+Y."),
         QStringLiteral("GEOMETRY")},
        {QStringLiteral("qwindowtitle"), QObject::tr("Title of the main window."), QStringLiteral("TITLE")},
    };
};

void setUp(QCommandLineParser &parser, const Options &options)
{
    parser.setApplicationDescription(
        QObject::tr("Ballast: crypto portfolio manager and rebalancer.\n"
                    "The other standard Qt options (see QGuiApplication) are accepted as well."));
    parser.setSingleDashWordOptionMode(QCommandLineParser::ParseAsLongOptions);
    parser.addOptions(
        {options.help, options.version, options.db, options.demo, options.screenshot, options.view, options.size});
    parser.addOptions(options.qt);
}

void setNames()
{
    QCoreApplication::setOrganizationName(QStringLiteral("Ballast"));
    QCoreApplication::setApplicationName(QStringLiteral("ballast"));
    QCoreApplication::setApplicationVersion(QStringLiteral(BALLAST_VERSION));
}

/// --help and --version are answered like any command-line program's, before
/// a QApplication exists: they must work without a display. Returns the exit
/// code when the command line asked for one of them.
std::optional<int> helpOrVersion(int argc, char *argv[])
{
    QStringList arguments;
    for (int i = 0; i < argc; ++i)
        arguments.append(QString::fromLocal8Bit(argv[i]));
    const Options options;
    QCommandLineParser parser;
    setUp(parser, options);
    if (!parser.parse(arguments) || !(parser.isSet(options.help) || parser.isSet(options.version)))
        return std::nullopt; // the full parse, after Qt has taken its own options, reports any error
    QCoreApplication core(argc, argv);
    setNames();
    if (parser.isSet(options.help)) {
        QTextStream(stdout) << parser.helpText();
    } else {
        QTextStream(stdout) << QCoreApplication::applicationName() << ' ' << QCoreApplication::applicationVersion()
                            << '\n';
    }
    return 0;
}

} // namespace

int main(int argc, char *argv[])
{
    if (auto code = helpOrVersion(argc, argv))
        return *code;

    ballast::common::keepFreedHeapMemory();
    QApplication::setHighDpiScaleFactorRoundingPolicy(Qt::HighDpiScaleFactorRoundingPolicy::PassThrough);
    QApplication app(argc, argv);
    setNames();
    QApplication::setApplicationDisplayName(QStringLiteral("Ballast"));
    QGuiApplication::setDesktopFileName(QStringLiteral("io.ballast.Ballast"));

    const Options options;
    QCommandLineParser parser;
    setUp(parser, options);
    parser.process(app);
    const QCommandLineOption &dbOption = options.db;
    const QCommandLineOption &demoOption = options.demo;
    const QCommandLineOption &screenshotOption = options.screenshot;
    const QCommandLineOption &viewOption = options.view;
    const QCommandLineOption &sizeOption = options.size;

    std::optional<ballast::ui::MainWindow::Page> page;
    // "performance": the dashboard with its Performance tab open.
    const bool performanceTab = parser.value(viewOption) == QLatin1String("performance");
    // "policy": the Targets page with its Rebalancing policy tab open.
    const bool policyTab = parser.value(viewOption) == QLatin1String("policy");
    if (performanceTab) {
        page = ballast::ui::MainWindow::Page::Dashboard;
    } else if (policyTab) {
        page = ballast::ui::MainWindow::Page::Targets;
    } else if (parser.isSet(viewOption)) {
        page = ballast::ui::MainWindow::pageFromKey(parser.value(viewOption));
        if (!page) {
            qCritical("ballast: --view: unknown page \"%s\"", qPrintable(parser.value(viewOption)));
            return 2;
        }
    }

    QString path = parser.value(dbOption);
    if (path.isEmpty()) {
        path = ballast::storage::Database::defaultPath();
        QDir().mkpath(QFileInfo(path).absolutePath());
    }
    const bool firstRun = !QFileInfo::exists(path);
    auto opened = ballast::storage::Database::open(path);
    if (!opened) {
        QMessageBox::critical(nullptr, QObject::tr("Ballast"), opened.error().message);
        return 1;
    }
    auto &db = **opened;
    // First run opens the demo portfolio on the paper exchange.
    if (firstRun || parser.isSet(demoOption)) {
        auto portfolios = ballast::services::LedgerQueries(db).portfolios();
        if (portfolios && portfolios->isEmpty()) {
            if (auto created = ballast::services::DemoPortfolio::create(db, ballast::systemClock()); !created) {
                QMessageBox::critical(nullptr, QObject::tr("Ballast"), created.error().message);
                return 1;
            }
        }
    }

    ballast::ui::AppContext context(db, QFileInfo(path).absoluteFilePath());
    ballast::ui::MainWindow window(context);
    if (page)
        window.showPage(*page);
    if (performanceTab) {
        if (auto *dashboard = window.findChild<ballast::ui::DashboardView *>())
            dashboard->showPerformance(true);
    }
    if (policyTab) {
        if (auto *targets = window.findChild<ballast::ui::TargetsView *>())
            targets->showTab(1);
    }
    if (parser.isSet(screenshotOption)) {
        const QStringList size = parser.value(sizeOption).split(QLatin1Char('x'));
        if (size.size() == 2)
            window.resize(size[0].toInt(), size[1].toInt());
        window.show();
        const QString file = parser.value(screenshotOption);
        // Rendered once loading has settled: charts animate nothing, so a few
        // event-loop turns after showing are enough, and the dashboard's
        // policy check (its own thread; it may show the "Rebalance due"
        // banner) has answered, or at most ten seconds later.
        auto *settle = new QTimer(&window);
        settle->setInterval(100);
        QElapsedTimer started;
        started.start();
        QObject::connect(settle, &QTimer::timeout, &window, [&window, file, settle, started] {
            const qint64 elapsed = started.elapsed();
            const auto *dashboard = window.findChild<ballast::ui::DashboardView *>();
            const bool checked = dashboard == nullptr
                || (dashboard->policyMonitor()->checks() > 0 && !dashboard->policyMonitor()->isPending());
            if (elapsed < 500 || (!checked && elapsed < 10000))
                return;
            settle->stop();
            const bool saved = window.grab().save(file);
            if (!saved)
                qCritical("ballast: cannot write %s", qPrintable(file));
            QApplication::exit(saved ? 0 : 1);
        });
        settle->start();
    } else {
        window.show();
    }
    return QApplication::exec();
}
