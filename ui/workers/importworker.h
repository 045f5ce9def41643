#pragma once

#include "common/clock.h"
#include "domain/pricepoint.h"
#include "market/importoptions.h"
#include "market/importreport.h"

#include <QList>
#include <QMetaType>
#include <QObject>
#include <QString>

#include <atomic>

namespace ballast::ui {

/// What a price file holds, read without storing anything.
struct FilePreview
{
    int index = 0; ///< position in the dialog's list
    QString path;
    bool ok = false;
    QString errorCode; ///< e.g. "import.value", "import.asset"
    QString error; ///< names the file, line and column
    market::ImportReport report;
    QList<domain::Candle> firstCandles; ///< the oldest few, as parsed
    int candles = 0;
};

/// One file to import with what the person set for it.
struct ImportJob
{
    QString path;
    market::ImportOptions options;
};

/// Reads and imports price files on its own thread, with its own database
/// connection for the import (opened there, per import).
class ImportWorker : public QObject
{
    Q_OBJECT

public:
    ImportWorker(QString databasePath, Clock clock);

    /// Reads @p path with @p options and reports what it found.
    void preview(int index, const QString &path, const ballast::market::ImportOptions &options);
    /// Imports every job in one transaction: all files are stored or none.
    void import(const QList<ballast::ui::ImportJob> &jobs);
    /// Stops an import before its next file; what was read is rolled back (thread-safe).
    void cancel() { m_cancel = true; }

    /// How many candles a preview carries.
    static constexpr int PreviewRows = 12;

signals:
    void previewed(const ballast::ui::FilePreview &preview);
    void fileStarted(int index, int count, const QString &path);
    void fileDone(int index, int count);
    void imported(bool ok, const QString &message, const QList<ballast::market::ImportReport> &reports);

private:
    QString m_databasePath;
    Clock m_clock;
    std::atomic<bool> m_cancel{false};
};

} // namespace ballast::ui

Q_DECLARE_METATYPE(ballast::ui::FilePreview)
