#include "workers/transactionimportworker.h"

#include "imports/transactioncsv.h"
#include "storage/database.h"

#include <QFile>

namespace ballast::ui {

TransactionImportWorker::TransactionImportWorker(QString databasePath, Clock clock)
    : m_databasePath(std::move(databasePath))
    , m_clock(std::move(clock))
{
}

void TransactionImportWorker::preview(int request, const QString &path, const services::ImportOptions &options)
{
    TransactionFilePreview preview;
    preview.request = request;
    preview.path = path;
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        preview.fileError = tr("%1: cannot be read: %2").arg(path, file.errorString());
        emit previewed(preview);
        return;
    }
    const QByteArray bytes = file.readAll();
    if (options.mapping) {
        const imports::MappingPreview mapped = imports::previewMapped(*options.mapping, bytes, path, PreviewRows);
        preview.format = QStringLiteral("mapping");
        preview.fileError = mapped.fileError;
        preview.header = mapped.header;
        preview.rows = mapped.rows;
        preview.errorCount = mapped.errorCount;
        emit previewed(preview);
        return;
    }
    auto format = imports::detectFormat(bytes, path, options.format);
    if (!format) {
        preview.fileError = format.error().message;
        emit previewed(preview);
        return;
    }
    preview.format = imports::formatName(*format);
    // An exchange export is read whole, as the import reads it: its first bad
    // row refuses it.
    auto parsed = imports::parse(*format, bytes, path);
    if (!parsed) {
        preview.fileError = parsed.error().message;
        emit previewed(preview);
        return;
    }
    for (const auto &tx : parsed->transactions.mid(0, PreviewRows)) {
        imports::PreviewRow row;
        row.transaction = tx;
        preview.rows.append(row);
    }
    emit previewed(preview);
}

void TransactionImportWorker::run(int request, const services::ImportOptions &options, const QStringList &files)
{
    m_cancel = false;
    TransactionImportRun result;
    result.request = request;
    result.dryRun = options.dryRun;
    auto opened = storage::Database::open(m_databasePath, storage::Database::Mode::ReadWriteExisting);
    if (!opened) {
        result.error = opened.error().message;
        emit finished(result);
        return;
    }
    services::TransactionService service(**opened, m_clock);
    const int count = static_cast<int>(files.size());
    // One file at a time, as importFiles() would take them, so that progress
    // is told between files and a cancel stops before the next one.
    for (int i = 0; i < count; ++i) {
        if (m_cancel) {
            result.cancelled = true;
            break;
        }
        emit fileStarted(request, i, count, files.at(i));
        auto reports = service.importFiles(options, {files.at(i)});
        if (!reports) {
            result.error = reports.error().message;
            result.reports.clear();
            break;
        }
        result.reports += *reports;
        emit fileDone(request, i, count);
    }
    emit finished(result);
}

} // namespace ballast::ui
