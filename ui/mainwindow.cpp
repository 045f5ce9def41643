#include "mainwindow.h"

#include "appcontext.h"
#include "dialogs/importdialog.h"
#include "dialogs/passphrasedialog.h"
#include "prices/pricefetchdialog.h"
#include "prices/pricefetcher.h"
#include "services/ledgerqueries.h"
#include "views/accountsview.h"
#include "views/alertsview.h"
#include "views/backtestview.h"
#include "views/dashboardview.h"
#include "views/gainsview.h"
#include "views/holdingsview.h"
#include "views/policyeditor.h"
#include "views/rebalanceview.h"
#include "views/targetsview.h"
#include "views/transactionsview.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QKeySequence>
#include <QLabel>
#include <QListWidget>
#include <QMenuBar>
#include <QMessageBox>
#include <QPushButton>
#include <QSettings>
#include <QSplitter>
#include <QStackedWidget>
#include <QStatusBar>
#include <QStyle>
#include <QToolBar>
#include <QUndoGroup>
#include <QUndoStack>
#include <QVBoxLayout>

namespace ballast::ui {

namespace {

struct PageInfo
{
    const char *key;
    const char *title; // translated through MainWindow::tr
    const char *icon; // freedesktop icon name
    QStyle::StandardPixmap fallback; // when the desktop has no icon theme
};

constexpr std::array<PageInfo, static_cast<int>(MainWindow::Page::Count)> kPages{{
    {"dashboard", QT_TRANSLATE_NOOP("ballast::ui::MainWindow", "Dashboard"), "go-home", QStyle::SP_DirHomeIcon},
    {"holdings", QT_TRANSLATE_NOOP("ballast::ui::MainWindow", "Holdings"), "view-list-details",
     QStyle::SP_FileDialogDetailedView},
    {"transactions", QT_TRANSLATE_NOOP("ballast::ui::MainWindow", "Transactions"), "view-calendar-list",
     QStyle::SP_FileDialogListView},
    {"gains", QT_TRANSLATE_NOOP("ballast::ui::MainWindow", "Gains"), "accessories-calculator",
     QStyle::SP_FileDialogInfoView},
    {"targets", QT_TRANSLATE_NOOP("ballast::ui::MainWindow", "Targets"), "document-edit",
     QStyle::SP_FileDialogContentsView},
    {"rebalance", QT_TRANSLATE_NOOP("ballast::ui::MainWindow", "Rebalance"), "view-refresh", QStyle::SP_BrowserReload},
    {"backtest", QT_TRANSLATE_NOOP("ballast::ui::MainWindow", "Backtest"), "media-playback-start",
     QStyle::SP_MediaPlay},
    {"accounts", QT_TRANSLATE_NOOP("ballast::ui::MainWindow", "Accounts"), "system-users", QStyle::SP_DriveNetIcon},
    {"alerts", QT_TRANSLATE_NOOP("ballast::ui::MainWindow", "Alerts"), "dialog-warning", QStyle::SP_MessageBoxWarning},
}};

const PageInfo &info(MainWindow::Page page)
{
    return kPages.at(static_cast<std::size_t>(page));
}

/// The desktop theme's icon, or the style's own when there is no theme.
QIcon themeIcon(const char *name, QStyle::StandardPixmap fallback)
{
    return QIcon::fromTheme(QString::fromLatin1(name), QApplication::style()->standardIcon(fallback));
}

} // namespace

MainWindow::MainWindow(AppContext &context, QWidget *parent)
    : QMainWindow(parent)
    , m_context(context)
    , m_undo(new QUndoGroup(this))
{
    setWindowTitle(tr("Ballast"));
    setWindowIcon(QIcon(QStringLiteral(":/icons/io.ballast.Ballast.svg")));
    m_context.setPassphraseProvider(
        [this](const QString &reason) -> std::optional<QString> { return PassphraseDialog::ask(this, reason); });

    // The window's one fetcher of price history: the File menu's dialog, the
    // Backtest page and the refresh after each sync share it (its thread
    // starts with the first fetch).
    m_historyFetcher = new PriceFetcher(context, this);

    m_stack = new QStackedWidget(this);
    m_pages = {
        new DashboardView(context, m_stack), new HoldingsView(context, m_stack), new TransactionsView(context, m_stack),
        new GainsView(context, m_stack),     new TargetsView(context, m_stack),  new RebalanceView(context, m_stack),
        new BacktestView(context, m_stack),  new AccountsView(context, m_stack), new AlertsView(context, m_stack)};
    m_navigation = new QListWidget(this);
    m_navigation->setAccessibleName(tr("Pages"));
    m_navigation->setIconSize(QSize(22, 22));
    m_navigation->setSpacing(2);
    for (int i = 0; i < m_pages.size(); ++i) {
        const PageInfo &page = info(static_cast<Page>(i));
        m_stack->addWidget(m_pages[i]);
        m_pages[i]->setAccessibleName(tr(page.title));
        auto *item = new QListWidgetItem(themeIcon(page.icon, page.fallback), tr(page.title));
        m_navigation->addItem(item);
    }
    // Wide enough for the longest title with an unread count beside it.
    m_navigation->setFixedWidth(
        std::max(m_navigation->sizeHintForColumn(0),
                 m_navigation->fontMetrics().horizontalAdvance(tr("Alerts (999)")) + m_navigation->iconSize().width())
        + 32);
    connect(m_navigation, &QListWidget::currentRowChanged, this, [this](int row) {
        if (row < 0)
            return;
        m_stack->setCurrentIndex(row);
        if (QUndoStack *stack = m_pages.value(row)->undoStack())
            m_undo->setActiveStack(stack);
        rebuildExportMenu();
    });
    if (auto *alerts = qobject_cast<AlertsView *>(page(Page::Alerts))) {
        connect(alerts, &AlertsView::unreadChanged, this, [this](int unread) {
            QListWidgetItem *item = m_navigation->item(static_cast<int>(Page::Alerts));
            const QString title = tr(info(Page::Alerts).title);
            item->setText(unread > 0 ? tr("%1 (%2)").arg(title).arg(unread) : title);
            QFont font = item->font();
            font.setBold(unread > 0);
            item->setFont(font);
        });
    }
    // Edit > Undo undoes on the page on show, or on the last page with undo shown.
    for (View *view : std::as_const(m_pages)) {
        if (QUndoStack *stack = view->undoStack())
            m_undo->addStack(stack);
    }
    if (auto *dashboard = qobject_cast<DashboardView *>(page(Page::Dashboard))) {
        // The plan the policy prepared opens on the Rebalance page; Execute stays the person's click.
        connect(dashboard, &DashboardView::openPlanRequested, this, [this](const QString &planId) {
            showPage(Page::Rebalance);
            if (auto *rebalance = qobject_cast<RebalanceView *>(page(Page::Rebalance)))
                rebalance->showStoredPlan(planId);
        });
    }
    if (auto *targets = page(Page::Targets); targets && targets->undoStack())
        m_undo->setActiveStack(targets->undoStack());
    // After each sync the history of what the portfolio holds is brought up to
    // date in the background; what failed goes to the status bar.
    if (auto *backtest = qobject_cast<BacktestView *>(page(Page::Backtest)))
        backtest->setPriceFetcher(m_historyFetcher);
    if (auto *accounts = qobject_cast<AccountsView *>(page(Page::Accounts)))
        connect(accounts, &AccountsView::accountsSynced, m_historyFetcher, &PriceFetcher::fetchMissing);

    // The banner says plainly when what is on screen is simulated, and offers a real account.
    m_banner = new QWidget(this);
    m_banner->setAutoFillBackground(true);
    QPalette bannerPalette = m_banner->palette();
    bannerPalette.setColor(QPalette::Window, QColor(0xb2, 0x6b, 0x00));
    bannerPalette.setColor(QPalette::WindowText, Qt::white);
    m_banner->setPalette(bannerPalette);
    auto *bannerLayout = new QHBoxLayout(m_banner);
    bannerLayout->setContentsMargins(10, 4, 10, 4);
    m_bannerText = new QLabel(m_banner);
    m_bannerText->setAccessibleName(tr("Simulated data notice"));
    QFont bold = m_bannerText->font();
    bold.setBold(true);
    m_bannerText->setFont(bold);
    auto *addReal = new QPushButton(tr("Add a real account…"), m_banner);
    addReal->setAccessibleName(tr("Add a real exchange account"));
    connect(addReal, &QPushButton::clicked, this, [this] {
        showPage(Page::Accounts);
        if (auto *accounts = qobject_cast<AccountsView *>(page(Page::Accounts)))
            accounts->addAccount();
    });
    bannerLayout->addWidget(m_bannerText, 1);
    bannerLayout->addWidget(addReal);

    auto *central = new QWidget(this);
    auto *outer = new QVBoxLayout(central);
    outer->setContentsMargins(0, 0, 0, 0);
    outer->setSpacing(0);
    outer->addWidget(m_banner);
    auto *body = new QHBoxLayout;
    body->setContentsMargins(6, 6, 6, 6);
    body->addWidget(m_navigation);
    body->addWidget(m_stack, 1);
    outer->addLayout(body, 1);
    setCentralWidget(central);

    createActions();
    connect(&m_context, &AppContext::statusMessage, this,
            [this](const QString &message) { statusBar()->showMessage(message, 8000); });
    connect(&m_context, &AppContext::ledgerChanged, this, &MainWindow::updateBanner);

    QSettings settings;
    resize(1280, 820);
    restoreGeometry(settings.value(QStringLiteral("window/geometry")).toByteArray());
    restoreState(settings.value(QStringLiteral("window/state")).toByteArray());
    const auto saved = pageFromKey(settings.value(QStringLiteral("window/page")).toString());
    showPage(saved.value_or(Page::Dashboard));
    updateBanner();
}

MainWindow::~MainWindow() = default;

QString MainWindow::pageKey(Page page)
{
    return QString::fromLatin1(info(page).key);
}

std::optional<MainWindow::Page> MainWindow::pageFromKey(const QString &key)
{
    for (int i = 0; i < static_cast<int>(Page::Count); ++i)
        if (key == QLatin1String(kPages.at(i).key))
            return static_cast<Page>(i);
    return std::nullopt;
}

void MainWindow::showPage(Page page)
{
    m_navigation->setCurrentRow(static_cast<int>(page));
}

MainWindow::Page MainWindow::currentPage() const
{
    return static_cast<Page>(std::max(0, m_stack->currentIndex()));
}

View *MainWindow::page(Page page) const
{
    return m_pages.value(static_cast<int>(page));
}

void MainWindow::refresh()
{
    m_context.notifyLedgerChanged();
}

void MainWindow::createActions()
{
    QMenu *file = menuBar()->addMenu(tr("&File"));
    auto *import = file->addAction(themeIcon("document-import", QStyle::SP_DialogOpenButton), tr("&Import Prices…"),
                                   this, &MainWindow::importPrices);
    import->setShortcut(QKeySequence(tr("Ctrl+I")));
    import->setStatusTip(tr("Import price history from CSV files"));
    auto *fetch = file->addAction(themeIcon("download", QStyle::SP_ArrowDown), tr("&Fetch Price History…"), this,
                                  &MainWindow::fetchPriceHistory);
    fetch->setObjectName(QStringLiteral("fetchPriceHistory"));
    fetch->setStatusTip(tr("Fetch price history from Binance, Kraken or CoinGecko"));
    m_exportMenu = file->addMenu(themeIcon("document-export", QStyle::SP_DialogSaveButton), tr("&Export"));
    file->addSeparator();
    auto *quit = file->addAction(themeIcon("application-exit", QStyle::SP_DialogCloseButton), tr("&Quit"), this,
                                 &QWidget::close);
    quit->setShortcut(QKeySequence::Quit);
    quit->setMenuRole(QAction::QuitRole);

    QMenu *edit = menuBar()->addMenu(tr("&Edit"));
    QAction *undo = m_undo->createUndoAction(this, tr("&Undo"));
    undo->setShortcut(QKeySequence::Undo);
    undo->setIcon(themeIcon("edit-undo", QStyle::SP_ArrowBack));
    QAction *redo = m_undo->createRedoAction(this, tr("&Redo"));
    redo->setShortcut(QKeySequence::Redo);
    redo->setIcon(themeIcon("edit-redo", QStyle::SP_ArrowForward));
    edit->addAction(undo);
    edit->addAction(redo);

    QMenu *view = menuBar()->addMenu(tr("&View"));
    for (int i = 0; i < static_cast<int>(Page::Count); ++i) {
        const PageInfo &page = kPages.at(i);
        auto *action = view->addAction(themeIcon(page.icon, page.fallback), tr(page.title), this,
                                       [this, i] { showPage(static_cast<Page>(i)); });
        // Ctrl+1 ... Ctrl+9, then Ctrl+0 for the tenth page, as the digits lie on the keyboard.
        if (i < 9)
            action->setShortcut(QKeySequence(Qt::CTRL | static_cast<Qt::Key>(Qt::Key_1 + i)));
        else if (i == 9)
            action->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_0));
    }
    view->addSeparator();
    auto *refreshAction = view->addAction(themeIcon("view-refresh", QStyle::SP_BrowserReload), tr("&Refresh"), this,
                                          &MainWindow::refresh);
    refreshAction->setShortcut(QKeySequence::Refresh);
    auto *fullScreen = view->addAction(tr("&Full Screen"), this, [this](bool on) {
        setWindowState(on ? windowState() | Qt::WindowFullScreen : windowState() & ~Qt::WindowFullScreen);
    });
    fullScreen->setCheckable(true);
    fullScreen->setShortcut(QKeySequence::FullScreen);

    QMenu *help = menuBar()->addMenu(tr("&Help"));
    auto *about = help->addAction(tr("&About Ballast"), this, &MainWindow::showAbout);
    about->setMenuRole(QAction::AboutRole);
    help->addAction(tr("About &Qt"), qApp, &QApplication::aboutQt);

    QToolBar *toolbar = addToolBar(tr("Main"));
    toolbar->setObjectName(QStringLiteral("mainToolBar"));
    toolbar->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    toolbar->addAction(refreshAction);
    toolbar->addAction(import);
    toolbar->addSeparator();
    toolbar->addAction(undo);
    toolbar->addAction(redo);
}

void MainWindow::rebuildExportMenu()
{
    m_exportMenu->clear();
    View *current = page(currentPage());
    if (current == nullptr)
        return;
    const QList<ExportTarget> targets = current->exportTargets();
    for (int i = 0; i < targets.size(); ++i)
        m_exportMenu->addAction(targets[i].title + QStringLiteral("…"), this, [this, i] { exportTarget(i); });
    m_exportMenu->setEnabled(!targets.isEmpty());
}

void MainWindow::exportTarget(int index)
{
    View *current = page(currentPage());
    const QList<ExportTarget> targets = current->exportTargets();
    if (index < 0 || index >= targets.size())
        return;
    const QString path = saveWithDialog(this, targets[index]);
    if (!path.isEmpty())
        statusBar()->showMessage(tr("Exported %1").arg(QDir::toNativeSeparators(path)), 8000);
}

void MainWindow::importPrices()
{
    QSettings settings;
    const QStringList paths = QFileDialog::getOpenFileNames(
        this, tr("Import Price History"), settings.value(QStringLiteral("import/directory")).toString(),
        tr("Price files (*.csv *.txt);;All files (*)"));
    if (paths.isEmpty())
        return;
    settings.setValue(QStringLiteral("import/directory"), QFileInfo(paths.first()).absolutePath());
    ImportDialog dialog(m_context, paths, this);
    dialog.exec();
}

void MainWindow::fetchPriceHistory()
{
    // Not modal: the window stays usable while the history comes in.
    auto *dialog = new PriceFetchDialog(m_context, *m_historyFetcher, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->show();
}

void MainWindow::updateBanner()
{
    bool simulated = false;
    if (auto snapshot = m_context.snapshot())
        simulated = snapshot->isSimulated();
    bool realAccount = false;
    if (auto accounts = m_context.queries().accounts()) {
        bool paper = false;
        for (const auto &account : *accounts) {
            paper = paper || account.kind == domain::AccountKind::Paper;
            realAccount = realAccount || account.kind == domain::AccountKind::Exchange;
        }
        simulated = simulated || (paper && !realAccount);
    }
    m_bannerText->setText(realAccount ? tr("SIMULATED prices are in use for some assets")
                                      : tr("SIMULATED: demo portfolio on the paper exchange; no real money moves"));
    m_banner->setVisible(simulated);
}

void MainWindow::showAbout()
{
    QMessageBox::about(this, tr("About Ballast"),
                       tr("<h3>Ballast %1</h3><p>A portfolio manager and rebalancer for crypto assets.</p>"
                          "<p>Your ledger: %2</p>")
                           .arg(QApplication::applicationVersion(), m_context.databasePath().toHtmlEscaped()));
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    if (m_context.isExecuting()) {
        const auto answer = QMessageBox::question(
            this, tr("Execution running"),
            tr("Orders are being sent. Closing now stops after the current order; the rest is reconciled at the "
               "next start. Close anyway?"));
        if (answer != QMessageBox::Yes) {
            event->ignore();
            return;
        }
    }
    if (auto *targets = qobject_cast<TargetsView *>(page(Page::Targets)); targets && targets->isDirty()) {
        const auto answer = QMessageBox::question(
            this, tr("Unsaved targets"), tr("The target weights have changes that are not saved. Save them now?"),
            QMessageBox::Save | QMessageBox::Discard | QMessageBox::Cancel, QMessageBox::Save);
        if (answer == QMessageBox::Cancel || (answer == QMessageBox::Save && !targets->save())) {
            event->ignore();
            return;
        }
    }
    if (auto *targets = qobject_cast<TargetsView *>(page(Page::Targets));
        targets && targets->policyEditor()->isDirty()) {
        const auto answer = QMessageBox::question(
            this, tr("Unsaved policy"), tr("The rebalancing policy has changes that are not saved. Save them now?"),
            QMessageBox::Save | QMessageBox::Discard | QMessageBox::Cancel, QMessageBox::Save);
        if (answer == QMessageBox::Cancel || (answer == QMessageBox::Save && !targets->policyEditor()->save())) {
            event->ignore();
            return;
        }
    }
    QSettings settings;
    settings.setValue(QStringLiteral("window/geometry"), saveGeometry());
    settings.setValue(QStringLiteral("window/state"), saveState());
    settings.setValue(QStringLiteral("window/page"), pageKey(currentPage()));
    QMainWindow::closeEvent(event);
}

} // namespace ballast::ui
