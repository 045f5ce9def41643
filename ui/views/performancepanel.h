#pragma once

#include "services/performanceservice.h"

#include <QWidget>

class QLabel;
class QTableView;

namespace ballast::ui {

class DrawdownsModel;
class MonthlyReturnsModel;

/// The dashboard's Performance tab: time-weighted against money-weighted
/// return for the range on show, the monthly returns as a heat map and the
/// drawdown periods of the time-weighted index.
class PerformancePanel : public QWidget
{
    Q_OBJECT

public:
    explicit PerformancePanel(QWidget *parent = nullptr);

    /// Shows @p report; @p rangeName names the range ("1Y", "all").
    void setReport(const services::PerformanceReport &report, const QString &rangeName);
    /// No figures; @p reason says why.
    void clear(const QString &reason);

    [[nodiscard]] MonthlyReturnsModel *monthlyModel() const { return m_monthly; }
    [[nodiscard]] DrawdownsModel *drawdownsModel() const { return m_drawdowns; }
    [[nodiscard]] QTableView *monthlyTable() const { return m_monthlyTable; }
    [[nodiscard]] QTableView *drawdownsTable() const { return m_drawdownsTable; }

private:
    QLabel *addFigure(QLayout *row, const QString &key, const QString &title, const QString &help);

    QLabel *m_range = nullptr;
    QLabel *m_twr = nullptr;
    QLabel *m_irr = nullptr;
    QLabel *m_invested = nullptr;
    QLabel *m_value = nullptr;
    QLabel *m_missing = nullptr;
    QLabel *m_drawdownsTitle = nullptr;
    MonthlyReturnsModel *m_monthly = nullptr;
    DrawdownsModel *m_drawdowns = nullptr;
    QTableView *m_monthlyTable = nullptr;
    QTableView *m_drawdownsTable = nullptr;
};

} // namespace ballast::ui
