#pragma once

#include "services/pricehistoryservice.h"

#include <QDialog>

class QCheckBox;
class QComboBox;
class QDateEdit;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QProgressBar;
class QPushButton;

namespace ballast::ui {

class AppContext;
class PriceFetcher;

/// Fetches price history from the network: a source (Binance, Kraken or
/// CoinGecko), the assets (by default the portfolio's), the interval and the
/// first day (by default the portfolio's first transaction). The fetch runs
/// through the window's one PriceFetcher (joining or queueing behind a fetch
/// already running, and saying so) with a progress bar and Cancel; the
/// report says per asset what was stored, what is missing and what failed.
class PriceFetchDialog : public QDialog
{
    Q_OBJECT

public:
    PriceFetchDialog(AppContext &context, PriceFetcher &fetcher, QWidget *parent = nullptr);
    ~PriceFetchDialog() override;
    PriceFetchDialog(const PriceFetchDialog &) = delete;
    PriceFetchDialog &operator=(const PriceFetchDialog &) = delete;

    /// The request the controls describe.
    [[nodiscard]] services::PriceFetchRequest request() const;
    [[nodiscard]] bool isBusy() const;
    [[nodiscard]] PriceFetcher *fetcher() const { return &m_fetcher; }
    [[nodiscard]] QProgressBar *progressBar() const { return m_progress; }
    [[nodiscard]] QPushButton *fetchButton() const { return m_fetch; }
    [[nodiscard]] QPushButton *cancelButton() const { return m_cancel; }
    /// The report of the last fetch, as shown.
    [[nodiscard]] QString reportText() const;
    /// What the status line says.
    [[nodiscard]] QString statusText() const;

public slots:
    void startFetch();
    void cancelFetch();
    void reject() override;

signals:
    void fetchFinished(bool ok);

private:
    void onStarted(int ticket);
    void onProgress(const QString &asset, int index, int count, qint64 candles, int ticket);
    void onFinished(bool ok, const QString &error, const services::PriceFetchReport &report, int ticket);
    void onPortfolioAssets(const QString &source, const QStringList &assets, const QString &error);
    void updateControls();
    /// CoinGecko's history is daily here: Hourly is greyed out and Daily
    /// chosen while it is the source.
    void fitIntervalToSource();

    AppContext &m_context;
    PriceFetcher &m_fetcher;
    int m_ticket = 0; ///< this dialog's fetch (running or queued), 0 when none
    QComboBox *m_source = nullptr;
    QLineEdit *m_assets = nullptr;
    QComboBox *m_interval = nullptr;
    QCheckBox *m_sinceFirst = nullptr;
    QDateEdit *m_from = nullptr;
    QProgressBar *m_progress = nullptr;
    QLabel *m_status = nullptr;
    QPlainTextEdit *m_report = nullptr;
    QPushButton *m_fetch = nullptr;
    QPushButton *m_cancel = nullptr;
    QPushButton *m_close = nullptr;
};

} // namespace ballast::ui
