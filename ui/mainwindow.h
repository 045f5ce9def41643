#pragma once

#include <QMainWindow>

class QLabel;
class QTableView;

namespace ballast::storage {
class Database;
}

namespace ballast::ui {

class PositionsModel;

/// The main window: assembles the panels; the logic lives in core and panels.
class MainWindow : public QMainWindow
{
    Q_OBJECT

public:
    explicit MainWindow(storage::Database &db, QWidget *parent = nullptr);

    /// Re-reads the ledger and shows the current valuation.
    void refresh();

private:
    storage::Database &m_db;
    PositionsModel *m_positions = nullptr;
    QTableView *m_table = nullptr;
    QLabel *m_summary = nullptr;
    QLabel *m_simulated = nullptr;
};

} // namespace ballast::ui
