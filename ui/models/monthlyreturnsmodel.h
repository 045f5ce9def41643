#pragma once

#include "analytics/performance.h"

#include <QAbstractTableModel>
#include <QColor>
#include <QList>

#include <array>
#include <optional>

namespace ballast::ui {

/// Monthly time-weighted returns as a year x month table with a year total,
/// coloured like a heat map: green for gains, red for losses, deeper the
/// larger the return (full colour at 20 % a month).
class MonthlyReturnsModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    /// Jan..Dec are 0..11; Year chains the months of the row.
    enum Column { Jan, Feb, Mar, Apr, May, Jun, Jul, Aug, Sep, Oct, Nov, Dec, Year, ColumnCount };
    /// The return as a double (invalid for a month without days).
    static constexpr int RawValueRole = Qt::UserRole + 1;

    explicit MonthlyReturnsModel(QObject *parent = nullptr);

    void setReturns(const QList<analytics::MonthlyReturn> &months);
    [[nodiscard]] int year(int row) const;
    /// The cell's return; none when the month has no day in the range.
    [[nodiscard]] std::optional<double> value(int row, int column) const;

    /// The heat-map colour of @p fraction over @p base (the view's background).
    [[nodiscard]] static QColor heatColour(double fraction, const QColor &base);
    /// Black or white, whichever reads better on @p background.
    [[nodiscard]] static QColor textColourOn(const QColor &background);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    struct Row
    {
        int year = 0;
        std::array<std::optional<double>, 12> months;
        std::array<int, 12> days{};
        double total = 0;
    };
    QList<Row> m_rows;
    QColor m_base{Qt::white};
};

} // namespace ballast::ui
