#pragma once

#include "alert.h"

#include <QAbstractTableModel>
#include <QList>

namespace ballast::ui {

/// The alerts of this session, newest first.
class AlertsModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column { Time, Severity, Kind, Subject, Message, ColumnCount };
    /// Unformatted value for sorting (time in ms, severity and kind as numbers).
    static constexpr int SortRole = Qt::UserRole + 1;

    explicit AlertsModel(QObject *parent = nullptr);

    void add(const Alert &alert);
    void clear();
    [[nodiscard]] const QList<Alert> &alerts() const { return m_alerts; }

    static QString kindText(Alert::Kind kind);
    static QString severityText(Alert::Severity severity);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    QList<Alert> m_alerts;
};

} // namespace ballast::ui
