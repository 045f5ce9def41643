// Price history from the network in the desktop app, against the fake Binance
// on loopback: the Fetch Price History dialog fetches on its worker thread
// with progress into a real ledger file, and its Cancel stops the fetch
// between assets (the asset before stays stored, the next is not); the File
// menu and the Backtest page open it; and after a sync the window fetches
// the portfolio's missing history in the background, its failures shown in
// the status bar, never in a modal dialog.
#include "appcontext.h"
#include "fakebinance.h"
#include "mainwindow.h"
#include "prices/pricefetchdialog.h"
#include "prices/pricefetcher.h"
#include "services/ledger.h"
#include "testsupport.h"
#include "views/accountsview.h"
#include "views/backtestview.h"
#include "workers/pricefetchworker.h"

#include <QAction>
#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QDateEdit>
#include <QDateTime>
#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardItemModel>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTest>
#include <QTimeZone>

#include <memory>
#include <utility>

using ballast::money::dec;
using ballast::test::TempDatabase;
using ballast::test::fake::FakeBinance;
using ballast::test::fake::FakeEndpoint;
using namespace ballast;

namespace {

constexpr int kWaitMs = 60000; // generous: the suite may run under ASan on a busy machine

/// A ledger whose portfolio holds BTC and ETH in a manual account, and the fake Binance.
struct Fixture
{
    TempDatabase tmp;
    FakeBinance fake;
    std::unique_ptr<ui::AppContext> context;

    Fixture()
    {
        if (!fake.listenLocal())
            qFatal("the fake Binance cannot listen on 127.0.0.1");
        if (!services::Ledger(tmp.db()).init(QStringLiteral("main"), QStringLiteral("USDT")))
            qFatal("cannot create the portfolio");
        context = std::make_unique<ui::AppContext>(tmp.db(), tmp.path());
        if (!context->ledger().addAccount(QStringLiteral("cold"), QStringLiteral("manual")))
            qFatal("cannot add the account");
        if (!context->ledger().setHoldings(QStringLiteral("cold"),
                                           {{0, QStringLiteral("cold"), QStringLiteral("BTC"), {}, dec("0.5")},
                                            {0, QStringLiteral("cold"), QStringLiteral("ETH"), {}, dec("4")}}))
            qFatal("cannot set the holdings");
        QSettings().setValue(QStringLiteral("prices/baseUrl/binance"), fake.baseUrl().toString());
    }

    qint64 candles(const char *asset)
    {
        return tmp.db()
            .scalar(QStringLiteral("SELECT count(*) FROM candles WHERE asset = '%1' AND quote = 'USDT' AND "
                                   "interval = '1d' AND source = 'binance'")
                        .arg(QLatin1String(asset))
                        .toUtf8()
                        .constData())
            .toLongLong();
    }
};

/// Sets the dialog to fetch @p assets daily from @p days days back.
void fill(ui::PriceFetchDialog &dialog, const QString &assets, int days)
{
    dialog.findChild<QLineEdit *>(QStringLiteral("assets"))->setText(assets);
    dialog.findChild<QCheckBox *>(QStringLiteral("sinceFirst"))->setChecked(false);
    dialog.findChild<QDateEdit *>(QStringLiteral("from"))
        ->setDate(QDateTime::currentDateTimeUtc().date().addDays(-days));
}

} // namespace

class TestPriceFetchDialog : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("BallastTest"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_pricefetchdialog"));
    }

    void init() { QSettings().clear(); }

    // 2,500 days of two assets: three pages each, progress per page, every
    // candle stored with its source, and the report shown.
    void fetchesWithProgress()
    {
        Fixture f;
        ui::PriceFetcher fetcher(*f.context);
        ui::PriceFetchDialog dialog(*f.context, fetcher);
        dialog.show();
        QVERIFY(QTest::qWaitForWindowExposed(&dialog));
        fill(dialog, QStringLiteral("btc, eth"), 2500);
        const services::PriceFetchRequest request = dialog.request();
        QCOMPARE(request.source, QStringLiteral("binance"));
        QCOMPARE(request.assets, (QStringList{QStringLiteral("BTC"), QStringLiteral("ETH")}));
        QCOMPARE(request.baseUrl, f.fake.baseUrl().toString());

        QSignalSpy progress(dialog.fetcher(), &ui::PriceFetcher::progress);
        QSignalSpy finished(&dialog, &ui::PriceFetchDialog::fetchFinished);
        QSignalSpy changed(f.context.get(), &ui::AppContext::ledgerChanged);
        QTest::mouseClick(dialog.fetchButton(), Qt::LeftButton);
        QVERIFY(dialog.isBusy());
        QVERIFY(!dialog.fetchButton()->isEnabled());
        QVERIFY(dialog.cancelButton()->isEnabled());
        QCOMPARE(f.context->backgroundWrite(), QStringLiteral("Fetching price history"));
        QVERIFY(finished.wait(kWaitMs));
        QVERIFY(finished.takeFirst().at(0).toBool());
        QVERIFY(!dialog.isBusy());
        QVERIFY(f.context->backgroundWrite().isEmpty());

        // Each asset starts at 0 candles, then the candles read grow page by
        // page (1,000 a page), BTC's reports before ETH's.
        QVERIFY2(progress.size() >= 6, qPrintable(QString::number(progress.size())));
        QCOMPARE(progress.first().at(0).toString(), QStringLiteral("BTC"));
        QCOMPARE(progress.first().at(3).toLongLong(), 0);
        QCOMPARE(progress.last().at(0).toString(), QStringLiteral("ETH"));
        qint64 mostBtc = 0;
        QString asset;
        qint64 previous = 0;
        for (const QList<QVariant> &step : std::as_const(progress)) {
            QCOMPARE(step.at(2).toInt(), 2);
            QCOMPARE(step.at(1).toInt(), step.at(0).toString() == QLatin1String("BTC") ? 0 : 1);
            if (step.at(0).toString() != asset) {
                asset = step.at(0).toString();
                QCOMPARE(step.at(3).toLongLong(), 0);
            } else {
                QVERIFY(step.at(3).toLongLong() > previous);
            }
            previous = step.at(3).toLongLong();
            if (asset == QLatin1String("BTC"))
                mostBtc = std::max(mostBtc, previous);
        }
        QVERIFY(mostBtc >= 2000);
        QCOMPARE(dialog.progressBar()->maximum(), 2);
        QCOMPARE(dialog.progressBar()->value(), 2);
        QVERIFY(f.candles("BTC") >= 2499);
        QVERIFY(f.candles("BTC") >= mostBtc);
        QCOMPARE(f.candles("ETH"), f.candles("BTC"));
        QVERIFY2(dialog.reportText().contains(QLatin1String("BTC")), qPrintable(dialog.reportText()));
        QCOMPARE(changed.size(), 1); // the pages reload the stored series
        // The source chosen is the one the refresh after a sync uses.
        QCOMPARE(ui::PriceFetcher::defaultSource(), QStringLiteral("binance"));
    }

    // Cancel while the second asset starts: the first stays stored, the
    // second stores nothing, and the dialog says so. The worker waits for the
    // click (a blocking queued connection), so the cancel lands exactly there.
    void cancelStopsTheFetch()
    {
        Fixture f;
        ui::PriceFetcher fetcher(*f.context);
        ui::PriceFetchDialog dialog(*f.context, fetcher);
        dialog.show();
        QVERIFY(QTest::qWaitForWindowExposed(&dialog));
        fill(dialog, QStringLiteral("BTC ETH"), 2500);
        bool clicked = false;
        const auto connection = connect(
            dialog.fetcher()->ensureWorker(), &ui::PriceFetchWorker::progress, &dialog,
            [&dialog, &clicked](const QString &, int index, int, qint64 candles) {
                if (index == 1 && candles == 0 && !std::exchange(clicked, true))
                    QTest::mouseClick(dialog.cancelButton(), Qt::LeftButton);
            },
            Qt::BlockingQueuedConnection);
        QSignalSpy finished(&dialog, &ui::PriceFetchDialog::fetchFinished);
        QTest::mouseClick(dialog.fetchButton(), Qt::LeftButton);
        QVERIFY(finished.wait(kWaitMs));
        disconnect(connection);
        QVERIFY(clicked);
        QVERIFY(f.candles("BTC") >= 2499);
        QCOMPARE(f.candles("ETH"), 0);
        const QString status = dialog.findChild<QLabel *>(QStringLiteral("status"))->text();
        QVERIFY2(status.startsWith(QLatin1String("Cancelled")), qPrintable(status));
        QVERIFY2(dialog.reportText().contains(QLatin1String("cancelled")), qPrintable(dialog.reportText()));
        QVERIFY(!dialog.isBusy());
        QVERIFY(dialog.fetchButton()->isEnabled());
        QVERIFY(!dialog.cancelButton()->isEnabled());
        QVERIFY(f.context->backgroundWrite().isEmpty());

        // Fetched again: only ETH is missing, and it comes now.
        const qint64 btc = f.candles("BTC");
        const int asked = f.fake.requestCount(FakeEndpoint::Candles);
        QTest::mouseClick(dialog.fetchButton(), Qt::LeftButton);
        QVERIFY(finished.wait(kWaitMs));
        QCOMPARE(f.candles("BTC"), btc);
        // ETH's 2,500 days are three pages; BTC asks nothing (rows alone
        // would not tell: fetching BTC again would replace the same rows).
        QCOMPARE(f.fake.requestCount(FakeEndpoint::Candles) - asked, 3);
        QCOMPARE(f.candles("ETH"), btc);
    }

    // One fetcher per window, its thread started only by the first fetch: a
    // second request while one runs queues behind it (a different one) or
    // joins it (the same one), and the dialog says which; the queued one
    // starts only after the first has ended, so two never write at once.
    void aSecondRequestQueuesOrJoins()
    {
        Fixture f;
        ui::PriceFetcher fetcher(*f.context);
        QVERIFY(fetcher.worker() == nullptr);
        ui::PriceFetchDialog first(*f.context, fetcher);
        ui::PriceFetchDialog second(*f.context, fetcher);
        ui::PriceFetchDialog same(*f.context, fetcher);
        fill(first, QStringLiteral("BTC"), 2500);
        fill(second, QStringLiteral("ETH"), 2500);
        fill(same, QStringLiteral("BTC"), 2500);
        QList<QString> events; // started and finished, in order, by ticket
        connect(&fetcher, &ui::PriceFetcher::started, &fetcher,
                [&events](int ticket) { events << QStringLiteral("start %1").arg(ticket); });
        connect(&fetcher, &ui::PriceFetcher::finished, &fetcher,
                [&events](bool, const QString &, const services::PriceFetchReport &, int ticket) {
                    events << QStringLiteral("end %1").arg(ticket);
                });
        QSignalSpy allDone(&fetcher, &ui::PriceFetcher::finished); // one per ticket
        QSignalSpy secondDone(&second, &ui::PriceFetchDialog::fetchFinished);
        QSignalSpy firstDone(&first, &ui::PriceFetchDialog::fetchFinished);
        QSignalSpy sameDone(&same, &ui::PriceFetchDialog::fetchFinished);

        // No event is processed between the three: the first is still running.
        first.startFetch();
        QVERIFY(fetcher.worker() != nullptr);
        second.startFetch();
        same.startFetch();
        QVERIFY(first.isBusy() && second.isBusy() && same.isBusy());
        QCOMPARE(fetcher.queuedCount(), 1);
        QVERIFY2(second.statusText().startsWith(QLatin1String("Queued")), qPrintable(second.statusText()));
        QVERIFY2(same.statusText().contains(QLatin1String("being fetched already")), qPrintable(same.statusText()));
        // The background refresh after a sync queues too, instead of running beside them.
        QVERIFY(fetcher.fetchMissing());
        QCOMPARE(fetcher.queuedCount(), 2);

        // Three fetches end: the first (with the one that joined it), the queued ETH, the background one.
        while (allDone.size() < 3 && allDone.wait(kWaitMs)) {}
        QCOMPARE(allDone.size(), 3);
        QCOMPARE(secondDone.size(), 1);
        QCOMPARE(firstDone.size(), 1);
        QCOMPARE(sameDone.size(), 1); // joined: ended with the first
        QCOMPARE(events,
                 (QList<QString>{QStringLiteral("start 1"), QStringLiteral("end 1"), QStringLiteral("start 2"),
                                 QStringLiteral("end 2"), QStringLiteral("start 3"), QStringLiteral("end 3")}));
        QCOMPARE(same.reportText(), first.reportText());
        QVERIFY(f.candles("BTC") >= 2499);
        QCOMPARE(f.candles("ETH"), f.candles("BTC"));
        QVERIFY(!fetcher.isBusy());
        QVERIFY(f.context->backgroundWrite().isEmpty());
    }

    // A queued fetch cancelled ends at once, never having asked anything.
    void aQueuedFetchCancelledIsDropped()
    {
        Fixture f;
        ui::PriceFetcher fetcher(*f.context);
        ui::PriceFetchDialog first(*f.context, fetcher);
        ui::PriceFetchDialog second(*f.context, fetcher);
        fill(first, QStringLiteral("BTC"), 30);
        fill(second, QStringLiteral("ETH"), 30);
        QSignalSpy firstDone(&first, &ui::PriceFetchDialog::fetchFinished);
        QSignalSpy allDone(&fetcher, &ui::PriceFetcher::finished); // one per ticket
        QSignalSpy secondDone(&second, &ui::PriceFetchDialog::fetchFinished);
        first.startFetch();
        second.startFetch();
        second.cancelFetch();
        QCOMPARE(secondDone.size(), 1); // at once: it was only queued
        QVERIFY(!second.isBusy());
        QVERIFY2(second.statusText().startsWith(QLatin1String("Cancelled")), qPrintable(second.statusText()));
        QVERIFY(firstDone.wait(kWaitMs));
        QVERIFY(f.candles("BTC") >= 29);
        QCOMPARE(f.candles("ETH"), 0);
    }

    // The dialog's list of the portfolio's assets is read on the fetcher's
    // thread (no snapshot built on the GUI thread).
    void thePortfolioAssetsAreReadOnTheWorker()
    {
        Fixture f;
        ui::PriceFetcher fetcher(*f.context);
        QSignalSpy read(&fetcher, &ui::PriceFetcher::portfolioAssetsRead);
        ui::PriceFetchDialog dialog(*f.context, fetcher);
        auto *assets = dialog.findChild<QLineEdit *>(QStringLiteral("assets"));
        QCOMPARE(assets->placeholderText(), QStringLiteral("The portfolio's assets"));
        QVERIFY(read.wait(kWaitMs));
        QCOMPARE(read.first().at(1).toStringList(), (QStringList{QStringLiteral("BTC"), QStringLiteral("ETH")}));
        QCOMPARE(assets->placeholderText(), QStringLiteral("The portfolio's: BTC, ETH"));
    }

    // CoinGecko's history is daily here: Hourly cannot be chosen with it, and
    // comes back with the other sources.
    void hourlyIsNotOfferedWithCoinGecko()
    {
        Fixture f;
        ui::PriceFetcher fetcher(*f.context);
        ui::PriceFetchDialog dialog(*f.context, fetcher);
        auto *source = dialog.findChild<QComboBox *>(QStringLiteral("source"));
        auto *interval = dialog.findChild<QComboBox *>(QStringLiteral("interval"));
        QVERIFY(source && interval);
        auto *model = qobject_cast<QStandardItemModel *>(interval->model());
        QVERIFY(model);
        const int hourly = interval->findData(QStringLiteral("1h"));
        source->setCurrentIndex(source->findData(QStringLiteral("binance")));
        interval->setCurrentIndex(hourly);
        QCOMPARE(dialog.request().interval, QStringLiteral("1h"));
        source->setCurrentIndex(source->findData(QStringLiteral("coingecko")));
        QCOMPARE(dialog.request().interval, QStringLiteral("1d"));
        QVERIFY(!model->item(hourly)->isEnabled());
        QVERIFY(model->item(hourly)->toolTip().contains(QStringLiteral("daily")));
        source->setCurrentIndex(source->findData(QStringLiteral("kraken")));
        QVERIFY(model->item(hourly)->isEnabled());
        interval->setCurrentIndex(hourly);
        QCOMPARE(dialog.request().interval, QStringLiteral("1h"));
    }

    // File > Fetch Price History… and the Backtest page's button open the dialog.
    void fileMenuAndBacktestPageOpenIt()
    {
        Fixture f;
        ui::MainWindow window(*f.context);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        auto *action = window.findChild<QAction *>(QStringLiteral("fetchPriceHistory"));
        QVERIFY(action);
        QVERIFY(window.findChildren<ui::PriceFetchDialog *>().isEmpty());
        QVERIFY(window.historyFetcher()->worker() == nullptr); // no thread before a fetch needs one
        action->trigger();
        QCOMPARE(window.findChildren<ui::PriceFetchDialog *>().size(), 1);
        QVERIFY(window.findChild<ui::PriceFetchDialog *>()->isVisible());
        QCOMPARE(window.findChild<ui::PriceFetchDialog *>()->fetcher(), window.historyFetcher());
        window.findChild<ui::PriceFetchDialog *>()->close();

        window.showPage(ui::MainWindow::Page::Backtest);
        auto *backtest = qobject_cast<ui::BacktestView *>(window.page(ui::MainWindow::Page::Backtest));
        QVERIFY(backtest);
        QTest::mouseClick(backtest->fetchHistoryButton(), Qt::LeftButton);
        auto *dialog = backtest->findChild<ui::PriceFetchDialog *>();
        QVERIFY(dialog);
        QVERIFY(dialog->isVisible());
        QCOMPARE(dialog->fetcher(), window.historyFetcher()); // the window's one fetcher
        dialog->close();
    }

    // A sync that stored something starts the fetch of the portfolio's
    // missing history (its holdings, since its first transaction) from the
    // default source, in the background; a failing source ends in the status
    // bar and no modal dialog.
    void syncFetchesTheMissingHistoryInTheBackground()
    {
        Fixture f;
        ui::MainWindow window(*f.context);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        auto *accounts = qobject_cast<ui::AccountsView *>(window.page(ui::MainWindow::Page::Accounts));
        QVERIFY(accounts);
        QSignalSpy finished(window.historyFetcher(), &ui::PriceFetcher::finished);
        emit accounts->accountsSynced(1);
        QVERIFY(window.historyFetcher()->isBusy());
        QVERIFY(finished.wait(kWaitMs));
        QVERIFY(finished.first().at(0).toBool());
        QVERIFY(f.candles("BTC") >= 364); // a year back: the portfolio's transactions are from today
        QVERIFY(f.candles("ETH") >= 364);
        QVERIFY2(window.statusBar()->currentMessage().contains(QLatin1String("Price history from binance")),
                 qPrintable(window.statusBar()->currentMessage()));

        // A second sync: nothing is missing, nothing is asked for.
        const qint64 btc = f.candles("BTC");
        const int asked = f.fake.requestCount(FakeEndpoint::Candles);
        emit accounts->accountsSynced(1);
        QVERIFY(finished.wait(kWaitMs));
        QCOMPARE(f.candles("BTC"), btc);
        QCOMPARE(f.fake.requestCount(FakeEndpoint::Candles), asked);

        // The source down: said in the status bar, no modal dialog.
        QSettings().setValue(QStringLiteral("prices/baseUrl/binance"), QStringLiteral("http://127.0.0.1:9"));
        f.tmp.db().exec("DELETE FROM candles");
        emit accounts->accountsSynced(1);
        QVERIFY(finished.wait(kWaitMs));
        QVERIFY(QApplication::activeModalWidget() == nullptr);
        QVERIFY2(window.statusBar()->currentMessage().contains(QLatin1String("not fetched")),
                 qPrintable(window.statusBar()->currentMessage()));
        QCOMPARE(f.candles("BTC"), 0);
    }
};

QTEST_MAIN(TestPriceFetchDialog)
#include "tst_pricefetchdialog.moc"
