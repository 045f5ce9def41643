// Placeholder page until its work lands.
#include "views/backtestview.h"

#include <QLabel>
#include <QVBoxLayout>

namespace ballast::ui {

BacktestView::BacktestView(AppContext &context, QWidget *parent)
    : View(context, parent)
{
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(new QLabel(tr("Backtest"), this));
}

} // namespace ballast::ui
