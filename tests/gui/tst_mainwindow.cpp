// The window as a person meets it: first run on the demo, every page reachable
// from the navigation and the keyboard, the simulated banner, settings kept,
// exports offered per page, and the --screenshot option of the real program.
#include "appcontext.h"
#include "mainwindow.h"
#include "services/demoportfolio.h"
#include "storage/accountrepo.h"
#include "testsupport.h"
#include "views/view.h"

#include <QAction>
#include <QApplication>
#include <QImage>
#include <QLabel>
#include <QListWidget>
#include <QMenuBar>
#include <QProcess>
#include <QPushButton>
#include <QSettings>
#include <QStackedWidget>
#include <QStandardPaths>
#include <QTest>
#include <QTimer>

using namespace ballast;

namespace {

constexpr qint64 kNow = 1767225600000; // 2026-01-01

/// How many distinct colours a picture has (a blank or one-colour render has one or two).
int colours(const QImage &image)
{
    QSet<QRgb> seen;
    for (int y = 0; y < image.height(); y += 3)
        for (int x = 0; x < image.width(); x += 3)
            seen.insert(image.pixel(x, y));
    return static_cast<int>(seen.size());
}

} // namespace

class TestMainWindow : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("BallastTest"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_mainwindow"));
        QSettings().clear();
    }

    void everyPageFromNavigationAndKeyboard()
    {
        test::TempDatabase db;
        QVERIFY(services::DemoPortfolio::create(db.db(), [] { return kNow; }).ok());
        ui::AppContext context(db.db(), db.path(), [] { return kNow; });
        ui::MainWindow window(context);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));

        auto *navigation = window.findChild<QListWidget *>();
        QVERIFY(navigation);
        QCOMPARE(navigation->count(), static_cast<int>(ui::MainWindow::Page::Count));
        for (int i = 0; i < navigation->count(); ++i) {
            const auto page = static_cast<ui::MainWindow::Page>(i);
            QVERIFY(window.page(page));
            QVERIFY(!window.page(page)->accessibleName().isEmpty());
            QCOMPARE(ui::MainWindow::pageFromKey(ui::MainWindow::pageKey(page)), page);
            // Ctrl+1 .. Ctrl+9, then Ctrl+0, switch pages.
            QVERIFY(i < 10);
            QTest::keyClick(&window, i < 9 ? static_cast<Qt::Key>(Qt::Key_1 + i) : Qt::Key_0, Qt::ControlModifier);
            QCOMPARE(window.currentPage(), page);
            QCOMPARE(navigation->currentRow(), i);
            QVERIFY(window.page(page)->isVisible());
        }
        QVERIFY(!ui::MainWindow::pageFromKey(QStringLiteral("nonsense")));

        // Menus with standard shortcuts.
        QStringList menus;
        for (QAction *action : window.menuBar()->actions())
            menus << action->text();
        QCOMPARE(menus,
                 QStringList({QStringLiteral("&File"), QStringLiteral("&Edit"), QStringLiteral("&View"),
                              QStringLiteral("&Help")}));
        bool quit = false;
        for (QAction *action : window.findChildren<QAction *>())
            quit = quit || action->shortcut() == QKeySequence(QKeySequence::Quit);
        QVERIFY(quit);
    }

    void simulatedBannerOffersARealAccount()
    {
        test::TempDatabase db;
        QVERIFY(services::DemoPortfolio::create(db.db(), [] { return kNow; }).ok());
        ui::AppContext context(db.db(), db.path(), [] { return kNow; });
        ui::MainWindow window(context);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QLabel *banner = nullptr;
        for (auto *label : window.findChildren<QLabel *>())
            if (label->accessibleName() == QLatin1String("Simulated data notice"))
                banner = label;
        QVERIFY(banner);
        QVERIFY(banner->isVisible());
        QVERIFY(banner->text().contains(QLatin1String("SIMULATED")));

        QPushButton *offer = nullptr;
        for (auto *button : window.findChildren<QPushButton *>())
            if (button->accessibleName() == QLatin1String("Add a real exchange account"))
                offer = button;
        QVERIFY(offer);
        window.showPage(ui::MainWindow::Page::Dashboard);
        // The add-account dialog opens modally from the slot; close it as soon as it shows.
        QTimer::singleShot(0, &window, [] {
            if (QWidget *modal = QApplication::activeModalWidget())
                modal->close();
        });
        QTest::mouseClick(offer, Qt::LeftButton);
        QCOMPARE(window.currentPage(), ui::MainWindow::Page::Accounts);
    }

    void noBannerForAnEmptyRealLedger()
    {
        test::TempDatabase db;
        ui::AppContext context(db.db(), db.path(), [] { return kNow; });
        ui::MainWindow window(context);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        for (auto *label : window.findChildren<QLabel *>())
            if (label->accessibleName() == QLatin1String("Simulated data notice"))
                QVERIFY(!label->isVisible());
    }

    void windowStateIsKept()
    {
        test::TempDatabase db;
        QVERIFY(services::DemoPortfolio::create(db.db(), [] { return kNow; }).ok());
        ui::AppContext context(db.db(), db.path(), [] { return kNow; });
        {
            ui::MainWindow window(context);
            window.show();
            QVERIFY(QTest::qWaitForWindowExposed(&window));
            window.showPage(ui::MainWindow::Page::Backtest);
            window.close();
        }
        QCOMPARE(QSettings().value(QStringLiteral("window/page")).toString(), QStringLiteral("backtest"));
        ui::MainWindow again(context);
        QCOMPARE(again.currentPage(), ui::MainWindow::Page::Backtest);
    }

    void pagesRenderSomething()
    {
        test::TempDatabase db;
        QVERIFY(services::DemoPortfolio::create(db.db(), [] { return kNow; }).ok());
        ui::AppContext context(db.db(), db.path(), [] { return kNow; });
        ui::MainWindow window(context);
        window.resize(1280, 820);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        // Nothing forces the window wider than a small laptop screen (1024 pixels wide).
        QVERIFY2(window.minimumSizeHint().width() <= 1024,
                 qPrintable(QString::number(window.minimumSizeHint().width())));
        for (int i = 0; i < static_cast<int>(ui::MainWindow::Page::Count); ++i) {
            window.showPage(static_cast<ui::MainWindow::Page>(i));
            QTest::qWait(50);
            const QImage image = window.page(static_cast<ui::MainWindow::Page>(i))->grab().toImage();
            QVERIFY2(colours(image) > 8, qPrintable(ui::MainWindow::pageKey(static_cast<ui::MainWindow::Page>(i))));
        }
        // The pages fill in from worker threads; the longest text (the holdings totals with the cost
        // basis) must not widen the window either once it has arrived.
        QLabel *totals = nullptr;
        for (auto *label : window.findChildren<QLabel *>())
            if (label->accessibleName() == QLatin1String("Holdings totals"))
                totals = label;
        QVERIFY(totals);
        QTRY_VERIFY_WITH_TIMEOUT(totals->text().contains(QLatin1String("unrealized")), 60000);
        QVERIFY2(window.minimumSizeHint().width() <= 1024,
                 qPrintable(QString::number(window.minimumSizeHint().width())));
    }

    void screenshotOptionOfTheProgram()
    {
        QTemporaryDir dir;
        const QString db = dir.filePath(QStringLiteral("shot.sqlite"));
        const QString png = dir.filePath(QStringLiteral("dashboard.png"));
        QProcess program;
        program.setProcessChannelMode(QProcess::ForwardedChannels);
        QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
        environment.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
        environment.insert(QStringLiteral("XDG_CONFIG_HOME"), dir.filePath(QStringLiteral("config")));
        program.setProcessEnvironment(environment);
        program.start(QStringLiteral(BALLAST_GUI_EXE),
                      {QStringLiteral("--db"), db, QStringLiteral("--demo"), QStringLiteral("--view"),
                       QStringLiteral("holdings"), QStringLiteral("--size"), QStringLiteral("1300x850"),
                       QStringLiteral("--screenshot"), png});
        QVERIFY(program.waitForFinished(60000));
        QCOMPARE(program.exitCode(), 0);
        const QImage image(png);
        QVERIFY(!image.isNull());
        QCOMPARE(image.width(), 1300);
        QVERIFY(colours(image) > 8);

        // An unknown page is refused with a message and a usage exit code.
        program.start(QStringLiteral(BALLAST_GUI_EXE),
                      {QStringLiteral("--db"), db, QStringLiteral("--view"), QStringLiteral("nowhere"),
                       QStringLiteral("--screenshot"), png});
        QVERIFY(program.waitForFinished(60000));
        QCOMPARE(program.exitCode(), 2);
    }
};

QTEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"
