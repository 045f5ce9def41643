// Placeholder page until its work lands.
#include "views/alertsview.h"

#include <QLabel>
#include <QVBoxLayout>

namespace ballast::ui {

AlertsView::AlertsView(AppContext &context, QWidget *parent)
    : View(context, parent)
{
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(new QLabel(tr("Alerts"), this));
}

} // namespace ballast::ui
