#include "analytics/costbasis.h"
#include "randomhistory.h"

#include <QTest>
#include <QTimeZone>

#include <map>
#include <tuple>

using ballast::analytics::computeCostBasis;
using ballast::analytics::CostBasisOptions;
using ballast::analytics::CostBasisResult;
using ballast::analytics::CostMethod;
using ballast::analytics::DisposalKind;
using ballast::analytics::Lot;
using ballast::analytics::LotSelection;
using ballast::analytics::planSale;
using ballast::analytics::unrealizedPnl;
using ballast::domain::Side;
using ballast::domain::Transaction;
using ballast::domain::TransactionKind;
using ballast::money::dec;
using ballast::money::Decimal;
using ballast::testsupport::RandomHistory;
using ballast::testsupport::RandomHistoryOptions;

namespace {

QDateTime at(int y, int m, int d, int hour = 12)
{
    return QDateTime(QDate(y, m, d), QTime(hour, 0), QTimeZone::utc());
}

/// Builds a ledger in time order with increasing ids.
class Ledger
{
public:
    explicit Ledger(QString quote = QStringLiteral("USD"))
        : m_quote(std::move(quote))
    {
    }

    Transaction &deposit(const QDateTime &time, const QString &asset, const char *qty, const char *price = "0",
                         qint64 account = 1)
    {
        return add(TransactionKind::Deposit, time, asset, qty, price, account);
    }
    Transaction &trade(const QDateTime &time, Side side, const QString &asset, const char *qty, const char *price,
                       qint64 account = 1)
    {
        Transaction &tx = add(TransactionKind::Trade, time, asset, qty, price, account);
        tx.side = side;
        tx.quote = m_quote;
        return tx;
    }
    Transaction &add(TransactionKind kind, const QDateTime &time, const QString &asset, const char *qty,
                     const char *price = "0", qint64 account = 1)
    {
        Transaction tx;
        tx.id = static_cast<qint64>(m_txs.size()) + 1;
        tx.kind = kind;
        tx.time = time;
        tx.accountId = account;
        tx.asset = asset;
        tx.quantity = dec(qty);
        tx.price = dec(price);
        m_txs.append(tx);
        return m_txs.back();
    }

    [[nodiscard]] const QList<Transaction> &txs() const { return m_txs; }
    [[nodiscard]] CostBasisResult run(CostMethod method, bool feesIntoBasis = true, int longTermDays = 365) const
    {
        CostBasisOptions options;
        options.method = method;
        options.quoteAsset = m_quote;
        options.feesIntoBasis = feesIntoBasis;
        options.longTermDays = longTermDays;
        auto result = computeCostBasis(m_txs, options);
        if (!result)
            qWarning("%s", qPrintable(result.error().message));
        return result.valueOr({});
    }

private:
    QString m_quote;
    QList<Transaction> m_txs;
};

QString fund()
{
    return QStringLiteral("FUND");
}
QString btc()
{
    return QStringLiteral("BTC");
}

/// IRS Publication 564 (2009), "Mutual Fund Distributions", Table 3 "Example
/// of How To Figure Basis of Shares Sold": 160 shares bought for $4,000 at $25
/// on 2/6/08, 240 for $4,800 at $20 on 8/7/08, a $300 dividend reinvested at
/// $30 (10 shares) on 12/18/08, and 210 shares sold at $32 for $6,720 on
/// 10/1/09. The publication's FIFO basis of the shares sold is $5,000.
Ledger publication564Table3()
{
    Ledger l;
    l.deposit(at(2008, 2, 1), QStringLiteral("USD"), "8800");
    l.trade(at(2008, 2, 6), Side::Buy, fund(), "160", "25");
    l.trade(at(2008, 8, 7), Side::Buy, fund(), "240", "20");
    l.add(TransactionKind::Income, at(2008, 12, 18), fund(), "10", "30").subkind = QStringLiteral("dividend");
    l.trade(at(2009, 10, 1), Side::Sell, fund(), "210", "32");
    return l;
}

Decimal sumCost(const CostBasisResult &r)
{
    Decimal total;
    for (const auto &d : r.disposals)
        total += d.cost;
    return total;
}

Decimal lotsOf(const CostBasisResult &r, const QString &asset, qint64 account = 1)
{
    Decimal total;
    for (const Lot &lot : r.openLots) {
        if (lot.asset == asset && lot.accountId == account)
            total += lot.quantity;
    }
    return total;
}

} // namespace

class TestCostBasis : public QObject
{
    Q_OBJECT

private slots:
    void publication564Fifo()
    {
        const auto r = publication564Table3().run(CostMethod::Fifo);
        QCOMPARE(r.disposals.size(), 2);
        QCOMPARE(sumCost(r), dec("5000")); // the publication's figure
        QCOMPARE(r.realized, dec("1720")); // $6,720 - $5,000
        const auto &first = r.disposals[0];
        QCOMPARE(first.quantity, dec("160"));
        QCOMPARE(first.cost, dec("4000"));
        QCOMPARE(first.proceeds, dec("5120"));
        QCOMPARE(first.acquired, at(2008, 2, 6));
        QCOMPARE(first.holdingDays, qint64(603));
        QVERIFY(first.longTerm);
        QCOMPARE(first.kind, DisposalKind::Sale);
        QCOMPARE(r.disposals[1].quantity, dec("50"));
        QCOMPARE(r.disposals[1].cost, dec("1000"));
        QCOMPARE(r.disposals[1].acquired, at(2008, 8, 7));
        QCOMPARE(r.income, dec("300"));
        // Left: 190 of the 8/7/08 shares and the 10 reinvested ones.
        QList<Lot> shares;
        for (const Lot &lot : r.openLots) {
            if (lot.asset == fund())
                shares.append(lot);
        }
        QCOMPARE(shares.size(), 2);
        QCOMPARE(shares[0].quantity, dec("190"));
        QCOMPARE(shares[0].cost, dec("3800"));
        QCOMPARE(shares[0].unitCost(), dec("20"));
        QCOMPARE(shares[1].quantity, dec("10"));
        QCOMPARE(shares[1].cost, dec("300"));
        QCOMPARE(shares[1].holdingDays(at(2009, 12, 18)), qint64(365));
    }

    // The same history under the other methods; the expected bases follow from
    // the lots of Table 3 (LIFO: 10 x $30 + 200 x $20; HIFO: 10 x $30 +
    // 160 x $25 + 40 x $20; average: 210 x $9,100 / 410).
    void publication564OtherMethods_data()
    {
        QTest::addColumn<CostMethod>("method");
        QTest::addColumn<Decimal>("basis");
        QTest::newRow("lifo") << CostMethod::Lifo << dec("4300");
        QTest::newRow("hifo") << CostMethod::Hifo << dec("5100");
        QTest::newRow("average") << CostMethod::Average << dec("9100") * dec("210") / dec("410");
    }
    void publication564OtherMethods()
    {
        QFETCH(CostMethod, method);
        QFETCH(Decimal, basis);
        const auto r = publication564Table3().run(method);
        QCOMPARE(sumCost(r), basis);
        QCOMPARE(r.realized, dec("6720") - basis);
        // Whatever the method, what is left holds the rest of the $9,100.
        Decimal leftCost;
        for (const Lot &lot : r.openLots) {
            if (lot.asset == fund())
                leftCost += lot.cost;
        }
        QCOMPARE(leftCost + basis, dec("9100"));
        QCOMPARE(lotsOf(r, fund()), dec("200"));
    }

    // Publication 564 (2009), the average basis worksheet: shares bought for
    // $1,000, $1,200 and $2,600, 300 shares in all, $16 a share; 150 sold have a
    // basis of $2,400.
    void publication564AverageWorksheet()
    {
        Ledger l;
        l.deposit(at(2008, 1, 2), QStringLiteral("USD"), "4800");
        l.trade(at(2008, 2, 1), Side::Buy, fund(), "100", "10");
        l.trade(at(2008, 5, 1), Side::Buy, fund(), "50", "24");
        l.trade(at(2008, 9, 1), Side::Buy, fund(), "150", "0").quoteAmount = dec("2600");
        l.trade(at(2009, 5, 11), Side::Sell, fund(), "150", "20");
        const auto r = l.run(CostMethod::Average);
        QCOMPARE(r.disposals.size(), 1);
        const auto &d = r.disposals[0];
        QCOMPARE(d.cost, dec("2400"));
        QVERIFY(d.pooled);
        QCOMPARE(d.lotTransactionId, qint64(0));
        // The pool's date is the quantity-weighted acquisition time.
        const qint64 weighted = (100 * at(2008, 2, 1).toMSecsSinceEpoch() + 50 * at(2008, 5, 1).toMSecsSinceEpoch()
                                 + 150 * at(2008, 9, 1).toMSecsSinceEpoch())
            / 300;
        QVERIFY(std::abs(d.acquired.toMSecsSinceEpoch() - weighted) <= 2);
        QCOMPARE(r.openLots.front().asset, fund());
        QCOMPARE(r.openLots.front().cost, dec("2400"));
        QCOMPARE(r.openLots.front().unitCost(), dec("16"));
    }

    void feesIntoBasisOrExpensed()
    {
        Ledger l(QStringLiteral("USDT"));
        l.deposit(at(2024, 1, 1), QStringLiteral("USDT"), "1000");
        auto &buy = l.trade(at(2024, 1, 2), Side::Buy, btc(), "1", "100");
        buy.fee = dec("1");
        buy.feeAsset = QStringLiteral("USDT");
        auto &sell = l.trade(at(2024, 2, 2), Side::Sell, btc(), "1", "150");
        sell.fee = dec("1.5");
        sell.feeAsset = QStringLiteral("USDT");
        const auto in = l.run(CostMethod::Fifo, true);
        QCOMPARE(in.disposals.size(), 1);
        QCOMPARE(in.disposals[0].cost, dec("101"));
        QCOMPARE(in.disposals[0].proceeds, dec("148.5"));
        QCOMPARE(in.realized, dec("47.5"));
        QCOMPARE(in.feesExpensed, Decimal());
        const auto out = l.run(CostMethod::Fifo, false);
        QCOMPARE(out.disposals[0].cost, dec("100"));
        QCOMPARE(out.disposals[0].proceeds, dec("150"));
        QCOMPARE(out.realized, dec("50"));
        QCOMPARE(out.feesExpensed, dec("2.5"));
        QCOMPARE(lotsOf(in, QStringLiteral("USDT")), dec("1047.5"));
    }

    // A fee in the bought asset (Binance style) is a disposal of that asset.
    void feeInBaseAsset()
    {
        Ledger l(QStringLiteral("USDT"));
        l.deposit(at(2024, 1, 1), QStringLiteral("USDT"), "1000");
        auto &buy = l.trade(at(2024, 1, 2), Side::Buy, btc(), "2", "100");
        buy.fee = dec("0.01");
        buy.feeAsset = btc();
        const auto r = l.run(CostMethod::Fifo, true);
        QCOMPARE(lotsOf(r, btc()), dec("1.99"));
        QCOMPARE(r.disposals.size(), 1);
        QCOMPARE(r.disposals[0].kind, DisposalKind::Fee);
        QCOMPARE(r.disposals[0].proceeds, dec("1")); // 0.01 BTC at the trade's 100
        // 200 + the 1 of fee went into the basis; the fee BTC took its share.
        Decimal cost;
        for (const Lot &lot : r.openLots) {
            if (lot.asset == btc())
                cost += lot.cost;
        }
        QCOMPARE(cost + r.disposals[0].cost, dec("201"));
    }

    // A transfer moves lots with their acquisition times; what is lost on the
    // way and a fee on the out leg are fee disposals.
    void transferKeepsAcquisitionTimes()
    {
        Ledger l(QStringLiteral("USDT"));
        l.deposit(at(2020, 1, 1), QStringLiteral("USDT"), "1000");
        l.trade(at(2020, 1, 1, 13), Side::Buy, btc(), "1", "100");
        l.trade(at(2021, 1, 1), Side::Buy, btc(), "1", "200");
        auto &out = l.add(TransactionKind::TransferOut, at(2021, 3, 1), btc(), "1.5", "300", 1);
        out.fee = dec("0.01");
        out.feeAsset = btc();
        auto &in = l.add(TransactionKind::TransferIn, at(2021, 3, 1, 14), btc(), "1.49", "300", 2);
        in.linkId = 4;
        l.trade(at(2021, 6, 1), Side::Sell, btc(), "1.49", "400", 2).quote = QStringLiteral("USDT");
        const auto r = l.run(CostMethod::Fifo);
        QVERIFY(r.unmatchedTransfers.isEmpty());
        QList<ballast::analytics::Disposal> sales;
        QList<ballast::analytics::Disposal> fees;
        for (const auto &d : r.disposals)
            (d.kind == DisposalKind::Sale ? sales : fees).append(d);
        QCOMPARE(fees.size(), 2);
        QCOMPARE(fees[0].quantity, dec("0.01")); // the out leg's fee, account 1
        QCOMPARE(fees[0].accountId, qint64(1));
        QCOMPARE(fees[1].quantity, dec("0.01")); // lost on the way
        QCOMPARE(fees[1].proceeds, dec("3"));
        QCOMPARE(r.feesExpensed, dec("6"));
        QCOMPARE(sales.size(), 2);
        QCOMPARE(sales[0].accountId, qint64(2));
        QCOMPARE(sales[0].acquired, at(2020, 1, 1, 13));
        QCOMPARE(sales[0].quantity, dec("1"));
        QCOMPARE(sales[0].cost, dec("100"));
        QVERIFY(sales[0].longTerm);
        QCOMPARE(sales[1].acquired, at(2021, 1, 1));
        QCOMPARE(sales[1].quantity, dec("0.49"));
        QCOMPARE(sales[1].cost, dec("98"));
        QVERIFY(!sales[1].longTerm);
        QCOMPARE(lotsOf(r, btc(), 1), dec("0.49"));
        QCOMPARE(lotsOf(r, btc(), 2), Decimal());
    }

    // An in leg listed before its out leg (stamped in the same second with a
    // lower id, as a Binance export lists the wallet that receives first, or
    // minutes earlier by the other side's clock) waits for it: the lots move
    // with their times and cost, as in the other order.
    void transferInLegBeforeItsOutLeg()
    {
        Ledger l(QStringLiteral("USDT"));
        l.deposit(at(2020, 1, 1), btc(), "1", "100");
        l.add(TransactionKind::TransferIn, at(2020, 2, 1, 10), btc(), "1", "0", 2).linkId = 3;
        l.add(TransactionKind::TransferOut, at(2020, 2, 1, 10), btc(), "1").linkId = 2;
        auto &back = l.add(TransactionKind::TransferIn, at(2020, 3, 1, 9), btc(), "1", "0", 1);
        back.time = back.time.addSecs(55 * 60); // 09:55, five minutes before it left
        back.linkId = 5;
        l.add(TransactionKind::TransferOut, at(2020, 3, 1, 10), btc(), "1", "0", 2).linkId = 4;
        l.trade(at(2021, 6, 1), Side::Sell, btc(), "1", "400").quote = QStringLiteral("USDT");
        const auto r = l.run(CostMethod::Fifo);
        QVERIFY(r.unmatchedTransfers.isEmpty());
        QCOMPARE(r.disposals.size(), 1);
        QCOMPARE(r.disposals[0].accountId, qint64(1));
        QCOMPARE(r.disposals[0].acquired, at(2020, 1, 1));
        QCOMPARE(r.disposals[0].cost, dec("100"));
        QCOMPARE(r.disposals[0].proceeds, dec("400"));
        QCOMPARE(r.netInvested, dec("100"));
        QCOMPARE(lotsOf(r, btc(), 1), Decimal());
        QCOMPARE(lotsOf(r, btc(), 2), Decimal());
    }

    void transferErrors()
    {
        Ledger l(QStringLiteral("USDT"));
        l.deposit(at(2020, 1, 1), btc(), "1", "100");
        l.add(TransactionKind::TransferOut, at(2020, 2, 1), btc(), "0.5").linkId = 3;
        l.add(TransactionKind::TransferIn, at(2020, 2, 2), btc(), "0.6", "0", 2).linkId = 2;
        CostBasisOptions options;
        options.quoteAsset = QStringLiteral("USDT");
        const auto grew = computeCostBasis(l.txs(), options);
        QVERIFY(!grew);
        QCOMPARE(grew.error().code, QStringLiteral("costbasis.transfer_grew"));
        QVERIFY2(grew.error().message.contains(QStringLiteral("#3")), qPrintable(grew.error().message));

        // An in leg whose out leg is missing is treated as a deposit and listed.
        Ledger lone(QStringLiteral("USDT"));
        lone.add(TransactionKind::TransferIn, at(2020, 2, 2), btc(), "0.5", "200", 2).linkId = 99;
        const auto r = lone.run(CostMethod::Fifo);
        QCOMPARE(r.unmatchedTransfers, QList<qint64>{1});
        QCOMPARE(r.netInvested, dec("100"));
        QCOMPARE(lotsOf(r, btc(), 2), dec("0.5"));
    }

    // Crypto-vs-crypto: one asset disposed, the other acquired at the trade's
    // value in the quote asset, taken from the price lookup.
    void cryptoVsCrypto()
    {
        Ledger l(QStringLiteral("USDT"));
        l.deposit(at(2024, 1, 1), btc(), "1", "30000");
        auto &swap = l.trade(at(2024, 3, 1), Side::Sell, btc(), "1", "15");
        swap.quote = QStringLiteral("ETH");
        CostBasisOptions options;
        options.quoteAsset = QStringLiteral("USDT");
        const auto missing = computeCostBasis(l.txs(), options);
        QVERIFY(!missing);
        QCOMPARE(missing.error().code, QStringLiteral("costbasis.no_value"));
        QVERIFY(missing.error().message.contains(QStringLiteral("#2")));
        options.priceAt = [](const QString &asset, const QDateTime &) -> std::optional<Decimal> {
            if (asset == QStringLiteral("ETH"))
                return dec("2100");
            return std::nullopt;
        };
        const auto r = computeCostBasis(l.txs(), options);
        QVERIFY(r);
        QCOMPARE(r->disposals.size(), 1);
        QCOMPARE(r->disposals[0].proceeds, dec("31500"));
        QCOMPARE(r->disposals[0].gain, dec("1500"));
        QCOMPARE(r->openLots.size(), 1);
        QCOMPARE(r->openLots[0].asset, QStringLiteral("ETH"));
        QCOMPARE(r->openLots[0].quantity, dec("15"));
        QCOMPARE(r->openLots[0].cost, dec("31500"));
        QCOMPARE(r->openLots[0].acquired, at(2024, 3, 1));
    }

    void oversoldIsAnError()
    {
        Ledger l(QStringLiteral("USDT"));
        l.deposit(at(2024, 1, 1), btc(), "1", "100");
        l.trade(at(2024, 1, 2), Side::Sell, btc(), "1.00000001", "100").quote = QStringLiteral("USDT");
        CostBasisOptions options;
        options.quoteAsset = QStringLiteral("USDT");
        for (CostMethod m : {CostMethod::Fifo, CostMethod::Lifo, CostMethod::Hifo, CostMethod::Average}) {
            options.method = m;
            const auto r = computeCostBasis(l.txs(), options);
            QVERIFY(!r);
            QCOMPARE(r.error().code, QStringLiteral("costbasis.oversold"));
            QVERIFY2(r.error().message.contains(QStringLiteral("transaction #2")), qPrintable(r.error().message));
            QVERIFY(r.error().message.contains(QStringLiteral("only 1 is held")));
        }
        // Spending more of the quote asset than held is refused the same way.
        Ledger q(QStringLiteral("USDT"));
        q.deposit(at(2024, 1, 1), QStringLiteral("USDT"), "99");
        q.trade(at(2024, 1, 2), Side::Buy, btc(), "1", "100").quote = QStringLiteral("USDT");
        const auto r = computeCostBasis(q.txs(), options);
        QVERIFY(!r);
        QCOMPARE(r.error().code, QStringLiteral("costbasis.oversold"));
    }

    void unsortedIsAnError()
    {
        Ledger l(QStringLiteral("USDT"));
        l.deposit(at(2024, 2, 1), btc(), "1", "100");
        l.deposit(at(2024, 1, 1), btc(), "1", "100");
        CostBasisOptions options;
        options.quoteAsset = QStringLiteral("USDT");
        const auto r = computeCostBasis(l.txs(), options);
        QVERIFY(!r);
        QCOMPARE(r.error().code, QStringLiteral("costbasis.unsorted"));
    }

    void depositWithoutPriceAndIncome()
    {
        Ledger l(QStringLiteral("USDT"));
        l.deposit(at(2024, 1, 1), btc(), "1");
        l.add(TransactionKind::Income, at(2024, 1, 5), btc(), "0.1", "40000");
        l.add(TransactionKind::Withdrawal, at(2024, 2, 1), btc(), "1.1", "50000");
        const auto r = l.run(CostMethod::Fifo);
        QCOMPARE(r.disposals.size(), 2);
        QVERIFY(r.disposals[0].basisUnknown);
        QCOMPARE(r.disposals[0].cost, Decimal());
        QCOMPARE(r.disposals[0].kind, DisposalKind::Withdrawal);
        QVERIFY(!r.disposals[1].basisUnknown);
        QCOMPARE(r.disposals[1].cost, dec("4000"));
        QCOMPARE(r.income, dec("4000"));
        QCOMPARE(r.netInvested, dec("-55000")); // the deposit had no known value
    }

    void longTermThreshold_data()
    {
        QTest::addColumn<int>("threshold");
        QTest::addColumn<bool>("firstLong");
        QTest::addColumn<bool>("secondLong");
        QTest::newRow("default 365") << 365 << false << true;
        QTest::newRow("30 days") << 30 << true << true;
        QTest::newRow("400 days") << 400 << false << false;
    }
    void longTermThreshold()
    {
        QFETCH(int, threshold);
        QFETCH(bool, firstLong);
        QFETCH(bool, secondLong);
        Ledger l(QStringLiteral("USDT"));
        l.deposit(at(2021, 1, 1), btc(), "2", "100");
        l.add(TransactionKind::Withdrawal, at(2022, 1, 1), btc(), "1", "100"); // 365 days: not more than a year
        l.add(TransactionKind::Withdrawal, at(2022, 1, 2), btc(), "1", "100"); // 366 days
        const auto r = l.run(CostMethod::Fifo, true, threshold);
        QCOMPARE(r.disposals[0].holdingDays, qint64(365));
        QCOMPARE(r.disposals[0].longTerm, firstLong);
        QCOMPARE(r.disposals[1].holdingDays, qint64(366));
        QCOMPARE(r.disposals[1].longTerm, secondLong);
    }

    void unrealized()
    {
        const auto r = publication564Table3().run(CostMethod::Fifo);
        QList<Lot> lots = r.openLots;
        Lot other;
        other.accountId = 2;
        other.asset = QStringLiteral("NOPRICE");
        other.quantity = dec("3");
        other.cost = dec("30");
        lots.append(other);
        const auto report = unrealizedPnl(lots, {{fund(), dec("35")}}, QStringLiteral("USD"));
        QCOMPARE(report.missingPrices, QList<QString>{QStringLiteral("NOPRICE")});
        QCOMPARE(report.byAsset.size(), 3);
        QCOMPARE(report.byAsset[0].asset, fund());
        QCOMPARE(report.byAsset[0].quantity, dec("200"));
        QCOMPARE(report.byAsset[0].value, dec("7000"));
        QCOMPARE(report.byAsset[0].unrealized, dec("2900")); // 7,000 - 3,800 - 300
        QCOMPARE(report.byAsset[1].asset, QStringLiteral("NOPRICE"));
        QCOMPARE(report.byAsset[1].unrealized, dec("-30"));
        QCOMPARE(report.byAccount.size(), 2);
        QCOMPARE(report.byAccount[1].accountId, qint64(2));
        QCOMPARE(report.byAccount[1].value, Decimal());
        // The USD left (8,800 - 8,800 + 6,720) is worth its cost.
        QCOMPARE(report.byAsset[2].asset, QStringLiteral("USD"));
        QCOMPARE(report.byAsset[2].value, dec("6720"));
        QCOMPARE(report.byAsset[2].unrealized, Decimal());
        QCOMPARE(report.unrealized, dec("2870"));
    }

    void planSaleSelections_data()
    {
        QTest::addColumn<LotSelection>("selection");
        QTest::addColumn<QList<qint64>>("lots");
        QTest::addColumn<QList<Decimal>>("quantities");
        QTest::addColumn<Decimal>("gain");
        QTest::addColumn<Decimal>("longGain");
        // Lots: #1 2019-01-01 10 @ 10 (long), #2 2020-06-01 10 @ 30, #3 2020-12-01 10 @ 20; price 25.
        QTest::newRow("fifo") << LotSelection::Fifo << QList<qint64>{1, 2} << QList<Decimal>{dec("10"), dec("5")}
                              << dec("125") << dec("150");
        QTest::newRow("hifo") << LotSelection::Hifo << QList<qint64>{2, 3} << QList<Decimal>{dec("10"), dec("5")}
                              << dec("-25") << Decimal();
        QTest::newRow("least gain") << LotSelection::LeastGain << QList<qint64>{2, 1}
                                    << QList<Decimal>{dec("10"), dec("5")} << dec("25") << dec("75");
        QTest::newRow("prefer long term") << LotSelection::PreferLongTerm << QList<qint64>{1, 2}
                                          << QList<Decimal>{dec("10"), dec("5")} << dec("125") << dec("150");
    }
    void planSaleSelections()
    {
        QFETCH(LotSelection, selection);
        QFETCH(QList<qint64>, lots);
        QFETCH(QList<Decimal>, quantities);
        QFETCH(Decimal, gain);
        QFETCH(Decimal, longGain);
        const QList<Lot> open = saleLots();
        const auto plan = planSale(open, 1, btc(), dec("15"), dec("25"), at(2021, 1, 1), selection);
        QVERIFY(plan);
        QCOMPARE(plan->picks.size(), lots.size());
        for (qsizetype i = 0; i < lots.size(); ++i) {
            QCOMPARE(plan->picks[i].lot.transactionId, lots[i]);
            QCOMPARE(plan->picks[i].quantity, quantities[i]);
        }
        QCOMPARE(plan->gain, gain);
        QCOMPARE(plan->longTermGain, longGain);
        QCOMPARE(plan->shortTermGain + plan->longTermGain, plan->gain);
        QCOMPARE(plan->proceeds, dec("375"));
        QCOMPARE(plan->proceeds - plan->cost, plan->gain);
    }

    void planSaleTooMuch()
    {
        const auto plan = planSale(saleLots(), 1, btc(), dec("30.1"), dec("25"), at(2021, 1, 1), LotSelection::Fifo);
        QVERIFY(!plan);
        QCOMPARE(plan.error().code, QStringLiteral("costbasis.insufficient"));
        QVERIFY(plan.error().message.contains(QStringLiteral("only 30 is held")));
        // Another account's lots do not count.
        QVERIFY(!planSale(saleLots(), 2, btc(), dec("1"), dec("25"), at(2021, 1, 1), LotSelection::Fifo));
    }

    // Random histories: the lots always add up to the holdings, the P&L
    // identity holds to the last digit, and the method only moves P&L between
    // realized and unrealized.
    void propertiesOverRandomHistories()
    {
        // The histories must exercise what the properties are about.
        QHash<DisposalKind, int> kinds;
        int pooled = 0;
        for (quint32 seed = 1; seed <= 80; ++seed) {
            RandomHistoryOptions o;
            o.seed = seed;
            o.transactions = 250;
            const RandomHistory history(o);
            const auto prices = history.lastCloses();
            std::optional<Decimal> total;
            for (CostMethod m : {CostMethod::Fifo, CostMethod::Lifo, CostMethod::Hifo, CostMethod::Average}) {
                for (bool feesIn : {true, false}) {
                    CostBasisOptions options;
                    options.method = m;
                    options.quoteAsset = RandomHistory::quote();
                    options.feesIntoBasis = feesIn;
                    options.priceAt = [&history](const QString &asset, const QDateTime &t) {
                        return history.close(asset, t.toUTC().date());
                    };
                    const auto r = computeCostBasis(history.transactions(), options);
                    QVERIFY2(
                        r, qPrintable(QStringLiteral("seed %1: %2").arg(seed).arg(r ? QString() : r.error().message)));
                    checkPositions(history.transactions(), *r, seed);
                    const auto report = unrealizedPnl(r->openLots, prices, RandomHistory::quote());
                    QVERIFY(report.missingPrices.isEmpty());
                    const Decimal pnl = r->realized + report.unrealized + r->income - r->feesExpensed;
                    QVERIFY2(pnl == report.value - r->netInvested,
                             qPrintable(QStringLiteral("seed %1, %2: realized + unrealized + income - fees = %3, "
                                                       "value - net invested = %4")
                                            .arg(seed)
                                            .arg(ballast::analytics::costMethodName(m), pnl.toString(),
                                                 (report.value - r->netInvested).toString())));
                    const Decimal economic = r->realized + report.unrealized - r->feesExpensed;
                    if (!total)
                        total = economic;
                    QCOMPARE(economic, *total);
                    QVERIFY(r->unmatchedTransfers.isEmpty());
                    for (const auto &d : r->disposals) {
                        QCOMPARE(d.gain, d.proceeds - d.cost);
                        QVERIFY(d.quantity.isPositive());
                        ++kinds[d.kind];
                        pooled += d.pooled ? 1 : 0;
                    }
                }
            }
        }
        QVERIFY(kinds.value(DisposalKind::Sale) > 1000);
        QVERIFY(kinds.value(DisposalKind::Fee) > 1000);
        QVERIFY(kinds.value(DisposalKind::Withdrawal) > 100);
        QVERIFY(kinds.value(DisposalKind::Adjustment) > 100);
        QVERIFY(pooled > 1000);
    }

    // Every method in one pass gives, method by method, exactly what one
    // call per method gives: the same lots, disposals and totals.
    void allMethodsInOnePassEqualOnePassEach()
    {
        const QList<CostMethod> methods = {CostMethod::Hifo, CostMethod::Fifo, CostMethod::Average, CostMethod::Lifo};
        // Seed 31 is large enough for the two threads (20,000 transactions and more).
        for (quint32 seed = 1; seed <= 31; ++seed) {
            RandomHistoryOptions o;
            o.seed = seed;
            o.transactions = seed == 31 ? 24'000 : 300;
            const RandomHistory history(o);
            CostBasisOptions options;
            options.quoteAsset = RandomHistory::quote();
            options.feesIntoBasis = seed % 2 == 0;
            options.priceAt = [&history](const QString &asset, const QDateTime &t) {
                return history.close(asset, t.toUTC().date());
            };
            const auto all = computeCostBasis(history.transactions(), options, methods);
            QVERIFY2(all, qPrintable(QStringLiteral("seed %1").arg(seed)));
            QCOMPARE(all->size(), methods.size());
            for (qsizetype i = 0; i < methods.size(); ++i) {
                options.method = methods[i];
                const auto one = computeCostBasis(history.transactions(), options);
                QVERIFY(one);
                const CostBasisResult &a = (*all)[i];
                const QString where =
                    QStringLiteral("seed %1, %2").arg(seed).arg(ballast::analytics::costMethodName(methods[i]));
                QVERIFY2(a.openLots == one->openLots, qPrintable(where + QStringLiteral(": open lots")));
                QVERIFY2(a.disposals == one->disposals, qPrintable(where + QStringLiteral(": disposals")));
                QVERIFY2(a.realized == one->realized && a.income == one->income && a.feesExpensed == one->feesExpensed
                             && a.netInvested == one->netInvested && a.unmatchedTransfers == one->unmatchedTransfers,
                         qPrintable(where + QStringLiteral(": totals")));
            }
        }
        // An error is the same error.
        Ledger l(QStringLiteral("USDT"));
        l.deposit(at(2021, 1, 1), QStringLiteral("USDT"), "100");
        l.trade(at(2021, 1, 2), Side::Buy, btc(), "1", "50");
        l.trade(at(2021, 1, 3), Side::Sell, btc(), "2", "60");
        CostBasisOptions options;
        options.quoteAsset = QStringLiteral("USDT");
        const auto one = computeCostBasis(l.txs(), options);
        const auto all = computeCostBasis(l.txs(), options, methods);
        QVERIFY(!one);
        QVERIFY(!all);
        QCOMPARE(all.error().code, QStringLiteral("costbasis.oversold"));
        QCOMPARE(all.error().message, one.error().message);
        // ... also when two threads share the methods.
        Ledger big(QStringLiteral("USDT"));
        for (int i = 0; i < 20'000; ++i)
            big.deposit(at(2021, 1, 1).addSecs(i), QStringLiteral("USDT"), "1");
        big.trade(at(2021, 2, 1), Side::Buy, btc(), "1", "15000");
        big.trade(at(2021, 2, 2), Side::Sell, btc(), "1.5", "16000");
        const auto oneBig = computeCostBasis(big.txs(), options);
        const auto allBig = computeCostBasis(big.txs(), options, methods);
        QVERIFY(!oneBig);
        QVERIFY(!allBig);
        QCOMPARE(allBig.error().message, oneBig.error().message);
    }

private:
    static QList<Lot> saleLots()
    {
        QList<Lot> out;
        const auto lot = [&](qint64 id, const QDateTime &t, const char *cost) {
            Lot l;
            l.accountId = 1;
            l.asset = btc();
            l.transactionId = id;
            l.acquired = t;
            l.quantity = dec("10");
            l.cost = dec(cost);
            out.append(l);
        };
        lot(3, at(2020, 12, 1), "200");
        lot(1, at(2019, 1, 1), "100");
        lot(2, at(2020, 6, 1), "300");
        return out;
    }

    static void checkPositions(const QList<Transaction> &txs, const CostBasisResult &r, quint32 seed)
    {
        std::map<std::tuple<qint64, QString, QString>, Decimal> held;
        for (const Transaction &tx : txs) {
            for (const auto &c : ballast::domain::balanceChanges(tx))
                held[{c.accountId, c.network, c.asset}] += c.delta;
        }
        std::map<std::tuple<qint64, QString, QString>, Decimal> lots;
        for (const Lot &lot : r.openLots) {
            QVERIFY(lot.quantity.isPositive());
            QVERIFY(!lot.cost.isNegative());
            lots[{lot.accountId, lot.network, lot.asset}] += lot.quantity;
        }
        for (const auto &[key, qty] : held) {
            const Decimal inLots = lots.count(key) ? lots.at(key) : Decimal();
            if (inLots != qty) {
                qWarning("seed %u: account %lld %s %s: lots %s, balance %s", seed,
                         static_cast<long long>(std::get<0>(key)), qPrintable(std::get<1>(key)),
                         qPrintable(std::get<2>(key)), qPrintable(inLots.toString()), qPrintable(qty.toString()));
            }
            QCOMPARE(inLots, qty);
        }
    }
};

QTEST_GUILESS_MAIN(TestCostBasis)
#include "tst_costbasis.moc"
