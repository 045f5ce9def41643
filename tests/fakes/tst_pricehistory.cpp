// PriceHistoryService against the loopback fakes of Binance klines, Kraken
// OHLC and CoinGecko (on a thread of their own), with a real SQLite file:
// paging, incremental fetches, gaps, rate-limit answers waited out and
// retried, a ban that stops, one failing asset that leaves the others
// stored, cancel, Kraken's 720-candle window, CoinGecko's 365-day limit, and
// CoinGecko's market caps read by the market-cap model.
#include "exchange/httpclient.h"
#include "fakebinance.h"
#include "fakecoingecko.h"
#include "fakekraken.h"
#include "services/allocationservice.h"
#include "services/ledger.h"
#include "services/ledgerqueries.h"
#include "services/pricehistoryservice.h"
#include "storage/database.h"

#include <QDeadlineTimer>
#include <QNetworkAccessManager>
#include <QSemaphore>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>
#include <QTimeZone>

#include <algorithm>
#include <cmath>

using namespace ballast;
using test::fake::FakeBinance;
using test::fake::FakeCoinGecko;
using test::fake::FakeEndpoint;
using test::fake::FakeKraken;

namespace {

constexpr qint64 kDayMs = 86'400'000;
// Mid-day, so that a few seconds of test time never cross into another day.
const qint64 kStartMs = QDateTime(QDate(2026, 6, 1), QTime(12, 0), QTimeZone::utc()).toMSecsSinceEpoch();

} // namespace

class TestPriceHistory : public QObject
{
    Q_OBJECT

    QThread m_thread;
    QObject *m_anchor = nullptr; ///< lives in m_thread: every call into the fakes runs there
    FakeBinance *m_binance = nullptr;
    FakeKraken *m_kraken = nullptr;
    FakeCoinGecko *m_coinGecko = nullptr;
    QString m_binanceUrl;
    QString m_krakenUrl;
    QString m_coinGeckoUrl;

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<storage::Database> m_db;
    std::unique_ptr<QNetworkAccessManager> m_network;
    std::unique_ptr<exchange::HttpClient> m_http;
    qint64 m_now = kStartMs; ///< the service's clock; the fakes' clocks follow it
    QList<qint64> m_waits; ///< what the service waited (through its sleep)

    void onFakes(const std::function<void()> &function)
    {
        QMetaObject::invokeMethod(m_anchor, function, Qt::BlockingQueuedConnection);
    }

    /// Moves the service's clock and the fakes' clocks together.
    void advance(qint64 ms)
    {
        m_now += ms;
        onFakes([this, ms] {
            m_binance->advanceClock(ms);
            m_kraken->advanceClock(ms);
            m_coinGecko->setNowMs(m_coinGecko->nowMs() + ms);
        });
    }

    [[nodiscard]] bool waitedAtLeast(qint64 ms) const
    {
        return std::any_of(m_waits.cbegin(), m_waits.cend(), [ms](qint64 wait) { return wait >= ms; });
    }

    void syncClocks()
    {
        const qint64 now = m_now;
        onFakes([this, now] {
            const qint64 offset = now - QDateTime::currentMSecsSinceEpoch();
            m_binance->setClockOffsetMs(offset);
            m_kraken->setClockOffsetMs(offset);
            m_coinGecko->setNowMs(now);
        });
    }

    services::PriceHistoryService service()
    {
        return services::PriceHistoryService(
            *m_db, *m_http, [this] { return m_now; },
            [this](qint64 ms) {
                m_waits.append(ms);
                advance(ms); // waiting moves time on, for the fakes too
            });
    }

    services::PriceFetchRequest request(const QString &source, const QStringList &assets, qint64 daysBack)
    {
        services::PriceFetchRequest r;
        r.source = source;
        r.assets = assets;
        r.fromMs = m_now - daysBack * kDayMs;
        r.baseUrl = source == QLatin1String("binance") ? m_binanceUrl
            : source == QLatin1String("kraken")        ? m_krakenUrl
                                                       : m_coinGeckoUrl;
        return r;
    }

    int candleRequests()
    {
        int count = 0;
        onFakes([&] { count = m_binance->requestCount(FakeEndpoint::Candles); });
        return count;
    }

    QList<domain::Candle> stored(const QString &asset, const QString &quote)
    {
        auto candles = services::LedgerQueries(*m_db).candles(asset, quote, QStringLiteral("1d"));
        return candles ? *candles : QList<domain::Candle>();
    }

    /// Injects @p rule into the fake Binance and releases @p seen for every
    /// request it logs that @p matches; the connection is for disconnect().
    QMetaObject::Connection watchFault(const test::fake::FaultRule &rule,
                                       const std::function<bool(const test::fake::RequestRecord &)> &matches,
                                       QSemaphore &seen)
    {
        QMetaObject::Connection watch;
        onFakes([&] {
            m_binance->injectFault(rule);
            watch = connect(
                m_binance, &test::fake::FakeExchange::requestDone, m_binance,
                [matches, &seen](const test::fake::RequestRecord &record) {
                    if (matches(record))
                        seen.release();
                },
                Qt::DirectConnection);
        });
        return watch;
    }

    /// BTC then ETH from Binance (2,500 days) on a thread of its own, with its
    /// own connection and network manager, real waits, @p cancel and an HTTP
    /// timeout of @p timeoutMs; the outcome goes to @p report.
    std::unique_ptr<QThread> fetchOnThread(const CancelToken &cancel, int timeoutMs,
                                           Result<services::PriceFetchReport> &report)
    {
        const QString path = m_dir->filePath(QStringLiteral("prices.sqlite"));
        const qint64 now = m_now;
        const services::PriceFetchRequest asked =
            request(QStringLiteral("binance"), {QStringLiteral("BTC"), QStringLiteral("ETH")}, 2500);
        std::unique_ptr<QThread> worker(QThread::create([path, now, asked, timeoutMs, &cancel, &report] {
            auto db = storage::Database::open(path, storage::Database::Mode::ReadWriteExisting);
            if (!db) {
                report = db.error();
                return;
            }
            QNetworkAccessManager network;
            exchange::HttpClient http(&network, timeoutMs);
            services::PriceHistoryService prices(
                **db, http, [now] { return now; }, {}, &cancel);
            report = prices.fetch(asked);
        }));
        worker->start();
        return worker;
    }

    /// A fetch cancelled during BTC's second page: cancelled, ETH never begun,
    /// nothing of BTC stored (its first page is not stored alone).
    void checkCancelledDuringSecondPage(const Result<services::PriceFetchReport> &report)
    {
        QVERIFY2(report, qPrintable(report ? QString() : report.error().message));
        QVERIFY(report->cancelled);
        QCOMPARE(report->assets.size(), 1);
        QVERIFY(report->assets.first().cancelled);
        QVERIFY(report->assets.first().error.isEmpty());
        QCOMPARE(report->assets.first().stored, 0);
        QVERIFY(report->summaryLines().join(QLatin1Char('\n')).contains(QLatin1String("cancelled, nothing stored")));
        QCOMPARE(candleRequests(), 2);
        QVERIFY(stored(QStringLiteral("BTC"), QStringLiteral("USDT")).isEmpty());
    }

private slots:
    void initTestCase()
    {
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

    void init()
    {
        m_dir = std::make_unique<QTemporaryDir>();
        QVERIFY(m_dir->isValid());
        auto db = storage::Database::open(m_dir->filePath(QStringLiteral("prices.sqlite")));
        QVERIFY(db);
        m_db = std::move(*db);
        QVERIFY(services::Ledger(*m_db, [this] { return m_now; }).init(QStringLiteral("Main"), QStringLiteral("USD")));
        m_network = std::make_unique<QNetworkAccessManager>();
        m_http = std::make_unique<exchange::HttpClient>(m_network.get());
        m_now = kStartMs;
        m_waits.clear();
        syncClocks();
        onFakes([this] {
            m_binance->reset();
            m_kraken->reset();
            m_coinGecko->setRateLimited(-1, 0);
            m_binance->setCandleHistory(QStringLiteral("BTCUSDT"), {});
        });
        syncClocks(); // reset() clears the clock offsets
    }

    void cleanup()
    {
        m_http.reset();
        m_network.reset();
        m_db.reset();
        m_dir.reset();
    }

    void cleanupTestCase()
    {
        onFakes([this] {
            delete m_binance;
            delete m_kraken;
            delete m_coinGecko;
        });
        m_thread.quit();
        m_thread.wait();
    }

    void binancePagesThenFetchesOnlyWhatIsMissing()
    {
        auto prices = service();
        auto first = prices.fetch(request(QStringLiteral("binance"), {QStringLiteral("BTC")}, 2500));
        QVERIFY2(first, first ? "" : qPrintable(first.error().message));
        QCOMPARE(first->assets.size(), 1);
        const services::AssetFetchReport &btc = first->assets.first();
        QVERIFY2(btc.error.isEmpty(), qPrintable(btc.error));
        QCOMPARE(btc.symbol, QStringLiteral("BTCUSDT"));
        QCOMPARE(btc.stored, 2500); // 2,500 closed days; today's open candle is not one of them
        QCOMPARE(btc.requests, 3); // 1,000 + 1,000 + 500
        QCOMPARE(candleRequests(), 3);
        QCOMPARE(btc.lastMs, m_now - m_now % kDayMs - kDayMs);
        QCOMPARE(btc.firstMs, btc.lastMs - 2499 * kDayMs);
        QVERIFY(btc.gaps.isEmpty());
        QCOMPARE(stored(QStringLiteral("BTC"), QStringLiteral("USDT")).size(), 2500);

        // Three days on: only those three are asked for, in one request.
        advance(3 * kDayMs);
        auto second = prices.fetch(request(QStringLiteral("binance"), {QStringLiteral("BTC")}, 2503));
        QVERIFY(second);
        QCOMPARE(second->assets.first().stored, 3);
        QCOMPARE(second->assets.first().requests, 1);
        QCOMPARE(candleRequests(), 4);
        // Ten days earlier than the oldest stored: only those ten.
        auto earlier = prices.fetch(request(QStringLiteral("binance"), {QStringLiteral("BTC")}, 2513));
        QVERIFY(earlier);
        QCOMPARE(earlier->assets.first().stored, 10);
        QCOMPARE(earlier->assets.first().storedTotal, 2513);
        // Nothing missing: no request at all.
        auto again = prices.fetch(request(QStringLiteral("binance"), {QStringLiteral("BTC")}, 2513));
        QVERIFY(again);
        QVERIFY(again->assets.first().upToDate);
        QCOMPARE(candleRequests(), 5);
        const QList<domain::Candle> candles = stored(QStringLiteral("BTC"), QStringLiteral("USDT"));
        QCOMPARE(candles.size(), 2513);
        for (qsizetype i = 1; i < candles.size(); ++i)
            QCOMPARE(candles[i].openTimeMs - candles[i - 1].openTimeMs, kDayMs);
    }

    void gapsAreReported()
    {
        test::fake::FakeCandleHistory history;
        const qint64 today = m_now - m_now % kDayMs;
        history.missing = {today - 10 * kDayMs, today - 11 * kDayMs, today - 12 * kDayMs, today - 40 * kDayMs};
        onFakes([&] { m_binance->setCandleHistory(QStringLiteral("BTCUSDT"), history); });
        auto prices = service();
        auto report = prices.fetch(request(QStringLiteral("binance"), {QStringLiteral("BTC")}, 60));
        QVERIFY(report);
        const services::AssetFetchReport &btc = report->assets.first();
        QCOMPARE(btc.stored, 56);
        QCOMPARE(btc.gaps.size(), 2);
        QCOMPARE(btc.missingCandles(), Q_INT64_C(4));
        QCOMPARE(btc.gaps.at(0).firstMissingMs, today - 40 * kDayMs);
        QCOMPARE(btc.gaps.at(1).firstMissingMs, today - 12 * kDayMs);
        QCOMPARE(btc.gaps.at(1).lastMissingMs, today - 10 * kDayMs);
        QCOMPARE(btc.gaps.at(1).missing, 3);
        QVERIFY2(report->summaryLines().first().contains(QLatin1String("4 missing in 2 gaps")),
                 qPrintable(report->summaryLines().first()));
    }

    void rateLimitIsWaitedOutAndRetried()
    {
        test::fake::FaultRule rule;
        rule.endpoint = FakeEndpoint::Candles;
        rule.kind = test::fake::FaultKind::RateLimited;
        rule.skip = 1; // the second page
        rule.retryAfterSec = 7;
        onFakes([&] { m_binance->injectFault(rule); });
        auto prices = service();
        auto report = prices.fetch(request(QStringLiteral("binance"), {QStringLiteral("BTC")}, 2500));
        QVERIFY(report);
        const services::AssetFetchReport &btc = report->assets.first();
        QVERIFY2(btc.error.isEmpty(), qPrintable(btc.error));
        QCOMPARE(btc.stored, 2500);
        QCOMPARE(btc.requests, 4); // three pages, one of them twice
        QVERIFY2(waitedAtLeast(7000), qPrintable(QStringLiteral("waits: %1").arg(m_waits.size())));
        QVERIFY2(btc.notes.join(QLatin1Char(' ')).contains(QLatin1String("said too many requests")),
                 qPrintable(btc.notes.join(QLatin1Char(' '))));
    }

    void banStopsEveryLaterRequest()
    {
        test::fake::FaultRule rule;
        rule.endpoint = FakeEndpoint::Candles;
        rule.kind = test::fake::FaultKind::Banned;
        rule.retryAfterSec = 120;
        onFakes([&] { m_binance->injectFault(rule); });
        auto prices = service();
        auto report =
            prices.fetch(request(QStringLiteral("binance"), {QStringLiteral("BTC"), QStringLiteral("ETH")}, 30));
        QVERIFY(report);
        QCOMPARE(report->assets.size(), 2);
        QVERIFY2(report->assets[0].error.contains(QLatin1String("HTTP 418")), qPrintable(report->assets[0].error));
        QVERIFY2(report->assets[1].error.contains(QLatin1String("banned this address")),
                 qPrintable(report->assets[1].error));
        QCOMPARE(candleRequests(), 1);
        QVERIFY(stored(QStringLiteral("BTC"), QStringLiteral("USDT")).isEmpty());

        // A later run (the database opened again) within the ban sends
        // nothing and says until when: 120 s after the 418.
        const QString path = m_dir->filePath(QStringLiteral("prices.sqlite"));
        m_db.reset();
        auto reopened = storage::Database::open(path, storage::Database::Mode::ReadWriteExisting);
        QVERIFY(reopened);
        m_db = std::move(*reopened);
        advance(60'000);
        auto later = service().fetch(request(QStringLiteral("binance"), {QStringLiteral("BTC")}, 30));
        QVERIFY(later);
        const QString until = QDateTime::fromMSecsSinceEpoch(kStartMs + 120'000, QTimeZone::utc())
                                  .toString(QStringLiteral("yyyy-MM-dd HH:mm"));
        QVERIFY2(later->assets.first().error.contains(QLatin1String("banned this address (HTTP 418) until ") + until),
                 qPrintable(later->assets.first().error + QLatin1String(" / ") + until));
        QCOMPARE(candleRequests(), 1);

        // Once it has ended, the next run asks again.
        advance(61'000);
        auto after = service().fetch(request(QStringLiteral("binance"), {QStringLiteral("BTC")}, 30));
        QVERIFY(after);
        QVERIFY2(after->assets.first().error.isEmpty(), qPrintable(after->assets.first().error));
        QCOMPARE(after->assets.first().stored, 30);
        QCOMPARE(candleRequests(), 2);
    }

    void oneFailingAssetLeavesTheOthersStored()
    {
        auto prices = service();
        auto report = prices.fetch(request(QStringLiteral("binance"),
                                           {QStringLiteral("BTC"), QStringLiteral("NOPE"), QStringLiteral("ETH")}, 30));
        QVERIFY(report);
        QCOMPARE(report->assets.size(), 3);
        QVERIFY(report->anyFailed());
        QVERIFY2(report->assets[1].error.contains(QLatin1String("-1121 Invalid symbol.")),
                 qPrintable(report->assets[1].error));
        QCOMPARE(report->assets[0].stored, 30);
        QCOMPARE(report->assets[2].stored, 30);
        QCOMPARE(stored(QStringLiteral("ETH"), QStringLiteral("USDT")).size(), 30);
        QVERIFY(stored(QStringLiteral("NOPE"), QStringLiteral("USDT")).isEmpty());
    }

    void cancelKeepsTheAssetsBefore()
    {
        auto prices = service();
        int calls = 0;
        auto report =
            prices.fetch(request(QStringLiteral("binance"), {QStringLiteral("BTC"), QStringLiteral("ETH")}, 2500),
                         [&](const services::PriceFetchProgress &progress) {
                             ++calls;
                             return progress.index == 0; // stop as soon as ETH has begun
                         });
        QVERIFY(report);
        QVERIFY(report->cancelled);
        QVERIFY(calls >= 2);
        QCOMPARE(report->assets.first().stored, 2500);
        QCOMPARE(stored(QStringLiteral("BTC"), QStringLiteral("USDT")).size(), 2500);
        QVERIFY(stored(QStringLiteral("ETH"), QStringLiteral("USDT")).isEmpty());

        // A cancel between pages stores nothing of that asset.
        auto midway = prices.fetch(request(QStringLiteral("binance"), {QStringLiteral("ETH")}, 2500),
                                   [](const services::PriceFetchProgress &progress) { return progress.candles == 0; });
        QVERIFY(midway);
        QVERIFY(midway->cancelled);
        QVERIFY(midway->assets.first().cancelled);
        QCOMPARE(midway->assets.first().stored, 0);
        QVERIFY(stored(QStringLiteral("ETH"), QStringLiteral("USDT")).isEmpty());
    }

    void cancelAbortsARequestInFlight()
    {
        // The second page is held by the server, never answered; the client's
        // timeout is ten minutes. The test cancels once the server holds the
        // request: the fetch must end without an answer, store nothing of that
        // asset, and not ask again.
        test::fake::FaultRule rule;
        rule.endpoint = FakeEndpoint::Candles;
        rule.kind = test::fake::FaultKind::TimeoutBeforeAccept;
        rule.skip = 1;
        QSemaphore held;
        const QMetaObject::Connection watch = watchFault(
            rule, [](const test::fake::RequestRecord &record) { return !record.fault.isEmpty(); }, held);
        CancelToken cancel;
        Result<services::PriceFetchReport> report = makeError(QString(), QString());
        const std::unique_ptr<QThread> worker = fetchOnThread(cancel, 600'000, report);
        held.acquire();
        cancel.cancel();
        // No deadline: were the request not aborted, the fetch would wait out
        // the client's ten minutes and ctest's timeout would fail the test.
        worker->wait();
        onFakes([&] {
            disconnect(watch);
            m_binance->dropHeldRequests();
        });
        checkCancelledDuringSecondPage(report);
    }

    void cancelEndsALongRetryAfterAtOnce()
    {
        // The second page is answered 429 with Retry-After: 100. The fetch runs
        // on a thread of its own with the real wait (no injected sleep); the
        // test cancels once the 429 has been written. Were the wait not cut
        // short, the fetch would take 100 s and the wait below would fail;
        // were it a plain sleep, the token would see no waiter.
        test::fake::FaultRule rule;
        rule.endpoint = FakeEndpoint::Candles;
        rule.kind = test::fake::FaultKind::RateLimited;
        rule.skip = 1;
        rule.retryAfterSec = 100;
        QSemaphore answered429;
        const QMetaObject::Connection watch = watchFault(
            rule, [](const test::fake::RequestRecord &record) { return record.status == 429; }, answered429);
        CancelToken cancel;
        Result<services::PriceFetchReport> report = makeError(QString(), QString());
        const std::unique_ptr<QThread> worker = fetchOnThread(cancel, 10'000, report);
        const bool saw429 = answered429.tryAcquire(1, 60'000);
        // Cancel while the worker is inside the wait (the Retry-After), not before it begins.
        const bool waiting = cancel.awaitWaiter(60'000);
        cancel.cancel();
        const bool returned = worker->wait(QDeadlineTimer(90'000)); // shorter than the 100 s asked
        onFakes([&] { disconnect(watch); });
        QVERIFY(saw429);
        QVERIFY2(waiting, "the fetch never waited on the cancel token");
        QVERIFY2(returned, "the fetch went on waiting out Retry-After after Cancel");
        checkCancelledDuringSecondPage(report);
        QVERIFY(stored(QStringLiteral("ETH"), QStringLiteral("USDT")).isEmpty());
    }

    // The automatic refresh (after a sync) asks only for days no source has:
    // CoinGecko's 30 days of BTC are not fetched again from Binance, only
    // the 10 before them; an explicit fetch still fills Binance's own series.
    void theAutomaticRefreshAsksOnlyForDaysNoSourceHas()
    {
        auto prices = service();
        auto gecko = prices.fetch(request(QStringLiteral("coingecko"), {QStringLiteral("BTC")}, 30));
        QVERIFY(gecko);
        QCOMPARE(gecko->assets.first().stored, 30);

        services::PriceFetchRequest automatic = request(QStringLiteral("binance"), {QStringLiteral("BTC")}, 40);
        automatic.automatic = true;
        auto first = prices.fetch(automatic);
        QVERIFY(first);
        QVERIFY2(first->assets.first().error.isEmpty(), qPrintable(first->assets.first().error));
        QCOMPARE(first->assets.first().stored, 10);
        QCOMPARE(candleRequests(), 1);
        const QList<domain::Candle> usdt = stored(QStringLiteral("BTC"), QStringLiteral("USDT"));
        QCOMPARE(usdt.size(), 10);
        const qint64 today = (m_now / kDayMs) * kDayMs;
        QCOMPARE(usdt.first().openTimeMs, today - 40 * kDayMs);
        QCOMPARE(usdt.last().openTimeMs, today - 31 * kDayMs);

        auto again = prices.fetch(automatic);
        QVERIFY(again);
        QVERIFY(again->assets.first().upToDate);
        QCOMPARE(candleRequests(), 1);

        // Asked for by name, Binance's own series is filled: the 30 days after its newest.
        services::PriceFetchRequest explicitly = automatic;
        explicitly.automatic = false;
        auto filled = prices.fetch(explicitly);
        QVERIFY(filled);
        QCOMPARE(filled->assets.first().stored, 30);
        QCOMPARE(candleRequests(), 2);
        QCOMPARE(stored(QStringLiteral("BTC"), QStringLiteral("USDT")).size(), 40);
    }

    void krakenSaysItKeepsOnly720()
    {
        onFakes([this] { m_kraken->setOhlcTooManyRequests(1); });
        auto prices = service();
        auto report = prices.fetch(request(QStringLiteral("kraken"), {QStringLiteral("BTC")}, 2500));
        QVERIFY(report);
        const services::AssetFetchReport &btc = report->assets.first();
        QVERIFY2(btc.error.isEmpty(), qPrintable(btc.error));
        QCOMPARE(btc.symbol, QStringLiteral("XBTUSD"));
        QCOMPARE(btc.quote, QStringLiteral("USD"));
        QCOMPARE(btc.stored, 719); // 720 bars, the newest still open
        QCOMPARE(btc.requests, 2); // "EGeneral:Too many requests" once, then the answer
        QVERIFY(waitedAtLeast(5000)); // Kraken names no time: five seconds first
        const QString notes = btc.notes.join(QLatin1Char(' '));
        QVERIFY2(notes.contains(QLatin1String("Kraken serves only the most recent 720 daily candles; use binance or "
                                              "coingecko for earlier history")),
                 qPrintable(notes));
    }

    void krakenRateLimitWordsAreWaitedOut_data()
    {
        QTest::addColumn<QString>("words");
        QTest::addColumn<qint64>("waitMs"); // the shortest wait that must have been made
        const qint64 throttledUntil = kStartMs / 1000 + 30;
        QTest::newRow("too many requests") << QStringLiteral("EGeneral:Too many requests") << qint64(5000);
        QTest::newRow("rate limit exceeded") << QStringLiteral("EAPI:Rate limit exceeded") << qint64(5000);
        // Throttled names the time to try again: 30 s after the clock's now.
        QTest::newRow("throttled until") << QStringLiteral("EService: Throttled: %1").arg(throttledUntil)
                                         << qint64(30'000);
    }

    void krakenRateLimitWordsAreWaitedOut()
    {
        QFETCH(QString, words);
        QFETCH(qint64, waitMs);
        onFakes([&] { m_kraken->setOhlcRefusals(1, words); });
        auto prices = service();
        auto report = prices.fetch(request(QStringLiteral("kraken"), {QStringLiteral("BTC")}, 30));
        QVERIFY(report);
        const services::AssetFetchReport &btc = report->assets.first();
        QVERIFY2(btc.error.isEmpty(), qPrintable(btc.error));
        QCOMPARE(btc.requests, 2);
        QCOMPARE(btc.stored, 30);
        QVERIFY2(waitedAtLeast(waitMs), qPrintable(QStringLiteral("longest wait shorter than %1 ms").arg(waitMs)));
    }

    void coinGeckoMarketCapsFeedTheMarketCapModel()
    {
        auto prices = service();
        services::PriceFetchRequest r = request(QStringLiteral("coingecko"), {}, 200);
        r.assets = {QStringLiteral("BTC"), QStringLiteral("ETH"), QStringLiteral("SOL")};
        r.apiKey = "demo-key-1";
        auto report = prices.fetch(r);
        QVERIFY(report);
        for (const auto &asset : report->assets) {
            QVERIFY2(asset.error.isEmpty(), qPrintable(asset.error));
            QCOMPARE(asset.stored, 200);
        }
        QStringList keys;
        onFakes([&] {
            for (const QByteArray &key : m_coinGecko->keysSeen())
                keys.append(QString::fromLatin1(key));
        });
        QVERIFY(keys.contains(QStringLiteral("demo-key-1")));
        QList<double> caps;
        for (const QString &asset : r.assets) {
            const QList<domain::Candle> candles = stored(asset, QStringLiteral("USD"));
            QCOMPARE(candles.size(), 200);
            QVERIFY(candles.last().marketCap > 0.0);
            caps.append(candles.last().marketCap);
        }
        services::StoredHistoryAllocation allocation;
        allocation.model = allocation::Model::MarketCap;
        allocation.assets = r.assets;
        allocation.quote = QStringLiteral("USD");
        allocation.nowMs = m_now;
        auto weights = services::AllocationService::fromStoredHistory(*m_db, allocation);
        QVERIFY(weights);
        const double total = caps[0] + caps[1] + caps[2];
        for (int i = 0; i < 3; ++i)
            QVERIFY2(std::abs(weights->weights(i) - caps[i] / total) < 1e-12,
                     qPrintable(QStringLiteral("%1: %2 vs %3").arg(i).arg(weights->weights(i)).arg(caps[i] / total)));
    }

    void coinGeckoRefusesMoreThanAYearAndIsSaidSo()
    {
        auto prices = service();
        auto report = prices.fetch(request(QStringLiteral("coingecko"), {QStringLiteral("BTC")}, 400));
        QVERIFY(report);
        const QString error = report->assets.first().error;
        QVERIFY2(error.contains(QLatin1String("keyless and Demo access reach back only 365 days")), qPrintable(error));
        QVERIFY(stored(QStringLiteral("BTC"), QStringLiteral("USD")).isEmpty());
    }

    void coinGecko429IsRetried()
    {
        onFakes([this] { m_coinGecko->setRateLimited(1, 1, 3); });
        auto prices = service();
        auto report =
            prices.fetch(request(QStringLiteral("coingecko"), {QStringLiteral("BTC"), QStringLiteral("ETH")}, 100));
        QVERIFY(report);
        QVERIFY2(report->assets[1].error.isEmpty(), qPrintable(report->assets[1].error));
        QCOMPARE(report->assets[1].requests, 2);
        QVERIFY(waitedAtLeast(3000));
        int refused = 0;
        onFakes([&] { refused = m_coinGecko->rateLimitedCount(); });
        QVERIFY(refused >= 1);
    }

    void overrideNamesTheCoin()
    {
        auto prices = service();
        QVERIFY(prices.setMapping(QStringLiteral("wbtc"), QStringLiteral("coingecko"), QStringLiteral("bitcoin")));
        auto symbol = prices.symbolFor(QStringLiteral("WBTC"), QStringLiteral("coingecko"), QString());
        QVERIFY(symbol);
        QCOMPARE(*symbol, QStringLiteral("bitcoin"));
        const auto bad = prices.setMapping(QStringLiteral("BTC"), QStringLiteral("coingecko"), QStringLiteral("a b"));
        QVERIFY(!bad);
        QVERIFY2(bad.error().message.contains(QLatin1String("id \"a b\"")), qPrintable(bad.error().message));
        auto report = prices.fetch(request(QStringLiteral("coingecko"), {QStringLiteral("WBTC")}, 30));
        QVERIFY(report);
        QCOMPARE(report->assets.first().symbol, QStringLiteral("bitcoin"));
        QCOMPARE(report->assets.first().stored, 30);
        auto mappings = prices.mappings();
        QVERIFY(mappings);
        QCOMPARE(mappings->size(), 1);
        QCOMPARE(mappings->first().automatic, QStringLiteral("wrapped-bitcoin"));
        // Removed under the name it was set with: the same normaliser (trimmed, upper case) both ways.
        auto notASymbol = prices.removeMapping(QStringLiteral("W BTC"), QStringLiteral("coingecko"));
        QVERIFY(!notASymbol);
        QVERIFY2(notASymbol.error().message.contains(QLatin1String("asset \"W BTC\"")),
                 qPrintable(notASymbol.error().message));
        auto removed = prices.removeMapping(QStringLiteral(" wbtc "), QStringLiteral("coingecko"));
        QVERIFY(removed);
        QVERIFY(*removed);
        mappings = prices.mappings();
        QVERIFY(mappings);
        QVERIFY(mappings->isEmpty());
    }

    // An exchange's name is a pair: set for USDT, it is not used for EUR
    // (USDT prices would be filed as EUR ones); that asset fails, said why.
    void anOverridePairIsUsedOnlyForItsQuote()
    {
        auto prices = service();
        QVERIFY(prices.setMapping(QStringLiteral("BTC"), QStringLiteral("binance"), QStringLiteral("BTCUSDT")));
        services::PriceFetchRequest r = request(QStringLiteral("binance"), {QStringLiteral("BTC")}, 10);
        r.quote = QStringLiteral("EUR");
        auto report = prices.fetch(r);
        QVERIFY2(report, report ? "" : qPrintable(report.error().message));
        const QString error = report->assets.first().error;
        QVERIFY2(error.contains(QLatin1String("BTCUSDT, is not a pair against EUR")), qPrintable(error));
        QVERIFY(stored(QStringLiteral("BTC"), QStringLiteral("EUR")).isEmpty());
        QCOMPARE(candleRequests(), 0);

        auto usdt = prices.fetch(request(QStringLiteral("binance"), {QStringLiteral("BTC")}, 10));
        QVERIFY(usdt);
        QVERIFY2(usdt->assets.first().error.isEmpty(), qPrintable(usdt->assets.first().error));
        QCOMPARE(usdt->assets.first().stored, 10);
    }

    // Without --from, an old portfolio's history is asked only as far back
    // as CoinGecko serves without a paid plan, so the refresh after a sync
    // is not refused every time; the report says where it was cut.
    void theDefaultRangeIsWhatTheSourceServes()
    {
        services::Ledger ledger(*m_db, [this] { return m_now - 800 * kDayMs; });
        QVERIFY(ledger.addAccount(QStringLiteral("paper"), QStringLiteral("paper")));
        domain::Holding btc;
        btc.asset = QStringLiteral("BTC");
        btc.quantity = money::dec("0.5");
        QVERIFY(ledger.setHoldings(QStringLiteral("paper"), {btc}));
        auto prices = service();
        services::PriceFetchRequest r = request(QStringLiteral("coingecko"), {}, 0);
        r.fromMs.reset();
        auto report = prices.fetch(r);
        QVERIFY2(report, report ? "" : qPrintable(report.error().message));
        QCOMPARE(report->assets.size(), 1);
        QVERIFY2(report->assets.first().error.isEmpty(), qPrintable(report->assets.first().error));
        QVERIFY2(report->rangeNote.startsWith(QLatin1String("coingecko serves history only from")),
                 qPrintable(report->rangeNote));
        QVERIFY(report->fromMs > m_now - 365 * kDayMs);
        QVERIFY(report->assets.first().stored >= 360);
    }

    void wrongRequestsAreRefused()
    {
        auto prices = service();
        services::PriceFetchRequest r = request(QStringLiteral("bitstamp"), {QStringLiteral("BTC")}, 10);
        auto source = prices.fetch(r);
        QVERIFY(!source);
        QVERIFY2(source.error().message.contains(QLatin1String("expected binance, kraken or coingecko")),
                 qPrintable(source.error().message));
        r = request(QStringLiteral("binance"), {QStringLiteral("BTC")}, 10);
        r.interval = QStringLiteral("5m");
        QVERIFY(!prices.fetch(r));
        r.interval = QStringLiteral("1d");
        r.baseUrl = QStringLiteral("http://api.example.com");
        auto cleartext = prices.fetch(r);
        QVERIFY(!cleartext);
        QCOMPARE(cleartext.error().code, QStringLiteral("url.cleartext"));
        r = request(QStringLiteral("coingecko"), {QStringLiteral("BTC")}, 10);
        r.interval = QStringLiteral("1h");
        qsizetype before = 0;
        onFakes([&] { before = m_coinGecko->requests().size(); });
        // CoinGecko's range endpoint is daily here: a request error before
        // anything is asked, not a failure of each asset.
        auto hourly = prices.fetch(r);
        QVERIFY(!hourly);
        QCOMPARE(hourly.error().code, QStringLiteral("prices.interval"));
        QVERIFY2(hourly.error().message.contains(QLatin1String("use --interval 1d")),
                 qPrintable(hourly.error().message));
        r.assets.clear(); // the portfolio's assets: refused the same way, before they are read
        QVERIFY(!prices.fetch(r));
        qsizetype after = 0;
        onFakes([&] { after = m_coinGecko->requests().size(); });
        QCOMPARE(after, before);
    }

    void portfolioAssetsByDefault()
    {
        auto prices = service();
        services::PriceFetchRequest r = request(QStringLiteral("binance"), {}, 10);
        auto none = prices.fetch(r);
        QVERIFY(!none);
        QVERIFY2(none.error().message.contains(QLatin1String("name them with --asset")),
                 qPrintable(none.error().message));

        // Held BTC and USDT, ETH targeted: BTC and ETH are fetched, USDT is the quote.
        services::Ledger ledger(*m_db, [this] { return m_now; });
        QVERIFY(ledger.addAccount(QStringLiteral("paper"), QStringLiteral("paper")));
        domain::Holding btc;
        btc.asset = QStringLiteral("BTC");
        btc.quantity = money::dec("0.5");
        domain::Holding usdt;
        usdt.asset = QStringLiteral("USDT");
        usdt.quantity = money::dec("100");
        QVERIFY(ledger.setHoldings(QStringLiteral("paper"), {btc, usdt}));
        domain::Target eth;
        eth.asset = QStringLiteral("ETH");
        eth.weight = money::dec("0.5");
        domain::Target bitcoin;
        bitcoin.asset = QStringLiteral("BTC");
        bitcoin.weight = money::dec("0.5");
        QVERIFY(ledger.setTargets(QStringLiteral("Main"), {bitcoin, eth}, domain::Band{}));
        auto report = prices.fetch(r);
        QVERIFY2(report, report ? "" : qPrintable(report.error().message));
        QCOMPARE(report->assets.size(), 2);
        QCOMPARE(report->assets[0].asset, QStringLiteral("BTC"));
        QCOMPARE(report->assets[1].asset, QStringLiteral("ETH"));
        QCOMPARE(report->skipped, QStringList{QStringLiteral("USDT")});
        QCOMPARE(report->assets[0].stored, 10);
    }
};

QTEST_GUILESS_MAIN(TestPriceHistory)
#include "tst_pricehistory.moc"
