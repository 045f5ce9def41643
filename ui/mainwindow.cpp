#include "mainwindow.h"

#include "models/positionsmodel.h"
#include "storage/ledger.h"

#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QSortFilterProxyModel>
#include <QStatusBar>
#include <QTableView>
#include <QVBoxLayout>

namespace ballast::ui {

MainWindow::MainWindow(storage::Database &db, QWidget *parent)
    : QMainWindow(parent)
    , m_db(db)
    , m_positions(new PositionsModel(this))
{
    setWindowTitle(tr("Ballast"));
    auto *central = new QWidget(this);
    auto *layout = new QVBoxLayout(central);
    m_summary = new QLabel(central);
    QFont big = m_summary->font();
    big.setPointSizeF(big.pointSizeF() * 1.6);
    m_summary->setFont(big);
    m_simulated = new QLabel(tr("SIMULATED: paper exchange and simulated prices"), central);
    m_simulated->setAccessibleName(tr("Simulated data notice"));
    m_simulated->setStyleSheet(QStringLiteral("QLabel { background: #b26b00; color: white; padding: 4px 8px; "
                                              "border-radius: 4px; font-weight: bold; }"));
    auto *proxy = new QSortFilterProxyModel(this);
    proxy->setSourceModel(m_positions);
    proxy->setSortRole(PositionsModel::RawValueRole);
    m_table = new QTableView(central);
    m_table->setModel(proxy);
    m_table->setSortingEnabled(true);
    m_table->sortByColumn(PositionsModel::Value, Qt::DescendingOrder);
    m_table->setAlternatingRowColors(true);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    m_table->setAccessibleName(tr("Holdings by asset"));
    layout->addWidget(m_summary);
    layout->addWidget(m_simulated);
    layout->addWidget(m_table);
    setCentralWidget(central);
    resize(960, 600);
    refresh();
}

void MainWindow::refresh()
{
    auto snapshot = storage::Ledger(m_db).snapshot();
    if (!snapshot) {
        m_summary->setText(snapshot.error().message);
        m_simulated->hide();
        return;
    }
    m_positions->setSnapshot(*snapshot);
    m_summary->setText(tr("Portfolio value: %1 %2")
                           .arg(QLocale().toString(snapshot->totalValue().toDouble(), 'f', 2), snapshot->quote()));
    m_simulated->setVisible(snapshot->isSimulated());
    statusBar()->showMessage(tr("Valued at %1 UTC").arg(snapshot->time().toString(QStringLiteral("yyyy-MM-dd HH:mm"))));
}

} // namespace ballast::ui
