#pragma once

#include "views/view.h"

class QUndoStack;

namespace ballast::ui {

/// The target weights and bands editor, with allocation models and a live preview.
class TargetsView : public View
{
    Q_OBJECT

public:
    explicit TargetsView(AppContext &context, QWidget *parent = nullptr);

    /// The edits of this page, for Edit > Undo and Redo.
    [[nodiscard]] QUndoStack *undoStack() const { return m_undo; }

private:
    QUndoStack *m_undo = nullptr;
};

} // namespace ballast::ui
