#pragma once

#include <QMainWindow>

class QLabel;
class QListWidget;
class QMenu;
class QStackedWidget;
class QUndoGroup;
class QWidget;

namespace ballast::ui {

class AppContext;
class PriceFetcher;
class View;

/// The main window: a list of pages beside the page on show, the menus, the
/// toolbar and the "simulated" banner. The pages do the work; the window only
/// assembles them and keeps its state in QSettings.
class MainWindow : public QMainWindow
{
    Q_OBJECT

public:
    explicit MainWindow(AppContext &context, QWidget *parent = nullptr);
    ~MainWindow() override;

    /// The pages, in the order of the navigation list.
    enum class Page { Dashboard, Holdings, Transactions, Gains, Targets, Rebalance, Backtest, Accounts, Alerts, Count };
    /// The page names used on the command line (--view) and in settings.
    static QString pageKey(Page page);
    static std::optional<Page> pageFromKey(const QString &key);

    void showPage(Page page);
    [[nodiscard]] Page currentPage() const;
    [[nodiscard]] View *page(Page page) const;
    /// Undo and redo of every page that keeps an undo stack (Transactions,
    /// Targets); the stack of the page on show is the active one.
    [[nodiscard]] QUndoGroup *undoGroup() const { return m_undo; }

    /// Re-reads the ledger into every page.
    void refresh();
    /// Opens the Fetch Price History dialog (File menu, Backtest page).
    void fetchPriceHistory();
    /// Fetches the portfolio's missing price history in the background (after each sync).
    [[nodiscard]] PriceFetcher *historyFetcher() const { return m_historyFetcher; }

protected:
    void closeEvent(QCloseEvent *event) override;

private:
    void createActions();
    void rebuildExportMenu();
    void updateBanner();
    void importPrices();
    void exportTarget(int index);
    void showAbout();

    AppContext &m_context;
    QListWidget *m_navigation = nullptr;
    QStackedWidget *m_stack = nullptr;
    QWidget *m_banner = nullptr;
    QLabel *m_bannerText = nullptr;
    QMenu *m_exportMenu = nullptr;
    QUndoGroup *m_undo = nullptr;
    QList<View *> m_pages;
    PriceFetcher *m_historyFetcher = nullptr;
};

} // namespace ballast::ui
