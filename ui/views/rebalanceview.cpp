// Placeholder page until its work lands.
#include "views/rebalanceview.h"

#include <QLabel>
#include <QVBoxLayout>

namespace ballast::ui {

RebalanceView::RebalanceView(AppContext &context, QWidget *parent)
    : View(context, parent)
{
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(new QLabel(tr("Rebalance"), this));
}

} // namespace ballast::ui
