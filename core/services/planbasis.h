#pragma once

#include "common/result.h"
#include "domain/holding.h"
#include "domain/portfolio.h"
#include "services/knownpolicy.h"

#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

namespace ballast::storage {
class Database;
}

namespace ballast::services {

/// What a plan was made from: every holding the portfolio valued (account,
/// asset, network, exact quantity), the portfolio's targets and bands, and the
/// newest execution in the portfolio.
/// Stored with the plan; a plan whose basis no longer matches the ledger is
/// stale and never starts.
struct PlanBasis
{
    QList<domain::Holding> holdings; ///< sorted by account, asset, network; no zero quantities
    qint64 lastExecution = 0; ///< id of the newest real execution, 0 for none
    /// The portfolio's targets and bands ("BTC 0.5 (5pp), ETH 0.5; default
    /// band 5pp"); none in a basis stored before targets were recorded.
    std::optional<QString> targets;

    /// The basis of portfolio @p portfolioId as the ledger holds it now; its
    /// bands are those of @p known when it is that portfolio's policy (read
    /// by the caller), else of the stored policy, read here.
    static Result<PlanBasis> capture(storage::Database &db, qint64 portfolioId, const KnownPolicy *known = nullptr);

    [[nodiscard]] QString toJson() const;
    /// None for text that is not a basis (a plan stored before plans had one).
    static std::optional<PlanBasis> fromJson(const QString &text);

    /// What changed from this basis to @p now, one phrase per change ("BTC on
    /// main went from 1 to 2", "a plan was executed since"); empty when nothing did.
    [[nodiscard]] QStringList changesTo(const PlanBasis &now) const;

    /// True when the bands in force of some asset differ between this basis and @p now.
    [[nodiscard]] bool bandsDiffer(const PlanBasis &now) const;
    /// True when this basis's bands are @p portfolio's own (before any band the policy names).
    [[nodiscard]] bool bandsAre(const domain::Portfolio &portfolio) const;

    bool operator==(const PlanBasis &) const = default;
};

} // namespace ballast::services
