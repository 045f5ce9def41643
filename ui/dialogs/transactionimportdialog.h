#pragma once

#include "imports/columnmapping.h"
#include "services/transactionservice.h"
#include "workers/threadstopper.h"

#include <QDialog>
#include <QHash>
#include <QStringList>

#include <optional>

class QCheckBox;
class QComboBox;
class QGroupBox;
class QLabel;
class QLineEdit;
class QListWidget;
class QPlainTextEdit;
class QProgressBar;
class QPushButton;
class QSpinBox;
class QTableWidget;
class QTimer;

namespace ballast::ui {

class AppContext;
class TransactionImportWorker;
struct TransactionFilePreview;
struct TransactionImportRun;

/// Imports transaction files into one account: an exchange export (detected,
/// or of a chosen exchange) or any CSV through a column mapping built here,
/// with a live preview of the first rows of the selected file and each row's
/// error by line and column. Check runs the import as a dry run (counts of
/// new and already stored transactions, refusals) and only then Import
/// stores, file by file, each file whole or not at all. Reading and storing
/// run on a worker thread with its own connection.
class TransactionImportDialog : public QDialog
{
    Q_OBJECT

public:
    TransactionImportDialog(AppContext &context, const QStringList &paths = {}, QWidget *parent = nullptr);
    ~TransactionImportDialog() override;
    TransactionImportDialog(const TransactionImportDialog &) = delete;
    TransactionImportDialog &operator=(const TransactionImportDialog &) = delete;

    [[nodiscard]] QStringList paths() const { return m_paths; }
    void addPaths(const QStringList &paths);
    /// The options as set in the dialog (account, network, format or mapping).
    [[nodiscard]] services::ImportOptions options() const;
    /// The mapping as built in the dialog; none unless the format is a mapping.
    [[nodiscard]] std::optional<imports::ColumnMapping> mapping() const;
    [[nodiscard]] bool isBusy() const { return m_running; }
    /// Why Import is disabled; empty when it is enabled.
    [[nodiscard]] QString blockingProblem() const;
    /// The reports of the last check or import, one per file.
    [[nodiscard]] const QList<services::FileImportReport> &reports() const { return m_reports; }
    /// True once the reports are those of an import (not a dry run).
    [[nodiscard]] bool isDone() const { return m_done; }

public slots:
    /// The dry run: reads and checks every file, stores nothing.
    void check();
    /// Stores every file that the check found importable.
    void startImport();
    void reject() override;

signals:
    void previewReady();
    void checkFinished();
    void importFinished();

private:
    void optionsChanged();
    void formatChanged();
    void requestPreview();
    void onPreviewed(const ballast::ui::TransactionFilePreview &preview);
    void onFileStarted(int request, int index, int count, const QString &path);
    void onFileDone(int request, int index, int count);
    void onFinished(const ballast::ui::TransactionImportRun &run);
    void startRun(bool dryRun);
    void fillHeader(const QStringList &header);
    void fillResults();
    void updateActions();
    void chooseFiles();
    void removeSelected();

    AppContext &m_context;
    QStringList m_paths;
    QListWidget *m_files = nullptr;
    QPushButton *m_addFiles = nullptr;
    QPushButton *m_removeFile = nullptr;
    QComboBox *m_account = nullptr;
    QLineEdit *m_network = nullptr;
    QComboBox *m_format = nullptr;
    QGroupBox *m_mappingBox = nullptr;
    QHash<QString, QComboBox *> m_columns; ///< mapping field -> its column
    QComboBox *m_timeFormat = nullptr;
    QLineEdit *m_timeZone = nullptr;
    QPlainTextEdit *m_kinds = nullptr;
    QComboBox *m_defaultKind = nullptr;
    QLineEdit *m_defaultQuote = nullptr;
    QLineEdit *m_defaultFeeAsset = nullptr;
    QCheckBox *m_decimalComma = nullptr;
    QSpinBox *m_skipLines = nullptr;
    QLabel *m_previewStatus = nullptr;
    QTableWidget *m_preview = nullptr;
    QTableWidget *m_results = nullptr;
    QProgressBar *m_progress = nullptr;
    QLabel *m_status = nullptr;
    QPushButton *m_check = nullptr;
    QPushButton *m_import = nullptr;
    QPushButton *m_close = nullptr;
    QTimer *m_previewTimer = nullptr;
    WorkerThread m_thread;
    TransactionImportWorker *m_worker = nullptr;
    QStringList m_header; ///< of the previewed file, as the mapping editor lists it
    QList<services::FileImportReport> m_reports;
    int m_previewRequest = 0;
    int m_runRequest = 0;
    bool m_running = false;
    bool m_checked = false; ///< the reports are a dry run of the options as they are
    bool m_done = false;
    QString m_failure;
};

} // namespace ballast::ui
