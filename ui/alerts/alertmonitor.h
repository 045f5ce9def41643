#pragma once

#include "alerts/alertrules.h"

#include <QFutureWatcher>
#include <QObject>
#include <QSet>
#include <QTimer>

namespace ballast::ui {

class AppContext;

/// Watches the ledger for the conditions of alertrules.h: after every change
/// (debounced) it evaluates them on a worker thread with its own database
/// connection, and raises an alert through the context for each condition
/// that has started to hold since the last evaluation (and an informational
/// one when a high-volatility regime ends).
class AlertMonitor : public QObject
{
    Q_OBJECT

public:
    explicit AlertMonitor(AppContext &context, QObject *parent = nullptr);
    ~AlertMonitor() override;

    void setSettings(const AlertSettings &settings) { m_settings = settings; }
    [[nodiscard]] const AlertSettings &settings() const { return m_settings; }
    /// Keys of the conditions that held at the last evaluation.
    [[nodiscard]] const QSet<QString> &active() const { return m_active; }

public slots:
    /// Evaluates soon (coalescing bursts of changes).
    void schedule();
    /// Evaluates now, on the worker.
    void evaluate();

signals:
    /// An evaluation finished; @p raised alerts were new.
    void evaluated(int raised);

private:
    void finish();

    AppContext &m_context;
    AlertSettings m_settings;
    QTimer m_debounce;
    QFutureWatcher<Result<QList<AlertCondition>>> m_watcher;
    QSet<QString> m_active;
    bool m_again = false;
};

} // namespace ballast::ui
