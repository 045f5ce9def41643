#include "mainwindow.h"
#include "storage/database.h"
#include "storage/demoportfolio.h"
#include "storage/portfoliorepo.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QFileInfo>
#include <QMessageBox>
#include <QTimer>

int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("Ballast"));
    QApplication::setApplicationName(QStringLiteral("ballast"));
    QApplication::setApplicationDisplayName(QStringLiteral("Ballast"));
    QApplication::setApplicationVersion(QStringLiteral(BALLAST_VERSION));
    QGuiApplication::setDesktopFileName(QStringLiteral("io.ballast.Ballast"));

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Ballast: crypto portfolio manager and rebalancer"));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption dbOption(QStringLiteral("db"), QStringLiteral("SQLite database file."),
                                      QStringLiteral("PATH"));
    const QCommandLineOption demoOption(QStringLiteral("demo"),
                                        QStringLiteral("Create the demo portfolio when the database is empty."));
    const QCommandLineOption screenshotOption(QStringLiteral("screenshot"),
                                              QStringLiteral("Render the main window to FILE.png and exit."),
                                              QStringLiteral("FILE"));
    parser.addOptions({dbOption, demoOption, screenshotOption});
    parser.process(app);

    QString path = parser.value(dbOption);
    if (path.isEmpty())
        path = ballast::storage::Database::defaultPath();
    const bool firstRun = !QFileInfo::exists(path);
    auto opened = ballast::storage::Database::open(path);
    if (!opened) {
        QMessageBox::critical(nullptr, QObject::tr("Ballast"), opened.error().message);
        return 1;
    }
    auto &db = **opened;
    // First run opens the demo portfolio on the paper exchange.
    if (firstRun || parser.isSet(demoOption)) {
        auto portfolios = ballast::storage::PortfolioRepo(db).list();
        if (portfolios && portfolios->isEmpty()) {
            if (auto created = ballast::storage::DemoPortfolio::create(db, ballast::systemClock()); !created) {
                QMessageBox::critical(nullptr, QObject::tr("Ballast"), created.error().message);
                return 1;
            }
        }
    }

    ballast::ui::MainWindow window(db);
    window.show();
    if (parser.isSet(screenshotOption)) {
        const QString file = parser.value(screenshotOption);
        QTimer::singleShot(300, &window, [&window, file] {
            const bool saved = window.grab().save(file);
            QApplication::exit(saved ? 0 : 1);
        });
    }
    return QApplication::exec();
}
