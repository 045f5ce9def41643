#pragma once

#include "export/exporttarget.h"

#include <QList>
#include <QShowEvent>
#include <QWidget>

#include <functional>

class QUndoStack;

namespace ballast::ui {

class AppContext;

/// A page of the main window. Pages read the ledger through the context,
/// refresh on AppContext::ledgerChanged(), and tell the window what File >
/// Export offers while they are on show.
class View : public QWidget
{
    Q_OBJECT

public:
    explicit View(AppContext &context, QWidget *parent = nullptr)
        : QWidget(parent)
        , m_context(context)
    {
    }

    /// The tables (CSV) and charts (PNG) this page exports.
    [[nodiscard]] virtual QList<ExportTarget> exportTargets() { return {}; }
    /// The page's undo stack, made active in the window's undo group while
    /// the page is on show; none for pages without undo.
    [[nodiscard]] virtual QUndoStack *undoStack() const { return nullptr; }
    /// How many loads put through whenShown() have run: a page that reads
    /// only when shown has run none while it was never on show.
    [[nodiscard]] int loadCount() const { return m_loads; }
    /// True while a load waits for the page to be shown: what it shows is
    /// older than the ledger.
    [[nodiscard]] bool isStale() const { return static_cast<bool>(m_pending); }

protected:
    [[nodiscard]] AppContext &context() const { return m_context; }

    /// Runs @p load now when the page is on show, otherwise once, the next
    /// time it is shown (a newer call replaces a pending one). For what a
    /// page reads at length (every transaction, the cost basis, the daily
    /// series): while hidden the page then costs nothing when the window opens
    /// or the ledger changes. Work that the page on show needs and that takes
    /// long still belongs on a worker thread (see AlertMonitor).
    void whenShown(std::function<void()> load)
    {
        if (isVisible()) {
            m_pending = nullptr;
            ++m_loads;
            load();
        } else {
            m_pending = std::move(load);
        }
    }
    /// Runs the load whenShown() put off, now, for work of the page's own
    /// that needs what it reads (the Accounts page's Sync all).
    void loadIfStale()
    {
        if (m_pending) {
            const std::function<void()> load = std::move(m_pending);
            m_pending = nullptr;
            ++m_loads;
            load();
        }
    }

    void showEvent(QShowEvent *event) override
    {
        QWidget::showEvent(event);
        loadIfStale();
    }

private:
    AppContext &m_context;
    std::function<void()> m_pending; ///< what whenShown() put off until the page is shown
    int m_loads = 0; ///< loads run, see loadCount()
};

} // namespace ballast::ui
