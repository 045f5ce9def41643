#pragma once

#include "market/importoptions.h"
#include "market/importreport.h"

#include <QDialog>
#include <QList>
#include <QStringList>

#include <memory>
#include <optional>

class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QProgressBar;
class QPushButton;
class QTableWidget;
class QThread;

namespace ballast::ui {

class AppContext;
class ImportWorker;
struct FilePreview;

/// Imports price history files: shows the layout detected in each file and
/// what will be stored before anything is, then imports with a progress bar.
/// Reading and importing run on a worker thread; the import stores every file
/// or none.
class ImportDialog : public QDialog
{
    Q_OBJECT

public:
    explicit ImportDialog(AppContext &context, const QStringList &paths = {}, QWidget *parent = nullptr);
    ~ImportDialog() override;
    ImportDialog(const ImportDialog &) = delete;
    ImportDialog &operator=(const ImportDialog &) = delete;

    /// Files in the list, in order.
    [[nodiscard]] QStringList paths() const;
    /// True while a file is being read or the import runs.
    [[nodiscard]] bool isBusy() const;
    /// The first file that cannot be imported as it stands and why; empty when all can.
    [[nodiscard]] QString blockingProblem() const;

public slots:
    /// Imports every file (all or none).
    void startImport();
    /// Reads the selected file again with the asset, quote and interval typed in.
    void rereadSelected();
    /// Takes the selected file out of the list.
    void removeSelected();
    void reject() override;

signals:
    /// Every file has been read (after opening, or after a re-read).
    void previewsReady();
    void importFinished(bool ok, const QString &message);

private:
    struct Entry
    {
        QString path;
        market::ImportOptions options;
        std::shared_ptr<FilePreview> preview; ///< none while reading
    };
    struct ThreadStopper
    {
        void operator()(QThread *thread) const;
    };

    void readEntry(int row);
    void onPreviewed(const ballast::ui::FilePreview &preview);
    void onFileStarted(int index, int count, const QString &path);
    void onFileDone(int index, int count);
    void onImported(bool ok, const QString &message, const QList<ballast::market::ImportReport> &reports);
    void fillRow(int row);
    void showDetails();
    void updateActions();
    [[nodiscard]] int selectedRow() const;

    AppContext &m_context;
    QList<Entry> m_entries;
    QTableWidget *m_files = nullptr;
    QLineEdit *m_asset = nullptr;
    QLineEdit *m_quote = nullptr;
    QLineEdit *m_interval = nullptr;
    QPushButton *m_reread = nullptr;
    QPushButton *m_remove = nullptr;
    QPlainTextEdit *m_problems = nullptr;
    QTableWidget *m_rows = nullptr;
    QLabel *m_status = nullptr;
    QProgressBar *m_progress = nullptr;
    QPushButton *m_import = nullptr;
    QPushButton *m_close = nullptr;
    std::unique_ptr<QThread, ThreadStopper> m_thread;
    ImportWorker *m_worker = nullptr;
    int m_reading = 0;
    bool m_importing = false;
    bool m_done = false;
    QString m_failure; ///< why the last import stored nothing, until the next attempt
};

} // namespace ballast::ui
