#pragma once

#include "services/performanceservice.h"

#include <QAbstractTableModel>

namespace ballast::ui {

/// The open lots of a LotsReport: what each cost, what it is worth at the
/// latest price, its unrealized P&L and how long it has been held.
class LotsModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column {
        Asset,
        Account,
        Network,
        Quantity,
        Acquired,
        Cost,
        Value,
        Unrealized,
        UnrealizedPercent,
        Days,
        Term,
        ColumnCount
    };
    /// Unformatted value of a cell (double, qint64 or QString), for sorting.
    static constexpr int RawValueRole = Qt::UserRole + 1;

    explicit LotsModel(QObject *parent = nullptr);

    void setReport(const services::LotsReport &report);
    [[nodiscard]] const services::LotsReport &report() const { return m_report; }

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    [[nodiscard]] bool priced(const analytics::LotPnl &lot) const;

    services::LotsReport m_report;
};

} // namespace ballast::ui
