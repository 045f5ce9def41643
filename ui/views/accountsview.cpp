#include "views/accountsview.h"

#include "appcontext.h"
#include "dialogs/addaccountdialog.h"
#include "dialogs/tokenlistdialog.h"
#include "models/accountsmodel.h"
#include "rebalance/rebalancepolicy.h"
#include "security/vault.h"
#include "services/ledgerqueries.h"
#include "services/policyservice.h"
#include "services/walletservice.h"
#include "storage/database.h"
#include "workers/accountworker.h"

#include <QApplication>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPainter>
#include <QProgressBar>
#include <QPushButton>
#include <QSortFilterProxyModel>
#include <QStyledItemDelegate>
#include <QTableView>
#include <QThread>
#include <QVBoxLayout>

namespace ballast::ui {

namespace {

/// Exchange and paper accounts sync from their exchange, watched wallets from
/// their chains; a manual wallet has nothing to sync.
bool syncable(const domain::Account &account)
{
    return account.kind != domain::AccountKind::Wallet || services::WalletService::isWatched(account.exchange);
}

} // namespace

namespace {

/// Draws a busy bar with the activity text in the Status cell of an account
/// the worker is on.
class ActivityDelegate : public QStyledItemDelegate
{
public:
    using QStyledItemDelegate::QStyledItemDelegate;

    void paint(QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const override
    {
        if (!index.data(AccountsModel::BusyRole).toBool()) {
            QStyledItemDelegate::paint(painter, option, index);
            return;
        }
        QStyleOptionProgressBar bar;
        bar.rect = option.rect.adjusted(2, 3, -2, -3);
        bar.minimum = 0;
        bar.maximum = 0; // busy: how long an exchange takes is not known
        bar.text = index.data().toString();
        bar.textVisible = true;
        bar.state = option.state | QStyle::State_Horizontal;
        const QWidget *widget = option.widget;
        QStyle *style = widget ? widget->style() : QApplication::style();
        style->drawControl(QStyle::CE_ProgressBar, &bar, painter, widget);
    }
};

} // namespace

void AccountsView::ThreadStopper::operator()(QThread *thread) const
{
    thread->quit();
    thread->wait();
    delete thread;
}

AccountsView::AccountsView(AppContext &context, QWidget *parent)
    : View(context, parent)
    , m_model(new AccountsModel(this))
{
    m_add = new QPushButton(tr("&Add…"), this);
    m_add->setObjectName(QStringLiteral("addAccount"));
    m_add->setAccessibleName(tr("Add account"));
    m_test = new QPushButton(tr("&Test Connection"), this);
    m_test->setObjectName(QStringLiteral("testConnection"));
    m_test->setAccessibleName(tr("Test the selected account's connection"));
    m_sync = new QPushButton(tr("&Sync"), this);
    m_sync->setObjectName(QStringLiteral("sync"));
    m_sync->setAccessibleName(tr("Sync the selected account"));
    m_syncAll = new QPushButton(tr("Sync A&ll"), this);
    m_syncAll->setObjectName(QStringLiteral("syncAll"));
    m_syncAll->setAccessibleName(tr("Sync all accounts"));
    m_tokens = new QPushButton(tr("Edit &Tokens…"), this);
    m_tokens->setObjectName(QStringLiteral("editTokens"));
    m_tokens->setAccessibleName(tr("Edit the tokens the selected EVM wallet reads"));
    auto *buttons = new QHBoxLayout;
    for (QPushButton *button : {m_add, m_test, m_sync, m_syncAll, m_tokens})
        buttons->addWidget(button);
    buttons->addStretch();

    m_executing = new QLabel(tr("An execution is running: adding and syncing accounts wait until it ends."), this);
    m_executing->setObjectName(QStringLiteral("executingNotice"));
    m_executing->setWordWrap(true);
    m_executing->setVisible(false);

    auto *sorted = new QSortFilterProxyModel(this);
    sorted->setSourceModel(m_model);
    sorted->setSortRole(AccountsModel::SortRole);
    m_table = new QTableView(this);
    m_table->setObjectName(QStringLiteral("accountsTable"));
    m_table->setAccessibleName(tr("Accounts"));
    m_table->setModel(sorted);
    m_table->setSortingEnabled(true);
    m_table->sortByColumn(-1, Qt::AscendingOrder);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setAlternatingRowColors(true);
    m_table->verticalHeader()->setVisible(false);
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_table->horizontalHeader()->setSectionResizeMode(AccountsModel::Activity, QHeaderView::Stretch);
    m_table->setItemDelegateForColumn(AccountsModel::Activity, new ActivityDelegate(m_table));

    m_message = new QLabel(this);
    m_message->setObjectName(QStringLiteral("message"));
    m_message->setAccessibleName(tr("Result"));
    m_message->setWordWrap(true);
    m_message->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_progress = new QProgressBar(this);
    m_progress->setObjectName(QStringLiteral("progress"));
    m_progress->setAccessibleName(tr("Progress"));
    m_progress->setVisible(false);
    m_cancel = new QPushButton(tr("Cancel"), this);
    m_cancel->setObjectName(QStringLiteral("cancel"));
    m_cancel->setAccessibleName(tr("Cancel the sync"));
    m_cancel->setToolTip(tr("Stops before the next account; the account being synced finishes first"));
    m_cancel->setVisible(false);
    auto *progress = new QHBoxLayout;
    progress->addWidget(m_progress, 1);
    progress->addWidget(m_cancel);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(buttons);
    layout->addWidget(m_executing);
    layout->addWidget(m_table, 1);
    layout->addLayout(progress);
    layout->addWidget(m_message);

    m_worker = new AccountWorker(context.databasePath(), context.vaultPath(), context.clock());
    m_thread.reset(new QThread);
    m_thread->setObjectName(QStringLiteral("accounts"));
    m_worker->moveToThread(m_thread.get());
    connect(m_thread.get(), &QThread::finished, m_worker, &QObject::deleteLater);
    connect(m_worker, &AccountWorker::accountAdded, this, &AccountsView::onAccountAdded);
    connect(m_worker, &AccountWorker::connectionTested, this, &AccountsView::onConnectionTested);
    connect(m_worker, &AccountWorker::syncStarted, this, &AccountsView::onSyncStarted);
    connect(m_worker, &AccountWorker::syncFinished, this, &AccountsView::onSyncFinished);
    connect(m_worker, &AccountWorker::walletProgress, this,
            [this](qint64 accountId, const QString &network, int addresses) {
                m_model->setActivity(accountId, tr("Reading %1: %n address(es)…", nullptr, addresses).arg(network),
                                     true);
            });
    connect(m_worker, &AccountWorker::syncDone, this, &AccountsView::onSyncDone);
    m_thread->start();

    connect(m_add, &QPushButton::clicked, this, &AccountsView::addAccount);
    connect(m_test, &QPushButton::clicked, this, &AccountsView::testConnection);
    connect(m_sync, &QPushButton::clicked, this, &AccountsView::syncSelected);
    connect(m_syncAll, &QPushButton::clicked, this, &AccountsView::syncAll);
    connect(m_tokens, &QPushButton::clicked, this, &AccountsView::editTokens);
    connect(m_cancel, &QPushButton::clicked, this, &AccountsView::cancel);
    connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this, &AccountsView::updateActions);
    connect(&context, &AppContext::ledgerChanged, this, &AccountsView::refresh);
    connect(&context, &AppContext::executingChanged, this, &AccountsView::updateActions);
    m_autoSync.setSingleShot(true);
    connect(&m_autoSync, &QTimer::timeout, this, &AccountsView::autoSyncTick);
    refresh();
}

AccountsView::~AccountsView()
{
    if (m_worker)
        m_worker->cancel();
    // The account thread is waited for as the members go, within this call.
    if (m_busy)
        context().endBackgroundWrite();
}

QList<ExportTarget> AccountsView::exportTargets()
{
    return {modelTarget(tr("Accounts (CSV)"), QStringLiteral("accounts.csv"), m_model)};
}

void AccountsView::refresh()
{
    // The periodic sync runs whether the page is on show or not.
    readSyncInterval();
    whenShown([this] { reload(); });
}

void AccountsView::reload()
{
    const qint64 selected = m_pendingSelection != 0 ? m_pendingSelection : selectedAccountId();
    m_pendingSelection = 0;
    auto snapshot = context().snapshot();
    if (auto loaded = m_model->reload(context().db(), snapshot ? &*snapshot : nullptr); !loaded)
        showMessage(false, loaded.error().message);
    if (!m_pendingName.isEmpty()) {
        for (int row = 0; row < m_model->rowCount(); ++row) {
            if (m_model->row(row).account.name == m_pendingName)
                selectAccount(m_model->row(row).account.id);
        }
        m_pendingName.clear();
    } else if (selected != 0) {
        selectAccount(selected);
    }
    updateActions();
}

void AccountsView::readSyncInterval()
{
    auto info = services::PolicyService(context().db(), context().clock()).load();
    const qint64 interval = info ? static_cast<qint64>(info->policy.syncIntervalSeconds) * 1000 : 0;
    if (interval != m_schedule.intervalMs()) {
        m_schedule.setInterval(interval);
        m_autoRefused = false;
    }
    if (!m_schedule.enabled()) {
        m_autoSync.stop();
        return;
    }
    if (!m_autoRunning)
        armAutoSync(std::max<qint64>(0, m_schedule.nextMs().value_or(0) - context().clock()()));
}

void AccountsView::armAutoSync(qint64 delayMs)
{
    // At most an hour at a time: a suspended machine or a changed interval is noticed soon.
    constexpr qint64 kLongestWaitMs = 60LL * 60 * 1000;
    m_autoSync.start(static_cast<int>(std::clamp<qint64>(delayMs, 0, kLongestWaitMs)));
}

void AccountsView::autoSyncTick()
{
    if (!m_schedule.enabled() || m_autoRunning || m_autoRefused)
        return;
    const qint64 now = context().clock()();
    if (!m_schedule.due(now)) {
        armAutoSync(m_schedule.nextMs().value_or(now) - now);
        return;
    }
    // Never beside an execution or another writer: try again a little later, no failure counted.
    if (m_busy || context().isExecuting() || !context().backgroundWrite().isEmpty()) {
        armAutoSync(services::SyncSchedule::kFirstRetryMs);
        return;
    }
    // The accounts to sync, read on their own: a hidden page is not reloaded
    // for it (it stays marked stale and reloads when it is next shown).
    auto accounts = context().queries().accounts();
    if (!accounts) {
        m_schedule.failed(now);
        context().showStatus(
            tr("Automatic sync failed (%1); next try in %2.")
                .arg(accounts.error().message, rebalance::durationText(m_schedule.nextMs().value_or(now) - now)));
        armAutoSync(m_schedule.nextMs().value_or(now) - now);
        emit autoSyncDone(false, accounts.error().message);
        return;
    }
    QList<qint64> ids;
    QStringList names;
    for (const auto &account : std::as_const(*accounts)) {
        if (account.kind == domain::AccountKind::Exchange) {
            ids.append(account.id);
            names.append(account.name);
        }
    }
    if (ids.isEmpty()) {
        m_schedule.succeeded(now); // nothing to sync: look again an interval later
        armAutoSync(m_schedule.intervalMs());
        return;
    }
    if (!m_autoPassphrase) {
        m_autoPassphrase = context().askPassphrase(
            tr("Passphrase of the key vault, for the read-only sync of %1 every %2 (kept for this session only)")
                .arg(names.join(QStringLiteral(", ")), rebalance::durationText(m_schedule.intervalMs())));
        if (!m_autoPassphrase) {
            m_autoRefused = true;
            context().showStatus(tr("Automatic sync is off for this session: no passphrase was given."));
            return;
        }
    }
    m_autoRunning = true;
    m_autoStartedAt = now;
    m_syncErrors.clear();
    for (qint64 id : std::as_const(ids))
        m_model->setActivity(id, tr("Waiting…"));
    setBusy(true, true);
    m_progress->setRange(0, static_cast<int>(ids.size()));
    m_progress->setValue(0);
    AccountWorker *worker = m_worker;
    QMetaObject::invokeMethod(
        m_worker, [worker, ids, passphrase = *m_autoPassphrase] { worker->sync(ids, passphrase); },
        Qt::QueuedConnection);
}

qint64 AccountsView::selectedAccountId() const
{
    const QModelIndex current = m_table->selectionModel()->currentIndex();
    return current.isValid() ? current.data(AccountsModel::AccountIdRole).toLongLong() : 0;
}

void AccountsView::selectAccount(qint64 accountId)
{
    const int row = m_model->rowOf(accountId);
    if (row < 0)
        return;
    const auto *proxy = static_cast<QSortFilterProxyModel *>(m_table->model());
    m_table->selectRow(proxy->mapFromSource(m_model->index(row, 0)).row());
}

void AccountsView::updateActions()
{
    const bool executing = context().isExecuting();
    m_executing->setVisible(executing);
    const int row = m_model->rowOf(selectedAccountId());
    const bool canTalk = row >= 0 && m_model->row(row).account.kind != domain::AccountKind::Wallet;
    const bool canSync = row >= 0 && syncable(m_model->row(row).account);
    bool anySyncable = false;
    for (int i = 0; i < m_model->rowCount(); ++i)
        anySyncable = anySyncable || syncable(m_model->row(i).account);
    m_add->setEnabled(!m_busy && !executing);
    m_test->setEnabled(!m_busy && canTalk);
    m_sync->setEnabled(!m_busy && !executing && canSync);
    m_syncAll->setEnabled(!m_busy && !executing && anySyncable);
    const QString why = executing ? tr("An execution is running; wait until it ends") : QString();
    for (QPushButton *button : {m_add, m_sync, m_syncAll})
        button->setToolTip(why);
    const QString talkWhy = row < 0 ? tr("Select an account first")
        : canSync && !canTalk       ? tr("A watched wallet has no key to test: Sync reads its balance from the chain")
        : !canTalk                  ? tr("A wallet has no connection: set its balances on the Holdings page")
                                    : QString();
    const QString syncWhy = row < 0 ? tr("Select an account first")
        : !canSync                  ? tr("A wallet has no connection: set its balances on the Holdings page")
                                    : QString();
    m_test->setToolTip(talkWhy);
    const bool evmWallet =
        row >= 0 && m_model->row(row).account.exchange == QLatin1String(services::WalletService::kEvm);
    m_tokens->setEnabled(!m_busy && evmWallet);
    m_tokens->setToolTip(row < 0          ? tr("Select an account first")
                             : !evmWallet ? tr("Only an EVM wallet reads tokens by contract")
                                          : QString());
    if (!executing)
        m_sync->setToolTip(syncWhy);
}

void AccountsView::setBusy(bool busy, bool cancellable)
{
    // While the account worker runs (it may write the ledger), no execution starts.
    if (busy && !m_busy)
        context().beginBackgroundWrite(tr("An account sync is running"));
    else if (!busy && m_busy)
        context().endBackgroundWrite();
    m_busy = busy;
    m_progress->setVisible(busy);
    m_cancel->setVisible(busy && cancellable);
    m_cancel->setEnabled(true);
    if (busy) {
        m_progress->setRange(0, 0);
        m_progress->setValue(0);
    }
    updateActions();
}

void AccountsView::showMessage(bool ok, const QString &message)
{
    m_message->setText(message);
    m_message->setProperty("ok", ok);
    m_message->setStyleSheet(ok ? QString()
                                : QStringLiteral("color: palette(bright-text); background: #b3261e;"
                                                 "padding: 4px; border-radius: 3px;"));
}

std::optional<QString> AccountsView::unlockVault(const QString &accountName, bool creating)
{
    if (!creating)
        return context().askPassphrase(tr("Passphrase of the key vault, to unlock the key of %1").arg(accountName));
    auto first = context().askPassphrase(
        tr("Choose a passphrase for the new key vault. It seals your API keys; Ballast cannot recover it."));
    if (!first)
        return std::nullopt;
    if (first->isEmpty()) {
        showMessage(false, tr("An empty passphrase is not allowed; nothing was added."));
        return std::nullopt;
    }
    auto again = context().askPassphrase(tr("Type the new vault passphrase again to confirm it."));
    if (!again)
        return std::nullopt;
    if (*again != *first) {
        showMessage(false, tr("The two passphrases differ; nothing was added."));
        return std::nullopt;
    }
    return first;
}

void AccountsView::addAccount()
{
    if (m_busy || context().isExecuting()) {
        showMessage(false,
                    context().isExecuting() ? tr("An execution is running: add the account when it has ended.")
                                            : tr("Wait until the current task has finished."));
        return;
    }
    AddAccountDialog dialog(m_model->names(), this);
    if (dialog.exec() != QDialog::Accepted)
        return;
    NewAccountRequest request{
        dialog.name(),    dialog.exchange(), dialog.baseUrl(), dialog.apiKey(), dialog.secret(), {},
        dialog.watched(), dialog.script(),   dialog.chains(),  dialog.rpcUrls()};
    dialog.clearSecrets();
    if (dialog.needsKeys()) {
        const bool creating = security::Vault(context().vaultPath(), context().db().databaseId()).accounts().isEmpty();
        auto passphrase = unlockVault(request.name, creating);
        if (!passphrase) {
            if (m_message->text().isEmpty() || m_message->property("ok").toBool())
                showMessage(false, tr("No passphrase was given; the account was not added."));
            return;
        }
        request.passphrase = *passphrase;
    }
    showMessage(true, tr("Adding %1…").arg(request.name));
    setBusy(true);
    AccountWorker *worker = m_worker;
    QMetaObject::invokeMethod(
        m_worker, [worker, request] { worker->addAccount(request); }, Qt::QueuedConnection);
}

void AccountsView::onAccountAdded(const QString &name, bool ok, const QString &message)
{
    setBusy(false);
    showMessage(ok, message);
    if (ok) {
        m_pendingName = name;
        context().notifyLedgerChanged();
        context().showStatus(message);
    }
    emit finished(ok, message);
}

void AccountsView::testConnection()
{
    const qint64 id = selectedAccountId();
    const int row = m_model->rowOf(id);
    if (m_busy || row < 0)
        return;
    const domain::Account account = m_model->row(row).account;
    QString passphrase;
    if (account.kind == domain::AccountKind::Exchange) {
        auto given = unlockVault(account.name, false);
        if (!given) {
            showMessage(false, tr("No passphrase was given; the connection was not tested."));
            return;
        }
        passphrase = *given;
    }
    m_model->setActivity(id, tr("Testing…"), true);
    showMessage(true, tr("Testing the connection of %1…").arg(account.name));
    setBusy(true);
    AccountWorker *worker = m_worker;
    QMetaObject::invokeMethod(
        m_worker, [worker, id, passphrase] { worker->testConnection(id, passphrase); }, Qt::QueuedConnection);
}

void AccountsView::onConnectionTested(qint64 accountId, bool ok, const QString &message)
{
    setBusy(false);
    const int row = m_model->rowOf(accountId);
    const QString name = row >= 0 ? m_model->row(row).account.name : QString();
    m_model->setActivity(accountId, ok ? tr("Connected") : tr("Connection failed"));
    showMessage(ok, QStringLiteral("%1: %2").arg(name, message));
    emit finished(ok, message);
}

void AccountsView::syncSelected()
{
    const qint64 id = selectedAccountId();
    if (id != 0)
        startSync({id});
}

void AccountsView::editTokens()
{
    const qint64 id = selectedAccountId();
    const int row = m_model->rowOf(id);
    if (m_busy || row < 0)
        return;
    const domain::Account account = m_model->row(row).account;
    // A few rows of this page's connection: quick, and the worker is idle
    // (the button is off while it runs).
    services::WalletService wallets(context().db(), context().clock());
    auto chains = wallets.chains(account);
    auto tokens = chains ? wallets.tokens(account) : Result<QList<domain::WalletToken>>(chains.error());
    if (!tokens) {
        showMessage(false, QStringLiteral("%1: %2").arg(account.name, tokens.error().message));
        emit finished(false, tokens.error().message);
        return;
    }
    TokenListDialog dialog(account.name, *chains, *tokens, this);
    if (dialog.exec() != QDialog::Accepted)
        return;
    const auto lists = dialog.lists();
    const Status saved = lists ? wallets.setTokenLists(account, *lists) : Status(lists.error());
    const QString message = saved
        ? tr("Saved the token lists of %1: its next sync reads them.").arg(account.name)
        : tr("The token lists of %1 were not saved: %2").arg(account.name, saved.error().message);
    showMessage(saved.ok(), message);
    emit finished(saved.ok(), message);
}

void AccountsView::syncAll()
{
    loadIfStale();
    QList<qint64> ids;
    for (int row = 0; row < m_model->rowCount(); ++row) {
        if (syncable(m_model->row(row).account))
            ids.append(m_model->row(row).account.id);
    }
    if (!ids.isEmpty())
        startSync(ids);
}

void AccountsView::startSync(const QList<qint64> &accountIds)
{
    if (m_busy)
        return;
    if (context().isExecuting()) {
        showMessage(false, tr("An execution is running: sync when it has ended."));
        return;
    }
    QStringList exchanges;
    for (qint64 id : accountIds) {
        const int row = m_model->rowOf(id);
        if (row >= 0 && m_model->row(row).account.kind == domain::AccountKind::Exchange)
            exchanges.append(m_model->row(row).account.name);
    }
    QString passphrase;
    if (!exchanges.isEmpty()) {
        auto given = unlockVault(exchanges.join(QStringLiteral(", ")), false);
        if (!given) {
            showMessage(false, tr("No passphrase was given; nothing was synced."));
            return;
        }
        passphrase = *given;
    }
    m_syncErrors.clear();
    for (qint64 id : accountIds)
        m_model->setActivity(id, tr("Waiting…"));
    showMessage(true, tr("Syncing…"));
    setBusy(true, true);
    m_progress->setRange(0, static_cast<int>(accountIds.size()));
    m_progress->setValue(0);
    AccountWorker *worker = m_worker;
    QMetaObject::invokeMethod(
        m_worker, [worker, accountIds, passphrase] { worker->sync(accountIds, passphrase); }, Qt::QueuedConnection);
}

void AccountsView::cancel()
{
    m_worker->cancel();
    m_cancel->setEnabled(false);
    showMessage(true, tr("Stopping after the account being synced…"));
}

void AccountsView::onSyncStarted(qint64 accountId, int index, int count)
{
    m_model->setActivity(accountId, tr("Syncing…"), true);
    m_progress->setRange(0, count);
    m_progress->setValue(index);
    m_progress->setFormat(tr("%v of %m accounts"));
}

void AccountsView::onSyncFinished(qint64 accountId, bool ok, const QString &message)
{
    m_model->setActivity(accountId, ok ? tr("Synced") : tr("Sync failed"));
    m_progress->setValue(m_progress->value() + 1);
    if (!ok)
        m_syncErrors.append(message);
}

void AccountsView::onSyncDone(int synced, int failed, bool cancelled)
{
    // Accounts never reached keep no "Waiting…".
    for (int row = 0; row < m_model->rowCount(); ++row) {
        if (m_model->row(row).activity == tr("Waiting…"))
            m_model->setActivity(m_model->row(row).account.id, tr("Not synced (cancelled)"));
    }
    setBusy(false);
    QString text = tr("%n account(s) synced.", nullptr, synced);
    if (failed > 0)
        text += QLatin1Char(' ') + tr("%n failed; what failed was left as it was:", nullptr, failed) + QLatin1Char('\n')
            + m_syncErrors.join(QLatin1Char('\n'));
    if (cancelled)
        text += QLatin1Char(' ') + tr("Cancelled before the remaining accounts.");
    const bool ok = failed == 0;
    showMessage(ok, text);
    if (synced > 0) {
        context().notifyLedgerChanged();
        context().showStatus(tr("%n account(s) synced.", nullptr, synced));
        emit accountsSynced(synced);
    }
    if (m_autoRunning) {
        m_autoRunning = false;
        const qint64 now = context().clock()();
        if (ok && !cancelled) {
            m_schedule.succeeded(m_autoStartedAt);
        } else {
            m_schedule.failed(now);
            context().showStatus(tr("Automatic sync failed (%1); next try in %2.")
                                     .arg(m_syncErrors.join(QStringLiteral("; ")),
                                          rebalance::durationText(m_schedule.nextMs().value_or(now) - now)));
        }
        if (m_schedule.enabled())
            armAutoSync(m_schedule.nextMs().value_or(now) - now);
        emit autoSyncDone(ok && !cancelled, text);
    }
    emit finished(ok, text);
}

} // namespace ballast::ui
