#pragma once

#include "alert.h"
#include "views/view.h"

class QCheckBox;
class QComboBox;
class QLabel;
class QSortFilterProxyModel;
class QSystemTrayIcon;
class QTableView;

namespace ballast::ui {

class AlertMonitor;
class AlertsModel;

/// The alerts panel: drift outside bands, volatility regime changes,
/// correlation above its threshold, the falling-asset guard and execution
/// problems, newest first; new ones also appear as tray notifications.
class AlertsView : public View
{
    Q_OBJECT

public:
    explicit AlertsView(AppContext &context, QWidget *parent = nullptr);

    [[nodiscard]] QList<ExportTarget> exportTargets() override;
    [[nodiscard]] AlertsModel *model() const { return m_model; }
    [[nodiscard]] AlertMonitor *monitor() const { return m_monitor; }
    /// Alerts raised since the page was last looked at.
    [[nodiscard]] int unread() const { return m_unread; }

signals:
    /// A desktop notification was shown (or would have been, without a tray).
    void notified(const ballast::ui::Alert &alert);
    void unreadChanged(int unread);

protected:
    void showEvent(QShowEvent *event) override;

private:
    void add(const Alert &alert);
    void updateSummary();

    AlertsModel *m_model = nullptr;
    AlertMonitor *m_monitor = nullptr;
    QSortFilterProxyModel *m_proxy = nullptr;
    QTableView *m_table = nullptr;
    QComboBox *m_kind = nullptr;
    QCheckBox *m_notify = nullptr;
    QLabel *m_summary = nullptr;
    QSystemTrayIcon *m_tray = nullptr;
    int m_unread = 0;
};

} // namespace ballast::ui
