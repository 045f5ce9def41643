#pragma once

#include "views/view.h"

namespace ballast::ui {

/// The dashboard: allocation, drift, equity curve and key figures.
class DashboardView : public View
{
    Q_OBJECT

public:
    explicit DashboardView(AppContext &context, QWidget *parent = nullptr);
};

} // namespace ballast::ui
