#pragma once

#include "services/syncschedule.h"
#include "views/view.h"

#include <QList>
#include <QStringList>
#include <QTimer>

#include <memory>
#include <optional>

class QLabel;
class QProgressBar;
class QPushButton;
class QTableView;
class QThread;

namespace ballast::ui {

class AccountsModel;
class AccountWorker;

/// Exchange and wallet accounts: add, test, sync. Everything that waits on the
/// network or the key store runs on the page's worker thread.
class AccountsView : public View
{
    Q_OBJECT

public:
    explicit AccountsView(AppContext &context, QWidget *parent = nullptr);
    ~AccountsView() override;
    AccountsView(const AccountsView &) = delete;
    AccountsView &operator=(const AccountsView &) = delete;

    [[nodiscard]] QList<ExportTarget> exportTargets() override;

    [[nodiscard]] AccountsModel *model() const { return m_model; }
    /// True while the worker adds, tests or syncs.
    [[nodiscard]] bool isBusy() const { return m_busy; }
    /// When the exchange accounts are synced next on the policy's interval (with back-off).
    [[nodiscard]] const services::SyncSchedule &syncSchedule() const { return m_schedule; }
    /// True while an automatic sync runs.
    [[nodiscard]] bool isAutoSyncing() const { return m_autoRunning; }

public slots:
    /// Asks for a new account (paper, Binance or Kraken) and adds it.
    void addAccount();
    /// Tests the selected account's connection.
    void testConnection();
    /// Syncs the selected account.
    void syncSelected();
    /// Edits the token lists of the selected EVM wallet (TokenListDialog) and
    /// saves them through WalletService, all or nothing.
    void editTokens();
    /// Syncs every paper and exchange account, one after the other.
    void syncAll();
    /// Stops a sync before its next account.
    void cancel();
    /// Reads the sync interval, and reloads the accounts now when the page is
    /// on show, else when it is next shown.
    void refresh();
    /// Reloads the accounts now.
    void reload();
    /// What the periodic sync's timer calls: syncs the exchange accounts,
    /// read-only, when the schedule says so and nothing else writes (never
    /// during an execution); otherwise waits again. It runs whether the page
    /// is on show or not, and never reloads a hidden page: what it changed
    /// is read when the page is next shown.
    void autoSyncTick();

signals:
    /// The worker finished what it was doing (tests wait on it).
    void finished(bool ok, const QString &message);
    /// An automatic sync ended; on failure the next try follows the back-off.
    void autoSyncDone(bool ok, const QString &message);
    /// A sync (by hand or periodic) stored what @p synced accounts hold.
    void accountsSynced(int synced);

private:
    struct ThreadStopper
    {
        void operator()(QThread *thread) const;
    };

    [[nodiscard]] qint64 selectedAccountId() const;
    void selectAccount(qint64 accountId);
    void startSync(const QList<qint64> &accountIds);
    void setBusy(bool busy, bool cancellable = false);
    void updateActions();
    void showMessage(bool ok, const QString &message);
    /// Asks for the vault passphrase; twice when the vault is new.
    std::optional<QString> unlockVault(const QString &accountName, bool creating);

    void onAccountAdded(const QString &name, bool ok, const QString &message);
    void onConnectionTested(qint64 accountId, bool ok, const QString &message);
    void onSyncStarted(qint64 accountId, int index, int count);
    void onSyncFinished(qint64 accountId, bool ok, const QString &message);
    void onSyncDone(int synced, int failed, bool cancelled);
    /// Reads the policy's sync interval into the schedule.
    void readSyncInterval();
    void armAutoSync(qint64 delayMs);

    AccountsModel *m_model = nullptr;
    QTableView *m_table = nullptr;
    QPushButton *m_add = nullptr;
    QPushButton *m_test = nullptr;
    QPushButton *m_sync = nullptr;
    QPushButton *m_syncAll = nullptr;
    QPushButton *m_tokens = nullptr;
    QLabel *m_executing = nullptr;
    QLabel *m_message = nullptr;
    QProgressBar *m_progress = nullptr;
    QPushButton *m_cancel = nullptr;
    std::unique_ptr<QThread, ThreadStopper> m_thread;
    AccountWorker *m_worker = nullptr;
    bool m_busy = false;
    QStringList m_syncErrors;
    qint64 m_pendingSelection = 0;
    QString m_pendingName;
    services::SyncSchedule m_schedule;
    QTimer m_autoSync;
    bool m_autoRunning = false;
    qint64 m_autoStartedAt = 0;
    std::optional<QString> m_autoPassphrase; ///< given once for the automatic syncs of this session
    bool m_autoRefused = false; ///< the passphrase was refused: no automatic sync of exchange accounts
};

} // namespace ballast::ui
