#include "prices/pricefetchdialog.h"

#include "appcontext.h"
#include "prices/pricefetcher.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDateEdit>
#include <QDateTime>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QRegularExpression>
#include <QStandardItemModel>
#include <QTimeZone>
#include <QVBoxLayout>

#include <algorithm>

namespace ballast::ui {

PriceFetchDialog::PriceFetchDialog(AppContext &context, PriceFetcher &fetcher, QWidget *parent)
    : QDialog(parent)
    , m_context(context)
    , m_fetcher(fetcher)
{
    setWindowTitle(tr("Fetch Price History"));

    m_source = new QComboBox(this);
    m_source->setObjectName(QStringLiteral("source"));
    m_source->setAccessibleName(tr("Source"));
    m_source->addItem(tr("Binance (klines, USDT)"), QStringLiteral("binance"));
    m_source->addItem(tr("Kraken (OHLC, USD; the most recent 720 bars only)"), QStringLiteral("kraken"));
    m_source->addItem(tr("CoinGecko (daily, USD, with market caps)"), QStringLiteral("coingecko"));
    m_source->setCurrentIndex(std::max(0, m_source->findData(PriceFetcher::defaultSource())));

    m_assets = new QLineEdit(this);
    m_assets->setObjectName(QStringLiteral("assets"));
    m_assets->setAccessibleName(tr("Assets"));
    // The portfolio's assets are read on the fetcher's thread (see onPortfolioAssets).
    m_assets->setPlaceholderText(tr("The portfolio's assets"));
    m_assets->setToolTip(tr("Symbols separated by commas or spaces; empty for the portfolio's assets"));

    m_interval = new QComboBox(this);
    m_interval->setObjectName(QStringLiteral("interval"));
    m_interval->setAccessibleName(tr("Interval"));
    m_interval->addItem(tr("Daily"), QStringLiteral("1d"));
    m_interval->addItem(tr("Hourly"), QStringLiteral("1h"));

    m_sinceFirst = new QCheckBox(tr("Since the portfolio's first transaction"), this);
    m_sinceFirst->setObjectName(QStringLiteral("sinceFirst"));
    m_sinceFirst->setChecked(true);
    m_from = new QDateEdit(this);
    m_from->setObjectName(QStringLiteral("from"));
    m_from->setAccessibleName(tr("First day"));
    m_from->setCalendarPopup(true);
    m_from->setDisplayFormat(QStringLiteral("yyyy-MM-dd"));
    m_from->setDate(QDateTime::fromMSecsSinceEpoch(context.clock()(), QTimeZone::utc()).date().addYears(-1));
    m_from->setEnabled(false);
    connect(m_sinceFirst, &QCheckBox::toggled, this, [this](bool on) { m_from->setEnabled(!on); });
    auto *fromRow = new QHBoxLayout;
    fromRow->addWidget(m_sinceFirst);
    fromRow->addWidget(m_from, 1);

    auto *form = new QFormLayout;
    form->addRow(tr("Source:"), m_source);
    form->addRow(tr("Assets:"), m_assets);
    form->addRow(tr("Interval:"), m_interval);
    form->addRow(tr("From:"), fromRow);

    m_progress = new QProgressBar(this);
    m_progress->setObjectName(QStringLiteral("progress"));
    m_progress->setAccessibleName(tr("Fetch progress"));
    m_progress->setRange(0, 1);
    m_progress->setValue(0);
    m_status = new QLabel(this);
    m_status->setObjectName(QStringLiteral("status"));
    m_status->setWordWrap(true);
    m_report = new QPlainTextEdit(this);
    m_report->setObjectName(QStringLiteral("report"));
    m_report->setAccessibleName(tr("What the fetch did"));
    m_report->setReadOnly(true);
    m_report->setMinimumHeight(120);

    auto *buttons = new QDialogButtonBox(this);
    m_fetch = buttons->addButton(tr("Fetch"), QDialogButtonBox::AcceptRole);
    m_fetch->setObjectName(QStringLiteral("fetchButton"));
    m_cancel = buttons->addButton(tr("Cancel Fetch"), QDialogButtonBox::ActionRole);
    m_cancel->setObjectName(QStringLiteral("cancelButton"));
    m_close = buttons->addButton(QDialogButtonBox::Close);
    connect(m_fetch, &QPushButton::clicked, this, &PriceFetchDialog::startFetch);
    connect(m_cancel, &QPushButton::clicked, this, &PriceFetchDialog::cancelFetch);
    connect(m_close, &QPushButton::clicked, this, &PriceFetchDialog::reject);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(m_progress);
    layout->addWidget(m_status);
    layout->addWidget(m_report, 1);
    layout->addWidget(buttons);

    connect(&m_fetcher, &PriceFetcher::started, this, &PriceFetchDialog::onStarted);
    connect(&m_fetcher, &PriceFetcher::progress, this, &PriceFetchDialog::onProgress);
    connect(&m_fetcher, &PriceFetcher::finished, this, &PriceFetchDialog::onFinished);
    connect(&m_fetcher, &PriceFetcher::portfolioAssetsRead, this, &PriceFetchDialog::onPortfolioAssets);
    connect(m_source, &QComboBox::currentIndexChanged, this, [this] {
        fitIntervalToSource();
        m_fetcher.readPortfolioAssets(m_source->currentData().toString());
    });
    connect(&m_context, &AppContext::executingChanged, this, &PriceFetchDialog::updateControls);
    fitIntervalToSource();
    m_fetcher.readPortfolioAssets(m_source->currentData().toString());
    if (m_fetcher.isBusy())
        m_status->setText(tr("Price history is being fetched in the background; a fetch asked for here starts when "
                             "it ends."));
    updateControls();
    resize(560, 420);
}

PriceFetchDialog::~PriceFetchDialog() = default;

void PriceFetchDialog::fitIntervalToSource()
{
    auto *model = qobject_cast<QStandardItemModel *>(m_interval->model());
    QStandardItem *hourly = model ? model->item(m_interval->findData(QStringLiteral("1h"))) : nullptr;
    if (!hourly)
        return;
    const bool dailyOnly = m_source->currentData().toString() == QLatin1String("coingecko");
    hourly->setEnabled(!dailyOnly);
    hourly->setToolTip(dailyOnly ? tr("CoinGecko's history is daily here: its range endpoint answers hourly points "
                                      "only for the last 90 days")
                                 : QString());
    if (dailyOnly)
        m_interval->setCurrentIndex(m_interval->findData(QStringLiteral("1d")));
}

services::PriceFetchRequest PriceFetchDialog::request() const
{
    services::PriceFetchRequest request;
    request.source = m_source->currentData().toString();
    static const QRegularExpression separators(QStringLiteral("[,;\\s]+"));
    for (const QString &asset : m_assets->text().split(separators, Qt::SkipEmptyParts))
        request.assets << asset.toUpper();
    request.interval = m_interval->currentData().toString();
    if (!m_sinceFirst->isChecked())
        request.fromMs = QDateTime(m_from->date(), QTime(0, 0), QTimeZone::utc()).toMSecsSinceEpoch();
    request.baseUrl = PriceFetcher::baseUrlFor(request.source);
    return request;
}

bool PriceFetchDialog::isBusy() const
{
    return m_ticket != 0;
}

QString PriceFetchDialog::reportText() const
{
    return m_report->toPlainText();
}

QString PriceFetchDialog::statusText() const
{
    return m_status->text();
}

void PriceFetchDialog::startFetch()
{
    const services::PriceFetchRequest wanted = request();
    const PriceFetcher::Admitted admitted = m_fetcher.start(wanted);
    if (admitted.admission == PriceFetcher::Admission::Refused) {
        m_status->setText(admitted.said);
        return;
    }
    m_ticket = admitted.ticket;
    // The source chosen here is the one the refresh after each sync uses.
    PriceFetcher::setDefaultSource(wanted.source);
    m_report->clear();
    m_progress->setRange(0, 0); // busy until the first asset reports
    m_status->setText(admitted.said.isEmpty() ? tr("Asking %1…").arg(m_source->currentText()) : admitted.said);
    updateControls();
}

void PriceFetchDialog::cancelFetch()
{
    if (m_ticket == 0)
        return;
    const bool running = m_fetcher.runningTicket() == m_ticket;
    m_status->setText(running ? tr("Cancelling…") : tr("Taken out of the queue."));
    m_cancel->setEnabled(false);
    m_fetcher.cancel(m_ticket); // a queued one ends here and now (onFinished)
}

void PriceFetchDialog::reject()
{
    // Closing while this dialog's fetch runs cancels it; the dialog closes when it has stopped.
    if (m_ticket != 0) {
        connect(&m_fetcher, &PriceFetcher::finished, this, &QDialog::reject, Qt::SingleShotConnection);
        cancelFetch();
        return;
    }
    QDialog::reject();
}

void PriceFetchDialog::onStarted(int ticket)
{
    if (ticket != m_ticket)
        return;
    m_status->setText(tr("Asking %1…").arg(m_source->currentText()));
}

void PriceFetchDialog::onProgress(const QString &asset, int index, int count, qint64 candles, int ticket)
{
    if (ticket != m_ticket)
        return;
    m_progress->setRange(0, std::max(1, count));
    m_progress->setValue(index);
    m_status->setText(
        tr("%1 (%2 of %3): %4 candle(s) read").arg(asset).arg(index + 1).arg(count).arg(QLocale().toString(candles)));
}

void PriceFetchDialog::onFinished(bool ok, const QString &error, const services::PriceFetchReport &report, int ticket)
{
    if (ticket != m_ticket)
        return;
    m_ticket = 0;
    m_progress->setRange(0, 1);
    if (!ok) {
        m_progress->setValue(0);
        m_status->setText(tr("Nothing was fetched: %1").arg(error));
        m_report->setPlainText(error);
    } else {
        m_progress->setRange(0, std::max<int>(1, static_cast<int>(report.assets.size())));
        m_progress->setValue(report.cancelled ? std::max(0, static_cast<int>(report.assets.size()) - 1)
                                              : static_cast<int>(report.assets.size()));
        m_report->setPlainText(report.summaryLines().join(QLatin1Char('\n')));
        if (report.cancelled)
            m_status->setText(tr("Cancelled: %n candle(s) stored before it.", nullptr, report.storedTotal()));
        else if (report.anyFailed())
            m_status->setText(tr("Done, with failures: %n candle(s) stored.", nullptr, report.storedTotal()));
        else
            m_status->setText(tr("Done: %n candle(s) stored.", nullptr, report.storedTotal()));
    }
    updateControls();
    emit fetchFinished(ok);
}

void PriceFetchDialog::onPortfolioAssets(const QString &source, const QStringList &assets, const QString &error)
{
    if (source != m_source->currentData().toString())
        return; // an answer for the source chosen before
    m_assets->setPlaceholderText(error.isEmpty() && !assets.isEmpty()
                                     ? tr("The portfolio's: %1").arg(assets.join(QStringLiteral(", ")))
                                     : tr("The portfolio's assets"));
}

void PriceFetchDialog::updateControls()
{
    const bool busy = m_ticket != 0;
    m_fetch->setEnabled(!busy && !m_context.isExecuting());
    m_cancel->setEnabled(busy);
    for (QWidget *input : {static_cast<QWidget *>(m_source), static_cast<QWidget *>(m_assets),
                           static_cast<QWidget *>(m_interval), static_cast<QWidget *>(m_sinceFirst)})
        input->setEnabled(!busy);
    m_from->setEnabled(!busy && !m_sinceFirst->isChecked());
}

} // namespace ballast::ui
