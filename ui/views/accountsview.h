#pragma once

#include "views/view.h"

#include <QList>
#include <QStringList>

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

public slots:
    /// Asks for a new account (paper, Binance or Kraken) and adds it.
    void addAccount();
    /// Tests the selected account's connection.
    void testConnection();
    /// Syncs the selected account.
    void syncSelected();
    /// Syncs every paper and exchange account, one after the other.
    void syncAll();
    /// Stops a sync before its next account.
    void cancel();
    void reload();

signals:
    /// The worker finished what it was doing (tests wait on it).
    void finished(bool ok, const QString &message);

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

    AccountsModel *m_model = nullptr;
    QTableView *m_table = nullptr;
    QPushButton *m_add = nullptr;
    QPushButton *m_test = nullptr;
    QPushButton *m_sync = nullptr;
    QPushButton *m_syncAll = nullptr;
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
};

} // namespace ballast::ui
