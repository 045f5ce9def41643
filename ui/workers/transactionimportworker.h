#pragma once

#include "common/clock.h"
#include "imports/columnmapping.h"
#include "services/transactionservice.h"

#include <QList>
#include <QMetaType>
#include <QObject>
#include <QString>
#include <QStringList>

#include <atomic>

namespace ballast::ui {

/// The first rows of one file as the chosen format reads them.
struct TransactionFilePreview
{
    int request = 0;
    QString path;
    QString format; ///< the layout detected, "mapping", or empty when refused
    QString fileError; ///< the file cannot be read as a whole (names file, line and column)
    QStringList header; ///< mapping: the file's columns, for the mapping editor
    QList<imports::PreviewRow> rows; ///< mapping: each row's error kept; exchange files: line 0
    int errorCount = 0;
};

/// What a dry run or an import did with every file.
struct TransactionImportRun
{
    int request = 0;
    bool dryRun = false;
    bool cancelled = false;
    QString error; ///< concerns every file (unknown account, bad mapping); no report then
    QList<services::FileImportReport> reports;
};

/// Reads and imports transaction files on its own thread, with its own
/// database connection opened there for each run. Every file is its own
/// unit (TransactionService::importFiles): a refused file stores nothing.
class TransactionImportWorker : public QObject
{
    Q_OBJECT

public:
    TransactionImportWorker(QString databasePath, Clock clock);

    /// Reads the first rows of @p path through @p options (format or mapping).
    void preview(int request, const QString &path, const ballast::services::ImportOptions &options);
    /// Imports @p files (or, with options.dryRun, counts what would be stored).
    void run(int request, const ballast::services::ImportOptions &options, const QStringList &files);
    /// Stops a run before its next file (thread-safe); files done stay done.
    void cancel() { m_cancel = true; }

    static constexpr int PreviewRows = 20;

signals:
    void previewed(const ballast::ui::TransactionFilePreview &preview);
    void fileStarted(int request, int index, int count, const QString &path);
    void fileDone(int request, int index, int count);
    void finished(const ballast::ui::TransactionImportRun &run);

private:
    QString m_databasePath;
    Clock m_clock;
    std::atomic<bool> m_cancel{false};
};

} // namespace ballast::ui

Q_DECLARE_METATYPE(ballast::ui::TransactionFilePreview)
Q_DECLARE_METATYPE(ballast::ui::TransactionImportRun)
