#pragma once

#include "export/exporttarget.h"

#include <QList>
#include <QWidget>

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

protected:
    [[nodiscard]] AppContext &context() const { return m_context; }

private:
    AppContext &m_context;
};

} // namespace ballast::ui
