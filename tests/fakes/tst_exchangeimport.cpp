// Transaction imports from the exchanges' APIs: ExchangeImportService with
// the real Binance and Kraken connectors against the loopback fakes, over
// HTTP on 127.0.0.1, into a real SQLite file. Paging across pages, the
// incremental second run, a failure while paging (nothing stored, cursors
// kept), fills booked by executions not doubled, deposits and withdrawals
// with network, tx hash and fee, and Kraken trades seen in the ledger and in
// TradesHistory stored once.

#include "exchange/binanceexchange.h"
#include "exchange/krakenexchange.h"
#include "fakebinance.h"
#include "fakekraken.h"
#include "services/accountservice.h"
#include "services/exchangeimportservice.h"
#include "services/transactionservice.h"
#include "storage/journal.h"
#include "testsupport.h"

#include <QNetworkAccessManager>
#include <QTest>

#include <memory>

using ballast::domain::Side;
using ballast::domain::TransactionKind;
using ballast::domain::TransactionSource;
using ballast::exchange::BinanceConfig;
using ballast::exchange::BinanceExchange;
using ballast::exchange::KrakenConfig;
using ballast::exchange::KrakenExchange;
using ballast::exchange::OrderRequest;
using ballast::money::dec;
using ballast::money::Decimal;
using ballast::services::ExchangeImportOptions;
using ballast::services::ExchangeImportReport;
using ballast::services::ExchangeImportService;
using ballast::services::TransactionQuery;
using ballast::services::TransactionRow;
using ballast::services::TransactionService;
using ballast::test::contentDigest;
using ballast::test::TempDatabase;
using ballast::test::fake::BinanceMovementRecord;
using ballast::test::fake::FakeBinance;
using ballast::test::fake::FakeEndpoint;
using ballast::test::fake::FakeKraken;
using ballast::test::fake::FaultKind;
using ballast::test::fake::FaultRule;
using ballast::test::fake::KrakenLedgerSeed;
using FakeSide = ballast::test::fake::Side;

namespace {

constexpr qint64 kDay = 24LL * 3600 * 1000;

QList<TransactionRow> rowsOf(ballast::storage::Database &db, const QString &account)
{
    TransactionQuery query;
    query.account = account;
    auto rows = TransactionService(db).list(query);
    if (!rows)
        qFatal("list: %s", qPrintable(rows.error().message));
    return *rows;
}

int countKind(const QList<TransactionRow> &rows, TransactionKind kind)
{
    return static_cast<int>(
        std::count_if(rows.cbegin(), rows.cend(), [kind](const TransactionRow &row) { return row.tx.kind == kind; }));
}

const TransactionRow *findExternal(const QList<TransactionRow> &rows, const QString &externalId)
{
    for (const TransactionRow &row : rows) {
        if (row.tx.externalId == externalId)
            return &row;
    }
    return nullptr;
}

/// A Binance account in a fresh database and a connector on the fake.
struct BinanceSetup
{
    TempDatabase file;
    FakeBinance fake;
    QNetworkAccessManager network;
    std::unique_ptr<BinanceExchange> exchange;
    qint64 accountId = 0;
    qint64 start = 0; ///< the seeded history begins here (fake server time)

    BinanceSetup()
    {
        if (!fake.listenLocal())
            qFatal("cannot listen");
        fake.setWeightLimit(1000000);
        BinanceConfig config;
        config.baseUrl = fake.baseUrl();
        config.apiKey = FakeBinance::docsApiKey().toLatin1();
        config.secret = FakeBinance::docsSecretKey().toLatin1();
        config.timeoutMs = 5000;
        exchange = std::make_unique<BinanceExchange>(&network, config, ballast::systemClock(), [](qint64) {});
        auto account = ballast::services::AccountService(file.db(), file.dir() + QStringLiteral("/vault"))
                           .addAccount(QStringLiteral("bn"), QStringLiteral("binance"), fake.baseUrl().toString());
        if (!account)
            qFatal("account: %s", qPrintable(account.error().message));
        accountId = account->id;
        start = fake.serverTimeMs() - 200 * kDay;
        fake.addDeposit(BinanceMovementRecord{QStringLiteral("d-usdt-1"),
                                              QStringLiteral("USDT"),
                                              dec("1000000"),
                                              {},
                                              QStringLiteral("ETH"),
                                              QStringLiteral("0xdeadbeef01"),
                                              QStringLiteral("0xabc"),
                                              1,
                                              0,
                                              start});
    }

    /// @p count buys of 0.001 BTC at 20000 USDT, one a minute from @p from.
    void seedTrades(int count, qint64 from)
    {
        for (int i = 0; i < count; ++i) {
            fake.book().recordTrade(QStringLiteral("BTCUSDT"), FakeSide::Buy, dec("20000"), dec("0.001"),
                                    dec("0.000001"), QStringLiteral("BTC"), from + i * 60000LL);
        }
    }

    ballast::Result<ExchangeImportReport> import(bool dryRun = false)
    {
        ExchangeImportOptions options;
        options.account = QStringLiteral("bn");
        options.dryRun = dryRun;
        return ExchangeImportService(file.db()).importFromExchange(options, *exchange);
    }
};

/// A Kraken account in a fresh database and a connector on the fake.
struct KrakenSetup
{
    TempDatabase file;
    FakeKraken fake;
    QNetworkAccessManager network;
    std::unique_ptr<KrakenExchange> exchange;
    quint64 nonce = static_cast<quint64>(QDateTime::currentMSecsSinceEpoch()) * 1000;
    qint64 start = 0;

    KrakenSetup()
    {
        if (!fake.listenLocal())
            qFatal("cannot listen");
        fake.setRateLimit(100000, 1000);
        KrakenConfig config;
        config.baseUrl = fake.baseUrl();
        config.apiKey = FakeKraken::docsApiKey().toLatin1();
        config.secret = FakeKraken::docsSecret();
        config.timeoutMs = 5000;
        config.callCapacity = 100000;
        config.callDecayPerSecond = 1000;
        exchange = std::make_unique<KrakenExchange>(
            &network, config, [this] { return ++nonce; }, ballast::systemClock(), [](qint64) {});
        auto account = ballast::services::AccountService(file.db(), file.dir() + QStringLiteral("/vault"))
                           .addAccount(QStringLiteral("kr"), QStringLiteral("kraken"), fake.baseUrl().toString());
        if (!account)
            qFatal("account: %s", qPrintable(account.error().message));
        start = fake.serverTimeMs() - 100 * kDay;
        fake.addLedgerEntry(KrakenLedgerSeed{QStringLiteral("LDEP01-AAAAA-BBBBBB"), QStringLiteral("QDEP01"), start,
                                             QStringLiteral("deposit"), QString(), QStringLiteral("ZUSD"),
                                             dec("100000"), dec("0")});
    }

    void seedTrades(int count, qint64 from)
    {
        for (int i = 0; i < count; ++i) {
            fake.book().recordTrade(QStringLiteral("XXBTZUSD"), FakeSide::Buy, dec("30000"), dec("0.01"), dec("0.78"),
                                    QStringLiteral("ZUSD"), from + i * 60000LL);
        }
    }

    ballast::Result<ExchangeImportReport> import()
    {
        ExchangeImportOptions options;
        options.account = QStringLiteral("kr");
        return ExchangeImportService(file.db()).importFromExchange(options, *exchange);
    }
};

int requestsTo(const FakeBinance &fake, const QString &path)
{
    int n = 0;
    for (const auto &record : fake.requestLog())
        n += record.path == path ? 1 : 0;
    return n;
}

} // namespace

class TestExchangeImport : public QObject
{
    Q_OBJECT

private slots:
    void binanceTradesArePagedAndImportedOnce()
    {
        BinanceSetup s;
        s.seedTrades(2500, s.start + kDay); // three pages of myTrades: 1000, 1000, 500
        auto report = s.import();
        QVERIFY2(report.ok(), qPrintable(report.ok() ? QString() : report.error().message));
        QCOMPARE(report->transactions, 2501);
        QCOMPARE(report->added, 2501);
        QCOMPARE(report->duplicates, 0);
        const auto rows = rowsOf(s.file.db(), QStringLiteral("bn"));
        QCOMPARE(countKind(rows, TransactionKind::Trade), 2500);
        QCOMPARE(countKind(rows, TransactionKind::Deposit), 1);
        // Every trade keyed as executions key their fills; ids 5000..7499.
        const TransactionRow *last = findExternal(rows, QStringLiteral("BTC/USDT:7499"));
        QVERIFY(last);
        QCOMPARE(last->tx.source, TransactionSource::Import);
        QCOMPARE(last->tx.quantity, dec("0.001"));
        QCOMPARE(last->tx.tradeQuote(), dec("20"));
        QCOMPARE(last->tx.fee, dec("0.000001"));
        QCOMPARE(last->tx.feeAsset, QStringLiteral("BTC"));
        auto sums = TransactionService(s.file.db()).sums();
        QVERIFY(sums.ok());
        for (const auto &holding : *sums) {
            if (holding.asset == QLatin1String("USDT"))
                QCOMPARE(holding.quantity, dec("950000"));
            if (holding.asset == QLatin1String("BTC"))
                QCOMPARE(holding.quantity, dec("2.4975"));
        }
    }

    void binanceSecondImportReadsOnlyWhatIsNew()
    {
        BinanceSetup s;
        s.seedTrades(1200, s.start + kDay);
        auto first = s.import();
        QVERIFY2(first.ok(), qPrintable(first.ok() ? QString() : first.error().message));
        QCOMPARE(first->added, 1201);

        s.fake.clearRequestLog();
        auto again = s.import();
        QVERIFY(again.ok());
        QCOMPARE(again->added, 0);
        // From the cursor: one myTrades page per market, not the 2 + 1 + 1 of the first run.
        QCOMPARE(requestsTo(s.fake, QStringLiteral("/api/v3/myTrades")), 3);

        s.seedTrades(3, s.fake.serverTimeMs() - 3 * 60000);
        s.fake.addWithdrawal(BinanceMovementRecord{QStringLiteral("w-1"), QStringLiteral("BTC"), dec("0.5"),
                                                   dec("0.0005"), QStringLiteral("BTC"), QStringLiteral("btctx01"),
                                                   QStringLiteral("bc1qxyz"), 6, 0, s.fake.serverTimeMs() - 60000});
        auto third = s.import();
        QVERIFY2(third.ok(), qPrintable(third.ok() ? QString() : third.error().message));
        QCOMPARE(third->added, 4);
        QCOMPARE(countKind(rowsOf(s.file.db(), QStringLiteral("bn")), TransactionKind::Trade), 1203);
    }

    void failureWhilePagingStoresNothing()
    {
        BinanceSetup s;
        s.seedTrades(2500, s.start + kDay);
        const QByteArray before = contentDigest(s.file.db());
        FaultRule rule;
        rule.endpoint = FakeEndpoint::Trades;
        rule.kind = FaultKind::ServiceUnavailable;
        rule.skip = 2; // pages 1 and 2 of BTCUSDT answer, page 3 fails
        s.fake.injectFault(rule);
        auto report = s.import();
        QVERIFY(!report.ok());
        QVERIFY2(report.error().message.contains(QStringLiteral("BTC/USDT")), qPrintable(report.error().message));
        QVERIFY2(report.error().message.contains(QStringLiteral("nothing stored")), qPrintable(report.error().message));
        QCOMPARE(contentDigest(s.file.db()), before); // no transaction, no cursor
        // The cursor did not move: the next import reads everything.
        auto retry = s.import();
        QVERIFY2(retry.ok(), qPrintable(retry.ok() ? QString() : retry.error().message));
        QCOMPARE(retry->added, 2501);
    }

    void dryRunStoresNothing()
    {
        BinanceSetup s;
        s.seedTrades(10, s.start + kDay);
        const QByteArray before = contentDigest(s.file.db());
        auto report = s.import(true);
        QVERIFY2(report.ok(), qPrintable(report.ok() ? QString() : report.error().message));
        QCOMPARE(report->added, 11);
        QCOMPARE(contentDigest(s.file.db()), before); // no transaction, no cursor
        auto real = s.import();
        QVERIFY(real.ok());
        QCOMPARE(real->added, 11);
    }

    void executedFillIsNotDoubled()
    {
        BinanceSetup s;
        s.fake.setBalance(QStringLiteral("USDT"), dec("100000"));
        auto order = s.exchange->createOrder(OrderRequest{QStringLiteral("BTC/USDT"),
                                                          Side::Buy,
                                                          ballast::domain::OrderType::Market,
                                                          dec("0.01"),
                                                          {},
                                                          QStringLiteral("exec-1"),
                                                          0});
        QVERIFY(order.ok());
        auto fills =
            s.exchange->fetchOrderFills(QStringLiteral("BTC/USDT"), QStringLiteral("exec-1"), order->exchangeOrderId);
        QVERIFY(fills.ok());
        QCOMPARE(fills->size(), 1);
        auto booked = ballast::storage::Journal(s.file.db()).recordFill(s.accountId, fills->first());
        QVERIFY(booked.ok());
        auto report = s.import();
        QVERIFY2(report.ok(), qPrintable(report.ok() ? QString() : report.error().message));
        QCOMPARE(report->transactions, 2);
        QCOMPARE(report->duplicates, 1);
        QCOMPARE(report->added, 1);
        const auto rows = rowsOf(s.file.db(), QStringLiteral("bn"));
        QCOMPARE(countKind(rows, TransactionKind::Trade), 1);
        const TransactionRow *trade =
            findExternal(rows, ballast::domain::tradeExternalId(QStringLiteral("BTC/USDT"), fills->first().tradeId));
        QVERIFY(trade);
        QCOMPARE(trade->tx.source, TransactionSource::Execution);
    }

    void depositsAndWithdrawalsCarryNetworkHashAndFee()
    {
        BinanceSetup s;
        const qint64 t = s.start + 10 * kDay;
        s.fake.addDeposit(BinanceMovementRecord{QStringLiteral("d-btc-1"),
                                                QStringLiteral("BTC"),
                                                dec("2"),
                                                {},
                                                QStringLiteral("BTC"),
                                                QStringLiteral("btcdeposit01"),
                                                QStringLiteral("bc1qin"),
                                                1,
                                                0,
                                                t});
        s.fake.addDeposit(BinanceMovementRecord{QStringLiteral("d-btc-pending"),
                                                QStringLiteral("BTC"),
                                                dec("7"),
                                                {},
                                                QStringLiteral("BTC"),
                                                QStringLiteral("btcdeposit02"),
                                                QStringLiteral("bc1qin"),
                                                0,
                                                0,
                                                t + kDay});
        s.fake.addWithdrawal(BinanceMovementRecord{QStringLiteral("w-btc-1"), QStringLiteral("BTC"), dec("0.5"),
                                                   dec("0.0002"), QStringLiteral("BTC"), QStringLiteral("btcout01"),
                                                   QStringLiteral("bc1qout"), 6, 0, t + 2 * kDay});
        s.fake.addWithdrawal(BinanceMovementRecord{QStringLiteral("w-btc-rejected"), QStringLiteral("BTC"), dec("1"),
                                                   dec("0.0002"), QStringLiteral("BTC"), QString(),
                                                   QStringLiteral("bc1qout"), 3, 0, t + 3 * kDay});
        // 150 days back and forth: the history is read in windows under 90 days.
        auto report = s.import();
        QVERIFY2(report.ok(), qPrintable(report.ok() ? QString() : report.error().message));
        QCOMPARE(report->pending, 1);
        const auto rows = rowsOf(s.file.db(), QStringLiteral("bn"));
        const TransactionRow *deposit = findExternal(rows, QStringLiteral("binance:deposit:d-btc-1"));
        QVERIFY(deposit);
        QCOMPARE(deposit->tx.kind, TransactionKind::Deposit);
        QCOMPARE(deposit->tx.quantity, dec("2"));
        QVERIFY2(deposit->tx.note.contains(QStringLiteral("network BTC")), qPrintable(deposit->tx.note));
        QVERIFY2(deposit->tx.note.contains(QStringLiteral("tx btcdeposit01")), qPrintable(deposit->tx.note));
        const TransactionRow *withdrawal = findExternal(rows, QStringLiteral("binance:withdrawal:w-btc-1"));
        QVERIFY(withdrawal);
        QCOMPARE(withdrawal->tx.kind, TransactionKind::Withdrawal);
        QCOMPARE(withdrawal->tx.quantity, dec("0.5"));
        QCOMPARE(withdrawal->tx.fee, dec("0.0002"));
        QCOMPARE(withdrawal->tx.feeAsset, QStringLiteral("BTC"));
        QVERIFY2(withdrawal->tx.note.contains(QStringLiteral("tx btcout01")), qPrintable(withdrawal->tx.note));
        QVERIFY(!findExternal(rows, QStringLiteral("binance:deposit:d-btc-pending")));
        QVERIFY(!findExternal(rows, QStringLiteral("binance:withdrawal:w-btc-rejected")));

        // Once credited, the pending deposit comes in with the next import.
        s.fake.reset();
        s.fake.setWeightLimit(1000000);
        s.fake.addDeposit(BinanceMovementRecord{QStringLiteral("d-btc-pending"),
                                                QStringLiteral("BTC"),
                                                dec("7"),
                                                {},
                                                QStringLiteral("BTC"),
                                                QStringLiteral("btcdeposit02"),
                                                QStringLiteral("bc1qin"),
                                                1,
                                                0,
                                                t + kDay});
        auto next = s.import();
        QVERIFY2(next.ok(), qPrintable(next.ok() ? QString() : next.error().message));
        QCOMPARE(next->added, 1);
        QCOMPARE(next->pending, 0);
    }

    void connectorKeepsWindowsWithinTheLimits()
    {
        BinanceSetup s;
        // The fake refuses windows of 90 days and more (tst_fakebinance); the connector splits.
        auto wide =
            s.exchange->fetchMovements(ballast::exchange::Movement::Direction::Deposit, s.start, s.start + 50 * kDay);
        QVERIFY(wide.ok());
        QCOMPARE(requestsTo(s.fake, QStringLiteral("/sapi/v1/capital/deposit/hisrec")), 1);
        s.fake.clearRequestLog();
        auto long_ = s.exchange->fetchMovements(ballast::exchange::Movement::Direction::Withdrawal, s.start,
                                                s.start + 200 * kDay);
        QVERIFY(long_.ok());
        QCOMPARE(requestsTo(s.fake, QStringLiteral("/sapi/v1/capital/withdraw/history")), 3);
        // fetchFills asks a 24 h window, which the fake accepts (it refuses more by -1127).
        QVERIFY(s.exchange->fetchFills(QStringLiteral("BTC/USDT"), s.start).ok());
    }

    void paperAccountHasNothingToImport()
    {
        TempDatabase file;
        auto account = ballast::services::AccountService(file.db(), file.dir() + QStringLiteral("/vault"))
                           .addAccount(QStringLiteral("paper"), QStringLiteral("paper"));
        QVERIFY(account.ok());
        FakeBinance fake;
        QVERIFY(fake.listenLocal());
        QNetworkAccessManager network;
        BinanceConfig config;
        config.baseUrl = fake.baseUrl();
        BinanceExchange exchange(&network, config);
        ExchangeImportOptions options;
        options.account = QStringLiteral("paper");
        auto report = ExchangeImportService(file.db()).importFromExchange(options, exchange);
        QVERIFY(!report.ok());
        QVERIFY2(report.error().message.contains(QStringLiteral("paper account")), qPrintable(report.error().message));
    }

    void krakenLedgerAndTradesHistoryGiveOneTradeEach()
    {
        KrakenSetup s;
        s.seedTrades(60, s.start + kDay); // 120 ledger entries + the deposit: three pages; trades: two
        s.fake.addLedgerEntry(KrakenLedgerSeed{QStringLiteral("LSTK01-AAAAA-CCCCCC"), QStringLiteral("RSTK01"),
                                               s.start + 5 * kDay, QStringLiteral("staking"), QString(),
                                               QStringLiteral("DOT.S"), dec("1.25"), dec("0")});
        s.fake.addLedgerEntry(KrakenLedgerSeed{QStringLiteral("LWDR01-AAAAA-DDDDDD"), QStringLiteral("RWDR01"),
                                               s.start + 6 * kDay, QStringLiteral("withdrawal"), QString(),
                                               QStringLiteral("XXBT"), dec("-0.1"), dec("0.00015")});
        s.fake.addLedgerEntry(KrakenLedgerSeed{QStringLiteral("LTRF01-AAAAA-EEEEEE"), QStringLiteral("RTRF01"),
                                               s.start + 7 * kDay, QStringLiteral("transfer"),
                                               QStringLiteral("spottostaking"), QStringLiteral("XXBT"), dec("-0.05"),
                                               dec("0")});
        auto report = s.import();
        QVERIFY2(report.ok(), qPrintable(report.ok() ? QString() : report.error().message));
        const auto rows = rowsOf(s.file.db(), QStringLiteral("kr"));
        QCOMPARE(countKind(rows, TransactionKind::Trade), 60);
        QCOMPARE(countKind(rows, TransactionKind::Deposit), 1);
        QCOMPARE(countKind(rows, TransactionKind::Withdrawal), 1);
        QCOMPARE(countKind(rows, TransactionKind::TransferOut), 1); // the person classifies it
        const TransactionRow *staking = findExternal(rows, QStringLiteral("LSTK01-AAAAA-CCCCCC"));
        QVERIFY(staking);
        QCOMPARE(staking->tx.kind, TransactionKind::Income);
        QCOMPARE(staking->tx.subkind, QStringLiteral("staking"));
        QCOMPARE(staking->tx.asset, QStringLiteral("DOT"));
        for (const TransactionRow &row : rows) {
            if (row.tx.kind != TransactionKind::Trade)
                continue;
            QVERIFY2(row.tx.externalId.startsWith(QStringLiteral("BTC/USD:T")), qPrintable(row.tx.externalId));
            QCOMPARE(row.tx.fee, dec("0.78"));
            QCOMPARE(row.tx.feeAsset, QStringLiteral("USD"));
        }
        QCOMPARE(report->transactions, 64);
        QCOMPARE(report->added, 64);

        auto again = s.import();
        QVERIFY(again.ok());
        QCOMPARE(again->added, 0);
    }

    void krakenFailureOnPageThreeStoresNothing()
    {
        KrakenSetup s;
        s.seedTrades(60, s.start + kDay);
        const QByteArray before = contentDigest(s.file.db());
        FaultRule rule;
        rule.endpoint = FakeEndpoint::History;
        rule.kind = FaultKind::ServiceUnavailable;
        rule.skip = 2;
        s.fake.injectFault(rule);
        auto report = s.import();
        QVERIFY(!report.ok());
        QVERIFY2(report.error().message.contains(QStringLiteral("ledger")), qPrintable(report.error().message));
        QCOMPARE(contentDigest(s.file.db()), before);
        auto retry = s.import();
        QVERIFY2(retry.ok(), qPrintable(retry.ok() ? QString() : retry.error().message));
        QCOMPARE(retry->added, 61);
    }
};

QTEST_GUILESS_MAIN(TestExchangeImport)
#include "tst_exchangeimport.moc"
