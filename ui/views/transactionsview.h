#pragma once

#include "common/result.h"
#include "services/transactionservice.h"
#include "views/view.h"
#include "workers/backgroundreader.h"
#include "workers/threadstopper.h"

#include <functional>
#include <optional>

class QCheckBox;
class QComboBox;
class QDateEdit;
class QLabel;
class QProgressBar;
class QPushButton;
class QTableView;
class QUndoStack;

namespace ballast::ui {

class AccountWorker;
class ClassifyDialog;
class TransactionFilterProxy;
class TransactionImportDialog;
class TransactionsModel;
class TransactionDialog;

/// The ledger's transactions: a table filtered by account, asset, kind,
/// date range and "unexplained only", with add, edit and delete (undoable),
/// classification of unexplained adjustments (highlighted, counted in the
/// header), imports from files and from an exchange's API (on a worker
/// thread). The table is one query of every live
/// transaction held in a model; filters and sorting run in a proxy.
class TransactionsView : public View
{
    Q_OBJECT

public:
    explicit TransactionsView(AppContext &context, QWidget *parent = nullptr);
    ~TransactionsView() override;

    QList<ExportTarget> exportTargets() override;
    [[nodiscard]] QUndoStack *undoStack() const override { return m_undo; }

    [[nodiscard]] TransactionsModel *model() const { return m_model; }
    [[nodiscard]] TransactionFilterProxy *proxy() const { return m_proxy; }
    [[nodiscard]] QTableView *table() const { return m_table; }
    [[nodiscard]] QComboBox *accountFilter() const { return m_account; }
    [[nodiscard]] QComboBox *assetFilter() const { return m_asset; }
    [[nodiscard]] QComboBox *kindFilter() const { return m_kind; }
    [[nodiscard]] QDateEdit *fromFilter() const { return m_from; }
    [[nodiscard]] QDateEdit *toFilter() const { return m_to; }
    [[nodiscard]] QCheckBox *unexplainedFilter() const { return m_unexplained; }
    [[nodiscard]] QLabel *headerLabel() const { return m_header; }
    [[nodiscard]] QLabel *errorLabel() const { return m_error; }
    [[nodiscard]] QPushButton *exchangeImportButton() const { return m_importExchange; }
    /// How long the last reload took (query on the reader's thread, then the
    /// model), in milliseconds.
    [[nodiscard]] qint64 lastLoadMs() const { return m_lastLoadMs; }
    /// True while the transactions are being read (off the GUI thread).
    [[nodiscard]] bool isLoading() const;
    [[nodiscard]] BackgroundReader *reader() const { return m_reader; }

    [[nodiscard]] QLabel *exchangeImportStatus() const { return m_importStatus; }
    /// True while an import from an exchange's API runs on the worker thread.
    [[nodiscard]] bool isImportingFromExchange() const { return m_importing; }

    /// Makes "Import from Exchange…" call @p handler instead of the page's own
    /// (chooseExchangeImport); an empty one disables the button.
    void setExchangeImportHandler(std::function<void()> handler);

    /// The default handler: asks which Binance or Kraken account (no question
    /// when there is one), then importFromExchange.
    void chooseExchangeImport();
    /// Asks the vault passphrase and imports what is new in the history of
    /// exchange account @p accountId on the worker thread; the counts or the
    /// error show above the table and exchangeImportFinished is emitted.
    /// False when it did not start (busy, executing, no passphrase).
    bool importFromExchange(qint64 accountId);

    /// Selects the row of transaction @p id (clearing filters that hide it);
    /// while the rows are being read, once they arrive.
    bool selectTransaction(qint64 id);
    /// The transaction of the current row; none when nothing is selected.
    [[nodiscard]] std::optional<qint64> selectedId() const;

    /// Opens the add dialog (non-modal; it goes when closed).
    TransactionDialog *openAddDialog();
    /// Opens the editor of the selected transaction; none when nothing is selected.
    TransactionDialog *openEditDialog();
    /// Opens the classification of the selected adjustment; none when the
    /// selection is not an adjustment.
    ClassifyDialog *openClassifyDialog();
    /// Opens the import dialog on @p paths (non-modal; it goes when closed).
    TransactionImportDialog *openImportDialog(const QStringList &paths);

public slots:
    /// Reloads every transaction from the ledger, keeping the selection: now
    /// when the page is on show, else when it is next shown.
    void refresh();
    /// Deletes the selected transaction (a transfer: both legs); undoable.
    void deleteSelected();
    /// Asks what the selected adjustment was and classifies it; undoable.
    void classifySelected();
    void importFromFile();

signals:
    void exchangeImportFinished(bool ok, const QString &message);

private:
    void reload();
    void showRows(Result<QList<services::TransactionRow>> rows);
    void applyFilters();
    void updateHeader();
    void updateActions();
    void fillAssetFilter();
    void fillAccountFilter();
    void commandFailed(const Error &error);
    void saveHeaderState() const;
    void showImportStatus(bool ok, const QString &text);
    void onHistoryImported(qint64 accountId, bool ok, const QString &message);

    TransactionsModel *m_model = nullptr;
    TransactionFilterProxy *m_proxy = nullptr;
    QTableView *m_table = nullptr;
    QComboBox *m_account = nullptr;
    QComboBox *m_asset = nullptr;
    QComboBox *m_kind = nullptr;
    QDateEdit *m_from = nullptr;
    QDateEdit *m_to = nullptr;
    QCheckBox *m_unexplained = nullptr;
    QLabel *m_header = nullptr;
    QLabel *m_shown = nullptr;
    QLabel *m_error = nullptr;
    QPushButton *m_add = nullptr;
    QPushButton *m_edit = nullptr;
    QPushButton *m_delete = nullptr;
    QPushButton *m_classify = nullptr;
    QPushButton *m_importFile = nullptr;
    QPushButton *m_importExchange = nullptr;
    QUndoStack *m_undo = nullptr;
    QLabel *m_importStatus = nullptr;
    QProgressBar *m_importProgress = nullptr;
    std::function<void()> m_exchangeImport;
    WorkerThread m_thread; ///< made on the first import from an exchange
    AccountWorker *m_worker = nullptr; ///< lives in m_thread
    bool m_importing = false;
    std::optional<Error> m_lastFailure; ///< of the command pushed last
    bool m_submitting = false; ///< a dialog shows the failure, not the page
    qint64 m_lastLoadMs = 0;
    BackgroundReader *m_reader = nullptr;
    std::optional<qint64> m_wanted; ///< to select once the rows being read arrive
};

} // namespace ballast::ui
