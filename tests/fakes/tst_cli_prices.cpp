// ballast-cli prices fetch and prices map against the fakes of Binance
// klines, Kraken OHLC and CoinGecko (on a thread of their own), with the
// clock pinned through BALLAST_NOW and the fakes' clocks set to it.
#include "clirunner.h"
#include "fakebinance.h"
#include "fakecoingecko.h"
#include "fakekraken.h"
#include "services/ledgerqueries.h"
#include "storage/database.h"
#include "testsupport.h"

#include <QFile>
#include <QJsonArray>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>
#include <QTimeZone>

using ballast::test::CliRun;
using ballast::test::fake::FakeBinance;
using ballast::test::fake::FakeCoinGecko;
using ballast::test::fake::FakeEndpoint;
using ballast::test::fake::FakeKraken;

class TestCliPrices : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    QThread m_thread;
    QObject *m_anchor = nullptr;
    FakeBinance *m_binance = nullptr;
    FakeKraken *m_kraken = nullptr;
    FakeCoinGecko *m_coinGecko = nullptr;
    QString m_binanceUrl;
    QString m_krakenUrl;
    QString m_coinGeckoUrl;
    QString m_db;
    const QDateTime kStart = QDateTime(QDate(2026, 6, 1), QTime(12, 0), QTimeZone::utc());
    QDateTime m_now = kStart;

    void onFakes(const std::function<void()> &function)
    {
        QMetaObject::invokeMethod(m_anchor, function, Qt::BlockingQueuedConnection);
    }

    void setNow(const QDateTime &now)
    {
        m_now = now;
        const qint64 ms = now.toMSecsSinceEpoch();
        onFakes([this, ms] {
            m_binance->setClockOffsetMs(ms - QDateTime::currentMSecsSinceEpoch());
            m_kraken->setClockOffsetMs(ms - QDateTime::currentMSecsSinceEpoch());
            m_coinGecko->setNowMs(ms);
        });
    }

    CliRun cli(const QStringList &arguments, const QProcessEnvironment &extra = {})
    {
        return ballast::test::runCli(m_db, arguments, m_now.toString(Qt::ISODate), extra);
    }

    QString day(int daysBack) const { return m_now.addDays(-daysBack).date().toString(Qt::ISODate); }

    QList<ballast::domain::Candle> stored(const QString &asset, const QString &quote)
    {
        auto db = ballast::storage::Database::open(m_db, ballast::storage::Database::Mode::ReadWriteExisting);
        if (!db)
            return {};
        auto candles = ballast::services::LedgerQueries(**db).candles(asset, quote, QStringLiteral("1d"));
        return candles ? *candles : QList<ballast::domain::Candle>();
    }

    QByteArray digest()
    {
        auto db = ballast::storage::Database::open(m_db, ballast::storage::Database::Mode::ReadWriteExisting);
        return db ? ballast::test::contentDigest(**db) : db.error().message.toUtf8();
    }

private slots:
    void initTestCase()
    {
        BALLAST_SKIP_CHILD_PROCESS_UNDER_TSAN();
        QVERIFY(m_dir.isValid());
        QVERIFY2(!qEnvironmentVariable("BALLAST_CLI").isEmpty(), "BALLAST_CLI is not set (run through ctest)");
        m_anchor = new QObject;
        m_anchor->moveToThread(&m_thread);
        connect(&m_thread, &QThread::finished, m_anchor, &QObject::deleteLater);
        m_thread.start();
        onFakes([this] {
            m_binance = new FakeBinance;
            m_kraken = new FakeKraken;
            m_coinGecko = new FakeCoinGecko;
            if (m_binance->listenLocal())
                m_binanceUrl = m_binance->baseUrl().toString();
            if (m_kraken->listenLocal())
                m_krakenUrl = m_kraken->baseUrl().toString();
            if (m_coinGecko->listenLocal())
                m_coinGeckoUrl = m_coinGecko->baseUrl().toString();
        });
        QVERIFY(!m_binanceUrl.isEmpty() && !m_krakenUrl.isEmpty() && !m_coinGeckoUrl.isEmpty());
    }

    /// Each test its own database, clock and fakes: none depends on what an
    /// earlier one stored, or on the order they run in.
    void init()
    {
        onFakes([this] {
            m_binance->reset();
            m_kraken->reset();
            m_coinGecko->setRateLimited(-1, 0);
        });
        setNow(kStart);
        m_db = m_dir.filePath(QStringLiteral("%1.sqlite").arg(QString::fromLatin1(QTest::currentTestFunction())));
        QVERIFY(!QFile::exists(m_db));
        QCOMPARE(cli({QStringLiteral("init"), QStringLiteral("--quote"), QStringLiteral("USD")}).exitCode, 0);
    }

    void cleanupTestCase()
    {
        if (!m_anchor)
            return;
        onFakes([this] {
            delete m_binance;
            delete m_kraken;
            delete m_coinGecko;
        });
        m_thread.quit();
        m_thread.wait();
    }

    void badCommandLinesStoreNothing()
    {
        const QByteArray before = digest();
        const struct
        {
            QStringList arguments;
            const char *words;
        } cases[] = {
            {{QStringLiteral("--source"), QStringLiteral("bitstamp")}, "--source \"bitstamp\": expected binance"},
            {{QStringLiteral("--source"), QStringLiteral("binance"), QStringLiteral("--interval"),
              QStringLiteral("5m")},
             "--interval \"5m\": expected 1d or 1h"},
            {{QStringLiteral("--source"), QStringLiteral("coingecko"), QStringLiteral("--asset"), QStringLiteral("BTC"),
              QStringLiteral("--interval"), QStringLiteral("1h")},
             "--interval 1h with coingecko"},
            {{QStringLiteral("--source"), QStringLiteral("binance"), QStringLiteral("--from"),
              QStringLiteral("last week")},
             "--from"},
            {{QStringLiteral("--source"), QStringLiteral("binance"), QStringLiteral("--base-url"),
              QStringLiteral("http://api.example.com")},
             "api.example.com"},
            {{QStringLiteral("--source"), QStringLiteral("binance"), QStringLiteral("--asset"), QStringLiteral("BT C")},
             "--asset \"BT C\""},
            {{QStringLiteral("--source"), QStringLiteral("coingecko"), QStringLiteral("--api-key-env"),
              QStringLiteral("BALLAST_TEST_NO_SUCH_VARIABLE")},
             "--api-key-env BALLAST_TEST_NO_SUCH_VARIABLE"},
            {{}, "prices fetch needs --source"},
        };
        for (const auto &c : cases) {
            const CliRun run = cli(QStringList{QStringLiteral("prices"), QStringLiteral("fetch")} + c.arguments);
            QCOMPARE(run.exitCode, 2);
            QVERIFY2(run.err.contains(QLatin1String(c.words)), qPrintable(run.err));
        }
        QCOMPARE(digest(), before);
    }

    void binancePagesThreeTimesThenOnlyTheNewDays()
    {
        onFakes([this] { m_binance->clearRequestLog(); });
        const CliRun run = cli(ballast::test::words("--json prices fetch --source binance --asset BTC --from")
                               << day(2500) << QStringLiteral("--base-url") << m_binanceUrl);
        QVERIFY2(run.exitCode == 0, qPrintable(run.err));
        const QJsonObject btc = run.json().value(QStringLiteral("assets")).toArray().first().toObject();
        QCOMPARE(btc.value(QStringLiteral("stored")).toInt(), 2500);
        QCOMPARE(btc.value(QStringLiteral("requests")).toInt(), 3);
        QCOMPARE(btc.value(QStringLiteral("symbol")).toString(), QStringLiteral("BTCUSDT"));
        QCOMPARE(btc.value(QStringLiteral("last")).toString(), QStringLiteral("2026-05-31T00:00:00.000Z"));
        int klines = 0;
        onFakes([&] { klines = m_binance->requestCount(FakeEndpoint::Candles); });
        QCOMPARE(klines, 3);
        QCOMPARE(stored(QStringLiteral("BTC"), QStringLiteral("USDT")).size(), 2500);

        setNow(m_now.addDays(3));
        const CliRun again = cli(ballast::test::words("prices fetch --source binance --asset BTC --from")
                                 << day(2503) << QStringLiteral("--base-url") << m_binanceUrl);
        QVERIFY2(again.exitCode == 0, qPrintable(again.err));
        QVERIFY2(again.out.contains(QLatin1String("binance BTC/USDT (BTCUSDT 1d): 3 new candles stored in 1 request")),
                 qPrintable(again.out));
        onFakes([&] { klines = m_binance->requestCount(FakeEndpoint::Candles); });
        QCOMPARE(klines, 4);
        QCOMPARE(stored(QStringLiteral("BTC"), QStringLiteral("USDT")).size(), 2503);
    }

    void krakensWindowIsReported()
    {
        const CliRun run = cli(ballast::test::words("prices fetch --source kraken --asset ETH --from")
                               << day(1000) << QStringLiteral("--base-url") << m_krakenUrl);
        QVERIFY2(run.exitCode == 0, qPrintable(run.err));
        QVERIFY2(run.out.contains(QLatin1String("kraken ETH/USD (ETHUSD 1d): 719 new candles")), qPrintable(run.out));
        QVERIFY2(run.out.contains(QLatin1String("Kraken serves only the most recent 720 daily candles; use binance or "
                                                "coingecko for earlier history")),
                 qPrintable(run.out));
    }

    void coinGeckoStoresMarketCapsAfterA429()
    {
        onFakes([this] { m_coinGecko->setRateLimited(1, 1, 1); });
        QProcessEnvironment env;
        env.insert(QStringLiteral("BALLAST_TEST_GECKO_KEY"), QStringLiteral("demo-123"));
        const CliRun run = cli(ballast::test::words("--json prices fetch --source coingecko --asset BTC --asset SOL "
                                                    "--api-key-env BALLAST_TEST_GECKO_KEY --from")
                                   << day(120) << QStringLiteral("--base-url") << m_coinGeckoUrl,
                               env);
        QVERIFY2(run.exitCode == 0, qPrintable(run.err + run.out));
        const QJsonArray assets = run.json().value(QStringLiteral("assets")).toArray();
        QCOMPARE(assets.size(), 2);
        QCOMPARE(assets[1].toObject().value(QStringLiteral("requests")).toInt(), 2); // 429, then the answer
        QVERIFY2(assets[1]
                     .toObject()
                     .value(QStringLiteral("notes"))
                     .toArray()
                     .first()
                     .toString()
                     .contains(QLatin1String("too many requests")),
                 qPrintable(run.out));
        for (const QString &asset : {QStringLiteral("BTC"), QStringLiteral("SOL")}) {
            const auto candles = stored(asset, QStringLiteral("USD"));
            QCOMPARE(candles.size(), 120);
            for (const auto &candle : candles)
                QVERIFY(candle.marketCap > 0.0);
        }
        QList<QByteArray> keys;
        onFakes([&] { keys = m_coinGecko->keysSeen(); });
        QVERIFY(keys.contains(QByteArray("demo-123")));
    }

    void oneFailingAssetLeavesTheOthersStored()
    {
        // BTC has its newest 120 days already: only the 80 before them are asked.
        const CliRun first = cli(ballast::test::words("prices fetch --source coingecko --asset BTC --from")
                                 << day(120) << QStringLiteral("--base-url") << m_coinGeckoUrl);
        QVERIFY2(first.exitCode == 0, qPrintable(first.err));
        QCOMPARE(stored(QStringLiteral("BTC"), QStringLiteral("USD")).size(), 120);

        const CliRun run = cli(
            ballast::test::words("--json prices fetch --source coingecko --asset ETH --asset NOSUCHCOIN --asset BTC "
                                 "--from")
            << day(200) << QStringLiteral("--base-url") << m_coinGeckoUrl);
        QCOMPARE(run.exitCode, 1);
        QVERIFY2(run.err.contains(QLatin1String("1 of 3 asset(s) failed and stored nothing (NOSUCHCOIN)")),
                 qPrintable(run.err));
        const QJsonArray assets = run.json().value(QStringLiteral("assets")).toArray();
        QCOMPARE(assets.size(), 3);
        QVERIFY2(assets[1]
                     .toObject()
                     .value(QStringLiteral("error"))
                     .toString()
                     .contains(QLatin1String("no coingecko id known for NOSUCHCOIN")),
                 qPrintable(run.out));
        // ETH and BTC stored.
        QCOMPARE(assets[0].toObject().value(QStringLiteral("stored")).toInt(), 200);
        QCOMPARE(assets[2].toObject().value(QStringLiteral("stored")).toInt(), 80); // 120 of its 200 days were there
        QCOMPARE(assets[2].toObject().value(QStringLiteral("stored_total")).toInt(), 200);
        QCOMPARE(stored(QStringLiteral("BTC"), QStringLiteral("USD")).size(), 200);

        // Named by hand, the coin is found (the fake serves solana under that id).
        const CliRun map = cli(ballast::test::words("prices map --asset NOSUCHCOIN --source coingecko --id solana"));
        QVERIFY2(map.exitCode == 0, qPrintable(map.err));
        const CliRun list = cli(ballast::test::words("prices map"));
        QVERIFY2(list.out.contains(QLatin1String("NOSUCHCOIN on coingecko: solana (automatic: none)")),
                 qPrintable(list.out));
        const CliRun again = cli(ballast::test::words("prices fetch --source coingecko --asset NOSUCHCOIN --from")
                                 << day(200) << QStringLiteral("--base-url") << m_coinGeckoUrl);
        QVERIFY2(again.exitCode == 0, qPrintable(again.err));
        QCOMPARE(stored(QStringLiteral("NOSUCHCOIN"), QStringLiteral("USD")).size(), 200);
    }

    void coinGeckoPastAYearIsRefusedClearly()
    {
        const QByteArray before = digest();
        const CliRun run = cli(ballast::test::words("prices fetch --source coingecko --asset ETH --from")
                               << day(500) << QStringLiteral("--base-url") << m_coinGeckoUrl);
        QCOMPARE(run.exitCode, 1);
        QVERIFY2(run.out.contains(QLatin1String("keyless and Demo access reach back only 365 days")),
                 qPrintable(run.out));
        QCOMPARE(digest(), before);
    }
};

QTEST_GUILESS_MAIN(TestCliPrices)
#include "tst_cli_prices.moc"
