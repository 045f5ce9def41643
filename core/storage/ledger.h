#pragma once

// Transitional: the Ledger moved to the application layer (services/ledger.h,
// ballast::services::Ledger). This alias only keeps the files being rewritten
// for the plan lifecycle (core/execution, the Rebalance page, the CLI's plan
// and execute commands) building until they include services/ledger.h; then
// it goes. It is the one include of services/ under storage/, and lint_layers
// reports it until then.
#include "services/ledger.h"

namespace ballast::storage {
using Ledger = services::Ledger;
}
