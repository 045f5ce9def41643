#include "dialogs/transactionimportdialog.h"

#include "appcontext.h"
#include "models/decimaltext.h"
#include "services/ledgerqueries.h"
#include "workers/transactionimportworker.h"

#include <QCheckBox>
#include <QColor>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QGridLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QLocale>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSettings>
#include <QSpinBox>
#include <QSplitter>
#include <QTableWidget>
#include <QTimeZone>
#include <QTimer>
#include <QVBoxLayout>

namespace ballast::ui {

namespace {

enum PreviewColumn { PLine, PTime, PKind, PAsset, PQuantity, PPrice, PFee, PProblem, PreviewColumnCount };
enum ResultColumn { RFile, RFormat, RRead, RNew, RDuplicates, RLinked, RStatus, ResultColumnCount };

QColor errorText()
{
    return {0xb3, 0x26, 0x1e};
}

QTableWidgetItem *cell(const QString &text, Qt::Alignment alignment = Qt::AlignLeft | Qt::AlignVCenter)
{
    auto *item = new QTableWidgetItem(text);
    item->setTextAlignment(alignment);
    item->setFlags(Qt::ItemIsSelectable | Qt::ItemIsEnabled);
    return item;
}

/// Each refused file's error in full (file, line, column), one a line.
QString refusals(const QList<services::FileImportReport> &reports)
{
    QString text;
    for (const auto &report : reports) {
        if (!report.error.isEmpty())
            text += QLatin1Char('\n') + report.error;
    }
    return text;
}

/// A mapping field as the editor labels it.
QString fieldTitle(const QString &field)
{
    static const QHash<QString, const char *> titles{
        {QStringLiteral("time"), QT_TRANSLATE_NOOP("ballast::ui::TransactionImportDialog", "Time")},
        {QStringLiteral("kind"), QT_TRANSLATE_NOOP("ballast::ui::TransactionImportDialog", "Kind")},
        {QStringLiteral("side"), QT_TRANSLATE_NOOP("ballast::ui::TransactionImportDialog", "Side")},
        {QStringLiteral("asset"), QT_TRANSLATE_NOOP("ballast::ui::TransactionImportDialog", "Asset")},
        {QStringLiteral("quantity"), QT_TRANSLATE_NOOP("ballast::ui::TransactionImportDialog", "Quantity")},
        {QStringLiteral("price"), QT_TRANSLATE_NOOP("ballast::ui::TransactionImportDialog", "Price")},
        {QStringLiteral("quote"), QT_TRANSLATE_NOOP("ballast::ui::TransactionImportDialog", "Quote asset")},
        {QStringLiteral("quoteAmount"), QT_TRANSLATE_NOOP("ballast::ui::TransactionImportDialog", "Quote amount")},
        {QStringLiteral("fee"), QT_TRANSLATE_NOOP("ballast::ui::TransactionImportDialog", "Fee")},
        {QStringLiteral("feeAsset"), QT_TRANSLATE_NOOP("ballast::ui::TransactionImportDialog", "Fee asset")},
        {QStringLiteral("externalId"), QT_TRANSLATE_NOOP("ballast::ui::TransactionImportDialog", "External ID")},
        {QStringLiteral("note"), QT_TRANSLATE_NOOP("ballast::ui::TransactionImportDialog", "Note")},
    };
    return TransactionImportDialog::tr(titles.value(field, "?"));
}

/// The header cell that names @p field plainly ("Time", "quantity"), if any.
int guessColumn(const QString &field, const QStringList &header)
{
    for (int i = 0; i < header.size(); ++i) {
        const QString name = header.at(i).trimmed();
        if (name.compare(field, Qt::CaseInsensitive) == 0 || name.compare(fieldTitle(field), Qt::CaseInsensitive) == 0)
            return i;
    }
    return -1;
}

} // namespace

TransactionImportDialog::TransactionImportDialog(AppContext &context, const QStringList &paths, QWidget *parent)
    : QDialog(parent)
    , m_context(context)
{
    qRegisterMetaType<TransactionFilePreview>();
    qRegisterMetaType<TransactionImportRun>();
    setWindowTitle(tr("Import Transactions"));
    setObjectName(QStringLiteral("transactionImportDialog"));
    resize(1120, 780);

    auto *intro = new QLabel(tr("Choose the files, the account they belong to and how to read them. Check shows what "
                                "would be stored without storing anything; Import then stores each file whole, or "
                                "nothing from it when one of its rows is refused."),
                             this);
    intro->setWordWrap(true);

    m_files = new QListWidget(this);
    m_files->setObjectName(QStringLiteral("files"));
    m_files->setAccessibleName(tr("Files to import"));
    m_addFiles = new QPushButton(tr("&Add Files…"), this);
    m_removeFile = new QPushButton(tr("&Leave Out"), this);
    m_removeFile->setObjectName(QStringLiteral("removeFile"));
    auto *fileButtons = new QHBoxLayout;
    fileButtons->addWidget(m_addFiles);
    fileButtons->addWidget(m_removeFile);
    fileButtons->addStretch();

    m_account = new QComboBox(this);
    m_account->setObjectName(QStringLiteral("account"));
    m_account->setAccessibleName(tr("Account"));
    if (auto accounts = context.queries().accounts()) {
        for (const auto &account : *accounts)
            m_account->addItem(account.name, account.name);
    }
    m_network = new QLineEdit(this);
    m_network->setObjectName(QStringLiteral("network"));
    m_network->setAccessibleName(tr("Network"));
    m_network->setPlaceholderText(tr("optional: set on rows without a network"));
    m_format = new QComboBox(this);
    m_format->setObjectName(QStringLiteral("format"));
    m_format->setAccessibleName(tr("Format"));
    m_format->addItem(tr("Detect the exchange export"), QString());
    m_format->addItem(tr("Binance export"), QStringLiteral("binance"));
    m_format->addItem(tr("Kraken export"), QStringLiteral("kraken"));
    m_format->addItem(tr("Coinbase export"), QStringLiteral("coinbase"));
    m_format->addItem(tr("Any CSV: map the columns"), QStringLiteral("mapping"));
    auto *settings = new QFormLayout;
    settings->addRow(tr("A&ccount:"), m_account);
    settings->addRow(tr("&Network:"), m_network);
    settings->addRow(tr("&Format:"), m_format);

    // The mapping editor: one column per field, then how times, kinds and numbers are written.
    m_mappingBox = new QGroupBox(tr("Column mapping"), this);
    auto *grid = new QGridLayout(m_mappingBox);
    const QStringList fields = imports::ColumnMapping::fieldNames();
    for (int i = 0; i < fields.size(); ++i) {
        auto *combo = new QComboBox(m_mappingBox);
        combo->setObjectName(QStringLiteral("column_") + fields.at(i));
        combo->setAccessibleName(tr("Column of %1").arg(fieldTitle(fields.at(i))));
        combo->addItem(tr("(not in the file)"), QString());
        m_columns.insert(fields.at(i), combo);
        auto *label = new QLabel(fieldTitle(fields.at(i)) + QLatin1Char(':'), m_mappingBox);
        label->setBuddy(combo);
        grid->addWidget(label, i / 3, (i % 3) * 2);
        grid->addWidget(combo, i / 3, (i % 3) * 2 + 1);
        connect(combo, &QComboBox::currentIndexChanged, this, &TransactionImportDialog::optionsChanged);
    }
    const int extras = static_cast<int>((fields.size() + 2) / 3);
    m_timeFormat = new QComboBox(m_mappingBox);
    m_timeFormat->setObjectName(QStringLiteral("timeFormat"));
    m_timeFormat->setEditable(true);
    m_timeFormat->addItems({QStringLiteral("auto"), QStringLiteral("unix"), QStringLiteral("unix_ms"),
                            QStringLiteral("yyyy-MM-dd HH:mm:ss"), QStringLiteral("dd.MM.yyyy HH:mm:ss"),
                            QStringLiteral("MM/dd/yyyy HH:mm")});
    m_timeZone = new QLineEdit(QStringLiteral("UTC"), m_mappingBox);
    m_timeZone->setObjectName(QStringLiteral("timeZone"));
    m_timeZone->setPlaceholderText(tr("UTC, +02:00 or Europe/Berlin"));
    m_defaultKind = new QComboBox(m_mappingBox);
    m_defaultKind->setObjectName(QStringLiteral("defaultKind"));
    m_defaultKind->setEditable(true);
    m_defaultKind->addItem(QString());
    m_defaultKind->addItems(imports::ColumnMapping::kindNames());
    m_defaultQuote = new QLineEdit(m_mappingBox);
    m_defaultQuote->setObjectName(QStringLiteral("defaultQuote"));
    m_defaultQuote->setPlaceholderText(tr("for trades without a quote column"));
    m_defaultFeeAsset = new QLineEdit(m_mappingBox);
    m_defaultFeeAsset->setObjectName(QStringLiteral("defaultFeeAsset"));
    m_defaultFeeAsset->setPlaceholderText(tr("for fees without a fee asset column"));
    m_decimalComma = new QCheckBox(tr("Decimal &comma (1234,5)"), m_mappingBox);
    m_decimalComma->setObjectName(QStringLiteral("decimalComma"));
    m_skipLines = new QSpinBox(m_mappingBox);
    m_skipLines->setObjectName(QStringLiteral("skipLines"));
    m_skipLines->setRange(0, 50);
    m_kinds = new QPlainTextEdit(m_mappingBox);
    m_kinds->setObjectName(QStringLiteral("kinds"));
    m_kinds->setAccessibleName(tr("Kinds: one \"cell value = kind\" a line"));
    m_kinds->setPlaceholderText(tr("One a line, cell value = kind, e.g.\nBuy = buy\nStaking Reward = income:staking"));
    m_kinds->setFixedHeight(m_kinds->fontMetrics().lineSpacing() * 4 + 12);
    auto addPair = [&](int row, int column, const QString &text, QWidget *widget) {
        auto *label = new QLabel(text, m_mappingBox);
        label->setBuddy(widget);
        grid->addWidget(label, row, column);
        grid->addWidget(widget, row, column + 1);
    };
    addPair(extras, 0, tr("Time format:"), m_timeFormat);
    addPair(extras, 2, tr("Time zone:"), m_timeZone);
    addPair(extras, 4, tr("Lines above the header:"), m_skipLines);
    addPair(extras + 1, 0, tr("Default kind:"), m_defaultKind);
    addPair(extras + 1, 2, tr("Default quote:"), m_defaultQuote);
    addPair(extras + 1, 4, tr("Default fee asset:"), m_defaultFeeAsset);
    addPair(extras + 2, 0, tr("Kinds:"), m_kinds);
    grid->addWidget(m_decimalComma, extras + 2, 2, 1, 2, Qt::AlignTop);
    for (int column = 1; column < 6; column += 2)
        grid->setColumnStretch(column, 1);

    m_previewStatus = new QLabel(this);
    m_previewStatus->setObjectName(QStringLiteral("previewStatus"));
    m_previewStatus->setWordWrap(true);
    m_previewStatus->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_preview = new QTableWidget(0, PreviewColumnCount, this);
    m_preview->setObjectName(QStringLiteral("preview"));
    m_preview->setAccessibleName(tr("First rows as read"));
    m_preview->setHorizontalHeaderLabels(
        {tr("Line"), tr("Time (UTC)"), tr("Kind"), tr("Asset"), tr("Quantity"), tr("Price"), tr("Fee"), tr("Problem")});
    m_preview->verticalHeader()->setVisible(false);
    m_preview->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_preview->horizontalHeader()->setStretchLastSection(true);
    m_preview->setWordWrap(false);

    auto *left = new QWidget(this);
    auto *leftLayout = new QVBoxLayout(left);
    leftLayout->setContentsMargins(0, 0, 0, 0);
    leftLayout->addWidget(m_files, 1);
    leftLayout->addLayout(fileButtons);
    leftLayout->addLayout(settings);
    auto *right = new QWidget(this);
    auto *rightLayout = new QVBoxLayout(right);
    rightLayout->setContentsMargins(0, 0, 0, 0);
    rightLayout->addWidget(m_mappingBox);
    rightLayout->addWidget(m_previewStatus);
    rightLayout->addWidget(m_preview, 1);
    auto *top = new QSplitter(Qt::Horizontal, this);
    top->addWidget(left);
    top->addWidget(right);
    top->setStretchFactor(0, 1);
    top->setStretchFactor(1, 3);

    m_results = new QTableWidget(0, ResultColumnCount, this);
    m_results->setObjectName(QStringLiteral("results"));
    m_results->setAccessibleName(tr("What each file gives"));
    m_results->setHorizontalHeaderLabels(
        {tr("File"), tr("Format"), tr("Read"), tr("New"), tr("Already stored"), tr("Transfers linked"), tr("Status")});
    m_results->verticalHeader()->setVisible(false);
    m_results->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_results->horizontalHeader()->setStretchLastSection(true);
    m_results->setWordWrap(false);
    const int rowHeight = fontMetrics().height() + 8;
    m_results->verticalHeader()->setDefaultSectionSize(rowHeight);
    m_preview->verticalHeader()->setDefaultSectionSize(rowHeight);

    m_progress = new QProgressBar(this);
    m_progress->setObjectName(QStringLiteral("progress"));
    m_progress->setAccessibleName(tr("Import progress"));
    m_progress->setRange(0, 1);
    m_progress->setValue(0);
    m_progress->setFormat(tr("%v of %m files"));
    m_status = new QLabel(this);
    m_status->setObjectName(QStringLiteral("status"));
    m_status->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);

    auto *buttons = new QDialogButtonBox(this);
    m_check = buttons->addButton(tr("C&heck"), QDialogButtonBox::ActionRole);
    m_check->setObjectName(QStringLiteral("check"));
    m_check->setToolTip(tr("Read every file and count what would be stored; nothing is stored"));
    m_import = buttons->addButton(tr("&Import"), QDialogButtonBox::AcceptRole);
    m_import->setObjectName(QStringLiteral("import"));
    m_close = buttons->addButton(QDialogButtonBox::Close);
    m_close->setObjectName(QStringLiteral("close"));
    connect(m_check, &QPushButton::clicked, this, &TransactionImportDialog::check);
    connect(m_import, &QPushButton::clicked, this, &TransactionImportDialog::startImport);
    connect(m_close, &QPushButton::clicked, this, &TransactionImportDialog::reject);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(intro);
    layout->addWidget(top, 3);
    layout->addWidget(m_results, 1);
    layout->addWidget(m_progress);
    layout->addWidget(m_status);
    layout->addWidget(buttons);

    m_worker = new TransactionImportWorker(context.databasePath(), context.clock());
    m_thread.reset(new QThread);
    m_thread->setObjectName(QStringLiteral("transaction-import"));
    m_worker->moveToThread(m_thread.get());
    connect(m_thread.get(), &QThread::finished, m_worker, &QObject::deleteLater);
    connect(m_worker, &TransactionImportWorker::previewed, this, &TransactionImportDialog::onPreviewed);
    connect(m_worker, &TransactionImportWorker::fileStarted, this, &TransactionImportDialog::onFileStarted);
    connect(m_worker, &TransactionImportWorker::fileDone, this, &TransactionImportDialog::onFileDone);
    connect(m_worker, &TransactionImportWorker::finished, this, &TransactionImportDialog::onFinished);
    m_thread->start();

    m_previewTimer = new QTimer(this);
    m_previewTimer->setSingleShot(true);
    m_previewTimer->setInterval(200); // a pause in typing, not a synchronisation
    connect(m_previewTimer, &QTimer::timeout, this, &TransactionImportDialog::requestPreview);

    connect(m_addFiles, &QPushButton::clicked, this, &TransactionImportDialog::chooseFiles);
    connect(m_removeFile, &QPushButton::clicked, this, &TransactionImportDialog::removeSelected);
    connect(m_files, &QListWidget::currentRowChanged, this, [this] { m_previewTimer->start(); });
    connect(m_account, &QComboBox::currentIndexChanged, this, &TransactionImportDialog::optionsChanged);
    connect(m_network, &QLineEdit::textChanged, this, &TransactionImportDialog::optionsChanged);
    connect(m_format, &QComboBox::currentIndexChanged, this, &TransactionImportDialog::formatChanged);
    connect(m_timeFormat, &QComboBox::currentTextChanged, this, &TransactionImportDialog::optionsChanged);
    connect(m_defaultKind, &QComboBox::currentTextChanged, this, &TransactionImportDialog::optionsChanged);
    for (QLineEdit *edit : {m_timeZone, m_defaultQuote, m_defaultFeeAsset})
        connect(edit, &QLineEdit::textChanged, this, &TransactionImportDialog::optionsChanged);
    connect(m_kinds, &QPlainTextEdit::textChanged, this, &TransactionImportDialog::optionsChanged);
    connect(m_decimalComma, &QCheckBox::toggled, this, &TransactionImportDialog::optionsChanged);
    connect(m_skipLines, &QSpinBox::valueChanged, this, &TransactionImportDialog::optionsChanged);
    connect(&context, &AppContext::executingChanged, this, &TransactionImportDialog::updateActions);

    formatChanged();
    addPaths(paths);
}

TransactionImportDialog::~TransactionImportDialog()
{
    if (m_worker)
        m_worker->cancel();
    // The thread is waited for as m_thread goes, within this call.
    if (m_running)
        m_context.endBackgroundWrite();
}

void TransactionImportDialog::addPaths(const QStringList &paths)
{
    for (const QString &path : paths) {
        if (m_paths.contains(path))
            continue;
        m_paths.append(path);
        auto *item = new QListWidgetItem(QFileInfo(path).fileName(), m_files);
        item->setToolTip(path);
    }
    if (m_files->currentRow() < 0 && m_files->count() > 0)
        m_files->setCurrentRow(0);
    optionsChanged();
}

void TransactionImportDialog::chooseFiles()
{
    QSettings settings;
    const QStringList chosen = QFileDialog::getOpenFileNames(
        this, tr("Import Transactions"), settings.value(QStringLiteral("import/transactionsDirectory")).toString(),
        tr("CSV files (*.csv *.txt);;All files (*)"));
    if (chosen.isEmpty())
        return;
    settings.setValue(QStringLiteral("import/transactionsDirectory"), QFileInfo(chosen.first()).absolutePath());
    addPaths(chosen);
}

void TransactionImportDialog::removeSelected()
{
    const int row = m_files->currentRow();
    if (row < 0 || m_running)
        return;
    m_paths.removeAt(row);
    delete m_files->takeItem(row);
    optionsChanged();
}

std::optional<imports::ColumnMapping> TransactionImportDialog::mapping() const
{
    if (m_format->currentData().toString() != QLatin1String("mapping"))
        return std::nullopt;
    imports::ColumnMapping mapping;
    for (auto it = m_columns.cbegin(); it != m_columns.cend(); ++it) {
        const QString column = it.value()->currentData().toString();
        if (!column.isEmpty())
            mapping.columns.insert(it.key(), column);
    }
    mapping.timeFormat = m_timeFormat->currentText().trimmed();
    mapping.timeZone = m_timeZone->text().trimmed();
    const QStringList lines = m_kinds->toPlainText().split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    for (const QString &line : lines) {
        const qsizetype equals = line.lastIndexOf(QLatin1Char('='));
        if (equals <= 0)
            continue; // shown as not understood by the preview of its rows
        mapping.kinds.insert(line.left(equals).trimmed(), line.mid(equals + 1).trimmed());
    }
    mapping.defaultKind = m_defaultKind->currentText().trimmed();
    mapping.defaultQuote = m_defaultQuote->text().trimmed().toUpper();
    mapping.defaultFeeAsset = m_defaultFeeAsset->text().trimmed().toUpper();
    mapping.decimalComma = m_decimalComma->isChecked();
    mapping.skipLines = m_skipLines->value();
    return mapping;
}

services::ImportOptions TransactionImportDialog::options() const
{
    services::ImportOptions options;
    options.account = m_account->currentData().toString();
    options.network = m_network->text().trimmed();
    options.mapping = mapping();
    if (!options.mapping)
        options.format = m_format->currentData().toString();
    return options;
}

void TransactionImportDialog::formatChanged()
{
    m_mappingBox->setVisible(m_format->currentData().toString() == QLatin1String("mapping"));
    optionsChanged();
}

void TransactionImportDialog::optionsChanged()
{
    // What was checked no longer matches what would be imported.
    if (!m_done) {
        m_checked = false;
        m_reports.clear();
        m_failure.clear();
        fillResults();
    }
    m_previewTimer->start();
    updateActions();
}

void TransactionImportDialog::requestPreview()
{
    const int row = m_files->currentRow();
    ++m_previewRequest;
    if (row < 0 || row >= m_paths.size()) {
        m_preview->setRowCount(0);
        m_previewStatus->setText(tr("Add the files to import."));
        return;
    }
    m_previewStatus->setText(tr("Reading %1…").arg(QFileInfo(m_paths.at(row)).fileName()));
    TransactionImportWorker *worker = m_worker;
    const int request = m_previewRequest;
    const QString path = m_paths.at(row);
    const services::ImportOptions options = this->options();
    QMetaObject::invokeMethod(
        m_worker, [worker, request, path, options] { worker->preview(request, path, options); }, Qt::QueuedConnection);
}

void TransactionImportDialog::fillHeader(const QStringList &header)
{
    if (header == m_header)
        return;
    m_header = header;
    for (auto it = m_columns.cbegin(); it != m_columns.cend(); ++it) {
        QComboBox *combo = it.value();
        const QString chosen = combo->currentData().toString();
        combo->blockSignals(true);
        while (combo->count() > 1)
            combo->removeItem(1);
        for (const QString &column : header)
            combo->addItem(column, column);
        int index = combo->findData(chosen);
        if (index < 0 || chosen.isEmpty()) {
            const int guessed = guessColumn(it.key(), header);
            index = guessed >= 0 ? guessed + 1 : 0;
        }
        combo->setCurrentIndex(index);
        combo->blockSignals(false);
    }
    // The guesses change the mapping: read the file through it.
    m_previewTimer->start();
}

void TransactionImportDialog::onPreviewed(const TransactionFilePreview &preview)
{
    if (preview.request != m_previewRequest)
        return; // an older request; a newer one is on its way
    if (preview.format == QLatin1String("mapping"))
        fillHeader(preview.header);
    const QLocale locale;
    m_preview->setRowCount(static_cast<int>(preview.rows.size()));
    for (int i = 0; i < preview.rows.size(); ++i) {
        const imports::PreviewRow &row = preview.rows.at(i);
        const auto right = Qt::AlignRight | Qt::AlignVCenter;
        m_preview->setItem(i, PLine, cell(row.line > 0 ? locale.toString(row.line) : QStringLiteral("–"), right));
        if (row.transaction) {
            const domain::Transaction &tx = *row.transaction;
            m_preview->setItem(
                i, PTime, cell(tx.time.toTimeZone(QTimeZone::utc()).toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"))));
            QString kind = domain::kindName(tx.kind);
            if (tx.kind == domain::TransactionKind::Trade)
                kind = tx.side == domain::Side::Buy ? tr("buy") : tr("sell");
            m_preview->setItem(i, PKind, cell(kind));
            m_preview->setItem(i, PAsset, cell(tx.quote.isEmpty() ? tx.asset : tx.asset + QLatin1Char('/') + tx.quote));
            m_preview->setItem(i, PQuantity, cell(decimalText(tx.quantity), right));
            m_preview->setItem(i, PPrice, cell(tx.price.isZero() ? QString() : decimalText(tx.price), right));
            m_preview->setItem(
                i, PFee,
                cell(tx.fee.isZero() ? QString() : decimalText(tx.fee) + QLatin1Char(' ') + tx.feeAsset, right));
            m_preview->setItem(i, PProblem, cell(QString()));
        } else {
            for (int column = PTime; column < PProblem; ++column)
                m_preview->setItem(i, column, cell(QString()));
            // The message names the file; the table is about one file already.
            QString why = row.error;
            if (why.startsWith(preview.path + QStringLiteral(": ")))
                why.remove(0, preview.path.size() + 2);
            auto *problem = cell(why);
            problem->setForeground(errorText());
            problem->setToolTip(row.error);
            m_preview->setItem(i, PProblem, problem);
        }
    }
    if (!preview.fileError.isEmpty()) {
        m_previewStatus->setText(tr("Cannot be read: %1").arg(preview.fileError));
        m_previewStatus->setStyleSheet(QStringLiteral("color: #b3261e;"));
    } else {
        m_previewStatus->setStyleSheet(QString());
        const QString name = QFileInfo(preview.path).fileName();
        if (preview.errorCount > 0) {
            m_previewStatus->setText(tr("%1 (%2): %3 of the first %4 rows are refused; the file cannot be imported "
                                        "until the mapping or the file is fixed.")
                                         .arg(name, preview.format, locale.toString(preview.errorCount),
                                              locale.toString(preview.rows.size())));
            m_previewStatus->setStyleSheet(QStringLiteral("color: #b3261e;"));
        } else {
            m_previewStatus->setText(tr("%1 (%2): the first %n row(s) as they will be stored.", nullptr,
                                        static_cast<int>(preview.rows.size()))
                                         .arg(name, preview.format));
        }
    }
    emit previewReady();
}

QString TransactionImportDialog::blockingProblem() const
{
    if (m_paths.isEmpty())
        return tr("No files to import.");
    if (m_account->currentIndex() < 0)
        return tr("Add an account first: the transactions go to one account.");
    if (m_context.isExecuting())
        return tr("An execution is running: import when it has ended.");
    if (m_running)
        return tr("Working…");
    if (m_done)
        return tr("Imported.");
    if (!m_checked)
        return tr("Press Check first: it shows what would be stored.");
    int added = 0;
    for (const auto &report : m_reports)
        added += report.error.isEmpty() ? report.added : 0;
    if (added == 0)
        return tr("Nothing new to import.");
    return {};
}

void TransactionImportDialog::updateActions()
{
    const QString problem = blockingProblem();
    m_import->setEnabled(problem.isEmpty());
    m_import->setToolTip(problem);
    const bool canRun =
        !m_running && !m_done && !m_paths.isEmpty() && m_account->currentIndex() >= 0 && !m_context.isExecuting();
    m_check->setEnabled(canRun);
    m_addFiles->setEnabled(!m_running && !m_done);
    m_removeFile->setEnabled(!m_running && !m_done && m_files->currentRow() >= 0);
    m_close->setText(m_running ? tr("Cancel") : tr("Close"));
    if (!m_failure.isEmpty()) {
        m_status->setText(m_failure);
        m_status->setStyleSheet(QStringLiteral("color: #b3261e;"));
    } else if (!m_running && !m_done && !m_checked) {
        m_status->setStyleSheet(QString());
        m_status->setText(problem);
    }
}

void TransactionImportDialog::check()
{
    startRun(true);
}

void TransactionImportDialog::startImport()
{
    if (!blockingProblem().isEmpty())
        return;
    startRun(false);
}

void TransactionImportDialog::startRun(bool dryRun)
{
    if (m_running || m_done || m_paths.isEmpty() || m_context.isExecuting())
        return;
    services::ImportOptions options = this->options();
    options.dryRun = dryRun;
    QStringList files = m_paths;
    if (!dryRun) {
        // Refused files would be refused again: only those the check passed are stored.
        files.clear();
        for (const auto &report : std::as_const(m_reports)) {
            if (report.error.isEmpty() && report.added > 0)
                files.append(report.file);
        }
    }
    m_running = true;
    m_failure.clear();
    // A dry run writes and rolls back: it holds the write lock like an import.
    m_context.beginBackgroundWrite(dryRun ? tr("A transaction import is being checked")
                                          : tr("A transaction import is running"));
    m_progress->setRange(0, static_cast<int>(files.size()));
    m_progress->setValue(0);
    m_status->setStyleSheet(QString());
    m_status->setText(dryRun ? tr("Checking…") : tr("Importing…"));
    updateActions();
    ++m_runRequest;
    TransactionImportWorker *worker = m_worker;
    const int request = m_runRequest;
    QMetaObject::invokeMethod(
        m_worker, [worker, request, options, files] { worker->run(request, options, files); }, Qt::QueuedConnection);
}

void TransactionImportDialog::onFileStarted(int request, int index, int count, const QString &path)
{
    if (request != m_runRequest)
        return;
    m_status->setText(tr("Reading %1 (%2 of %3)…")
                          .arg(QFileInfo(path).fileName(), QLocale().toString(index + 1), QLocale().toString(count)));
}

void TransactionImportDialog::onFileDone(int request, int index, int count)
{
    if (request != m_runRequest)
        return;
    m_progress->setRange(0, count);
    m_progress->setValue(index + 1);
}

void TransactionImportDialog::onFinished(const TransactionImportRun &run)
{
    if (run.request != m_runRequest)
        return;
    if (m_running)
        m_context.endBackgroundWrite();
    m_running = false;
    const QLocale locale;
    if (!run.error.isEmpty()) {
        m_failure = tr("Nothing was stored. %1").arg(run.error);
        m_reports.clear();
        fillResults();
        updateActions();
        if (run.dryRun)
            emit checkFinished();
        else
            emit importFinished();
        return;
    }
    int added = 0;
    int duplicates = 0;
    int refused = 0;
    for (const auto &report : run.reports) {
        if (!report.error.isEmpty()) {
            ++refused;
            continue;
        }
        added += report.added;
        duplicates += report.duplicates;
    }
    if (run.dryRun) {
        m_reports = run.reports;
        m_checked = !run.cancelled;
        fillResults();
        QString text = tr("Check: %1 new transaction(s) would be stored, %2 are stored already.")
                           .arg(locale.toString(added), locale.toString(duplicates));
        if (refused > 0)
            text += QLatin1Char(' ') + tr("%n file(s) refused: nothing from them will be stored.", nullptr, refused)
                + refusals(run.reports);
        m_status->setText(text);
        m_status->setStyleSheet(refused > 0 ? QStringLiteral("color: #b3261e;") : QString());
        updateActions();
        emit checkFinished();
        return;
    }
    // The import: the reports replace those of the check for the files stored.
    for (const auto &report : run.reports) {
        for (auto &shown : m_reports) {
            if (shown.file == report.file)
                shown = report;
        }
    }
    m_done = !run.cancelled;
    fillResults();
    QString text =
        tr("Imported %1 new transaction(s) from %n file(s).", nullptr, static_cast<int>(run.reports.size() - refused))
            .arg(locale.toString(added));
    if (refused > 0)
        text += QLatin1Char(' ') + tr("%n file(s) refused: nothing from them was stored.", nullptr, refused)
            + refusals(run.reports);
    if (run.cancelled)
        text += QLatin1Char(' ') + tr("Cancelled: the files after the last one done were not imported.");
    m_status->setText(text);
    m_status->setStyleSheet(refused > 0 ? QStringLiteral("color: #b3261e;") : QString());
    m_progress->setValue(m_progress->maximum());
    updateActions();
    m_context.notifyLedgerChanged();
    m_context.showStatus(text);
    emit importFinished();
}

void TransactionImportDialog::fillResults()
{
    const QLocale locale;
    const auto right = Qt::AlignRight | Qt::AlignVCenter;
    m_results->setRowCount(static_cast<int>(m_reports.size()));
    for (int i = 0; i < m_reports.size(); ++i) {
        const services::FileImportReport &report = m_reports.at(i);
        auto *name = cell(QFileInfo(report.file).fileName());
        name->setToolTip(report.file);
        m_results->setItem(i, RFile, name);
        m_results->setItem(i, RFormat, cell(report.format));
        m_results->setItem(i, RRead, cell(locale.toString(report.transactions), right));
        m_results->setItem(i, RNew, cell(locale.toString(report.added), right));
        m_results->setItem(i, RDuplicates, cell(locale.toString(report.duplicates), right));
        m_results->setItem(i, RLinked, cell(locale.toString(report.linkedTransfers), right));
        QTableWidgetItem *status = nullptr;
        if (!report.error.isEmpty()) {
            // The file column names the file: the cell starts at the line.
            QString why = report.error;
            if (why.startsWith(report.file + QStringLiteral(": ")))
                why.remove(0, report.file.size() + 2);
            status = cell(tr("Refused, nothing stored: %1").arg(why));
            status->setForeground(errorText());
            status->setToolTip(report.error);
        } else {
            QString text = m_done ? tr("Stored") : tr("Ready");
            if (!report.warnings.isEmpty())
                text += QStringLiteral(" · ") + report.warnings.join(QStringLiteral(" · "));
            status = cell(text);
            status->setToolTip(report.warnings.join(QLatin1Char('\n')));
        }
        m_results->setItem(i, RStatus, status);
    }
}

void TransactionImportDialog::reject()
{
    if (m_running) {
        m_worker->cancel();
        m_status->setText(tr("Cancelling after the current file…"));
        return;
    }
    QDialog::reject();
}

} // namespace ballast::ui
