// The GUI thread never waits on the network or on the execution worker,
// checked without a clock: the fake Binance runs in a thread of its own and
// holds every request of an execution until the GUI thread has taken a turn of
// its event loop (and read the ledger) after the request arrived. A GUI thread
// that waited on the worker, or made a request itself, could not take that
// turn: the request would be let go only by the fake's safety valve, which
// counts it as a failure. So the test fails when the GUI thread blocks, and a
// slow machine only makes it slower. (How long the GUI could not react is a
// figure, measured in tests/bench/bench_responsiveness_execution.)
#include "appcontext.h"
#include "dialogs/executionconfirmdialog.h"
#include "dialogs/executionsummarydialog.h"
#include "exchange/binanceexchange.h"
#include "execution/executioncontroller.h"
#include "fakebinance.h"
#include "fakebinancefixture.h"
#include "mainwindow.h"
#include "models/planmodel.h"
#include "security/keystore.h"
#include "services/ledger.h"
#include "services/ledgerqueries.h"
#include "testsupport.h"
#include "views/rebalanceview.h"

#include <QNetworkAccessManager>
#include <QPushButton>
#include <QSemaphore>
#include <QSignalSpy>
#include <QTest>
#include <QThread>

#include <atomic>
#include <functional>

using ballast::money::dec;
using ballast::money::Decimal;
using namespace ballast::test::fake;

namespace {

const QStringList kSells = {QStringLiteral("SOL"), QStringLiteral("ADA")};
const QStringList kBuys = {QStringLiteral("XLM"), QStringLiteral("TRX")};
const QStringList kPrices = {QStringLiteral("5"), QStringLiteral("10")};

QString passphrase()
{
    return QStringLiteral("non-blocking-test-passphrase");
}

/// Long enough that only a GUI thread that never comes back lets it run out.
constexpr int kSafetyValveMs = 120000;

} // namespace

class TestGuiNonBlocking : public QObject
{
    Q_OBJECT

    ballast::test::FakeBinanceThread m_fake;
    QString m_url;

    // Shared between the fake's thread and the GUI thread.
    std::atomic<bool> m_gating{false};
    std::atomic<int> m_held{0};
    std::atomic<int> m_lateReleases{0}; ///< requests the safety valve let go
    QSemaphore m_turnTaken;
    int m_guiTurns = 0; ///< GUI thread only
    int m_ledgerReads = 0; ///< GUI thread only

private slots:
    void initTestCase()
    {
        qputenv("BALLAST_NO_KEYCHAIN", "1");
        m_url = m_fake.start(kSells, kBuys, kPrices, [this](FakeBinance &fake) {
            // Runs in the fake's thread: hold the request until the GUI thread
            // has taken a turn after it arrived.
            fake.setRequestGate([this](const FakeRequest &) {
                if (!m_gating.load())
                    return;
                ++m_held;
                QMetaObject::invokeMethod(
                    this,
                    [this] {
                        ++m_guiTurns;
                        m_turnTaken.release();
                    },
                    Qt::QueuedConnection);
                if (!m_turnTaken.tryAcquire(1, kSafetyValveMs))
                    ++m_lateReleases;
            });
        });
        QVERIFY(!m_url.isEmpty());
    }

    void cleanupTestCase() { m_fake.stop(); }

    void guiThreadTakesTurnsWhileEveryRequestIsHeld()
    {
        ballast::test::TempDatabase temp;
        QList<ballast::domain::Target> targets;
        for (const QString &asset : kSells + kBuys)
            targets.append({asset, dec("0.225"), {}});
        targets.append({QStringLiteral("USDT"), dec("0.1"), {}});
        const QString prepared = ballast::test::prepareRebalanceLedger(temp, m_url, passphrase(), targets);
        QVERIFY2(prepared.isEmpty(), qPrintable(prepared));

        ballast::ui::AppContext context(temp.db(), temp.path());
        ballast::ui::MainWindow window(context);
        context.setPassphraseProvider([](const QString &) -> std::optional<QString> { return passphrase(); });
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        window.showPage(ballast::ui::MainWindow::Page::Rebalance);
        auto *view = qobject_cast<ballast::ui::RebalanceView *>(window.page(ballast::ui::MainWindow::Page::Rebalance));
        QVERIFY(view);
        QTest::mouseClick(view->findChild<QPushButton *>(QStringLiteral("proposeButton")), Qt::LeftButton);
        const int lines = view->planModel()->rowCount();
        QVERIFY2(lines >= 4, qPrintable(QStringLiteral("expected an order per asset, got %1").arg(lines)));

        // Meanwhile the GUI thread reads the ledger the worker writes to, as
        // the pages do when progress arrives.
        connect(view->controller(), &ballast::ui::ExecutionController::orderProgress, this,
                [&](const ballast::execution::OrderProgress &) {
                    ballast::services::LedgerQueries queries(temp.db());
                    if (queries.holdings().ok())
                        ++m_ledgerReads;
                });

        QSignalSpy finished(view, &ballast::ui::RebalanceView::summaryShown);
        QTest::mouseClick(view->findChild<QPushButton *>(QStringLiteral("executeButton")), Qt::LeftButton);
        QVERIFY(view->confirmDialog() != nullptr);
        m_gating = true;
        QTest::mouseClick(view->confirmDialog()->sendButton(), Qt::LeftButton);
        QVERIFY(finished.wait(10 * kSafetyValveMs));
        m_gating = false;

        const auto &summary = view->summaryDialog()->summary();
        QVERIFY2(!summary.aborted, qPrintable(summary.abortReason));
        QCOMPARE(summary.filled, lines);
        // Every order, its lookups and its fills went through the gate ...
        QVERIFY2(m_held.load() >= lines,
                 qPrintable(QStringLiteral("only %1 requests were held for %2 orders").arg(m_held.load()).arg(lines)));
        // ... and each was let go by a turn of the GUI thread, never by the valve.
        QCOMPARE(m_lateReleases.load(), 0);
        QVERIFY(m_guiTurns >= m_held.load());
        QVERIFY(m_ledgerReads > 0);
        qInfo("%d requests held, %d GUI turns let them go, %d ledger reads on the GUI thread meanwhile", m_held.load(),
              m_guiTurns, m_ledgerReads);
    }
};

QTEST_MAIN(TestGuiNonBlocking)
#include "tst_guinonblocking.moc"
