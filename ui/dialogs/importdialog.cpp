#include "dialogs/importdialog.h"

#include "appcontext.h"
#include "market/priceimporter.h"
#include "workers/importworker.h"

#include <QColor>
#include <QDateTime>
#include <QDialogButtonBox>
#include <QFileInfo>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSplitter>
#include <QTableWidget>
#include <QThread>
#include <QTimeZone>
#include <QVBoxLayout>

namespace ballast::ui {

namespace {

enum FileColumn { FileName, Layout, Pair, Interval, Rows, Candles, From, To, Problems, FileColumnCount };

constexpr int MaxListed = 40; ///< problems of one kind listed before "and N more"

/// A time as the file means it: UTC, with the clock only for intraday bars.
QString utcText(qint64 ms, const QString &interval)
{
    const QDateTime time = QDateTime::fromMSecsSinceEpoch(ms, QTimeZone::utc());
    const qint64 step = market::PriceImporter::intervalMs(interval);
    if (step >= 86400000 && time.time() == QTime(0, 0))
        return time.toString(QStringLiteral("yyyy-MM-dd"));
    return time.toString(QStringLiteral("yyyy-MM-dd HH:mm")) + QStringLiteral(" UTC");
}

/// One short line for the table: what was found that is not plain.
QString problemSummary(const market::ImportReport &report)
{
    const QLocale locale;
    QStringList parts;
    if (report.exactDuplicates > 0)
        parts << ImportDialog::tr("%1 duplicate rows").arg(locale.toString(report.exactDuplicates));
    if (!report.conflicts.isEmpty())
        parts << ImportDialog::tr("%1 conflicts").arg(locale.toString(report.conflicts.size()));
    if (!report.gaps.isEmpty())
        parts << ImportDialog::tr("%1 gaps (%2 bars)")
                     .arg(locale.toString(report.gaps.size()), locale.toString(report.missingBars()));
    if (!report.nullRows.isEmpty())
        parts << ImportDialog::tr("%1 empty rows").arg(locale.toString(report.nullRows.size()));
    if (!report.snapped.isEmpty())
        parts << ImportDialog::tr("%1 off-grid snapshots").arg(locale.toString(report.snapped.size()));
    if (!report.dateMismatches.isEmpty())
        parts << ImportDialog::tr("%1 date mismatches").arg(locale.toString(report.dateMismatches.size()));
    if (report.unfinishedSkippedMs)
        parts << ImportDialog::tr("running candle skipped");
    return parts.isEmpty() ? ImportDialog::tr("none") : parts.join(QStringLiteral(", "));
}

/// Every finding with its line numbers, for the details pane.
QStringList problemLines(const market::ImportReport &report)
{
    const QLocale locale;
    const QString &iv = report.interval;
    QStringList lines;
    auto more = [&lines, &locale](qsizetype total) {
        if (total > MaxListed)
            lines << ImportDialog::tr("  … and %1 more").arg(locale.toString(total - MaxListed));
    };
    if (report.exactDuplicates > 0)
        lines << ImportDialog::tr("%1 rows repeat an earlier row exactly and are dropped.")
                     .arg(locale.toString(report.exactDuplicates));
    for (const auto &conflict : report.conflicts.mid(0, MaxListed))
        lines << ImportDialog::tr("Conflict at %1: line %2 kept, line %3 (other values) dropped.")
                     .arg(utcText(conflict.openTimeMs, iv), QString::number(conflict.keptLine),
                          QString::number(conflict.droppedLine));
    more(report.conflicts.size());
    for (const auto &gap : report.gaps.mid(0, MaxListed)) {
        if (gap.missing == 1)
            lines << ImportDialog::tr("Gap: %1 is missing (not filled).").arg(utcText(gap.firstMissingMs, iv));
        else
            lines << ImportDialog::tr("Gap: %1 to %2, %3 bars missing (not filled).")
                         .arg(utcText(gap.firstMissingMs, iv), utcText(gap.lastMissingMs, iv),
                              locale.toString(gap.missing));
    }
    more(report.gaps.size());
    for (const auto &row : report.nullRows.mid(0, MaxListed))
        lines << ImportDialog::tr("Line %1 (%2): all prices null, skipped.")
                     .arg(QString::number(row.line), utcText(row.openTimeMs, iv));
    more(report.nullRows.size());
    for (const auto &row : report.snapped.mid(0, MaxListed))
        lines << ImportDialog::tr("Line %1: snapshot taken %2 is used for the bar of %3.")
                     .arg(QString::number(row.line), utcText(row.snappedAtMs, QString()), utcText(row.openTimeMs, iv));
    more(report.snapped.size());
    for (const auto &row : report.dateMismatches.mid(0, MaxListed))
        lines << ImportDialog::tr("Line %1: printed date %2 differs from the Unix time %3; the Unix time is used.")
                     .arg(QString::number(row.line), utcText(row.printedMs, QString()),
                          utcText(row.openTimeMs, QString()));
    more(report.dateMismatches.size());
    if (report.unfinishedSkippedMs)
        lines << ImportDialog::tr("The newest candle (%1) may still have been running when the file was written; "
                                  "it is skipped.")
                     .arg(utcText(*report.unfinishedSkippedMs, iv));
    return lines;
}

QTableWidgetItem *item(const QString &text, Qt::Alignment alignment = Qt::AlignLeft | Qt::AlignVCenter)
{
    auto *cell = new QTableWidgetItem(text);
    cell->setTextAlignment(alignment);
    cell->setFlags(Qt::ItemIsSelectable | Qt::ItemIsEnabled);
    return cell;
}

} // namespace

void ImportDialog::ThreadStopper::operator()(QThread *thread) const
{
    thread->quit();
    thread->wait();
    delete thread;
}

ImportDialog::ImportDialog(AppContext &context, const QStringList &paths, QWidget *parent)
    : QDialog(parent)
    , m_context(context)
{
    setWindowTitle(tr("Import Price History"));
    setObjectName(QStringLiteral("importDialog"));
    resize(1040, 680);

    auto *intro = new QLabel(tr("Check what Ballast found in each file. Nothing is stored until you press Import; "
                                "then every file is stored, or none."),
                             this);
    intro->setWordWrap(true);

    m_files = new QTableWidget(0, FileColumnCount, this);
    m_files->setObjectName(QStringLiteral("files"));
    m_files->setAccessibleName(tr("Files to import"));
    m_files->setHorizontalHeaderLabels({tr("File"), tr("Layout"), tr("Asset/Quote"), tr("Interval"), tr("Rows"),
                                        tr("Candles"), tr("From"), tr("To"), tr("Problems")});
    m_files->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_files->setSelectionMode(QAbstractItemView::SingleSelection);
    m_files->verticalHeader()->setVisible(false);
    m_files->setWordWrap(false);
    m_files->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_files->horizontalHeader()->setStretchLastSection(true);

    m_asset = new QLineEdit(this);
    m_asset->setObjectName(QStringLiteral("asset"));
    m_asset->setAccessibleName(tr("Asset"));
    m_asset->setPlaceholderText(tr("e.g. BTC"));
    m_quote = new QLineEdit(this);
    m_quote->setObjectName(QStringLiteral("quote"));
    m_quote->setAccessibleName(tr("Quote currency"));
    m_quote->setPlaceholderText(tr("e.g. USDT"));
    m_interval = new QLineEdit(this);
    m_interval->setObjectName(QStringLiteral("interval"));
    m_interval->setAccessibleName(tr("Interval"));
    m_interval->setPlaceholderText(tr("detected"));
    m_interval->setMaximumWidth(90);
    m_reread = new QPushButton(tr("&Read Again"), this);
    m_reread->setObjectName(QStringLiteral("reread"));
    m_reread->setAccessibleName(tr("Read the file again with this asset, quote and interval"));
    m_remove = new QPushButton(tr("&Leave Out"), this);
    m_remove->setObjectName(QStringLiteral("remove"));
    m_remove->setAccessibleName(tr("Leave the selected file out of the import"));
    auto *settings = new QHBoxLayout;
    auto *assetLabel = new QLabel(tr("&Asset:"), this);
    assetLabel->setBuddy(m_asset);
    auto *quoteLabel = new QLabel(tr("&Quote:"), this);
    quoteLabel->setBuddy(m_quote);
    auto *intervalLabel = new QLabel(tr("&Interval:"), this);
    intervalLabel->setBuddy(m_interval);
    settings->addWidget(assetLabel);
    settings->addWidget(m_asset);
    settings->addWidget(quoteLabel);
    settings->addWidget(m_quote);
    settings->addWidget(intervalLabel);
    settings->addWidget(m_interval);
    settings->addWidget(m_reread);
    settings->addStretch();
    settings->addWidget(m_remove);

    m_problems = new QPlainTextEdit(this);
    m_problems->setObjectName(QStringLiteral("problems"));
    m_problems->setAccessibleName(tr("What was found in the file"));
    m_problems->setReadOnly(true);
    m_rows = new QTableWidget(0, 6, this);
    m_rows->setObjectName(QStringLiteral("firstRows"));
    m_rows->setAccessibleName(tr("First rows as read"));
    m_rows->setHorizontalHeaderLabels({tr("Open time"), tr("Open"), tr("High"), tr("Low"), tr("Close"), tr("Volume")});
    m_rows->verticalHeader()->setVisible(false);
    m_rows->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_rows->horizontalHeader()->setStretchLastSection(true);
    auto *panes = new QSplitter(Qt::Horizontal, this);
    panes->addWidget(m_problems);
    panes->addWidget(m_rows);
    panes->setStretchFactor(0, 2);
    panes->setStretchFactor(1, 3);
    const int rowHeight = fontMetrics().height() + 8;
    m_files->verticalHeader()->setDefaultSectionSize(rowHeight);
    m_rows->verticalHeader()->setDefaultSectionSize(rowHeight);

    auto *details = new QGroupBox(tr("Selected file"), this);
    auto *detailsLayout = new QVBoxLayout(details);
    detailsLayout->addLayout(settings);
    detailsLayout->addWidget(panes, 1);

    m_progress = new QProgressBar(this);
    m_progress->setObjectName(QStringLiteral("progress"));
    m_progress->setAccessibleName(tr("Import progress"));
    m_progress->setRange(0, 1);
    m_progress->setValue(0);
    m_progress->setFormat(tr("%v of %m files"));
    m_status = new QLabel(this);
    m_status->setObjectName(QStringLiteral("status"));
    m_status->setAccessibleName(tr("Import status"));
    m_status->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);

    auto *buttons = new QDialogButtonBox(this);
    m_import = buttons->addButton(tr("&Import"), QDialogButtonBox::AcceptRole);
    m_import->setObjectName(QStringLiteral("import"));
    m_import->setAccessibleName(tr("Import all files"));
    m_close = buttons->addButton(QDialogButtonBox::Close);
    m_close->setObjectName(QStringLiteral("close"));
    connect(m_import, &QPushButton::clicked, this, &ImportDialog::startImport);
    connect(m_close, &QPushButton::clicked, this, &ImportDialog::reject);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(intro);
    layout->addWidget(m_files, 2);
    layout->addWidget(details, 3);
    layout->addWidget(m_progress);
    layout->addWidget(m_status);
    layout->addWidget(buttons);

    m_worker = new ImportWorker(context.databasePath(), context.clock());
    m_thread.reset(new QThread);
    m_thread->setObjectName(QStringLiteral("import"));
    m_worker->moveToThread(m_thread.get());
    connect(m_thread.get(), &QThread::finished, m_worker, &QObject::deleteLater);
    connect(m_worker, &ImportWorker::previewed, this, &ImportDialog::onPreviewed);
    connect(m_worker, &ImportWorker::fileStarted, this, &ImportDialog::onFileStarted);
    connect(m_worker, &ImportWorker::fileDone, this, &ImportDialog::onFileDone);
    connect(m_worker, &ImportWorker::imported, this, &ImportDialog::onImported);
    m_thread->start();

    connect(m_files, &QTableWidget::itemSelectionChanged, this, &ImportDialog::showDetails);
    connect(m_reread, &QPushButton::clicked, this, &ImportDialog::rereadSelected);
    connect(m_remove, &QPushButton::clicked, this, &ImportDialog::removeSelected);
    connect(&context, &AppContext::executingChanged, this, &ImportDialog::updateActions);

    for (const QString &path : paths) {
        m_entries.append(Entry{path, {}, {}});
        m_files->insertRow(m_files->rowCount());
    }
    for (int row = 0; row < m_entries.size(); ++row)
        readEntry(row);
    if (!m_entries.isEmpty())
        m_files->selectRow(0);
    updateActions();
}

ImportDialog::~ImportDialog()
{
    if (m_worker)
        m_worker->cancel();
    // The import thread is waited for as the members go, within this call.
    if (m_importing)
        m_context.endBackgroundWrite();
}

QStringList ImportDialog::paths() const
{
    QStringList list;
    for (const auto &entry : m_entries)
        list.append(entry.path);
    return list;
}

bool ImportDialog::isBusy() const
{
    return m_reading > 0 || m_importing;
}

void ImportDialog::readEntry(int row)
{
    Entry &entry = m_entries[row];
    entry.preview.reset();
    entry.options.nowMs = m_context.clock()();
    ++m_reading;
    fillRow(row);
    ImportWorker *worker = m_worker;
    const QString path = entry.path;
    const market::ImportOptions options = entry.options;
    QMetaObject::invokeMethod(
        m_worker, [worker, row, path, options] { worker->preview(row, path, options); }, Qt::QueuedConnection);
    updateActions();
}

void ImportDialog::onPreviewed(const FilePreview &preview)
{
    --m_reading;
    // A file left out while it was being read: its row is gone.
    if (preview.index >= m_entries.size() || m_entries.at(preview.index).path != preview.path)
        return;
    m_entries[preview.index].preview = std::make_shared<FilePreview>(preview);
    fillRow(preview.index);
    if (preview.index == selectedRow())
        showDetails();
    updateActions();
    if (m_reading == 0)
        emit previewsReady();
}

void ImportDialog::fillRow(int row)
{
    const Entry &entry = m_entries.at(row);
    const QLocale locale;
    const auto right = Qt::AlignRight | Qt::AlignVCenter;
    auto *name = item(QFileInfo(entry.path).fileName());
    name->setToolTip(entry.path);
    m_files->setItem(row, FileName, name);
    if (!entry.preview) {
        m_files->setItem(row, Layout, item(tr("Reading…")));
        for (int column = Pair; column < FileColumnCount; ++column)
            m_files->setItem(row, column, item(QString()));
        return;
    }
    const FilePreview &preview = *entry.preview;
    if (!preview.ok) {
        for (int column = Layout; column < Problems; ++column)
            m_files->setItem(row, column, item(QString()));
        // The file column names the file already: the cell starts at the line.
        QString why = preview.error;
        if (why.startsWith(entry.path + QStringLiteral(": ")))
            why.remove(0, entry.path.size() + 2);
        if (preview.errorCode == QLatin1String("import.asset"))
            why = tr("the file does not say which asset and quote; type them below");
        auto *problem = item(tr("Cannot be imported: %1").arg(why));
        problem->setToolTip(preview.error);
        problem->setForeground(QColor(0xb3, 0x26, 0x1e));
        m_files->setItem(row, Problems, problem);
        return;
    }
    const market::ImportReport &report = preview.report;
    m_files->setItem(row, Layout, item(market::csvLayoutName(report.layout)));
    m_files->setItem(row, Pair, item(report.asset + QLatin1Char('/') + report.quote));
    m_files->setItem(row, Interval, item(report.interval));
    m_files->setItem(row, Rows, item(locale.toString(report.rowsRead), right));
    m_files->setItem(row, Candles, item(locale.toString(preview.candles), right));
    m_files->setItem(row, From, item(utcText(report.firstOpenTimeMs, report.interval)));
    m_files->setItem(row, To, item(utcText(report.lastOpenTimeMs, report.interval)));
    m_files->setItem(row, Problems, item(problemSummary(report)));
}

int ImportDialog::selectedRow() const
{
    const auto rows = m_files->selectionModel()->selectedRows();
    return rows.isEmpty() ? -1 : rows.first().row();
}

void ImportDialog::showDetails()
{
    const int row = selectedRow();
    m_rows->setRowCount(0);
    if (row < 0 || row >= m_entries.size()) {
        m_problems->clear();
        m_asset->clear();
        m_quote->clear();
        m_interval->clear();
        updateActions();
        return;
    }
    const Entry &entry = m_entries.at(row);
    if (!entry.preview) {
        m_problems->setPlainText(tr("Reading %1…").arg(entry.path));
        updateActions();
        return;
    }
    const FilePreview &preview = *entry.preview;
    if (!preview.ok) {
        QString text = tr("This file cannot be imported:\n%1").arg(preview.error);
        if (preview.errorCode == QLatin1String("import.asset"))
            text = tr("%1 has no symbol column and its name does not tell which asset and quote currency the prices "
                      "are for.\n\nType the asset and the quote currency above and press Read Again.")
                       .arg(QFileInfo(entry.path).fileName());
        else if (preview.errorCode == QLatin1String("import.interval"))
            text += QStringLiteral("\n\n") + tr("Type the interval (1h, 1d…) above and press Read Again.");
        else
            text += QStringLiteral("\n\n")
                + tr("Ballast does not repair files by guessing: fix the file, or leave "
                     "it out of this import.");
        m_problems->setPlainText(text);
        m_asset->setText(entry.options.asset);
        m_quote->setText(entry.options.quote);
        m_interval->setText(entry.options.interval);
        updateActions();
        return;
    }
    const market::ImportReport &report = preview.report;
    m_asset->setText(report.asset);
    m_quote->setText(report.quote);
    m_interval->setText(report.interval);
    const QLocale locale;
    QStringList lines;
    lines << tr("%1: %2 layout, %3/%4 every %5.")
                 .arg(QFileInfo(entry.path).fileName(), market::csvLayoutName(report.layout), report.asset,
                      report.quote, report.interval);
    lines << tr("%1 rows read, %2 candles to store, from %3 to %4.")
                 .arg(locale.toString(report.rowsRead), locale.toString(preview.candles),
                      utcText(report.firstOpenTimeMs, report.interval),
                      utcText(report.lastOpenTimeMs, report.interval));
    const QStringList problems = problemLines(report);
    lines << (problems.isEmpty() ? tr("No duplicates, gaps or conflicts found.") : tr("Found:"));
    lines << problems;
    m_problems->setPlainText(lines.join(QLatin1Char('\n')));

    const int shown = static_cast<int>(preview.firstCandles.size());
    m_rows->setRowCount(shown);
    for (int i = 0; i < shown; ++i) {
        const domain::Candle &candle = preview.firstCandles.at(i);
        const auto right = Qt::AlignRight | Qt::AlignVCenter;
        m_rows->setItem(i, 0, item(utcText(candle.openTimeMs, report.interval)));
        const double values[] = {candle.open, candle.high, candle.low, candle.close, candle.volume};
        for (int column = 0; column < 5; ++column)
            m_rows->setItem(i, column + 1, item(locale.toString(values[column], 'g', 10), right));
    }
    updateActions();
}

void ImportDialog::rereadSelected()
{
    const int row = selectedRow();
    if (row < 0 || isBusy())
        return;
    Entry &entry = m_entries[row];
    m_failure.clear();
    m_status->setStyleSheet(QString());
    entry.options.asset = m_asset->text().trimmed().toUpper();
    entry.options.quote = m_quote->text().trimmed().toUpper();
    entry.options.interval = m_interval->text().trimmed();
    readEntry(row);
    showDetails();
}

void ImportDialog::removeSelected()
{
    const int row = selectedRow();
    if (row < 0 || m_importing)
        return;
    // Reads in flight carry their row: a later row would be misplaced, so
    // removing waits for them (the button is disabled meanwhile).
    if (m_reading > 0)
        return;
    m_entries.removeAt(row);
    m_files->removeRow(row);
    if (!m_entries.isEmpty())
        m_files->selectRow(std::min(row, static_cast<int>(m_entries.size()) - 1));
    showDetails();
    updateActions();
}

QString ImportDialog::blockingProblem() const
{
    if (m_entries.isEmpty())
        return tr("No files to import.");
    for (const auto &entry : m_entries) {
        if (!entry.preview)
            return tr("Reading %1…").arg(QFileInfo(entry.path).fileName());
        if (!entry.preview->ok)
            return tr("%1 cannot be imported; fix it or leave it out.").arg(QFileInfo(entry.path).fileName());
    }
    if (m_context.isExecuting())
        return tr("An execution is running: import when it has ended.");
    return {};
}

void ImportDialog::updateActions()
{
    const QString problem = blockingProblem();
    const bool busy = isBusy();
    m_import->setEnabled(!busy && !m_done && problem.isEmpty());
    m_import->setToolTip(problem);
    const int row = selectedRow();
    m_reread->setEnabled(!busy && !m_done && row >= 0);
    m_remove->setEnabled(!busy && !m_done && row >= 0);
    for (QLineEdit *edit : {m_asset, m_quote, m_interval})
        edit->setEnabled(!m_done && row >= 0);
    m_close->setText(m_importing ? tr("Cancel") : tr("Close"));
    if (!m_importing && !m_done)
        m_progress->setRange(0, std::max(1, static_cast<int>(m_entries.size())));
    if (!m_failure.isEmpty())
        m_status->setText(m_failure);
    else if (!m_importing && !m_done)
        m_status->setText(problem.isEmpty()
                              ? tr("Ready to import %n file(s).", nullptr, static_cast<int>(m_entries.size()))
                              : problem);
}

void ImportDialog::startImport()
{
    if (!blockingProblem().isEmpty() || isBusy() || m_done)
        return;
    QList<ImportJob> jobs;
    for (const auto &entry : m_entries) {
        market::ImportOptions options = entry.options;
        options.nowMs = m_context.clock()();
        jobs.append(ImportJob{entry.path, options});
    }
    m_importing = true;
    m_context.beginBackgroundWrite(tr("A price import is running"));
    m_failure.clear();
    m_status->setStyleSheet(QString());
    m_progress->setRange(0, static_cast<int>(jobs.size()));
    m_progress->setValue(0);
    m_status->setText(tr("Importing…"));
    updateActions();
    ImportWorker *worker = m_worker;
    QMetaObject::invokeMethod(
        m_worker, [worker, jobs] { worker->import(jobs); }, Qt::QueuedConnection);
}

void ImportDialog::onFileStarted(int index, int count, const QString &path)
{
    m_status->setText(tr("Importing %1 (%2 of %3)…")
                          .arg(QFileInfo(path).fileName(), QLocale().toString(index + 1), QLocale().toString(count)));
}

void ImportDialog::onFileDone(int index, int count)
{
    m_progress->setRange(0, count);
    m_progress->setValue(index + 1);
}

void ImportDialog::onImported(bool ok, const QString &message, const QList<market::ImportReport> &reports)
{
    if (m_importing)
        m_context.endBackgroundWrite();
    m_importing = false;
    if (!ok) {
        m_progress->setValue(0);
        m_failure = tr("Nothing was stored. %1").arg(message);
        m_status->setStyleSheet(QStringLiteral("color: #b3261e;"));
        // The files may have changed since they were shown: show them as they are now.
        for (int row = 0; row < m_entries.size(); ++row)
            readEntry(row);
        updateActions();
        emit importFinished(false, message);
        return;
    }
    m_done = true;
    m_progress->setValue(m_progress->maximum());
    const QLocale locale;
    QStringList lines;
    int candles = 0;
    for (const auto &report : reports) {
        candles += report.candlesStored;
        lines << report.summary();
    }
    m_status->setText(tr("Stored %1 candles from %n file(s).", nullptr, static_cast<int>(reports.size()))
                          .arg(locale.toString(candles)));
    m_status->setStyleSheet(QString());
    m_problems->setPlainText(tr("Imported:\n\n%1").arg(lines.join(QStringLiteral("\n\n"))));
    m_close->setFocus();
    updateActions();
    m_context.notifyLedgerChanged();
    m_context.showStatus(m_status->text());
    emit importFinished(true, m_status->text());
}

void ImportDialog::reject()
{
    if (m_importing) {
        m_worker->cancel();
        m_status->setText(tr("Cancelling: nothing will be stored…"));
        return;
    }
    QDialog::reject();
}

} // namespace ballast::ui
