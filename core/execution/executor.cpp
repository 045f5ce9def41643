#include "execution/executor.h"

#include "exchange/orderrules.h"
#include "services/ledger.h"
#include "storage/database.h"
#include "storage/journal.h"
#include "storage/planrepo.h"

#include <QHash>
#include <QSet>
#include <QThread>

#include <algorithm>
#include <cmath>

namespace ballast::execution {

using domain::OrderStatus;
using domain::Side;
using exchange::ExchangeError;
using money::Decimal;
using storage::JournalEntry;

namespace {

bool isLive(OrderStatus status)
{
    return status == OrderStatus::Open || status == OrderStatus::PartiallyFilled;
}

bool isInFlight(OrderStatus status)
{
    return status == OrderStatus::Submitting || status == OrderStatus::Unknown;
}

/// Error code of a fill read that failed at the exchange (after retries).
constexpr const char *kFillsRead = "fills.read";
/// Error code of a fill read that did not find the order (not visible yet).
constexpr const char *kFillsNotVisible = "fills.not_visible";

bool isFillReadError(const Error &error)
{
    return error.code == QLatin1String(kFillsRead) || error.code == QLatin1String(kFillsNotVisible);
}

QString percentText(double fraction)
{
    return QString::number(fraction * 100.0, 'f', 2) + QLatin1Char('%');
}

} // namespace

QString ExecutionSummary::oneLine() const
{
    if (aborted)
        return QStringLiteral("aborted before any order: ") + abortReason;
    QString text = QStringLiteral("%1 filled, %2 partially filled, %3 rejected, %4 cancelled")
                       .arg(filled)
                       .arg(partiallyFilled)
                       .arg(rejected)
                       .arg(cancelledOrders);
    if (unknown > 0)
        text += QStringLiteral(", %1 still unknown (reconciliation will settle them)").arg(unknown);
    if (fillsPending > 0)
        text += QStringLiteral(", %1 with fills pending (not all in the ledger yet)").arg(fillsPending);
    if (notSent > 0 && !cancelled)
        text += QStringLiteral(", %1 not sent").arg(notSent);
    if (!failure.isEmpty())
        text += QStringLiteral("; stopped: ") + failure;
    if (cancelled)
        text += QStringLiteral("; cancelled by you");
    if (dryRun)
        text = QStringLiteral("dry run: ") + text;
    return text;
}

QString ExecutionSummary::nextStep() const
{
    if (complete())
        return {};
    QStringList parts;
    if (fillsPending > 0)
        parts.append(QStringLiteral("%1 order(s) have fills not yet recorded").arg(fillsPending));
    if (unknown > 0)
        parts.append(QStringLiteral("%1 order(s) are still unknown").arg(unknown));
    if (notSent > 0 && !cancelled)
        parts.append(QStringLiteral("%1 line(s) were not sent").arg(notSent));
    if (parts.isEmpty())
        parts.append(QStringLiteral("the run stopped early"));
    QString text = QStringLiteral("Not finished: ") + parts.join(QStringLiteral(", "))
        + QStringLiteral("; run `ballast-cli reconcile`");
    if (notSent > 0 && !cancelled)
        text += QStringLiteral(", then `ballast-cli execute %1` to send the rest").arg(planId);
    return text + QLatin1Char('.');
}

struct Executor::Run
{
    const rebalance::RebalancePlan &plan;
    const ExecutionOptions &options;
    const Progress &progress;
    const std::atomic_bool *cancel = nullptr;
    ExecutionSummary summary;
    QSet<QString> fillsPending; ///< client ids whose fills are not all recorded
    bool fillReadsDown = false; ///< the last fill read failed after all its retries
    QHash<int, rebalance::PlannedOrder> planned; ///< by line
    QHash<qint64, QList<exchange::MarketRules>> markets;
    Status journalError; ///< a failed journal write stops the run: nothing more is sent
    bool cancelledElsewhere = false; ///< the plan was cancelled by another process meanwhile

    [[nodiscard]] bool cancelled() const { return (cancel && cancel->load()) || cancelledElsewhere; }
    void check(const Status &written)
    {
        if (!written.ok() && journalError.ok())
            journalError = written;
    }
};

Executor::Executor(storage::Database &db, ExchangeFor exchangeFor, Clock clock, Sleep sleep)
    : m_db(db)
    , m_exchangeFor(std::move(exchangeFor))
    , m_clock(std::move(clock))
    , m_sleep(std::move(sleep))
{
    if (!m_sleep)
        m_sleep = [](qint64 ms) { QThread::msleep(static_cast<unsigned long>(std::max<qint64>(0, ms))); };
}

void Executor::pause(qint64 ms, const std::atomic_bool *cancel)
{
    // In slices, so that a cancel request is seen quickly.
    constexpr qint64 kSlice = 50;
    for (qint64 waited = 0; waited < ms; waited += kSlice) {
        if (cancel && cancel->load())
            return;
        m_sleep(std::min(kSlice, ms - waited));
    }
}

template<typename Read>
auto Executor::retried(Run *run, Read &&read) -> decltype(read())
{
    auto result = read();
    for (int attempt = 1; attempt <= 5 && !result.ok(); ++attempt) {
        const auto kind = result.error().kind;
        if (kind != ExchangeError::Kind::Network && kind != ExchangeError::Kind::RateLimited)
            break;
        if (run && run->cancelled())
            break;
        pause(std::max<qint64>(result.error().retryAfterMs, 250LL * attempt * attempt), run ? run->cancel : nullptr);
        result = read();
    }
    return result;
}

OrderProgress Executor::progressOf(const JournalEntry &entry, const QString &message)
{
    OrderProgress progress;
    progress.account = m_accountNames.value(entry.accountId);
    progress.line = entry.line;
    progress.clientOrderId = entry.clientOrderId;
    progress.symbol = entry.symbol;
    progress.side = entry.side;
    progress.status = entry.status;
    progress.quantity = entry.quantity;
    progress.filledQuantity = entry.filledQuantity;
    progress.filledQuote = entry.filledQuote;
    progress.message = message.isEmpty() ? entry.reason : message;
    if (auto fills = storage::Journal(m_db).fills(entry.clientOrderId)) {
        for (const auto &fill : *fills) {
            progress.fee += fill.fee;
            progress.feeAsset = fill.feeAsset;
        }
    }
    return progress;
}

Status Executor::transition(JournalEntry &entry, OrderStatus status, const QString &detail)
{
    entry.status = status;
    return storage::Journal(m_db).update(entry, detail, m_clock());
}

Status Executor::adopt(JournalEntry &entry, const domain::Order &order, const QString &detail)
{
    if (!order.exchangeOrderId.isEmpty())
        entry.exchangeOrderId = order.exchangeOrderId;
    entry.filledQuantity = order.filledQuantity;
    entry.filledQuote = order.filledQuote;
    if (!order.reason.isEmpty())
        entry.reason = order.reason;
    OrderStatus status = order.status;
    if (status == OrderStatus::Planned || status == OrderStatus::Submitting || status == OrderStatus::Unknown)
        status = OrderStatus::Open; // the exchange knows it: it is at least open
    return transition(entry, status, detail);
}

Result<int> Executor::syncFills(Run *run, JournalEntry &entry, exchange::Exchange &exchange, bool retry)
{
    // All fills of this one order (the connector pages past 1,000), a read
    // that is retried with backoff on network errors and rate limits.
    auto read = [&] { return exchange.fetchOrderFills(entry.symbol, entry.clientOrderId, entry.exchangeOrderId); };
    auto fills = retry ? retried(run, read) : read();
    if (!fills) {
        const bool notVisible = fills.error().kind == ExchangeError::Kind::OrderNotFound;
        return makeError(QString::fromLatin1(notVisible ? kFillsNotVisible : kFillsRead), fills.error().message());
    }
    storage::Journal journal(m_db);
    int added = 0;
    for (domain::Fill fill : *fills) {
        if (!entry.exchangeOrderId.isEmpty() && !fill.exchangeOrderId.isEmpty()
            && fill.exchangeOrderId != entry.exchangeOrderId)
            continue;
        fill.clientOrderId = entry.clientOrderId;
        if (fill.symbol.isEmpty())
            fill.symbol = entry.symbol;
        auto stored = journal.recordFill(entry.accountId, fill);
        if (!stored)
            return stored.error();
        added += *stored ? 1 : 0;
    }
    return added;
}

Result<bool> Executor::collectFills(Run *run, JournalEntry &entry, exchange::Exchange &exchange,
                                    const ExecutionOptions &options)
{
    if (!entry.filledQuantity.isPositive())
        return true;
    storage::Journal journal(m_db);
    // Counted in polls, not by the clock: fills can lag the order's status.
    const qint64 interval = std::max<qint64>(1, options.pollIntervalMs);
    const qint64 polls = std::max<qint64>(1, options.fillWaitMs / interval);
    QString problem;
    for (qint64 poll = 0; poll <= polls; ++poll) {
        if (poll > 0)
            pause(interval, nullptr);
        // Once a read failed after all its retries in this run, later orders
        // try once: a trades endpoint that is down must not hold every line
        // for the full backoff (reconciliation records what is left).
        auto synced = syncFills(run, entry, exchange, !(run && run->fillReadsDown));
        if (!synced) {
            if (!isFillReadError(synced.error()))
                return synced.error(); // the database failed: stop
            problem = QStringLiteral("its trades could not be read: ") + synced.error().message;
            if (synced.error().code == QLatin1String(kFillsNotVisible))
                continue; // the order is not visible yet: look again
            if (run)
                run->fillReadsDown = true;
            break; // retried already
        }
        if (run)
            run->fillReadsDown = false;
        auto recorded = journal.recordedQuantity(entry.clientOrderId);
        if (!recorded)
            return recorded.error();
        if (*recorded >= entry.filledQuantity)
            return true;
        problem = QStringLiteral("its fills add up to %1 of the %2 filled so far")
                      .arg(recorded->toString(), entry.filledQuantity.toString());
    }
    const QString message = QStringLiteral("%1: fills pending, %2; `ballast-cli reconcile` records the rest")
                                .arg(entry.clientOrderId, problem);
    if (run) {
        run->fillsPending.insert(entry.clientOrderId);
        run->summary.messages.append(message);
    }
    return false;
}

std::optional<QString> Executor::checkGuards(const rebalance::RebalancePlan &plan, const ExecutionOptions &options,
                                             const QSet<int> &unsent, bool resumed)
{
    if (!std::isfinite(options.maxPriceMove) || options.maxPriceMove <= 0.0)
        return QStringLiteral("the price-move limit must be a positive fraction");
    Decimal traded;
    QHash<QString, Decimal> priceOf; // plan quote per unit, from the plan's own valuation
    for (const auto &weight : plan.weights) {
        if (weight.quantityAfter.isPositive())
            priceOf.insert(weight.asset, weight.valueAfter / weight.quantityAfter);
    }
    priceOf.insert(plan.quote, Decimal::fromInt(1));
    for (const auto &order : plan.orders) {
        if (unsent.contains(order.line))
            traded += order.notional * priceOf.value(order.quote, Decimal::fromInt(1));
    }
    if (options.maxNotional && traded > *options.maxNotional) {
        return QStringLiteral("the plan trades %1 %2, above the limit of %3 %2")
            .arg(traded.toFixed(2), plan.quote, options.maxNotional->toFixed(2));
    }
    QHash<qint64, QList<exchange::Balance>> balances; // per account, fetched once
    for (const auto &order : plan.orders) {
        if (!unsent.contains(order.line))
            continue;
        exchange::Exchange *exchange = m_exchangeFor(order.accountId);
        if (!exchange)
            return QStringLiteral("no connection to account %1").arg(order.account);
        auto ticker = retried(nullptr, [&] { return exchange->fetchTicker(order.symbol); });
        if (!ticker)
            return QStringLiteral("cannot check the price of %1 on %2: %3")
                .arg(order.symbol, order.account, ticker.error().message());
        if (!order.price.isPositive())
            continue;
        const double move = std::abs((ticker->last - order.price).toDouble()) / order.price.toDouble();
        if (!std::isfinite(move) || move > options.maxPriceMove) {
            return QStringLiteral(
                       "%1 moved %2 since the plan was made (limit %3); make a new plan and approve it again")
                .arg(order.symbol, percentText(move), percentText(options.maxPriceMove));
        }
        if (!resumed || order.side != Side::Sell)
            continue; // buys are re-sized to the cash there is
        if (!balances.contains(order.accountId)) {
            auto fetched = retried(nullptr, [&] { return exchange->fetchBalances(); });
            if (!fetched)
                return QStringLiteral("cannot check the balances of %1: %2")
                    .arg(order.account, fetched.error().message());
            balances.insert(order.accountId, *fetched);
        }
        Decimal free;
        for (const auto &balance : balances.value(order.accountId)) {
            if (balance.asset == order.base)
                free = balance.free;
        }
        if (free < order.quantity) {
            return QStringLiteral("%1 has %2 %3 free, and the plan sells %4; make a new plan and approve it again")
                .arg(order.account, free.toString(), order.base, order.quantity.toString());
        }
    }
    return std::nullopt;
}

bool Executor::cancelledElsewhere(const QString &planId)
{
    auto status = storage::PlanRepo(m_db).status(planId);
    return status && *status == domain::PlanStatus::Cancelled;
}

void Executor::resizeBuys(Run &run, QList<JournalEntry> &entries)
{
    // What each account's sells were planned to raise, and what they raised.
    QHash<qint64, Decimal> plannedProceeds;
    QHash<qint64, Decimal> actualProceeds;
    QHash<qint64, Decimal> plannedSpend;
    storage::Journal journal(m_db);
    for (const JournalEntry &entry : entries) {
        const auto planned = run.planned.value(entry.line);
        if (planned.quote != run.plan.quote)
            continue; // direct pairs settle between two assets
        if (entry.side == Side::Sell) {
            plannedProceeds[entry.accountId] += planned.notional - planned.fee;
            auto recorded = journal.recordedQuantity(entry.clientOrderId);
            const bool missing = recorded && *recorded < entry.filledQuantity; // also from an earlier run
            if (run.fillsPending.contains(entry.clientOrderId) || missing) {
                // Its trades are not all recorded: the order's own quote
                // amount, less the planned fee rate, stands in for them.
                actualProceeds[entry.accountId] += entry.filledQuote - entry.filledQuote * planned.feeRate;
            } else if (auto fills = journal.fills(entry.clientOrderId)) {
                for (const auto &fill : *fills) {
                    actualProceeds[entry.accountId] += fill.quoteAmount();
                    if (fill.feeAsset == run.plan.quote)
                        actualProceeds[entry.accountId] -= fill.fee;
                }
            }
        } else if (entry.status == OrderStatus::Planned) {
            plannedSpend[entry.accountId] += planned.notional + planned.fee;
        }
    }
    for (auto it = plannedSpend.cbegin(); it != plannedSpend.cend(); ++it) {
        const qint64 account = it.key();
        exchange::Exchange *exchange = m_exchangeFor(account);
        if (!exchange)
            continue;
        const Decimal shortfall =
            Decimal::max(Decimal(), plannedProceeds.value(account) - actualProceeds.value(account));
        Decimal budget = it.value() - shortfall;
        if (auto balances = exchange->fetchBalances()) {
            for (const auto &balance : *balances) {
                if (balance.asset == run.plan.quote)
                    budget = Decimal::min(budget, balance.free);
            }
        }
        if (!run.markets.contains(account)) {
            if (auto markets = exchange->fetchMarkets())
                run.markets.insert(account, *markets);
        }
        for (JournalEntry &entry : entries) {
            if (entry.accountId != account || entry.side != Side::Buy || entry.status != OrderStatus::Planned)
                continue;
            const auto planned = run.planned.value(entry.line);
            if (planned.quote != run.plan.quote)
                continue;
            const Decimal share = it.value().isPositive() ? (planned.notional + planned.fee) / it.value() : Decimal();
            const Decimal allowance = budget * share;
            const exchange::MarketRules *rules = nullptr;
            const QList<exchange::MarketRules> &markets = run.markets[account]; // a reference: rules points into it
            for (const auto &market : markets) {
                if (market.symbol == entry.symbol)
                    rules = &market;
            }
            auto ticker = exchange->fetchTicker(entry.symbol);
            const Decimal price = ticker && ticker->ask.isPositive() ? ticker->ask : entry.price;
            const Decimal step = rules ? exchange::OrderRules::stepFor(*rules, entry.type) : Decimal();
            const Decimal onePlusFee = Decimal::fromInt(1) + planned.feeRate;
            Decimal fits = allowance / (price * onePlusFee);
            if (step.isPositive())
                fits = fits.floorToStep(step);
            if (fits >= entry.quantity)
                continue;
            const Decimal before = entry.quantity;
            entry.quantity = Decimal::max(Decimal(), fits);
            std::optional<ExchangeError> broken;
            if (rules) {
                exchange::OrderRequest request{entry.symbol, entry.side, entry.type, entry.quantity,
                                               entry.price,  {},         0};
                broken = exchange::OrderRules::check(*rules, request, price);
            }
            if (!entry.quantity.isPositive() || broken) {
                entry.reason = QStringLiteral("skipped before sending: the sells raised %1 %2 less than planned and "
                                              "what is left (%3 %4) is below the market's minimum")
                                   .arg(shortfall.toFixed(2), run.plan.quote, entry.quantity.toString(), entry.base());
                run.check(transition(entry, OrderStatus::Cancelled, entry.reason));
                run.summary.messages.append(entry.symbol + QStringLiteral(": ") + entry.reason);
            } else {
                entry.reason =
                    QStringLiteral("re-sized from %1 to %2: the cash after the sells and fees covers no more")
                        .arg(before.toString(), entry.quantity.toString());
                run.check(transition(entry, OrderStatus::Planned, entry.reason));
                run.summary.messages.append(entry.symbol + QStringLiteral(": ") + entry.reason);
            }
            if (run.progress)
                run.progress(progressOf(entry));
        }
    }
}

Status Executor::send(Run &run, JournalEntry &entry)
{
    exchange::Exchange *exchange = m_exchangeFor(entry.accountId);
    while (entry.status == OrderStatus::Planned) {
        if (run.cancelled())
            return {};
        if (entry.attempts >= run.options.maxAttempts) {
            entry.reason = QStringLiteral("not placed after %1 attempts").arg(entry.attempts);
            return transition(entry, OrderStatus::Rejected, entry.reason);
        }
        auto now = retried(&run, [&] { return exchange->fetchTime(); });
        if (!now)
            return now.error().toError(); // unreachable: the line stays planned, nothing was sent
        entry.deadlineMs = *now + run.options.requestWindowMs;
        ++entry.attempts;
        // Committed before the request: after a crash the journal knows it may exist.
        if (auto written =
                transition(entry, OrderStatus::Submitting, QStringLiteral("sending, attempt %1").arg(entry.attempts));
            !written)
            return written;
        exchange::OrderRequest request{entry.symbol,
                                       entry.side,
                                       entry.type,
                                       entry.quantity,
                                       entry.type == domain::OrderType::Limit ? entry.price : Decimal(),
                                       entry.clientOrderId,
                                       entry.deadlineMs};
        auto placed = exchange->createOrder(request);
        if (placed)
            return adopt(entry, *placed, QStringLiteral("accepted"));
        const ExchangeError &error = placed.error();
        switch (error.kind) {
        case ExchangeError::Kind::InvalidOrder:
        case ExchangeError::Kind::InsufficientFunds:
        case ExchangeError::Kind::BadSymbol:
        case ExchangeError::Kind::Authentication:
        case ExchangeError::Kind::OrderNotFound:
        case ExchangeError::Kind::Exchange:
            entry.reason = error.message();
            return transition(entry, OrderStatus::Rejected, entry.reason);
        case ExchangeError::Kind::InvalidNonce:
            // Refused before processing (stale timestamp or nonce): provably not
            // executed, so it may go again once the clock is fresh.
            if (auto written = transition(entry, OrderStatus::Planned, error.message()); !written)
                return written;
            continue;
        case ExchangeError::Kind::RateLimited:
            pause(std::max<qint64>(error.retryAfterMs, 1000), run.cancel);
            [[fallthrough]];
        case ExchangeError::Kind::DuplicateOrder:
        case ExchangeError::Kind::Network:
        case ExchangeError::Kind::UnknownOutcome:
            entry.reason = error.message();
            if (auto written = transition(entry, OrderStatus::Unknown, error.message()); !written)
                return written;
            return settleUnknown(run, entry, *exchange);
        }
    }
    return {};
}

Status Executor::settleUnknown(Run &run, JournalEntry &entry, exchange::Exchange &exchange)
{
    const qint64 settled = entry.deadlineMs + run.options.settleMarginMs;
    int notFoundPast = 0; // "not found" answers to lookups sent past the deadline and the margin
    int failures = 0;
    while (isInFlight(entry.status)) {
        if (run.cancelled())
            return {}; // stays unknown; reconciliation settles it later
        // The exchange's clock before the lookup: only a lookup sent once the
        // order can no longer execute says something by "not found". Without
        // that clock a "not found" says nothing (the local clock may run ahead
        // of the exchange's while the order still waits in its queue): it
        // counts as a failed lookup.
        auto now = exchange.fetchTime();
        auto found = exchange.fetchOrder(entry.symbol, entry.clientOrderId);
        if (found) {
            entry.reason.clear();
            return adopt(entry, *found, QStringLiteral("found by its client order id"));
        }
        if (found.error().kind != ExchangeError::Kind::OrderNotFound || !now) {
            const QString why = !now && found.error().kind == ExchangeError::Kind::OrderNotFound
                ? QStringLiteral("no answer to the exchange time: %1").arg(now.error().message())
                : found.error().message();
            if (++failures > 20) {
                run.summary.messages.append(
                    QStringLiteral("%1: cannot reach the exchange to settle it: %2").arg(entry.clientOrderId, why));
                return transition(entry, OrderStatus::Unknown, why);
            }
            pause(std::min<qint64>(200LL * failures, 5000), run.cancel);
            continue;
        }
        const qint64 serverNow = *now;
        if (serverNow < settled) {
            pause(settled - serverNow, run.cancel);
            continue;
        }
        if (++notFoundPast < std::max(1, run.options.notFoundLooks)) {
            pause(run.options.settleMarginMs, run.cancel); // an exchange may be slow to show an order
            continue;
        }
        // Not there, asked again and again after its deadline: it never
        // executed. Only now may it be sent again, under the same client order id.
        entry.reason.clear();
        if (auto written =
                transition(entry, OrderStatus::Planned, QStringLiteral("not found after its deadline: never executed"));
            !written)
            return written;
        return send(run, entry);
    }
    return {};
}

Status Executor::waitForFinal(Run &run, JournalEntry &entry, exchange::Exchange &exchange)
{
    const qint64 until = m_clock() + run.options.openOrderWaitMs;
    while (isLive(entry.status) && m_clock() < until && !run.cancelled()) {
        pause(run.options.pollIntervalMs, run.cancel);
        auto order = exchange.fetchOrder(entry.symbol, entry.clientOrderId);
        if (order && (order->status != entry.status || order->filledQuantity != entry.filledQuantity)) {
            if (auto written = adopt(entry, *order, QStringLiteral("updated")); !written)
                return written;
        }
    }
    if (!isLive(entry.status))
        return {};
    // Waited long enough (or cancelled): take back what is left.
    auto cancelled = exchange.cancelOrder(entry.symbol, entry.clientOrderId);
    if (cancelled)
        return adopt(entry, *cancelled, QStringLiteral("rest cancelled after waiting"));
    auto order = exchange.fetchOrder(entry.symbol, entry.clientOrderId);
    if (order)
        return adopt(entry, *order, QStringLiteral("updated after a failed cancel"));
    return {};
}

Status Executor::runLine(Run &run, JournalEntry &entry, const rebalance::PlannedOrder &planned)
{
    Q_UNUSED(planned);
    if (domain::isFinal(entry.status))
        return {};
    exchange::Exchange *exchange = m_exchangeFor(entry.accountId);
    if (!exchange) {
        entry.reason = QStringLiteral("no connection to this account");
        return transition(entry, OrderStatus::Rejected, entry.reason);
    }
    Status status;
    if (isInFlight(entry.status))
        status = settleUnknown(run, entry, *exchange);
    else if (entry.status == OrderStatus::Planned)
        status = send(run, entry);
    if (!status)
        return status;
    if (isLive(entry.status))
        status = waitForFinal(run, entry, *exchange);
    if (!status)
        return status;
    // Fills can lag the order's status: poll until they add up (bounded). A
    // read that keeps failing does not stop the run: the order's state is
    // known, only its ledger record is pending, and the summary says so.
    if (auto collected = collectFills(&run, entry, *exchange, run.options); !collected)
        return collected.error();
    return status;
}

Result<ExecutionSummary> Executor::execute(const rebalance::RebalancePlan &plan, const ExecutionOptions &options,
                                           const Progress &progress, const std::atomic_bool *cancel,
                                           const ClaimCheck &claim)
{
    // A plan in a final state never sends an order again: a superseded one
    // would send its orders again under other ids, an executed or cancelled
    // one would trade on a portfolio that has moved on.
    auto planStatus = storage::PlanRepo(m_db).status(plan.id);
    if (!planStatus)
        return planStatus.error();
    if (auto runnable = domain::refuseFinal(plan.id, *planStatus); !runnable)
        return runnable.error();
    Run run{plan, options, progress, cancel, {}, {}, false, {}, {}, {}, false};
    run.summary.planId = plan.id;
    run.summary.dryRun = options.dryRun;
    for (const auto &order : plan.orders) {
        run.planned.insert(order.line, order);
        m_accountNames.insert(order.accountId, order.account);
    }

    if (!options.dryRun) {
        // Only one execution runs against a database at a time (the worker, or
        // one CLI process): a "running" one found now was interrupted.
        if (auto marked = storage::Journal(m_db).markInterrupted(m_clock()); !marked)
            return marked.error();
        auto reconciled = reconcile(options);
        if (!reconciled)
            return reconciled.error();
        run.summary.messages.append(reconciled->messages);
    }
    storage::Journal journal(m_db);
    auto existing = journal.entries(plan.id);
    if (!existing)
        return existing.error();
    const bool started = std::any_of(existing->cbegin(), existing->cend(), [](const JournalEntry &entry) {
        return entry.status != OrderStatus::Planned || entry.attempts > 0;
    });

    if (plan.orders.isEmpty()) {
        run.summary.messages.append(QStringLiteral("the plan has no orders"));
        return run.summary;
    }
    // Every guard, against current prices and balances, over the lines still
    // to be sent: all of them on a first run, the rest on a resume, those
    // sent before and found never to have executed (planned again) included.
    run.summary.resumed = started && !options.dryRun;
    QSet<int> unsent;
    for (const auto &order : plan.orders) {
        const auto known = std::find_if(existing->cbegin(), existing->cend(),
                                        [&](const JournalEntry &entry) { return entry.line == order.line; });
        if (options.dryRun || known == existing->cend() || known->status == OrderStatus::Planned)
            unsent.insert(order.line);
    }
    if (!unsent.isEmpty()) {
        if (auto reason = checkGuards(plan, options, unsent, run.summary.resumed)) {
            run.summary.aborted = true;
            run.summary.abortReason = *reason;
            return run.summary;
        }
    }

    if (options.dryRun) {
        for (const auto &order : plan.orders) {
            exchange::Exchange *exchange = m_exchangeFor(order.accountId);
            OrderProgress line;
            line.line = order.line;
            line.clientOrderId = plan.clientOrderId(order.line);
            line.account = order.account;
            line.symbol = order.symbol;
            line.side = order.side;
            line.quantity = order.quantity;
            exchange::OrderRequest request{order.symbol,
                                           order.side,
                                           order.type,
                                           order.quantity,
                                           order.type == domain::OrderType::Limit ? order.price : Decimal(),
                                           line.clientOrderId,
                                           0};
            auto checked = exchange ? exchange->validateOrder(request)
                                    : exchange::ExResult<domain::Order>(ExchangeError{
                                        ExchangeError::Kind::Exchange, {}, QStringLiteral("no connection"), {}, 0});
            line.status = checked ? OrderStatus::Planned : OrderStatus::Rejected;
            line.message = checked ? QStringLiteral("would be accepted") : checked.error().message();
            if (!checked)
                ++run.summary.rejected;
            run.summary.orders.append(line);
            if (progress)
                progress(line);
        }
        return run.summary;
    }

    QList<JournalEntry> intents;
    for (const auto &order : plan.orders) {
        JournalEntry entry;
        entry.clientOrderId = plan.clientOrderId(order.line);
        entry.planId = plan.id;
        entry.line = order.line;
        entry.accountId = order.accountId;
        entry.symbol = order.symbol;
        entry.side = order.side;
        entry.type = order.type;
        entry.quantity = order.quantity;
        entry.price = order.price;
        intents.append(entry);
    }
    // The claim: the caller's checks, the intents, the execution row and the
    // plan's status, in one immediate transaction. Refused, nothing is written.
    Result<qint64> executionId = qint64{0};
    try {
        storage::Transaction transaction(m_db);
        if (claim) {
            if (auto allowed = claim(); !allowed)
                return allowed.error();
        }
        if (auto written = journal.addIntents(intents, m_clock()); !written)
            return written.error();
        executionId = journal.startExecution(plan.id, false, m_clock());
        if (!executionId)
            return executionId.error();
        if (auto marked = storage::PlanRepo(m_db).transition(plan.id, domain::PlanStatus::Executing); !marked)
            return marked.error();
        transaction.commit();
    } catch (const storage::SqlError &error) {
        return error.toError();
    }
    auto loaded = journal.entries(plan.id);
    if (!loaded)
        return loaded.error();
    QList<JournalEntry> entries = *loaded;

    Status outcome; // the first error that stopped the run, if any
    auto runSide = [&](bool sells) {
        for (JournalEntry &entry : entries) {
            const bool isSell =
                entry.side == Side::Sell || run.planned.value(entry.line).route == rebalance::RouteReason::DirectPair;
            if (isSell != sells || !outcome.ok() || !run.journalError.ok())
                continue;
            if (!run.cancelled() && !domain::isFinal(entry.status) && cancelledElsewhere(plan.id))
                run.cancelledElsewhere = true;
            if (run.cancelled())
                break;
            if (progress && !domain::isFinal(entry.status))
                progress(progressOf(entry, QStringLiteral("sending")));
            outcome = runLine(run, entry, run.planned.value(entry.line));
            if (progress)
                progress(progressOf(entry));
        }
    };
    runSide(true);
    if (outcome.ok() && !run.cancelled())
        resizeBuys(run, entries);
    runSide(false);

    if (run.cancelled()) {
        run.summary.cancelled = true;
        for (JournalEntry &entry : entries) {
            if (entry.status == OrderStatus::Planned && entry.attempts == 0) {
                entry.reason = QStringLiteral("cancelled before sending");
                run.check(transition(entry, OrderStatus::Cancelled, entry.reason));
            }
        }
        if (auto cancelledOpen = cancelAll(plan.id); !cancelledOpen)
            run.summary.messages.append(cancelledOpen.error().message);
        if (auto reloaded = journal.entries(plan.id))
            entries = *reloaded;
    }
    if (outcome.ok() && !run.journalError.ok())
        outcome = run.journalError;
    if (!outcome.ok()) {
        run.summary.failure = outcome.error().message;
        run.summary.messages.append(outcome.error().message);
    }

    for (const JournalEntry &entry : entries) {
        OrderProgress line = progressOf(entry);
        auto recorded = journal.recordedQuantity(entry.clientOrderId);
        const bool missing = recorded && *recorded < entry.filledQuantity; // also from an earlier run
        if (run.fillsPending.contains(entry.clientOrderId) || missing) {
            // Not cleanly filled until every fill is in the ledger.
            ++run.summary.fillsPending;
            line.message = QStringLiteral("fills pending: run `ballast-cli reconcile`");
            run.summary.orders.append(line);
            continue;
        }
        switch (entry.status) {
        case OrderStatus::Filled:
            ++run.summary.filled;
            break;
        case OrderStatus::Planned:
            ++run.summary.notSent;
            break;
        case OrderStatus::PartiallyFilled:
        case OrderStatus::Expired:
        case OrderStatus::Cancelled:
            if (entry.filledQuantity.isPositive())
                ++run.summary.partiallyFilled;
            else
                ++run.summary.cancelledOrders;
            break;
        case OrderStatus::Rejected:
            ++run.summary.rejected;
            break;
        default:
            ++run.summary.unknown;
            break;
        }
        run.summary.orders.append(line);
    }
    const bool done = std::all_of(entries.cbegin(), entries.cend(),
                                  [](const JournalEntry &entry) { return domain::isFinal(entry.status); });
    // Executed or cancelled; otherwise it stays executing and a later run resumes it.
    const bool toFinal = run.cancelled() || done;
    const domain::PlanStatus finalStatus = run.cancelled()
        ? domain::PlanStatus::Cancelled
        : domain::PlanStatus::Executed; // stays executing: a later run resumes it
    const QString executionStatus = run.cancelled() ? QStringLiteral("cancelled")
        : !run.summary.complete()                   ? QStringLiteral("failed")
                                                    : QStringLiteral("finished");
    // Bookkeeping after the orders: a failure here is reported, the orders stand.
    const bool alreadyCancelled = cancelledElsewhere(plan.id);
    for (const Status &written :
         {toFinal && !alreadyCancelled ? storage::PlanRepo(m_db).transition(plan.id, finalStatus) : Status{},
          journal.finishExecution(*executionId, executionStatus, run.summary.oneLine(), m_clock()),
          services::Ledger(m_db, m_clock).recordValuations(domain::Valuation::Kind::Trade)}) {
        if (!written.ok())
            run.summary.messages.append(written.error().message);
    }
    return run.summary;
}

Result<ReconcileReport> Executor::reconcile(const ExecutionOptions &options)
{
    ReconcileReport report;
    storage::Journal journal(m_db);
    auto unfinished = journal.unfinished();
    if (!unfinished)
        return unfinished.error();
    for (JournalEntry entry : *unfinished) {
        ++report.checked;
        exchange::Exchange *exchange = m_exchangeFor(entry.accountId);
        if (!exchange) {
            ++report.stillUnknown;
            report.messages.append(QStringLiteral("%1: no connection to its account").arg(entry.clientOrderId));
            continue;
        }
        bool settled = false;
        const qint64 settledAt = entry.deadlineMs + options.settleMarginMs;
        int notFoundPast = 0; // "not found" answers to lookups sent past the deadline and the margin
        for (int look = 0; look < 1000 && !settled; ++look) {
            // The exchange's clock before the lookup (read again every time,
            // never assumed from a pause): only a lookup sent once the order
            // can no longer execute says something by "not found".
            auto now = exchange->fetchTime();
            auto found = exchange->fetchOrder(entry.symbol, entry.clientOrderId);
            if (found) {
                if (auto written = adopt(entry, *found, QStringLiteral("reconciled: found on the exchange")); !written)
                    return written.error();
                ++report.adopted;
                settled = true;
                break;
            }
            // Without the exchange's clock a "not found" says nothing (see
            // settleUnknown): the order stays unknown for a later look.
            if (found.error().kind != ExchangeError::Kind::OrderNotFound || !now)
                break;
            const qint64 serverNow = *now;
            const bool past = serverNow >= settledAt;
            if (!past) {
                pause(settledAt - serverNow, nullptr);
                continue;
            }
            if (++notFoundPast < std::max(1, options.notFoundLooks)) {
                pause(options.settleMarginMs, nullptr);
                continue;
            }
            if (entry.status != OrderStatus::Open && entry.status != OrderStatus::PartiallyFilled) {
                entry.reason.clear();
                if (auto written =
                        transition(entry, OrderStatus::Planned,
                                   QStringLiteral("reconciled: not found after its deadline, never executed"));
                    !written)
                    return written.error();
                ++report.notFound;
                settled = true;
            }
            break;
        }
        if (!settled) {
            ++report.stillUnknown;
            report.messages.append(QStringLiteral("%1: could not be settled yet").arg(entry.clientOrderId));
            continue;
        }
        if (isLive(entry.status) || entry.filledQuantity.isPositive()) {
            if (auto added = syncFills(nullptr, entry, *exchange))
                report.fillsAdded += *added;
            else
                report.messages.append(
                    QStringLiteral("%1: fills not read: %2").arg(entry.clientOrderId, added.error().message));
        }
    }
    // Orders settled before a crash whose fills were not yet recorded.
    storage::Statement missing(m_db,
                               "SELECT j.client_order_id FROM journal j WHERE j.filled_quantity <> '0' AND "
                               "j.status IN ('filled', 'partially_filled', 'expired', 'cancelled', 'open')");
    QStringList ids;
    try {
        while (missing.step())
            ids.append(missing.text(0));
    } catch (const storage::SqlError &error) {
        return error.toError();
    }
    for (const QString &id : ids) {
        auto entry = journal.entry(id);
        if (!entry || !entry->has_value())
            continue;
        JournalEntry current = **entry;
        auto recorded = journal.recordedQuantity(id);
        if (!recorded)
            return recorded.error();
        if (*recorded >= current.filledQuantity)
            continue;
        exchange::Exchange *exchange = m_exchangeFor(current.accountId);
        if (exchange) {
            if (auto added = syncFills(nullptr, current, *exchange))
                report.fillsAdded += *added;
            else
                report.messages.append(
                    QStringLiteral("%1: fills not read: %2").arg(current.clientOrderId, added.error().message));
        }
        auto after = journal.recordedQuantity(id);
        if (!after)
            return after.error();
        if (*after < current.filledQuantity) {
            ++report.fillsPending;
            report.messages.append(QStringLiteral("%1: fills recorded for %2 of the %3 filled; run reconcile again")
                                       .arg(id, after->toString(), current.filledQuantity.toString()));
        }
    }
    if (report.adopted + report.notFound + report.fillsAdded > 0) {
        report.messages.prepend(QStringLiteral("reconciled %1 order(s): %2 found on the exchange, %3 never executed, "
                                               "%4 fill(s) recorded")
                                    .arg(report.checked)
                                    .arg(report.adopted)
                                    .arg(report.notFound)
                                    .arg(report.fillsAdded));
    }
    return report;
}

Result<int> Executor::cancelAll(const QString &planId)
{
    auto entries = storage::Journal(m_db).entries(planId);
    if (!entries)
        return entries.error();
    int cancelled = 0;
    for (JournalEntry entry : *entries) {
        if (!isLive(entry.status))
            continue;
        exchange::Exchange *exchange = m_exchangeFor(entry.accountId);
        if (!exchange)
            continue;
        auto result = exchange->cancelOrder(entry.symbol, entry.clientOrderId);
        if (result) {
            if (auto written = adopt(entry, *result, QStringLiteral("cancelled on request")); !written)
                return written.error();
            ++cancelled;
        }
        if (auto synced = syncFills(nullptr, entry, *exchange); !synced && !isFillReadError(synced.error()))
            return synced.error();
    }
    return cancelled;
}

} // namespace ballast::execution
