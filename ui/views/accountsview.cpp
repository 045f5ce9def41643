// Placeholder page until its work lands.
#include "views/accountsview.h"

#include <QLabel>
#include <QVBoxLayout>

namespace ballast::ui {

AccountsView::AccountsView(AppContext &context, QWidget *parent)
    : View(context, parent)
{
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(new QLabel(tr("Accounts"), this));
}

void AccountsView::addAccount() {}

} // namespace ballast::ui
