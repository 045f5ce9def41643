#include "exchange/exchangefactory.h"
#include "storage/ledger.h"
#include "testsupport.h"

#include <QTest>

using ballast::exchange::ExchangeFactory;

class TestExchangeFactory : public QObject
{
    Q_OBJECT

private slots:
    void krakenNoncesKeepRisingAcrossRestartsAndClockSteps()
    {
        ballast::test::TempDatabase temp;
        const QString path = temp.path();
        quint64 last = 0;
        const qint64 clockReadings[] = {1700000000000, 1700000000000, 1700000000001, 1699999990000, 1700000005000};
        for (const qint64 now : clockReadings) {
            // A new connection each time, as after a restart of the program.
            auto db = ballast::storage::Database::open(path);
            QVERIFY(db.ok());
            const quint64 nonce = ExchangeFactory::nextNonce(**db, 7, now);
            QVERIFY2(nonce > last, qPrintable(QString::number(nonce)));
            last = nonce;
        }
        // Each account has its own sequence.
        auto db = ballast::storage::Database::open(path);
        QVERIFY(ExchangeFactory::nextNonce(**db, 8, 1) > 0);
        QVERIFY(ExchangeFactory::nextNonce(**db, 7, 1) > last);
    }

    void walletsAndUnlockedExchangesCannotTrade()
    {
        ballast::test::TempDatabase temp;
        ballast::storage::Ledger ledger(temp.db());
        QVERIFY(ledger.init(QStringLiteral("Main"), QStringLiteral("USDT")).ok());
        const auto paper = ledger.addAccount(QStringLiteral("paper"), QStringLiteral("paper"));
        const auto wallet = ledger.addAccount(QStringLiteral("cold"), QStringLiteral("manual"));
        const auto binance = ledger.addAccount(QStringLiteral("bn"), QStringLiteral("binance"));
        QVERIFY(paper.ok() && wallet.ok() && binance.ok());
        ExchangeFactory factory(temp.db(), QStringLiteral("USDT"));
        QVERIFY(factory.exchangeFor(paper->id) != nullptr);
        QCOMPARE(factory.exchangeFor(paper->id)->id(), QStringLiteral("paper"));
        QVERIFY(factory.exchangeFor(wallet->id) == nullptr);
        QVERIFY(factory.exchangeFor(binance->id) == nullptr); // no network, no key
        QVERIFY(factory.whyNot(binance->id).contains(QStringLiteral("network")));
    }
};

QTEST_GUILESS_MAIN(TestExchangeFactory)
#include "tst_exchangefactory.moc"
