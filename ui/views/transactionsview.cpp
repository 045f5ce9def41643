#include "views/transactionsview.h"

#include "appcontext.h"
#include "dialogs/classifydialog.h"
#include "dialogs/transactiondialog.h"
#include "dialogs/transactionimportdialog.h"
#include "models/transactionfilterproxy.h"
#include "models/transactionsmodel.h"
#include "services/ledgerqueries.h"
#include "views/transactioncommands.h"
#include "workers/accountworker.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDateEdit>
#include <QElapsedTimer>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QInputDialog>
#include <QKeySequence>
#include <QLabel>
#include <QLocale>
#include <QProgressBar>
#include <QPushButton>
#include <QSet>
#include <QSettings>
#include <QShortcut>
#include <QTableView>
#include <QTimeZone>
#include <QUndoStack>
#include <QVBoxLayout>

#include <algorithm>
#include <memory>

namespace ballast::ui {

using domain::TransactionKind;

namespace {

/// The earliest date the range filters offer; on it they mean "any".
QDate anyDate()
{
    return {2009, 1, 1};
}

QString headerKey()
{
    return QStringLiteral("transactions/header");
}

} // namespace

TransactionsView::TransactionsView(AppContext &context, QWidget *parent)
    : View(context, parent)
    , m_model(new TransactionsModel(this))
    , m_proxy(new TransactionFilterProxy(this))
    , m_table(new QTableView(this))
    , m_undo(new QUndoStack(this))
    , m_reader(new BackgroundReader(context.databasePath(), this))
{
    m_proxy->setTransactions(m_model);
    m_proxy->setDynamicSortFilter(true);

    m_header = new QLabel(this);
    m_header->setObjectName(QStringLiteral("transactionsHeader"));
    m_header->setAccessibleName(tr("Transactions summary"));
    m_header->setTextFormat(Qt::RichText);
    QFont big = m_header->font();
    big.setPointSizeF(big.pointSizeF() * 1.15);
    m_header->setFont(big);

    m_account = new QComboBox(this);
    m_account->setObjectName(QStringLiteral("accountFilter"));
    m_account->setAccessibleName(tr("Filter by account"));
    m_asset = new QComboBox(this);
    m_asset->setObjectName(QStringLiteral("assetFilter"));
    m_asset->setAccessibleName(tr("Filter by asset"));
    // Sized by a few characters, not by the longest name: the page fits a 1024-pixel window.
    for (const auto &[combo, characters] : {std::pair{m_account, 10}, std::pair{m_asset, 6}}) {
        combo->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
        combo->setMinimumContentsLength(characters);
    }
    m_kind = new QComboBox(this);
    m_kind->setObjectName(QStringLiteral("kindFilter"));
    m_kind->setAccessibleName(tr("Filter by kind"));
    m_kind->addItem(tr("All kinds"), QString());
    for (const TransactionKind kind :
         {TransactionKind::Trade, TransactionKind::Deposit, TransactionKind::Withdrawal, TransactionKind::TransferOut,
          TransactionKind::TransferIn, TransactionKind::Income, TransactionKind::Fee, TransactionKind::Adjustment}) {
        QString title = domain::kindName(kind);
        title.replace(QLatin1Char('_'), QLatin1Char(' '));
        title[0] = title[0].toUpper();
        m_kind->addItem(title, domain::kindName(kind));
    }
    m_kind->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_kind->setMinimumContentsLength(11);
    auto dateEdit = [this](const QString &name, const QString &accessible) {
        auto *edit = new QDateEdit(this);
        edit->setObjectName(name);
        edit->setAccessibleName(accessible);
        edit->setDisplayFormat(QStringLiteral("yyyy-MM-dd"));
        edit->setCalendarPopup(true);
        edit->setMinimumDate(anyDate());
        edit->setSpecialValueText(tr("any"));
        edit->setDate(anyDate());
        return edit;
    };
    m_from = dateEdit(QStringLiteral("fromFilter"), tr("From date (UTC), inclusive"));
    m_to = dateEdit(QStringLiteral("toFilter"), tr("To date (UTC), inclusive"));
    m_unexplained = new QCheckBox(tr("&Unexplained only"), this);
    m_unexplained->setObjectName(QStringLiteral("unexplainedFilter"));

    auto *filters = new QHBoxLayout;
    auto addFilter = [this, filters](const QString &text, QWidget *widget) {
        auto *label = new QLabel(text, this);
        label->setBuddy(widget);
        filters->addWidget(label);
        filters->addWidget(widget);
    };
    addFilter(tr("A&ccount:"), m_account);
    addFilter(tr("A&sset:"), m_asset);
    addFilter(tr("&Kind:"), m_kind);
    addFilter(tr("&From:"), m_from);
    addFilter(tr("&To:"), m_to);
    filters->addStretch();

    auto button = [this](const QString &text, const QString &name, const QString &tip) {
        auto *push = new QPushButton(text, this);
        push->setObjectName(name);
        push->setToolTip(tip);
        return push;
    };
    m_add = button(tr("&Add…"), QStringLiteral("add"), tr("Add a transaction or a transfer"));
    m_edit = button(tr("&Edit…"), QStringLiteral("edit"), tr("Edit the selected transaction"));
    m_delete = button(tr("&Delete"), QStringLiteral("delete"),
                      tr("Delete the selected transaction (a transfer: both legs); Edit ▸ Undo brings it back"));
    m_classify = button(tr("C&lassify…"), QStringLiteral("classify"), tr("Say what the selected adjustment was"));
    m_importFile =
        button(tr("Import from &File…"), QStringLiteral("importFile"), tr("Import exchange exports or any CSV file"));
    // The page's own import from an exchange's API unless setExchangeImportHandler replaces it.
    m_importExchange = button(tr("Import from E&xchange…"), QStringLiteral("importExchange"),
                              tr("Import the history of an exchange account from its API"));
    m_exchangeImport = [this] { chooseExchangeImport(); };
    m_importProgress = new QProgressBar(this);
    m_importProgress->setObjectName(QStringLiteral("exchangeImportProgress"));
    m_importProgress->setRange(0, 0); // busy: how long the exchange pages is not known
    m_importProgress->setMaximumWidth(120);
    m_importProgress->setTextVisible(false);
    m_importProgress->hide();
    m_importStatus = new QLabel(this);
    m_importStatus->setObjectName(QStringLiteral("exchangeImportStatus"));
    m_importStatus->setTextFormat(Qt::PlainText); // an exchange may answer with HTML
    m_importStatus->setWordWrap(true);
    m_importStatus->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_importStatus->hide();
    auto *actions = new QHBoxLayout;
    for (QPushButton *push : {m_add, m_edit, m_delete, m_classify})
        actions->addWidget(push);
    actions->addStretch();
    actions->addWidget(m_importFile);
    actions->addWidget(m_importProgress);
    actions->addWidget(m_importExchange);

    m_error = new QLabel(this);
    m_error->setObjectName(QStringLiteral("error"));
    m_error->setWordWrap(true);
    m_error->setStyleSheet(QStringLiteral("color: #b3261e;"));
    m_error->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_error->hide();

    m_table->setModel(m_proxy);
    m_table->setObjectName(QStringLiteral("transactions"));
    m_table->setAccessibleName(tr("Transactions"));
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setSortingEnabled(true);
    m_table->setAlternatingRowColors(true);
    m_table->setWordWrap(false);
    m_table->verticalHeader()->setVisible(false);
    // Fixed row heights: a view of 100,000 rows never measures them.
    m_table->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    m_table->verticalHeader()->setDefaultSectionSize(m_table->fontMetrics().height() + 8);
    // Unsorted, the proxy keeps the model's order: newest first.
    m_table->horizontalHeader()->setSortIndicator(-1, Qt::DescendingOrder);
    QHeaderView *header = m_table->horizontalHeader();
    header->setSectionResizeMode(QHeaderView::Interactive);
    header->setStretchLastSection(true);
    const int digit = m_table->fontMetrics().horizontalAdvance(QLatin1Char('0'));
    const QList<std::pair<int, int>> widths{
        {TransactionsModel::Time, 19},  {TransactionsModel::Account, 11},  {TransactionsModel::Kind, 22},
        {TransactionsModel::Asset, 10}, {TransactionsModel::Quantity, 14}, {TransactionsModel::Price, 15},
        {TransactionsModel::Fee, 13},   {TransactionsModel::Network, 9},   {TransactionsModel::ExternalId, 14},
        {TransactionsModel::Source, 8}, {TransactionsModel::Note, 24},     {TransactionsModel::Id, 6},
    };
    for (const auto &[column, digits] : widths)
        header->resizeSection(column, digit * digits + 12);
    const QByteArray saved = QSettings().value(headerKey()).toByteArray();
    if (!saved.isEmpty())
        header->restoreState(saved);
    connect(header, &QHeaderView::sectionResized, this, &TransactionsView::saveHeaderState);

    m_shown = new QLabel(this);
    m_shown->setObjectName(QStringLiteral("shown"));

    auto *layout = new QVBoxLayout(this);
    // The unexplained count and its filter side by side.
    auto *top = new QHBoxLayout;
    top->addWidget(m_header);
    top->addStretch();
    top->addWidget(m_unexplained);
    layout->addLayout(top);
    layout->addLayout(filters);
    layout->addLayout(actions);
    layout->addWidget(m_importStatus);
    layout->addWidget(m_error);
    layout->addWidget(m_table, 1);
    layout->addWidget(m_shown);

    connect(m_account, &QComboBox::currentIndexChanged, this, &TransactionsView::applyFilters);
    connect(m_asset, &QComboBox::currentIndexChanged, this, &TransactionsView::applyFilters);
    connect(m_kind, &QComboBox::currentIndexChanged, this, &TransactionsView::applyFilters);
    connect(m_from, &QDateEdit::dateChanged, this, &TransactionsView::applyFilters);
    connect(m_to, &QDateEdit::dateChanged, this, &TransactionsView::applyFilters);
    connect(m_unexplained, &QCheckBox::toggled, this, &TransactionsView::applyFilters);
    connect(m_add, &QPushButton::clicked, this, [this] { openAddDialog(); });
    connect(m_edit, &QPushButton::clicked, this, [this] { openEditDialog(); });
    connect(m_delete, &QPushButton::clicked, this, &TransactionsView::deleteSelected);
    connect(m_classify, &QPushButton::clicked, this, &TransactionsView::classifySelected);
    connect(m_importFile, &QPushButton::clicked, this, &TransactionsView::importFromFile);
    connect(m_importExchange, &QPushButton::clicked, this, [this] {
        if (m_exchangeImport)
            m_exchangeImport();
    });
    connect(m_table, &QTableView::doubleClicked, this, [this] { openEditDialog(); });
    connect(m_table->selectionModel(), &QItemSelectionModel::selectionChanged, this, &TransactionsView::updateActions);
    auto *deleteKey = new QShortcut(QKeySequence::Delete, m_table);
    deleteKey->setContext(Qt::WidgetShortcut);
    connect(deleteKey, &QShortcut::activated, this, &TransactionsView::deleteSelected);
    connect(&context, &AppContext::ledgerChanged, this, &TransactionsView::refresh);
    connect(&context, &AppContext::executingChanged, this, &TransactionsView::updateActions);

    refresh();
}

TransactionsView::~TransactionsView()
{
    // The worker thread is waited for as m_thread goes, within this call.
    if (m_importing)
        context().endBackgroundWrite();
}

void TransactionsView::setExchangeImportHandler(std::function<void()> handler)
{
    m_exchangeImport = std::move(handler);
    m_importExchange->setToolTip(m_exchangeImport ? tr("Import the history of an exchange account from its API")
                                                  : tr("Importing the history from an exchange's API is not "
                                                       "available"));
    updateActions();
}

void TransactionsView::chooseExchangeImport()
{
    auto accounts = context().queries().accounts();
    if (!accounts) {
        showImportStatus(false, accounts.error().message);
        return;
    }
    QStringList names;
    QList<qint64> ids;
    for (const auto &account : *accounts) {
        if (account.exchange == QLatin1String("binance") || account.exchange == QLatin1String("kraken")) {
            names.append(QStringLiteral("%1 (%2)").arg(account.name, account.exchange));
            ids.append(account.id);
        }
    }
    if (ids.isEmpty()) {
        showImportStatus(false,
                         tr("There is no Binance or Kraken account to import from: add one on the Accounts "
                            "page first."));
        return;
    }
    qsizetype chosen = 0;
    if (ids.size() > 1) {
        bool ok = false;
        const QString name = QInputDialog::getItem(this, tr("Import from Exchange"),
                                                   tr("Import the history of which account?"), names, 0, false, &ok);
        if (!ok)
            return;
        chosen = names.indexOf(name);
        if (chosen < 0)
            return;
    }
    importFromExchange(ids.at(chosen));
}

bool TransactionsView::importFromExchange(qint64 accountId)
{
    if (m_importing)
        return false;
    if (context().isExecuting()) {
        showImportStatus(false, tr("An execution is running: import when it has ended."));
        return false;
    }
    QString name = QString::number(accountId);
    if (auto account = context().queries().accounts()) {
        for (const auto &each : *account) {
            if (each.id == accountId)
                name = each.name;
        }
    }
    auto passphrase = context().askPassphrase(tr("Passphrase of the key vault, to unlock the key of %1").arg(name));
    if (!passphrase) {
        showImportStatus(false, tr("No passphrase was given; nothing was imported."));
        return false;
    }
    if (!m_thread) {
        m_worker = new AccountWorker(context().databasePath(), context().vaultPath(), context().clock());
        m_thread.reset(new QThread);
        m_thread->setObjectName(QStringLiteral("transactions-import"));
        m_worker->moveToThread(m_thread.get());
        connect(m_thread.get(), &QThread::finished, m_worker, &QObject::deleteLater);
        connect(m_worker, &AccountWorker::historyImported, this,
                [this](qint64 id, bool ok, const QString &message) { onHistoryImported(id, ok, message); });
        m_thread->start();
    }
    m_importing = true;
    context().beginBackgroundWrite(tr("An import from an exchange is running"));
    m_importProgress->show();
    showImportStatus(true, tr("Importing the history of %1 from the exchange…").arg(name));
    updateActions();
    AccountWorker *worker = m_worker;
    QMetaObject::invokeMethod(
        m_worker, [worker, accountId, key = *passphrase] { worker->importHistory(accountId, key); },
        Qt::QueuedConnection);
    return true;
}

void TransactionsView::onHistoryImported(qint64 accountId, bool ok, const QString &message)
{
    Q_UNUSED(accountId)
    m_importing = false;
    context().endBackgroundWrite();
    m_importProgress->hide();
    showImportStatus(ok, ok ? message : tr("Import failed; nothing was stored: %1").arg(message));
    updateActions();
    if (ok) {
        context().notifyLedgerChanged();
        context().showStatus(message.section(QLatin1Char('\n'), 0, 0));
    } else {
        context().showStatus(tr("Import from the exchange failed; nothing was stored."));
    }
    emit exchangeImportFinished(ok, m_importStatus->text());
}

void TransactionsView::showImportStatus(bool ok, const QString &text)
{
    m_importStatus->setText(text);
    m_importStatus->setStyleSheet(ok ? QString() : QStringLiteral("color: #b3261e;"));
    m_importStatus->show();
}

void TransactionsView::refresh()
{
    // Every transaction is read: put off while the page is hidden, so that
    // opening the window on a large ledger does not wait for it.
    whenShown([this] { reload(); });
}

void TransactionsView::reload()
{
    // Every transaction is read, 100,000 of them in about a second: on the
    // reader's thread, never the GUI's.
    auto timer = std::make_shared<QElapsedTimer>();
    timer->start();
    m_reader->read([this, clock = context().clock(), timer](Result<storage::Database *> db) {
        auto rows =
            db ? services::TransactionService(**db, clock).list() : Result<QList<services::TransactionRow>>(db.error());
        return BackgroundReader::Delivery([this, rows = std::move(rows), timer]() mutable {
            showRows(std::move(rows));
            m_lastLoadMs = timer->elapsed();
        });
    });
}

void TransactionsView::showRows(Result<QList<services::TransactionRow>> rows)
{
    // A selection asked for while loading may clear the filters that hide it;
    // the row that was selected only stays selected when it is still shown.
    const std::optional<qint64> wanted = m_wanted;
    const std::optional<qint64> selected = selectedId();
    m_wanted.reset();
    if (!rows) {
        m_error->setText(tr("Cannot read the transactions: %1").arg(rows.error().message));
        m_error->show();
        m_model->setRows({});
    } else {
        m_model->setRows(std::move(*rows));
    }
    fillAccountFilter();
    fillAssetFilter();
    if (wanted) {
        selectTransaction(*wanted);
    } else if (selected) {
        const int row = m_model->rowOf(*selected);
        const QModelIndex index = row >= 0 ? m_proxy->mapFromSource(m_model->index(row, 0)) : QModelIndex();
        if (index.isValid())
            m_table->selectRow(index.row());
    }
    updateHeader();
    updateActions();
}

bool TransactionsView::isLoading() const
{
    return m_reader->isReading();
}

void TransactionsView::fillAccountFilter()
{
    const qint64 chosen = m_account->currentData().toLongLong();
    m_account->blockSignals(true);
    m_account->clear();
    m_account->addItem(tr("All accounts"), QVariant::fromValue<qint64>(0));
    if (auto accounts = context().queries().accounts()) {
        for (const auto &account : *accounts)
            m_account->addItem(account.name, QVariant::fromValue<qint64>(account.id));
    }
    m_account->setCurrentIndex(std::max(0, m_account->findData(QVariant::fromValue<qint64>(chosen))));
    m_account->blockSignals(false);
}

void TransactionsView::fillAssetFilter()
{
    const QString chosen = m_asset->currentData().toString();
    QSet<QString> assets;
    for (const auto &row : m_model->rows()) {
        assets.insert(row.tx.asset);
        if (!row.tx.quote.isEmpty())
            assets.insert(row.tx.quote);
        if (!row.tx.feeAsset.isEmpty())
            assets.insert(row.tx.feeAsset);
    }
    QStringList sorted(assets.cbegin(), assets.cend());
    sorted.sort();
    m_asset->blockSignals(true);
    m_asset->clear();
    m_asset->addItem(tr("All assets"), QString());
    for (const QString &asset : std::as_const(sorted))
        m_asset->addItem(asset, asset);
    m_asset->setCurrentIndex(std::max(0, m_asset->findData(chosen)));
    m_asset->blockSignals(false);
    applyFilters();
}

void TransactionsView::applyFilters()
{
    TransactionFilter filter;
    filter.accountId = m_account->currentData().toLongLong();
    filter.asset = m_asset->currentData().toString();
    if (const QString kind = m_kind->currentData().toString(); !kind.isEmpty())
        filter.kind = domain::kindFromName(kind);
    if (m_from->date() != anyDate())
        filter.fromMs = QDateTime(m_from->date(), QTime(0, 0), QTimeZone::utc()).toMSecsSinceEpoch();
    if (m_to->date() != anyDate())
        filter.toMs = QDateTime(m_to->date().addDays(1), QTime(0, 0), QTimeZone::utc()).toMSecsSinceEpoch() - 1;
    filter.unexplainedOnly = m_unexplained->isChecked();
    m_proxy->setFilter(filter);
    const QLocale locale;
    m_shown->setText(tr("Showing %1 of %2 transactions")
                         .arg(locale.toString(m_proxy->rowCount()), locale.toString(m_model->rowCount())));
    updateActions();
}

void TransactionsView::updateHeader()
{
    const QLocale locale;
    QString text = tr("<b>Transactions</b> · %Ln in the ledger", nullptr, m_model->rowCount());
    const int unexplained = m_model->unexplainedCount();
    if (unexplained > 0) {
        text += QStringLiteral(" · <span style=\"background-color:#ffe8b0; color:#3a2a00;\">&nbsp;")
            + tr("%n unexplained adjustment(s) to classify", nullptr, unexplained) + QStringLiteral("&nbsp;</span>");
    } else {
        text += QStringLiteral(" · ") + tr("no unexplained adjustments");
    }
    m_header->setText(text);
}

std::optional<qint64> TransactionsView::selectedId() const
{
    const QModelIndexList rows = m_table->selectionModel()->selectedRows();
    if (rows.isEmpty())
        return std::nullopt;
    return rows.first().data(TransactionsModel::IdRole).toLongLong();
}

bool TransactionsView::selectTransaction(qint64 id)
{
    if (m_reader->isReading()) {
        m_wanted = id; // selected when the rows being read arrive
        return true;
    }
    const int row = m_model->rowOf(id);
    if (row < 0)
        return false;
    if (!m_proxy->accepts(m_model->row(row).tx)) {
        m_account->setCurrentIndex(0);
        m_asset->setCurrentIndex(0);
        m_kind->setCurrentIndex(0);
        m_from->setDate(anyDate());
        m_to->setDate(anyDate());
        m_unexplained->setChecked(false);
    }
    const QModelIndex index = m_proxy->mapFromSource(m_model->index(row, 0));
    if (!index.isValid())
        return false;
    m_table->selectRow(index.row());
    m_table->scrollTo(index);
    return true;
}

void TransactionsView::updateActions()
{
    const std::optional<qint64> id = selectedId();
    const int row = id ? m_model->rowOf(*id) : -1;
    const bool executing = context().isExecuting();
    const QString busy = tr("An execution is running: the ledger changes when it has ended.");
    m_add->setEnabled(!executing);
    m_edit->setEnabled(!executing && row >= 0);
    m_delete->setEnabled(!executing && row >= 0);
    m_classify->setEnabled(!executing && row >= 0 && m_model->row(row).tx.kind == TransactionKind::Adjustment);
    m_importFile->setEnabled(!executing);
    m_importExchange->setEnabled(!executing && !m_importing && static_cast<bool>(m_exchangeImport));
    for (QPushButton *push : {m_add, m_edit, m_delete, m_classify, m_importFile}) {
        if (executing)
            push->setToolTip(busy);
    }
}

void TransactionsView::commandFailed(const Error &error)
{
    m_lastFailure = error;
    if (m_submitting)
        return; // the dialog shows it beside its field
    m_error->setText(error.message);
    m_error->show();
    context().showStatus(error.message);
}

TransactionDialog *TransactionsView::openAddDialog()
{
    auto accounts = context().queries().accounts();
    auto *dialog = new TransactionDialog(accounts ? *accounts : QList<domain::Account>{}, context().clock()(), this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    // Start from the account the table is narrowed to.
    if (const qint64 account = m_account->currentData().toLongLong(); account != 0) {
        if (auto *combo = dialog->findChild<QComboBox *>(QStringLiteral("account")))
            combo->setCurrentIndex(std::max(0, combo->findData(QVariant::fromValue<qint64>(account))));
    }
    const TransactionCommandHost host{&context(), [this](const Error &error) { commandFailed(error); }};
    dialog->setSubmit([this, host](const TransactionDialog::Entry &entry) -> Status {
        m_error->hide();
        m_lastFailure.reset();
        m_submitting = true;
        if (entry.transfer)
            m_undo->push(new AddTransferCommand(host, *entry.transfer));
        else
            m_undo->push(new AddTransactionCommand(host, *entry.transaction));
        m_submitting = false;
        if (m_lastFailure)
            return *m_lastFailure;
        return {};
    });
    dialog->open();
    return dialog;
}

TransactionDialog *TransactionsView::openEditDialog()
{
    const std::optional<qint64> id = selectedId();
    const int row = id ? m_model->rowOf(*id) : -1;
    if (row < 0 || context().isExecuting())
        return nullptr;
    const domain::Transaction before = m_model->row(row).tx;
    auto accounts = context().queries().accounts();
    auto *dialog = new TransactionDialog(accounts ? *accounts : QList<domain::Account>{}, context().clock()(), this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setTransaction(before);
    const TransactionCommandHost host{&context(), [this](const Error &error) { commandFailed(error); }};
    dialog->setSubmit([this, host, before](const TransactionDialog::Entry &entry) -> Status {
        if (!entry.transaction || *entry.transaction == before)
            return {}; // nothing changed: no step to undo
        m_error->hide();
        m_lastFailure.reset();
        m_submitting = true;
        m_undo->push(new EditTransactionCommand(host, before, *entry.transaction));
        m_submitting = false;
        if (m_lastFailure)
            return *m_lastFailure;
        return {};
    });
    dialog->open();
    return dialog;
}

void TransactionsView::deleteSelected()
{
    const std::optional<qint64> id = selectedId();
    const int row = id ? m_model->rowOf(*id) : -1;
    if (row < 0 || context().isExecuting())
        return;
    m_error->hide();
    const domain::Transaction tx = m_model->row(row).tx;
    m_undo->push(new DeleteTransactionCommand({&context(), [this](const Error &error) { commandFailed(error); }}, tx));
}

void TransactionsView::classifySelected()
{
    openClassifyDialog();
}

ClassifyDialog *TransactionsView::openClassifyDialog()
{
    const std::optional<qint64> id = selectedId();
    const int row = id ? m_model->rowOf(*id) : -1;
    if (row < 0 || context().isExecuting() || m_model->row(row).tx.kind != TransactionKind::Adjustment)
        return nullptr;
    const domain::Transaction before = m_model->row(row).tx;
    auto *dialog = new ClassifyDialog(before, ClassifyDialog::linkCandidates(before, m_model->rows()), this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this, [this, dialog, before] {
        std::optional<domain::Transaction> link;
        if (const qint64 linkId = dialog->linkId(); linkId != 0) {
            const int linkRow = m_model->rowOf(linkId);
            if (linkRow < 0)
                return;
            link = m_model->row(linkRow).tx;
        }
        m_error->hide();
        m_undo->push(new ClassifyTransactionCommand({&context(), [this](const Error &error) { commandFailed(error); }},
                                                    before, link, dialog->classification(), dialog->subkind()));
    });
    dialog->open();
    return dialog;
}

void TransactionsView::importFromFile()
{
    QSettings settings;
    const QStringList paths = QFileDialog::getOpenFileNames(
        this, tr("Import Transactions"), settings.value(QStringLiteral("import/transactionsDirectory")).toString(),
        tr("CSV files (*.csv *.txt);;All files (*)"));
    if (paths.isEmpty())
        return;
    settings.setValue(QStringLiteral("import/transactionsDirectory"), QFileInfo(paths.first()).absolutePath());
    openImportDialog(paths);
}

TransactionImportDialog *TransactionsView::openImportDialog(const QStringList &paths)
{
    auto *dialog = new TransactionImportDialog(context(), paths, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    if (const int account = m_account->currentIndex(); account > 0) {
        if (auto *combo = dialog->findChild<QComboBox *>(QStringLiteral("account")))
            combo->setCurrentIndex(std::max(0, combo->findText(m_account->currentText())));
    }
    dialog->open();
    return dialog;
}

void TransactionsView::saveHeaderState() const
{
    QSettings().setValue(headerKey(), m_table->horizontalHeader()->saveState());
}

QList<ExportTarget> TransactionsView::exportTargets()
{
    return {modelTarget(tr("Transactions as shown (CSV)"), QStringLiteral("transactions.csv"), m_proxy)};
}

} // namespace ballast::ui
