#pragma once

#include "views/view.h"

namespace ballast::ui {

/// Holdings by asset, expandable by account and network.
class HoldingsView : public View
{
    Q_OBJECT

public:
    explicit HoldingsView(AppContext &context, QWidget *parent = nullptr);
};

} // namespace ballast::ui
