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
    QList<market::ImportReport> reports;
    // One outer transaction: each file's Ledger::importPrices nests in it as a
    // savepoint, so the files land together or not at all, each with its own
    // options, and progress can be told between files.
    Status done = storage::guarded([&]() -> Status {
        storage::Transaction transaction(db);
        for (int i = 0; i < count; ++i) {
            if (m_cancel)
                return makeError(QStringLiteral("import.cancelled"), tr("Import cancelled; nothing was stored."));
            emit fileStarted(i, count, jobs.at(i).path);
            auto stored = services::Ledger(db, m_clock).importPrices({jobs.at(i).path}, jobs.at(i).options);
            if (!stored)
                return stored.error();
            reports.append(*stored);
            emit fileDone(i, count);
        }
        if (m_cancel)
            return makeError(QStringLiteral("import.cancelled"), tr("Import cancelled; nothing was stored."));
        transaction.commit();
        return {};
    });
    if (!done) {
        emit imported(false, done.error().message, {});
        return;
    }
    emit imported(true, {}, reports);
}

} // namespace ballast::ui
