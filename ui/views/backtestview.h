#pragma once

#include "backtest/backtestrunner.h"
#include "domain/portfolio.h"
#include "services/ledgerqueries.h"
#include "views/view.h"

#include <QList>

#include <optional>

class QCheckBox;
class QComboBox;
class QDateEdit;
class QDoubleSpinBox;
class QLabel;
class QListWidget;
class QProgressBar;
class QPushButton;
class QSortFilterProxyModel;
class QSpinBox;
class QStackedWidget;
class QTabWidget;
class QTableView;

namespace ballast::ui {

namespace charts {
class EquityChart;
}
class BacktestAlertsModel;
class BacktestRunsModel;
class BacktestTradesModel;
class PriceFetchDialog;
class PriceFetcher;
class SweepDialog;

/// Backtests of rebalancing rules on stored price history, and their
/// comparison: settings on the left, runs in the background with progress and
/// Cancel, then the equity chart, a metrics row per run, and the trades and
/// alerts of the selected run.
class BacktestView : public View
{
    Q_OBJECT

public:
    explicit BacktestView(AppContext &context, QWidget *parent = nullptr);
    ~BacktestView() override;

    QList<ExportTarget> exportTargets() override;

    [[nodiscard]] BacktestRunsModel *runsModel() const { return m_runs; }
    [[nodiscard]] BacktestTradesModel *tradesModel() const { return m_trades; }
    [[nodiscard]] BacktestAlertsModel *alertsModel() const { return m_alerts; }
    [[nodiscard]] BacktestRunner *runner() const { return m_runner; }
    /// The request the controls describe, or an error naming the control to fix.
    [[nodiscard]] Result<BacktestRequest> request() const;
    /// The weight source chosen under "Starting weights".
    [[nodiscard]] WeightSource weightSource() const;
    /// The run shown in the trades and alerts tables (the current row).
    [[nodiscard]] const BacktestRun *selectedRun() const;
    /// Starts a sweep of @p grid with the page's settings (what the Sweep dialog does on OK).
    void startSweep(const SweepGrid &grid);
    /// Opens the Fetch Price History dialog (the "Fetch Price History…" button); it closes itself.
    PriceFetchDialog *openFetchDialog();
    /// The window's fetcher of price history, which the Fetch Price History
    /// button's dialog uses; without one the button is disabled.
    void setPriceFetcher(PriceFetcher *fetcher);
    [[nodiscard]] QPushButton *fetchHistoryButton() const { return m_fetchHistory; }

private:
    void buildUi();
    QWidget *buildSettings();
    void reloadHistory();
    void populateAssets();
    void updateDateBounds();
    void updateControls();
    void updateWeightsPreview();
    [[nodiscard]] QList<std::pair<QString, WeightSource>> weightChoices() const;
    void startRun();
    void openSweepDialog();
    void setBusy(bool busy);
    void showProgress(int done, int total);
    void addRun(const BacktestRun &run);
    void addSweep(const QList<BacktestRun> &runs);
    void showFailure(const QString &message);
    void showCancelled(int done, int total);
    void showSelectedRun();
    void updateChart();
    void setMessage(const QString &text, bool error = false);
    void loadSettings();
    void saveSettings() const;

    BacktestRunner *m_runner = nullptr;
    BacktestRunsModel *m_runs = nullptr;
    BacktestTradesModel *m_trades = nullptr;
    BacktestAlertsModel *m_alerts = nullptr;
    QSortFilterProxyModel *m_runsProxy = nullptr;

    QList<storage::StoredSeries> m_series;
    std::optional<domain::Portfolio> m_portfolio;
    QStringList m_savedAssets;
    bool m_settingsLoaded = false;
    bool m_datesChosen = false;
    bool m_historyLoaded = false; ///< reloadHistory() has run (on first show)
    int m_selectedRunId = 0;

    QWidget *m_settings = nullptr;
    QComboBox *m_quote = nullptr;
    QComboBox *m_interval = nullptr;
    QListWidget *m_assets = nullptr;
    QDateEdit *m_from = nullptr;
    QDateEdit *m_to = nullptr;
    QLabel *m_historyNote = nullptr;
    QComboBox *m_weights = nullptr;
    QLabel *m_weightsPreview = nullptr;
    QComboBox *m_trigger = nullptr;
    QComboBox *m_period = nullptr;
    QDoubleSpinBox *m_band = nullptr;
    QDoubleSpinBox *m_fee = nullptr;
    QDoubleSpinBox *m_slippage = nullptr;
    QDoubleSpinBox *m_taxRate = nullptr;
    QComboBox *m_taxLots = nullptr;
    QDoubleSpinBox *m_capital = nullptr;
    QComboBox *m_overlay = nullptr;
    QComboBox *m_stablecoin = nullptr;
    QStackedWidget *m_overlayPages = nullptr;
    QDoubleSpinBox *m_volTarget = nullptr;
    QSpinBox *m_volLookback = nullptr;
    QDoubleSpinBox *m_volCap = nullptr;
    QDoubleSpinBox *m_cppiMultiplier = nullptr;
    QDoubleSpinBox *m_cppiFloor = nullptr;
    QCheckBox *m_cppiRatchet = nullptr;
    QDoubleSpinBox *m_regimeBase = nullptr;
    QDoubleSpinBox *m_regimeDefensive = nullptr;
    QDoubleSpinBox *m_regimeMultiple = nullptr;
    QCheckBox *m_guard = nullptr;
    QDoubleSpinBox *m_guardLevel = nullptr;
    QCheckBox *m_correlation = nullptr;
    QDoubleSpinBox *m_correlationLevel = nullptr;

    QPushButton *m_run = nullptr;
    QPushButton *m_sweep = nullptr;
    QPushButton *m_fetchHistory = nullptr;
    PriceFetcher *m_priceFetcher = nullptr; ///< the window's, not owned
    QPushButton *m_cancel = nullptr;
    QProgressBar *m_progress = nullptr;
    QLabel *m_status = nullptr;

    charts::EquityChart *m_chart = nullptr;
    QTabWidget *m_tabs = nullptr;
    QTableView *m_runsTable = nullptr;
    QTableView *m_tradesTable = nullptr;
    QTableView *m_alertsTable = nullptr;
    QPushButton *m_detail = nullptr;
    QPushButton *m_remove = nullptr;
    QPushButton *m_clear = nullptr;
    SweepDialog *m_sweepDialog = nullptr;
};

} // namespace ballast::ui
