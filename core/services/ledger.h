#pragma once

#include "common/clock.h"
#include "common/result.h"
#include "domain/account.h"
#include "domain/holding.h"
#include "domain/portfolio.h"
#include "domain/pricepoint.h"
#include "domain/valuation.h"
#include "market/importoptions.h"
#include "market/importreport.h"
#include "rebalance/planner.h"
#include "rebalance/snapshot.h"
#include "services/knownpolicy.h"

#include <QList>

#include <functional>
#include <optional>

namespace ballast::exchange {
class Exchange;
}

namespace ballast::storage {
class Database;
}

namespace ballast::services {

/// What Ledger::initPortfolio did.
struct InitResult
{
    std::optional<domain::Portfolio> created; ///< none: the database already held what was asked for
    std::optional<domain::Portfolio> existing; ///< the portfolio asked for by name, when it was there already
    QList<domain::Portfolio> portfolios; ///< every portfolio afterwards, oldest first
};

/// The person-level operations on the ledger that the CLI and the GUI share:
/// each one is a single transaction that also records the valuation row the
/// change implies, so the equity curve always comes from stored history.
class Ledger
{
public:
    Ledger(storage::Database &db, Clock clock = systemClock());

    /// Creates the first portfolio when there is none (quote currency @p quote).
    Result<domain::Portfolio> init(const QString &portfolioName, const QString &quote);
    /// "init" as a person asks for it. With @p name empty: creates "Main" when
    /// the database holds no portfolio, otherwise changes nothing. With a name:
    /// creates that portfolio beside the others unless it exists; an existing
    /// one with another quote than an explicit @p quote is an error. @p quote
    /// empty means USDT for a new portfolio and no check for an existing one.
    Result<InitResult> initPortfolio(const QString &name, const QString &quote);

    Result<domain::Account> addAccount(const QString &name, const QString &exchange, const QString &baseUrl = {});

    /// Sets positions on an account. On a paper account the paper exchange's
    /// balances move with them (a deposit or withdrawal). Records a sync valuation.
    Status setHoldings(const QString &accountName, const QList<domain::Holding> &holdings);

    /// Stores prices and records a sync valuation of every portfolio.
    Status setPrices(const QList<domain::PricePoint> &points);

    /// Replaces the targets of a portfolio (weights must sum to 1).
    Status setTargets(const QString &portfolioName, const QList<domain::Target> &targets, const domain::Band &band);

    /// Values a portfolio now, or at @p atMs, from stored holdings and prices;
    /// each position's band is the one the policy check applies (a band the
    /// rule or the policy names, else the portfolio's).
    Result<rebalance::Snapshot> snapshot(const QString &portfolioName = {}, qint64 atMs = -1);
    /// The same for the stored @p portfolio, with the bands of @p known when
    /// it is that portfolio's policy (read by the caller; not read again).
    Result<rebalance::Snapshot> snapshot(const domain::Portfolio &portfolio, qint64 atMs, const KnownPolicy &known);

    /// The accounts that can trade, with their markets against @p quote.
    Result<QList<rebalance::Venue>> venues(const QString &quote);

    /// What PlanService::propose would propose now if @p portfolio (its targets and
    /// bands, which need not be the stored ones) were stored: the same
    /// holdings, prices, markets and planner, but nothing is written. For
    /// previews while a person edits targets.
    /// @p known: the portfolio's stored policy when the caller has read it
    /// already (it is not read again); none = read it here.
    Result<rebalance::RebalancePlan> previewPlan(const domain::Portfolio &portfolio, const rebalance::PlanMode &mode,
                                                 const rebalance::PlanConstraints &constraints,
                                                 const KnownPolicy *known = nullptr);

    /// Brings an exchange account up to date from its exchange: balances
    /// replace the account's holdings, markets are cached for planning, prices
    /// of the held assets are stored, and a sync valuation is recorded. One
    /// transaction; nothing changes when any call fails.
    Status sync(const domain::Account &account, exchange::Exchange &exchange);

    /// Imports price history files, all or none (one transaction). The newest
    /// close of each file also becomes the asset's current price (source
    /// "import"), so the paper exchange and valuations use imported history.
    Result<QList<market::ImportReport>> importPrices(const QStringList &paths, const market::ImportOptions &options);

    /// One file of importEach, with its own options.
    struct ImportFile
    {
        QString path;
        market::ImportOptions options;
    };
    /// Imports files each with its own options, all or none (one transaction;
    /// each file nests in it as a savepoint). @p started is called before
    /// file i and may stop the import by returning false (error
    /// "import.cancelled", nothing stored), as may @p proceed after the last
    /// file; @p done after file i is in.
    Result<QList<market::ImportReport>> importEach(const QList<ImportFile> &files,
                                                   const std::function<bool(int index)> &started,
                                                   const std::function<void(int index)> &done,
                                                   const std::function<bool()> &proceed);

    /// Records a valuation of every portfolio at the current time.
    Status recordValuations(domain::Valuation::Kind kind);

    [[nodiscard]] qint64 now() const { return m_clock(); }

private:
    /// @p portfolio with the bands of its rebalancing policy
    /// (RebalancePolicy::withBands): @p known when it is that portfolio's,
    /// else the stored one, read here; unchanged for a portfolio not stored.
    Result<domain::Portfolio> withPolicyBands(const domain::Portfolio &portfolio, const KnownPolicy *known = nullptr);
    /// The valuation of @p banded, whose bands are already the policy's.
    Result<rebalance::Snapshot> valueBanded(const domain::Portfolio &banded, qint64 atMs);
    Result<rebalance::RebalancePlan> planFor(const domain::Portfolio &portfolio, const rebalance::PlanMode &mode,
                                             const rebalance::PlanConstraints &constraints, const KnownPolicy *known);

    storage::Database &m_db;
    Clock m_clock;
};

} // namespace ballast::services
