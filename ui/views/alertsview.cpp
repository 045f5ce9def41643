#include "views/alertsview.h"

#include "alerts/alertmonitor.h"
#include "appcontext.h"
#include "models/alertsmodel.h"

#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QSettings>
#include <QSortFilterProxyModel>
#include <QSystemTrayIcon>
#include <QTableView>
#include <QVBoxLayout>

namespace ballast::ui {

namespace {

QString notifyKey()
{
    return QStringLiteral("alerts/notify");
}

} // namespace

AlertsView::AlertsView(AppContext &context, QWidget *parent)
    : View(context, parent)
    , m_model(new AlertsModel(this))
    , m_monitor(new AlertMonitor(context, this))
    , m_proxy(new QSortFilterProxyModel(this))
{
    m_proxy->setSourceModel(m_model);
    m_proxy->setSortRole(AlertsModel::SortRole);
    m_proxy->setFilterKeyColumn(AlertsModel::Kind);

    m_summary = new QLabel(this);
    m_summary->setAccessibleName(tr("Alert summary"));
    m_summary->setWordWrap(true);
    m_summary->setMinimumWidth(200);
    m_kind = new QComboBox(this);
    m_kind->setAccessibleName(tr("Show alerts of kind"));
    m_kind->addItem(tr("All kinds"));
    for (Alert::Kind kind : {Alert::Kind::Drift, Alert::Kind::VolatilityRegime, Alert::Kind::Correlation,
                             Alert::Kind::FallingAsset, Alert::Kind::Execution, Alert::Kind::Rebalance})
        m_kind->addItem(AlertsModel::kindText(kind));
    connect(m_kind, &QComboBox::currentIndexChanged, this,
            [this](int index) { m_proxy->setFilterFixedString(index == 0 ? QString() : m_kind->currentText()); });
    m_notify = new QCheckBox(tr("Desktop notifications"), this);
    m_notify->setAccessibleName(tr("Show new alerts as desktop notifications"));
    m_notify->setChecked(QSettings().value(notifyKey(), true).toBool());
    connect(m_notify, &QCheckBox::toggled, this, [](bool on) { QSettings().setValue(notifyKey(), on); });
    auto *check = new QPushButton(tr("Check Now"), this);
    check->setAccessibleName(tr("Check the alert conditions now"));
    connect(check, &QPushButton::clicked, m_monitor, &AlertMonitor::evaluate);
    auto *clear = new QPushButton(tr("Clear"), this);
    clear->setAccessibleName(tr("Clear the alert list"));
    connect(clear, &QPushButton::clicked, this, [this] {
        m_model->clear();
        updateSummary();
    });

    auto *bar = new QHBoxLayout;
    bar->addWidget(m_summary, 1);
    bar->addWidget(m_kind);
    bar->addWidget(m_notify);
    bar->addWidget(check);
    bar->addWidget(clear);

    m_table = new QTableView(this);
    m_table->setModel(m_proxy);
    m_table->setAccessibleName(tr("Alerts"));
    m_table->setSortingEnabled(true);
    m_table->sortByColumn(AlertsModel::Time, Qt::DescendingOrder);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setAlternatingRowColors(true);
    m_table->setWordWrap(false);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_table->horizontalHeader()->setStretchLastSection(true);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(bar);
    layout->addWidget(m_table, 1);

    if (QSystemTrayIcon::isSystemTrayAvailable()) {
        m_tray = new QSystemTrayIcon(QApplication::windowIcon(), this);
        m_tray->setToolTip(tr("Ballast"));
        m_tray->show();
    }
    connect(&context, &AppContext::alertRaised, this, &AlertsView::add);
    updateSummary();
    m_monitor->schedule();
}

QList<ExportTarget> AlertsView::exportTargets()
{
    return {modelTarget(tr("Alerts as CSV"), QStringLiteral("alerts.csv"), m_proxy)};
}

void AlertsView::showEvent(QShowEvent *event)
{
    View::showEvent(event);
    if (m_unread != 0) {
        m_unread = 0;
        emit unreadChanged(0);
    }
}

void AlertsView::add(const Alert &alert)
{
    m_model->add(alert);
    if (!isVisible()) {
        ++m_unread;
        emit unreadChanged(m_unread);
    }
    updateSummary();
    if (alert.severity == Alert::Severity::Info || !m_notify->isChecked())
        return;
    if (m_tray != nullptr) {
        m_tray->showMessage(tr("Ballast: %1").arg(AlertsModel::kindText(alert.kind)), alert.message,
                            alert.severity == Alert::Severity::Critical ? QSystemTrayIcon::Critical
                                                                        : QSystemTrayIcon::Warning);
    }
    emit notified(alert);
}

void AlertsView::updateSummary()
{
    int critical = 0;
    int warnings = 0;
    for (const Alert &alert : m_model->alerts()) {
        critical += alert.severity == Alert::Severity::Critical ? 1 : 0;
        warnings += alert.severity == Alert::Severity::Warning ? 1 : 0;
    }
    if (m_model->alerts().isEmpty()) {
        m_summary->setText(tr("No alerts. Drift, volatility regimes, correlation, falling assets and execution "
                              "problems are checked after every change."));
        return;
    }
    m_summary->setText(tr("%n alert(s)", nullptr, static_cast<int>(m_model->alerts().size())) + QStringLiteral(" · ")
                       + tr("%n critical", nullptr, critical) + QStringLiteral(" · ")
                       + tr("%n warning(s)", nullptr, warnings));
}

} // namespace ballast::ui
