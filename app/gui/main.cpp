#include "appcontext.h"
#include "mainwindow.h"
#include "services/demoportfolio.h"
#include "services/ledgerqueries.h"
#include "storage/database.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QDir>
#include <QFileInfo>
#include <QMessageBox>
#include <QTimer>

int main(int argc, char *argv[])
{
    QApplication::setHighDpiScaleFactorRoundingPolicy(Qt::HighDpiScaleFactorRoundingPolicy::PassThrough);
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("Ballast"));
    QApplication::setApplicationName(QStringLiteral("ballast"));
    QApplication::setApplicationDisplayName(QStringLiteral("Ballast"));
    QApplication::setApplicationVersion(QStringLiteral(BALLAST_VERSION));
    QGuiApplication::setDesktopFileName(QStringLiteral("io.ballast.Ballast"));

    QCommandLineParser parser;
    parser.setApplicationDescription(QObject::tr("Ballast: crypto portfolio manager and rebalancer"));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption dbOption(QStringLiteral("db"), QObject::tr("SQLite ledger file."), QStringLiteral("PATH"));
    const QCommandLineOption demoOption(QStringLiteral("demo"),
                                        QObject::tr("Create the demo portfolio when the ledger is empty."));
    const QCommandLineOption screenshotOption(
        QStringLiteral("screenshot"), QObject::tr("Render the main window to FILE.png after loading, then exit."),
        QStringLiteral("FILE"));
    const QCommandLineOption viewOption(
        QStringLiteral("view"),
        QObject::tr("Page to open: dashboard, holdings, targets, rebalance, backtest, accounts or alerts."),
        QStringLiteral("PAGE"));
    const QCommandLineOption sizeOption(QStringLiteral("size"), QObject::tr("Window size for --screenshot, WxH."),
                                        QStringLiteral("WxH"), QStringLiteral("1280x820"));
    parser.addOptions({dbOption, demoOption, screenshotOption, viewOption, sizeOption});
    parser.process(app);

    std::optional<ballast::ui::MainWindow::Page> page;
    if (parser.isSet(viewOption)) {
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
    if (parser.isSet(screenshotOption)) {
        const QStringList size = parser.value(sizeOption).split(QLatin1Char('x'));
        if (size.size() == 2)
            window.resize(size[0].toInt(), size[1].toInt());
        window.show();
        const QString file = parser.value(screenshotOption);
        // Rendered once loading has settled: charts animate nothing, so a few
        // event-loop turns after showing are enough.
        QTimer::singleShot(500, &window, [&window, file] {
            const bool saved = window.grab().save(file);
            if (!saved)
                qCritical("ballast: cannot write %s", qPrintable(file));
            QApplication::exit(saved ? 0 : 1);
        });
    } else {
        window.show();
    }
    return QApplication::exec();
}
