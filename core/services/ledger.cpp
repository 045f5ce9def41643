#include "services/ledger.h"

#include "common/numberparse.h"
#include "exchange/baseurl.h"
#include "exchange/exchange.h"
#include "exchange/paperexchange.h"
#include "market/priceimporter.h"
#include "services/performanceservice.h"
#include "services/policyservice.h"
#include "services/transactionservice.h"
#include "storage/accountrepo.h"
#include "storage/database.h"
#include "storage/holdingsrepo.h"
#include "storage/journal.h"
#include "storage/marketrepo.h"
#include "storage/portfoliorepo.h"
#include "storage/pricestore.h"
#include "storage/valuationrepo.h"

#include <QTimeZone>

namespace ballast::services {

using storage::AccountRepo;
using storage::guarded;
using storage::HoldingsRepo;
using storage::Journal;
using storage::JournalEntry;
using storage::MarketRepo;
using storage::PortfolioRepo;
using storage::PriceStore;
using storage::Transaction;
using storage::ValuationRepo;

Ledger::Ledger(storage::Database &db, Clock clock)
    : m_db(db)
    , m_clock(std::move(clock))
{
}

Result<domain::Portfolio> Ledger::init(const QString &portfolioName, const QString &quote)
{
    PortfolioRepo portfolios(m_db);
    if (auto existing = portfolios.load(); existing)
        return existing;
    domain::Portfolio portfolio;
    portfolio.name = portfolioName;
    portfolio.quote = quote;
    return portfolios.create(portfolio, m_clock());
}

Result<InitResult> Ledger::initPortfolio(const QString &name, const QString &quote)
{
    return guarded([&]() -> Result<InitResult> {
        Transaction transaction(m_db);
        PortfolioRepo repo(m_db);
        auto portfolios = repo.list();
        if (!portfolios)
            return portfolios.error();
        InitResult result;
        const QString wanted = name.isEmpty() ? QStringLiteral("Main") : name;
        for (const auto &portfolio : *portfolios) {
            if (portfolio.name == wanted)
                result.existing = portfolio;
        }
        if (result.existing && !quote.isEmpty() && result.existing->quote != quote) {
            return makeError(QStringLiteral("portfolio.exists"),
                             QStringLiteral("portfolio \"%1\" already exists with quote %2, not %3; nothing changed")
                                 .arg(wanted, result.existing->quote, quote));
        }
        // Without a name, a database that holds any portfolio is left alone.
        if (result.existing || (name.isEmpty() && !portfolios->isEmpty())) {
            result.portfolios = *portfolios;
            return result;
        }
        domain::Portfolio portfolio;
        portfolio.name = wanted;
        portfolio.quote = quote.isEmpty() ? QStringLiteral("USDT") : quote;
        auto created = repo.create(portfolio, m_clock());
        if (!created)
            return created.error();
        transaction.commit();
        result.created = *created;
        result.portfolios = *portfolios;
        result.portfolios.append(*created);
        return result;
    });
}

Result<domain::Account> Ledger::addAccount(const QString &name, const QString &exchange, const QString &baseUrl)
{
    if (!baseUrl.isEmpty()) {
        if (auto checked = exchange::checkBaseUrl(baseUrl); !checked)
            return checked.error();
    }
    domain::Account account;
    account.name = name;
    account.exchange = exchange;
    account.baseUrl = baseUrl;
    account.createdAt = QDateTime::fromMSecsSinceEpoch(m_clock(), QTimeZone::utc());
    if (exchange == QLatin1String("paper")) {
        account.kind = domain::AccountKind::Paper;
    } else if (exchange == QLatin1String("manual")) {
        account.kind = domain::AccountKind::Wallet;
    } else if (exchange == QLatin1String("binance") || exchange == QLatin1String("kraken")) {
        account.kind = domain::AccountKind::Exchange;
    } else {
        return makeError(
            QStringLiteral("account.exchange"),
            QStringLiteral("unknown exchange \"%1\"; choose paper, binance, kraken or manual").arg(exchange));
    }
    return AccountRepo(m_db).add(account);
}

Status Ledger::setHoldings(const QString &accountName, const QList<domain::Holding> &holdings)
{
    auto account = AccountRepo(m_db).byName(accountName);
    if (!account)
        return account.error();
    for (const auto &holding : holdings) {
        if (holding.quantity.isNegative()) {
            return makeError(
                QStringLiteral("holding.negative"),
                QStringLiteral("%1: quantity %2 is negative").arg(holding.asset, holding.quantity.toString()));
        }
    }
    return guarded([&]() -> Status {
        Transaction transaction(m_db);
        QList<domain::Holding> rows = holdings;
        for (auto &row : rows)
            row.accountId = account->id;
        // Holdings are the sum of transactions: what differs from the sum
        // becomes an unexplained adjustment for the person to classify (or
        // the opening balances of an account without transactions).
        if (auto recorded =
                TransactionService(m_db, m_clock).reconcile(*account, rows, domain::TransactionSource::Manual, {});
            !recorded)
            return recorded.error();
        if (account->kind == domain::AccountKind::Paper) {
            // The paper exchange keeps one balance per asset; networks do not
            // exist there, so its balance is the sum over the ledger rows.
            auto all = HoldingsRepo(m_db).listForAccount(account->id);
            if (!all)
                return all.error();
            QList<exchange::Balance> balances;
            for (const auto &row : rows) {
                money::Decimal total;
                for (const auto &held : *all) {
                    if (held.asset == row.asset)
                        total += held.quantity;
                }
                balances.append(exchange::Balance{row.asset, total, {}});
            }
            auto portfolio = PortfolioRepo(m_db).load();
            const QString quote = portfolio ? portfolio->quote : QStringLiteral("USDT");
            exchange::PaperExchange paper(m_db, account->id, quote, m_clock);
            if (auto set = paper.setBalances(balances); !set)
                return set.error().toError();
        }
        if (auto recorded = recordValuations(domain::Valuation::Kind::Sync); !recorded)
            return recorded;
        transaction.commit();
        return {};
    });
}

Status Ledger::setPrices(const QList<domain::PricePoint> &points)
{
    return guarded([&]() -> Status {
        Transaction transaction(m_db);
        if (auto stored = PriceStore(m_db).setPrices(points); !stored)
            return stored;
        if (auto recorded = recordValuations(domain::Valuation::Kind::Sync); !recorded)
            return recorded;
        transaction.commit();
        return {};
    });
}

Status Ledger::setTargets(const QString &portfolioName, const QList<domain::Target> &targets, const domain::Band &band)
{
    PortfolioRepo portfolios(m_db);
    auto portfolio = portfolios.load(portfolioName);
    if (!portfolio)
        return portfolio.error();
    return portfolios.setTargets(portfolio->id, targets, band);
}

Result<rebalance::Snapshot> Ledger::snapshot(const QString &portfolioName, qint64 atMs)
{
    auto portfolio = PortfolioRepo(m_db).load(portfolioName);
    if (!portfolio)
        return portfolio.error();
    // The bands the policy check decides with (a band named by the rule or
    // the policy replaces the portfolio's), so that the plan's band edge, the
    // drift bars and the alerts read the same half-widths as the check.
    auto banded = withPolicyBands(*portfolio);
    if (!banded)
        return banded.error();
    return valueBanded(*banded, atMs);
}

Result<rebalance::Snapshot> Ledger::snapshot(const domain::Portfolio &portfolio, qint64 atMs, const KnownPolicy &known)
{
    auto banded = withPolicyBands(portfolio, &known);
    if (!banded)
        return banded.error();
    return valueBanded(*banded, atMs);
}

Result<domain::Portfolio> Ledger::withPolicyBands(const domain::Portfolio &portfolio, const KnownPolicy *known)
{
    if (portfolio.id == 0)
        return portfolio; // not stored: no policy yet, the portfolio's own bands
    if (known && known->isOf(portfolio.id))
        return known->policy.withBands(portfolio);
    auto policy = PolicyService(m_db, m_clock).policyOf(portfolio);
    if (!policy)
        return policy.error();
    return policy->withBands(portfolio);
}

Result<rebalance::Snapshot> Ledger::valueBanded(const domain::Portfolio &portfolio, qint64 atMs)
{
    const qint64 at = atMs < 0 ? m_clock() : atMs;
    auto holdings = HoldingsRepo(m_db).list();
    if (!holdings)
        return holdings.error();
    auto prices = PriceStore(m_db).latestAll(portfolio.quote, at);
    if (!prices)
        return prices.error();
    return rebalance::Snapshot::build(portfolio, *holdings, *prices,
                                      QDateTime::fromMSecsSinceEpoch(at, QTimeZone::utc()));
}

Result<QList<rebalance::Venue>> Ledger::venues(const QString &quote)
{
    auto accounts = AccountRepo(m_db).list();
    if (!accounts)
        return accounts.error();
    QList<rebalance::Venue> venues;
    for (const auto &account : *accounts) {
        if (account.kind == domain::AccountKind::Paper) {
            exchange::PaperExchange paper(m_db, account.id, quote, m_clock);
            auto markets = paper.fetchMarkets();
            if (!markets)
                return markets.error().toError();
            venues.append(rebalance::Venue{account.id, account.name, *markets});
        } else if (account.kind == domain::AccountKind::Exchange) {
            // The markets as of the last sync: planning works offline.
            auto markets = MarketRepo(m_db).markets(account.id);
            if (!markets)
                return markets.error();
            if (!markets->isEmpty())
                venues.append(rebalance::Venue{account.id, account.name, *markets});
        } // wallets cannot trade
    }
    return venues;
}

Result<rebalance::RebalancePlan> Ledger::previewPlan(const domain::Portfolio &portfolio,
                                                     const rebalance::PlanMode &mode,
                                                     const rebalance::PlanConstraints &constraints,
                                                     const KnownPolicy *known)
{
    return planFor(portfolio, mode, constraints, known);
}

Result<rebalance::RebalancePlan> Ledger::planFor(const domain::Portfolio &portfolio, const rebalance::PlanMode &mode,
                                                 const rebalance::PlanConstraints &constraints,
                                                 const KnownPolicy *known)
{
    // The policy's bands, read once: the valuation's and the planner's cash band.
    auto banded = withPolicyBands(portfolio, known);
    if (!banded)
        return banded.error();
    auto valued = valueBanded(*banded, -1);
    if (!valued)
        return valued.error();
    auto tradable = venues(portfolio.quote);
    if (!tradable)
        return tradable.error();
    rebalance::PlanConstraints guarded = constraints;
    if (constraints.fallingGuard) {
        // The peak of the stored history (daily closes and every price seen).
        for (const auto &position : valued->positions()) {
            if (!position.price || position.asset == portfolio.quote)
                continue;
            double peak = position.price->toDouble();
            auto highest = PriceStore(m_db).highest(position.asset, portfolio.quote);
            if (!highest)
                return highest.error();
            if (*highest)
                peak = std::max(peak, **highest);
            const double fell = peak > 0.0 ? 1.0 - position.price->toDouble() / peak : 0.0;
            if (fell > *constraints.fallingGuard)
                guarded.noBuy.insert(position.asset, fell);
        }
    }
    // The lots the sales pick from, as the gains report sees them. A ledger
    // whose cost basis cannot be worked out still gets a plan, without lots
    // (the plan says so when tax limits were asked for).
    if (auto lots = PerformanceService(m_db, m_clock, portfolio.name).openLots())
        guarded.openLots = std::move(*lots);
    else
        guarded.openLots.reset();
    return rebalance::Planner::plan(*valued, *banded, *tradable, mode, guarded);
}

Status Ledger::sync(const domain::Account &account, exchange::Exchange &exchange)
{
    auto portfolio = PortfolioRepo(m_db).load();
    const QString quote = portfolio ? portfolio->quote : QStringLiteral("USDT");
    // Every network call first; the database changes only once all answered.
    // The fills of the journal's orders that may lack some are fetched before
    // the balances and stored with them, so that the watermark's edge (a fill
    // executed between the time and the balance requests) is rarely reached.
    QList<domain::Fill> pendingFills;
    if (account.kind == domain::AccountKind::Exchange) {
        auto pending = Journal(m_db).missingFills(account.id);
        if (!pending)
            return pending.error();
        for (const JournalEntry &entry : *pending) {
            auto fills = exchange.fetchOrderFills(entry.symbol, entry.clientOrderId, entry.exchangeOrderId);
            if (!fills && fills.error().kind == exchange::ExchangeError::Kind::OrderNotFound)
                continue; // never placed (or not visible yet): nothing of it is in the balances
            if (!fills) {
                // Balances stored now might hold trades of this order that a
                // later reconcile could not tell apart: change nothing.
                return makeError(QStringLiteral("sync.fills"),
                                 QStringLiteral("%1: cannot read the fills of order %2 (%3); nothing was changed, "
                                                "try again or run `ballast-cli reconcile` first")
                                     .arg(account.name, entry.clientOrderId, fills.error().message()));
            }
            for (domain::Fill fill : *fills) {
                fill.clientOrderId = entry.clientOrderId;
                if (fill.symbol.isEmpty())
                    fill.symbol = entry.symbol;
                pendingFills.append(fill);
            }
        }
    }
    auto snapshot = exchange.fetchBalanceSnapshot();
    if (!snapshot)
        return makeError(QStringLiteral("sync.balances"),
                         QStringLiteral("%1: %2").arg(account.name, snapshot.error().message()));
    const QList<exchange::Balance> *balances = &snapshot->balances;
    auto markets = exchange.fetchMarkets();
    if (!markets)
        return makeError(QStringLiteral("sync.markets"),
                         QStringLiteral("%1: %2").arg(account.name, markets.error().message()));
    QList<domain::PricePoint> prices;
    const QDateTime now = QDateTime::fromMSecsSinceEpoch(m_clock(), QTimeZone::utc());
    for (const auto &balance : *balances) {
        if (balance.asset == quote)
            continue;
        const QString symbol = balance.asset + QLatin1Char('/') + quote;
        const bool listed =
            std::any_of(markets->cbegin(), markets->cend(),
                        [&symbol](const exchange::MarketRules &market) { return market.symbol == symbol; });
        if (!listed)
            continue;
        auto ticker = exchange.fetchTicker(symbol);
        if (!ticker)
            return makeError(QStringLiteral("sync.prices"),
                             QStringLiteral("%1: %2").arg(account.name, ticker.error().message()));
        if (ticker->last.isPositive()) {
            prices.append(
                domain::PricePoint{balance.asset, quote, now, ticker->last,
                                   exchange.isSimulated() ? QStringLiteral("simulated") : QStringLiteral("sync")});
        }
    }
    return guarded([&]() -> Status {
        Transaction transaction(m_db);
        if (account.kind == domain::AccountKind::Exchange) {
            // Fills first (they may move holdings under the old watermark),
            // then the balances replace the holdings and the new watermark
            // says which fills they contain.
            Journal journal(m_db);
            for (const domain::Fill &fill : std::as_const(pendingFills)) {
                if (auto stored = journal.recordFill(account.id, fill); !stored)
                    return stored.error();
            }
            // The exchange's balances against the sum of the transactions
            // (fills included): each difference is an unexplained adjustment
            // for the person to classify.
            QList<domain::Holding> holdings;
            for (const auto &balance : *balances) {
                if (!balance.total().isZero())
                    holdings.append(domain::Holding{account.id, account.name, balance.asset, {}, balance.total()});
            }
            if (auto recorded = TransactionService(m_db, m_clock)
                                    .reconcile(account, holdings, domain::TransactionSource::Sync,
                                               TransactionService::StatementScope::whole());
                !recorded)
                return recorded.error();
            if (auto stored = MarketRepo(m_db).replace(account.id, *markets, m_clock()); !stored)
                return stored;
            if (auto marked = journal.setWatermark(account.id, snapshot->asOfMs, m_clock()); !marked)
                return marked;
        }
        if (!prices.isEmpty()) {
            if (auto stored = PriceStore(m_db).setPrices(prices); !stored)
                return stored;
        }
        if (auto recorded = recordValuations(domain::Valuation::Kind::Sync); !recorded)
            return recorded;
        transaction.commit();
        return {};
    });
}

namespace {

qint64 intervalMs(const QString &interval)
{
    if (interval.size() < 2)
        return 0;
    const auto count = numbers::parseInteger(QStringView(interval).chopped(1), QStringLiteral("interval"), 1, 1000000);
    if (!count)
        return 0;
    switch (interval.back().toLatin1()) {
    case 'm':
        return *count * 60000;
    case 'h':
        return *count * 3600000;
    case 'd':
        return *count * 86400000;
    case 'w':
        return *count * 7 * 86400000;
    default:
        return 0;
    }
}

} // namespace

Result<QList<market::ImportReport>> Ledger::importPrices(const QStringList &paths, const market::ImportOptions &options)
{
    auto imported = guarded([&]() -> Result<QList<market::ImportReport>> {
        Transaction transaction(m_db);
        QList<market::ImportReport> reports;
        QList<domain::PricePoint> latest;
        for (const QString &path : paths) {
            auto report = market::PriceImporter::importFile(m_db, path, options);
            if (!report)
                return report.error();
            reports.append(*report);
            auto last = PriceStore(m_db).candles(report->asset, report->quote, report->interval, report->lastOpenTimeMs,
                                                 report->lastOpenTimeMs);
            if (!last)
                return last.error();
            if (last->isEmpty())
                continue;
            const qint64 closeTime = std::min(report->lastOpenTimeMs + intervalMs(report->interval), m_clock());
            auto price = money::Decimal::fromDouble(last->back().close, 10);
            if (!price)
                return price.error();
            latest.append(domain::PricePoint{report->asset, report->quote,
                                             QDateTime::fromMSecsSinceEpoch(closeTime, QTimeZone::utc()), *price,
                                             QStringLiteral("import")});
        }
        if (!latest.isEmpty()) {
            if (auto stored = PriceStore(m_db).setPrices(latest); !stored)
                return stored.error();
            if (auto recorded = recordValuations(domain::Valuation::Kind::Sync); !recorded)
                return recorded.error();
        }
        transaction.commit();
        return reports;
    });
    return imported;
}

Result<QList<market::ImportReport>> Ledger::importEach(const QList<ImportFile> &files,
                                                       const std::function<bool(int index)> &started,
                                                       const std::function<void(int index)> &done,
                                                       const std::function<bool()> &proceed)
{
    const auto cancelled = [] {
        return makeError(QStringLiteral("import.cancelled"), QStringLiteral("import cancelled; nothing was stored"));
    };
    return guarded([&]() -> Result<QList<market::ImportReport>> {
        Transaction transaction(m_db);
        QList<market::ImportReport> reports;
        for (int i = 0; i < static_cast<int>(files.size()); ++i) {
            if (started && !started(i))
                return cancelled();
            auto stored = importPrices({files.at(i).path}, files.at(i).options);
            if (!stored)
                return stored.error();
            reports.append(*stored);
            if (done)
                done(i);
        }
        if (proceed && !proceed())
            return cancelled();
        transaction.commit();
        return reports;
    });
}

Status Ledger::recordValuations(domain::Valuation::Kind kind)
{
    auto portfolios = PortfolioRepo(m_db).list();
    if (!portfolios)
        return portfolios.error();
    const qint64 at = m_clock();
    for (const auto &portfolio : *portfolios) {
        auto valued = snapshot(portfolio.name, at);
        if (!valued)
            return valued.error();
        domain::Valuation row;
        row.time = valued->time();
        row.kind = kind;
        row.value = valued->totalValue();
        row.quote = portfolio.quote;
        row.simulated = valued->isSimulated();
        if (auto stored = ValuationRepo(m_db).record(portfolio.id, {row}); !stored)
            return stored;
    }
    return {};
}

} // namespace ballast::services
