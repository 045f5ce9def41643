#pragma once

#include "common/clock.h"
#include "common/result.h"
#include "domain/order.h"
#include "exchange/exchange.h"
#include "money/decimal.h"
#include "rebalance/rebalanceplan.h"

#include <QHash>
#include <QList>
#include <QMetaType>
#include <QSet>
#include <QString>

#include <atomic>
#include <functional>
#include <optional>

namespace ballast::storage {
class Database;
struct JournalEntry;
} // namespace ballast::storage

namespace ballast::execution {

/// Limits and switches for one execution.
struct ExecutionOptions
{
    bool dryRun = false; ///< validate every order, send none
    double maxPriceMove = 0.02; ///< abort before any order if a price moved more than this since the plan
    std::optional<money::Decimal> maxNotional; ///< abort if the plan trades more than this (quote currency)
    qint64 requestWindowMs = 10000; ///< how long a sent order may take to reach the matching engine
    qint64 openOrderWaitMs = 30000; ///< how long to wait for a limit order before cancelling the rest
    qint64 pollIntervalMs = 500;
    int maxAttempts = 3; ///< sends of one order (each only after the previous provably failed)
    qint64 settleMarginMs = 1000; ///< extra wait past a deadline before looking again
    /// "Not found" answers to lookups sent past an order's deadline plus the
    /// margin, settleMarginMs apart, before it counts as never executed and
    /// may be sent again. An exchange can be slow to show an order it has
    /// (hummingbot gives up after three); one or two quick answers prove little.
    int notFoundLooks = 3;
    /// How long to keep fetching an order's fills until they add up to its
    /// filled quantity (in polls of pollIntervalMs); then it is reported as
    /// "fills pending" and reconciliation records the rest.
    qint64 fillWaitMs = 10000;
};

/// Progress of one order, as the GUI and the CLI show it.
struct OrderProgress
{
    int line = 0;
    QString clientOrderId;
    QString account;
    QString symbol;
    domain::Side side = domain::Side::Sell;
    domain::OrderStatus status = domain::OrderStatus::Planned;
    money::Decimal quantity; ///< as sent (after re-sizing)
    money::Decimal filledQuantity;
    money::Decimal filledQuote;
    money::Decimal fee; ///< sum of the fills' fees
    QString feeAsset;
    QString message; ///< rejection reason, re-sizing note, ...
};

/// What an execution did, for the summary a person reads at the end.
struct ExecutionSummary
{
    QString planId;
    bool dryRun = false;
    bool aborted = false; ///< stopped by a guard before any (further) order was sent
    bool resumed = false; ///< the plan had started before (a resume after a crash or an interruption)
    bool cancelled = false; ///< stopped by the person
    QString abortReason;
    QString replanId; ///< a guard tripped on a resume: the new plan proposed for what is left
    QList<OrderProgress> orders;
    int filled = 0;
    int partiallyFilled = 0;
    int rejected = 0;
    int cancelledOrders = 0;
    int unknown = 0; ///< still unknown: reconciliation will settle them
    int notSent = 0; ///< lines still planned: the run stopped before sending them
    /// Orders whose fills are not all in the ledger yet (their trades could not
    /// be read, or did not add up to the filled quantity in time); counted
    /// here and not as filled. `ballast-cli reconcile` records the rest.
    int fillsPending = 0;
    QString failure; ///< the error that stopped the run early, if any
    QStringList messages;

    [[nodiscard]] QString oneLine() const;
    /// False when something is left to do: fills pending, orders unknown,
    /// lines not sent, or the run stopped on an error. (A guard abort, a dry
    /// run and a cancel by the person are complete in this sense.)
    [[nodiscard]] bool complete() const
    {
        return fillsPending == 0 && unknown == 0 && (notSent == 0 || cancelled) && failure.isEmpty();
    }
    /// One line telling the person what to do when the run is not complete.
    [[nodiscard]] QString nextStep() const;
};

/// What reconciliation did at start-up.
struct ReconcileReport
{
    int checked = 0;
    int adopted = 0; ///< found on the exchange and brought up to date
    int notFound = 0; ///< provably never executed: back to planned
    int stillUnknown = 0;
    int fillsAdded = 0;
    int fillsPending = 0; ///< orders whose recorded fills still do not add up to their filled quantity
    QStringList messages;
};

/// Carries out an approved plan: a state machine per order (planned,
/// submitting, open, partially filled, filled, cancelled, rejected, expired,
/// unknown) over a write-ahead journal. Each intent and each state change is
/// committed before the request that depends on it is sent. An unknown
/// outcome is settled by looking the order up by its client id, waiting until
/// the request can no longer execute if it is not found, and looking again;
/// only then is it sent again, with the same id. Sells go first; buys are
/// re-sized to what the sells actually raised. Positions come from fills.
/// Synchronous: it runs on the execution worker's thread.
class Executor
{
public:
    using ExchangeFor = std::function<exchange::Exchange *(qint64 accountId)>;
    using Sleep = std::function<void(qint64 ms)>;
    using Progress = std::function<void(const OrderProgress &)>;
    /// Runs inside the one immediate transaction that claims the plan (with
    /// its intents and the execution row): an error refuses the claim and
    /// nothing is written or sent. services::PlanService checks there that
    /// the plan is not stale and supersedes the other versions of it.
    using ClaimCheck = std::function<Status()>;

    Executor(storage::Database &db, ExchangeFor exchangeFor, Clock clock = systemClock(), Sleep sleep = {});

    /// Executes (or resumes) @p plan. Reconciles the journal first. Every
    /// guard (price move, notional, balances) is checked against current
    /// prices before the first order of a run, also when it resumes a plan;
    /// a guard that trips sends nothing more. The caller holds the
    /// ExecutionLock (services::PlanService takes it).
    Result<ExecutionSummary> execute(const rebalance::RebalancePlan &plan, const ExecutionOptions &options,
                                     const Progress &progress = {}, const std::atomic_bool *cancel = nullptr,
                                     const ClaimCheck &claim = {});

    /// Settles every non-final order in the journal with its exchange.
    Result<ReconcileReport> reconcile(const ExecutionOptions &options = {});

    /// Cancels every open order of @p plan on its exchange.
    Result<int> cancelAll(const QString &planId);

private:
    struct Run;
    Status runLine(Run &run, storage::JournalEntry &entry, const rebalance::PlannedOrder &planned);
    Status send(Run &run, storage::JournalEntry &entry);
    Status settleUnknown(Run &run, storage::JournalEntry &entry, exchange::Exchange &exchange);
    Status waitForFinal(Run &run, storage::JournalEntry &entry, exchange::Exchange &exchange);
    Status adopt(storage::JournalEntry &entry, const domain::Order &order, const QString &detail);
    /// Records every fill of the entry's order (one paged read, retried).
    Result<int> syncFills(Run *run, storage::JournalEntry &entry, exchange::Exchange &exchange, bool retry = true);
    /// Fetches the order's fills until they add up to its filled quantity, a
    /// bounded number of polls; false (and a message) when they still do not.
    Result<bool> collectFills(Run *run, storage::JournalEntry &entry, exchange::Exchange &exchange,
                              const ExecutionOptions &options);
    Status transition(storage::JournalEntry &entry, domain::OrderStatus status, const QString &detail);
    /// The guards over the lines of @p plan still to be sent (all of them on a
    /// first run). Balances are checked on a resume: on a first run a sell the
    /// account cannot cover is rejected by the exchange and the buys are
    /// re-sized to what the sells raised.
    std::optional<QString> checkGuards(const rebalance::RebalancePlan &plan, const ExecutionOptions &options,
                                       const QSet<int> &unsent, bool resumed);
    /// True when the plan was cancelled from elsewhere (another process) meanwhile.
    bool cancelledElsewhere(const QString &planId);
    void resizeBuys(Run &run, QList<storage::JournalEntry> &entries);
    OrderProgress progressOf(const storage::JournalEntry &entry, const QString &message = {});
    void pause(qint64 ms, const std::atomic_bool *cancel);
    /// Runs a read again after a network error or rate limit, a few times with
    /// growing pauses. Reads may be retried; order creation never is.
    template<typename Read>
    auto retried(Run *run, Read &&read) -> decltype(read());

    storage::Database &m_db;
    ExchangeFor m_exchangeFor;
    Clock m_clock;
    Sleep m_sleep;
    QHash<qint64, QString> m_accountNames;
};

} // namespace ballast::execution

Q_DECLARE_METATYPE(ballast::execution::OrderProgress)
Q_DECLARE_METATYPE(ballast::execution::ExecutionSummary)
