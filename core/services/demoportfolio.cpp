#include "services/demoportfolio.h"

#include "domain/assetcatalog.h"
#include "exchange/paperexchange.h"
#include "market/simulatedmarket.h"
#include "services/ledger.h"
#include "services/transactionservice.h"
#include "services/valuationservice.h"
#include "storage/accountrepo.h"
#include "storage/database.h"
#include "storage/holdingsrepo.h"
#include "storage/portfoliorepo.h"
#include "storage/pricestore.h"

#include <QTimeZone>

#include <array>

namespace ballast::services {

using storage::Database;
using storage::guarded;
using storage::PortfolioRepo;
using storage::PriceStore;
using storage::Transaction;

using money::Decimal;
using money::RoundingMode;

namespace {

struct DemoTarget
{
    const char *asset;
    const char *weight;
};

constexpr std::array<DemoTarget, 6> kTargets{{
    {"BTC", "0.40"},
    {"ETH", "0.25"},
    {"SOL", "0.10"},
    {"BNB", "0.05"},
    {"LINK", "0.05"},
    {"USDT", "0.15"},
}};

constexpr qint64 kDayMs = 24LL * 3600 * 1000;
constexpr int kStartingCapital = 10000;
constexpr int kFeeBps = 10;

qint64 midnightMs(const QDate &date)
{
    return QDateTime(date, QTime(0, 0), QTimeZone::utc()).toMSecsSinceEpoch();
}

bool isQuarterEnd(const QDate &date)
{
    return date.addDays(1).month() != date.month() && date.month() % 3 == 0;
}

} // namespace

Status DemoPortfolio::create(Database &db, const Clock &clock)
{
    const qint64 now = clock();
    const QDate today = QDateTime::fromMSecsSinceEpoch(now, QTimeZone::utc()).date();
    const QDate first = today.addDays(-kHistoryDays);
    const QDate lastComplete = today.addDays(-1);

    const market::SimulatedMarket simulated;
    const auto candles = simulated.dailyCandles(first, today);
    const QString quote = QStringLiteral("USDT");

    return guarded([&]() -> Status {
        Transaction transaction(db);
        PortfolioRepo portfolios(db);
        if (auto existing = portfolios.list(); !existing || !existing->isEmpty()) {
            return makeError(QStringLiteral("demo.not_empty"),
                             QStringLiteral("%1 already holds a portfolio; the demo needs a new database (use --db)")
                                 .arg(db.path()));
        }

        domain::Portfolio portfolio;
        portfolio.name = QStringLiteral("Demo");
        portfolio.quote = quote;
        portfolio.defaultBand = domain::Band{domain::Band::Kind::Absolute, 0.05};
        portfolio.policy = QStringLiteral("hybrid:quarter,5pp");
        for (const DemoTarget &target : kTargets)
            portfolio.targets.append(domain::Target{QString::fromLatin1(target.asset), money::dec(target.weight), {}});
        auto created = portfolios.create(portfolio, now);
        if (!created)
            return created.error();

        // One instant for the whole setup: the sync valuation the second
        // setHoldings() records replaces the first one's (same time and kind),
        // so the curve never shows the wallet alone.
        Ledger ledger(db, [now] { return now; });
        auto paper = ledger.addAccount(QStringLiteral("paper"), QStringLiteral("paper"));
        if (!paper)
            return paper.error();
        auto wallet = ledger.addAccount(QStringLiteral("cold-wallet"), QStringLiteral("manual"));
        if (!wallet)
            return wallet.error();

        // Price history: every simulated asset, daily candles, and each
        // complete day's close as an exact price stamped at its close time.
        PriceStore prices(db);
        QList<domain::PricePoint> points;
        for (auto it = candles.cbegin(); it != candles.cend(); ++it) {
            const auto spec = simulated.spec(it.key());
            const int decimals = spec ? spec->priceDecimals : 8;
            if (auto stored =
                    prices.putCandles(it.key(), quote, QStringLiteral("1d"), it.value(), QStringLiteral("simulated"));
                !stored) {
                return stored;
            }
            for (const auto &candle : it.value()) {
                const bool isToday = candle.openTimeMs >= midnightMs(today);
                auto price = Decimal::fromDouble(candle.close, decimals);
                if (!price)
                    return price.error();
                points.append(domain::PricePoint{
                    it.key(), quote,
                    QDateTime::fromMSecsSinceEpoch(isToday ? now : candle.openTimeMs + kDayMs, QTimeZone::utc()),
                    *price, QStringLiteral("simulated")});
            }
        }
        if (auto stored = prices.setPrices(points); !stored)
            return stored;

        // The person's history: invest at the targets on the first day, then
        // rebalance to the targets at every quarter end (paying the paper
        // exchange's fee), valuing the portfolio at every daily close.
        auto closeOf = [&](const QString &asset, const QDate &date) -> Decimal {
            if (asset == quote)
                return Decimal::fromInt(1);
            const auto series = candles.value(asset);
            const qint64 index = first.daysTo(date);
            if (index < 0 || index >= series.size())
                return {};
            const auto spec = simulated.spec(asset);
            return Decimal::fromDouble(series[index].close, spec ? spec->priceDecimals : 8).valueOr({});
        };
        const Decimal fee = Decimal::fromInt(kFeeBps) / Decimal::fromInt(10000);
        // The history is booked as the ledger's transactions (a deposit, then
        // the trades of each rebalance at that day's close, fees in the
        // quote), so the daily valuations are rebuilt from them like any
        // account's.
        TransactionService booked(db, [now] { return now; });
        QHash<QString, Decimal> quantities;
        Decimal cash;
        auto valueOn = [&](const QDate &date) {
            Decimal total = cash;
            for (auto it = quantities.cbegin(); it != quantities.cend(); ++it)
                total += it.value() * closeOf(it.key(), date);
            return total;
        };
        auto book = [&](const domain::Transaction &tx) -> Status {
            auto added = booked.add(tx);
            if (!added)
                return added.error();
            return {};
        };
        auto rebalanceOn = [&](const QDate &date, const Decimal &capital) -> Status {
            const QDateTime at = QDateTime::fromMSecsSinceEpoch(midnightMs(date) + kDayMs - 1000, QTimeZone::utc());
            QList<domain::Transaction> sells;
            QList<domain::Transaction> buys;
            Decimal traded;
            for (const auto &target : portfolio.targets) {
                if (target.asset == quote)
                    continue;
                const Decimal price = closeOf(target.asset, date);
                traded += (capital * target.weight - quantities.value(target.asset) * price).abs();
            }
            const Decimal afterFees = capital - traded * fee;
            for (const auto &target : portfolio.targets) {
                if (target.asset == quote)
                    continue;
                const Decimal price = closeOf(target.asset, date);
                const auto rules = exchange::PaperExchange::defaultRules(target.asset, quote, price, {});
                const Decimal wanted = (afterFees * target.weight / price).floorToStep(rules.lotStep);
                const Decimal delta = wanted - quantities.value(target.asset);
                if (delta.isZero())
                    continue;
                domain::Transaction tx;
                tx.kind = domain::TransactionKind::Trade;
                tx.time = at;
                tx.accountId = paper->id;
                tx.side = delta.isPositive() ? domain::Side::Buy : domain::Side::Sell;
                tx.asset = target.asset;
                tx.quote = quote;
                tx.quantity = delta.abs();
                tx.price = price;
                tx.fee = (tx.quantity * price * fee).rounded(6, RoundingMode::Up);
                tx.feeAsset = quote;
                tx.note = QStringLiteral("demo rebalance");
                (delta.isPositive() ? buys : sells).append(tx);
                quantities.insert(target.asset, wanted);
                cash += (delta.isPositive() ? -tx.quantity : tx.quantity) * price - tx.fee;
            }
            // Sells first, so the quote is there when the buys pay.
            for (const domain::Transaction &tx : sells + buys) {
                if (auto stored = book(tx); !stored)
                    return stored;
            }
            return {};
        };

        domain::Transaction deposit;
        deposit.kind = domain::TransactionKind::Deposit;
        deposit.time = QDateTime::fromMSecsSinceEpoch(midnightMs(first) + kDayMs - 2000, QTimeZone::utc());
        deposit.accountId = paper->id;
        deposit.asset = quote;
        deposit.quantity = Decimal::fromInt(kStartingCapital);
        deposit.price = Decimal::fromInt(1);
        deposit.note = QStringLiteral("demo capital");
        if (auto stored = book(deposit); !stored)
            return stored;
        cash = deposit.quantity;
        if (auto done = rebalanceOn(first, cash); !done)
            return done;
        for (QDate date = first.addDays(1); date <= lastComplete; date = date.addDays(1)) {
            if (isQuarterEnd(date) && first.daysTo(date) > 30) {
                if (auto done = rebalanceOn(date, valueOn(date)); !done)
                    return done;
            }
        }
        quantities.insert(quote, cash);

        // Most of the bitcoin sits in a cold wallet; the rest trades on paper.
        QList<domain::Holding> onPaper;
        QList<domain::Holding> inWallet;
        for (auto it = quantities.cbegin(); it != quantities.cend(); ++it) {
            if (it.key() == QLatin1String("BTC")) {
                const Decimal cold = (it.value() * money::dec("0.6")).floorToStep(money::dec("0.00001"));
                inWallet.append(domain::Holding{wallet->id, wallet->name, it.key(), QStringLiteral("bitcoin"), cold});
                onPaper.append(domain::Holding{paper->id, paper->name, it.key(), {}, it.value() - cold});
            } else {
                onPaper.append(domain::Holding{paper->id, paper->name, it.key(), {}, it.value()});
            }
        }
        if (auto stored = ledger.setHoldings(wallet->name, inWallet); !stored)
            return stored;
        if (auto stored = ledger.setHoldings(paper->name, onPaper); !stored)
            return stored;
        if (auto rebuilt = ValuationService(db, [now] { return now; }).rebuild(); !rebuilt)
            return rebuilt.error();
        transaction.commit();
        return {};
    });
}

} // namespace ballast::services
