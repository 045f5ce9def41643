// Placeholder page until its work lands.
#include "views/dashboardview.h"

#include <QLabel>
#include <QVBoxLayout>

namespace ballast::ui {

DashboardView::DashboardView(AppContext &context, QWidget *parent)
    : View(context, parent)
{
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(new QLabel(tr("Dashboard"), this));
}

} // namespace ballast::ui
