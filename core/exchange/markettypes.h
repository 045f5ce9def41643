#pragma once

// The market value types are plain domain values (storage keeps them too);
// the exchange layer names them as its own.
#include "domain/markettypes.h"

namespace ballast::exchange {

using domain::Balance;
using domain::BalanceSnapshot;
using domain::MarketRules;
using domain::OrderRequest;
using domain::Ticker;

} // namespace ballast::exchange
