#pragma once

#include "services/performanceservice.h"
#include "views/view.h"

#include <QDate>

class QComboBox;
class QDateEdit;
class QLabel;
class QPushButton;
class QSortFilterProxyModel;
class QSpinBox;
class QTableView;
class QTimer;

namespace ballast::ui {

class CostBasisLoader;
struct CostBasisData;
class DisposalsModel;
class LotsModel;

/// Cost basis and realized gains: the portfolio's cost-basis method and
/// long-term threshold (changing either recomputes every page), the open lots
/// with their unrealized P&L, and the gains report of a year or a range with
/// its totals, exported as the CSV of `ballast-cli gains --out` or as a
/// printable PDF. Everything is computed on a worker from the transactions.
class GainsView : public View
{
    Q_OBJECT

public:
    explicit GainsView(AppContext &context, QWidget *parent = nullptr);
    ~GainsView() override;

    QList<ExportTarget> exportTargets() override;

    /// The report range now chosen (a calendar year or the custom days).
    [[nodiscard]] services::GainsRange range() const;
    /// Chooses a calendar year (added to the list when missing).
    void showYear(int year);
    /// Chooses the custom range from @p from to @p to (inclusive days).
    void showRange(QDate from, QDate to);

    [[nodiscard]] QComboBox *methodBox() const { return m_method; }
    [[nodiscard]] QSpinBox *longTermBox() const { return m_longTerm; }
    [[nodiscard]] QComboBox *periodBox() const { return m_period; }
    [[nodiscard]] LotsModel *lotsModel() const { return m_lots; }
    [[nodiscard]] DisposalsModel *disposalsModel() const { return m_disposals; }
    [[nodiscard]] QLabel *lotsTotalsLabel() const { return m_lotsTotals; }
    [[nodiscard]] QLabel *gainsTotalsLabel() const { return m_gainsTotals; }
    [[nodiscard]] QLabel *errorLabel() const { return m_error; }
    [[nodiscard]] CostBasisLoader *loader() const { return m_loader; }

public slots:
    /// Re-reads the method and threshold and recomputes lots and gains: now
    /// when the page is on show, else when it is next shown.
    void refresh();

private:
    void reload();
    void load();
    void loaded(const CostBasisData &data);
    void chooseMethod(int index);
    void storeLongTermDays();
    void periodChosen();
    void fillYears(int firstYear);
    void updateTotals();
    void exportWith(const ExportTarget &target);
    [[nodiscard]] ExportTarget csvExport();
    [[nodiscard]] ExportTarget pdfExport();
    [[nodiscard]] QString fileStem() const;

    LotsModel *m_lots = nullptr;
    DisposalsModel *m_disposals = nullptr;
    QSortFilterProxyModel *m_lotsProxy = nullptr;
    QSortFilterProxyModel *m_disposalsProxy = nullptr;
    QComboBox *m_method = nullptr;
    QSpinBox *m_longTerm = nullptr;
    QTimer *m_longTermDelay = nullptr;
    QComboBox *m_period = nullptr;
    QDateEdit *m_from = nullptr;
    QDateEdit *m_to = nullptr;
    QTableView *m_lotsTable = nullptr;
    QTableView *m_disposalsTable = nullptr;
    QLabel *m_lotsTotals = nullptr;
    QLabel *m_gainsTotals = nullptr;
    QLabel *m_status = nullptr;
    QLabel *m_error = nullptr;
    QPushButton *m_exportCsv = nullptr;
    QPushButton *m_exportPdf = nullptr;
    CostBasisLoader *m_loader = nullptr;
    int m_firstYear = 0;
    bool m_updating = false; ///< while the page sets its own controls
};

} // namespace ballast::ui
