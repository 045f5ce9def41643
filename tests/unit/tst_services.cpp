#include "exchange/paperexchange.h"
#include "services/accountservice.h"
#include "services/allocationservice.h"
#include "services/ledger.h"
#include "services/ledgerqueries.h"
#include "services/performanceservice.h"
#include "services/targetweights.h"
#include "storage/candlewriter.h"
#include "storage/database.h"
#include "storage/paperrepo.h"
#include "storage/pricestore.h"
#include "testsupport.h"
#include "tradehistory.h"

#include <QTest>
#include <QTimeZone>

#include <algorithm>

using ballast::money::dec;
using namespace ballast;

namespace {

constexpr qint64 kNow = 1763683200000; // 2025-11-21T00:00:00Z
constexpr qint64 kDayMs = 24LL * 3600 * 1000;
constexpr qint64 kHourMs = 3600LL * 1000;

Clock fixedClock()
{
    return [] { return kNow; };
}

market::PriceSeries series(const QString &asset, const QList<double> &closes, double marketCap = 0.0)
{
    market::PriceSeries one;
    one.asset = asset;
    one.quote = QStringLiteral("USDT");
    one.interval = QStringLiteral("1d");
    for (qsizetype i = 0; i < closes.size(); ++i) {
        domain::Candle candle;
        candle.openTimeMs = kNow - (closes.size() - i) * kDayMs;
        candle.open = candle.high = candle.low = candle.close = closes[i];
        candle.marketCap = marketCap;
        one.candles.append(candle);
    }
    return one;
}

} // namespace

class TstServices : public QObject
{
    Q_OBJECT

private slots:
    void gainsRangesAreWholeUtcDays()
    {
        const auto year = services::GainsRange::year(2024); // a leap year
        QCOMPARE(year.from, QDateTime(QDate(2024, 1, 1), QTime(0, 0), QTimeZone::utc()));
        QCOMPARE(year.to, QDateTime(QDate(2024, 12, 31), QTime(23, 59, 59, 999), QTimeZone::utc()));
        const auto day = services::GainsRange::days(QDate(2024, 2, 29), QDate(2024, 2, 29));
        QCOMPARE(day.from.msecsTo(day.to), kDayMs - 1);
    }

    void costBasisReportIsLotsAndGainsFromOnePass()
    {
        test::TempDatabase db;
        QVERIFY(test::trades::build(db.db()).ok());
        services::PerformanceService service(db.db(), [] { return test::trades::now(); });
        const auto range = services::GainsRange::year(2025);
        for (const auto method : {analytics::CostMethod::Fifo, analytics::CostMethod::Hifo}) {
            auto report = service.report(range, method, 100);
            QVERIFY(report.ok());
            auto lots = service.lots({}, method, 100);
            auto gains = service.gains(range.from, range.to, method, 100);
            QVERIFY(lots.ok() && gains.ok());
            QCOMPARE(report->lots.pnl.lots.size(), lots->pnl.lots.size());
            for (qsizetype i = 0; i < lots->pnl.lots.size(); ++i)
                QCOMPARE(report->lots.pnl.lots.at(i).lot, lots->pnl.lots.at(i).lot);
            QCOMPARE(report->lots.pnl.unrealized, lots->pnl.unrealized);
            QCOMPARE(report->gains.disposals, gains->disposals);
            QCOMPARE(report->gains.gain, gains->gain);
            QCOMPARE(report->gains.longTermDays, 100);
            QCOMPARE(report->lots.longTermDays, 100);
            QCOMPARE(report->firstTransaction, test::trades::kColdDeposit);
        }
        // A threshold outside 0..36500 is refused, naming it.
        auto refused = service.gains(range.from, range.to, std::nullopt, -5);
        QVERIFY(!refused.ok());
        QCOMPARE(refused.error().code, QStringLiteral("gains.long_term_days"));
        QVERIFY(refused.error().message.contains(QStringLiteral("-5")));
        // The stored threshold applies when none is given.
        QVERIFY(service.setLongTermDays(10).ok());
        auto stored = service.gains(range.from, range.to);
        QVERIFY(stored.ok());
        QCOMPARE(stored->longTermDays, 10);
        QCOMPARE(stored->shortTermGain, money::Decimal());
    }

    void targetWeightsFraction()
    {
        auto target = services::TargetWeights::parse(
            {QStringLiteral("btc"), QStringLiteral("40%"), QStringLiteral("5%")}, services::WeightNotation::Fraction);
        QVERIFY(target.ok());
        QCOMPARE(target->asset, QStringLiteral("BTC"));
        QCOMPARE(target->weight, dec("0.4"));
        QVERIFY(target->band.has_value());

        auto plain = services::TargetWeights::parse({QStringLiteral("ETH"), QStringLiteral("0.6"), std::nullopt},
                                                    services::WeightNotation::Fraction);
        QVERIFY(plain.ok());
        QCOMPARE(plain->weight, dec("0.6"));
        QVERIFY(!plain->band.has_value());
        QVERIFY(services::TargetWeights::validate({*target, *plain}).ok());
        QCOMPARE(services::TargetWeights::validate({*target}).error().code, QStringLiteral("target.sum"));
    }

    void targetWeightsErrorsNameTheField()
    {
        using Field = services::TargetTextError::Field;
        auto weight = services::TargetWeights::parse({QStringLiteral("BTC"), QStringLiteral("lots"), std::nullopt},
                                                     services::WeightNotation::Fraction);
        QVERIFY(!weight.ok());
        QCOMPARE(weight.error().field, Field::Weight);
        QCOMPARE(weight.error().error.code, QStringLiteral("weight.syntax"));
        // An empty band after the colon is a band that does not parse, not "no band".
        auto band = services::TargetWeights::parse({QStringLiteral("BTC"), QStringLiteral("0.5"), QString()},
                                                   services::WeightNotation::Fraction);
        QVERIFY(!band.ok());
        QCOMPARE(band.error().field, Field::Band);
    }

    void targetWeightsPercent()
    {
        auto target = services::TargetWeights::parse({QStringLiteral("SOL"), QStringLiteral(" 12.5 %"), std::nullopt},
                                                     services::WeightNotation::Percent);
        QVERIFY(target.ok());
        QCOMPARE(target->weight, dec("0.125"));
        QCOMPARE(services::TargetWeights::parsePercent(QString()).error().code, QStringLiteral("targets.weight.empty"));
        QCOMPARE(services::TargetWeights::parsePercent(QStringLiteral("-1")).error().code,
                 QStringLiteral("targets.weight.negative"));
        QCOMPARE(services::TargetWeights::parsePercent(QStringLiteral("101")).error().code,
                 QStringLiteral("targets.weight.above"));
        QCOMPARE(services::TargetWeights::parsePercent(QStringLiteral("1.123456789")).error().code,
                 QStringLiteral("targets.weight.decimals"));
    }

    void allocationWithoutHistory()
    {
        allocation::AllocationOptions options;
        options.model = allocation::Model::Equal;
        options.assets = {QStringLiteral("BTC"), QStringLiteral("ETH")};
        QVERIFY(!services::AllocationService::needsHistory(options));
        auto allocated = services::AllocationService::fromSeries(options, {}, false);
        QVERIFY(allocated.ok());
        QCOMPARE(allocated->weights.size(), 2);
        QCOMPARE(allocated->weights(0), 0.5);
    }

    void allocationFailures()
    {
        using Kind = services::AllocationFailure::Kind;
        allocation::AllocationOptions options;
        options.assets = {QStringLiteral("BTC"), QStringLiteral("ETH")};

        options.model = allocation::Model::MarketCap;
        auto noCap = services::AllocationService::fromSeries(
            options, {series(QStringLiteral("BTC"), {1, 2, 3}, 5e11), series(QStringLiteral("ETH"), {1, 2, 3})}, true);
        QVERIFY(!noCap.ok());
        QCOMPARE(noCap.error().kind, Kind::NoMarketCap);
        QCOMPARE(noCap.error().asset, 1);

        options.model = allocation::Model::InverseVolatility;
        auto tooFew = services::AllocationService::fromSeries(
            options, {series(QStringLiteral("BTC"), {1, 2}), series(QStringLiteral("ETH"), {3, 4})}, true);
        QVERIFY(!tooFew.ok());
        QCOMPARE(tooFew.error().kind, Kind::TooFewBars);
        QCOMPARE(tooFew.error().bars, 2);

        auto estimated =
            services::AllocationService::fromSeries(options,
                                                    {series(QStringLiteral("BTC"), {100, 110, 105, 120, 118}),
                                                     series(QStringLiteral("ETH"), {10, 10.5, 10.2, 10.8, 10.6})},
                                                    false);
        QVERIFY(estimated.ok());
        QVERIFY(std::abs(estimated->weights.sum() - 1.0) < 1e-9);
    }

    void allocationFromStoredHistory()
    {
        test::TempDatabase temp;
        const auto btc = series(QStringLiteral("BTC"), {100, 110, 105, 120});
        QVERIFY(storage::PriceStore(temp.db())
                    .putCandles(QStringLiteral("BTC"), QStringLiteral("USDT"), QStringLiteral("1d"), btc.candles,
                                QStringLiteral("test"))
                    .ok());
        services::StoredHistoryAllocation request;
        request.model = allocation::Model::MinimumVariance;
        request.assets = {QStringLiteral("BTC"), QStringLiteral("ETH")};
        request.quote = QStringLiteral("USDT");
        request.nowMs = kNow;
        auto missing = services::AllocationService::fromStoredHistory(temp.db(), request);
        QVERIFY(!missing.ok());
        QCOMPARE(missing.error().kind, services::AllocationFailure::Kind::NoHistory);
        QCOMPARE(missing.error().asset, 1);
    }

    // A source without market caps (an exchange, a file) rewriting a day that
    // CoinGecko stored keeps its cap, and both writers agree.
    void candlesWithoutACapKeepTheStoredCap()
    {
        test::TempDatabase temp;
        storage::PriceStore store(temp.db());
        const auto withCap = series(QStringLiteral("BTC"), {100, 110}, 5.0e11);
        QVERIFY(store
                    .putCandles(QStringLiteral("BTC"), QStringLiteral("USD"), QStringLiteral("1d"), withCap.candles,
                                QStringLiteral("coingecko"))
                    .ok());
        const auto noCap = series(QStringLiteral("BTC"), {101, 111});
        QVERIFY(store
                    .putCandles(QStringLiteral("BTC"), QStringLiteral("USD"), QStringLiteral("1d"), noCap.candles,
                                QStringLiteral("kraken"))
                    .ok());
        auto stored = store.candles(QStringLiteral("BTC"), QStringLiteral("USD"), QStringLiteral("1d"));
        QVERIFY(stored.ok());
        QCOMPARE(stored->size(), 2);
        QCOMPARE(stored->at(0).close, 101.0);
        QCOMPARE(stored->at(0).marketCap, 5.0e11);

        {
            storage::Transaction transaction(temp.db());
            storage::CandleWriter writer(temp.db(), QStringLiteral("BTC"), QStringLiteral("USD"), QStringLiteral("1d"),
                                         QStringLiteral("import"));
            const auto file = series(QStringLiteral("BTC"), {102, 112});
            writer.write(std::span<const domain::Candle>(file.candles.constData(),
                                                         static_cast<std::size_t>(file.candles.size())));
            transaction.commit();
        }
        stored = store.candles(QStringLiteral("BTC"), QStringLiteral("USD"), QStringLiteral("1d"));
        QVERIFY(stored.ok());
        QCOMPARE(stored->at(1).close, 112.0);
        QCOMPARE(stored->at(1).marketCap, 5.0e11);
        const auto newCap = series(QStringLiteral("BTC"), {103, 113}, 6.0e11);
        QVERIFY(store
                    .putCandles(QStringLiteral("BTC"), QStringLiteral("USD"), QStringLiteral("1d"), newCap.candles,
                                QStringLiteral("coingecko"))
                    .ok());
        QCOMPARE(store.candles(QStringLiteral("BTC"), QStringLiteral("USD"), QStringLiteral("1d"))->at(0).marketCap,
                 6.0e11);
    }

    // The bulk writer inserts plainly where nothing is stored and upserts the
    // parts that meet stored candles; a failure leaves nothing behind once
    // the caller's transaction rolls back, and there must be one.
    void candleWriterInsertsWhereNothingIsStored()
    {
        test::TempDatabase temp;
        storage::PriceStore store(temp.db());
        const auto hourly = [](int from, int count, double capital) {
            QList<domain::Candle> candles;
            for (int i = from; i < from + count; ++i) {
                domain::Candle candle;
                candle.openTimeMs = kNow - 10'000 * kHourMs + i * kHourMs;
                candle.open = candle.high = candle.low = candle.close = 1000.0 + i;
                candle.marketCap = capital;
                candles.append(candle);
            }
            return candles;
        };
        const QString btc = QStringLiteral("BTC");
        const QString usd = QStringLiteral("USD");
        const QString hour = QStringLiteral("1h");
        const auto spanOf = [](const QList<domain::Candle> &candles) {
            return std::span<const domain::Candle>(candles.constData(), static_cast<std::size_t>(candles.size()));
        };
        const auto count = [&temp] {
            return temp.db()
                .scalar("SELECT count(*) FROM candles WHERE asset = 'BTC' AND quote = 'USD' AND interval = '1h'")
                .toInt();
        };
        // Ten candles with caps, inside the second part of 1,024 rows; other
        // series at times of the first part, which must not count.
        QVERIFY(store.putCandles(btc, usd, hour, hourly(1500, 10, 5.0e11), QStringLiteral("coingecko")).ok());
        QVERIFY(store.putCandles(btc, QStringLiteral("EUR"), hour, hourly(100, 1, 0.0), QStringLiteral("x")).ok());
        QVERIFY(store.putCandles(btc, usd, QStringLiteral("1d"), hourly(200, 1, 0.0), QStringLiteral("x")).ok());
        QCOMPARE(storage::CandleWriter::kProbeRows, std::size_t{1024});

        QVERIFY_THROWS_EXCEPTION(storage::SqlError, storage::CandleWriter(temp.db(), btc, usd, hour, QString()));

        const auto file = hourly(0, 3000, 0.0);
        {
            storage::Transaction transaction(temp.db());
            storage::CandleWriter writer(temp.db(), btc, usd, hour, QStringLiteral("import"));
            writer.write(spanOf(file));
            QCOMPARE(writer.written(), 3000);
            QCOMPARE(writer.inserted(), 1024 + 952); // the first and third parts
            transaction.commit();
        }
        auto stored = store.candles(btc, usd, hour);
        QVERIFY(stored.ok());
        QCOMPARE(stored->size(), 3000);
        for (int i = 0; i < 3000; ++i) {
            QCOMPARE(stored->at(i).openTimeMs, file.at(i).openTimeMs);
            QCOMPARE(stored->at(i).close, 1000.0 + i);
            QCOMPARE(stored->at(i).marketCap, i >= 1500 && i < 1510 ? 5.0e11 : 0.0);
        }

        // Newest first, over the last ten stored hours: the part's range is
        // its earliest to its latest time, not its first to its last row.
        auto newestFirst = hourly(2990, 1010, 0.0);
        std::reverse(newestFirst.begin(), newestFirst.end());
        {
            storage::Transaction transaction(temp.db());
            storage::CandleWriter writer(temp.db(), btc, usd, hour, QStringLiteral("import"));
            writer.write(spanOf(newestFirst));
            QCOMPARE(writer.inserted(), 0);
            transaction.commit();
        }
        QCOMPARE(count(), 4000);

        // A later part with a repeated time fails after an earlier part of new
        // rows went in; OR FAIL keeps the rows before the repeated one until
        // the rollback takes them all out again.
        auto bad = hourly(5000, 2000, 0.0);
        bad[1500].openTimeMs = bad[1499].openTimeMs;
        {
            storage::Transaction transaction(temp.db());
            storage::CandleWriter writer(temp.db(), btc, usd, hour, QStringLiteral("import"));
            QVERIFY_THROWS_EXCEPTION(storage::SqlError, writer.write(spanOf(bad)));
            QCOMPARE(writer.inserted(), 1024);
            QCOMPARE(count(), 4000 + 1500);
        }
        QCOMPARE(count(), 4000);
    }

    void highestStoredPrice()
    {
        test::TempDatabase temp;
        storage::PriceStore store(temp.db());
        QVERIFY(!store.highest(QStringLiteral("BTC"), QStringLiteral("USDT"))->has_value());
        const auto btc = series(QStringLiteral("BTC"), {100, 130, 120});
        QVERIFY(store
                    .putCandles(QStringLiteral("BTC"), QStringLiteral("USDT"), QStringLiteral("1d"), btc.candles,
                                QStringLiteral("test"))
                    .ok());
        QCOMPARE(**store.highest(QStringLiteral("BTC"), QStringLiteral("USDT")), 130.0);
        QVERIFY(store
                    .setPrices({domain::PricePoint{QStringLiteral("BTC"), QStringLiteral("USDT"),
                                                   QDateTime::fromMSecsSinceEpoch(kNow, QTimeZone::utc()), dec("140"),
                                                   QStringLiteral("manual")}})
                    .ok());
        QCOMPARE(**store.highest(QStringLiteral("BTC"), QStringLiteral("USDT")), 140.0);
    }

    void accountServiceAddsPaperWithSettings()
    {
        test::TempDatabase temp;
        services::AccountService accounts(temp.db(), temp.dir() + QStringLiteral("/test.vault"), fixedClock());
        exchange::PaperConfig config;
        config.takerFeeBps = 25;
        config.makerFeeBps = 25;
        config.slippageBps = 7;
        auto added = accounts.addAccount(QStringLiteral("paper"), QStringLiteral("paper"), {}, config);
        QVERIFY2(added.ok(), qPrintable(added.ok() ? QString() : added.error().message));
        QCOMPARE(added->kind, domain::AccountKind::Paper);
        const auto stored =
            exchange::PaperExchange(temp.db(), added->id, QStringLiteral("USDT"), fixedClock()).config();
        QCOMPARE(stored.takerFeeBps, 25);
        QCOMPARE(stored.slippageBps, 7);

        QCOMPARE(accounts.checkNameFree(QStringLiteral("paper")).error().code, QStringLiteral("account.exists"));
        QVERIFY(accounts.checkNameFree(QStringLiteral("other")).ok());
        // A taken name is refused before any key is stored.
        auto again =
            accounts.addExchangeAccount(QStringLiteral("paper"), QStringLiteral("binance"), {}, QStringLiteral("key"),
                                        QStringLiteral("secret"), QStringLiteral("passphrase"));
        QVERIFY(!again.ok());
        QCOMPARE(again.error().code, QStringLiteral("account.exists"));
        QVERIFY(accounts.checkPassphrase(QStringLiteral("anything")).ok()); // an empty vault opens with any
    }

    void ledgerQueriesRead()
    {
        test::TempDatabase temp;
        services::Ledger ledger(temp.db(), fixedClock());
        QVERIFY(ledger.init(QStringLiteral("Main"), QStringLiteral("USDT")).ok());
        QVERIFY(ledger.addAccount(QStringLiteral("cold"), QStringLiteral("manual")).ok());
        services::LedgerQueries queries(temp.db());
        QCOMPARE(queries.portfolio()->name, QStringLiteral("Main"));
        QCOMPARE(queries.portfolios()->size(), 1);
        QCOMPARE(queries.accounts()->size(), 1);
        QVERIFY(queries.findAccount(QStringLiteral("cold"))->has_value());
        QVERIFY(!queries.findAccount(QStringLiteral("hot"))->has_value());
        QVERIFY(!queries.account(QStringLiteral("hot")).ok());
        QVERIFY(queries.holdings()->isEmpty());
    }

    void importEachStopsWhenAsked()
    {
        test::TempDatabase temp;
        services::Ledger ledger(temp.db(), fixedClock());
        int started = 0;
        auto stopped = ledger.importEach({{temp.dir() + QStringLiteral("/missing.csv"), {}}},
                                         [&](int) {
                                             ++started;
                                             return false;
                                         },
                                         {}, {});
        QVERIFY(!stopped.ok());
        QCOMPARE(stopped.error().code, QStringLiteral("import.cancelled"));
        QCOMPARE(started, 1);
        auto late = ledger.importEach({}, {}, {}, [] { return false; });
        QCOMPARE(late.error().code, QStringLiteral("import.cancelled"));
        QVERIFY(ledger.importEach({}, {}, {}, {}).ok());
    }

    void paperRepoRows()
    {
        test::TempDatabase temp;
        auto account =
            services::Ledger(temp.db(), fixedClock()).addAccount(QStringLiteral("p"), QStringLiteral("paper"));
        QVERIFY(account.ok());
        storage::PaperRepo repo(temp.db(), account->id);
        QVERIFY(repo.putBalances({{QStringLiteral("USDT"), dec("100"), dec("5")}}).ok());
        QCOMPARE((*repo.balance(QStringLiteral("USDT")))->locked, dec("5"));
        QVERIFY(!repo.balance(QStringLiteral("BTC"))->has_value());
        // setLocked changes a balance that exists and adds none.
        QVERIFY(repo.setLocked(QStringLiteral("BTC"), dec("1")).ok());
        QVERIFY(!repo.balance(QStringLiteral("BTC"))->has_value());
        QVERIFY(repo.setLocked(QStringLiteral("USDT"), dec("0")).ok());
        QCOMPARE((*repo.balance(QStringLiteral("USDT")))->locked, dec("0"));

        domain::Order order;
        order.clientOrderId = QStringLiteral("c1");
        order.symbol = QStringLiteral("BTC/USDT");
        order.type = domain::OrderType::Limit;
        order.quantity = dec("0.1");
        order.price = dec("50000");
        order.status = domain::OrderStatus::Open;
        auto id = repo.addOrder(order, kNow);
        QVERIFY(id.ok());
        QVERIFY(*repo.hasOpenOrder(QStringLiteral("c1")));
        QCOMPARE(repo.openOrders()->size(), 1);
        QCOMPARE(repo.openOrders(QStringLiteral("ETH/USDT"))->size(), 0);
        QVERIFY(repo.markFilled(*id, dec("5000"), kNow + 1).ok());
        QVERIFY(!*repo.hasOpenOrder(QStringLiteral("c1")));
        auto found = repo.findOrder(QStringLiteral("BTC/USDT"), QStringLiteral("c1"));
        QCOMPARE((*found)->status, domain::OrderStatus::Filled);
        QCOMPARE((*found)->filledQuantity, dec("0.1"));

        domain::Fill fill;
        fill.quantity = dec("0.1");
        fill.price = dec("50000");
        fill.fee = dec("5");
        fill.feeAsset = QStringLiteral("USDT");
        fill.time = QDateTime::fromMSecsSinceEpoch(kNow + 1, QTimeZone::utc());
        QVERIFY(repo.addFill(*id, fill).ok());
        auto fills = repo.fills(QStringLiteral("BTC/USDT"), 0);
        QCOMPARE(fills->size(), 1);
        QCOMPARE(fills->first().clientOrderId, QStringLiteral("c1"));
        QCOMPARE(fills->first().fee, dec("5"));

        QVERIFY(repo.setSettings({{QStringLiteral("slippage_bps"), QStringLiteral("9")}}).ok());
        QCOMPARE(repo.settings()->size(), 1);
        QCOMPARE(repo.settings()->first().first, QStringLiteral("slippage_bps"));
    }
};

QTEST_GUILESS_MAIN(TstServices)
#include "tst_services.moc"
