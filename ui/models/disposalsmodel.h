#pragma once

#include "services/performanceservice.h"

#include <QAbstractTableModel>

namespace ballast::ui {

/// The disposals of a GainsReport, one row per lot (part) consumed: when and
/// what was disposed of, when it was acquired, proceeds, cost and gain, the
/// holding period and its term.
class DisposalsModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column { Sold, Asset, Account, Quantity, Acquired, Proceeds, Cost, Gain, Days, Term, Kind, ColumnCount };
    /// Unformatted value of a cell (double, qint64 or QString), for sorting.
    static constexpr int RawValueRole = Qt::UserRole + 1;

    explicit DisposalsModel(QObject *parent = nullptr);

    void setReport(const services::GainsReport &report);
    [[nodiscard]] const services::GainsReport &report() const { return m_report; }

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    /// The kind of a disposal in words ("Sale", "Withdrawal", ...).
    static QString kindText(analytics::DisposalKind kind);

private:
    services::GainsReport m_report;
};

} // namespace ballast::ui
