// The rebuild of the stored daily valuations from the transactions: the
// curve starts at the first transaction, days without their own price are
// listed, a second run writes nothing, and an edit of an old transaction
// rewrites from its day on. Also the per-asset convention of performance.
#include "services/ledger.h"
#include "services/ledgerqueries.h"
#include "services/performanceservice.h"
#include "services/transactionservice.h"
#include "services/valuationservice.h"
#include "storage/pricestore.h"
#include "storage/valuationrepo.h"
#include "testsupport.h"

#include <QTest>
#include <QTimeZone>

using namespace ballast;
using money::Decimal;

namespace {

const QDate kFirst(2025, 1, 1);
constexpr qint64 kDayMs = 24LL * 3600 * 1000;

qint64 ms(QDate day, int hour = 0)
{
    return QDateTime(day, QTime(hour, 0), QTimeZone::utc()).toMSecsSinceEpoch();
}

QDateTime at(QDate day, int hour)
{
    return QDateTime(day, QTime(hour, 0), QTimeZone::utc());
}

/// The BTC close of day i after kFirst (i >= 1); day 4 (Jan 5) has no candle.
double btcClose(int i)
{
    return 50000.0 + 1000.0 * i;
}

} // namespace

class TestValuationService : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void cleanup();

    void curveFromFirstTransactionWithMissingDays();
    void secondRebuildWritesNothing();
    void editOfOldTransactionRewritesFromItsDay();
    void earlierTransactionAndStaleRows();
    void assetPerformanceConvention();

private:
    Clock clock()
    {
        return [this] { return m_now; };
    }
    services::TransactionService transactions() { return services::TransactionService(m_db->db(), clock()); }
    services::ValuationService valuations() { return services::ValuationService(m_db->db(), clock()); }
    QList<domain::Valuation> daily()
    {
        QList<domain::Valuation> rows;
        for (const auto &row : *storage::ValuationRepo(m_db->db()).list(m_portfolioId)) {
            if (row.kind == domain::Valuation::Kind::Daily)
                rows.append(row);
        }
        return rows;
    }
    domain::Transaction add(domain::Transaction tx)
    {
        tx.accountId = m_account.id;
        auto added = transactions().add(tx);
        if (!added)
            qFatal("add: %s", qPrintable(added.error().message));
        return *added;
    }

    std::unique_ptr<test::TempDatabase> m_db;
    qint64 m_now = 0;
    qint64 m_portfolioId = 0;
    domain::Account m_account;
    domain::Transaction m_buy;
    domain::Transaction m_withdrawal;
};

void TestValuationService::init()
{
    m_db = std::make_unique<test::TempDatabase>();
    m_now = ms(kFirst.addDays(10), 12); // Jan 11, noon: Jan 1..10 are complete
    services::Ledger ledger(m_db->db(), clock());
    QVERIFY(ledger.init(QStringLiteral("Main"), QStringLiteral("USDT")));
    m_portfolioId = services::LedgerQueries(m_db->db()).portfolio({})->id;
    m_account = *ledger.addAccount(QStringLiteral("paper"), QStringLiteral("paper"));

    // BTC daily candles from Jan 2 to Jan 10, but none for Jan 5.
    QList<domain::Candle> candles;
    for (int i = 1; i <= 9; ++i) {
        if (i == 4)
            continue;
        domain::Candle c;
        c.openTimeMs = ms(kFirst.addDays(i));
        c.open = c.high = c.low = c.close = btcClose(i);
        candles.append(c);
    }
    QVERIFY(storage::PriceStore(m_db->db())
                .putCandles(QStringLiteral("BTC"), QStringLiteral("USDT"), QStringLiteral("1d"), candles,
                            QStringLiteral("test")));

    domain::Transaction deposit;
    deposit.kind = domain::TransactionKind::Deposit;
    deposit.time = at(kFirst, 10);
    deposit.asset = QStringLiteral("USDT");
    deposit.quantity = Decimal::fromInt(10000);
    deposit.price = Decimal::fromInt(1);
    add(deposit);

    domain::Transaction buy; // Jan 1's close is this trade's price
    buy.kind = domain::TransactionKind::Trade;
    buy.time = at(kFirst, 12);
    buy.side = domain::Side::Buy;
    buy.asset = QStringLiteral("BTC");
    buy.quote = QStringLiteral("USDT");
    buy.quantity = money::dec("0.1");
    buy.price = Decimal::fromInt(50000);
    m_buy = add(buy);

    domain::Transaction withdrawal;
    withdrawal.kind = domain::TransactionKind::Withdrawal;
    withdrawal.time = at(kFirst.addDays(5), 9); // Jan 6
    withdrawal.asset = QStringLiteral("USDT");
    withdrawal.quantity = Decimal::fromInt(1000);
    withdrawal.price = Decimal::fromInt(1);
    m_withdrawal = add(withdrawal);

    domain::Transaction airdrop; // an asset that never had a price
    airdrop.kind = domain::TransactionKind::Deposit;
    airdrop.time = at(kFirst.addDays(7), 9); // Jan 8
    airdrop.asset = QStringLiteral("XYZ");
    airdrop.quantity = Decimal::fromInt(5);
    add(airdrop);
}

void TestValuationService::cleanup()
{
    m_db.reset();
}

void TestValuationService::curveFromFirstTransactionWithMissingDays()
{
    auto report = valuations().rebuild();
    QVERIFY2(report, report ? "" : qPrintable(report.error().message));
    QCOMPARE(report->first, kFirst);
    QCOMPARE(report->last, kFirst.addDays(9));
    QCOMPARE(report->days, 10);
    QCOMPARE(report->changedFrom, std::optional<QDate>(kFirst));
    QCOMPARE(report->written, 10);

    const auto rows = daily();
    QCOMPARE(rows.size(), 10);
    for (int i = 0; i < rows.size(); ++i) {
        const QDate day = kFirst.addDays(i);
        QCOMPARE(rows[i].time.toMSecsSinceEpoch(), ms(day) + kDayMs); // stamped at the day's close
        // Jan 5 carries Jan 4's close; Jan 1's is the trade's price.
        const double close = i == 0 ? 50000.0 : btcClose(i == 4 ? 3 : i);
        const double cash = i >= 5 ? 4000.0 : 5000.0;
        QCOMPARE(rows[i].value.toDouble(), cash + 0.1 * close);
        QCOMPARE(rows[i].netInvested, std::optional<Decimal>(Decimal::fromInt(i >= 5 ? 9000 : 10000)));
        QString missing;
        if (i == 4)
            missing = QStringLiteral("BTC");
        else if (i >= 7)
            missing = QStringLiteral("XYZ=0");
        QCOMPARE(rows[i].missing, missing);
    }
    // The same list comes back in the report.
    QList<analytics::MissingPrice> expected{{kFirst.addDays(4), QStringLiteral("BTC"), true},
                                            {kFirst.addDays(7), QStringLiteral("XYZ"), false},
                                            {kFirst.addDays(8), QStringLiteral("XYZ"), false},
                                            {kFirst.addDays(9), QStringLiteral("XYZ"), false}};
    QList<analytics::MissingPrice> before;
    for (const auto &m : report->missing) {
        if (m.date < kFirst.addDays(10))
            before.append(m);
    }
    QCOMPARE(before, expected);

    // The stored curve is PerformanceService's daily series.
    auto history = services::PerformanceService(m_db->db(), clock()).history({});
    QVERIFY(history);
    for (int i = 0; i < rows.size(); ++i)
        QCOMPARE(rows[i].value, history->series.values[i].value);
}

void TestValuationService::secondRebuildWritesNothing()
{
    QVERIFY(valuations().rebuild());
    const auto first = daily();
    auto again = valuations().rebuild();
    QVERIFY(again);
    QCOMPARE(again->changedFrom, std::optional<QDate>());
    QCOMPARE(again->written, 0);
    QCOMPARE(again->removed, 0);
    QCOMPARE(daily(), first);
}

void TestValuationService::editOfOldTransactionRewritesFromItsDay()
{
    QVERIFY(valuations().rebuild());
    const auto before = daily();

    domain::Transaction edited = m_withdrawal;
    edited.quantity = Decimal::fromInt(2000);
    QVERIFY(transactions().edit(edited));
    auto report = valuations().rebuild();
    QVERIFY(report);
    QCOMPARE(report->changedFrom, std::optional<QDate>(kFirst.addDays(5)));
    QCOMPARE(report->written, 5);
    QCOMPARE(report->removed, 0);

    const auto after = daily();
    QCOMPARE(after.size(), before.size());
    for (int i = 0; i < 5; ++i)
        QCOMPARE(after[i], before[i]);
    for (int i = 5; i < after.size(); ++i) {
        QCOMPARE(after[i].netInvested, std::optional<Decimal>(Decimal::fromInt(8000)));
        QCOMPARE(after[i].value, before[i].value - Decimal::fromInt(1000));
    }
}

void TestValuationService::earlierTransactionAndStaleRows()
{
    // A daily row left from before (an older demo, a deleted transaction).
    domain::Valuation stale;
    stale.time = QDateTime(QDate(2024, 12, 1), QTime(0, 0), QTimeZone::utc());
    stale.value = Decimal::fromInt(1);
    stale.quote = QStringLiteral("USDT");
    QVERIFY(storage::ValuationRepo(m_db->db()).record(m_portfolioId, {stale}));
    auto report = valuations().rebuild();
    QVERIFY(report);
    QCOMPARE(report->removed, 1);
    QCOMPARE(daily().first().time.toMSecsSinceEpoch(), ms(kFirst) + kDayMs);

    // A transaction before the first one: the curve now starts on its day.
    domain::Transaction early;
    early.kind = domain::TransactionKind::Deposit;
    early.time = at(kFirst.addDays(-2), 8);
    early.asset = QStringLiteral("USDT");
    early.quantity = Decimal::fromInt(100);
    early.price = Decimal::fromInt(1);
    add(early);
    report = valuations().rebuild();
    QVERIFY(report);
    QCOMPARE(report->first, kFirst.addDays(-2));
    QCOMPARE(report->changedFrom, std::optional<QDate>(kFirst.addDays(-2)));
    QCOMPARE(report->days, 12);
    const auto rows = daily();
    QCOMPARE(rows.size(), 12);
    QCOMPARE(rows.first().value, Decimal::fromInt(100));
    QCOMPARE(rows.last().netInvested, std::optional<Decimal>(Decimal::fromInt(9100)));

    // Other kinds of valuation stay: the transactions recorded manual ones.
    int others = 0;
    for (const auto &row : *storage::ValuationRepo(m_db->db()).list(m_portfolioId))
        others += row.kind != domain::Valuation::Kind::Daily ? 1 : 0;
    QVERIFY(others > 0);
}

void TestValuationService::assetPerformanceConvention()
{
    // Sell half the bitcoin on Jan 7 at that day's close, with a fee in USDT
    // (not the asset's: it does not touch BTC's return).
    domain::Transaction sell;
    sell.kind = domain::TransactionKind::Trade;
    sell.time = at(kFirst.addDays(6), 20);
    sell.side = domain::Side::Sell;
    sell.asset = QStringLiteral("BTC");
    sell.quote = QStringLiteral("USDT");
    sell.quantity = money::dec("0.05");
    sell.price = *Decimal::fromDouble(btcClose(6), 2);
    sell.fee = Decimal::fromInt(3);
    sell.feeAsset = QStringLiteral("USDT");
    add(sell);

    services::PerformanceQuery query;
    query.asset = QStringLiteral("BTC");
    query.to = kFirst.addDays(9);
    auto report = services::PerformanceService(m_db->db(), clock()).performance(query);
    QVERIFY2(report, report ? "" : qPrintable(report.error().message));
    // The holding's value, the buy and the sell as flows at the start of
    // their day (docs/analytics.md): chained by hand from the inputs.
    double growth = 1.0;
    double previous = 0.0;
    for (int i = 0; i <= 9; ++i) {
        const double close = i == 0 ? 50000.0 : btcClose(i == 4 ? 3 : i);
        const double quantity = i >= 6 ? 0.05 : 0.1;
        const double flow = i == 0 ? 5000.0 : i == 6 ? -0.05 * btcClose(6) : 0.0;
        const double value = quantity * close;
        growth *= value / (previous + flow);
        previous = value;
    }
    QVERIFY(qAbs(report->twr.total - (growth - 1.0)) < 1e-12);
    QVERIFY(report->twr.total > 0.0);
    // Net invested: the buy in, the sell out, at their trade values.
    QCOMPARE(report->netInvested, Decimal::fromInt(5000) - money::dec("0.05") * sell.price);
    QCOMPARE(report->value.toDouble(), 0.05 * btcClose(9));
    // The missing day is the asset's only.
    QCOMPARE(report->missing.size(), 1);
    QCOMPARE(report->missing.first().asset, QStringLiteral("BTC"));

    // An asset without a transaction is an error that names it.
    query.asset = QStringLiteral("ETH");
    auto none = services::PerformanceService(m_db->db(), clock()).performance(query);
    QVERIFY(!none);
    QVERIFY2(none.error().message.contains(QStringLiteral("ETH")), qPrintable(none.error().message));
}

QTEST_GUILESS_MAIN(TestValuationService)
#include "tst_valuationservice.moc"
