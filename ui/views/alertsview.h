#pragma once

#include "views/view.h"

namespace ballast::ui {

/// The alerts panel: drift, regimes, correlation, falling assets, execution problems.
class AlertsView : public View
{
    Q_OBJECT

public:
    explicit AlertsView(AppContext &context, QWidget *parent = nullptr);
};

} // namespace ballast::ui
