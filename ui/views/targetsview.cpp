// Placeholder page until its work lands.
#include "views/targetsview.h"

#include <QLabel>
#include <QUndoStack>
#include <QVBoxLayout>

namespace ballast::ui {

TargetsView::TargetsView(AppContext &context, QWidget *parent)
    : View(context, parent)
{
    m_undo = new QUndoStack(this);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(new QLabel(tr("Targets"), this));
}

} // namespace ballast::ui
