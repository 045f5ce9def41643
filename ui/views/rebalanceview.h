#pragma once

#include "views/view.h"

namespace ballast::ui {

/// The rebalance plan, its approval and its execution on the worker thread.
class RebalanceView : public View
{
    Q_OBJECT

public:
    explicit RebalanceView(AppContext &context, QWidget *parent = nullptr);
};

} // namespace ballast::ui
