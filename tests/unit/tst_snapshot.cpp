#include "rebalance/snapshot.h"

#include <QTest>
#include <QTimeZone>

using ballast::domain::Band;
using ballast::domain::Holding;
using ballast::domain::Portfolio;
using ballast::domain::PricePoint;
using ballast::domain::Target;
using ballast::money::dec;
using ballast::rebalance::Snapshot;

namespace {

PricePoint price(const char *asset, const char *value, const char *source = "manual")
{
    return PricePoint{QString::fromLatin1(asset), QStringLiteral("USDT"), QDateTime(), dec(value),
                      QString::fromLatin1(source)};
}

Portfolio portfolio(QList<Target> targets, Band band = {Band::Kind::Absolute, 0.05})
{
    Portfolio p;
    p.name = QStringLiteral("Main");
    p.quote = QStringLiteral("USDT");
    p.targets = std::move(targets);
    p.defaultBand = band;
    return p;
}

} // namespace

class TestSnapshot : public QObject
{
    Q_OBJECT

private slots:
    void aggregatesAcrossAccountsAndNetworks()
    {
        const QList<Holding> holdings{
            {1, QStringLiteral("paper"), QStringLiteral("USDC"), {}, dec("100")},
            {2, QStringLiteral("wallet"), QStringLiteral("USDC"), QStringLiteral("ethereum"), dec("50")},
            {2, QStringLiteral("wallet"), QStringLiteral("USDC"), QStringLiteral("base"), dec("25.5")},
            {1, QStringLiteral("paper"), QStringLiteral("BTC"), {}, dec("0.01")},
        };
        QHash<QString, PricePoint> prices{{QStringLiteral("USDC"), price("USDC", "1.0001")},
                                          {QStringLiteral("BTC"), price("BTC", "50000")}};
        const auto snapshot = Snapshot::build(portfolio({}), holdings, prices, QDateTime::currentDateTimeUtc());
        const auto *usdc = snapshot.position(QStringLiteral("USDC"));
        QVERIFY(usdc);
        QCOMPARE(usdc->quantity, dec("175.5"));
        QCOMPARE(usdc->split.size(), 3);
        QCOMPARE(usdc->value, dec("175.51755"));
        QCOMPARE(snapshot.totalValue(), dec("675.51755"));
        QCOMPARE(snapshot.positions().first().asset, QStringLiteral("BTC")); // largest first
    }

    void weightsAndDrift_data()
    {
        QTest::addColumn<QString>("btcQty");
        QTest::addColumn<QString>("ethQty");
        QTest::addColumn<double>("btcWeight");
        QTest::addColumn<double>("btcDrift");
        QTest::addColumn<bool>("outside");
        // BTC 50000, ETH 2500, targets 50/50, band 5pp
        QTest::newRow("on target") << "0.1"
                                   << "2" << 0.5 << 0.0 << false;
        QTest::newRow("eth +20%") << "0.1"
                                  << "2.4" << 5000.0 / 11000.0 << 5000.0 / 11000.0 - 0.5 << false;
        QTest::newRow("btc doubled") << "0.2"
                                     << "2" << 10000.0 / 15000.0 << 10000.0 / 15000.0 - 0.5 << true;
        QTest::newRow("on the edge") << "0.11"
                                     << "1.8" << 0.55 << 0.05 << false;
    }

    void weightsAndDrift()
    {
        QFETCH(QString, btcQty);
        QFETCH(QString, ethQty);
        QFETCH(double, btcWeight);
        QFETCH(double, btcDrift);
        QFETCH(bool, outside);
        const QList<Holding> holdings{
            {1, QStringLiteral("paper"), QStringLiteral("BTC"), {}, *ballast::money::Decimal::parse(btcQty)},
            {1, QStringLiteral("paper"), QStringLiteral("ETH"), {}, *ballast::money::Decimal::parse(ethQty)}};
        QHash<QString, PricePoint> prices{{QStringLiteral("BTC"), price("BTC", "50000")},
                                          {QStringLiteral("ETH"), price("ETH", "2500")}};
        const auto snapshot = Snapshot::build(
            portfolio({{QStringLiteral("BTC"), dec("0.5"), {}}, {QStringLiteral("ETH"), dec("0.5"), {}}}), holdings,
            prices, QDateTime::currentDateTimeUtc());
        const auto *btc = snapshot.position(QStringLiteral("BTC"));
        QVERIFY(btc);
        QVERIFY(qAbs(btc->weight - btcWeight) < 1e-12);
        QVERIFY(qAbs(btc->drift() - btcDrift) < 1e-12);
        QCOMPARE(btc->outsideBand(), outside);
        QVERIFY(qAbs(btc->relativeDrift() - btcDrift / 0.5) < 1e-12);
    }

    void relativeBandsAndOverrides()
    {
        Target btc{QStringLiteral("BTC"), dec("0.8"), {}};
        Target sol{QStringLiteral("SOL"), dec("0.2"), Band{Band::Kind::Absolute, 0.01}};
        // BTC 75 %, SOL 25 %: BTC drift -5pp inside a 25% relative band (20pp);
        // SOL drift +5pp outside its own 1pp band.
        const QList<Holding> holdings{{1, QStringLiteral("p"), QStringLiteral("BTC"), {}, dec("75")},
                                      {1, QStringLiteral("p"), QStringLiteral("SOL"), {}, dec("25")}};
        QHash<QString, PricePoint> prices{{QStringLiteral("BTC"), price("BTC", "1")},
                                          {QStringLiteral("SOL"), price("SOL", "1")}};
        const auto snapshot = Snapshot::build(portfolio({btc, sol}, Band{Band::Kind::Relative, 0.25}), holdings, prices,
                                              QDateTime::currentDateTimeUtc());
        QVERIFY(!snapshot.position(QStringLiteral("BTC"))->outsideBand());
        QVERIFY(snapshot.position(QStringLiteral("SOL"))->outsideBand());
    }

    void targetWithoutHoldingAndHoldingWithoutPrice()
    {
        const QList<Holding> holdings{{1, QStringLiteral("p"), QStringLiteral("USDT"), {}, dec("100")},
                                      {1, QStringLiteral("p"), QStringLiteral("XYZ"), {}, dec("5")}};
        const auto snapshot = Snapshot::build(
            portfolio({{QStringLiteral("BTC"), dec("0.5"), {}}, {QStringLiteral("USDT"), dec("0.5"), {}}}), holdings,
            {}, QDateTime::currentDateTimeUtc());
        QCOMPARE(snapshot.totalValue(), dec("100"));
        QCOMPARE(snapshot.missingPrices(), QStringList{QStringLiteral("XYZ")});
        const auto *btc = snapshot.position(QStringLiteral("BTC"));
        QVERIFY(btc);
        QCOMPARE(btc->weight, 0.0);
        QCOMPARE(btc->drift(), -0.5);
        QVERIFY(btc->outsideBand());
        QCOMPARE(snapshot.position(QStringLiteral("USDT"))->weight, 1.0);
        QVERIFY(!snapshot.isSimulated());
    }

    void simulatedPricesAreFlagged()
    {
        const QList<Holding> holdings{{1, QStringLiteral("p"), QStringLiteral("BTC"), {}, dec("1")}};
        QHash<QString, PricePoint> prices{{QStringLiteral("BTC"), price("BTC", "10", "simulated")}};
        const auto snapshot = Snapshot::build(portfolio({}), holdings, prices, QDateTime::currentDateTimeUtc());
        QVERIFY(snapshot.isSimulated());
        QVERIFY(snapshot.position(QStringLiteral("BTC"))->simulatedPrice);
    }
};

QTEST_GUILESS_MAIN(TestSnapshot)
#include "tst_snapshot.moc"
