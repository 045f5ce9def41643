// Placeholder page until its work lands.
#include "views/holdingsview.h"

#include <QLabel>
#include <QVBoxLayout>

namespace ballast::ui {

HoldingsView::HoldingsView(AppContext &context, QWidget *parent)
    : View(context, parent)
{
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(new QLabel(tr("Holdings"), this));
}

} // namespace ballast::ui
