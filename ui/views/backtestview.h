#pragma once

#include "views/view.h"

namespace ballast::ui {

/// Backtests of rebalancing rules on stored price history, and their comparison.
class BacktestView : public View
{
    Q_OBJECT

public:
    explicit BacktestView(AppContext &context, QWidget *parent = nullptr);
};

} // namespace ballast::ui
