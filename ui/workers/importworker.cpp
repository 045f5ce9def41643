#include "workers/importworker.h"

#include "market/priceimporter.h"
#include "services/ledger.h"
#include "storage/database.h"

namespace ballast::ui {

ImportWorker::ImportWorker(QString databasePath, Clock clock)
    : m_databasePath(std::move(databasePath))
    , m_clock(std::move(clock))
{
}

void ImportWorker::preview(int index, const QString &path, const market::ImportOptions &options)
{
    FilePreview preview;
    preview.index = index;
    preview.path = path;
    auto series = market::PriceImporter::readFile(path, options);
    if (!series) {
        preview.errorCode = series.error().code;
        preview.error = series.error().message;
        emit previewed(preview);
        return;
    }
    preview.ok = true;
    preview.report = series->report;
    preview.candles = static_cast<int>(series->candles.size());
    preview.firstCandles = series->candles.mid(0, PreviewRows);
    emit previewed(preview);
}

void ImportWorker::import(const QList<ImportJob> &jobs)
{
    m_cancel = false;
    auto opened = storage::Database::open(m_databasePath, storage::Database::Mode::ReadWriteExisting);
    if (!opened) {
        emit imported(false, opened.error().message, {});
        return;
    }
    storage::Database &db = **opened;
    const int count = static_cast<int>(jobs.size());
    QList<services::Ledger::ImportFile> files;
    for (const ImportJob &job : jobs)
        files.append({job.path, job.options});
    // One transaction: the files land together or not at all, each with its
    // own options, and progress can be told between files.
    auto reports = services::Ledger(db, m_clock)
                       .importEach(
                           files,
                           [&](int i) {
                               if (m_cancel)
                                   return false;
                               emit fileStarted(i, count, jobs.at(i).path);
                               return true;
                           },
                           [&](int i) { emit fileDone(i, count); }, [&] { return !m_cancel; });
    if (!reports) {
        emit imported(false,
                      reports.error().code == QLatin1String("import.cancelled")
                          ? tr("Import cancelled; nothing was stored.")
                          : reports.error().message,
                      {});
        return;
    }
    emit imported(true, {}, *reports);
}

} // namespace ballast::ui
