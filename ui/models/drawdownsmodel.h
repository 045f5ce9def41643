#pragma once

#include "analytics/performance.h"

#include <QAbstractTableModel>
#include <QList>

namespace ballast::ui {

/// The drawdown periods of the time-weighted index: the peak it fell from,
/// the trough, the recovery (or "not recovered"), the depth and the length.
class DrawdownsModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column { Start, Trough, Recovery, Depth, Length, ColumnCount };
    /// Dates as QDate (invalid while not recovered), depth as a fraction, length in days.
    static constexpr int RawValueRole = Qt::UserRole + 1;

    explicit DrawdownsModel(QObject *parent = nullptr);

    /// Deepest first.
    void setPeriods(const QList<analytics::DrawdownPeriod> &periods);
    [[nodiscard]] const QList<analytics::DrawdownPeriod> &periods() const { return m_periods; }

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    QList<analytics::DrawdownPeriod> m_periods;
};

} // namespace ballast::ui
