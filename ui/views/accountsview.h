#pragma once

#include "views/view.h"

namespace ballast::ui {

/// Exchange and wallet accounts: add, test, sync.
class AccountsView : public View
{
    Q_OBJECT

public:
    explicit AccountsView(AppContext &context, QWidget *parent = nullptr);

public slots:
    /// Asks for a new account (paper, Binance or Kraken) and adds it.
    void addAccount();
};

} // namespace ballast::ui
