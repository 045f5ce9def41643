#include "exchange/exchangefactory.h"
#include "services/ledger.h"
#include "storage/database.h"
#include "storage/marketrepo.h"
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
        ballast::services::Ledger ledger(temp.db());
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

    void anOwnNetworkBuildsConnectorsWithTheirCredentials()
    {
        ballast::test::TempDatabase temp;
        ballast::services::Ledger ledger(temp.db());
        QVERIFY(ledger.init(QStringLiteral("Main"), QStringLiteral("USDT")).ok());
        const auto binance = ledger.addAccount(QStringLiteral("bn"), QStringLiteral("binance"));
        const auto kraken = ledger.addAccount(QStringLiteral("kr"), QStringLiteral("kraken"));
        QVERIFY(binance.ok() && kraken.ok());
        ExchangeFactory factory(temp.db(), QStringLiteral("USDT"));
        QStringList asked;
        factory.setOwnNetwork(
            [&asked](const ballast::domain::Account &account) -> std::optional<ballast::exchange::ApiCredentials> {
                asked.append(account.name);
                if (account.name == QLatin1String("kr"))
                    return std::nullopt;
                return ballast::exchange::ApiCredentials{QByteArrayLiteral("key"), QByteArrayLiteral("secret")};
            });
        auto *connector = factory.exchangeFor(binance->id);
        QVERIFY(connector != nullptr);
        QCOMPARE(connector->id(), QStringLiteral("binance"));
        QVERIFY(factory.exchangeFor(kraken->id) == nullptr);
        QVERIFY(factory.whyNot(kraken->id).contains(QStringLiteral("API key")));
        QCOMPARE(asked, (QStringList{QStringLiteral("bn"), QStringLiteral("kr")}));
    }

    void aBadStoredBaseUrlIsRefusedBeforeAnyKeyIsUnlocked()
    {
        ballast::test::TempDatabase temp;
        ballast::services::Ledger ledger(temp.db());
        QVERIFY(ledger.init(QStringLiteral("Main"), QStringLiteral("USDT")).ok());
        // The ledger refuses it on the way in ...
        const auto refused = ledger.addAccount(QStringLiteral("bn"), QStringLiteral("binance"),
                                               QStringLiteral("http://api.example.com"));
        QVERIFY(!refused.ok());
        QCOMPARE(refused.error().code, QStringLiteral("url.cleartext"));
        // ... and one written another way (an older build, a hand edit) is refused on the way out.
        const auto binance = ledger.addAccount(QStringLiteral("bn"), QStringLiteral("binance"));
        const auto local =
            ledger.addAccount(QStringLiteral("local"), QStringLiteral("binance"), QStringLiteral("http://127.0.0.1:9"));
        QVERIFY(binance.ok() && local.ok());
        ballast::storage::Statement edit(temp.db(), "UPDATE accounts SET base_url = ? WHERE id = ?");
        edit.bind(1, QStringLiteral("https://user:pw@api.example.com")).bind(2, binance->id);
        edit.run();
        ExchangeFactory factory(temp.db(), QStringLiteral("USDT"));
        QStringList asked;
        factory.setOwnNetwork(
            [&asked](const ballast::domain::Account &account) -> std::optional<ballast::exchange::ApiCredentials> {
                asked.append(account.name);
                return ballast::exchange::ApiCredentials{QByteArrayLiteral("key"), QByteArrayLiteral("secret")};
            });
        QVERIFY(factory.exchangeFor(binance->id) == nullptr);
        QVERIFY2(factory.whyNot(binance->id).contains(QStringLiteral("user name or password")),
                 qPrintable(factory.whyNot(binance->id)));
        QVERIFY(factory.exchangeFor(local->id) != nullptr); // loopback may be http
        QCOMPARE(asked, QStringList{QStringLiteral("local")});
    }

    void syncTimesAreTheLastMarketReplacement()
    {
        ballast::test::TempDatabase temp;
        ballast::services::Ledger ledger(temp.db());
        const auto binance = ledger.addAccount(QStringLiteral("bn"), QStringLiteral("binance"));
        const auto paper = ledger.addAccount(QStringLiteral("paper"), QStringLiteral("paper"));
        QVERIFY(binance.ok() && paper.ok());
        ballast::storage::MarketRepo markets(temp.db());
        auto none = markets.syncTimes();
        QVERIFY(none.ok());
        QVERIFY(none->isEmpty());
        ballast::exchange::MarketRules rules;
        rules.symbol = QStringLiteral("BTC/USDT");
        rules.exchangeSymbol = QStringLiteral("BTCUSDT");
        rules.base = QStringLiteral("BTC");
        rules.quote = QStringLiteral("USDT");
        QVERIFY(markets.replace(binance->id, {rules}, 1700000000000).ok());
        QVERIFY(markets.replace(binance->id, {rules}, 1700000360000).ok());
        auto times = markets.syncTimes();
        QVERIFY(times.ok());
        QCOMPARE(times->size(), 1);
        QCOMPARE(times->value(binance->id), 1700000360000);
        QVERIFY(!times->contains(paper->id));
    }
};

QTEST_GUILESS_MAIN(TestExchangeFactory)
#include "tst_exchangefactory.moc"
